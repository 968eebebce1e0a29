//! `muster status`, `muster log`, `muster sessions`, `muster verify`: reading sessions.

use super::write::{LazyLibrary, open_session};
use super::{Output, Result};
use crate::context::Context;
use crate::domain::event::{Event, ts};
use crate::domain::session::deadline::{Deadline, DueState, deadline, deadlines};
use crate::domain::session::rto::{self, RtoRow};
use crate::domain::session::{Closed, Confirmation, DecisionRecord, Responder, Session};
use crate::domain::text::clean;
use crate::domain::time::{ex_time, human_duration};
use crate::journal::store;
use crate::present::describe::describe;
use crate::present::due_words;
use chrono::{DateTime, Utc};
use serde::Serialize;

#[derive(Serialize)]
struct StepJson<'a> {
    plan: &'a str,
    step: &'a str,
    title: &'a str,
    state: &'a str,
    by: Option<&'a str>,
    #[serde(with = "ts::opt")]
    at: Option<DateTime<Utc>>,
    notes: Vec<&'a str>,
    assignee: Option<&'a str>,
    decision: Option<&'a DecisionRecord>,
    confirmations: &'a [Confirmation],
    active_secs: i64,
    bypassed: bool,
    /// Disagreements between responders about it ("bob marked it done after ann had skipped
    /// it"): the step's state is the first of them, never silently changed.
    conflicts: Vec<&'a str>,
    /// The reason of a skipped or blocked step.
    reason: Option<&'a str>,
    /// The step's deadline (`due` or `every` in the plan), when it has one.
    due: Option<Deadline>,
    /// A validation step's outcome: `pass`, `fail` (the step is then blocked), `not-tested`.
    #[serde(skip_serializing_if = "Option::is_none")]
    outcome: Option<crate::domain::event::Outcome>,
}

#[derive(Serialize)]
struct StatusJson<'a> {
    id: &'a str,
    title: &'a str,
    mode: &'a str,
    #[serde(with = "ts")]
    declared_at: DateTime<Utc>,
    #[serde(with = "ts")]
    started_at: DateTime<Utc>,
    started_by: &'a str,
    closed: &'a Option<Closed>,
    progress: Progress,
    plans: Vec<PlanJson<'a>>,
    steps: Vec<StepJson<'a>>,
    rto: Vec<RtoRow>,
    responders: Vec<&'a Responder>,
    warnings: Vec<String>,
    events: usize,
    /// How many steps responders disagree about (each step's `conflicts` says how).
    conflicts: usize,
    integrity: crate::export::Integrity,
    /// Every phone call recorded: `who`, `result`, `at`, and the role and step it was for.
    calls: &'a [crate::domain::calls::CallRecord],
    /// Roles whose last call reached no one for longer than their `escalate_after`.
    escalations: Vec<EscalationJson>,
    /// Every step command muster ran.
    runs: &'a [crate::domain::session::RunRecord],
    /// The plans whose file in the library changed since the run, and how, step by step.
    plan_changes: Vec<crate::domain::changes::PlanDiff>,
    /// Each service the plans restore: its RTO deadline (`rto_at`) against the forecast end,
    /// and the minutes to spare (`slack_min`, negative when it will be missed).
    services: Vec<crate::domain::forecast::ServiceForecast>,
}

#[derive(Serialize)]
struct EscalationJson {
    role: String,
    /// Whom to call next (a person's id) and their name.
    next: String,
    next_name: String,
    attempts: usize,
    #[serde(with = "ts")]
    since: DateTime<Utc>,
    sentence: String,
}

#[derive(Serialize)]
struct Progress {
    finished: usize,
    total: usize,
}

#[derive(Serialize)]
struct PlanJson<'a> {
    id: &'a str,
    title: &'a str,
    hash: &'a str,
    /// The values its parameters were given.
    params: &'a crate::domain::params::Values,
    finished: usize,
    total: usize,
    /// When its open steps will be done, and the chain that decides it (open sessions only).
    forecast: Option<crate::domain::forecast::PlanForecast>,
}

/// What the JSON status says beside the session itself.
struct Beside<'a> {
    rto: Vec<RtoRow>,
    warnings: Vec<String>,
    integrity: crate::export::Integrity,
    escalations: Vec<crate::domain::calls::Escalation>,
    plan_changes: Vec<crate::domain::changes::PlanDiff>,
    index: &'a crate::domain::Index,
    /// A step's median minutes, once it has run often enough (plan, step).
    history: &'a dyn Fn(&str, &str) -> Option<u32>,
}

fn status_json(session: &Session, beside: Beside, now: DateTime<Utc>) -> String {
    let Beside {
        rto,
        warnings,
        integrity,
        escalations,
        plan_changes,
        index,
        history,
    } = beside;
    let st = &session.state;
    let (finished, total) = st.progress();
    let steps = st
        .plans
        .iter()
        .flat_map(|p| p.steps.iter().map(move |s| (p, s)))
        .map(|(p, s)| StepJson {
            plan: s.plan.as_str(),
            step: s.step.as_str(),
            title: &s.title,
            state: s.state.label(),
            by: s.by.as_deref(),
            at: s.at,
            notes: s
                .notes
                .iter()
                .filter(|n| n.kind != crate::domain::session::NoteKind::Conflict)
                .map(|n| n.text.as_str())
                .collect(),
            assignee: s.assignee.as_deref(),
            decision: s.decision.as_ref(),
            confirmations: &s.confirmations,
            active_secs: s.active_secs(now),
            bypassed: s.bypassed,
            conflicts: s.conflicts().map(|c| c.text.as_str()).collect(),
            reason: s.reason().map(|r| r.text.as_str()),
            due: session
                .step_def(&s.at_ref())
                .and_then(|def| deadline(st, p, s, def, now)),
            outcome: s.outcome,
        })
        .collect();
    let forecasts = match st.closed {
        Some(_) => Vec::new(),
        None => crate::domain::forecast::plans(session, now, history),
    };
    let plans = st
        .plans
        .iter()
        .map(|p| {
            let (finished, total) = p.progress();
            PlanJson {
                id: p.id.as_str(),
                title: &p.title,
                hash: &p.hash,
                params: &p.params,
                finished,
                total,
                forecast: forecasts.iter().find(|f| f.plan == p.id).cloned(),
            }
        })
        .collect();
    let services = crate::domain::forecast::services(session, index, &forecasts);
    super::to_json(&StatusJson {
        id: st.id.as_str(),
        title: &st.title,
        mode: st.mode.label(),
        declared_at: st.declared_at,
        started_at: st.started_at,
        started_by: &st.started_by,
        closed: &st.closed,
        progress: Progress { finished, total },
        plans,
        steps,
        rto,
        responders: st.responders.values().collect(),
        warnings,
        events: st.events,
        conflicts: st.conflicted().count(),
        integrity,
        calls: &st.calls,
        escalations: escalations
            .into_iter()
            .map(|e| EscalationJson {
                sentence: e.sentence(|t| t.format("%H:%M UTC").to_string()),
                role: e.role,
                next: e.next.person,
                next_name: e.next.name,
                attempts: e.attempts,
                since: e.last.at,
            })
            .collect(),
        runs: &st.runs,
        plan_changes,
        services,
    })
}

pub fn status(ctx: &Context, session: &str, json: bool) -> Result<Output> {
    let lib = super::library_for_reading(ctx)?;
    let o = open_session(ctx, &lib, session)?;
    let st = &o.session.state;
    let rto = rto::rto_outcomes(&o.session, &lib.index, ctx.now);
    let local = |t| ctx.zone.full(t);
    let local_short = |t| ctx.zone.hm(t);
    let integrity = o.integrity();
    // a journal that does not verify: everything is still shown, and the exit code says so
    let code = if integrity.ok { 0 } else { 1 };
    // a step run three times or more is forecast from its median
    let medians = super::history::medians(ctx, &lib, &o.session);
    if json {
        let warnings = o
            .journal
            .warnings
            .iter()
            .cloned()
            .chain(st.all_warnings(ctx.now))
            .collect();
        return Ok(Output {
            stdout: status_json(
                &o.session,
                Beside {
                    rto,
                    warnings,
                    integrity,
                    escalations: crate::domain::calls::escalations(&o.session, &lib.index, ctx.now),
                    plan_changes: crate::domain::changes::since_run(&o.session, &lib),
                    index: &lib.index,
                    history: &|p, step| crate::domain::history::median(&medians, p, step),
                },
                ctx.now,
            ),
            code,
        });
    }
    let mut out = String::new();
    let mode = if st.is_exercise() {
        "EXERCISE"
    } else {
        "INCIDENT"
    };
    out.push_str(&format!(
        "{mode}: {} [{}]\n",
        clean(&st.title, false),
        st.id
    ));
    match &st.closed {
        Some(c) => out.push_str(&format!(
            "Closed {} by {}\n",
            local(c.at),
            clean(&c.by, false)
        )),
        None => out.push_str("Open\n"),
    }
    out.push_str(&format!(
        "Declared {} ({} ago), started by {}\n",
        local(st.declared_at),
        human_duration(ctx.now - st.declared_at),
        clean(&st.started_by, false)
    ));
    if let Some(h) = st.handovers.last() {
        out.push_str(&format!(
            "Lead: {} (handed over by {} at {})\n",
            clean(&h.to, false),
            clean(&h.from, false),
            local_short(h.at)
        ));
    }
    if let Some(c) = &st.clock {
        let state = if c.paused {
            "paused".to_string()
        } else {
            format!("running x{}", c.speed)
        };
        out.push_str(&format!(
            "Exercise clock: {} ({state})\n",
            ex_time(c.ex_ms(ctx.now))
        ));
    }
    for r in rto.iter().take(3) {
        let m = chrono::Duration::minutes(r.margin_min);
        let how = match (r.outcome.as_str(), r.restored_at) {
            ("met", Some(t)) => format!(
                "met: restored at {}, {} to spare",
                local_short(t),
                human_duration(m)
            ),
            ("missed", Some(t)) => format!(
                "MISSED: restored at {}, {} late",
                local_short(t),
                human_duration(m)
            ),
            ("missed", None) if st.closed.is_some() => format!(
                "MISSED: not restored when the session closed, {} past",
                human_duration(m)
            ),
            ("missed", None) => format!("MISSED by {} so far", human_duration(m)),
            _ if st.closed.is_some() => "not restored when the session closed".to_string(),
            _ => format!("{} left", human_duration(m)),
        };
        out.push_str(&format!(
            "RTO {} ({}): due {}, {how}\n",
            clean(&r.name, false),
            r.rto,
            local_short(r.deadline)
        ));
    }
    // the services that cannot come back yet: what they depend on is not back
    let restored: std::collections::HashSet<String> = rto
        .iter()
        .filter(|r| r.restored_at.is_some())
        .map(|r| r.service.clone())
        .collect();
    let by_deadline: Vec<(String, chrono::DateTime<chrono::Utc>)> = rto
        .iter()
        .map(|r| (r.service.clone(), r.deadline))
        .collect();
    let waiting: Vec<String> = crate::domain::impact::overview(&lib.index, &by_deadline, &restored)
        .into_iter()
        .filter(|w| !w.restored && !w.waits_for.is_empty())
        .map(|w| {
            format!(
                "{} (RTO due {}) waits for {}",
                w.service,
                local_short(w.deadline),
                w.waits_for.join(", ")
            )
        })
        .collect();
    if st.closed.is_none() && !waiting.is_empty() {
        out.push_str(&format!("WAITING: {}\n", waiting.join("; ")));
    }
    let overdue: Vec<String> = deadlines(&o.session, ctx.now)
        .into_iter()
        .filter(|(_, _, d)| d.state == DueState::Overdue)
        .map(|(pi, si, d)| {
            let s = &st.plans[pi].steps[si];
            format!("{} (since {})", s.at_ref(), local_short(d.at))
        })
        .collect();
    if !overdue.is_empty() {
        out.push_str(&format!(
            "OVERDUE: {} step(s): {}\n",
            overdue.len(),
            overdue.join(", ")
        ));
    }
    for e in crate::domain::calls::escalations(&o.session, &lib.index, ctx.now) {
        out.push_str(&format!(
            "ESCALATE: {}\n",
            clean(&e.sentence(local_short), false)
        ));
    }
    if st.closed.is_none() {
        let forecasts = crate::domain::forecast::plans(&o.session, ctx.now, &|p, step| {
            crate::domain::history::median(&medians, p, step)
        });
        for f in &forecasts {
            out.push_str(&format!(
                "Forecast: {} ends {} (critical path: {}{})\n",
                f.plan,
                local_short(f.end_at),
                f.critical_path.join(" > "),
                f.load_words().map(|w| format!("; {w}")).unwrap_or_default()
            ));
        }
        for sf in crate::domain::forecast::services(&o.session, &lib.index, &forecasts)
            .iter()
            .take(3)
        {
            out.push_str(&format!(
                "  {}: RTO {} · forecast {} · {}\n",
                sf.service,
                local_short(sf.rto_at),
                local_short(sf.forecast_end),
                sf.words()
            ));
        }
    }
    for d in crate::domain::changes::since_run(&o.session, &lib) {
        out.push_str(&format!(
            "CHANGED: plan {} is not the one this run follows: its file in the library was changed since ({}); `muster show {} --changes-since {}` shows the difference\n",
            d.plan,
            clean(&d.words(), false),
            d.plan,
            st.id
        ));
    }
    if let Some(c) = st.calls.last() {
        out.push_str(&format!(
            "Calls: {} recorded; the last at {}: {}\n",
            st.calls.len(),
            local_short(c.at),
            clean(&c.words(), false)
        ));
    }
    let (done, total) = st.progress();
    let skipped = st.skipped();
    let skipped = if skipped > 0 {
        format!(" ({skipped} skipped)")
    } else {
        String::new()
    };
    out.push_str(&format!(
        "Progress: {done} of {total} steps done{skipped}\n"
    ));
    let conflicted: Vec<String> = st.conflicted().map(|s| s.at_ref().to_string()).collect();
    if !conflicted.is_empty() {
        out.push_str(&format!(
            "CONFLICTS: responders disagree about {} step(s): {} (marked [?] below)\n",
            conflicted.len(),
            conflicted.join(", ")
        ));
    }
    for p in &st.plans {
        let (d, t) = p.progress();
        out.push_str(&format!(
            "\n{} [{}] {d}/{t}\n",
            clean(&p.title, false),
            p.id
        ));
        if !p.params.is_empty() {
            out.push_str(&format!(
                "  Parameters: {}\n",
                clean(&crate::domain::params::shown(&p.params), false)
            ));
        }
        if p.missing {
            out.push_str("  (this plan's file is missing: its steps are unknown)\n");
        }
        for (i, s) in p.steps.iter().enumerate() {
            let mut line = format!(
                "  {} {:>2}. {} ({})",
                s.mark(),
                i + 1,
                clean(&s.title, false),
                s.step
            );
            if let (Some(by), Some(at)) = (&s.by, s.at) {
                line.push_str(&format!(
                    " - {} by {} at {}",
                    s.state.label(),
                    clean(by, false),
                    local_short(at)
                ));
            }
            if let Some(a) = &s.assignee {
                line.push_str(&format!(" - assigned to {}", clean(a, false)));
            }
            if s.bypassed {
                line.push_str(" - not on the chosen branch");
            }
            for c in s.conflicts() {
                line.push_str(&format!(" - CONFLICT: {}", clean(&c.text, false)));
            }
            if let Some(def) = o.session.step_def(&s.at_ref())
                && let Some(d) = deadline(st, p, s, def, ctx.now)
            {
                line.push_str(&format!(" - {}", due_words(&d, def.every, ctx.zone)));
            }
            for c in &s.confirmations {
                line.push_str(&format!(
                    " - confirmed by {} at {}",
                    clean(&c.by, false),
                    local_short(c.at)
                ));
            }
            out.push_str(&line);
            out.push('\n');
            for n in &s.notes {
                out.push_str(&format!(
                    "        {}: {} ({}, {})\n",
                    n.kind,
                    clean(&n.text, false),
                    clean(&n.by, false),
                    local_short(n.at)
                ));
            }
        }
    }
    if !integrity.ok {
        out.push_str(&format!(
            "\nWARNING: this journal does not verify ({} problem(s), above); `muster verify {}` says more\n",
            integrity.problems.len(),
            st.id
        ));
    }
    Ok(Output { stdout: out, code })
}

/// An event as a line of the log.
pub fn log_line(ctx: &Context, session: &Session, e: &Event) -> String {
    let d = describe(e, session);
    let mut line = ctx.zone.full(e.at);
    if let Some(ms) = e.ex_ms.filter(|_| session.state.is_exercise()) {
        line.push_str(&format!(" [{}]", ex_time(ms)));
    }
    line.push_str(&format!("  {}  {}", clean(&e.who(), false), d.action));
    if let Some(s) = &d.step {
        line.push_str(&format!(" {s}"));
    }
    if !d.subject.is_empty() {
        line.push_str(&format!(" {}", clean(&d.subject, false)));
    }
    if let Some(t) = &d.text {
        line.push_str(&format!(" - {}", clean(t, false)));
    }
    line
}

/// The timeline, oldest first, one event a line, printed as the journal is read.
pub fn log(ctx: &Context, session: &str) -> Result<Output> {
    use crate::export::EventSource;
    use std::io::Write;
    let lib = LazyLibrary::new(ctx);
    let o = open_session(ctx, &lib, session)?;
    let st = &o.session.state;
    let stdout = std::io::stdout();
    let mut w = std::io::BufWriter::new(stdout.lock());
    if st.is_exercise() {
        let _ = writeln!(w, "EXERCISE {}: {}", o.id(), clean(&st.title, false));
    }
    let mut events = crate::journal::stream::JournalEvents::new(o.dir());
    let mut ok = true;
    let integrity = events.each(&mut |e| {
        // a closed pipe (`| head`) ends the writing, not with an error
        if ok {
            ok = writeln!(w, "{}", log_line(ctx, &o.session, e)).is_ok();
        }
    });
    if !integrity.ok {
        let _ = writeln!(
            w,
            "WARNING: this journal does not verify: {}",
            integrity.problems.first().map(String::as_str).unwrap_or("")
        );
    }
    let _ = w.flush();
    if let Some(e) = events.error {
        return Err(e.into());
    }
    Ok(Output {
        stdout: String::new(),
        code: if integrity.ok && o.journal.errors() == 0 {
            0
        } else {
            1
        },
    })
}

#[derive(Serialize)]
struct SessionRow {
    id: String,
    title: String,
    mode: &'static str,
    plans: Vec<String>,
    #[serde(with = "ts")]
    started_at: DateTime<Utc>,
    started_by: String,
    closed: bool,
    /// Steps finished and needed: null when the session was only glanced at (a long session
    /// not opened since it grew; `muster status` opens it).
    finished: Option<usize>,
    total: Option<usize>,
}

pub fn sessions(ctx: &Context, json: bool) -> Result<Output> {
    let lib = LazyLibrary::new(ctx);
    let mut rows = Vec::new();
    for id in store::list_ids(&ctx.home)? {
        // a glance: never a whole journal, however large or crowded the session
        let g = match crate::journal::names::glance(&ctx.home, &lib, &id, &ctx.writer) {
            Ok(g) => g,
            Err(e) => {
                say!("muster: warning: session {id} cannot be read: {e}");
                continue;
            }
        };
        rows.push(SessionRow {
            id: g.id.to_string(),
            title: g.title,
            mode: g.mode.label(),
            plans: g.plans,
            started_at: g.started_at,
            started_by: g.started_by,
            closed: g.closed,
            finished: g.progress.map(|p| p.0),
            total: g.progress.map(|p| p.1),
        });
    }
    if json {
        return Ok(Output::ok(super::to_json(&rows)));
    }
    if rows.is_empty() {
        return Ok(Output::ok(format!(
            "No sessions under {} yet. Start one with `muster start PLAN`.\n",
            store::sessions_dir(&ctx.home).display()
        )));
    }
    let table: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            vec![
                r.id.clone(),
                if r.mode == "exercise" {
                    "EXERCISE".into()
                } else {
                    "incident".into()
                },
                if r.closed {
                    "closed".into()
                } else {
                    "open".into()
                },
                match (r.finished, r.total) {
                    (Some(f), Some(t)) => format!("{f}/{t}"),
                    _ => "?".into(),
                },
                ctx.zone.full(r.started_at),
                clean(&r.title, false),
            ]
        })
        .collect();
    Ok(Output::ok(super::table::table(
        &["ID", "MODE", "STATE", "DONE", "STARTED", "TITLE"],
        &table,
    )))
}

pub fn key(ctx: &Context, json: bool) -> Result<Output> {
    let k = crate::journal::keys::load_or_create(&ctx.home)?;
    let path = crate::journal::keys::key_path(&ctx.home);
    if json {
        return Ok(Output::ok(super::to_json(&serde_json::json!({
            "fingerprint": k.fingerprint(),
            "public_key": k.public_hex(),
            "writer": ctx.writer.to_string(),
            "file": path.display().to_string(),
        }))));
    }
    Ok(Output::ok(format!(
        "This home signs as writer {} with key {}\npublic key: {}\nsecret key: {} (it never leaves this home: sync and merge never send it)\n",
        ctx.writer,
        k.fingerprint(),
        k.public_hex(),
        clean(&path.display().to_string(), false)
    )))
}

pub fn verify(ctx: &Context, session: &str, seal: Option<&str>) -> Result<Output> {
    let id = store::resolve_id(&ctx.home, session)?;
    let dir = store::sessions_dir(&ctx.home).join(id.as_str());
    let digest = match seal {
        None => None,
        Some(given) => Some(crate::domain::seal::normalise(given).ok_or_else(|| {
            super::CliError::Usage(format!(
                "`{}` is not a seal: a seal is 16 letters and digits, as `muster seal` printed it (e.g. 7K3M-Q9XA-0D2F-R8TB)",
                clean(given, false)
            ))
        })?),
    };
    let r = crate::journal::verify::verify(&dir, &id, digest.as_deref(), ctx.now)?;
    let mut out = String::new();
    for p in &r.problems {
        say!("{p}");
    }
    let mine = crate::journal::keys::load(&ctx.home)
        .ok()
        .flatten()
        .map(|k| k.fingerprint());
    for f in &r.files {
        out.push_str(&format!(
            "{}: {} event(s), {}, {}\n",
            f.name,
            f.events,
            if f.ok { "chain intact" } else { "FAILED" },
            crate::present::describe::signed_by(f.key.as_deref(), f.unsigned, mine.as_deref())
        ));
    }
    if r.files.is_empty() {
        say!(
            "muster: error: session {id} has no journal files in {}",
            clean(&dir.display().to_string(), false)
        );
        return Ok(Output {
            stdout: out,
            code: 1,
        });
    }
    let mut code = if r.errors() == 0 { 0 } else { 1 };
    out.push_str(&format!(
        "{}: {} event(s) in {} file(s): {}\n",
        id,
        r.events,
        r.files.len(),
        if r.problems.iter().all(|p| !p.error) {
            "verified".to_string()
        } else if r.rejected > 0 && r.problems.iter().filter(|p| p.error).count() == r.rejected {
            format!(
                "verification FAILED: the files here are intact, but {} that came in by sync or merge {} not what {} claimed to be and {} kept aside (above)",
                match r.rejected {
                    1 => "1 copy".to_string(),
                    n => format!("{n} copies"),
                },
                if r.rejected == 1 { "was" } else { "were" },
                if r.rejected == 1 { "it" } else { "they" },
                if r.rejected == 1 { "is" } else { "are" },
            )
        } else {
            "verification FAILED".to_string()
        }
    ));
    if let Some(d) = &digest {
        match &r.seal {
            None => {
                code = 1;
                say!(
                    "muster: error: there is no seal {d} in this session's journal: the lines that held it were removed, or the digest was mistyped (`muster log {id}` lists the seals)"
                );
                out.push_str(&format!("seal {d}: NOT FOUND\n"));
            }
            Some((s, problems)) => {
                for p in problems {
                    say!("{p}");
                }
                out.push_str(&format!(
                    "seal {d} (by {} at {}): covers {} event(s); {}\n",
                    clean(&s.by, false),
                    ctx.zone.full(s.at),
                    s.covers,
                    if problems.is_empty() {
                        format!("all still in the journal; {} recorded after it", s.after)
                    } else {
                        format!(
                            "BROKEN: {} writer file(s) no longer hold what it covered",
                            problems.len()
                        )
                    }
                ));
            }
        }
    }
    Ok(Output { stdout: out, code })
}
