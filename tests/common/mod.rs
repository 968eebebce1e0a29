//! Running the real binary in a clean environment.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub const BIN: &str = env!("CARGO_BIN_EXE_muster");

pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// `LINE:COL` (from 1, columns in characters) of the `nth` (from 0) `needle` in `text`: where
/// a diagnostic about it points.
pub fn line_col(text: &str, needle: &str, nth: usize) -> String {
    let i = text
        .match_indices(needle)
        .nth(nth)
        .unwrap_or_else(|| panic!("{needle} not in the text"))
        .0;
    let line = text[..i].matches('\n').count() + 1;
    let col = text[..i].rsplit('\n').next().unwrap_or("").chars().count() + 1;
    format!("{line}:{col}")
}

pub fn mini() -> PathBuf {
    fixtures().join("mini")
}

/// A temporary home and working folder; commands run with no MUSTER_* from the caller.
pub struct Env {
    pub dir: tempfile::TempDir,
}

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn ok(self) -> Run {
        assert_eq!(
            self.code, 0,
            "expected success\nstdout: {}\nstderr: {}",
            self.stdout, self.stderr
        );
        self
    }
}

impl Env {
    pub fn new() -> Env {
        Env {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    pub fn home(&self) -> PathBuf {
        self.dir.path().join("home")
    }

    pub fn cmd(&self, args: &[&str]) -> Command {
        let mut c = Command::new(BIN);
        c.args(args)
            .current_dir(self.dir.path())
            .env("MUSTER_HOME", self.home())
            .env("TZ", "UTC")
            .env("MUSTER_AS", "tester")
            .env("MUSTER_WRITER", "w1")
            .env_remove("MUSTER_LIBRARY")
            .env("NO_COLOR", "1");
        c
    }

    pub fn run_with(&self, args: &[&str], env: &[(&str, &str)]) -> Run {
        let mut c = self.cmd(args);
        for (k, v) in env {
            c.env(k, v);
        }
        let o: Output = c.output().expect("run muster");
        Run {
            code: o.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        }
    }

    pub fn run(&self, args: &[&str]) -> Run {
        self.run_with(args, &[])
    }

    /// Runs a command with `input` on its standard input (answers to what it asks).
    pub fn run_input(&self, args: &[&str], env: &[(&str, &str)], input: &str) -> Run {
        use std::io::Write;
        use std::process::Stdio;
        let mut c = self.cmd(args);
        for (k, v) in env {
            c.env(k, v);
        }
        c.stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = c.spawn().expect("run muster");
        if let Some(mut i) = child.stdin.take() {
            // it may stop reading early (a declined command): that is not a failure here
            let _ = i.write_all(input.as_bytes());
        }
        let o = child.wait_with_output().expect("run muster");
        Run {
            code: o.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        }
    }

    /// Starts a session on the mini library and returns its id.
    pub fn start(&self, args: &[&str]) -> String {
        let mini = mini();
        let mut a = vec!["--library", mini.to_str().unwrap(), "start"];
        a.extend_from_slice(args);
        let r = self.run(&a).ok();
        r.stdout.trim().to_string()
    }

    pub fn session_dir(&self, id: &str) -> PathBuf {
        self.home().join("sessions").join(id)
    }

    /// Copies the mini library into the temp folder, to be altered by a test.
    pub fn copy_mini(&self) -> PathBuf {
        let to = self.dir.path().join("lib");
        copy_dir(&mini(), &to);
        to
    }
}

pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let p = e.path();
        if p.is_dir() {
            copy_dir(&p, &to.join(e.file_name()));
        } else {
            std::fs::copy(&p, to.join(e.file_name())).unwrap();
        }
    }
}
