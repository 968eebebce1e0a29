//! Converting a spanned RON tree into the model, collecting every problem with its position.

use super::ron_tree::{Field, Kind, Node};
use super::span::{Diagnostic, Severity, Source, Sp, Span};
use crate::domain::time::{Minutes, Period};
use chrono::NaiveDate;

/// The struct name a file may give a kind of object (`Step(...)`), when it has one.
fn struct_name(what: &str) -> Option<&'static str> {
    Some(match what {
        "command" => "Command",
        "deadline" => "Due",
        "decision" => "Decision",
        "document" => "Document",
        "index" => "Index",
        "inject" => "Inject",
        "link" => "Link",
        "invocation guideline" => "Invocation",
        "objective" => "Objective",
        "organisation" => "Organisation",
        "person" => "Person",
        "phase" => "Phase",
        "plan" => "Plan",
        "role" => "Role",
        "scenario" => "Scenario",
        "service" => "Service",
        "site" => "Site",
        "step" => "Step",
        "vendor" => "Vendor",
        "vital business function" => "Vbf",
        "risk register" => "Risks",
        "risk" => "Risk",
        "mitigation" => "Mitigation",
        _ => return None,
    })
}

/// The reading context of one file: its source and the problems found so far.
pub struct De<'a> {
    pub src: &'a Source,
    pub diags: &'a mut Vec<Diagnostic>,
}

impl<'a> De<'a> {
    pub fn new(src: &'a Source, diags: &'a mut Vec<Diagnostic>) -> Self {
        De { src, diags }
    }

    pub fn error(&mut self, span: Span, msg: impl Into<String>, label: Option<&str>) {
        self.diags
            .push(Diagnostic::at(Severity::Error, self.src, span, msg, label));
    }

    pub fn warn(&mut self, span: Span, msg: impl Into<String>, label: Option<&str>) {
        self.diags.push(Diagnostic::at(
            Severity::Warning,
            self.src,
            span,
            msg,
            label,
        ));
    }

    fn expected(&mut self, node: &Node, what: &str) {
        let msg = format!("expected {what}, found {}", node.describe());
        self.error(node.span, msg, None);
    }

    /// Opens a struct for reading its fields. `what` names it in messages ("step", "person").
    pub fn object<'n, 't>(
        &mut self,
        node: &'n Node<'t>,
        what: &'static str,
    ) -> Option<Obj<'n, 't>> {
        if let Kind::Struct { name: Some(n), .. } | Kind::Tuple { name: Some(n), .. } = &node.kind
            && let Some(want) = struct_name(what)
            && *n != want
        {
            // a misspelt name is a slip worth saying, never silently accepted
            let head = Span {
                end: node.span.start + n.len() as u32,
                ..node.span
            };
            self.error(
                head,
                format!(
                    "`{}` is not a {what}: write `{want}(` here (or leave the name out: `(`)",
                    n.escape_debug()
                ),
                None,
            );
        }
        match &node.kind {
            Kind::Struct { fields, .. } => Some(Obj {
                what,
                span: node.span,
                fields,
                asked: Vec::new(),
            }),
            // `()` or `Name()` is an empty struct
            Kind::Tuple { items, .. } if items.is_empty() => Some(Obj {
                what,
                span: node.span,
                fields: &[],
                asked: Vec::new(),
            }),
            _ => {
                self.expected(node, &format!("a {what} `(field: value, ...)`"));
                None
            }
        }
    }

    pub fn string(&mut self, node: &Node) -> Option<String> {
        match &node.kind {
            Kind::Str(s) => {
                if let Some(c) = s.chars().find(|&c| {
                    (c.is_control() && c != '\n' && c != '\t')
                        || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
                }) {
                    // shown inert everywhere, but almost always a slip (or an attack): said
                    let msg = format!(
                        "this text holds the control character {}, which muster shows as `{}`: remove it",
                        format_args!("U+{:04X}", c as u32),
                        crate::domain::text::clean(&c.to_string(), false)
                    );
                    self.warn(node.span, msg, None);
                }
                Some(s.to_string())
            }
            _ => {
                self.expected(node, "a string in double quotes");
                None
            }
        }
    }

    pub fn sp_string(&mut self, node: &Node) -> Option<Sp<String>> {
        self.string(node).map(|s| Sp::new(s, node.span))
    }

    /// An identifier: lower-case letters, digits, `-` and `_`.
    pub fn id(&mut self, node: &Node) -> Option<Sp<String>> {
        let s = self.sp_string(node)?;
        if s.v.is_empty()
            || !s
                .v
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
        {
            let msg = format!(
                "`{}` is not a valid id: use lower-case letters, digits, `-` and `_`",
                s.v.escape_debug()
            );
            self.error(node.span, msg, None);
            return None;
        }
        Some(s)
    }

    pub fn boolean(&mut self, node: &Node) -> Option<bool> {
        match node.kind {
            Kind::Bool(b) => Some(b),
            _ => {
                self.expected(node, "true or false");
                None
            }
        }
    }

    pub fn minutes(&mut self, node: &Node) -> Option<Sp<Minutes>> {
        let s = self.string(node)?;
        match s.parse::<Minutes>() {
            Ok(m) => Some(Sp::new(m, node.span)),
            Err(e) => {
                self.error(node.span, e.to_string(), None);
                None
            }
        }
    }

    pub fn period(&mut self, node: &Node) -> Option<Period> {
        let s = self.string(node)?;
        match s.parse::<Period>() {
            Ok(p) => Some(p),
            Err(e) => {
                self.error(node.span, e.to_string(), None);
                None
            }
        }
    }

    pub fn date(&mut self, node: &Node) -> Option<Sp<NaiveDate>> {
        let s = self.string(node)?;
        match NaiveDate::parse_from_str(&s, "%Y-%m-%d") {
            Ok(d) => Some(Sp::new(d, node.span)),
            Err(_) => {
                self.error(
                    node.span,
                    format!("`{s}` is not a date: write it as \"YYYY-MM-DD\""),
                    None,
                );
                None
            }
        }
    }

    pub fn uint(&mut self, node: &Node) -> Option<u32> {
        match node.kind {
            Kind::Int(i) if (0..=u32::MAX as i64).contains(&i) => Some(i as u32),
            Kind::Int(i) if i < 0 => {
                let msg =
                    format!("{i} minutes cannot be: write a whole number of minutes, 0 or more");
                self.error(node.span, msg, None);
                None
            }
            Kind::Int(i) => {
                let msg = format!(
                    "{i} minutes is too large: the most is {} (about 8,000 years)",
                    u32::MAX
                );
                self.error(node.span, msg, None);
                None
            }
            _ => {
                self.expected(node, "a whole number of minutes, 0 or more");
                None
            }
        }
    }

    pub fn list<T>(
        &mut self,
        node: &Node,
        mut item: impl FnMut(&mut Self, &Node) -> Option<T>,
    ) -> Vec<T> {
        match &node.kind {
            Kind::List(items) => items.iter().filter_map(|n| item(self, n)).collect(),
            _ => {
                self.expected(node, "a list `[...]`");
                Vec::new()
            }
        }
    }

    /// A unit variant out of a fixed set, e.g. `kind: Continuity`.
    pub fn variant<T: Copy>(&mut self, node: &Node, choices: &[(&str, T)]) -> Option<T> {
        let names = choices
            .iter()
            .map(|(n, _)| *n)
            .collect::<Vec<_>>()
            .join(", ");
        let name = match &node.kind {
            Kind::Ident(n) => n,
            Kind::Str(n) => n.as_ref(),
            _ => {
                self.expected(node, &format!("one of {names}"));
                return None;
            }
        };
        if let Some((_, v)) = choices.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)) {
            return Some(*v);
        }
        let hint = crate::domain::text::did_you_mean(name, choices.iter().map(|(n, _)| *n));
        let msg = format!(
            "`{name}` is not one of {names}{}",
            hint.map(|h| format!(": did you mean `{h}`?"))
                .unwrap_or_default()
        );
        self.error(node.span, msg, None);
        None
    }
}

/// The fields of one struct being read. Every field asked for is remembered, so `finish` can name
/// the ones nobody asked for as unknown.
pub struct Obj<'n, 't> {
    what: &'static str,
    pub span: Span,
    fields: &'n [Field<'t>],
    asked: Vec<&'static str>,
}

impl<'n, 't> Obj<'n, 't> {
    /// The value of a field, if given (for callers that walk it themselves).
    pub fn node(&mut self, de: &mut De<'_>, name: &'static str) -> Option<&'n Node<'t>> {
        self.field(de, name)
    }

    fn field(&mut self, de: &mut De<'_>, name: &'static str) -> Option<&'n Node<'t>> {
        self.asked.push(name);
        let mut found = self.fields.iter().filter(|f| f.name == name);
        let first = found.next()?;
        for dup in found {
            de.error(
                dup.name_span,
                format!("the field `{name}` is given twice in this {}", self.what),
                None,
            );
        }
        Some(&first.value)
    }

    /// An optional field, converted by `conv`.
    pub fn opt<'d, T>(
        &mut self,
        de: &mut De<'d>,
        name: &'static str,
        conv: impl FnOnce(&mut De<'d>, &Node) -> Option<T>,
    ) -> Option<T> {
        let node = self.field(de, name)?;
        conv(de, node)
    }

    /// A required field: its absence is an error at the start of the struct.
    pub fn req<'d, T>(
        &mut self,
        de: &mut De<'d>,
        name: &'static str,
        conv: impl FnOnce(&mut De<'d>, &Node) -> Option<T>,
    ) -> Option<T> {
        match self.field(de, name) {
            Some(node) => conv(de, node),
            None => {
                let what = self.what;
                de.error(
                    self.head(),
                    format!("this {what} has no `{name}`: add `{name}: ...`"),
                    Some(&format!("{what} without `{name}`")),
                );
                None
            }
        }
    }

    /// An optional list; absent means empty.
    pub fn list<'d, T>(
        &mut self,
        de: &mut De<'d>,
        name: &'static str,
        item: impl FnMut(&mut De<'d>, &Node) -> Option<T>,
    ) -> Vec<T> {
        match self.field(de, name) {
            Some(node) => de.list(node, item),
            None => Vec::new(),
        }
    }

    pub fn has(&self, name: &str) -> bool {
        self.fields.iter().any(|f| f.name == name)
    }

    /// Where a field's name is, when the struct has it.
    pub fn name_span(&self, name: &str) -> Option<Span> {
        self.fields
            .iter()
            .find(|f| f.name == name)
            .map(|f| f.name_span)
    }

    /// The opening of the struct (one character), where "missing field" errors point.
    pub fn head(&self) -> Span {
        Span {
            end: self.span.start + 1,
            ..self.span
        }
    }

    /// Reports every field that was not asked for.
    pub fn finish(self, de: &mut De<'_>) {
        for f in self.fields {
            if !self.asked.contains(&f.name) {
                let hint = crate::domain::text::did_you_mean(f.name, self.asked.iter().copied());
                let msg = match hint {
                    Some(h) => format!(
                        "unknown field `{}` in this {}: did you mean `{h}`?",
                        f.name, self.what
                    ),
                    None => format!(
                        "unknown field `{}` in this {}; known fields: {}",
                        f.name,
                        self.what,
                        self.asked.join(", ")
                    ),
                };
                de.error(f.name_span, msg, None);
            }
        }
    }
}
