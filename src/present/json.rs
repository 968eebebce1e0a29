//! JSON for people's terminals and other programs: valid JSON in which C1 controls, DEL and
//! bidirectional overrides are written as `\u` escapes too (serde_json escapes only the C0
//! controls), so that `muster ... --json` piped to a terminal can never drive it or reorder text.

use serde::Serialize;
use serde_json::ser::{CompactFormatter, Formatter, PrettyFormatter};
use std::io::{self, Write};

fn needs_escape(c: char) -> bool {
    c == '\u{7f}'
        || ('\u{80}'..='\u{9f}').contains(&c)
        || ('\u{202a}'..='\u{202e}').contains(&c)
        || ('\u{2066}'..='\u{2069}').contains(&c)
        || c == '\u{200e}'
        || c == '\u{200f}'
}

/// A formatter that escapes what terminals act on, around another formatter.
pub struct Inert<F>(pub F);

impl<F: Formatter> Formatter for Inert<F> {
    fn write_string_fragment<W: ?Sized + Write>(&mut self, w: &mut W, s: &str) -> io::Result<()> {
        let mut last = 0;
        for (i, c) in s.char_indices() {
            if needs_escape(c) {
                w.write_all(&s.as_bytes()[last..i])?;
                write!(w, "\\u{:04x}", c as u32)?;
                last = i + c.len_utf8();
            }
        }
        w.write_all(&s.as_bytes()[last..])
    }
    fn begin_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_array(w)
    }
    fn end_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_array(w)
    }
    fn begin_array_value<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.0.begin_array_value(w, first)
    }
    fn end_array_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_array_value(w)
    }
    fn begin_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_object(w)
    }
    fn end_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object(w)
    }
    fn begin_object_key<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.0.begin_object_key(w, first)
    }
    fn end_object_key<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object_key(w)
    }
    fn begin_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_object_value(w)
    }
    fn end_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object_value(w)
    }
}

/// Compact, inert JSON to a writer.
pub fn to_writer<W: Write, T: ?Sized + Serialize>(w: W, v: &T) -> io::Result<()> {
    let mut ser = serde_json::Serializer::with_formatter(w, Inert(CompactFormatter));
    v.serialize(&mut ser).map_err(io::Error::other)
}

/// Pretty, inert JSON as a string.
pub fn to_string_pretty<T: ?Sized + Serialize>(v: &T) -> Result<String, serde_json::Error> {
    let mut out = Vec::new();
    let mut ser = serde_json::Serializer::with_formatter(&mut out, Inert(PrettyFormatter::new()));
    v.serialize(&mut ser)?;
    Ok(String::from_utf8(out).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    #[test]
    fn c1_and_bidi_are_escaped_and_the_json_reads_back_the_same() {
        let s = "a\u{9b}2J\u{202e}b\u{7f}é\u{1b}";
        let j = super::to_string_pretty(&s).unwrap();
        assert_eq!(j, "\"a\\u009b2J\\u202eb\\u007fé\\u001b\"");
        let back: String = serde_json::from_str(&j).unwrap();
        assert_eq!(back, s);
    }
}
