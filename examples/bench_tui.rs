//! Frame time of the session view at 200x60 on a plan of 1,000 steps:
//! `cargo run --release --example bench_tui -- [STEPS] [FRAMES]`.

use chrono::Utc;
use muster::domain::command::{self, Command, resolve};
use muster::domain::ids::WriterId;
use muster::domain::session::Session;
use muster::domain::{InputFile, Library};
use muster::journal::store;
use muster::present::Zone;
use muster::tui::app::App;
use muster::tui::msg::{Loaded, Msg};
use muster::tui::theme::Theme;
use muster::tui::view;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::fmt::Write;
use std::sync::Arc;
use std::time::Instant;

fn main() {
    let mut args = std::env::args().skip(1);
    let steps: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(1000);
    let frames: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(500);
    let builtin = muster::library::builtin_files();
    let mut plan = String::from(
        "Plan(id: \"big\", title: \"A plan of many steps\", kind: Recovery, services: [\"core-db\"], owner: \"dba\", steps: [\n",
    );
    for i in 0..steps {
        let deps = if i == 0 {
            String::new()
        } else {
            format!("depends_on: [\"s{}\"], ", i - 1)
        };
        writeln!(plan, "  Step(id: \"s{i}\", title: \"Step {i}: check the component and record what you see\", role: \"dba\", {deps}estimate: (5, 10), body: \"Check **this**.\\n\\n- a\\n- b\", commands: [Command(run: \"systemctl status unit-{i} && journalctl -u unit-{i} --since -10min | tail -50\", lang: \"sh\")], expected: \"Active.\", verification: \"Logged.\"),").unwrap();
    }
    plan.push_str("])\n");
    let mut files: Vec<InputFile> = builtin
        .into_iter()
        .filter(|f| !f.rel.starts_with("plans/"))
        .collect();
    files.push(InputFile {
        rel: "plans/big.ron".into(),
        shown: "big.ron".into(),
        bytes: plan.into_bytes(),
    });
    let now = Utc::now();
    let lib = Library::load("bench", false, files, now.date_naive());
    let dir = std::env::temp_dir().join(format!("muster-bench-tui-{}", std::process::id()));
    let start = resolve::start(&lib, &["big".to_string()], None, None, None).unwrap();
    let checked = command::check(&Command::Start(start), &Session::blank(), "bench", now).unwrap();
    let o = store::create(&dir, &lib, &WriterId::new("bench"), &checked).unwrap();
    let mut app = App::new(
        Arc::new(lib),
        "bench".into(),
        Some("bench".into()),
        now,
        Theme::new(true),
        Zone::Utc,
    );
    app.update(Msg::Opened(Box::new(Loaded {
        session: o.session,
        recent: Vec::new(),
        problems: 0,
        warnings: Vec::new(),
        medians: Default::default(),
    })));
    app.step_sel = steps / 2;
    let mut term = Terminal::new(TestBackend::new(200, 60)).unwrap();
    let mut times = Vec::with_capacity(frames);
    for i in 0..frames {
        // move the selection so every frame differs, as when a responder scrolls
        app.step_sel = (steps / 2 + i) % steps;
        let t = Instant::now();
        term.draw(|f| view::render(&app, f)).unwrap();
        times.push(t.elapsed().as_secs_f64() * 1e3);
    }
    times.sort_by(|a, b| a.total_cmp(b));
    println!(
        "session view, 200x60, plan of {steps} steps: median {:.3} ms, p95 {:.3} ms per frame ({frames} frames)",
        times[frames / 2],
        times[frames * 95 / 100]
    );
    let _ = std::fs::remove_dir_all(&dir);
}
