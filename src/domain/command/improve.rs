//! Improvement actions (raise, change, close, reopen) and putting observations right (correct,
//! withdraw): what each needs asked, and the gate's check of it. Actions can still be changed
//! after their session is closed: an improvement plan is tracked for months after the exercise
//! or the incident it came from.

use super::check::given;
use super::needs::{ChoiceField, Need, TextField, text_need as text, unasked};
use super::{Command, Refusal};
use crate::domain::event::{ActionStatus, Body, ObservationKind};
use crate::domain::ids::{ActionId, EventId, ObjectiveId};
use crate::domain::session::Session;
use crate::domain::session::improve::ActionRecord;
use crate::domain::session::state::ObservationRecord;
use chrono::{DateTime, NaiveDate, Utc};

/// What is done to an improvement action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActionAct {
    Add,
    Update,
    Close,
    Reopen,
}

/// An improvement action command. Text fields are `None` until asked (an empty answer leaves
/// the field out).
#[derive(Debug, Clone, PartialEq)]
pub struct ActionCmd {
    pub act: ActionAct,
    /// The action changed (not for `Add`): `None` until chosen.
    pub action: Option<ActionId>,
    /// `Add`: the observation it is raised from (`O2`), empty for none; `None` until asked.
    pub from: Option<String>,
    pub text: Option<String>,
    pub owner: Option<String>,
    /// A date as typed: `2027-01-31`, `+14d`, `+2w`.
    pub due: Option<String>,
    pub capability: Option<String>,
    /// A progress note, a closing note, the reason for reopening.
    pub note: Option<String>,
    /// The date where the user is (`+14d` counts from it); `None`: the UTC date.
    pub today: Option<NaiveDate>,
}

impl ActionCmd {
    pub fn new(act: ActionAct) -> ActionCmd {
        ActionCmd {
            act,
            action: None,
            from: None,
            text: None,
            owner: None,
            due: None,
            capability: None,
            note: None,
            today: None,
        }
    }
}

/// Correct an observation (new text, kind or objective) or withdraw it.
#[derive(Debug, Clone, PartialEq)]
pub struct FixObservation {
    pub withdraw: bool,
    /// Its number as shown (`O2`) or its event id; `None` until chosen.
    pub observation: Option<String>,
    pub text: Option<String>,
    pub kind: Option<ObservationKind>,
    pub objective: Option<ObjectiveId>,
    pub reason: Option<String>,
}

/// A due date as typed: `YYYY-MM-DD`, or `+N` days (`+14d`, `+14`) or weeks (`+2w`) from `today`.
pub fn parse_due(given: &str, today: NaiveDate) -> Result<NaiveDate, Refusal> {
    let g = given.trim();
    let bad = || Refusal::BadDate {
        given: crate::domain::text::ellipsis(&crate::domain::text::clean(g, false), 30),
    };
    if let Some(rel) = g.strip_prefix('+') {
        let (n, unit) = match rel.char_indices().last() {
            Some((i, 'd' | 'D')) => (&rel[..i], 1),
            Some((i, 'w' | 'W')) => (&rel[..i], 7),
            _ => (rel, 1),
        };
        let n: u32 = n.trim().parse().map_err(|_| bad())?;
        if n > 3660 {
            return Err(bad());
        }
        return today
            .checked_add_days(chrono::Days::new(u64::from(n) * unit))
            .ok_or_else(bad);
    }
    NaiveDate::parse_from_str(g, "%Y-%m-%d").map_err(|_| bad())
}

/// How an action is offered in a choice: "A2 (open): text · owner · due".
pub fn action_label(a: &ActionRecord) -> String {
    let mut l = format!(
        "{} ({}): {}",
        a.id,
        a.status,
        crate::domain::text::ellipsis(&a.text, 50)
    );
    if let Some(o) = &a.owner {
        l.push_str(&format!(" · {o}"));
    }
    if let Some(d) = &a.due {
        l.push_str(&format!(" · due {d}"));
    }
    l
}

/// How an observation is offered in a choice: "O2 area for improvement: text".
pub fn observation_label(n: usize, o: &ObservationRecord) -> String {
    format!(
        "O{n} {}: {}",
        o.kind.label(),
        crate::domain::text::ellipsis(&o.text, 60)
    )
}

pub(super) fn action_needs(c: &ActionCmd, s: &Session) -> Vec<Need> {
    let st = &s.state;
    let mut out = Vec::new();
    if c.act != ActionAct::Add && c.action.is_none() {
        let options: Vec<String> = st.actions.iter().map(action_label).collect();
        if !options.is_empty() {
            out.push(Need::Choice {
                field: ChoiceField::Action,
                title: match c.act {
                    ActionAct::Close => "Close which improvement action?",
                    ActionAct::Reopen => "Reopen which improvement action?",
                    _ => "Change which improvement action?",
                }
                .into(),
                options,
            });
        }
        return out;
    }
    let which = c.action.as_ref().map(|a| a.to_string()).unwrap_or_default();
    match c.act {
        ActionAct::Add => {
            if c.from.is_none() && st.live_observations().next().is_some() {
                let mut options = vec!["None: a new action".to_string()];
                options.extend(st.live_observations().map(|(n, o)| observation_label(n, o)));
                out.push(Need::Choice {
                    field: ChoiceField::Observation,
                    title: "Improvement action: raised from an observation?".into(),
                    options,
                });
                return out;
            }
            let from_text = c
                .from
                .as_deref()
                .filter(|f| !f.is_empty())
                .and_then(|f| st.observation_by(f));
            let blank = c.text.as_deref().is_none_or(|t| t.trim().is_empty());
            match from_text {
                Some((n, _)) if unasked(&c.text) => {
                    out.push(text(
                        TextField::Words,
                        false,
                        format!("Improvement action from O{n}"),
                        "What is to be done? Enter takes the observation's words.",
                    ));
                    return out;
                }
                None if blank => {
                    out.push(text(
                        TextField::Words,
                        true,
                        "Improvement action".into(),
                        "What is to be done, so it goes better next time? Enter to go on.",
                    ));
                    return out;
                }
                _ => {}
            }
            push_details(&mut out, c, "the new action");
        }
        ActionAct::Update => push_details(&mut out, c, &which),
        ActionAct::Close => {
            if unasked(&c.note) {
                out.push(text(
                    TextField::Note,
                    false,
                    format!("Close action {which}?"),
                    "What was done (optional). Enter closes it; Esc cancels.",
                ));
            }
        }
        ActionAct::Reopen => {
            if c.note.as_deref().is_none_or(|t| t.trim().is_empty()) {
                out.push(text(
                    TextField::Reason,
                    true,
                    format!("Reopen action {which}"),
                    "Why is it reopened? Enter to record.",
                ));
            }
        }
    }
    out
}

/// Owner, due date, capability and a note: each optional, asked in turn.
fn push_details(out: &mut Vec<Need>, c: &ActionCmd, which: &str) {
    let fields = [
        (
            &c.owner,
            TextField::To,
            format!("Owner of {which}"),
            "Who sees it through (optional). Enter to go on.",
        ),
        (
            &c.due,
            TextField::Due,
            format!("Due date of {which}"),
            "YYYY-MM-DD, or +14d / +2w from today (optional). Enter to go on.",
        ),
        (
            &c.capability,
            TextField::Capability,
            format!("Capability of {which}"),
            "The capability or core function it improves, e.g. Operational Communications (optional).",
        ),
    ];
    for (v, field, title, hint) in fields {
        if unasked(v) {
            out.push(text(field, false, title, hint));
            return;
        }
    }
    if c.act == ActionAct::Update && unasked(&c.note) {
        out.push(text(
            TextField::Note,
            false,
            format!("Progress on {which}"),
            "A note on how it stands (optional). Enter to record.",
        ));
    }
}

pub(super) fn fix_needs(c: &FixObservation, s: &Session) -> Vec<Need> {
    let st = &s.state;
    let mut out = Vec::new();
    let Some(given) = &c.observation else {
        // withdrawn ones too, marked: choosing one says why it cannot change
        let options: Vec<String> = st
            .observations
            .iter()
            .enumerate()
            .map(|(i, o)| {
                let mut l = observation_label(i + 1, o);
                if o.withdrawn.is_some() {
                    l.push_str(" (withdrawn)");
                }
                l
            })
            .collect();
        if !options.is_empty() {
            out.push(Need::Choice {
                field: ChoiceField::Observation,
                title: if c.withdraw {
                    "Withdraw which observation?"
                } else {
                    "Correct which observation?"
                }
                .into(),
                options,
            });
        }
        return out;
    };
    let n = st
        .observation_by(given)
        .map(|(n, _)| format!("O{n}"))
        .unwrap_or_else(|| given.clone());
    if c.withdraw {
        if c.reason.as_deref().is_none_or(|t| t.trim().is_empty()) {
            out.push(text(
                TextField::Reason,
                true,
                format!("Withdraw observation {n}? It stays in the journal."),
                "Why is it withdrawn? Enter to record.",
            ));
        }
        return out;
    }
    if unasked(&c.text) && c.kind.is_none() && c.objective.is_none() {
        out.push(text(
            TextField::Words,
            true,
            format!("Correct observation {n}"),
            "What it should say. Enter to record.",
        ));
    } else if unasked(&c.reason) {
        out.push(text(
            TextField::Reason,
            false,
            format!("Correct observation {n}"),
            "Why it changes (optional). Enter to record.",
        ));
    }
    out
}

fn find_action<'a>(s: &'a Session, c: &ActionCmd) -> Result<Option<&'a ActionRecord>, Refusal> {
    let st = &s.state;
    if st.actions.is_empty() {
        return Err(Refusal::NoActions {
            session: st.id.clone(),
        });
    }
    let Some(id) = &c.action else {
        return Ok(None);
    };
    let g = id.as_str().trim();
    st.actions
        .iter()
        .find(|a| a.id.as_str().eq_ignore_ascii_case(g) || a.id.as_str() == format!("A{g}"))
        .map(Some)
        .ok_or_else(|| Refusal::NoSuchAction {
            session: st.id.clone(),
            given: crate::domain::text::ellipsis(&crate::domain::text::clean(g, false), 30),
            known: st
                .actions
                .iter()
                .map(|a| a.id.to_string())
                .collect::<Vec<_>>()
                .join(", "),
        })
}

fn find_observation<'a>(
    s: &'a Session,
    given_: &str,
    now: DateTime<Utc>,
) -> Result<(usize, &'a ObservationRecord), Refusal> {
    let st = &s.state;
    if st.observations.is_empty() {
        return Err(Refusal::NoObservations {
            session: st.id.clone(),
        });
    }
    let (n, o) = st
        .observation_by(given_)
        .ok_or_else(|| Refusal::NoSuchObservation {
            session: st.id.clone(),
            given: crate::domain::text::ellipsis(&crate::domain::text::clean(given_, false), 30),
            count: st.observations.len(),
        })?;
    if let Some(w) = &o.withdrawn {
        return Err(Refusal::ObservationWithdrawn {
            number: format!("O{n}"),
            by: w.by.clone(),
            ago: super::ago(now, w.at),
        });
    }
    Ok((n, o))
}

/// The objective an observation is tied to: one of the scenario's.
pub(super) fn known_objective(s: &Session, o: &str) -> Result<Option<ObjectiveId>, Refusal> {
    let o = o.trim();
    if o.is_empty() {
        return Ok(None);
    }
    let sc = s.scenario.as_deref();
    let objectives = sc.map(|sc| sc.objectives.as_slice()).unwrap_or_default();
    match objectives.iter().find(|x| x.id.v.eq_ignore_ascii_case(o)) {
        Some(x) => Ok(Some(ObjectiveId::new(x.id.v.as_str()))),
        None if objectives.is_empty() => Err(Refusal::NoObjectives),
        None => Err(Refusal::NoSuchObjective {
            scenario: sc.map(|sc| sc.id.v.clone()).unwrap_or_default(),
            objective: ObjectiveId::new(o),
            known: objectives
                .iter()
                .map(|x| x.id.v.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        }),
    }
}

/// The gate's check of an action command: the events, and what they record in words.
pub(super) fn check_action(
    cmd: &Command,
    c: &ActionCmd,
    s: &Session,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<(Vec<Body>, String), Refusal> {
    let st = &s.state;
    let today = c.today.unwrap_or_else(|| now.date_naive());
    let due = match c.due.as_deref().map(str::trim).filter(|d| !d.is_empty()) {
        Some(d) => Some(parse_due(d, today)?),
        None => None,
    };
    let owner = given(&c.owner, "the owner")?;
    let capability = given(&c.capability, "the capability")?;
    let note = given(&c.note, "the note")?;
    if c.act == ActionAct::Add {
        let from = match c.from.as_deref().map(str::trim).filter(|f| !f.is_empty()) {
            Some(f) => Some(find_observation(s, f, now)?),
            None => None,
        };
        super::check::blocking(cmd, s, actor)?;
        let text = match (given(&c.text, "the action")?, from) {
            (Some(t), _) => t,
            (None, Some((_, o))) => o.text.clone(),
            (None, None) => {
                return Err(Refusal::Needs(text(
                    TextField::Words,
                    true,
                    "Improvement action".into(),
                    "What is to be done? Enter to go on.",
                )));
            }
        };
        let id = st.next_action_id();
        let what = format!(
            "raised improvement action {id}{}",
            from.map(|(n, _)| format!(" from O{n}")).unwrap_or_default()
        );
        return Ok((
            vec![Body::ActionAdded {
                action: id,
                text,
                owner,
                due,
                capability,
                of: from.map(|(_, o)| o.id.clone()),
            }],
            what,
        ));
    }
    let found = find_action(s, c)?;
    super::check::blocking(cmd, s, actor)?;
    let Some(a) = found else {
        // the choice of action was asked above: reaching here means there was none to offer
        return Err(Refusal::NoActions {
            session: st.id.clone(),
        });
    };
    let status = match (c.act, a.status) {
        (ActionAct::Close, ActionStatus::Closed) | (ActionAct::Reopen, ActionStatus::Open) => {
            return Err(Refusal::ActionAlready {
                action: a.id.clone(),
                status: a.status.word(),
            });
        }
        (ActionAct::Close, _) => Some(ActionStatus::Closed),
        (ActionAct::Reopen, _) => Some(ActionStatus::Open),
        _ => None,
    };
    if status.is_none()
        && owner.is_none()
        && due.is_none()
        && capability.is_none()
        && note.is_none()
    {
        // what is still to be asked may yet give something to change
        if let Some(n) = cmd.needs(s, actor).into_iter().next() {
            return Err(Refusal::Needs(n));
        }
        return Err(Refusal::NothingToChange {
            action: a.id.clone(),
        });
    }
    let what = match c.act {
        ActionAct::Close => format!("closed improvement action {}", a.id),
        ActionAct::Reopen => format!("reopened improvement action {}", a.id),
        _ => format!("updated improvement action {}", a.id),
    };
    Ok((
        vec![Body::ActionUpdated {
            action: a.id.clone(),
            of: Some(a.event.clone()),
            owner,
            due,
            capability,
            status,
            note,
        }],
        what,
    ))
}

/// The gate's check of a correction or a withdrawal.
pub(super) fn check_fix(
    cmd: &Command,
    c: &FixObservation,
    s: &Session,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<(Vec<Body>, String), Refusal> {
    let st = &s.state;
    if st.observations.is_empty() {
        return Err(Refusal::NoObservations {
            session: st.id.clone(),
        });
    }
    let found = match &c.observation {
        Some(g) => Some(find_observation(s, g, now)?),
        None => None,
    };
    let objective = match &c.objective {
        Some(o) => known_objective(s, o.as_str())?,
        None => None,
    };
    // who recorded it, or who runs or evaluates the exercise
    if let Some((n, o)) = found
        && !o.by.trim().eq_ignore_ascii_case(actor.trim())
        && !(st.may_evaluate(actor) && (!st.facilitators.is_empty() || !st.evaluators.is_empty()))
    {
        return Err(Refusal::NotYourObservation {
            number: format!("O{n}"),
            by: o.by.clone(),
        });
    }
    super::check::blocking(cmd, s, actor)?;
    let Some((n, o)) = found else {
        return Err(Refusal::NoObservations {
            session: st.id.clone(),
        });
    };
    let of: EventId = o.id.clone();
    let text = given(&c.text, "the observation")?;
    if !c.withdraw && text.is_none() && c.kind.is_none() && objective.is_none() {
        return Err(Refusal::NothingToCorrect {
            number: format!("O{n}"),
        });
    }
    if c.withdraw {
        return Ok((
            vec![Body::ObservationWithdrawn {
                of,
                reason: given(&c.reason, "the reason")?.unwrap_or_default(),
            }],
            format!("withdrew observation O{n}"),
        ));
    }
    Ok((
        vec![Body::ObservationCorrected {
            of,
            text,
            observation: c.kind,
            objective,
            reason: given(&c.reason, "the reason")?,
        }],
        format!("corrected observation O{n}"),
    ))
}

/// Fills in a choice of an action or an observation command. The options begin with the id.
pub(super) fn answer_choice(cmd: &mut Command, field: ChoiceField, option: &str, first: bool) {
    let id = option
        .split([' ', ':'])
        .next()
        .unwrap_or_default()
        .to_string();
    match (cmd, field) {
        (Command::Action(a), ChoiceField::Action) => a.action = Some(ActionId::new(id)),
        (Command::Action(a), ChoiceField::Observation) => {
            a.from = Some(if first { String::new() } else { id })
        }
        (Command::FixObservation(f), ChoiceField::Observation) => f.observation = Some(id),
        (Command::Observe { objective, .. }, ChoiceField::Objective) => {
            *objective = Some(if first { String::new() } else { id })
        }
        _ => {}
    }
}

/// The text a prompt of an action or an observation command fills in.
pub(super) fn text_slot(cmd: &mut Command, field: TextField) -> Option<&mut Option<String>> {
    Some(match (cmd, field) {
        (Command::Action(a), TextField::Words) => &mut a.text,
        (Command::Action(a), TextField::To) => &mut a.owner,
        (Command::Action(a), TextField::Due) => &mut a.due,
        (Command::Action(a), TextField::Capability) => &mut a.capability,
        (Command::Action(a), TextField::Note | TextField::Reason) => &mut a.note,
        (Command::FixObservation(f), TextField::Words) => &mut f.text,
        (Command::FixObservation(f), TextField::Reason) => &mut f.reason,
        _ => return None,
    })
}
