//! What a front end must ask for before a command can be checked: a reason, an optional note,
//! a choice among options, a confirmation. The TUI builds its prompts from these; the CLI turns
//! a missing one into an error that names the flag.

use super::{Command, StepAct};
use crate::domain::event::{ObservationKind, Rating};
use crate::domain::session::{Session, StepStatus};

/// Which text of a command a prompt fills in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TextField {
    /// A note that goes with the action (done, start, assign, hand-over, close, rating).
    Note,
    /// Why: a skip, a block, a reopen, a skipped inject.
    Reason,
    /// The text itself: a note, an observation.
    Text,
    /// Who: an assignee, who takes over.
    To,
    /// Why a decision's option was chosen.
    Why,
    /// A new session's title.
    Title,
    /// The value of a plan's parameter (the need's `param` names it).
    Param,
    /// A time, which the front end reads in its time zone and answers as [`Answer::Time`].
    When,
    /// A due date: `YYYY-MM-DD`, `+14d`, `+2w`.
    Due,
    /// A capability (HSEEP core capability, or the organisation's own).
    Capability,
    /// The facilitators of an exercise, separated by commas.
    Facilitators,
    /// The words of an improvement action or a corrected observation (the CLI's TEXT argument).
    Words,
}

/// Which choice of a command a prompt fills in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ChoiceField {
    DecisionOption,
    ObservationKind,
    Objective,
    Rating,
    /// An improvement action of the session.
    Action,
    /// An observation of the session.
    Observation,
    /// Who was called.
    Callee,
    /// What the call gave.
    CallResult,
    /// What a redline proposes.
    RedlineKind,
    /// What a validation found.
    Outcome,
    /// Which of the session's open redlines.
    Redline,
    /// Accept or reject it.
    Verdict,
}

/// Something to ask for.
#[derive(Debug, Clone, PartialEq)]
pub enum Need {
    /// Text to type. A required one blocks the command until given.
    Text {
        field: TextField,
        required: bool,
        title: String,
        hint: String,
        /// The parameter it fills in, for [`TextField::Param`].
        param: Option<String>,
    },
    /// One of several options.
    Choice {
        field: ChoiceField,
        title: String,
        options: Vec<String>,
    },
    /// A yes or no; yes does it anyway.
    Confirm { question: String },
}

impl Need {
    /// Whether the command cannot go ahead without it (an optional note can be left out).
    pub fn blocking(&self) -> bool {
        !matches!(
            self,
            Need::Text {
                required: false,
                ..
            }
        )
    }

    /// The need as one sentence, for a front end that cannot ask.
    pub fn sentence(&self) -> String {
        match self {
            Need::Text { hint, .. } => format!("this needs {}", hint_words(hint)),
            Need::Choice { title, options, .. } => format!(
                "{title}: {}",
                options
                    .iter()
                    .enumerate()
                    .map(|(i, o)| format!("{}. {o}", i + 1))
                    .collect::<Vec<_>>()
                    .join("; ")
            ),
            Need::Confirm { question } => question.clone(),
        }
    }
}

fn hint_words(hint: &str) -> String {
    let h = hint.trim_end_matches(['.', '?']).trim();
    let h = h.strip_suffix("(required)").unwrap_or(h).trim();
    let mut c = h.chars();
    match c.next() {
        Some(f) => f.to_lowercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

/// An answer to a [`Need`].
#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    Text(String),
    /// The option's index, from 0.
    Choice(usize),
    Yes,
    /// A time, for [`TextField::When`].
    Time(chrono::DateTime<chrono::Utc>),
}

pub(super) fn text_need(field: TextField, required: bool, title: String, hint: &str) -> Need {
    Need::Text {
        field,
        required,
        title,
        hint: hint.to_string(),
        param: None,
    }
}

/// What to ask for each parameter of a joining plan that has no value yet.
fn param_needs(cmd: &Command, s: &Session) -> Vec<Need> {
    super::joining::unanswered(cmd, s)
        .into_iter()
        .map(|(p, x)| Need::Text {
            field: TextField::Param,
            required: x.default.is_none(),
            title: format!(
                "{}: {}",
                crate::domain::text::ellipsis(&p.title, 40),
                x.id.v
            ),
            hint: match (&x.default, &x.example) {
                (Some(d), _) => format!("{} Enter for \"{d}\".", x.ask),
                (None, Some(e)) => format!("{} For example: {e}. Enter to go on.", x.ask),
                (None, None) => format!("{} Enter to go on.", x.ask),
            },
            param: Some(x.id.v.clone()),
        })
        .collect()
}

/// The text of an optional field that was not asked for yet.
pub(super) fn unasked<T>(v: &Option<T>) -> bool {
    v.is_none()
}

/// A required field that is missing or blank.
pub(super) fn missing(v: &Option<String>) -> bool {
    v.as_deref().is_none_or(|t| t.trim().is_empty())
}

impl Command {
    /// Everything still to ask before the command can be checked, in the order to ask it:
    /// confirmations first (before anything is typed), then choices, then text. Optional text not yet asked is included
    /// (a front end that cannot ask leaves it out).
    pub fn needs(&self, s: &Session, actor: &str) -> Vec<Need> {
        let mut out = Vec::new();
        match self {
            Command::Start(n) => {
                out.extend(param_needs(self, s));
                if unasked(&n.title) {
                    out.push(text_need(
                        TextField::Title,
                        false,
                        "Title of the session".into(),
                        &format!(
                            "Enter for \"{}\"",
                            crate::domain::text::ellipsis(&super::start::default_title(n), 50)
                        ),
                    ));
                }
                if n.scenario.is_some() && n.facilitators.is_none() {
                    out.push(text_need(
                        TextField::Facilitators,
                        false,
                        "Who runs the exercise?".into(),
                        &format!(
                            "The facilitators, separated by commas: only they control the clock and the injects. Enter for you ({}); \"anyone\" lets everyone.",
                            crate::domain::text::ellipsis(actor, 30)
                        ),
                    ));
                }
            }
            Command::Action(a) => out.extend(super::improve::action_needs(a, s)),
            Command::FixObservation(f) => out.extend(super::improve::fix_needs(f, s)),
            Command::Invoke { .. } => out.extend(param_needs(self, s)),
            Command::Undo | Command::Clock(_) | Command::RecordRun(_) => {}
            Command::InjectRelease { .. } => {}
            Command::Step {
                step,
                act,
                text,
                to,
                anyway,
            } => {
                let title = s
                    .step_def(step)
                    .map(|d| d.title.clone())
                    .unwrap_or_else(|| step.to_string());
                let title = crate::domain::text::ellipsis(&title, 40);
                if !anyway && matches!(act, StepAct::Start | StepAct::Done) {
                    out.extend(confirmations(s, step, *act, actor));
                }
                match act {
                    StepAct::Done if unasked(text) => out.push(text_need(
                        TextField::Note,
                        false,
                        format!("Done: {title}"),
                        "A note (optional): what you saw, what you did. Enter to record.",
                    )),
                    StepAct::Skip if missing(text) => out.push(text_need(
                        TextField::Reason,
                        true,
                        format!("Skip: {title}"),
                        "Why is it skipped? (required)",
                    )),
                    StepAct::Block if missing(text) => out.push(text_need(
                        TextField::Reason,
                        true,
                        format!("Blocked: {title}"),
                        "What is it waiting for? (required)",
                    )),
                    StepAct::Reopen if missing(text) => out.push(text_need(
                        TextField::Reason,
                        true,
                        format!("Reopen: {title}"),
                        "Why is it reopened? (required)",
                    )),
                    StepAct::Note if missing(text) => out.push(text_need(
                        TextField::Text,
                        true,
                        format!("Note on: {title}"),
                        "The note's text. Enter to record.",
                    )),
                    StepAct::Assign if missing(to) => out.push(text_need(
                        TextField::To,
                        true,
                        format!("Assign: {title}"),
                        "Who does it? The responder's name. Enter to record.",
                    )),
                    _ => {}
                }
            }
            Command::Decide {
                step,
                option,
                why,
                anyway,
                ..
            } => {
                if !anyway {
                    out.extend(confirmations(s, step, StepAct::Done, actor));
                }
                if let Some(d) = s.step_def(step).and_then(|d| d.decision.as_ref()) {
                    if option.is_none() {
                        out.push(Need::Choice {
                            field: ChoiceField::DecisionOption,
                            title: format!("Decide: {}", d.question),
                            options: d
                                .options
                                .iter()
                                .map(|o| {
                                    let mut to: Vec<String> =
                                        o.targets().map(|n| n.v.clone()).collect();
                                    to.extend(o.invoke.iter().map(|p| format!("+ plan {}", p.v)));
                                    if to.is_empty() {
                                        o.label.clone()
                                    } else {
                                        format!("{}  → {}", o.label, to.join(", "))
                                    }
                                })
                                .collect(),
                        });
                    }
                    out.extend(param_needs(self, s));
                    if unasked(why) {
                        out.push(text_need(
                            TextField::Why,
                            false,
                            "Decision: why?".into(),
                            "Why this option? (optional) Enter to record.",
                        ));
                    }
                }
            }
            Command::SessionNote { text } => {
                if missing(text) {
                    out.push(text_need(
                        TextField::Text,
                        true,
                        "Note on the session".into(),
                        "The note's text. Enter to record.",
                    ));
                }
            }
            Command::HandOver { to, note, summary } => {
                if missing(to) {
                    out.push(text_need(
                        TextField::To,
                        true,
                        "Hand over to".into(),
                        "Who takes over from you? Enter to go on.",
                    ));
                } else if unasked(note) {
                    // what the next shift is told, shown before it is recorded
                    let told = summary
                        .as_ref()
                        .map(|s| s.lines(&|t| t.format("%H:%M UTC").to_string()).join("\n"))
                        .unwrap_or_default();
                    out.push(text_need(
                        TextField::Note,
                        false,
                        format!(
                            "Hand over to {}",
                            crate::domain::text::ellipsis(to.as_deref().unwrap_or_default(), 30)
                        ),
                        &format!(
                            "{told}\n\nThis summary goes with the hand-over. What else they need to know (optional). Enter to record."
                        ),
                    ));
                }
            }
            Command::Declare { at, why } => {
                if at.is_none() {
                    out.push(text_need(
                        TextField::When,
                        true,
                        "When was the disaster declared?".into(),
                        &format!(
                            "Recorded now as {}. Type the time it was declared, like 03:10 or 2026-11-21 03:10 (your local time). Enter to go on.",
                            s.state.declared_at.format("%Y-%m-%d %H:%M UTC")
                        ),
                    ));
                } else if unasked(why) {
                    out.push(text_need(
                        TextField::Why,
                        false,
                        "Declaration time: why the change?".into(),
                        "Why it changes (optional), e.g. \"the IC declared at 03:10 by phone\". Enter to record.",
                    ));
                }
            }
            Command::Close { note } => {
                if unasked(note) {
                    out.push(text_need(
                        TextField::Note,
                        false,
                        "Close the session?".into(),
                        &format!(
                            "{} Nothing more can be recorded once it is closed. A closing note (optional); Enter closes the session, Esc cancels.",
                            open_summary(s)
                        ),
                    ));
                }
            }
            Command::InjectSkip { inject, reason } => {
                if unasked(reason) {
                    let which = inject
                        .as_ref()
                        .map(|i| format!("inject {i}"))
                        .unwrap_or_else(|| "the next inject".into());
                    out.push(text_need(
                        TextField::Reason,
                        false,
                        format!("Skip {which}? It will not be released."),
                        "Why is it skipped? Enter skips it; Esc cancels.",
                    ));
                }
            }
            Command::Observe {
                kind,
                text,
                step,
                inject,
                objective,
            } => {
                // the prompt says what the observation will be tied to
                let on = match (step, inject) {
                    (_, Some(i)) => {
                        let state = match s.state.inject(i.as_str()) {
                            Some(r) if r.released => "released",
                            Some(_) => "skipped",
                            None => "not released yet",
                        };
                        format!("on inject {i} ({state})")
                    }
                    (Some(r), None) => format!("on step {r}"),
                    (None, None) => "on the exercise as a whole".to_string(),
                };
                if kind.is_none() {
                    out.push(Need::Choice {
                        field: ChoiceField::ObservationKind,
                        title: format!("Observation {on}: what kind?"),
                        options: ObservationKind::ALL
                            .iter()
                            .map(|k| match k {
                                ObservationKind::Strength => "Strength".to_string(),
                                ObservationKind::Improvement => "Area for improvement".to_string(),
                                ObservationKind::Defect => {
                                    "Plan defect (a step wrong, unclear or missing)".to_string()
                                }
                            })
                            .collect(),
                    });
                } else if objective.is_none()
                    && let Some(sc) = s.scenario.as_deref()
                    && !sc.objectives.is_empty()
                {
                    let mut options = vec!["None: not tied to an objective".to_string()];
                    options.extend(
                        sc.objectives
                            .iter()
                            .map(|o| format!("{}: {}", o.id.v, o.text)),
                    );
                    out.push(Need::Choice {
                        field: ChoiceField::Objective,
                        title: format!("Which objective? (observation {on})"),
                        options,
                    });
                } else if missing(text) {
                    out.push(text_need(
                        TextField::Text,
                        true,
                        format!(
                            "Observation {on}: {}",
                            kind.map(|k| k.label()).unwrap_or_default()
                        ),
                        "What did you observe? Enter to record.",
                    ));
                }
            }
            Command::Rate {
                objective,
                rating,
                note,
            } => {
                let objectives = s
                    .scenario
                    .as_ref()
                    .map(|sc| sc.objectives.as_slice())
                    .unwrap_or_default();
                if objective.is_none() {
                    out.push(Need::Choice {
                        field: ChoiceField::Objective,
                        title: "Rate which objective?".into(),
                        options: objectives
                            .iter()
                            .map(|o| format!("{}: {}", o.id.v, o.text))
                            .collect(),
                    });
                } else if rating.is_none() {
                    out.push(Need::Choice {
                        field: ChoiceField::Rating,
                        title: format!(
                            "Rate objective {}",
                            objective.as_ref().map(|o| o.as_str()).unwrap_or_default()
                        ),
                        options: Rating::ALL
                            .iter()
                            .map(|r| format!("{}: {}", r.letter(), r.label()))
                            .collect(),
                    });
                } else if unasked(note) {
                    out.push(text_need(
                        TextField::Note,
                        false,
                        "Rating: a note (optional)".into(),
                        "Why this rating? Enter to record.",
                    ));
                }
            }
            Command::Redline { step, kind, text } => {
                out.extend(super::redline::propose_needs(step, *kind, text))
            }
            Command::DecideRedline {
                redline,
                accept,
                note,
            } => out.extend(super::redline::decide_needs(s, redline, *accept, note)),
            Command::Validate {
                step,
                outcome,
                note,
            } => {
                if outcome.is_none() {
                    out.push(Need::Choice {
                        field: ChoiceField::Outcome,
                        title: format!("Validation {step}: what did it find?"),
                        options: vec![
                            "Pass".into(),
                            "Fail (the step shows as blocked)".into(),
                            "Not tested".into(),
                        ],
                    });
                } else if outcome == &Some(crate::domain::event::Outcome::Fail) && missing(note) {
                    out.push(text_need(
                        TextField::Note,
                        true,
                        format!("Validation {step} failed"),
                        "What failed? (required) Enter to record.",
                    ));
                } else if unasked(note) {
                    out.push(text_need(
                        TextField::Note,
                        false,
                        format!("Validation {step}"),
                        "A note (optional): what you checked. Enter to record.",
                    ));
                }
            }
            Command::Call {
                candidates,
                who,
                result,
                note,
                step,
            } => {
                let about = step
                    .as_ref()
                    .map(|r| format!(" about {r}"))
                    .unwrap_or_default();
                if who.is_none() {
                    out.push(Need::Choice {
                        field: ChoiceField::Callee,
                        title: format!("Call{about}: whom? (the next to call first)"),
                        options: candidates
                            .iter()
                            .map(|c| match &c.role {
                                Some(r) => format!("{} ({r})", c.name),
                                None => c.name.clone(),
                            })
                            .collect(),
                    });
                } else if result.is_none() {
                    let name = who
                        .and_then(|i| candidates.get(i))
                        .map(|c| c.name.clone())
                        .unwrap_or_default();
                    out.push(Need::Choice {
                        field: ChoiceField::CallResult,
                        title: format!("Call to {name}: what did it give?"),
                        options: crate::domain::calls::CallResult::ALL
                            .iter()
                            .map(|r| {
                                let w = r.words();
                                let mut c = w.chars();
                                c.next()
                                    .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
                                    .unwrap_or_default()
                            })
                            .collect(),
                    });
                } else if unasked(note) {
                    out.push(text_need(
                        TextField::Note,
                        false,
                        "Call: a note (optional)".into(),
                        "What was said, when to call back. Enter to record.",
                    ));
                }
            }
        }
        out
    }

    /// Fills in what a need asked for. An answer that does not fit the need changes nothing.
    pub fn answer(&mut self, need: &Need, answer: Answer) {
        match (need, answer) {
            (
                Need::Text {
                    field: TextField::Param,
                    param: Some(name),
                    ..
                },
                Answer::Text(t),
            ) => {
                if let Some(v) = super::joining::given_mut(self) {
                    v.insert(name.clone(), t.trim().to_string());
                }
            }
            (
                Need::Text {
                    field: TextField::Facilitators,
                    ..
                },
                Answer::Text(t),
            ) => {
                if let Command::Start(n) = self {
                    n.facilitators = Some(split_names(&t));
                }
            }
            (Need::Text { field, .. }, Answer::Text(t)) => {
                if let Some(slot) = self.text_slot(*field) {
                    *slot = Some(t);
                }
            }
            (
                Need::Choice {
                    field: field @ (ChoiceField::Action | ChoiceField::Observation),
                    options,
                    ..
                },
                Answer::Choice(i),
            ) if i < options.len() => {
                super::improve::answer_choice(self, *field, &options[i], i == 0)
            }
            (
                Need::Choice {
                    field: ChoiceField::Objective,
                    options,
                    ..
                },
                Answer::Choice(i),
            ) if i < options.len() && matches!(self, Command::Observe { .. }) => {
                super::improve::answer_choice(self, ChoiceField::Objective, &options[i], i == 0)
            }
            (Need::Choice { field, options, .. }, Answer::Choice(i)) if i < options.len() => {
                match (self, field) {
                    (Command::Decide { option, .. }, ChoiceField::DecisionOption) => {
                        *option = Some((i + 1).to_string())
                    }
                    (Command::Observe { kind, .. }, ChoiceField::ObservationKind) => {
                        *kind = ObservationKind::ALL.get(i).copied()
                    }
                    (Command::Rate { objective, .. }, ChoiceField::Objective) => {
                        let id = options[i].split(':').next().unwrap_or_default().trim();
                        *objective = Some(id.into());
                    }
                    (Command::Rate { rating, .. }, ChoiceField::Rating) => {
                        *rating = Rating::ALL.get(i).copied()
                    }
                    (Command::Call { who, .. }, ChoiceField::Callee) => *who = Some(i),
                    (Command::Validate { outcome, .. }, ChoiceField::Outcome) => {
                        *outcome = crate::domain::event::Outcome::ALL.get(i).copied()
                    }
                    (Command::Redline { kind, .. }, ChoiceField::RedlineKind) => {
                        *kind = crate::domain::redline::RedlineKind::ALL.get(i).copied()
                    }
                    (Command::DecideRedline { redline, .. }, ChoiceField::Redline) => {
                        *redline = options[i].split(' ').next().map(str::to_string)
                    }
                    (Command::DecideRedline { accept, .. }, ChoiceField::Verdict) => {
                        *accept = Some(i == 0)
                    }
                    (Command::Call { result, .. }, ChoiceField::CallResult) => {
                        *result = crate::domain::calls::CallResult::ALL.get(i).copied()
                    }
                    _ => {}
                }
            }
            (
                Need::Text {
                    field: TextField::When,
                    ..
                },
                Answer::Time(t),
            ) => {
                if let Command::Declare { at, .. } = self {
                    *at = Some(t);
                }
            }
            (Need::Confirm { .. }, Answer::Yes) => match self {
                Command::Step { anyway, .. } | Command::Decide { anyway, .. } => *anyway = true,
                _ => {}
            },
            _ => {}
        }
    }

    fn text_slot(&mut self, field: TextField) -> Option<&mut Option<String>> {
        Some(match (self, field) {
            (Command::Start(n), TextField::Title) => &mut n.title,
            (Command::Step { text, .. }, TextField::Note | TextField::Reason | TextField::Text) => {
                text
            }
            (Command::Step { to, .. }, TextField::To) => to,
            (Command::Decide { why, .. }, TextField::Why) => why,
            (Command::Declare { why, .. }, TextField::Why) => why,
            (Command::SessionNote { text }, TextField::Text) => text,
            (Command::HandOver { to, .. }, TextField::To) => to,
            (Command::HandOver { note, .. }, TextField::Note) => note,
            (Command::Close { note }, TextField::Note) => note,
            (Command::InjectSkip { reason, .. }, TextField::Reason) => reason,
            (Command::Observe { text, .. }, TextField::Text) => text,
            (Command::Rate { note, .. }, TextField::Note) => note,
            (Command::Call { note, .. }, TextField::Note) => note,
            (Command::Redline { text, .. }, TextField::Text) => text,
            (Command::Validate { note, .. }, TextField::Note) => note,
            (Command::DecideRedline { note, .. }, TextField::Note) => note,
            (cmd, field) => return super::improve::text_slot(cmd, field),
        })
    }
}

/// Names separated by commas (or "and"), trimmed, blanks left out.
pub fn split_names(t: &str) -> Vec<String> {
    t.split([',', ';'])
        .flat_map(|p| p.split(" and "))
        .map(|n| n.trim().to_string())
        .filter(|n| !n.is_empty())
        .collect()
}

/// The confirmations a start or a done needs: steps it comes after that are not finished, a
/// branch not taken, a step someone else already finished.
pub(super) fn confirmations(
    s: &Session,
    step: &crate::domain::ids::StepRef,
    act: StepAct,
    actor: &str,
) -> Vec<Need> {
    let mut out = Vec::new();
    let (Some(plan), Some(ps)) = (
        s.plan_def(step.plan.as_str()),
        s.state.plan(step.plan.as_str()),
    ) else {
        return out;
    };
    let Some(def) = plan.step(step.step.as_str()) else {
        return out;
    };
    let Some(cur) = ps.step(step.step.as_str()) else {
        return out;
    };
    let what = if act == StepAct::Start {
        "Start it"
    } else {
        "Mark it done"
    };
    if act == StepAct::Done
        && cur.state == StepStatus::Done
        && def.every.is_none()
        && cur.by.as_deref().is_some_and(|b| b != actor)
    {
        out.push(Need::Confirm {
            question: format!(
                "Step {} is already done by {}: record that you confirm it?",
                step,
                cur.by.clone().unwrap_or_default()
            ),
        });
        return out;
    }
    if cur.state.finished() {
        return out;
    }
    let open = super::check::unfinished_dependencies(s, step);
    if !open.is_empty() {
        let n = plan.step_index(step.step.as_str()).map_or(0, |i| i + 1);
        out.push(Need::Confirm {
            question: format!(
                "Step {n} ({}) comes after {}, not finished yet. {what} anyway?",
                def.id.v,
                open.join(", ")
            ),
        });
    } else if cur.bypassed {
        out.push(Need::Confirm {
            question: format!(
                "Step {} is not on the branch the decision took. {what} anyway?",
                def.id.v
            ),
        });
    }
    out
}

/// "3 steps not finished: 4. x, 5. y" or "Every needed step is done."
pub fn open_summary(s: &Session) -> String {
    let open: Vec<String> = s
        .state
        .steps()
        .filter(|st| {
            !st.bypassed
                && matches!(
                    st.state,
                    StepStatus::Pending | StepStatus::Active | StepStatus::Blocked
                )
        })
        .map(|st| format!("{} ({})", st.at_ref(), st.state.label()))
        .collect();
    match open.len() {
        0 => "Every needed step is finished.".to_string(),
        n => format!(
            "{n} step{} not finished: {}.",
            if n == 1 { " is" } else { "s are" },
            crate::domain::text::ellipsis(&open.join(", "), 200)
        ),
    }
}
