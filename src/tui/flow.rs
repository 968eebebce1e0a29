//! Commands being filled in: the prompts come from `Command::needs`, each answer goes back into
//! the command, and the gate decides. Nothing here knows what a step action needs: the domain
//! says.

use super::app::{App, Banner};
use super::effects::Effect;
use super::prompt::{Choice, TextInput};
use crate::domain::command::{self, Answer, Command, Need, Refusal};
use crate::domain::session::Session;
use crate::export::Format;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// A command waiting for an answer to one of its needs.
#[derive(Debug, Clone)]
pub struct Flow {
    pub cmd: Command,
    pub need: Need,
    pub input: TextInput,
    pub choice: Choice,
    /// A hint after a wrong answer ("this needs some text").
    pub hint: Option<String>,
}

/// What a UI choice is for (not a domain need: which kind of session to start, which format).
#[derive(Debug, Clone, PartialEq)]
pub enum Pick {
    Mode {
        plans: Vec<String>,
    },
    Export,
    /// A plan of the library to invoke in the open session.
    Invoke {
        plans: Vec<String>,
    },
    /// What to do about improvement actions.
    Improve,
    /// Correct (0) or withdraw (1) an observation.
    FixObservation,
    /// An incident is already open on one of these plans: go there, or start another.
    Second {
        plans: Vec<String>,
        open: crate::domain::ids::SessionId,
    },
}

/// What waits for the responder's name.
#[derive(Debug, Clone)]
pub enum Then {
    Command(Box<Command>),
    Effect(Box<Effect>),
    /// Only the name changes.
    Nothing,
}

/// What is asked of the user over the screen.
#[derive(Debug, Clone)]
pub enum Modal {
    Flow(Box<Flow>),
    /// Who is recording: asked once, before the first record.
    Name {
        input: TextInput,
        then: Then,
    },
    Pick {
        title: String,
        choice: Choice,
        purpose: Pick,
    },
    /// "Discard what you typed?": y discards (and quits when `quit`), any other key goes back.
    Discard {
        back: Box<Modal>,
        quit: bool,
    },
    /// "Record for whom?" (a scribe's setting): empty to record as oneself.
    RecordFor {
        input: TextInput,
    },
    /// The paper log typed in, an entry at a time; what was typed in so far, and why the last
    /// line did not read.
    Paper {
        input: TextInput,
        typed: usize,
        error: Option<String>,
    },
    /// A step's command shown before it runs: y runs it (`running` once it is on its way).
    Run {
        step: crate::domain::ids::StepRef,
        command: String,
        running: bool,
    },
    /// A message that stays until dismissed; Enter tries the kept command again.
    Alert {
        title: String,
        text: String,
        retry: Option<Box<Command>>,
    },
}

impl Modal {
    /// Text typed into it that a careless key would lose.
    pub fn typed(&self) -> Option<&str> {
        match self {
            Modal::Flow(f) if !f.input.is_blank() => Some(&f.input.text),
            Modal::Name { input, .. } if !input.is_blank() && !input.suggested => Some(&input.text),
            Modal::Discard { back, .. } => back.typed(),
            _ => None,
        }
    }
}

pub const IMPROVE_CHOICES: [(&str, command::ActionAct); 4] = [
    (
        "Raise an improvement action (from an observation, or new)",
        command::ActionAct::Add,
    ),
    (
        "Update one: owner, due date, capability, progress",
        command::ActionAct::Update,
    ),
    ("Close one, with what was done", command::ActionAct::Close),
    ("Reopen a closed one", command::ActionAct::Reopen),
];

pub const EXPORT_CHOICES: [(&str, Format); 4] = [
    ("Markdown (md)", Format::Md),
    ("HTML, printable (html)", Format::Html),
    ("JSON (json)", Format::Json),
    ("CSV timeline (csv)", Format::Csv),
];

fn ctrl_c(key: &KeyEvent) -> bool {
    key.modifiers.contains(KeyModifiers::CONTROL)
        && matches!(key.code, KeyCode::Char('c') | KeyCode::Char('q'))
}

impl App {
    /// The session a command is checked against (a blank one for `start`).
    fn target(&self, cmd: &Command) -> Option<Session> {
        match cmd {
            Command::Start(_) => Some(Session::blank()),
            _ => None,
        }
    }

    /// Starts (or goes on with) a command: asks for the responder's name first, then for what
    /// the command still needs, then submits what the gate allows.
    pub fn begin(&mut self, cmd: Command) -> Vec<Effect> {
        if self.actor.is_none() {
            self.ask_name(Then::Command(Box::new(cmd)));
            return Vec::new();
        }
        self.advance(cmd)
    }

    pub(super) fn ask_name(&mut self, then: Then) {
        let mut name = self
            .actor
            .clone()
            .unwrap_or_else(|| self.default_actor.clone());
        name.truncate(200);
        let input = TextInput::suggest(name);
        self.modal = Some(Modal::Name { input, then });
    }

    /// One step of a command's flow: refused, asked, or submitted. With "recording for" set,
    /// it is that person's action, recorded by the one at the keyboard.
    pub(super) fn advance(&mut self, cmd: Command) -> Vec<Effect> {
        let (actor, how) = match &self.recording_for {
            Some(name) => (name.clone(), command::Recording::scribe(&self.who())),
            None => (self.who(), command::Recording::default()),
        };
        let now = self.now;
        self.advance_as(cmd, actor, now, how)
    }

    /// [`App::advance`] by `actor` at `at`, recorded as `how` says (a scribe, the paper log).
    pub(super) fn advance_as(
        &mut self,
        cmd: Command,
        actor: String,
        at: chrono::DateTime<chrono::Utc>,
        how: command::Recording,
    ) -> Vec<Effect> {
        let blank = self.target(&cmd);
        let Some(s) = blank.as_ref().or(self.session.as_ref()) else {
            return Vec::new();
        };
        let result = command::check(&cmd, s, &actor, at).map(|c| c.recorded(&how));
        if let Err(r) = &result
            && r.need().is_none()
        {
            self.refused(r.clone());
            return Vec::new();
        }
        if let Some(need) = cmd.needs(s, &actor).into_iter().next() {
            let choice = match &need {
                Need::Choice { options, .. } => Choice::new(options.clone()),
                _ => Choice::new(Vec::new()),
            };
            self.modal = Some(Modal::Flow(Box::new(Flow {
                cmd,
                need,
                input: TextInput::default(),
                choice,
                hint: None,
            })));
            return Vec::new();
        }
        match result {
            Ok(checked) => match &cmd {
                Command::Start(_) => vec![Effect::Start(checked)],
                _ => vec![Effect::Submit { cmd, checked }],
            },
            Err(r) => {
                // a need the command did not list cannot be asked: it is refused
                self.refused(r);
                Vec::new()
            }
        }
    }

    /// Says why the gate refused, until the next key.
    /// One entry of the paper log, typed in: read and checked as `muster transcribe` reads a
    /// line, then recorded at the paper's time; the form stays for the next.
    fn paper_line(&mut self, input: TextInput, typed: usize) -> Vec<Effect> {
        let Some(s) = self.session.as_ref() else {
            return Vec::new();
        };
        let zone = self.zone;
        let clock = crate::domain::transcribe::Clock {
            to_utc: &|n| zone.instant(n),
            date_of: &|t| zone.date(t),
            now: self.now,
        };
        match crate::domain::transcribe::read(&input.text, s, &clock) {
            Ok(entries) if entries.len() == 1 => {
                let e = &entries[0];
                let how = command::Recording {
                    by: Some(self.who()),
                    transcribed_at: Some(self.now),
                };
                let out = self.advance_as(e.command(), e.who.clone(), e.at, how);
                if self
                    .banner
                    .as_ref()
                    .is_some_and(|b| b.kind == super::app::BannerKind::Error)
                {
                    let why = self.banner.take().map(|b| b.text);
                    self.modal = Some(Modal::Paper {
                        input,
                        typed,
                        error: why,
                    });
                    return out;
                }
                self.modal = Some(Modal::Paper {
                    input: TextInput::default(),
                    typed: typed + 1,
                    error: None,
                });
                out
            }
            Ok(_) => {
                self.modal = Some(Modal::Paper {
                    input,
                    typed,
                    error: Some("One entry a line: HH:MM WHO ACTION STEP [NOTE].".into()),
                });
                Vec::new()
            }
            Err(errors) => {
                let why = errors
                    .first()
                    .map(|e| format!("Column {}: {}", e.col, e.message))
                    .unwrap_or_default();
                self.modal = Some(Modal::Paper {
                    input,
                    typed,
                    error: Some(sentence(&why)),
                });
                Vec::new()
            }
        }
    }

    /// A confirmed command ran: its run goes through the gate into the journal, and its output
    /// is shown; a failure offers to block the step with the output as the reason.
    pub(super) fn ran(
        &mut self,
        step: crate::domain::ids::StepRef,
        r: super::effects::Ran,
    ) -> Vec<Effect> {
        let super::effects::Ran { ran, name, hash } = r;
        let cmd = Command::RecordRun(command::RanCmd {
            step: step.clone(),
            command: ran.command.clone(),
            exit: ran.exit,
            timed_out: ran.timed_out,
            duration_ms: u64::try_from(ran.duration.as_millis()).unwrap_or(u64::MAX),
            output_hash: hash,
            output: name,
            output_bytes: ran.output_bytes,
            tail: command::output_tail(&ran.output),
        });
        let effects = self.begin(cmd);
        // its last lines: what fits on a small screen, the rest is in the log
        let shown = match command::output_tail(&ran.output) {
            None => "(no output)".to_string(),
            Some(t) => {
                let lines: Vec<&str> = t.lines().collect();
                lines[lines.len().saturating_sub(10)..].join("\n")
            }
        };
        let took = crate::domain::time::took_ms(
            u64::try_from(ran.duration.as_millis()).unwrap_or(u64::MAX),
        );
        if ran.ok() {
            self.modal = Some(Modal::Alert {
                title: format!("Ran: exit status 0 in {took}"),
                text: format!("{shown}\n\nAny key closes this."),
                retry: None,
            });
        } else {
            let reason = format!(
                "its command failed ({}): {}",
                ran.how(),
                match ran.last_lines(3) {
                    t if t.is_empty() => "it wrote nothing".to_string(),
                    t => t,
                }
            );
            self.modal = Some(Modal::Alert {
                title: format!("FAILED: {} after {took}", ran.how()),
                text: format!(
                    "{shown}\n\nEnter blocks step {step} with this as the reason; any other key leaves it as it is."
                ),
                retry: Some(Box::new(Command::Step {
                    step,
                    act: command::StepAct::Block,
                    text: Some(reason),
                    to: None,
                    anyway: false,
                })),
            });
        }
        effects
    }

    pub(super) fn refused(&mut self, r: Refusal) {
        self.banner = Some(Banner::error(sentence(&r.to_string())));
    }

    /// Keys while a modal is open.
    pub(super) fn modal_key(&mut self, m: Modal, key: KeyEvent) -> Vec<Effect> {
        match m {
            Modal::Flow(mut f) => {
                if ctrl_c(&key) {
                    return self.ask_quit(Modal::Flow(f));
                }
                match (&f.need, key.code) {
                    (_, KeyCode::Esc) => {
                        if !f.input.is_blank() {
                            self.modal = Some(Modal::Discard {
                                back: Box::new(Modal::Flow(f)),
                                quit: false,
                            });
                        }
                        Vec::new()
                    }
                    (Need::Confirm { .. }, KeyCode::Char('y' | 'Y')) => {
                        let need = f.need.clone();
                        f.cmd.answer(&need, Answer::Yes);
                        self.advance(f.cmd)
                    }
                    (Need::Confirm { .. }, _) => Vec::new(),
                    (Need::Choice { .. }, KeyCode::Up | KeyCode::Char('k')) => {
                        f.choice.up();
                        self.modal = Some(Modal::Flow(f));
                        Vec::new()
                    }
                    (Need::Choice { .. }, KeyCode::Down | KeyCode::Char('j')) => {
                        f.choice.down();
                        self.modal = Some(Modal::Flow(f));
                        Vec::new()
                    }
                    (Need::Choice { .. }, KeyCode::Enter) => {
                        let (need, n) = (f.need.clone(), f.choice.sel);
                        f.cmd.answer(&need, Answer::Choice(n));
                        self.advance(f.cmd)
                    }
                    (Need::Choice { .. }, KeyCode::Char(c)) => match f.choice.pick(c) {
                        Some(n) => {
                            let need = f.need.clone();
                            f.cmd.answer(&need, Answer::Choice(n));
                            self.advance(f.cmd)
                        }
                        None => {
                            self.modal = Some(Modal::Flow(f));
                            Vec::new()
                        }
                    },
                    (Need::Text { required, .. }, KeyCode::Enter) => {
                        if *required && f.input.is_blank() {
                            f.hint = Some(
                                "This needs some text: type it, or press Esc to cancel.".into(),
                            );
                            self.modal = Some(Modal::Flow(f));
                            return Vec::new();
                        }
                        let need = f.need.clone();
                        let text = f.input.text.trim().to_string();
                        let answer = match &need {
                            // a time is read in the responder's zone
                            Need::Text {
                                field: command::TextField::When,
                                ..
                            } => match self.zone.parse_near(&text, self.now) {
                                Some(t) => Answer::Time(t),
                                None => {
                                    f.hint = Some(format!(
                                        "\"{}\" is not a time: type it like 03:10 or 2026-11-21 03:10.",
                                        crate::domain::text::ellipsis(&text, 30)
                                    ));
                                    self.modal = Some(Modal::Flow(f));
                                    return Vec::new();
                                }
                            },
                            // a due date is checked as it is typed, so nothing typed is lost
                            Need::Text {
                                field: command::TextField::Due,
                                ..
                            } if !text.is_empty() => {
                                if let Err(r) = command::parse_due(&text, self.zone.date(self.now))
                                {
                                    f.hint = Some(sentence(&r.to_string()));
                                    self.modal = Some(Modal::Flow(f));
                                    return Vec::new();
                                }
                                Answer::Text(text)
                            }
                            _ => Answer::Text(text),
                        };
                        f.cmd.answer(&need, answer);
                        self.advance(f.cmd)
                    }
                    (Need::Text { .. }, code) => {
                        edit(&mut f.input, code, key.modifiers);
                        self.modal = Some(Modal::Flow(f));
                        Vec::new()
                    }
                    _ => {
                        self.modal = Some(Modal::Flow(f));
                        Vec::new()
                    }
                }
            }
            Modal::Name { mut input, then } => {
                if ctrl_c(&key) {
                    return self.ask_quit(Modal::Name { input, then });
                }
                match key.code {
                    KeyCode::Esc => Vec::new(),
                    KeyCode::Enter if !input.is_blank() => {
                        let name = input.text.trim().to_string();
                        self.actor = Some(name.clone());
                        let mut out = vec![Effect::RememberName(name.clone())];
                        match then {
                            Then::Command(c) => out.extend(self.advance(*c)),
                            Then::Effect(e) => out.push(*e),
                            Then::Nothing => self.info(format!(
                                "You record as {name} from now on, here and next time."
                            )),
                        }
                        out
                    }
                    code => {
                        edit(&mut input, code, key.modifiers);
                        self.modal = Some(Modal::Name { input, then });
                        Vec::new()
                    }
                }
            }
            Modal::Pick {
                title,
                mut choice,
                purpose,
            } => {
                if ctrl_c(&key) {
                    self.quit = true;
                    return Vec::new();
                }
                let picked = match key.code {
                    KeyCode::Esc | KeyCode::Char('q') => return Vec::new(),
                    KeyCode::Up | KeyCode::Char('k') => {
                        choice.up();
                        None
                    }
                    KeyCode::Down | KeyCode::Char('j') => {
                        choice.down();
                        None
                    }
                    KeyCode::Enter => Some(choice.sel),
                    KeyCode::Char(c) => choice.pick(c),
                    _ => None,
                };
                match picked {
                    Some(n) => self.picked(purpose, n),
                    None => {
                        self.modal = Some(Modal::Pick {
                            title,
                            choice,
                            purpose,
                        });
                        Vec::new()
                    }
                }
            }
            Modal::Discard { back, quit } => {
                match key.code {
                    KeyCode::Char('y' | 'Y') => self.quit = quit,
                    _ => self.modal = Some(*back),
                }
                Vec::new()
            }
            Modal::Run {
                step,
                command,
                running: false,
            } => {
                if matches!(key.code, KeyCode::Char('y' | 'Y')) {
                    // shown as running first: the command runs on the next tick
                    self.modal = Some(Modal::Run {
                        step,
                        command,
                        running: true,
                    });
                } else {
                    self.info("Not run: nothing was recorded.");
                }
                Vec::new()
            }
            Modal::RecordFor { mut input } => match key.code {
                KeyCode::Esc => Vec::new(),
                KeyCode::Enter => {
                    let name = input.text.trim().to_string();
                    if name.is_empty() || Some(&name) == self.actor.as_ref() {
                        self.recording_for = None;
                        self.info(format!("You record as yourself ({}).", self.who()));
                    } else {
                        self.info(format!(
                            "Recording for {name}: everything you record is theirs, recorded by you. f to stop."
                        ));
                        self.recording_for = Some(name);
                    }
                    Vec::new()
                }
                code => {
                    edit(&mut input, code, key.modifiers);
                    self.modal = Some(Modal::RecordFor { input });
                    Vec::new()
                }
            },
            Modal::Paper {
                mut input,
                typed,
                error,
            } => match key.code {
                KeyCode::Esc => {
                    if typed > 0 {
                        self.info(format!(
                            "Typed in {typed} entr{} from the paper log.",
                            if typed == 1 { "y" } else { "ies" }
                        ));
                    }
                    Vec::new()
                }
                KeyCode::Enter if !input.is_blank() => self.paper_line(input, typed),
                code => {
                    edit(&mut input, code, key.modifiers);
                    self.modal = Some(Modal::Paper {
                        input,
                        typed,
                        error,
                    });
                    Vec::new()
                }
            },
            running @ Modal::Run { .. } => {
                // keys wait while the command runs
                self.modal = Some(running);
                Vec::new()
            }
            Modal::Alert { retry, .. } => match (key.code, retry) {
                (KeyCode::Enter, Some(cmd)) => self.advance(*cmd),
                _ => Vec::new(),
            },
        }
    }

    /// A paste goes into the open prompt as text; with none open it is ignored, and said so.
    pub(super) fn paste(&mut self, text: &str) -> Vec<Effect> {
        match self.modal.as_mut() {
            Some(Modal::Flow(f)) if matches!(f.need, Need::Text { .. }) => f.input.paste(text),
            Some(Modal::Name { input, .. })
            | Some(Modal::RecordFor { input })
            | Some(Modal::Paper { input, .. }) => input.paste(&text.replace('\n', " ")),
            _ => {
                if let Some(s) = self.search.as_mut() {
                    s.query.push_str(&text.replace(['\n', '\r'], " "));
                    self.refresh_search();
                } else {
                    self.banner = Some(Banner::info(
                        "Pasted text is only taken into a prompt: open one (n for a note) and paste again.",
                    ));
                }
            }
        }
        Vec::new()
    }

    fn ask_quit(&mut self, back: Modal) -> Vec<Effect> {
        if back.typed().is_some() {
            self.modal = Some(Modal::Discard {
                back: Box::new(back),
                quit: true,
            });
        } else {
            self.quit = true;
        }
        Vec::new()
    }

    fn picked(&mut self, purpose: Pick, n: usize) -> Vec<Effect> {
        match purpose {
            Pick::Mode { plans } => {
                // option 0 is a real incident; the others are the scenarios, as exercises
                let scenario = if n == 0 {
                    None
                } else {
                    self.lib.scenarios.get(n - 1).map(|s| s.id.v.clone())
                };
                // a second incident on a plan already being followed is rarely meant
                if scenario.is_none()
                    && let Some(row) = self.sessions.iter().find(|r| {
                        !r.closed && !r.exercise && r.plans.iter().any(|p| plans.contains(p))
                    })
                {
                    let shared: Vec<&str> = row
                        .plans
                        .iter()
                        .filter(|p| plans.contains(p))
                        .map(String::as_str)
                        .collect();
                    let title = format!(
                        "Session \"{}\" is already open on {}. Start a second one?",
                        crate::domain::text::ellipsis(&row.title, 30),
                        shared.join(", ")
                    );
                    let open = row.id.clone();
                    self.pick(
                        title,
                        vec![
                            "No: go to the open session".into(),
                            "Yes: start a second session".into(),
                        ],
                        Pick::Second { plans, open },
                    );
                    return Vec::new();
                }
                self.start_on(plans, scenario)
            }
            Pick::Improve => match IMPROVE_CHOICES.get(n) {
                Some((_, act)) => self.begin(Command::Action(command::ActionCmd {
                    today: Some(self.zone.date(self.now)),
                    ..command::ActionCmd::new(*act)
                })),
                None => Vec::new(),
            },
            Pick::FixObservation => self.begin(Command::FixObservation(command::FixObservation {
                withdraw: n == 1,
                observation: None,
                text: None,
                kind: None,
                objective: None,
                reason: None,
            })),
            Pick::Second { plans, open } => {
                if n == 0 {
                    return vec![Effect::Open(open)];
                }
                self.start_on(plans, None)
            }
            Pick::Invoke { plans } => {
                let Some(id) = plans.get(n) else {
                    return Vec::new();
                };
                match command::resolve::plan(&self.lib, id) {
                    Ok(p) => self.begin(Command::Invoke {
                        plan: p.clone(),
                        params: Default::default(),
                    }),
                    Err(r) => {
                        self.refused(r);
                        Vec::new()
                    }
                }
            }
            Pick::Export => {
                let Some(s) = &self.session else {
                    return Vec::new();
                };
                let format = EXPORT_CHOICES.get(n).map_or(Format::Md, |(_, f)| *f);
                vec![Effect::Export {
                    session: Box::new(s.clone()),
                    format,
                    now: self.now,
                    zone: self.zone,
                }]
            }
        }
    }

    fn start_on(&mut self, plans: Vec<String>, scenario: Option<String>) -> Vec<Effect> {
        match command::resolve::start(&self.lib, &plans, scenario.as_deref(), None, None) {
            Ok(start) => self.begin(Command::Start(start)),
            Err(r) => {
                self.refused(r);
                Vec::new()
            }
        }
    }

    pub(super) fn pick(&mut self, title: impl Into<String>, options: Vec<String>, purpose: Pick) {
        self.modal = Some(Modal::Pick {
            title: title.into(),
            choice: Choice::new(options),
            purpose,
        });
    }
}

/// Edits a text input with a key.
fn edit(input: &mut TextInput, code: KeyCode, mods: KeyModifiers) {
    match code {
        KeyCode::Backspace => input.backspace(),
        KeyCode::Char('w') if mods.contains(KeyModifiers::CONTROL) => input.delete_word(),
        KeyCode::Char('u') if mods.contains(KeyModifiers::CONTROL) => input.text.clear(),
        KeyCode::Char(c) if !mods.contains(KeyModifiers::CONTROL) => input.push(c),
        _ => {}
    }
}

/// A refusal as a sentence on screen: capitalised, ended.
pub fn sentence(s: &str) -> String {
    let mut c = s.chars();
    let mut out = match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    };
    if !out.ends_with(['.', '?', '!']) {
        out.push('.');
    }
    out
}
