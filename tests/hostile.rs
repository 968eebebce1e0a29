//! Bad input never stops a responder: hostile library files, links to devices, FIFOs, and text
//! made to attack the terminal. Each of these failed before it was fixed.

mod common;
use common::*;
use std::path::Path;

/// Runs a command, failing the test if it has not finished within `secs` (a hang).
#[cfg(target_os = "linux")]
fn within(env: &Env, args: &[&str], secs: u64) -> Run {
    use std::time::{Duration, Instant};
    let mut child = env
        .cmd(args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(secs);
    loop {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("`muster {}` did not finish in {secs} s", args.join(" "));
        }
        std::thread::park_timeout(Duration::from_millis(20));
    }
    let o = child.wait_with_output().unwrap();
    Run {
        code: o.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
    }
}

/// No byte that could drive a terminal: controls (but newline and tab), DEL, C1, bidi.
fn assert_inert(what: &str, s: &str) {
    for c in s.chars() {
        let bad = (c < ' ' && c != '\n' && c != '\t')
            || c == '\u{7f}'
            || ('\u{80}'..='\u{9f}').contains(&c)
            || ('\u{202a}'..='\u{202e}').contains(&c)
            || ('\u{2066}'..='\u{2069}').contains(&c);
        assert!(
            !bad,
            "{what}: U+{:04X} reached the terminal:\n{s}",
            c as u32
        );
    }
}

fn replace_in(path: &Path, from: &str, to: &str) {
    let s = std::fs::read_to_string(path).unwrap();
    assert!(s.contains(from), "{from} in {}", path.display());
    std::fs::write(path, s.replacen(from, to, 1)).unwrap();
}

#[test]
fn a_backslash_before_a_non_ascii_character_is_a_located_error_not_a_panic() {
    let env = Env::new();
    let lib = env.copy_mini();
    replace_in(&lib.join("plans/alpha.ron"), "title: \"", "title: \"\\é ");
    let r = env.run(&["--library", lib.to_str().unwrap(), "check"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains("plans/alpha.ron:3:") && r.stderr.contains("unknown escape"),
        "{}",
        r.stderr
    );
}

#[cfg(target_os = "linux")]
#[test]
fn a_broken_library_never_stops_a_running_session() {
    let env = Env::new();
    let lib = env.copy_mini();
    let l = lib.to_str().unwrap();
    let id = env
        .run(&["--library", l, "start", "alpha"])
        .ok()
        .stdout
        .trim()
        .to_string();
    let plans = lib.join("plans");
    std::fs::write(plans.join("broken.ron"), "Plan(\n  id: \"broken\",\n").unwrap();
    std::os::unix::fs::symlink("/nonexistent/plan.ron", plans.join("dangling.ron")).unwrap();
    std::os::unix::fs::symlink("loop.ron", plans.join("loop.ron")).unwrap();
    std::os::unix::fs::symlink("/dev/zero", plans.join("zero.ron")).unwrap();
    let fifo = std::ffi::CString::new(plans.join("fifo.ron").to_str().unwrap()).unwrap();
    // SAFETY: a valid path; mkfifo makes a FIFO there.
    assert_eq!(unsafe { libc::mkfifo(fifo.as_ptr(), 0o644) }, 0);
    let r = within(&env, &["--library", l, "check"], 20);
    assert_eq!(r.code, 1);
    for (name, says) in [
        ("broken.ron:", "RON syntax"),
        (
            "dangling.ron:1:1",
            "a link to /nonexistent/plan.ron, which does not exist",
        ),
        ("loop.ron:1:1", "a loop"),
        ("zero.ron:1:1", "not a regular file"),
        ("fifo.ron:1:1", "not a regular file"),
    ] {
        assert!(
            r.stderr
                .lines()
                .any(|l| l.contains(name) && l.contains(says)),
            "{name}: {says}\n{}",
            r.stderr
        );
    }
    // the session goes on
    let r = within(
        &env,
        &[
            "--library",
            l,
            "step",
            &id,
            "check",
            "note",
            "--note",
            "still here",
        ],
        20,
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    // and index.ron as a folder is one located error, not the end of the library
    std::fs::rename(lib.join("index.ron"), env.dir.path().join("index.ron")).unwrap();
    std::fs::create_dir(lib.join("index.ron")).unwrap();
    let r = within(&env, &["--library", l, "check"], 20);
    assert!(
        r.stderr.contains("index.ron:1:1: error: this is a folder"),
        "{}",
        r.stderr
    );
    let r = within(&env, &["--library", l, "step", &id, "check", "done"], 20);
    assert_eq!(r.code, 0, "{}", r.stderr);
}

#[test]
fn text_made_to_attack_the_terminal_is_shown_inert() {
    let env = Env::new();
    let lib = env.copy_mini();
    let hostile =
        "\u{1b}]0;pwned\u{7}\u{1b}]52;c;ZWNobyBoaQ==\u{7}\u{1b}[31mred\u{9b}2J\u{202e}evil\u{7f}";
    let escaped = hostile
        .replace('\u{1b}', "\\u{1b}")
        .replace('\u{7}', "\\u{7}");
    replace_in(
        &lib.join("plans/alpha.ron"),
        "title: \"Check the replica\"",
        &format!("title: \"{escaped}\", bogus_{}: 1", "\u{202e}"),
    );
    let l = lib.to_str().unwrap();
    let r = env.run(&["--library", l, "check"]);
    assert_inert("check stdout", &r.stdout);
    assert_inert("check stderr", &r.stderr);
    assert!(
        r.stderr.contains("\\u{202e}"),
        "shown visibly: {}",
        r.stderr
    );
    replace_in(
        &lib.join("plans/alpha.ron"),
        &format!(", bogus_{}: 1", "\u{202e}"),
        "",
    );
    let r = env.run(&["--library", l, "check"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    for args in [
        vec!["show", "alpha"],
        vec!["list"],
        vec!["show", "alpha", "--json"],
    ] {
        let mut a = vec!["--library", l];
        a.extend(args.iter());
        let r = env.run(&a);
        assert_inert(&format!("{args:?} stdout"), &r.stdout);
        assert_inert(&format!("{args:?} stderr"), &r.stderr);
    }
    // a note and an actor in a session, through every reader
    let id = env
        .run(&["--library", l, "start", "alpha"])
        .ok()
        .stdout
        .trim()
        .to_string();
    env.run_with(
        &[
            "--library",
            l,
            "step",
            &id,
            "check",
            "note",
            "--note",
            hostile,
        ],
        &[("MUSTER_AS", hostile)],
    )
    .ok();
    for args in [
        vec!["status", id.as_str()],
        vec!["status", id.as_str(), "--json"],
        vec!["log", id.as_str()],
        vec!["verify", id.as_str()],
        vec!["export", id.as_str(), "--format", "md"],
        vec!["export", id.as_str(), "--format", "json"],
        vec!["export", id.as_str(), "--format", "csv"],
        vec!["sessions"],
        vec!["step", id.as_str(), hostile, "note", "--note", "x"],
    ] {
        let mut a = vec!["--library", l];
        a.extend(args.iter());
        let r = env.run(&a);
        assert_inert(&format!("{:?} stdout", args[0]), &r.stdout);
        assert_inert(&format!("{:?} stderr", args[0]), &r.stderr);
    }
}

#[test]
fn a_misspelt_struct_name_is_an_error_with_the_right_name() {
    let env = Env::new();
    let lib = env.copy_mini();
    replace_in(
        &lib.join("plans/alpha.ron"),
        "Step(id: \"promote\"",
        "Stpe(id: \"promote\"",
    );
    let r = env.run(&["--library", lib.to_str().unwrap(), "check"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr
            .contains("alpha.ron:24:13: error: `Stpe` is not a step: write `Step(`"),
        "{}",
        r.stderr
    );
}

#[test]
fn an_unclosed_string_is_named_at_its_opening_quote_not_as_a_missing_comma() {
    let env = Env::new();
    let lib = env.copy_mini();
    replace_in(
        &lib.join("plans/alpha.ron"),
        "title: \"Fail the database over\",",
        "title: \"Fail the database over,",
    );
    let r = env.run(&["--library", lib.to_str().unwrap(), "check"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr
            .contains("alpha.ron:3:12: error: RON syntax: this string runs over 3 lines")
            && r.stderr.contains("closing `\"` missing"),
        "{}",
        r.stderr
    );
}

#[test]
fn a_note_cannot_inject_a_link_or_an_image_into_a_markdown_export() {
    let env = Env::new();
    let lib = mini();
    let l = lib.to_str().unwrap();
    let id = env
        .run(&["--library", l, "start", "alpha"])
        .ok()
        .stdout
        .trim()
        .to_string();
    let evil = "see ![x](http://evil.example/x.png) and [click](http://evil.example) <img src=x>";
    env.run(&["--library", l, "step", &id, "check", "note", "--note", evil])
        .ok();
    let md = env
        .run(&["--library", l, "export", &id, "--format", "md"])
        .ok()
        .stdout;
    assert!(!md.contains("![x](") && !md.contains("[click]("), "{md}");
    assert!(md.contains("\\[click\\]") && md.contains("&lt;img"), "{md}");
}
