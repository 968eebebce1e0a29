//! `muster import FILE.md... -o DIR [--report]`: a draft library from Markdown runbooks.

use super::{CliError, Output, Result};
use crate::domain::text::clean;
use crate::import::{Source, import};
use std::path::{Path, PathBuf};

pub fn run(files: &[PathBuf], out: &Path, report: bool) -> Result<Output> {
    let mut sources = Vec::new();
    for f in files {
        let shown = clean(&f.display().to_string(), false);
        let bytes = crate::library::read_bounded(f)
            .map_err(|why| CliError::Invalid(format!("{shown}: {why}")))?;
        let text = String::from_utf8(bytes).map_err(|e| {
            CliError::Invalid(format!(
                "{shown}: this file is not UTF-8 text (at byte {}): save it as UTF-8 and import it again",
                e.utf8_error().valid_up_to()
            ))
        })?;
        let stem = f
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        sources.push(Source { shown, stem, text });
    }
    let got = import(&sources);
    let files: Vec<(String, Vec<u8>)> = got
        .files
        .into_iter()
        .map(|(p, t)| (p, t.into_bytes()))
        .collect();
    super::init::write_new(out, &files, &["plans", "scenarios"])?;
    let shown = clean(&out.display().to_string(), false);
    say!(
        "muster: drafted {} plan(s) with {} step(s) in {shown}; {} guess(es) to settle, each a `todo` that `muster check` lists",
        got.plans,
        got.steps,
        got.todos
    );
    say!("muster: next: muster check {shown}");
    let stdout = if report {
        let mut r = String::from("Where each heading went:\n");
        for line in &got.report {
            r.push_str(&clean(line, false));
            r.push('\n');
        }
        r
    } else {
        String::new()
    };
    Ok(Output::ok(stdout))
}
