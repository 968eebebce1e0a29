//! Plan parameters: declared in the plan, asked when it joins a session (the CLI's `--param`,
//! the TUI's prompt), written into its titles, bodies and commands, recorded in the journal;
//! and a decision's option that brings another plan in.

mod common;
use common::*;

const ZONE: &str = r#"Plan(id: "zone", title: "Zone {{zone}} is down",
    parameters: [
        (id: "zone", ask: "Which availability zone failed?", example: "eu-west-1a"),
        (id: "region", ask: "Which region?", default: "eu-west-1"),
    ],
    steps: [
        Step(id: "drain", title: "Drain {{zone}}",
            body: "Take {{ zone }} out of the load balancer in {{region}}; leave {{ .Values.x }} alone.",
            commands: ["aws elbv2 deregister --zone {{zone}} --region {{region}}"]),
        Step(id: "choose", title: "Restore or rebuild?", depends_on: ["drain"],
            decision: Decision(question: "Can the zone come back?", options: [
                (label: "Yes: wait", next: "watch"),
                (label: "No: restore from backup", invoke: "restore"),
            ])),
        Step(id: "watch", title: "Watch {{zone}} recover", depends_on: ["choose"]),
    ])"#;

const RESTORE: &str = r#"Plan(id: "restore", title: "Restore {{db}}",
    parameters: [(id: "db", ask: "Which database?")],
    steps: [Step(id: "run", title: "Restore {{db}}", commands: ["pgbackrest --stanza={{db}} restore"])])"#;

fn lib(env: &Env) -> String {
    let lib = env.copy_mini();
    std::fs::write(lib.join("plans/zone.ron"), ZONE).unwrap();
    std::fs::write(lib.join("plans/restore.ron"), RESTORE).unwrap();
    lib.display().to_string()
}

fn journal_text(env: &Env, id: &str) -> String {
    let mut out = String::new();
    for f in std::fs::read_dir(env.session_dir(id)).unwrap() {
        let p = f.unwrap().path();
        if p.extension().is_some_and(|e| e == "jsonl") {
            out.push_str(&std::fs::read_to_string(p).unwrap());
        }
    }
    out
}

#[test]
fn a_missing_value_is_asked_for_by_name_and_nothing_starts() {
    let env = Env::new();
    let lib = lib(&env);
    let r = env.run(&["--library", &lib, "start", "zone"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("parameter `zone`")
            && r.stderr.contains("Which availability zone failed?")
            && r.stderr.contains("eu-west-1a")
            && r.stderr.contains("--param zone=VALUE"),
        "{}",
        r.stderr
    );
    assert!(
        !env.home().join("sessions").exists() || {
            let n = std::fs::read_dir(env.home().join("sessions"))
                .unwrap()
                .count();
            n == 0
        }
    );
}

#[test]
fn values_fill_titles_bodies_and_commands_and_are_journaled() {
    let env = Env::new();
    let lib = lib(&env);
    let s = env
        .run(&[
            "--library",
            &lib,
            "start",
            "zone",
            "--param",
            "zone=eu-west-1b",
        ])
        .ok()
        .stdout
        .trim()
        .to_string();
    let st = env.run(&["--library", &lib, "status", &s]).ok().stdout;
    assert!(st.contains("Zone eu-west-1b is down [zone]"), "{st}");
    assert!(st.contains("1. Drain eu-west-1b (drain)"), "{st}");
    assert!(
        st.contains("Parameters: region = eu-west-1, zone = eu-west-1b"),
        "{st}"
    );
    let v: serde_json::Value = serde_json::from_str(
        &env.run(&["--library", &lib, "status", &s, "--json"])
            .ok()
            .stdout,
    )
    .unwrap();
    assert_eq!(v["plans"][0]["params"]["zone"], "eu-west-1b");
    assert_eq!(v["plans"][0]["params"]["region"], "eu-west-1");
    // the default title is the filled-in one
    assert_eq!(v["title"], "Zone eu-west-1b is down", "{v}");
    let j = journal_text(&env, &s);
    assert!(
        j.contains(r#""params":{"region":"eu-west-1","zone":"eu-west-1b"}"#),
        "{j}"
    );
    // recording more (and reading the session again from its checkpoint) keeps them filled in
    env.run(&["--library", &lib, "step", &s, "drain", "start"])
        .ok();
    env.run(&["--library", &lib, "step", &s, "drain", "done"])
        .ok();
    let shown = env.run(&["--library", &lib, "show", "zone"]).ok().stdout;
    assert!(
        shown.contains("{{zone}}"),
        "the plan itself keeps its blanks: {shown}"
    );
    let st = env.run(&["--library", &lib, "status", &s]).ok().stdout;
    assert!(st.contains("Drain eu-west-1b (drain) - done"), "{st}");
    let md = env
        .run(&["--library", &lib, "export", &s, "--format", "md"])
        .ok()
        .stdout;
    assert!(md.contains("zone = eu-west-1b"), "{md}");
}

#[test]
fn unknown_names_and_unusable_values_are_refused() {
    let env = Env::new();
    let lib = lib(&env);
    let r = env.run(&[
        "--library",
        &lib,
        "start",
        "zone",
        "--param",
        "zone=a",
        "--param",
        "zoen=b",
    ]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("no plan here has a parameter `zoen`; the parameters are: zone, region"),
        "{}",
        r.stderr
    );
    let r = env.run(&["--library", &lib, "start", "zone", "--param", "zone=a\nb"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("line break"), "{}", r.stderr);
    let r = env.run(&["--library", &lib, "start", "zone", "--param", "zone"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("is not NAME=VALUE"), "{}", r.stderr);
    // a value that starts with `-` is a value
    env.run(&["--library", &lib, "start", "zone", "--param", "zone=-1"])
        .ok();
    // the same through `invoke`
    let s = env.start(&["alpha"]);
    let r = env.run(&["--library", &lib, "invoke", &s, "restore"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("--param db=VALUE"), "{}", r.stderr);
    env.run(&[
        "--library",
        &lib,
        "invoke",
        &s,
        "restore",
        "--param",
        "db=orders",
    ])
    .ok();
    let st = env.run(&["--library", &lib, "status", &s]).ok().stdout;
    assert!(st.contains("Restore orders [restore]"), "{st}");
}

#[test]
fn an_option_that_invokes_a_plan_brings_it_in_with_its_values() {
    let env = Env::new();
    let lib = lib(&env);
    let s = env
        .run(&["--library", &lib, "start", "zone", "--param", "zone=b"])
        .ok()
        .stdout
        .trim()
        .to_string();
    let decide = |extra: &[&str]| {
        let mut a = vec!["--library", &lib, "decide", &s, "choose", "2", "--anyway"];
        a.extend_from_slice(extra);
        env.run(&a)
    };
    let r = decide(&[]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("--param db=VALUE"), "{}", r.stderr);
    let st = env.run(&["--library", &lib, "status", &s]).ok().stdout;
    assert!(!st.contains("[restore]"), "nothing was recorded: {st}");
    let r = decide(&["--param", "db=orders"]).ok();
    assert!(
        r.stdout.contains("plan restore joined the session"),
        "{}",
        r.stdout
    );
    let st = env.run(&["--library", &lib, "status", &s]).ok().stdout;
    assert!(st.contains("Restore orders [restore] 0/1"), "{st}");
    assert!(st.contains("decided: No: restore from backup"), "{st}");
}

#[test]
fn an_option_whose_plan_is_gone_is_refused() {
    let env = Env::new();
    let lib = lib(&env);
    let s = env
        .run(&["--library", &lib, "start", "zone", "--param", "zone=b"])
        .ok()
        .stdout
        .trim()
        .to_string();
    std::fs::remove_file(std::path::Path::new(&lib).join("plans/restore.ron")).unwrap();
    let r = env.run(&["--library", &lib, "decide", &s, "choose", "2", "--anyway"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("brings in plan `restore`, which is not in the library"),
        "{}",
        r.stderr
    );
}

#[test]
fn check_reports_blanks_no_parameter_fills_and_parameters_never_used() {
    let env = Env::new();
    let lib = env.copy_mini();
    std::fs::write(
        lib.join("plans/gamma.ron"),
        r#"Plan(id: "gamma", title: "G",
    parameters: ["zone", "zone", (id: "unused", ask: "?")],
    steps: [
        Step(id: "a", title: "Fail over {{zone}} to {{REGION}}", commands: ["helm get {{ .Release.Name }}"]),
        Step(id: "b", title: "B", decision: Decision(question: "Q?", options: [
            (label: "x", invoke: "nope"), (label: "y", next: "a"),
        ])),
    ])"#,
    )
    .unwrap();
    let r = env.run(&["--library", lib.to_str().unwrap(), "check"]);
    assert_eq!(r.code, 1, "{}\n{}", r.stdout, r.stderr);
    let all = format!("{}{}", r.stdout, r.stderr);
    for want in [
        "duplicate parameter id `zone`",
        "`{{REGION}}` in step `a` of plan `gamma` is not one of its parameters: declare it in the plan's `parameters: [(id: \"region\"",
        "parameter `unused` of plan `gamma` is never used",
        "option \"x\" of the decision in step `b` refers to plan `nope`, which does not exist",
    ] {
        assert!(all.contains(want), "missing {want:?} in\n{all}");
    }
    assert_eq!(
        all.matches("is not one of its parameters").count(),
        1,
        "only {{{{REGION}}}} is a blank no parameter fills, not {{{{ .Release.Name }}}}: {all}"
    );
    assert!(!all.contains("leads nowhere"), "{all}");
}

#[path = "common/harness.rs"]
mod harness;

#[test]
fn the_tui_asks_each_value_when_a_session_starts_and_shows_the_plan_filled_in() {
    use muster::library::{self, Location};
    let dir = tempfile::tempdir().unwrap();
    common::copy_dir(&common::mini(), dir.path());
    std::fs::write(dir.path().join("plans/zone.ron"), ZONE).unwrap();
    std::fs::write(dir.path().join("plans/restore.ron"), RESTORE).unwrap();
    let lib = library::load(
        &Location::Dir(dir.path().to_path_buf()),
        harness::t0().date_naive(),
    )
    .unwrap();
    let at = lib.plans.iter().position(|p| p.id.v == "zone").unwrap();
    let mut h = harness::Harness::with(80, 24, std::sync::Arc::new(lib));
    h.press(&format!("{}s1<Enter>", "<Down>".repeat(at)));
    let screen = h.screen();
    assert!(
        screen.contains("Which availability zone failed?") && screen.contains("eu-west-1a"),
        "{screen}"
    );
    // a required value cannot be left blank
    h.press("<Enter>");
    assert!(
        h.screen().contains("This needs some text"),
        "{}",
        h.screen()
    );
    h.press("eu-west-1c<Enter>");
    assert!(
        h.screen().contains("Enter for \"eu-west-1\""),
        "{}",
        h.screen()
    );
    h.press("<Enter><Enter>");
    let st = h.state();
    assert_eq!(st.plans[0].params["zone"], "eu-west-1c");
    assert_eq!(
        st.plans[0].params["region"], "eu-west-1",
        "a blank answer takes the default"
    );
    assert_eq!(st.title, "Zone eu-west-1c is down");
    let screen = h.screen();
    assert!(screen.contains("Drain eu-west-1c"), "{screen}");
    assert!(
        !screen.contains("{{zone")
            && !screen.contains("{{region")
            && screen.contains("{{ .Values.x }}"),
        "{screen}"
    );
}

fn zone_lib(dir: &std::path::Path) -> muster::domain::Library {
    common::copy_dir(&common::mini(), dir);
    std::fs::write(dir.join("plans/zone.ron"), ZONE).unwrap();
    std::fs::write(dir.join("plans/restore.ron"), RESTORE).unwrap();
    muster::library::load(
        &muster::library::Location::Dir(dir.to_path_buf()),
        harness::t0().date_naive(),
    )
    .unwrap()
}

/// The session a process holds after recording an invocation has the plan's steps at once
/// (its checkpoint is written from it), the same as a fresh read of the journal.
#[test]
fn the_session_in_hand_after_an_invocation_has_the_plans_steps() {
    use muster::domain::command::{self, Command, resolve};
    use muster::domain::ids::{StepRef, WriterId};
    use muster::domain::session::Session;
    use muster::journal::store;
    let dir = tempfile::tempdir().unwrap();
    let lib = zone_lib(&dir.path().join("lib"));
    let home = dir.path().join("home");
    let mut start = resolve::start(&lib, &["zone".to_string()], None, None, None).unwrap();
    start.params.insert("zone".into(), "z1".into());
    let t = harness::t0();
    let checked = command::check(&Command::Start(start), &Session::blank(), "ann", t).unwrap();
    let mut o = store::create(&home, &lib, &WriterId::new("w1"), &checked).unwrap();
    let step = StepRef::new("zone", "choose");
    let cmd = Command::Decide {
        invoke: resolve::decision_plans(&lib, &o.session, &step),
        step,
        option: Some("2".into()),
        why: None,
        anyway: true,
        params: [("db".to_string(), "orders".to_string())].into(),
    };
    o.submit(&cmd, "ann", t, &lib).unwrap();
    let held = &o.session.state.plans[1];
    assert_eq!(held.id.as_str(), "restore");
    assert!(!held.missing, "{held:?}");
    assert_eq!(held.steps.len(), 1);
    assert_eq!(
        o.session.plan_def("restore").unwrap().steps[0].title,
        "Restore orders"
    );
    let fresh = store::open(&home, &lib, o.id().as_str(), &WriterId::new("r")).unwrap();
    assert_eq!(
        serde_json::to_value(&fresh.session.state.plans).unwrap(),
        serde_json::to_value(&o.session.state.plans).unwrap()
    );
}

#[test]
fn the_tui_asks_the_values_of_a_plan_a_decision_brings_in_and_shows_its_steps() {
    let dir = tempfile::tempdir().unwrap();
    let lib = zone_lib(dir.path());
    let at = lib.plans.iter().position(|p| p.id.v == "zone").unwrap();
    let mut h = harness::Harness::with(80, 24, std::sync::Arc::new(lib));
    h.press(&format!(
        "{}s1<Enter>z9<Enter><Enter><Enter>",
        "<Down>".repeat(at)
    ));
    // the decision is the second step; it comes after `drain`, so confirm
    h.press("<Down>cy");
    let screen = h.screen();
    assert!(screen.contains("+ plan restore"), "{screen}");
    h.press("2");
    assert!(h.screen().contains("Which database?"), "{}", h.screen());
    h.press("orders<Enter><Enter>");
    let screen = h.screen();
    assert!(screen.contains("2 restore 0/1"), "{screen}");
    h.press("<Tab>");
    assert!(h.screen().contains("Restore orders"), "{}", h.screen());
}
