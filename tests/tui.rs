//! The TUI driven through its real loop: scripted keys, a `TestBackend`, a fixed clock.

mod common;

use chrono::{DateTime, Duration, TimeZone, Utc};
use muster::clock::FixedClock;
use muster::journal::store;
use muster::library::{self, Location};
use muster::tui::app::{App, Screen};
use muster::tui::runtime::{EventSource, run_loop};
use muster::tui::theme::Theme;
use muster::tui::world::World;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use ratatui::style::Color;
use std::collections::VecDeque;
use std::sync::atomic::AtomicBool;

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 21, 2, 30, 0).unwrap()
}

fn utc() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    // SAFETY: set once, before any test reads the time zone, to the same value in every thread.
    ONCE.call_once(|| unsafe { std::env::set_var("TZ", "UTC") });
}

struct Script(VecDeque<Event>);

impl EventSource for Script {
    fn next(&mut self, _: std::time::Duration) -> std::io::Result<Option<Event>> {
        Ok(self.0.pop_front())
    }
    fn finished(&self) -> bool {
        self.0.is_empty()
    }
}

/// Keys written as text: `<Enter>`, `<Esc>`, `<Tab>`, `<Down>`, `<Up>`, `<C-c>`, `<BS>`; any other
/// character is itself.
fn keys(s: &str) -> Vec<Event> {
    let mut out = Vec::new();
    let mut rest = s;
    while let Some(c) = rest.chars().next() {
        if c == '<'
            && let Some(end) = rest.find('>')
        {
            let name = &rest[1..end];
            let k = match name {
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
                out.push(Event::Key(k));
                rest = &rest[end + 1..];
                continue;
            }
        }
        out.push(Event::Key(KeyEvent::from(KeyCode::Char(c))));
        rest = &rest[c.len_utf8()..];
    }
    out
}

struct Harness {
    _dir: tempfile::TempDir,
    home: std::path::PathBuf,
    app: App,
    world: World,
    term: Terminal<TestBackend>,
    now: DateTime<Utc>,
}

impl Harness {
    fn new(w: u16, h: u16) -> Harness {
        utc();
        let dir = tempfile::tempdir().unwrap();
        let home = dir.path().join("home");
        let mut lib = library::load(&Location::Dir(common::mini()), t0().date_naive()).unwrap();
        // the same label wherever the repository is cloned
        lib.origin = "tests/fixtures/mini".into();
        let app = App::new(lib, "tester".into(), t0(), Theme { color: true });
        let world = World::new(home.clone(), "w1".into());
        Harness {
            _dir: dir,
            home,
            app,
            world,
            term: Terminal::new(TestBackend::new(w, h)).unwrap(),
            now: t0(),
        }
    }

    fn press(&mut self, s: &str) -> &mut Self {
        let clock = FixedClock(self.now);
        let stop = AtomicBool::new(false);
        let mut script = Script(keys(s).into());
        run_loop(
            &mut self.term,
            &mut script,
            &mut self.app,
            &mut self.world,
            &clock,
            &stop,
        )
        .unwrap();
        self
    }

    fn screen(&self) -> String {
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
        // session ids end in a random salt: mask it, keeping the length
        if let Some(o) = &self.app.session {
            let masked = format!("{}XXXX", &o.id[..o.id.len() - 4]);
            out = out.replace(&o.id, &masked);
        }
        out
    }

    /// Starts an incident on `alpha` through the keys, confirming the name.
    fn start_alpha(&mut self) -> &mut Self {
        self.press("s1<Enter><Enter>")
    }

    fn state(&self) -> muster::model::session::SessionState {
        let id = &self.app.session.as_ref().expect("a session is open").id;
        store::open(&self.home, &self.app.lib, id, self.now)
            .unwrap()
            .state
    }
}

// ---------- snapshots of every screen at 80x24 ----------

#[test]
fn snapshot_home_plans() {
    let mut h = Harness::new(80, 24);
    h.press("");
    insta::assert_snapshot!(h.screen());
}

#[test]
fn snapshot_home_sessions_and_index_tabs() {
    let mut h = Harness::new(80, 24);
    h.start_alpha().press("q");
    let mut h2 = Harness {
        home: h.home.clone(),
        ..Harness::new(80, 24)
    };
    h2.world = World::new(h.home.clone(), "w2".into());
    h2.press("<Tab>");
    insta::assert_snapshot!("home_sessions", h2.screen());
    h2.press("<Tab>");
    insta::assert_snapshot!("home_index", h2.screen());
}

#[test]
fn snapshot_search() {
    let mut h = Harness::new(80, 24);
    h.press("/databse");
    insta::assert_snapshot!(h.screen());
}

#[test]
fn snapshot_plan_read_only() {
    let mut h = Harness::new(80, 24);
    h.press("<Enter>");
    assert_eq!(h.app.screen, Screen::Plan("alpha".into()));
    insta::assert_snapshot!(h.screen());
}

#[test]
fn snapshot_session_with_progress_and_a_decision() {
    let mut h = Harness::new(80, 24);
    h.start_alpha();
    h.now = t0() + Duration::minutes(12);
    h.press("a");
    h.now = t0() + Duration::minutes(20);
    h.press("c1lag is 3 s<Enter>");
    insta::assert_snapshot!(h.screen());
}

#[test]
fn snapshot_prompts() {
    let mut h = Harness::new(80, 24);
    h.start_alpha().press("dreplica in sync");
    insta::assert_snapshot!("prompt_done_note", h.screen());
    h.press("<Esc>");
    insta::assert_snapshot!("prompt_discard", h.screen());
    h.press("n");
    assert!(
        matches!(&h.app.modal, Some(muster::tui::app::Modal::Input(i)) if i.text == "replica in sync"),
        "n keeps the text"
    );
    h.press("<Esc>y");
    assert!(h.app.modal.is_none(), "y discards");
    h.press("c");
    insta::assert_snapshot!("choice_decision", h.screen());
}

#[test]
fn snapshot_index_browser() {
    let mut h = Harness::new(80, 24);
    h.press("i<Tab>");
    insta::assert_snapshot!(h.screen());
}

#[test]
fn snapshot_timeline_and_help() {
    let mut h = Harness::new(80, 24);
    h.start_alpha().press("a");
    h.now = t0() + Duration::minutes(5);
    h.press("dok<Enter>t");
    insta::assert_snapshot!("timeline", h.screen());
    h.press("<Esc>?");
    insta::assert_snapshot!("help_session", h.screen());
    h.press("<PgDn>");
    insta::assert_snapshot!("help_session_scrolled", h.screen());
    h.press("x");
    assert!(!h.app.help);
}

#[test]
fn snapshot_too_small() {
    let mut h = Harness::new(59, 15);
    h.press("");
    insta::assert_snapshot!(h.screen());
    // and it recovers when the terminal grows, without a panic
    h.term.backend_mut().resize(80, 24);
    h.press("j");
    assert!(h.screen().contains("Plans (2)"));
}

#[test]
fn snapshot_session_120x40() {
    let mut h = Harness::new(120, 40);
    h.start_alpha();
    h.now = t0() + Duration::minutes(3);
    h.press("dbackup verified<Enter>");
    insta::assert_snapshot!(h.screen());
}

// ---------- update, through the real loop, for every action ----------

#[test]
fn home_actions_move_mark_tab_and_start() {
    let mut h = Harness::new(80, 24);
    h.press("j");
    assert_eq!(h.app.plan_sel, 1);
    h.press("kGg");
    assert_eq!(h.app.plan_sel, 0);
    h.press(" ");
    assert_eq!(h.app.marked, ["alpha"], "space marks and moves down");
    h.press(" ");
    assert_eq!(h.app.marked, ["alpha", "beta"]);
    h.press("<Tab>");
    assert_eq!(h.app.tab, 1);
    h.press("<Tab><Tab>");
    assert_eq!(h.app.tab, 0);
    h.press("s1<Enter><Enter>");
    let st = h.state();
    assert_eq!(
        st.plans.iter().map(|p| p.id.as_str()).collect::<Vec<_>>(),
        ["alpha", "beta"]
    );
    assert_eq!(st.title, "Fail the database over + Bring the web shop back");
    assert_eq!(st.started_by, "tester");
    assert_eq!(h.app.screen, Screen::Session);
}

#[test]
fn step_actions_are_recorded_in_the_journal() {
    let mut h = Harness::new(80, 24);
    h.start_alpha();
    h.press("a");
    assert_eq!(
        h.state().step("alpha", "check").unwrap().state.label(),
        "active"
    );
    h.press("dlag 2 s<Enter>");
    let s = h.state();
    let c = s.step("alpha", "check").unwrap();
    assert_eq!((c.state.label(), c.by.as_deref()), ("done", Some("tester")));
    assert_eq!(c.notes[0].text, "lag 2 s");
    h.press("j");
    h.press("x<Enter>");
    assert!(
        h.app.modal.is_some(),
        "a skip without a reason is not recorded"
    );
    h.press("not needed<Enter>");
    assert_eq!(
        h.state().step("alpha", "promote").unwrap().state.label(),
        "skipped"
    );
    h.press("j");
    h.press("bwaiting for backups<Enter>");
    assert_eq!(
        h.state().step("alpha", "restore").unwrap().state.label(),
        "blocked"
    );
    h.press("rbackups arrived<Enter>");
    assert_eq!(
        h.state().step("alpha", "restore").unwrap().state.label(),
        "pending"
    );
    h.press("nnote text<Enter>");
    assert!(
        h.state()
            .step("alpha", "restore")
            .unwrap()
            .notes
            .iter()
            .any(|n| n.text == "note text")
    );
    h.press("Aben<Enter>");
    assert_eq!(
        h.state()
            .step("alpha", "restore")
            .unwrap()
            .assignee
            .as_deref(),
        Some("ben")
    );
    h.press("Nsession wide<Enter>");
    assert_eq!(h.state().notes[0].text, "session wide");
    h.press("Hann<Enter>");
    assert_eq!(h.state().handovers[0].1, "ann");
}

#[test]
fn decisions_and_undo() {
    let mut h = Harness::new(80, 24);
    h.start_alpha();
    h.press("c2behind by 20 min<Enter>");
    let s = h.state();
    let d = s.step("alpha", "check").unwrap().decision.clone().unwrap();
    assert_eq!(
        (d.option.as_str(), d.next.as_deref(), d.why.as_deref()),
        ("No", Some("restore"), Some("behind by 20 min"))
    );
    assert!(s.step("alpha", "promote").unwrap().bypassed);
    h.press("c");
    assert!(
        h.app
            .banner
            .as_ref()
            .unwrap()
            .text
            .contains("Already decided"),
        "{:?}",
        h.app.banner
    );
    h.press("u");
    let s = h.state();
    assert_eq!(
        s.step("alpha", "check").unwrap().state.label(),
        "pending",
        "undo is a reopen"
    );
    assert!(
        s.step("alpha", "check")
            .unwrap()
            .notes
            .iter()
            .any(|n| n.kind == "reopen" && n.text.starts_with("undo: decided"))
    );
    // the journal was appended to, never edited
    assert_eq!(
        store::open(&h.home, &h.app.lib, &s.id, h.now)
            .unwrap()
            .events
            .len(),
        3
    );
}

#[test]
fn navigation_keys() {
    let mut h = Harness::new(80, 24);
    h.start_alpha();
    h.press("jj");
    assert_eq!(h.app.step_sel, 2);
    h.press("<PgDn>");
    assert_eq!(h.app.detail_scroll, 10);
    h.press("K");
    assert_eq!(h.app.detail_scroll, 0);
    h.press("ll");
    assert_eq!(h.app.hscroll, 16);
    h.press("h");
    assert_eq!(h.app.hscroll, 8);
    h.press("t");
    assert_eq!(h.app.screen, Screen::Timeline);
    h.press("<Esc>i");
    assert_eq!(h.app.screen, Screen::Index);
    h.press("<Tab>");
    assert_eq!(h.app.index_section, 1);
    h.press("<Esc>");
    assert_eq!(h.app.screen, Screen::Session);
    h.press("?");
    assert!(h.app.help);
    h.press("x");
    assert!(!h.app.help, "any key closes the help and does nothing else");
    assert!(h.app.modal.is_none());
    h.press("q");
    assert!(h.app.quit);
}

#[test]
fn search_jumps_to_a_step_and_to_a_person() {
    let mut h = Harness::new(80, 24);
    h.press("/restore from<Enter>");
    assert_eq!(h.app.screen, Screen::Plan("alpha".into()));
    assert_eq!(h.app.step_sel, 2);
    h.press("/cat chen<Enter>");
    assert_eq!(h.app.screen, Screen::Index);
    assert_eq!(h.app.section_entries()[h.app.index_sel].id, "cat");
}

#[test]
fn quitting_asks_only_when_a_prompt_holds_text() {
    let mut h = Harness::new(80, 24);
    h.start_alpha();
    h.press("d<C-c>");
    assert!(h.app.quit, "an empty prompt does not hold up quitting");
    let mut h = Harness::new(80, 24);
    h.start_alpha();
    h.press("dhalf a note<C-c>");
    assert!(!h.app.quit, "asks first");
    h.press("n");
    assert!(
        matches!(h.app.modal, Some(muster::tui::app::Modal::Input(ref i)) if i.text == "half a note"),
        "the text is kept"
    );
    h.press("<C-c>y");
    assert!(h.app.quit);
}

#[test]
fn a_failed_append_shows_a_red_banner_and_the_step_is_not_done() {
    let mut h = Harness::new(80, 24);
    h.start_alpha();
    let dir = h.app.session.as_ref().unwrap().dir.clone();
    // from now on this writer's appends hit a full disk
    h.world = World::new(h.home.clone(), "full".into());
    std::os::unix::fs::symlink("/dev/full", dir.join("journal-full.jsonl")).unwrap();
    h.press("dall good<Enter>");
    let b = h.app.banner.clone().unwrap();
    assert!(b.text.starts_with("NOT RECORDED"), "{}", b.text);
    assert!(b.text.contains("disk is full"), "{}", b.text);
    assert_eq!(
        h.app
            .session
            .as_ref()
            .unwrap()
            .state
            .step("alpha", "check")
            .unwrap()
            .state
            .label(),
        "pending"
    );
    let screen = h.screen();
    assert!(screen.contains("NOT RECORDED"), "{screen}");
    assert!(screen.contains("[ ]  1 Check the replica"), "{screen}");
    // the banner is red
    let buf = h.term.backend().buffer();
    assert_eq!(buf[(1, 23)].bg, Color::Red);
    std::fs::remove_file(dir.join("journal-full.jsonl")).unwrap();
}

#[test]
fn another_writers_events_appear_without_a_key_press() {
    let mut h = Harness::new(80, 24);
    h.start_alpha();
    let o = h.app.session.as_ref().unwrap();
    let id = o.id.clone();
    o.record(
        "other-writer",
        "bob",
        h.now,
        vec![muster::journal::event::Body::StepDone {
            plan: "alpha".into(),
            step: "check".into(),
            note: None,
        }],
    )
    .unwrap();
    // no key: only the loop's periodic look at the journal files
    h.world.poll_every = std::time::Duration::ZERO;
    h.press("");
    h.app.now = h.now;
    h.world.tick(&mut h.app);
    h.press("");
    assert_eq!(h.app.session.as_ref().unwrap().id, id);
    assert!(
        h.screen().contains("[x]  1 Check the rep"),
        "{}",
        h.screen()
    );
}

// ---------- colour where colour carries meaning ----------

fn rto_colour(declared_minutes_ago: i64) -> Color {
    let mut h = Harness::new(80, 24);
    h.now = t0() - Duration::minutes(declared_minutes_ago);
    h.start_alpha();
    h.now = t0();
    h.press("");
    let buf = h.term.backend().buffer();
    let line: String = (0..80).map(|x| buf[(x, 0)].symbol().to_string()).collect();
    let x = line
        .find("RTO")
        .unwrap_or_else(|| panic!("no RTO in {line}")) as u16;
    buf[(x, 0)].fg
}

#[test]
fn rto_countdown_is_green_then_amber_then_red() {
    // db's RTO is 2 h
    assert_eq!(rto_colour(10), Color::Green);
    assert_eq!(rto_colour(100), Color::Yellow, "under 25% left");
    assert_eq!(rto_colour(130), Color::Red, "missed");
}

#[test]
fn no_color_means_no_colour_and_marks_still_tell_states() {
    let mut h = Harness::new(80, 24);
    h.app.theme = Theme { color: false };
    h.start_alpha().press("dfine<Enter>");
    let buf = h.term.backend().buffer();
    for y in 0..24 {
        for x in 0..80 {
            let c = &buf[(x, y)];
            assert!(
                c.fg == Color::Reset && c.bg == Color::Reset,
                "colour at {x},{y}: {c:?}"
            );
        }
    }
    assert!(
        h.screen().contains("[x]  1 Check the repl"),
        "{}",
        h.screen()
    );
}

#[test]
fn text_from_files_is_neutralised() {
    utc();
    let dir = tempfile::tempdir().unwrap();
    let lib_dir = dir.path().join("lib");
    common::copy_dir(&common::mini(), &lib_dir);
    let p = lib_dir.join("plans/beta.ron");
    let text = std::fs::read_to_string(&p).unwrap().replace(
        "Check the web servers",
        "Check \\u{1b}[2J\\u{1b}[31mweb 漢字 servers",
    );
    std::fs::write(&p, text).unwrap();
    let lib = library::load(&Location::Dir(lib_dir), t0().date_naive()).unwrap();
    let mut h = Harness::new(80, 24);
    h.app = App::new(lib, "tester".into(), t0(), Theme { color: false });
    h.press("j<Enter>");
    let s = h.screen();
    assert!(s.contains("Check \\u{1b}[2J\\u{1b}[31mweb"), "{s}");
    assert!(!s.contains('\u{1b}'));
}

// ---------- exercises ----------

#[test]
fn facilitator_and_participant_views() {
    let mut fac = Harness::new(80, 24);
    // the mini library's scenario "drill" is option 2
    fac.press("s2<Enter><Enter>");
    assert!(fac.state().is_exercise());
    fac.world.poll_every = std::time::Duration::ZERO;
    fac.now = t0() + Duration::minutes(1);
    fac.press("F");
    // the At(0m) inject came due and the facilitator's muster released it
    assert!(
        fac.state()
            .inject("alarm")
            .is_some_and(|r| r.released && !r.early)
    );
    insta::assert_snapshot!("facilitator", fac.screen());

    let mut part = Harness::new(80, 24);
    part.home = fac.home.clone();
    part.world = World::new(fac.home.clone(), "w2".into());
    part.world.poll_every = std::time::Duration::ZERO;
    part.app.default_actor = "pat".into();
    part.now = fac.now;
    part.press("<Tab><Enter><Enter>");
    assert_eq!(part.app.screen, Screen::Session);
    // the facilitator releases the manual inject "press" (third in the list)
    fac.press("jjR");
    assert!(
        fac.state()
            .inject("press")
            .is_some_and(|r| r.released && r.early)
    );
    // the participant sees it without a key press
    part.app.now = part.now;
    part.world.tick(&mut part.app);
    part.press("");
    insta::assert_snapshot!("participant_inject_banner", part.screen());
    assert!(part.screen().contains("INJECT press: A journalist calls"));
}

#[test]
fn exercise_is_on_every_screen_of_an_exercise_and_never_on_an_incident() {
    let mut h = Harness::new(80, 24);
    h.press("s2<Enter><Enter>");
    for keys in ["", "t", "<Esc>i", "<Esc>F", "<Esc>?"] {
        h.press(keys);
        let first = h.screen().lines().next().unwrap().to_string();
        assert!(first.contains("EXERCISE"), "after {keys:?}: {first}");
    }
    let mut i = Harness::new(80, 24);
    i.start_alpha();
    for keys in ["", "t", "<Esc>i", "<Esc>?"] {
        i.press(keys);
        assert!(
            !i.screen().contains("EXERCISE"),
            "after {keys:?}:\n{}",
            i.screen()
        );
    }
}

#[test]
fn facilitator_clock_controls_and_observations() {
    let mut h = Harness::new(80, 24);
    h.press("s2<Enter><Enter>F");
    h.now = t0() + Duration::minutes(2);
    h.press(" ");
    assert!(h.state().clock.as_ref().unwrap().paused);
    h.now = t0() + Duration::minutes(10);
    h.press(" +");
    let c = h.state().clock.clone().unwrap();
    assert!(!c.paused);
    assert_eq!(c.speed, 2);
    assert_eq!(c.ex_ms(h.now), 2 * 60_000, "paused for 8 minutes");
    h.press(">");
    assert_eq!(h.state().clock.unwrap().ex_ms(h.now), 7 * 60_000);
    h.press("jxO2more runbook detail needed<Enter>");
    let st = h.state();
    assert!(
        st.inject("lag").is_some_and(|r| !r.released),
        "x skips the selected inject"
    );
    assert_eq!(st.observations[0].text, "more runbook detail needed");
    assert_eq!(st.observations[0].inject.as_deref(), Some("lag"));
    h.press("o2");
    h.press("3<Enter>");
    assert_eq!(
        h.state().rating("comms").unwrap().rating,
        muster::journal::event::Rating::M
    );
}

#[test]
fn export_from_the_session_view_shows_the_path_written() {
    let mut h = Harness::new(80, 24);
    h.start_alpha().press("dok<Enter>");
    h.press("e2");
    let b = h.app.banner.clone().unwrap();
    assert!(b.text.starts_with("Written: "), "{}", b.text);
    let path = std::path::PathBuf::from(b.text.trim_start_matches("Written: "));
    assert!(
        path.starts_with(h.home.join("exports")),
        "{}",
        path.display()
    );
    assert!(
        path.to_string_lossy()
            .ends_with("-post-incident-review.html")
    );
    let html = std::fs::read_to_string(&path).unwrap();
    assert!(html.contains("<h1>Post-incident review: Fail the database over</h1>"));
    h.press("e4");
    let csv_path = h
        .app
        .banner
        .clone()
        .unwrap()
        .text
        .trim_start_matches("Written: ")
        .to_string();
    assert!(csv_path.ends_with(".csv"));
    assert!(
        std::fs::read_to_string(csv_path)
            .unwrap()
            .starts_with("time_utc,")
    );
}

#[test]
fn keys_do_nothing_while_the_terminal_is_too_small() {
    let mut h = Harness::new(80, 24);
    h.start_alpha();
    h.term.backend_mut().resize(59, 15);
    h.press("ajd");
    assert_eq!(h.app.step_sel, 0);
    assert!(h.app.modal.is_none());
    assert_eq!(
        h.state().step("alpha", "check").unwrap().state.label(),
        "pending",
        "nothing was recorded unseen"
    );
    h.press("q");
    assert!(h.app.quit, "but q still quits");
}

#[test]
fn unfinished_dependencies_are_confirmed_and_a_second_done_is_refused() {
    let mut h = Harness::new(80, 24);
    h.start_alpha();
    // promote comes after check, which is pending
    h.press("jd");
    assert!(
        matches!(h.app.modal, Some(muster::tui::app::Modal::Confirm { .. })),
        "asks first"
    );
    assert!(
        h.screen()
            .contains("This step comes after 1. check, not finished yet."),
        "{}",
        h.screen()
    );
    h.press("n");
    assert!(h.app.modal.is_none());
    assert_eq!(
        h.state().step("alpha", "promote").unwrap().state.label(),
        "pending"
    );
    h.press("dy<Enter>");
    assert_eq!(
        h.state().step("alpha", "promote").unwrap().state.label(),
        "done",
        "y goes on to the note and records"
    );
    h.press("d");
    assert!(h.app.modal.is_none(), "no prompt for a step already done");
    assert!(
        h.app
            .banner
            .as_ref()
            .unwrap()
            .text
            .starts_with("Already done by tester"),
        "{:?}",
        h.app.banner
    );
    h.press("<Enter>");
    assert!(h.app.modal.is_none(), "Enter does not mark done");
}
