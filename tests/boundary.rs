//! The boundary with other machines, tried as an attacker with write access to the sync
//! repository or the USB stick would (issue 23): a line forged into this home's own file, into
//! another writer's, or sent as a second history; a folder with a link in it; thousands of junk
//! files. Nothing that arrives may put words in a responder's mouth, change this home's own
//! files, or stop a session.

mod common;
use common::*;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::process::Command;

fn lib() -> String {
    mini().to_str().unwrap().to_string()
}

fn run(env: &Env, writer: &str, args: &[&str]) -> Run {
    let l = lib();
    let mut a = vec!["--library", l.as_str()];
    a.extend_from_slice(args);
    env.run_with(&a, &[("MUSTER_WRITER", writer)])
}

fn git(dir: &Path, args: &[&str]) {
    let o = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args([
            "-c",
            "user.name=x",
            "-c",
            "user.email=x@x",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
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

/// A line that copies the file's last event with another text, chained and summed exactly as
/// docs/FORMAT.md describes (`seq`, `prev`, `sum`), but signed by no one: what anyone who can
/// write to the repository can make.
fn forged_line(file_bytes: &[u8], text: &str) -> String {
    let last = file_bytes
        .split(|&b| b == b'\n')
        .rfind(|l| !l.is_empty())
        .unwrap();
    let mut v: serde_json::Value = serde_json::from_slice(last).unwrap();
    let o = v.as_object_mut().unwrap();
    o.remove("sum");
    o.remove("sig");
    o.remove("key");
    o.remove("saw");
    let seq = o["seq"].as_u64().unwrap() + 1;
    o.insert("seq".into(), seq.into());
    o.insert("id".into(), format!("{:016x}", 0xf0f0_0000u64 + seq).into());
    o.insert("kind".into(), "note".into());
    o.insert("text".into(), text.into());
    o.remove("note");
    o.insert("prev".into(), hex(&Sha256::digest(last)).into());
    let body = serde_json::to_string(&v).unwrap();
    let sum = hex(&Sha256::digest(body.as_bytes()));
    format!("{},\"sum\":\"{sum}\"}}\n", &body[..body.len() - 1])
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// A working clone of the shared repository's `muster` branch, to tamper with.
fn clone(env: &Env, remote: &str) -> PathBuf {
    let work = env.dir.path().join("attacker");
    let o = Command::new("git")
        .args(["clone", "-q", "-b", "muster", remote])
        .arg(&work)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    work
}

fn push(work: &Path) {
    git(work, &["add", "-A", "."]);
    git(work, &["commit", "-q", "-m", "not muster"]);
    git(work, &["push", "-q", "origin", "HEAD:muster"]);
}

fn notes(env: &Env, writer: &str, id: &str) -> String {
    run(env, writer, &["status", id, "--json"]).stdout
}

/// Two homes sharing a session through a bare repository, each having written in it.
fn two_homes() -> (Env, Env, String, String) {
    let a = Env::new();
    let b = Env::new();
    let remote = bare(&a);
    let id = run(&a, "site-a", &["start", "alpha"])
        .ok()
        .stdout
        .trim()
        .to_string();
    run(
        &a,
        "site-a",
        &["step", &id, "check", "note", "--note", "a says"],
    )
    .ok();
    run(&a, "site-a", &["sync", &remote]).ok();
    run(&b, "site-b", &["sync", &remote]).ok();
    run(
        &b,
        "site-b",
        &["step", &id, "check", "note", "--note", "b says"],
    )
    .ok();
    run(&b, "site-b", &["sync"]).ok();
    run(&a, "site-a", &["sync"]).ok();
    (a, b, remote, id)
}

#[test]
fn a_line_forged_into_this_homes_own_file_is_refused_and_the_file_is_unchanged() {
    let (a, b, remote, id) = two_homes();
    let mine = a.session_dir(&id).join("journal-site-a.jsonl");
    let before = std::fs::read(&mine).unwrap();
    let work = clone(&a, &remote);
    let theirs = work.join("sessions").join(&id).join("journal-site-a.jsonl");
    let mut bytes = std::fs::read(&theirs).unwrap();
    bytes.extend(forged_line(&bytes, "a never said this").as_bytes());
    std::fs::write(&theirs, bytes).unwrap();
    push(&work);

    let r = run(&a, "site-a", &["sync"]);
    assert_ne!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("journal-site-a.jsonl"), "{}", r.stderr);
    assert_eq!(
        std::fs::read(&mine).unwrap(),
        before,
        "byte for byte unchanged"
    );
    assert!(!notes(&a, "site-a", &id).contains("never said"));
    // a sent its own file again: the next home to sync gets it whole, not the forgery
    run(&b, "site-b", &["sync"]).ok();
    assert!(!notes(&b, "site-b", &id).contains("never said"));
    run(&b, "site-b", &["verify", &id]).ok();
}

#[test]
fn a_line_forged_into_another_writers_file_fails_verify_naming_the_file_and_line() {
    let (a, _b, remote, id) = two_homes();
    let work = clone(&a, &remote);
    let theirs = work.join("sessions").join(&id).join("journal-site-b.jsonl");
    let mut bytes = std::fs::read(&theirs).unwrap();
    let line = bytes.iter().filter(|&&c| c == b'\n').count() + 1;
    bytes.extend(forged_line(&bytes, "b never said this").as_bytes());
    std::fs::write(&theirs, bytes).unwrap();
    push(&work);

    let r = run(&a, "site-a", &["sync"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains("journal-site-b.jsonl was not taken"),
        "{}",
        r.stderr
    );
    // never shown as b's words
    assert!(!notes(&a, "site-a", &id).contains("never said"));
    let r = run(&a, "site-a", &["verify", &id]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains("journal-site-b.jsonl.") && r.stderr.contains(&format!(":{line}: error")),
        "names b's file and line {line}: {}",
        r.stderr
    );
    assert!(r.stderr.contains("not signed"), "{}", r.stderr);
}

#[test]
fn a_second_history_with_a_forged_line_is_not_taken_and_fails_verify() {
    let (a, _b, remote, id) = two_homes();
    let work = clone(&a, &remote);
    let dir = work.join("sessions").join(&id);
    let mut bytes = std::fs::read(dir.join("journal-site-b.jsonl")).unwrap();
    let line = bytes.iter().filter(|&&c| c == b'\n').count() + 1;
    bytes.extend(forged_line(&bytes, "b never said this").as_bytes());
    std::fs::write(dir.join("journal-site-b@0badf00d.jsonl"), bytes).unwrap();
    push(&work);

    let r = run(&a, "site-a", &["sync"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains("journal-site-b@0badf00d.jsonl"),
        "{}",
        r.stderr
    );
    assert!(
        !a.session_dir(&id)
            .join("journal-site-b@0badf00d.jsonl")
            .exists()
    );
    assert!(!notes(&a, "site-a", &id).contains("never said"));
    let r = run(&a, "site-a", &["verify", &id]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("journal-site-b@0badf00d.jsonl")
            && r.stderr.contains(&format!(":{line}: error")),
        "{}",
        r.stderr
    );
}

#[test]
fn a_whole_history_re_signed_by_another_key_is_not_taken() {
    // someone with a key of their own rewrites b's file: a second history of b signed by
    // another key, which b never wrote
    let (a, _b, remote, id) = two_homes();
    let x = Env::new();
    let work = clone(&a, &remote);
    let dir = work.join("sessions").join(&id);
    // the attacker's own muster writes as `site-b` in a copy of the session
    let copy = x.home().join("sessions").join(&id);
    std::fs::create_dir_all(&copy).unwrap();
    for e in std::fs::read_dir(&dir).unwrap() {
        let p = e.unwrap().path();
        if p.file_name().unwrap() != "journal-site-b.jsonl" {
            std::fs::copy(&p, copy.join(p.file_name().unwrap())).unwrap();
        }
    }
    run(
        &x,
        "site-b",
        &["step", &id, "check", "note", "--note", "b never said this"],
    )
    .ok();
    std::fs::copy(
        copy.join("journal-site-b.jsonl"),
        dir.join("journal-site-b.jsonl"),
    )
    .unwrap();
    push(&work);
    let r = run(&a, "site-a", &["sync"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("signed by key"), "{}", r.stderr);
    assert!(!notes(&a, "site-a", &id).contains("never said"));
}

#[test]
fn a_folder_holding_a_link_is_refused_whole() {
    let a = Env::new();
    let b = Env::new();
    let id = run(&a, "site-a", &["start", "alpha"])
        .ok()
        .stdout
        .trim()
        .to_string();
    let copy = b.dir.path().join(&id);
    copy_dir(&a.session_dir(&id), &copy);
    #[cfg(unix)]
    std::os::unix::fs::symlink("/etc/passwd", copy.join("journal-evil.jsonl")).unwrap();
    let r = run(&b, "site-b", &["merge", copy.to_str().unwrap()]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("journal-evil.jsonl") && r.stderr.contains("link"),
        "{}",
        r.stderr
    );
    assert!(!b.session_dir(&id).exists(), "nothing copied");
    // a link under any other name too
    std::fs::remove_file(copy.join("journal-evil.jsonl")).unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink("/etc/passwd", copy.join("passwd")).unwrap();
    let r = run(&b, "site-b", &["merge", copy.to_str().unwrap()]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(!b.session_dir(&id).exists(), "nothing copied");
}

#[test]
fn twenty_thousand_junk_files_never_stop_the_session_list() {
    let a = Env::new();
    let id = run(&a, "site-a", &["start", "alpha"])
        .ok()
        .stdout
        .trim()
        .to_string();
    let other = run(
        &a,
        "site-a",
        &["start", "alpha", "--title", "the other one"],
    )
    .ok()
    .stdout
    .trim()
    .to_string();
    let dir = a.session_dir(&id);
    for i in 0..20_000 {
        std::fs::write(dir.join(format!("journal-junk{i}.jsonl")), b"junk\n").unwrap();
    }
    let r = run(&a, "site-a", &["sessions"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains(&other),
        "the other session is listed: {}",
        r.stdout
    );
    assert_eq!(
        r.stderr.lines().count(),
        1,
        "one clear message for the session that cannot be read: {}",
        r.stderr
    );
    let r = run(&a, "site-a", &["status", &id]);
    assert!(r.code == 1 || r.code == 2, "{} {}", r.code, r.stderr);
    assert!(
        r.stderr.contains("holds 20001 files named like journals"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.lines().count() <= 2, "{}", r.stderr);
    // and merging such a folder copies nothing
    let b = Env::new();
    let r = run(&b, "site-b", &["merge", dir.to_str().unwrap()]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(!b.session_dir(&id).exists());
}

#[test]
fn files_that_are_not_musters_are_counted_in_one_warning() {
    let a = Env::new();
    let id = run(&a, "site-a", &["start", "alpha"])
        .ok()
        .stdout
        .trim()
        .to_string();
    for n in ["notes.txt", "photo.jpg", "README"] {
        std::fs::write(a.session_dir(&id).join(n), b"x").unwrap();
    }
    let r = run(&a, "site-a", &["status", &id]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let warned: Vec<&str> = r
        .stderr
        .lines()
        .filter(|l| l.contains("not muster's"))
        .collect();
    assert_eq!(warned.len(), 1, "{}", r.stderr);
    assert!(warned[0].contains("3 file(s)"), "{}", warned[0]);
}
