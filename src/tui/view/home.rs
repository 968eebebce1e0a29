//! Home: the plans, the sessions, the index.

use super::text::{ellipsis, wrapped};
use crate::domain::text::clean;
use crate::tui::app::App;
use crate::tui::nav::INDEX_SECTIONS;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

pub fn render(app: &App, f: &mut Frame, area: Rect) {
    let t = &app.theme;
    let [tabs, body] = Layout::vertical([Constraint::Length(1), Constraint::Min(1)]).areas(area);
    let open = app.sessions.iter().filter(|s| !s.closed).count();
    let names = [
        format!("Plans ({})", app.lib.plans.len()),
        format!("Sessions ({open} open)"),
        "Index".to_string(),
    ];
    let mut spans = Vec::new();
    for (i, n) in names.iter().enumerate() {
        let style = if i == app.tab {
            t.selected().patch(t.title())
        } else {
            t.dim()
        };
        spans.push(Span::styled(format!(" {n} "), style));
        spans.push(Span::raw(" "));
    }
    if app.lib.builtin {
        spans.push(Span::styled("sample library", t.warn()));
    }
    f.render_widget(Paragraph::new(Line::from(spans)), tabs);
    match app.tab {
        0 => plans(app, f, body),
        1 => sessions(app, f, body),
        _ => index(app, f, body),
    }
}

/// Keeps the selected row in view.
pub fn window(sel: usize, len: usize, rows: usize) -> std::ops::Range<usize> {
    let rows = rows.max(1);
    let start = sel
        .saturating_sub(rows.saturating_sub(1))
        .min(len.saturating_sub(rows.min(len)));
    let start = if sel < start { sel } else { start };
    start..(start + rows).min(len)
}

fn plans(app: &App, f: &mut Frame, area: Rect) {
    let t = &app.theme;
    let today = app.zone.date(app.now);
    let info_h = 6.min(area.height / 3);
    let [list, info] =
        Layout::vertical([Constraint::Min(3), Constraint::Length(info_h)]).areas(area);
    let w = list.width as usize;
    let mut lines = vec![Line::styled(
        format!(
            "{:<2}{:<w1$} {:<13} {:>5}  {:<6} {}",
            "",
            "TITLE",
            "KIND",
            "STEPS",
            "RTO",
            "REVIEW",
            w1 = w.saturating_sub(44).max(10)
        ),
        t.dim(),
    )];
    let errors = app.lib.errors();
    if errors > 0 {
        // every plan file with an error, read or not (a broken link is never parsed at all)
        let mut broken: Vec<&str> = app
            .lib
            .diagnostics
            .iter()
            .filter(|d| d.is_error() && d.path.contains("plans/"))
            .map(|d| d.path.as_str())
            .collect();
        broken.sort_unstable();
        broken.dedup();
        let missing = broken.len();
        let what = if missing > 0 {
            format!("{missing} plan file(s) with errors")
        } else {
            "some entries may be incomplete".to_string()
        };
        lines.insert(
            0,
            Line::styled(
                ellipsis(
                    &format!("! {errors} error(s): {what}. Run `muster check`."),
                    w,
                ),
                t.error_banner(),
            ),
        );
    }
    let rows = list.height.saturating_sub(if errors > 0 { 2 } else { 1 }) as usize;
    for i in window(app.plan_sel, app.lib.plans.len(), rows) {
        let p = &app.lib.plans[i];
        let rto = p
            .services
            .iter()
            .filter_map(|s| {
                app.lib
                    .index
                    .service(s)
                    .and_then(|x| x.rto.as_ref())
                    .map(|r| r.v)
            })
            .min();
        let mark = if app.marked.contains(&p.id.v) {
            "* "
        } else {
            "  "
        };
        let title = crate::domain::text::fit(&clean(&p.title, false), w.saturating_sub(44).max(10));
        let review = p.review_status(today);
        let line = format!(
            "{mark}{title} {:<13} {:>5}  {:<6} {}",
            p.kind.label(),
            p.steps.len(),
            rto.map(|r| r.to_string()).unwrap_or("-".into()),
            review,
        );
        let style = if i == app.plan_sel {
            t.selected()
        } else if review != "ok" {
            t.warn()
        } else {
            t.text()
        };
        lines.push(Line::styled(format!("{:w$}", ellipsis(&line, w)), style));
    }
    if app.lib.plans.is_empty() {
        lines.push(Line::styled(
            "No plans in this library. Write one in plans/ (see docs/FORMAT.md).",
            t.warn(),
        ));
    }
    f.render_widget(Paragraph::new(lines), list);
    if let Some(p) = app.lib.plans.get(app.plan_sel) {
        let mut l = Vec::new();
        let svcs: Vec<String> = p
            .services
            .iter()
            .map(|s| app.lib.index.service_summary(s))
            .collect();
        l.extend(wrapped(
            &format!("Services: {}", svcs.join("; ")),
            info.width as usize - 2,
            t.text(),
            "",
        ));
        if let Some(wh) = &p.invoke_when {
            l.extend(wrapped(
                &format!("Invoke when: {wh}"),
                info.width as usize - 2,
                t.dim(),
                "",
            ));
        }
        let block = Block::default()
            .borders(Borders::TOP)
            .border_style(t.border())
            .title(Span::styled(format!(" {} ", p.id.v), t.heading()));
        f.render_widget(Paragraph::new(l).block(block), info);
    }
}

fn sessions(app: &App, f: &mut Frame, area: Rect) {
    let t = &app.theme;
    let w = area.width as usize;
    let mut lines = vec![Line::styled(
        format!(
            "{:<9} {:<8} {:<7} {:<16} {}",
            "MODE", "STATE", "DONE", "STARTED", "TITLE"
        ),
        t.dim(),
    )];
    if app.sessions.is_empty() {
        lines.push(Line::raw(""));
        lines.push(Line::styled(
            "No sessions yet. Go to Plans, choose one and press s to start.",
            t.dim(),
        ));
    }
    for i in window(
        app.session_sel,
        app.sessions.len(),
        area.height.saturating_sub(1) as usize,
    ) {
        let s = &app.sessions[i];
        let started = app.zone.date_hm(s.started_at);
        let line = format!(
            "{:<9} {:<8} {:<7} {:<16} {}",
            if s.exercise { "EXERCISE" } else { "incident" },
            if s.closed { "closed" } else { "open" },
            format!("{}/{}", s.finished, s.total),
            started,
            clean(&s.title, false)
        );
        let style = if i == app.session_sel {
            t.selected()
        } else if s.exercise {
            t.warn()
        } else {
            t.text()
        };
        lines.push(Line::styled(format!("{:w$}", ellipsis(&line, w)), style));
    }
    f.render_widget(Paragraph::new(lines), area);
}

fn index(app: &App, f: &mut Frame, area: Rect) {
    let t = &app.theme;
    let mut lines = vec![Line::styled(
        format!(
            "Index of Disaster-Relevant Information: {}",
            clean(&app.lib.index.organisation.name, false)
        ),
        t.title(),
    )];
    if let Some(l) = &app.lib.index.organisation.emergency_line {
        lines.push(Line::raw(format!("Emergency line: {}", clean(l, false))));
    }
    lines.push(Line::raw(""));
    for (i, kind) in INDEX_SECTIONS.iter().enumerate() {
        let name = kind.section();
        let n = app.index_entries.iter().filter(|e| e.kind == *kind).count();
        let line = format!("  {name:<12} {n:>4}");
        lines.push(Line::styled(
            line,
            if i == app.index_section {
                t.selected()
            } else {
                t.text()
            },
        ));
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled(
        "Enter opens the section; / searches everything.",
        t.dim(),
    ));
    f.render_widget(Paragraph::new(lines), area);
}
