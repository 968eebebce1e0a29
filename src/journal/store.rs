//! Sessions on disk: `<home>/sessions/<id>/` holds each writer's journal and a snapshot of every
//! plan (and scenario) file as it was when it joined the session, so the review months later
//! reads the version that was followed.

use super::event::{Body, Event, Mode, PlanRef, ScenarioRef};
use super::file::{self, Draft, Problem};
use crate::error::{Error, Result};
use crate::model::library::{InputFile, parse_file, sha256_hex};
use crate::model::session::{self, SessionState};
use crate::model::{Library, Plan, Scenario};
use chrono::{DateTime, Utc};
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

pub fn sessions_dir(home: &Path) -> PathBuf {
    home.join("sessions")
}

/// `20261121-2215-db-failover-3fa9`: sortable, readable, unique across machines.
pub fn new_session_id(now: DateTime<Utc>, title: &str, writer: &str) -> String {
    let slug = crate::text::slug(title, 32);
    let salt = sha256_hex(
        format!(
            "{}{writer}{}",
            now.timestamp_nanos_opt().unwrap_or_default(),
            std::process::id()
        )
        .as_bytes(),
    );
    let slug = if slug.is_empty() {
        "session".to_string()
    } else {
        slug
    };
    format!("{}-{slug}-{}", now.format("%Y%m%d-%H%M"), &salt[..4])
}

fn snapshot_name(kind: &str, id: &str, hash: &str) -> String {
    format!("{kind}-{id}-{}.ron", &hash[..hash.len().min(16)])
}

/// Writes a file atomically and durably: temp file, fsync, rename, fsync the folder.
pub fn write_durable(dir: &Path, name: &str, bytes: &[u8]) -> Result<()> {
    let path = dir.join(name);
    if path.exists() {
        return Ok(());
    }
    let tmp = dir.join(format!(".{name}.tmp{}", std::process::id()));
    let mut f = fs::File::create(&tmp).map_err(|e| Error::io("create", &tmp, &e))?;
    f.write_all(bytes)
        .and_then(|_| f.sync_all())
        .map_err(|e| Error::io("write", &tmp, &e))?;
    fs::rename(&tmp, &path).map_err(|e| Error::io("rename into place", &path, &e))?;
    file::sync_dir(dir)
}

/// The bytes of a library file, for a snapshot.
fn source_bytes(lib: &Library, path: &str) -> Option<Vec<u8>> {
    lib.sources
        .iter()
        .find(|s| s.path == path)
        .map(|s| s.text.as_bytes().to_vec())
}

pub fn plan_ref(p: &Plan) -> PlanRef {
    PlanRef {
        id: p.id.v.clone(),
        hash: p.hash.clone(),
        title: p.title.clone(),
    }
}

/// Saves the plan file into the session folder.
pub fn snapshot_plan(dir: &Path, lib: &Library, p: &Plan) -> Result<()> {
    match source_bytes(lib, &p.path) {
        Some(bytes) => write_durable(dir, &snapshot_name("plan", &p.id, &p.hash), &bytes),
        None => Ok(()),
    }
}

pub struct NewSession<'a> {
    pub title: String,
    pub mode: Mode,
    pub declared_at: DateTime<Utc>,
    pub plans: Vec<&'a Plan>,
    pub scenario: Option<&'a Scenario>,
}

/// Creates a session folder, snapshots its plans and writes its first event.
pub fn create(
    home: &Path,
    lib: &Library,
    writer: &str,
    actor: &str,
    now: DateTime<Utc>,
    new: NewSession,
) -> Result<(String, PathBuf)> {
    let root = sessions_dir(home);
    file::create_dir_durable(&root)?;
    let mut id = new_session_id(now, &new.title, writer);
    let mut n = 2;
    while root.join(&id).exists() {
        id = format!("{}-{n}", new_session_id(now, &new.title, writer));
        n += 1;
    }
    let dir = root.join(&id);
    file::create_dir_durable(&dir)?;
    for p in &new.plans {
        snapshot_plan(&dir, lib, p)?;
    }
    let scenario = new.scenario.map(|s| {
        if let Some(bytes) = source_bytes(lib, &s.path) {
            write_durable(&dir, &snapshot_name("scenario", &s.id, &s.hash), &bytes)?;
        }
        Ok::<_, Error>(ScenarioRef {
            id: s.id.v.clone(),
            hash: s.hash.clone(),
            title: s.title.clone(),
        })
    });
    let scenario = scenario.transpose()?;
    let body = Body::SessionStarted {
        title: new.title,
        mode: new.mode,
        declared_at: new.declared_at,
        plans: new.plans.iter().map(|p| plan_ref(p)).collect(),
        scenario,
    };
    file::append(
        &dir,
        writer,
        vec![Draft {
            at: now,
            actor: actor.to_string(),
            body,
            ex_ms: new.mode.eq(&Mode::Exercise).then_some(0),
            seen: None,
        }],
    )?;
    Ok((id, dir))
}

/// A session as read from disk.
pub struct Opened {
    pub id: String,
    pub dir: PathBuf,
    pub events: Vec<Event>,
    pub problems: Vec<Problem>,
    pub plans: Vec<Plan>,
    pub scenario: Option<Scenario>,
    pub state: SessionState,
}

/// Finds a session by id, or by a unique prefix of it.
pub fn resolve_id(home: &Path, id: &str) -> Result<String> {
    let root = sessions_dir(home);
    if !id.is_empty() && !id.contains(['/', '\\']) && root.join(id).is_dir() {
        return Ok(id.to_string());
    }
    let ids = list_ids(home)?;
    let matches: Vec<&String> = ids
        .iter()
        .filter(|s| s.starts_with(id) && !id.is_empty())
        .collect();
    match matches.as_slice() {
        [one] => Ok((*one).clone()),
        [] if ids.is_empty() => Err(Error::Invalid(format!(
            "there is no session `{id}`: there are no sessions under {} yet; start one with `muster start PLAN`",
            root.display()
        ))),
        [] => Err(Error::Invalid(format!(
            "there is no session `{id}` under {}; `muster sessions` lists them",
            root.display()
        ))),
        many => Err(Error::Invalid(format!(
            "`{id}` matches {} sessions ({}): give more of the id",
            many.len(),
            many.iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ))),
    }
}

pub fn list_ids(home: &Path) -> Result<Vec<String>> {
    let root = sessions_dir(home);
    let entries = match fs::read_dir(&root) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(Error::io("list the sessions in", &root, &e)),
    };
    let mut ids: Vec<String> = entries
        .filter_map(|e| e.ok())
        .filter(|e| e.path().is_dir())
        .filter_map(|e| e.file_name().to_str().map(str::to_string))
        .filter(|n| !n.starts_with('.'))
        .collect();
    ids.sort();
    Ok(ids)
}

/// The plans and scenario a session follows: its snapshots, or the library's current version
/// when a snapshot is missing (with a warning when that version differs).
fn resolve_sources(
    dir: &Path,
    events: &[Event],
    lib: &Library,
    warnings: &mut Vec<String>,
) -> (Vec<Plan>, Option<Scenario>) {
    let mut plans: Vec<Plan> = Vec::new();
    let mut scenario = None;
    let mut refs: Vec<&PlanRef> = Vec::new();
    for e in events {
        match &e.body {
            Body::SessionStarted {
                plans,
                scenario: sc,
                ..
            } => {
                refs.extend(plans.iter());
                if let Some(sc) = sc {
                    scenario = load_snapshot(dir, "scenario", &sc.id, &sc.hash).and_then(|f| parse_file(&f).1).or_else(|| {
                        let cur = lib.scenario(&sc.id).cloned();
                        if cur.as_ref().is_some_and(|c| c.hash != sc.hash) {
                            warnings.push(format!("scenario `{}` has changed since the exercise started; showing the current version", sc.id));
                        }
                        cur
                    });
                }
            }
            Body::PlanInvoked { plan } => refs.push(plan),
            _ => {}
        }
    }
    for r in refs {
        if plans.iter().any(|p| p.id.v == r.id) {
            continue;
        }
        let snap = load_snapshot(dir, "plan", &r.id, &r.hash).and_then(|f| parse_file(&f).0);
        match snap.or_else(|| lib.plan(&r.id).cloned()) {
            Some(p) => {
                if p.hash != r.hash {
                    warnings.push(format!("plan `{}` has changed since it joined the session (the version followed is not on this machine); showing the current version", r.id));
                }
                plans.push(p);
            }
            None => warnings.push(format!(
                "plan `{}` is neither in the session folder nor in {}: its steps cannot be shown",
                r.id, lib.origin
            )),
        }
    }
    (plans, scenario)
}

fn load_snapshot(dir: &Path, kind: &str, id: &str, hash: &str) -> Option<InputFile> {
    let name = snapshot_name(kind, id, hash);
    let bytes = fs::read(dir.join(&name)).ok()?;
    if sha256_hex(&bytes) != hash {
        return None;
    }
    let rel = if kind == "plan" {
        format!("plans/{id}.ron")
    } else {
        format!("scenarios/{id}.ron")
    };
    Some(InputFile {
        rel,
        shown: dir.join(name).display().to_string(),
        bytes,
    })
}

/// Opens a session: reads every writer's journal, merges, resolves the plans and folds.
pub fn open(home: &Path, lib: &Library, id: &str, now: DateTime<Utc>) -> Result<Opened> {
    let id = resolve_id(home, id)?;
    let dir = sessions_dir(home).join(&id);
    let files = file::read_dir(&dir)?;
    let problems: Vec<Problem> = files
        .iter()
        .flat_map(|f| f.problems.iter().cloned())
        .collect();
    let events = file::merge(files);
    let mut warnings = Vec::new();
    let (plans, scenario) = resolve_sources(&dir, &events, lib, &mut warnings);
    let mut state = session::fold(&id, &events, &plans, now);
    state.warnings.splice(0..0, warnings);
    Ok(Opened {
        id,
        dir,
        events,
        problems,
        plans,
        scenario,
        state,
    })
}

impl Opened {
    /// The latest event time of writers other than `writer`: stamped on new events so that a
    /// clock running behind shows up.
    pub fn seen_by(&self, writer: &str) -> Option<DateTime<Utc>> {
        self.events
            .iter()
            .filter(|e| e.writer != writer)
            .map(|e| e.at)
            .max()
    }

    /// Appends events on behalf of `actor`, adding `responder joined` the first time they act,
    /// and the exercise time on exercise sessions. Returns the events as written.
    pub fn record(
        &self,
        writer: &str,
        actor: &str,
        now: DateTime<Utc>,
        bodies: Vec<Body>,
    ) -> Result<Vec<Event>> {
        let seen = self.seen_by(writer);
        let ex_ms = self.state.clock.as_ref().map(|c| c.ex_ms(now));
        let mut drafts = Vec::new();
        if !self.events.iter().any(|e| e.actor == actor) {
            drafts.push(Draft {
                at: now,
                actor: actor.to_string(),
                body: Body::ResponderJoined {},
                ex_ms,
                seen,
            });
        }
        drafts.extend(bodies.into_iter().map(|body| Draft {
            at: now,
            actor: actor.to_string(),
            body,
            ex_ms,
            seen,
        }));
        file::append(&self.dir, writer, drafts)
    }

    /// Resolves `PLAN/STEP`, or `STEP` where it is unique in the session.
    pub fn resolve_step(&self, spec: &str) -> Result<(String, String)> {
        let st = &self.state;
        if let Some((p, s)) = spec.split_once('/') {
            let Some(plan) = st.plan(p) else {
                let ids: Vec<&str> = st.plans.iter().map(|p| p.id.as_str()).collect();
                return Err(Error::Invalid(format!(
                    "plan `{p}` is not in session {}; its plans are: {}",
                    self.id,
                    ids.join(", ")
                )));
            };
            if plan.steps.iter().any(|x| x.step == s) {
                return Ok((p.to_string(), s.to_string()));
            }
            let hint = crate::text::did_you_mean(s, plan.steps.iter().map(|x| x.step.as_str()));
            return Err(Error::Invalid(format!(
                "plan `{p}` has no step `{s}`{}",
                hint.map(|h| format!(": did you mean `{p}/{h}`?"))
                    .unwrap_or_default()
            )));
        }
        let found: Vec<&str> = st
            .plans
            .iter()
            .filter(|p| p.steps.iter().any(|x| x.step == spec))
            .map(|p| p.id.as_str())
            .collect();
        match found.as_slice() {
            [p] => Ok((p.to_string(), spec.to_string())),
            [] => {
                let all: Vec<&str> = st
                    .plans
                    .iter()
                    .flat_map(|p| p.steps.iter().map(|s| s.step.as_str()))
                    .collect();
                let hint = crate::text::did_you_mean(spec, all.iter().copied());
                Err(Error::Invalid(format!(
                    "no plan in session {} has a step `{spec}`{}",
                    self.id,
                    hint.map(|h| format!(": did you mean `{h}`?"))
                        .unwrap_or_else(|| "; `muster status SESSION` lists the steps".into())
                )))
            }
            many => Err(Error::Invalid(format!(
                "step `{spec}` is in several plans of this session ({}): write PLAN/{spec}",
                many.join(", ")
            ))),
        }
    }
}
