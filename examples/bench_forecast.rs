//! The live forecast of a 2,000-step plan, recomputed after each of a run of events (as the
//! status and the TUI do): `cargo run --release --example bench_forecast -- [STEPS] [EVENTS]`.
//! Each step depends on the one before it and, every seventh, on one further back too.

use chrono::{Duration, Utc};
use muster::domain::command::{self, Command, StepAct, resolve};
use muster::domain::ids::{StepRef, WriterId};
use muster::domain::session::Session;
use muster::domain::{InputFile, Library};
use muster::journal::store;
use std::fmt::Write;
use std::time::Instant;

fn main() {
    let mut args = std::env::args().skip(1);
    let steps: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(2000);
    let events: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(200);
    let mut plan = String::from(
        "Plan(id: \"big\", title: \"A plan of many steps\", kind: Recovery, services: [\"core-db\"], owner: \"dba\", steps: [\n",
    );
    for i in 0..steps {
        let deps = match i {
            0 => String::new(),
            i if i % 7 == 0 && i > 20 => format!("depends_on: [\"s{}\", \"s{}\"], ", i - 1, i - 20),
            i => format!("depends_on: [\"s{}\"], ", i - 1),
        };
        writeln!(
            plan,
            "  Step(id: \"s{i}\", title: \"Step {i}\", role: \"dba\", {deps}estimate: (5, {})),",
            5 + i % 11
        )
        .unwrap();
    }
    plan.push_str("])\n");
    let mut files: Vec<InputFile> = muster::library::builtin_files()
        .into_iter()
        .filter(|f| !f.rel.starts_with("plans/"))
        .collect();
    files.push(InputFile {
        rel: "plans/big.ron".into(),
        shown: "big.ron".into(),
        bytes: plan.into_bytes(),
    });
    let t0 = Utc::now();
    let lib = Library::load("bench", false, files, t0.date_naive());
    let dir = std::env::temp_dir().join(format!("muster-bench-forecast-{}", std::process::id()));
    let start = resolve::start(&lib, &["big".to_string()], None, None, None).unwrap();
    let checked = command::check(&Command::Start(start), &Session::blank(), "bench", t0).unwrap();
    let mut o = store::create(&dir, &lib, &WriterId::new("bench"), &checked).unwrap();
    let mut times = Vec::new();
    let mut now = t0;
    for i in 0..events.min(steps) {
        now += Duration::minutes(3);
        let cmd = Command::step(StepRef::new("big", format!("s{i}")), StepAct::Done);
        o.submit(&cmd, "bench", now, &lib).unwrap();
        let started = Instant::now();
        let f = muster::domain::forecast::plan(&o.session, 0, now, &|_| None).unwrap();
        let s =
            muster::domain::forecast::services(&o.session, &lib.index, std::slice::from_ref(&f));
        times.push(started.elapsed());
        std::hint::black_box((f, s));
    }
    times.sort();
    let ms = |d: std::time::Duration| d.as_secs_f64() * 1000.0;
    println!(
        "forecast of a {steps}-step plan after each of {} events: median {:.3} ms, p90 {:.3} ms, max {:.3} ms",
        times.len(),
        ms(times[times.len() / 2]),
        ms(times[times.len() * 9 / 10]),
        ms(*times.last().unwrap())
    );
    let _ = std::fs::remove_dir_all(&dir);
}
