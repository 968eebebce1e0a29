//! The TUI's update path with no disk: scripted keys into `update`, a store in memory, a fixed
//! clock and zone, and snapshots of what `view` draws.

mod common;
#[path = "common/harness.rs"]
mod harness;
use harness::*;

use chrono::Duration;
use muster::domain::event::Body;
use muster::domain::ids::StepRef;
use muster::domain::session::{NoteKind, StepStatus};
use muster::library::{self, Location};
use muster::tui::app::Screen;
use muster::tui::flow::Modal;
use muster::tui::msg::Msg;
use muster::tui::theme::Theme;
use ratatui::style::Color;
use std::sync::Arc;

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
    h.start_alpha().press("<Esc>");
    h.press("<Tab>");
    insta::assert_snapshot!("home_sessions", h.screen());
    h.press("<Tab>");
    insta::assert_snapshot!("home_index", h.screen());
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
        matches!(&h.app.modal, Some(Modal::Flow(f)) if f.input.text == "replica in sync"),
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
    h.resize(80, 24);
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

#[test]
fn snapshot_close_summary() {
    let mut h = Harness::new(80, 24);
    h.start_alpha().press("dok<Enter>C");
    insta::assert_snapshot!(h.screen());
    h.press("all restored<Enter>");
    let st = h.state();
    assert_eq!(
        st.closed.as_ref().unwrap().note.as_deref(),
        Some("all restored")
    );
}

// ---------- update, for every action ----------

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
fn too_small_keys_wait_and_quitting_asks_before_losing_typed_text() {
    let mut h = Harness::new(80, 24);
    h.start_alpha();
    h.press("nhalf a no");
    h.resize(50, 12);
    // typed while nothing can be seen: it waits
    h.press("te");
    assert!(!h.app.quit);
    h.press("q");
    assert!(!h.app.quit, "q does not throw the typed note away at once");
    assert!(
        h.screen().contains("Quit and lose what you typed?"),
        "{}",
        h.screen()
    );
    h.press("x"); // no: keep it
    assert!(!h.app.quit);
    h.resize(80, 24);
    h.press("<Enter>");
    let notes = h.step("alpha", "check").notes;
    assert_eq!(notes.last().map(|n| n.text.as_str()), Some("half a note"));
    // with nothing typed, q quits even when too small
    h.resize(50, 12);
    h.press("q");
    assert!(h.app.quit);
}

#[test]
fn step_actions_are_recorded() {
    let mut h = Harness::new(80, 24);
    h.start_alpha();
    h.press("a");
    assert_eq!(h.step("alpha", "check").state, StepStatus::Active);
    h.press("dlag 2 s<Enter>");
    let c = h.step("alpha", "check");
    assert_eq!(
        (c.state, c.by.as_deref()),
        (StepStatus::Done, Some("tester"))
    );
    assert_eq!(c.notes[0].text, "lag 2 s");
    h.press("j");
    h.press("x<Enter>");
    assert!(
        h.app.modal.is_some(),
        "a skip without a reason is not recorded"
    );
    h.press("not needed<Enter>");
    assert_eq!(h.step("alpha", "promote").state, StepStatus::Skipped);
    h.press("j");
    h.press("bwaiting for backups<Enter>");
    assert_eq!(h.step("alpha", "restore").state, StepStatus::Blocked);
    h.press("rbackups arrived<Enter>");
    assert_eq!(h.step("alpha", "restore").state, StepStatus::Pending);
    h.press("nnote text<Enter>");
    assert!(
        h.step("alpha", "restore")
            .notes
            .iter()
            .any(|n| n.text == "note text")
    );
    h.press("Aben<Enter>");
    assert_eq!(h.step("alpha", "restore").assignee.as_deref(), Some("ben"));
    h.press("Nsession wide<Enter>");
    assert_eq!(h.state().notes[0].text, "session wide");
    h.press("Hann<Enter>going home<Enter>");
    let st = h.state();
    assert_eq!(st.handovers[0].to, "ann");
    assert_eq!(st.handovers[0].note.as_deref(), Some("going home"));
}

#[test]
fn decisions_and_undo() {
    let mut h = Harness::new(80, 24);
    h.start_alpha();
    h.press("c2behind by 20 min<Enter>");
    let s = h.state();
    let d = s
        .step(&StepRef::new("alpha", "check"))
        .unwrap()
        .decision
        .clone()
        .unwrap();
    assert_eq!(
        (
            d.option.as_str(),
            d.next.as_ref().map(|n| n.as_str()),
            d.why.as_deref()
        ),
        ("No", Some("restore"), Some("behind by 20 min"))
    );
    assert!(s.step(&StepRef::new("alpha", "promote")).unwrap().bypassed);
    h.press("c");
    assert!(
        h.banner().contains("already taken by tester"),
        "{}",
        h.banner()
    );
    h.press("u");
    let c = h.step("alpha", "check");
    assert_eq!(c.state, StepStatus::Pending, "undo is a reopen");
    assert!(
        c.notes
            .iter()
            .any(|n| n.kind == NoteKind::Reopen && n.text.starts_with("undo: decision"))
    );
    // the journal was appended to, never edited: start, decision, undo
    assert_eq!(h.store.sessions[&h.id()].len(), 3);
}

#[test]
fn invoke_a_plan_from_the_session() {
    let mut h = Harness::new(80, 24);
    h.start_alpha().press("I1");
    let st = h.state();
    assert_eq!(
        st.plans.iter().map(|p| p.id.as_str()).collect::<Vec<_>>(),
        ["alpha", "beta"]
    );
    assert!(h.banner().contains("plan beta joined"), "{}", h.banner());
    h.press("I");
    assert!(
        h.banner().contains("already in this session"),
        "{}",
        h.banner()
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
        matches!(&h.app.modal, Some(Modal::Flow(f)) if f.input.text == "half a note"),
        "the text is kept"
    );
    h.press("<C-c>y");
    assert!(h.app.quit);
}

#[test]
fn a_failed_append_stays_on_screen_whole_and_keeps_the_text_for_a_retry() {
    let mut h = Harness::new(80, 24);
    h.start_alpha();
    h.store.fail_next = Some(std::io::ErrorKind::StorageFull);
    h.press("dall good<Enter>");
    let Some(Modal::Alert { title, text, .. }) = &h.app.modal else {
        panic!("no alert: {:?}", h.app.modal);
    };
    assert_eq!(title, "NOT RECORDED");
    assert!(text.contains("disk is full"), "{text}");
    assert_eq!(h.step("alpha", "check").state, StepStatus::Pending);
    let screen = h.screen();
    assert!(screen.contains("NOT RECORDED"), "{screen}");
    assert!(
        screen.contains("free some space"),
        "the cause is not cut: {screen}"
    );
    // it stays until dismissed, and Enter tries again with what was typed
    h.press("<Enter>");
    let c = h.step("alpha", "check");
    assert_eq!(c.state, StepStatus::Done);
    assert_eq!(c.notes[0].text, "all good", "the typed note was kept");
}

#[test]
fn another_writers_events_appear_without_a_key_press_and_the_screen_stays() {
    let mut h = Harness::new(80, 24);
    h.start_alpha().press("jt");
    assert_eq!(h.app.screen, Screen::Timeline);
    let id = h.id();
    h.store.add(
        &id,
        "other-writer",
        "bob",
        h.now,
        vec![Body::StepDone {
            plan: "alpha".into(),
            step: "check".into(),
            note: None,
        }],
    );
    // no key: only the clock moves on, and the app looks at the journal
    h.now += Duration::seconds(1);
    h.msg(Msg::Tick(h.now));
    h.draw();
    assert_eq!(
        h.app.screen,
        Screen::Timeline,
        "a refresh never moves the user"
    );
    h.press("<Esc>");
    assert!(
        h.screen().contains("[x]  1 Check the rep"),
        "{}",
        h.screen()
    );
}

#[test]
fn the_selected_steps_details_follow_new_notes_and_the_width() {
    let mut h = Harness::new(80, 50);
    h.start_alpha();
    h.draw();
    let id = h.id();
    h.store.add(
        &id,
        "other-writer",
        "bob",
        h.now,
        vec![Body::Note {
            plan: Some("alpha".into()),
            step: Some("check".into()),
            text: "pager rang twice, the phone stayed silent".into(),
        }],
    );
    h.now += Duration::seconds(1);
    h.msg(Msg::Tick(h.now));
    h.draw();
    assert!(h.screen().contains("pager rang twice"), "{}", h.screen());
    // at another width the lines are wrapped again, never cut
    for w in [62, 100] {
        h.resize(w, 50);
        h.draw();
        let screen = h.screen();
        for word in ["pager", "twice,", "phone", "stayed", "silent"] {
            assert!(screen.contains(word), "{word} at {w}:\n{screen}");
        }
    }
}

#[test]
fn a_closed_session_refuses_every_change_with_the_gates_words() {
    let mut h = Harness::new(80, 24);
    h.start_alpha().press("C<Enter>");
    assert!(h.state().closed.is_some());
    for keys in ["a", "d", "x", "b", "n", "A", "c", "u", "N", "H", "I", "C"] {
        h.press(keys);
        assert!(
            h.app.modal.is_none(),
            "{keys}: no prompt on a closed session"
        );
        assert!(
            h.banner().contains("was closed by tester")
                && h.banner().contains("nothing more can be recorded"),
            "{keys}: {}",
            h.banner()
        );
    }
}

#[test]
fn unfinished_dependencies_are_confirmed_and_a_second_done_asks_too() {
    let mut h = Harness::new(80, 24);
    h.start_alpha();
    // promote comes after check, which is pending
    h.press("jd");
    assert!(
        matches!(&h.app.modal, Some(Modal::Flow(f)) if matches!(f.need, muster::domain::command::Need::Confirm { .. })),
        "asks first"
    );
    assert!(
        h.screen()
            .contains("comes after 1. check, not finished yet."),
        "{}",
        h.screen()
    );
    h.press("n");
    assert!(h.app.modal.is_none());
    assert_eq!(h.step("alpha", "promote").state, StepStatus::Pending);
    h.press("dy<Enter>");
    assert_eq!(
        h.step("alpha", "promote").state,
        StepStatus::Done,
        "y goes on to the note and records"
    );
    h.press("d");
    assert!(
        h.app.modal.is_none(),
        "no prompt for a step already done by me"
    );
    assert!(h.banner().contains("already done by you"), "{}", h.banner());
    h.press("<Enter>");
    assert!(h.app.modal.is_none(), "Enter does not mark done");
}

#[test]
fn a_paste_goes_into_the_prompt_as_text_and_never_runs_keys() {
    let mut h = Harness::new(80, 24);
    h.start_alpha().press("n");
    h.msg(Msg::Paste("line one\nq\nd".into()));
    h.press("<Enter>");
    assert!(!h.app.quit);
    let c = h.step("alpha", "check");
    assert_eq!(c.notes.len(), 1);
    assert_eq!(c.notes[0].text, "line one\nq\nd");
    assert_eq!(
        c.state,
        StepStatus::Pending,
        "the d in the paste marked nothing done"
    );
    // with no prompt open, a paste does nothing but say so
    h.msg(Msg::Paste("x\nq".into()));
    assert!(!h.app.quit);
    assert!(
        h.banner().contains("only taken into a prompt"),
        "{}",
        h.banner()
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
    h.app.theme = Theme::new(false);
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
    let mut h = Harness::with(80, 24, Arc::new(lib));
    h.app.theme = Theme::new(false);
    h.press("j<Enter>");
    let s = h.screen();
    assert!(s.contains("Check \\u{1b}[2J\\u{1b}[31mweb"), "{s}");
    assert!(!s.contains('\u{1b}'));
}

// ---------- exercises ----------

#[test]
fn facilitator_and_participant_views() {
    let mut fac = Harness::new(80, 24);
    // the mini library's scenario "drill" is option 2; the name, the title and who runs it
    // (Enter: the one starting it) are asked
    fac.press("s2<Enter><Enter><Enter>");
    let st = fac.state();
    assert!(st.is_exercise());
    assert_eq!(st.facilitators, ["tester"]);
    // the At(0m) inject is released with the start, not when the facilitator view opens
    assert!(st.inject("alarm").is_some_and(|r| r.released && !r.early));
    fac.now = t0() + Duration::minutes(1);
    fac.press("F");
    insta::assert_snapshot!("facilitator", fac.screen());

    // a participant joining late, on the same events: the newest released inject is shown at
    // the top of the session until it is marked read
    let id = fac.id();
    let mut part = Harness::new(80, 24);
    part.store.sessions = fac.store.sessions.clone();
    part.app.default_actor = "pat".into();
    part.now = fac.now;
    part.press("<Tab><Enter>");
    assert_eq!(part.app.screen, Screen::Session);
    let screen = part.screen();
    assert!(
        screen.contains("INJECT at T+00:00:00")
            && screen.contains("Monitoring shows the primary down."),
        "{screen}"
    );
    part.press("<Enter>");
    assert!(
        !part.screen().contains("Monitoring shows"),
        "{}",
        part.screen()
    );
    // the exercise view shows a participant only what was released: no unreleased inject, no
    // expected actions or facilitator notes, no controls
    part.press("F");
    let screen = part.screen();
    insta::assert_snapshot!("participant_exercise_view", screen);
    assert!(screen.contains("The database alarm fires"), "{screen}");
    for hidden in [
        "A journalist calls",
        "Backups are slow",
        "The replica is behind",
        "R release",
    ] {
        assert!(!screen.contains(hidden), "{hidden}:\n{screen}");
    }
    // and the gate refuses a participant the facilitator's keys
    let before = part.store.sessions[&id].len();
    // (the name is asked first, as before anything recorded)
    part.press(" <Enter>");
    assert!(
        part.banner()
            .contains("Only the exercise's facilitators (tester) may control the exercise clock"),
        "{}",
        part.banner()
    );
    part.press("x");
    assert!(
        part.banner()
            .contains("Only the exercise's facilitators (tester) may skip injects"),
        "{}",
        part.banner()
    );
    assert_eq!(part.store.sessions[&id].len(), before, "nothing recorded");
    part.press("<Esc>");

    // the facilitator releases the manual inject "press" (third in the list)
    fac.press("jjR");
    assert!(
        fac.state()
            .inject("press")
            .is_some_and(|r| r.released && r.early)
    );
    // the participant sees it without a key press, and it stays until read
    part.store
        .sessions
        .insert(id.clone(), fac.store.sessions[&id].clone());
    part.now += Duration::seconds(1);
    part.press("");
    insta::assert_snapshot!("participant_inject_banner", part.screen());
    assert!(part.screen().contains("INJECT press: A journalist calls"));
    part.press("j");
    assert!(
        part.screen().contains("A reporter asks about the outage."),
        "the inject stays after another key:\n{}",
        part.screen()
    );
}

#[test]
fn exercise_is_on_every_screen_of_an_exercise_and_never_on_an_incident() {
    let mut h = Harness::new(80, 24);
    h.press("s2<Enter><Enter><Enter>");
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
    h.press("s2<Enter><Enter><Enter>F");
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
    h.press("jxnot today<Enter>");
    assert!(
        h.state().inject("lag").is_some_and(|r| !r.released),
        "x skips the selected inject, with a reason"
    );
    assert_eq!(
        h.state().inject("lag").unwrap().reason.as_deref(),
        Some("not today")
    );
    // the prompt says what the observation is tied to: here, an inject that was skipped
    h.press("O");
    assert!(
        h.screen().contains("Observation on inject lag (skipped)"),
        "{}",
        h.screen()
    );
    // an area for improvement, on objective "comms" (the third choice: none, failover, comms)
    h.press("2");
    assert!(
        h.screen()
            .contains("Which objective? (observation on inject lag"),
        "{}",
        h.screen()
    );
    h.press("3more runbook detail needed<Enter>");
    let st = h.state();
    assert_eq!(st.observations[0].text, "more runbook detail needed");
    assert_eq!(
        st.observations[0].objective.as_ref().map(|o| o.as_str()),
        Some("comms")
    );
    assert_eq!(
        st.observations[0].inject.as_ref().map(|i| i.as_str()),
        Some("lag")
    );
    h.press("o2");
    h.press("3<Enter>");
    assert_eq!(
        h.state().rating("comms").unwrap().rating,
        muster::domain::event::Rating::M
    );
}

#[test]
fn export_from_the_session_view_shows_the_path_written() {
    let mut h = Harness::new(80, 24);
    h.start_alpha().press("dok<Enter>");
    h.press("e2");
    assert!(h.banner().starts_with("Written: "), "{}", h.banner());
    assert!(
        h.banner().ends_with("-post-incident-review.html"),
        "{}",
        h.banner()
    );
    let (_, html) = h.store.exports.last().unwrap();
    assert!(html.contains("<h1>Post-incident review: Fail the database over</h1>"));
    h.press("e4");
    assert!(h.banner().ends_with(".csv"));
    assert!(h.store.exports.last().unwrap().1.starts_with("time_utc,"));
}

#[test]
fn keys_do_nothing_while_the_terminal_is_too_small() {
    let mut h = Harness::new(80, 24);
    h.start_alpha();
    h.resize(59, 15);
    h.press("ajd");
    assert_eq!(h.app.step_sel, 0);
    assert!(h.app.modal.is_none());
    assert_eq!(
        h.step("alpha", "check").state,
        StepStatus::Pending,
        "nothing was recorded unseen"
    );
    h.press("q");
    assert!(h.app.quit, "but q still quits");
}

/// Opened again after a crash, the TUI goes back to the session followed last, on the next
/// step to do.
#[test]
fn the_resumed_view_at_80x24() {
    let mut first = Harness::new(80, 24);
    first.start_alpha().press("d<Enter>");
    let id = first.id();
    let mut h = Harness::new(80, 24);
    h.store = first.store;
    h.app.resume = Some(id.clone());
    h.press("");
    assert_eq!(h.app.screen, Screen::Session, "{}", h.screen());
    assert_eq!(h.app.step_sel, 1, "the next step to do is selected");
    let screen = h.screen();
    assert!(screen.contains("the next step is 2"), "{screen}");
    insta::assert_snapshot!("resumed_80x24", screen);
    // a closed session is not resumed
    let mut h2 = Harness::new(80, 24);
    h2.store = h.store;
    h2.store.add(
        &id,
        "w1",
        "tester",
        h2.now,
        vec![Body::SessionClosed { note: None }],
    );
    h2.app.resume = Some(id);
    h2.press("");
    assert_eq!(h2.app.screen, Screen::Home);
}

#[test]
fn a_second_incident_on_a_plan_already_open_asks_first() {
    let mut h = Harness::new(80, 24);
    h.start_alpha();
    let first = h.id();
    h.press("<Esc>");
    assert_eq!(h.app.screen, Screen::Home, "{}", h.screen());
    h.press("s1");
    let screen = h.screen();
    assert!(screen.contains("is already open on alpha"), "{screen}");
    // no: back to the open session, nothing started
    h.press("1");
    assert_eq!(h.app.screen, Screen::Session);
    assert_eq!(h.id(), first);
    assert_eq!(h.store.sessions.len(), 1);
    // yes: a second one
    h.press("<Esc>s12<Enter>");
    assert_eq!(h.store.sessions.len(), 2, "{}", h.screen());
}

#[test]
fn invoking_from_a_step_offers_the_plans_it_names_first() {
    let dir = tempfile::tempdir().unwrap();
    common::copy_dir(&common::mini(), dir.path());
    std::fs::write(
        dir.path().join("plans/gamma.ron"),
        r#"Plan(id: "gamma", title: "Gamma", steps: [
            Step(id: "a", title: "Look"),
            Step(id: "b", title: "Run the web shop plan", links: [Plan("beta")]),
        ])"#,
    )
    .unwrap();
    let lib = library::load(&Location::Dir(dir.path().to_path_buf()), t0().date_naive()).unwrap();
    let at = lib.plans.iter().position(|p| p.id.v == "gamma").unwrap();
    let mut h = Harness::with(100, 30, Arc::new(lib));
    h.press(&format!("{}s1<Enter><Enter><Down>I", "<Down>".repeat(at)));
    let screen = h.screen();
    let first_option = screen
        .lines()
        .find(|l| l.contains("1. "))
        .unwrap_or_default()
        .to_string();
    assert!(
        first_option.contains("(beta): named by this step"),
        "{screen}"
    );
    h.press("1");
    assert!(h.state().plan("beta").is_some(), "{}", h.screen());
}

/// Keys typed ahead (a held key, a slow link) are all taken before the next frame: one frame
/// for them all, so a slow terminal is not sent a frame per key it will never show.
#[test]
fn keys_typed_ahead_make_one_frame() {
    use muster::tui::runtime::{EventSource, run_loop};
    use ratatui::crossterm::event::Event;
    use std::collections::VecDeque;
    struct Script(VecDeque<Event>);
    impl EventSource for Script {
        fn next(&mut self, _: std::time::Duration) -> std::io::Result<Option<Event>> {
            Ok(self.0.pop_front())
        }
        fn finished(&self) -> bool {
            self.0.is_empty()
        }
    }
    let mut h = Harness::new(80, 24);
    h.start_alpha();
    let keys: VecDeque<Event> = (0..3)
        .map(|_| {
            Event::Key(ratatui::crossterm::event::KeyEvent::from(
                ratatui::crossterm::event::KeyCode::Char('j'),
            ))
        })
        .collect();
    let mut script = Script(keys);
    let mut term = ratatui::Terminal::new(ratatui::backend::TestBackend::new(80, 24)).unwrap();
    let stop = std::sync::atomic::AtomicBool::new(false);
    let clock = muster::clock::FixedClock(h.now);
    run_loop(
        &mut term,
        &mut script,
        &mut h.app,
        &mut h.store,
        &clock,
        &stop,
    )
    .unwrap();
    assert_eq!(h.app.step_sel, 3, "every key was taken");
    assert!(
        term.get_frame().count() <= 2,
        "{} frames for three keys typed ahead",
        term.get_frame().count()
    );
}

#[test]
fn an_improvement_action_from_an_observation_in_one_go() {
    let mut h = Harness::new(80, 24);
    h.press("s2<Enter><Enter><Enter>F");
    // an area for improvement on no objective (kind 2, objective choice 1)
    h.press("O21Nobody had the press officer's number<Enter>");
    // P, raise (1), from O1 (the second choice), Enter takes its words
    h.press("P1");
    assert!(
        h.screen()
            .contains("2. O1 area for improvement: Nobody had the press officer's number"),
        "{}",
        h.screen()
    );
    h.press("2<Enter>");
    h.press("Comms lead<Enter>");
    // a date that is not one is caught as it is typed, and nothing typed is lost
    h.press("31/1<Enter>");
    assert!(
        h.screen().contains("\"31/1\" is not a date"),
        "{}",
        h.screen()
    );
    h.press("<BS><BS><BS><BS>2027-01-31<Enter>Planning<Enter>");
    let st = h.state();
    let a = &st.actions[0];
    assert_eq!(a.id, "A1");
    assert_eq!(a.text, "Nobody had the press officer's number");
    assert_eq!(a.owner.as_deref(), Some("Comms lead"));
    assert_eq!(a.due.map(|d| d.to_string()).as_deref(), Some("2027-01-31"));
    assert_eq!(a.capability.as_deref(), Some("Planning"));
    assert_eq!(a.of.as_ref(), Some(&st.observations[0].id));
    // and it is listed with the records (Tab)
    h.press("<Tab>");
    assert!(
        h.screen().contains("A1 (open): Nobody had the press"),
        "{}",
        h.screen()
    );
    // closed from the same menu, with a note
    h.press("P31done<Enter>");
    assert!(!h.state().actions[0].is_open());
}

#[test]
fn the_index_says_what_losing_a_site_takes_down() {
    let mut h = Harness::new(80, 24);
    h.press("i<Tab><Tab><Tab>");
    let s = h.screen();
    assert!(
        s.contains("If it is lost: 2 service(s) down; recover in"),
        "{s}"
    );
    assert!(s.contains("Functions hit: orders (RTO 4h)"), "{s}");
    insta::assert_snapshot!("index_site_lost", s);
}

#[test]
fn in_a_session_the_index_orders_services_by_deadline_and_marks_what_waits() {
    let mut h = Harness::new(80, 24);
    h.start_alpha().press("I1");
    h.press("i<Tab><Tab><Tab><Tab><Tab>");
    let ids: Vec<String> = h
        .app
        .section_entries()
        .iter()
        .map(|e| e.id.clone())
        .collect();
    assert_eq!(ids, ["db", "web"], "the 2-hour RTO first");
    h.press("j");
    let s = h.screen();
    assert!(s.contains("06:30 wait Web shop"), "{s}");
    assert!(s.contains("04:30      Database"), "{s}");
    assert!(s.contains("Waits for: db (not back yet)"), "{s}");
    assert!(
        s.contains("In this session: RTO deadline 06:30 (4:00 left)"),
        "{s}"
    );
    // the waiting service stands out in the warning colour (when not selected)
    h.press("k");
    let buf = h.term.backend().buffer().clone();
    let row = (0..24)
        .find(|&y| (0..16).map(|x| buf[(x, y)].symbol()).collect::<String>() == "06:30 wait Web s")
        .expect("the row of web");
    assert_eq!(buf[(0, row)].fg, ratatui::style::Color::Yellow);
    insta::assert_snapshot!("index_session_services", h.screen());
}

#[test]
fn the_plan_line_forecasts_from_the_history_and_marks_the_critical_steps() {
    let mut h = Harness::new(100, 24);
    // three runs in which checking the replica took 30 minutes (its estimate says 5-10)
    let start = |h: &mut Harness| {
        if h.app.session.is_none() {
            h.start_alpha();
        } else {
            // from the plans list, with a session open: yes, a second one
            h.press("<Esc>s12<Enter>");
        }
    };
    for run in 0..3 {
        h.now = t0() + Duration::hours(run);
        start(&mut h);
        h.press("a");
        h.now += Duration::minutes(30);
        h.press("dok<Enter>");
    }
    assert_eq!(h.store.sessions.len(), 3);
    // a fourth: check from its median (30 min), then restore (60 min): 90 minutes, not 70
    h.now = t0() + Duration::hours(4);
    start(&mut h);
    let screen = h.screen();
    assert!(
        screen.contains(" 1 alpha 0/4  forecast 08:00 · RTO 08:30 · 30 min to spare · » critical"),
        "{screen}"
    );
    // » marks check and restore, the chain the end waits on; not promote
    assert!(screen.contains("[ ]  1»Check the replica"), "{screen}");
    assert!(screen.contains("[ ]  3»Restore from backup"), "{screen}");
    assert!(screen.contains("[ ]  2 Promote the replica"), "{screen}");
}

#[test]
fn a_redline_proposed_with_r_is_accepted_with_l_and_both_are_recorded() {
    let mut h = Harness::new(100, 30);
    h.start_alpha();
    // R on the first step: a change, its text
    h.press("R1also check from Leeds<Enter>");
    let st = h.state();
    assert_eq!(st.redlines.len(), 1, "{}", h.screen());
    assert_eq!(st.redlines[0].text, "also check from Leeds");
    // L: which redline (the only open one), accept, why
    h.press("L");
    assert!(
        h.screen().contains("R1 on alpha/check by tester"),
        "{}",
        h.screen()
    );
    h.press("11agreed<Enter>");
    let r = &h.state().redlines[0];
    assert_eq!(
        r.status,
        muster::domain::redline::RedlineStatus::Accepted,
        "{}",
        h.screen()
    );
    assert_eq!(r.decided_by.as_deref(), Some("tester"));
    assert_eq!(r.note.as_deref(), Some("agreed"));
    // none open now: L says so, and records nothing
    let events = h.state().events;
    h.press("L");
    assert!(
        h.banner()
            .contains("No redline is open in this session (decided already: R1)"),
        "{}",
        h.banner()
    );
    assert_eq!(h.state().events, events);
}
