//! Injected I/O faults: every syscall `muster step ... note` and `muster start` make on the
//! home, failed in turn with EIO (strace's fault injection). A command exits 0 only when its
//! event is on disk, otherwise 3 naming the cause; the journal verifies after every run; a retry
//! of a command whose sync failed does not record it twice; a failed start leaves no session.
//!
//! Needs `strace`. Without it these tests say so and pass, unless `MUSTER_REQUIRE_STRACE` is set
//! (as `.ci/run` does, after installing it).
#![cfg(target_os = "linux")]

mod common;
use common::*;
use std::collections::BTreeMap;
use std::process::Command;

/// Syscalls of the process itself (memory, threads, signals), not of its files.
const NOT_FILES: &[&str] = &[
    "exit_group",
    "exit",
    "futex",
    "mmap",
    "munmap",
    "mprotect",
    "brk",
    "madvise",
    "rt_sigaction",
    "rt_sigprocmask",
    "rt_sigreturn",
    "sigaltstack",
    "clone",
    "clone3",
    "set_robust_list",
    "rseq",
    "sched_yield",
    "sched_getaffinity",
    "getrandom",
    "prctl",
    "gettid",
    "getpid",
    "getuid",
    "geteuid",
    "poll",
    "prlimit64",
    "set_tid_address",
];

fn strace() -> bool {
    // installed, and allowed to trace here (a container may forbid ptrace)
    let ok = Command::new("strace")
        .args(["-f", "-qq", "-o", "/dev/null", "true"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        assert!(
            std::env::var_os("MUSTER_REQUIRE_STRACE").is_none(),
            "strace is required here (MUSTER_REQUIRE_STRACE is set) but is not installed"
        );
        eprintln!(
            "strace is not installed or cannot trace here: the fault-injection tests are not run"
        );
    }
    ok
}

/// Runs muster under strace; returns the run, and the trace when asked for.
fn traced(env: &Env, args: &[&str], inject: Option<(&str, usize)>, log: bool) -> (Run, String) {
    traced_opts(env, args, inject, log, &[], true)
}

/// The same, with more variables, and following the threads and children (`-f`) or not.
fn traced_opts(
    env: &Env,
    args: &[&str],
    inject: Option<(&str, usize)>,
    log: bool,
    vars: &[(&str, &str)],
    follow: bool,
) -> (Run, String) {
    let trace = env.dir.path().join("trace");
    let mut c = Command::new("strace");
    if follow {
        c.arg("-f");
    }
    c.args(["-qq", "-o"]).arg(if log {
        trace.as_os_str()
    } else {
        std::ffi::OsStr::new("/dev/null")
    });
    if let Some((name, n)) = inject {
        c.args(["-e", &format!("inject={name}:error=EIO:when={n}")]);
    }
    let inner = env.cmd(args);
    c.arg(BIN).args(args);
    for (k, v) in inner.get_envs() {
        match v {
            Some(v) => c.env(k, v),
            None => c.env_remove(k),
        };
    }
    for (k, v) in vars {
        c.env(k, v);
    }
    c.current_dir(env.dir.path());
    let o = c.output().unwrap();
    let run = Run {
        code: o.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
    };
    let t = if log {
        std::fs::read_to_string(&trace).unwrap_or_default()
    } else {
        String::new()
    };
    (run, t)
}

/// Each file syscall the command makes from its first touch of the home on: (name, occurrence
/// counted from the process start, as strace's `when=` counts).
fn points(trace: &str, home: &str) -> Vec<(String, usize)> {
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    let mut started = false;
    let mut out = Vec::new();
    for line in trace.lines() {
        // "PID name(args...) = ret", or "<... name resumed>"
        // "PID " in front when threads and children are followed
        let rest = match line.split_once(' ') {
            Some((pid, r)) if pid.bytes().all(|b| b.is_ascii_digit()) => r.trim_start(),
            _ => line,
        };
        if rest.starts_with("<...") || rest.starts_with("+++") || rest.starts_with("---") {
            continue;
        }
        let Some(name) = rest.split('(').next() else {
            continue;
        };
        let n = seen.entry(name.to_string()).or_default();
        *n += 1;
        started |= line.contains(home);
        if started && !NOT_FILES.contains(&name) {
            out.push((name.to_string(), *n));
        }
    }
    out
}

fn notes(env: &Env, id: &str) -> Vec<String> {
    let lib = mini();
    let r = env.run(&["--library", lib.to_str().unwrap(), "status", id, "--json"]);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap_or_default();
    v["steps"][0]["notes"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|n| n.as_str().unwrap_or("").to_string())
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn every_failing_syscall_of_an_append_is_exit_3_or_a_durable_record_and_never_a_duplicate() {
    if !strace() {
        return;
    }
    let env = Env::new();
    let id = env.start(&["alpha"]);
    let lib = mini();
    let lib = lib.to_str().unwrap().to_string();
    let home = env.home().to_str().unwrap().to_string();
    let args = |text: &str| -> Vec<String> {
        [
            "--library",
            &lib,
            "step",
            &id,
            "check",
            "note",
            "--note",
            text,
        ]
        .map(String::from)
        .to_vec()
    };
    let a = args("probe");
    let a: Vec<&str> = a.iter().map(String::as_str).collect();
    let (r, trace) = traced(&env, &a, None, true);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let points = points(&trace, &home);
    assert!(points.len() > 20, "{points:?}");
    assert!(points.iter().any(|(n, _)| n == "fdatasync"), "{points:?}");
    for (i, (name, n)) in points.iter().enumerate() {
        let text = format!("note {i} ({name} #{n})");
        let a = args(&text);
        let a: Vec<&str> = a.iter().map(String::as_str).collect();
        let (r, _) = traced(&env, &a, Some((name, *n)), false);
        let count = |env: &Env| notes(env, &id).iter().filter(|t| **t == text).count();
        match r.code {
            0 => assert_eq!(count(&env), 1, "{name} #{n}: exit 0 means recorded"),
            3 => {
                assert!(
                    r.stderr.contains("cannot ") || r.stderr.contains("Input/output error"),
                    "{name} #{n}: the cause is named: {}",
                    r.stderr
                );
                // a retry records it once, whether or not the failed run had written it
                env.run(&a).ok();
                assert_eq!(count(&env), 1, "{name} #{n}: after a retry: {}", r.stderr);
            }
            c => panic!("{name} #{n}: exit {c} (only 0 or 3): {}", r.stderr),
        }
        let v = env.run(&["verify", &id]);
        assert_eq!(v.code, 0, "{name} #{n}: {}{}", v.stdout, v.stderr);
    }
}

#[test]
fn every_failing_syscall_of_a_start_leaves_a_whole_session_or_none() {
    if !strace() {
        return;
    }
    let env = Env::new();
    let lib = mini();
    let lib = lib.to_str().unwrap().to_string();
    // the home exists already, as it does for every start but the first
    env.start(&["alpha"]);
    let home = env.home().to_str().unwrap().to_string();
    let sessions = || -> usize {
        std::fs::read_dir(env.home().join("sessions"))
            .map(|d| d.count())
            .unwrap_or(0)
    };
    let args = ["--library", lib.as_str(), "start", "alpha"];
    let (r, trace) = traced(&env, &args, None, true);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let points = points(&trace, &home);
    assert!(points.iter().any(|(n, _)| n == "rename"), "{points:?}");
    for (name, n) in points {
        let before = sessions();
        let (r, _) = traced(&env, &args, Some((&name, n)), false);
        match r.code {
            0 => {
                // the id may not have been printed (stdout failed): the session is there
                assert_eq!(sessions(), before + 1, "{name} #{n}");
            }
            3 => {
                assert_eq!(
                    sessions(),
                    before,
                    "{name} #{n}: nothing left behind: {}",
                    r.stderr
                );
                assert!(r.stderr.contains("cannot "), "{name} #{n}: {}", r.stderr);
            }
            c => panic!("{name} #{n}: exit {c}: {}", r.stderr),
        }
    }
    // every session there is whole, and verifies
    let r = env.run(&["sessions", "--json"]).ok();
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    for s in v.as_array().unwrap() {
        assert!(!s["title"].as_str().unwrap_or("").is_empty(), "{s}");
        env.run(&["verify", s["id"].as_str().unwrap()]).ok();
    }
}

#[test]
fn a_start_on_a_full_disk_leaves_no_session() {
    let env = Env::new();
    env.start(&["alpha"]);
    let lib = mini();
    let before = std::fs::read_dir(env.home().join("sessions"))
        .unwrap()
        .count();
    if !strace() {
        return;
    }
    // every write fails as on a full disk
    let trace = env.dir.path().join("t");
    let mut c = Command::new("strace");
    c.args(["-f", "-qq", "-o"])
        .arg(&trace)
        .args(["-e", "inject=write,pwrite64:error=ENOSPC"])
        .arg(BIN)
        .args(["--library", lib.to_str().unwrap(), "start", "alpha"]);
    for (k, v) in env.cmd(&[]).get_envs() {
        match v {
            Some(v) => c.env(k, v),
            None => c.env_remove(k),
        };
    }
    let o = c.output().unwrap();
    assert_eq!(o.status.code(), Some(3));
    assert_eq!(
        std::fs::read_dir(env.home().join("sessions"))
            .unwrap()
            .count(),
        before,
        "no session and no leftover folder"
    );
}

/// A copy of a folder, for a run to start from the same state each time.
fn restore(from: &std::path::Path, to: &std::path::Path) {
    let _ = std::fs::remove_dir_all(to);
    copy_dir(from, to);
}

/// Every event id in a session folder's journals, and whether any is there twice.
fn event_ids(dir: &std::path::Path) -> (std::collections::BTreeSet<String>, bool) {
    let mut out = std::collections::BTreeSet::new();
    let mut twice = false;
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "jsonl") {
            for l in std::fs::read_to_string(&p).unwrap_or_default().lines() {
                if let Ok(v) = serde_json::from_str::<serde_json::Value>(l)
                    && let Some(id) = v["id"].as_str()
                {
                    twice |= !out.insert(id.to_string());
                }
            }
        }
    }
    (out, twice)
}

#[test]
fn an_export_under_a_failing_read_is_exit_3_and_leaves_no_file_never_a_verdict() {
    if !strace() {
        return;
    }
    let env = Env::new();
    let lib = mini();
    let lib = lib.to_str().unwrap().to_string();
    let id = env.start(&["alpha"]);
    for i in 0..5 {
        env.run(&[
            "--library",
            &lib,
            "step",
            &id,
            "check",
            "note",
            "--note",
            &format!("n{i}"),
        ])
        .ok();
    }
    let out = env.dir.path().join("review.md");
    let o = out.to_str().unwrap().to_string();
    let args = [
        "--library",
        lib.as_str(),
        "export",
        &id,
        "--format",
        "md",
        "-o",
        &o,
    ];
    let (r, trace) = traced(&env, &args, None, true);
    assert_eq!(r.code, 0, "{}", r.stderr);
    std::fs::remove_file(&out).unwrap();
    let home = env.home().to_str().unwrap().to_string();
    // every read of the journal, and every other file syscall from the first touch of the home
    let all = points(&trace, &home);
    assert!(
        all.iter().filter(|(n, _)| n == "read").count() > 5,
        "{all:?}"
    );
    for (name, n) in all {
        let (r, _) = traced(&env, &args, Some((&name, n)), false);
        match r.code {
            0 => {
                let text = std::fs::read_to_string(&out).unwrap();
                assert!(
                    !text.contains("NOT VERIFIED") && !text.contains("damaged"),
                    "{name} #{n}: a report on an intact journal never calls it damaged"
                );
                std::fs::remove_file(&out).unwrap();
            }
            3 => {
                assert!(!out.exists(), "{name} #{n}: no half file after a failure");
                assert!(!r.stderr.contains("damaged"), "{name} #{n}: {}", r.stderr);
            }
            c => panic!("{name} #{n}: exit {c} (only 0 or 3): {}", r.stderr),
        }
        let leftovers: Vec<_> = std::fs::read_dir(env.dir.path())
            .unwrap()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_name().to_string_lossy().contains(".part"))
            .collect();
        assert!(leftovers.is_empty(), "{name} #{n}: {leftovers:?}");
    }
}

#[test]
fn every_failing_syscall_of_a_merge_is_exit_3_and_a_retry_converges() {
    if !strace() {
        return;
    }
    let a = Env::new();
    let b = Env::new();
    let lib = mini();
    let lib = lib.to_str().unwrap().to_string();
    let wa = [("MUSTER_WRITER", "site-a")];
    let wb = [("MUSTER_WRITER", "site-b")];
    let id = a
        .run_with(&["--library", &lib, "start", "alpha"], &wa)
        .ok()
        .stdout
        .trim()
        .to_string();
    a.run_with(
        &[
            "--library",
            &lib,
            "step",
            &id,
            "check",
            "note",
            "--note",
            "a1",
        ],
        &wa,
    )
    .ok();
    let copy = b.dir.path().join(&id);
    copy_dir(&a.session_dir(&id), &copy);
    b.run_with(&["--library", &lib, "merge", copy.to_str().unwrap()], &wb)
        .ok();
    for i in 0..3 {
        b.run_with(
            &[
                "--library",
                &lib,
                "step",
                &id,
                "check",
                "note",
                "--note",
                &format!("b{i}"),
            ],
            &wb,
        )
        .ok();
    }
    a.run_with(
        &[
            "--library",
            &lib,
            "step",
            &id,
            "check",
            "note",
            "--note",
            "a2",
        ],
        &wa,
    )
    .ok();
    let from = b.session_dir(&id);
    let pristine = a.dir.path().join("pristine-home");
    copy_dir(&a.home(), &pristine);
    let want = {
        let mut w = event_ids(&a.session_dir(&id)).0;
        w.extend(event_ids(&from).0);
        w
    };
    let args = ["--library", lib.as_str(), "merge", from.to_str().unwrap()];
    let traced_a =
        |inject: Option<(&str, usize)>| traced_opts(&a, &args, inject, inject.is_none(), &wa, true);
    let (r, trace) = traced_a(None);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let home = a.home().to_str().unwrap().to_string();
    let points = points(&trace, &home);
    assert!(points.len() > 20, "{points:?}");
    for (name, n) in points {
        restore(&pristine, &a.home());
        let (r, _) = traced_a(Some((&name, n)));
        assert!(
            r.code == 0 || r.code == 3,
            "{name} #{n}: exit {} (only 0 or 3): {}",
            r.code,
            r.stderr
        );
        // a retry without faults takes everything, once
        a.run_with(&args, &wa).ok();
        let (got, twice) = event_ids(&a.session_dir(&id));
        assert!(!twice, "{name} #{n}: an event doubled");
        assert_eq!(got, want, "{name} #{n}: every event, nothing lost");
        let v = a.run_with(&["verify", &id], &wa);
        assert_eq!(v.code, 0, "{name} #{n}: {}{}", v.stdout, v.stderr);
        assert!(
            !a.home().join("sessions/.rejected").exists(),
            "{name} #{n}: an I/O error never makes an honest file rejected"
        );
    }
}

#[test]
fn every_failing_syscall_of_a_sync_is_exit_3_and_a_retry_converges() {
    if !strace() {
        return;
    }
    let a = Env::new();
    let b = Env::new();
    let lib = mini();
    let lib = lib.to_str().unwrap().to_string();
    let wa = [("MUSTER_WRITER", "site-a")];
    let wb = [("MUSTER_WRITER", "site-b")];
    let remote = a.dir.path().join("shared.git");
    assert!(
        Command::new("git")
            .args(["init", "-q", "--bare"])
            .arg(&remote)
            .status()
            .unwrap()
            .success()
    );
    let remote = remote.to_str().unwrap().to_string();
    let id = a
        .run_with(&["--library", &lib, "start", "alpha"], &wa)
        .ok()
        .stdout
        .trim()
        .to_string();
    a.run_with(&["--library", &lib, "sync", &remote], &wa).ok();
    b.run_with(&["--library", &lib, "sync", &remote], &wb).ok();
    for i in 0..2 {
        b.run_with(
            &[
                "--library",
                &lib,
                "step",
                &id,
                "check",
                "note",
                "--note",
                &format!("b{i}"),
            ],
            &wb,
        )
        .ok();
        a.run_with(
            &[
                "--library",
                &lib,
                "step",
                &id,
                "check",
                "note",
                "--note",
                &format!("a{i}"),
            ],
            &wa,
        )
        .ok();
    }
    b.run_with(&["--library", &lib, "sync"], &wb).ok();
    let pristine_home = a.dir.path().join("pristine-home");
    let pristine_b = a.dir.path().join("pristine-b");
    let pristine_remote = a.dir.path().join("pristine.git");
    copy_dir(&a.home(), &pristine_home);
    copy_dir(&b.home(), &pristine_b);
    copy_dir(std::path::Path::new(&remote), &pristine_remote);
    let want = {
        let mut w = event_ids(&a.session_dir(&id)).0;
        w.extend(event_ids(&b.session_dir(&id)).0);
        w
    };
    let args = ["--library", lib.as_str(), "sync"];
    // only muster's own syscalls: git's children run untraced
    let (r, trace) = traced_opts(&a, &args, None, true, &wa, false);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let home = a.home().to_str().unwrap().to_string();
    // strace's fault skips the call; a real `close` that fails has released its descriptor all
    // the same. A skipped close of a pipe to git leaves its end open and the read of git's
    // output waits forever: that is the injection's doing, so close is not failed here
    let points: Vec<(String, usize)> = points(&trace, &home)
        .into_iter()
        .filter(|(n, _)| n != "close")
        .collect();
    assert!(points.len() > 20, "{points:?}");
    for (name, n) in points {
        restore(&pristine_home, &a.home());
        restore(&pristine_b, &b.home());
        restore(&pristine_remote, std::path::Path::new(&remote));
        let (r, _) = traced_opts(&a, &args, Some((&name, n)), false, &wa, false);
        assert!(
            r.code == 0 || r.code == 3,
            "{name} #{n}: exit {} (only 0 or 3): {}",
            r.code,
            r.stderr
        );
        // retried without faults, then b and a again: both end with every event, once
        a.run_with(&args, &wa).ok();
        b.run_with(&args, &wb).ok();
        a.run_with(&args, &wa).ok();
        let (ea, twice_a) = event_ids(&a.session_dir(&id));
        let (eb, twice_b) = event_ids(&b.session_dir(&id));
        assert!(!twice_a && !twice_b, "{name} #{n}: an event doubled");
        assert_eq!(ea, eb, "{name} #{n}: both sides hold the same events");
        assert_eq!(ea, want, "{name} #{n}: every event, nothing lost");
        for (env, w) in [(&a, &wa), (&b, &wb)] {
            let v = env.run_with(&["verify", &id], w);
            assert_eq!(v.code, 0, "{name} #{n}: {}{}", v.stdout, v.stderr);
        }
    }
}
