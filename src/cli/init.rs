//! `muster init DIR [--sample]`: a new library folder, and the file writing `muster import` shares.

use super::{CliError, Output, Result};
use crate::domain::text::clean;
use std::path::Path;

const SKELETON: &[(&str, &str)] = &[
    ("index.ron", include_str!("../../assets/skeleton/index.ron")),
    ("risks.ron", include_str!("../../assets/skeleton/risks.ron")),
    (
        "plans/first-plan.ron",
        include_str!("../../assets/skeleton/plans/first-plan.ron"),
    ),
];
const README: &str = include_str!("../../assets/skeleton/README.md");

pub fn run(dir: &Path, sample: bool) -> Result<Output> {
    let mut files: Vec<(String, Vec<u8>)> = if sample {
        crate::library::builtin_files()
            .into_iter()
            .map(|f| (f.rel, f.bytes))
            .collect()
    } else {
        SKELETON
            .iter()
            .map(|(r, t)| (r.to_string(), t.as_bytes().to_vec()))
            .collect()
    };
    files.push(("README.md".into(), README.as_bytes().to_vec()));
    write_new(dir, &files, &["plans", "scenarios"])?;
    let shown = clean(&dir.display().to_string(), false);
    say!(
        "muster: wrote a new library in {shown}: {} ({} files)",
        if sample {
            "a copy of the sample"
        } else {
            "an index and one plan to start from"
        },
        files.len()
    );
    say!("muster: next: cd {shown} && muster check");
    Ok(Output::ok(""))
}

/// Writes `files` (paths relative to `dir`) into `dir`, creating it and the folders `dirs`.
/// Refuses, before writing anything, when one of the files is already there: nothing the
/// author wrote is ever overwritten.
pub fn write_new(dir: &Path, files: &[(String, Vec<u8>)], dirs: &[&str]) -> Result<()> {
    let taken: Vec<String> = files
        .iter()
        .filter(|(rel, _)| dir.join(rel).symlink_metadata().is_ok())
        .map(|(rel, _)| clean(&dir.join(rel).display().to_string(), false))
        .collect();
    if !taken.is_empty() {
        return Err(CliError::Invalid(format!(
            "{} already there ({}): choose a new or empty folder; nothing was written",
            if taken.len() == 1 {
                "a file is"
            } else {
                "files are"
            },
            taken.join(", ")
        )));
    }
    let io = |p: &Path, e: std::io::Error| CliError::Write {
        path: clean(&p.display().to_string(), false),
        why: clean(&e.to_string(), false),
    };
    // a folder that is not there yet is put together beside it and appears whole
    let fresh = !dir.exists();
    let build = match (fresh, dir.parent(), dir.file_name()) {
        (true, Some(parent), Some(name)) => {
            let parent = if parent.as_os_str().is_empty() {
                Path::new(".")
            } else {
                parent
            };
            std::fs::create_dir_all(parent).map_err(|e| io(parent, e))?;
            parent.join(format!(
                ".{}.part-{}",
                name.to_string_lossy(),
                std::process::id()
            ))
        }
        _ => dir.to_path_buf(),
    };
    let result = (|| {
        for d in dirs {
            let p = build.join(d);
            std::fs::create_dir_all(&p).map_err(|e| io(&p, e))?;
        }
        for (rel, bytes) in files {
            let p = build.join(rel);
            if let Some(parent) = p.parent() {
                std::fs::create_dir_all(parent).map_err(|e| io(parent, e))?;
            }
            // each file whole or not at all
            crate::fsx::write_atomic(&p, bytes).map_err(|e| io(&dir.join(rel), e))?;
        }
        if build != dir {
            std::fs::rename(&build, dir).map_err(|e| io(dir, e))?;
        }
        Ok(())
    })();
    if result.is_err() && build != dir {
        crate::fsx::remove_tree(&build);
    }
    result
}
