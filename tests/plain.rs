//! The plain line mode: commands from stdin, short lines out, no escape sequences; the same
//! gate as the TUI and the CLI; other writers' events announced as lines.

mod common;
use common::*;

use std::io::{BufRead, BufReader, Read, Write};
use std::process::Stdio;
use std::time::{Duration, Instant};

fn plain(env: &Env, session: &str, script: &str) -> Run {
    let mini = mini();
    let mut c = env.cmd(&[
        "--library",
        mini.to_str().unwrap(),
        "--plain",
        "--session",
        session,
    ]);
    c.stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = c.spawn().unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(script.as_bytes())
        .unwrap();
    let o = child.wait_with_output().unwrap();
    Run {
        code: o.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
    }
}

#[test]
fn a_plain_script_records_the_step_and_prints_its_state() {
    let env = Env::new();
    let s = env.start(&["alpha"]);
    let r = plain(&env, &s, "done 1 ok\nstatus\nlist\n");
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stdout
            .contains("Recorded: done alpha/check, by tester at"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("Progress: 1 of"), "{}", r.stdout);
    assert!(
        r.stdout.contains("Step 1 is now done by tester at"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("Step 1, done by tester at"),
        "{}",
        r.stdout
    );
    assert!(
        !r.stdout.contains('\u{1b}'),
        "an escape sequence: {:?}",
        r.stdout
    );
    // it is in the journal, as the CLI reads it
    let st = env.run(&[
        "--library",
        mini().to_str().unwrap(),
        "status",
        &s,
        "--json",
    ]);
    let v: serde_json::Value = serde_json::from_str(&st.ok().stdout).unwrap();
    assert_eq!(v["steps"][0]["state"], "done");
}

#[test]
fn what_the_gate_needs_is_asked_on_the_next_line_and_can_be_cancelled() {
    let env = Env::new();
    let s = env.start(&["alpha"]);
    let r = plain(
        &env,
        &s,
        "skip 1\ncancel\nskip 1\nnot needed: the replica is fine\nshow 1\n",
    );
    assert!(r.stdout.contains("Why is it skipped?"), "{}", r.stdout);
    assert!(
        r.stdout.contains("Cancelled: nothing was recorded."),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("Recorded: skipped alpha/check"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("Step 1 is skipped by tester at"),
        "{}",
        r.stdout
    );
    // a refusal of the gate is a line, and nothing else happens
    let r = plain(&env, &s, "done 99\nfrobnicate\n");
    assert_eq!(r.code, 0);
    assert!(
        r.stdout.contains("no step `99`") || r.stdout.contains("99"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("Unknown command frobnicate"),
        "{}",
        r.stdout
    );
}

#[test]
fn every_line_makes_sense_alone() {
    let env = Env::new();
    let s = env.start(&["alpha"]);
    let r = plain(&env, &s, "status\nlist\nshow 2\nhelp\nwho ann\n");
    for l in r.stdout.lines() {
        assert!(!l.trim().is_empty(), "a blank line: {}", r.stdout);
        assert!(l.chars().count() < 400, "a line too long to follow: {l}");
        // no line is a bare fragment: each has a verb or says what it is about
        assert!(
            l.contains(':') || l.contains(' '),
            "a fragment: {l:?} in\n{}",
            r.stdout
        );
    }
    assert!(r.stdout.contains("Ann Archer"), "{}", r.stdout);
}

/// Another writer's step appears as a line while plain mode waits for input.
#[test]
fn other_writers_events_are_announced() {
    let env = Env::new();
    let s = env.start(&["alpha"]);
    let mini = mini();
    let mut c = env.cmd(&[
        "--library",
        mini.to_str().unwrap(),
        "--plain",
        "--session",
        &s,
    ]);
    c.stdin(Stdio::piped()).stdout(Stdio::piped());
    let mut child = c.spawn().unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel::<String>();
    let out = child.stdout.take().unwrap();
    std::thread::spawn(move || {
        for l in BufReader::new(out).lines().map_while(Result::ok) {
            if tx.send(l).is_err() {
                break;
            }
        }
    });
    let wait_for = |want: &str| {
        let deadline = Instant::now() + Duration::from_secs(15);
        let mut seen = Vec::new();
        while Instant::now() < deadline {
            if let Ok(l) = rx.recv_timeout(Duration::from_millis(100)) {
                if l.contains(want) {
                    return l;
                }
                seen.push(l);
            }
        }
        panic!("never saw {want:?}; saw:\n{}", seen.join("\n"));
    };
    stdin.write_all(b"status\n").unwrap();
    wait_for("Progress: 0 of");
    env.run_with(
        &[
            "--library",
            mini.to_str().unwrap(),
            "step",
            &s,
            "1",
            "done",
            "--note",
            "from the other site",
        ],
        &[("MUSTER_WRITER", "w2"), ("MUSTER_AS", "bob")],
    )
    .ok();
    let line = wait_for("bob done step 1");
    assert!(
        line.starts_with("New: at ") && line.contains("from the other site"),
        "{line}"
    );
    stdin.write_all(b"quit\n").unwrap();
    drop(stdin);
    assert!(child.wait().unwrap().success());
}

/// In a pseudo-terminal with TERM=dumb, plain `muster` is the line mode: no escape sequence.
#[test]
fn term_dumb_muster_sends_no_escape_sequence() {
    use portable_pty::{CommandBuilder, PtySize, native_pty_system};
    let env = Env::new();
    let s = env.start(&["alpha"]);
    let pair = native_pty_system()
        .openpty(PtySize {
            rows: 24,
            cols: 80,
            pixel_width: 0,
            pixel_height: 0,
        })
        .unwrap();
    let mut cmd = CommandBuilder::new(BIN);
    cmd.cwd(env.dir.path());
    cmd.args(["--library", mini().to_str().unwrap()]);
    cmd.env("MUSTER_HOME", env.home());
    cmd.env("MUSTER_AS", "tester");
    cmd.env("MUSTER_WRITER", "w1");
    cmd.env("TERM", "dumb");
    cmd.env("TZ", "UTC");
    cmd.env_remove("MUSTER_LIBRARY");
    let mut child = pair.slave.spawn_command(cmd).unwrap();
    drop(pair.slave);
    let mut reader = pair.master.try_clone_reader().unwrap();
    let mut writer = pair.master.take_writer().unwrap();
    let (tx, rx) = std::sync::mpsc::channel::<Vec<u8>>();
    std::thread::spawn(move || {
        let mut buf = [0u8; 4096];
        while let Ok(n) = reader.read(&mut buf) {
            if n == 0 || tx.send(buf[..n].to_vec()).is_err() {
                break;
            }
        }
    });
    let mut got = Vec::new();
    let wait_for = |want: &str, got: &mut Vec<u8>| {
        let deadline = Instant::now() + Duration::from_secs(15);
        while Instant::now() < deadline {
            if String::from_utf8_lossy(got).contains(want) {
                return;
            }
            if let Ok(b) = rx.recv_timeout(Duration::from_millis(100)) {
                got.extend(b);
            }
        }
        panic!("never saw {want:?} in {:?}", String::from_utf8_lossy(got));
    };
    wait_for("plain mode", &mut got);
    writer.write_all(b"done 1 from a dumb terminal\n").unwrap();
    wait_for("Recorded: done alpha/check", &mut got);
    writer.write_all(b"quit\n").unwrap();
    wait_for("Leaving plain mode", &mut got);
    let status = child.wait().unwrap();
    assert!(status.success());
    assert!(
        !got.contains(&0x1b),
        "an escape sequence reached the terminal: {:?}",
        String::from_utf8_lossy(&got)
    );
    let _ = s;
}

#[test]
fn plain_status_gives_the_forecast_against_the_rto_and_the_steps_it_waits_on() {
    let env = Env::new();
    let s = env.start(&["alpha"]);
    let r = plain(&env, &s, "status\n");
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    // check (10 min) then restore (60 min), against the database's 2 h RTO
    let line = r
        .stdout
        .lines()
        .find(|l| l.starts_with("Forecast: alpha ends at"))
        .unwrap_or_else(|| panic!("{}", r.stdout));
    assert!(line.contains("; RTO of Database at"), "{line}");
    // 50 minutes, less the seconds since the start
    assert!(
        line.contains("50 min to spare") || line.contains("49 min to spare"),
        "{line}"
    );
    assert!(line.ends_with("It waits on steps 1, 3."), "{line}");
}

#[test]
fn plain_mode_rejects_a_redline_and_the_rejection_is_listed() {
    let env = Env::new();
    let s = env.start(&["alpha"]);
    let mini = mini();
    let l = mini.to_str().unwrap();
    env.run(&[
        "--library",
        l,
        "redline",
        &s,
        "check",
        "--text",
        "call Cat on 0161 496 0000",
    ])
    .ok();
    let r = plain(&env, &s, "redline reject R1 that number is the old desk\n");
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stdout.contains("Recorded: rejection of redline R1"),
        "{}",
        r.stdout
    );
    let list: serde_json::Value = serde_json::from_str(
        &env.run(&["--library", l, "redlines", "--all", "--json"])
            .ok()
            .stdout,
    )
    .unwrap();
    let r1 = &list[0];
    assert_eq!(r1["status"], "rejected", "{list}");
    assert_eq!(r1["note"], "that number is the old desk", "{list}");
    // a label that is not there names the open ones; none open says so
    let r = plain(&env, &s, "redline accept R7\n");
    assert!(
        r.stdout
            .contains("no redline is open in this session (decided already: R1)"),
        "{}",
        r.stdout
    );
}
