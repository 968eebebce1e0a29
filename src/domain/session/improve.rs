//! What an exercise or an incident leaves to improve: the improvement actions raised from it
//! (owner, due date, capability, open or closed), and observations as corrected or withdrawn.
//! Folded from `action_added`, `action_updated`, `observation_corrected` and
//! `observation_withdrawn`; the original events always stay in the journal.

use super::state::{ObservationRecord, SessionState};
use crate::domain::event::{ActionStatus, ObservationKind, ts};
use crate::domain::ids::{ActionId, EventId, ObjectiveId};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// An improvement action as it stands, with every change made to it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActionRecord {
    pub id: ActionId,
    /// The `action_added` event: what updates name.
    pub event: EventId,
    pub text: String,
    pub owner: Option<String>,
    pub due: Option<NaiveDate>,
    pub capability: Option<String>,
    pub status: ActionStatus,
    /// Who raised it, and when.
    pub by: String,
    #[serde(with = "ts")]
    pub at: DateTime<Utc>,
    /// The observation it was raised from (its event id).
    pub of: Option<EventId>,
    /// Every change after it was raised, oldest first.
    pub changes: Vec<ActionChange>,
}

/// One change to an action: what changed, in words, and the note given with it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActionChange {
    pub by: String,
    #[serde(with = "ts")]
    pub at: DateTime<Utc>,
    pub what: String,
    pub note: Option<String>,
    /// The status it set, if it closed or reopened the action.
    pub status: Option<ActionStatus>,
}

impl ActionRecord {
    pub fn is_open(&self) -> bool {
        self.status == ActionStatus::Open
    }

    /// Open and past its due date on `today`.
    pub fn overdue(&self, today: NaiveDate) -> bool {
        self.is_open() && self.due.is_some_and(|d| d < today)
    }

    /// When it was closed, by whom, with which note (the last change that closed it).
    pub fn closed(&self) -> Option<&ActionChange> {
        if self.is_open() {
            return None;
        }
        self.changes
            .iter()
            .rev()
            .find(|c| c.status == Some(ActionStatus::Closed))
    }
}

/// The most improvement actions one session folds: real ones have tens; a journal with more
/// is hostile, and folding it must still be quick.
pub const MAX_ACTIONS: usize = 2_000;

/// A warning, unless there are already enough of them.
fn warn(st: &mut SessionState, w: String) {
    if st.warnings.len() < super::fold::MAX_WARNINGS {
        st.warnings.push(w);
    }
}

/// Who made a change, and when: the event's actor and time.
pub struct By<'a> {
    pub actor: &'a str,
    pub at: DateTime<Utc>,
}

/// What an `action_added` event says.
pub struct Added {
    pub event: EventId,
    pub action: ActionId,
    pub text: String,
    pub owner: Option<String>,
    pub due: Option<NaiveDate>,
    pub capability: Option<String>,
    pub of: Option<EventId>,
}

/// An `action_added` event. An id already taken (two writers raising one each at once) is made
/// unique with a suffix, and said so in the warnings.
pub fn add(st: &mut SessionState, by: By, a: Added) {
    if st.actions.len() >= MAX_ACTIONS {
        warn(
            st,
            format!("more than {MAX_ACTIONS} improvement actions: the rest are in the log only"),
        );
        return;
    }
    let mut id = a.action.clone();
    let mut n = 2;
    while st.action(id.as_str()).is_some() {
        id = ActionId::new(format!("{}-{n}", a.action));
        n += 1;
    }
    if id != a.action {
        warn(
            st,
            format!(
                "two improvement actions were raised as {}: the one by {} is {id}",
                a.action, by.actor
            ),
        );
    }
    st.actions.push(ActionRecord {
        id,
        event: a.event,
        text: a.text,
        owner: a.owner,
        due: a.due,
        capability: a.capability,
        status: ActionStatus::Open,
        by: by.actor.to_string(),
        at: by.at,
        of: a.of,
        changes: Vec::new(),
    });
}

/// What an `action_updated` event changes.
pub struct Update {
    pub owner: Option<String>,
    pub due: Option<NaiveDate>,
    pub capability: Option<String>,
    pub status: Option<ActionStatus>,
    pub note: Option<String>,
}

/// An `action_updated` event, found by its action's event (else by its label): an action the
/// session does not have is a warning.
pub fn update(st: &mut SessionState, by: By, action: &ActionId, of: Option<&EventId>, u: Update) {
    // by the event when it is named: the label alone could be another writer's
    let i = match of {
        Some(e) => st.actions.iter().position(|a| a.event == *e),
        None => st.actions.iter().position(|a| a.id == *action),
    };
    let Some(a) = i.and_then(|i| st.actions.get_mut(i)) else {
        warn(
            st,
            format!(
                "an update by {} refers to improvement action {action}, which this session does not have (yet): it is in the log only",
                by.actor
            ),
        );
        return;
    };
    let mut what = Vec::new();
    if let Some(o) = u.owner {
        what.push(format!("owner {o}"));
        a.owner = Some(o);
    }
    if let Some(d) = u.due {
        what.push(format!("due {d}"));
        a.due = Some(d);
    }
    if let Some(c) = u.capability {
        what.push(format!("capability {c}"));
        a.capability = Some(c);
    }
    if let Some(s) = u.status {
        what.push(match s {
            ActionStatus::Closed => "closed".to_string(),
            ActionStatus::Open => "reopened".to_string(),
        });
        a.status = s;
    }
    if what.is_empty() {
        what.push("progress".to_string());
    }
    a.changes.push(ActionChange {
        by: by.actor.to_string(),
        at: by.at,
        what: what.join(", "),
        note: u.note,
        status: u.status,
    });
}

/// What an `observation_corrected` event puts right.
pub struct Correction {
    pub text: Option<String>,
    pub kind: Option<ObservationKind>,
    pub objective: Option<ObjectiveId>,
    pub reason: Option<String>,
}

fn observation<'a>(
    st: &'a mut SessionState,
    of: &EventId,
    by: &By,
    what: &str,
) -> Option<&'a mut ObservationRecord> {
    if let Some(i) = st.observations.iter().position(|o| o.id == *of) {
        return st.observations.get_mut(i);
    }
    warn(
        st,
        format!(
            "{what} by {} refers to observation {of}, which this session does not have",
            by.actor
        ),
    );
    None
}

/// An `observation_corrected` event.
pub fn correct(st: &mut SessionState, by: By, of: &EventId, c: Correction) {
    let Some(o) = observation(st, of, &by, "a correction") else {
        return;
    };
    if let Some(t) = c.text {
        o.text = t;
    }
    if let Some(k) = c.kind {
        o.kind = k;
    }
    if let Some(obj) = c.objective {
        o.objective = Some(obj);
    }
    o.corrected.push(ActionChange {
        by: by.actor.to_string(),
        at: by.at,
        what: "corrected".into(),
        note: c.reason,
        status: None,
    });
}

/// An `observation_withdrawn` event.
pub fn withdraw(st: &mut SessionState, by: By, of: &EventId, reason: String) {
    let Some(o) = observation(st, of, &by, "a withdrawal") else {
        return;
    };
    o.withdrawn = Some(ActionChange {
        by: by.actor.to_string(),
        at: by.at,
        what: "withdrawn".into(),
        note: Some(reason),
        status: None,
    });
}

impl SessionState {
    pub fn action(&self, id: &str) -> Option<&ActionRecord> {
        self.actions.iter().find(|a| a.id == id)
    }

    /// The id the next action raised here gets: `A` and one more than the most raised so far.
    pub fn next_action_id(&self) -> ActionId {
        let n = self
            .actions
            .iter()
            .filter_map(|a| a.id.as_str().strip_prefix('A'))
            .filter_map(|n| n.split('-').next()?.parse::<u32>().ok())
            .max()
            .unwrap_or(0);
        ActionId::new(format!("A{}", n.saturating_add(1)))
    }

    /// The observations standing (not withdrawn), with their numbers as shown (`O1` ...).
    pub fn live_observations(&self) -> impl Iterator<Item = (usize, &ObservationRecord)> {
        self.observations
            .iter()
            .enumerate()
            .filter(|(_, o)| o.withdrawn.is_none())
            .map(|(i, o)| (i + 1, o))
    }

    /// An observation by its number as shown (`O3`, `3`) or its event id.
    pub fn observation_by(&self, given: &str) -> Option<(usize, &ObservationRecord)> {
        let g = given.trim();
        let num = g
            .strip_prefix(['O', 'o'])
            .unwrap_or(g)
            .parse::<usize>()
            .ok();
        if let Some(n) = num
            && let Some(o) = n.checked_sub(1).and_then(|i| self.observations.get(i))
        {
            return Some((n, o));
        }
        self.observations
            .iter()
            .enumerate()
            .find(|(_, o)| o.id == g)
            .map(|(i, o)| (i + 1, o))
    }
}

/// An improvement action with the session it came from, as `muster actions`, the exports and
/// the continuity report list it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ActionRow {
    pub id: ActionId,
    pub session: crate::domain::ids::SessionId,
    pub session_title: String,
    pub text: String,
    pub owner: Option<String>,
    pub due: Option<NaiveDate>,
    pub capability: Option<String>,
    /// `open` or `closed`.
    pub status: ActionStatus,
    pub overdue: bool,
    pub raised_by: String,
    #[serde(with = "ts")]
    pub raised_at: DateTime<Utc>,
    /// The observation it was raised from, by its number (`O2`).
    pub from_observation: Option<String>,
    pub closed_by: Option<String>,
    #[serde(with = "ts::opt")]
    pub closed_at: Option<DateTime<Utc>>,
    pub closed_note: Option<String>,
}

impl ActionRow {
    pub fn of(st: &SessionState, a: &ActionRecord, today: NaiveDate) -> ActionRow {
        let closed = a.closed();
        ActionRow {
            id: a.id.clone(),
            session: st.id.clone(),
            session_title: st.title.clone(),
            text: a.text.clone(),
            owner: a.owner.clone(),
            due: a.due,
            capability: a.capability.clone(),
            status: a.status,
            overdue: a.overdue(today),
            raised_by: a.by.clone(),
            raised_at: a.at,
            from_observation: a.of.as_ref().and_then(|of| {
                st.observations
                    .iter()
                    .position(|o| o.id == *of)
                    .map(|i| format!("O{}", i + 1))
            }),
            closed_by: closed.map(|c| c.by.clone()),
            closed_at: closed.map(|c| c.at),
            closed_note: closed.and_then(|c| c.note.clone()),
        }
    }

    /// A session's actions, in the order they were raised.
    pub fn all(st: &SessionState, today: NaiveDate) -> Vec<ActionRow> {
        st.actions
            .iter()
            .map(|a| ActionRow::of(st, a, today))
            .collect()
    }
}

/// The order a tracking list wants: overdue first (the longest overdue first), then the other
/// open ones by due date (none last), then the closed ones; ties by session, then when raised.
pub fn tracking_order(rows: &mut [ActionRow]) {
    rows.sort_by(|a, b| {
        let rank = |r: &ActionRow| match (r.status, r.overdue) {
            (ActionStatus::Open, true) => 0,
            (ActionStatus::Open, false) => 1,
            (ActionStatus::Closed, _) => 2,
        };
        rank(a)
            .cmp(&rank(b))
            .then_with(|| match (a.due, b.due) {
                (Some(x), Some(y)) => x.cmp(&y),
                (Some(_), None) => std::cmp::Ordering::Less,
                (None, Some(_)) => std::cmp::Ordering::Greater,
                (None, None) => std::cmp::Ordering::Equal,
            })
            .then_with(|| a.session.cmp(&b.session))
            .then_with(|| a.raised_at.cmp(&b.raised_at))
    });
}
