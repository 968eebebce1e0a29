//! The journal's vocabulary: one event a line, in the order CONTRACT.md gives. These are domain
//! types: the session state is a fold of them, commands are checked into them, and the journal
//! only stores them.

use super::ids::{
    ActionId, EventId, InjectId, ObjectiveId, PlanId, ScenarioId, StepId, StepRef, WriterId,
};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::str::FromStr;

/// The format lines are written in: 2 since lines are signed. Lines of format 1 (unsigned) are
/// still read.
pub const FORMAT_VERSION: u32 = 2;

/// RFC 3339 in UTC with milliseconds: `2026-11-21T21:22:13.123Z`.
pub mod ts {
    use super::*;
    pub fn serialize<S: Serializer>(t: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&t.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string())
    }
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<DateTime<Utc>, D::Error> {
        let s: std::borrow::Cow<'de, str> = Deserialize::deserialize(d)?;
        DateTime::parse_from_rfc3339(&s)
            .map(|t| t.with_timezone(&Utc))
            .map_err(serde::de::Error::custom)
    }
    pub mod opt {
        use super::*;
        pub fn serialize<S: Serializer>(
            t: &Option<DateTime<Utc>>,
            s: S,
        ) -> Result<S::Ok, S::Error> {
            match t {
                Some(t) => super::serialize(t, s),
                None => s.serialize_none(),
            }
        }
        pub fn deserialize<'de, D: Deserializer<'de>>(
            d: D,
        ) -> Result<Option<DateTime<Utc>>, D::Error> {
            let s: Option<std::borrow::Cow<'de, str>> = Deserialize::deserialize(d)?;
            s.map(|s| {
                DateTime::parse_from_rfc3339(&s)
                    .map(|t| t.with_timezone(&Utc))
                    .map_err(serde::de::Error::custom)
            })
            .transpose()
        }
    }
}

/// A time as the journal writes it: `2026-11-21T21:22:13.123Z`.
pub fn ts_string(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

/// A real incident, or an exercise (which every screen and export says it is).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    Incident,
    Exercise,
}

impl Mode {
    pub fn label(self) -> &'static str {
        match self {
            Mode::Incident => "incident",
            Mode::Exercise => "exercise",
        }
    }
}

impl fmt::Display for Mode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// What a validation step found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    Pass,
    Fail,
    NotTested,
}

impl Outcome {
    pub const ALL: [Outcome; 3] = [Outcome::Pass, Outcome::Fail, Outcome::NotTested];
    pub fn word(self) -> &'static str {
        match self {
            Outcome::Pass => "pass",
            Outcome::Fail => "fail",
            Outcome::NotTested => "not-tested",
        }
    }
    pub fn words(self) -> &'static str {
        match self {
            Outcome::Pass => "passed",
            Outcome::Fail => "FAILED",
            Outcome::NotTested => "not tested",
        }
    }
}

impl FromStr for Outcome {
    type Err = UnknownWord;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let w = s.trim().to_ascii_lowercase().replace([' ', '_'], "-");
        Outcome::ALL
            .into_iter()
            .find(|o| o.word() == w)
            .ok_or(UnknownWord {
                given: s.to_string(),
                what: "the outcome of a validation",
                choices: "pass, fail or not-tested",
            })
    }
}

/// A word that is not one of an enum's values: says which words are.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{given}` is not {what}: use {choices}")]
pub struct UnknownWord {
    pub given: String,
    pub what: &'static str,
    pub choices: &'static str,
}

impl FromStr for Mode {
    type Err = UnknownWord;
    fn from_str(s: &str) -> Result<Mode, UnknownWord> {
        match s.trim().to_ascii_lowercase().as_str() {
            "incident" => Ok(Mode::Incident),
            "exercise" => Ok(Mode::Exercise),
            _ => Err(UnknownWord {
                given: s.to_string(),
                what: "a mode",
                choices: "incident or exercise",
            }),
        }
    }
}

/// A plan as followed in a session: its id and the SHA-256 of its file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanRef {
    pub id: PlanId,
    pub hash: String,
    #[serde(default)]
    pub title: String,
    /// The values its parameters were given (`{{zone}}` -> `eu-west-1a`).
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub params: crate::domain::params::Values,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScenarioRef {
    pub id: ScenarioId,
    pub hash: String,
    #[serde(default)]
    pub title: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ObservationKind {
    Strength,
    Improvement,
    Defect,
}

impl ObservationKind {
    pub const ALL: [ObservationKind; 3] = [
        ObservationKind::Strength,
        ObservationKind::Improvement,
        ObservationKind::Defect,
    ];
    /// The word on the command line and in the journal.
    pub fn word(self) -> &'static str {
        match self {
            ObservationKind::Strength => "strength",
            ObservationKind::Improvement => "improvement",
            ObservationKind::Defect => "defect",
        }
    }
    /// The words in documents.
    pub fn label(self) -> &'static str {
        match self {
            ObservationKind::Strength => "strength",
            ObservationKind::Improvement => "area for improvement",
            ObservationKind::Defect => "plan defect",
        }
    }
}

impl fmt::Display for ObservationKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.word())
    }
}

impl FromStr for ObservationKind {
    type Err = UnknownWord;
    fn from_str(s: &str) -> Result<Self, UnknownWord> {
        let w = s.trim().to_ascii_lowercase();
        ObservationKind::ALL
            .into_iter()
            .find(|k| k.word() == w)
            .ok_or(UnknownWord {
                given: s.to_string(),
                what: "a kind of observation",
                choices: "strength, improvement or defect",
            })
    }
}

/// Where an improvement action stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ActionStatus {
    Open,
    Closed,
}

impl ActionStatus {
    pub fn word(self) -> &'static str {
        match self {
            ActionStatus::Open => "open",
            ActionStatus::Closed => "closed",
        }
    }
}

impl fmt::Display for ActionStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.word())
    }
}

/// HSEEP ratings: Performed without challenges, with Some, with Major challenges, Unable to perform.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Rating {
    P,
    S,
    M,
    U,
}

impl Rating {
    pub const ALL: [Rating; 4] = [Rating::P, Rating::S, Rating::M, Rating::U];
    pub fn letter(self) -> &'static str {
        match self {
            Rating::P => "P",
            Rating::S => "S",
            Rating::M => "M",
            Rating::U => "U",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Rating::P => "performed without challenges",
            Rating::S => "performed with some challenges",
            Rating::M => "performed with major challenges",
            Rating::U => "unable to be performed",
        }
    }
}

impl fmt::Display for Rating {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.letter())
    }
}

impl FromStr for Rating {
    type Err = UnknownWord;
    fn from_str(s: &str) -> Result<Self, UnknownWord> {
        let w = s.trim().to_ascii_uppercase();
        Rating::ALL
            .into_iter()
            .find(|r| r.letter() == w)
            .ok_or(UnknownWord {
                given: s.to_string(),
                what: "a rating",
                choices: "P, S, M or U (performed without challenges, with some, with major challenges, unable to be performed)",
            })
    }
}

/// What happened. Serialised with `kind` as the tag, its fields inline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Body {
    SessionStarted {
        title: String,
        mode: Mode,
        #[serde(with = "ts")]
        declared_at: DateTime<Utc>,
        plans: Vec<PlanRef>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        scenario: Option<ScenarioRef>,
        /// Who controls an exercise: only they release or skip injects, run the clock, rate
        /// objectives and see what is not released yet. None named: anyone may.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        facilitators: Vec<String>,
        /// Who evaluates an exercise: they rate objectives and see what the facilitators see,
        /// without running the clock or the injects.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        evaluators: Vec<String>,
    },
    SessionClosed {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        note: Option<String>,
    },
    PlanInvoked {
        plan: PlanRef,
    },
    StepStarted {
        plan: PlanId,
        step: StepId,
    },
    StepDone {
        plan: PlanId,
        step: StepId,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        note: Option<String>,
    },
    StepSkipped {
        plan: PlanId,
        step: StepId,
        reason: String,
    },
    StepBlocked {
        plan: PlanId,
        step: StepId,
        reason: String,
    },
    StepReopened {
        plan: PlanId,
        step: StepId,
        reason: String,
    },
    Note {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        plan: Option<PlanId>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        step: Option<StepId>,
        text: String,
    },
    Assigned {
        plan: PlanId,
        step: StepId,
        to: String,
    },
    DecisionTaken {
        plan: PlanId,
        step: StepId,
        option: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        next: Option<StepId>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        why: Option<String>,
    },
    ResponderJoined {},
    HandOver {
        to: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        note: Option<String>,
        /// What the next shift was told: in progress, blocked, due, calls waiting, decisions,
        /// injects out.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        summary: Option<Box<crate::domain::session::handover::Summary>>,
    },
    InjectReleased {
        inject: InjectId,
        /// released by hand before it was due
        #[serde(default)]
        early: bool,
    },
    InjectSkipped {
        inject: InjectId,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
    },
    ClockPaused {},
    ClockResumed {},
    ClockSpeed {
        speed: u32,
    },
    /// When the disaster was declared, set or corrected after the start (RTOs and deadlines
    /// count from it).
    Declared {
        #[serde(with = "ts")]
        declared_at: DateTime<Utc>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
    },
    /// The facilitator moves the exercise clock by hand.
    ClockAdvanced {
        by_ms: i64,
    },
    Observation {
        observation: ObservationKind,
        text: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        plan: Option<PlanId>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        step: Option<StepId>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        inject: Option<InjectId>,
        /// The exercise objective it bears on.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        objective: Option<ObjectiveId>,
    },
    /// An observation put right: what is given replaces what it said (`of` is the observation's
    /// event id). The original stays in the journal.
    ObservationCorrected {
        of: EventId,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        text: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        observation: Option<ObservationKind>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        objective: Option<ObjectiveId>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
    },
    /// An observation taken back: it stays in the journal and leaves the reports.
    ObservationWithdrawn {
        of: EventId,
        reason: String,
    },
    /// An improvement action: what is to be done, by whom, by when, for which capability, and
    /// the observation it came from.
    ActionAdded {
        action: ActionId,
        text: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        owner: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        due: Option<NaiveDate>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        capability: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        of: Option<EventId>,
    },
    /// An improvement action changed: a new owner, due date or capability, closed or reopened
    /// (`status`), with a note on progress.
    ActionUpdated {
        action: ActionId,
        /// The `action_added` event of the action: its id stays right even where the label was
        /// made unique after a merge.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        of: Option<EventId>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        owner: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        due: Option<NaiveDate>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        capability: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        status: Option<ActionStatus>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        note: Option<String>,
    },
    ObjectiveRated {
        objective: ObjectiveId,
        rating: Rating,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        note: Option<String>,
    },
    /// A phone call to a person (for a role, about a step) and what it gave.
    Call {
        /// The person's id in the index, or the name as given.
        who: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        name: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        role: Option<String>,
        result: crate::domain::calls::CallResult,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        plan: Option<PlanId>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        step: Option<StepId>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        note: Option<String>,
    },
    /// A step's command run by muster after the responder confirmed it: the exact command, how
    /// it ended, how long it took, and the SHA-256 of its output (kept beside the journal in
    /// `runs/<output>`).
    CommandRan {
        plan: PlanId,
        step: StepId,
        command: String,
        /// The exit status; none when it was killed (a timeout, a signal).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        exit: Option<i32>,
        #[serde(default)]
        timed_out: bool,
        duration_ms: u64,
        /// SHA-256 of the output as stored (lowercase hex).
        output_hash: String,
        /// The stored output's file name in the session's `runs/` folder.
        output: String,
        /// Bytes of output the command wrote (more than is stored when it was long).
        output_bytes: u64,
        /// The end of the output (its last lines, at most 2 KiB), so the journal itself says
        /// what the command said wherever it is read.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        tail: Option<String>,
    },
    /// A proposed change to a step of the plan ("redline"): `redline` is its label in the
    /// session (`R1`).
    Redline {
        plan: PlanId,
        step: StepId,
        redline: String,
        #[serde(rename = "redline_kind")]
        redline_kind: crate::domain::redline::RedlineKind,
        text: String,
    },
    /// A redline accepted or rejected by the plan's author (or whoever decides).
    RedlineDecided {
        redline: String,
        accepted: bool,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        note: Option<String>,
    },
    /// The outcome of a validation step: pass (done), fail (shown as blocked until it passes or
    /// is reopened), not tested (shown as skipped).
    Validated {
        plan: PlanId,
        step: StepId,
        outcome: Outcome,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        note: Option<String>,
    },
    /// Written by the journal, not by a person: the line before this one is an unfinished
    /// write (a crash, a full disk, a quota) of `bytes` bytes with this SHA-256, kept as evidence
    /// and ended so it can never be read as an event.
    UnfinishedWrite {
        bytes: u64,
        hash: String,
    },
    /// A seal: the chain head of every writer's file as this writer read them (this writer's
    /// own head being the line before this one), and their short digest, given to someone
    /// outside the journal (a ticket, an e-mail, the paper log) to prove later that nothing the
    /// seal covered was removed.
    Sealed {
        heads: Vec<Witness>,
        digest: String,
    },
}

/// A writer's chain head as another writer read it: its sequence number and the SHA-256 of that
/// line, lowercase hex.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Witness {
    pub w: WriterId,
    pub seq: u64,
    pub hash: String,
}

/// One line of a journal file. (Read by the one-pass reader in `event_de.rs`.)
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Event {
    pub v: u32,
    pub id: EventId,
    pub seq: u64,
    #[serde(with = "ts")]
    pub at: DateTime<Utc>,
    pub actor: String,
    pub writer: WriterId,
    #[serde(flatten)]
    pub body: Body,
    /// Exercise time in milliseconds since the exercise clock started (exercise sessions only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ex_ms: Option<i64>,
    /// The latest time of another writer's event this writer had read when it wrote this one:
    /// an event stamped well before it betrays a clock running behind.
    #[serde(default, skip_serializing_if = "Option::is_none", with = "ts::opt")]
    pub seen: Option<DateTime<Utc>>,
    /// The chain heads of the other writers' files that this writer had read when it wrote this
    /// event, where they changed since its previous event: `verify` then notices a file that was
    /// deleted, rolled back or truncated after someone saw it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub saw: Vec<Witness>,
    /// Who entered the event when it is not the actor's own doing: a scribe recording for the
    /// commander (`--for`), or whoever typed in the paper log.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recorded_by: Option<String>,
    /// When an entry of the paper log was typed in (`at` is the paper's time).
    #[serde(default, skip_serializing_if = "Option::is_none", with = "ts::opt")]
    pub transcribed_at: Option<DateTime<Utc>>,
    /// The writer's public signing key (lowercase hex), on its first signed line in the file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// SHA-256 of the previous line of the same file, lowercase hex; absent on the first line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prev: Option<String>,
}

impl Body {
    /// The `kind` tag as written in the journal.
    pub fn kind(&self) -> &'static str {
        match self {
            Body::SessionStarted { .. } => "session_started",
            Body::SessionClosed { .. } => "session_closed",
            Body::PlanInvoked { .. } => "plan_invoked",
            Body::StepStarted { .. } => "step_started",
            Body::StepDone { .. } => "step_done",
            Body::StepSkipped { .. } => "step_skipped",
            Body::StepBlocked { .. } => "step_blocked",
            Body::StepReopened { .. } => "step_reopened",
            Body::Note { .. } => "note",
            Body::Assigned { .. } => "assigned",
            Body::DecisionTaken { .. } => "decision_taken",
            Body::ResponderJoined {} => "responder_joined",
            Body::HandOver { .. } => "hand_over",
            Body::InjectReleased { .. } => "inject_released",
            Body::InjectSkipped { .. } => "inject_skipped",
            Body::ClockPaused {} => "clock_paused",
            Body::ClockResumed {} => "clock_resumed",
            Body::ClockSpeed { .. } => "clock_speed",
            Body::Declared { .. } => "declared",
            Body::ClockAdvanced { .. } => "clock_advanced",
            Body::Observation { .. } => "observation",
            Body::ObjectiveRated { .. } => "objective_rated",
            Body::ObservationCorrected { .. } => "observation_corrected",
            Body::ObservationWithdrawn { .. } => "observation_withdrawn",
            Body::ActionAdded { .. } => "action_added",
            Body::ActionUpdated { .. } => "action_updated",
            Body::Call { .. } => "call",
            Body::Redline { .. } => "redline",
            Body::Validated { .. } => "validated",
            Body::RedlineDecided { .. } => "redline_decided",
            Body::CommandRan { .. } => "command_ran",
            Body::UnfinishedWrite { .. } => "unfinished_write",
            Body::Sealed { .. } => "sealed",
        }
    }

    /// The step this event is about, if any, without copying its ids.
    pub fn step_ids(&self) -> Option<(&PlanId, &StepId)> {
        match self {
            Body::StepStarted { plan, step }
            | Body::StepDone { plan, step, .. }
            | Body::StepSkipped { plan, step, .. }
            | Body::StepBlocked { plan, step, .. }
            | Body::StepReopened { plan, step, .. }
            | Body::Assigned { plan, step, .. }
            | Body::CommandRan { plan, step, .. }
            | Body::Redline { plan, step, .. }
            | Body::Validated { plan, step, .. }
            | Body::DecisionTaken { plan, step, .. } => Some((plan, step)),
            Body::Note {
                plan: Some(plan),
                step: Some(step),
                ..
            }
            | Body::Observation {
                plan: Some(plan),
                step: Some(step),
                ..
            }
            | Body::Call {
                plan: Some(plan),
                step: Some(step),
                ..
            } => Some((plan, step)),
            _ => None,
        }
    }

    /// The step this event is about, if any.
    pub fn step(&self) -> Option<StepRef> {
        self.step_ids().map(|(plan, step)| StepRef {
            plan: plan.clone(),
            step: step.clone(),
        })
    }
}

/// The merge order of a session's events: time, then writer, then sequence.
pub type OrderKey = (DateTime<Utc>, WriterId, u64);

impl Event {
    pub fn step(&self) -> Option<StepRef> {
        self.body.step()
    }

    pub fn order_key(&self) -> (DateTime<Utc>, &WriterId, u64) {
        (self.at, &self.writer, self.seq)
    }

    pub fn owned_key(&self) -> OrderKey {
        (self.at, self.writer.clone(), self.seq)
    }

    /// Who did it, as every timeline says it: "priya", "priya (recorded by sam)", or "priya
    /// (from the paper log, typed in by sam)".
    pub fn who(&self) -> std::borrow::Cow<'_, str> {
        who(
            &self.actor,
            self.recorded_by.as_deref(),
            self.transcribed_at.is_some(),
        )
    }

    /// How it came to be recorded when not by its actor's own hand: "recorded by sam".
    pub fn recorded(&self) -> Option<String> {
        recorded(
            &self.actor,
            self.recorded_by.as_deref(),
            self.transcribed_at.is_some(),
        )
    }
}

/// How an event came to be recorded when not by its actor's own hand: "recorded by sam", or
/// "from the paper log, typed in by sam".
pub fn recorded(actor: &str, recorded_by: Option<&str>, transcribed: bool) -> Option<String> {
    match (recorded_by, transcribed) {
        (by, true) => Some(format!(
            "from the paper log, typed in by {}",
            by.unwrap_or(actor)
        )),
        (Some(by), false) if by != actor => Some(format!("recorded by {by}")),
        _ => None,
    }
}

/// Who did it, as every timeline and document says it: "priya (recorded by sam)".
pub fn who<'a>(
    actor: &'a str,
    recorded_by: Option<&str>,
    transcribed: bool,
) -> std::borrow::Cow<'a, str> {
    match recorded(actor, recorded_by, transcribed) {
        None => std::borrow::Cow::Borrowed(actor),
        Some(how) => std::borrow::Cow::Owned(format!("{actor} ({how})")),
    }
}

#[cfg(test)]
mod tests;
