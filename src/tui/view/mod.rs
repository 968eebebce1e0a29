//! Pure rendering: `&App` in, cells out. Nothing here changes state.

mod detail;
pub use detail::StepKey;
mod exercise;
mod home;
mod index;
pub mod text;
mod timeline;

use super::app::{App, BannerKind, Screen};
use super::flow::Modal;
use super::keymap;
use crate::domain::command::Need;
use crate::domain::session::rto::{self, RtoLevel};
use crate::domain::text::clean;
use crate::domain::time::human_duration;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};
use text::ellipsis;

pub const MIN_WIDTH: u16 = 60;
pub const MIN_HEIGHT: u16 = 16;

/// What the screen shows that changes with time alone: when it changes, the screen is drawn
/// again; while it does not, nothing is sent to the terminal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Signature {
    minute: i64,
    exercise_second: Option<i64>,
}

pub fn signature(app: &App) -> Signature {
    let seconds = app.now.timestamp();
    let exercise_second = match (&app.screen, &app.session) {
        (Screen::Facilitator, Some(s)) => s
            .state
            .clock
            .as_ref()
            .filter(|c| !c.paused)
            .map(|c| c.ex_ms(app.now) / 1000),
        _ => None,
    };
    Signature {
        minute: seconds.div_euclid(60),
        exercise_second,
    }
}

pub fn render(app: &App, f: &mut Frame) {
    let area = f.area();
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        let asking = matches!(app.modal, Some(Modal::Discard { quit: true, .. }));
        let msg = format!(
            "The terminal is too small ({}x{}).\nmuster needs at least {MIN_WIDTH}x{MIN_HEIGHT}.\n{}",
            area.width,
            area.height,
            if asking {
                "Quit and lose what you typed? y quits; any other key keeps it."
            } else if app.waiting.is_empty() {
                "Enlarge the window, or press q to quit."
            } else {
                "Enlarge the window: what you type waits for it. q quits."
            }
        );
        f.render_widget(Paragraph::new(msg).wrap(Wrap { trim: true }), area);
        return;
    }
    let [bar, body, foot] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(1),
        Constraint::Length(1),
    ])
    .areas(area);
    status_bar(app, f, bar);
    match &app.screen {
        Screen::Home => home::render(app, f, body),
        Screen::Plan(_) => detail::render(app, f, body),
        Screen::Session => {
            let h = exercise::inject_panel(app, f, body);
            let body = Rect {
                y: body.y + h,
                height: body.height.saturating_sub(h),
                ..body
            };
            let h = escalation_panel(app, f, body);
            let rest = Rect {
                y: body.y + h,
                height: body.height.saturating_sub(h),
                ..body
            };
            detail::render(app, f, rest)
        }
        Screen::Index => index::render(app, f, body),
        Screen::Timeline => timeline::render(app, f, body),
        Screen::Facilitator => exercise::render(app, f, body),
    }
    footer(app, f, foot);
    if let Some(s) = &app.search {
        search(app, s, f, body);
    }
    if let Some(m) = &app.modal {
        modal(app, m, f, body);
    }
    if app.help {
        help(app, f, body);
    }
}

/// A role whose last call reached no one for too long: whom to call next, above the steps.
fn escalation_panel(app: &App, f: &mut Frame, area: Rect) -> u16 {
    let t = &app.theme;
    let Some(s) = &app.session else {
        return 0;
    };
    if s.state.closed.is_some() {
        return 0;
    }
    let due = crate::domain::calls::escalations(s, &app.lib.index, app.now);
    if due.is_empty() || area.height < 6 {
        return 0;
    }
    let w = area.width as usize;
    let mut l: Vec<Line> = Vec::new();
    for e in due.iter().take(2) {
        let phone = app
            .lib
            .index
            .person(&e.next.person)
            .and_then(|p| p.phones.first().cloned())
            .map(|p| format!(" {p}"))
            .unwrap_or_default();
        let text = format!(
            "CALL NEXT{phone}: {} p records the call.",
            e.sentence(|t| app.zone.hm(t))
        );
        l.extend(text::wrapped(&clean(&text, false), w, t.error_banner(), ""));
    }
    let h = (l.len() as u16).min(area.height / 3);
    l.truncate(h as usize);
    let r = Rect { height: h, ..area };
    f.render_widget(Clear, r);
    f.render_widget(Paragraph::new(l), r);
    h
}

/// The top line: session, mode, time since declared, the nearest RTO, progress, responder.
fn status_bar(app: &App, f: &mut Frame, area: Rect) {
    let t = &app.theme;
    let mut spans: Vec<Span> = Vec::new();
    let who = app
        .actor
        .clone()
        .unwrap_or_else(|| app.default_actor.clone());
    // a scribe sees whose actions they record
    let who = match &app.recording_for {
        Some(f) => format!("{who} for {f}"),
        None => who,
    };
    match &app.session {
        Some(o) => {
            let st = &o.state;
            if app.problems > 0 {
                spans.push(Span::styled(" ! JOURNAL DAMAGED ", t.error_banner()));
            }
            if st.is_exercise() {
                spans.push(Span::styled(" EXERCISE ", t.exercise()));
            } else {
                spans.push(Span::styled(" INCIDENT ", t.incident()));
            }
            if st.closed.is_some() {
                spans.push(Span::styled(" CLOSED ", t.status_bar()));
            }
            // an exercise runs on its own clock: one clock on the line, and RTOs count on it
            match &st.clock {
                Some(c) => {
                    let mark = if c.paused { " PAUSED" } else { "" };
                    let speed = if c.speed > 1 {
                        format!(" x{}", c.speed)
                    } else {
                        String::new()
                    };
                    let ms = st.ex_ms(app.now).unwrap_or_else(|| c.ex_ms(app.now));
                    spans.push(Span::styled(
                        format!(
                            " EX T+{}{speed}{mark} ",
                            clock(chrono::Duration::milliseconds(ms))
                        ),
                        t.exercise(),
                    ));
                }
                None => spans.push(Span::styled(
                    format!(" T+{} ", clock(app.now - st.declared_at)),
                    t.status_bar(),
                )),
            }
            let rto = rto::rto_deadlines(o, &app.lib.index);
            if let Some(d) = rto.first() {
                let story_now = st.story_now(app.now);
                let level = rto::rto_level(d, st.declared_at, story_now);
                let left = d.deadline - story_now;
                let text = match level {
                    RtoLevel::Missed => format!(" RTO {} MISSED +{} ", d.service, clock(-left)),
                    _ => format!(" RTO {} {} left ", d.service, clock(left)),
                };
                spans.push(Span::styled(
                    text,
                    t.rto(level).patch(if t.color {
                        Style::new().bg(ratatui::style::Color::Black)
                    } else {
                        Style::new()
                    }),
                ));
            }
            let (done, total) = st.progress();
            spans.push(Span::styled(
                format!(" {done}/{total} done "),
                t.status_bar(),
            ));
            let conflicts = st.conflicted().count();
            if conflicts > 0 {
                spans.push(Span::styled(
                    format!(
                        " {conflicts} CONFLICT{} ",
                        if conflicts == 1 { "" } else { "S" }
                    ),
                    t.error_banner(),
                ));
            }
            let used: usize = spans.iter().map(|s| s.width()).sum();
            let room = (area.width as usize).saturating_sub(used + who.chars().count() + 3);
            spans.push(Span::styled(
                format!(" {} ", ellipsis(&clean(&st.title, false), room.max(1))),
                t.status_bar(),
            ));
        }
        None => {
            spans.push(Span::styled(" muster ", t.title().patch(t.status_bar())));
            let lib = app.lib.label();
            spans.push(Span::styled(
                format!(" {} ", ellipsis(&lib, area.width as usize / 2)),
                t.status_bar(),
            ));
        }
    }
    let used: usize = spans.iter().map(|s| s.width()).sum();
    let pad = (area.width as usize).saturating_sub(used + who.chars().count() + 2);
    spans.push(Span::styled(" ".repeat(pad), t.status_bar()));
    spans.push(Span::styled(
        format!(" {} ", clean(&who, false)),
        t.title().patch(t.status_bar()),
    ));
    f.render_widget(
        Paragraph::new(Line::from(spans)).style(t.status_bar()),
        area,
    );
}

/// `1:05` for a duration (hours:minutes), `2d 1:05` past a day.
pub fn clock(d: chrono::Duration) -> String {
    let m = d.num_minutes().max(0);
    if m >= 24 * 60 {
        format!("{}d {}:{:02}", m / 1440, (m % 1440) / 60, m % 60)
    } else {
        format!("{}:{:02}", m / 60, m % 60)
    }
}

/// The bottom line: a banner when there is one, else the main keys of the screen.
fn footer(app: &App, f: &mut Frame, area: Rect) {
    let t = &app.theme;
    if let Some(b) = &app.banner {
        let style = match b.kind {
            BannerKind::Error => t.error_banner(),
            BannerKind::Info => t.info_banner(),
            BannerKind::Inject => t.inject_banner(),
        };
        let text = format!(" {} ", clean(&b.text, false));
        f.render_widget(
            Paragraph::new(text::middle_ellipsis(&text, area.width as usize)).style(style),
            area,
        );
        return;
    }
    let mut spans = Vec::new();
    let binds = app.keymap.bindings(app.context());
    let mut width = 0;
    for b in binds
        .iter()
        .filter(|b| !b.short.is_empty() && b.action != keymap::Action::Help)
    {
        let item = format!("{} {}  ", b.label, b.short);
        if width + item.chars().count() + 7 > area.width as usize {
            break;
        }
        width += item.chars().count();
        spans.push(Span::styled(b.label.clone(), t.key()));
        spans.push(Span::styled(format!(" {}  ", b.short), t.dim()));
    }
    // the help's key as configured
    if let Some(h) = binds.iter().find(|b| b.action == keymap::Action::Help) {
        spans.push(Span::styled(h.label.clone(), t.key()));
        spans.push(Span::styled(" help", t.dim()));
    }
    f.render_widget(Paragraph::new(Line::from(spans)), area);
}

fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height - h) / 2,
        width: w,
        height: h,
    }
}

fn modal(app: &App, m: &Modal, f: &mut Frame, area: Rect) {
    let t = &app.theme;
    let w = (area.width - 4).min(72);
    let inner_w = w.saturating_sub(2) as usize;
    let typed_lines = |text: &str| {
        // the text being typed, its end always visible, with a cursor mark
        let typed = format!("{}▏", clean(text, true));
        let mut wrapped: Vec<Line> = Vec::new();
        for line in typed.split('\n') {
            wrapped.extend(text::wrapped(line, inner_w, t.text(), ""));
        }
        let keep = wrapped.len().saturating_sub(6);
        wrapped.into_iter().skip(keep).collect::<Vec<_>>()
    };
    let choice_lines = |c: &super::prompt::Choice| {
        let mut lines = Vec::new();
        for (n, o) in c.options.iter().enumerate() {
            let label = ellipsis(&format!(" {}. {}", n + 1, clean(o, false)), inner_w);
            let style = if n == c.sel { t.selected() } else { t.text() };
            lines.push(Line::styled(format!("{label:inner_w$}"), style));
        }
        lines.push(Line::styled(
            " ↑/↓ choose · Enter or 1-9 select · Esc cancel",
            t.dim(),
        ));
        lines
    };
    // each kind of modal says what it shows; one box draws them all
    let (title, border, lines, scroll): (String, Style, Vec<Line>, u16) = match m {
        Modal::Flow(fl) => flow_box(app, fl, inner_w, &typed_lines, &choice_lines),
        Modal::Name { input, .. } => {
            let mut lines = text::wrapped(
                "Your name goes on every step you record. Enter to confirm.",
                inner_w,
                t.dim(),
                "",
            );
            lines.push(Line::raw(""));
            lines.extend(typed_lines(&input.text));
            ("Who are you?".to_string(), t.focus_border(), lines, 0)
        }
        Modal::Pick { title, choice, .. } => {
            let lines = choice_lines(choice);
            let visible = (lines.len() as u16).min(area.height.saturating_sub(2));
            let scroll = (choice.sel as u16 + 2).saturating_sub(visible);
            (title.clone(), t.focus_border(), lines, scroll)
        }
        Modal::Discard { back, quit } => {
            let mut lines = match back.typed() {
                Some(text) => typed_lines(text),
                None => Vec::new(),
            };
            lines.push(Line::raw(""));
            let q = if *quit {
                "Discard what you typed and quit?"
            } else {
                "Discard what you typed?"
            };
            lines.push(Line::from(vec![
                Span::styled(q, t.error_banner()),
                Span::raw("  y: yes, discard  any other key: keep typing"),
            ]));
            ("Are you sure?".to_string(), t.error_banner(), lines, 0)
        }
        Modal::RecordFor { input } => {
            let mut lines = text::wrapped(
                "Whose actions do you record? Everything you record is theirs, marked as recorded by you. Enter with no name records as yourself; Esc cancels.",
                inner_w,
                t.dim(),
                "",
            );
            lines.push(Line::raw(""));
            lines.extend(typed_lines(&input.text));
            ("Record for".to_string(), t.focus_border(), lines, 0)
        }
        Modal::Paper {
            input,
            typed,
            error,
        } => {
            let mut lines = text::wrapped(
                "One entry of the paper log: HH:MM WHO ACTION STEP [NOTE], e.g. 03:12 priya done alpha/4 lag 40 s. ACTION: start, done, skip, block, reopen, note. Enter records it at the paper's time; Esc ends.",
                inner_w,
                t.dim(),
                "",
            );
            if let Some(e) = error {
                lines.extend(text::wrapped(e, inner_w, t.warn(), ""));
            }
            lines.push(Line::raw(""));
            lines.extend(typed_lines(&input.text));
            (
                format!("Paper log: {typed} typed in"),
                t.focus_border(),
                lines,
                0,
            )
        }
        Modal::Run {
            step,
            command,
            running,
        } => {
            let mut lines = text::wrapped(
                &format!(
                    "Step {step}: muster runs this under {}, with no input, and stops it after {}:",
                    crate::runner::shell_words(),
                    human_duration(
                        chrono::Duration::from_std(crate::runner::DEFAULT_LIMIT)
                            .unwrap_or_default()
                    )
                ),
                inner_w,
                t.text(),
                "",
            );
            lines.push(Line::raw(""));
            lines.extend(text::wrapped(
                &clean(command, false),
                inner_w,
                t.code(),
                "  ",
            ));
            lines.push(Line::raw(""));
            if *running {
                lines.push(Line::styled(
                    "Running… its output is kept in the log.",
                    t.warn(),
                ));
            } else {
                lines.push(Line::from(vec![
                    Span::styled("y: run it", t.key()),
                    Span::raw("   any other key: do not run it"),
                ]));
            }
            ("Run the step's command?".to_string(), t.warn(), lines, 0)
        }
        Modal::Alert {
            title, text: body, ..
        } => (
            title.clone(),
            t.error_banner(),
            // line by line: a command's output keeps its lines
            body.split('\n')
                .flat_map(|l| match l.trim().is_empty() {
                    true => vec![Line::raw("")],
                    false => text::wrapped(&clean(l, false), inner_w, t.text(), ""),
                })
                .collect(),
            0,
        ),
    };
    let h = (lines.len() as u16 + 2).min(area.height);
    let r = centered(area, w, h);
    f.render_widget(Clear, r);
    let title = format!(
        " {} ",
        ellipsis(&clean(&title, false), inner_w.saturating_sub(2))
    );
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(border)
        .title(Span::styled(title, t.title()));
    f.render_widget(Paragraph::new(lines).block(block).scroll((scroll, 0)), r);
}

type Lines<'a> = Vec<Line<'a>>;

/// A command's prompt: the need it asks, drawn as the domain describes it.
fn flow_box<'a>(
    app: &App,
    fl: &super::flow::Flow,
    inner_w: usize,
    typed: &dyn Fn(&str) -> Lines<'a>,
    choices: &dyn Fn(&super::prompt::Choice) -> Lines<'a>,
) -> (String, Style, Lines<'a>, u16) {
    let t = &app.theme;
    match &fl.need {
        Need::Text { title, hint, .. } => {
            let mut lines = text::wrapped(
                fl.hint.as_deref().unwrap_or(hint),
                inner_w,
                if fl.hint.is_some() { t.warn() } else { t.dim() },
                "",
            );
            lines.push(Line::raw(""));
            lines.extend(typed(&fl.input.text));
            (title.clone(), t.focus_border(), lines, 0)
        }
        Need::Choice { title, .. } => {
            let lines = choices(&fl.choice);
            let scroll = (fl.choice.sel as u16 + 2).saturating_sub(lines.len() as u16);
            (title.clone(), t.focus_border(), lines, scroll)
        }
        Need::Confirm { question } => {
            let mut lines = text::wrapped(question, inner_w, t.text(), "");
            lines.push(Line::styled("y: yes   n or Esc: no", t.key()));
            ("Are you sure?".to_string(), t.error_banner(), lines, 0)
        }
    }
}

fn search(app: &App, s: &super::app::SearchState, f: &mut Frame, area: Rect) {
    let t = &app.theme;
    let r = Rect {
        x: area.x + 1,
        y: area.y,
        width: area.width - 2,
        height: area.height,
    };
    f.render_widget(Clear, r);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(t.focus_border())
        .title(Span::styled(
            " Search: plans, steps, people, roles, vendors, services ",
            t.title(),
        ));
    let inner = block.inner(r);
    f.render_widget(block, r);
    let w = inner.width as usize;
    let mut lines = vec![Line::from(vec![
        Span::styled("/ ", t.key()),
        Span::raw(format!("{}▏", clean(&s.query, false))),
    ])];
    if s.query.trim().is_empty() {
        lines.push(Line::styled(
            "Type a name, a service, a plan or a step; small typos are forgiven.",
            t.dim(),
        ));
    } else if s.results.is_empty() {
        lines.push(Line::styled("Nothing matches.", t.dim()));
    }
    let room = inner.height.saturating_sub(2) as usize;
    let start = s.sel.saturating_sub(room.saturating_sub(1));
    for (i, e) in s.results.iter().enumerate().skip(start).take(room) {
        let what = match e.kind {
            crate::domain::search::EntryKind::Step => {
                format!("step in {}", e.plan.clone().unwrap_or_default())
            }
            k => k.to_string(),
        };
        let detail = e.lines.first().cloned().unwrap_or_default();
        let line = ellipsis(
            &clean(&format!("{:<18} {}  {}", what, e.title, detail), false),
            w,
        );
        lines.push(Line::styled(
            format!("{line:w$}"),
            if i == s.sel { t.selected() } else { t.text() },
        ));
    }
    f.render_widget(Paragraph::new(lines), inner);
    let foot = Rect {
        x: inner.x,
        y: inner.y + inner.height.saturating_sub(1),
        width: inner.width,
        height: 1,
    };
    f.render_widget(
        Paragraph::new(Line::styled("↑/↓ choose · Enter go · Esc close", t.dim())),
        foot,
    );
}

fn help(app: &App, f: &mut Frame, area: Rect) {
    let t = &app.theme;
    let binds = app.keymap.bindings(app.context());
    let mut lines: Vec<Line> = Vec::new();
    for b in binds {
        lines.push(Line::from(vec![
            Span::styled(format!(" {:<8}", b.label), t.key()),
            Span::raw(b.help),
        ]));
    }
    lines.push(Line::from(vec![
        Span::styled(" Ctrl-C  ", t.key()),
        Span::raw("quit from anywhere (asks first if a prompt holds text)"),
    ]));
    let h = (lines.len() as u16 + 2).min(area.height);
    let room = h.saturating_sub(2) as usize;
    let more = lines.len() > room;
    let scroll = (app.help_scroll as usize).min(lines.len().saturating_sub(room)) as u16;
    let r = centered(area, (area.width - 2).min(76), h);
    f.render_widget(Clear, r);
    let title = match app.screen {
        Screen::Home => " Keys: home ",
        Screen::Plan(_) => " Keys: plan ",
        Screen::Session => " Keys: session ",
        Screen::Index => " Keys: index ",
        Screen::Timeline => " Keys: timeline ",
        Screen::Facilitator => " Keys: facilitator ",
    };
    let foot = if more {
        " ↓/↑ scroll · any other key closes "
    } else {
        " any key closes "
    };
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(t.focus_border())
        .title(Span::styled(title, t.title()))
        .title_bottom(Line::styled(foot, t.dim()).right_aligned());
    f.render_widget(Paragraph::new(lines).block(block).scroll((scroll, 0)), r);
}

/// "2 h 05 min ago" for notes and records.
pub fn ago(app: &App, at: chrono::DateTime<chrono::Utc>) -> String {
    human_duration(app.now - at)
}
