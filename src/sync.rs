//! `muster sync`: exchanging a home's sessions through a git repository, with the `git` program.
//!
//! The home keeps a staging clone in `<home>/.sync/` (on branch `muster`). A sync checks that
//! the remote can be reached (`git ls-remote`) before anything changes; fetches the remote's
//! branch and resets the staging clone to it; merges every session in it into the home (the
//! same merge as `muster merge`); copies the home's journal files (complete lines only) and
//! snapshots out into the staging clone; commits; pushes. A push refused because another home
//! pushed first starts again from the fetch. Because each writer appends only to its own file,
//! git never has to merge the inside of a file.

use crate::journal::StoreError;
use crate::journal::merge::{self, Merged, Own, is_session_name};
use crate::journal::store;
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

const BRANCH: &str = "muster";
const TRIES: usize = 8;

#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error(
        "cannot reach {remote}: {why}. Nothing was changed. Check the path or URL (a USB stick mounted? the server up?); to start a shared repository: `git init --bare PATH`"
    )]
    Unreachable { remote: String, why: String },
    #[error(
        "there is no remote to sync with yet: give one, e.g. `muster sync /media/usb/muster.git` (a bare repository: `git init --bare PATH`)"
    )]
    NoRemote,
    #[error(
        "cannot run git: {0}. Install git, or copy session folders by hand and use `muster merge DIR`"
    )]
    NoGit(String),
    #[error("git {what} failed: {why}")]
    Git { what: String, why: String },
    #[error("{0}")]
    Store(#[from] StoreError),
    #[error(
        "another home pushed each time this one tried ({TRIES} times): nothing is lost; try `muster sync` again"
    )]
    Busy,
}

/// What a sync did.
#[derive(Debug, Default)]
pub struct Synced {
    pub remote: String,
    /// Per session that changed here: what the merge did.
    pub pulled: Vec<(String, Merged)>,
    /// Session folders of the remote that were not taken at all, and why (a link in them, too
    /// many files, a file over the limit).
    pub refused: Vec<(String, String)>,
    /// Sessions whose files went out.
    pub pushed: usize,
}

fn git(staging: &Path) -> Command {
    let mut c = Command::new("git");
    c.arg("-C")
        .arg(staging)
        .args([
            "-c",
            "user.name=muster",
            "-c",
            "user.email=muster@localhost",
            "-c",
            "commit.gpgsign=false",
            "-c",
            "core.hooksPath=/dev/null",
            "-c",
            "protocol.file.allow=always",
        ])
        .env("GIT_TERMINAL_PROMPT", "0")
        .env("GIT_ASKPASS", "true")
        .env("SSH_ASKPASS", "true")
        .env(
            "GIT_SSH_COMMAND",
            "ssh -o BatchMode=yes -o ConnectTimeout=10",
        )
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .env_remove("GIT_INDEX_FILE");
    c
}

/// Runs git; its output, or why it failed (the last line of what it said).
fn run(mut c: Command, what: &str) -> Result<String, SyncError> {
    let o = capture(&mut c, what)?;
    if o.status.success() {
        Ok(String::from_utf8_lossy(&o.stdout).into_owned())
    } else {
        Err(SyncError::Git {
            what: what.to_string(),
            why: last_words(&o.stderr),
        })
    }
}

/// Runs git and collects what it printed. Not `Command::output`, which panics when reading the
/// child's pipes fails (an I/O error): here that is an error like any other.
fn capture(c: &mut Command, what: &str) -> Result<std::process::Output, SyncError> {
    use std::io::Read;
    use std::process::Stdio;
    let failed = |e: std::io::Error| SyncError::Git {
        what: what.to_string(),
        why: crate::domain::text::clean(&e.to_string(), false),
    };
    c.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = c.spawn().map_err(|e| SyncError::NoGit(e.to_string()))?;
    let stderr = child.stderr.take();
    let reader = std::thread::Builder::new().spawn(move || {
        let mut b = Vec::new();
        if let Some(mut e) = stderr {
            let _ = e.read_to_end(&mut b);
        }
        b
    });
    let mut out = Vec::new();
    let read = match child.stdout.take() {
        Some(mut o) => o.read_to_end(&mut out).map(|_| ()),
        None => Ok(()),
    };
    // stdout is closed now: a child still writing gets a broken pipe, never a wait forever
    let status = child.wait();
    let err = match reader {
        Ok(r) => r.join().unwrap_or_default(),
        Err(e) => return Err(failed(e)),
    };
    read.map_err(failed)?;
    Ok(std::process::Output {
        status: status.map_err(failed)?,
        stdout: out,
        stderr: err,
    })
}

/// What git said went wrong, in one sentence without its final full stop: its first `fatal:`
/// line (the cause; what follows is advice), else its last line.
fn last_words(stderr: &[u8]) -> String {
    let s = String::from_utf8_lossy(stderr);
    let lines: Vec<&str> = s.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    let line = lines
        .iter()
        .find_map(|l| l.strip_prefix("fatal: "))
        .or_else(|| lines.last().map(|l| l.trim_start_matches("error: ")))
        .unwrap_or("no message");
    crate::domain::text::clean(line.trim_end_matches('.'), false)
}

/// A remote as git should see it from the staging clone: a relative path made absolute.
fn absolute(remote: &str) -> String {
    let p = Path::new(remote);
    if !remote.contains("://")
        && !remote.contains(':')
        && p.is_relative()
        && let Ok(cwd) = std::env::current_dir()
    {
        return cwd.join(p).display().to_string();
    }
    remote.to_string()
}

/// Syncs the home's sessions with `remote`, or with the last remote used. `writer` is this
/// home's writer: its files are never changed by what comes in.
pub fn sync(
    home: &Path,
    remote: Option<&str>,
    writer: &crate::domain::ids::WriterId,
) -> Result<Synced, SyncError> {
    let staging = home.join(".sync");
    let remote = match remote {
        Some(r) => absolute(r),
        None => {
            if !crate::journal::bytes::present(&staging)? {
                return Err(SyncError::NoRemote);
            }
            let mut c = git(&staging);
            c.args(["config", "--get", "muster.remote"]);
            let o = capture(&mut c, "config")?;
            let r = String::from_utf8_lossy(&o.stdout).trim().to_string();
            match o.status.code() {
                Some(0) if !r.is_empty() => r,
                // git says 1 when the setting is not there
                Some(0) | Some(1) => return Err(SyncError::NoRemote),
                _ => {
                    return Err(SyncError::Git {
                        what: "config".into(),
                        why: last_words(&o.stderr),
                    });
                }
            }
        }
    };
    // offline is normal: find out first, and change nothing when it cannot be reached
    let mut c = git(Path::new("."));
    c.args(["ls-remote", "--heads", "--", &remote]);
    let heads = run(c, "ls-remote").map_err(|e| match e {
        SyncError::Git { why, .. } => SyncError::Unreachable {
            remote: crate::domain::text::clean(&remote, false),
            why,
        },
        e => e,
    })?;
    let mut has_branch = heads.contains(&format!("refs/heads/{BRANCH}"));
    crate::journal::file::create_dir_durable(home)?;
    let lock_path = home.join(".sync.lock");
    let lock = fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock_path)
        .map_err(|e| StoreError::io("lock", &lock_path, e))?;
    lock.lock()
        .map_err(|e| StoreError::io("lock", &lock_path, e))?;
    if !crate::journal::bytes::present(&staging.join(".git"))? {
        fs::create_dir_all(&staging).map_err(|e| StoreError::io("create", &staging, e))?;
        let mut c = git(&staging);
        c.args(["init", "-q", "-b", BRANCH]);
        run(c, "init")?;
    }
    let mut c = git(&staging);
    c.args(["config", "muster.remote", &remote]);
    run(c, "config")?;
    let mut out = Synced {
        remote: remote.clone(),
        ..Synced::default()
    };
    let own = Own {
        writer: writer.clone(),
        key: crate::journal::keys::load_or_create(home)?
            .public_hex()
            .to_string()
            .into(),
        sent: BTreeMap::new(),
    };
    let sent_path = home.join(SENT);
    for _ in 0..TRIES {
        if has_branch {
            let mut c = git(&staging);
            c.args(["fetch", "-q", "--", &remote, BRANCH]);
            run(c, "fetch")?;
            let mut c = git(&staging);
            c.args(["reset", "-q", "--hard", "FETCH_HEAD"]);
            run(c, "reset")?;
            let mut c = git(&staging);
            c.args(["clean", "-q", "-fdx"]);
            run(c, "clean")?;
            pull_in(home, &staging, &own, &sent_path, &mut out)?;
        }
        let (pushed, sending) = copy_out(home, &staging, &own)?;
        out.pushed = pushed;
        let mut c = git(&staging);
        c.args(["add", "-A", "."]);
        run(c, "add")?;
        let mut c = git(&staging);
        c.args(["status", "--porcelain"]);
        let changed = !run(c, "status")?.trim().is_empty();
        if changed {
            let mut c = git(&staging);
            c.args(["commit", "-q", "-m", "muster sync"]);
            run(c, "commit")?;
        } else if has_branch {
            save_sent(&sent_path, &sending);
            return Ok(out);
        }
        let mut c = git(&staging);
        c.args([
            "push",
            "-q",
            "--",
            &remote,
            &format!("HEAD:refs/heads/{BRANCH}"),
        ]);
        match run(c, "push") {
            Ok(_) => {
                save_sent(&sent_path, &sending);
                return Ok(out);
            }
            Err(SyncError::Git { .. }) => {
                // another home pushed first: take what it pushed, and try again
                has_branch = true;
            }
            Err(e) => return Err(e),
        }
    }
    Err(SyncError::Busy)
}

/// Where a home keeps how much of each of its own files it last sent: a remote copy shorter
/// than that was rolled back. (A dot file: never sent, never merged.)
const SENT: &str = ".sync-sent";

/// What this home last sent of its own files, by `<session>/<file>`.
fn load_sent(path: &Path) -> BTreeMap<String, u64> {
    std::fs::read(path)
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or_default()
}

/// Best effort: without it, a rollback of this home's files in the remote is not noticed (it is
/// repaired all the same, as this home sends its files again).
fn save_sent(path: &Path, sent: &BTreeMap<String, u64>) {
    let mut all = load_sent(path);
    all.extend(sent.iter().map(|(k, v)| (k.clone(), *v)));
    if let Ok(json) = serde_json::to_vec(&all) {
        let tmp = path.with_extension(format!("tmp{}", std::process::id()));
        if fs::write(&tmp, json).is_ok() && fs::rename(&tmp, path).is_err() {
            let _ = fs::remove_file(&tmp);
        }
    }
}

/// Merges every session of the staging clone into the home. A session folder that cannot be
/// taken at all (a link in it, too many files) is reported and the others go on.
fn pull_in(
    home: &Path,
    staging: &Path,
    own: &Own,
    sent_path: &Path,
    out: &mut Synced,
) -> Result<(), SyncError> {
    let dir = staging.join("sessions");
    let Ok(entries) = crate::fsx::list(&dir) else {
        return Ok(());
    };
    let mut names: Vec<String> = entries
        .into_iter()
        .filter(|e| e.is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| is_session_name(n))
        .collect();
    names.sort();
    let sent = load_sent(sent_path);
    for n in names {
        let into = store::sessions_dir(home).join(&n);
        let prefix = format!("{n}/");
        let own = Own {
            sent: sent
                .iter()
                .filter_map(|(k, v)| k.strip_prefix(&prefix).map(|f| (f.to_string(), *v)))
                .collect(),
            ..own.clone()
        };
        match merge::merge_dir(&dir.join(&n), &into, &own) {
            Ok(m) if m.changed() || !m.notes.is_empty() || m.failed() => out.pulled.push((n, m)),
            Ok(_) => {}
            // a folder with no journal in it (yet): nothing to take
            Err(StoreError::NoJournal { .. }) => {}
            Err(e @ (StoreError::Refused { .. } | StoreError::TooManyFiles { .. })) => {
                out.refused.push((n, e.to_string()))
            }
            Err(e) => return Err(e.into()),
        }
    }
    Ok(())
}

/// Copies the home's sessions into the staging clone: journal files (complete lines) and
/// snapshots; never checkpoints or other derived files. Returns how many sessions, and the
/// length of each of this home's own files as sent.
fn copy_out(
    home: &Path,
    staging: &Path,
    own: &Own,
) -> Result<(usize, BTreeMap<String, u64>), SyncError> {
    use crate::journal::bytes;
    let ids = store::list_ids(home)?;
    let mut sending = BTreeMap::new();
    for id in &ids {
        let from = store::sessions_dir(home).join(id.as_str());
        let to: PathBuf = staging.join("sessions").join(id.as_str());
        fs::create_dir_all(&to).map_err(|e| StoreError::io("create", &to, e))?;
        let entries = crate::fsx::list(&from).map_err(|e| StoreError::io("list", &from, e))?;
        for e in entries {
            let name = e.file_name().to_string_lossy().into_owned();
            let journal = merge::is_journal_name(&name);
            if !(journal || merge::is_snapshot_name(&name)) || !e.is_file() {
                continue;
            }
            let src = e.path();
            let len = match journal {
                true => bytes::complete_len(&src)?,
                false => fs::metadata(&src)
                    .map_err(|x| StoreError::io("read", &src, x))?
                    .len(),
            };
            if journal
                && (name
                    == format!(
                        "{}{}{}",
                        crate::journal::file::PREFIX,
                        own.writer,
                        crate::journal::file::SUFFIX
                    )
                    || (own.key.is_some() && bytes::signing_key(&src)? == own.key))
            {
                sending.insert(format!("{id}/{name}"), len);
            }
            let dest = to.join(&name);
            let same = dest.is_file()
                && bytes::complete_len(&dest).ok() == Some(len)
                && fs::metadata(&dest).map(|m| m.len()).ok() == Some(len)
                && bytes::relation(&src, len, &dest, len)? == bytes::Relation::Same;
            if !same {
                let tmp = to.join(format!(".{name}.part"));
                let _ = fs::remove_file(&tmp);
                match journal {
                    true => bytes::copy_complete(&src, &tmp, u64::MAX).map(|_| ())?,
                    false => bytes::copy_whole(&src, &tmp, u64::MAX)?,
                }
                fs::rename(&tmp, &dest).map_err(|x| StoreError::io("write", &dest, x))?;
            }
        }
    }
    Ok((ids.len(), sending))
}
