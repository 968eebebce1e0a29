//! The TUI's update path with no disk, shared by the TUI tests: scripted keys into `update`, a
//! store in memory, a fixed clock and zone, and what `view` draws.
#![allow(dead_code)]

use chrono::{DateTime, TimeZone, Utc};
use muster::domain::ids::{SessionId, StepRef};
use muster::domain::session::SessionState;
use muster::library::{self, Location};
use muster::present::Zone;
use muster::tui::app::App;
use muster::tui::memstore::MemStore;
use muster::tui::msg::Msg;
use muster::tui::runtime::dispatch;
use muster::tui::theme::Theme;
use muster::tui::view;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::sync::Arc;

pub fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 21, 2, 30, 0).unwrap()
}

/// Keys written as text: `<Enter>`, `<Esc>`, `<Tab>`, `<Down>`, `<Up>`, `<C-c>`, `<BS>`, `<PgDn>`;
/// any other character is itself.
pub fn keys(s: &str) -> Vec<KeyEvent> {
    let mut out = Vec::new();
    let mut rest = s;
    while let Some(c) = rest.chars().next() {
        if c == '<'
            && let Some(end) = rest.find('>')
        {
            let k = match &rest[1..end] {
                "Enter" => Some(KeyEvent::from(KeyCode::Enter)),
                "Esc" => Some(KeyEvent::from(KeyCode::Esc)),
                "Tab" => Some(KeyEvent::from(KeyCode::Tab)),
                "Down" => Some(KeyEvent::from(KeyCode::Down)),
                "Up" => Some(KeyEvent::from(KeyCode::Up)),
                "BS" => Some(KeyEvent::from(KeyCode::Backspace)),
                "PgDn" => Some(KeyEvent::from(KeyCode::PageDown)),
                "C-c" => Some(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL)),
                _ => None,
            };
            if let Some(k) = k {
                out.push(k);
                rest = &rest[end + 1..];
                continue;
            }
        }
        out.push(KeyEvent::from(KeyCode::Char(c)));
        rest = &rest[c.len_utf8()..];
    }
    out
}

pub struct Harness {
    pub app: App,
    pub store: MemStore,
    pub term: Terminal<TestBackend>,
    pub now: DateTime<Utc>,
}

pub fn mini_lib() -> Arc<muster::domain::Library> {
    let mut lib = library::load(&Location::Dir(super::common::mini()), t0().date_naive()).unwrap();
    // the same label wherever the repository is cloned
    lib.origin = "tests/fixtures/mini".into();
    Arc::new(lib)
}

impl Harness {
    pub fn new(w: u16, h: u16) -> Harness {
        Harness::with(w, h, mini_lib())
    }

    pub fn with(w: u16, h: u16, lib: Arc<muster::domain::Library>) -> Harness {
        let app = App::new(
            Arc::clone(&lib),
            "tester".into(),
            None,
            t0(),
            Theme::new(true),
            Zone::Utc,
        );
        let mut hs = Harness {
            app,
            store: MemStore::new(lib, "w1"),
            term: Terminal::new(TestBackend::new(w, h)).unwrap(),
            now: t0(),
        };
        hs.msg(Msg::Resize(w, h));
        hs
    }

    pub fn msg(&mut self, m: Msg) {
        dispatch(&mut self.app, &mut self.store, m);
    }

    /// Time passes to `self.now`, then each key; then the screen is drawn.
    pub fn press(&mut self, s: &str) -> &mut Self {
        self.msg(Msg::Tick(self.now));
        for k in keys(s) {
            self.msg(Msg::Tick(self.now));
            self.msg(Msg::Key(k));
        }
        self.draw();
        self
    }

    pub fn draw(&mut self) {
        let app = &self.app;
        self.term.draw(|f| view::render(app, f)).unwrap();
    }

    pub fn resize(&mut self, w: u16, h: u16) {
        self.term.backend_mut().resize(w, h);
        self.msg(Msg::Resize(w, h));
    }

    pub fn screen(&self) -> String {
        let buf = self.term.backend().buffer();
        let mut out = String::new();
        for y in 0..buf.area.height {
            let mut line = String::new();
            for x in 0..buf.area.width {
                line.push_str(buf[(x, y)].symbol());
            }
            out.push_str(line.trim_end());
            out.push('\n');
        }
        out
    }

    /// Starts an incident on `alpha` through the keys: incident, the name confirmed, the
    /// default title.
    pub fn start_alpha(&mut self) -> &mut Self {
        self.press("s1<Enter><Enter>")
    }

    pub fn id(&self) -> SessionId {
        self.store.open_id().expect("a session is open").clone()
    }

    /// The session as a fresh reader of the store sees it.
    pub fn state(&self) -> SessionState {
        self.store.session(&self.id()).unwrap().state
    }

    pub fn step(&self, p: &str, s: &str) -> muster::domain::session::StepState {
        self.state().step(&StepRef::new(p, s)).unwrap().clone()
    }

    pub fn banner(&self) -> String {
        self.app
            .banner
            .as_ref()
            .map(|b| b.text.clone())
            .unwrap_or_default()
    }
}
