//! Which session a user means: its id, a unique start of it, or words of its id or title; and
//! the sessions under a home.

use super::StoreError;
use super::file;
use super::store::sessions_dir;
use crate::domain::event::{Body, Event};
use crate::domain::ids::SessionId;
use std::path::Path;

/// Finds a session by id, or by a unique start of it.
pub fn resolve_id(home: &Path, spec: &str) -> Result<SessionId, StoreError> {
    let root = sessions_dir(home);
    let spec = spec.trim();
    if !spec.is_empty()
        && !spec.contains(['/', '\\'])
        && !spec.starts_with('.')
        && root.join(spec).is_dir()
    {
        return Ok(SessionId::new(spec));
    }
    let ids = list_ids(home)?;
    let mut matches: Vec<&SessionId> = ids
        .iter()
        .filter(|s| !spec.is_empty() && s.as_str().starts_with(spec))
        .collect();
    if matches.is_empty() {
        // any unique words of the id or the title: `salford`, `power loss`
        let want = words(spec);
        if !want.is_empty() {
            matches = ids
                .iter()
                .filter(|id| {
                    let mut have = words(id.as_str());
                    if let Some(t) = session_title(&root.join(id.as_str())) {
                        have.extend(words(&t));
                    }
                    want.iter()
                        .all(|w| have.iter().any(|h| h.starts_with(w.as_str())))
                })
                .collect();
        }
    }
    match matches.as_slice() {
        [one] => Ok((*one).clone()),
        [] => Err(StoreError::NoSession {
            id: crate::domain::text::clean(spec, false),
            root,
            any: !ids.is_empty(),
        }),
        many => Err(StoreError::AmbiguousSession {
            id: crate::domain::text::clean(spec, false),
            matches: many.iter().map(|s| s.to_string()).collect(),
        }),
    }
}

/// Lower-case words of letters and digits.
fn words(s: &str) -> Vec<String> {
    s.to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(String::from)
        .collect()
}

/// A session's title, from the first line of its journal files (the start is written first):
/// one short read per file, whatever the session's size.
fn session_title(dir: &Path) -> Option<String> {
    use std::io::{BufRead, Read};
    let (paths, _) = file::journal_paths(dir).ok()?;
    for p in paths {
        let Ok(f) = file::open_regular(&p) else {
            continue;
        };
        let mut line = Vec::new();
        if std::io::BufReader::new(f.take(1 << 20))
            .read_until(b'\n', &mut line)
            .is_err()
        {
            continue;
        }
        if let Ok(e) = serde_json::from_slice::<Event>(&line)
            && let Body::SessionStarted { title, .. } = e.body
        {
            return Some(title);
        }
    }
    None
}

/// The ids of the sessions under home, sorted. Folders being created (`.tmp-...`) are not sessions.
pub fn list_ids(home: &Path) -> Result<Vec<SessionId>, StoreError> {
    let root = sessions_dir(home);
    let entries = match crate::fsx::list(&root) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(StoreError::io("list the sessions in", &root, e)),
    };
    let mut ids: Vec<SessionId> = entries
        .into_iter()
        .filter(|e| e.is_dir())
        .filter_map(|e| e.file_name().to_str().map(SessionId::new))
        .filter(|n| !n.as_str().starts_with('.'))
        .collect();
    ids.sort();
    Ok(ids)
}

/// A session as a list of sessions shows it.
#[derive(Debug, Clone)]
pub struct Glance {
    pub id: SessionId,
    pub title: String,
    pub mode: crate::domain::event::Mode,
    pub plans: Vec<String>,
    pub started_at: chrono::DateTime<chrono::Utc>,
    pub started_by: String,
    pub closed: bool,
    /// Steps finished and needed, when the session was folded (from its checkpoint).
    pub progress: Option<(usize, usize)>,
}

/// Catching up with more than this beyond a checkpoint is left to a command that opens the
/// session: a list only glances.
const GLANCE_READ: u64 = 4 << 20;

/// A session for a list, never reading a whole journal: its checkpoint and what was written
/// since (when that is little), else its start (the first line of its files) and the last lines
/// of each file (a close).
pub fn glance(
    home: &Path,
    lib: &dyn super::snapshots::Fallback,
    id: &SessionId,
    writer: &crate::domain::ids::WriterId,
) -> Result<Glance, StoreError> {
    let mut j = super::store::Journal::at(home, id.clone(), writer.clone());
    let (paths, _) = file::journal_paths(&j.dir)?;
    let of = |s: &crate::domain::session::Session| {
        let st = &s.state;
        Glance {
            id: id.clone(),
            title: st.title.clone(),
            mode: st.mode,
            plans: st.plans.iter().map(|p| p.id.to_string()).collect(),
            started_at: st.started_at,
            started_by: st.started_by.clone(),
            closed: st.closed.is_some(),
            progress: Some(st.progress()),
        }
    };
    let total: u64 = paths
        .iter()
        .map(|p| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0))
        .sum();
    if let Some(mut s) = j.from_checkpoint(lib, false)? {
        let behind: u64 = paths
            .iter()
            .map(|p| {
                let len = std::fs::metadata(p).map(|m| m.len()).unwrap_or(0);
                let read = file::writer_of(p)
                    .and_then(|w| j.chains.get(&w))
                    .map_or(0, |c| c.offset);
                len.saturating_sub(read)
            })
            .sum();
        if behind <= GLANCE_READ {
            j.refresh(&mut s, lib)?;
            return Ok(of(&s));
        }
    } else if total <= GLANCE_READ {
        // a short session is read whole: as quick as a glance
        return Ok(of(&j.rebuild(lib)?));
    }
    let mut g: Option<Glance> = None;
    let mut closed = false;
    for p in &paths {
        let line = super::bytes::first_line(p, 1 << 20)?;
        if g.is_none()
            && let Ok(e) = serde_json::from_slice::<Event>(&line)
            && let Body::SessionStarted {
                title, mode, plans, ..
            } = e.body
        {
            g = Some(Glance {
                id: id.clone(),
                title,
                mode,
                plans: plans.iter().map(|p| p.id.to_string()).collect(),
                started_at: e.at,
                started_by: e.actor,
                closed: false,
                progress: None,
            });
        }
        closed |= file::tail_events(p, 16)?
            .iter()
            .any(|e| matches!(e.body, Body::SessionClosed { .. }));
    }
    let mut g = g.ok_or_else(|| StoreError::NoJournal {
        id: id.to_string(),
        dir: j.dir.clone(),
    })?;
    g.closed = closed;
    Ok(g)
}
