//! Listing a folder without the standard library's `ReadDir`, whose drop panics when closing the
//! folder fails (an I/O error on a dying disk): a responder's command must fail with a message,
//! never a panic. The folder is read whole, then closed, and a failure to close it (after
//! everything was read) changes nothing.

use crate::platform::{self, EntryKind};
use std::ffi::{OsStr, OsString};
use std::io;
use std::path::{Path, PathBuf};

/// One entry of a folder, as the folder says it is (a link is a link, never followed).
#[derive(Debug, Clone)]
pub struct Entry {
    name: OsString,
    path: PathBuf,
    kind: EntryKind,
}

impl Entry {
    pub fn file_name(&self) -> &OsStr {
        &self.name
    }
    pub fn path(&self) -> PathBuf {
        self.path.clone()
    }
    pub fn is_file(&self) -> bool {
        self.kind == EntryKind::File
    }
    pub fn is_dir(&self) -> bool {
        self.kind == EntryKind::Dir
    }
}

/// The entries of a folder ("." and ".." left out), in the order the folder gives them.
pub fn list(dir: &Path) -> io::Result<Vec<Entry>> {
    Ok(platform::list_dir(dir)?
        .into_iter()
        .map(|(name, kind)| Entry {
            path: dir.join(&name),
            name,
            kind,
        })
        .collect())
}

/// Writes a new file readable and writable by its owner only (a secret key), synced to disk.
/// Fails when the file exists.
pub fn write_private(path: &Path, bytes: &[u8]) -> io::Result<()> {
    use std::io::Write;
    let mut o = std::fs::OpenOptions::new();
    o.write(true).create_new(true);
    platform::owner_only(&mut o);
    let mut f = o.open(path)?;
    f.write_all(bytes)?;
    f.sync_all()
}

/// Writes a file whole or not at all: into a temporary file beside it, synced, then renamed over
/// it. On any failure the temporary file is removed and `path` is as it was.
pub fn write_atomic_with<T>(
    path: &Path,
    write: impl FnOnce(&mut std::io::BufWriter<std::fs::File>) -> io::Result<T>,
) -> io::Result<T> {
    use std::io::Write;
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "output".into());
    let tmp = dir.join(format!(".{name}.part-{}", std::process::id()));
    let result = (|| {
        let f = std::fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .open(&tmp)?;
        let mut w = std::io::BufWriter::new(f);
        let value = write(&mut w)?;
        w.flush()?;
        let f = w.into_inner().map_err(|e| e.into_error())?;
        f.sync_all()?;
        drop(f);
        std::fs::rename(&tmp, path)?;
        sync_folder(&dir);
        Ok(value)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// Writes bytes to a file whole or not at all (see [`write_atomic_with`]).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    use std::io::Write;
    write_atomic_with(path, |w| w.write_all(bytes))
}

/// Best effort: makes a rename in a folder durable where the platform can (a folder can be
/// synced on Unix; elsewhere the rename is durable once the file system says so).
pub fn sync_folder(dir: &Path) {
    let _ = platform::sync_dir(dir);
}

/// Removes a folder and everything in it, best effort, listing with [`list`] (the standard
/// library's `remove_dir_all` panics when closing a folder fails on a dying disk).
pub fn remove_tree(path: &Path) {
    if let Ok(entries) = list(path) {
        for e in entries {
            match e.is_dir() {
                true => remove_tree(&e.path()),
                false => {
                    let _ = std::fs::remove_file(e.path());
                }
            }
        }
    }
    let _ = std::fs::remove_dir(path);
}
