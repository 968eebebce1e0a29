//! A plan's steps and the selected step's details: read-only from the library, or live in a
//! session with each step's state, who and when.

use super::home::window;
use super::text::{ellipsis, markdown, wrapped};
use crate::domain::plan::Step;
use crate::domain::session::deadline::DueState;
use crate::domain::session::{NoteKind, StepState, StepStatus};
use crate::domain::text::clean;
use crate::domain::time::human_duration;
use crate::present::due_words;
use crate::tui::app::{App, Screen};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

/// How many of a step's notes its details show (the latest).
pub const MAX_NOTES_SHOWN: usize = 200;

pub fn render(app: &App, f: &mut Frame, area: Rect) {
    let t = &app.theme;
    let Some((plan, states)) = app.shown_plan() else {
        let msg = match &app.session {
            Some(o) if o.state.plans.is_empty() => "This session has no plans.".to_string(),
            Some(_) => "This plan's file could not be found: its steps cannot be shown. See the warnings with `muster status`.".to_string(),
            None => "No plan selected.".to_string(),
        };
        f.render_widget(Paragraph::new(msg).style(t.warn()), area);
        return;
    };
    // the forecast of the plan shown, in a running session: its end and its critical path
    let forecast = match (&app.screen, &app.session) {
        (Screen::Session, Some(o)) if o.state.closed.is_none() => {
            let key = (
                o.state.id.clone(),
                o.state.events,
                app.now.timestamp().div_euclid(60),
                app.cur_plan,
            );
            let mut cache = app.forecast_cache.borrow_mut();
            match &*cache {
                Some((k, f)) if *k == key => f.clone(),
                _ => {
                    let id = plan.id.v.as_str();
                    let f = crate::domain::forecast::plan(o, app.cur_plan, app.now, &|step| {
                        crate::domain::history::median(&app.medians, id, step)
                    });
                    *cache = Some((key, f.clone()));
                    f
                }
            }
        }
        _ => None,
    };
    let critical: std::collections::HashSet<&str> = forecast
        .iter()
        .flat_map(|f| f.critical_path.iter().map(String::as_str))
        .collect();
    // plan tabs (in a session) or the plan's title
    let [head, body] = Layout::vertical([Constraint::Length(1), Constraint::Min(1)]).areas(area);
    let mut spans = Vec::new();
    match (&app.screen, &app.session) {
        (Screen::Session, Some(o)) => {
            for (i, p) in o.state.plans.iter().enumerate() {
                let (d, n) = p.progress();
                let style = if i == app.cur_plan {
                    t.selected().patch(t.title())
                } else {
                    t.dim()
                };
                spans.push(Span::styled(format!(" {} {} {d}/{n} ", i + 1, p.id), style));
                // change control: the library's plan is not the one this run follows
                if app
                    .lib
                    .plan(p.id.as_str())
                    .is_some_and(|l| l.hash != p.hash)
                {
                    spans.push(Span::styled(
                        "changed in the library since the run ·",
                        t.warn(),
                    ));
                }
                spans.push(Span::raw(" "));
            }
            // the forecast of the plan shown, against the RTO it restores soonest
            if let Some(f) = &forecast {
                let svc =
                    crate::domain::forecast::services(o, &app.lib.index, std::slice::from_ref(f));
                let text = match svc.iter().min_by_key(|s| s.slack_min) {
                    Some(sf) => format!(
                        "forecast {} · RTO {} · {}",
                        app.zone.hm(f.end_at),
                        app.zone.hm(sf.rto_at),
                        sf.words()
                    ),
                    None => format!("forecast {}", app.zone.hm(f.end_at)),
                };
                // the list marks the steps the end waits on: said when there is room for it
                let legend = match (&f.waits_on, f.critical_path.is_empty()) {
                    (_, true) => String::new(),
                    (Some(w), false) => format!(" · » {}'s steps", clean(w, false)),
                    (None, false) => " · » critical".to_string(),
                };
                let used: usize = spans.iter().map(|s| s.width()).sum();
                let width = |s: &str| unicode_width::UnicodeWidthStr::width(s);
                let text = if used + width(&text) + width(&legend) <= head.width as usize {
                    text + &legend
                } else {
                    text
                };
                let late = svc.iter().any(|s| s.slack_min < 0);
                spans.push(Span::styled(
                    text,
                    if late { t.error_banner() } else { t.dim() },
                ));
            }
        }
        _ => {
            spans.push(Span::styled(
                format!(" {} ", clean(&plan.title, false)),
                t.heading(),
            ));
            spans.push(Span::styled(
                format!(
                    " read-only · {} · {} steps · s starts a session",
                    plan.kind.label(),
                    plan.steps.len()
                ),
                t.dim(),
            ));
        }
    }
    f.render_widget(Paragraph::new(Line::from(spans)), head);

    // the list grows with the terminal, up to what its longest title needs
    let longest = plan
        .steps
        .iter()
        .map(|s| unicode_width::UnicodeWidthStr::width(s.title.as_str()))
        .max()
        .unwrap_or(0) as u16;
    let left_w = (body.width * 2 / 5)
        .min(longest + 18)
        .max(24.min(body.width));
    let [left, right] =
        Layout::horizontal([Constraint::Length(left_w), Constraint::Min(20)]).areas(body);
    // the steps
    let w = left.width.saturating_sub(1) as usize;
    let rows = left.height as usize;
    let sel = app.step_sel.min(plan.steps.len().saturating_sub(1));
    let mut lines = Vec::new();
    for i in window(sel, plan.steps.len(), rows) {
        let s = &plan.steps[i];
        let st = states.and_then(|x| x.get(i));
        let (mark, style) = match st {
            Some(st) if st.has_conflict() => (st.mark(), t.warn()),
            Some(st) if st.bypassed => (st.mark(), t.dim()),
            Some(st) => (st.mark(), t.state(st.state)),
            None => ("[ ]", t.text()),
        };
        let due = st.and_then(|st| step_deadline(app, plan, s, st));
        let overdue = due.is_some_and(|d| d.state == DueState::Overdue);
        let when = match (due, st) {
            // an overdue step shows when it was due, marked, instead of when it last changed
            (Some(d), _) if overdue => format!(" !{}", app.zone.hm(d.at)),
            (_, Some(st)) if st.state != StepStatus::Pending => st
                .at
                .map(|a| format!(" {}", app.zone.hm(a)))
                .unwrap_or_default(),
            _ => String::new(),
        };
        let style = if overdue { t.warn() } else { style };
        let title_w = w.saturating_sub(4 + 4 + when.len() + 1);
        // » marks a step on the forecast's critical path
        let line = format!(
            "{mark} {:>2}{}{}{when}",
            i + 1,
            if critical.contains(s.id.v.as_str()) {
                "»"
            } else {
                " "
            },
            crate::domain::text::fit(&clean(&s.title, false), title_w)
        );
        let style = if i == sel {
            t.selected().patch(style)
        } else {
            style
        };
        lines.push(Line::styled(format!("{:w$}", ellipsis(&line, w)), style));
    }
    let block = Block::default()
        .borders(Borders::RIGHT)
        .border_style(t.border());
    f.render_widget(Paragraph::new(lines).block(block), left);

    // the selected step
    if let Some(step) = plan.steps.get(sel) {
        let st = states.and_then(|x| x.get(sel));
        // lines of text stay short enough to read on a wide terminal
        let inner = Rect {
            x: right.x + 1,
            width: right.width.saturating_sub(1).min(110),
            ..right
        };
        // wrapped once per step, width and change: scrolling and keys elsewhere reuse the lines
        let key = StepKey {
            plan: std::ptr::from_ref(plan) as usize,
            step: sel,
            width: inner.width,
            hscroll: app.hscroll,
            session: app.session.as_ref().map(|s| s.state.id.clone()),
            events: app.session.as_ref().map_or(0, |s| s.state.events),
            minute: app.now.timestamp().div_euclid(60),
        };
        let mut cache = app.step_cache.borrow_mut();
        let lines = match &*cache {
            Some((k, lines)) if *k == key => lines,
            _ => {
                let lines = step_lines(app, plan, step, st, inner.width as usize);
                &cache.insert((key, lines)).1
            }
        };
        let max_scroll = lines.len().saturating_sub(inner.height as usize);
        let top = (app.detail_scroll as usize).min(max_scroll);
        let shown: Vec<Line> = lines
            .iter()
            .skip(top)
            .take(inner.height as usize)
            .cloned()
            .collect();
        f.render_widget(Paragraph::new(shown), inner);
    }
}

/// What a step's wrapped lines depend on, beyond the library and the theme.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepKey {
    session: Option<crate::domain::ids::SessionId>,
    plan: usize,
    step: usize,
    width: u16,
    hscroll: u16,
    /// Any new event may change the step (its state, its notes).
    events: usize,
    /// The time spent on a step is shown in minutes.
    minute: i64,
}

/// Every detail of a step, as lines of `width` columns. Commands keep their lines whole and
/// scroll sideways with the app's horizontal offset.
pub fn step_lines(
    app: &App,
    plan: &crate::domain::Plan,
    step: &Step,
    st: Option<&StepState>,
    width: usize,
) -> Vec<Line<'static>> {
    let t = &app.theme;
    let mut l: Vec<Line<'static>> = Vec::new();
    let idx = plan.step_index(&step.id).unwrap_or(0);
    l.extend(wrapped(
        &format!("{}. {}", idx + 1, step.title),
        width,
        t.title(),
        "",
    ));
    let mut meta = vec![format!("id {}", step.id.v)];
    if let Some(p) = step.phase {
        meta.push(format!(
            "phase {}: {}",
            p + 1,
            clean(&plan.phases[p], false)
        ));
    }
    if let Some(e) = &step.estimate {
        meta.push(format!("est. {e}"));
    }
    l.push(Line::styled(ellipsis(&meta.join(" · "), width), t.dim()));
    if st.is_none() {
        let mut when = Vec::new();
        if let Some(d) = step.due {
            when.push(format!("due {d}"));
        }
        if let Some(e) = step.every {
            when.push(format!("every {e}"));
        }
        if !when.is_empty() {
            l.extend(wrapped(&when.join(" · "), width, t.text(), ""));
        }
    }
    if let Some(st) = st {
        let mut s = vec![Span::styled(
            format!("{} {}", st.state.mark(), st.state.label().to_uppercase()),
            t.state(st.state),
        )];
        if let (Some(by), Some(at)) = (&st.by, st.at) {
            s.push(Span::raw(format!(
                " by {} at {}",
                clean(by, false),
                app.zone.hm(at)
            )));
        }
        if st.bypassed {
            s.push(Span::styled(" · not on the chosen branch", t.dim()));
        }
        if let Some(a) = &st.assignee {
            s.push(Span::raw(format!(" · assigned to {}", clean(a, false))));
        }
        let active = st.active_secs(app.now);
        if active > 0 {
            s.push(Span::styled(
                format!(
                    " · {} spent",
                    human_duration(chrono::Duration::seconds(active))
                ),
                t.dim(),
            ));
        }
        l.push(Line::from(s));
        // what a responder must see first: a disagreement, why it is skipped or blocked, the
        // decision taken
        for c in st.conflicts() {
            l.extend(wrapped(
                &format!(
                    "CONFLICT: {} ({})",
                    clean(&c.text, false),
                    app.zone.hm(c.at)
                ),
                width,
                t.warn(),
                "  ",
            ));
        }
        if let Some(r) = st.reason() {
            l.extend(wrapped(
                &format!(
                    "{}: {} ({}, {})",
                    if st.state == StepStatus::Skipped {
                        "Skipped because"
                    } else {
                        "Blocked: waiting for"
                    },
                    clean(&r.text, false),
                    clean(&r.by, false),
                    app.zone.hm(r.at)
                ),
                width,
                t.warn(),
                "  ",
            ));
        }
        if let Some(d) = &st.decision {
            l.extend(wrapped(
                &format!(
                    "Decided: {} ({}, {})",
                    clean(&d.option, false),
                    clean(&d.by, false),
                    app.zone.hm(d.at)
                ),
                width,
                t.state(StepStatus::Done),
                "  ",
            ));
        }
        if let Some(d) = step_deadline(app, plan, step, st) {
            let style = if d.state == DueState::Overdue {
                t.warn()
            } else {
                t.text()
            };
            let text = match step.due {
                Some(due) => format!("Due {due}: {}", due_words(&d, step.every, app.zone)),
                None => format!("Recurring: {}", due_words(&d, step.every, app.zone)),
            };
            l.extend(wrapped(&text, width, style, ""));
        }
        for c in &st.confirmations {
            l.push(Line::styled(
                format!(
                    "  also confirmed done by {} at {}",
                    clean(&c.by, false),
                    app.zone.hm(c.at)
                ),
                t.dim(),
            ));
        }
    }
    // dependencies not yet finished
    if !step.depends_on.is_empty() {
        let open: Vec<String> = step
            .depends_on
            .iter()
            .filter(|d| match (st, plan.step_index(d)) {
                (Some(_), Some(i)) => app
                    .shown_plan()
                    .and_then(|(_, s)| s)
                    .and_then(|s| s.get(i))
                    .is_none_or(|x| !x.state.finished()),
                _ => true,
            })
            .map(|d| {
                format!(
                    "{}. {}",
                    plan.step_index(d).map(|i| i + 1).unwrap_or(0),
                    d.v
                )
            })
            .collect();
        // a step already finished waits for nothing
        if st.is_some_and(|s| !s.state.finished()) && !open.is_empty() {
            l.extend(wrapped(
                &format!("Waiting for: {}", open.join(", ")),
                width,
                t.warn(),
                "",
            ));
        } else if st.is_none() {
            l.extend(wrapped(
                &format!(
                    "After: {}",
                    step.depends_on
                        .iter()
                        .map(|d| d.v.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                width,
                t.dim(),
                "",
            ));
        }
    }
    // who to call
    if let Some(role) = &step.role {
        let ix = &app.lib.index;
        let title = ix
            .role(role)
            .map(|r| r.title.clone())
            .unwrap_or_else(|| role.v.clone());
        l.push(Line::raw(""));
        l.push(Line::styled(
            ellipsis(&format!("Who: {}", clean(&title, false)), width),
            t.heading(),
        ));
        let people = ix.contacts_at(role, app.now);
        let on_call = ix.on_call(role, app.now);
        if people.is_empty() {
            l.push(Line::styled(
                "  nobody listed in the index for this role",
                t.warn(),
            ));
        }
        for (i, p) in people.iter().enumerate() {
            let phones = if p.phones.is_empty() {
                "no phone listed".to_string()
            } else {
                p.phones.join(" / ")
            };
            let on = match on_call {
                Some(s) if s.person.v == p.id.v => {
                    format!("  (on call until {})", app.zone.date_hm(s.to))
                }
                _ => String::new(),
            };
            l.extend(wrapped(
                &format!("{}. {}  {}{on}", i + 1, p.name, phones),
                width,
                t.text(),
                "  ",
            ));
        }
    }
    // the calls made about it
    if let Some(s) = &app.session {
        let r = crate::domain::ids::StepRef {
            plan: crate::domain::ids::PlanId::new(plan.id.v.as_str()),
            step: crate::domain::ids::StepId::new(step.id.v.as_str()),
        };
        let calls: Vec<_> = s
            .state
            .calls
            .iter()
            .filter(|c| c.step.as_ref() == Some(&r))
            .collect();
        if !calls.is_empty() {
            l.push(Line::raw(""));
            l.push(Line::styled("Calls (p records one)", t.heading()));
            for c in calls {
                let note = c
                    .note
                    .as_deref()
                    .map(|n| format!(": {n}"))
                    .unwrap_or_default();
                l.extend(wrapped(
                    &clean(
                        &format!("{} {}{note} (by {})", app.zone.hm(c.at), c.words(), c.by),
                        false,
                    ),
                    width,
                    t.text(),
                    "  ",
                ));
            }
        }
    }
    // who to tell: roles (their people) or people of the index
    if !step.notify.is_empty() {
        let ix = &app.lib.index;
        l.push(Line::raw(""));
        l.push(Line::styled("Tell", t.heading()));
        for n in &step.notify {
            let people = match ix.person(n) {
                Some(p) => vec![p],
                None => ix.contacts_for_role(n),
            };
            let name = ix.role(n).map_or(n.v.as_str(), |r| r.title.as_str());
            let reach: Vec<String> = people
                .iter()
                .map(|p| {
                    let how = p
                        .phones
                        .first()
                        .or(p.email.as_ref())
                        .cloned()
                        .unwrap_or_else(|| "no phone listed".into());
                    format!("{} {how}", p.name)
                })
                .collect();
            let text = if ix.person(n).is_some() {
                reach.join("")
            } else if reach.is_empty() {
                format!("{name}: nobody listed in the index")
            } else {
                format!("{name}: {}", reach.join("; "))
            };
            l.extend(wrapped(&text, width, t.text(), "  "));
        }
    }
    if let Some(b) = &step.body {
        l.push(Line::raw(""));
        l.extend(markdown(b, width, t, app.hscroll as usize));
    }
    if !step.commands.is_empty() {
        l.push(Line::raw(""));
        l.push(Line::from(vec![
            Span::styled("Commands", t.heading()),
            Span::styled("  (y copies)", t.dim()),
        ]));
        for c in &step.commands {
            if let Some(lang) = &c.lang {
                l.push(Line::styled(format!("  {}", clean(lang, false)), t.dim()));
            }
            for (i, line) in clean(&c.run, true).lines().enumerate() {
                let prefix = if i == 0 { "$ " } else { "  " };
                // a long line is wrapped, every piece of it shown: the mark says it goes on
                for (j, piece) in crate::domain::text::chunks(line, width.saturating_sub(2))
                    .into_iter()
                    .enumerate()
                {
                    let p = if j == 0 { prefix } else { "↪ " };
                    l.push(Line::from(vec![
                        Span::styled(p, t.dim()),
                        Span::styled(piece, t.code()),
                    ]));
                }
            }
        }
    }
    if !step.links.is_empty() {
        l.push(Line::raw(""));
        l.push(Line::styled("Links", t.heading()));
        for k in &step.links {
            l.extend(wrapped(&k.line(), width, t.text(), "  "));
        }
    }
    if !step.todo.is_empty() {
        l.push(Line::raw(""));
        l.push(Line::styled("To settle (todo in the plan)", t.warn()));
        for k in &step.todo {
            l.extend(wrapped(&k.v, width, t.warn(), "  "));
        }
    }
    if let Some(e) = &step.expected {
        l.push(Line::raw(""));
        l.push(Line::styled("Expected result", t.heading()));
        l.extend(markdown(e, width, t, app.hscroll as usize));
    }
    if let Some(v) = &step.verification {
        l.push(Line::raw(""));
        l.push(Line::styled("Verification", t.heading()));
        l.extend(markdown(v, width, t, app.hscroll as usize));
    }
    if let Some(d) = &step.decision {
        l.push(Line::raw(""));
        l.extend(wrapped(
            &format!("Decision: {}", d.question),
            width,
            t.heading(),
            "",
        ));
        let taken = st.and_then(|s| s.decision.as_ref());
        for (i, o) in d.options.iter().enumerate() {
            let target = match o.targets_shown(plan) {
                t if t.is_empty() => t,
                t => format!(" → {t}"),
            };
            let chosen = taken.is_some_and(|tk| tk.option == o.label);
            let style = if chosen {
                t.state(StepStatus::Done)
            } else {
                t.text()
            };
            let mark = if chosen { "(•)" } else { "( )" };
            l.extend(wrapped(
                &format!("{mark} {}. {}{target}", i + 1, o.label),
                width,
                style,
                "  ",
            ));
        }
        match taken {
            Some(tk) => l.extend(wrapped(
                &format!(
                    "Decided by {} at {}{}",
                    tk.by,
                    app.zone.hm(tk.at),
                    tk.why
                        .as_ref()
                        .map(|w| format!(": {w}"))
                        .unwrap_or_default()
                ),
                width,
                t.dim(),
                "  ",
            )),
            None if st.is_some() => l.push(Line::styled("  press c to decide", t.dim())),
            None => {}
        }
    }
    if let Some(st) = st
        && !st.notes.is_empty()
    {
        l.push(Line::raw(""));
        l.push(Line::styled("Notes", t.heading()));
        // the latest notes: a step with thousands of them still draws at once
        let skip = st.notes.len().saturating_sub(MAX_NOTES_SHOWN);
        if skip > 0 {
            l.push(Line::styled(
                format!("{skip} earlier notes are in the timeline (t) and in `muster status`"),
                t.dim(),
            ));
        }
        for n in &st.notes[skip..] {
            let style = if n.kind == NoteKind::Conflict {
                t.warn()
            } else {
                t.text()
            };
            l.extend(wrapped(
                &format!("{} {} ({}): {}", app.zone.hm(n.at), n.by, n.kind, n.text),
                width,
                style,
                "",
            ));
        }
    }
    if let Some(n) = &step.notes {
        l.push(Line::raw(""));
        l.extend(wrapped(&format!("Author's note: {n}"), width, t.dim(), ""));
    }
    l
}

/// A step's deadline in the open session, if it has one.
fn step_deadline(
    app: &App,
    plan: &crate::domain::Plan,
    step: &Step,
    st: &StepState,
) -> Option<crate::domain::session::deadline::Deadline> {
    let session = app.session.as_ref()?;
    let ps = session.state.plan(plan.id.v.as_str())?;
    crate::domain::session::deadline::deadline(&session.state, ps, st, step, app.now)
}
