//! The layers point one way: the domain imports nothing else of the crate, reads no files, no
//! clock and no local time zone. This test reads the sources to keep it so.

use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// Each line of code outside comments that contains a forbidden word.
fn offences(forbidden: &[&str]) -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/domain");
    let mut files = Vec::new();
    rust_files(&root, &mut files);
    assert!(files.len() > 10, "the domain's sources were not found");
    let mut out = Vec::new();
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        for (n, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or("");
            for word in forbidden {
                if code.contains(word) {
                    out.push(format!("{}:{}: {}", f.display(), n + 1, line.trim()));
                }
            }
        }
    }
    out
}

#[test]
fn the_domain_imports_nothing_else_of_the_crate() {
    let found = offences(&[
        "crate::journal",
        "crate::tui",
        "crate::cli",
        "crate::export",
        "crate::library",
        "crate::context",
        "crate::present",
        "crate::clock",
        "muster::",
    ]);
    assert!(
        found.is_empty(),
        "the domain reaches out:\n{}",
        found.join("\n")
    );
}

#[test]
fn the_domain_reads_no_files_no_clock_and_no_local_time_zone() {
    let found = offences(&[
        "std::fs",
        "fs::read",
        "File::",
        "Utc::now",
        "Local::",
        "chrono::Local",
        "SystemTime",
        "Instant::now",
        "std::env",
        "std::io::stdin",
        "std::io::stdout",
        "println!",
        "eprintln!",
    ]);
    assert!(
        found.is_empty(),
        "the domain is not pure:\n{}",
        found.join("\n")
    );
}

#[test]
fn this_test_would_see_an_offence() {
    // the scanner itself: a forbidden word in a domain file is found
    let found = offences(&["pub fn check("]);
    assert!(!found.is_empty());
}
