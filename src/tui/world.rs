//! Carrying out the app's effects against the session store, and noticing what other writers
//! append. Files, never the terminal.

use super::app::{App, Effect, SessionRow};
use crate::journal::event::Body;
use crate::journal::file;
use crate::journal::store::{self, NewSession};
use crate::model::exercise;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime};

pub struct World {
    pub home: PathBuf,
    pub writer: String,
    /// (file, length, modified) of the open session's journals, to notice other writers.
    seen: Vec<(PathBuf, u64, Option<SystemTime>)>,
    last_poll: Option<Instant>,
    last_sessions: Option<Instant>,
    /// The journal files of every session, as last listed: the list is read again only on a change.
    sessions_seen: Vec<(PathBuf, u64, Option<SystemTime>)>,
    /// How often to look for other writers' events.
    pub poll_every: Duration,
}

fn fingerprint(dir: &Path) -> Vec<(PathBuf, u64, Option<SystemTime>)> {
    let mut out: Vec<_> = file::journal_paths(dir)
        .unwrap_or_default()
        .into_iter()
        .map(|p| {
            let m = std::fs::metadata(&p).ok();
            let len = m.as_ref().map_or(0, |m| m.len());
            let modified = m.and_then(|m| m.modified().ok());
            (p, len, modified)
        })
        .collect();
    out.sort();
    out
}

impl World {
    pub fn new(home: PathBuf, writer: String) -> World {
        World {
            home,
            writer,
            seen: Vec::new(),
            last_poll: None,
            last_sessions: None,
            sessions_seen: Vec::new(),
            poll_every: Duration::from_millis(400),
        }
    }

    fn actor(app: &App) -> String {
        app.actor
            .clone()
            .unwrap_or_else(|| app.default_actor.clone())
    }

    /// Reads the session again from disk and hands it to the app.
    fn reload(&mut self, app: &mut App, id: &str) -> bool {
        match store::open(&self.home, &app.lib, id, app.now) {
            Ok(o) => {
                self.seen = fingerprint(&o.dir);
                let broken = o.problems.iter().filter(|p| p.error).count();
                let id = o.id.clone();
                app.session_loaded(o);
                if broken > 0 {
                    app.error(format!("The journal of this session has {broken} damaged or edited line(s): run `muster verify {id}`."));
                }
                true
            }
            Err(e) => {
                app.error(format!("Cannot read session {id}: {e}"));
                false
            }
        }
    }

    pub fn load_sessions(&mut self, app: &mut App) {
        let mut rows = Vec::new();
        for id in store::list_ids(&self.home).unwrap_or_default() {
            if let Ok(o) = store::open(&self.home, &app.lib, &id, app.now) {
                let (finished, total) = o.state.progress();
                rows.push(SessionRow {
                    id: o.id,
                    title: o.state.title.clone(),
                    exercise: o.state.is_exercise(),
                    closed: o.state.closed.is_some(),
                    finished,
                    total,
                    started_at: o.state.started_at,
                });
            }
        }
        // newest first
        rows.sort_by_key(|r| std::cmp::Reverse(r.started_at));
        app.set_sessions(rows);
        self.last_sessions = Some(Instant::now());
    }

    pub fn run(&mut self, app: &mut App, effects: Vec<Effect>) {
        for e in effects {
            match e {
                Effect::Record { bodies, what } => {
                    let Some(o) = &app.session else { continue };
                    let id = o.id.clone();
                    match o.record(&self.writer, &Self::actor(app), app.now, bodies) {
                        Ok(_) => {
                            if self.reload(app, &id) {
                                app.info(format!("Recorded: {what}"));
                            }
                        }
                        Err(err) => app.error(format!("NOT RECORDED ({what}): {err}. Nothing was marked; fix this and try again.")),
                    }
                }
                Effect::StartSession {
                    plans,
                    scenario,
                    title,
                } => {
                    let exercise = scenario.is_some();
                    let created = {
                        let lib = &app.lib;
                        let plan_refs: Vec<&crate::model::Plan> =
                            plans.iter().filter_map(|p| lib.plan(p)).collect();
                        let sc = scenario.as_deref().and_then(|s| lib.scenario(s));
                        let mode = if exercise {
                            crate::journal::event::Mode::Exercise
                        } else {
                            crate::journal::event::Mode::Incident
                        };
                        let new = NewSession {
                            title,
                            mode,
                            declared_at: app.now,
                            plans: plan_refs,
                            scenario: sc,
                        };
                        store::create(
                            &self.home,
                            lib,
                            &self.writer,
                            &Self::actor(app),
                            app.now,
                            new,
                        )
                    };
                    match created {
                        Ok((id, _)) => {
                            if self.reload(app, &id) {
                                app.marked.clear();
                                app.facilitating = exercise;
                                app.info(format!("Session {id} started. Press ? for the keys."));
                                self.load_sessions(app);
                            }
                        }
                        Err(err) => app.error(format!("Could not start the session: {err}")),
                    }
                }
                Effect::OpenSession(id) => {
                    self.reload(app, &id);
                }
                Effect::Export { format } => {
                    let Some(o) = &app.session else { continue };
                    match crate::export::write_default(o, &app.lib, &self.home, &format, app.now) {
                        Ok(path) => app.info(format!("Written: {}", path.display())),
                        Err(err) => app.error(format!("Export failed: {err}")),
                    }
                }
            }
        }
    }

    /// Periodic work: other writers' events, the sessions list, injects coming due.
    pub fn tick(&mut self, app: &mut App) {
        let due = self
            .last_poll
            .is_none_or(|t| t.elapsed() >= self.poll_every);
        if !due {
            return;
        }
        self.last_poll = Some(Instant::now());
        if let Some(o) = &app.session {
            let (id, dir) = (o.id.clone(), o.dir.clone());
            if fingerprint(&dir) != self.seen {
                self.reload(app, &id);
            }
        }
        if app.session.is_none()
            && self
                .last_sessions
                .is_none_or(|t| t.elapsed() >= Duration::from_secs(3))
        {
            // cheap: list the folders and their files' sizes; open the sessions only on a change
            let now_seen: Vec<_> = store::list_ids(&self.home)
                .unwrap_or_default()
                .iter()
                .flat_map(|id| fingerprint(&store::sessions_dir(&self.home).join(id)))
                .collect();
            if now_seen != self.sessions_seen || self.last_sessions.is_none() {
                self.sessions_seen = now_seen;
                self.load_sessions(app);
            }
            self.last_sessions = Some(Instant::now());
        }
        // the facilitator's muster releases injects as they come due on the exercise clock
        if app.facilitating {
            let due: Vec<String> = match &app.session {
                Some(o) if o.state.closed.is_none() => o
                    .scenario
                    .as_ref()
                    .map(|s| {
                        exercise::due_now(s, &o.state, app.now)
                            .into_iter()
                            .map(str::to_string)
                            .collect()
                    })
                    .unwrap_or_default(),
                _ => Vec::new(),
            };
            if !due.is_empty() {
                let bodies = due
                    .iter()
                    .map(|i| Body::InjectReleased {
                        inject: i.clone(),
                        early: false,
                    })
                    .collect();
                self.run(
                    app,
                    vec![Effect::Record {
                        bodies,
                        what: format!("inject {} released", due.join(", ")),
                    }],
                );
            }
        }
    }
}
