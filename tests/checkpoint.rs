//! The checkpoint is a cache: whatever happens to it, or to the journal under it, a session
//! opens to the same state as a full read of its files. And reading a session bit by bit as it
//! grows folds to the same state as reading it whole.

mod common;

use chrono::{DateTime, Duration, TimeZone, Utc};
use muster::domain::Library;
use muster::domain::command::{self, Command, resolve};
use muster::domain::event::{Body, Event, FORMAT_VERSION};
use muster::domain::ids::{SessionId, WriterId};
use muster::domain::session::Session;
use muster::domain::sha256_hex;
use muster::journal::checkpoint;
use muster::journal::file;
use muster::journal::store::{self, Journal};
use proptest::prelude::*;
use std::io::Write;
use std::path::Path;

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 21, 2, 0, 0).unwrap()
}

fn lib() -> Library {
    muster::library::load(
        &muster::library::Location::Dir(common::mini()),
        t0().date_naive(),
    )
    .unwrap()
}

/// A session on `alpha` with `notes` notes recorded through the store.
fn session(home: &Path, lib: &Library, notes: usize) -> SessionId {
    let start = resolve::start(lib, &["alpha".to_string()], None, None, None).unwrap();
    let checked = command::check(&Command::Start(start), &Session::blank(), "ann", t0()).unwrap();
    let mut o = store::create(home, lib, &WriterId::new("w1"), &checked).unwrap();
    for i in 0..notes {
        let cmd = Command::Step {
            step: muster::domain::ids::StepRef::new("alpha", "check"),
            act: command::StepAct::Note,
            text: Some(format!("note {i}")),
            to: None,
            anyway: false,
        };
        o.submit(&cmd, "ann", t0() + Duration::seconds(i as i64), lib)
            .unwrap();
    }
    o.id().clone()
}

/// The state as a full read of the files gives it, with no checkpoint.
fn full(home: &Path, lib: &Library, id: &SessionId) -> serde_json::Value {
    let mut j = Journal::at(home, id.clone(), WriterId::new("reader"));
    serde_json::to_value(&j.rebuild(lib).unwrap().state).unwrap()
}

fn opened(home: &Path, lib: &Library, id: &SessionId) -> serde_json::Value {
    let o = store::open(home, lib, id.as_str(), &WriterId::new("reader")).unwrap();
    serde_json::to_value(&o.session.state).unwrap()
}

fn ck(home: &Path, id: &SessionId) -> std::path::PathBuf {
    checkpoint::path(&store::sessions_dir(home).join(id.as_str()))
}

#[test]
fn a_checkpoint_is_written_and_opens_to_the_same_state() {
    let dir = tempfile::tempdir().unwrap();
    let lib = lib();
    let id = session(dir.path(), &lib, 600);
    assert!(ck(dir.path(), &id).is_file(), "written after enough events");
    let reference = full(dir.path(), &lib, &id);
    assert_eq!(opened(dir.path(), &lib, &id), reference);
    // and its notes, kept apart, are all there in order
    let o = store::open(dir.path(), &lib, id.as_str(), &WriterId::new("x")).unwrap();
    let c = o
        .session
        .state
        .step(&muster::domain::ids::StepRef::new("alpha", "check"))
        .unwrap();
    assert_eq!(c.notes.len(), 600);
    assert_eq!(c.notes[599].text, "note 599");
}

#[test]
fn a_stale_checkpoint_is_brought_up_to_date() {
    let dir = tempfile::tempdir().unwrap();
    let lib = lib();
    let id = session(dir.path(), &lib, 300);
    let before = std::fs::read(ck(dir.path(), &id)).unwrap();
    // another writer adds events the checkpoint has not seen
    let mut o = store::open(dir.path(), &lib, id.as_str(), &WriterId::new("w2")).unwrap();
    o.submit(
        &Command::SessionNote {
            text: Some("later".into()),
        },
        "bob",
        t0() + Duration::hours(1),
        &lib,
    )
    .unwrap();
    assert_eq!(
        std::fs::read(ck(dir.path(), &id)).unwrap(),
        before,
        "not rewritten for one event"
    );
    assert_eq!(opened(dir.path(), &lib, &id), full(dir.path(), &lib, &id));
}

fn damage_and_compare(damage: impl Fn(&Path, &Path)) {
    let dir = tempfile::tempdir().unwrap();
    let lib = lib();
    let id = session(dir.path(), &lib, 300);
    let sdir = store::sessions_dir(dir.path()).join(id.as_str());
    damage(&ck(dir.path(), &id), &sdir);
    let reference = full(dir.path(), &lib, &id);
    assert_eq!(opened(dir.path(), &lib, &id), reference);
    // and it was rebuilt (or, with too little left to be worth one, removed)
    assert!(checkpoint::load(&sdir, &id, true).is_some() || !checkpoint::path(&sdir).exists());
    assert_eq!(opened(dir.path(), &lib, &id), reference);
}

#[test]
fn a_truncated_checkpoint_is_rebuilt() {
    damage_and_compare(|ck, _| {
        let len = std::fs::metadata(ck).unwrap().len();
        let f = std::fs::OpenOptions::new().write(true).open(ck).unwrap();
        f.set_len(len / 2).unwrap();
    });
}

#[test]
fn a_checkpoint_with_flipped_bytes_is_rebuilt() {
    damage_and_compare(|ck, _| {
        let mut b = std::fs::read(ck).unwrap();
        let n = b.len();
        b[n - 10] ^= 0x20;
        std::fs::write(ck, b).unwrap();
    });
}

#[test]
fn a_checkpoint_of_another_format_version_is_rebuilt() {
    damage_and_compare(|ck, _| {
        let b = std::fs::read(ck).unwrap();
        let s = String::from_utf8_lossy(&b).replacen("\"version\":1", "\"version\":99", 1);
        std::fs::write(ck, s.as_bytes()).unwrap();
    });
}

#[test]
fn a_checkpoint_of_journal_files_edited_since_is_rebuilt() {
    damage_and_compare(|_, sdir| {
        // the last line the checkpoint read is edited (same length, so only its hash tells)
        let p = sdir.join("journal-w1.jsonl");
        let text = std::fs::read_to_string(&p).unwrap();
        let edited = text.replacen("note 299", "note 2X9", 1);
        assert_ne!(text, edited);
        std::fs::write(&p, edited).unwrap();
    });
}

#[test]
fn a_checkpoint_of_a_writer_file_that_was_removed_is_rebuilt() {
    damage_and_compare(|_, sdir| {
        std::fs::remove_file(sdir.join("journal-w1.jsonl")).unwrap();
    });
}

#[test]
fn recording_without_reading_the_notes_keeps_every_note() {
    let dir = tempfile::tempdir().unwrap();
    let lib = lib();
    let id = session(dir.path(), &lib, 300);
    // as the CLI records: the notes stay in the checkpoint
    for i in 0..600 {
        let mut o =
            store::open_with(dir.path(), &lib, id.as_str(), &WriterId::new("w1"), false).unwrap();
        assert!(!o.session.notes_complete || i == 0);
        o.submit(
            &Command::SessionNote {
                text: Some(format!("s{i}")),
            },
            "ann",
            t0() + Duration::hours(1) + Duration::seconds(i),
            &lib,
        )
        .unwrap();
    }
    assert_eq!(opened(dir.path(), &lib, &id), full(dir.path(), &lib, &id));
    let o = store::open(dir.path(), &lib, id.as_str(), &WriterId::new("x")).unwrap();
    assert_eq!(o.session.state.notes.len(), 600);
}

// ---------- incremental folding equals a full fold ----------

/// Writes events as muster does (hash-chained, with checksums) for one writer.
struct Writer {
    name: WriterId,
    seq: u64,
    prev: Option<String>,
    at: DateTime<Utc>,
}

impl Writer {
    fn write(&mut self, dir: &Path, body: Body, at: DateTime<Utc>) {
        self.seq += 1;
        let e = Event {
            v: FORMAT_VERSION,
            id: format!("{}-{}", self.name, self.seq).into(),
            seq: self.seq,
            at,
            actor: format!("actor-{}", self.name),
            writer: self.name.clone(),
            body,
            ex_ms: None,
            seen: None,
            saw: Vec::new(),
            recorded_by: None,
            transcribed_at: None,
            key: None,
            prev: self.prev.take(),
        };
        let line = file::encode(&e);
        self.prev = Some(sha256_hex(line.as_bytes()));
        let mut f = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(file::journal_path(dir, &self.name))
            .unwrap();
        f.write_all(format!("{line}\n").as_bytes()).unwrap();
    }
}

fn body(kind: u8, step: u8, n: usize) -> Body {
    let (plan, step): (muster::domain::ids::PlanId, muster::domain::ids::StepId) = (
        "alpha".into(),
        ["check", "promote", "restore", "tell"][step as usize % 4].into(),
    );
    match kind % 8 {
        0 => Body::StepStarted { plan, step },
        1 => Body::StepDone {
            plan,
            step,
            note: Some(format!("d{n}")),
        },
        2 => Body::StepSkipped {
            plan,
            step,
            reason: format!("s{n}"),
        },
        3 => Body::StepReopened {
            plan,
            step,
            reason: format!("r{n}"),
        },
        4 => Body::Note {
            plan: Some(plan),
            step: Some(step),
            text: format!("t{n}"),
        },
        5 => Body::DecisionTaken {
            plan,
            step: "check".into(),
            option: "Yes".into(),
            next: Some("promote".into()),
            why: None,
        },
        6 => Body::Note {
            plan: None,
            step: None,
            text: format!("session {n}"),
        },
        _ => Body::Assigned {
            plan,
            step,
            to: format!("p{n}"),
        },
    }
}

/// One step of the script: a writer appends, or the reader looks, or the reader starts over
/// from the checkpoint.
#[derive(Debug, Clone)]
enum Step {
    Append {
        writer: u8,
        minutes: i8,
        kind: u8,
        step: u8,
    },
    Look,
    Checkpoint,
    Reopen,
}

fn script() -> impl Strategy<Value = Vec<Step>> {
    let step = prop_oneof![
        6 => (0u8..3, -3i8..6, any::<u8>(), any::<u8>()).prop_map(|(writer, minutes, kind, step)| Step::Append { writer, minutes, kind, step }),
        2 => Just(Step::Look),
        1 => Just(Step::Checkpoint),
        1 => Just(Step::Reopen),
    ];
    prop::collection::vec(step, 1..60)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]
    #[test]
    fn reading_as_the_session_grows_folds_to_the_same_state_as_reading_it_whole(steps in script()) {
        let home = tempfile::tempdir().unwrap();
        let lib = lib();
        let id = session(home.path(), &lib, 0);
        let sdir = store::sessions_dir(home.path()).join(id.as_str());
        let mut writers: Vec<Writer> = (0..3)
            .map(|i| Writer { name: WriterId::new(format!("x{i}")), seq: 0, prev: None, at: t0() })
            .collect();
        let mut reader = Journal::at(home.path(), id.clone(), WriterId::new("reader"));
        let mut session = reader.rebuild(&lib).unwrap();
        for (n, s) in steps.iter().enumerate() {
            match s {
                Step::Append { writer, minutes, kind, step } => {
                    let w = &mut writers[*writer as usize];
                    // a writer's clock mostly moves on; sometimes it is behind the others'
                    let at = (w.at + Duration::minutes(*minutes as i64)).max(t0());
                    w.at = w.at.max(at);
                    let b = body(*kind, *step, n);
                    w.write(&sdir, b, at);
                }
                Step::Look => {
                    reader.refresh(&mut session, &lib).unwrap();
                }
                Step::Checkpoint => {
                    reader.refresh(&mut session, &lib).unwrap();
                    reader.checkpoint_now(&mut session);
                }
                Step::Reopen => {
                    let o = store::open_with(home.path(), &lib, id.as_str(), &WriterId::new("reader"), false).unwrap();
                    reader = o.journal;
                    session = o.session;
                }
            }
        }
        reader.refresh(&mut session, &lib).unwrap();
        reader.load_notes(&mut session, &lib).unwrap();
        let incremental = serde_json::to_value(&session.state).unwrap();
        let _ = std::fs::remove_file(checkpoint::path(&sdir));
        let whole = full(home.path(), &lib, &id);
        prop_assert_eq!(incremental, whole);
    }
}
