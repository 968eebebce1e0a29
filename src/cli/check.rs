//! `muster check [PATH...]`

use super::Output;
use super::{CliError, Result};
use crate::context::Context;
use crate::domain::standards::{self, Standard};
use crate::domain::text::clean;
use crate::domain::{Diagnostic, InputFile, Library, Severity};
use crate::library::{self, Location};
use std::path::{Path, PathBuf};

/// The most problems `check` prints for one file.
const MAX_PER_FILE: usize = 50;

/// The standards `check --standard` knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum StandardArg {
    /// ISO 22301:2019, business continuity plans
    #[value(name = "iso22301")]
    Iso22301,
    /// NIST SP 800-34 Rev. 1, information system contingency plans
    #[value(name = "nist-800-34")]
    Nist80034,
}

/// Adds a warning for each element the standard expects of a plan and the plan lacks, in the
/// order of the files.
fn with_standard(mut lib: Library, standard: Option<StandardArg>) -> Library {
    let Some(std) = standard else { return lib };
    let std = match std {
        StandardArg::Iso22301 => Standard::Iso22301,
        StandardArg::Nist80034 => Standard::Nist80034,
    };
    let mut more = Vec::new();
    for p in &lib.plans {
        for g in standards::plan_gaps(&lib, p, std) {
            more.push(lib.diag_at(Severity::Warning, g.span, g.message, None));
        }
    }
    lib.diagnostics.extend(more);
    let order: std::collections::HashMap<&str, usize> = lib
        .sources
        .iter()
        .enumerate()
        .map(|(i, s)| (s.path.as_str(), i))
        .collect();
    let mut diags = std::mem::take(&mut lib.diagnostics);
    diags.sort_by_key(|d| {
        (
            order.get(d.path.as_str()).copied().unwrap_or(usize::MAX),
            d.line,
            d.col,
        )
    });
    lib.diagnostics = diags;
    lib
}

pub fn run(ctx: &Context, paths: &[PathBuf], standard: Option<StandardArg>) -> Result<Output> {
    let mut diags: Vec<Diagnostic> = Vec::new();
    let mut summary = Vec::new();
    if paths.is_empty() {
        let lib = with_standard(ctx.load_library()?, standard);
        summary.push(describe(&lib));
        diags.extend(lib.diagnostics);
    }
    for p in paths {
        if p.is_dir() {
            let lib = with_standard(
                library::load(&Location::Dir(p.clone()), ctx.today())?,
                standard,
            );
            summary.push(describe(&lib));
            diags.extend(lib.diagnostics);
        } else {
            let (lib, shown) = check_file(ctx, p)?;
            let lib = with_standard(lib, standard);
            summary.push(format!("{shown}: checked against {}", lib.describe()));
            diags.extend(lib.diagnostics.into_iter().filter(|d| d.path == shown));
        }
    }
    let errors = diags.iter().filter(|d| d.is_error()).count();
    let warnings = diags.len() - errors;
    // at most so many per file: a file with thousands of errors is not read error by error
    let mut shown: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for d in &diags {
        let n = shown.entry(d.path.as_str()).or_default();
        *n += 1;
        if *n <= MAX_PER_FILE {
            say!("{d}\n");
        }
    }
    let mut over: Vec<(&str, usize)> = shown
        .into_iter()
        .filter(|(_, n)| *n > MAX_PER_FILE)
        .collect();
    over.sort();
    for (path, n) in over {
        say!(
            "{}: and {} more problem(s) in this file; fix the first ones and check again\n",
            clean(path, false),
            n - MAX_PER_FILE
        );
    }
    let mut out = summary.join("\n");
    out.push_str(&format!("\n{errors} error(s), {warnings} warning(s)\n"));
    Ok(Output {
        stdout: out,
        code: if errors > 0 { 1 } else { 0 },
    })
}

fn describe(lib: &Library) -> String {
    format!(
        "{}: {} plan(s), {} scenario(s), index with {} people and {} services",
        lib.describe(),
        lib.plans.len(),
        lib.scenarios.len(),
        lib.index.people.len(),
        lib.index.services.len()
    )
}

/// Checks one file in the context of the library it belongs to: the folder around it when that
/// is a library, else the current library.
fn check_file(ctx: &Context, p: &Path) -> Result<(Library, String)> {
    let bytes = library::read_bounded(p).map_err(|why| {
        CliError::Invalid(format!("{}: {why}", clean(&p.display().to_string(), false)))
    })?;
    let parent = p.parent().unwrap_or(Path::new("."));
    let name = p
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let folder = parent
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let text = String::from_utf8_lossy(&bytes);
    let head = text
        .trim_start_matches(|c: char| c.is_whitespace())
        .split(|c: char| !c.is_alphanumeric())
        .next()
        .unwrap_or("");
    let (rel, lib_dir) = if name == "index.ron" || head == "Index" {
        ("index.ron".to_string(), Some(parent.to_path_buf()))
    } else if name == "risks.ron" || head == "Risks" {
        ("risks.ron".to_string(), Some(parent.to_path_buf()))
    } else if folder == "scenarios" || head == "Scenario" {
        (
            format!("scenarios/{name}"),
            parent.parent().map(Path::to_path_buf),
        )
    } else {
        (
            format!("plans/{name}"),
            parent.parent().map(Path::to_path_buf),
        )
    };
    let around = lib_dir.filter(|d| {
        d.join("index.ron").is_file()
            && (folder == "plans"
                || folder == "scenarios"
                || rel == "index.ron"
                || rel == "risks.ron")
    });
    let loc = around
        .map(Location::Dir)
        .unwrap_or_else(|| ctx.library.clone());
    let (mut files, origin, builtin) = match &loc {
        Location::Builtin => (
            library::builtin_files(),
            library::BUILTIN_LABEL.to_string(),
            true,
        ),
        Location::Dir(d) => (library::read_dir(d)?.0, d.display().to_string(), false),
    };
    let shown = p.display().to_string();
    files.retain(|f| f.rel != rel);
    files.push(InputFile {
        rel,
        shown: shown.clone(),
        bytes,
    });
    Ok((Library::load(origin, builtin, files, ctx.today()), shown))
}
