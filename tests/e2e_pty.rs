//! The real binary in a pseudo-terminal: what a responder does, checked in the journal it wrote.

#![cfg(unix)]

mod common;

use portable_pty::{CommandBuilder, PtySize, native_pty_system};
use std::io::{Read, Write};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

struct Tui {
    screen: Arc<Mutex<vt100::Parser>>,
    writer: Box<dyn Write + Send>,
    child: Box<dyn portable_pty::Child + Send + Sync>,
    _master: Box<dyn portable_pty::MasterPty + Send>,
    stop: Arc<std::sync::atomic::AtomicBool>,
    reader_thread: Option<std::thread::JoinHandle<()>>,
}

impl Tui {
    fn spawn(cwd: &Path, home: &Path, actor: &str, writer: &str) -> Tui {
        let pty = native_pty_system();
        let pair = pty
            .openpty(PtySize {
                rows: 24,
                cols: 80,
                pixel_width: 0,
                pixel_height: 0,
            })
            .unwrap();
        let mut cmd = CommandBuilder::new(common::BIN);
        cmd.cwd(cwd);
        cmd.env("MUSTER_HOME", home);
        if actor.is_empty() {
            // nobody named: the TUI asks, or remembers
            cmd.env_remove("MUSTER_AS");
        } else {
            cmd.env("MUSTER_AS", actor);
        }
        cmd.env("MUSTER_WRITER", writer);
        cmd.env("TERM", "xterm-256color");
        cmd.env("TZ", "UTC");
        cmd.env_remove("MUSTER_LIBRARY");
        cmd.env_remove("MUSTER_NOW");
        let child = pair.slave.spawn_command(cmd).unwrap();
        drop(pair.slave);
        let mut reader = pair.master.try_clone_reader().unwrap();
        let writer = pair.master.take_writer().unwrap();
        let screen = Arc::new(Mutex::new(vt100::Parser::new(
            std::num::NonZero::new(24).unwrap(),
            std::num::NonZero::new(80).unwrap(),
            0,
        )));
        let s2 = Arc::clone(&screen);
        let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let stop2 = Arc::clone(&stop);
        let fd = pair.master.as_raw_fd().expect("a unix pty");
        let reader_thread = std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            // poll with a short timeout, so a test can stop reading and really close the terminal
            while !stop2.load(std::sync::atomic::Ordering::Relaxed) {
                let mut p = libc::pollfd {
                    fd,
                    events: libc::POLLIN,
                    revents: 0,
                };
                // SAFETY: one valid pollfd.
                if unsafe { libc::poll(&mut p, 1, 50) } <= 0 {
                    continue;
                }
                match reader.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => s2.lock().unwrap().process(&buf[..n]),
                }
            }
        });
        Tui {
            stop,
            reader_thread: Some(reader_thread),
            screen,
            writer,
            child,
            _master: pair.master,
        }
    }

    fn contents(&self) -> String {
        self.screen.lock().unwrap().screen().contents()
    }

    /// Waits, with a deadline, until the screen shows `text`.
    fn wait_for(&self, text: &str) {
        let deadline = Instant::now() + Duration::from_secs(15);
        while Instant::now() < deadline {
            if self.contents().contains(text) {
                return;
            }
            std::thread::yield_now();
            std::thread::park_timeout(Duration::from_millis(20));
        }
        panic!(
            "the screen never showed {text:?}; it shows:\n{}",
            self.contents()
        );
    }

    fn send(&mut self, s: &str) {
        self.writer.write_all(s.as_bytes()).unwrap();
        self.writer.flush().unwrap();
    }

    fn wait_exit(&mut self) -> portable_pty::ExitStatus {
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            if let Some(s) = self.child.try_wait().unwrap() {
                return s;
            }
            assert!(
                Instant::now() < deadline,
                "muster did not exit; screen:\n{}",
                self.contents()
            );
            std::thread::park_timeout(Duration::from_millis(20));
        }
    }

    fn in_alternate_screen(&self) -> bool {
        self.screen.lock().unwrap().screen().alternate_screen()
    }
}

fn status_json(cwd: &Path, home: &Path, id: &str) -> serde_json::Value {
    let out = std::process::Command::new(common::BIN)
        .current_dir(cwd)
        .env("MUSTER_HOME", home)
        .env_remove("MUSTER_LIBRARY")
        .args(["status", id, "--json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn only_session(cwd: &Path, home: &Path) -> String {
    let out = std::process::Command::new(common::BIN)
        .current_dir(cwd)
        .env("MUSTER_HOME", home)
        .env_remove("MUSTER_LIBRARY")
        .args(["sessions", "--json"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 1, "{v}");
    v[0]["id"].as_str().unwrap().to_string()
}

#[test]
fn start_a_session_mark_the_first_step_done_with_a_note_and_quit() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    let mut tui = Tui::spawn(dir.path(), &home, "Priya Nair", "laptop-priya");
    tui.wait_for("Plans (7)");
    tui.wait_for("sample library");
    // the first plan of the built-in sample, as a real incident, default title, confirmed name
    tui.send("s");
    tui.wait_for("incident or exercise?");
    tui.send("1");
    tui.wait_for("Title of the session");
    tui.send("\r");
    // $MUSTER_AS says who this is: no name is asked
    tui.wait_for("INCIDENT");
    tui.send("d");
    tui.wait_for("A note (optional)");
    tui.send("holding statement agreed with the IC");
    tui.send("\r");
    tui.wait_for("Recorded: done");
    tui.send("q");
    let status = tui.wait_exit();
    assert!(status.success(), "{status:?}");
    assert!(
        !tui.in_alternate_screen(),
        "the terminal is restored on quit"
    );

    let id = only_session(dir.path(), &home);
    let v = status_json(dir.path(), &home, &id);
    let first = &v["steps"][0];
    assert_eq!(first["state"], "done", "{v}");
    assert_eq!(first["by"], "Priya Nair");
    assert_eq!(
        first["notes"],
        serde_json::json!(["holding statement agreed with the IC"])
    );
    assert!(first["at"].as_str().unwrap().ends_with('Z'));
}

#[test]
fn a_step_done_in_one_tui_appears_in_another_without_a_key_press() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    let out = std::process::Command::new(common::BIN)
        .current_dir(dir.path())
        .env("MUSTER_HOME", &home)
        .env("MUSTER_AS", "ic")
        .args(["start", "dc-power-loss", "--title", "Salford dark"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let mut a = Tui::spawn(dir.path(), &home, "ann", "host-a");
    let mut b = Tui::spawn(dir.path(), &home, "bob", "host-b");
    for t in [&mut a, &mut b] {
        t.wait_for("Sessions (1 open)");
        t.send("\t");
        t.wait_for("Salford dark");
        t.send("\r");
        t.wait_for("INCIDENT");
    }
    // » marks a step of the forecast's critical path
    b.wait_for("[ ]  1»Confirm the UPS");
    a.send("d");
    a.wait_for("A note (optional)");
    a.send("\r");
    a.wait_for("Recorded: done");
    // b is not touched: its screen follows the journal by itself
    b.wait_for("[x]  1 Confirm the UPS");
    b.wait_for("1/13 done");
    a.send("q");
    b.send("q");
    assert!(a.wait_exit().success());
    assert!(b.wait_exit().success());
}

fn signal_restores_the_terminal(sig: i32) {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    let mut tui = Tui::spawn(dir.path(), &home, "ann", "host-a");
    tui.wait_for("Plans (7)");
    assert!(tui.in_alternate_screen());
    let pid = tui.child.process_id().unwrap() as i32;
    // SAFETY: sending a signal to our own child process.
    assert_eq!(unsafe { libc::kill(pid, sig) }, 0);
    tui.wait_exit();
    let deadline = Instant::now() + Duration::from_secs(10);
    while tui.in_alternate_screen() && Instant::now() < deadline {
        std::thread::park_timeout(Duration::from_millis(20));
    }
    assert!(
        !tui.in_alternate_screen(),
        "left the alternate screen on signal {sig}"
    );
}

#[test]
fn sigterm_restores_the_terminal() {
    signal_restores_the_terminal(libc::SIGTERM);
}

#[test]
fn sighup_restores_the_terminal() {
    signal_restores_the_terminal(libc::SIGHUP);
}

#[test]
fn closing_the_terminal_ends_muster_instead_of_spinning() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    let tui = Tui::spawn(dir.path(), &home, "ann", "host-a");
    tui.wait_for("Plans (7)");
    let Tui {
        mut child,
        _master,
        writer,
        stop,
        reader_thread,
        ..
    } = tui;
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    reader_thread.unwrap().join().unwrap();
    // the SSH connection drops: the terminal goes away under muster
    drop(writer);
    drop(_master);
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "muster kept running after its terminal went away"
        );
        std::thread::park_timeout(Duration::from_millis(20));
    }
}

#[test]
fn a_bracketed_paste_into_the_note_prompt_is_text_never_keys() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    let mut tui = Tui::spawn(dir.path(), &home, "Priya Nair", "laptop-priya");
    tui.wait_for("Plans (7)");
    tui.send("s");
    tui.wait_for("incident or exercise?");
    tui.send("1");
    tui.wait_for("Title of the session");
    tui.send("\r");
    tui.wait_for("INCIDENT");
    tui.send("n");
    tui.wait_for("Note");
    // `q` would quit and `d` would mark the step done, if a paste were read as keys
    tui.send("\u{1b}[200~line one\nq\nd\u{1b}[201~");
    tui.send("\r");
    tui.wait_for("Recorded: note");
    tui.send("q");
    assert!(tui.wait_exit().success());
    let id = only_session(dir.path(), &home);
    let v = status_json(dir.path(), &home, &id);
    let first = &v["steps"][0];
    assert_eq!(first["state"], "pending", "nothing but the note: {v}");
    assert_eq!(first["notes"], serde_json::json!(["line one\nq\nd"]), "{v}");
    let events = v["events"].as_u64().unwrap();
    assert_eq!(events, 2, "the start and the note, nothing else: {v}");
}

/// Killed mid-incident, muster opens again where the responder was: the session, on the next
/// step to do, and it knows who they are without asking again.
#[test]
fn after_sigkill_muster_resumes_on_the_session_and_the_next_step_without_asking_the_name() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    let mut tui = Tui::spawn(dir.path(), &home, "", "laptop");
    tui.wait_for("Plans (7)");
    tui.send("s");
    tui.wait_for("incident or exercise?");
    tui.send("1");
    tui.wait_for("Who are you?");
    tui.send("Ann Archer\r");
    tui.wait_for("Title of the session");
    tui.send("\r");
    tui.wait_for("INCIDENT");
    tui.send("d");
    tui.wait_for("A note (optional)");
    tui.send("\r");
    tui.wait_for("Recorded: done");
    tui.child.kill().unwrap();
    let _ = tui.wait_exit();
    drop(tui);

    let mut tui = Tui::spawn(dir.path(), &home, "", "laptop");
    tui.wait_for("INCIDENT");
    tui.wait_for("the next step is 2");
    tui.send("d");
    tui.wait_for("A note (optional)");
    tui.send("\r");
    tui.wait_for("Recorded: done");
    assert!(
        !tui.contents().contains("Who are you?"),
        "the name was asked again:\n{}",
        tui.contents()
    );
    tui.send("q");
    assert!(tui.wait_exit().success());
    let id = only_session(dir.path(), &home);
    let v = status_json(dir.path(), &home, &id);
    assert_eq!(v["steps"][1]["state"], "done", "{v}");
    assert_eq!(v["steps"][1]["by"], "Ann Archer", "{v}");
}
