//! Reading an event from its journal line in one pass. The derived reader of an internally
//! tagged, flattened enum buffers every field before it knows the kind; this one reads each field
//! straight into its place, then builds the body the `kind` names. The line format is the
//! derived `Serialize`'s: a test writes every kind of event and reads it back.

use super::event::{
    ActionStatus, Body, Event, Mode, ObservationKind, PlanRef, Rating, ScenarioRef, Witness, ts,
};
use super::ids::{ActionId, EventId, InjectId, ObjectiveId, PlanId, StepId, WriterId};
use chrono::{DateTime, NaiveDate, Utc};
use serde::de::{self, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde::{Deserialize, de::Error as _};
use std::fmt;

/// `plan`: a plan's id on step events, a whole plan reference on `plan_invoked`.
enum PlanField {
    Id(PlanId),
    Ref(PlanRef),
}

impl<'de> Deserialize<'de> for PlanField {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = PlanField;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a plan id or a plan reference")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<PlanField, E> {
                Ok(PlanField::Id(PlanId::new(v)))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<PlanField, E> {
                Ok(PlanField::Id(PlanId::new(v)))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<PlanField, A::Error> {
                PlanRef::deserialize(de::value::MapAccessDeserializer::new(map)).map(PlanField::Ref)
            }
        }
        d.deserialize_any(V)
    }
}

struct Ts(DateTime<Utc>);

impl<'de> Deserialize<'de> for Ts {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        ts::deserialize(d).map(Ts)
    }
}

#[derive(Default)]
struct Fields {
    v: Option<u32>,
    id: Option<EventId>,
    seq: Option<u64>,
    at: Option<DateTime<Utc>>,
    actor: Option<String>,
    writer: Option<WriterId>,
    kind: Option<String>,
    ex_ms: Option<i64>,
    seen: Option<DateTime<Utc>>,
    saw: Option<Vec<Witness>>,
    key: Option<String>,
    prev: Option<String>,
    recorded_by: Option<String>,
    transcribed_at: Option<DateTime<Utc>>,
    // the bodies' fields
    title: Option<String>,
    mode: Option<Mode>,
    declared_at: Option<DateTime<Utc>>,
    plans: Option<Vec<PlanRef>>,
    scenario: Option<ScenarioRef>,
    note: Option<String>,
    plan: Option<PlanField>,
    step: Option<StepId>,
    reason: Option<String>,
    text: Option<String>,
    to: Option<String>,
    option: Option<String>,
    next: Option<StepId>,
    why: Option<String>,
    inject: Option<InjectId>,
    early: Option<bool>,
    speed: Option<u32>,
    by_ms: Option<i64>,
    observation: Option<ObservationKind>,
    objective: Option<ObjectiveId>,
    rating: Option<Rating>,
    bytes: Option<u64>,
    hash: Option<String>,
    heads: Option<Vec<Witness>>,
    digest: Option<String>,
    facilitators: Option<Vec<String>>,
    evaluators: Option<Vec<String>>,
    of: Option<EventId>,
    action: Option<ActionId>,
    owner: Option<String>,
    due: Option<NaiveDate>,
    capability: Option<String>,
    status: Option<ActionStatus>,
    who: Option<String>,
    name: Option<String>,
    role: Option<String>,
    result: Option<crate::domain::calls::CallResult>,
    command: Option<String>,
    exit: Option<i32>,
    timed_out: Option<bool>,
    duration_ms: Option<u64>,
    output_hash: Option<String>,
    output: Option<String>,
    output_bytes: Option<u64>,
    tail: Option<String>,
    summary: Option<Box<crate::domain::session::handover::Summary>>,
    redline: Option<String>,
    redline_kind: Option<crate::domain::redline::RedlineKind>,
    accepted: Option<bool>,
    outcome: Option<super::event::Outcome>,
}

/// A value's error with the field it was in: "`text`: invalid type: integer `5`, expected a string".
fn named<E: de::Error>(key: &str, e: E) -> E {
    E::custom(format_args!(
        "`{}`: {e}",
        crate::domain::text::clean(key, false)
    ))
}

fn need<T, E: de::Error>(v: Option<T>, name: &'static str) -> Result<T, E> {
    v.ok_or_else(|| E::missing_field(name))
}

impl Fields {
    fn plan_id<E: de::Error>(&mut self) -> Result<PlanId, E> {
        match self.plan.take() {
            Some(PlanField::Id(p)) => Ok(p),
            Some(PlanField::Ref(_)) => Err(E::custom("`plan` should be a plan's id here")),
            None => Err(E::missing_field("plan")),
        }
    }

    fn plan_opt<E: de::Error>(&mut self) -> Result<Option<PlanId>, E> {
        match self.plan.take() {
            Some(PlanField::Id(p)) => Ok(Some(p)),
            Some(PlanField::Ref(_)) => Err(E::custom("`plan` should be a plan's id here")),
            None => Ok(None),
        }
    }

    fn body<E: de::Error>(&mut self) -> Result<Body, E> {
        let kind = need::<_, E>(self.kind.take(), "kind")?;
        let step = |f: &mut Fields| need::<_, E>(f.step.take(), "step");
        Ok(match kind.as_str() {
            "session_started" => Body::SessionStarted {
                title: need(self.title.take(), "title")?,
                mode: need(self.mode.take(), "mode")?,
                declared_at: need(self.declared_at.take(), "declared_at")?,
                plans: need(self.plans.take(), "plans")?,
                scenario: self.scenario.take(),
                facilitators: self.facilitators.take().unwrap_or_default(),
                evaluators: self.evaluators.take().unwrap_or_default(),
            },
            "session_closed" => Body::SessionClosed {
                note: self.note.take(),
            },
            "plan_invoked" => match self.plan.take() {
                Some(PlanField::Ref(plan)) => Body::PlanInvoked { plan },
                Some(PlanField::Id(_)) => {
                    return Err(E::custom("`plan` should be a plan reference here"));
                }
                None => return Err(E::missing_field("plan")),
            },
            "step_started" => Body::StepStarted {
                plan: self.plan_id()?,
                step: step(self)?,
            },
            "step_done" => Body::StepDone {
                plan: self.plan_id()?,
                step: step(self)?,
                note: self.note.take(),
            },
            "step_skipped" => Body::StepSkipped {
                plan: self.plan_id()?,
                step: step(self)?,
                reason: need(self.reason.take(), "reason")?,
            },
            "step_blocked" => Body::StepBlocked {
                plan: self.plan_id()?,
                step: step(self)?,
                reason: need(self.reason.take(), "reason")?,
            },
            "step_reopened" => Body::StepReopened {
                plan: self.plan_id()?,
                step: step(self)?,
                reason: need(self.reason.take(), "reason")?,
            },
            "note" => Body::Note {
                plan: self.plan_opt()?,
                step: self.step.take(),
                text: need(self.text.take(), "text")?,
            },
            "assigned" => Body::Assigned {
                plan: self.plan_id()?,
                step: step(self)?,
                to: need(self.to.take(), "to")?,
            },
            "decision_taken" => Body::DecisionTaken {
                plan: self.plan_id()?,
                step: step(self)?,
                option: need(self.option.take(), "option")?,
                next: self.next.take(),
                why: self.why.take(),
            },
            "responder_joined" => Body::ResponderJoined {},
            "hand_over" => Body::HandOver {
                to: need(self.to.take(), "to")?,
                note: self.note.take(),
                summary: self.summary.take(),
            },
            "inject_released" => Body::InjectReleased {
                inject: need(self.inject.take(), "inject")?,
                early: self.early.take().unwrap_or(false),
            },
            "inject_skipped" => Body::InjectSkipped {
                inject: need(self.inject.take(), "inject")?,
                reason: self.reason.take(),
            },
            "clock_paused" => Body::ClockPaused {},
            "declared" => Body::Declared {
                declared_at: need(self.declared_at.take(), "declared_at")?,
                reason: self.reason.take(),
            },
            "clock_resumed" => Body::ClockResumed {},
            "clock_speed" => Body::ClockSpeed {
                speed: need(self.speed.take(), "speed")?,
            },
            "clock_advanced" => Body::ClockAdvanced {
                by_ms: need(self.by_ms.take(), "by_ms")?,
            },
            "observation" => Body::Observation {
                observation: need(self.observation.take(), "observation")?,
                text: need(self.text.take(), "text")?,
                plan: self.plan_opt()?,
                step: self.step.take(),
                inject: self.inject.take(),
                objective: self.objective.take(),
            },
            "objective_rated" => Body::ObjectiveRated {
                objective: need(self.objective.take(), "objective")?,
                rating: need(self.rating.take(), "rating")?,
                note: self.note.take(),
            },
            "observation_corrected" => Body::ObservationCorrected {
                of: need(self.of.take(), "of")?,
                text: self.text.take(),
                observation: self.observation.take(),
                objective: self.objective.take(),
                reason: self.reason.take(),
            },
            "observation_withdrawn" => Body::ObservationWithdrawn {
                of: need(self.of.take(), "of")?,
                reason: need(self.reason.take(), "reason")?,
            },
            "action_added" => Body::ActionAdded {
                action: need(self.action.take(), "action")?,
                text: need(self.text.take(), "text")?,
                owner: self.owner.take(),
                due: self.due.take(),
                capability: self.capability.take(),
                of: self.of.take(),
            },
            "action_updated" => Body::ActionUpdated {
                action: need(self.action.take(), "action")?,
                of: self.of.take(),
                owner: self.owner.take(),
                due: self.due.take(),
                capability: self.capability.take(),
                status: self.status.take(),
                note: self.note.take(),
            },
            "call" => Body::Call {
                who: need(self.who.take(), "who")?,
                name: self.name.take(),
                role: self.role.take(),
                result: need(self.result.take(), "result")?,
                plan: self.plan_opt()?,
                step: self.step.take(),
                note: self.note.take(),
            },
            "command_ran" => Body::CommandRan {
                plan: self.plan_id()?,
                step: step(self)?,
                command: need(self.command.take(), "command")?,
                exit: self.exit.take(),
                timed_out: self.timed_out.take().unwrap_or(false),
                duration_ms: need(self.duration_ms.take(), "duration_ms")?,
                output_hash: need(self.output_hash.take(), "output_hash")?,
                output: need(self.output.take(), "output")?,
                output_bytes: self.output_bytes.take().unwrap_or(0),
                tail: self.tail.take(),
            },
            "redline" => Body::Redline {
                plan: self.plan_id()?,
                step: step(self)?,
                redline: need(self.redline.take(), "redline")?,
                redline_kind: need(self.redline_kind.take(), "redline_kind")?,
                text: need(self.text.take(), "text")?,
            },
            "validated" => Body::Validated {
                plan: self.plan_id()?,
                step: step(self)?,
                outcome: need(self.outcome.take(), "outcome")?,
                note: self.note.take(),
            },
            "redline_decided" => Body::RedlineDecided {
                redline: need(self.redline.take(), "redline")?,
                accepted: need(self.accepted.take(), "accepted")?,
                note: self.note.take(),
            },
            "unfinished_write" => Body::UnfinishedWrite {
                bytes: need(self.bytes.take(), "bytes")?,
                hash: need(self.hash.take(), "hash")?,
            },
            "sealed" => Body::Sealed {
                heads: need(self.heads.take(), "heads")?,
                digest: need(self.digest.take(), "digest")?,
            },
            other => {
                return Err(E::custom(format!(
                    "`{}` is not a kind of event this muster knows",
                    crate::domain::text::clean(other, false)
                )));
            }
        })
    }
}

struct EventVisitor;

impl<'de> Visitor<'de> for EventVisitor {
    type Value = Event;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a journal event")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Event, A::Error> {
        let mut f = Fields::default();
        while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            macro_rules! set {
                ($field:ident) => {{
                    if f.$field.is_some() {
                        return Err(A::Error::duplicate_field(stringify!($field)));
                    }
                    f.$field = Some(map.next_value().map_err(|e| named::<A::Error>(&key, e))?);
                }};
            }
            match key.as_ref() {
                "v" => set!(v),
                "id" => set!(id),
                "seq" => set!(seq),
                "at" => {
                    f.at = Some(
                        map.next_value::<Ts>()
                            .map_err(|e| named::<A::Error>(&key, e))?
                            .0,
                    )
                }
                "actor" => set!(actor),
                "writer" => set!(writer),
                "kind" => set!(kind),
                "ex_ms" => f.ex_ms = map.next_value().map_err(|e| named::<A::Error>(&key, e))?,
                "seen" => {
                    f.seen = map
                        .next_value::<Option<Ts>>()
                        .map_err(|e| named::<A::Error>(&key, e))?
                        .map(|t| t.0)
                }
                "saw" => set!(saw),
                "recorded_by" => {
                    f.recorded_by = map.next_value().map_err(|e| named::<A::Error>(&key, e))?
                }
                "transcribed_at" => {
                    f.transcribed_at = map
                        .next_value::<Option<Ts>>()
                        .map_err(|e| named::<A::Error>(&key, e))?
                        .map(|t| t.0)
                }
                "key" => f.key = map.next_value().map_err(|e| named::<A::Error>(&key, e))?,
                "prev" => f.prev = map.next_value().map_err(|e| named::<A::Error>(&key, e))?,
                "title" => set!(title),
                "mode" => set!(mode),
                "declared_at" => {
                    f.declared_at = Some(
                        map.next_value::<Ts>()
                            .map_err(|e| named::<A::Error>(&key, e))?
                            .0,
                    )
                }
                "plans" => set!(plans),
                "scenario" => {
                    f.scenario = map.next_value().map_err(|e| named::<A::Error>(&key, e))?
                }
                "note" => f.note = map.next_value().map_err(|e| named::<A::Error>(&key, e))?,
                "plan" => {
                    f.plan = map
                        .next_value::<Option<PlanField>>()
                        .map_err(|e| named::<A::Error>(&key, e))?
                }
                "step" => f.step = map.next_value().map_err(|e| named::<A::Error>(&key, e))?,
                "reason" => f.reason = map.next_value().map_err(|e| named::<A::Error>(&key, e))?,
                "text" => set!(text),
                "to" => set!(to),
                "option" => set!(option),
                "next" => f.next = map.next_value().map_err(|e| named::<A::Error>(&key, e))?,
                "why" => f.why = map.next_value().map_err(|e| named::<A::Error>(&key, e))?,
                "inject" => f.inject = map.next_value().map_err(|e| named::<A::Error>(&key, e))?,
                "early" => set!(early),
                "speed" => set!(speed),
                "by_ms" => set!(by_ms),
                "observation" => set!(observation),
                "objective" => set!(objective),
                "rating" => set!(rating),
                "bytes" => set!(bytes),
                "hash" => set!(hash),
                "heads" => set!(heads),
                "digest" => set!(digest),
                "facilitators" => set!(facilitators),
                "evaluators" => set!(evaluators),
                "of" => set!(of),
                "action" => set!(action),
                "owner" => set!(owner),
                "due" => set!(due),
                "capability" => set!(capability),
                "status" => set!(status),
                "who" => set!(who),
                "name" => f.name = map.next_value().map_err(|e| named::<A::Error>(&key, e))?,
                "role" => f.role = map.next_value().map_err(|e| named::<A::Error>(&key, e))?,
                "result" => set!(result),
                "command" => set!(command),
                "exit" => f.exit = map.next_value().map_err(|e| named::<A::Error>(&key, e))?,
                "timed_out" => set!(timed_out),
                "duration_ms" => set!(duration_ms),
                "output_hash" => set!(output_hash),
                "output" => set!(output),
                "output_bytes" => set!(output_bytes),
                "redline" => set!(redline),
                "redline_kind" => set!(redline_kind),
                "accepted" => set!(accepted),
                "outcome" => set!(outcome),
                "summary" => {
                    f.summary = map.next_value().map_err(|e| named::<A::Error>(&key, e))?
                }
                "tail" => f.tail = map.next_value().map_err(|e| named::<A::Error>(&key, e))?,
                // the checksum, and fields of a newer muster: read past
                _ => {
                    map.next_value::<IgnoredAny>()
                        .map_err(|e| named::<A::Error>(&key, e))?;
                }
            }
        }
        let body = f.body()?;
        Ok(Event {
            v: need(f.v, "v")?,
            id: need(f.id, "id")?,
            seq: need(f.seq, "seq")?,
            at: need(f.at, "at")?,
            actor: need(f.actor, "actor")?,
            writer: need(f.writer, "writer")?,
            body,
            ex_ms: f.ex_ms,
            seen: f.seen,
            saw: f.saw.unwrap_or_default(),
            recorded_by: f.recorded_by,
            transcribed_at: f.transcribed_at,
            key: f.key,
            prev: f.prev,
        })
    }
}

impl<'de> Deserialize<'de> for Event {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_map(EventVisitor)
    }
}
