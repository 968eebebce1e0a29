//! A RON reader that keeps the position of every value.
//!
//! `ron` deserialises straight into types and stops at the first problem; a plan author wants every
//! problem of a file at once, each at its own line and column. So files are first read into this
//! tree of spanned values, then converted by hand (see `de.rs`), collecting every error. When this
//! reader rejects a file that the `ron` crate accepts, the gap is reported as ours, not the author's.

use super::span::Span;
use std::borrow::Cow;

#[derive(Debug, Clone, PartialEq)]
pub struct Node<'a> {
    pub span: Span,
    pub kind: Kind<'a>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Kind<'a> {
    /// Borrowed from the source when it has no escapes.
    Str(Cow<'a, str>),
    Int(i64),
    Float(f64),
    Bool(bool),
    Char(char),
    /// A bare identifier: a unit variant, a unit struct, `None`.
    Ident(&'a str),
    List(Vec<Node<'a>>),
    Map(Vec<(Node<'a>, Node<'a>)>),
    /// `Name(field: value, ...)` or `(field: value, ...)`.
    Struct {
        name: Option<&'a str>,
        fields: Vec<Field<'a>>,
    },
    /// `Name(a, b)` or `(a, b)`; `Some(x)` is a tuple named `Some`.
    Tuple {
        name: Option<&'a str>,
        items: Vec<Node<'a>>,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Field<'a> {
    pub name: &'a str,
    pub name_span: Span,
    pub value: Node<'a>,
}

impl Node<'_> {
    /// What the value is, in words, for "expected a string, found a list" messages.
    pub fn describe(&self) -> &'static str {
        match &self.kind {
            Kind::Str(_) => "a string",
            Kind::Int(_) => "a whole number",
            Kind::Float(_) => "a number",
            Kind::Bool(_) => "true or false",
            Kind::Char(_) => "a character",
            Kind::Ident(_) => "a name",
            Kind::List(_) => "a list `[...]`",
            Kind::Map(_) => "a map `{...}`",
            Kind::Struct { .. } => "a struct `(field: ...)`",
            Kind::Tuple { .. } => "a tuple `(...)`",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct SyntaxError {
    pub span: Span,
    pub message: String,
}

/// Parses one RON document (optionally preceded by `#![enable(...)]` attributes).
///
/// Every syntax error the reader can step past is reported, in the order of the file: after a
/// bad value it resumes at the next `,` or closing bracket of the list or struct holding it, and a
/// missing comma is reported and read as if it were there. Errors after which the rest of the file
/// cannot be read reliably (a string, comment or raw string never closed, nesting too deep) end
/// the reading, so that one slip is not reported as dozens.
pub fn parse(file: u32, text: &str) -> Result<Node<'_>, Vec<SyntaxError>> {
    let mut p = Parser {
        s: text.as_bytes(),
        text,
        i: 0,
        file,
        depth: 0,
        errors: Vec::new(),
        fatal: false,
    };
    let r = p.document();
    match r {
        Ok(node) if p.errors.is_empty() => Ok(node),
        Ok(_) => Err(p.errors),
        Err(e) => {
            p.record(e);
            Err(p.errors)
        }
    }
}

const MAX_DEPTH: usize = 128;
/// After this many errors in one file the reader stops: the rest are most likely echoes.
const MAX_ERRORS: usize = 200;

struct Parser<'a> {
    s: &'a [u8],
    text: &'a str,
    i: usize,
    file: u32,
    depth: usize,
    /// Errors stepped past so far.
    errors: Vec<SyntaxError>,
    /// Set by an error after which nothing more of the file can be trusted.
    fatal: bool,
}

impl<'a> Parser<'a> {
    fn span(&self, start: usize, end: usize) -> Span {
        Span::new(self.file, start, end)
    }

    fn err(&self, start: usize, end: usize, msg: impl Into<String>) -> SyntaxError {
        SyntaxError {
            span: self.span(start, end),
            message: msg.into(),
        }
    }

    /// An error at the current position, marking the next character (or `len` bytes).
    fn err_here(&self, len: usize, msg: impl Into<String>) -> SyntaxError {
        let end = (self.i + len).min(self.s.len());
        let end = (end..=self.s.len())
            .find(|&e| self.text.is_char_boundary(e))
            .unwrap_or(self.s.len());
        self.err(self.i, end, msg)
    }

    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }

    fn found(&self) -> String {
        match self.text[self.i..].chars().next() {
            None => "the end of the file".to_string(),
            Some(c) if c.is_control() => format!("{c:?}"),
            Some(c) => format!("`{c}`"),
        }
    }

    fn document(&mut self) -> Result<Node<'a>, SyntaxError> {
        self.ws()?;
        while self.peek() == Some(b'#') {
            self.attribute()?;
            self.ws()?;
        }
        let node = self.value()?;
        self.ws()?;
        if self.i < self.s.len() {
            return Err(self.err_here(1, "unexpected text after the end of the document"));
        }
        Ok(node)
    }

    /// Keeps an error, once: one that is passed up through several containers is the same error.
    fn record(&mut self, e: SyntaxError) {
        if !self.errors.contains(&e) {
            self.errors.push(e);
        }
    }

    /// After an error inside a container closed by `close`: keeps the error and moves on to the
    /// next element (past its `,`) or to the closing bracket. Fails, returning the error for the
    /// container around, when the rest cannot be read or the error count is reached.
    fn recover(&mut self, e: SyntaxError, close: u8) -> Result<(), SyntaxError> {
        self.record(e.clone());
        if self.errors.len() >= MAX_ERRORS {
            self.fatal = true;
        }
        if self.fatal || !self.sync(close) {
            return Err(e);
        }
        Ok(())
    }

    /// Moves past the rest of a bad element: to just after the next `,` at this level (true), or
    /// to the `close` that ends the container (true, not consumed). False at the end of the file
    /// or at a bracket that closes something else, which the container around may own.
    fn sync(&mut self, close: u8) -> bool {
        let mut open: Vec<u8> = Vec::new();
        loop {
            if let Err(e) = self.ws() {
                self.record(e);
                return false;
            }
            let Some(c) = self.peek() else {
                self.fatal = true;
                return false;
            };
            match c {
                b'"' => {
                    self.i += 1;
                    if !self.skip_string_body() {
                        self.fatal = true;
                        return false;
                    }
                }
                b'r' if matches!(self.s.get(self.i + 1), Some(b'"' | b'#')) => {
                    if self.raw_string().is_err() {
                        self.fatal = true;
                        return false;
                    }
                }
                b'(' | b'[' | b'{' => {
                    open.push(match c {
                        b'(' => b')',
                        b'[' => b']',
                        _ => b'}',
                    });
                    self.i += 1;
                }
                b')' | b']' | b'}' => match open.last() {
                    Some(&want) if want == c => {
                        open.pop();
                        self.i += 1;
                    }
                    Some(_) => return false,
                    None => return c == close,
                },
                b',' if open.is_empty() => {
                    self.i += 1;
                    return true;
                }
                // any other character, whole (never stop inside a UTF-8 sequence)
                _ => self.i += self.text[self.i..].chars().next().map_or(1, char::len_utf8),
            }
        }
    }

    /// From inside a string, moves past its closing quote; false if there is none.
    fn skip_string_body(&mut self) -> bool {
        while let Some(c) = self.peek() {
            match c {
                b'\\' => {
                    self.i += 1 + self.text[self.i + 1..]
                        .chars()
                        .next()
                        .map_or(0, char::len_utf8)
                }
                b'"' => {
                    self.i += 1;
                    return true;
                }
                _ => self.i += self.text[self.i..].chars().next().map_or(1, char::len_utf8),
            }
        }
        false
    }

    /// Skips white space and comments.
    fn ws(&mut self) -> Result<(), SyntaxError> {
        loop {
            match self.peek() {
                Some(b' ' | b'\t' | b'\n' | b'\r') => self.i += 1,
                Some(b'/') if self.s.get(self.i + 1) == Some(&b'/') => {
                    while let Some(c) = self.peek() {
                        if c == b'\n' {
                            break;
                        }
                        self.i += 1;
                    }
                }
                Some(b'/') if self.s.get(self.i + 1) == Some(&b'*') => {
                    let start = self.i;
                    self.i += 2;
                    let mut level = 1;
                    while level > 0 {
                        match (self.peek(), self.s.get(self.i + 1)) {
                            (None, _) => {
                                self.fatal = true;
                                return Err(self.err(
                                    start,
                                    start + 2,
                                    "this comment is never closed with `*/`",
                                ));
                            }
                            (Some(b'*'), Some(b'/')) => {
                                level -= 1;
                                self.i += 2
                            }
                            (Some(b'/'), Some(b'*')) => {
                                level += 1;
                                self.i += 2
                            }
                            _ => self.i += 1,
                        }
                    }
                }
                _ => return Ok(()),
            }
        }
    }

    fn attribute(&mut self) -> Result<(), SyntaxError> {
        // #![enable(...)]: skipped, balanced brackets.
        let start = self.i;
        let mut depth = 0;
        while let Some(c) = self.peek() {
            self.i += 1;
            match c {
                b'[' => depth += 1,
                b']' => {
                    depth -= 1;
                    if depth == 0 {
                        return Ok(());
                    }
                }
                _ => {}
            }
        }
        self.fatal = true;
        Err(self.err(start, start + 1, "this attribute `#![...]` is never closed"))
    }

    fn expect(&mut self, c: u8, what: &str) -> Result<(), SyntaxError> {
        if self.peek() == Some(c) {
            self.i += 1;
            Ok(())
        } else {
            Err(self.err_here(1, format!("expected {what}, found {}", self.found())))
        }
    }

    fn value(&mut self) -> Result<Node<'a>, SyntaxError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            self.fatal = true;
            return Err(self.err_here(1, "values are nested too deeply"));
        }
        let r = self.value_inner();
        self.depth -= 1;
        r
    }

    fn value_inner(&mut self) -> Result<Node<'a>, SyntaxError> {
        let start = self.i;
        match self.peek() {
            None => {
                self.fatal = true;
                Err(self.err_here(1, "expected a value, found the end of the file"))
            }
            Some(b'"') => {
                let s = self.string()?;
                Ok(Node {
                    span: self.span(start, self.i),
                    kind: Kind::Str(s),
                })
            }
            Some(b'r') if matches!(self.s.get(self.i + 1), Some(b'"' | b'#')) => {
                let s = self.raw_string()?;
                Ok(Node {
                    span: self.span(start, self.i),
                    kind: Kind::Str(s),
                })
            }
            Some(b'\'') => self.char_lit(),
            Some(b'[') => {
                self.i += 1;
                let mut items = Vec::new();
                loop {
                    self.ws()?;
                    if self.peek() == Some(b']') {
                        self.i += 1;
                        break;
                    }
                    if matches!(self.peek(), Some(b')' | b'}')) {
                        return Err(self.unclosed(
                            start,
                            "list",
                            "a value or the `]` that closes it",
                        ));
                    }
                    match self.value() {
                        Ok(v) => items.push(v),
                        Err(e) => {
                            self.recover(e, b']')?;
                            continue;
                        }
                    }
                    self.ws()?;
                    match self.peek() {
                        Some(b',') => self.i += 1,
                        Some(b']') => {}
                        _ => {
                            let e = self.unclosed(start, "list", "`,` or `]`");
                            let e = self.string_hint(&items.last().map(|v| v.span), e);
                            self.recover(e, b']')?;
                        }
                    }
                }
                Ok(Node {
                    span: self.span(start, self.i),
                    kind: Kind::List(items),
                })
            }
            Some(b'{') => {
                self.i += 1;
                let mut entries = Vec::new();
                loop {
                    self.ws()?;
                    if self.peek() == Some(b'}') {
                        self.i += 1;
                        break;
                    }
                    match self.entry() {
                        Ok(kv) => entries.push(kv),
                        Err(e) => {
                            self.recover(e, b'}')?;
                            continue;
                        }
                    }
                    self.ws()?;
                    match self.peek() {
                        Some(b',') => self.i += 1,
                        Some(b'}') => {}
                        _ => {
                            let e = self.unclosed(start, "map", "`,` or `}`");
                            self.recover(e, b'}')?;
                        }
                    }
                }
                Ok(Node {
                    span: self.span(start, self.i),
                    kind: Kind::Map(entries),
                })
            }
            Some(b'(') => self.parens(start, None),
            Some(c) if c == b'-' || c == b'+' || c == b'.' || c.is_ascii_digit() => self.number(),
            Some(c) if c == b'_' || c.is_ascii_alphabetic() => {
                let name = self.ident();
                let after_name = self.i;
                self.ws()?;
                if self.peek() == Some(b'(') {
                    return self.parens(start, Some(name));
                }
                // `Step id: ...`: a struct whose `(` is missing (at a line break, a comma is
                // the likelier slip: `kind: Continuity` then `services: ...`)
                if name.starts_with(|c: char| c.is_ascii_uppercase())
                    && !self.text[after_name..self.i].contains('\n')
                    && self
                        .peek()
                        .is_some_and(|c| c == b'_' || c.is_ascii_alphabetic())
                {
                    let field = self.i;
                    self.ident();
                    self.ws()?;
                    if self.peek() == Some(b':') {
                        return Err(self.err(
                            after_name,
                            field,
                            format!(
                                "expected `(` after `{name}`: is the `(` that opens it missing?"
                            ),
                        ));
                    }
                }
                self.i = after_name;
                let kind = match name {
                    "true" => Kind::Bool(true),
                    "false" => Kind::Bool(false),
                    _ => Kind::Ident(name),
                };
                Ok(Node {
                    span: self.span(start, self.i),
                    kind,
                })
            }
            Some(_) => Err(self.err_here(1, format!("expected a value, found {}", self.found()))),
        }
    }

    /// An error just after a value that is a string running over several lines is most often a
    /// string whose closing quote is missing (it ran on to the next string's opening quote):
    /// said so, at its opening quote.
    fn string_hint(&mut self, prev: &Option<Span>, e: SyntaxError) -> SyntaxError {
        let Some(sp) = prev else { return e };
        let (a, b) = (sp.start as usize, (sp.end as usize).min(self.s.len()));
        if a >= b || self.s[a] != b'"' || !self.s[a..b].contains(&b'\n') {
            return e;
        }
        let lines = self.s[a..b].iter().filter(|&&c| c == b'\n').count() + 1;
        let _ = e;
        self.fatal = true;
        self.err(
            a,
            a + 1,
            format!(
                "this string runs over {lines} lines, into what follows it: is its closing `\"` missing?"
            ),
        )
    }

    fn unclosed(&self, start: usize, what: &str, expected: &str) -> SyntaxError {
        let (line, col) = line_col(self.text, start);
        self.err_here(
            1,
            format!(
                "expected {expected} in the {what} opened at {line}:{col}, found {}",
                self.found()
            ),
        )
    }

    fn ident(&mut self) -> &'a str {
        let start = self.i;
        while let Some(c) = self.peek() {
            if c == b'_' || c.is_ascii_alphanumeric() {
                self.i += 1;
            } else {
                break;
            }
        }
        &self.text[start..self.i]
    }

    /// `(` ... `)`: a struct if it starts with `name:`, else a tuple.
    fn parens(&mut self, start: usize, name: Option<&'a str>) -> Result<Node<'a>, SyntaxError> {
        self.expect(b'(', "`(`")?;
        self.ws()?;
        let save = self.i;
        let is_struct = if self
            .peek()
            .is_some_and(|c| c == b'_' || c.is_ascii_alphabetic())
        {
            self.ident();
            self.ws()?;
            let colon = self.peek() == Some(b':');
            self.i = save;
            colon
        } else {
            false
        };
        if is_struct {
            let mut fields: Vec<Field<'a>> = Vec::new();
            loop {
                self.ws()?;
                if self.peek() == Some(b')') {
                    self.i += 1;
                    break;
                }
                match self.field() {
                    Ok(f) => fields.push(f),
                    Err(e) => {
                        self.recover(e, b')')?;
                        continue;
                    }
                }
                self.ws()?;
                match self.peek() {
                    Some(b',') => self.i += 1,
                    Some(b')') => {}
                    Some(c) if c == b'_' || c.is_ascii_alphabetic() => {
                        // read on as if the comma were there
                        let save = self.i;
                        let word = self.ident();
                        self.i = save;
                        let e = self.err_here(word.len(), format!("expected `,` or `)`, found `{word}`: is a comma missing after the previous field?"));
                        let e = self.string_hint(&fields.last().map(|f| f.value.span), e);
                        if self.fatal {
                            return Err(e);
                        }
                        self.record(e);
                    }
                    _ => {
                        let e = self.unclosed(start, "struct", "`,` or `)`");
                        let e = self.string_hint(&fields.last().map(|f| f.value.span), e);
                        self.recover(e, b')')?;
                    }
                }
            }
            Ok(Node {
                span: self.span(start, self.i),
                kind: Kind::Struct { name, fields },
            })
        } else {
            let mut items = Vec::new();
            loop {
                self.ws()?;
                if self.peek() == Some(b')') {
                    self.i += 1;
                    break;
                }
                match self.value() {
                    Ok(v) => items.push(v),
                    Err(e) => {
                        self.recover(e, b')')?;
                        continue;
                    }
                }
                self.ws()?;
                match self.peek() {
                    Some(b',') => self.i += 1,
                    Some(b')') => {}
                    _ => {
                        let e = self.unclosed(start, "tuple", "`,` or `)`");
                        let e = self.string_hint(&items.last().map(|v| v.span), e);
                        self.recover(e, b')')?;
                    }
                }
            }
            Ok(Node {
                span: self.span(start, self.i),
                kind: Kind::Tuple { name, items },
            })
        }
    }

    /// `name: value` in a struct.
    fn field(&mut self) -> Result<Field<'a>, SyntaxError> {
        let fstart = self.i;
        if !self
            .peek()
            .is_some_and(|c| c == b'_' || c.is_ascii_alphabetic())
        {
            return Err(self.err_here(
                1,
                format!("expected a field name or `)`, found {}", self.found()),
            ));
        }
        let fname = self.ident();
        if self.peek().is_some_and(|c| c >= 0x80) {
            let mut end = self.i;
            while end < self.s.len()
                && (self.s[end] >= 0x80
                    || self.s[end].is_ascii_alphanumeric()
                    || self.s[end] == b'_')
            {
                end += 1;
            }
            while !self.text.is_char_boundary(end) {
                end -= 1;
            }
            let word = &self.text[fstart..end];
            return Err(self.err(
                fstart,
                end,
                format!("`{word}` is not a field name: field names are plain letters a-z, digits and `_`"),
            ));
        }
        let name_span = self.span(fstart, self.i);
        self.ws()?;
        self.expect(b':', &format!("`:` after the field name `{fname}`"))?;
        self.ws()?;
        let value = self.value()?;
        Ok(Field {
            name: fname,
            name_span,
            value,
        })
    }

    /// `key: value` in a map.
    fn entry(&mut self) -> Result<(Node<'a>, Node<'a>), SyntaxError> {
        let k = self.value()?;
        self.ws()?;
        self.expect(b':', "`:` after the map key")?;
        self.ws()?;
        Ok((k, self.value()?))
    }

    fn string(&mut self) -> Result<Cow<'a, str>, SyntaxError> {
        let start = self.i;
        self.i += 1;
        // the common case: no escapes, borrow the text as it is
        let body = self.i;
        while let Some(c) = self.peek() {
            match c {
                b'"' => {
                    self.i += 1;
                    return Ok(Cow::Borrowed(&self.text[body..self.i - 1]));
                }
                b'\\' => break,
                _ => self.i += 1,
            }
        }
        self.i = body;
        let mut out = String::new();
        loop {
            // copy a run of plain bytes at once
            let run = self.i;
            while let Some(c) = self.peek() {
                if c == b'"' || c == b'\\' {
                    break;
                }
                self.i += 1;
            }
            out.push_str(&self.text[run..self.i]);
            match self.peek() {
                None => {
                    self.fatal = true;
                    return Err(self.err(
                        start,
                        start + 1,
                        "this string is never closed: a `\"` is missing",
                    ));
                }
                Some(b'"') => {
                    self.i += 1;
                    return Ok(Cow::Owned(out));
                }
                _ => {
                    let esc = self.i;
                    self.i += 1;
                    let c = match self.peek() {
                        Some(b'n') => '\n',
                        Some(b't') => '\t',
                        Some(b'r') => '\r',
                        Some(b'0') => '\0',
                        Some(b'b') => '\u{8}',
                        Some(b'f') => '\u{c}',
                        Some(b'\\') => '\\',
                        Some(b'"') => '"',
                        Some(b'\'') => '\'',
                        Some(b'/') => '/',
                        Some(b'\n') => {
                            // a backslash at the end of a line joins it with the next, as in Rust
                            self.i += 1;
                            while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
                                self.i += 1;
                            }
                            continue;
                        }
                        Some(b'u') => {
                            self.i += 1;
                            let c = match self.unicode_escape(esc) {
                                Ok(c) => c,
                                Err(e) => return Err(self.past_string(esc, e)),
                            };
                            out.push(c);
                            continue;
                        }
                        _ => {
                            let end = (esc + 2..=self.s.len())
                                .find(|&e| self.text.is_char_boundary(e))
                                .unwrap_or(self.s.len());
                            let e = self.err(esc, end, "unknown escape in a string: write `\\\\` for a backslash, or use a raw string r#\"...\"#");
                            return Err(self.past_string(esc, e));
                        }
                    };
                    self.i += 1;
                    out.push(c);
                }
            }
        }
    }

    /// A bad escape spoils one string, not the file: reading resumes after its closing quote.
    fn past_string(&mut self, esc: usize, e: SyntaxError) -> SyntaxError {
        self.i = esc;
        if !self.skip_string_body() {
            self.fatal = true;
        }
        e
    }

    fn unicode_escape(&mut self, esc: usize) -> Result<char, SyntaxError> {
        let bad = |p: &Self| {
            p.err(
                esc,
                p.i.min(p.s.len()),
                "bad unicode escape: write `\\u{1F600}` or `\\u00e9`",
            )
        };
        let hex = if self.peek() == Some(b'{') {
            self.i += 1;
            let st = self.i;
            while self.peek().is_some_and(|c| c.is_ascii_hexdigit()) {
                self.i += 1;
            }
            let h = &self.text[st..self.i];
            if self.peek() != Some(b'}') {
                return Err(bad(self));
            }
            self.i += 1;
            h
        } else {
            let st = self.i;
            let end = (st + 4).min(self.s.len());
            if !self.s[st..end].iter().all(|c| c.is_ascii_hexdigit()) || end - st != 4 {
                return Err(bad(self));
            }
            self.i = end;
            &self.text[st..end]
        };
        u32::from_str_radix(hex, 16)
            .ok()
            .and_then(char::from_u32)
            .ok_or_else(|| bad(self))
    }

    fn raw_string(&mut self) -> Result<Cow<'a, str>, SyntaxError> {
        let start = self.i;
        self.i += 1; // r
        let mut hashes = 0;
        while self.peek() == Some(b'#') {
            hashes += 1;
            self.i += 1;
        }
        self.expect(b'"', "`\"` to open the raw string")?;
        let body = self.i;
        let mut closing = String::from("\"");
        closing.push_str(&"#".repeat(hashes));
        match self.text[body..].find(&closing) {
            Some(n) => {
                self.i = body + n + closing.len();
                Ok(Cow::Borrowed(&self.text[body..body + n]))
            }
            None => Err({
                self.fatal = true;
                self.err(
                    start,
                    body,
                    format!("this raw string is never closed: `{closing}` is missing"),
                )
            }),
        }
    }

    fn char_lit(&mut self) -> Result<Node<'a>, SyntaxError> {
        let start = self.i;
        self.i += 1;
        let c = match self.text[self.i..].chars().next() {
            Some('\\') => {
                self.i += 1;
                let c = match self.peek() {
                    Some(b'n') => '\n',
                    Some(b't') => '\t',
                    Some(b'\\') => '\\',
                    Some(b'\'') => '\'',
                    _ => return Err(self.err(start, self.i, "unknown escape in a character")),
                };
                self.i += 1;
                c
            }
            Some(c) => {
                self.i += c.len_utf8();
                c
            }
            None => {
                self.fatal = true;
                return Err(self.err(start, start + 1, "this character is never closed"));
            }
        };
        if self.peek() != Some(b'\'') {
            return Err(self.err(
                start,
                start + 1,
                "a character literal holds one character; use \"double quotes\" for text",
            ));
        }
        self.i += 1;
        Ok(Node {
            span: self.span(start, self.i),
            kind: Kind::Char(c),
        })
    }

    fn number(&mut self) -> Result<Node<'a>, SyntaxError> {
        let start = self.i;
        if matches!(self.peek(), Some(b'-' | b'+')) {
            self.i += 1;
        }
        let digits = self.i;
        let (radix, skip) = match (self.peek(), self.s.get(self.i + 1)) {
            (Some(b'0'), Some(b'x')) => (16, 2),
            (Some(b'0'), Some(b'o')) => (8, 2),
            (Some(b'0'), Some(b'b')) => (2, 2),
            _ => (10, 0),
        };
        self.i += skip;
        let mut float = false;
        while let Some(c) = self.peek() {
            let ok = c == b'_'
                || c.is_ascii_hexdigit() && radix == 16
                || c.is_ascii_digit()
                || radix == 10
                    && (c == b'.'
                        || c == b'e'
                        || c == b'E'
                        || ((c == b'-' || c == b'+') && matches!(self.s[self.i - 1], b'e' | b'E')));
            if !ok {
                break;
            }
            if radix == 10 && matches!(c, b'.' | b'e' | b'E') {
                float = true;
            }
            self.i += 1;
        }
        // `5m`, `4h`: a duration written without its quotes
        if radix == 10 && self.peek().is_some_and(|c| c.is_ascii_alphabetic()) {
            let mut end = self.i;
            while self.s.get(end).is_some_and(|c| c.is_ascii_alphanumeric()) {
                end += 1;
            }
            let word = &self.text[start..end];
            return Err(self.err(
                start,
                end,
                format!("`{word}` needs quotes: a duration is text, write \"{word}\""),
            ));
        }
        let lit: String = self.text[digits + skip..self.i]
            .chars()
            .filter(|&c| c != '_')
            .collect();
        let neg = self.s[start] == b'-';
        let span = self.span(start, self.i);
        let bad = || SyntaxError {
            span,
            message: format!("`{}` is not a number", &self.text[start..self.i]),
        };
        let kind = if float {
            let v: f64 = lit.parse().map_err(|_| bad())?;
            Kind::Float(if neg { -v } else { v })
        } else {
            let v = i64::from_str_radix(&lit, radix).map_err(|e| {
                if matches!(
                    e.kind(),
                    std::num::IntErrorKind::PosOverflow | std::num::IntErrorKind::NegOverflow
                ) {
                    SyntaxError {
                        span,
                        message: format!(
                            "`{}` is too large for a number here: the most is {}",
                            &self.text[start..self.i],
                            i64::MAX
                        ),
                    }
                } else {
                    bad()
                }
            })?;
            Kind::Int(if neg { -v } else { v })
        };
        Ok(Node { span, kind })
    }
}

fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

#[cfg(test)]
mod tests;
