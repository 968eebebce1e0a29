//! Planned against actual across runs: for each step of a plan, every run (incident or
//! exercise, each on its own clock) it was in, its estimate, the median and 90th percentile of
//! the actual durations, how often it was late, skipped or blocked, and a suggested estimate.

use super::plan::Plan;
use super::session::{Session, StepStatus};
use chrono::{DateTime, Utc};
use serde::Serialize;

/// A step's record across runs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StepHistory {
    pub id: String,
    pub title: String,
    /// Runs it was in (not on a branch left out).
    pub runs: usize,
    /// The plan's estimate, `[min, max]` minutes.
    pub estimate: Option<[u32; 2]>,
    /// The actual minutes of the runs that finished it, in run order.
    pub actual_min: Vec<i64>,
    pub median_min: Option<i64>,
    pub p90_min: Option<i64>,
    /// Runs in which it took longer than its estimate's maximum.
    pub late: usize,
    pub skipped: usize,
    pub blocked: usize,
    /// The 90th percentile, once it has [`TRUSTED`] runs or more: what to write as its estimate.
    pub suggested_min: Option<i64>,
}

/// How many finished runs make a history worth trusting (the forecast uses its median then).
pub const TRUSTED: usize = 3;

/// The nearest-rank percentile of sorted values.
fn percentile(sorted: &[i64], p: usize) -> Option<i64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = (p * sorted.len()).div_ceil(100).max(1);
    sorted.get(rank - 1).copied()
}

/// The history of `plan`'s steps in these sessions (each with the time it is read at).
pub fn history(plan: &Plan, sessions: &[(&Session, DateTime<Utc>)]) -> Vec<StepHistory> {
    plan.steps
        .iter()
        .map(|def| {
            let mut h = StepHistory {
                id: def.id.v.clone(),
                title: def.title.clone(),
                runs: 0,
                estimate: def.estimate.map(|e| [e.min, e.max]),
                actual_min: Vec::new(),
                median_min: None,
                p90_min: None,
                late: 0,
                skipped: 0,
                blocked: 0,
                suggested_min: None,
            };
            for (s, now) in sessions {
                let st = &s.state;
                let Some(step) = st
                    .plan(plan.id.v.as_str())
                    .and_then(|p| p.steps.iter().find(|x| x.step.as_str() == def.id.v))
                else {
                    continue;
                };
                if step.bypassed {
                    continue;
                }
                h.runs += 1;
                match step.state {
                    StepStatus::Skipped => h.skipped += 1,
                    StepStatus::Blocked => h.blocked += 1,
                    _ => {}
                }
                // a step blocked once counts, whatever it became
                if step.state != StepStatus::Blocked
                    && step
                        .notes
                        .iter()
                        .any(|n| n.kind == super::session::NoteKind::Block)
                {
                    h.blocked += 1;
                }
                if step.state == StepStatus::Done
                    && let Some(m) = step.actual_min(st, *now)
                {
                    h.actual_min.push(m);
                    if def.estimate.is_some_and(|e| m > i64::from(e.max)) {
                        h.late += 1;
                    }
                }
            }
            let mut sorted = h.actual_min.clone();
            sorted.sort_unstable();
            h.median_min = percentile(&sorted, 50);
            h.p90_min = percentile(&sorted, 90);
            if sorted.len() >= TRUSTED {
                h.suggested_min = h.p90_min;
            }
            h
        })
        .collect()
}

/// The median minutes of each step with a trusted history: what the forecast uses for it.
pub fn medians(h: &[StepHistory]) -> std::collections::HashMap<String, u32> {
    h.iter()
        .filter(|s| s.actual_min.len() >= TRUSTED)
        .filter_map(|s| {
            s.median_min
                .and_then(|m| u32::try_from(m.max(0)).ok())
                .map(|m| (s.id.clone(), m))
        })
        .collect()
}

/// For each plan, the median minutes of its steps with a trusted history.
pub type Medians = std::collections::HashMap<String, std::collections::HashMap<String, u32>>;

/// When a session is read: now, or when it was closed.
pub fn read_at(s: &Session, now: DateTime<Utc>) -> DateTime<Utc> {
    s.state.closed.as_ref().map_or(now, |c| c.at.min(now))
}

/// The trusted medians of each of `plans` over these sessions: what the forecast uses.
pub fn medians_of(plans: &[&Plan], sessions: &[Session], now: DateTime<Utc>) -> Medians {
    plans
        .iter()
        .map(|p| {
            let ran: Vec<(&Session, DateTime<Utc>)> = sessions
                .iter()
                .filter(|s| s.state.plan(p.id.v.as_str()).is_some())
                .map(|s| (s, read_at(s, now)))
                .collect();
            (p.id.v.clone(), medians(&history(p, &ran)))
        })
        .collect()
}

/// The median of `plan`'s `step`, if trusted.
pub fn median(m: &Medians, plan: &str, step: &str) -> Option<u32> {
    m.get(plan).and_then(|x| x.get(step)).copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_are_nearest_rank() {
        assert_eq!(percentile(&[], 50), None);
        assert_eq!(percentile(&[7], 90), Some(7));
        assert_eq!(percentile(&[10, 20, 30], 50), Some(20));
        assert_eq!(percentile(&[10, 20, 30], 90), Some(30));
        let v: Vec<i64> = (1..=10).collect();
        assert_eq!(percentile(&v, 50), Some(5));
        assert_eq!(percentile(&v, 90), Some(9));
    }
}
