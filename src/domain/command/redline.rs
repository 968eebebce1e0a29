//! Redlines through the gate: proposing a change to a step for the plan's author, and the
//! author's decision on one. What each still needs, and the check.

use super::check::{blocking, given, known_step};
use super::needs::{ChoiceField, Need, TextField, missing, text_need, unasked};
use super::{Command, Refusal};
use crate::domain::event::Body;
use crate::domain::ids::StepRef;
use crate::domain::redline::{RedlineKind, RedlineRecord, RedlineStatus};
use crate::domain::session::Session;

/// A proposal needs its kind, then its text.
pub(super) fn propose_needs(
    step: &StepRef,
    kind: Option<RedlineKind>,
    text: &Option<String>,
) -> Vec<Need> {
    if kind.is_none() {
        return vec![Need::Choice {
            field: ChoiceField::RedlineKind,
            title: format!("Redline on {step}: what should change in the plan?"),
            options: RedlineKind::ALL
                .iter()
                .map(|k| {
                    let w = k.words();
                    let mut c = w.chars();
                    c.next()
                        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
                        .unwrap_or_default()
                })
                .collect(),
        }];
    }
    if missing(text) {
        return vec![text_need(
            TextField::Text,
            true,
            format!("Redline on {step}"),
            "What should the plan say? (required) It goes to the plan's author. Enter to record.",
        )];
    }
    Vec::new()
}

/// A decision needs which open redline, accept or reject, then (optionally) why.
pub(super) fn decide_needs(
    s: &Session,
    redline: &Option<String>,
    accept: Option<bool>,
    note: &Option<String>,
) -> Vec<Need> {
    let label = redline.as_deref().unwrap_or_default();
    if redline.is_none() {
        let open: Vec<&RedlineRecord> = s
            .state
            .redlines
            .iter()
            .filter(|r| r.status == RedlineStatus::Open)
            .collect();
        // none open: nothing to ask, and the gate says what was decided
        if open.is_empty() {
            return Vec::new();
        }
        return vec![Need::Choice {
            field: ChoiceField::Redline,
            title: "Which redline do you decide on?".into(),
            options: open
                .iter()
                .map(|r| {
                    format!(
                        "{} on {}/{} by {}: {}",
                        r.id,
                        r.plan,
                        r.step,
                        r.by,
                        crate::domain::text::ellipsis(&r.text, 60)
                    )
                })
                .collect(),
        }];
    }
    if accept.is_none() {
        return vec![Need::Choice {
            field: ChoiceField::Verdict,
            title: format!("Redline {label}: accept or reject it?"),
            options: vec![
                "Accept: the plan's author will write it into the plan".into(),
                "Reject: the plan stays as it is".into(),
            ],
        }];
    }
    if unasked(note) {
        return vec![text_need(
            TextField::Note,
            false,
            format!("Redline {label}: why (optional)"),
            "Why? It is kept with the decision. Enter to record.",
        )];
    }
    Vec::new()
}

pub(super) fn check_propose(
    cmd: &Command,
    s: &Session,
    actor: &str,
    step: &StepRef,
    kind: Option<RedlineKind>,
    text: &Option<String>,
) -> Result<(Vec<Body>, String), Refusal> {
    known_step(s, step)?;
    blocking(cmd, s, actor)?;
    let text = given(text, "the redline")?.unwrap_or_default();
    let label = format!("R{}", s.state.redlines.len() + 1);
    Ok((
        vec![Body::Redline {
            plan: step.plan.clone(),
            step: step.step.clone(),
            redline: label.clone(),
            redline_kind: kind.unwrap_or(RedlineKind::Change),
            text,
        }],
        format!("redline {label} on {step}"),
    ))
}

pub(super) fn check_decide(
    cmd: &Command,
    s: &Session,
    actor: &str,
    redline: &Option<String>,
    accept: Option<bool>,
    note: &Option<String>,
) -> Result<(Vec<Body>, String), Refusal> {
    blocking(cmd, s, actor)?;
    let all = &s.state.redlines;
    let accept = accept.unwrap_or(false);
    let found = redline
        .as_deref()
        .and_then(|l| all.iter().find(|r| r.id.eq_ignore_ascii_case(l.trim())));
    let Some(r) = found else {
        // none open: say so, whatever was named; else which there are
        let any_open = all.iter().any(|r| r.status == RedlineStatus::Open);
        return Err(match redline {
            Some(l) if any_open => Refusal::NoSuchRedline {
                redline: l.clone(),
                known: all
                    .iter()
                    .map(|r| match r.status {
                        RedlineStatus::Open => r.id.clone(),
                        RedlineStatus::Accepted => format!("{} (accepted)", r.id),
                        RedlineStatus::Rejected => format!("{} (rejected)", r.id),
                    })
                    .collect::<Vec<_>>()
                    .join(", "),
            },
            _ => Refusal::NoOpenRedline {
                decided: all
                    .iter()
                    .filter(|r| r.status != RedlineStatus::Open)
                    .map(|r| r.id.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
            },
        });
    };
    Ok((
        vec![Body::RedlineDecided {
            redline: r.id.clone(),
            accepted: accept,
            note: given(note, "the note")?,
        }],
        format!(
            "{} of redline {}",
            if accept { "acceptance" } else { "rejection" },
            r.id
        ),
    ))
}
