//! Redlines: a change to a plan proposed during a run (a step done differently, a missing step,
//! a step to drop, a wrong number), journaled like any other event, listed across runs, and
//! drafted into `<plan>.proposed.ron` for the plan's author.

use super::event::{UnknownWord, ts};
use super::ids::{EventId, PlanId, StepId};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// What a redline proposes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RedlineKind {
    /// Do the step differently.
    Change,
    /// A step is missing after this one.
    AddAfter,
    /// The step is not needed.
    Remove,
    /// A contact is wrong (a number, a person, a vendor).
    Contact,
}

impl RedlineKind {
    pub const ALL: [RedlineKind; 4] = [
        RedlineKind::Change,
        RedlineKind::AddAfter,
        RedlineKind::Remove,
        RedlineKind::Contact,
    ];
    pub fn word(self) -> &'static str {
        match self {
            RedlineKind::Change => "change",
            RedlineKind::AddAfter => "add-after",
            RedlineKind::Remove => "remove",
            RedlineKind::Contact => "contact",
        }
    }
    /// As an author reads it.
    pub fn words(self) -> &'static str {
        match self {
            RedlineKind::Change => "change the step",
            RedlineKind::AddAfter => "add a step after it",
            RedlineKind::Remove => "remove the step",
            RedlineKind::Contact => "correct a contact",
        }
    }
}

impl fmt::Display for RedlineKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.word())
    }
}

impl FromStr for RedlineKind {
    type Err = UnknownWord;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let w = s.trim().to_ascii_lowercase().replace([' ', '_'], "-");
        RedlineKind::ALL
            .into_iter()
            .find(|k| k.word() == w)
            .ok_or(UnknownWord {
                given: s.to_string(),
                what: "a kind of redline",
                choices: "change, add-after, remove or contact",
            })
    }
}

/// Where a redline stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RedlineStatus {
    Open,
    Accepted,
    Rejected,
}

/// A redline as the session keeps it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RedlineRecord {
    /// `R1`, `R2`... in the session.
    pub id: String,
    /// The event that proposed it.
    pub event: EventId,
    pub plan: PlanId,
    pub step: StepId,
    pub kind: RedlineKind,
    pub text: String,
    pub by: String,
    #[serde(with = "ts")]
    pub at: DateTime<Utc>,
    pub status: RedlineStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decided_by: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none", with = "ts::opt")]
    pub decided_at: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl RedlineRecord {
    /// The line a draft carries for it: "R1 (change, by ann in session X): the text".
    pub fn todo_line(&self, session: &str) -> String {
        format!(
            "redline {} ({}, by {} in session {session}): {}",
            self.id,
            self.kind.words(),
            self.by,
            self.text
        )
    }
}

/// A string as RON writes it.
fn quote(s: &str) -> String {
    let mut q = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => q.push_str("\\\""),
            '\\' => q.push_str("\\\\"),
            '\n' => q.push_str("\\n"),
            c if c.is_control() => {}
            c => q.push(c),
        }
    }
    q.push('"');
    q
}

/// Where each step of a plan file ends (the byte just after its closing parenthesis), and the
/// indentation of the line it starts on: where a step proposed after it goes.
pub fn step_ends(source: &str) -> std::collections::HashMap<String, (usize, String)> {
    use super::parse::ron_tree::{Kind, Node, parse};
    fn walk(n: &Node, src: &str, out: &mut std::collections::HashMap<String, (usize, String)>) {
        match &n.kind {
            Kind::Struct { name, fields } => {
                if matches!(name, None | Some("Step"))
                    && let Some(Kind::Str(id)) = fields
                        .iter()
                        .find(|f| f.name == "id")
                        .map(|f| &f.value.kind)
                    && fields.iter().any(|f| f.name == "title")
                {
                    let start = n.span.start as usize;
                    let line = src[..start.min(src.len())].rfind('\n').map_or(0, |i| i + 1);
                    let indent: String = src[line..]
                        .chars()
                        .take_while(|c| *c == ' ' || *c == '\t')
                        .collect();
                    out.insert(id.to_string(), (n.span.end as usize, indent));
                }
                for f in fields {
                    walk(&f.value, src, out);
                }
            }
            Kind::List(items) | Kind::Tuple { items, .. } => {
                for i in items {
                    walk(i, src, out);
                }
            }
            Kind::Map(kv) => {
                for (k, v) in kv {
                    walk(k, src, out);
                    walk(v, src, out);
                }
            }
            _ => {}
        }
    }
    let mut out = Default::default();
    if let Ok(root) = parse(0, source) {
        walk(&root, source, &mut out);
    }
    out
}

/// An `add-after` redline written as the new step it proposes, after its step: the redline's
/// text its title (and body, when long), the step's role, after the step, and a `todo` for the
/// author to settle its place, role and estimate. `id` must be new in the plan.
pub fn proposed_step(
    id: &str,
    after: &str,
    role: Option<&str>,
    text: &str,
    todo: &str,
    indent: &str,
) -> String {
    let one_line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let title = super::text::ellipsis(&one_line, 80);
    let mut s = format!(
        ",\n{indent}Step(id: {}, title: {}",
        quote(id),
        quote(&title)
    );
    if title != one_line {
        s.push_str(&format!(", body: {}", quote(text)));
    }
    if let Some(r) = role {
        s.push_str(&format!(", role: {}", quote(r)));
    }
    s.push_str(&format!(
        ", depends_on: [{}], todo: [{}])",
        quote(after),
        quote(&format!(
            "{todo}: written in as proposed; settle its title, role, estimate and which steps should now come after it"
        ))
    ));
    s
}

/// The text of `<plan>.proposed.ron`: the plan's file with each redline inserted as a `todo` of
/// its step (never applied silently: the author decides), and each new step a redline proposes
/// (`added`: the offset after the step it follows, and its text from [`proposed_step`]).
/// `source` is the plan file; `steps` gives, for each step id, the byte offset just after its
/// `id: "..."` value and, where it has todo items, the end of the last one. Redlines of steps
/// not in the file are put on the plan.
pub fn draft(
    source: &str,
    steps: &[(String, usize, Option<usize>)],
    plan_todo_end: Option<usize>,
    plan_id_end: usize,
    lines: &[(String, String)],
    added: &[(usize, String)],
) -> String {
    // (offset, text to insert), applied from the end so earlier offsets stay right
    let mut inserts: Vec<(usize, String)> = added.to_vec();
    let mut on_plan: Vec<String> = Vec::new();
    let mut by_step: Vec<(usize, Option<usize>, Vec<String>)> = Vec::new();
    for (step, line) in lines {
        match steps.iter().find(|(id, _, _)| id == step) {
            Some((_, id_end, todo_end)) => match by_step.iter_mut().find(|(e, _, _)| e == id_end) {
                Some((_, _, v)) => v.push(quote(line)),
                None => by_step.push((*id_end, *todo_end, vec![quote(line)])),
            },
            None => on_plan.push(quote(line)),
        }
    }
    for (id_end, todo_end, items) in by_step {
        match todo_end {
            Some(end) => inserts.push((end, format!(", {}", items.join(", ")))),
            None => inserts.push((id_end, format!(", todo: [{}]", items.join(", ")))),
        }
    }
    if !on_plan.is_empty() {
        match plan_todo_end {
            Some(end) => inserts.push((end, format!(", {}", on_plan.join(", ")))),
            None => inserts.push((plan_id_end, format!(", todo: [{}]", on_plan.join(", ")))),
        }
    }
    // from the end; at one offset, the last given first, so that they read in the order given
    inserts.reverse();
    inserts.sort_by_key(|a| std::cmp::Reverse(a.0));
    let mut out = source.to_string();
    for (at, text) in inserts {
        let at = at.min(out.len());
        out.insert_str(at, &text);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn step_ends_finds_each_step_whatever_its_strings_and_comments_hold() {
        let src = "Plan(id: \"p\", title: \"P\", steps: [\n    Step(id: \"a\", title: \"A (x)\", body: r#\"a ) \"b\" \"#), // a ) comment\n    Step(id: \"b\", title: \"B\"),\n])";
        let ends = step_ends(src);
        let (a, indent) = &ends["a"];
        assert_eq!(&src[..*a], &src[..src.find("), //").unwrap() + 1]);
        assert_eq!(indent, "    ");
        let out = draft(
            src,
            &[],
            None,
            0,
            &[],
            &[(
                *a,
                proposed_step("a-r1", "a", Some("ops"), "Then tell Bo", "R1", indent),
            )],
        );
        assert!(
            out.contains("\"#),\n    Step(id: \"a-r1\", title: \"Then tell Bo\", role: \"ops\", depends_on: [\"a\"]"),
            "{out}"
        );
        assert!(
            crate::domain::parse::ron_tree::parse(0, &out).is_ok(),
            "{out}"
        );
    }

    #[test]
    fn a_draft_adds_each_redline_to_its_step_as_a_todo() {
        let src = r#"Plan(id: "p", title: "P", steps: [Step(id: "a", title: "A"), Step(id: "b", title: "B", todo: ["x"])])"#;
        let a_end = src.find(r#""a""#).unwrap() + 3;
        let x_end = src.find(r#""x""#).unwrap() + 3;
        let p_end = src.find(r#""p""#).unwrap() + 3;
        let out = draft(
            src,
            &[("a".into(), a_end, None), ("b".into(), 0, Some(x_end))],
            None,
            p_end,
            &[
                ("a".into(), "R1: say \"hi\"".into()),
                ("b".into(), "R2".into()),
                ("gone".into(), "R3".into()),
            ],
            &[],
        );
        assert!(
            out.contains(r#"Step(id: "a", todo: ["R1: say \"hi\""], title: "A")"#),
            "{out}"
        );
        assert!(out.contains(r#"todo: ["x", "R2"]"#), "{out}");
        assert!(
            out.contains(r#"Plan(id: "p", todo: ["R3"], title"#),
            "{out}"
        );
    }
}
