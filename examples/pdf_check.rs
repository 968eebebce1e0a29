//! Prints HTML exports to PDF in headless Chromium and checks the pages with poppler's
//! `pdftotext`: every page of an exercise document carries the EXERCISE marker, and no word of a
//! table cell is broken across lines ("Obje" / "ctive"). Exits 1 naming each failure.
//!
//! ```sh
//! cargo run --release --example pdf_check -- OUT_DIR FILE.html...
//! ```
//! `scripts/check-print` makes every document of an incident and an exercise and runs this on
//! them. Needs `chromium` (or `$CHROMIUM`), `pdftotext` and `pdfinfo`.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

const MARK: &str = "EXERCISE — NOT A REAL INCIDENT";

fn run(cmd: &mut Command) -> Result<String, String> {
    let out = cmd
        .output()
        .map_err(|e| format!("cannot run {cmd:?}: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "{cmd:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

fn to_pdf(html: &Path, out_dir: &Path) -> Result<PathBuf, String> {
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "chromium".into());
    let stem = html.file_stem().unwrap_or_default().to_string_lossy();
    let pdf = out_dir.join(format!("{stem}.pdf"));
    let abs = std::fs::canonicalize(html).map_err(|e| format!("{}: {e}", html.display()))?;
    run(Command::new(&chromium).args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-pdf-header-footer",
        &format!("--print-to-pdf={}", pdf.display()),
        &format!("file://{}", abs.display()),
    ]))?;
    Ok(pdf)
}

fn pages(pdf: &Path) -> Result<usize, String> {
    let info = run(Command::new("pdfinfo").arg(pdf))?;
    info.lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .ok_or_else(|| format!("{}: pdfinfo gives no page count", pdf.display()))
}

fn page_text(pdf: &Path, page: usize) -> Result<String, String> {
    let p = page.to_string();
    run(Command::new("pdftotext")
        .args(["-f", &p, "-l", &p, "-layout"])
        .arg(pdf)
        .arg("-"))
}

/// The words of every table cell of the document, as they should appear whole on paper: runs
/// of 4 or more letters in tokens of at most 24 characters (a longer token, such as a hash or a
/// URL, may rightly be broken to fit its column).
fn cell_words(html: &str) -> Vec<String> {
    let doc = scraper::Html::parse_document(html);
    let Ok(sel) = scraper::Selector::parse("main td, main th") else {
        return Vec::new();
    };
    let mut words: Vec<String> = doc
        .select(&sel)
        .flat_map(|c| {
            c.text()
                .collect::<String>()
                .split_whitespace()
                .filter(|t| t.chars().count() <= 24)
                .flat_map(|t| {
                    t.split(|ch: char| !ch.is_alphabetic())
                        .filter(|w| w.chars().count() >= 4)
                        .map(str::to_string)
                        .collect::<Vec<_>>()
                })
                .collect::<Vec<_>>()
        })
        .collect();
    words.sort();
    words.dedup();
    words
}

fn check(html_path: &Path, out_dir: &Path) -> Result<Vec<String>, String> {
    let html =
        std::fs::read_to_string(html_path).map_err(|e| format!("{}: {e}", html_path.display()))?;
    let exercise = html.contains("running-header loud");
    let pdf = to_pdf(html_path, out_dir)?;
    let n = pages(&pdf)?;
    let mut problems = Vec::new();
    let mut all = String::new();
    for p in 1..=n {
        let text = page_text(&pdf, p)?;
        let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
        if exercise && !flat.contains(MARK) {
            problems.push(format!("page {p} of {n} lacks the EXERCISE marker"));
        }
        all.push_str(&text);
        all.push('\n');
    }
    // a word split over two lines of a cell shows as its two halves: it is not found whole
    let found: std::collections::HashSet<&str> = all
        .split(|ch: char| !ch.is_alphabetic())
        .filter(|w| !w.is_empty())
        .collect();
    for w in cell_words(&html) {
        if !found.contains(w.as_str()) {
            problems.push(format!(
                "the word \"{w}\" of a table cell is broken (or missing) in the PDF"
            ));
        }
    }
    println!(
        "{}: {n} page(s){}, {} problem(s)",
        pdf.display(),
        if exercise { ", exercise" } else { "" },
        problems.len()
    );
    Ok(problems)
}

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let Some(out) = args.next() else {
        eprintln!("usage: pdf_check OUT_DIR FILE.html...");
        return ExitCode::from(2);
    };
    let out = PathBuf::from(out);
    if let Err(e) = std::fs::create_dir_all(&out) {
        eprintln!("{}: {e}", out.display());
        return ExitCode::from(2);
    }
    let mut failed = false;
    for f in args {
        match check(Path::new(&f), &out) {
            Ok(problems) => {
                for p in &problems {
                    println!("  FAIL {f}: {p}");
                }
                failed |= !problems.is_empty();
            }
            Err(e) => {
                println!("  ERROR {f}: {e}");
                failed = true;
            }
        }
    }
    if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
