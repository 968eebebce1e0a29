//! What the targets share: the mini library of the tests, loaded once, and a loader that puts
//! the fuzzed bytes in place of one of its files.
#![allow(dead_code)]

use muster::domain::{InputFile, Library};
use std::sync::{Arc, OnceLock};

const MINI: &[(&str, &[u8])] = &[
    ("index.ron", include_bytes!("../../tests/fixtures/mini/index.ron")),
    ("plans/alpha.ron", include_bytes!("../../tests/fixtures/mini/plans/alpha.ron")),
    ("plans/beta.ron", include_bytes!("../../tests/fixtures/mini/plans/beta.ron")),
    ("scenarios/drill.ron", include_bytes!("../../tests/fixtures/mini/scenarios/drill.ron")),
];

pub fn today() -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2026, 11, 21).unwrap_or_default()
}

/// The mini library with `rel` replaced by `bytes`; every diagnostic rendered.
pub fn load_with(rel: &str, bytes: &[u8]) -> Library {
    let files = MINI
        .iter()
        .map(|(r, b)| InputFile {
            rel: r.to_string(),
            shown: r.to_string(),
            bytes: if *r == rel { bytes.to_vec() } else { b.to_vec() },
        })
        .collect();
    let lib = Library::load("fuzz", false, files, today());
    for d in &lib.diagnostics {
        let _ = d.to_string();
    }
    lib
}

pub fn mini() -> Arc<Library> {
    static LIB: OnceLock<Arc<Library>> = OnceLock::new();
    LIB.get_or_init(|| Arc::new(load_with("", b""))).clone()
}
