//! The TUI's state and its one `update`. No I/O here: actions that change anything come out as
//! [`Effect`]s, which the runtime carries out (appending to the journal) before the new state is
//! shown. Every screen is a view of this state and of the session as folded from the journal.

use super::keymap::{self, Action, Context};
use super::theme::Theme;
use crate::journal::event::{Body, ObservationKind, Rating};
use crate::journal::store::Opened;
use crate::model::search::{self, Entry};
use crate::model::session::{StepState, StepStatus, check_action};
use crate::model::{Library, Plan};
use chrono::{DateTime, Utc};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

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

/// Something that changes the world: carried out by the runtime, never by `update`.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Append these events to the open session's journal; `what` names it for the banner.
    Record {
        bodies: Vec<Body>,
        what: String,
    },
    StartSession {
        plans: Vec<String>,
        scenario: Option<String>,
        title: String,
    },
    OpenSession(String),
    Export {
        format: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRow {
    pub id: String,
    pub title: String,
    pub exercise: bool,
    pub closed: bool,
    pub finished: usize,
    pub total: usize,
    pub started_at: DateTime<Utc>,
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

/// What a text prompt is for.
#[derive(Debug, Clone, PartialEq)]
pub enum InputFor {
    Name {
        then: Box<Effect>,
    },
    Step {
        plan: String,
        step: String,
        action: &'static str,
    },
    Assign {
        plan: String,
        step: String,
    },
    DecisionWhy {
        plan: String,
        step: String,
        option: usize,
    },
    Title {
        plans: Vec<String>,
        scenario: Option<String>,
    },
    SessionNote,
    HandOver,
    Observation {
        kind: ObservationKind,
        plan: Option<String>,
        step: Option<String>,
        inject: Option<String>,
    },
    RatingNote {
        objective: String,
        rating: Rating,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Input {
    pub title: String,
    pub hint: String,
    pub text: String,
    pub required: bool,
    pub purpose: InputFor,
}

/// What a choice list is for.
#[derive(Debug, Clone, PartialEq)]
pub enum ChoiceFor {
    Decision {
        plan: String,
        step: String,
    },
    Mode {
        plans: Vec<String>,
    },
    Export,
    ObservationKind {
        plan: Option<String>,
        step: Option<String>,
        inject: Option<String>,
    },
    Objective,
    Rating {
        objective: String,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Choice {
    pub title: String,
    pub options: Vec<String>,
    pub sel: usize,
    pub purpose: ChoiceFor,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Modal {
    Input(Input),
    Choice(Choice),
    /// "Discard what you typed?": y discards (and quits when `quit`), n returns to the prompt.
    Discard {
        input: Input,
        quit: bool,
    },
    /// A question answered with y or n; y goes on with the step action.
    Confirm {
        message: String,
        action: &'static str,
    },
}

#[derive(Debug, Clone, Default)]
pub struct SearchState {
    pub query: String,
    pub results: Vec<Entry>,
    pub sel: usize,
}

pub struct App {
    pub lib: Library,
    pub theme: Theme,
    pub default_actor: String,
    /// The responder's name, once confirmed.
    pub actor: Option<String>,
    pub now: DateTime<Utc>,
    pub screen: Screen,
    back: Vec<Screen>,
    pub tab: usize,
    pub plan_sel: usize,
    pub marked: Vec<String>,
    pub sessions: Vec<SessionRow>,
    pub session_sel: usize,
    pub session: Option<Opened>,
    pub cur_plan: usize,
    pub step_sel: usize,
    pub detail_scroll: u16,
    pub hscroll: u16,
    pub index_entries: Vec<Entry>,
    /// Plans, steps and the index, built once: what `/` searches.
    search_entries: Vec<Entry>,
    pub index_section: usize,
    pub index_sel: usize,
    pub timeline_sel: usize,
    pub inject_sel: usize,
    pub search: Option<SearchState>,
    pub modal: Option<Modal>,
    pub help: bool,
    pub help_scroll: u16,
    pub banner: Option<Banner>,
    pub quit: bool,
    /// Injects already announced in a banner, so each is shown once.
    pub announced: Vec<String>,
    /// The terminal's size, as last drawn: below the minimum, keys do nothing but quit.
    pub area: (u16, u16),
    /// This muster runs the exercise: it releases injects as they come due.
    pub facilitating: bool,
}

/// The sections of the index browser, in order, with their entry kinds.
pub const INDEX_SECTIONS: [(&str, &str); 8] = [
    ("People", "person"),
    ("Roles", "role"),
    ("Vendors", "vendor"),
    ("Sites", "site"),
    ("VBFs", "vbf"),
    ("Services", "service"),
    ("Documents", "document"),
    ("Invocation", "invocation"),
];

pub const EXPORT_FORMATS: [&str; 4] = ["md", "html", "json", "csv"];

impl App {
    pub fn new(lib: Library, default_actor: String, now: DateTime<Utc>, theme: Theme) -> App {
        let index_entries = search::index_entries(&lib);
        let mut search_entries = search::plan_entries(&lib);
        search_entries.extend(index_entries.iter().cloned());
        App {
            lib,
            theme,
            default_actor,
            actor: None,
            now,
            screen: Screen::Home,
            back: Vec::new(),
            tab: 0,
            plan_sel: 0,
            marked: Vec::new(),
            sessions: Vec::new(),
            session_sel: 0,
            session: None,
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
            help_scroll: 0,
            banner: None,
            quit: false,
            announced: Vec::new(),
            area: (80, 24),
            facilitating: false,
        }
    }

    pub fn context(&self) -> Context {
        match self.screen {
            Screen::Home => Context::Home,
            Screen::Plan(_) => Context::Plan,
            Screen::Session => Context::Session,
            Screen::Index => Context::Index,
            Screen::Timeline => Context::Timeline,
            Screen::Facilitator => Context::Facilitator,
        }
    }

    pub fn info(&mut self, text: impl Into<String>) {
        self.banner = Some(Banner {
            kind: BannerKind::Info,
            text: text.into(),
        });
    }

    pub fn error(&mut self, text: impl Into<String>) {
        self.banner = Some(Banner {
            kind: BannerKind::Error,
            text: text.into(),
        });
    }

    fn go(&mut self, s: Screen) {
        if self.screen != s {
            let prev = std::mem::replace(&mut self.screen, s);
            self.back.push(prev);
        }
        self.detail_scroll = 0;
        self.hscroll = 0;
    }

    /// The plan shown on the plan or session screen, and its steps' states (in a session).
    pub fn shown_plan(&self) -> Option<(&Plan, Option<&[StepState]>)> {
        match &self.screen {
            Screen::Plan(id) => self.lib.plan(id).map(|p| (p, None)),
            _ => {
                let o = self.session.as_ref()?;
                let ps = o.state.plans.get(self.cur_plan)?;
                let plan = o.plans.iter().find(|p| p.id.v == ps.id)?;
                Some((plan, Some(ps.steps.as_slice())))
            }
        }
    }

    pub fn selected_step(&self) -> Option<(&Plan, usize, Option<&StepState>)> {
        let (plan, states) = self.shown_plan()?;
        let i = self.step_sel.min(plan.steps.len().checked_sub(1)?);
        Some((plan, i, states.and_then(|s| s.get(i))))
    }

    pub fn section_entries(&self) -> Vec<&Entry> {
        let kind = INDEX_SECTIONS[self.index_section].1;
        self.index_entries
            .iter()
            .filter(|e| e.kind == kind)
            .collect()
    }

    /// A new session has been read from disk (after an append, a start, or another writer's event).
    pub fn session_loaded(&mut self, o: Opened) {
        let same = self.session.as_ref().is_some_and(|s| s.id == o.id);
        if !same {
            self.cur_plan = 0;
            self.step_sel = 0;
            self.announced = o.state.injects.iter().map(|i| i.inject.clone()).collect();
        } else {
            // announce injects released since the last look, to every participant
            for rec in o.state.injects.iter().filter(|r| r.released) {
                if !self.announced.contains(&rec.inject) {
                    self.announced.push(rec.inject.clone());
                    let title = o
                        .scenario
                        .as_ref()
                        .and_then(|s| s.inject(&rec.inject))
                        .map(|i| i.title.clone())
                        .unwrap_or_else(|| rec.inject.clone());
                    self.banner = Some(Banner {
                        kind: BannerKind::Inject,
                        text: format!("INJECT {}: {}", rec.inject, title),
                    });
                }
            }
        }
        self.cur_plan = self.cur_plan.min(o.state.plans.len().saturating_sub(1));
        self.session = Some(o);
        if !matches!(
            self.screen,
            Screen::Session | Screen::Timeline | Screen::Facilitator | Screen::Index
        ) {
            self.go(Screen::Session);
        }
    }

    pub fn set_sessions(&mut self, rows: Vec<SessionRow>) {
        self.sessions = rows;
        self.session_sel = self.session_sel.min(self.sessions.len().saturating_sub(1));
    }

    /// Handles a key press.
    pub fn on_key(&mut self, key: KeyEvent) -> Vec<Effect> {
        if key.kind == ratatui::crossterm::event::KeyEventKind::Release {
            return Vec::new();
        }
        let too_small =
            self.area.0 < crate::tui::view::MIN_WIDTH || self.area.1 < crate::tui::view::MIN_HEIGHT;
        if too_small {
            // nothing is visible: nothing may happen but quitting
            if Self::ctrl_c(&key) || key.code == KeyCode::Char('q') {
                self.quit = true;
            }
            return Vec::new();
        }
        if self.help {
            // the help scrolls; any other key closes it
            match key.code {
                KeyCode::Down | KeyCode::Char('j') | KeyCode::PageDown => {
                    self.help_scroll = self
                        .help_scroll
                        .saturating_add(if key.code == KeyCode::PageDown { 10 } else { 1 })
                }
                KeyCode::Up | KeyCode::Char('k') | KeyCode::PageUp => {
                    self.help_scroll = self
                        .help_scroll
                        .saturating_sub(if key.code == KeyCode::PageUp { 10 } else { 1 })
                }
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
        if self.banner.is_some() {
            self.banner = None;
        }
        match keymap::action_for(self.context(), &key) {
            Some(a) => self.update(a),
            None => Vec::new(),
        }
    }

    fn ctrl_c(key: &KeyEvent) -> bool {
        key.modifiers.contains(KeyModifiers::CONTROL)
            && matches!(key.code, KeyCode::Char('c') | KeyCode::Char('q'))
    }

    fn modal_key(&mut self, m: Modal, key: KeyEvent) -> Vec<Effect> {
        match m {
            Modal::Input(mut input) => {
                if Self::ctrl_c(&key) {
                    if input.text.trim().is_empty() {
                        self.quit = true;
                    } else {
                        self.modal = Some(Modal::Discard { input, quit: true });
                    }
                    return Vec::new();
                }
                match key.code {
                    KeyCode::Esc => {
                        if !input.text.trim().is_empty() {
                            self.modal = Some(Modal::Discard { input, quit: false });
                        }
                    }
                    KeyCode::Enter => {
                        let text = input.text.trim().to_string();
                        if input.required && text.is_empty() {
                            input.hint =
                                "This needs some text: type it, or press Esc to cancel.".into();
                            self.modal = Some(Modal::Input(input));
                        } else {
                            return self.submit(input.purpose, text);
                        }
                    }
                    KeyCode::Backspace => {
                        input.text.pop();
                        self.modal = Some(Modal::Input(input));
                    }
                    KeyCode::Char(c) if !key.modifiers.contains(KeyModifiers::CONTROL) => {
                        if input.text.chars().count() < 2000 {
                            input.text.push(c);
                        }
                        self.modal = Some(Modal::Input(input));
                    }
                    _ => self.modal = Some(Modal::Input(input)),
                }
                Vec::new()
            }
            Modal::Choice(mut c) => {
                if Self::ctrl_c(&key) {
                    self.quit = true;
                    return Vec::new();
                }
                match key.code {
                    KeyCode::Esc | KeyCode::Char('q') => {}
                    KeyCode::Up | KeyCode::Char('k') => {
                        c.sel = c.sel.saturating_sub(1);
                        self.modal = Some(Modal::Choice(c));
                    }
                    KeyCode::Down | KeyCode::Char('j') => {
                        c.sel = (c.sel + 1).min(c.options.len().saturating_sub(1));
                        self.modal = Some(Modal::Choice(c));
                    }
                    // a letter that starts an option ("P: ...") picks it, as the option says
                    KeyCode::Char(l)
                        if l.is_ascii_alphabetic()
                            && c.options.iter().any(|o| {
                                o.starts_with(&format!("{}:", l.to_ascii_uppercase()))
                            }) =>
                    {
                        let n = c
                            .options
                            .iter()
                            .position(|o| o.starts_with(&format!("{}:", l.to_ascii_uppercase())))
                            .unwrap_or(0);
                        return self.choose(c.purpose, n);
                    }
                    KeyCode::Char(d) if d.is_ascii_digit() && d != '0' => {
                        let n = d as usize - '1' as usize;
                        if n < c.options.len() {
                            return self.choose(c.purpose, n);
                        }
                        self.modal = Some(Modal::Choice(c));
                    }
                    KeyCode::Enter => return self.choose(c.purpose, c.sel),
                    _ => self.modal = Some(Modal::Choice(c)),
                }
                Vec::new()
            }
            Modal::Confirm { action, .. } => {
                if Self::ctrl_c(&key) {
                    self.quit = true;
                } else if matches!(key.code, KeyCode::Char('y') | KeyCode::Char('Y')) {
                    return self.step_action_confirmed(action);
                }
                Vec::new()
            }
            Modal::Discard { input, quit } => {
                match key.code {
                    KeyCode::Char('y') | KeyCode::Char('Y') => {
                        if quit {
                            self.quit = true;
                        }
                    }
                    _ => self.modal = Some(Modal::Input(input)),
                }
                Vec::new()
            }
        }
    }

    fn search_key(&mut self, key: KeyEvent) -> Vec<Effect> {
        let Some(mut s) = self.search.take() else {
            return Vec::new();
        };
        if Self::ctrl_c(&key) {
            self.quit = true;
            return Vec::new();
        }
        match key.code {
            KeyCode::Esc => return Vec::new(),
            KeyCode::Up => s.sel = s.sel.saturating_sub(1),
            KeyCode::Down => s.sel = (s.sel + 1).min(s.results.len().saturating_sub(1)),
            KeyCode::Backspace => {
                s.query.pop();
                self.refresh_search(&mut s);
            }
            KeyCode::Enter => {
                if let Some(e) = s.results.get(s.sel).cloned() {
                    self.jump_to(&e);
                }
                return Vec::new();
            }
            KeyCode::Char(c) if !key.modifiers.contains(KeyModifiers::CONTROL) => {
                s.query.push(c);
                self.refresh_search(&mut s);
            }
            _ => {}
        }
        self.search = Some(s);
        Vec::new()
    }

    fn refresh_search(&self, s: &mut SearchState) {
        s.results = if s.query.trim().is_empty() {
            Vec::new()
        } else {
            search::search(&self.search_entries, &s.query)
                .into_iter()
                .take(200)
                .cloned()
                .collect()
        };
        s.sel = 0;
    }

    /// Goes to where a search result lives.
    fn jump_to(&mut self, e: &Entry) {
        match e.kind {
            "plan" => self.open_plan(&e.id, None),
            "step" => {
                let plan = e.plan.clone().unwrap_or_default();
                self.open_plan(&plan, Some(&e.id));
            }
            kind => {
                if let Some(sec) = INDEX_SECTIONS.iter().position(|(_, k)| *k == kind) {
                    self.index_section = sec;
                    self.index_sel = self
                        .section_entries()
                        .iter()
                        .position(|x| x.id == e.id)
                        .unwrap_or(0);
                    self.go(Screen::Index);
                }
            }
        }
    }

    /// Opens a plan: in the session when it is part of it, else read-only from the library.
    fn open_plan(&mut self, plan: &str, step: Option<&str>) {
        let in_session = self
            .session
            .as_ref()
            .and_then(|o| o.state.plans.iter().position(|p| p.id == plan));
        if let Some(i) = in_session {
            self.cur_plan = i;
            self.go(Screen::Session);
        } else {
            self.go(Screen::Plan(plan.to_string()));
        }
        self.step_sel = step
            .and_then(|s| self.shown_plan().and_then(|(p, _)| p.step_index(s)))
            .unwrap_or(0);
    }

    fn input(
        &mut self,
        title: impl Into<String>,
        hint: impl Into<String>,
        required: bool,
        purpose: InputFor,
    ) {
        self.modal = Some(Modal::Input(Input {
            title: title.into(),
            hint: hint.into(),
            text: String::new(),
            required,
            purpose,
        }));
    }

    fn choice(&mut self, title: impl Into<String>, options: Vec<String>, purpose: ChoiceFor) {
        self.modal = Some(Modal::Choice(Choice {
            title: title.into(),
            options,
            sel: 0,
            purpose,
        }));
    }

    /// Runs an effect that records on behalf of the responder, asking for their name first.
    fn as_responder(&mut self, e: Effect) -> Vec<Effect> {
        if self.actor.is_some() {
            return vec![e];
        }
        let mut input = Input {
            title: "Who are you?".into(),
            hint: "Your name goes on every step you record. Enter to confirm.".into(),
            text: self.default_actor.clone(),
            required: true,
            purpose: InputFor::Name { then: Box::new(e) },
        };
        input.text.truncate(200);
        self.modal = Some(Modal::Input(input));
        Vec::new()
    }

    fn record(&mut self, bodies: Vec<Body>, what: impl Into<String>) -> Vec<Effect> {
        vec![Effect::Record {
            bodies,
            what: what.into(),
        }]
    }

    fn submit(&mut self, purpose: InputFor, text: String) -> Vec<Effect> {
        let opt = |t: &str| {
            if t.is_empty() {
                None
            } else {
                Some(t.to_string())
            }
        };
        match purpose {
            InputFor::Name { then } => {
                self.actor = Some(text);
                vec![*then]
            }
            InputFor::Step { plan, step, action } => {
                let what = format!("{action} {plan}/{step}");
                let body = match action {
                    "done" => Body::StepDone {
                        plan,
                        step,
                        note: opt(&text),
                    },
                    "skip" => Body::StepSkipped {
                        plan,
                        step,
                        reason: text,
                    },
                    "block" => Body::StepBlocked {
                        plan,
                        step,
                        reason: text,
                    },
                    "reopen" => Body::StepReopened {
                        plan,
                        step,
                        reason: text,
                    },
                    _ => Body::Note {
                        plan: Some(plan),
                        step: Some(step),
                        text,
                    },
                };
                self.record(vec![body], what)
            }
            InputFor::Assign { plan, step } => {
                let what = format!("assigned {plan}/{step} to {text}");
                self.record(
                    vec![Body::Assigned {
                        plan,
                        step,
                        to: text,
                    }],
                    what,
                )
            }
            InputFor::DecisionWhy { plan, step, option } => {
                let Some(def) = self
                    .session
                    .as_ref()
                    .and_then(|o| o.plans.iter().find(|p| p.id.v == plan))
                    .and_then(|p| p.step(&step))
                    .and_then(|s| s.decision.clone())
                else {
                    return Vec::new();
                };
                let Some(o) = def.options.get(option) else {
                    return Vec::new();
                };
                let body = Body::DecisionTaken {
                    plan: plan.clone(),
                    step: step.clone(),
                    option: o.label.clone(),
                    next: o.next.as_ref().map(|n| n.v.clone()),
                    why: opt(&text),
                };
                self.record(
                    vec![body],
                    format!("decision on {plan}/{step}: {}", o.label),
                )
            }
            InputFor::Title { plans, scenario } => {
                let title = if text.is_empty() {
                    self.default_title(&plans, scenario.as_deref())
                } else {
                    text
                };
                self.as_responder(Effect::StartSession {
                    plans,
                    scenario,
                    title,
                })
            }
            InputFor::SessionNote => self.record(
                vec![Body::Note {
                    plan: None,
                    step: None,
                    text,
                }],
                "note",
            ),
            InputFor::HandOver => {
                let what = format!("handed over to {text}");
                self.record(
                    vec![Body::HandOver {
                        to: text,
                        note: None,
                    }],
                    what,
                )
            }
            InputFor::Observation {
                kind,
                plan,
                step,
                inject,
            } => self.record(
                vec![Body::Observation {
                    observation: kind,
                    text,
                    plan,
                    step,
                    inject,
                }],
                format!("observation ({})", kind.label()),
            ),
            InputFor::RatingNote { objective, rating } => {
                let what = format!("objective {objective} rated {rating:?}");
                self.record(
                    vec![Body::ObjectiveRated {
                        objective,
                        rating,
                        note: opt(&text),
                    }],
                    what,
                )
            }
        }
    }

    fn default_title(&self, plans: &[String], scenario: Option<&str>) -> String {
        if let Some(s) = scenario.and_then(|s| self.lib.scenario(s)) {
            return format!("Exercise: {}", s.title);
        }
        let titles: Vec<&str> = plans
            .iter()
            .filter_map(|p| self.lib.plan(p))
            .map(|p| p.title.as_str())
            .collect();
        titles.join(" + ")
    }

    fn choose(&mut self, purpose: ChoiceFor, n: usize) -> Vec<Effect> {
        match purpose {
            ChoiceFor::Decision { plan, step } => {
                let hint = "Why this option? (optional) Enter to record.";
                self.input(
                    "Decision: why?",
                    hint,
                    false,
                    InputFor::DecisionWhy {
                        plan,
                        step,
                        option: n,
                    },
                );
                Vec::new()
            }
            ChoiceFor::Mode { plans } => {
                // option 0 is a real incident; the others are the scenarios, as exercises
                let scenario = if n == 0 {
                    None
                } else {
                    self.lib.scenarios.get(n - 1).map(|s| s.id.v.clone())
                };
                let plans = match (&scenario, plans.is_empty()) {
                    (Some(s), _) => {
                        let sc = self
                            .lib
                            .scenario(s)
                            .map(|s| s.plans.iter().map(|p| p.v.clone()).collect::<Vec<_>>())
                            .unwrap_or_default();
                        let mut all = sc;
                        for p in plans {
                            if !all.contains(&p) {
                                all.push(p);
                            }
                        }
                        all
                    }
                    _ => plans,
                };
                let default = self.default_title(&plans, scenario.as_deref());
                let hint = format!(
                    "Enter for \"{}\"",
                    crate::tui::view::text::ellipsis(&default, 50)
                );
                self.input(
                    "Title of the session",
                    hint,
                    false,
                    InputFor::Title { plans, scenario },
                );
                Vec::new()
            }
            ChoiceFor::Export => vec![Effect::Export {
                format: EXPORT_FORMATS.get(n).unwrap_or(&"md").to_string(),
            }],
            ChoiceFor::ObservationKind { plan, step, inject } => {
                let kind = [
                    ObservationKind::Strength,
                    ObservationKind::Improvement,
                    ObservationKind::Defect,
                ][n.min(2)];
                self.input(
                    format!("Observation: {}", kind.label()),
                    "What did you observe? Enter to record.",
                    true,
                    InputFor::Observation {
                        kind,
                        plan,
                        step,
                        inject,
                    },
                );
                Vec::new()
            }
            ChoiceFor::Objective => {
                let Some(obj) = self
                    .session
                    .as_ref()
                    .and_then(|o| o.scenario.as_ref())
                    .and_then(|s| s.objectives.get(n))
                    .map(|o| o.id.v.clone())
                else {
                    return Vec::new();
                };
                let options = [Rating::P, Rating::S, Rating::M, Rating::U]
                    .iter()
                    .map(|r| format!("{r:?}: {}", r.label()))
                    .collect();
                self.choice(
                    format!("Rate objective {obj}"),
                    options,
                    ChoiceFor::Rating { objective: obj },
                );
                Vec::new()
            }
            ChoiceFor::Rating { objective } => {
                let rating = [Rating::P, Rating::S, Rating::M, Rating::U][n.min(3)];
                self.input(
                    "Rating: a note (optional)",
                    "Why this rating? Enter to record.",
                    false,
                    InputFor::RatingNote { objective, rating },
                );
                Vec::new()
            }
        }
    }

    fn list_len(&self) -> usize {
        match &self.screen {
            Screen::Home => match self.tab {
                0 => self.lib.plans.len(),
                1 => self.sessions.len(),
                _ => INDEX_SECTIONS.len(),
            },
            Screen::Plan(_) | Screen::Session => {
                self.shown_plan().map_or(0, |(p, _)| p.steps.len())
            }
            Screen::Index => self.section_entries().len(),
            Screen::Timeline => self.session.as_ref().map_or(0, |o| o.events.len()),
            Screen::Facilitator => self
                .session
                .as_ref()
                .and_then(|o| o.scenario.as_ref())
                .map_or(0, |s| s.injects.len()),
        }
    }

    fn sel_mut(&mut self) -> &mut usize {
        match &self.screen {
            Screen::Home => match self.tab {
                0 => &mut self.plan_sel,
                1 => &mut self.session_sel,
                _ => &mut self.index_section,
            },
            Screen::Plan(_) | Screen::Session => &mut self.step_sel,
            Screen::Index => &mut self.index_sel,
            Screen::Timeline => &mut self.timeline_sel,
            Screen::Facilitator => &mut self.inject_sel,
        }
    }

    fn move_sel(&mut self, delta: isize) {
        let len = self.list_len();
        let sel = self.sel_mut();
        let max = len.saturating_sub(1) as isize;
        *sel = (*sel as isize + delta).clamp(0, max.max(0)) as usize;
        self.detail_scroll = 0;
        self.hscroll = 0;
    }

    /// The selected step of the session, with what is needed to act on it.
    fn session_step(&self) -> Option<(String, String, &StepState)> {
        if self.screen != Screen::Session {
            return None;
        }
        let (plan, _, st) = self.selected_step()?;
        let st = st?;
        Some((plan.id.v.clone(), st.step.clone(), st))
    }

    /// A step action, after a check that the steps it depends on are finished: if not, ask first.
    fn step_action(&mut self, action: &'static str) -> Vec<Effect> {
        if let Some((_, _, st)) = self
            .session_step()
            .filter(|(_, _, st)| action == "done" && st.state == StepStatus::Done)
        {
            // in the TUI a second "done" is a slip of the finger, not a confirmation
            let by = st.by.clone().unwrap_or_default();
            let at = st
                .at
                .map(|t| t.with_timezone(&chrono::Local).format("%H:%M").to_string())
                .unwrap_or_default();
            self.error(format!(
                "Already done by {by} at {at}. Add a note (n) to confirm it, or reopen it (r)."
            ));
            return Vec::new();
        }
        if matches!(action, "start" | "done")
            && let Some((plan, i, Some(_))) = self.selected_step()
        {
            let states = self.shown_plan().and_then(|(_, s)| s).unwrap_or(&[]);
            let open: Vec<String> = plan.steps[i]
                .depends_on
                .iter()
                .filter_map(|d| plan.step_index(d).map(|j| (j, d)))
                .filter(|(j, _)| {
                    states
                        .get(*j)
                        .is_some_and(|s| !s.state.finished() && !s.bypassed)
                })
                .map(|(j, d)| format!("{}. {}", j + 1, d.v))
                .collect();
            if !open.is_empty() {
                let what = if action == "start" {
                    "Start it"
                } else {
                    "Mark it done"
                };
                let message = format!(
                    "This step comes after {}, not finished yet. {what} anyway? y: yes  n: no",
                    open.join(", ")
                );
                self.modal = Some(Modal::Confirm { message, action });
                return Vec::new();
            }
        }
        self.step_action_confirmed(action)
    }

    /// Asks for what a step action needs, or records it at once.
    fn step_action_confirmed(&mut self, action: &'static str) -> Vec<Effect> {
        let Some((plan, step, st)) = self.session_step() else {
            if matches!(self.screen, Screen::Plan(_)) {
                self.error(
                    "This is the plan as written, not a session: press s to start a session on it.",
                );
            }
            return Vec::new();
        };
        if let Some(o) = &self.session
            && let Some(c) = &o.state.closed
        {
            let by = c.by.clone();
            self.error(format!(
                "This session was closed by {by}: nothing more can be recorded in it."
            ));
            return Vec::new();
        }
        let actor = self
            .actor
            .clone()
            .unwrap_or_else(|| self.default_actor.clone());
        if let Err(msg) = check_action(st, action, &actor) {
            self.error(msg);
            return Vec::new();
        }
        let title = crate::tui::view::text::ellipsis(&st.title, 40);
        match action {
            "start" => {
                let what = format!("started {plan}/{step}");
                let e = Effect::Record {
                    bodies: vec![Body::StepStarted { plan, step }],
                    what,
                };
                self.as_responder(e)
            }
            "done" => {
                self.input(
                    format!("Done: {title}"),
                    "A note (optional): what you saw, what you did. Enter to record.",
                    false,
                    InputFor::Step { plan, step, action },
                );
                Vec::new()
            }
            "skip" => {
                self.input(
                    format!("Skip: {title}"),
                    "Why is it skipped? (required)",
                    true,
                    InputFor::Step { plan, step, action },
                );
                Vec::new()
            }
            "block" => {
                self.input(
                    format!("Blocked: {title}"),
                    "What is it waiting for? (required)",
                    true,
                    InputFor::Step { plan, step, action },
                );
                Vec::new()
            }
            "reopen" => {
                self.input(
                    format!("Reopen: {title}"),
                    "Why is it reopened? (required)",
                    true,
                    InputFor::Step { plan, step, action },
                );
                Vec::new()
            }
            _ => {
                self.input(
                    format!("Note on: {title}"),
                    "Type the note; Enter to record.",
                    true,
                    InputFor::Step {
                        plan,
                        step,
                        action: "note",
                    },
                );
                Vec::new()
            }
        }
    }

    /// My last action on a step that still stands, undone by a reopen.
    fn undo(&mut self) -> Vec<Effect> {
        let actor = self
            .actor
            .clone()
            .unwrap_or_else(|| self.default_actor.clone());
        let Some(o) = &self.session else {
            return Vec::new();
        };
        let last = o
            .events
            .iter()
            .rev()
            .filter(|e| e.actor == actor)
            .find(|e| {
                matches!(
                    e.body,
                    Body::StepStarted { .. }
                        | Body::StepDone { .. }
                        | Body::StepSkipped { .. }
                        | Body::StepBlocked { .. }
                        | Body::DecisionTaken { .. }
                        | Body::StepReopened { .. }
                )
            });
        let Some(e) = last else {
            self.error(
                "You have not recorded anything on a step in this session yet: nothing to undo.",
            );
            return Vec::new();
        };
        let (plan, step) = e
            .step()
            .map(|(p, s)| (p.to_string(), s.to_string()))
            .unwrap_or_default();
        let what = crate::model::describe::describe(e, &o.plans, o.scenario.as_ref()).action;
        if matches!(e.body, Body::StepReopened { .. }) {
            self.error(format!(
                "Your last action was a reopen of {plan}/{step}: redo the step's action instead."
            ));
            return Vec::new();
        }
        let st = o.state.step(&plan, &step);
        if st.is_none_or(|s| {
            s.state == StepStatus::Pending || s.by.as_deref() != Some(actor.as_str())
        }) {
            self.error(format!("Your last action ({what} on {plan}/{step}) has already been changed by someone else: nothing to undo."));
            return Vec::new();
        }
        let body = Body::StepReopened {
            plan: plan.clone(),
            step: step.clone(),
            reason: format!("undo: {what} by {actor}"),
        };
        self.record(vec![body], format!("undid {what} on {plan}/{step}"))
    }

    /// Acts on a semantic action.
    pub fn update(&mut self, a: Action) -> Vec<Effect> {
        match a {
            Action::Quit => self.quit = true,
            Action::Help => {
                self.help = true;
                self.help_scroll = 0;
            }
            Action::Search => {
                self.search = Some(SearchState::default());
            }
            Action::Back => {
                if let Some(prev) = self.back.pop() {
                    self.screen = prev;
                    self.detail_scroll = 0;
                }
            }
            Action::Up => self.move_sel(-1),
            Action::Down => self.move_sel(1),
            Action::Top => self.move_sel(-(self.list_len() as isize)),
            Action::Bottom => self.move_sel(self.list_len() as isize),
            Action::PageUp => match self.screen {
                Screen::Home | Screen::Timeline => self.move_sel(-10),
                _ => self.detail_scroll = self.detail_scroll.saturating_sub(10),
            },
            Action::PageDown => match self.screen {
                Screen::Home | Screen::Timeline => self.move_sel(10),
                _ => self.detail_scroll = self.detail_scroll.saturating_add(10),
            },
            Action::Left => self.hscroll = self.hscroll.saturating_sub(8),
            Action::Right => self.hscroll = self.hscroll.saturating_add(8).min(2000),
            Action::NextTab | Action::PrevTab => {
                let fwd = a == Action::NextTab;
                match self.screen {
                    Screen::Home => self.tab = (self.tab + if fwd { 1 } else { 2 }) % 3,
                    Screen::Index => {
                        let n = INDEX_SECTIONS.len();
                        self.index_section = (self.index_section + if fwd { 1 } else { n - 1 }) % n;
                        self.index_sel = 0;
                        self.detail_scroll = 0;
                    }
                    _ => {}
                }
            }
            Action::PlanNext | Action::PlanPrev => {
                let n = self.session.as_ref().map_or(0, |o| o.state.plans.len());
                if n > 0 {
                    self.cur_plan =
                        (self.cur_plan + if a == Action::PlanNext { 1 } else { n - 1 }) % n;
                    self.step_sel = 0;
                    self.detail_scroll = 0;
                }
            }
            Action::Open => {
                if self.screen == Screen::Home {
                    match self.tab {
                        0 => {
                            if let Some(p) = self.lib.plans.get(self.plan_sel) {
                                let id = p.id.v.clone();
                                self.open_plan(&id, None);
                            }
                        }
                        1 => {
                            if let Some(s) = self.sessions.get(self.session_sel) {
                                let id = s.id.clone();
                                return self.as_responder(Effect::OpenSession(id));
                            }
                        }
                        _ => {
                            self.index_sel = 0;
                            self.go(Screen::Index);
                        }
                    }
                }
            }
            Action::ToggleMark => {
                if self.screen == Screen::Home
                    && self.tab == 0
                    && let Some(p) = self.lib.plans.get(self.plan_sel)
                {
                    let id = p.id.v.clone();
                    if let Some(i) = self.marked.iter().position(|m| *m == id) {
                        self.marked.remove(i);
                    } else {
                        self.marked.push(id);
                    }
                    self.move_sel(1);
                }
            }
            Action::StartSession => {
                let plans = match &self.screen {
                    Screen::Plan(id) => vec![id.clone()],
                    Screen::Home if self.tab == 0 => {
                        if self.marked.is_empty() {
                            self.lib
                                .plans
                                .get(self.plan_sel)
                                .map(|p| vec![p.id.v.clone()])
                                .unwrap_or_default()
                        } else {
                            self.marked.clone()
                        }
                    }
                    Screen::Home => Vec::new(),
                    _ => return Vec::new(),
                };
                let mut options = vec!["A real incident".to_string()];
                options.extend(
                    self.lib
                        .scenarios
                        .iter()
                        .map(|s| format!("Exercise: {} ({})", s.title, s.kind.label())),
                );
                self.choice(
                    "Start a session: incident or exercise?",
                    options,
                    ChoiceFor::Mode { plans },
                );
            }
            Action::Index => {
                self.index_sel = 0;
                self.go(Screen::Index);
            }
            Action::Timeline => {
                if self.session.is_some() {
                    self.timeline_sel = 0;
                    self.go(Screen::Timeline);
                }
            }
            Action::Facilitator => {
                if self.session.as_ref().is_some_and(|o| o.state.is_exercise()) {
                    self.facilitating = true;
                    self.go(Screen::Facilitator);
                } else {
                    self.error("The facilitator view is for exercise sessions.");
                }
            }
            Action::StepStart => return self.step_action("start"),
            Action::StepDone => return self.step_action("done"),
            Action::StepSkip => return self.step_action("skip"),
            Action::StepBlock => return self.step_action("block"),
            Action::StepReopen => return self.step_action("reopen"),
            Action::StepNote => return self.step_action("note"),
            Action::StepAssign => {
                if let Some((plan, step, _)) = self.session_step() {
                    self.input(
                        "Assign the step to",
                        "Name of the responder; Enter to record.",
                        true,
                        InputFor::Assign { plan, step },
                    );
                }
            }
            Action::Decide => {
                let Some((plan, step, st)) = self.session_step() else {
                    return Vec::new();
                };
                if let Some(d) = &st.decision {
                    let msg = format!(
                        "Already decided by {}: \"{}\". Reopen the step (r) to decide again.",
                        d.by, d.option
                    );
                    self.error(msg);
                    return Vec::new();
                }
                let def = self
                    .selected_step()
                    .and_then(|(p, i, _)| p.steps[i].decision.clone());
                match def {
                    Some(d) => {
                        let options = d
                            .options
                            .iter()
                            .map(|o| {
                                format!(
                                    "{}{}",
                                    o.label,
                                    o.next
                                        .as_ref()
                                        .map(|n| format!("  → {}", n.v))
                                        .unwrap_or_default()
                                )
                            })
                            .collect();
                        self.choice(
                            format!("Decide: {}", d.question),
                            options,
                            ChoiceFor::Decision { plan, step },
                        );
                    }
                    None => self.error("This step has no decision to take."),
                }
            }
            Action::Undo => {
                if self.screen == Screen::Session {
                    return self.undo();
                }
            }
            Action::SessionNote => {
                if self.session.is_some() {
                    self.input(
                        "Note on the session",
                        "Type the note; Enter to record.",
                        true,
                        InputFor::SessionNote,
                    );
                }
            }
            Action::HandOver => {
                if self.session.is_some() {
                    self.input(
                        "Hand over to",
                        "Who takes over from you? Enter to record.",
                        true,
                        InputFor::HandOver,
                    );
                }
            }
            Action::Export => {
                if self.session.is_some() {
                    let options = vec![
                        "Markdown (md)".into(),
                        "HTML, printable (html)".into(),
                        "JSON (json)".into(),
                        "CSV timeline (csv)".into(),
                    ];
                    self.choice("Export the session as", options, ChoiceFor::Export);
                }
            }
            Action::Observe => {
                if self.session.as_ref().is_some_and(|o| o.state.is_exercise()) {
                    let (plan, step) = match (&self.screen, self.session_step()) {
                        (Screen::Session, Some((p, s, _))) => (Some(p), Some(s)),
                        _ => (None, None),
                    };
                    let inject = if self.screen == Screen::Facilitator {
                        self.selected_inject()
                    } else {
                        None
                    };
                    let options = vec![
                        "Strength".into(),
                        "Area for improvement".into(),
                        "Plan defect (a step wrong, unclear or missing)".into(),
                    ];
                    self.choice(
                        "Observation: what kind?",
                        options,
                        ChoiceFor::ObservationKind { plan, step, inject },
                    );
                } else {
                    self.error("Observations are recorded in exercise sessions.");
                }
            }
            Action::Rate => {
                let objectives: Vec<String> = self
                    .session
                    .as_ref()
                    .and_then(|o| o.scenario.as_ref())
                    .map(|s| {
                        s.objectives
                            .iter()
                            .map(|o| format!("{}: {}", o.id.v, o.text))
                            .collect()
                    })
                    .unwrap_or_default();
                if !objectives.is_empty() {
                    self.choice("Rate which objective?", objectives, ChoiceFor::Objective);
                }
            }
            Action::ReleaseInject | Action::SkipInject => {
                let Some(inject) = self.selected_inject() else {
                    return Vec::new();
                };
                let Some(o) = &self.session else {
                    return Vec::new();
                };
                if o.state.inject(&inject).is_some() {
                    self.error(format!("Inject {inject} was already released or skipped."));
                    return Vec::new();
                }
                return if a == Action::ReleaseInject {
                    let early = o.scenario.as_ref().is_some_and(|s| {
                        !crate::model::exercise::is_due(s, &o.state, &inject, self.now)
                    });
                    self.record(
                        vec![Body::InjectReleased {
                            inject: inject.clone(),
                            early,
                        }],
                        format!("released inject {inject}"),
                    )
                } else {
                    self.record(
                        vec![Body::InjectSkipped {
                            inject: inject.clone(),
                        }],
                        format!("skipped inject {inject}"),
                    )
                };
            }
            Action::ClockToggle => {
                let Some(c) = self.session.as_ref().and_then(|o| o.state.clock.as_ref()) else {
                    return Vec::new();
                };
                return if c.paused {
                    self.record(vec![Body::ClockResumed {}], "clock resumed")
                } else {
                    self.record(vec![Body::ClockPaused {}], "clock paused")
                };
            }
            Action::ClockSpeed | Action::ClockSlower => {
                let Some(c) = self.session.as_ref().and_then(|o| o.state.clock.as_ref()) else {
                    return Vec::new();
                };
                const SPEEDS: [u32; 4] = [1, 2, 5, 10];
                let at = SPEEDS.iter().position(|s| *s >= c.speed).unwrap_or(3);
                let next = if a == Action::ClockSpeed {
                    SPEEDS[(at + 1).min(3)]
                } else {
                    SPEEDS[at.saturating_sub(1)]
                };
                if next == c.speed {
                    self.error(format!("The clock already runs at x{next}."));
                    return Vec::new();
                }
                return self.record(
                    vec![Body::ClockSpeed { speed: next }],
                    format!("clock speed x{next}"),
                );
            }
            Action::ClockAdvance => {
                if self
                    .session
                    .as_ref()
                    .is_some_and(|o| o.state.clock.is_some())
                {
                    return self.record(
                        vec![Body::ClockAdvanced { by_ms: 5 * 60_000 }],
                        "clock moved forward 5 minutes",
                    );
                }
            }
        }
        Vec::new()
    }

    pub fn selected_inject(&self) -> Option<String> {
        let s = self.session.as_ref()?.scenario.as_ref()?;
        s.injects.get(self.inject_sel).map(|i| i.id.v.clone())
    }
}
