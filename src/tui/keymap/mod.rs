//! Keys. One table per context: the same table drives dispatch and the `?` help, so the help can
//! never disagree with what the keys do. The shipped tables are in `tables.rs`; a configuration
//! file's changes are applied by `overrides.rs`; the names an action and a key are written with
//! in that file are in `names.rs`.

pub mod names;
mod overrides;
mod tables;

pub use names::{action_by_name, key_name, parse_key};
pub use overrides::{KeyProblem, Override, Overrides};

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// What a user can ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
    Left,
    Right,
    Open,
    Back,
    Quit,
    Help,
    Search,
    NextTab,
    PrevTab,
    ToggleMark,
    StartSession,
    Index,
    Timeline,
    StepStart,
    StepDone,
    StepSkip,
    StepBlock,
    StepReopen,
    StepNote,
    StepAssign,
    Decide,
    Undo,
    HandOver,
    SessionNote,
    Export,
    Facilitator,
    ReleaseInject,
    SkipInject,
    ClockToggle,
    ClockSpeed,
    ClockSlower,
    ClockAdvance,
    Observe,
    Rate,
    PlanNext,
    PlanPrev,
    Invoke,
    Close,
    /// Set or correct when the disaster was declared.
    Declare,
    /// Copy the selected step's commands to the clipboard.
    Copy,
    /// Change the name recorded on everything you do (remembered for next time).
    ChangeName,
    /// Improvement actions: raise, update, close, reopen.
    Improve,
    /// Correct or withdraw an observation.
    FixObservation,
    /// Mark the inject shown as read.
    AckInject,
    /// Record a phone call about the step (whom, what it gave).
    Call,
    /// Run the step's command, after showing it and asking.
    RunCommand,
    /// Record for someone else (a scribe), or stop.
    RecordFor,
    /// Type in entries of the paper log.
    Transcribe,
    /// Propose a change to the step for the plan's author.
    Redline,
    DecideRedline,
    /// Record a validation step's outcome: pass, fail, not tested.
    Validate,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Context {
    Home,
    Plan,
    Session,
    Index,
    Timeline,
    Facilitator,
    /// The exercise view of someone who does not run the exercise.
    Participant,
}

impl Context {
    pub const ALL: [Context; 7] = [
        Context::Home,
        Context::Plan,
        Context::Session,
        Context::Index,
        Context::Timeline,
        Context::Facilitator,
        Context::Participant,
    ];

    /// Its name in a configuration file (`"session.done"`).
    pub fn name(self) -> &'static str {
        match self {
            Context::Home => "home",
            Context::Plan => "plan",
            Context::Session => "session",
            Context::Index => "index",
            Context::Timeline => "timeline",
            Context::Facilitator => "facilitator",
            Context::Participant => "participant",
        }
    }

    /// The screen, as a person says it.
    pub fn words(self) -> &'static str {
        match self {
            Context::Home => "the home screen",
            Context::Plan => "a plan",
            Context::Session => "a session",
            Context::Index => "the index",
            Context::Timeline => "the timeline",
            Context::Facilitator => "the facilitator's screen",
            Context::Participant => "an exercise",
        }
    }
}

/// A key binding in force.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Binding {
    pub keys: Vec<KeyCode>,
    /// How the help and the footer write its keys: "↑/k", "d".
    pub label: String,
    pub action: Action,
    /// A word for the footer; empty to leave it to the `?` help.
    pub short: &'static str,
    pub help: &'static str,
}

/// The keys in force for every screen: the shipped ones, with a configuration's changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Keymap {
    contexts: Vec<(Context, Vec<Binding>)>,
}

impl Default for Keymap {
    fn default() -> Keymap {
        Keymap {
            contexts: Context::ALL
                .iter()
                .map(|&c| {
                    let list = tables::defaults(c)
                        .map(|d| Binding {
                            keys: d.keys.to_vec(),
                            label: d.label.to_string(),
                            action: d.action,
                            short: d.short,
                            help: d.help,
                        })
                        .collect();
                    (c, list)
                })
                .collect(),
        }
    }
}

impl Keymap {
    /// The bindings of a context, its own first, then movement and the common ones.
    pub fn bindings(&self, ctx: Context) -> &[Binding] {
        self.contexts
            .iter()
            .find(|(c, _)| *c == ctx)
            .map(|(_, b)| b.as_slice())
            .unwrap_or_default()
    }

    fn bindings_mut(&mut self, ctx: Context) -> &mut Vec<Binding> {
        let i = self
            .contexts
            .iter()
            .position(|(c, _)| *c == ctx)
            .unwrap_or(0);
        &mut self.contexts[i].1
    }

    /// The action for a key in a context, if any. Control keys are fixed: Ctrl-C and Ctrl-Q
    /// quit, Ctrl-D and Ctrl-U page.
    pub fn action_for(&self, ctx: Context, key: &KeyEvent) -> Option<Action> {
        if key.modifiers.contains(KeyModifiers::CONTROL) {
            return match key.code {
                KeyCode::Char('c') | KeyCode::Char('q') => Some(Action::Quit),
                KeyCode::Char('d') => Some(Action::PageDown),
                KeyCode::Char('u') => Some(Action::PageUp),
                _ => None,
            };
        }
        self.bindings(ctx)
            .iter()
            .find(|b| b.keys.contains(&key.code))
            .map(|b| b.action)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_key_is_bound_twice_in_a_context() {
        let map = Keymap::default();
        for ctx in Context::ALL {
            let mut seen = Vec::new();
            for b in map.bindings(ctx) {
                for k in &b.keys {
                    assert!(!seen.contains(k), "{k:?} bound twice in {ctx:?}");
                    seen.push(*k);
                }
            }
        }
    }

    #[test]
    fn every_action_has_a_name_that_reads_back() {
        let map = Keymap::default();
        for ctx in Context::ALL {
            for b in map.bindings(ctx) {
                let name = b.action.name();
                assert_eq!(action_by_name(name), Some(b.action), "{name}");
            }
        }
    }
}
