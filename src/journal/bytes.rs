//! Files compared and copied a chunk at a time, so that a merge or a sync takes any file in
//! bounded memory: the length of a file's complete lines, how two files relate (one the start
//! of the other), a copy of a file's complete lines, an append from one file to another.

use super::StoreError;
use super::file;
use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::Path;

const CHUNK: usize = 1 << 20;

fn io<'a>(action: &'static str, path: &'a Path) -> impl Fn(std::io::Error) -> StoreError + 'a {
    move |e| StoreError::io(action, path, e)
}

/// Whether something is at `path` (a link is something): an error to look is an error, never
/// "not there", so that nothing is ever put where a file already is.
pub fn present(path: &Path) -> Result<bool, StoreError> {
    match std::fs::symlink_metadata(path) {
        Ok(_) => Ok(true),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(StoreError::io("look at", path, e)),
    }
}

/// Puts a staged file in place under a name where nothing is yet, never over anything: linked,
/// then the staged name removed. Fails when something took the name meanwhile.
pub fn adopt(staged: &Path, dest: &Path) -> Result<(), StoreError> {
    match std::fs::hard_link(staged, dest) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => return Err(StoreError::Busy),
        // a file system without hard links (FAT, exFAT, some network shares): copied into a
        // new file, never over one
        Err(e)
            if matches!(
                e.kind(),
                std::io::ErrorKind::Unsupported | std::io::ErrorKind::PermissionDenied
            ) && !dest.exists() =>
        {
            copy_new(staged, dest).map_err(|_| StoreError::io("copy", dest, e))?
        }
        Err(e) => return Err(StoreError::io("copy", dest, e)),
    }
    let _ = std::fs::remove_file(staged);
    match dest.parent() {
        Some(d) => file::sync_dir(d),
        None => Ok(()),
    }
}

/// Copies a file into a new one (failing when `dest` exists), synced.
fn copy_new(from: &Path, dest: &Path) -> std::io::Result<()> {
    let mut src = std::fs::File::open(from)?;
    let mut dst = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(dest)?;
    let copied = std::io::copy(&mut src, &mut dst).and_then(|_| dst.sync_all());
    if copied.is_err() {
        drop(dst);
        let _ = std::fs::remove_file(dest);
    }
    copied
}

/// The length of a file's complete lines: up to and with its last newline (what comes after it
/// is an unfinished write). The file is read from its end.
pub fn complete_len(path: &Path) -> Result<u64, StoreError> {
    let mut f = file::open_regular(path)?;
    let len = f.metadata().map_err(io("read", path))?.len();
    let mut end = len;
    let mut buf = vec![0u8; 64 * 1024];
    while end > 0 {
        let start = end.saturating_sub(buf.len() as u64);
        let n = (end - start) as usize;
        f.seek(SeekFrom::Start(start)).map_err(io("read", path))?;
        f.read_exact(&mut buf[..n]).map_err(io("read", path))?;
        if let Some(i) = memchr::memrchr(b'\n', &buf[..n]) {
            return Ok(start + i as u64 + 1);
        }
        end = start;
    }
    Ok(0)
}

/// How two files' first bytes relate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Relation {
    Same,
    /// The first is the start of the second.
    FirstIsStart,
    /// The second is the start of the first.
    SecondIsStart,
    Differ,
}

/// Compares the first `a_len` bytes of `a` with the first `b_len` bytes of `b`.
pub fn relation(a: &Path, a_len: u64, b: &Path, b_len: u64) -> Result<Relation, StoreError> {
    let mut fa = file::open_regular(a)?;
    let mut fb = file::open_regular(b)?;
    let common = a_len.min(b_len);
    let mut ba = vec![0u8; CHUNK];
    let mut bb = vec![0u8; CHUNK];
    let mut done = 0u64;
    while done < common {
        let n = CHUNK.min((common - done) as usize);
        fa.read_exact(&mut ba[..n]).map_err(io("read", a))?;
        fb.read_exact(&mut bb[..n]).map_err(io("read", b))?;
        if ba[..n] != bb[..n] {
            return Ok(Relation::Differ);
        }
        done += n as u64;
    }
    Ok(match a_len.cmp(&b_len) {
        std::cmp::Ordering::Equal => Relation::Same,
        std::cmp::Ordering::Less => Relation::FirstIsStart,
        std::cmp::Ordering::Greater => Relation::SecondIsStart,
    })
}

/// Copies a regular file's complete lines (never following a link) to a new file `to`, synced:
/// at most `max` bytes, else nothing is copied. Returns the bytes copied.
pub fn copy_complete(from: &Path, to: &Path, max: u64) -> Result<u64, StoreError> {
    let mut src = file::open_regular(from)?;
    let len = src.metadata().map_err(io("read", from))?.len();
    if len > max {
        return Err(StoreError::Refused {
            path: from.to_path_buf(),
            why: format!(
                "it is {} MiB, larger than the {} MiB muster takes in",
                len >> 20,
                max >> 20
            ),
        });
    }
    let mut dst = OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(to)
        .map_err(io("create", to))?;
    let mut buf = vec![0u8; CHUNK];
    let mut copied = 0u64;
    let mut complete = 0u64;
    let result = (|| {
        // what the file held when it was looked at: a file still growing is taken as it was
        while copied < len {
            let want = CHUNK.min((len - copied) as usize);
            let n = src.read(&mut buf[..want]).map_err(io("read", from))?;
            if n == 0 {
                break;
            }
            if let Some(i) = memchr::memrchr(b'\n', &buf[..n]) {
                complete = copied + i as u64 + 1;
            }
            dst.write_all(&buf[..n]).map_err(io("write", to))?;
            copied += n as u64;
        }
        dst.set_len(complete).map_err(io("write", to))?;
        dst.sync_all().map_err(io("sync", to))
    })();
    if let Err(e) = result {
        drop(dst);
        let _ = std::fs::remove_file(to);
        return Err(e);
    }
    Ok(complete)
}

/// Appends bytes `from..to` of the file `src` to an open file, then syncs it. Returns the lines
/// appended.
pub fn append_range(
    dst: &mut File,
    dst_path: &Path,
    src: &Path,
    from: u64,
    to: u64,
) -> Result<usize, StoreError> {
    let mut f = file::open_regular(src)?;
    f.seek(SeekFrom::Start(from)).map_err(io("read", src))?;
    let mut left = to.saturating_sub(from);
    let mut buf = vec![0u8; CHUNK];
    let mut lines = 0;
    while left > 0 {
        let n = CHUNK.min(left as usize);
        f.read_exact(&mut buf[..n]).map_err(io("read", src))?;
        lines += memchr::memchr_iter(b'\n', &buf[..n]).count();
        dst.write_all(&buf[..n])
            .map_err(io("write to the journal", dst_path))?;
        left -= n as u64;
    }
    dst.sync_data()
        .map_err(io("sync the journal", dst_path))
        .map(|()| lines)
}

/// Copies a regular file whole (never following a link) to a new file `to`, synced: at most
/// `max` bytes, else nothing is copied.
pub fn copy_whole(from: &Path, to: &Path, max: u64) -> Result<(), StoreError> {
    let src = file::open_regular(from)?;
    let len = src.metadata().map_err(io("read", from))?.len();
    if len > max {
        return Err(StoreError::Refused {
            path: from.to_path_buf(),
            why: format!("it is larger than the {} MiB muster takes in", max >> 20),
        });
    }
    let mut dst = OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(to)
        .map_err(io("create", to))?;
    let result = std::io::copy(&mut src.take(max), &mut dst)
        .map_err(io("copy", to))
        .and_then(|_| dst.sync_all().map_err(io("sync", to)));
    if result.is_err() {
        let _ = std::fs::remove_file(to);
    }
    result
}

/// The SHA-256 of a file's first `len` bytes, lowercase hex.
pub fn hash_prefix(path: &Path, len: u64) -> Result<String, StoreError> {
    use sha2::{Digest, Sha256};
    let mut f = file::open_regular(path)?;
    let mut h = Sha256::new();
    let mut left = len;
    let mut buf = vec![0u8; CHUNK];
    while left > 0 {
        let n = CHUNK.min(left as usize);
        f.read_exact(&mut buf[..n]).map_err(io("read", path))?;
        h.update(&buf[..n]);
        left -= n as u64;
    }
    Ok(crate::domain::parse::library::hex(&h.finalize()))
}

/// The first line of a file (without its newline), read up to `max` bytes.
pub fn first_line(path: &Path, max: u64) -> Result<Vec<u8>, StoreError> {
    use std::io::BufRead;
    let f = file::open_regular(path)?;
    let mut line = Vec::new();
    std::io::BufReader::new(f.take(max))
        .read_until(b'\n', &mut line)
        .map_err(io("read", path))?;
    if line.last() == Some(&b'\n') {
        line.pop();
    }
    Ok(line)
}

/// The public key a journal file's lines are signed by: from its first signed line, looked for
/// in its first few MiB (a file begun before lines were signed has unsigned lines first).
pub fn signing_key(path: &Path) -> Result<Option<String>, StoreError> {
    use std::io::BufRead;
    let f = file::open_regular(path)?;
    let mut r = std::io::BufReader::new(f.take(8 << 20));
    let mut line = Vec::new();
    loop {
        line.clear();
        let n = r.read_until(b'\n', &mut line).map_err(io("read", path))?;
        if n == 0 || line.last() != Some(&b'\n') {
            return Ok(None);
        }
        if let Ok(e) = serde_json::from_slice::<crate::domain::event::Event>(&line[..n - 1])
            && let Some(k) = e.key
        {
            return Ok(Some(k));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relations_and_complete_lengths() {
        let d = tempfile::tempdir().unwrap();
        let a = d.path().join("a");
        let b = d.path().join("b");
        std::fs::write(&a, b"one\ntwo\n").unwrap();
        std::fs::write(&b, b"one\ntwo\nthr").unwrap();
        assert_eq!(complete_len(&a).unwrap(), 8);
        assert_eq!(complete_len(&b).unwrap(), 8);
        assert_eq!(relation(&a, 8, &b, 11).unwrap(), Relation::FirstIsStart);
        assert_eq!(relation(&b, 11, &a, 8).unwrap(), Relation::SecondIsStart);
        assert_eq!(relation(&a, 8, &b, 8).unwrap(), Relation::Same);
        std::fs::write(&b, b"one\nTWO\n").unwrap();
        assert_eq!(relation(&a, 8, &b, 8).unwrap(), Relation::Differ);
        let c = d.path().join("c");
        assert_eq!(copy_complete(&b, &c, 100).unwrap(), 8);
        std::fs::write(&a, b"partial").unwrap();
        assert_eq!(complete_len(&a).unwrap(), 0);
        let e = d.path().join("e");
        assert!(matches!(
            copy_complete(&b, &e, 4),
            Err(StoreError::Refused { .. })
        ));
        assert!(!e.exists());
    }
}
