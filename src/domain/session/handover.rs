//! What the next shift needs to know at a hand-over: the steps in progress and by whom, what is
//! blocked and why, the next deadlines and RTOs, the calls still waiting for an answer, the
//! decisions taken, the injects out. Made from the session as it stands; journaled with the
//! hand-over so the review shows what the next shift was told.

use super::Session;
use super::deadline::{DueState, deadlines};
use super::rto::rto_outcomes;
use super::state::StepStatus;
use crate::domain::calls::CallResult;
use crate::domain::event::ts;
use crate::domain::index::Index;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// One line of a hand-over: about a step (or a service, a role, an inject), who, when, what.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Item {
    /// The step (`plan/step`), service, role or inject it is about.
    pub about: String,
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub who: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none", with = "ts::opt")]
    pub at: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
}

/// The hand-over summary.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    /// Steps being worked on, by whom and since when.
    #[serde(default)]
    pub in_progress: Vec<Item>,
    /// Steps blocked, and what they wait for.
    #[serde(default)]
    pub blocked: Vec<Item>,
    /// The next step deadlines (overdue first), and the RTOs not yet met.
    #[serde(default)]
    pub due: Vec<Item>,
    /// Roles whose last call reached no one.
    #[serde(default)]
    pub calls: Vec<Item>,
    #[serde(default)]
    pub decisions: Vec<Item>,
    /// Exercise injects released.
    #[serde(default)]
    pub injects: Vec<Item>,
}

/// How many deadlines a summary lists.
const NEXT_DEADLINES: usize = 5;

impl Summary {
    pub fn is_empty(&self) -> bool {
        self.in_progress.is_empty()
            && self.blocked.is_empty()
            && self.due.is_empty()
            && self.calls.is_empty()
            && self.decisions.is_empty()
            && self.injects.is_empty()
    }

    /// The summary in one paragraph, for a table cell: "Blocked: a/b Title (ann): why; Due
    /// next: ...".
    pub fn brief(&self, hm: &dyn Fn(DateTime<Utc>) -> String) -> String {
        let mut parts: Vec<String> = Vec::new();
        let mut cur: Option<(String, Vec<String>)> = None;
        for l in self.lines(hm) {
            match l.strip_prefix("  ") {
                Some(item) => {
                    if let Some((_, items)) = cur.as_mut() {
                        items.push(item.to_string());
                    }
                }
                None => {
                    if let Some((head, items)) = cur.take() {
                        parts.push(format!("{head} {}", items.join("; ")));
                    }
                    cur = Some((l, Vec::new()));
                }
            }
        }
        if let Some((head, items)) = cur {
            parts.push(match items.is_empty() {
                true => head,
                false => format!("{head} {}", items.join("; ")),
            });
        }
        parts.join(". ")
    }

    /// The summary as lines for a person: a heading per part, an item a line, `hm` writing a
    /// time.
    pub fn lines(&self, hm: &dyn Fn(DateTime<Utc>) -> String) -> Vec<String> {
        let mut out = Vec::new();
        let parts: [(&str, &[Item]); 6] = [
            ("In progress", &self.in_progress),
            ("Blocked", &self.blocked),
            ("Due next", &self.due),
            ("Calls waiting for an answer", &self.calls),
            ("Decisions taken", &self.decisions),
            ("Injects out", &self.injects),
        ];
        for (head, items) in parts {
            if items.is_empty() {
                continue;
            }
            out.push(format!("{head}:"));
            for i in items {
                let mut l = format!("  {} {}", i.about, i.title);
                if let Some(w) = &i.who {
                    l.push_str(&format!(" ({w})"));
                }
                if let Some(t) = i.at {
                    l.push_str(&format!(" at {}", hm(t)));
                }
                if let Some(x) = &i.text {
                    l.push_str(&format!(": {x}"));
                }
                out.push(l);
            }
        }
        if out.is_empty() {
            out.push("Nothing in progress, blocked, due or waiting.".into());
        }
        out
    }
}

/// The summary of the session now.
pub fn summary(s: &Session, ix: &Index, now: DateTime<Utc>) -> Summary {
    let st = &s.state;
    let mut out = Summary::default();
    for p in &st.plans {
        for step in &p.steps {
            let about = step.at_ref().to_string();
            match step.state {
                StepStatus::Active => out.in_progress.push(Item {
                    about,
                    title: step.title.clone(),
                    who: step.by.clone().or_else(|| step.assignee.clone()),
                    at: step.active_since.or(step.at),
                    text: step.assignee.as_ref().map(|a| format!("assigned to {a}")),
                }),
                StepStatus::Blocked => out.blocked.push(Item {
                    about,
                    title: step.title.clone(),
                    who: step.by.clone(),
                    at: step.at,
                    text: step.reason().map(|r| r.text.clone()),
                }),
                _ => {}
            }
            if let Some(d) = &step.decision {
                out.decisions.push(Item {
                    about: step.at_ref().to_string(),
                    title: step.title.clone(),
                    who: Some(d.by.clone()),
                    at: Some(d.at),
                    text: Some(match &d.why {
                        Some(w) => format!("{}: {w}", d.option),
                        None => d.option.clone(),
                    }),
                });
            }
        }
    }
    let mut due: Vec<_> = deadlines(s, now)
        .into_iter()
        .filter(|(_, _, d)| matches!(d.state, DueState::Due | DueState::Overdue))
        .collect();
    due.sort_by_key(|(_, _, d)| (d.state != DueState::Overdue, d.at));
    for (pi, si, d) in due.into_iter().take(NEXT_DEADLINES) {
        let step = &st.plans[pi].steps[si];
        out.due.push(Item {
            about: step.at_ref().to_string(),
            title: step.title.clone(),
            who: step.assignee.clone(),
            at: Some(d.at),
            text: Some(
                match d.state {
                    DueState::Overdue => "OVERDUE",
                    _ => "due",
                }
                .into(),
            ),
        });
    }
    for r in rto_outcomes(s, ix, now) {
        if r.outcome == "met" || r.restored_at.is_some() {
            continue;
        }
        out.due.push(Item {
            about: r.service.clone(),
            title: format!("{} (RTO {})", r.name, r.rto),
            who: None,
            at: Some(r.deadline),
            text: Some(match r.outcome.as_str() {
                "missed" => format!(
                    "RTO MISSED by {}",
                    crate::domain::time::human_duration(chrono::Duration::minutes(r.margin_min))
                ),
                _ => format!(
                    "RTO: {} left",
                    crate::domain::time::human_duration(chrono::Duration::minutes(r.margin_min))
                ),
            }),
        });
    }
    // the last call of each role, when it reached no one
    let mut roles: Vec<&str> = st.calls.iter().filter_map(|c| c.role.as_deref()).collect();
    roles.sort_unstable();
    roles.dedup();
    for role in roles {
        if let Some(c) = st
            .calls
            .iter()
            .rev()
            .find(|c| c.role.as_deref() == Some(role))
            .filter(|c| c.result != CallResult::Reached)
        {
            out.calls.push(Item {
                about: role.to_string(),
                title: c.name.clone(),
                who: Some(c.by.clone()),
                at: Some(c.at),
                text: Some(c.result.words().to_string()),
            });
        }
    }
    for i in st.injects.iter().filter(|i| i.released) {
        let title = s
            .scenario
            .as_deref()
            .and_then(|sc| sc.inject(i.inject.as_str()))
            .map(|x| x.title.clone())
            .unwrap_or_default();
        out.injects.push(Item {
            about: i.inject.to_string(),
            title,
            who: Some(i.by.clone()),
            at: Some(i.at),
            text: None,
        });
    }
    out
}
