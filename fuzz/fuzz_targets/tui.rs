//! The TUI's update and drawing over any sequence of keys, pastes, sizes and ticks, decoded
//! from the bytes: nothing may panic.
#![no_main]

#[path = "common.rs"]
mod common;

use muster::tui::app::App;
use muster::tui::memstore::MemStore;
use muster::tui::msg::Msg;
use muster::tui::runtime::dispatch;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::sync::Arc;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let lib = common::mini();
    let t0 = chrono::DateTime::from_timestamp(1_795_000_000, 0).unwrap_or_default();
    let mut app = App::new(
        Arc::clone(&lib),
        "fuzz".into(),
        None,
        t0,
        muster::tui::theme::Theme { color: true },
        muster::present::Zone::Utc,
    );
    let mut store = MemStore::new(Arc::clone(&lib), "w1");
    let mut term = Terminal::new(TestBackend::new(80, 24)).unwrap_or_else(|e| match e {});
    dispatch(&mut app, &mut store, Msg::Resize(80, 24));
    let mut i = 0;
    while i < data.len() && !app.quit {
        let b = data[i];
        i += 1;
        let msg = match b {
            0x20..=0x7e => Msg::Key(KeyEvent::from(KeyCode::Char(b as char))),
            b'\r' => Msg::Key(KeyEvent::from(KeyCode::Enter)),
            0x1b => Msg::Key(KeyEvent::from(KeyCode::Esc)),
            b'\t' => Msg::Key(KeyEvent::from(KeyCode::Tab)),
            0x08 => Msg::Key(KeyEvent::from(KeyCode::Backspace)),
            0x01 => Msg::Key(KeyEvent::from(KeyCode::Up)),
            0x02 => Msg::Key(KeyEvent::from(KeyCode::Down)),
            0x03 => Msg::Key(KeyEvent::from(KeyCode::PageDown)),
            0x04 => Msg::Key(KeyEvent::new(KeyCode::Char('d'), KeyModifiers::CONTROL)),
            0x05 => {
                // a paste of the next bytes, up to a zero
                let end = data[i..].iter().position(|&c| c == 0).map_or(data.len(), |p| i + p);
                let s = String::from_utf8_lossy(&data[i..end]).into_owned();
                i = end;
                Msg::Paste(s)
            }
            0x06 if i + 1 < data.len() => {
                let (w, h) = (u16::from(data[i]).max(1), u16::from(data[i + 1] % 80).max(1));
                i += 2;
                term.backend_mut().resize(w, h);
                Msg::Resize(w, h)
            }
            _ => Msg::Tick(t0 + chrono::Duration::seconds(i64::from(b) * 37)),
        };
        // drawing is most of the cost: every few messages, after a paste or a resize, and at
        // the end (the update itself runs on every message)
        let draw = i % 8 == 0 || matches!(msg, Msg::Paste(_) | Msg::Resize(..));
        dispatch(&mut app, &mut store, msg);
        if draw {
            let _ = term.draw(|f| muster::tui::view::render(&app, f));
        }
    }
    let _ = term.draw(|f| muster::tui::view::render(&app, f));
});
