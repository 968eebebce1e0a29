//! The plain line mode (`muster --plain`, and plain `muster` when `TERM=dumb` or stdout is not
//! a terminal): for serial consoles, screen readers and very slow links. It reads one command a
//! line from stdin and prints short, complete lines, never an escape sequence. Every change goes
//! through the same gate as the TUI and the CLI; what it must ask (a reason, a confirmation, a
//! decision's option) it asks on the next line. Other writers' events are announced as lines
//! while it waits for input.

mod render;

use crate::cli::CliError;
use crate::context::Context;
use crate::domain::Library;
use crate::domain::command::{Answer, Command, Need, StepAct, resolve};
use crate::domain::text::clean;
use crate::journal::open::Opened;
use crate::journal::store;
use std::io::{BufRead, Write};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::Duration;

/// How often other writers' events are looked for while waiting for a line.
const POLL: Duration = Duration::from_millis(500);

/// Runs plain mode until `quit` or the end of input. `session` names the session to follow;
/// without it, the open session the responder worked in last.
pub fn run(ctx: &Context, session: Option<&str>) -> Result<i32, CliError> {
    let lib = crate::cli::library_for_reading(ctx)?;
    let (tx, rx) = mpsc::channel::<String>();
    std::thread::spawn(move || {
        for line in std::io::stdin().lock().lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let mut p = Plain {
        ctx,
        lib,
        open: None,
        rx,
        clock: crate::clock::from_env(),
        escalated: Default::default(),
        medians: Default::default(),
    };
    p.say("muster plain mode: one command a line. Type help for the commands, quit to leave.");
    p.pick(session);
    loop {
        match p.rx.recv_timeout(POLL) {
            Ok(line) => {
                if !p.handle(line.trim()) {
                    break;
                }
                p.escalate();
            }
            Err(RecvTimeoutError::Timeout) => {
                p.poll();
                p.escalate();
            }
            Err(RecvTimeoutError::Disconnected) => break,
        }
    }
    p.poll();
    Ok(0)
}

struct Plain<'a> {
    ctx: &'a Context,
    lib: Library,
    open: Option<Opened>,
    rx: Receiver<String>,
    clock: Box<dyn crate::clock::Clock>,
    /// The escalations said already (role, the call they wait on): each is said once.
    escalated: std::collections::HashSet<(String, chrono::DateTime<chrono::Utc>)>,
    /// The trusted medians of the open session's plans: what its forecast uses.
    medians: crate::domain::history::Medians,
}

const WORDS: &[&str] = &[
    "help", "status", "list", "show", "start", "done", "skip", "block", "reopen", "note", "assign",
    "decide", "undo", "who", "sessions", "open", "close", "declared", "quit", "call", "handover",
    "redline", "pass", "fail",
];

impl Plain<'_> {
    /// One line out, with nothing in it a terminal would act on.
    fn say(&self, line: impl AsRef<str>) {
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "{}", clean(line.as_ref(), false)).and_then(|_| out.flush());
    }

    fn lines(&self, lines: Vec<String>) {
        for l in lines {
            self.say(l);
        }
    }

    /// Follows a session: the one named, or the open one this responder worked in last (else
    /// the open one most recently changed).
    fn pick(&mut self, spec: Option<&str>) {
        if let Some(spec) = spec {
            self.open_session(spec);
            return;
        }
        let ids = match store::list_ids(&self.ctx.home) {
            Ok(ids) => ids,
            Err(e) => return self.say(format!("The sessions cannot be listed: {e}")),
        };
        // (this responder worked in it, when it last changed)
        type Key = (bool, Option<chrono::DateTime<chrono::Utc>>);
        let mut best: Option<(Key, Opened)> = None;
        for id in ids {
            let Ok(o) = store::open(&self.ctx.home, &self.lib, id.as_str(), &self.ctx.writer)
            else {
                continue;
            };
            let st = &o.session.state;
            if st.is_closed() {
                continue;
            }
            let key = (
                st.responder(&self.ctx.actor).is_some(),
                st.last_key.as_ref().map(|k| k.0),
            );
            if best.as_ref().is_none_or(|(b, _)| key > *b) {
                best = Some((key, o));
            }
        }
        match best {
            Some((_, o)) => self.follow(o),
            None => self.say(
                "No session is open. Type sessions to list them and open ID to follow one, or start one with: muster start PLAN",
            ),
        }
    }

    fn open_session(&mut self, spec: &str) {
        match store::open(&self.ctx.home, &self.lib, spec, &self.ctx.writer) {
            Ok(o) => self.follow(o),
            Err(e) => self.say(format!("Session {spec} cannot be opened: {e}")),
        }
    }

    fn follow(&mut self, o: Opened) {
        for p in o.journal.problems() {
            self.say(format!("Warning: {p}"));
        }
        self.medians = match store::medians_for(
            &self.ctx.home,
            &self.lib,
            &self.ctx.writer,
            &o.session,
            self.clock.now(),
        ) {
            Ok((m, warnings)) => {
                for w in warnings {
                    self.say(format!("Warning: {w}"));
                }
                m
            }
            // the history is an aid: without it, the plans' estimates stand in
            Err(_) => Default::default(),
        };
        self.open = Some(o);
        self.status();
    }

    fn status(&self) {
        let Some(o) = &self.open else {
            return self.say("No session is open: type sessions, then open ID.");
        };
        self.lines(render::status(
            &o.session,
            &self.lib,
            self.clock.now(),
            self.ctx.zone,
            &self.medians,
        ));
    }

    /// Carries out one line; false to stop.
    fn handle(&mut self, line: &str) -> bool {
        if line.is_empty() {
            return true;
        }
        let (word, rest) = match line.split_once(char::is_whitespace) {
            Some((w, r)) => (w, r.trim()),
            None => (line, ""),
        };
        let word = word.to_lowercase();
        match word.as_str() {
            "quit" | "exit" | "q" | "bye" => {
                self.say("Leaving plain mode. Everything recorded is on disk.");
                return false;
            }
            "help" | "?" | "h" => self.lines(render::HELP.iter().map(|s| s.to_string()).collect()),
            "sessions" => self.sessions(),
            "open" if !rest.is_empty() => self.open_session(rest),
            "who" | "find" | "index" => self.who(rest),
            _ if self.open.is_none() => {
                self.say("No session is open: type sessions, then open ID.")
            }
            "status" => {
                self.poll();
                self.status()
            }
            "list" | "ls" | "steps" => {
                self.poll();
                if let Some(o) = &self.open {
                    self.lines(render::list(&o.session, self.ctx.zone));
                }
            }
            "show" | "step" => self.show(rest),
            "start" | "done" | "skip" | "block" | "reopen" | "assign" => self.step(&word, rest),
            "note" => self.note(rest),
            "decide" => self.decide(rest),
            "call" => self.call(rest),
            "pass" | "fail" | "not-tested" => {
                let (spec, text) = split_first(rest);
                if let Some(step) = self.step_ref(spec) {
                    self.submit(Command::Validate {
                        step,
                        outcome: word.parse::<crate::domain::event::Outcome>().ok(),
                        note: Some(text.to_string()),
                    });
                }
            }
            "redline" => {
                let (spec, text) = split_first(rest);
                let verdict = match spec.to_lowercase().as_str() {
                    "accept" => Some(true),
                    "reject" => Some(false),
                    _ => None,
                };
                if let Some(accept) = verdict {
                    // redline accept R1 [why], redline reject R1 [why]
                    let (label, why) = split_first(text);
                    if label.is_empty() {
                        self.say(
                            "Say which redline: redline accept R1 [why] or redline reject R1 [why].",
                        );
                    } else {
                        self.submit(Command::DecideRedline {
                            redline: Some(label.to_string()),
                            accept: Some(accept),
                            note: Some(why.to_string()),
                        });
                    }
                } else if let Some(step) = self.step_ref(spec) {
                    self.submit(Command::Redline {
                        step,
                        kind: Some(crate::domain::redline::RedlineKind::Change),
                        text: (!text.is_empty()).then(|| text.to_string()),
                    });
                }
            }
            "handover" | "hand-over" => self.handover(rest),
            "undo" => self.submit(Command::Undo),
            "close" => self.close(rest),
            "declared" | "declare" => self.declared(rest),
            other => {
                let hint = crate::domain::text::did_you_mean(other, WORDS.iter().copied())
                    .map(|w| format!(" Did you mean {w}?"))
                    .unwrap_or_default();
                self.say(format!(
                    "Unknown command {other}.{hint} Type help for the commands."
                ))
            }
        }
        true
    }

    /// The step a user named, or a line saying why it is not one.
    fn step_ref(&self, spec: &str) -> Option<crate::domain::ids::StepRef> {
        let o = self.open.as_ref()?;
        if spec.is_empty() {
            self.say("Which step? Give its number, for example: show 3");
            return None;
        }
        match resolve::step(&o.session, spec) {
            Ok(r) => Some(r),
            Err(e) => {
                self.say(format!("{e}."));
                None
            }
        }
    }

    fn show(&mut self, rest: &str) {
        self.poll();
        let Some(r) = self.step_ref(rest) else { return };
        let Some(o) = &self.open else { return };
        if let Some(st) = o.session.state.step(&r) {
            self.lines(render::show(
                &o.session,
                &self.lib,
                st,
                self.clock.now(),
                self.ctx.zone,
            ));
        }
    }

    fn step(&mut self, word: &str, rest: &str) {
        let (spec, text) = split_first(rest);
        let Some(step) = self.step_ref(spec) else {
            return;
        };
        let act = match word {
            "start" => StepAct::Start,
            "done" => StepAct::Done,
            "skip" => StepAct::Skip,
            "block" => StepAct::Block,
            "reopen" => StepAct::Reopen,
            _ => StepAct::Assign,
        };
        let given = (!text.is_empty()).then(|| text.to_string());
        // a note not given is not asked for (a line is a whole command); a required reason is
        let (text, to) = if act == StepAct::Assign {
            (None, given)
        } else {
            (given, None)
        };
        self.submit(Command::Step {
            step,
            act,
            text,
            to,
            anyway: false,
        });
    }

    /// `call WHO RESULT [note]`, or `call N WHO RESULT [note]` about step N: WHO a person or a
    /// role (its next person).
    fn call(&mut self, rest: &str) {
        use crate::domain::calls::{self, CallResult};
        let Some(o) = &self.open else { return };
        let (first, after) = split_first(rest);
        let (step, rest) = match first.chars().next() {
            Some(c) if c.is_ascii_digit() => match self.step_ref(first) {
                Some(r) => (Some(r), after),
                None => return,
            },
            _ => (None, rest),
        };
        let (who, rest) = split_first(rest);
        let (result, note) = split_first(rest);
        if who.is_empty() || result.is_empty() {
            return self.say(
                "Say whom and what it gave, for example: call dba no-answer, or call 3 hannah-kowalski reached on her way",
            );
        }
        let result: CallResult = match result.parse() {
            Ok(r) => r,
            Err(e) => return self.say(format!("{e}.")),
        };
        let callee = match calls::resolve(
            &self.lib.index,
            who,
            &o.session.state.calls,
            self.clock.now(),
        ) {
            Ok(c) => c,
            Err(e) => return self.say(format!("{e}.")),
        };
        self.submit(Command::Call {
            candidates: vec![callee],
            who: Some(0),
            result: Some(result),
            note: Some(note.to_string()),
            step,
        });
    }

    /// `handover NAME [note]`: the summary the next shift gets, then the hand-over recorded
    /// with it.
    fn handover(&mut self, rest: &str) {
        let (to, note) = split_first(rest);
        if to.is_empty() {
            return self.say("Say to whom, for example: handover sam the DBA is on her way");
        }
        let Some(o) = &self.open else { return };
        let summary = crate::domain::session::handover::summary(
            &o.session,
            &self.lib.index,
            self.clock.now(),
        );
        let zone = self.ctx.zone;
        self.lines(summary.lines(&|t| zone.hm(t)));
        self.submit(Command::HandOver {
            to: Some(to.to_string()),
            note: Some(note.to_string()),
            summary: Some(Box::new(summary)),
        });
    }

    /// Says, once each, the roles whose last call reached no one for too long.
    fn escalate(&mut self) {
        let Some(o) = &self.open else { return };
        let now = self.clock.now();
        let mut out = Vec::new();
        for e in crate::domain::calls::escalations(&o.session, &self.lib.index, now) {
            if self.escalated.insert((e.role.clone(), e.last.at)) {
                let phone = self
                    .lib
                    .index
                    .person(&e.next.person)
                    .and_then(|p| p.phones.first().cloned())
                    .map(|p| format!(" ({p})"))
                    .unwrap_or_default();
                out.push(format!(
                    "CALL NEXT: {} {}{phone}: then type call {} RESULT.",
                    e.sentence(|t| self.ctx.zone.hm(t)),
                    e.next.name,
                    e.role
                ));
            }
        }
        self.lines(out);
    }

    /// `note 3 text` on a step; `note text` on the session.
    fn note(&mut self, rest: &str) {
        let (spec, text) = split_first(rest);
        let on_step = self
            .open
            .as_ref()
            .and_then(|o| resolve::step(&o.session, spec).ok());
        match on_step {
            Some(step) => self.submit(Command::Step {
                step,
                act: StepAct::Note,
                text: (!text.is_empty()).then(|| text.to_string()),
                to: None,
                anyway: false,
            }),
            None => self.submit(Command::SessionNote {
                text: (!rest.is_empty()).then(|| rest.to_string()),
            }),
        }
    }

    fn decide(&mut self, rest: &str) {
        let (spec, rest) = split_first(rest);
        let (option, why) = split_first(rest);
        let Some(step) = self.step_ref(spec) else {
            return;
        };
        let Some(o) = &self.open else { return };
        let invoke = resolve::decision_plans(&self.lib, &o.session, &step);
        self.submit(Command::Decide {
            step,
            option: (!option.is_empty()).then(|| option.to_string()),
            why: Some(why.to_string()),
            anyway: false,
            invoke,
            params: Default::default(),
        });
    }

    /// `declared 03:10 [why]` or `declared 2026-11-21 03:10 [why]`.
    fn declared(&mut self, rest: &str) {
        let now = self.clock.now();
        let (a, more) = split_first(rest);
        let (b, after_b) = split_first(more);
        let zone = self.ctx.zone;
        let (at, why) = match zone.parse_near(&format!("{a} {b}"), now) {
            Some(t) if !b.is_empty() => (Some(t), after_b),
            _ => (zone.parse_near(a, now), more),
        };
        if !rest.is_empty() && at.is_none() {
            return self.say(format!(
                "{a} is not a time: write it like declared 03:10, or declared 2026-11-21 03:10."
            ));
        }
        self.submit(Command::Declare {
            at,
            why: Some(why.to_string()),
        });
    }

    fn close(&mut self, note: &str) {
        let Some(o) = &self.open else { return };
        let summary = crate::domain::command::open_summary(&o.session);
        self.say(format!(
            "{summary} Nothing more can be recorded once the session is closed. Close it? Type yes or no."
        ));
        match self.next_line() {
            Some(l) if is_yes(&l) => self.submit(Command::Close {
                note: Some(note.to_string()),
            }),
            _ => self.say("The session stays open."),
        }
    }

    fn sessions(&self) {
        let ids = match store::list_ids(&self.ctx.home) {
            Ok(ids) => ids,
            Err(e) => return self.say(format!("The sessions cannot be listed: {e}")),
        };
        if ids.is_empty() {
            return self.say("There are no sessions yet. Start one with: muster start PLAN");
        }
        for id in ids {
            match store::open(&self.ctx.home, &self.lib, id.as_str(), &self.ctx.writer) {
                Ok(o) => {
                    let st = &o.session.state;
                    let (d, t) = st.progress();
                    self.say(format!(
                        "Session {id}, {}, {}: {}, {d} of {t} steps done.",
                        if st.is_exercise() {
                            "exercise"
                        } else {
                            "incident"
                        },
                        if st.is_closed() { "closed" } else { "open" },
                        clean(&st.title, false)
                    ));
                }
                Err(e) => self.say(format!("Session {id} cannot be read: {e}")),
            }
        }
    }

    fn who(&self, query: &str) {
        if query.is_empty() {
            return self.say("Who? Give words to look for, for example: who dba");
        }
        let entries = crate::domain::search::index_entries(&self.lib);
        let hits = crate::domain::search::search(&entries, query);
        if hits.is_empty() {
            return self.say(format!("Nothing in the index matches {query}."));
        }
        for e in hits.iter().take(8) {
            let mut line = format!("{} ({}): ", clean(&e.title, false), e.kind);
            line.push_str(
                &e.lines
                    .iter()
                    .map(|l| clean(l, false))
                    .collect::<Vec<_>>()
                    .join("; "),
            );
            self.say(line);
        }
        if hits.len() > 8 {
            self.say(format!(
                "{} more match {query}: give more words to narrow it.",
                hits.len() - 8
            ));
        }
    }

    /// The next line of input, waiting for it; `None` at the end of input.
    fn next_line(&self) -> Option<String> {
        self.rx.recv().ok().map(|l| l.trim().to_string())
    }

    /// Asks for what the gate needs, on the next line; `None` when the user cancels.
    fn ask(&self, need: &Need) -> Option<Answer> {
        match need {
            Need::Confirm { question } => {
                self.say(format!("{question} Type yes or no."));
                let l = self.next_line()?;
                is_yes(&l).then_some(Answer::Yes)
            }
            Need::Choice { title, options, .. } => {
                self.say(title);
                for (i, o) in options.iter().enumerate() {
                    self.say(format!("Option {}: {o}", i + 1));
                }
                self.say("Type the option's number, or cancel.");
                let l = self.next_line()?;
                let n: usize = l.parse().ok()?;
                (1..=options.len())
                    .contains(&n)
                    .then_some(Answer::Choice(n - 1))
            }
            Need::Text {
                title, hint, field, ..
            } => {
                self.say(format!("{title}. {hint}"));
                self.say("Type it, or cancel.");
                let l = self.next_line()?;
                if l.is_empty() || l.eq_ignore_ascii_case("cancel") {
                    return None;
                }
                if *field == crate::domain::command::TextField::When {
                    let t = self.ctx.zone.parse_near(&l, self.clock.now());
                    if t.is_none() {
                        self.say(format!(
                            "{l} is not a time: write it like 03:10 or 2026-11-21 03:10."
                        ));
                    }
                    return t.map(Answer::Time);
                }
                Some(Answer::Text(l))
            }
        }
    }

    /// Asks what is missing, then records the command through the gate, and says so only once
    /// it is on disk.
    fn submit(&mut self, mut cmd: Command) {
        self.poll();
        let actor = self.ctx.actor.clone();
        for _ in 0..16 {
            let Some(o) = &self.open else { return };
            let Some(need) = cmd
                .needs(&o.session, &actor)
                .into_iter()
                .find(Need::blocking)
            else {
                break;
            };
            match self.ask(&need) {
                Some(a) => cmd.answer(&need, a),
                None => return self.say("Cancelled: nothing was recorded."),
            }
        }
        let now = self.clock.now();
        let Some(o) = self.open.as_mut() else { return };
        let (actor, how) = self.ctx.acting();
        let actor = actor.to_string();
        match o.submit_recorded(&cmd, &actor, now, &self.lib, &how) {
            Ok(rec) => {
                let line = format!(
                    "Recorded: {}, by {} at {}.",
                    rec.checked.what(),
                    actor,
                    self.ctx.zone.hm(now)
                );
                self.say(line);
                // the step as it now stands, on its own line
                let step = match &cmd {
                    Command::Step { step, .. } | Command::Decide { step, .. } => Some(step),
                    _ => None,
                };
                if let Some(o) = &self.open
                    && let Some(st) = step.and_then(|r| o.session.state.step(r))
                {
                    self.say(format!(
                        "Step {} is now {}.",
                        render::number(&o.session, st),
                        render::state_words(st, self.ctx.zone)
                    ));
                }
            }
            Err(e) => {
                let e = CliError::from(e);
                self.say(format!("Not recorded: {}", e.message()));
            }
        }
    }

    /// Announces what other writers recorded since the last look.
    fn poll(&mut self) {
        let Some(o) = self.open.as_mut() else { return };
        let delta = match o.journal.read_new(&self.lib) {
            Ok(Ok(d)) => d,
            Ok(Err(_)) => match o.journal.rebuild(&self.lib) {
                Ok(s) => {
                    o.session = s;
                    return self.say("The session was read again whole: type status to see it.");
                }
                Err(e) => return self.say(format!("The session cannot be read: {e}")),
            },
            Err(e) => return self.say(format!("The session cannot be read: {e}")),
        };
        if delta.is_empty() {
            return;
        }
        let events = delta.events.clone();
        if delta.apply_to(&mut o.session).is_err() {
            match o.journal.rebuild(&self.lib) {
                Ok(s) => o.session = s,
                Err(e) => return self.say(format!("The session cannot be read: {e}")),
            }
        }
        let mine = &self.ctx.writer;
        let lines: Vec<String> = events
            .iter()
            .filter(|e| e.writer != *mine)
            .map(|e| announce(&o.session, e, self.ctx.zone))
            .collect();
        self.lines(lines);
    }
}

/// Another writer's event as a line: "New: at 10:02 bob done step 3, Check the replica lag."
fn announce(
    s: &crate::domain::session::Session,
    e: &crate::domain::event::Event,
    zone: crate::present::Zone,
) -> String {
    let d = crate::present::describe::describe(e, s);
    let mut line = format!("New: at {} {} {}", zone.hm(e.at), e.who(), d.action);
    if let Some(st) = d
        .step
        .as_deref()
        .and_then(|r| r.split_once('/'))
        .and_then(|(p, x)| s.state.step(&crate::domain::ids::StepRef::new(p, x)))
    {
        line.push_str(&format!(" step {}", render::number(s, st)));
    }
    if !d.subject.is_empty() {
        line.push_str(&format!(", {}", d.subject));
    }
    if let Some(t) = &d.text {
        line.push_str(&format!(": {t}"));
    }
    line.push('.');
    line
}

fn split_first(s: &str) -> (&str, &str) {
    match s.trim().split_once(char::is_whitespace) {
        Some((a, b)) => (a, b.trim()),
        None => (s.trim(), ""),
    }
}

fn is_yes(l: &str) -> bool {
    matches!(l.trim().to_lowercase().as_str(), "y" | "yes")
}
