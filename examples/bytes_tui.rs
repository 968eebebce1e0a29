//! Bytes the TUI sends to the terminal at 80x24, on the sample plan dc-power-loss: per step
//! moved (j, through every step and back) and per idle minute (a tick a second, the clock and
//! RTO countdown ticking over), as drawn by ratatui's crossterm backend into a counter.
//! `cargo run --release --example bytes_tui -- [--slow-link]`

use chrono::{Duration, TimeZone, Utc};
use muster::present::Zone;
use muster::tui::app::App;
use muster::tui::memstore::MemStore;
use muster::tui::msg::Msg;
use muster::tui::runtime::dispatch;
use muster::tui::theme::Theme;
use muster::tui::view;
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use std::io::Write;
use std::sync::{Arc, Mutex};

/// A terminal that counts what it is sent.
#[derive(Clone, Default)]
struct Counter(Arc<Mutex<usize>>);

impl Write for Counter {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        *self.0.lock().unwrap() += b.len();
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn main() {
    let slow = std::env::args().any(|a| a == "--slow-link");
    let t0 = Utc.with_ymd_and_hms(2026, 11, 21, 2, 30, 0).unwrap();
    let lib = Arc::new(
        muster::library::load(&muster::library::Location::Builtin, t0.date_naive()).unwrap(),
    );
    let mut app = App::new(
        Arc::clone(&lib),
        "bench".into(),
        Some("bench".into()),
        t0,
        Theme::new(!slow),
        Zone::Utc,
    );
    app.slow_link = slow;
    let mut store = MemStore::new(Arc::clone(&lib), "w1");
    dispatch(&mut app, &mut store, Msg::Resize(80, 24));
    dispatch(&mut app, &mut store, Msg::Tick(t0));
    // start the session through the keys, as a responder does
    for k in ['s', '1'] {
        dispatch(
            &mut app,
            &mut store,
            Msg::Key(KeyEvent::from(KeyCode::Char(k))),
        );
    }
    dispatch(
        &mut app,
        &mut store,
        Msg::Key(KeyEvent::from(KeyCode::Enter)),
    );
    let counter = Counter::default();
    let mut term = Terminal::new(CrosstermBackend::new(counter.clone())).unwrap();
    term.resize(ratatui::layout::Rect::new(0, 0, 80, 24))
        .unwrap();
    term.draw(|f| view::render(&app, f)).unwrap();
    let sent = || *counter.0.lock().unwrap();
    let steps = 13;
    let mut moves = Vec::new();
    for key in std::iter::repeat_n('j', steps - 1).chain(std::iter::repeat_n('k', steps - 1)) {
        let before = sent();
        dispatch(
            &mut app,
            &mut store,
            Msg::Key(KeyEvent::from(KeyCode::Char(key))),
        );
        term.draw(|f| view::render(&app, f)).unwrap();
        moves.push(sent() - before);
    }
    let one_by_one: usize = moves[..steps - 1].iter().sum();
    moves.sort_unstable();
    // twelve presses typed ahead (a held key, a slow link): the runtime takes them all, then
    // draws one frame
    let before = sent();
    for _ in 0..steps - 1 {
        dispatch(
            &mut app,
            &mut store,
            Msg::Key(KeyEvent::from(KeyCode::Char('j'))),
        );
    }
    term.draw(|f| view::render(&app, f)).unwrap();
    let ahead = sent() - before;
    let before = sent();
    let mut now = app.now;
    // as the runtime does: a frame only when what it would draw changed
    let mut sig = view::signature(&app);
    for _ in 0..60 {
        now += Duration::seconds(1);
        dispatch(&mut app, &mut store, Msg::Tick(now));
        let s = view::signature(&app);
        if s != sig {
            sig = s;
            term.draw(|f| view::render(&app, f)).unwrap();
        }
    }
    let idle = sent() - before;
    println!(
        "80x24{}: per step moved median {} bytes (min {}, max {}, {} moves); {} presses typed ahead {} bytes (drawn one by one: {}); per idle minute {} bytes",
        if slow { " --slow-link" } else { "" },
        moves[moves.len() / 2],
        moves[0],
        moves[moves.len() - 1],
        moves.len(),
        steps - 1,
        ahead,
        one_by_one,
        idle
    );
}
