//! A session's plan and scenario files: the snapshots saved in its folder as they were when they
//! joined it, read back (parsed once per content hash in a process), and the library as the
//! fallback when a snapshot is missing.

use super::StoreError;
use super::file;
use crate::domain::command::Checked;
use crate::domain::event::{Body, Event, PlanRef};
use crate::domain::parse::library::{InputFile, parse_file};
use crate::domain::session::Session;
use crate::domain::{Library, Plan, Scenario, sha256_hex};
use std::collections::HashMap;
use std::fs;
use std::io::Write;
use std::path::Path;
use std::sync::{Arc, Mutex, OnceLock};

fn snapshot_name(kind: &str, id: &str, hash: &str) -> String {
    let safe: String = id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let hash: String = hash
        .chars()
        .filter(|c| c.is_ascii_hexdigit())
        .take(16)
        .collect();
    format!("{kind}-{safe}-{hash}.ron")
}

/// Writes a file atomically and durably: temp file, fsync, rename, fsync the folder. An existing
/// file of that name is left as it is (snapshots are named by their content's hash).
pub fn write_durable(dir: &Path, name: &str, bytes: &[u8]) -> Result<(), StoreError> {
    let path = dir.join(name);
    if path.exists() {
        return Ok(());
    }
    let tmp = dir.join(format!(".{name}.tmp{}", std::process::id()));
    let result = (|| {
        let mut f = fs::File::create(&tmp).map_err(|e| StoreError::io("create", &tmp, e))?;
        f.write_all(bytes)
            .and_then(|_| f.sync_all())
            .map_err(|e| StoreError::io("write", &tmp, e))?;
        fs::rename(&tmp, &path).map_err(|e| StoreError::io("rename into place", &path, e))?;
        file::sync_dir(dir)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

/// Saves a plan's file into the session folder.
pub fn snapshot_plan(dir: &Path, lib: &dyn Fallback, p: &Plan) -> Result<(), StoreError> {
    match lib.source(&p.path) {
        Some(bytes) => write_durable(dir, &snapshot_name("plan", &p.id, &p.hash), &bytes),
        None => Ok(()),
    }
}

pub(super) fn snapshot_scenario(
    dir: &Path,
    lib: &dyn Fallback,
    s: &Scenario,
) -> Result<(), StoreError> {
    match lib.source(&s.path) {
        Some(bytes) => write_durable(dir, &snapshot_name("scenario", &s.id, &s.hash), &bytes),
        None => Ok(()),
    }
}

/// Where the plans of a session come from when its snapshots are missing: the library. A
/// command that only records needs the library only then, so it can be loaded lazily.
pub trait Fallback {
    fn plan(&self, id: &str) -> Option<Arc<Plan>>;
    fn scenario(&self, id: &str) -> Option<Arc<Scenario>>;
    /// "the library in DIR", for messages.
    fn describe(&self) -> String;
    /// The bytes of a library file (for a snapshot).
    fn source(&self, path: &str) -> Option<Vec<u8>>;
}

impl Fallback for Library {
    fn plan(&self, id: &str) -> Option<Arc<Plan>> {
        Library::plan(self, id).cloned()
    }
    fn scenario(&self, id: &str) -> Option<Arc<Scenario>> {
        Library::scenario(self, id).cloned()
    }
    fn describe(&self) -> String {
        Library::describe(self)
    }
    fn source(&self, path: &str) -> Option<Vec<u8>> {
        self.sources
            .iter()
            .find(|s| s.path == path)
            .map(|s| s.text.as_bytes().to_vec())
    }
}

/// Parsed plan and scenario snapshots, by content hash: reading a session again (or another
/// session on the same plan) parses nothing twice.
#[derive(Default)]
struct ParsedCache {
    plans: HashMap<String, Arc<Plan>>,
    scenarios: HashMap<String, Arc<Scenario>>,
}

fn cache() -> &'static Mutex<ParsedCache> {
    static CACHE: OnceLock<Mutex<ParsedCache>> = OnceLock::new();
    CACHE.get_or_init(|| Mutex::new(ParsedCache::default()))
}

/// A snapshot's file, if it is there and holds what its name says. A snapshot that is not there
/// (or not what it should be) is `None`: the library stands in. Any other failure to read it is
/// an error that names the file: an I/O error is never passed off as a missing plan.
fn load_snapshot(
    dir: &Path,
    kind: &str,
    id: &str,
    hash: &str,
) -> Result<Option<InputFile>, StoreError> {
    let name = snapshot_name(kind, id, hash);
    let path = dir.join(&name);
    let meta = match fs::symlink_metadata(&path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(StoreError::io("read the plan snapshot", &path, e)),
    };
    if !meta.file_type().is_file()
        || meta.len() > crate::domain::parse::library::MAX_FILE_BYTES as u64
    {
        return Ok(None);
    }
    let bytes = match fs::read(&path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(StoreError::io("read the plan snapshot", &path, e)),
    };
    if sha256_hex(&bytes) != hash {
        return Ok(None);
    }
    let rel = if kind == "plan" {
        format!("plans/{id}.ron")
    } else {
        format!("scenarios/{id}.ron")
    };
    Ok(Some(InputFile {
        rel,
        shown: path.display().to_string(),
        bytes,
    }))
}

/// The plan as followed: its snapshot, or the library's current version when the snapshot is
/// missing (with a warning when that version differs), filled in with the values its
/// parameters were given.
pub(super) fn resolve_plan(
    dir: &Path,
    r: &PlanRef,
    lib: &dyn Fallback,
    warnings: &mut Vec<String>,
) -> Result<Option<Arc<Plan>>, StoreError> {
    Ok(plan_as_written(dir, r, lib, warnings)?.map(|p| r.filled(p)))
}

fn plan_as_written(
    dir: &Path,
    r: &PlanRef,
    lib: &dyn Fallback,
    warnings: &mut Vec<String>,
) -> Result<Option<Arc<Plan>>, StoreError> {
    if let Ok(c) = cache().lock()
        && let Some(p) = c.plans.get(&r.hash)
        && p.id.v == r.id.as_str()
    {
        return Ok(Some(p.clone()));
    }
    let snap = load_snapshot(dir, "plan", r.id.as_str(), &r.hash)?
        .and_then(|f| parse_file(&f).0)
        .map(Arc::new);
    if let Some(p) = snap {
        if let Ok(mut c) = cache().lock() {
            c.plans.insert(r.hash.clone(), p.clone());
        }
        return Ok(Some(p));
    }
    Ok(match lib.plan(r.id.as_str()) {
        Some(p) => {
            if p.hash != r.hash {
                warnings.push(format!("plan `{}` has changed since it joined the session (the version followed is not on this machine); showing the current version", r.id));
            }
            Some(p)
        }
        None => {
            warnings.push(format!(
                "plan `{}` is neither in the session folder nor in {}: its steps cannot be shown",
                r.id,
                lib.describe()
            ));
            None
        }
    })
}

pub(super) fn resolve_scenario(
    dir: &Path,
    r: &crate::domain::event::ScenarioRef,
    lib: &dyn Fallback,
    warnings: &mut Vec<String>,
) -> Result<Option<Arc<Scenario>>, StoreError> {
    if let Ok(c) = cache().lock()
        && let Some(s) = c.scenarios.get(&r.hash)
    {
        return Ok(Some(s.clone()));
    }
    let snap = load_snapshot(dir, "scenario", r.id.as_str(), &r.hash)?
        .and_then(|f| parse_file(&f).1)
        .map(Arc::new);
    if let Some(s) = snap {
        if let Ok(mut c) = cache().lock() {
            c.scenarios.insert(r.hash.clone(), s.clone());
        }
        return Ok(Some(s));
    }
    let cur = lib.scenario(r.id.as_str());
    match &cur {
        Some(c) if c.hash != r.hash => warnings.push(format!(
            "scenario `{}` has changed since the exercise started; showing the current version",
            r.id
        )),
        None => warnings.push(format!(
            "scenario `{}` is neither in the session folder nor in {}",
            r.id,
            lib.describe()
        )),
        _ => {}
    }
    Ok(cur)
}

/// Makes known to the session the plans (and scenario) an event names, before it is folded.
pub(super) fn resolve_for(
    dir: &Path,
    e: &Event,
    lib: &dyn Fallback,
    warnings: &mut Vec<String>,
    s: &mut Session,
) -> Result<(), StoreError> {
    match &e.body {
        Body::SessionStarted {
            plans, scenario, ..
        } => {
            for r in plans {
                if let Some(p) = resolve_plan(dir, r, lib, warnings)? {
                    s.add_plan(p);
                }
            }
            if let Some(sc) = scenario
                && s.scenario.is_none()
            {
                s.scenario = resolve_scenario(dir, sc, lib, warnings)?;
            }
        }
        Body::PlanInvoked { plan } => {
            if let Some(p) = resolve_plan(dir, plan, lib, warnings)? {
                s.add_plan(p);
            }
        }
        _ => {}
    }
    Ok(())
}

/// Saves the snapshot a checked `invoke` needs before its event is appended.
pub fn prepare(dir: &Path, lib: &dyn Fallback, checked: &Checked) -> Result<(), StoreError> {
    for b in checked.bodies() {
        if let Body::PlanInvoked { plan } = b
            && let Some(p) = lib.plan(plan.id.as_str()).filter(|p| p.hash == plan.hash)
        {
            snapshot_plan(dir, lib, &p)?;
        }
    }
    Ok(())
}
