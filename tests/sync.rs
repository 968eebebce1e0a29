//! Sessions across machines: `muster sync` through a bare git repository, and `muster merge` of
//! a copied folder. Nothing lost, a writer-id collision reported and both histories kept.

mod common;
use common::*;
use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

fn lib() -> String {
    mini().to_str().unwrap().to_string()
}

/// A home with its own writer.
fn home(writer: &'static str) -> (Env, [(&'static str, &'static str); 1]) {
    (Env::new(), [("MUSTER_WRITER", writer)])
}

fn run(env: &Env, w: &[(&str, &str)], args: &[&str]) -> Run {
    let l = lib();
    let mut a = vec!["--library", l.as_str()];
    a.extend_from_slice(args);
    env.run_with(&a, w)
}

fn bare(env: &Env) -> String {
    let p = env.dir.path().join("shared.git");
    let o = Command::new("git")
        .args(["init", "-q", "--bare"])
        .arg(&p)
        .output()
        .unwrap();
    assert!(o.status.success());
    p.to_str().unwrap().to_string()
}

/// Every event id in every journal of a session folder.
fn ids(dir: &Path) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "jsonl") {
            for l in std::fs::read_to_string(&p).unwrap().lines() {
                if let Ok(v) = serde_json::from_str::<serde_json::Value>(l) {
                    out.insert(v["id"].as_str().unwrap().to_string());
                }
            }
        }
    }
    out
}

fn note(env: &Env, w: &[(&str, &str)], id: &str, text: &str) {
    run(env, w, &["step", id, "check", "note", "--note", text]).ok();
}

#[test]
fn two_homes_syncing_through_a_bare_repository_end_with_every_event() {
    let (a, wa) = home("site-a");
    let (b, wb) = home("site-b");
    let remote = bare(&a);
    let id = run(&a, &wa, &["start", "alpha"])
        .ok()
        .stdout
        .trim()
        .to_string();
    note(&a, &wa, &id, "a1");
    run(&a, &wa, &["sync", &remote]).ok();
    run(&b, &wb, &["sync", &remote]).ok();
    assert!(b.session_dir(&id).is_dir(), "b has the session");
    note(&b, &wb, &id, "b1");
    note(&a, &wa, &id, "a2");
    // `muster sync` repeats the last remote
    run(&a, &wa, &["sync"]).ok();
    run(&b, &wb, &["sync"]).ok();
    run(&a, &wa, &["sync"]).ok();
    assert_eq!(ids(&a.session_dir(&id)), ids(&b.session_dir(&id)));

    // both record, then both sync at the same moment
    for i in 0..3 {
        note(&a, &wa, &id, &format!("a-more-{i}"));
        note(&b, &wb, &id, &format!("b-more-{i}"));
    }
    let spawn = |env: &Env, w: &[(&str, &str)]| {
        let mut c = env.cmd(&["sync"]);
        for (k, v) in w {
            c.env(k, v);
        }
        c.stderr(std::process::Stdio::piped()).spawn().unwrap()
    };
    let pa = spawn(&a, &wa);
    let pb = spawn(&b, &wb);
    for p in [pa, pb] {
        let o = p.wait_with_output().unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
    run(&a, &wa, &["sync"]).ok();
    run(&b, &wb, &["sync"]).ok();
    let (ea, eb) = (ids(&a.session_dir(&id)), ids(&b.session_dir(&id)));
    assert_eq!(ea, eb, "both end with every event");
    assert!(ea.len() >= 10, "{}", ea.len());
    for (env, w) in [(&a, &wa), (&b, &wb)] {
        run(env, w, &["verify", &id]).ok();
        let v: serde_json::Value =
            serde_json::from_str(&run(env, w, &["status", &id, "--json"]).ok().stdout).unwrap();
        let notes = v["steps"][0]["notes"].as_array().unwrap().len();
        assert_eq!(notes, 9, "{v}");
    }
}

#[test]
fn a_sync_with_the_remote_missing_exits_3_and_changes_nothing() {
    let (a, wa) = home("site-a");
    let id = run(&a, &wa, &["start", "alpha"])
        .ok()
        .stdout
        .trim()
        .to_string();
    let before = ids(&a.session_dir(&id));
    let gone = a.dir.path().join("usb/not-there.git");
    let r = run(&a, &wa, &["sync", gone.to_str().unwrap()]);
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(
        r.stderr.contains("cannot reach") && r.stderr.contains("Nothing was changed"),
        "{}",
        r.stderr
    );
    assert!(!a.home().join(".sync").exists(), "no staging made");
    assert_eq!(ids(&a.session_dir(&id)), before);
    // no remote given and none remembered: say how to give one
    let r = run(&a, &wa, &["sync"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("give one"), "{}", r.stderr);
}

#[test]
fn merging_a_copied_folder_adds_what_is_new_and_is_idempotent() {
    let (a, wa) = home("site-a");
    let (b, wb) = home("site-b");
    let id = run(&a, &wa, &["start", "alpha"])
        .ok()
        .stdout
        .trim()
        .to_string();
    copy_dir(&a.session_dir(&id), &b.session_dir(&id));
    note(&b, &wb, &id, "from b");
    note(&a, &wa, &id, "from a");
    let r = run(&a, &wa, &["merge", b.session_dir(&id).to_str().unwrap()]).ok();
    assert!(r.stderr.contains("1 new writer file(s)"), "{}", r.stderr);
    let r = run(&a, &wa, &["merge", b.session_dir(&id).to_str().unwrap()]).ok();
    assert!(r.stderr.contains("nothing new"), "{}", r.stderr);
    note(&b, &wb, &id, "from b again");
    let r = run(&a, &wa, &["merge", b.session_dir(&id).to_str().unwrap()]).ok();
    assert!(r.stderr.contains("1 new line(s)"), "{}", r.stderr);
    run(&a, &wa, &["verify", &id]).ok();
    let all = ids(&a.session_dir(&id));
    assert!(ids(&b.session_dir(&id)).is_subset(&all));
}

#[test]
fn two_homes_given_one_writer_id_write_separate_files_and_nothing_mixes() {
    let (a, w) = home("same");
    let b = Env::new();
    let id = run(&a, &w, &["start", "alpha"])
        .ok()
        .stdout
        .trim()
        .to_string();
    copy_dir(&a.session_dir(&id), &b.session_dir(&id));
    // two machines with the same MUSTER_WRITER: b cannot sign a's file, so it goes on in its own
    note(&a, &w, &id, "on a");
    let r = run(&b, &w, &["step", &id, "check", "note", "--note", "on b"]).ok();
    let _ = r;
    assert!(
        b.session_dir(&id).join("journal-same.2.jsonl").is_file(),
        "b goes on in a continuation file"
    );
    let theirs = ids(&b.session_dir(&id));
    let ours = ids(&a.session_dir(&id));
    let r = run(&a, &w, &["merge", b.session_dir(&id).to_str().unwrap()]).ok();
    assert!(r.stderr.contains("1 new writer file(s)"), "{}", r.stderr);
    let all = ids(&a.session_dir(&id));
    assert!(
        theirs.is_subset(&all) && ours.is_subset(&all),
        "nothing lost"
    );
    let v: serde_json::Value =
        serde_json::from_str(&run(&a, &w, &["status", &id, "--json"]).stdout).unwrap();
    let notes: Vec<&str> = v["steps"][0]["notes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_str().unwrap())
        .collect();
    assert!(
        notes.contains(&"on a") && notes.contains(&"on b"),
        "{notes:?}"
    );
    run(&a, &w, &["verify", &id]).ok();
}

#[test]
fn a_cloned_home_is_reported_and_both_histories_are_kept() {
    let (a, w) = home("same");
    let b = Env::new();
    let id = run(&a, &w, &["start", "alpha"])
        .ok()
        .stdout
        .trim()
        .to_string();
    // a copy of the whole home, its signing key with it (a cloned VM, a restored backup)
    copy_dir(&a.home(), &b.home());
    note(&a, &w, &id, "on a");
    note(&b, &w, &id, "on b");
    let theirs = ids(&b.session_dir(&id));
    let ours = ids(&a.session_dir(&id));
    let before = std::fs::read(a.session_dir(&id).join("journal-same.jsonl")).unwrap();
    let r = run(&a, &w, &["merge", b.session_dir(&id).to_str().unwrap()]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("two different histories claim writer `same`"),
        "{}",
        r.stderr
    );
    assert_eq!(
        std::fs::read(a.session_dir(&id).join("journal-same.jsonl")).unwrap(),
        before,
        "this home's own file is its own"
    );
    let kept: Vec<String> = std::fs::read_dir(a.session_dir(&id))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("journal-same@"))
        .collect();
    assert_eq!(kept.len(), 1, "{kept:?}");
    let all = ids(&a.session_dir(&id));
    assert!(
        theirs.is_subset(&all) && ours.is_subset(&all),
        "nothing lost"
    );
    // both histories are read
    let v: serde_json::Value =
        serde_json::from_str(&run(&a, &w, &["status", &id, "--json"]).stdout).unwrap();
    let notes: Vec<&str> = v["steps"][0]["notes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_str().unwrap())
        .collect();
    assert!(
        notes.contains(&"on a") && notes.contains(&"on b"),
        "{notes:?}"
    );
    // merged again: nothing new, and no second copy
    let r = run(&a, &w, &["merge", b.session_dir(&id).to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
}

#[test]
fn a_remote_that_is_not_a_git_repository_is_said_so_in_one_sentence() {
    let (a, wa) = home("site-a");
    run(&a, &wa, &["start", "alpha"]).ok();
    let plain = a.dir.path().join("just-a-folder");
    std::fs::create_dir_all(&plain).unwrap();
    let r = run(&a, &wa, &["sync", plain.to_str().unwrap()]);
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("does not appear to be a git repository. Nothing was changed"),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains(".."), "{}", r.stderr);
}
