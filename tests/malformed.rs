//! The malformed corpus (`tests/fixtures/malformed/`, see its README): every broken library file
//! gives a located message that says what a good one says (its `.expect`), every journal line a
//! located one, within seconds, with nothing raw reaching the
//! terminal, and never a panic; a session goes on recording after any of them.

mod common;
use common::*;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

fn corpus() -> PathBuf {
    fixtures().join("malformed")
}

fn fixtures_in(dir: &str, ext: &str) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(corpus().join(dir))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == ext))
        .collect();
    v.sort();
    v
}

fn expect_of(p: &Path) -> Vec<String> {
    std::fs::read_to_string(p.with_extension("expect"))
        .unwrap_or_else(|_| panic!("{} has no .expect", p.display()))
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(String::from)
        .collect()
}

/// Runs a command with a deadline (a hang fails the test).
fn within(env: &Env, args: &[&str]) -> Run {
    let mut child = env
        .cmd(args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    // the pipes are drained while waiting, so a large output cannot block the child
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let t_out = std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = std::io::Read::read_to_end(&mut out, &mut v);
        v
    });
    let t_err = std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = std::io::Read::read_to_end(&mut err, &mut v);
        v
    });
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("`muster {}` did not finish in 20 s", args.join(" "));
        }
        std::thread::park_timeout(Duration::from_millis(10));
    };
    Run {
        code: status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&t_out.join().unwrap()).into_owned(),
        stderr: String::from_utf8_lossy(&t_err.join().unwrap()).into_owned(),
    }
}

fn raw_control(s: &str) -> Option<char> {
    s.chars().find(|&c| {
        (c < ' ' && c != '\n' && c != '\t')
            || c == '\u{7f}'
            || ('\u{80}'..='\u{9f}').contains(&c)
            || ('\u{202a}'..='\u{202e}').contains(&c)
            || ('\u{2066}'..='\u{2069}').contains(&c)
    })
}

/// What every command must do with any input.
fn sound(what: &str, r: &Run) {
    assert!(
        matches!(r.code, 0..=3),
        "{what}: exit {} (a crash?)\n{}",
        r.code,
        r.stderr
    );
    assert!(!r.stderr.contains("panicked"), "{what}: {}", r.stderr);
    for (name, s) in [("stdout", &r.stdout), ("stderr", &r.stderr)] {
        if let Some(c) = raw_control(s) {
            panic!("{what}: U+{:04X} reached {name} raw", c as u32);
        }
    }
}

#[test]
fn every_broken_library_file_gives_a_located_message_and_nothing_else_breaks() {
    let mut phrases = (0, 0);
    let mut count = 0;
    for (dir, target) in [
        ("plans", "plans/alpha.ron"),
        ("index", "index.ron"),
        ("scenarios", "scenarios/drill.ron"),
    ] {
        for f in fixtures_in(dir, "ron") {
            count += 1;
            let env = Env::new();
            let lib = env.copy_mini();
            std::fs::copy(&f, lib.join(target)).unwrap();
            let name = f.file_name().unwrap().to_string_lossy().into_owned();
            let r = within(&env, &["--library", lib.to_str().unwrap(), "check"]);
            sound(&name, &r);
            let all = format!("{}{}", r.stdout, r.stderr);
            let want = expect_of(&f);
            assert!(
                all.contains(&want[0]),
                "{name}: the message names `{}`:\n{all}",
                want[0]
            );
            // a long line is shown as a window of it, never whole
            let longest = std::fs::read(&f)
                .unwrap()
                .split(|&b| b == b'\n')
                .map(<[u8]>::len)
                .max()
                .unwrap_or(0);
            assert!(
                all.len() < 64 * 1024 || all.len() < longest,
                "{name}: {} bytes of output",
                all.len()
            );
            for p in &want[1..] {
                phrases.1 += 1;
                assert!(
                    all.contains(p.as_str()),
                    "{name}: the message says `{p}`:\n{all}"
                );
                phrases.0 += 1;
            }
        }
    }
    assert!(count >= 60, "the corpus holds {count} library files");
    eprintln!(
        "library corpus: {count} files located; {} of {} wording phrases as a good message has them",
        phrases.0, phrases.1
    );
}

#[test]
fn every_broken_journal_line_is_located_and_the_session_goes_on() {
    let lib = mini();
    let l = lib.to_str().unwrap();
    let mut count = 0;
    for f in fixtures_in("journal", "jsonl") {
        count += 1;
        let name = f.file_name().unwrap().to_string_lossy().into_owned();
        let env = Env::new();
        let id = env
            .run(&["--library", l, "start", "alpha"])
            .ok()
            .stdout
            .trim()
            .to_string();
        env.run(&["--library", l, "step", &id, "check", "start"])
            .ok();
        let journal = env.session_dir(&id).join("journal-w1.jsonl");
        let mut bytes = std::fs::read(&journal).unwrap();
        bytes.extend(std::fs::read(&f).unwrap());
        std::fs::write(&journal, bytes).unwrap();
        let want = expect_of(&f);
        let mut said = String::new();
        for args in [
            vec!["verify", id.as_str()],
            vec!["status", id.as_str()],
            vec!["status", id.as_str(), "--json"],
            vec!["log", id.as_str()],
            vec!["export", id.as_str(), "--format", "md"],
            vec!["export", id.as_str(), "--format", "json"],
        ] {
            let mut a = vec!["--library", l];
            a.extend(args.iter());
            let r = within(&env, &a);
            sound(&format!("{name}: {}", args.join(" ")), &r);
            if args[0] == "verify" {
                let all = format!("{}{}", r.stdout, r.stderr);
                assert!(
                    all.contains(&want[0]),
                    "{name}: verify names `{}`:\n{all}",
                    want[0]
                );
            }
            if args[0] == "verify" || args.len() == 2 {
                said.push_str(&r.stdout);
                said.push_str(&r.stderr);
            }
        }
        // what a good message says: verify for the format, status for what the events mean
        for p in &want[1..] {
            assert!(
                said.contains(p.as_str()),
                "{name}: verify or status says `{p}`:\n{said}"
            );
        }
        let r = within(
            &env,
            &[
                "--library",
                l,
                "step",
                &id,
                "alpha/check",
                "note",
                "--note",
                "x",
            ],
        );
        assert_eq!(r.code, 0, "{name}: the session goes on: {}", r.stderr);
    }
    assert!(count >= 20, "the corpus holds {count} journal files");
}

#[test]
fn a_journal_line_over_the_line_limit_is_an_error_not_an_event() {
    let env = Env::new();
    let lib = mini();
    let l = lib.to_str().unwrap();
    let id = env
        .run(&["--library", l, "start", "alpha"])
        .ok()
        .stdout
        .trim()
        .to_string();
    let journal = env.session_dir(&id).join("journal-w1.jsonl");
    let mut bytes = std::fs::read(&journal).unwrap();
    let big = format!(
        "{{\"v\":1,\"id\":\"big\",\"seq\":2,\"at\":\"2030-01-01T00:00:00.000Z\",\"actor\":\"ann\",\"writer\":\"w1\",\"kind\":\"note\",\"text\":\"{}\"}}\n",
        "x".repeat(9 << 20)
    );
    bytes.extend(big.as_bytes());
    std::fs::write(&journal, bytes).unwrap();
    let r = within(&env, &["--library", l, "verify", &id]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr
            .contains("journal-w1.jsonl:2: error: this line is longer than 8 MiB"),
        "{}",
        r.stderr
    );
    let r = within(&env, &["--library", l, "log", &id]);
    assert!(
        r.stdout.len() < 100_000,
        "the line is not shown: {} bytes",
        r.stdout.len()
    );
}
