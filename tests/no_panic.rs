//! No input makes muster panic: the same entry points as the fuzz targets (`fuzz/`), driven by a
//! bounded, deterministic property test so that a regression fails CI. The library loader with
//! its diagnostics; the journal reader, the fold and every export; the TUI's update and drawing
//! over random keys, pastes and sizes.

mod common;
use chrono::{TimeZone, Utc};
use muster::domain::{InputFile, Library};
use muster::export::{self, Format};
use muster::present::Zone;
use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed};
use std::sync::Arc;

fn config(cases: u32) -> Config {
    Config {
        cases,
        rng_seed: RngSeed::Fixed(20261202),
        failure_persistence: None,
        ..Config::default()
    }
}

fn mini_files() -> Vec<InputFile> {
    let root = common::mini();
    let mut out = Vec::new();
    for rel in ["index.ron", "plans/alpha.ron", "plans/beta.ron"] {
        if let Ok(bytes) = std::fs::read(root.join(rel)) {
            out.push(InputFile {
                rel: rel.into(),
                shown: rel.into(),
                bytes,
            });
        }
    }
    for e in std::fs::read_dir(root.join("scenarios")).unwrap() {
        let p = e.unwrap().path();
        out.push(InputFile {
            rel: format!("scenarios/{}", p.file_name().unwrap().to_string_lossy()),
            shown: p.display().to_string(),
            bytes: std::fs::read(&p).unwrap(),
        });
    }
    out
}

/// Bytes that break parsers: quotes, escapes, brackets, commas, multi-byte and control
/// characters, huge numbers.
fn nasty() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        Just(b"\"".to_vec()),
        Just(b"\\".to_vec()),
        Just("\\é".as_bytes().to_vec()),
        Just(b"\\u{110000}".to_vec()),
        Just(b"(".to_vec()),
        Just(b")".to_vec()),
        Just(b"[".to_vec()),
        Just(b"]".to_vec()),
        Just(b",".to_vec()),
        Just(b":".to_vec()),
        Just(b"/*".to_vec()),
        Just(b"r#\"".to_vec()),
        Just(b"99999999999999999999".to_vec()),
        Just(b"-9223372036854775808".to_vec()),
        Just("\u{1b}]0;x\u{7}\u{202e}\u{9b}".as_bytes().to_vec()),
        Just(vec![0xff, 0xfe, 0x00]),
        Just("é漢字😀".as_bytes().to_vec()),
        proptest::collection::vec(any::<u8>(), 0..8),
    ]
}

/// Edits at random places: insertions, deletions and cuts.
fn mutate(mut bytes: Vec<u8>, edits: &[(usize, u8, Vec<u8>)]) -> Vec<u8> {
    for (at, op, ins) in edits {
        let at = if bytes.is_empty() {
            0
        } else {
            at % (bytes.len() + 1)
        };
        match op % 3 {
            0 => {
                bytes.splice(at..at, ins.iter().copied());
            }
            1 => {
                let end = (at + ins.len().max(1)).min(bytes.len());
                bytes.drain(at..end);
            }
            _ => bytes.truncate(at),
        }
    }
    bytes
}

fn edits() -> impl Strategy<Value = Vec<(usize, u8, Vec<u8>)>> {
    proptest::collection::vec((any::<usize>(), any::<u8>(), nasty()), 1..6)
}

#[test]
fn the_library_loader_and_its_diagnostics_never_panic() {
    let files = mini_files();
    let today = Utc
        .with_ymd_and_hms(2026, 11, 21, 0, 0, 0)
        .unwrap()
        .date_naive();
    proptest!(config(1500), |(which in 0usize..16, edits in edits())| {
        let mut fs = files.clone();
        let i = which % fs.len();
        fs[i].bytes = mutate(std::mem::take(&mut fs[i].bytes), &edits);
        let lib = Library::load("fuzz", false, fs, today);
        for d in &lib.diagnostics {
            let _ = d.to_string();
        }
    });
}

/// A real journal of the mini library: its lines, as written.
fn journal_lines() -> (common::Env, String, Vec<String>) {
    let env = common::Env::new();
    // an exercise: its events carry exercise times, observations and injects to mangle too
    let id = env.start(&["--exercise", "drill", "--facilitator", "tester"]);
    let lib = common::mini();
    let l = lib.to_str().unwrap();
    for args in [
        vec!["step", &id, "check", "start"],
        vec![
            "observe",
            &id,
            "--kind",
            "defect",
            "--step",
            "check",
            "wrong host",
        ],
        vec!["observation", "correct", &id, "O1", "the wrong host"],
        vec!["inject", &id, "press"],
        vec!["step", &id, "check", "note", "--note", "lag 3 s"],
        vec!["decide", &id, "check", "yes", "--note", "in sync"],
        vec!["step", &id, "promote", "done"],
        vec!["close", &id],
        vec![
            "action",
            "add",
            &id,
            "fix it",
            "--owner",
            "bo",
            "--due",
            "2027-01-31",
        ],
        vec!["action", "close", &id, "A1", "--note", "done"],
    ] {
        let mut a = vec!["--library", l];
        a.extend(args);
        env.run(&a).ok();
    }
    let path = env.session_dir(&id).join("journal-w1.jsonl");
    let lines = std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(String::from)
        .collect();
    (env, id, lines)
}

/// JSON values that break a reader: extremes, wrong types, hostile text.
fn hostile_value() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("-9223372036854775808".to_string()),
        Just("9223372036854775807".to_string()),
        Just("18446744073709551615".to_string()),
        Just("4294967295".to_string()),
        Just("1e308".to_string()),
        Just("null".to_string()),
        Just("[]".to_string()),
        Just("{}".to_string()),
        Just("\"\"".to_string()),
        Just("\"é漢\"".to_string()),
        Just("\"\\u001b]52;c;eA==\\u0007\\u202e\"".to_string()),
        Just("\"9999-12-31T23:59:59.999Z\"".to_string()),
        Just("\"0001-01-01T00:00:00Z\"".to_string()),
        Just("\"2026-13-45T99:00:00Z\"".to_string()),
        "[a-z]{0,12}".prop_map(|s| format!("\"{s}\"")),
    ]
}

#[test]
fn the_journal_reader_the_fold_and_every_export_never_panic() {
    let (env, id, lines) = journal_lines();
    let lib = Arc::new(
        muster::library::load(
            &muster::library::Location::Dir(common::mini()),
            Utc.with_ymd_and_hms(2026, 11, 21, 0, 0, 0)
                .unwrap()
                .date_naive(),
        )
        .unwrap(),
    );
    let dir = env.session_dir(&id);
    let path = dir.join("journal-w1.jsonl");
    let fields = [
        "seq",
        "at",
        "actor",
        "writer",
        "kind",
        "by_ms",
        "speed",
        "hash",
        "plan",
        "step",
        "ex_ms",
        "option",
        "next",
        "saw",
        "prev",
        "plans",
        "declared_at",
        "inject",
        "rating",
        "action",
        "due",
        "status",
        "of",
        "facilitators",
        "owner",
        "observation",
        "objective",
        "text",
    ];
    let now = Utc.with_ymd_and_hms(2026, 11, 21, 5, 0, 0).unwrap();
    proptest!(config(300), |(line in 0usize..64, field in 0usize..64, value in hostile_value(), cut in proptest::option::of(any::<usize>()))| {
        let mut ls = lines.clone();
        let i = line % ls.len();
        let f = fields[field % fields.len()];
        // the field replaced (or added) with a hostile value, the checksum left as it was
        let mut v: serde_json::Map<String, serde_json::Value> =
            serde_json::from_str(&ls[i]).unwrap();
        match serde_json::from_str::<serde_json::Value>(&value) {
            Ok(x) => { v.insert(f.to_string(), x); }
            Err(_) => { v.insert(f.to_string(), serde_json::Value::String(value.clone())); }
        }
        ls[i] = serde_json::to_string(&v).unwrap();
        let mut text = ls.join("\n") + "\n";
        if let Some(c) = cut {
            let c = c % text.len();
            let c = (c..=text.len()).find(|&k| text.is_char_boundary(k)).unwrap_or(text.len());
            text.truncate(c);
        }
        std::fs::write(&path, &text).unwrap();
        let _ = std::fs::remove_file(dir.join(muster::journal::checkpoint::NAME));
        if let Ok(o) = muster::journal::store::open(&env.home(), &*lib, &id, &"w1".into()) {
            let _ = o.integrity();
            let input = export::Input { session: &o.session, index: &lib.index, now, zone: Zone::Utc, large: false, outputs: &Default::default(), changes: Vec::new() };
            for format in Format::ALL {
                let mut events = muster::journal::stream::JournalEvents::new(&dir);
                let _ = export::render(&input, format, &mut events);
            }
            let _ = muster::domain::session::rto::rto_outcomes(&o.session, &lib.index, now);
        }
        let _ = muster::journal::verify::verify(&dir, &id.as_str().into(), None, now);
    });
}

#[test]
fn the_tui_never_panics_over_random_keys_pastes_and_sizes() {
    use muster::tui::app::App;
    use muster::tui::memstore::MemStore;
    use muster::tui::msg::Msg;
    use muster::tui::runtime::dispatch;
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;
    use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    let lib = Arc::new(
        muster::library::load(
            &muster::library::Location::Dir(common::mini()),
            Utc.with_ymd_and_hms(2026, 11, 21, 0, 0, 0)
                .unwrap()
                .date_naive(),
        )
        .unwrap(),
    );
    let t0 = Utc.with_ymd_and_hms(2026, 11, 21, 2, 30, 0).unwrap();
    #[derive(Debug, Clone)]
    enum In {
        Key(KeyEvent),
        Paste(String),
        Resize(u16, u16),
        Tick(i64),
    }
    let k = |c: KeyCode| In::Key(KeyEvent::from(c));
    let key = prop_oneof![
        proptest::char::range(' ', '~').prop_map(|c| In::Key(KeyEvent::from(KeyCode::Char(c)))),
        Just(k(KeyCode::Enter)),
        Just(k(KeyCode::Esc)),
        Just(k(KeyCode::Tab)),
        Just(k(KeyCode::Backspace)),
        Just(k(KeyCode::Up)),
        Just(k(KeyCode::Down)),
        Just(k(KeyCode::Left)),
        Just(k(KeyCode::Right)),
        Just(k(KeyCode::PageDown)),
        Just(In::Key(KeyEvent::new(
            KeyCode::Char('d'),
            KeyModifiers::CONTROL
        ))),
        Just(In::Paste("line one\nq\nd".into())),
        Just(In::Paste("\u{1b}[31m\u{202e}é漢字😀\t\r\n".into())),
        (1u16..200, 1u16..60).prop_map(|(w, h)| In::Resize(w, h)),
        (0i64..100_000).prop_map(In::Tick),
    ];
    proptest!(config(300), |(msgs in proptest::collection::vec(key, 1..80))| {
        let mut app = App::new(
            Arc::clone(&lib),
            "tester".into(),
            None,
            t0,
            muster::tui::theme::Theme::new(true),
            Zone::Utc,
        );
        let mut store = MemStore::new(Arc::clone(&lib), "w1");
        let mut term = Terminal::new(TestBackend::new(80, 24)).unwrap();
        dispatch(&mut app, &mut store, Msg::Resize(80, 24));
        for m in msgs {
            let m = match m {
                In::Key(k) => Msg::Key(k),
                In::Paste(s) => Msg::Paste(s),
                In::Resize(w, h) => {
                    term.backend_mut().resize(w, h);
                    Msg::Resize(w, h)
                }
                In::Tick(s) => Msg::Tick(t0 + chrono::Duration::seconds(s)),
            };
            dispatch(&mut app, &mut store, m);
            term.draw(|f| muster::tui::view::render(&app, f)).unwrap();
            if app.quit {
                break;
            }
        }
    });
}

/// Whatever Markdown it is given, `muster import` neither panics nor writes a draft that
/// `muster check` rejects: the realistic runbooks of tests/fixtures/import, cut and spliced.
#[test]
fn the_importer_never_panics_and_its_drafts_always_check() {
    let dir = common::fixtures().join("import");
    let mut docs: Vec<Vec<u8>> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "md"))
        .map(|p| std::fs::read(p).unwrap())
        .collect();
    docs.sort();
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 21).unwrap();
    proptest!(config(std::env::var("MUSTER_IMPORT_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(500)), |(which in 0usize..64, edits in edits())| {
        let bytes = mutate(docs[which % docs.len()].clone(), &edits);
        let src = muster::import::Source {
            shown: "fuzzed.md".into(),
            stem: "fuzzed".into(),
            text: String::from_utf8_lossy(&bytes).into_owned(),
        };
        let got = muster::import::import(&[src]);
        let files = got
            .files
            .into_iter()
            .map(|(rel, text)| InputFile { shown: rel.clone(), rel, bytes: text.into_bytes() })
            .collect();
        let lib = Library::load("draft", false, files, today);
        let errors: Vec<String> = lib
            .diagnostics
            .iter()
            .filter(|d| d.is_error())
            .map(|d| d.to_string())
            .collect();
        prop_assert!(errors.is_empty(), "{}", errors.join("\n"));
    });
}

#[test]
fn exercise_times_at_the_ends_of_the_range_do_not_overflow() {
    let (env, id, lines) = journal_lines();
    let lib = Arc::new(
        muster::library::load(
            &muster::library::Location::Dir(common::mini()),
            Utc.with_ymd_and_hms(2026, 11, 21, 0, 0, 0)
                .unwrap()
                .date_naive(),
        )
        .unwrap(),
    );
    let dir = env.session_dir(&id);
    let now = Utc.with_ymd_and_hms(2026, 11, 21, 5, 0, 0).unwrap();
    for (a, b) in [
        (i64::MIN, i64::MAX),
        (i64::MAX, i64::MIN),
        (i64::MIN, i64::MIN),
    ] {
        // every other event at one end, the rest at the other: a start at MIN, a done at MAX
        let text: String = lines
            .iter()
            .enumerate()
            .map(|(i, l)| {
                let mut v: serde_json::Map<String, serde_json::Value> =
                    serde_json::from_str(l).unwrap();
                v.insert("ex_ms".into(), (if i % 2 == 0 { a } else { b }).into());
                serde_json::to_string(&v).unwrap() + "\n"
            })
            .collect();
        std::fs::write(dir.join("journal-w1.jsonl"), &text).unwrap();
        let _ = std::fs::remove_file(dir.join(muster::journal::checkpoint::NAME));
        let o = muster::journal::store::open(&env.home(), &*lib, &id, &"w1".into()).unwrap();
        let input = export::Input {
            session: &o.session,
            index: &lib.index,
            now,
            zone: Zone::Utc,
            large: false,
            outputs: &Default::default(),
            changes: Vec::new(),
        };
        for format in Format::ALL {
            let mut events = muster::journal::stream::JournalEvents::new(&dir);
            let _ = export::render(&input, format, &mut events);
        }
        let _ = muster::domain::session::rto::rto_outcomes(&o.session, &lib.index, now);
    }
}
