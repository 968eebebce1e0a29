//! Journal events: one JSON object a line, in the order CONTRACT.md gives.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

pub const FORMAT_VERSION: u32 = 1;

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

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
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

/// A plan as followed in a session: its id and the SHA-256 of its file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanRef {
    pub id: String,
    pub hash: String,
    #[serde(default)]
    pub title: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScenarioRef {
    pub id: String,
    pub hash: String,
    #[serde(default)]
    pub title: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ObservationKind {
    Strength,
    Improvement,
    Defect,
}

impl ObservationKind {
    pub fn label(self) -> &'static str {
        match self {
            ObservationKind::Strength => "strength",
            ObservationKind::Improvement => "area for improvement",
            ObservationKind::Defect => "plan defect",
        }
    }
}

/// HSEEP ratings: Performed without challenges, with Some, with Major challenges, Unable to perform.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Rating {
    P,
    S,
    M,
    U,
}

impl Rating {
    pub fn label(self) -> &'static str {
        match self {
            Rating::P => "performed without challenges",
            Rating::S => "performed with some challenges",
            Rating::M => "performed with major challenges",
            Rating::U => "unable to be performed",
        }
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
    },
    SessionClosed {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        note: Option<String>,
    },
    PlanInvoked {
        plan: PlanRef,
    },
    StepStarted {
        plan: String,
        step: String,
    },
    StepDone {
        plan: String,
        step: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        note: Option<String>,
    },
    StepSkipped {
        plan: String,
        step: String,
        reason: String,
    },
    StepBlocked {
        plan: String,
        step: String,
        reason: String,
    },
    StepReopened {
        plan: String,
        step: String,
        reason: String,
    },
    Note {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        plan: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        step: Option<String>,
        text: String,
    },
    Assigned {
        plan: String,
        step: String,
        to: String,
    },
    DecisionTaken {
        plan: String,
        step: String,
        option: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        next: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        why: Option<String>,
    },
    ResponderJoined {},
    HandOver {
        to: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        note: Option<String>,
    },
    InjectReleased {
        inject: String,
        /// released by hand before it was due
        #[serde(default)]
        early: bool,
    },
    InjectSkipped {
        inject: String,
    },
    ClockPaused {},
    ClockResumed {},
    ClockSpeed {
        speed: u32,
    },
    /// The facilitator moves the exercise clock by hand.
    ClockAdvanced {
        by_ms: i64,
    },
    Observation {
        observation: ObservationKind,
        text: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        plan: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        step: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        inject: Option<String>,
    },
    ObjectiveRated {
        objective: String,
        rating: Rating,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        note: Option<String>,
    },
}

/// One line of a journal file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    pub v: u32,
    pub id: String,
    pub seq: u64,
    #[serde(with = "ts")]
    pub at: DateTime<Utc>,
    pub actor: String,
    pub writer: String,
    #[serde(flatten)]
    pub body: Body,
    /// Exercise time in milliseconds since the exercise clock started (exercise sessions only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ex_ms: Option<i64>,
    /// The latest time of another writer's event this writer had read when it wrote this one:
    /// an event stamped well before it betrays a clock running behind.
    #[serde(default, skip_serializing_if = "Option::is_none", with = "ts::opt")]
    pub seen: Option<DateTime<Utc>>,
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
            Body::ClockAdvanced { .. } => "clock_advanced",
            Body::Observation { .. } => "observation",
            Body::ObjectiveRated { .. } => "objective_rated",
        }
    }
}

impl Event {
    /// The (plan, step) this event is about, if any.
    pub fn step(&self) -> Option<(&str, &str)> {
        match &self.body {
            Body::StepStarted { plan, step }
            | Body::StepDone { plan, step, .. }
            | Body::StepSkipped { plan, step, .. }
            | Body::StepBlocked { plan, step, .. }
            | Body::StepReopened { plan, step, .. }
            | Body::Assigned { plan, step, .. }
            | Body::DecisionTaken { plan, step, .. } => Some((plan, step)),
            Body::Note {
                plan: Some(plan),
                step: Some(step),
                ..
            } => Some((plan, step)),
            Body::Observation {
                plan: Some(plan),
                step: Some(step),
                ..
            } => Some((plan, step)),
            _ => None,
        }
    }

    /// The merge order of a session: time, then writer, then sequence.
    pub fn order_key(&self) -> (DateTime<Utc>, &str, u64) {
        (self.at, &self.writer, self.seq)
    }
}
