//! Running a step's command for the responder, once they confirmed it: under their shell, with
//! no input (it can never read the keys meant for muster), a time limit after which it and what
//! it started are stopped, and its output kept bounded (the start and the end of it).

use std::io::Read;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// How much of the start of the output is kept, and how much of its end.
pub const KEEP_HEAD: usize = 32 * 1024;
pub const KEEP_TAIL: usize = 32 * 1024;

/// How long a command may run unless told otherwise.
pub const DEFAULT_LIMIT: Duration = Duration::from_secs(5 * 60);

/// How a command ended, and what it wrote (standard output and error, interleaved as read).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ran {
    pub command: String,
    /// The exit status; none when it was stopped (the time limit, a signal).
    pub exit: Option<i32>,
    pub timed_out: bool,
    pub duration: Duration,
    /// The output as kept: the whole of it when short, else its start, a line saying how much
    /// was left out, and its end.
    pub output: Vec<u8>,
    /// How many bytes it wrote in all.
    pub output_bytes: u64,
}

impl Ran {
    pub fn ok(&self) -> bool {
        self.exit == Some(0) && !self.timed_out
    }

    /// "exit status 3", "stopped after its time limit of 5 min", "killed by a signal".
    pub fn how(&self) -> String {
        match (self.exit, self.timed_out) {
            (_, true) => "stopped after its time limit".into(),
            (Some(c), _) => format!("exit status {c}"),
            (None, _) => "killed by a signal".into(),
        }
    }

    /// The last lines of the output, for a reason: at most `n` lines and 400 bytes.
    pub fn last_lines(&self, n: usize) -> String {
        let text = String::from_utf8_lossy(&self.output);
        let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
        let tail = lines[lines.len().saturating_sub(n)..].join(" / ");
        crate::domain::text::ellipsis(&tail, 400)
    }
}

/// The shell a command runs under, as words: "/bin/bash -c".
pub fn shell_words() -> String {
    let (sh, flag) = crate::platform::shell();
    format!("{sh} {flag}")
}

/// Output kept within bounds: the first [`KEEP_HEAD`] bytes and the last [`KEEP_TAIL`].
#[derive(Default)]
struct Kept {
    head: Vec<u8>,
    tail: std::collections::VecDeque<u8>,
    total: u64,
}

impl Kept {
    fn push(&mut self, mut bytes: &[u8]) {
        self.total += bytes.len() as u64;
        let room = KEEP_HEAD.saturating_sub(self.head.len());
        let n = room.min(bytes.len());
        self.head.extend_from_slice(&bytes[..n]);
        bytes = &bytes[n..];
        self.tail.extend(bytes);
        let extra = self.tail.len().saturating_sub(KEEP_TAIL);
        self.tail.drain(..extra);
    }

    fn into_output(self) -> Vec<u8> {
        let mut out = self.head;
        let kept = out.len() as u64 + self.tail.len() as u64;
        if self.total > kept {
            out.extend_from_slice(
                format!(
                    "\n[muster: {} bytes of output left out here]\n",
                    self.total - kept
                )
                .as_bytes(),
            );
        }
        out.extend(self.tail);
        out
    }
}

/// Runs `command` under the user's shell, at most `limit`, handing each piece of output to
/// `seen` as it comes (to show it live). Fails only when the shell cannot be started.
pub fn run(command: &str, limit: Duration, mut seen: impl FnMut(&[u8])) -> std::io::Result<Ran> {
    let (sh, flag) = crate::platform::shell();
    let mut c = Command::new(&sh);
    c.arg(flag)
        .arg(command)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    crate::platform::own_group(&mut c);
    let started = Instant::now();
    let mut child = c.spawn()?;
    let (tx, rx) = mpsc::channel::<Vec<u8>>();
    let pipes: [Option<Box<dyn Read + Send>>; 2] = [
        child
            .stdout
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
        child
            .stderr
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    ];
    for mut pipe in pipes.into_iter().flatten() {
        let tx = tx.clone();
        std::thread::spawn(move || {
            let mut buf = vec![0u8; 16 * 1024];
            while let Ok(n) = pipe.read(&mut buf) {
                if n == 0 || tx.send(buf[..n].to_vec()).is_err() {
                    break;
                }
            }
        });
    }
    drop(tx);
    let deadline = started + limit;
    let mut kept = Kept::default();
    let mut timed_out = false;
    // the output until both pipes close or the time is up
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match rx.recv_timeout(left) {
            Ok(bytes) => {
                seen(&bytes);
                kept.push(&bytes);
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
            Err(mpsc::RecvTimeoutError::Timeout) => {
                timed_out = true;
                break;
            }
        }
    }
    // the pipes closed: the command ends now, or is stopped at the limit
    let status = loop {
        if timed_out {
            crate::platform::kill_tree(&mut child);
            break child.wait().ok();
        }
        match child.try_wait() {
            Ok(Some(s)) => break Some(s),
            Ok(None) if Instant::now() >= deadline => timed_out = true,
            Ok(None) => std::thread::park_timeout(Duration::from_millis(20)),
            Err(_) => break None,
        }
    };
    let output_bytes = kept.total;
    Ok(Ran {
        command: command.to_string(),
        exit: if timed_out {
            None
        } else {
            status.and_then(|s| s.code())
        },
        timed_out,
        duration: started.elapsed(),
        output: kept.into_output(),
        output_bytes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_output_keeps_its_start_and_its_end_and_says_what_was_left_out() {
        let mut k = Kept::default();
        let chunk = vec![b'a'; 10_000];
        for _ in 0..20 {
            k.push(&chunk);
        }
        k.push(b"THE END");
        let total = k.total;
        let out = k.into_output();
        assert_eq!(total, 200_007);
        assert!(out.len() < KEEP_HEAD + KEEP_TAIL + 100);
        assert!(out.ends_with(b"THE END"));
        let text = String::from_utf8_lossy(&out);
        assert!(
            text.contains(&format!(
                "{} bytes of output left out",
                200_007 - (KEEP_HEAD + KEEP_TAIL) as u64
            )),
            "{}",
            &text[KEEP_HEAD - 10..KEEP_HEAD + 80]
        );
    }

    #[test]
    fn short_output_is_kept_whole() {
        let mut k = Kept::default();
        k.push(b"hello\n");
        assert_eq!(k.into_output(), b"hello\n");
    }
}
