//! Exports, paper copies and the continuity report: golden files for a fixed session, read back
//! by real parsers, and text from notes kept harmless in every format.
//! `UPDATE_GOLDEN=1 cargo test --test exports` rewrites the golden files after a deliberate change.

mod common;
use common::*;
use std::path::PathBuf;

/// Run ids and hashes differ from run to run; masks 16- and 64-digit hex words.
fn normalise(s: &str, session: &str) -> String {
    let s = s.replace(session, "SESSION-ID");
    // each run's homes make their own signing keys
    let keys = regex::Regex::new(r#"(key"?:? ?"?)[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}"#)
        .unwrap();
    let s = keys.replace_all(&s, "${1}<key>").into_owned();
    let mut out = String::with_capacity(s.len());
    let bytes: Vec<char> = s.chars().collect();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i].is_ascii_hexdigit() && (i == 0 || !bytes[i - 1].is_ascii_alphanumeric()) {
            let mut j = i;
            while j < bytes.len() && bytes[j].is_ascii_hexdigit() {
                j += 1;
            }
            let word: String = bytes[i..j].iter().collect();
            let bounded = j == bytes.len() || !bytes[j].is_ascii_alphanumeric();
            if bounded
                && (word.len() == 16 || word.len() == 64)
                && word.chars().any(|c| c.is_ascii_alphabetic())
                && word.chars().all(|c| !c.is_ascii_uppercase())
            {
                out.push_str(if word.len() == 16 { "<id>" } else { "<sha256>" });
                i = j;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    out
}

fn golden(name: &str, actual: &str) {
    // the fixture library's place differs from clone to clone
    let actual = &actual.replace(mini().to_str().unwrap(), "tests/fixtures/mini");
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(name);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let want = std::fs::read_to_string(&path).unwrap_or_else(|_| {
        panic!(
            "no golden file {}: run with UPDATE_GOLDEN=1",
            path.display()
        )
    });
    if want != *actual {
        let first = want
            .lines()
            .zip(actual.lines())
            .position(|(a, b)| a != b)
            .unwrap_or(0);
        panic!(
            "{name} differs from its golden file at line {}:\n  want: {}\n  got:  {}",
            first + 1,
            want.lines().nth(first).unwrap_or(""),
            actual.lines().nth(first).unwrap_or("")
        );
    }
}

fn at(env: &Env, min: u32, who: &str, args: &[&str]) -> Run {
    let now = format!("2026-11-21T{:02}:{:02}:00Z", 2 + min / 60, min % 60);
    let lib = mini();
    let mut a = vec!["--library", lib.to_str().unwrap()];
    a.extend_from_slice(args);
    env.run_with(
        &a,
        &[
            ("MUSTER_NOW", &now),
            ("MUSTER_AS", who),
            ("MUSTER_WRITER", &format!("{who}-laptop")),
        ],
    )
}

/// A fixed incident: the database fails over, with notes that try to break every format.
fn incident(env: &Env) -> String {
    let id = at(
        env,
        0,
        "ann",
        &[
            "start",
            "alpha",
            "beta",
            "--title",
            "Orders stopped",
            "--declared-at",
            "2026-11-21T01:50:00Z",
        ],
    )
    .ok()
    .stdout
    .trim()
    .to_string();
    at(env, 2, "cat", &["step", &id, "alpha/check", "start"]).ok();
    at(
        env,
        9,
        "cat",
        &[
            "decide",
            &id,
            "alpha/check",
            "Yes",
            "--note",
            "lag 3 s | within RPO",
        ],
    )
    .ok();
    at(env, 10, "cat", &["step", &id, "promote", "start"]).ok();
    at(
        env,
        14,
        "cat",
        &[
            "step",
            &id,
            "promote",
            "done",
            "--note",
            "<script>alert('x')</script> promoted",
        ],
    )
    .ok();
    at(
        env,
        15,
        "ann",
        &[
            "step",
            &id,
            "tell",
            "done",
            "--note",
            "=HYPERLINK(\"http://x\")",
        ],
    )
    .ok();
    at(
        env,
        16,
        "ben",
        &[
            "step",
            &id,
            "beta/check",
            "block",
            "--note",
            "waiting for the load balancer vendor",
        ],
    )
    .ok();
    at(
        env,
        40,
        "ben",
        &[
            "step",
            &id,
            "beta/check",
            "reopen",
            "--note",
            "vendor called back",
        ],
    )
    .ok();
    at(env, 41, "ben", &["step", &id, "beta/check", "done"]).ok();
    at(
        env,
        45,
        "ben",
        &[
            "step",
            &id,
            "beta/restart",
            "skip",
            "--note",
            "came back by itself\nafter the LB fix",
        ],
    )
    .ok();
    at(
        env,
        50,
        "ann",
        &["handover", &id, "--to", "ben", "--note", "shift change"],
    )
    .ok();
    at(env, 55, "ben", &["close", &id, "--note", "orders flowing"]).ok();
    id
}

fn export(env: &Env, id: &str, format: &str) -> String {
    at(env, 60, "ann", &["export", id, "--format", format])
        .ok()
        .stdout
}

#[test]
fn incident_exports_match_their_golden_files() {
    let env = Env::new();
    let id = incident(&env);
    every_format("incident", &env, &id);
}

/// Every export of a session against its golden files: md, html, json, csv, and large print.
fn every_format(name: &str, env: &Env, id: &str) {
    for f in ["md", "html", "json", "csv"] {
        let mut text = export(env, id, f);
        if f == "json" {
            // compact on disk; pretty in the golden file, so a change reads as a diff
            let v: serde_json::Value = serde_json::from_str(&text).unwrap();
            text = serde_json::to_string_pretty(&v).unwrap() + "\n";
        }
        golden(&format!("{name}.{f}"), &normalise(&text, id));
    }
    let large = at(
        env,
        60,
        "ann",
        &["export", id, "--format", "html", "--large-print"],
    )
    .ok()
    .stdout;
    assert!(large.contains("<html lang=\"en\" class=\"large\">"));
    golden(&format!("{name}-large.html"), &normalise(&large, id));
}

#[test]
fn incident_review_facts() {
    let env = Env::new();
    let id = incident(&env);
    let md = export(&env, &id, "md");
    assert!(
        md.starts_with("_Post-incident review · Orders stopped"),
        "{md}"
    );
    for want in [
        "## Executive summary",
        "> _To be written: what happened, in two or three sentences, and how it was resolved_",
        "| Database (db) | 2h | 2026-11-21 03:50:00 UTC | 2026-11-21 02:15:00 UTC | met, 1 h 35 min to spare |",
        "| Web shop (web) | 4h | 2026-11-21 05:50:00 UTC | 2026-11-21 02:45:00 UTC | met, 3 h 05 min to spare |",
        "| alpha/check | Check the replica | done | cat | 5-10 min | 7 min |",
        "| alpha/restore | Restore from backup | not taken (other branch) |  | 60 min | - |",
        "| beta/restart | Restart the shop | skipped | skip: came back by itself after the LB fix |",
        "| alpha/check | In sync? | Yes | lag 3 s \\| within RPO | cat | 2026-11-21 02:09:00 UTC |",
        "| ann | started the session, 1 step done, 1 hand-over | 2026-11-21 02:00:00 UTC | 2026-11-21 02:50:00 UTC |",
        "| cat | 2 steps started, 1 decision, 1 step done | 2026-11-21 02:02:00 UTC | 2026-11-21 02:14:00 UTC |",
        "Verified, every hash chain, signature and witness intact: 14 events in 3 journal file(s).",
        "| ID | Action | Type or capability | Owner | Due | Status |",
        "- **Declared:** 2026-11-21 01:50:00 UTC (2026-11-21 01:50:00 +00:00)",
    ] {
        assert!(
            md.lines().any(|l| l == want),
            "missing line\n  {want}\nin\n{md}"
        );
    }
    assert!(
        md.contains("&lt;script&gt;alert('x')&lt;/script&gt; promoted"),
        "no raw HTML in Markdown"
    );
    // a skip is a decision, not an action item: nothing is made an action by itself
    assert!(!md.contains("Review step beta/restart"), "{md}");
    // every table row has as many cells as its header
    for block in md.split("\n\n").filter(|b| b.starts_with('|')) {
        let count = |l: &str| l.replace("\\|", "").matches('|').count();
        let head = count(block.lines().next().unwrap());
        assert!(
            block.lines().all(|l| count(l) == head),
            "a broken table:\n{block}"
        );
    }
}

#[test]
fn json_and_csv_read_back() {
    let env = Env::new();
    let id = incident(&env);
    let v: serde_json::Value = serde_json::from_str(&export(&env, &id, "json")).unwrap();
    assert_eq!(v["session"]["id"], id.as_str());
    assert_eq!(v["session"]["mode"], "incident");
    assert_eq!(
        v["events"].as_array().unwrap().len() as u64,
        v["review"]["events"].as_u64().unwrap()
    );
    assert_eq!(v["integrity"]["ok"], true);
    let csv_text = export(&env, &id, "csv");
    let mut r = csv::Reader::from_reader(csv_text.as_bytes());
    let head: Vec<String> = r.headers().unwrap().iter().map(str::to_string).collect();
    assert_eq!(
        head,
        [
            "time_utc",
            "time_local",
            "exercise_time",
            "actor",
            "writer",
            "kind",
            "action",
            "step",
            "subject",
            "text",
            "event_id"
        ]
    );
    let rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), v["events"].as_array().unwrap().len());
    let formula = rows.iter().find(|r| r[9].contains("HYPERLINK")).unwrap();
    assert_eq!(
        &formula[9], "'=HYPERLINK(\"http://x\")",
        "a formula is neutralised"
    );
    assert!(
        rows.iter()
            .all(|r| !r.iter().any(|c| c.starts_with(['=', '+', '@'])))
    );
    let multi = rows.iter().find(|r| r[9].contains("came back")).unwrap();
    assert_eq!(
        &multi[9], "came back by itself\nafter the LB fix",
        "line breaks survive, quoted"
    );
}

#[test]
fn html_holds_no_script_from_a_note_and_is_self_contained() {
    let env = Env::new();
    let id = incident(&env);
    let html = export(&env, &id, "html");
    let doc = scraper::Html::parse_document(&html);
    let scripts = scraper::Selector::parse("script").unwrap();
    assert_eq!(doc.select(&scripts).count(), 0, "no <script> element");
    let cells = scraper::Selector::parse("td").unwrap();
    assert!(
        doc.select(&cells).any(|td| td
            .text()
            .collect::<String>()
            .contains("<script>alert('x')</script> promoted")),
        "the note is shown as text"
    );
    for sel in ["link", "img", "iframe", "object"] {
        assert_eq!(
            doc.select(&scraper::Selector::parse(sel).unwrap()).count(),
            0,
            "{sel}"
        );
    }
    assert!(
        !html.contains("http://") || html.matches("http://").count() == 1,
        "the only URL is the note's text"
    );
    assert!(html.contains("@page { size: A4"));
    assert!(
        html.contains("thead { display: table-header-group; }"),
        "headers repeat on each page"
    );
}

fn exercise(env: &Env) -> String {
    let id = at(
        env,
        0,
        "fiona",
        &["start", "--exercise", "drill", "--facilitator", "fiona"],
    )
    .ok()
    .stdout
    .trim()
    .to_string();
    at(env, 3, "cat", &["step", &id, "check", "start"]).ok();
    at(
        env,
        8,
        "cat",
        &["decide", &id, "check", "2", "--note", "lag 20 min"],
    )
    .ok();
    at(env, 10, "fiona", &["inject", &id]).ok();
    at(env, 12, "fiona", &["inject", &id, "press"]).ok();
    at(
        env,
        13,
        "omar",
        &[
            "observe",
            &id,
            "--kind",
            "strength",
            "--inject",
            "alarm",
            "Alarm acknowledged in 1 minute",
        ],
    )
    .ok();
    at(
        env,
        14,
        "omar",
        &[
            "observe",
            &id,
            "--kind",
            "improvement",
            "--objective",
            "comms",
            "Nobody knew the press officer's number",
        ],
    )
    .ok();
    at(
        env,
        15,
        "omar",
        &[
            "observe",
            &id,
            "--kind",
            "defect",
            "--step",
            "restore",
            "--objective",
            "failover",
            "Restore step names the wrong backup host",
        ],
    )
    .ok();
    // three clock changes in a row: one row of the documents' timeline
    at(env, 16, "fiona", &["clock", &id, "pause"]).ok();
    at(env, 17, "fiona", &["clock", &id, "resume"]).ok();
    at(env, 17, "fiona", &["clock", &id, "speed", "2"]).ok();
    fn a<'a>(args: &[&'a str]) -> Vec<&'a str> {
        let mut v = vec!["action"];
        v.extend_from_slice(args);
        v
    }
    at(
        env,
        18,
        "fiona",
        &a(&[
            "add",
            &id,
            "--from",
            "O2",
            "Put the press officer in the index, with a deputy",
            "--owner",
            "Comms lead",
            "--due",
            "2027-01-31",
            "--capability",
            "Planning",
        ]),
    )
    .ok();
    at(
        env,
        18,
        "fiona",
        &a(&[
            "add",
            &id,
            "--from",
            "O3",
            "--owner",
            "DBA team",
            "--due",
            "2026-12-15",
        ]),
    )
    .ok();
    at(
        env,
        19,
        "fiona",
        &[
            "observation",
            "correct",
            &id,
            "O1",
            "Alarm acknowledged within 1 minute",
            "--objective",
            "failover",
            "--note",
            "exact words",
        ],
    )
    .ok();
    at(
        env,
        20,
        "fiona",
        &[
            "rate",
            &id,
            "failover",
            "M",
            "--note",
            "data loss decision slow",
        ],
    )
    .ok();
    at(env, 20, "fiona", &["rate", &id, "comms", "U"]).ok();
    at(env, 21, "fiona", &["close", &id]).ok();
    // the improvement plan is tracked after the exercise closed
    at(
        env,
        30,
        "fiona",
        &a(&["close", &id, "A2", "--note", "alpha 1.1 names bk02"]),
    )
    .ok();
    id
}

#[test]
fn exercise_exports_say_exercise_everywhere() {
    let env = Env::new();
    let id = exercise(&env);
    every_format("exercise", &env, &id);
    let md = export(&env, &id, "md");
    assert!(md.starts_with("_EXERCISE — NOT A REAL INCIDENT"));
    assert!(md.contains("# EXERCISE — After-action report: Exercise: Database drill"));
    assert!(
        md.contains("### Objective failover: Fail over within the RTO.\n\n- **Capability:** —\n- **Rating:** M — performed with major challenges\n- **Rated by:** fiona: data loss decision slow"),
        "{md}"
    );
    assert!(
        md.contains("- Plan defect. O3: Restore step names the wrong backup host (step alpha/restore) — omar at T+00:15:00 → action A2"),
        "{md}"
    );
    // the improvement plan matrix, from the actions raised
    assert!(
        md.contains("| objective comms | O2: Nobody knew the press officer's number | A1: Put the press officer in the index, with a deputy | Planning | Comms lead | 2026-11-21 | 2027-01-31 | open |"),
        "{md}"
    );
    assert!(
        md.contains("| closed 2026-11-21: alpha 1.1 names bk02 |"),
        "{md}"
    );
    // clock noise folded into one row
    assert!(
        md.contains("exercise clock (3 changes): paused the exercise clock T+00:16:00; resumed the exercise clock T+00:16:00; set the clock speed x2 T+00:16:00"),
        "{md}"
    );
    assert!(!md.contains("| joined |"), "{md}");
    let html = export(&env, &id, "html");
    let doc = scraper::Html::parse_document(&html);
    let title = scraper::Selector::parse("title").unwrap();
    assert!(
        doc.select(&title)
            .next()
            .unwrap()
            .text()
            .collect::<String>()
            .starts_with("EXERCISE")
    );
    // the running header is the head of the frame around the document: a table's head is
    // repeated on every printed page
    let header = scraper::Selector::parse("table.page > thead div.running-header").unwrap();
    assert!(
        doc.select(&header)
            .next()
            .unwrap()
            .text()
            .collect::<String>()
            .starts_with("EXERCISE — NOT A REAL INCIDENT")
    );
    assert!(html.contains("thead { display: table-header-group; }"));
    let csv_text = export(&env, &id, "csv");
    assert!(
        csv_text.lines().nth(1).unwrap().contains(",T+00:00:00,"),
        "exercise time on every row"
    );
}

#[test]
fn paper_copies_and_report() {
    // (sessions are made below; ids are masked in the golden report)
    let env = Env::new();
    let plan = at(&env, 0, "ann", &["print", "alpha"]).ok().stdout;
    golden("print-alpha.md", &plan);
    assert!(
        plan.contains(
            "| ☐ | 1 | Check the replica (check) | Database administrator | 5-10 min |  |  |  |"
        ),
        "{plan}"
    );
    assert!(
        plan.starts_with("_Fail the database over · alpha · version 1.0 · reviewed 2026-10-01")
    );
    let html = at(&env, 0, "ann", &["print", "alpha", "--format", "html"])
        .ok()
        .stdout;
    golden("print-alpha.html", &html);
    assert!(html.contains("<div class=\"running-header\">Fail the database over · alpha · version 1.0 · reviewed 2026-10-01"));
    let index = at(&env, 0, "ann", &["print", "--index"]).ok().stdout;
    golden("print-index.md", &index);
    let index_html = at(&env, 0, "ann", &["print", "--index", "--format", "html"])
        .ok()
        .stdout;
    golden("print-index.html", &index_html);
    let large = at(
        &env,
        0,
        "ann",
        &["print", "alpha", "--format", "html", "--large-print"],
    )
    .ok()
    .stdout;
    golden("print-alpha-large.html", &large);
    assert!(
        large.contains("<section class=\"landscape\">\n<h2>Sign-off sheet</h2>"),
        "large print puts the sign-off sheet on landscape pages"
    );
    assert!(
        index.contains(
            "| Incident lead | 1. Ann Archer +44 7700 900001 2. Ben Brook +44 7700 900002 |"
        ),
        "{index}"
    );
    let inc = incident(&env);
    let ex = exercise(&env);
    let report = at(&env, 70, "ann", &["report"]).ok().stdout;
    golden("report.md", &normalise(&normalise(&report, &inc), &ex));
    let report_html = at(&env, 70, "ann", &["report", "--format", "html"])
        .ok()
        .stdout;
    golden(
        "report.html",
        &normalise(&normalise(&report_html, &inc), &ex),
    );
    assert!(report.lines().any(|l| l == "| Bring the web shop back (beta) | Incident lead | never |  | never |  | never tested |"), "{report}");
    assert!(
        report
            .lines()
            .any(|l| l == "| service: Web shop (web) | 4h | no tested plan | beta |"),
        "{report}"
    );
    assert!(
        report.contains("| A1 | Put the press officer in the index, with a deputy | Comms lead | 2027-01-31 | Planning | Exercise: Database drill ("),
        "{report}"
    );
    assert!(report.lines().any(|l| l == "| Orders stopped | 2026-11-21 01:50:00 UTC | 2026-11-21 02:55:00 UTC | 4/4 | db: met, web: met |"), "{report}");
    let r = at(&env, 70, "ann", &["report", "--format", "pdf"]);
    assert_eq!(r.code, 2);
}

#[test]
fn csv_for_spreadsheets_bom_and_capped_cells() {
    let env = Env::new();
    let s = env.start(&["alpha"]);
    let lib = mini();
    let lib = lib.to_str().unwrap();
    let long = "x".repeat(100_000);
    env.run(&["--library", lib, "note", &s, &long]).ok();
    let plain = env
        .cmd(&["--library", lib, "export", &s, "--format", "csv"])
        .output()
        .unwrap();
    assert!(!plain.stdout.starts_with(b"\xEF\xBB\xBF"));
    let o = env
        .cmd(&["--library", lib, "export", &s, "--format", "csv", "--bom"])
        .output()
        .unwrap();
    assert!(o.status.success());
    assert!(o.stdout.starts_with(b"\xEF\xBB\xBF"), "no byte order mark");
    let text = String::from_utf8(o.stdout[3..].to_vec()).unwrap();
    let mut rd = csv::Reader::from_reader(text.as_bytes());
    let cell = rd
        .records()
        .map(|r| r.unwrap())
        .find_map(|r| r.iter().find(|c| c.starts_with("xxx")).map(String::from))
        .expect("the note's row");
    assert!(
        cell.chars().count() < 32_767,
        "a cell a spreadsheet can hold"
    );
    assert!(
        cell.ends_with("the whole text is in the JSON export and the journal]"),
        "{}",
        &cell[cell.len() - 120..]
    );
    let r = env.run(&["--library", lib, "export", &s, "--format", "md", "--bom"]);
    assert_eq!(r.code, 2);
}

#[test]
fn no_markdown_of_user_text_is_live_in_the_md_export() {
    let env = Env::new();
    // the title goes into the headings and the executive summary
    let s = env.start(&["alpha", "--title", "[t](http://evil.example/t) **T**"]);
    let lib = mini();
    let lib = lib.to_str().unwrap();
    env.run(&[
        "--library",
        lib,
        "note",
        &s,
        "![x](http://evil.example/p.png) [click](javascript:alert(1)) <img src=x> **bold** `code`",
    ])
    .ok();
    let md = env
        .run(&["--library", lib, "export", &s, "--format", "md"])
        .ok()
        .stdout;
    // rendered as Markdown, nothing of the note is an image, a link, HTML or emphasis
    assert!(
        md.contains("evil.example"),
        "the note is in the export: {md}"
    );
    let parser = pulldown_cmark::Parser::new(&md);
    let mut strong = false;
    for ev in parser {
        use pulldown_cmark::{Event, Tag, TagEnd};
        match ev {
            Event::Start(Tag::Image { dest_url, .. })
            | Event::Start(Tag::Link { dest_url, .. }) => {
                assert!(
                    !dest_url.contains("evil") && !dest_url.contains("javascript"),
                    "live link {dest_url} in\n{md}"
                )
            }
            Event::Html(h) | Event::InlineHtml(h) => assert!(!h.contains("img"), "live HTML {h}"),
            Event::Start(Tag::Strong) => strong = true,
            Event::End(TagEnd::Strong) => strong = false,
            Event::Text(t) if strong => {
                assert_ne!(&*t, "bold", "the note's **bold** is live in\n{md}")
            }
            Event::Code(c) => assert_ne!(&*c, "code", "the note's `code` is live in\n{md}"),
            _ => {}
        }
    }
}
