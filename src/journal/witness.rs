//! Witnesses: what each writer said it saw of the others' files, checked against the files as
//! read. Opening a session checks each writer's latest claim; `verify` checks every claim.

use super::file::{self, Chain, Problem};
use crate::domain::ids::WriterId;
use std::collections::BTreeMap;
use std::path::Path;

/// Checks each writer's latest claim of what it saw of the others against the files as read.
pub fn witness_problems(dir: &Path, chains: &BTreeMap<WriterId, Chain>) -> Vec<Problem> {
    let mut out = Vec::new();
    for (by, c) in chains {
        for (w, claim) in &c.saw {
            if let Some(p) = claim_problem(
                dir,
                by,
                w,
                claim,
                chains.get(w).map(|x| (x.seq, x.head.as_deref())),
            ) {
                out.push(p);
            }
        }
    }
    out
}

/// What is wrong with one claim, given the claimed file's last sequence number and head as read
/// (`None`: there is no such file). A claim of a head further back is for `verify`.
pub fn claim_problem(
    dir: &Path,
    by: &WriterId,
    w: &WriterId,
    claim: &file::Claim,
    now: Option<(u64, Option<&str>)>,
) -> Option<Problem> {
    let name = |w: &WriterId| {
        crate::domain::text::clean(
            &file::journal_path(dir, w)
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            false,
        )
    };
    let what = match now {
        None => format!(
            "{} is missing: it was deleted, or not copied with the rest",
            name(w)
        ),
        Some((seq, _)) if seq < claim.seq => format!(
            "{} now ends at event {seq}: it was rolled back or truncated after it was seen",
            name(w)
        ),
        Some((seq, Some(head))) if seq == claim.seq && head != claim.hash => format!(
            "{}'s event {seq} is not the one that was seen: the file was replaced or rewritten",
            name(w)
        ),
        _ => return None,
    };
    Some(Problem {
        path: file::journal_path(dir, by),
        line: claim.by_line,
        error: true,
        message: format!(
            "writer `{by}` saw writer `{w}` at event {} when it wrote this line, but {what}{}",
            claim.seq,
            if now.is_none() || matches!(now, Some((s, _)) if s < claim.seq) {
                " (if the folder is still being copied or synced, let that finish and look again)"
            } else {
                ""
            }
        ),
    })
}
