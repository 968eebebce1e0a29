//! `muster check` of a file with a 1 MB line and thousands of errors stays small: every
//! diagnostic shows a window of its line, never the whole line. (Its own test binary: the peak
//! memory of children is counted per process.)

#![cfg(target_os = "linux")]

mod common;
use common::*;

#[test]
fn a_megabyte_line_with_thousands_of_errors_is_checked_in_little_memory() {
    let env = Env::new();
    let lib = env.copy_mini();
    let pad = "x".repeat(400);
    let steps: Vec<String> = (0..2000)
        .map(|i| {
            format!("Step(id: \"s{i}\", title: \"{pad}\", role: \"nobody{i}\", depends_on: [\"missing{i}\"])")
        })
        .collect();
    let line = format!(
        "Plan(id: \"alpha\", title: \"Big\", kind: Continuity, phases: [Phase(title: \"A\", steps: [{}])])\n",
        steps.join(", ")
    );
    assert!(line.len() > 900_000);
    std::fs::write(lib.join("plans/alpha.ron"), line).unwrap();
    let r = env.run(&["--library", lib.to_str().unwrap(), "check"]);
    assert_eq!(r.code, 1);
    assert!(r.stdout.contains("4000 error(s)"), "{}", r.stdout);
    assert!(
        r.stderr.contains("and 3950 more problem(s) in this file"),
        "{}",
        &r.stderr[r.stderr.len().saturating_sub(500)..]
    );
    assert!(
        r.stderr.len() < 200_000,
        "the output is bounded too: {}",
        r.stderr.len()
    );
    // SAFETY: getrusage fills the struct it is given.
    let peak_kb = unsafe {
        let mut u: libc::rusage = std::mem::zeroed();
        libc::getrusage(libc::RUSAGE_CHILDREN, &mut u);
        u.ru_maxrss
    };
    assert!(peak_kb < 100 * 1024, "peak {peak_kb} KB");
}
