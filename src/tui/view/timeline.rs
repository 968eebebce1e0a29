//! The timeline of a session (newest first) and the exercise facilitator's view.

use super::home::window;
use super::text::{ellipsis, wrapped};
use crate::domain::schedule::{self, InjectStatus};
use crate::domain::text::clean;
use crate::domain::time::ex_time;
use crate::present::describe::describe;
use crate::tui::app::App;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

pub fn render(app: &App, f: &mut Frame, area: Rect) {
    let t = &app.theme;
    let Some(o) = &app.session else { return };
    let w = area.width as usize;
    let total = o.state.events;
    let n = app.recent.len();
    let head = if total > n {
        format!(
            "Timeline of {}: the latest {n} of {total} events, newest first (`muster log` has them all)",
            o.state.id
        )
    } else {
        format!("Timeline of {}: {total} events, newest first", o.state.id)
    };
    let mut lines = vec![Line::styled(head, t.title())];
    let rows = area.height.saturating_sub(1 + (area.height / 3).max(2)) as usize;
    let exercise = o.state.is_exercise();
    for i in window(app.timeline_sel, n, rows) {
        let e = &app.recent[n - 1 - i];
        let d = describe(e, o);
        let mut text = format!("{} ", app.zone.at(e.at).format("%m-%d %H:%M:%S"));
        if exercise && let Some(ms) = e.ex_ms {
            text.push_str(&format!("{} ", ex_time(ms)));
        }
        text.push_str(&format!(
            "{:<10} {}",
            ellipsis(&clean(&e.actor, false), 10),
            d.action
        ));
        if let Some(s) = &d.step {
            text.push_str(&format!(" {s}"));
        }
        if !d.subject.is_empty() && d.step.is_none() {
            text.push_str(&format!(" {}", clean(&d.subject, false)));
        }
        if let Some(x) = &d.text {
            text.push_str(&format!(": {}", clean(x, false)));
        }
        let style = if i == app.timeline_sel {
            t.selected()
        } else if d.action.starts_with("inject") {
            t.warn()
        } else {
            t.text()
        };
        lines.push(Line::styled(format!("{:w$}", ellipsis(&text, w)), style));
    }
    // the selected event in full, under the list: a long note is never out of reach
    let sel = n
        .checked_sub(1 + app.timeline_sel)
        .and_then(|i| app.recent.get(i));
    let detail: Vec<Line> = match sel {
        Some(e) => {
            let d = describe(e, o);
            let mut full = format!("{} {} {}", app.zone.hm(e.at), e.actor, d.action);
            if let Some(s) = &d.step {
                full.push_str(&format!(" {s}"));
            }
            if !d.subject.is_empty() {
                full.push_str(&format!(" {}", d.subject));
            }
            if let Some(x) = &d.text {
                full.push_str(&format!(": {x}"));
            }
            wrapped(&full, w, t.text(), "")
        }
        None => Vec::new(),
    };
    let detail_h = (detail.len() as u16 + 1).min(area.height / 3).max(2);
    let list_area = Rect {
        height: area.height.saturating_sub(detail_h),
        ..area
    };
    let detail_area = Rect {
        y: area.y + list_area.height,
        height: detail_h,
        ..area
    };
    f.render_widget(Paragraph::new(lines), list_area);
    f.render_widget(
        Paragraph::new(detail).block(
            Block::default()
                .borders(Borders::TOP)
                .border_style(t.border()),
        ),
        detail_area,
    );
}

/// The facilitator's view: the clock and its controls, the injects and their state, the
/// observations and the objectives' ratings.
pub fn facilitator(app: &App, f: &mut Frame, area: Rect) {
    let t = &app.theme;
    let Some(o) = &app.session else { return };
    let Some(sc) = &o.scenario else {
        f.render_widget(
            Paragraph::new("This exercise's scenario file could not be found.").style(t.warn()),
            area,
        );
        return;
    };
    let st = &o.state;
    let [head, body] = Layout::vertical([Constraint::Length(2), Constraint::Min(1)]).areas(area);
    let clock = st.clock.as_ref();
    let ex = clock.map(|c| c.ex_ms(app.now)).unwrap_or(0);
    let state = match clock {
        Some(c) if c.paused => "PAUSED".to_string(),
        Some(c) => format!("running x{}", c.speed),
        None => "no clock".into(),
    };
    let planned = sc
        .duration
        .map(|d| format!(" of {}", ex_time(d.as_ms())))
        .unwrap_or_default();
    let head_lines = vec![
        Line::from(vec![
            Span::styled(" EXERCISE ", t.exercise()),
            Span::styled(format!(" {} ", clean(&sc.title, false)), t.title()),
            Span::styled(format!("({})", sc.kind.label()), t.dim()),
        ]),
        Line::from(vec![
            Span::styled(
                format!(" Clock {ex}{planned} ", ex = ex_time(ex)),
                t.title(),
            ),
            Span::styled(state, t.warn()),
            Span::styled(
                "   Space pause/resume · + speed · > +5 min · R release · x skip",
                t.dim(),
            ),
        ]),
    ];
    f.render_widget(Paragraph::new(head_lines), head);
    let left_w = (body.width / 2).clamp(30, 60);
    let [left, right] =
        Layout::horizontal([Constraint::Length(left_w), Constraint::Min(20)]).areas(body);
    let w = left.width.saturating_sub(1) as usize;
    let mut lines = Vec::new();
    let sel = app.inject_sel.min(sc.injects.len().saturating_sub(1));
    for i in window(sel, sc.injects.len(), left.height as usize) {
        let inj = &sc.injects[i];
        // short exercise times (H:MM) leave the title room
        let short = |ms: i64| {
            let m = ms.max(0) / 60_000;
            format!("{}:{:02}", m / 60, m % 60)
        };
        let (mark, when) = match schedule::status(sc, st, &inj.id, app.now) {
            InjectStatus::Released { ex_ms, early } => (
                "[x]",
                format!(
                    "{}{}",
                    ex_ms.map(short).unwrap_or_default(),
                    if early { " early" } else { "" }
                ),
            ),
            InjectStatus::Skipped => ("[-]", "skipped".to_string()),
            InjectStatus::Due => ("[!]", "DUE NOW".to_string()),
            InjectStatus::Waiting(ms) => ("[ ]", format!("at {}", short(ms))),
            InjectStatus::AfterOther(other) => ("[ ]", format!("after {}", ellipsis(&other, 8))),
            InjectStatus::Manual => ("[ ]", "by hand".to_string()),
        };
        let when_w = 14;
        let title_w = w.saturating_sub(4 + when_w + 2);
        let line = format!(
            "{mark} {} {when:>when_w$} ",
            crate::domain::text::fit(&clean(&inj.title, false), title_w)
        );
        let style = if i == sel {
            t.selected()
        } else if mark == "[!]" {
            t.warn()
        } else {
            t.text()
        };
        lines.push(Line::styled(format!("{:w$}", ellipsis(&line, w)), style));
    }
    f.render_widget(
        Paragraph::new(lines).block(
            Block::default()
                .borders(Borders::RIGHT)
                .border_style(t.border()),
        ),
        left,
    );
    // the selected inject, then observations and ratings
    let inner = Rect {
        x: right.x + 1,
        width: right.width.saturating_sub(1),
        ..right
    };
    let w = inner.width as usize;
    let mut l = Vec::new();
    if let Some(inj) = sc.injects.get(sel) {
        l.extend(wrapped(
            &format!("{} ({})", inj.title, inj.id.v),
            w,
            t.title(),
            "",
        ));
        if let Some(s) = &inj.story_time {
            l.push(Line::styled(
                format!("Story time: {}", clean(s, false)),
                t.dim(),
            ));
        }
        if !inj.audience.is_empty() {
            l.extend(wrapped(
                &format!(
                    "For: {}",
                    inj.audience
                        .iter()
                        .map(|a| app.lib.index.role_title(a))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                w,
                t.dim(),
                "",
            ));
        }
        if let Some(x) = &inj.text {
            l.extend(wrapped(x, w, t.text(), ""));
        }
        if let Some(q) = &inj.question {
            l.extend(wrapped(&format!("Ask: {q}"), w, t.heading(), ""));
        }
        for p in &inj.probes {
            l.extend(wrapped(&format!("• {p}"), w, t.text(), "  "));
        }
        if !inj.expected_actions.is_empty() {
            l.push(Line::styled("Expected actions", t.dim()));
            for p in &inj.expected_actions {
                l.extend(wrapped(&format!("• {p}"), w, t.text(), "  "));
            }
        }
        if let Some(n) = &inj.facilitator_notes {
            l.extend(wrapped(&format!("Facilitator: {n}"), w, t.dim(), ""));
        }
    }
    l.push(Line::raw(""));
    l.push(Line::styled(
        format!("Observations ({})  O to add", st.observations.len()),
        t.heading(),
    ));
    for ob in st.observations.iter().rev().take(5) {
        l.extend(wrapped(
            &format!("{} {}: {}", app.zone.hm(ob.at), ob.kind.label(), ob.text),
            w,
            t.text(),
            "  ",
        ));
    }
    l.push(Line::styled("Objectives  o to rate", t.heading()));
    for obj in &sc.objectives {
        let r = st
            .rating(&obj.id)
            .map(|r| r.rating.to_string())
            .unwrap_or_else(|| "-".into());
        l.extend(wrapped(
            &format!("[{r}] {}: {}", obj.id.v, obj.text),
            w,
            t.text(),
            "  ",
        ));
    }
    let max_scroll = l.len().saturating_sub(inner.height as usize) as u16;
    f.render_widget(
        Paragraph::new(l).scroll((app.detail_scroll.min(max_scroll), 0)),
        inner,
    );
}
