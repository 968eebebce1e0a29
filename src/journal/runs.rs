//! The output of the commands muster ran, kept beside the journal in the session's `runs/`
//! folder: one file a run, named by when it ran, its step and the start of its SHA-256, which
//! the journal's `command_ran` event holds whole (so a changed file is seen).

use super::StoreError;
use super::file;
use crate::domain::ids::StepRef;
use crate::domain::session::RunRecord;
use chrono::{DateTime, Utc};
use std::collections::HashMap;
use std::path::Path;

/// The folder of a session that holds the outputs.
pub const DIR: &str = "runs";

/// The most of an output file that is read back (what muster keeps is far less).
const MAX_READ: u64 = 1 << 20;

/// The outputs of a session's runs that could be read back and match their hash, by file name.
pub type Outputs = HashMap<String, String>;

fn safe(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .take(40)
        .collect()
}

/// Keeps a run's output (whole or not at all); returns its file name and its SHA-256.
pub fn keep(
    session_dir: &Path,
    at: DateTime<Utc>,
    step: &StepRef,
    output: &[u8],
) -> Result<(String, String), StoreError> {
    let hash = crate::domain::sha256_hex(output);
    let name = format!(
        "{}-{}-{}-{}.txt",
        at.format("%Y%m%dT%H%M%S%.3fZ"),
        safe(step.plan.as_str()),
        safe(step.step.as_str()),
        &hash[..12]
    );
    let dir = session_dir.join(DIR);
    file::create_dir_durable(&dir)?;
    let path = dir.join(&name);
    crate::fsx::write_atomic(&path, output)
        .map_err(|e| StoreError::io("keep the command's output in", &path, e))?;
    Ok((name, hash))
}

/// The outputs of these runs as kept in the session folder. One that is missing (the run was on
/// another machine) is left out; one whose hash differs says so instead of its text.
pub fn load(session_dir: &Path, runs: &[RunRecord]) -> Outputs {
    use std::io::Read;
    let mut out = Outputs::new();
    for r in runs {
        if r.output.contains(['/', '\\']) || r.output.starts_with('.') {
            continue;
        }
        let path = session_dir.join(DIR).join(&r.output);
        let Ok(f) = file::open_regular(&path) else {
            continue;
        };
        let mut bytes = Vec::new();
        if f.take(MAX_READ).read_to_end(&mut bytes).is_err() {
            continue;
        }
        let text = if crate::domain::sha256_hex(&bytes) == r.output_hash {
            String::from_utf8_lossy(&bytes).into_owned()
        } else {
            format!(
                "[muster: the file {} does not match the SHA-256 the journal holds for this run: it was changed after the run, so it is not shown]",
                r.output
            )
        };
        out.insert(r.output.clone(), text);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn an_output_reads_back_only_while_it_matches_its_hash() {
        let dir = tempfile::tempdir().unwrap();
        let at = Utc.with_ymd_and_hms(2026, 11, 21, 3, 0, 0).unwrap();
        let step = StepRef::new("alpha", "check");
        let (name, hash) = keep(dir.path(), at, &step, b"hello\n").unwrap();
        assert!(
            name.starts_with("20261121T030000.000Z-alpha-check-"),
            "{name}"
        );
        let run = RunRecord {
            at,
            by: "ann".into(),
            step,
            command: "echo hello".into(),
            exit: Some(0),
            timed_out: false,
            duration_ms: 3,
            output_hash: hash,
            output: name.clone(),
            output_bytes: 6,
            tail: Some("hello".into()),
        };
        let got = load(dir.path(), std::slice::from_ref(&run));
        assert_eq!(got.get(&name).map(String::as_str), Some("hello\n"));
        std::fs::write(dir.path().join(DIR).join(&name), b"forged\n").unwrap();
        let got = load(dir.path(), std::slice::from_ref(&run));
        assert!(got[&name].contains("does not match"), "{}", got[&name]);
        // a name that leaves the folder is never read
        let mut evil = run.clone();
        evil.output = "../journal-w1.jsonl".into();
        assert!(load(dir.path(), &[evil]).is_empty());
    }
}
