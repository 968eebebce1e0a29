//! `muster import`: realistic Markdown runbooks (tests/fixtures/import/) drafted into a library
//! that `muster check` accepts, with nothing of the source lost, and golden files of the drafts.
//! `UPDATE_GOLDEN=1 cargo test --test import` rewrites tests/golden/import/ after a deliberate
//! change: read the diff.

mod common;
use common::*;
use std::path::{Path, PathBuf};

fn sources() -> Vec<PathBuf> {
    let dir = fixtures().join("import");
    let mut v: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "md") && !p.ends_with("README.md"))
        .collect();
    v.sort();
    assert!(v.len() >= 12, "{} runbooks in {}", v.len(), dir.display());
    v
}

/// Imports every runbook into one library; returns its folder and the report.
fn import_all(env: &Env) -> (PathBuf, String) {
    let out = env.dir.path().join("drafts");
    let mut args: Vec<String> = vec!["import".into()];
    // relative paths, so the report and the drafts do not depend on where the repository is
    for s in sources() {
        args.push(format!(
            "tests/fixtures/import/{}",
            s.file_name().unwrap().to_string_lossy()
        ));
    }
    args.extend(["-o".into(), out.display().to_string(), "--report".into()]);
    let a: Vec<&str> = args.iter().map(String::as_str).collect();
    let o = env
        .cmd(&a)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("drafted"), "{stderr}");
    (out, String::from_utf8_lossy(&o.stdout).into_owned())
}

#[test]
fn every_draft_passes_check_and_every_guess_is_a_warning_check_shows() {
    let env = Env::new();
    let (out, _) = import_all(&env);
    let r = env.run(&["check", out.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains("0 error(s)") || r.stdout.contains("0 error(s)"),
        "{}{}",
        r.stdout,
        r.stderr
    );
    for want in [
        "is this a decision?",
        "deadline guessed from \"within 15 minutes",
        "placeholders became parameters, asked when the plan joins a session: `<instance name>` as `{{instance-name}}`",
        "mixes commands (`$ ...`) and their output",
        "is the table in this step a decision?",
        "recurrence guessed from",
        "estimate guessed from",
    ] {
        assert!(
            r.stderr.contains(want),
            "no warning `{want}`:\n{}",
            r.stderr
        );
    }
    let r = env
        .run(&["--library", out.to_str().unwrap(), "list", "--json"])
        .ok();
    let plans: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(plans.as_array().unwrap().len(), sources().len());
}

/// Words of a Markdown source: runs of letters and digits (CJK characters one by one).
fn words(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut w = String::new();
    for c in s.chars() {
        let cjk = ('\u{3040}'..='\u{30ff}').contains(&c) || ('\u{4e00}'..='\u{9fff}').contains(&c);
        if c.is_alphanumeric() && !cjk {
            w.push(c);
        } else {
            if !w.is_empty() {
                out.push(std::mem::take(&mut w));
            }
            if cjk {
                out.push(c.to_string());
            }
        }
    }
    if !w.is_empty() {
        out.push(w);
    }
    out
}

/// Every string in a JSON value, each on its own line.
fn strings(v: &serde_json::Value, out: &mut String) {
    match v {
        serde_json::Value::String(s) => {
            out.push_str(s);
            out.push('\n');
        }
        serde_json::Value::Array(a) => a.iter().for_each(|x| strings(x, out)),
        serde_json::Value::Object(o) => o.values().for_each(|x| strings(x, out)),
        _ => {}
    }
}

#[test]
fn nothing_of_the_source_is_lost() {
    let env = Env::new();
    let (out, _) = import_all(&env);
    // what muster reads back from the drafts, not the RON text: the words survive parsing too
    let mut text = String::new();
    for id in std::fs::read_dir(out.join("plans")).unwrap() {
        let id = id.unwrap().path();
        let stem = id.file_stem().unwrap().to_string_lossy().into_owned();
        let r = env
            .run(&["--library", out.to_str().unwrap(), "show", &stem, "--json"])
            .ok();
        strings(&serde_json::from_str(&r.stdout).unwrap(), &mut text);
    }
    let r = env
        .run(&["--library", out.to_str().unwrap(), "index", "--json"])
        .ok();
    strings(&serde_json::from_str(&r.stdout).unwrap(), &mut text);
    let have: std::collections::HashSet<String> = words(&text).into_iter().collect();
    for src in sources() {
        let md = std::fs::read_to_string(&src).unwrap();
        let missing: Vec<String> = words(&md)
            .into_iter()
            .filter(|w| !have.contains(w))
            .collect();
        assert!(
            missing.is_empty(),
            "{}: {} word(s) of the source are in no plan: {:?}",
            src.display(),
            missing.len(),
            &missing[..missing.len().min(20)]
        );
    }
}

#[test]
fn the_report_says_where_every_heading_went() {
    let env = Env::new();
    let (_, report) = import_all(&env);
    for src in sources() {
        let md = std::fs::read_to_string(&src).unwrap().replace("\r\n", "\n");
        let name = src.file_name().unwrap().to_string_lossy().into_owned();
        let (mut in_fence, mut in_comment) = (false, false);
        for (i, line) in md.lines().enumerate() {
            if line.trim_start().starts_with("```") || line.trim_start().starts_with("~~~") {
                in_fence = !in_fence;
            }
            // a heading inside an HTML comment is not a heading
            if line.contains("<!--") && !line.contains("-->") {
                in_comment = true;
            } else if line.contains("-->") {
                in_comment = false;
            }
            if in_fence || in_comment || !line.starts_with('#') || !line.contains("# ") {
                continue;
            }
            let at = format!("{name}:{}: ", i + 1);
            assert!(
                report
                    .lines()
                    .any(|l| l.contains(&at) && l.contains(" -> ")),
                "{at}{line} is not in the report:\n{report}"
            );
        }
    }
}

#[test]
fn drafts_match_their_golden_files() {
    let env = Env::new();
    let (out, report) = import_all(&env);
    let golden = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/import");
    let mut files = vec![("index.ron".to_string(), out.join("index.ron"))];
    for e in std::fs::read_dir(out.join("plans")).unwrap() {
        let p = e.unwrap().path();
        files.push((p.file_name().unwrap().to_string_lossy().into_owned(), p));
    }
    files.sort();
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    if update {
        std::fs::create_dir_all(&golden).unwrap();
        std::fs::write(golden.join("report.txt"), &report).unwrap();
    }
    assert_eq!(
        std::fs::read_to_string(golden.join("report.txt")).unwrap_or_default(),
        report
    );
    for (name, p) in files {
        let got = std::fs::read_to_string(&p).unwrap();
        if update {
            std::fs::write(golden.join(&name), &got).unwrap();
            continue;
        }
        let want = std::fs::read_to_string(golden.join(&name))
            .unwrap_or_else(|_| panic!("no golden file for {name}: run with UPDATE_GOLDEN=1"));
        if want != got {
            let line = want
                .lines()
                .zip(got.lines())
                .position(|(a, b)| a != b)
                .unwrap_or(0);
            panic!(
                "{name} differs from its golden file at line {}:\n  want: {}\n  got:  {}",
                line + 1,
                want.lines().nth(line).unwrap_or(""),
                got.lines().nth(line).unwrap_or("")
            );
        }
    }
}

#[test]
fn import_refuses_to_overwrite_and_names_a_file_it_cannot_read() {
    let env = Env::new();
    let md = env.dir.path().join("a.md");
    std::fs::write(&md, "# A\n\n1. Do it\n").unwrap();
    env.run(&["import", md.to_str().unwrap(), "-o", "out"]).ok();
    let r = env.run(&["import", md.to_str().unwrap(), "-o", "out"]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("already there"), "{}", r.stderr);
    let r = env.run(&["import", "missing.md", "-o", "out2"]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("missing.md"), "{}", r.stderr);
    std::fs::write(env.dir.path().join("latin1.md"), b"# Caf\xe9\n").unwrap();
    let r = env.run(&["import", "latin1.md", "-o", "out3"]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("not UTF-8"), "{}", r.stderr);
    assert!(!env.dir.path().join("out3").exists(), "nothing written");
}

#[test]
fn a_bia_table_and_a_risk_register_are_drafted_as_guesses_marked_todo() {
    let env = Env::new();
    let out = env.dir.path().join("bia");
    let src = fixtures().join("import/bia-risk-register.md");
    env.run(&["import", src.to_str().unwrap(), "-o", out.to_str().unwrap()])
        .ok();
    let lib = out.to_str().unwrap();
    let r = env.run(&["check", lib]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let ix: serde_json::Value =
        serde_json::from_str(&env.run(&["--library", lib, "index", "--json"]).ok().stdout).unwrap();
    let vbfs = ix["vital_business_functions"].as_array().unwrap();
    assert_eq!(vbfs.len(), 4);
    let picking = vbfs
        .iter()
        .find(|v| v["id"] == "order-picking-and-despatch")
        .unwrap();
    assert_eq!(picking["rto"], "4h");
    assert_eq!(picking["mtpd"], "1d");
    assert_eq!(picking["priority"], 1);
    assert_eq!(picking["impact_over_time"][1]["level"], "high");
    assert_eq!(picking["impact_over_time"][1]["after"], "4h");
    assert!(
        picking["todo"][0]
            .as_str()
            .unwrap()
            .contains("bia-risk-register.md:17"),
        "{picking}"
    );
    let services = ix["services"].as_array().unwrap();
    assert_eq!(services[0]["id"], "wms-hosted");
    assert_eq!(services[0]["rpo"], "15m");
    let risks: serde_json::Value =
        serde_json::from_str(&env.run(&["--library", lib, "risks", "--json"]).ok().stdout).unwrap();
    let risks = risks.as_array().unwrap();
    assert_eq!(risks.len(), 4);
    // by score, the likelier first: R4 (4x3), then R1 (3x4)
    assert_eq!(risks[0]["id"], "loss-of-key-staff-during-peak");
    assert_eq!(risks[0]["score"], 12);
    assert_eq!(
        risks[1]["id"],
        "power-outage-at-the-warehouse-longer-than-4-hour"
    );
    assert_eq!(risks[1]["score"], 12);
    assert_eq!(
        risks[1]["mitigations"][1]["what"],
        "generator hire contract"
    );
    assert_eq!(
        risks[1]["mitigations"][2]["what"],
        "Quarterly generator test"
    );
    // each guess is a warning of check until someone settles it
    assert!(r.stderr.contains("TODO (risk `power-outage-at-the-warehouse-longer-than-4-hour`): guessed by `muster import`"), "{}", r.stderr);
    assert!(
        r.stderr.contains("the owner is \"Facilities manager\""),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr
            .contains("TODO (vital business function `order-picking-and-despatch`)"),
        "{}",
        r.stderr
    );
}

#[test]
fn a_checklist_of_emphasised_items_becomes_one_step_per_item_under_each_heading() {
    let env = Env::new();
    let out = env.dir.path().join("lib");
    let src = fixtures().join("import/oncall-checklists.md");
    env.run(&[
        "import",
        src.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ])
    .ok();
    let lib = muster::library::load(
        &muster::library::Location::Dir(out.clone()),
        chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap(),
    )
    .unwrap();
    assert_eq!(lib.errors(), 0, "{:?}", lib.diagnostics);
    let plan = lib.plan("oncall-checklists").expect("the plan");
    let titles: Vec<&str> = plan.steps.iter().map(|s| s.title.as_str()).collect();
    assert_eq!(
        titles,
        [
            "Change Slack Icon",
            "Check the pager app",
            "Read the hand-over note",
            "Join the bridge",
            "Write the hand-over note",
            "Unsilence alerts",
            "Change Slack Icon back",
        ]
    );
    assert_eq!(plan.phases, ["Going on call", "At the end of a shift"]);
    // the rest of the line and the sub-items are the body
    let first = &plan.steps[0];
    let body = first.body.as_deref().unwrap();
    assert!(body.starts_with("Set your Slack status"), "{body}");
    assert!(body.contains(":pager:"), "{body}");
    assert_eq!(first.phase, Some(0));
    assert_eq!(plan.steps[4].phase, Some(1));
}
