//! Plan parameters: the names a plan declares (`zone`, `instance`), asked when the plan joins a
//! session and written into its text wherever `{{zone}}` appears. The values are recorded in
//! the journal with the plan's reference, so the session shows the plan as it was filled in.

use super::parse::de::De;
use super::parse::ron_tree::{Kind, Node};
use super::parse::span::{Sp, Span};
use super::plan::Plan;
use super::plan_extra::{Link, LinkTo};
use serde::Serialize;
use std::collections::BTreeMap;

/// The values a plan was given, by parameter id.
pub type Values = BTreeMap<String, String>;

/// The longest value a parameter may take.
pub const MAX_VALUE_CHARS: usize = 200;

/// A named blank in a plan, filled in when it joins a session.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Parameter {
    pub id: Sp<String>,
    /// The question to ask for it ("Which availability zone failed?"); the id when not given.
    pub ask: String,
    /// What a value looks like, shown beside the question.
    pub example: Option<String>,
    /// The value when none is given; without one the parameter must be given.
    pub default: Option<String>,
}

/// `"zone"` or `(id: "zone", ask: "...", example: "...", default: "...")`.
pub fn read_parameter(de: &mut De, n: &Node) -> Option<Parameter> {
    if let Kind::Str(_) = n.kind {
        let id = de.id(n)?;
        return Some(Parameter {
            ask: id.v.clone(),
            id,
            example: None,
            default: None,
        });
    }
    let mut o = de.object(n, "parameter")?;
    let id = o.req(de, "id", De::id);
    let ask = o.opt(de, "ask", De::string);
    let example = o.opt(de, "example", De::string);
    let default = o.opt(de, "default", De::string);
    o.finish(de);
    let id = id?;
    if let Some(d) = &default
        && let Err(why) = value_ok(d)
    {
        de.error(
            n.span,
            format!("the default of parameter `{}` {why}", id.v),
            None,
        );
    }
    Some(Parameter {
        ask: ask
            .filter(|a| !a.trim().is_empty())
            .unwrap_or_else(|| id.v.clone()),
        id,
        example,
        default,
    })
}

/// Whether a value can be written into a plan: one line, not blank, not too long.
pub fn value_ok(v: &str) -> Result<(), String> {
    if v.trim().is_empty() {
        return Err("is blank: give a value".into());
    }
    if v.chars().any(char::is_control) {
        return Err("holds a line break or control character: give it on one line".into());
    }
    if v.chars().count() > MAX_VALUE_CHARS {
        return Err(format!(
            "is longer than {MAX_VALUE_CHARS} characters: give a shorter value"
        ));
    }
    Ok(())
}

/// Every `{{name}}` in a text: the name (trimmed) and its byte range, name-like ones only
/// (letters, digits, `-`, `_`), so `{{ .Values.x }}` or `{{#each}}` are left alone.
pub fn placeholders(text: &str) -> Vec<(&str, std::ops::Range<usize>)> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(open) = text[from..].find("{{").map(|i| from + i) {
        let Some(close) = text[open + 2..].find("}}").map(|i| open + 2 + i) else {
            break;
        };
        let name = text[open + 2..close].trim();
        if !name.is_empty()
            && name.len() <= 64
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            out.push((name, open..close + 2));
            from = close + 2;
        } else {
            from = open + 2;
        }
    }
    out
}

/// The text with every `{{name}}` that has a value replaced by it; others stay as written.
pub fn fill(text: &str, values: &Values) -> String {
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for (name, r) in placeholders(text) {
        if let Some(v) = values.get(name) {
            out.push_str(&text[last..r.start]);
            out.push_str(v);
            last = r.end;
        }
    }
    out.push_str(&text[last..]);
    out
}

fn fill_opt(t: &mut Option<String>, v: &Values) {
    if let Some(t) = t {
        *t = fill(t, v);
    }
}

fn fill_links(links: &mut [Link], v: &Values) {
    for l in links {
        fill_opt(&mut l.text, v);
        if let LinkTo::Url(u) = &mut l.to {
            *u = fill(u, v);
        }
    }
}

impl Plan {
    /// The plan as filled in with these values: every text a responder reads (titles, bodies,
    /// commands, expected results, checks, notes, questions, options, links). Ids, the hash and
    /// everything the session keys on stay as they are.
    pub fn with_params(&self, values: &Values) -> Plan {
        let mut p = self.clone();
        if values.is_empty() {
            return p;
        }
        p.title = fill(&p.title, values);
        fill_opt(&mut p.about, values);
        fill_opt(&mut p.scope, values);
        fill_opt(&mut p.invoke_when, values);
        fill_links(&mut p.links, values);
        for s in &mut p.steps {
            s.title = fill(&s.title, values);
            fill_opt(&mut s.body, values);
            fill_opt(&mut s.expected, values);
            fill_opt(&mut s.verification, values);
            fill_opt(&mut s.notes, values);
            for c in &mut s.commands {
                c.run = fill(&c.run, values);
            }
            if let Some(d) = &mut s.decision {
                d.question = fill(&d.question, values);
                for o in &mut d.options {
                    o.label = fill(&o.label, values);
                }
            }
            fill_links(&mut s.links, values);
        }
        p
    }

    /// Every text of the plan a parameter can appear in, with where it is ("step `x`", and the
    /// span of the step's id or the plan's).
    pub fn texts(&self) -> Vec<(String, Span, &str)> {
        let mut out: Vec<(String, Span, &str)> = Vec::new();
        let plan = ("the plan".to_string(), self.id.span);
        for t in [
            Some(&self.title),
            self.about.as_ref(),
            self.scope.as_ref(),
            self.invoke_when.as_ref(),
        ]
        .into_iter()
        .flatten()
        {
            out.push((plan.0.clone(), plan.1, t));
        }
        link_texts(&mut out, &plan, &self.links);
        for s in &self.steps {
            let at = (format!("step `{}`", s.id.v), s.id.span);
            let mut texts: Vec<&str> = vec![&s.title];
            texts.extend(
                [&s.body, &s.expected, &s.verification, &s.notes]
                    .into_iter()
                    .flatten()
                    .map(String::as_str),
            );
            texts.extend(s.commands.iter().map(|c| c.run.as_str()));
            if let Some(d) = &s.decision {
                texts.push(&d.question);
                texts.extend(d.options.iter().map(|o| o.label.as_str()));
            }
            out.extend(texts.into_iter().map(|t| (at.0.clone(), at.1, t)));
            link_texts(&mut out, &at, &s.links);
        }
        out
    }
}

fn link_texts<'a>(out: &mut Vec<(String, Span, &'a str)>, at: &(String, Span), links: &'a [Link]) {
    for l in links {
        if let Some(t) = &l.text {
            out.push((at.0.clone(), at.1, t));
        }
        if let LinkTo::Url(u) = &l.to {
            out.push((at.0.clone(), at.1, u));
        }
    }
}

/// Why values given for a plan cannot be used, in words that say what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ValuesProblem {
    /// A parameter without a default was given no value.
    Missing { param: String, ask: String },
    /// A value is blank, multi-line or too long.
    Bad { param: String, why: String },
}

/// The values the plan is followed with: the given ones it declares, defaults for the rest
/// (and for those given blank).
/// Values for names the plan does not declare are not its business and are left out.
pub fn effective(plan: &Plan, given: &Values) -> Result<Values, ValuesProblem> {
    let mut out = Values::new();
    for p in &plan.parameters {
        let v = match given
            .get(&p.id.v)
            .filter(|v| !v.trim().is_empty())
            .or(p.default.as_ref())
        {
            Some(v) => v.trim().to_string(),
            None => {
                return Err(ValuesProblem::Missing {
                    param: p.id.v.clone(),
                    ask: p.ask.clone(),
                });
            }
        };
        if let Err(why) = value_ok(&v) {
            return Err(ValuesProblem::Bad {
                param: p.id.v.clone(),
                why,
            });
        }
        out.insert(p.id.v.clone(), v);
    }
    Ok(out)
}

impl crate::domain::event::PlanRef {
    /// The plan as this reference follows it: filled in with the values it records.
    pub fn filled(&self, p: std::sync::Arc<Plan>) -> std::sync::Arc<Plan> {
        if self.params.is_empty() {
            p
        } else {
            std::sync::Arc::new(p.with_params(&self.params))
        }
    }
}

/// "restore_point = 2026-11-21 01:30:00+00, repo = 2", for a line that says how a plan was
/// filled in.
pub fn shown(v: &Values) -> String {
    v.iter()
        .map(|(k, v)| format!("{k} = {v}"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vals(kv: &[(&str, &str)]) -> Values {
        kv.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn fills_declared_names_and_leaves_the_rest() {
        let v = vals(&[("zone", "eu-west-1a"), ("db", "orders")]);
        assert_eq!(
            fill(
                "fail over {{zone}} then {{ db }}; {{other}} {{ .Values.x }}",
                &v
            ),
            "fail over eu-west-1a then orders; {{other}} {{ .Values.x }}"
        );
        assert_eq!(fill("{{zone", &v), "{{zone");
        assert_eq!(fill("{{{{zone}}}}", &v), "{{eu-west-1a}}");
        assert_eq!(fill("日本{{zone}}語", &v), "日本eu-west-1a語");
    }

    #[test]
    fn placeholders_are_name_like_only() {
        let names: Vec<&str> = placeholders("{{a}} {{ b-c }} {{#each x}} {{}} {{D_1}}")
            .into_iter()
            .map(|(n, _)| n)
            .collect();
        assert_eq!(names, ["a", "b-c", "D_1"]);
    }

    #[test]
    fn values_must_be_one_short_line() {
        assert!(value_ok("eu-west-1a").is_ok());
        assert!(value_ok("  ").is_err());
        assert!(value_ok("a\nb").is_err());
        assert!(value_ok(&"x".repeat(MAX_VALUE_CHARS + 1)).is_err());
    }
}
