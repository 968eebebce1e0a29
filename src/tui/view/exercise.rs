//! The exercise views: the facilitator's (clock and its controls, every inject, observations,
//! ratings and actions), the participant's (the injects released so far, nothing ahead), and
//! the panel that keeps the newest inject on a participant's session screen until it is read.

use super::home::window;
use super::text::{ellipsis, wrapped};
use crate::domain::scenario::{Inject, Scenario};
use crate::domain::schedule::{self, InjectStatus};
use crate::domain::text::clean;
use crate::domain::time::ex_time;
use crate::tui::app::App;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

/// The exercise view: the facilitator's controls for those who run it, the released injects for
/// everyone else.
pub fn render(app: &App, f: &mut Frame, area: Rect) {
    let t = &app.theme;
    let Some(o) = &app.session else { return };
    let Some(sc) = &o.scenario else {
        f.render_widget(
            Paragraph::new("This exercise's scenario file could not be found.").style(t.warn()),
            area,
        );
        return;
    };
    if app.may_see_all() {
        facilitator(app, sc, f, area)
    } else {
        participant(app, sc, f, area)
    }
}

/// Short exercise times (H:MM) leave the title room.
fn short(ms: i64) -> String {
    let m = ms.max(0) / 60_000;
    format!("{}:{:02}", m / 60, m % 60)
}

fn clock_line(app: &App, sc: &Scenario, keys: &str) -> Vec<Line<'static>> {
    let t = &app.theme;
    let Some(o) = &app.session else {
        return Vec::new();
    };
    let clock = o.state.clock.as_ref();
    let ex = o.state.ex_ms(app.now).unwrap_or(0);
    let state = match clock {
        Some(c) if c.paused => "PAUSED".to_string(),
        Some(c) => format!("running x{}", c.speed),
        None => "no clock".into(),
    };
    let planned = sc
        .duration
        .map(|d| format!(" of {}", ex_time(d.as_ms())))
        .unwrap_or_default();
    vec![
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
            Span::styled(format!("   {keys}"), t.dim()),
        ]),
    ]
}

/// What a participant reads of an inject: its story, text, question and probes; never the
/// expected actions or the facilitator's notes.
fn inject_text(app: &App, inj: &Inject, w: usize, out: &mut Vec<Line<'static>>) {
    let t = &app.theme;
    out.extend(wrapped(
        &format!("{} ({})", inj.title, inj.id.v),
        w,
        t.title(),
        "",
    ));
    if let Some(s) = &inj.story_time {
        out.push(Line::styled(
            format!("Story time: {}", clean(s, false)),
            t.dim(),
        ));
    }
    if !inj.audience.is_empty() {
        out.extend(wrapped(
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
        out.extend(wrapped(x, w, t.text(), ""));
    }
    if let Some(q) = &inj.question {
        out.extend(wrapped(&format!("Ask: {q}"), w, t.heading(), ""));
    }
    for p in &inj.probes {
        out.extend(wrapped(&format!("• {p}"), w, t.text(), "  "));
    }
}

/// Observations (standing ones, numbered as in the documents), ratings and actions.
fn record_lines(app: &App, sc: &Scenario, w: usize) -> Vec<Line<'static>> {
    let t = &app.theme;
    let mut l = Vec::new();
    let Some(o) = &app.session else { return l };
    let st = &o.state;
    let live: Vec<_> = st.live_observations().collect();
    l.push(Line::styled(
        format!("Observations ({})  O add · E correct", live.len()),
        t.heading(),
    ));
    for (n, ob) in live.iter().rev() {
        let about = ob
            .objective
            .as_ref()
            .map(|x| format!(" [{x}]"))
            .unwrap_or_default();
        l.extend(wrapped(
            &format!(
                "O{n} {} {}{about}: {}",
                app.zone.hm(ob.at),
                ob.kind.label(),
                ob.text
            ),
            w,
            t.text(),
            "  ",
        ));
    }
    l.push(Line::styled("Objectives  o rate", t.heading()));
    for obj in &sc.objectives {
        let r = st
            .rating(&obj.id.v)
            .map(|r| r.rating.to_string())
            .unwrap_or_else(|| "-".into());
        // one line each: the ratings and the actions below stay in view at 80x24
        l.push(Line::styled(
            ellipsis(
                &clean(&format!("  [{r}] {}: {}", obj.id.v, obj.text), false),
                w,
            ),
            t.text(),
        ));
    }
    l.push(Line::styled(
        format!("Improvement actions ({})  P", st.actions.len()),
        t.heading(),
    ));
    for a in &st.actions {
        l.extend(wrapped(
            &crate::domain::command::action_label(a),
            w,
            t.text(),
            "  ",
        ));
    }
    l
}

/// The facilitator's view. At 80x24 the right pane shows either the selected inject or the
/// records (Tab switches); PgUp/PgDn scroll it.
fn facilitator(app: &App, sc: &Scenario, f: &mut Frame, area: Rect) {
    let t = &app.theme;
    let Some(o) = &app.session else { return };
    let st = &o.state;
    let [head, body] = Layout::vertical([Constraint::Length(2), Constraint::Min(1)]).areas(area);
    f.render_widget(Paragraph::new(clock_line(app, sc, "")), head);
    let left_w = (body.width / 2).clamp(30, 60);
    let [left, right] =
        Layout::horizontal([Constraint::Length(left_w), Constraint::Min(20)]).areas(body);
    let w = left.width.saturating_sub(1) as usize;
    let mut lines = Vec::new();
    let sel = app.inject_sel.min(sc.injects.len().saturating_sub(1));
    for i in window(sel, sc.injects.len(), left.height as usize) {
        let inj = &sc.injects[i];
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
    let inner = Rect {
        x: right.x + 1,
        width: right.width.saturating_sub(1),
        ..right
    };
    let w = inner.width as usize;
    let mut l = Vec::new();
    if app.exercise_pane == 0 {
        if let Some(inj) = sc.injects.get(sel) {
            if let Some(r) = st.inject(&inj.id.v)
                && let Some(reason) = r.reason.as_ref().filter(|_| !r.released)
            {
                l.extend(wrapped(
                    &format!("Skipped by {}: {reason}", r.by),
                    w,
                    t.warn(),
                    "",
                ));
            }
            inject_text(app, inj, w, &mut l);
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
        l.push(Line::styled(
            format!(
                "Tab: observations ({}), ratings, actions",
                st.live_observations().count()
            ),
            t.dim(),
        ));
    } else {
        l = record_lines(app, sc, w);
        l.push(Line::styled("Tab: the selected inject", t.dim()));
    }
    let max_scroll = l.len().saturating_sub(inner.height as usize) as u16;
    f.render_widget(
        Paragraph::new(l).scroll((app.detail_scroll.min(max_scroll), 0)),
        inner,
    );
}

/// A participant's view: the injects released so far (newest first) and the one selected in
/// full; Tab shows the observations.
fn participant(app: &App, sc: &Scenario, f: &mut Frame, area: Rect) {
    let t = &app.theme;
    let Some(o) = &app.session else { return };
    let st = &o.state;
    let [head, body] = Layout::vertical([Constraint::Length(2), Constraint::Min(1)]).areas(area);
    f.render_widget(
        Paragraph::new(clock_line(app, sc, "the injects released so far")),
        head,
    );
    let released = schedule::released(sc, st);
    if released.is_empty() {
        f.render_widget(
            Paragraph::new(" No inject has been released yet: the facilitator releases them.")
                .style(t.dim()),
            body,
        );
        return;
    }
    let left_w = (body.width / 3).clamp(24, 40);
    let [left, right] =
        Layout::horizontal([Constraint::Length(left_w), Constraint::Min(20)]).areas(body);
    let w = left.width.saturating_sub(1) as usize;
    let sel = app.inject_sel.min(released.len() - 1);
    let mut lines = Vec::new();
    for i in window(sel, released.len(), left.height as usize) {
        let (inj, rec) = released[released.len() - 1 - i];
        let when = rec.ex_ms.map(short).unwrap_or_default();
        let line = format!(
            "{when:>5} {}",
            crate::domain::text::fit(&clean(&inj.title, false), w.saturating_sub(7))
        );
        let style = if i == sel { t.selected() } else { t.text() };
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
    let inner = Rect {
        x: right.x + 1,
        width: right.width.saturating_sub(1),
        ..right
    };
    let w = inner.width as usize;
    let mut l = Vec::new();
    if app.exercise_pane == 0 {
        let (inj, rec) = released[released.len() - 1 - sel];
        l.push(Line::styled(
            format!(
                "Released at {} ({}) by {}",
                rec.ex_ms.map(ex_time).unwrap_or_default(),
                app.zone.hm(rec.at),
                clean(&rec.by, false)
            ),
            t.dim(),
        ));
        inject_text(app, inj, w, &mut l);
    } else {
        l = record_lines(app, sc, w);
    }
    let max_scroll = l.len().saturating_sub(inner.height as usize) as u16;
    f.render_widget(
        Paragraph::new(l).scroll((app.detail_scroll.min(max_scroll), 0)),
        inner,
    );
}

/// The newest released inject a participant has not marked read, over the top of the session
/// screen: it stays until Enter. Returns the height it took.
pub fn inject_panel(app: &App, f: &mut Frame, area: Rect) -> u16 {
    let t = &app.theme;
    let Some((inj, rec)) = app.unread_inject() else {
        return 0;
    };
    let w = area.width.saturating_sub(2) as usize;
    let mut l = Vec::new();
    inject_text(app, inj, w, &mut l);
    let max = (area.height / 2).max(4) as usize;
    let total = l.len();
    if total + 1 > max {
        l.truncate(max.saturating_sub(2));
        l.push(Line::styled("… F shows it all", t.dim()));
    }
    let h = (l.len() as u16 + 2).min(area.height);
    let r = Rect { height: h, ..area };
    f.render_widget(Clear, r);
    f.render_widget(
        Paragraph::new(l).block(
            Block::default()
                .borders(Borders::ALL)
                .border_style(t.warn())
                .title(Span::styled(
                    format!(
                        " INJECT at {}: Enter when read · F all injects ",
                        rec.ex_ms.map(ex_time).unwrap_or_default()
                    ),
                    t.warn(),
                )),
        ),
        r,
    );
    h
}
