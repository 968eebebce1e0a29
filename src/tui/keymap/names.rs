//! The names a configuration file gives actions and keys: `done = ["D"]`, `"page-down":
//! ["PageDown", "J"]`.

use super::Action;
use ratatui::crossterm::event::KeyCode;

/// Every action with its name in a configuration file.
pub const NAMES: [(Action, &str); 57] = [
    (Action::Up, "up"),
    (Action::Down, "down"),
    (Action::PageUp, "page-up"),
    (Action::PageDown, "page-down"),
    (Action::Top, "top"),
    (Action::Bottom, "bottom"),
    (Action::Left, "left"),
    (Action::Right, "right"),
    (Action::Open, "open"),
    (Action::Back, "back"),
    (Action::Quit, "quit"),
    (Action::Help, "help"),
    (Action::Search, "search"),
    (Action::NextTab, "next-tab"),
    (Action::PrevTab, "previous-tab"),
    (Action::ToggleMark, "mark"),
    (Action::StartSession, "start-session"),
    (Action::Index, "index"),
    (Action::Timeline, "timeline"),
    (Action::StepStart, "start"),
    (Action::StepDone, "done"),
    (Action::StepSkip, "skip"),
    (Action::StepBlock, "block"),
    (Action::StepReopen, "reopen"),
    (Action::StepNote, "note"),
    (Action::StepAssign, "assign"),
    (Action::Decide, "decide"),
    (Action::Undo, "undo"),
    (Action::HandOver, "handover"),
    (Action::SessionNote, "session-note"),
    (Action::Export, "export"),
    (Action::Facilitator, "facilitator"),
    (Action::ReleaseInject, "release-inject"),
    (Action::SkipInject, "skip-inject"),
    (Action::ClockToggle, "clock"),
    (Action::ClockSpeed, "clock-faster"),
    (Action::ClockSlower, "clock-slower"),
    (Action::ClockAdvance, "clock-advance"),
    (Action::Observe, "observe"),
    (Action::Rate, "rate"),
    (Action::PlanNext, "next-plan"),
    (Action::PlanPrev, "previous-plan"),
    (Action::Invoke, "invoke"),
    (Action::Close, "close"),
    (Action::Declare, "declare"),
    (Action::Copy, "copy"),
    (Action::ChangeName, "change-name"),
    (Action::Improve, "improve"),
    (Action::FixObservation, "fix-observation"),
    (Action::AckInject, "read-inject"),
    (Action::Call, "call"),
    (Action::RunCommand, "run"),
    (Action::RecordFor, "record-for"),
    (Action::Transcribe, "transcribe"),
    (Action::Redline, "redline"),
    (Action::DecideRedline, "decide-redline"),
    (Action::Validate, "validate"),
];

impl Action {
    /// Its name in a configuration file.
    pub fn name(self) -> &'static str {
        NAMES
            .iter()
            .find(|(a, _)| *a == self)
            .map(|(_, n)| *n)
            .unwrap_or("?")
    }
}

/// The action a configuration names (`done`, `Done`, `page_down` all read).
pub fn action_by_name(name: &str) -> Option<Action> {
    let n = name.trim().to_ascii_lowercase().replace(['_', ' '], "-");
    NAMES.iter().find(|(_, k)| *k == n).map(|(a, _)| *a)
}

const NAMED: [(&str, KeyCode); 16] = [
    ("Enter", KeyCode::Enter),
    ("Esc", KeyCode::Esc),
    ("Tab", KeyCode::Tab),
    ("BackTab", KeyCode::BackTab),
    ("Backspace", KeyCode::Backspace),
    ("Delete", KeyCode::Delete),
    ("Insert", KeyCode::Insert),
    ("Up", KeyCode::Up),
    ("Down", KeyCode::Down),
    ("Left", KeyCode::Left),
    ("Right", KeyCode::Right),
    ("Home", KeyCode::Home),
    ("End", KeyCode::End),
    ("PageUp", KeyCode::PageUp),
    ("PageDown", KeyCode::PageDown),
    ("Space", KeyCode::Char(' ')),
];

/// A key as a configuration writes it: one character (`d`, `D`, `!`), a name (`Enter`, `Esc`,
/// `Tab`, `BackTab`, `Up`, `PageDown`, `Space`...) or `F1` to `F12`.
pub fn parse_key(s: &str) -> Result<KeyCode, String> {
    let mut chars = s.chars();
    if let (Some(c), None) = (chars.next(), chars.next()) {
        if c.is_control() {
            return Err("a control character is not a key: write its name".into());
        }
        return Ok(KeyCode::Char(c));
    }
    if let Some((_, k)) = NAMED.iter().find(|(n, _)| n.eq_ignore_ascii_case(s.trim())) {
        return Ok(*k);
    }
    let up = s.trim().to_ascii_uppercase();
    if let Some(n) = up.strip_prefix('F').and_then(|n| n.parse::<u8>().ok())
        && (1..=12).contains(&n)
    {
        return Ok(KeyCode::F(n));
    }
    Err(format!(
        "`{}` is not a key: write one character (\"d\", \"D\", \"!\"), a name ({}) or F1 to F12",
        crate::domain::text::clean(s, false),
        NAMED.iter().map(|(n, _)| *n).collect::<Vec<_>>().join(", ")
    ))
}

/// How the help and the footer write a key.
pub fn key_name(k: KeyCode) -> String {
    match k {
        KeyCode::Char(' ') => "Space".into(),
        KeyCode::Char(c) => c.to_string(),
        KeyCode::Up => "↑".into(),
        KeyCode::Down => "↓".into(),
        KeyCode::Left => "←".into(),
        KeyCode::Right => "→".into(),
        KeyCode::PageUp => "PgUp".into(),
        KeyCode::PageDown => "PgDn".into(),
        KeyCode::BackTab => "S-Tab".into(),
        KeyCode::F(n) => format!("F{n}"),
        other => NAMED
            .iter()
            .find(|(_, k)| *k == other)
            .map(|(n, _)| n.to_string())
            .unwrap_or_else(|| format!("{other:?}")),
    }
}

/// The name a configuration file writes a key with (the inverse of [`parse_key`]).
pub fn key_config_name(k: KeyCode) -> String {
    match k {
        KeyCode::Char(' ') => "Space".into(),
        KeyCode::Char(c) => c.to_string(),
        KeyCode::F(n) => format!("F{n}"),
        other => NAMED
            .iter()
            .find(|(_, k)| *k == other)
            .map(|(n, _)| n.to_string())
            .unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_read_back_from_their_names() {
        for k in [
            "d", "D", "!", "Enter", "esc", "PageDown", "Space", "F5", "BackTab",
        ] {
            let code = parse_key(k).unwrap();
            assert_eq!(parse_key(&key_config_name(code)).unwrap(), code, "{k}");
        }
        assert!(parse_key("F13").is_err());
        assert!(parse_key("Ctrl-x").is_err());
        assert!(parse_key("").is_err());
    }

    #[test]
    fn every_action_has_one_name() {
        let mut names: Vec<&str> = NAMES.iter().map(|(_, n)| *n).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), NAMES.len());
        assert_eq!(action_by_name("Page_Down"), Some(Action::PageDown));
    }
}
