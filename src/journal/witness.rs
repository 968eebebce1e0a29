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

/// Copies of a writer's history kept beside its file (`journal-<w>@<tag>.jsonl`, a second
/// history found by a merge) must be signed by the same key as the writer's own file: one
/// signed by another key was not written by that writer.
pub fn key_problems<'a>(dir: &Path, chains: impl IntoIterator<Item = &'a Chain>) -> Vec<Problem> {
    let chains: Vec<&Chain> = chains.into_iter().collect();
    let mut out = Vec::new();
    for c in &chains {
        let Some((base, _)) = c.writer.as_str().split_once('@') else {
            continue;
        };
        let Some(main) = chains.iter().find(|m| m.writer.as_str() == base) else {
            continue;
        };
        let (Some(theirs), Some(mine)) = (&main.key, &c.key) else {
            if main.key.is_some() && c.key.is_none() && c.events > 0 {
                out.push(Problem {
                    path: file::journal_path(dir, &c.writer),
                    line: 1,
                    error: true,
                    message: format!(
                        "this copy of writer `{base}`'s history is not signed, but {} is: it was not written by that writer's muster",
                        file_name(dir, &main.writer)
                    ),
                });
            }
            continue;
        };
        if theirs != mine {
            out.push(Problem {
                path: file::journal_path(dir, &c.writer),
                line: c.key_line,
                error: true,
                message: format!(
                    "this copy of writer `{base}`'s history is signed by key {}, but {} by key {}: it was not written by that writer's muster (or two homes write as `{base}`)",
                    super::keys::fingerprint_hex(mine),
                    file_name(dir, &main.writer),
                    super::keys::fingerprint_hex(theirs)
                ),
            });
        }
    }
    out
}

fn file_name(dir: &Path, w: &WriterId) -> String {
    crate::domain::text::clean(
        &file::journal_path(dir, w)
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        false,
    )
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
    let name = |w: &WriterId| file_name(dir, w);
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
