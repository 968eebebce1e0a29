//! Linux, macOS and the BSDs.

use super::EntryKind;
use std::ffi::{CStr, CString, OsString};
use std::fs::{File, OpenOptions};
use std::io;
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;

/// The signals that end the TUI cleanly (the terminal restored): SIGTERM, SIGHUP, SIGINT.
pub const STOP_SIGNALS: &[i32] = &[libc::SIGTERM, libc::SIGHUP, libc::SIGINT];

/// The number the TUI exits with 128 + when its terminal went away.
pub const HANG_UP: i32 = libc::SIGHUP;

/// The login name from the user database, where the environment does not say it.
pub fn login_name() -> Option<String> {
    // SAFETY: getuid has no preconditions; getpwuid returns a pointer into static storage or
    // null, read at once and copied.
    unsafe {
        let pw = libc::getpwuid(libc::getuid());
        if pw.is_null() || (*pw).pw_name.is_null() {
            return None;
        }
        CStr::from_ptr((*pw).pw_name)
            .to_str()
            .ok()
            .map(str::to_string)
    }
}

/// This machine's name, as the system gives it.
pub fn hostname() -> Option<String> {
    let mut buf = [0u8; 256];
    // SAFETY: the buffer is valid for its length; gethostname writes at most that many bytes.
    let r = unsafe { libc::gethostname(buf.as_mut_ptr() as *mut libc::c_char, buf.len()) };
    if r != 0 {
        return None;
    }
    let end = buf.iter().position(|&b| b == 0).unwrap_or(buf.len());
    std::str::from_utf8(&buf[..end]).ok().map(str::to_string)
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
        #[cfg(any(target_os = "netbsd", target_os = "openbsd"))]
        {
            *libc::__errno() = 0;
        }
    }
}

/// The entries of a folder ("." and ".." left out) with opendir/readdir: the standard library's
/// `ReadDir` panics when closing the folder fails (an I/O error on a dying disk). The folder is
/// read whole, then closed, and a failure to close it changes nothing.
pub fn list_dir(dir: &Path) -> io::Result<Vec<(OsString, EntryKind)>> {
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
        let kind = match t {
            libc::DT_REG => EntryKind::File,
            libc::DT_DIR => EntryKind::Dir,
            libc::DT_UNKNOWN => super::kind_of(&dir.join(&name)),
            _ => EntryKind::Other,
        };
        out.push((name, kind));
    };
    // SAFETY: `d` is open and not used after this. Its result is not looked at: everything was
    // read already.
    unsafe {
        libc::closedir(d);
    }
    result.map(|()| out)
}

/// Opens a file for reading without following a link (a link is `Ok(None)`) and without
/// waiting on a FIFO: what was opened is for the caller to check.
pub fn open_no_follow(path: &Path) -> io::Result<Option<File>> {
    match OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
        .open(path)
    {
        Ok(f) => Ok(Some(f)),
        Err(e) if e.raw_os_error() == Some(libc::ELOOP) => Ok(None),
        Err(e) => Err(e),
    }
}

/// Opens a file for reading, following links, never waiting on a FIFO.
pub fn open_no_wait(path: &Path) -> io::Result<File> {
    OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
}

/// Whether an error says a chain of links leads back to itself.
pub fn is_link_loop(e: &io::Error) -> bool {
    e.raw_os_error() == Some(libc::ELOOP)
}

/// A file made with these options is readable and writable by its owner only.
pub fn owner_only(o: &mut OpenOptions) {
    o.mode(0o600);
}

/// Makes the names in a folder durable (a new file, a rename): the folder itself is synced.
pub fn sync_dir(dir: &Path) -> io::Result<()> {
    File::open(dir)?.sync_all()
}

/// The user's shell and how to hand it a command: `$SHELL -c`, else `/bin/sh -c`.
pub fn shell() -> (String, &'static str) {
    let sh = std::env::var("SHELL")
        .ok()
        .filter(|s| !s.trim().is_empty())
        .unwrap_or_else(|| "/bin/sh".into());
    (sh, "-c")
}

/// A child in a process group of its own, so that stopping it stops what it started.
pub fn own_group(c: &mut std::process::Command) {
    use std::os::unix::process::CommandExt;
    c.process_group(0);
}

/// Stops a child and everything in its process group.
pub fn kill_tree(child: &mut std::process::Child) {
    if let Ok(pid) = i32::try_from(child.id()) {
        // SAFETY: a signal to the child's own process group (made by `own_group`).
        unsafe {
            libc::kill(-pid, libc::SIGKILL);
        }
    }
    let _ = child.kill();
}

/// Whether the terminal on standard input has hung up (the SSH connection or the window closed).
pub fn terminal_hung_up() -> bool {
    let mut fds = libc::pollfd {
        fd: 0,
        events: libc::POLLIN,
        revents: 0,
    };
    // SAFETY: one valid pollfd, a zero timeout: poll only reports the descriptor's state.
    let n = unsafe { libc::poll(&mut fds, 1, 0) };
    n > 0 && fds.revents & (libc::POLLHUP | libc::POLLERR | libc::POLLNVAL) != 0
}
