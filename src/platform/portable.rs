//! Windows, and any platform that is not Unix: the standard library's portable calls.

use super::EntryKind;
use std::ffi::OsString;
use std::fs::{File, OpenOptions};
use std::io;
use std::path::Path;

/// The signals that end the TUI cleanly (the terminal restored): Ctrl-C and termination.
pub const STOP_SIGNALS: &[i32] = &[signal_hook::consts::SIGTERM, signal_hook::consts::SIGINT];

/// The number the TUI exits with 128 + when its terminal went away (as SIGHUP on Unix).
pub const HANG_UP: i32 = 1;

/// No user database to ask: the environment (`USERNAME`) is all there is.
pub fn login_name() -> Option<String> {
    None
}

/// This machine's name, as the environment gives it.
pub fn hostname() -> Option<String> {
    ["COMPUTERNAME", "HOSTNAME"]
        .iter()
        .find_map(|v| std::env::var(v).ok().filter(|s| !s.trim().is_empty()))
}

/// The entries of a folder, with the standard library (closing a folder cannot fail here the
/// way it can on Unix).
pub fn list_dir(dir: &Path) -> io::Result<Vec<(OsString, EntryKind)>> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        // the entry's own type: a link is a link, never followed
        let kind = match entry.file_type() {
            Ok(t) if t.is_file() => EntryKind::File,
            Ok(t) if t.is_dir() => EntryKind::Dir,
            _ => EntryKind::Other,
        };
        out.push((entry.file_name(), kind));
    }
    Ok(out)
}

/// Opens a file for reading without following a link: on Windows the link itself is opened
/// (it then is not a regular file, which the caller checks); there are no FIFOs to wait on.
pub fn open_no_follow(path: &Path) -> io::Result<Option<File>> {
    let mut o = OpenOptions::new();
    o.read(true);
    #[cfg(windows)]
    {
        use std::os::windows::fs::OpenOptionsExt;
        const FILE_FLAG_OPEN_REPARSE_POINT: u32 = 0x0020_0000;
        o.custom_flags(FILE_FLAG_OPEN_REPARSE_POINT);
    }
    #[cfg(not(windows))]
    if std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) {
        return Ok(None);
    }
    o.open(path).map(Some)
}

/// Opens a file for reading, following links.
pub fn open_no_wait(path: &Path) -> io::Result<File> {
    File::open(path)
}

/// Link loops are reported as other errors here.
pub fn is_link_loop(_: &io::Error) -> bool {
    false
}

/// No mode bits: a file in the user's profile is readable by that user (and administrators)
/// through the folder's access list.
pub fn owner_only(_: &mut OpenOptions) {}

/// A new name in a folder is durable once the file system says so: a folder cannot be opened
/// and synced here (NTFS journals its metadata).
pub fn sync_dir(_: &Path) -> io::Result<()> {
    Ok(())
}

/// The command interpreter and how to hand it a command: `%COMSPEC% /C`, else `cmd.exe /C`.
pub fn shell() -> (String, &'static str) {
    let sh = std::env::var("COMSPEC")
        .ok()
        .filter(|s| !s.trim().is_empty())
        .unwrap_or_else(|| "cmd.exe".into());
    (sh, "/C")
}

/// Nothing to do: a child is stopped on its own.
pub fn own_group(_: &mut std::process::Command) {}

/// Stops a child.
pub fn kill_tree(child: &mut std::process::Child) {
    let _ = child.kill();
}

/// Hang-ups are not seen this way here: the console closing ends the process.
pub fn terminal_hung_up() -> bool {
    false
}
