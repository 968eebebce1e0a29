//! What the plan format's newer parts look like in the TUI at 80x24: a Markdown table drawn as a
//! table, a link with its address, and an overdue deadline in the step list and the details.

mod common;
#[path = "common/harness.rs"]
mod harness;
use harness::*;

use muster::library::{self, Location};
use std::sync::Arc;

const GAMMA: &str = r#"Plan(
    id: "gamma",
    title: "Tell the regulator",
    kind: Communication,
    steps: [
        Step(id: "notify", title: "Notify the regulator", due: (after: "15m", from: Declared),
             links: [(text: "Breach form", url: "https://regulator.example.org/report")],
             body: "Use the form; see [the guide](https://regulator.example.org/guide)."),
        Step(id: "triage", title: "Triage by symptom",
             body: "| Symptom | Action |\n|---|---|\n| Orders stop | Page the DBA |\n| Site slow | Check the CDN |"),
        Step(id: "status", title: "Update the status page", every: "1h"),
    ],
)"#;

fn harness() -> Harness {
    let dir = tempfile::tempdir().unwrap();
    common::copy_dir(&common::mini(), dir.path());
    std::fs::write(dir.path().join("plans/gamma.ron"), GAMMA).unwrap();
    let mut lib =
        library::load(&Location::Dir(dir.path().to_path_buf()), t0().date_naive()).unwrap();
    lib.origin = "tests/fixtures/mini+gamma".into();
    assert!(
        !lib.diagnostics.iter().any(|d| d.is_error()),
        "{:?}",
        lib.diagnostics
    );
    Harness::with(80, 24, Arc::new(lib))
}

#[test]
fn an_overdue_step_is_marked_in_the_list_and_its_details_say_since_when() {
    let mut h = harness();
    // gamma is the third plan; start an incident on it
    h.press("<Down><Down>s1<Enter><Enter>");
    h.now += chrono::Duration::minutes(20);
    h.press("");
    let screen = h.screen();
    assert!(screen.contains("!02:45"), "{screen}");
    assert!(
        screen.contains("OVERDUE") && screen.contains("since 02:45"),
        "{screen}"
    );
    insta::assert_snapshot!("overdue_deadline_and_link", screen);
}

#[test]
fn a_table_is_drawn_as_a_table() {
    let mut h = harness();
    h.press("<Down><Down><Enter><Down>");
    let screen = h.screen();
    assert!(screen.contains("Symptom     │ Action"), "{screen}");
    assert!(screen.contains("Orders stop │ Page the DBA"), "{screen}");
    insta::assert_snapshot!("table", screen);
}

/// No phone number of the sample index is broken across lines in a step's details, at any
/// width from 60 to 200 columns.
#[test]
fn phone_numbers_are_never_split_across_lines() {
    let lib = Arc::new(library::load(&Location::Builtin, t0().date_naive()).unwrap());
    let phones: Vec<String> = lib
        .index
        .people
        .iter()
        .flat_map(|p| p.phones.iter())
        // the number, without a label such as "(desk)" after it
        .map(|p| p.split(" (").next().unwrap_or(p).trim().to_string())
        .filter(|p| p.contains(' '))
        .collect();
    assert!(phones.len() > 10);
    // one step for each role the sample plans name
    let mut seen = std::collections::HashSet::new();
    let mut targets = Vec::new();
    for (pi, p) in lib.plans.iter().enumerate() {
        for (si, s) in p.steps.iter().enumerate() {
            if let Some(r) = &s.role
                && seen.insert(r.v.clone())
            {
                targets.push((pi, si));
            }
        }
    }
    for (pi, si) in targets {
        let mut h = Harness::with(120, 60, Arc::clone(&lib));
        h.press(&format!(
            "{}s1<Enter><Enter>{}",
            "<Down>".repeat(pi),
            "<Down>".repeat(si)
        ));
        for w in 60..=200u16 {
            h.resize(w, 60);
            h.draw();
            let screen = h.screen();
            let lines: Vec<&str> = screen.lines().collect();
            for ph in &phones {
                for (k, _) in ph.match_indices(' ') {
                    let (a, b) = (&ph[..k], &ph[k + 1..]);
                    for i in 0..lines.len().saturating_sub(1) {
                        let next = lines[i + 1].rsplit('│').next().unwrap_or("").trim_start();
                        assert!(
                            !(lines[i].trim_end().ends_with(a) && next.starts_with(b)),
                            "{ph} is split at {w} columns:\n{screen}"
                        );
                    }
                }
            }
        }
    }
}

/// A long command is wrapped with a mark on each continued line, nothing of it cut off, and
/// `y` puts the commands on the clipboard.
#[test]
fn long_commands_wrap_with_a_mark_and_can_be_copied() {
    let long = format!(
        "aws s3 sync s3://backups-{}/db/ /restore --exact-timestamps --only-show-errors",
        "x".repeat(60)
    );
    let dir = tempfile::tempdir().unwrap();
    common::copy_dir(&common::mini(), dir.path());
    std::fs::write(
        dir.path().join("plans/gamma.ron"),
        format!(
            r#"Plan(id: "gamma", title: "Gamma", steps: [Step(id: "a", title: "Sync", commands: ["{long}"],
                expected: "`aws` prints **nothing**")])"#
        ),
    )
    .unwrap();
    let lib = library::load(&Location::Dir(dir.path().to_path_buf()), t0().date_naive()).unwrap();
    let at = lib.plans.iter().position(|p| p.id.v == "gamma").unwrap();
    let mut h = Harness::with(80, 30, Arc::new(lib));
    h.press(&format!("{}s1<Enter><Enter>", "<Down>".repeat(at)));
    let screen = h.screen();
    let mut joined = String::new();
    for l in screen.lines() {
        let right = l.rsplit('│').next().unwrap_or("").trim_start();
        if let Some(rest) = right
            .strip_prefix("$ ")
            .or_else(|| right.strip_prefix("↪ "))
        {
            joined.push_str(rest.trim_end());
        }
    }
    assert_eq!(joined, long, "{screen}");
    assert!(screen.contains("↪ "), "{screen}");
    // Markdown in the expected result is rendered, not shown raw
    assert!(screen.contains("aws prints nothing"), "{screen}");
    h.press("y");
    assert_eq!(h.store.copied, vec![long.clone()]);
    assert!(h.screen().contains("Copied 1 command(s)"), "{}", h.screen());
}

/// A role's people at 80x24: each number whole, a line wrapped only between numbers.
#[test]
fn a_wrapped_contact_block_at_80x24() {
    let lib = Arc::new(library::load(&Location::Builtin, t0().date_naive()).unwrap());
    let at = lib
        .plans
        .iter()
        .position(|p| p.id.v == "db-restore")
        .unwrap();
    let mut h = Harness::with(80, 24, Arc::clone(&lib));
    // db-restore asks its restore point; the repository takes its default
    h.press(&format!(
        "{}s1<Enter>2026-11-21 01:30<Enter><Enter><Enter>",
        "<Down>".repeat(at)
    ));
    let screen = h.screen();
    assert!(screen.contains("Who: Incident Commander"), "{screen}");
    assert!(screen.contains("+44 161 496 0111"), "{screen}");
    insta::assert_snapshot!("contact_block_80x24", screen);
}
