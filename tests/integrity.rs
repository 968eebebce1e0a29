//! A journal you can trust: unfinished writes at any byte, writer ids, witnesses, seals, and
//! honest results from every reader.

mod common;
use chrono::{TimeZone, Utc};
use common::*;
use muster::domain::command::{Command, StepAct};
use muster::domain::ids::{StepRef, WriterId};
use muster::journal::{file, store};
use muster::library::{self, Location};
use std::path::Path;

fn lines(p: &Path) -> Vec<String> {
    std::fs::read_to_string(p)
        .unwrap()
        .split_terminator('\n')
        .map(str::to_string)
        .collect()
}

fn json(r: &Run) -> serde_json::Value {
    serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("{e}: {}", r.stdout))
}

fn lib_arg() -> String {
    mini().to_str().unwrap().to_string()
}

#[test]
fn a_last_line_without_its_newline_is_never_an_event_and_the_next_append_keeps_the_chain() {
    let env = Env::new();
    let id = env.start(&["alpha"]);
    let lib = lib_arg();
    env.run(&["--library", &lib, "step", &id, "check", "start"])
        .ok();
    env.run(&["--library", &lib, "step", &id, "check", "done"])
        .ok();
    let journal = env.session_dir(&id).join("journal-w1.jsonl");
    // the reproducer: the write of `done` stopped just before its newline
    let len = std::fs::metadata(&journal).unwrap().len();
    std::fs::OpenOptions::new()
        .write(true)
        .open(&journal)
        .unwrap()
        .set_len(len - 1)
        .unwrap();
    let r = env.run(&["--library", &lib, "status", &id, "--json"]);
    assert_eq!(r.code, 0, "an unfinished write is a warning: {}", r.stderr);
    assert_eq!(
        json(&r)["steps"][0]["state"],
        "active",
        "the unacknowledged `done` is not in the state"
    );
    env.run(&[
        "--library",
        &lib,
        "step",
        &id,
        "check",
        "note",
        "--note",
        "after it",
    ])
    .ok();
    let r = env.run(&["verify", &id]);
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("an unfinished write"), "{}", r.stderr);
    let v = json(&env.run(&["--library", &lib, "status", &id, "--json"]).ok());
    assert_eq!(v["steps"][0]["state"], "active");
    assert_eq!(v["steps"][0]["notes"], serde_json::json!(["after it"]));
    assert_eq!(v["integrity"]["ok"], true);
}

/// A write stopped after each of its bytes (a crash, a full disk, a quota at any point): the
/// journal still verifies after the next append, and the unfinished event never counts.
#[test]
fn a_write_stopped_at_every_byte_offset_never_counts_and_never_breaks_the_journal() {
    cut_at_every_byte("the lost one");
}

/// The same with 2-, 3- and 4-byte characters in the line: a cut inside a character leaves bytes
/// that are not UTF-8, which are an unfinished write all the same.
#[test]
fn a_write_cut_inside_a_multi_byte_character_is_an_unfinished_write_too() {
    cut_at_every_byte("Zürich ✓ 🚒 é — 北");
}

fn cut_at_every_byte(lost: &str) {
    let env = Env::new();
    let id = env.start(&["alpha"]);
    let home = env.home();
    let lib = library::load(
        &Location::Dir(mini()),
        Utc.with_ymd_and_hms(2026, 11, 21, 0, 0, 0)
            .unwrap()
            .date_naive(),
    )
    .unwrap();
    let writer = WriterId::new("w1");
    let at = Utc.with_ymd_and_hms(2026, 11, 21, 3, 0, 0).unwrap();
    let note = |text: &str| Command::Step {
        step: StepRef::new("alpha", "check"),
        act: StepAct::Note,
        text: Some(text.into()),
        to: None,
        anyway: false,
    };
    let journal = env.session_dir(&id).join("journal-w1.jsonl");
    // the bytes an append writes: recorded once, then taken off again
    let before = std::fs::read(&journal).unwrap();
    let mut o = store::open(&home, &lib, &id, &writer).unwrap();
    o.submit(&note(lost), "ann", at, &lib).unwrap();
    let line = std::fs::read(&journal).unwrap()[before.len()..].to_vec();
    assert!(line.len() > 200 && line.ends_with(b"\n"));
    for cut in 1..line.len() {
        let mut bytes = before.clone();
        bytes.extend_from_slice(&line[..cut]);
        std::fs::write(&journal, &bytes).unwrap();
        let _ = std::fs::remove_file(env.session_dir(&id).join(muster::journal::checkpoint::NAME));
        let mut o = store::open(&home, &lib, &id, &writer).unwrap();
        let notes = |o: &store::Opened| o.session.state.plans[0].steps[0].notes.len();
        assert_eq!(
            notes(&o),
            0,
            "cut at {cut}: an unfinished write is not an event"
        );
        assert_eq!(o.journal.errors(), 0, "cut at {cut}");
        o.submit(&note("after"), "ann", at, &lib)
            .unwrap_or_else(|e| panic!("cut at {cut}: {e}"));
        let (chain, events) = file::read_file(&journal).unwrap();
        assert_eq!(chain.errors(), 0, "cut at {cut}: {:?}", chain.problems);
        // a cut between two lines of the append leaves no unfinished write, only fewer lines
        assert!(
            line[cut - 1] == b'\n' || chain.problems.iter().any(|p| !p.error),
            "cut at {cut} of {}: the unfinished write is reported as a warning: {:?}\n{}",
            line.len(),
            chain.problems,
            String::from_utf8_lossy(&std::fs::read(&journal).unwrap())
        );
        let texts: Vec<String> = events
            .iter()
            .filter_map(|e| match &e.body {
                muster::domain::event::Body::Note { text, .. } => Some(text.clone()),
                _ => None,
            })
            .collect();
        assert_eq!(texts, vec!["after".to_string()], "cut at {cut}");
        let o = store::open(&home, &lib, &id, &writer).unwrap();
        assert_eq!(o.journal.errors(), 0, "cut at {cut}");
        assert_eq!(o.session.state.plans[0].steps[0].notes.len(), 1);
        // and `muster verify` (every line, every signature) passes, with a warning
        let r = muster::journal::verify::verify(o.dir(), o.id(), None, at).unwrap();
        assert_eq!(r.errors(), 0, "cut at {cut}: {:?}", r.problems);
    }
    let r = env.run(&["verify", &id]);
    assert_eq!(r.code, 0, "{}", r.stderr);
}

#[test]
fn two_homes_on_one_machine_get_different_writers_and_each_keeps_its_own() {
    let a = Env::new();
    let b = Env::new();
    let ids: Vec<String> = [&a, &b]
        .iter()
        .map(|env| {
            let id = {
                let mini = mini();
                let r = env.run_with(
                    &["--library", mini.to_str().unwrap(), "start", "alpha"],
                    &[("MUSTER_WRITER", "")],
                );
                r.ok().stdout.trim().to_string()
            };
            let names: Vec<String> = std::fs::read_dir(env.session_dir(&id))
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .filter(|n| n.starts_with("journal-"))
                .collect();
            assert_eq!(names.len(), 1);
            let kept = std::fs::read_to_string(env.home().join("writer-id")).unwrap();
            assert_eq!(names[0], format!("journal-{}.jsonl", kept.trim()));
            names[0].clone()
        })
        .collect();
    assert_ne!(ids[0], ids[1], "two homes, two writers");
    // the same home keeps its writer
    let mini = mini();
    let r = a.run_with(
        &["--library", mini.to_str().unwrap(), "start", "alpha"],
        &[("MUSTER_WRITER", "")],
    );
    let id = r.ok().stdout.trim().to_string();
    assert!(a.session_dir(&id).join(&ids[0]).exists());
}

/// Two writers; `w2` records after seeing `w1`. Returns the env, the session and both paths.
fn two_writers() -> (Env, String, std::path::PathBuf, std::path::PathBuf) {
    let env = Env::new();
    let id = env.start(&["alpha"]);
    let lib = lib_arg();
    let w2 = [("MUSTER_WRITER", "w2")];
    env.run(&["--library", &lib, "step", &id, "check", "start"])
        .ok();
    env.run(&[
        "--library",
        &lib,
        "step",
        &id,
        "check",
        "note",
        "--note",
        "one",
    ])
    .ok();
    env.run_with(
        &[
            "--library",
            &lib,
            "step",
            &id,
            "check",
            "note",
            "--note",
            "two",
        ],
        &w2,
    )
    .ok();
    let dir = env.session_dir(&id);
    (
        env,
        id,
        dir.join("journal-w1.jsonl"),
        dir.join("journal-w2.jsonl"),
    )
}

#[test]
fn a_writer_file_deleted_after_another_writer_saw_it_fails_verify_naming_the_witness() {
    let (env, id, w1, w2) = two_writers();
    let seen: serde_json::Value = serde_json::from_str(lines(&w2).last().unwrap()).unwrap();
    assert_eq!(seen["saw"][0]["w"], "w1", "w2 says what it saw: {seen}");
    assert_eq!(seen["saw"][0]["seq"], 3);
    std::fs::remove_file(&w1).unwrap();
    let r = env.run(&["verify", &id]);
    assert_eq!(r.code, 1, "{}\n{}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains("journal-w2.jsonl:")
            && r.stderr.contains("saw writer `w1` at event 3")
            && r.stderr.contains("journal-w1.jsonl is missing"),
        "{}",
        r.stderr
    );
    // every reader says so, and says it with its exit code
    let lib = lib_arg();
    let r = env.run(&["--library", &lib, "status", &id, "--json"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let v = json(&r);
    assert_eq!(v["integrity"]["ok"], false);
    assert!(
        v["integrity"]["problems"][0]
            .as_str()
            .unwrap()
            .contains("journal-w1.jsonl is missing"),
        "{v}"
    );
    let r = env.run(&["--library", &lib, "log", &id]);
    assert_eq!(r.code, 1);
    assert!(r.stdout.contains("WARNING: this journal does not verify"));
}

#[test]
fn a_writer_file_rolled_back_to_an_older_copy_fails_verify_naming_the_witness() {
    let (env, id, w1, _) = two_writers();
    let old = lines(&w1)[..2].join("\n") + "\n";
    std::fs::write(&w1, old).unwrap();
    let r = env.run(&["verify", &id]);
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert!(
        r.stderr.contains("journal-w2.jsonl:")
            && r.stderr
                .contains("journal-w1.jsonl now ends at event 2: it was rolled back or truncated"),
        "{}",
        r.stderr
    );
    let r = env.run(&["--library", &lib_arg(), "status", &id]);
    assert_eq!(r.code, 1);
    assert!(r.stdout.contains("WARNING: this journal does not verify"));
}

#[test]
fn a_rewritten_history_under_a_claim_fails_verify_even_when_the_file_is_longer() {
    let (env, id, w1, w2) = two_writers();
    let lib = lib_arg();
    // w1 goes on; then its third line is swapped for another, with a chain rebuilt after it
    env.run(&[
        "--library",
        &lib,
        "step",
        &id,
        "check",
        "note",
        "--note",
        "three",
    ])
    .ok();
    let first = lines(&w1);
    // rebuild w1's file from its own events with a different third note, re-chained and re-summed
    let mut events = file::read_file(&w1).unwrap().1;
    if let muster::domain::event::Body::Note { text, .. } = &mut events[2].body {
        *text = "forged".into();
    } else {
        panic!("the third event is the note");
    }
    // by someone with write access to the file, who has their own key but not w1's: every line
    // re-signed, the file consistent in itself
    let forger = muster::journal::keys::Signer::from_seed(&[9; 32]);
    let mut prev = None;
    let mut out = String::new();
    for (i, e) in events.iter_mut().enumerate() {
        e.prev = prev.clone();
        e.key = (i == 0).then(|| forger.public_hex().to_string());
        let line = file::encode_signed(e, &forger, &id);
        prev = Some(muster::domain::sha256_hex(line.as_bytes()));
        out.push_str(&line);
        out.push('\n');
    }
    std::fs::write(&w1, out).unwrap();
    assert_eq!(lines(&w1).len(), first.len());
    let (chain, _) = file::read_file(&w1).unwrap();
    assert_eq!(chain.errors(), 0, "the forged file is consistent in itself");
    let r = env.run(&["verify", &id]);
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert!(
        r.stderr.contains("journal-w2.jsonl:") && r.stderr.contains("replaced or rewritten"),
        "{}",
        r.stderr
    );
    let _ = w2;
}

#[test]
fn a_seal_proves_everything_it_covered_and_any_cut_tail_breaks_it() {
    let (env, id, w1, w2) = two_writers();
    let r = env.run(&["seal", &id]).ok();
    let digest = r.stdout.trim().to_string();
    assert_eq!(digest.len(), 19, "{digest}");
    assert_eq!(r.stdout.lines().count(), 1, "the digest alone");
    // a seal with nothing since is the same seal
    assert_eq!(env.run(&["seal", &id]).ok().stdout.trim(), digest);
    let r = env.run(&[
        "verify",
        &id,
        "--seal",
        &digest.to_lowercase().replace('-', " "),
    ]);
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    assert!(
        r.stdout.contains("all still in the journal"),
        "{}",
        r.stdout
    );
    // cutting any file's tail at a line boundary breaks the seal
    for path in [&w1, &w2] {
        let keep = std::fs::read(path).unwrap();
        let ls = lines(path);
        std::fs::write(path, ls[..ls.len() - 1].join("\n") + "\n").unwrap();
        let r = env.run(&["verify", &id, "--seal", &digest]);
        assert_eq!(r.code, 1, "{}: {}", path.display(), r.stdout);
        std::fs::write(path, keep).unwrap();
    }
    // later events do not break it
    let lib = lib_arg();
    env.run(&["--library", &lib, "step", &id, "check", "done"])
        .ok();
    env.run(&["verify", &id, "--seal", &digest]).ok();
    let v = json(&env.run(&["export", &id, "--format", "json"]).ok());
    assert_eq!(v["integrity"]["seal"]["digest"], digest.as_str());
    assert_eq!(v["integrity"]["seal"]["holds"], true);
    assert_eq!(v["integrity"]["seal"]["after"], 1);
    let md = env.run(&["export", &id, "--format", "md"]).ok().stdout;
    assert!(md.contains(&format!("Seal {digest}")), "{md}");

    let r = env.run(&["verify", &id, "--seal", "AAAA-AAAA-AAAA-AAAA"]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("there is no seal AAAA-AAAA-AAAA-AAAA"));
    let r = env.run(&["verify", &id, "--seal", "not a seal"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
}

#[test]
fn an_export_of_a_tampered_session_never_says_verified() {
    let (env, id, w1, _) = two_writers();
    std::fs::remove_file(&w1).unwrap();
    let r = env.run(&["export", &id, "--format", "json"]);
    assert_eq!(r.code, 1);
    let v = json(&r);
    assert_eq!(v["integrity"]["ok"], false);
    assert!(!v["integrity"]["problems"].as_array().unwrap().is_empty());
    for format in ["md", "html"] {
        let r = env.run(&["export", &id, "--format", format]);
        assert_eq!(r.code, 1);
        assert!(!r.stdout.contains("Verified"), "{format}");
        assert!(r.stdout.contains("NOT VERIFIED"), "{format}");
    }
}

#[test]
fn a_failed_verify_stays_in_view_until_one_passes() {
    let (env, id, w1, _) = two_writers();
    let keep = std::fs::read(&w1).unwrap();
    std::fs::remove_file(&w1).unwrap();
    assert_eq!(env.run(&["verify", &id]).code, 1);
    std::fs::write(&w1, &keep).unwrap();
    let lib = lib_arg();
    let r = env.run(&["--library", &lib, "status", &id]);
    assert_eq!(r.code, 1, "the failure is remembered");
    assert!(
        r.stderr.contains("`muster verify` found 1 problem(s)"),
        "{}",
        r.stderr
    );
    env.run(&["verify", &id]).ok();
    env.run(&["--library", &lib, "status", &id]).ok();
}

#[test]
fn a_file_rolled_back_under_a_running_reader_is_reported_not_silently_rewound() {
    let env = Env::new();
    let id = env.start(&["alpha"]);
    let lib = library::load(
        &Location::Dir(mini()),
        Utc.with_ymd_and_hms(2026, 11, 21, 0, 0, 0)
            .unwrap()
            .date_naive(),
    )
    .unwrap();
    let writer = WriterId::new("w1");
    let mut o = store::open(&env.home(), &lib, &id, &writer).unwrap();
    let journal = env.session_dir(&id).join("journal-w1.jsonl");
    let old = std::fs::read(&journal).unwrap();
    let at = Utc.with_ymd_and_hms(2026, 11, 21, 3, 0, 0).unwrap();
    o.submit(
        &Command::Step {
            step: StepRef::new("alpha", "check"),
            act: StepAct::Done,
            text: None,
            to: None,
            anyway: false,
        },
        "ann",
        at,
        &lib,
    )
    .unwrap();
    // an older copy of the file is put back (a restore, a sync tool, an attacker)
    std::fs::write(&journal, old).unwrap();
    o.journal.refresh(&mut o.session, &lib).unwrap();
    assert!(
        o.journal
            .problems()
            .any(|p| p.error && p.message.contains("shorter than when this muster read it")),
        "{:?}",
        o.journal.problems().collect::<Vec<_>>()
    );
    assert!(!o.integrity().ok);
}
