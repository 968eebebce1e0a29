//! The prompt widgets' state: a line of text being typed, and a choice among options.

use unicode_width::UnicodeWidthStr;

/// The most a prompt holds: more than any note needs, less than a runaway paste.
pub const MAX_INPUT_CHARS: usize = 100_000;

/// Text being typed.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TextInput {
    pub text: String,
    /// The text is a suggestion: the first key typed replaces it (Enter keeps it).
    pub suggested: bool,
}

impl TextInput {
    pub fn new(text: impl Into<String>) -> TextInput {
        TextInput {
            text: text.into(),
            suggested: false,
        }
    }

    /// A suggestion: Enter takes it, typing replaces it.
    pub fn suggest(text: impl Into<String>) -> TextInput {
        TextInput {
            text: text.into(),
            suggested: true,
        }
    }

    fn take_suggestion(&mut self) {
        if std::mem::take(&mut self.suggested) {
            self.text.clear();
        }
    }

    pub fn push(&mut self, c: char) {
        self.take_suggestion();
        if self.text.chars().count() < MAX_INPUT_CHARS && !c.is_control() {
            self.text.push(c);
        }
    }

    /// Pasted text: kept whole, newlines included (a note may have lines); other control
    /// characters are dropped.
    pub fn paste(&mut self, s: &str) {
        self.take_suggestion();
        let room = MAX_INPUT_CHARS.saturating_sub(self.text.chars().count());
        let clean: String = s
            .replace("\r\n", "\n")
            .replace('\r', "\n")
            .chars()
            .filter(|c| *c == '\n' || *c == '\t' || !c.is_control())
            .map(|c| if c == '\t' { ' ' } else { c })
            .take(room)
            .collect();
        self.text.push_str(&clean);
    }

    pub fn backspace(&mut self) {
        if std::mem::take(&mut self.suggested) {
            self.text.clear();
        }
        self.text.pop();
    }

    /// Deletes the word before the end (Ctrl-W).
    pub fn delete_word(&mut self) {
        let t = self.text.trim_end_matches(' ');
        let cut = t.rfind(' ').map_or(0, |i| i + 1);
        self.text.truncate(cut);
    }

    pub fn is_blank(&self) -> bool {
        self.text.trim().is_empty()
    }

    pub fn width(&self) -> usize {
        self.text.width()
    }
}

/// A choice among options.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    pub options: Vec<String>,
    pub sel: usize,
}

impl Choice {
    pub fn new(options: Vec<String>) -> Choice {
        Choice { options, sel: 0 }
    }

    pub fn up(&mut self) {
        self.sel = self.sel.saturating_sub(1);
    }

    pub fn down(&mut self) {
        self.sel = (self.sel + 1).min(self.options.len().saturating_sub(1));
    }

    /// The option a key picks: its number (1-9), or the letter it starts with ("P: ...").
    pub fn pick(&self, c: char) -> Option<usize> {
        if let Some(d) = c.to_digit(10)
            && d > 0
            && (d as usize) <= self.options.len()
        {
            return Some(d as usize - 1);
        }
        if c.is_ascii_alphabetic() {
            let head = format!("{}:", c.to_ascii_uppercase());
            return self.options.iter().position(|o| o.starts_with(&head));
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_paste_keeps_its_lines_and_drops_escapes() {
        let mut t = TextInput::default();
        t.paste("line one\r\nq\n\x1b[2Jd");
        assert_eq!(t.text, "line one\nq\n[2Jd");
    }

    #[test]
    fn a_suggestion_is_replaced_by_typing_and_kept_by_enter() {
        let mut t = TextInput::suggest("root");
        t.push('P');
        assert_eq!(t.text, "P");
        let mut t = TextInput::suggest("root");
        t.backspace();
        assert_eq!(t.text, "");
    }

    #[test]
    fn choices_pick_by_number_or_letter() {
        let c = Choice::new(vec!["P: good".into(), "S: some".into()]);
        assert_eq!(c.pick('2'), Some(1));
        assert_eq!(c.pick('s'), Some(1));
        assert_eq!(c.pick('9'), None);
    }
}
