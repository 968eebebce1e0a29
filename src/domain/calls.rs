//! Calling people: who to call next for a role (the index's escalation order, the person on call
//! first, deputies after the last), what each attempt gave, and when no one has been reached in
//! time so the next person should be called.

use super::event::UnknownWord;
use super::ids::StepRef;
use super::index::Index;
use super::session::Session;
use super::time::Minutes;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// What a call gave.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CallResult {
    Reached,
    NoAnswer,
    Voicemail,
    Busy,
}

impl CallResult {
    pub const ALL: [CallResult; 4] = [
        CallResult::Reached,
        CallResult::NoAnswer,
        CallResult::Voicemail,
        CallResult::Busy,
    ];
    /// As the command line and the journal write it.
    pub fn word(self) -> &'static str {
        match self {
            CallResult::Reached => "reached",
            CallResult::NoAnswer => "no-answer",
            CallResult::Voicemail => "voicemail",
            CallResult::Busy => "busy",
        }
    }
    /// As a sentence says it: "no answer".
    pub fn words(self) -> &'static str {
        match self {
            CallResult::Reached => "reached",
            CallResult::NoAnswer => "no answer",
            CallResult::Voicemail => "voicemail left",
            CallResult::Busy => "busy",
        }
    }
}

impl fmt::Display for CallResult {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.word())
    }
}

impl FromStr for CallResult {
    type Err = UnknownWord;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let w = s.trim().to_ascii_lowercase().replace([' ', '_'], "-");
        CallResult::ALL
            .into_iter()
            .find(|r| r.word() == w)
            .ok_or(UnknownWord {
                given: s.to_string(),
                what: "the result of a call",
                choices: "reached, no-answer, voicemail or busy",
            })
    }
}

/// Who is called: a person of the index (or a name typed in), and the role they were called
/// for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Callee {
    /// The person's id in the index, or the name as given.
    pub person: String,
    /// Their name as the index gives it.
    pub name: String,
    pub role: Option<String>,
}

/// One attempt, as the session keeps it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CallRecord {
    #[serde(with = "super::event::ts")]
    pub at: DateTime<Utc>,
    /// Who made the call.
    pub by: String,
    /// Who was called (a person's id, or a name).
    pub who: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    pub result: CallResult,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub step: Option<StepRef>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl CallRecord {
    /// "Hannah Kowalski (dba): no answer".
    pub fn words(&self) -> String {
        match &self.role {
            Some(r) => format!("{} ({r}): {}", self.name, self.result.words()),
            None => format!("{}: {}", self.name, self.result.words()),
        }
    }
}

fn callee(ix: &Index, person: &str, role: Option<&str>) -> Callee {
    Callee {
        person: person.to_string(),
        name: ix
            .person(person)
            .map(|p| p.name.clone())
            .unwrap_or_else(|| person.to_string()),
        role: role.map(str::to_string),
    }
}

/// The next person to call for a role: after the last one tried (the same one again when they
/// were reached), in escalation order — the person on call, the role's people, then their
/// deputies — back to the first after the last. `None` when the role has no one.
pub fn next_for_role(
    ix: &Index,
    role: &str,
    calls: &[CallRecord],
    now: DateTime<Utc>,
) -> Option<Callee> {
    let order: Vec<&str> = ix
        .contacts_at(role, now)
        .into_iter()
        .map(|p| p.id.v.as_str())
        .collect();
    let first = *order.first()?;
    let last = calls.iter().rev().find(|c| c.role.as_deref() == Some(role));
    let next = match last {
        None => first,
        Some(c) if c.result == CallResult::Reached => c.who.as_str(),
        Some(c) => match order.iter().position(|p| *p == c.who) {
            Some(i) => order.get(i + 1).copied().unwrap_or(first),
            None => first,
        },
    };
    Some(callee(ix, next, Some(role)))
}

/// Whom `who` names: a role (its next person), a person's id, or a person's name; anything
/// else is refused with the closest id.
pub fn resolve(
    ix: &Index,
    who: &str,
    calls: &[CallRecord],
    now: DateTime<Utc>,
) -> Result<Callee, String> {
    let w = who.trim();
    if let Some(r) = ix.role(w) {
        return next_for_role(ix, &r.id.v, calls, now).ok_or_else(|| {
            format!(
                "role `{w}` has no people in the index: add them to its `people`, or give a person"
            )
        });
    }
    if let Some(p) = ix.person(w) {
        return Ok(callee(ix, &p.id.v, None));
    }
    if let Some(p) = ix.people.iter().find(|p| p.name.eq_ignore_ascii_case(w)) {
        return Ok(callee(ix, &p.id.v, None));
    }
    let ids: Vec<&str> = ix
        .roles
        .iter()
        .map(|r| r.id.v.as_str())
        .chain(ix.people.iter().map(|p| p.id.v.as_str()))
        .collect();
    let hint = match super::text::did_you_mean(w, ids.iter().copied()) {
        Some(s) => format!("did you mean `{s}`?"),
        None => "give a person's id or a role's id as `muster index` lists them".into(),
    };
    Err(format!(
        "`{}` is not a person or a role of the index: {hint}",
        super::text::clean(w, false)
    ))
}

/// The people to offer when calling about a step: for its role and those it notifies, the next
/// to call first, then the rest in escalation order.
pub fn candidates(s: &Session, ix: &Index, step: &StepRef, now: DateTime<Utc>) -> Vec<Callee> {
    let mut out: Vec<Callee> = Vec::new();
    let Some(def) = s.step_def(step) else {
        return out;
    };
    let calls = &s.state.calls;
    let mut push = |c: Callee| {
        if !out.iter().any(|o| o.person == c.person && o.role == c.role) {
            out.push(c);
        }
    };
    for who in def.role.iter().chain(def.notify.iter()) {
        let who = who.v.as_str();
        if ix.role(who).is_some() {
            if let Some(n) = next_for_role(ix, who, calls, now) {
                push(n);
            }
            for p in ix.contacts_at(who, now) {
                push(callee(ix, &p.id.v, Some(who)));
            }
        } else if ix.person(who).is_some() {
            push(callee(ix, who, None));
        }
    }
    out
}

/// A role whose last call did not reach anyone, long enough ago that the next person should be
/// called.
#[derive(Debug, Clone, PartialEq)]
pub struct Escalation {
    pub role: String,
    /// The attempt it waits on.
    pub last: CallRecord,
    /// Attempts since someone of the role was last reached.
    pub attempts: usize,
    pub waited: chrono::Duration,
    pub after: Minutes,
    /// Whom to call now.
    pub next: Callee,
}

impl Escalation {
    /// "No one reached for dba: Hannah Kowalski no answer at 03:12 (2 attempts, 12 min ago).
    /// Call Rajesh Iyer next."
    pub fn sentence(&self, hm: impl Fn(DateTime<Utc>) -> String) -> String {
        format!(
            "No one reached for {}: {} {} at {} ({} attempt{}, {} ago). Call {} next.",
            self.role,
            self.last.name,
            self.last.result.words(),
            hm(self.last.at),
            self.attempts,
            if self.attempts == 1 { "" } else { "s" },
            super::time::human_duration(self.waited),
            self.next.name
        )
    }
}

/// The roles to escalate now: their last call reached no one, and the role's `escalate_after`
/// (or that of the step the call was about, which comes first) has passed since.
pub fn escalations(s: &Session, ix: &Index, now: DateTime<Utc>) -> Vec<Escalation> {
    let calls = &s.state.calls;
    let mut out: Vec<Escalation> = Vec::new();
    let mut roles: Vec<&str> = calls.iter().filter_map(|c| c.role.as_deref()).collect();
    roles.sort_unstable();
    roles.dedup();
    for role in roles {
        let of_role: Vec<&CallRecord> = calls
            .iter()
            .filter(|c| c.role.as_deref() == Some(role))
            .collect();
        let Some(last) = of_role.last() else {
            continue;
        };
        if last.result == CallResult::Reached {
            continue;
        }
        let after = last
            .step
            .as_ref()
            .and_then(|st| s.step_def(st))
            .and_then(|d| d.escalate_after)
            .or_else(|| ix.role(role).and_then(|r| r.escalate_after));
        let Some(after) = after else {
            continue;
        };
        let waited = now - last.at;
        if waited < after.as_duration() {
            continue;
        }
        let attempts = of_role
            .iter()
            .rev()
            .take_while(|c| c.result != CallResult::Reached)
            .count();
        if let Some(next) = next_for_role(ix, role, calls, now) {
            out.push(Escalation {
                role: role.to_string(),
                last: (*last).clone(),
                attempts,
                waited,
                after,
                next,
            });
        }
    }
    out
}
