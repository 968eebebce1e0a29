//! The responder's hands (issue 26): calls and escalation, a step's command run by muster,
//! the hand-over summary, a scribe recording for someone, the paper log typed back in.

mod common;
#[path = "common/harness.rs"]
mod harness;

use common::*;
use harness::{Harness, t0};
use std::sync::Arc;

fn json(s: &str) -> serde_json::Value {
    serde_json::from_str(s).unwrap_or_else(|e| panic!("{e}: {s}"))
}

fn mini_run(env: &Env, args: &[&str]) -> Run {
    let lib = mini();
    let mut a = vec!["--library", lib.to_str().unwrap()];
    a.extend_from_slice(args);
    env.run(&a)
}

#[test]
fn a_call_to_a_role_goes_to_its_next_person_and_status_lists_every_attempt() {
    let env = Env::new();
    let id = env.start(&["alpha"]);
    let r = mini_run(&env, &["call", &id, "lead", "--result", "no-answer"]).ok();
    assert!(r.stdout.contains("Ann Archer: no answer"), "{}", r.stdout);
    let r = mini_run(
        &env,
        &[
            "call",
            &id,
            "lead",
            "--result",
            "reached",
            "--note",
            "on her way",
        ],
    )
    .ok();
    // the second call to the role names its next person
    assert!(r.stdout.contains("Ben Brook: reached"), "{}", r.stdout);
    let s = json(&mini_run(&env, &["status", &id, "--json"]).ok().stdout);
    let calls = s["calls"].as_array().unwrap();
    assert_eq!(calls.len(), 2, "{s}");
    assert_eq!(calls[0]["who"], "ann");
    assert_eq!(calls[0]["result"], "no-answer");
    assert_eq!(calls[1]["who"], "ben");
    assert_eq!(calls[1]["result"], "reached");
    assert_eq!(calls[1]["note"], "on her way");
    for c in calls {
        assert_eq!(c["role"], "lead");
        assert!(c["at"].as_str().unwrap().ends_with('Z'), "{c}");
    }
    // a person by id, about a step; an unknown name is refused with the closest id
    mini_run(
        &env,
        &["call", &id, "cat", "--result", "busy", "--step", "check"],
    )
    .ok();
    let r = mini_run(&env, &["call", &id, "laed", "--result", "busy"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("did you mean `lead`?"), "{}", r.stderr);
    let r = mini_run(&env, &["call", &id, "ann", "--result", "maybe"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    let log = mini_run(&env, &["log", &id]).ok().stdout;
    assert!(log.contains("called about alpha/check"), "{log}");
    assert!(log.contains("Cat Chen: busy"), "{log}");
}

/// The mini library with the incident lead's calls escalated after 10 minutes.
fn escalating_lib(env: &Env) -> Arc<muster::domain::Library> {
    let dir = env.copy_mini();
    let ix = dir.join("index.ron");
    let text = std::fs::read_to_string(&ix).unwrap().replace(
        r#"people: ["ann", "ben"]),"#,
        r#"people: ["ann", "ben"], escalate_after: "10m"),"#,
    );
    assert!(text.contains("escalate_after"));
    std::fs::write(&ix, text).unwrap();
    let lib =
        muster::library::load(&muster::library::Location::Dir(dir), t0().date_naive()).unwrap();
    assert_eq!(lib.errors(), 0, "{:?}", lib.diagnostics);
    Arc::new(lib)
}

#[test]
fn with_escalate_after_passed_the_tui_at_80x24_prompts_to_call_the_next_person() {
    let env = Env::new();
    let mut h = Harness::with(80, 24, escalating_lib(&env));
    h.start_alpha();
    // step 4, "Tell the business", is the incident lead's: p, the first offered, no answer
    h.press("jjj").press("p");
    assert!(h.screen().contains("Ann Archer (lead)"), "{}", h.screen());
    h.press("1").press("2").press("<Enter>");
    let calls = h.state().calls;
    assert_eq!(calls.len(), 1, "{}", h.screen());
    assert_eq!(calls[0].who, "ann");
    assert_eq!(calls[0].step.as_ref().unwrap().step.as_str(), "tell");
    // before the 10 minutes: nothing to escalate
    h.now = t0() + chrono::Duration::minutes(9);
    h.press("");
    assert!(!h.screen().contains("CALL NEXT"), "{}", h.screen());
    h.now = t0() + chrono::Duration::minutes(11);
    h.press("");
    let screen = h.screen();
    assert!(screen.contains("CALL NEXT"), "{screen}");
    assert!(screen.contains("Call Ben Brook next"), "{screen}");
    // the step shows the attempt
    assert!(screen.contains("Ann Archer (lead): no answer"), "{screen}");
    // reached: the prompt goes
    h.press("p1").press("1").press("<Enter>");
    assert!(!h.screen().contains("CALL NEXT"), "{}", h.screen());
}

#[test]
fn a_scribe_records_for_the_commander_and_the_log_and_the_review_say_both() {
    let env = Env::new();
    let id = env.start(&["alpha"]);
    mini_run(
        &env,
        &[
            "step", &id, "check", "done", "--as", "sam", "--for", "priya",
        ],
    )
    .ok();
    let log = mini_run(&env, &["log", &id]).ok().stdout;
    assert!(
        log.contains("priya (recorded by sam)  done alpha/check"),
        "{log}"
    );
    let md = mini_run(&env, &["export", &id, "--format", "md"])
        .ok()
        .stdout;
    assert!(md.contains("priya (recorded by sam)"), "{md}");
    let s = json(&mini_run(&env, &["status", &id, "--json"]).ok().stdout);
    let check = s["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["step"] == "check")
        .unwrap()
        .clone();
    assert_eq!(check["by"], "priya", "{check}");
    // the journal line keeps both
    let dir = env.session_dir(&id);
    let journal = std::fs::read_to_string(dir.join("journal-w1.jsonl")).unwrap();
    let line = journal
        .lines()
        .find(|l| l.contains("\"step_done\""))
        .unwrap();
    let e = json(line);
    assert_eq!(e["actor"], "priya");
    assert_eq!(e["recorded_by"], "sam");
}

/// The mini library whose first step's command is `echo hello; exit 3`.
fn failing_command_lib(env: &Env) -> std::path::PathBuf {
    let dir = env.copy_mini();
    let p = dir.join("plans/alpha.ron");
    let text = std::fs::read_to_string(&p).unwrap().replace(
        r#"Command(run: "psql -c 'select 1'", lang: "sh")"#,
        r#"Command(run: "echo hello; exit 3", lang: "sh")"#,
    );
    assert!(text.contains("exit 3"));
    std::fs::write(&p, text).unwrap();
    dir
}

fn with_stdin(env: &Env, args: &[&str], input: &str) -> Run {
    env.run_input(args, &[], input)
}

#[test]
fn run_shows_the_command_runs_it_only_when_confirmed_and_journals_its_result() {
    let env = Env::new();
    let lib = failing_command_lib(&env);
    let l = lib.to_str().unwrap();
    let id = env
        .run(&["--library", l, "start", "alpha"])
        .ok()
        .stdout
        .trim()
        .to_string();
    let journal =
        || std::fs::read_to_string(env.session_dir(&id).join("journal-w1.jsonl")).unwrap();
    let before = journal();
    // declined: nothing runs, nothing is recorded
    let r = with_stdin(&env, &["--library", l, "run", &id, "check"], "n\n");
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("echo hello; exit 3"), "{}", r.stderr);
    assert!(r.stderr.contains("Not run"), "{}", r.stderr);
    assert!(!r.stderr.contains("\nhello"), "it ran: {}", r.stderr);
    assert_eq!(journal(), before);
    assert!(!env.session_dir(&id).join("runs").exists());
    // confirmed, then the offer to block declined
    let r = with_stdin(&env, &["--library", l, "run", &id, "check"], "y\nn\n");
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("exit status 3"), "{}", r.stderr);
    let line = journal()
        .lines()
        .find(|l| l.contains("\"command_ran\""))
        .unwrap()
        .to_string();
    let e = json(&line);
    assert_eq!(e["command"], "echo hello; exit 3");
    assert_eq!(e["exit"], 3);
    assert_eq!(e["tail"], "hello");
    assert!(e["duration_ms"].as_u64().is_some(), "{line}");
    // the output is kept beside the journal, under the hash the journal holds
    let kept = env
        .session_dir(&id)
        .join("runs")
        .join(e["output"].as_str().unwrap());
    let bytes = std::fs::read(&kept).unwrap();
    assert_eq!(bytes, b"hello\n");
    assert_eq!(
        muster::domain::sha256_hex(&bytes),
        e["output_hash"].as_str().unwrap()
    );
    let s = json(
        &env.run(&["--library", l, "status", &id, "--json"])
            .ok()
            .stdout,
    );
    assert_eq!(s["runs"][0]["exit"], 3, "{s}");
    assert_eq!(s["steps"][0]["state"], "pending", "{s}");
    // the export shows the command, its status and its output
    let md = env
        .run(&["--library", l, "export", &id, "--format", "md"])
        .ok()
        .stdout;
    let section = md
        .split("## Commands run")
        .nth(1)
        .expect("a Commands run section");
    assert!(section.contains("$ echo hello; exit 3"), "{section}");
    assert!(section.contains("exit status 3"), "{section}");
    assert!(section.contains("hello"), "{section}");
    // a failing command offers to block the step with its output as the reason
    let r = with_stdin(&env, &["--library", l, "run", &id, "check"], "y\ny\n");
    assert_eq!(r.code, 0, "{}", r.stderr);
    let s = json(
        &env.run(&["--library", l, "status", &id, "--json"])
            .ok()
            .stdout,
    );
    assert_eq!(s["steps"][0]["state"], "blocked", "{s}");
    assert!(
        s["steps"][0]["reason"].as_str().unwrap().contains("hello"),
        "{s}"
    );
}

#[test]
fn an_exercise_never_runs_a_command_unless_the_step_allows_it() {
    let env = Env::new();
    let lib = failing_command_lib(&env);
    let l = lib.to_str().unwrap();
    let id = env
        .run(&["--library", l, "start", "--exercise", "drill"])
        .ok()
        .stdout
        .trim()
        .to_string();
    let r = with_stdin(&env, &["--library", l, "run", &id, "check"], "y\n");
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("run_in_exercise: true"), "{}", r.stderr);
    assert!(!r.stderr.contains("Run it?"), "{}", r.stderr);
    assert!(!env.session_dir(&id).join("runs").exists());
}

#[test]
fn the_tui_runs_a_step_command_after_y_and_offers_to_block_when_it_fails() {
    let env = Env::new();
    let dir = failing_command_lib(&env);
    let lib =
        muster::library::load(&muster::library::Location::Dir(dir), t0().date_naive()).unwrap();
    let mut h = Harness::with(80, 24, Arc::new(lib));
    h.start_alpha();
    h.press("!");
    let screen = h.screen();
    assert!(screen.contains("echo hello; exit 3"), "{screen}");
    assert!(screen.contains("y: run it"), "{screen}");
    // any other key: not run
    h.press("n");
    assert!(h.store.outputs.is_empty());
    assert!(h.state().runs.is_empty());
    h.press("!").press("y");
    assert!(h.screen().contains("Running"), "{}", h.screen());
    // the next tick runs it
    h.press("");
    assert_eq!(h.store.outputs, vec![b"hello\n".to_vec()]);
    let runs = h.state().runs;
    assert_eq!(runs.len(), 1);
    assert_eq!(runs[0].exit, Some(3));
    let screen = h.screen();
    assert!(screen.contains("FAILED: exit status 3"), "{screen}");
    assert!(screen.contains("hello"), "{screen}");
    // Enter blocks the step with the output as the reason
    h.press("<Enter>");
    let check = h.step("alpha", "check");
    assert_eq!(
        check.state,
        muster::domain::session::StepStatus::Blocked,
        "{}",
        h.screen()
    );
}

#[test]
fn handover_json_lists_what_is_in_progress_blocked_and_due_and_journals_it() {
    let env = Env::new();
    let id = env.start(&["alpha"]);
    mini_run(&env, &["step", &id, "check", "start", "--as", "ann"]).ok();
    mini_run(
        &env,
        &[
            "step",
            &id,
            "tell",
            "block",
            "--note",
            "no phone line",
            "--anyway",
        ],
    )
    .ok();
    mini_run(&env, &["call", &id, "lead", "--result", "voicemail"]).ok();
    let r = mini_run(&env, &["handover", &id, "--to", "sam", "--json"]).ok();
    let h = json(&r.stdout);
    assert_eq!(h["to"], "sam");
    let s = &h["summary"];
    assert_eq!(s["in_progress"][0]["about"], "alpha/check", "{h}");
    assert_eq!(s["in_progress"][0]["who"], "ann", "{h}");
    assert_eq!(s["blocked"][0]["about"], "alpha/tell", "{h}");
    assert_eq!(s["blocked"][0]["text"], "no phone line", "{h}");
    // the RTO of the database the plan restores is due
    assert!(
        s["due"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["about"] == "db" && d["text"].as_str().unwrap().contains("left")),
        "{h}"
    );
    assert_eq!(s["calls"][0]["about"], "lead", "{h}");
    assert_eq!(s["calls"][0]["text"], "voicemail left", "{h}");
    // journaled with the hand-over, and in the review
    let journal = std::fs::read_to_string(env.session_dir(&id).join("journal-w1.jsonl")).unwrap();
    let line = journal
        .lines()
        .find(|l| l.contains("\"hand_over\""))
        .unwrap();
    assert_eq!(json(line)["summary"]["blocked"][0]["text"], "no phone line");
    let md = mini_run(&env, &["export", &id, "--format", "md"])
        .ok()
        .stdout;
    assert!(md.contains("What they were told"), "{md}");
    assert!(md.contains("alpha/tell Tell the business"), "{md}");
    // the text form prints the same summary
    let r = mini_run(&env, &["handover", &id, "--to", "ben"]).ok();
    assert!(r.stdout.contains("Blocked:"), "{}", r.stdout);
    assert!(r.stdout.contains("no phone line"), "{}", r.stdout);
}

#[test]
fn the_tui_shows_the_hand_over_summary_before_it_is_recorded() {
    let mut h = Harness::new(80, 24);
    h.start_alpha();
    h.press("a");
    h.press("H").press("sam<Enter>");
    let screen = h.screen();
    assert!(screen.contains("In progress:"), "{screen}");
    assert!(screen.contains("alpha/check Check the replica"), "{screen}");
    h.press("<Enter>");
    let st = h.state();
    let told = st.handovers[0]
        .summary
        .as_ref()
        .expect("the summary is kept");
    assert_eq!(told.in_progress[0].about, "alpha/check");
}

fn paper_env() -> (Env, String) {
    let env = Env::new();
    let id = env
        .run_with(
            &[
                "--library",
                mini().to_str().unwrap(),
                "start",
                "alpha",
                "--as",
                "ic",
            ],
            &[("MUSTER_NOW", "2026-11-21T02:00:00Z")],
        )
        .ok()
        .stdout
        .trim()
        .to_string();
    (env, id)
}

fn transcribe(env: &Env, id: &str, file: &std::path::Path) -> Run {
    env.run_with(
        &[
            "--library",
            mini().to_str().unwrap(),
            "transcribe",
            id,
            file.to_str().unwrap(),
            "--as",
            "sam",
        ],
        &[("MUSTER_NOW", "2026-11-21T09:00:00Z")],
    )
}

#[test]
fn the_paper_log_typed_in_gives_events_at_the_papers_times_marked_transcribed() {
    let (env, id) = paper_env();
    let paper = env.dir.path().join("paper.txt");
    std::fs::write(
        &paper,
        "# the night of the 21st, from the sign-off sheet\n\
         02:10 priya start check\n\
         02:25 priya done alpha/1 lag 40 s   # the sheet's number\n\
         \n\
         02:26 ben start restore\n\
         2026-11-21 02:40 ben block 3 no backup tape on site\n\
         02:55 ann note tell phoned the ops director\n",
    )
    .unwrap();
    let r = transcribe(&env, &id, &paper);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("Typed in 5 entries"), "{}", r.stdout);
    let journal = std::fs::read_to_string(env.session_dir(&id).join("journal-w1.jsonl")).unwrap();
    let typed: Vec<serde_json::Value> = journal
        .lines()
        .map(json)
        .filter(|e| e["kind"] != "responder_joined" && e["transcribed_at"].is_string())
        .collect();
    let seen: Vec<(String, String, String)> = typed
        .iter()
        .map(|e| {
            (
                e["at"].as_str().unwrap()[11..16].to_string(),
                e["actor"].as_str().unwrap().to_string(),
                e["kind"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let want = [
        ("02:10", "priya", "step_started"),
        ("02:25", "priya", "step_done"),
        ("02:26", "ben", "step_started"),
        ("02:40", "ben", "step_blocked"),
        ("02:55", "ann", "note"),
    ];
    assert_eq!(
        seen,
        want.iter()
            .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
            .collect::<Vec<_>>()
    );
    for e in &typed {
        assert_eq!(e["recorded_by"], "sam");
        assert_eq!(e["transcribed_at"], "2026-11-21T09:00:00.000Z");
    }
    assert_eq!(typed[3]["reason"], "no backup tape on site");
    // the timeline orders them by the paper's time and marks them
    let log = mini_run(&env, &["log", &id]).ok().stdout;
    let lines: Vec<&str> = log.lines().collect();
    assert!(lines[0].contains("started the session"), "{log}");
    assert!(
        log.contains("priya (from the paper log, typed in by sam)  done alpha/check"),
        "{log}"
    );
    // the fold keeps the paper's times: the check took 15 minutes
    let s = json(&mini_run(&env, &["status", &id, "--json"]).ok().stdout);
    let check = &s["steps"][0];
    assert_eq!(check["state"], "done");
    assert_eq!(check["at"], "2026-11-21T02:25:00.000Z", "{check}");
}

#[test]
fn one_bad_line_and_nothing_is_recorded_with_the_line_and_column_named() {
    let (env, id) = paper_env();
    let before = std::fs::read_to_string(env.session_dir(&id).join("journal-w1.jsonl")).unwrap();
    let paper = env.dir.path().join("paper.txt");
    std::fs::write(
        &paper,
        "02:10 priya start check\n02:25 priya done check\n02:26 ben fly restore\n02:40 ben start restore\n02:55 ann done tell\n",
    )
    .unwrap();
    let r = transcribe(&env, &id, &paper);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains(&format!("{}:3:11:", paper.display())),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("`fly` is not an action"), "{}", r.stderr);
    assert!(r.stderr.contains("Nothing was recorded"), "{}", r.stderr);
    let after = std::fs::read_to_string(env.session_dir(&id).join("journal-w1.jsonl")).unwrap();
    assert_eq!(before, after);
    // a skip with no reason, a step that is not there, a time in the future
    std::fs::write(
        &paper,
        "02:10 priya skip check\n02:11 priya done nosuch\n23:59 ann done tell\n",
    )
    .unwrap();
    let r = transcribe(&env, &id, &paper);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains(":1:23:"), "{}", r.stderr);
    assert!(r.stderr.contains(":2:18:"), "{}", r.stderr);
    assert!(r.stderr.contains(":3:1:"), "{}", r.stderr);
    assert!(r.stderr.contains("in the future"), "{}", r.stderr);
}

#[test]
fn the_tui_paper_form_records_an_entry_at_the_papers_time_and_says_why_a_line_does_not_read() {
    let mut h = Harness::new(80, 24);
    h.start_alpha();
    h.now = t0() + chrono::Duration::hours(6);
    h.press("T");
    assert!(
        h.screen().contains("Paper log: 0 typed in"),
        "{}",
        h.screen()
    );
    h.press("02:4x ann done check<Enter>");
    assert!(h.screen().contains("is not a time"), "{}", h.screen());
    for _ in 0.."02:4x ann done check".len() {
        h.press("<BS>");
    }
    h.press("02:40 ann done check went fine<Enter>");
    assert!(
        h.screen().contains("Paper log: 1 typed in"),
        "{}",
        h.screen()
    );
    h.press("<Esc>");
    let check = h.step("alpha", "check");
    assert_eq!(check.by.as_deref(), Some("ann"));
    assert_eq!(check.at, Some(t0() + chrono::Duration::minutes(10)));
}

#[test]
fn recording_for_in_the_tui_records_the_commanders_action_by_the_scribe() {
    let mut h = Harness::new(80, 24);
    h.start_alpha();
    h.press("f").press("priya<Enter>");
    assert!(h.screen().contains("tester for priya"), "{}", h.screen());
    h.press("a");
    let events = &h.store.sessions[&h.id()];
    let started = events
        .iter()
        .find(|e| e.body.kind() == "step_started")
        .unwrap();
    assert_eq!(started.actor, "priya");
    assert_eq!(started.recorded_by.as_deref(), Some("tester"));
    // f again: back to oneself
    h.press("f").press("nhello<Enter>");
    let events = &h.store.sessions[&h.id()];
    let last = events.last().unwrap();
    assert_eq!(last.actor, "tester");
    assert_eq!(last.recorded_by, None);
}

#[test]
fn a_config_that_rebinds_done_is_obeyed_and_the_footer_shows_it_and_a_typo_is_a_located_warning() {
    let env = Env::new();
    let cfg = env.dir.path().join("config.ron");
    std::fs::write(
        &cfg,
        "// mine\n(\n    theme: \"high-contrast\",\n    keys: { \"done\": [\"Z\"] },\n)\n",
    )
    .unwrap();
    let (settings, problems) = muster::config::load_from(&cfg);
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(settings.theme.palette.name, "high-contrast");
    let mut h = Harness::new(80, 24);
    h.app.keymap = Arc::new(settings.keymap);
    h.start_alpha();
    // the footer shows the keys once the banner of the start is gone
    h.app.banner = None;
    h.draw();
    let screen = h.screen();
    let footer = screen.lines().rev().find(|l| !l.trim().is_empty()).unwrap();
    assert!(footer.contains("Z done"), "{footer}");
    assert!(!footer.contains("d done"), "{footer}");
    // d no longer marks it done; Z does
    h.press("d");
    assert!(h.app.modal.is_none(), "{}", h.screen());
    h.press("Z<Enter>");
    assert_eq!(
        h.step("alpha", "check").state,
        muster::domain::session::StepStatus::Done
    );
    // the help says it too
    h.press("?");
    assert!(
        h.screen().contains(" Z       mark the step done"),
        "{}",
        h.screen()
    );
    // a typo: a located warning from `muster config`, and the defaults
    std::fs::write(&cfg, "(\n    keys: { \"doen\": [\"Z\"] },\n)\n").unwrap();
    let r = env.run_with(&["config"], &[("MUSTER_CONFIG", cfg.to_str().unwrap())]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains(&format!("{}:2:13:", cfg.display())),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("did you mean `done`?"), "{}", r.stderr);
    let (settings, problems) = muster::config::load_from(&cfg);
    assert_eq!(problems.len(), 1);
    assert_eq!(settings, muster::config::Settings::default());
    // every setting, commented, reads back as the defaults
    let r = env.run(&["config", "--defaults"]).ok();
    std::fs::write(&cfg, &r.stdout).unwrap();
    let (settings, problems) = muster::config::load_from(&cfg);
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(settings, muster::config::Settings::default());
}
