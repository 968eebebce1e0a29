//! Why the gate refused a command, as the sentence the user reads.

use super::needs::Need;
use crate::domain::ids::{ActionId, InjectId, ObjectiveId, PlanId, SessionId, StepRef};

/// A command the gate did not allow. Its `Display` is what the user reads: what is wrong and,
/// where there is one, what to do.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Refusal {
    #[error("session {session} was closed by {by} {ago}: nothing more can be recorded in it")]
    Closed {
        session: SessionId,
        by: String,
        ago: String,
    },
    #[error(
        "this session has no `session started` event: nothing can be recorded in it; run `muster verify`"
    )]
    NotStarted,
    #[error("session {0} has already started")]
    AlreadyStarted(SessionId),
    #[error(
        "a session needs at least one plan: name one (`muster list` shows them), or an exercise scenario with plans"
    )]
    NoPlans,
    #[error(
        "the time the disaster was declared ({at}) is in the future: give the time it was declared"
    )]
    DeclaredInFuture { at: String },
    #[error("say who you are: your name goes on everything you record (--as NAME or $MUSTER_AS)")]
    NoActor,
    #[error(
        "the file of plan `{plan}`, {path}, has errors and could not be read: run `muster check` to see them"
    )]
    PlanUnreadable { plan: PlanId, path: String },
    #[error("there is no plan `{plan}` in {library}{}", match suggestion { Some(s) => format!(": did you mean `{s}`?"), None => format!("; the plans are: {known}") })]
    NoSuchPlan {
        plan: PlanId,
        library: String,
        suggestion: Option<String>,
        known: String,
    },
    #[error("there is no scenario `{scenario}`{}", match suggestion { Some(s) => format!(": did you mean `{s}`?"), None => format!("; the scenarios are: {known}") })]
    NoSuchScenario {
        scenario: String,
        suggestion: Option<String>,
        known: String,
    },
    #[error("{}", match known.as_str() { "" => format!("no plan here has a parameter `{name}`: none of them declares any, so leave out --param"), k => format!("no plan here has a parameter `{name}`; the parameters are: {k}") })]
    UnknownParam { name: String, known: String },
    #[error("the value of parameter `{param}` of plan `{plan}` {why}")]
    BadParam {
        plan: PlanId,
        param: String,
        why: String,
    },
    #[error(
        "option \"{option}\" brings in plan `{plan}`, which is not in the library: nothing was recorded; run `muster check`"
    )]
    InvokedPlanMissing { option: String, plan: PlanId },
    #[error("plan `{plan}` is already part of session {session}")]
    PlanAlreadyInSession { plan: PlanId, session: SessionId },
    #[error("plan `{plan}` is not in session {session}; its plans are: {plans}")]
    PlanNotInSession {
        plan: PlanId,
        session: SessionId,
        plans: String,
    },
    #[error("plan `{}` has no step `{}`{}", step.plan, step.step, hint(suggestion, &step.plan))]
    NoSuchStep {
        step: StepRef,
        suggestion: Option<String>,
    },
    #[error("no plan in session {session} has a step `{spec}`{}", match suggestion { Some(s) => format!(": did you mean `{s}`?"), None => "; `muster status SESSION` lists the steps".to_string() })]
    StepNotFound {
        session: SessionId,
        spec: String,
        suggestion: Option<String>,
    },
    #[error("step `{spec}` is in several plans of this session ({plans}): write PLAN/{spec}")]
    AmbiguousStep { spec: String, plans: String },
    #[error("step {step} is already active (started by {by} {ago})")]
    AlreadyActive {
        step: StepRef,
        by: String,
        ago: String,
    },
    #[error("step {step} is {state} (by {by} {ago}): reopen it first")]
    ReopenFirst {
        step: StepRef,
        state: &'static str,
        by: String,
        ago: String,
    },
    #[error("step {step} is already done by you")]
    AlreadyDoneByYou { step: StepRef },
    #[error("step {step} is already blocked (by {by} {ago})")]
    AlreadyBlocked {
        step: StepRef,
        by: String,
        ago: String,
    },
    #[error("step {step} is pending: there is nothing to reopen")]
    NothingToReopen { step: StepRef },
    #[error("step {step} has no decision to take")]
    NotADecision { step: StepRef },
    #[error("`{given}` is not an option of this decision; the options are: {options}")]
    NoSuchOption { given: String, options: String },
    #[error(
        "the decision of {step} was already taken by {by}: \"{option}\"; reopen the step to decide again"
    )]
    AlreadyDecided {
        step: StepRef,
        by: String,
        option: String,
    },
    #[error("session has no redline {redline}{}", if known.is_empty() { ": no redline was proposed in it".to_string() } else { format!(": its redlines are {known}") })]
    NoSuchRedline { redline: String, known: String },
    #[error("no redline is open in this session{}: a responder proposes one on a step (R in the TUI, `muster redline SESSION STEP --text ...`)", if decided.is_empty() { String::new() } else { format!(" (decided already: {decided})") })]
    NoOpenRedline { decided: String },
    #[error(
        "step {step} is not a validation: mark it done, skipped or blocked (a plan makes a step a validation with `validation: true`)"
    )]
    NotAValidation { step: StepRef },
    #[error("step {step} cannot be run by muster: {why}")]
    NotRunnable { step: StepRef, why: String },
    #[error("session {session} is a real incident, not an exercise")]
    NotAnExercise { session: SessionId },
    #[error(
        "the scenario of exercise {session} cannot be found: its snapshot is missing from the session folder"
    )]
    NoScenario { session: SessionId },
    #[error("scenario `{scenario}` has no inject `{inject}`{}", match suggestion { Some(s) => format!(": did you mean `{s}`?"), None => format!("; its injects are: {known}") })]
    NoSuchInject {
        scenario: String,
        inject: InjectId,
        suggestion: Option<String>,
        known: String,
    },
    #[error("inject `{inject}` was already {what} by {by} {ago}")]
    InjectAlreadyDone {
        inject: InjectId,
        what: &'static str,
        by: String,
        ago: String,
    },
    #[error("no inject is due at {clock}{}", match next { Some((id, at)) => format!(": the next, `{id}`, is due at {at}. Name it to release it early: muster inject {session} {id}"), None => format!(", and none is waiting on the clock; name one to release it: muster inject {session} INJECT") })]
    NoInjectDue {
        session: SessionId,
        clock: String,
        next: Option<(InjectId, String)>,
    },
    #[error("the exercise clock is already paused at {at}")]
    ClockAlreadyPaused { at: String },
    #[error("the exercise clock is already running")]
    ClockAlreadyRunning,
    #[error(
        "the clock speed must be a whole number from 1 to {max}, such as 1, 2, 5 or 10; {given} is not"
    )]
    SpeedOutOfRange { given: u64, max: u32 },
    #[error("the exercise clock already runs at x{speed}")]
    SpeedUnchanged { speed: u32 },
    #[error("move the exercise clock by at least 1 minute and at most {max} at a time")]
    AdvanceOutOfRange { max: String },
    #[error("scenario `{scenario}` has no objective `{objective}`; its objectives are: {known}")]
    NoSuchObjective {
        scenario: String,
        objective: ObjectiveId,
        known: String,
    },
    #[error("this exercise's scenario has no objectives to rate")]
    NoObjectives,
    #[error("you have not recorded anything on a step in this session yet: nothing to undo")]
    NothingToUndo,
    #[error("your last action was a reopen of {step}: redo the step's action instead")]
    UndoReopen { step: StepRef },
    #[error(
        "your last action ({what} on {step}) has already been changed by someone else: nothing to undo"
    )]
    UndoOvertaken { what: String, step: StepRef },
    #[error("{what} is {len} bytes long: at most {max} bytes can be recorded at once")]
    TooLong {
        what: &'static str,
        len: usize,
        max: usize,
    },
    #[error("only the exercise's facilitators ({names}) may {what}: ask one of them")]
    NotFacilitator { names: String, what: &'static str },
    #[error(
        "session {session} has no improvement actions yet: raise one with `muster action add {session} TEXT` (P in the TUI)"
    )]
    NoActions { session: SessionId },
    #[error("session {session} has no improvement action `{given}`; its actions are: {known}")]
    NoSuchAction {
        session: SessionId,
        given: String,
        known: String,
    },
    #[error("improvement action {action} is already {status}")]
    ActionAlready {
        action: ActionId,
        status: &'static str,
    },
    #[error(
        "nothing changes on action {action}: give an owner, a due date, a capability or a note (--owner, --due, --capability, --note)"
    )]
    NothingToChange { action: ActionId },
    #[error(
        "\"{given}\" is not a date: write it as YYYY-MM-DD (2027-01-31), or +14d or +2w from today"
    )]
    BadDate { given: String },
    #[error(
        "session {session} has no observations yet: record one with `muster observe {session} --kind KIND TEXT`"
    )]
    NoObservations { session: SessionId },
    #[error(
        "session {session} has no observation `{given}`: give its number as `muster export {session}` shows it (O1, O2 ...); they are O1 to O{count}"
    )]
    NoSuchObservation {
        session: SessionId,
        given: String,
        count: usize,
    },
    #[error(
        "observation {number} was recorded by {by}: only they, or the exercise's facilitators and evaluators, may correct or withdraw it"
    )]
    NotYourObservation { number: String, by: String },
    #[error("say what changes on observation {number}: its words (TEXT), --kind or --objective")]
    NothingToCorrect { number: String },
    #[error("observation {number} was withdrawn by {by} {ago}: it cannot be changed")]
    ObservationWithdrawn {
        number: String,
        by: String,
        ago: String,
    },
    #[error("{}", .0.sentence())]
    Needs(Need),
}

fn hint(suggestion: &Option<String>, plan: &PlanId) -> String {
    match suggestion {
        Some(s) => format!(": did you mean `{plan}/{s}`?"),
        None => String::new(),
    }
}

impl Refusal {
    /// A refusal that more input would lift (a reason, a confirmation), rather than one the
    /// state of the session decides.
    pub fn need(&self) -> Option<&Need> {
        match self {
            Refusal::Needs(n) => Some(n),
            _ => None,
        }
    }
}
