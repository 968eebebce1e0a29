//! What each key does to the session: the command it starts, or the choice it opens first.

use super::app::{App, Screen};
use super::effects::Effect;
use super::flow::Pick;
use super::keymap::Action;
use crate::domain::command::{ClockAct, Command, StepAct};
use crate::domain::ids::InjectId;
use crate::domain::session::clock::next_speed;
use crate::domain::time::Minutes;

impl App {
    /// Acts on a key's meaning.
    pub(super) fn act(&mut self, a: Action) -> Vec<Effect> {
        if let Some(effects) = self.navigate(a) {
            return effects;
        }
        let step = |app: &App, act: StepAct| app.session_step().map(|r| Command::step(r, act));
        let cmd = match a {
            Action::StepStart => step(self, StepAct::Start),
            Action::StepDone => step(self, StepAct::Done),
            Action::StepSkip => step(self, StepAct::Skip),
            Action::StepBlock => step(self, StepAct::Block),
            Action::StepReopen => step(self, StepAct::Reopen),
            Action::StepNote => step(self, StepAct::Note),
            Action::StepAssign => step(self, StepAct::Assign),
            Action::Decide => self.session_step().map(|r| Command::Decide {
                invoke: self
                    .session
                    .as_ref()
                    .map(|s| crate::domain::command::resolve::decision_plans(&self.lib, s, &r))
                    .unwrap_or_default(),
                step: r,
                option: None,
                why: None,
                anyway: false,
                params: Default::default(),
            }),
            Action::Undo if self.screen == Screen::Session => Some(Command::Undo),
            Action::SessionNote => Some(Command::SessionNote { text: None }),
            Action::Call => self.call_command(),
            Action::Validate => self.session_step().map(|step| Command::Validate {
                step,
                outcome: None,
                note: None,
            }),
            Action::Redline => self.session_step().map(|step| Command::Redline {
                step,
                kind: None,
                text: None,
            }),
            Action::DecideRedline if self.session.is_some() => Some(Command::DecideRedline {
                redline: None,
                accept: None,
                note: None,
            }),
            Action::RecordFor => {
                match self.recording_for.take() {
                    Some(name) => self.info(format!(
                        "You stopped recording for {name}: you record as yourself ({}).",
                        self.who()
                    )),
                    None => {
                        self.modal = Some(super::flow::Modal::RecordFor {
                            input: super::prompt::TextInput::default(),
                        })
                    }
                }
                None
            }
            Action::Transcribe => {
                if self.session.is_some() {
                    self.modal = Some(super::flow::Modal::Paper {
                        input: super::prompt::TextInput::default(),
                        typed: 0,
                        error: None,
                    });
                }
                None
            }
            Action::RunCommand => {
                self.ask_to_run();
                None
            }
            Action::HandOver => Some(Command::HandOver {
                to: None,
                note: None,
                summary: self.session.as_ref().map(|s| {
                    Box::new(crate::domain::session::handover::summary(
                        s,
                        &self.lib.index,
                        self.now,
                    ))
                }),
            }),
            Action::Observe => Some(Command::Observe {
                kind: None,
                text: None,
                step: self.session_step(),
                inject: if self.screen == Screen::Facilitator {
                    self.selected_inject()
                } else {
                    None
                },
                objective: None,
            }),
            Action::Close => Some(Command::Close { note: None }),
            Action::Declare => Some(Command::Declare {
                at: None,
                why: None,
            }),
            Action::Invoke => {
                self.invoke_plan();
                None
            }
            Action::Copy => {
                let Some((plan, i, _)) = self.selected_step() else {
                    return Vec::new();
                };
                let cmds: Vec<String> = plan.steps[i]
                    .commands
                    .iter()
                    .map(|c| c.run.clone())
                    .collect();
                if cmds.is_empty() {
                    self.error("This step has no commands to copy.");
                    return Vec::new();
                }
                let text = cmds.join("\n");
                self.info(format!(
                    "Copied {} command(s) to the clipboard ({} characters); your terminal must allow OSC 52.",
                    cmds.len(),
                    text.chars().count()
                ));
                return vec![Effect::Copy(text)];
            }
            Action::ChangeName => {
                self.ask_name(super::flow::Then::Nothing);
                None
            }
            Action::Improve => {
                if self.session.is_some() {
                    self.pick(
                        "Improvement actions",
                        super::flow::IMPROVE_CHOICES
                            .iter()
                            .map(|(l, _)| l.to_string())
                            .collect(),
                        Pick::Improve,
                    );
                }
                None
            }
            Action::FixObservation => {
                if self.session.is_some() {
                    self.pick(
                        "An observation",
                        vec![
                            "Correct it (new words)".into(),
                            "Withdraw it (it stays in the journal)".into(),
                        ],
                        Pick::FixObservation,
                    );
                }
                None
            }
            Action::AckInject => {
                if self.unread_inject().is_some() {
                    self.acknowledge();
                }
                None
            }
            Action::Rate => Some(Command::Rate {
                objective: None,
                rating: None,
                note: None,
            }),
            Action::ReleaseInject => self
                .selected_inject()
                .map(|i| Command::InjectRelease { inject: Some(i) }),
            Action::SkipInject => self.selected_inject().map(|i| Command::InjectSkip {
                inject: Some(i),
                reason: None,
            }),
            Action::ClockToggle => self.clock().map(|c| {
                Command::Clock(if c.paused {
                    ClockAct::Resume
                } else {
                    ClockAct::Pause
                })
            }),
            Action::ClockSpeed | Action::ClockSlower => self.clock().map(|c| {
                Command::Clock(ClockAct::Speed(next_speed(
                    c.speed,
                    a == Action::ClockSpeed,
                )))
            }),
            Action::ClockAdvance => self
                .clock()
                .map(|_| Command::Clock(ClockAct::Advance(Minutes(5)))),
            Action::Export => {
                if self.session.is_some() {
                    let options = super::flow::EXPORT_CHOICES
                        .iter()
                        .map(|(l, _)| l.to_string())
                        .collect();
                    self.pick("Export the session as", options, Pick::Export);
                }
                None
            }
            Action::StartSession => {
                self.start_session();
                None
            }
            _ => None,
        };
        match cmd {
            Some(c) if self.session.is_some() => self.begin(c),
            Some(_) => Vec::new(),
            None => {
                if matches!(self.screen, Screen::Plan(_))
                    && matches!(
                        a,
                        Action::StepStart
                            | Action::StepDone
                            | Action::StepSkip
                            | Action::StepBlock
                            | Action::StepReopen
                            | Action::StepNote
                            | Action::StepAssign
                            | Action::Decide
                    )
                {
                    self.error(
                        "This is the plan as written, not a session: press s to start a session on it.",
                    );
                }
                Vec::new()
            }
        }
    }

    /// Shows the selected step's command and asks before running it (the first the step has
    /// that was not run yet in this session, else the first).
    fn ask_to_run(&mut self) {
        let Some(s) = self.session.as_ref() else {
            return;
        };
        let Some(step) = self.session_step() else {
            return;
        };
        if let Err(r) = crate::domain::command::open_for_changes(s, self.now) {
            return self.refused(r);
        }
        match crate::domain::command::runnable(s, &step) {
            Err(r) => self.refused(r),
            Ok(commands) => {
                let ran: Vec<&str> = s
                    .state
                    .runs
                    .iter()
                    .filter(|r| r.step == step)
                    .map(|r| r.command.as_str())
                    .collect();
                let command = commands
                    .iter()
                    .find(|c| !ran.contains(&c.as_str()))
                    .unwrap_or(&commands[0])
                    .clone();
                self.modal = Some(super::flow::Modal::Run {
                    step,
                    command,
                    running: false,
                });
            }
        }
    }

    /// A call about the selected step: its roles' people offered, the next to call first; with
    /// no step (or a step naming no one), the next person of every role.
    fn call_command(&mut self) -> Option<Command> {
        use crate::domain::calls;
        let s = self.session.as_ref()?;
        let ix = &self.lib.index;
        let step = self.session_step();
        let mut candidates = step
            .as_ref()
            .map(|r| calls::candidates(s, ix, r, self.now))
            .unwrap_or_default();
        if candidates.is_empty() {
            candidates = ix
                .roles
                .iter()
                .filter_map(|r| calls::next_for_role(ix, &r.id.v, &s.state.calls, self.now))
                .collect();
        }
        if candidates.is_empty() {
            self.error("The index lists no one to call: add people and roles to index.ron.");
            return None;
        }
        Some(Command::Call {
            candidates,
            who: None,
            result: None,
            note: None,
            step,
        })
    }

    fn clock(&self) -> Option<&crate::domain::session::ExerciseClock> {
        self.session.as_ref()?.state.clock.as_ref()
    }

    /// `s`: which kind of session to start on the marked (or selected) plans.
    fn start_session(&mut self) {
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
            _ => return,
        };
        let mut options = vec!["A real incident".to_string()];
        options.extend(
            self.lib
                .scenarios
                .iter()
                .map(|s| format!("Exercise: {} ({})", s.title, s.kind.label())),
        );
        self.pick(
            "Start a session: incident or exercise?",
            options,
            Pick::Mode { plans },
        );
    }

    /// `I`: which plan of the library to add to the session.
    fn invoke_plan(&mut self) {
        let Some(s) = &self.session else { return };
        if let Err(r) = crate::domain::command::open_for_changes(s, self.now) {
            self.refused(r);
            return;
        }
        // plans the selected step names (a link, an option's `invoke`) come first
        let named: Vec<String> = self
            .session_step()
            .and_then(|r| s.step_def(&r))
            .map(|d| {
                let links = d.links.iter().filter_map(|l| match &l.to {
                    crate::domain::plan_extra::LinkTo::Plan(p) => Some(p.v.clone()),
                    _ => None,
                });
                let options = d
                    .decision
                    .iter()
                    .flat_map(|x| &x.options)
                    .flat_map(|o| o.invoke.iter().map(|p| p.v.clone()));
                links.chain(options).collect()
            })
            .unwrap_or_default();
        let mut plans: Vec<(String, String)> = self
            .lib
            .plans
            .iter()
            .filter(|p| s.state.plan(&p.id.v).is_none())
            .map(|p| {
                let by_step = if named.contains(&p.id.v) {
                    ": named by this step"
                } else {
                    ""
                };
                (p.id.v.clone(), format!("{} ({}){by_step}", p.title, p.id.v))
            })
            .collect();
        plans.sort_by_key(|(id, _)| !named.contains(id));
        if plans.is_empty() {
            self.error("Every plan of the library is already in this session.");
            return;
        }
        let (ids, labels) = plans.into_iter().unzip();
        self.pick("Invoke which plan?", labels, Pick::Invoke { plans: ids });
    }

    pub fn selected_inject(&self) -> Option<InjectId> {
        let s = self.session.as_ref()?.scenario.as_ref()?;
        s.injects
            .get(self.inject_sel)
            .map(|i| InjectId::new(i.id.v.as_str()))
    }
}
