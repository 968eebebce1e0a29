//! The TUI's state and its one `update`: every message (a key, a paste, a tick, the result of an
//! effect) goes through it, and only it changes the [`App`]. What changes the world comes out as
//! [`Effect`]s. Navigation is in `nav.rs`, command prompts in `flow.rs`.

use super::effects::Effect;
use super::flow::Modal;
use super::keymap::{self, Context};
use super::msg::{Loaded, Msg, SessionRow};
use super::theme::Theme;
use crate::domain::Library;
use crate::domain::event::Event;
use crate::domain::ids::InjectId;
use crate::domain::schedule;
use crate::domain::search::Entry;
use crate::domain::session::Session;
use crate::present::Zone;
use chrono::{DateTime, Utc};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use std::collections::VecDeque;
use std::sync::Arc;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Screen {
    Home,
    /// A plan from the library, read-only.
    Plan(String),
    Session,
    Index,
    Timeline,
    Facilitator,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BannerKind {
    Info,
    Error,
    Inject,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Banner {
    pub kind: BannerKind,
    pub text: String,
}

impl Banner {
    pub fn info(text: impl Into<String>) -> Banner {
        Banner {
            kind: BannerKind::Info,
            text: text.into(),
        }
    }
    pub fn error(text: impl Into<String>) -> Banner {
        Banner {
            kind: BannerKind::Error,
            text: text.into(),
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct SearchState {
    pub query: String,
    pub results: Vec<Entry>,
    pub sel: usize,
}

/// How often to look for other writers' events, and for new sessions on the home screen.
pub const POLL_MS: i64 = 400;
pub const LIST_MS: i64 = 3_000;

/// What the plan line's forecast depends on: the session, its events, the minute, the plan.
pub(super) type ForecastKey = (crate::domain::ids::SessionId, usize, i64, usize);
type PlanForecast = crate::domain::forecast::PlanForecast;

pub struct App {
    pub lib: Arc<Library>,
    pub theme: Theme,
    pub zone: Zone,
    pub default_actor: String,
    /// The responder's name, once known.
    pub actor: Option<String>,
    pub now: DateTime<Utc>,
    pub screen: Screen,
    pub(super) back: Vec<Screen>,
    pub tab: usize,
    pub plan_sel: usize,
    pub marked: Vec<String>,
    pub sessions: Vec<SessionRow>,
    pub session_sel: usize,
    pub session: Option<Session>,
    /// A slow link (`--slow-link`): less decoration, fewer bytes per change.
    pub slow_link: bool,
    /// The session to go back to at start (the one followed last), until the list is read.
    pub resume: Option<crate::domain::ids::SessionId>,
    /// Select the next step to do when the session opens.
    select_next: bool,
    /// The latest events of the open session, oldest first (the timeline).
    pub recent: VecDeque<Event>,
    /// Damaged or edited lines in the open session's journal.
    pub problems: usize,
    pub cur_plan: usize,
    pub step_sel: usize,
    pub detail_scroll: u16,
    pub hscroll: u16,
    pub index_entries: Vec<Entry>,
    /// Plans, steps and the index, built once: what `/` searches.
    pub(super) search_entries: Vec<Entry>,
    pub index_section: usize,
    pub index_sel: usize,
    pub timeline_sel: usize,
    pub inject_sel: usize,
    pub search: Option<SearchState>,
    pub modal: Option<Modal>,
    pub help: bool,
    /// "Recording for": what is recorded is this person's doing, recorded by the one at the
    /// keyboard (a scribe for the commander on the phone).
    pub recording_for: Option<String>,
    /// The trusted medians of the open session's plans, over every run of them: the forecast
    /// uses them as `muster status` does.
    pub medians: crate::domain::history::Medians,
    /// The keys in force: the shipped ones with the configuration's changes.
    pub keymap: std::sync::Arc<keymap::Keymap>,
    pub help_scroll: u16,
    pub banner: Option<Banner>,
    pub quit: bool,
    /// Keys typed while the terminal was too small to show anything: they wait, and are
    /// handled once it is big enough again.
    pub waiting: Vec<KeyEvent>,
    /// Injects already announced in a banner, so each is shown once.
    pub announced: Vec<InjectId>,
    /// Injects marked read (Enter on the inject panel): the panel shows the newest other one.
    pub acknowledged: Vec<InjectId>,
    /// The exercise view's right pane: 0 the selected inject, 1 observations, ratings, actions.
    pub exercise_pane: u8,
    /// The terminal's size, as last drawn: below the minimum, keys do nothing but quit.
    pub area: (u16, u16),
    /// This muster runs the exercise: it releases injects as they come due.
    pub facilitating: bool,
    last_poll: Option<DateTime<Utc>>,
    last_list: Option<DateTime<Utc>>,
    /// The forecast of the plan shown, computed once per (session, events, minute, plan): a
    /// frame of a long plan need not redo it.
    pub(super) forecast_cache: std::cell::RefCell<Option<(ForecastKey, Option<PlanForecast>)>>,
    /// The selected step's lines, wrapped: drawing reuses them until the step, the width or the
    /// session changes. A cache only; the view is still a function of the rest.
    pub(super) step_cache:
        std::cell::RefCell<Option<(super::view::StepKey, Vec<ratatui::text::Line<'static>>)>>,
}

impl App {
    pub fn new(
        lib: Arc<Library>,
        default_actor: String,
        actor: Option<String>,
        now: DateTime<Utc>,
        theme: Theme,
        zone: Zone,
    ) -> App {
        let index_entries = crate::domain::search::index_entries(&lib);
        let mut search_entries = crate::domain::search::plan_entries(&lib);
        search_entries.extend(index_entries.iter().cloned());
        App {
            lib,
            theme,
            zone,
            default_actor,
            actor,
            now,
            screen: Screen::Home,
            back: Vec::new(),
            tab: 0,
            plan_sel: 0,
            marked: Vec::new(),
            sessions: Vec::new(),
            session_sel: 0,
            session: None,
            resume: None,
            slow_link: false,
            select_next: false,
            recent: VecDeque::new(),
            problems: 0,
            cur_plan: 0,
            step_sel: 0,
            detail_scroll: 0,
            hscroll: 0,
            index_entries,
            search_entries,
            index_section: 0,
            index_sel: 0,
            timeline_sel: 0,
            inject_sel: 0,
            search: None,
            modal: None,
            help: false,
            recording_for: None,
            medians: Default::default(),
            keymap: Default::default(),
            help_scroll: 0,
            banner: None,
            quit: false,
            waiting: Vec::new(),
            announced: Vec::new(),
            acknowledged: Vec::new(),
            exercise_pane: 0,
            area: (80, 24),
            facilitating: false,
            last_poll: None,
            last_list: None,
            step_cache: Default::default(),
            forecast_cache: Default::default(),
        }
    }

    /// Who records: the confirmed name, or the default until one is asked for.
    pub fn who(&self) -> String {
        self.actor
            .clone()
            .unwrap_or_else(|| self.default_actor.clone())
    }

    pub fn context(&self) -> Context {
        match self.screen {
            Screen::Home => Context::Home,
            Screen::Plan(_) => Context::Plan,
            Screen::Session => Context::Session,
            Screen::Index => Context::Index,
            Screen::Timeline => Context::Timeline,
            Screen::Facilitator if !self.may_see_all() => Context::Participant,
            Screen::Facilitator => Context::Facilitator,
        }
    }

    pub fn info(&mut self, text: impl Into<String>) {
        self.banner = Some(Banner::info(text));
    }

    pub fn error(&mut self, text: impl Into<String>) {
        self.banner = Some(Banner::error(text));
    }

    /// The one place the app changes.
    pub fn update(&mut self, msg: Msg) -> Vec<Effect> {
        match msg {
            Msg::Key(k) => self.on_key(k),
            Msg::Paste(s) => {
                if self.too_small() {
                    return Vec::new();
                }
                self.paste(&s)
            }
            Msg::Tick(now) => {
                self.now = now;
                self.on_tick()
            }
            Msg::Resize(w, h) => {
                self.area = (w, h);
                let mut out = Vec::new();
                if !self.too_small() {
                    for k in std::mem::take(&mut self.waiting) {
                        out.extend(self.on_key(k));
                    }
                }
                out
            }
            Msg::Opened(l) => {
                self.load(*l, true);
                Vec::new()
            }
            Msg::Started(l) => {
                let exercise = l.session.state.is_exercise();
                let id = l.session.state.id.clone();
                self.load(*l, true);
                self.marked.clear();
                self.facilitating = exercise && self.may_facilitate();
                self.info(format!("Session {id} started. Press ? for the keys."));
                vec![Effect::ListSessions { force: true }]
            }
            Msg::Reloaded(l) => {
                self.load(*l, false);
                Vec::new()
            }
            Msg::Delta(d, problems) => {
                self.problems = problems;
                let events = d.events.clone();
                let Some(s) = self.session.as_mut() else {
                    return Vec::new();
                };
                if d.apply_to(s).is_err() {
                    let id = s.state.id.clone();
                    return vec![Effect::Open(id)];
                }
                self.remember(events);
                self.announce();
                Vec::new()
            }
            Msg::Recorded { checked, events } => {
                let what = checked.what().to_string();
                if let Some(s) = self.session.as_mut() {
                    checked.apply_to(s, &events);
                }
                self.remember(events);
                self.info(format!("Recorded: {what}"));
                Vec::new()
            }
            Msg::Stale {
                delta,
                cmd,
                checked,
            } => {
                let events = delta.events.clone();
                let Some(s) = self.session.as_mut() else {
                    return Vec::new();
                };
                if delta.is_empty() || delta.apply_to(s).is_err() {
                    // read it again whole, then the responder can try again
                    let id = s.state.id.clone();
                    self.error("The session changed while this was being recorded: it is read again. Nothing was recorded; try again.");
                    return vec![Effect::Open(id)];
                }
                self.remember(events);
                self.announce();
                // check it again against the session as it now is, by the same hand
                let how = crate::domain::command::Recording {
                    by: checked.recorder().map(str::to_string),
                    transcribed_at: checked.transcribed_at(),
                };
                let at = match how.transcribed_at {
                    Some(_) => checked.at(),
                    None => self.now,
                };
                self.advance_as(cmd, checked.actor().to_string(), at, how)
            }
            Msg::Unconfirmed {
                checked,
                error,
                events,
            } => {
                let what = checked.what().to_string();
                if let Some(s) = self.session.as_mut() {
                    checked.apply_to(s, &events);
                }
                self.remember(events);
                self.modal = Some(Modal::Alert {
                    title: "Recorded, but not confirmed on disk".into(),
                    text: format!(
                        "{what}: {error}. It is in the journal file, but the disk did not confirm it: it may be lost if the machine stops now. Do not record it again; check the disk. Any key closes this."
                    ),
                    retry: None,
                });
                Vec::new()
            }
            Msg::NotRecorded { what, error, cmd } => {
                self.modal = Some(Modal::Alert {
                    title: "NOT RECORDED".into(),
                    text: format!(
                        "{what}: {error}. Nothing was marked. Fix this, then press Enter to try again (what you typed is kept); any other key closes this."
                    ),
                    retry: Some(Box::new(cmd)),
                });
                Vec::new()
            }
            Msg::Sessions(rows) => {
                self.sessions = rows;
                self.session_sel = self.session_sel.min(self.sessions.len().saturating_sub(1));
                // back where the responder was: the session they followed last, if still open
                if let Some(id) = self.resume.take()
                    && self.session.is_none()
                    && self.sessions.iter().any(|r| r.id == id && !r.closed)
                {
                    self.select_next = true;
                    return vec![Effect::Open(id)];
                }
                Vec::new()
            }
            Msg::Ran(r) => {
                let (step, r) = *r;
                self.ran(step, r)
            }
            Msg::Exported(path) => {
                self.info(format!("Written: {}", path.display()));
                Vec::new()
            }
            Msg::Failed { what, error } => {
                self.error(format!("{what}: {error}"));
                Vec::new()
            }
        }
    }

    /// A session read from disk becomes the open one. `fresh`: opened now (go to it); else a
    /// reload of the one open (stay where the user is).
    fn load(&mut self, l: Loaded, fresh: bool) {
        let same = self
            .session
            .as_ref()
            .is_some_and(|s| s.state.id == l.session.state.id);
        if !same {
            self.cur_plan = 0;
            self.step_sel = 0;
            self.announced = l
                .session
                .state
                .injects
                .iter()
                .map(|i| i.inject.clone())
                .collect();
            // a late joiner reads the newest inject first; the others are in the exercise view
            self.acknowledged.clear();
            self.facilitating = false;
        }
        self.problems = l.problems;
        self.recent = l.recent.into();
        self.medians = l.medians;
        self.cur_plan = self
            .cur_plan
            .min(l.session.state.plans.len().saturating_sub(1));
        let id = l.session.state.id.clone();
        self.session = Some(l.session);
        if same {
            self.announce();
        }
        if l.problems > 0 {
            self.error(format!(
                "Journal does not verify ({} problem(s)): see `muster verify {id}`.",
                l.problems
            ));
        } else if let Some(w) = l.warnings.first() {
            self.error(format!("Warning: {w}"));
        }
        if std::mem::take(&mut self.select_next)
            && let Some(s) = &self.session
            && let Some(n) = crate::domain::command::next_step(s)
        {
            let pi = s
                .state
                .plans
                .iter()
                .position(|p| p.id == n.plan)
                .unwrap_or(0);
            self.cur_plan = pi;
            self.step_sel = s.state.plans[pi]
                .steps
                .iter()
                .position(|x| x.step == n.step)
                .unwrap_or(0);
            self.info(format!(
                "Back in session {}: the next step is {}.",
                s.state.id,
                self.step_sel + 1
            ));
        }
        if fresh
            && !matches!(
                self.screen,
                Screen::Session | Screen::Timeline | Screen::Facilitator | Screen::Index
            )
        {
            self.go(Screen::Session);
        }
    }

    fn remember(&mut self, events: Vec<Event>) {
        self.recent.extend(events);
        while self.recent.len() > super::effects::RECENT {
            self.recent.pop_front();
        }
    }

    /// Whether the one recording may run the open exercise (a facilitator, or none named).
    pub fn may_facilitate(&self) -> bool {
        self.session
            .as_ref()
            .is_some_and(|s| s.state.may_facilitate(&self.who()))
    }

    /// Whether the one recording sees the whole exercise (every inject, expected actions): a
    /// facilitator or an evaluator.
    pub fn may_see_all(&self) -> bool {
        self.session
            .as_ref()
            .is_some_and(|s| s.state.may_evaluate(&self.who()))
    }

    /// The newest released inject not marked read yet, on an open exercise.
    pub fn unread_inject(
        &self,
    ) -> Option<(
        &crate::domain::scenario::Inject,
        &crate::domain::session::InjectRecord,
    )> {
        let s = self.session.as_ref()?;
        let sc = s.scenario.as_deref()?;
        if s.state.is_closed() {
            return None;
        }
        let newest = *crate::domain::schedule::released(sc, &s.state).last()?;
        (!self.acknowledged.contains(&newest.1.inject)).then_some(newest)
    }

    /// Marks every inject released so far as read.
    pub(super) fn acknowledge(&mut self) {
        let Some(s) = &self.session else { return };
        for r in s.state.injects.iter().filter(|r| r.released) {
            if !self.acknowledged.contains(&r.inject) {
                self.acknowledged.push(r.inject.clone());
            }
        }
    }

    /// Announces injects released since the last look, to every participant.
    fn announce(&mut self) {
        let Some(s) = &self.session else { return };
        for rec in s.state.injects.iter().filter(|r| r.released) {
            if !self.announced.contains(&rec.inject) {
                self.announced.push(rec.inject.clone());
                let title = s
                    .scenario
                    .as_ref()
                    .and_then(|sc| sc.inject(rec.inject.as_str()))
                    .map(|i| i.title.clone())
                    .unwrap_or_else(|| rec.inject.to_string());
                self.banner = Some(Banner {
                    kind: BannerKind::Inject,
                    text: format!("INJECT {}: {}", rec.inject, title),
                });
            }
        }
    }

    /// Time passed: look for other writers, for new sessions, for injects coming due.
    fn on_tick(&mut self) -> Vec<Effect> {
        let mut out = Vec::new();
        // a confirmed command runs once the screen said it is running
        if let Some(Modal::Run {
            step,
            command,
            running: true,
        }) = &self.modal
        {
            let effect = Effect::Run {
                step: step.clone(),
                command: command.clone(),
            };
            self.modal = None;
            return vec![effect];
        }
        let due = |last: Option<DateTime<Utc>>, every: i64, now: DateTime<Utc>| {
            last.is_none_or(|t| (now - t).num_milliseconds() >= every || now < t)
        };
        if self.session.is_some() && due(self.last_poll, POLL_MS, self.now) {
            self.last_poll = Some(self.now);
            out.push(Effect::Poll);
        }
        if self.screen == Screen::Home && due(self.last_list, LIST_MS, self.now) {
            let force = self.last_list.is_none();
            self.last_list = Some(self.now);
            out.push(Effect::ListSessions { force });
        }
        // the facilitator's muster releases injects as they come due on the exercise clock
        if self.facilitating
            && self.modal.is_none()
            && let Some(s) = &self.session
        {
            for cmd in schedule::due(s, self.now) {
                let actor = self.who();
                if let Ok(checked) = crate::domain::command::check(&cmd, s, &actor, self.now) {
                    out.push(Effect::Submit { cmd, checked });
                    break; // one at a time: the next tick releases the next
                }
            }
        }
        out
    }

    pub(super) fn too_small(&self) -> bool {
        self.area.0 < crate::tui::view::MIN_WIDTH || self.area.1 < crate::tui::view::MIN_HEIGHT
    }

    fn on_key(&mut self, key: KeyEvent) -> Vec<Effect> {
        if key.kind == KeyEventKind::Release {
            return Vec::new();
        }
        if self.too_small() {
            // nothing can be seen: quitting asks first when typed text would be lost; any other
            // key waits until the terminal is big enough
            if matches!(self.modal, Some(Modal::Discard { .. }))
                && let Some(m) = self.modal.take()
            {
                return self.modal_key(m, key);
            }
            if ctrl_c(&key) || key.code == KeyCode::Char('q') {
                match self.modal.take() {
                    Some(m) if m.typed().is_some() => {
                        self.modal = Some(Modal::Discard {
                            back: Box::new(m),
                            quit: true,
                        })
                    }
                    other => {
                        self.modal = other;
                        self.quit = true;
                    }
                }
            } else if self.waiting.len() < 4096 {
                self.waiting.push(key);
            }
            return Vec::new();
        }
        if self.help {
            match key.code {
                KeyCode::Down | KeyCode::Char('j') => {
                    self.help_scroll = self.help_scroll.saturating_add(1)
                }
                KeyCode::PageDown => self.help_scroll = self.help_scroll.saturating_add(10),
                KeyCode::Up | KeyCode::Char('k') => {
                    self.help_scroll = self.help_scroll.saturating_sub(1)
                }
                KeyCode::PageUp => self.help_scroll = self.help_scroll.saturating_sub(10),
                _ => self.help = false,
            }
            return Vec::new();
        }
        if let Some(m) = self.modal.take() {
            return self.modal_key(m, key);
        }
        if self.search.is_some() {
            return self.search_key(key);
        }
        // a banner is read: any key dismisses it (and then acts)
        self.banner = None;
        match self.keymap.action_for(self.context(), &key) {
            Some(a) => self.act(a),
            None => Vec::new(),
        }
    }
}

pub(super) fn ctrl_c(key: &KeyEvent) -> bool {
    key.modifiers.contains(KeyModifiers::CONTROL)
        && matches!(key.code, KeyCode::Char('c') | KeyCode::Char('q'))
}
