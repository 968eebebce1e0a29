//! The keys as muster ships them: one table per screen. A configuration file changes some of
//! them (see `overrides.rs`); the help and the footer show whatever is in force.

use super::{Action, Context};
use ratatui::crossterm::event::KeyCode;

/// A key binding as muster ships it.
pub struct Def {
    pub keys: &'static [KeyCode],
    pub label: &'static str,
    pub action: Action,
    /// A word for the footer; empty to leave it to the `?` help.
    pub short: &'static str,
    pub help: &'static str,
}

const fn b(
    keys: &'static [KeyCode],
    label: &'static str,
    action: Action,
    short: &'static str,
    help: &'static str,
) -> Def {
    Def {
        keys,
        label,
        action,
        short,
        help,
    }
}

use KeyCode::{
    BackTab, Backspace, Char, Down, End, Enter, Esc, Home as HomeKey, Left, PageDown, PageUp,
    Right, Tab, Up,
};

const MOVE: [Def; 4] = [
    b(&[Up, Char('k')], "↑/k", Action::Up, "", "move up"),
    b(&[Down, Char('j')], "↓/j", Action::Down, "", "move down"),
    b(&[HomeKey, Char('g')], "g", Action::Top, "", "go to the top"),
    b(
        &[End, Char('G')],
        "G",
        Action::Bottom,
        "",
        "go to the bottom",
    ),
];

const COMMON: [Def; 4] = [
    b(
        &[Char('/')],
        "/",
        Action::Search,
        "search",
        "search plans, steps, people, roles, vendors, services",
    ),
    b(&[Char('?')], "?", Action::Help, "help", "this help"),
    b(&[Esc, Backspace], "Esc", Action::Back, "back", "go back"),
    b(&[Char('q')], "q", Action::Quit, "quit", "quit"),
];

static HOME: &[Def] = &[
    b(
        &[Enter, Char('l')],
        "Enter",
        Action::Open,
        "open",
        "open the plan, resume the session, show the entry",
    ),
    b(
        &[Tab, Right],
        "Tab",
        Action::NextTab,
        "tab",
        "next tab: plans, sessions, index",
    ),
    b(
        &[BackTab, Left],
        "S-Tab",
        Action::PrevTab,
        "",
        "previous tab",
    ),
    b(
        &[Char(' ')],
        "Space",
        Action::ToggleMark,
        "mark",
        "mark a plan for a new session",
    ),
    b(
        &[Char('s')],
        "s",
        Action::StartSession,
        "start session",
        "start a session on the marked (or selected) plans",
    ),
    b(
        &[Char('i')],
        "i",
        Action::Index,
        "index",
        "the Index of Disaster-Relevant Information",
    ),
    b(&[PageUp], "PgUp", Action::PageUp, "", "page up"),
    b(&[PageDown], "PgDn", Action::PageDown, "", "page down"),
    b(
        &[Char('w')],
        "w",
        Action::ChangeName,
        "",
        "change the name you record under (kept for next time)",
    ),
];

static PLAN: &[Def] = &[
    b(
        &[Char('s')],
        "s",
        Action::StartSession,
        "start session",
        "start a session on this plan",
    ),
    b(
        &[PageUp, Char('K')],
        "PgUp/K",
        Action::PageUp,
        "",
        "scroll the details up",
    ),
    b(
        &[PageDown, Char('J')],
        "PgDn/J",
        Action::PageDown,
        "",
        "scroll the details down",
    ),
    b(
        &[Left, Char('h')],
        "←/h",
        Action::Left,
        "",
        "scroll commands left",
    ),
    b(
        &[Right, Char('l')],
        "→/l",
        Action::Right,
        "",
        "scroll commands right",
    ),
    b(&[Char('i')], "i", Action::Index, "index", "the index"),
    b(
        &[Char('y')],
        "y",
        Action::Copy,
        "",
        "copy the step's commands to the clipboard",
    ),
];

static SESSION: &[Def] = &[
    b(
        &[Char('a')],
        "a",
        Action::StepStart,
        "start",
        "start the step (active)",
    ),
    b(
        &[Char('d')],
        "d",
        Action::StepDone,
        "done",
        "mark the step done, with an optional note",
    ),
    b(
        &[Char('x')],
        "x",
        Action::StepSkip,
        "skip",
        "skip the step (a reason is required)",
    ),
    b(
        &[Char('b')],
        "b",
        Action::StepBlock,
        "block",
        "mark the step blocked (a reason is required)",
    ),
    b(
        &[Char('r')],
        "r",
        Action::StepReopen,
        "reopen",
        "reopen the step (a reason is required)",
    ),
    b(
        &[Char('n')],
        "n",
        Action::StepNote,
        "note",
        "add a note to the step",
    ),
    b(
        &[Char('A')],
        "A",
        Action::StepAssign,
        "assign",
        "assign the step to someone",
    ),
    b(
        &[Char('c')],
        "c",
        Action::Decide,
        "decide",
        "take the step's decision",
    ),
    b(
        &[Char('!')],
        "!",
        Action::RunCommand,
        "run",
        "run the step's command: shown first, run only when you press y, its output kept in the log",
    ),
    b(
        &[Char('v')],
        "v",
        Action::Validate,
        "",
        "a validation step's outcome: pass, fail (shown as blocked) or not tested",
    ),
    b(
        &[Char('R')],
        "R",
        Action::Redline,
        "",
        "redline: propose a change to this step for the plan's author (a wrong number, a missing step)",
    ),
    b(
        &[Char('L')],
        "L",
        Action::DecideRedline,
        "",
        "accept or reject a redline proposed in this session (for the plan's author)",
    ),
    b(
        &[Char('f')],
        "f",
        Action::RecordFor,
        "",
        "record for someone else (you are their scribe); f again to record as yourself",
    ),
    b(
        &[Char('T')],
        "T",
        Action::Transcribe,
        "",
        "type in the paper log: HH:MM WHO ACTION STEP [NOTE], one entry at a time",
    ),
    b(
        &[Char('p')],
        "p",
        Action::Call,
        "call",
        "record a phone call about the step: whom (the next to call first), what it gave",
    ),
    b(
        &[Char('u')],
        "u",
        Action::Undo,
        "undo",
        "undo my last action (recorded as a reopen)",
    ),
    b(
        &[Char('N')],
        "N",
        Action::SessionNote,
        "",
        "add a note to the session",
    ),
    b(
        &[Char('H')],
        "H",
        Action::HandOver,
        "",
        "hand over to another responder",
    ),
    b(
        &[Char('I')],
        "I",
        Action::Invoke,
        "",
        "invoke another plan in this session",
    ),
    b(
        &[Char('C')],
        "C",
        Action::Close,
        "",
        "close the session (shows what is still open first)",
    ),
    b(
        &[Char('t')],
        "t",
        Action::Timeline,
        "timeline",
        "the timeline",
    ),
    b(&[Char('i')], "i", Action::Index, "index", "the index"),
    b(
        &[Char('e')],
        "e",
        Action::Export,
        "export",
        "export the session (review or report)",
    ),
    b(
        &[Char('F')],
        "F",
        Action::Facilitator,
        "",
        "the exercise view: the injects released so far (facilitators: the clock and every inject)",
    ),
    b(
        &[Enter],
        "Enter",
        Action::AckInject,
        "",
        "mark the inject shown at the top as read (exercises)",
    ),
    b(
        &[Char('O')],
        "O",
        Action::Observe,
        "",
        "record an observation (exercises)",
    ),
    b(
        &[Char('E')],
        "E",
        Action::FixObservation,
        "",
        "correct or withdraw an observation (exercises)",
    ),
    b(
        &[Char('P')],
        "P",
        Action::Improve,
        "",
        "improvement actions: raise one, update, close or reopen it",
    ),
    b(
        &[Tab, Char(']')],
        "Tab/]",
        Action::PlanNext,
        "",
        "next plan of the session",
    ),
    b(
        &[BackTab, Char('[')],
        "[",
        Action::PlanPrev,
        "",
        "previous plan",
    ),
    b(
        &[PageUp, Char('K')],
        "PgUp/K",
        Action::PageUp,
        "",
        "scroll the details up",
    ),
    b(
        &[PageDown, Char('J')],
        "PgDn/J",
        Action::PageDown,
        "",
        "scroll the details down",
    ),
    b(
        &[Left, Char('h')],
        "←/h",
        Action::Left,
        "",
        "scroll commands left",
    ),
    b(
        &[Right, Char('l')],
        "→/l",
        Action::Right,
        "",
        "scroll commands right",
    ),
    b(
        &[Char('D')],
        "D",
        Action::Declare,
        "",
        "set or correct when the disaster was declared",
    ),
    b(
        &[Char('w')],
        "w",
        Action::ChangeName,
        "",
        "change the name you record under (kept for next time)",
    ),
    b(
        &[Char('y')],
        "y",
        Action::Copy,
        "",
        "copy the step's commands to the clipboard",
    ),
];

static INDEX: &[Def] = &[
    b(
        &[Tab, Right, Char('l')],
        "Tab",
        Action::NextTab,
        "section",
        "next section",
    ),
    b(
        &[BackTab, Left, Char('h')],
        "S-Tab",
        Action::PrevTab,
        "",
        "previous section",
    ),
    b(
        &[PageUp, Char('K')],
        "PgUp",
        Action::PageUp,
        "",
        "scroll the entry up",
    ),
    b(
        &[PageDown, Char('J')],
        "PgDn",
        Action::PageDown,
        "",
        "scroll the entry down",
    ),
];

static TIMELINE: &[Def] = &[
    b(&[PageUp], "PgUp", Action::PageUp, "", "page up"),
    b(&[PageDown], "PgDn", Action::PageDown, "", "page down"),
    b(
        &[Char('P')],
        "P",
        Action::Improve,
        "",
        "improvement actions: raise one, update, close or reopen it",
    ),
    b(
        &[Char('e')],
        "e",
        Action::Export,
        "export",
        "export the session",
    ),
];

static FACILITATOR: &[Def] = &[
    b(
        &[Enter, Char('R')],
        "R",
        Action::ReleaseInject,
        "release",
        "release the selected inject now",
    ),
    b(
        &[Char('x')],
        "x",
        Action::SkipInject,
        "skip",
        "skip the selected inject",
    ),
    b(
        &[Char(' '), Char('p')],
        "Space",
        Action::ClockToggle,
        "pause",
        "pause or resume the exercise clock",
    ),
    b(
        &[Char('+')],
        "+",
        Action::ClockSpeed,
        "faster",
        "run the clock faster: x1, x2, x5, x10",
    ),
    b(
        &[Char('-')],
        "-",
        Action::ClockSlower,
        "",
        "run the clock slower",
    ),
    b(
        &[Char('>')],
        ">",
        Action::ClockAdvance,
        "+5min",
        "move the clock forward 5 minutes by hand",
    ),
    b(
        &[Tab],
        "Tab",
        Action::NextTab,
        "records",
        "switch the right pane: the selected inject, or observations, ratings and actions",
    ),
    b(
        &[PageUp, Char('K')],
        "PgUp",
        Action::PageUp,
        "",
        "scroll the right pane up",
    ),
    b(
        &[PageDown, Char('J')],
        "PgDn",
        Action::PageDown,
        "",
        "scroll the right pane down",
    ),
    b(
        &[Char('O')],
        "O",
        Action::Observe,
        "observe",
        "record an observation",
    ),
    b(
        &[Char('E')],
        "E",
        Action::FixObservation,
        "",
        "correct or withdraw an observation",
    ),
    b(
        &[Char('P')],
        "P",
        Action::Improve,
        "actions",
        "improvement actions: raise one, update, close or reopen it",
    ),
    b(
        &[Char('o')],
        "o",
        Action::Rate,
        "rate",
        "rate an objective P/S/M/U",
    ),
    b(
        &[Char('t')],
        "t",
        Action::Timeline,
        "timeline",
        "the timeline",
    ),
    b(
        &[Char('e')],
        "e",
        Action::Export,
        "export",
        "export the after-action report",
    ),
];

static PARTICIPANT: &[Def] = &[
    b(
        &[Tab],
        "Tab",
        Action::NextTab,
        "records",
        "switch the right pane: the selected inject, or observations, ratings and actions",
    ),
    b(
        &[PageUp, Char('K')],
        "PgUp",
        Action::PageUp,
        "",
        "scroll the right pane up",
    ),
    b(
        &[PageDown, Char('J')],
        "PgDn",
        Action::PageDown,
        "",
        "scroll the right pane down",
    ),
    b(
        &[Char('O')],
        "O",
        Action::Observe,
        "observe",
        "record an observation",
    ),
    b(
        &[Char('E')],
        "E",
        Action::FixObservation,
        "",
        "correct or withdraw an observation",
    ),
    b(
        &[Char('P')],
        "P",
        Action::Improve,
        "actions",
        "improvement actions: raise one, update, close or reopen it",
    ),
    b(
        &[Char('t')],
        "t",
        Action::Timeline,
        "timeline",
        "the timeline",
    ),
    // the facilitator's keys, so a participant who presses one hears from the gate why not
    b(
        &[Char(' '), Char('p'), Char('+'), Char('-'), Char('>')],
        "Space + - >",
        Action::ClockToggle,
        "",
        "the exercise clock (the facilitators only)",
    ),
    b(
        &[Char('R')],
        "R",
        Action::ReleaseInject,
        "",
        "release an inject (the facilitators only)",
    ),
    b(
        &[Char('x')],
        "x",
        Action::SkipInject,
        "",
        "skip an inject (the facilitators only)",
    ),
    b(
        &[Char('o')],
        "o",
        Action::Rate,
        "",
        "rate an objective (the facilitators only)",
    ),
];

/// The shipped bindings of a context, its own first, then movement and the common ones.
pub fn defaults(ctx: Context) -> impl Iterator<Item = &'static Def> {
    let own: &'static [Def] = match ctx {
        Context::Home => HOME,
        Context::Plan => PLAN,
        Context::Session => SESSION,
        Context::Index => INDEX,
        Context::Timeline => TIMELINE,
        Context::Facilitator => FACILITATOR,
        Context::Participant => PARTICIPANT,
    };
    own.iter().chain(MOVE.iter()).chain(COMMON.iter())
}
