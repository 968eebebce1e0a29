//! Listing a folder without the standard library's `ReadDir`, whose drop panics when closing the
//! folder fails (an I/O error on a dying disk): a responder's command must fail with a message,
//! never a panic. The folder is read whole, then closed, and a failure to close it (after
//! everything was read) changes nothing.

use std::ffi::{CStr, CString, OsStr, OsString};
use std::io;
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::path::{Path, PathBuf};

/// One entry of a folder, as the folder says it is (a link is a link, never followed).
#[derive(Debug, Clone)]
pub struct Entry {
    name: OsString,
    path: PathBuf,
    kind: Kind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    File,
    Dir,
    Other,
}

impl Entry {
    pub fn file_name(&self) -> &OsStr {
        &self.name
    }
    pub fn path(&self) -> PathBuf {
        self.path.clone()
    }
    pub fn is_file(&self) -> bool {
        self.kind == Kind::File
    }
    pub fn is_dir(&self) -> bool {
        self.kind == Kind::Dir
    }
}

fn errno_zero() {
    // SAFETY: errno is thread-local; writing it is what the C library expects callers to do
    // before readdir, to tell the end of the folder from an error.
    unsafe {
        #[cfg(any(target_os = "linux", target_os = "android"))]
        {
            *libc::__errno_location() = 0;
        }
        #[cfg(any(target_os = "macos", target_os = "ios", target_os = "freebsd"))]
        {
            *libc::__error() = 0;
        }
    }
}

/// The entries of a folder ("." and ".." left out), in the order the folder gives them.
pub fn list(dir: &Path) -> io::Result<Vec<Entry>> {
    let c = CString::new(dir.as_os_str().as_bytes())
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "a NUL byte in the path"))?;
    // SAFETY: `c` is a valid NUL-terminated path; a null result is handled.
    let d = unsafe { libc::opendir(c.as_ptr()) };
    if d.is_null() {
        return Err(io::Error::last_os_error());
    }
    let mut out = Vec::new();
    let result = loop {
        errno_zero();
        // SAFETY: `d` is an open directory stream, used by this thread only.
        let ent = unsafe { libc::readdir(d) };
        if ent.is_null() {
            let e = io::Error::last_os_error();
            break if e.raw_os_error().unwrap_or(0) == 0 {
                Ok(())
            } else {
                Err(e)
            };
        }
        // SAFETY: readdir returned a valid entry whose name is NUL-terminated; it stays valid
        // until the next readdir on `d`, and is copied before that.
        let (name, t) = unsafe {
            (
                CStr::from_ptr((*ent).d_name.as_ptr()).to_bytes().to_vec(),
                (*ent).d_type,
            )
        };
        if name == b"." || name == b".." {
            continue;
        }
        let name = OsString::from_vec(name);
        let path = dir.join(&name);
        let kind = match t {
            libc::DT_REG => Kind::File,
            libc::DT_DIR => Kind::Dir,
            libc::DT_UNKNOWN => match std::fs::symlink_metadata(&path) {
                Ok(m) if m.file_type().is_file() => Kind::File,
                Ok(m) if m.file_type().is_dir() => Kind::Dir,
                _ => Kind::Other,
            },
            _ => Kind::Other,
        };
        out.push(Entry { name, path, kind });
    };
    // SAFETY: `d` is open and not used after this. Its result is not looked at: everything was
    // read already.
    unsafe {
        libc::closedir(d);
    }
    result.map(|()| out)
}

/// Writes a new file readable and writable by its owner only (a secret key), synced to disk.
/// Fails when the file exists.
pub fn write_private(path: &Path, bytes: &[u8]) -> io::Result<()> {
    use std::io::Write;
    let mut o = std::fs::OpenOptions::new();
    o.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    let mut f = o.open(path)?;
    f.write_all(bytes)?;
    f.sync_all()
}
