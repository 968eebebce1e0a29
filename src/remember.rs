//! What muster remembers per home between runs, for the responder coming back at 3 a.m.: the
//! name they record under (asked once, changeable) and the session they last followed. Small
//! text files in the home folder; losing them loses nothing recorded.

use crate::domain::ids::SessionId;
use std::path::{Path, PathBuf};

const NAME: &str = "responder-name";
const LAST: &str = "last-session";

fn read(home: &Path, file: &str) -> Option<String> {
    let p = home.join(file);
    let meta = std::fs::symlink_metadata(&p).ok()?;
    if !meta.is_file() || meta.len() > 1024 {
        return None;
    }
    let t = std::fs::read_to_string(p).ok()?;
    let t = crate::domain::text::clean(t.trim(), false);
    (!t.is_empty() && t.chars().count() <= 200).then_some(t)
}

/// Writes the file whole (a temporary file renamed over it): a crash leaves the old one or the
/// new one. A failure is not worth stopping for: it is only a convenience.
fn write(home: &Path, file: &str, text: &str) {
    if std::fs::create_dir_all(home).is_err() {
        return;
    }
    let tmp: PathBuf = home.join(format!(".{file}.tmp{}", std::process::id()));
    if std::fs::write(&tmp, format!("{text}\n")).is_ok() {
        let _ = std::fs::rename(&tmp, home.join(file));
    }
    let _ = std::fs::remove_file(&tmp);
}

/// The name last confirmed in the TUI under this home.
pub fn name(home: &Path) -> Option<String> {
    read(home, NAME)
}

pub fn set_name(home: &Path, name: &str) {
    let name = name.trim();
    if !name.is_empty() && !name.contains('\n') {
        write(home, NAME, name);
    }
}

/// The session last followed in the TUI under this home.
pub fn last_session(home: &Path) -> Option<SessionId> {
    read(home, LAST).map(|s| SessionId::new(s.as_str()))
}

pub fn set_last_session(home: &Path, id: &SessionId) {
    write(home, LAST, id.as_str());
}
