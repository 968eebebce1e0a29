//! The on-call rota of the index: who answers for a role from when to when. A step shows the
//! person on call first; the index search finds them ("on call dba").

use super::index::{Index, Person};
use super::parse::de::De;
use super::parse::ron_tree::Node;
use super::parse::span::{Sp, Span};
use chrono::{DateTime, Utc};
use serde::Serialize;

/// One shift: `OnCall(role: "dba", person: "rajesh-iyer", from: "...", to: "...")`.
#[derive(Debug, Clone, Serialize)]
pub struct OnCall {
    pub role: Sp<String>,
    pub person: Sp<String>,
    #[serde(with = "super::event::ts")]
    pub from: DateTime<Utc>,
    #[serde(with = "super::event::ts")]
    pub to: DateTime<Utc>,
    #[serde(skip)]
    pub span: Span,
}

fn instant(de: &mut De, n: &Node) -> Option<DateTime<Utc>> {
    let s = de.string(n)?;
    match DateTime::parse_from_rfc3339(s.trim()) {
        Ok(t) => Some(t.with_timezone(&Utc)),
        Err(_) => {
            de.error(
                n.span,
                format!(
                    "`{s}` is not a time with its offset: write it like \"2026-11-30T08:00:00Z\" or \"2026-11-30T08:00:00+01:00\""
                ),
                None,
            );
            None
        }
    }
}

pub fn read_on_call(de: &mut De, n: &Node) -> Option<OnCall> {
    let mut o = de.object(n, "on-call shift")?;
    let role = o.req(de, "role", De::id);
    let person = o.req(de, "person", De::id);
    let from = o.req(de, "from", instant);
    let to = o.req(de, "to", instant);
    let head = o.head();
    o.finish(de);
    let (from, to) = (from?, to?);
    if to <= from {
        de.error(
            head,
            "this shift ends before it starts: `to` comes after `from`",
            None,
        );
        return None;
    }
    Some(OnCall {
        role: role?,
        person: person?,
        from,
        to,
        span: n.span,
    })
}

impl Index {
    /// The shift covering `now` for a role (the latest to start, when shifts overlap).
    pub fn on_call(&self, role: &str, now: DateTime<Utc>) -> Option<&OnCall> {
        self.rota
            .iter()
            .filter(|s| s.role.v == role && s.from <= now && now < s.to)
            .max_by_key(|s| s.from)
    }

    /// Who to call for a role now: the person on call first, then the role's people and
    /// deputies in escalation order.
    pub fn contacts_at(&self, role: &str, now: DateTime<Utc>) -> Vec<&Person> {
        let mut out: Vec<&Person> = Vec::new();
        if let Some(p) = self.on_call(role, now).and_then(|s| self.person(&s.person)) {
            out.push(p);
        }
        for p in self.contacts_for_role(role) {
            if !out.iter().any(|q| q.id.v == p.id.v) {
                out.push(p);
            }
        }
        out
    }
}
