//! `muster check`: every kind of bad input, each reported at its true position.

mod common;
use common::*;

/// Checks one bad fixture as a plan of the mini library; returns (exit code, stderr).
fn check_fixture(name: &str) -> (i32, String) {
    let env = Env::new();
    let path = fixtures().join("bad").join(name);
    let lib = mini();
    let r = env.run(&[
        "--library",
        lib.to_str().unwrap(),
        "check",
        path.to_str().unwrap(),
    ]);
    (r.code, r.stderr)
}

fn expect(stderr: &str, file: &str, line_col: &str, severity: &str, message: &str) {
    let want = format!(
        "{}/bad/{file}:{line_col}: {severity}: {message}",
        fixtures().display()
    );
    assert!(
        stderr.lines().any(|l| l == want),
        "missing line\n  {want}\nin stderr:\n{stderr}"
    );
}

#[test]
fn the_builtin_library_and_runbooks_check_clean() {
    let env = Env::new();
    let r = env.run(&["check"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("built-in sample"), "{}", r.stdout);
    assert!(!r.stderr.contains("error:"), "{}", r.stderr);
    let runbooks = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("runbooks");
    let r = env.run(&["check", runbooks.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("0 error(s)"));
}

#[test]
fn ron_syntax_error_at_the_true_position() {
    let (code, err) = check_fixture("syntax.ron");
    assert_eq!(code, 1);
    expect(
        &err,
        "syntax.ron",
        "4:5",
        "error",
        "RON syntax: expected `,` or `)`, found `kind`: is a comma missing after the previous field?",
    );
    // followed by the source line and a marker under the spot
    assert!(err.contains("4 |     kind: Recovery,\n  |     ^"), "{err}");
}

#[test]
fn unknown_fields_each_at_their_own_position() {
    let (code, err) = check_fixture("unknown-field.ron");
    assert_eq!(code, 1);
    expect(
        &err,
        "unknown-field.ron",
        "5:23",
        "error",
        "unknown field `titel` in this step: did you mean `title`?",
    );
    expect(
        &err,
        "unknown-field.ron",
        "6:40",
        "error",
        "unknown field `colour` in this step; known fields: id, title, body, role, notify, commands, expected, verification, estimate, depends_on, depends_on_any, decision, notes, links, due, every, escalate_after, run_in_exercise, validation, only, todo",
    );
}

#[test]
fn missing_required_field_points_at_the_item() {
    let (code, err) = check_fixture("missing-field.ron");
    assert_eq!(code, 1);
    expect(
        &err,
        "missing-field.ron",
        "6:9",
        "error",
        "this step has no `title`: add `title: ...`",
    );
}

#[test]
fn duplicate_ids_point_at_the_second() {
    let (code, err) = check_fixture("duplicate.ron");
    assert_eq!(code, 1);
    let first = format!("{}/bad/duplicate.ron:5", fixtures().display());
    expect(
        &err,
        "duplicate.ron",
        "6:18",
        "error",
        &format!("duplicate step id `a`: it is first used at {first}"),
    );
}

#[test]
fn depending_on_a_missing_step_names_it_at_its_own_position() {
    let (code, err) = check_fixture("missing-step.ron");
    assert_eq!(code, 1);
    expect(
        &err,
        "missing-step.ron",
        "6:67",
        "error",
        "step `second` depends on `frist-typo`, which is not a step of plan `missing-step`",
    );
    expect(
        &err,
        "missing-step.ron",
        "6:81",
        "error",
        "step `second` depends on `ghost`, which is not a step of plan `missing-step`",
    );
    assert!(
        !err.contains("depends on `first`"),
        "an existing dependency is not an error: {err}"
    );
}

#[test]
fn references_to_missing_roles_and_services() {
    let (code, err) = check_fixture("bad-refs.ron");
    assert_eq!(code, 1);
    expect(
        &err,
        "bad-refs.ron",
        "4:22",
        "error",
        "plan `bad-refs` refers to service `mainframe`, which does not exist",
    );
    expect(
        &err,
        "bad-refs.ron",
        "5:12",
        "error",
        "plan `bad-refs` refers to role `wizard`, which does not exist",
    );
    expect(
        &err,
        "bad-refs.ron",
        "7:45",
        "error",
        "step `a` refers to role `dbaa`, which does not exist",
    );
    assert!(
        err.contains("^^^^^^ did you mean `dba`?"),
        "a typo gets a suggestion: {err}"
    );
}

#[test]
fn index_references_to_people_sites_vendors_vbfs_and_plans() {
    let env = Env::new();
    let lib = env.copy_mini();
    std::fs::copy(fixtures().join("bad/bad-index.ron"), lib.join("index.ron")).unwrap();
    let r = env.run(&["check", lib.to_str().unwrap()]);
    assert_eq!(r.code, 1);
    let p = lib.join("index.ron").display().to_string();
    for (pos, msg) in [
        (
            "4:48",
            "the deputy of `ann` refers to person `zed`, which does not exist",
        ),
        (
            "5:20",
            &format!("duplicate person id `ann`: it is first used at {p}:4"),
        ),
        (
            "8:57",
            "role `lead` refers to person `bob`, which does not exist",
        ),
        (
            "11:63",
            "service `db` refers to vital business function `nope`, which does not exist",
        ),
        (
            "11:80",
            "service `db` refers to site `moon`, which does not exist",
        ),
        (
            "11:99",
            "service `db` refers to vendor `acme`, which does not exist",
        ),
        (
            "11:116",
            "service `db` refers to plan `gone`, which does not exist",
        ),
    ] {
        let want = format!("{p}:{pos}: error: {msg}");
        assert!(
            r.stderr.lines().any(|l| l == want),
            "missing {want}\n{}",
            r.stderr
        );
    }
    // the plans now refer to a role the broken index lacks: reported in the plan, at the reference
    assert!(
        r.stderr.contains(
            "plans/alpha.ron:6:12: error: plan `alpha` refers to role `dba`, which does not exist"
        ),
        "{}",
        r.stderr
    );
}

#[test]
fn dependency_cycles() {
    let (code, err) = check_fixture("cycle.ron");
    assert_eq!(code, 1);
    expect(
        &err,
        "cycle.ron",
        "5:48",
        "error",
        "steps of plan `cycle` depend on each other in a circle, so none can start: `a` -> `c` -> `b` -> `a`",
    );
}

#[test]
fn decision_options_leading_nowhere() {
    let (code, err) = check_fixture("decision.ron");
    assert_eq!(code, 1);
    expect(
        &err,
        "decision.ron",
        "7:13",
        "error",
        "option \"Maybe\" of the decision in step `ask` leads nowhere: add `next: \"step-id\"` (or `invoke: \"plan-id\"` to bring in another plan)",
    );
    expect(
        &err,
        "decision.ron",
        "8:33",
        "error",
        "option \"No\" of the decision in step `ask` leads to `nowhere`, which is not a step of plan `decision`",
    );
}

#[test]
fn empty_file() {
    let (code, err) = check_fixture("empty.ron");
    assert_eq!(code, 1);
    expect(
        &err,
        "empty.ron",
        "1:1",
        "error",
        "this file is empty: write a plan in it, or delete it",
    );
}

#[test]
fn not_utf8_names_the_line() {
    let env = Env::new();
    let lib = env.copy_mini();
    let p = lib.join("plans/latin1.ron");
    std::fs::write(&p, b"Plan(\n    id: \"x\",\n    title: \"Caf\xe9\",\n)").unwrap();
    let r = env.run(&["check", lib.to_str().unwrap()]);
    assert_eq!(r.code, 1);
    let want = format!(
        "{}:3:16: error: this file is not UTF-8 text: save it as UTF-8",
        p.display()
    );
    assert!(r.stderr.lines().any(|l| l == want), "{}", r.stderr);
}

#[test]
fn absurdly_large_file_is_refused() {
    let env = Env::new();
    let lib = env.copy_mini();
    let p = lib.join("plans/huge.ron");
    let mut big = String::from("Plan(id: \"huge\", title: \"Huge\", notes: \"");
    big.push_str(&"x".repeat(5 * 1024 * 1024));
    big.push_str("\")");
    std::fs::write(&p, big).unwrap();
    let r = env.run(&["check", lib.to_str().unwrap()]);
    assert_eq!(r.code, 1);
    let want = format!(
        "{}:1:1: error: this file is 5 MiB, over the limit of 4 MiB: split it, or check it is the file you meant",
        p.display()
    );
    assert!(r.stderr.lines().any(|l| l == want), "{}", r.stderr);
}

#[test]
fn files_that_are_not_plans_are_reported_not_ignored() {
    let env = Env::new();
    let lib = env.copy_mini();
    std::fs::write(lib.join("plans/notes.txt"), "todo").unwrap();
    let r = env.run(&["check", lib.to_str().unwrap()]);
    assert_eq!(r.code, 0, "a stray file is a warning, not an error");
    let want = format!(
        "{}:1:1: warning: not read: only .ron files directly in this folder are part of the library",
        lib.join("plans/notes.txt").display()
    );
    assert!(r.stderr.lines().any(|l| l == want), "{}", r.stderr);
}

#[test]
fn duplicate_plan_ids_across_files() {
    let env = Env::new();
    let lib = env.copy_mini();
    let text = std::fs::read_to_string(lib.join("plans/beta.ron"))
        .unwrap()
        .replace("id: \"beta\"", "id: \"alpha\"");
    std::fs::write(lib.join("plans/beta.ron"), text).unwrap();
    let r = env.run(&["check", lib.to_str().unwrap()]);
    assert_eq!(r.code, 1);
    let first = lib.join("plans/alpha.ron").display().to_string();
    let want = format!(
        "{}:2:9: error: duplicate plan id `alpha`: it is first used at {first}:2",
        lib.join("plans/beta.ron").display()
    );
    assert!(r.stderr.lines().any(|l| l == want), "{}", r.stderr);
}

#[test]
fn warnings_for_stale_plans_and_services_without_plans() {
    let (code, err) = check_fixture("stale.ron");
    assert_eq!(code, 0, "warnings alone do not fail the check");
    expect(
        &err,
        "stale.ron",
        "4:20",
        "warning",
        "plan `stale` is overdue for review: last reviewed 2024-01-10, due 2024-07-10",
    );
    expect(
        &err,
        "stale.ron",
        "6:18",
        "warning",
        "plan `stale` is overdue for a test: last tested 2023-05-01, due 2024-05-01",
    );

    let env = Env::new();
    let lib = env.copy_mini();
    std::fs::remove_file(lib.join("plans/beta.ron")).unwrap();
    let r = env.run(&["check", lib.to_str().unwrap()]);
    assert_eq!(r.code, 1);
    let idx = lib.join("index.ron").display().to_string();
    let want =
        format!("{idx}:25:103: error: service `web` refers to plan `beta`, which does not exist");
    assert!(r.stderr.lines().any(|l| l == want), "{}", r.stderr);
}

#[test]
fn a_service_with_an_rto_and_no_plan_is_a_warning() {
    let env = Env::new();
    let lib = env.copy_mini();
    let idx = lib.join("index.ron");
    let text = std::fs::read_to_string(&idx).unwrap().replace("Service(id: \"web\", name: \"Web shop\", vbfs: [\"orders\"], rto: \"4h\", depends_on: [\"db\"], plans: [\"beta\"]),", "Service(id: \"web\", name: \"Web shop\", vbfs: [\"orders\"], rto: \"4h\", depends_on: [\"db\"]),\n        Service(id: \"mail\", name: \"Mail\", rto: \"1d\"),");
    std::fs::write(&idx, text).unwrap();
    let r = env.run(&["check", lib.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let want = format!(
        "{}:26:48: warning: service `mail` has an RTO of 1d but no plan restores it: write one, or list it in a plan's `services`",
        idx.display()
    );
    assert!(r.stderr.lines().any(|l| l == want), "{}", r.stderr);
    assert!(
        !r.stderr.contains("service `web` has an RTO"),
        "web is covered by plan beta's `services`: {}",
        r.stderr
    );
}

#[test]
fn reports_every_problem_of_a_library_not_only_the_first() {
    let env = Env::new();
    let lib = env.copy_mini();
    for f in [
        "syntax.ron",
        "missing-step.ron",
        "cycle.ron",
        "decision.ron",
    ] {
        std::fs::copy(fixtures().join("bad").join(f), lib.join("plans").join(f)).unwrap();
    }
    let r = env.run(&["check", lib.to_str().unwrap()]);
    assert_eq!(r.code, 1);
    assert!(r.stdout.contains("6 error(s)"), "{}", r.stdout);
}

#[test]
fn a_plan_file_that_cannot_be_read_is_named_not_lost() {
    let env = Env::new();
    let lib = env.copy_mini();
    std::fs::write(
        lib.join("plans/alpha.ron"),
        "Plan(\n    id: \"alpha\"\n    title: \"x\",\n)",
    )
    .unwrap();
    let r = env.run(&["check", lib.to_str().unwrap()]);
    assert_eq!(r.code, 1);
    assert!(
        r.stdout.contains("1 error(s)"),
        "no follow-on errors for references to the plan: {}\n{}",
        r.stdout,
        r.stderr
    );
    let r = env.run(&["--library", lib.to_str().unwrap(), "show", "alpha"]);
    assert_eq!(r.code, 1);
    let want = format!(
        "the file of plan `alpha`, {}, has errors and could not be read: run `muster check` to see them",
        lib.join("plans/alpha.ron").display()
    );
    assert!(r.stderr.contains(&want), "{}", r.stderr);
}

#[test]
fn notify_names_roles_or_people_and_a_person_may_be_a_team_with_several_addresses() {
    let env = Env::new();
    let lib = env.copy_mini();
    let plan = lib.join("plans/alpha.ron");
    let s = std::fs::read_to_string(&plan).unwrap();
    std::fs::write(
        &plan,
        s.replacen(
            r#"Step(id: "tell", title: "Tell the business", role: "lead""#,
            r#"Step(id: "tell", title: "Tell the business", role: "lead", notify: ["dba", "cat", "nobody"]"#,
            1,
        ),
    )
    .unwrap();
    let ix = lib.join("index.ron");
    let s = std::fs::read_to_string(&ix).unwrap();
    std::fs::write(
        &ix,
        s.replacen(
            r#"Person(id: "cat", name: "Cat Chen","#,
            r#"Person(id: "cat", name: "Cat Chen", kind: Team, email: ["a@test.example", "b@test.example"],"#,
            1,
        ),
    )
    .unwrap();
    let r = env.run(&["--library", lib.to_str().unwrap(), "check"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("step `tell` refers to role or person `nobody`, which does not exist"),
        "{}",
        r.stderr
    );
    assert_eq!(r.stderr.matches("error:").count(), 1, "{}", r.stderr);
    let r = env
        .run(&["--library", lib.to_str().unwrap(), "index", "cat"])
        .ok();
    assert!(
        r.stdout.contains("a@test.example, b@test.example"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("team"), "{}", r.stdout);
}

/// A library of one index and one plan (for `app`), written into the test's folder.
fn bia_library(env: &Env, index: &str) -> (std::path::PathBuf, String) {
    let dir = env.dir.path().join("bia");
    std::fs::create_dir_all(dir.join("plans")).unwrap();
    std::fs::write(dir.join("index.ron"), index).unwrap();
    std::fs::write(
        dir.join("plans/p.ron"),
        "Plan(id: \"p\", title: \"P\", services: [\"app\", \"db\", \"dns\", \"auth\"], steps: [Step(id: \"a\", title: \"A\")])",
    )
    .unwrap();
    let file = dir.join("index.ron").display().to_string();
    (dir, file)
}

fn pos(text: &str, needle: &str, nth: usize) -> String {
    line_col(text, needle, nth)
}

fn check_bia(index: &str) -> (i32, String, String) {
    let env = Env::new();
    let (dir, file) = bia_library(&env, index);
    let r = env.run(&["check", dir.to_str().unwrap()]);
    (r.code, r.stderr, file)
}

fn has(stderr: &str, want: &str) {
    assert!(
        stderr.lines().any(|l| l == want),
        "missing line\n  {want}\nin stderr:\n{stderr}"
    );
}

#[test]
fn a_service_whose_rto_is_longer_than_its_functions_is_an_error_at_its_rto() {
    let index = r#"Index(
    organisation: (name: "T"),
    vital_business_functions: [Vbf(id: "sell", name: "Selling", rto: "4h")],
    services: [Service(id: "app", name: "App", vbfs: ["sell"], rto: "8h")],
)"#;
    let (code, err, file) = check_bia(index);
    assert_eq!(code, 1, "{err}");
    has(
        &err,
        &format!(
            "{file}:{}: error: service `app` has an RTO of 8h, longer than the RTO of 4h of vital business function `sell` it supports ({file}:{}): it would be back too late for it; shorten the service's RTO, or take `sell` out of its `vbfs`",
            pos(index, "\"8h\"", 0),
            pos(index, "\"4h\"", 0)
        ),
    );
}

#[test]
fn a_service_depending_on_one_with_a_longer_rto_is_an_error_with_the_chain() {
    // app (2h) needs db (8h) directly, and auth (1h) needs it through svc, which has no RTO
    let index = r#"Index(
    organisation: (name: "T"),
    services: [
        Service(id: "app", name: "App", rto: "2h", depends_on: ["db"]),
        Service(id: "auth", name: "Auth", rto: "1h", depends_on: ["svc"]),
        Service(id: "svc", name: "Middle", depends_on: ["db"], plans: ["p"]),
        Service(id: "db", name: "DB", rto: "8h"),
    ],
)"#;
    let (code, err, file) = check_bia(index);
    assert_eq!(code, 1, "{err}");
    let db = pos(index, "\"8h\"", 0);
    has(
        &err,
        &format!(
            "{file}:{}: error: service `app` (RTO 2h) depends on `db` (RTO 8h, {file}:{db}), which cannot be back before it: `app` -> `db`; shorten the RTO of `db`, or lengthen that of `app`",
            pos(index, "\"db\"", 0)
        ),
    );
    has(
        &err,
        &format!(
            "{file}:{}: error: service `auth` (RTO 1h) depends on `db` (RTO 8h, {file}:{db}), which cannot be back before it: `auth` -> `svc` -> `db`; shorten the RTO of `db`, or lengthen that of `auth`",
            pos(index, "\"svc\"", 0)
        ),
    );
}

#[test]
fn a_dependency_cycle_between_services_is_an_error_naming_the_circle() {
    let index = r#"Index(
    organisation: (name: "T"),
    services: [
        Service(id: "app", name: "App", depends_on: ["db"]),
        Service(id: "db", name: "DB", depends_on: ["dns"]),
        Service(id: "dns", name: "DNS", depends_on: ["app"]),
    ],
)"#;
    let (code, err, file) = check_bia(index);
    assert_eq!(code, 1, "{err}");
    has(
        &err,
        &format!(
            "{file}:{}: error: services depend on each other in a circle: `app` -> `db` -> `dns` -> `app`",
            pos(index, "\"db\"", 0)
        ),
    );
}

#[test]
fn an_rto_over_the_mtpd_and_a_function_nothing_supports() {
    let index = r#"Index(
    organisation: (name: "T"),
    vital_business_functions: [
        Vbf(id: "sell", name: "Selling", rto: "2d", mtpd: "1d",
            impact_over_time: [("4h", High), ("1h", Low), ("1d", Medium)]),
        Vbf(id: "pay", name: "Payroll", rto: "3d", priority: 0),
    ],
    services: [
        Service(id: "app", name: "App", vbfs: ["sell"]),
        Service(id: "mail", name: "Mail"),
    ],
)"#;
    let (code, err, file) = check_bia(index);
    assert_eq!(code, 1, "{err}");
    has(
        &err,
        &format!(
            "{file}:{}: error: the RTO of vital business function `sell` (2d) is longer than its MTPD (1d, {file}:{}): the business would be lost before the function is back; shorten the RTO or check the MTPD",
            pos(index, "\"2d\"", 0),
            pos(index, "\"1d\"", 0)
        ),
    );
    has(
        &err,
        &format!(
            "{file}:{}: error: the impact over time of `sell` goes back in time: 1h comes after 4h; list the points in the order of time",
            pos(index, "\"1h\"", 0)
        ),
    );
    has(
        &err,
        &format!(
            "{file}:{}: error: expected a priority from 1 (recovered first) to 1000, found 0",
            pos(index, "0)", 0)
        ),
    );
    has(
        &err,
        &format!(
            "{file}:{}: warning: vital business function `pay` has no service supporting it: list it in the `vbfs` of the services it needs, so impact, order and the report can see it",
            pos(index, "\"pay\"", 0)
        ),
    );
    has(
        &err,
        &format!(
            "{file}:{}: warning: service `mail` has no plan that restores it: write one, or list it in a plan's `services`",
            pos(index, "\"mail\"", 0)
        ),
    );
}
