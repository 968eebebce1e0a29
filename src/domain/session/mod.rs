//! A session: the plans (and scenario) it follows, and the state folded from its events.

pub mod clock;
pub mod deadline;
mod fold;
pub mod handover;
pub mod improve;
pub mod rto;
pub mod state;

pub use clock::ExerciseClock;
pub use state::*;

use crate::domain::ids::{PlanId, SessionId, StepRef};
use crate::domain::plan::{Plan, Step};
use crate::domain::scenario::Scenario;
use std::sync::Arc;

/// A session as the domain sees it: its state, and the plans and scenario as followed (the
/// versions snapshotted into the session, not the library's current ones).
#[derive(Debug, Clone)]
pub struct Session {
    pub state: SessionState,
    pub plans: Vec<Arc<Plan>>,
    pub scenario: Option<Arc<Scenario>>,
    /// Every note is in the state. When false, the state was read from a checkpoint without its
    /// notes (a command that only records needs none of them): the note lists then hold only
    /// the notes added since, after the ones the checkpoint keeps.
    pub notes_complete: bool,
}

impl Session {
    pub fn new(id: SessionId, plans: Vec<Arc<Plan>>, scenario: Option<Arc<Scenario>>) -> Session {
        Session {
            state: SessionState::blank(id),
            plans,
            scenario,
            notes_complete: true,
        }
    }

    /// A session that does not exist yet: what `start` is checked against.
    pub fn blank() -> Session {
        Session::new(SessionId::new(""), Vec::new(), None)
    }

    pub fn id(&self) -> &SessionId {
        &self.state.id
    }

    /// The definition of a plan followed in this session.
    pub fn plan_def(&self, id: &str) -> Option<&Plan> {
        self.plans.iter().find(|p| p.id.v == id).map(|p| &**p)
    }

    pub fn step_def(&self, r: &StepRef) -> Option<&Step> {
        self.plan_def(r.plan.as_str())?.step(r.step.as_str())
    }

    /// Makes a plan's definition known before an event that names it is folded.
    pub fn add_plan(&mut self, p: Arc<Plan>) {
        if !self.plans.iter().any(|x| x.id.v == p.id.v) {
            self.plans.push(p);
        }
    }

    /// The plans in the order the session shows them (as invoked), with their definitions.
    pub fn plans_in_order(&self) -> impl Iterator<Item = (&PlanState, Option<&Plan>)> {
        self.state
            .plans
            .iter()
            .map(|ps| (ps, self.plan_def(ps.id.as_str())))
    }

    pub fn has_plan(&self, id: &PlanId) -> bool {
        self.state.plan(id.as_str()).is_some()
    }
}

#[cfg(test)]
mod tests;
