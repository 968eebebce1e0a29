//! One gate for every change: every command, against every kind of session state, gives the
//! same answer through the CLI (the real binary) and through the TUI's update path (a store in
//! memory holding the same events). And every kind of command has a CLI subcommand.

mod common;

use chrono::{DateTime, TimeZone, Utc};
use common::*;
use muster::domain::command::{CommandKind, Need};
use muster::domain::event::Event;
use muster::domain::ids::SessionId;
use muster::journal::file;
use muster::library::{self, Location};
use muster::present::Zone;
use muster::tui::app::App;
use muster::tui::flow::Modal;
use muster::tui::memstore::MemStore;
use muster::tui::msg::Msg;
use muster::tui::runtime::dispatch;
use muster::tui::theme::Theme;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use std::path::Path;
use std::sync::Arc;

const NOW: &str = "2026-11-21T02:30:00Z";

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 21, 2, 30, 0).unwrap()
}

/// What a front end made of a command.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Outcome {
    /// The kinds of the events it recorded (a responder joining left out).
    Recorded(Vec<String>),
    /// Refused, with the gate's sentence.
    Refused(String),
    /// It needs more: "text", "confirm" or "choice".
    Asks(&'static str),
}

/// A command as both front ends give it. `cli` has what follows `muster`, with `@` for the
/// session; `keys` are pressed on `screen` after selecting line `select` (a step or an inject).
struct Case {
    kind: CommandKind,
    cli: &'static [&'static str],
    /// What the CLI adds when everything is given (the TUI answers the same in its prompts).
    cli_full: &'static [&'static str],
    screen: &'static str,
    select: usize,
    key: &'static str,
    /// What the TUI types into its prompts when everything is given.
    text: &'static str,
    /// Choices the CLI always gives (its positional arguments), by index.
    choices: &'static [usize],
    /// Text the CLI always gives (a positional argument, a required flag), typed into the TUI's
    /// first required prompt even when nothing extra is given.
    always: &'static str,
}

/// Every kind of command, written for the CLI: the match has no catch-all, so a new kind of
/// command cannot be added without its CLI subcommand here.
fn case(kind: CommandKind) -> Case {
    let c = |cli, cli_full, screen, select, key, text, choices| Case {
        kind,
        cli,
        cli_full,
        screen,
        select,
        key,
        text,
        choices,
        always: "",
    };
    let given = |always: &'static str, c: Case| Case { always, ..c };
    match kind {
        CommandKind::Start => c(&["start", "alpha"], &[], "home", 0, "s", "", &[0]),
        CommandKind::Invoke => c(&["invoke", "@", "beta"], &[], "session", 0, "I", "", &[0]),
        CommandKind::StepStart => c(
            &["step", "@", "promote", "start"],
            &["--anyway"],
            "session",
            1,
            "a",
            "",
            &[],
        ),
        CommandKind::StepDone => c(
            &["step", "@", "promote", "done"],
            &["--anyway", "--note", "fine"],
            "session",
            1,
            "d",
            "fine",
            &[],
        ),
        CommandKind::StepSkip => c(
            &["step", "@", "check", "skip"],
            &["--note", "why"],
            "session",
            0,
            "x",
            "why",
            &[],
        ),
        CommandKind::StepBlock => c(
            &["step", "@", "check", "block"],
            &["--note", "why"],
            "session",
            0,
            "b",
            "why",
            &[],
        ),
        CommandKind::StepReopen => c(
            &["step", "@", "check", "reopen"],
            &["--note", "why"],
            "session",
            0,
            "r",
            "why",
            &[],
        ),
        CommandKind::StepNote => c(
            &["step", "@", "check", "note"],
            &["--note", "a note"],
            "session",
            0,
            "n",
            "a note",
            &[],
        ),
        CommandKind::StepAssign => c(
            &["step", "@", "check", "assign"],
            &["--to", "ben"],
            "session",
            0,
            "A",
            "ben",
            &[],
        ),
        CommandKind::Decide => c(
            &["decide", "@", "check", "2"],
            &["--anyway", "--note", "lag"],
            "session",
            0,
            "c",
            "lag",
            &[1],
        ),
        CommandKind::Undo => c(&["undo", "@"], &[], "session", 0, "u", "", &[]),
        CommandKind::SessionNote => given(
            "hello",
            c(&["note", "@", "hello"], &[], "session", 0, "N", "", &[]),
        ),
        CommandKind::HandOver => given(
            "ben",
            c(
                &["handover", "@", "--to", "ben"],
                &["--note", "hi"],
                "session",
                0,
                "H",
                "hi",
                &[],
            ),
        ),
        CommandKind::Close => c(
            &["close", "@"],
            &["--note", "done"],
            "session",
            0,
            "C",
            "done",
            &[],
        ),
        CommandKind::Declare => given(
            "2026-11-21 02:10",
            c(
                &["declared", "@", "2026-11-21 02:10"],
                &["--note", "by phone"],
                "session",
                0,
                "D",
                "by phone",
                &[],
            ),
        ),
        CommandKind::InjectRelease => c(
            &["inject", "@", "press"],
            &[],
            "facilitator",
            2,
            "R",
            "",
            &[],
        ),
        CommandKind::InjectSkip => c(
            &["inject", "@", "late", "--skip"],
            &["--note", "time"],
            "facilitator",
            3,
            "x",
            "time",
            &[],
        ),
        CommandKind::Observe => given(
            "slow",
            c(
                &[
                    "observe",
                    "@",
                    "--kind",
                    "improvement",
                    "--step",
                    "check",
                    "slow",
                ],
                &[],
                "session",
                0,
                "O",
                "",
                &[1, 0],
            ),
        ),
        CommandKind::ObservationCorrect => given(
            "better words",
            c(
                &["observation", "correct", "@", "O1", "better words"],
                &["--note", "typo"],
                "session",
                0,
                "E1",
                "typo",
                &[0],
            ),
        ),
        CommandKind::ObservationWithdraw => c(
            &["observation", "withdraw", "@", "O1"],
            &["--note", "wrong room"],
            "session",
            0,
            "E2",
            "wrong room",
            &[0],
        ),
        CommandKind::ActionAdd => given(
            "fix the runbook",
            c(
                &["action", "add", "@", "fix the runbook"],
                &[
                    "--owner",
                    "Bo",
                    "--due",
                    "2027-01-31",
                    "--capability",
                    "Operational Communications",
                ],
                "session",
                0,
                "P1",
                "Bo|2027-01-31|Operational Communications",
                // "None: a new action" when there are observations to raise it from
                &[0],
            ),
        ),
        CommandKind::ActionUpdate => c(
            &["action", "update", "@", "A1"],
            &[
                "--owner",
                "Cy",
                "--due",
                "+14d",
                "--capability",
                "Planning",
                "--note",
                "on track",
            ],
            "session",
            0,
            "P2",
            "Cy|+14d|Planning|on track",
            &[0],
        ),
        CommandKind::ActionClose => c(
            &["action", "close", "@", "A1"],
            &["--note", "runbook fixed"],
            "session",
            0,
            "P3",
            "runbook fixed",
            &[0],
        ),
        CommandKind::ActionReopen => c(
            &["action", "reopen", "@", "A1"],
            &["--note", "not fixed"],
            "session",
            0,
            "P4",
            "not fixed",
            &[0],
        ),
        CommandKind::ClockPause => c(
            &["clock", "@", "pause"],
            &[],
            "facilitator",
            0,
            " ",
            "",
            &[],
        ),
        CommandKind::ClockResume => c(
            &["clock", "@", "resume"],
            &[],
            "facilitator",
            0,
            " ",
            "",
            &[],
        ),
        CommandKind::ClockSpeed => c(
            &["clock", "@", "speed", "2"],
            &[],
            "facilitator",
            0,
            "+",
            "",
            &[],
        ),
        CommandKind::ClockAdvance => c(
            &["clock", "@", "advance", "5m"],
            &[],
            "facilitator",
            0,
            ">",
            "",
            &[],
        ),
        CommandKind::Rate => c(
            &["rate", "@", "failover", "S"],
            &["--note", "ok"],
            "facilitator",
            0,
            "o",
            "ok",
            &[0, 1],
        ),
        CommandKind::Run => c(&["run", "@", "check"], &[], "session", 0, "!", "", &[]),
        CommandKind::Validate => c(
            &["step", "@", "check", "pass"],
            &["--note", "ok"],
            "session",
            0,
            "v",
            "ok",
            &[0],
        ),
        CommandKind::Redline => given(
            "also check from Leeds",
            c(
                &["redline", "@", "check", "--text", "also check from Leeds"],
                &[],
                "session",
                0,
                "R",
                "",
                &[0],
            ),
        ),
        // no redline is open in these states: both say so (tests/redlines.rs decides on one)
        CommandKind::RedlineDecide => c(
            &["redline", "@", "R1", "--accept"],
            &["--note", "agreed"],
            "session",
            0,
            "L",
            "agreed",
            &[0, 0],
        ),
        CommandKind::Call => c(
            &["call", "@", "dba", "--result", "reached"],
            &["--note", "on her way"],
            "session",
            0,
            "p",
            "on her way",
            &[0, 0],
        ),
    }
}

#[test]
fn every_kind_of_command_has_a_cli_subcommand() {
    let env = Env::new();
    for kind in CommandKind::ALL {
        let c = case(kind);
        // the subcommand exists and takes these arguments: clap says so in its help
        let r = env.run(&[c.cli[0], "--help"]);
        assert_eq!(
            r.code, 0,
            "{kind:?}: `muster {} --help`: {}",
            c.cli[0], r.stderr
        );
    }
}

/// A session in some state, made with the CLI.
struct State {
    name: &'static str,
    env: Env,
    id: String,
}

fn run(env: &Env, args: &[&str]) -> Run {
    let lib = mini();
    let mut a = vec!["--library", lib.to_str().unwrap()];
    a.extend_from_slice(args);
    env.run_with(&a, &[("MUSTER_NOW", NOW)])
}

fn state(name: &'static str, exercise: bool, setup: &[&[&str]]) -> State {
    let env = Env::new();
    let start: &[&str] = if exercise {
        &["start", "--exercise", "drill"]
    } else {
        &["start", "alpha"]
    };
    let id = run(&env, start).ok().stdout.trim().to_string();
    for s in setup {
        let args: Vec<&str> = s
            .iter()
            .map(|a| if *a == "@" { id.as_str() } else { a })
            .collect();
        run(&env, &args).ok();
    }
    State { name, env, id }
}

fn states() -> Vec<State> {
    vec![
        state("open, all pending", false, &[]),
        state("check active", false, &[&["step", "@", "check", "start"]]),
        state("check done", false, &[&["step", "@", "check", "done"]]),
        state(
            "check skipped",
            false,
            &[&["step", "@", "check", "skip", "--note", "n/a"]],
        ),
        state(
            "check blocked",
            false,
            &[&["step", "@", "check", "block", "--note", "wait"]],
        ),
        state(
            "branch not taken",
            false,
            &[&["decide", "@", "check", "no"]],
        ),
        state("closed", false, &[&["close", "@"]]),
        // the T+0 inject is released with the start
        state("exercise running", true, &[]),
        state("exercise paused", true, &[&["clock", "@", "pause"]]),
        state("exercise closed", true, &[&["close", "@"]]),
        state(
            "exercise observed",
            true,
            &[&["observe", "@", "--kind", "strength", "went well"]],
        ),
        state(
            "observation withdrawn",
            true,
            &[
                &["observe", "@", "--kind", "strength", "went well"],
                &["observation", "withdraw", "@", "O1", "--note", "wrong"],
            ],
        ),
        state(
            "action raised",
            false,
            &[&["action", "add", "@", "fix the runbook"]],
        ),
        state(
            "action closed",
            false,
            &[
                &["action", "add", "@", "fix the runbook"],
                &["action", "close", "@", "A1"],
            ],
        ),
        state(
            "action raised, session closed",
            true,
            &[&["action", "add", "@", "fix the runbook"], &["close", "@"]],
        ),
    ]
}

fn events_of(dir: &Path) -> Vec<Event> {
    let (paths, _) = file::journal_paths(dir).unwrap();
    let mut all = Vec::new();
    for p in paths {
        all.extend(file::read_file(&p).unwrap().1);
    }
    all
}

fn kinds(events: &[Event]) -> Vec<String> {
    events
        .iter()
        .map(|e| e.body.kind().to_string())
        .filter(|k| k != "responder_joined")
        .collect()
}

/// The gate's sentence, however a front end dresses it.
fn words(s: &str) -> String {
    let s = s.trim().trim_end_matches('.');
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_lowercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

fn through_cli(st: &State, c: &Case, full: bool) -> Outcome {
    // on a copy of the home, so each command meets the state as it was set up
    let scratch = Env::new();
    copy_dir(&st.env.home(), &scratch.home());
    let mut args: Vec<&str> = c
        .cli
        .iter()
        .map(|a| if *a == "@" { st.id.as_str() } else { a })
        .collect();
    if full {
        args.extend_from_slice(c.cli_full);
    }
    let dir = scratch.session_dir(&st.id);
    let before = events_of(&dir).len();
    let r = if c.kind == CommandKind::Run {
        // it asks before it runs: yes; and when it fails, whether to block the step: no
        let lib = mini();
        let mut a = vec!["--library", lib.to_str().unwrap()];
        a.extend_from_slice(&args);
        scratch.run_input(&a, &[("MUSTER_NOW", NOW)], "y\nn\n")
    } else {
        run(&scratch, &args)
    };
    let after = events_of(&dir);
    match r.code {
        0 => Outcome::Recorded(kinds(&after[before..])),
        2 if r.stderr.contains("this needs a") => Outcome::Asks("text"),
        1 if r.stderr.contains("add --anyway") => Outcome::Asks("confirm"),
        1 => Outcome::Refused(words(r.stderr.trim().trim_start_matches("muster: error: "))),
        code => panic!("{}: {:?}: exit {code}: {}", st.name, c.kind, r.stderr),
    }
}

fn key(c: char) -> KeyEvent {
    KeyEvent::from(KeyCode::Char(c))
}

fn through_tui(st: &State, c: &Case, full: bool) -> Option<Outcome> {
    if c.key.is_empty() {
        // a command the TUI has no key for: only the command line is compared
        return None;
    }
    let lib = Arc::new(library::load(&Location::Dir(mini()), now().date_naive()).unwrap());
    let mut store = MemStore::new(Arc::clone(&lib), "tui");
    let id = SessionId::new(st.id.as_str());
    let mut evs = events_of(&st.env.session_dir(&st.id));
    evs.sort_by(|a, b| a.order_key().cmp(&b.order_key()));
    store.sessions.insert(id.clone(), evs);
    let mut app = App::new(
        lib,
        "tester".into(),
        Some("tester".into()),
        now(),
        Theme::new(false),
        Zone::Utc,
    );
    let press = |app: &mut App, store: &mut MemStore, k: KeyEvent| {
        dispatch(app, store, Msg::Tick(now()));
        dispatch(app, store, Msg::Key(k));
    };
    dispatch(&mut app, &mut store, Msg::Resize(100, 30));
    let loaded = muster::tui::effects::Store::open(&mut store, &id).unwrap();
    dispatch(&mut app, &mut store, Msg::Opened(Box::new(loaded)));
    let session = store.session(&id).unwrap();
    let exercise = session.state.is_exercise();
    let paused = session.state.clock.as_ref().is_some_and(|c| c.paused);
    if (c.kind == CommandKind::ClockPause && paused)
        || (c.kind == CommandKind::ClockResume && !paused)
    {
        // one key toggles the clock: it cannot ask for the state the clock is already in
        return None;
    }
    if c.screen == "facilitator" {
        if !exercise {
            // the TUI has no way to ask this of an incident: nothing to compare
            return None;
        }
        press(&mut app, &mut store, key('F'));
    }
    for _ in 0..c.select {
        press(&mut app, &mut store, key('j'));
    }
    app.banner = None;
    let before = store.sessions[&id].len();
    for k in c.key.chars() {
        press(&mut app, &mut store, key(k));
    }
    // answer what it asks, as a person would: everything when `full`, else only what the CLI
    // always gives and what can be left empty
    let mut choices = c.choices.iter();
    let mut always = Some(c.always).filter(|a| !a.is_empty());
    // one text per prompt, in turn, when `text` has several parts (`a|b`)
    let mut texts = c.text.split('|');
    for _ in 0..8 {
        let Some(Modal::Flow(f)) = &app.modal else {
            break;
        };
        match &f.need {
            Need::Confirm { .. } if full => press(&mut app, &mut store, key('y')),
            Need::Confirm { .. } => return Some(Outcome::Asks("confirm")),
            Need::Choice { .. } => match choices.next() {
                Some(n) => press(
                    &mut app,
                    &mut store,
                    key(char::from_digit(*n as u32 + 1, 10).unwrap()),
                ),
                None => return Some(Outcome::Asks("choice")),
            },
            Need::Text { required, .. } => {
                let typed = match (*required, always.take(), full) {
                    (true, Some(a), _) => a,
                    (_, _, true) => texts.next().unwrap_or(""),
                    (true, None, false) => return Some(Outcome::Asks("text")),
                    (false, _, false) => "",
                };
                for ch in typed.chars() {
                    press(&mut app, &mut store, key(ch));
                }
                press(&mut app, &mut store, KeyEvent::from(KeyCode::Enter));
            }
        }
    }
    let after = &store.sessions[&id];
    if after.len() > before {
        return Some(Outcome::Recorded(kinds(&after[before..])));
    }
    if let Some(Modal::Run { .. }) = &app.modal {
        // the command shown: y runs it on the next tick
        press(&mut app, &mut store, key('y'));
        dispatch(&mut app, &mut store, Msg::Tick(now()));
        let after = &store.sessions[&id];
        if after.len() > before {
            return Some(Outcome::Recorded(kinds(&after[before..])));
        }
    }
    if let Some(Modal::Pick { choice, .. }) = &app.modal {
        // a UI choice (which plan to invoke): take the first
        let _ = choice;
        press(&mut app, &mut store, key('1'));
        let after = &store.sessions[&id];
        if after.len() > before {
            return Some(Outcome::Recorded(kinds(&after[before..])));
        }
    }
    match &app.banner {
        Some(b) => Some(Outcome::Refused(words(&b.text))),
        None => panic!(
            "{}: {:?}: the TUI did nothing; modal {:?}",
            st.name, c.kind, app.modal
        ),
    }
}

#[test]
fn every_command_gets_the_same_answer_from_the_cli_and_the_tui() {
    let states = states();
    let mut compared = 0;
    let mut answers = std::collections::BTreeMap::new();
    for st in &states {
        for kind in CommandKind::ALL {
            if kind == CommandKind::Start {
                continue; // a new session: covered by the start tests
            }
            let c = case(kind);
            for full in [false, true] {
                let cli = through_cli(st, &c, full);
                let Some(tui) = through_tui(st, &c, full) else {
                    // the TUI cannot express it here; the CLI must refuse it
                    assert!(
                        matches!(cli, Outcome::Refused(_)),
                        "{}: {kind:?}: the CLI did {cli:?}",
                        st.name
                    );
                    continue;
                };
                assert_eq!(
                    cli,
                    tui,
                    "{} ({}): {kind:?}: the CLI and the TUI disagree",
                    st.name,
                    if full {
                        "everything given"
                    } else {
                        "nothing extra given"
                    }
                );
                compared += 1;
                answers
                    .entry(
                        format!("{:?}", cli)
                            .split('(')
                            .next()
                            .unwrap_or("")
                            .to_string(),
                    )
                    .and_modify(|n| *n += 1)
                    .or_insert(1);
            }
        }
    }
    // the matrix really covers refusals, records and questions
    assert!(compared > 300, "{compared}");
    for a in ["Recorded", "Refused", "Asks"] {
        assert!(
            answers.get(a).copied().unwrap_or(0) > 10,
            "{a}: {answers:?}"
        );
    }
}

#[test]
fn a_closed_session_refuses_every_write_command_naming_that_it_is_closed() {
    let st = state("closed", true, &[&["close", "@"]]);
    let actions = [
        CommandKind::ActionAdd,
        CommandKind::ActionUpdate,
        CommandKind::ActionClose,
        CommandKind::ActionReopen,
    ];
    for kind in CommandKind::ALL {
        if kind == CommandKind::Start {
            continue;
        }
        let c = case(kind);
        if actions.contains(&kind) {
            // the improvement plan is tracked after the session closed
            match through_cli(&st, &c, true) {
                Outcome::Recorded(k) => assert_eq!(k, ["action_added"], "{kind:?}"),
                Outcome::Refused(m) => assert!(m.contains("no improvement actions yet"), "{m}"),
                other => panic!("{kind:?}: {other:?}"),
            }
            continue;
        }
        for full in [false, true] {
            match through_cli(&st, &c, full) {
                Outcome::Refused(m) => assert!(
                    m.contains("was closed by tester")
                        && m.contains("nothing more can be recorded"),
                    "{kind:?}: {m}"
                ),
                other => panic!("{kind:?}: {other:?}"),
            }
        }
    }
}

#[test]
fn unfinished_dependencies_need_anyway_on_the_cli_for_done_start_and_decide() {
    let st = state("open", false, &[]);
    let r = run(&st.env, &["step", &st.id, "promote", "done"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("comes after 1. check, not finished yet")
            && r.stderr.contains("--anyway"),
        "{}",
        r.stderr
    );
    run(&st.env, &["step", &st.id, "promote", "done", "--anyway"]).ok();
    // a decision step gets the same check: restore's decision... the mini plan's decision is on
    // check, which depends on nothing; a second plan shows it on a step with a dependency
    let lib = st.env.copy_mini();
    std::fs::write(
        lib.join("plans/gamma.ron"),
        r#"Plan(id: "gamma", title: "G", steps: [
            Step(id: "first", title: "First"),
            Step(id: "pick", title: "Pick", depends_on: ["first"], decision: Decision(question: "Which?", options: [(label: "A", next: "a"), (label: "B", next: "b")])),
            Step(id: "a", title: "A", depends_on: ["pick"]),
            Step(id: "b", title: "B", depends_on: ["pick"]),
        ])"#,
    )
    .unwrap();
    let l = lib.to_str().unwrap();
    let id = st
        .env
        .run_with(&["--library", l, "start", "gamma"], &[("MUSTER_NOW", NOW)])
        .ok()
        .stdout
        .trim()
        .to_string();
    let r = st.env.run_with(
        &["--library", l, "decide", &id, "pick", "A"],
        &[("MUSTER_NOW", NOW)],
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("--anyway"), "{}", r.stderr);
    st.env
        .run_with(
            &["--library", l, "decide", &id, "pick", "A", "--anyway"],
            &[("MUSTER_NOW", NOW)],
        )
        .ok();
}

#[test]
fn undo_on_the_cli_does_what_the_tuis_u_does() {
    let st = state(
        "open",
        false,
        &[&["step", "@", "check", "done", "--note", "ok"]],
    );
    let r = run(&st.env, &["undo", &st.id]).ok();
    assert_eq!(r.stdout, "Undid done on alpha/check.\n");
    let v: serde_json::Value =
        serde_json::from_str(&run(&st.env, &["status", &st.id, "--json"]).ok().stdout).unwrap();
    assert_eq!(v["steps"][0]["state"], "pending");
    assert_eq!(v["steps"][0]["notes"][1], "undo: done by tester");
    // nothing left to undo is said, not done
    let r = run(&st.env, &["undo", &st.id]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("redo the step's action instead"),
        "{}",
        r.stderr
    );
}
