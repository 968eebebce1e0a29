//! A whole plan library, loaded from file contents (no I/O here) and checked.

use super::de::De;
use super::ron_tree::{self, Kind};
use super::span::{Diagnostic, Severity, Source};
use crate::domain::index::Index;
use crate::domain::plan::Plan;
use crate::domain::risk::Register;
use crate::domain::scenario::Scenario;
use sha2::{Digest, Sha256};
use std::sync::Arc;

/// The risk register's file, beside `index.ron`.
pub const RISKS: &str = "risks.ron";

/// Files larger than this are refused: a plan is text, and a huge file is a mistake.
pub const MAX_FILE_BYTES: usize = 4 * 1024 * 1024;

/// One file handed to the loader.
#[derive(Debug, Clone)]
pub struct InputFile {
    /// Path inside the library: `index.ron`, `plans/x.ron`, `scenarios/y.ron`.
    pub rel: String,
    /// Path as shown to the user.
    pub shown: String,
    pub bytes: Vec<u8>,
}

#[derive(Debug, Clone, Default)]
pub struct Library {
    /// Where the library came from, for people: a folder, or "built-in sample library".
    pub origin: String,
    pub builtin: bool,
    pub sources: Vec<Source>,
    pub index: Index,
    pub plans: Vec<Arc<Plan>>,
    pub scenarios: Vec<Arc<Scenario>>,
    /// The risk register (`risks.ron`), when the library has one.
    pub risks: Option<Register>,
    pub diagnostics: Vec<Diagnostic>,
    /// Files that could not be read into the model (`plans/x.ron`...), with their shown paths.
    pub unreadable: Vec<(String, String)>,
}

/// What reading one file gave: its source (when it was text), the model, and its problems.
type FileResult = (Option<Source>, Parsed, Vec<Diagnostic>);

enum Parsed {
    Index(Box<Index>),
    Plan(Box<Plan>),
    Scenario(Box<Scenario>),
    Risks(Box<Register>),
    Nothing,
}

#[derive(Clone, Copy, PartialEq)]
enum FileKind {
    Index,
    Plan,
    Scenario,
    Risks,
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// Lowercase hex of bytes.
/// The hex digits, lowercase.
pub const HEX: &[u8; 16] = b"0123456789abcdef";

pub fn hex(d: &[u8]) -> String {
    let mut out = Vec::with_capacity(d.len() * 2);
    for b in d {
        out.push(HEX[(b >> 4) as usize]);
        out.push(HEX[(b & 15) as usize]);
    }
    // only ASCII digits and letters were pushed
    String::from_utf8(out).unwrap_or_default()
}

/// Reads one file: size, encoding and syntax checks, then conversion to the model.
fn parse_one(file_no: u32, f: InputFile) -> FileResult {
    let mut diags = Vec::new();
    let kind = if f.rel == "index.ron" {
        FileKind::Index
    } else if f.rel == RISKS {
        FileKind::Risks
    } else if f.rel.starts_with("scenarios/") {
        FileKind::Scenario
    } else {
        FileKind::Plan
    };
    if f.bytes.len() > MAX_FILE_BYTES {
        let msg = format!(
            "this file is {} MiB, over the limit of 4 MiB: split it, or check it is the file you meant",
            f.bytes.len() / (1024 * 1024)
        );
        diags.push(Diagnostic::file(Severity::Error, &f.shown, msg));
        return (None, Parsed::Nothing, diags);
    }
    let hash = sha256_hex(&f.bytes);
    let mut text = match String::from_utf8(f.bytes) {
        Ok(t) => t,
        Err(e) => {
            let good = &e.as_bytes()[..e.utf8_error().valid_up_to()];
            let line = good.iter().filter(|&&b| b == b'\n').count() + 1;
            let col = String::from_utf8_lossy(
                &good[good.iter().rposition(|&b| b == b'\n').map_or(0, |p| p + 1)..],
            )
            .chars()
            .count()
                + 1;
            let mut d = Diagnostic::file(
                Severity::Error,
                &f.shown,
                "this file is not UTF-8 text: save it as UTF-8",
            );
            d.line = line;
            d.col = col;
            diags.push(d);
            return (None, Parsed::Nothing, diags);
        }
    };
    if text.starts_with('\u{feff}') {
        text.drain(..'\u{feff}'.len_utf8());
    }
    let src = Source::new(f.shown.clone(), text);
    let text = src.text.as_str();
    if text.trim().is_empty() {
        diags.push(Diagnostic::file(
            Severity::Error,
            &f.shown,
            match kind {
                FileKind::Risks => "this file is empty: write the risk register in it (`Risks(risks: [...])`), or delete it",
                _ => "this file is empty: write a plan in it, or delete it",
            },
        ));
        return (Some(src), Parsed::Nothing, diags);
    }
    let node = match ron_tree::parse(file_no, text) {
        Ok(n) => n,
        Err(errors) => {
            // Our reader is stricter than `ron` in a few corners; say so rather than blame the author.
            let ours = errors.len() == 1
                && !["too large", "needs quotes", "is not a field name"]
                    .iter()
                    .any(|m| errors[0].message.contains(m))
                && ron::from_str::<ron::Value>(text).is_ok();
            for e in errors {
                let msg = if ours {
                    format!(
                        "{} (this is valid RON that muster cannot read yet: please write it more plainly)",
                        e.message
                    )
                } else {
                    format!("RON syntax: {}", e.message)
                };
                diags.push(Diagnostic::at(Severity::Error, &src, e.span, msg, None));
            }
            return (Some(src), Parsed::Nothing, diags);
        }
    };
    let parsed = {
        let mut de = De::new(&src, &mut diags);
        // A file holding another kind of object than its folder says is a common slip.
        let name = match &node.kind {
            Kind::Struct { name, .. } | Kind::Tuple { name, .. } => *name,
            _ => None,
        };
        let expected = match kind {
            FileKind::Index => "Index",
            FileKind::Plan => "Plan",
            FileKind::Scenario => "Scenario",
            FileKind::Risks => "Risks",
        };
        match name {
            Some(n) if n != expected && ["Index", "Plan", "Scenario", "Risks"].contains(&n) => {
                let head = super::span::Span {
                    end: node.span.start + n.len() as u32,
                    ..node.span
                };
                de.error(head, format!("this file holds a {n}, but files here hold a {expected}: move it to the right folder"), None);
                Parsed::Nothing
            }
            _ => match kind {
                FileKind::Index => Index::read(&mut de, &node)
                    .map_or(Parsed::Nothing, |i| Parsed::Index(Box::new(i))),
                FileKind::Plan => Plan::read(&mut de, &node, hash)
                    .map_or(Parsed::Nothing, |p| Parsed::Plan(Box::new(p))),
                FileKind::Scenario => Scenario::read(&mut de, &node, hash)
                    .map_or(Parsed::Nothing, |s| Parsed::Scenario(Box::new(s))),
                FileKind::Risks => Register::read(&mut de, &node)
                    .map_or(Parsed::Nothing, |r| Parsed::Risks(Box::new(r))),
            },
        }
    };
    (Some(src), parsed, diags)
}

impl Library {
    /// Loads a library from its files, then checks it. `today` dates the review warnings.
    pub fn load(
        origin: impl Into<String>,
        builtin: bool,
        mut files: Vec<InputFile>,
        today: chrono::NaiveDate,
    ) -> Library {
        files.sort_by(|a, b| (a.rel != "index.ron", &a.rel).cmp(&(b.rel != "index.ron", &b.rel)));
        let has_index = files.iter().any(|f| f.rel == "index.ron");
        let files_meta: Vec<(String, String)> = files
            .iter()
            .map(|f| (f.rel.clone(), f.shown.clone()))
            .collect();
        let results = parse_all(files);
        let mut lib = Library {
            origin: origin.into(),
            builtin,
            ..Default::default()
        };
        let names: Vec<(String, String)> = files_meta;
        for ((src, parsed, diags), (rel, shown)) in results.into_iter().zip(names) {
            // Sources are indexed by file number; keep a placeholder for unreadable files.
            lib.sources.push(src.unwrap_or_else(|| Source::new("", "")));
            lib.diagnostics.extend(diags);
            if matches!(parsed, Parsed::Nothing) {
                lib.unreadable.push((rel, shown));
            }
            match parsed {
                Parsed::Index(i) => {
                    lib.index = *i;
                }
                Parsed::Plan(p) => lib.plans.push(Arc::from(p)),
                Parsed::Scenario(s) => lib.scenarios.push(Arc::from(s)),
                Parsed::Risks(r) => lib.risks = Some(*r),
                Parsed::Nothing => {}
            }
        }
        if !has_index {
            lib.diagnostics.push(Diagnostic::file(
                Severity::Error,
                &format!("{}/index.ron", lib.origin),
                "this library has no index.ron: create one (see docs/FORMAT.md)",
            ));
        }
        super::check::check(&mut lib, today);
        // by file, then position: the order an author fixes them in
        let order: std::collections::HashMap<String, usize> = lib
            .sources
            .iter()
            .enumerate()
            .map(|(i, s)| (s.path.clone(), i))
            .collect();
        lib.diagnostics.sort_by_key(|d| {
            (
                order.get(&d.path).copied().unwrap_or(usize::MAX),
                d.line,
                d.col,
            )
        });
        lib
    }

    /// The shown path of a plan's file when it exists but could not be read.
    pub fn unreadable_plan(&self, id: &str) -> Option<&str> {
        let rel = format!("plans/{id}.ron");
        self.unreadable
            .iter()
            .find(|(r, _)| *r == rel)
            .map(|(_, shown)| shown.as_str())
    }

    /// How the library is named for people: the built-in sample, the sample in a folder, or the folder.
    pub fn label(&self) -> String {
        match (self.builtin, self.origin.starts_with('<')) {
            (true, true) => "built-in sample library".to_string(),
            (true, false) => format!("sample library in {}", self.origin),
            (false, _) => self.origin.clone(),
        }
    }

    /// "the built-in sample library (set --library to use your own)", or "the library in DIR".
    pub fn describe(&self) -> String {
        match (self.builtin, self.origin.starts_with('<')) {
            (true, true) => {
                "the built-in sample library (set --library to use your own)".to_string()
            }
            (true, false) => format!("the {}", self.label()),
            (false, _) => format!("the library in {}", self.origin),
        }
    }

    pub fn plan(&self, id: &str) -> Option<&Arc<Plan>> {
        self.plans.iter().find(|p| p.id.v == id)
    }

    pub fn scenario(&self, id: &str) -> Option<&Arc<Scenario>> {
        self.scenarios.iter().find(|s| s.id.v == id)
    }

    pub fn errors(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.is_error()).count()
    }

    pub fn warnings(&self) -> usize {
        self.diagnostics.len() - self.errors()
    }

    /// A diagnostic located at a span of one of this library's files.
    pub fn diag_at(
        &self,
        severity: Severity,
        span: super::span::Span,
        msg: impl Into<String>,
        label: Option<&str>,
    ) -> Diagnostic {
        match self.sources.get(span.file as usize) {
            Some(src) if !src.path.is_empty() => Diagnostic::at(severity, src, span, msg, label),
            _ => Diagnostic::file(severity, &self.origin, msg),
        }
    }
}

/// Parses every file, on every core: a library of a thousand plans is checked in a blink.
fn parse_all(files: Vec<InputFile>) -> Vec<FileResult> {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(8);
    if threads < 2 || files.len() < 16 {
        return files
            .into_iter()
            .enumerate()
            .map(|(i, f)| parse_one(i as u32, f))
            .collect();
    }
    // interleave files over the threads so big and small files spread evenly
    let mut parts: Vec<Vec<(u32, InputFile)>> = (0..threads).map(|_| Vec::new()).collect();
    for (i, f) in files.into_iter().enumerate() {
        parts[i % threads].push((i as u32, f));
    }
    let mut out: Vec<(u32, FileResult)> = std::thread::scope(|s| {
        let handles: Vec<_> = parts
            .into_iter()
            .map(|part| {
                s.spawn(move || {
                    part.into_iter()
                        .map(|(i, f)| (i, parse_one(i, f)))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
            .collect()
    });
    out.sort_by_key(|(i, _)| *i);
    out.into_iter().map(|(_, r)| r).collect()
}

/// Reads a single plan or scenario file outside a library (a session's snapshot of the version
/// that was followed). Cross-file references are not checked.
pub fn parse_file(f: &InputFile) -> (Option<Plan>, Option<Scenario>, Vec<Diagnostic>) {
    let (_, parsed, diags) = parse_one(0, f.clone());
    match parsed {
        Parsed::Plan(p) => (Some(*p), None, diags),
        Parsed::Scenario(s) => (None, Some(*s), diags),
        _ => (None, None, diags),
    }
}
