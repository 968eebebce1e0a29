//! Appends whose sync failed: which events, from where in the writer's file. Kept beside the
//! journal until the writer's next command syncs the file again.

use crate::domain::event::Event;
use crate::domain::ids::{EventId, WriterId};
use std::path::{Path, PathBuf};

#[derive(Debug, serde::Serialize, serde::Deserialize)]
pub struct Unconfirmed {
    pub from: u64,
    pub ids: Vec<EventId>,
}

fn path(dir: &Path, w: &WriterId) -> PathBuf {
    dir.join(format!(".muster-unconfirmed-{w}"))
}

pub fn save(dir: &Path, w: &WriterId, from: u64, events: &[Event]) -> std::io::Result<()> {
    let u = Unconfirmed {
        from,
        ids: events.iter().map(|e| e.id.clone()).collect(),
    };
    std::fs::write(path(dir, w), serde_json::to_vec(&u).unwrap_or_default())
}

pub fn load(dir: &Path, w: &WriterId) -> Option<Unconfirmed> {
    let bytes = std::fs::read(path(dir, w)).ok()?;
    serde_json::from_slice(&bytes).ok()
}

pub fn clear(dir: &Path, w: &WriterId) {
    let _ = std::fs::remove_file(path(dir, w));
}

/// Every writer's unconfirmed events in a session folder: (writer, how many).
pub fn all(dir: &Path) -> Vec<(String, usize)> {
    let Ok(entries) = crate::fsx::list(dir) else {
        return Vec::new();
    };
    let mut out: Vec<(String, usize)> = entries
        .into_iter()
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            let w = name.strip_prefix(".muster-unconfirmed-")?.to_string();
            let u = load(dir, &WriterId::new(w.as_str()))?;
            Some((w, u.ids.len()))
        })
        .collect();
    out.sort();
    out
}
