//! Journal benchmarks.
//!
//! `cargo run --release --example bench_journal -- append DIR [N]`: the latency of one durable
//! append (lock, tail read, write, fdatasync) against a plain write + fdatasync of the same bytes
//! in the same folder; medians of N (default 300).
//!
//! `cargo run --release --example bench_journal -- gen HOME [EVENTS] [WRITERS]`: writes a session
//! of EVENTS (default 100,000) events over WRITERS (default 4) writers on the built-in
//! `db-failover` plan, hash-chained as muster writes them, and prints its id.

use chrono::{Duration, Utc};
use muster::domain::command::{self, Command, resolve};
use muster::domain::event::{Body, Event, FORMAT_VERSION, Mode, PlanRef};
use muster::domain::ids::WriterId;
use muster::domain::session::Session;
use muster::domain::sha256_hex;
use muster::journal::file;
use muster::journal::store;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

fn bench_append(dir: &Path, n: usize) {
    std::fs::create_dir_all(dir).unwrap();
    let lib = muster::library::load(&muster::library::Location::Builtin, Utc::now().date_naive())
        .unwrap();
    let home = dir.join("home");
    let start = resolve::start(&lib, &["db-failover".to_string()], None, None, None).unwrap();
    let checked = command::check(
        &Command::Start(start),
        &Session::blank(),
        "bench",
        Utc::now(),
    )
    .unwrap();
    let writer = WriterId::new("bench");
    let mut o = store::create(&home, &lib, &writer, &checked).unwrap();
    let note = |i: usize| Command::SessionNote {
        text: Some(format!("note {i}")),
    };
    // warm up: creates the file
    let rec = o.submit(&note(0), "bench", Utc::now(), &lib).unwrap();
    let signer = muster::journal::keys::load_or_create(&home).unwrap();
    let line_len =
        file::encode_signed(rec.events.last().unwrap(), &signer, o.id().as_str()).len() + 1;
    let mut ours = Vec::with_capacity(n);
    for i in 0..n {
        let t = Instant::now();
        o.submit(&note(i), "bench", Utc::now(), &lib).unwrap();
        ours.push(t.elapsed().as_secs_f64() * 1e6);
    }
    let plain_path = dir.join("plain.jsonl");
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&plain_path)
        .unwrap();
    let line = vec![b'x'; line_len];
    let mut plain = Vec::with_capacity(n);
    for _ in 0..n {
        let t = Instant::now();
        f.write_all(&line).unwrap();
        f.sync_data().unwrap();
        plain.push(t.elapsed().as_secs_f64() * 1e6);
    }
    let (o, p) = (median(ours), median(plain));
    println!(
        "durable append: median {o:.0} us; plain write + fdatasync of {line_len} bytes: median {p:.0} us; ratio {:.2}x ({n} runs each, in {})",
        o / p,
        dir.display()
    );
}

fn generate(home: &Path, events: usize, writers: usize) {
    let lib = muster::library::load(&muster::library::Location::Builtin, Utc::now().date_naive())
        .unwrap();
    let plan = lib.plan("db-failover").expect("built-in plan");
    // the events end an hour ago: a session of the past, as real ones are
    let t0 = Utc::now() - Duration::milliseconds(events as i64 * 1500) - Duration::hours(1);
    let id = format!("bench-{events}");
    let dir = home.join("sessions").join(&id);
    std::fs::create_dir_all(&dir).unwrap();
    store::snapshot_plan(&dir, &lib, plan).unwrap();
    let steps: Vec<&str> = plan.steps.iter().map(|s| s.id.v.as_str()).collect();
    let signers: Vec<muster::journal::keys::Signer> = (0..writers)
        .map(|w| muster::journal::keys::Signer::from_seed(&[w as u8 + 1; 32]))
        .collect();
    let mut outs: Vec<(std::io::BufWriter<std::fs::File>, u64, Option<String>)> = (0..writers)
        .map(|w| {
            (
                std::io::BufWriter::new(
                    std::fs::File::create(file::journal_path(
                        &dir,
                        &WriterId::new(format!("w{w}")),
                    ))
                    .unwrap(),
                ),
                0,
                None,
            )
        })
        .collect();
    for i in 0..events {
        let w = i % writers;
        let step = steps[i % steps.len()].to_string();
        let body = match i {
            0 => Body::SessionStarted {
                title: "Benchmark".into(),
                mode: Mode::Incident,
                declared_at: t0,
                plans: vec![PlanRef {
                    params: Default::default(),
                    id: plan.id.v.as_str().into(),
                    hash: plan.hash.clone(),
                    title: plan.title.clone(),
                }],
                scenario: None,
                facilitators: Vec::new(),
                evaluators: Vec::new(),
            },
            _ => match i % 5 {
                0 => Body::StepStarted {
                    plan: "db-failover".into(),
                    step: step.as_str().into(),
                },
                1 => Body::StepDone {
                    plan: "db-failover".into(),
                    step: step.as_str().into(),
                    note: Some(format!(
                        "done, event {i}: replica lag 12s, checked with psql"
                    )),
                },
                2 => Body::StepReopened {
                    plan: "db-failover".into(),
                    step: step.as_str().into(),
                    reason: "checking again".into(),
                },
                3 => Body::Note {
                    plan: Some("db-failover".into()),
                    step: Some(step.as_str().into()),
                    text: format!("observation {i}: the dashboard shows green"),
                },
                _ => Body::Assigned {
                    plan: "db-failover".into(),
                    step: step.as_str().into(),
                    to: format!("person{}", i % 7),
                },
            },
        };
        let (out, seq, prev) = &mut outs[w];
        *seq += 1;
        let e = Event {
            v: FORMAT_VERSION,
            id: format!("{w}-{seq}").into(),
            seq: *seq,
            at: t0 + Duration::milliseconds(i as i64 * 1500),
            actor: format!("responder{w}"),
            writer: format!("w{w}").into(),
            body,
            ex_ms: None,
            seen: None,
            saw: Vec::new(),
            recorded_by: None,
            transcribed_at: None,
            key: (*seq == 1).then(|| signers[w].public_hex().to_string()),
            prev: prev.take(),
        };
        // signed as muster signs, each writer with a key of its own
        let line = file::encode_signed(&e, &signers[w], id.as_str());
        *prev = Some(sha256_hex(line.as_bytes()));
        out.write_all(line.as_bytes()).unwrap();
        out.write_all(b"\n").unwrap();
    }
    for (mut o, _, _) in outs {
        o.flush().unwrap();
    }
    println!("{id}");
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("append") => bench_append(
            &PathBuf::from(
                args.get(1)
                    .cloned()
                    .unwrap_or_else(|| "target/bench-append".into()),
            ),
            args.get(2).and_then(|s| s.parse().ok()).unwrap_or(300),
        ),
        Some("gen") => generate(
            &PathBuf::from(
                args.get(1)
                    .cloned()
                    .unwrap_or_else(|| "target/bench-home".into()),
            ),
            args.get(2).and_then(|s| s.parse().ok()).unwrap_or(100_000),
            args.get(3).and_then(|s| s.parse().ok()).unwrap_or(4),
        ),
        _ => eprintln!("usage: bench_journal append DIR [N] | gen HOME [EVENTS] [WRITERS]"),
    }
}
