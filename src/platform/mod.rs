//! What differs between the responder's laptops. Every call into the operating system that is
//! not in the standard library's portable part lives here: `unix.rs` for Linux, macOS and the
//! BSDs, `portable.rs` for the others (Windows). The rest of muster calls only this module's
//! functions, and `tests/portability.rs` fails when `libc::` or `std::os::unix` appears anywhere
//! else. What each platform does differently is in docs/PORTABILITY.md.

#[cfg(unix)]
mod unix;
#[cfg(unix)]
pub use unix::*;

#[cfg(not(unix))]
mod portable;
#[cfg(not(unix))]
pub use portable::*;

/// What a folder says one of its entries is (a link is a link, never followed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryKind {
    File,
    Dir,
    Other,
}

/// The kind of an entry from its metadata taken without following a link.
pub fn kind_of(path: &std::path::Path) -> EntryKind {
    match std::fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_file() => EntryKind::File,
        Ok(m) if m.file_type().is_dir() => EntryKind::Dir,
        _ => EntryKind::Other,
    }
}
