//! Source files, spans and diagnostics (`PATH:LINE:COL: error: MESSAGE` with a rustc-style snippet).

use serde::{Serialize, Serializer};
use std::fmt;
use unicode_width::UnicodeWidthStr;

/// A byte range in one source file of the library.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub struct Span {
    pub file: u32,
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(file: u32, start: usize, end: usize) -> Span {
        Span {
            file,
            start: start as u32,
            end: end as u32,
        }
    }
    pub fn to(self, other: Span) -> Span {
        Span {
            file: self.file,
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }
}

/// A value with the place it was written. Serialises as the bare value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sp<T> {
    pub v: T,
    pub span: Span,
}

impl<T> Sp<T> {
    pub fn new(v: T, span: Span) -> Self {
        Sp { v, span }
    }
    /// A value that was not read from a file (tests, generated data).
    pub fn bare(v: T) -> Self {
        Sp {
            v,
            span: Span::default(),
        }
    }
}

impl<T: Serialize> Serialize for Sp<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.v.serialize(s)
    }
}

impl<T> std::ops::Deref for Sp<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.v
    }
}

impl fmt::Display for Sp<String> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.v)
    }
}

/// One file of a library, as read.
#[derive(Debug, Clone)]
pub struct Source {
    /// The path as shown to the user.
    pub path: String,
    pub text: String,
    line_starts: Vec<usize>,
}

impl Source {
    pub fn new(path: impl Into<String>, text: impl Into<String>) -> Source {
        let text = text.into();
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Source {
            path: path.into(),
            text,
            line_starts,
        }
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let line = self.line_starts.partition_point(|&s| s <= offset) - 1;
        let start = self.line_starts[line];
        let col = self.text[start..offset].chars().count() + 1;
        (line + 1, col)
    }

    pub fn line_text(&self, line: usize) -> &str {
        let start = self.line_starts[line - 1];
        let end = self
            .line_starts
            .get(line)
            .copied()
            .unwrap_or(self.text.len());
        self.text[start..end].trim_end_matches(['\n', '\r'])
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// A problem found in a library file, located to the character.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    pub path: String,
    pub line: usize,
    pub col: usize,
    pub message: String,
    /// The source line and a marker under the spot, ready to print.
    #[serde(skip)]
    pub snippet: Option<String>,
}

impl Diagnostic {
    /// A diagnostic about a whole file (unreadable, too large...), with no position inside it.
    pub fn file(severity: Severity, path: &str, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity,
            path: path.to_string(),
            line: 1,
            col: 1,
            message: message.into(),
            snippet: None,
        }
    }

    pub fn at(
        severity: Severity,
        src: &Source,
        span: Span,
        message: impl Into<String>,
        label: Option<&str>,
    ) -> Diagnostic {
        let (line, col) = src.line_col(span.start as usize);
        let text = src.line_text(line);
        let lstart = src.line_starts[line - 1];
        let floor = |mut i: usize| {
            i = i.min(text.len());
            while !text.is_char_boundary(i) {
                i -= 1;
            }
            i
        };
        let from = floor((span.start as usize).saturating_sub(lstart));
        let to = floor((span.end as usize).saturating_sub(lstart)).max(from);
        // a window around the column: a long line is never copied whole
        let (win_from, win_to) = if text.len() > SNIPPET_BYTES {
            let a = floor(from.saturating_sub(SNIPPET_BYTES / 3));
            let b = floor((a + SNIPPET_BYTES).max(to.min(from + SNIPPET_BYTES)));
            (a, b)
        } else {
            (0, text.len())
        };
        let to = to.min(win_to);
        let shown = |t: &str| crate::domain::text::clean(t, false);
        let before = format!(
            "{}{}",
            if win_from > 0 { "…" } else { "" },
            shown(&text[win_from..from])
        );
        let marked = shown(&text[from..to]);
        let after = format!(
            "{}{}",
            shown(&text[to..win_to]),
            if win_to < text.len() { "…" } else { "" }
        );
        let pad = UnicodeWidthStr::width(before.as_str());
        let marks = UnicodeWidthStr::width(marked.as_str()).clamp(1, SNIPPET_BYTES);
        let gutter = line.to_string().len();
        let mut snippet = format!(
            "{:gutter$} |\n{line} | {before}{marked}{after}\n{:gutter$} | {}{}",
            "",
            "",
            " ".repeat(pad),
            "^".repeat(marks)
        );
        if let Some(label) = label {
            snippet.push(' ');
            snippet.push_str(&crate::domain::text::clean(label, false));
        }
        Diagnostic {
            severity,
            path: src.path.clone(),
            line,
            col,
            message: message.into(),
            snippet: Some(snippet),
        }
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// The most bytes of a source line a snippet shows, around the column.
pub const SNIPPET_BYTES: usize = 160;

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sev = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        // a message may quote the file (a field name, a value): nothing reaches a terminal raw
        let clean = crate::domain::text::clean;
        write!(
            f,
            "{}:{}:{}: {sev}: {}",
            clean(&self.path, false),
            self.line,
            self.col,
            clean(&self.message, true)
        )?;
        if let Some(s) = &self.snippet {
            write!(f, "\n{s}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters() {
        let s = Source::new("f.ron", "ab\nçé x\n");
        assert_eq!(s.line_col(0), (1, 1));
        assert_eq!(s.line_col(3), (2, 1));
        // 'x' is after two 2-byte characters and a space
        assert_eq!(s.line_col(8), (2, 4));
        assert_eq!(s.line_text(2), "çé x");
    }

    #[test]
    fn snippet_marks_the_span() {
        let s = Source::new("f.ron", "(\n  id: \"x\",\n)");
        let d = Diagnostic::at(
            Severity::Error,
            &s,
            Span::new(0, 8, 11),
            "bad",
            Some("here"),
        );
        assert_eq!(
            d.to_string(),
            "f.ron:2:7: error: bad\n  |\n2 |   id: \"x\",\n  |       ^^^ here"
        );
    }
}
