//! Reading across the sessions of a home: every run of a plan, for its history and the
//! forecast's medians.

use super::StoreError;
use super::names::list_ids;
use super::open::open_with;
use super::snapshots::Fallback;
use crate::domain::Plan;
use crate::domain::ids::WriterId;
use crate::domain::session::Session;
use chrono::{DateTime, Utc};
use std::path::Path;

/// Every session under the home that ran one of `plans` (read as they are now), and a warning
/// for each that could not be read. Without `notes`, from the checkpoints: cheap, but the
/// steps' notes are left out.
pub fn sessions_running(
    home: &Path,
    lib: &dyn Fallback,
    writer: &WriterId,
    plans: &[&str],
    notes: bool,
) -> Result<(Vec<Session>, Vec<String>), StoreError> {
    let mut out = Vec::new();
    let mut warnings = Vec::new();
    for id in list_ids(home)? {
        match open_with(home, lib, id.as_str(), writer, notes) {
            Ok(o) if plans.iter().any(|p| o.session.state.plan(p).is_some()) => out.push(o.session),
            Ok(_) => {}
            Err(e) => warnings.push(format!("session {id} is left out of the history: {e}")),
        }
    }
    Ok((out, warnings))
}

/// The trusted medians of the running session's plans over every run of them under the home
/// (what its forecast uses; none once it is closed), and a warning for each session that could
/// not be read.
pub fn medians_for(
    home: &Path,
    lib: &dyn Fallback,
    writer: &WriterId,
    session: &Session,
    now: DateTime<Utc>,
) -> Result<(crate::domain::history::Medians, Vec<String>), StoreError> {
    if session.state.closed.is_some() {
        return Ok(Default::default());
    }
    let ids: Vec<&str> = session.state.plans.iter().map(|p| p.id.as_str()).collect();
    let (runs, warnings) = sessions_running(home, lib, writer, &ids, false)?;
    let plans: Vec<&Plan> = ids.iter().filter_map(|id| session.plan_def(id)).collect();
    Ok((
        crate::domain::history::medians_of(&plans, &runs, now),
        warnings,
    ))
}
