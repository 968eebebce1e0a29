//! Moving around: screens, tabs, selections, search. Nothing here records anything.

use super::app::{App, Screen, SearchState};
use super::effects::Effect;
use super::keymap::Action;
use crate::domain::Plan;
use crate::domain::ids::StepRef;
use crate::domain::impact::{self, Waiting};
use crate::domain::search::{self, Entry, EntryKind};
use crate::domain::session::StepState;
use crate::domain::session::rto;
use chrono::{DateTime, Utc};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::collections::HashSet;

/// The sections of the index browser, in order.
pub const INDEX_SECTIONS: [EntryKind; 8] = EntryKind::INDEX;

impl App {
    pub(super) fn go(&mut self, s: Screen) {
        if self.screen != s {
            let prev = std::mem::replace(&mut self.screen, s);
            self.back.push(prev);
        }
        self.detail_scroll = 0;
        self.hscroll = 0;
    }

    /// The plan shown on the plan or session screen, and its steps' states (in a session).
    pub fn shown_plan(&self) -> Option<(&Plan, Option<&[StepState]>)> {
        match &self.screen {
            Screen::Plan(id) => self.lib.plan(id).map(|p| (&**p, None)),
            _ => {
                let s = self.session.as_ref()?;
                let ps = s.state.plans.get(self.cur_plan)?;
                let plan = s.plan_def(ps.id.as_str())?;
                Some((plan, Some(ps.steps.as_slice())))
            }
        }
    }

    pub fn selected_step(&self) -> Option<(&Plan, usize, Option<&StepState>)> {
        let (plan, states) = self.shown_plan()?;
        let i = self.step_sel.min(plan.steps.len().checked_sub(1)?);
        Some((plan, i, states.and_then(|s| s.get(i))))
    }

    /// The selected step of the session, when the session screen shows one.
    pub(super) fn session_step(&self) -> Option<StepRef> {
        if self.screen != Screen::Session {
            return None;
        }
        let (_, _, st) = self.selected_step()?;
        st.map(StepState::at_ref)
    }

    pub fn section_entries(&self) -> Vec<&Entry> {
        let kind = INDEX_SECTIONS[self.index_section];
        let mut v: Vec<&Entry> = self
            .index_entries
            .iter()
            .filter(|e| e.kind == kind)
            .collect();
        // in a session, the commander's overview: the services it restores, soonest deadline
        // first, then the others in the index's order
        if kind == EntryKind::Service
            && let Some(o) = self.incident_services()
        {
            let rank = |id: &str| o.iter().position(|w| w.service == id).unwrap_or(usize::MAX);
            v.sort_by_key(|e| rank(&e.id));
        }
        v
    }

    /// In a session, the services its plans restore, soonest RTO deadline first, each with
    /// what it depends on that is not back yet (`impact::overview`); `None` outside one.
    pub fn incident_services(&self) -> Option<Vec<Waiting<DateTime<Utc>>>> {
        let s = self.session.as_ref()?;
        let ix = &self.lib.index;
        let deadlines: Vec<(String, DateTime<Utc>)> = rto::rto_deadlines(s, ix)
            .into_iter()
            .map(|d| (d.service, d.deadline))
            .collect();
        let restored: HashSet<String> = rto::rto_outcomes(s, ix, self.now)
            .into_iter()
            .filter(|r| r.restored_at.is_some())
            .map(|r| r.service)
            .collect();
        Some(impact::overview(ix, &deadlines, &restored))
    }

    /// Handles a key that moves around; `None` when the action is not a move.
    pub(super) fn navigate(&mut self, a: Action) -> Option<Vec<Effect>> {
        match a {
            Action::Quit => self.quit = true,
            Action::Help => {
                self.help = true;
                self.help_scroll = 0;
            }
            Action::Search => self.search = Some(SearchState::default()),
            Action::Back => {
                if let Some(prev) = self.back.pop() {
                    self.screen = prev;
                    self.detail_scroll = 0;
                    if self.screen == Screen::Home {
                        return Some(vec![Effect::ListSessions { force: false }]);
                    }
                }
            }
            Action::Up => self.move_sel(-1),
            Action::Down => self.move_sel(1),
            Action::Top => self.move_sel(-(self.list_len() as isize)),
            Action::Bottom => self.move_sel(self.list_len() as isize),
            Action::PageUp => match self.screen {
                Screen::Home | Screen::Timeline => self.move_sel(-10),
                _ => self.detail_scroll = self.detail_scroll.saturating_sub(10),
            },
            Action::PageDown => match self.screen {
                Screen::Home | Screen::Timeline => self.move_sel(10),
                _ => self.detail_scroll = self.detail_scroll.saturating_add(10),
            },
            Action::Left => self.hscroll = self.hscroll.saturating_sub(8),
            Action::Right => self.hscroll = self.hscroll.saturating_add(8).min(2000),
            Action::NextTab | Action::PrevTab => {
                let fwd = a == Action::NextTab;
                match self.screen {
                    Screen::Home => self.tab = (self.tab + if fwd { 1 } else { 2 }) % 3,
                    Screen::Index => {
                        let n = INDEX_SECTIONS.len();
                        self.index_section = (self.index_section + if fwd { 1 } else { n - 1 }) % n;
                        self.index_sel = 0;
                        self.detail_scroll = 0;
                    }
                    Screen::Facilitator => {
                        self.exercise_pane = 1 - self.exercise_pane.min(1);
                        self.detail_scroll = 0;
                    }
                    _ => {}
                }
            }
            Action::PlanNext | Action::PlanPrev => {
                let n = self.session.as_ref().map_or(0, |s| s.state.plans.len());
                if n > 0 {
                    self.cur_plan =
                        (self.cur_plan + if a == Action::PlanNext { 1 } else { n - 1 }) % n;
                    self.step_sel = 0;
                    self.detail_scroll = 0;
                }
            }
            Action::Open => {
                if self.screen == Screen::Home {
                    match self.tab {
                        0 => {
                            if let Some(p) = self.lib.plans.get(self.plan_sel) {
                                let id = p.id.v.clone();
                                self.open_plan(&id, None);
                            }
                        }
                        1 => {
                            if let Some(s) = self.sessions.get(self.session_sel) {
                                return Some(vec![Effect::Open(s.id.clone())]);
                            }
                        }
                        _ => {
                            self.index_sel = 0;
                            self.go(Screen::Index);
                        }
                    }
                }
            }
            Action::ToggleMark => {
                if self.screen == Screen::Home
                    && self.tab == 0
                    && let Some(p) = self.lib.plans.get(self.plan_sel)
                {
                    let id = p.id.v.clone();
                    if let Some(i) = self.marked.iter().position(|m| *m == id) {
                        self.marked.remove(i);
                    } else {
                        self.marked.push(id);
                    }
                    self.move_sel(1);
                }
            }
            Action::Index => {
                self.index_sel = 0;
                self.go(Screen::Index);
            }
            Action::Timeline => {
                if self.session.is_some() {
                    self.timeline_sel = 0;
                    self.go(Screen::Timeline);
                }
            }
            Action::Facilitator => {
                if self.session.as_ref().is_some_and(|s| s.state.is_exercise()) {
                    // participants see the released injects; only a facilitator's muster
                    // releases the due ones
                    self.facilitating = self.may_facilitate();
                    self.inject_sel = 0;
                    self.go(Screen::Facilitator);
                } else {
                    self.error("The facilitator view is for exercise sessions.");
                }
            }
            _ => return None,
        }
        Some(Vec::new())
    }

    pub(super) fn search_key(&mut self, key: KeyEvent) -> Vec<Effect> {
        let Some(mut s) = self.search.take() else {
            return Vec::new();
        };
        if super::app::ctrl_c(&key) {
            self.quit = true;
            return Vec::new();
        }
        match key.code {
            KeyCode::Esc => return Vec::new(),
            KeyCode::Up => s.sel = s.sel.saturating_sub(1),
            KeyCode::Down => s.sel = (s.sel + 1).min(s.results.len().saturating_sub(1)),
            KeyCode::Backspace => {
                s.query.pop();
                self.search = Some(s);
                self.refresh_search();
                return Vec::new();
            }
            KeyCode::Enter => {
                if let Some(e) = s.results.get(s.sel).cloned() {
                    self.jump_to(&e);
                }
                return Vec::new();
            }
            KeyCode::Char(c) if !key.modifiers.contains(KeyModifiers::CONTROL) => {
                s.query.push(c);
                self.search = Some(s);
                self.refresh_search();
                return Vec::new();
            }
            _ => {}
        }
        self.search = Some(s);
        Vec::new()
    }

    pub(super) fn refresh_search(&mut self) {
        let Some(mut s) = self.search.take() else {
            return;
        };
        s.results = if s.query.trim().is_empty() {
            Vec::new()
        } else {
            search::search(&self.search_entries, &s.query)
                .into_iter()
                .take(200)
                .cloned()
                .collect()
        };
        s.sel = 0;
        self.search = Some(s);
    }

    /// Goes to where a search result lives.
    fn jump_to(&mut self, e: &Entry) {
        match e.kind {
            EntryKind::Plan => self.open_plan(&e.id, None),
            EntryKind::Step => {
                let plan = e.plan.clone().unwrap_or_default();
                self.open_plan(&plan, Some(&e.id));
            }
            kind => {
                if let Some(sec) = INDEX_SECTIONS.iter().position(|k| *k == kind) {
                    self.index_section = sec;
                    self.index_sel = self
                        .section_entries()
                        .iter()
                        .position(|x| x.id == e.id)
                        .unwrap_or(0);
                    self.go(Screen::Index);
                }
            }
        }
    }

    /// Opens a plan: in the session when it is part of it, else read-only from the library.
    fn open_plan(&mut self, plan: &str, step: Option<&str>) {
        let in_session = self.session.as_ref().and_then(|s| s.state.plan_index(plan));
        if let Some(i) = in_session {
            self.cur_plan = i;
            self.go(Screen::Session);
        } else {
            self.go(Screen::Plan(plan.to_string()));
        }
        self.step_sel = step
            .and_then(|s| self.shown_plan().and_then(|(p, _)| p.step_index(s)))
            .unwrap_or(0);
    }

    fn list_len(&self) -> usize {
        match &self.screen {
            Screen::Home => match self.tab {
                0 => self.lib.plans.len(),
                1 => self.sessions.len(),
                _ => INDEX_SECTIONS.len(),
            },
            Screen::Plan(_) | Screen::Session => {
                self.shown_plan().map_or(0, |(p, _)| p.steps.len())
            }
            Screen::Index => self.section_entries().len(),
            Screen::Timeline => self.recent.len(),
            Screen::Facilitator => match self.session.as_ref() {
                Some(s) if !self.may_see_all() => s.scenario.as_deref().map_or(0, |sc| {
                    crate::domain::schedule::released(sc, &s.state).len()
                }),
                Some(s) => s.scenario.as_ref().map_or(0, |sc| sc.injects.len()),
                None => 0,
            },
        }
    }

    fn sel_mut(&mut self) -> &mut usize {
        match &self.screen {
            Screen::Home => match self.tab {
                0 => &mut self.plan_sel,
                1 => &mut self.session_sel,
                _ => &mut self.index_section,
            },
            Screen::Plan(_) | Screen::Session => &mut self.step_sel,
            Screen::Index => &mut self.index_sel,
            Screen::Timeline => &mut self.timeline_sel,
            Screen::Facilitator => &mut self.inject_sel,
        }
    }

    fn move_sel(&mut self, delta: isize) {
        let len = self.list_len();
        let sel = self.sel_mut();
        let max = len.saturating_sub(1) as isize;
        *sel = (*sel as isize + delta).clamp(0, max.max(0)) as usize;
        self.detail_scroll = 0;
        self.hscroll = 0;
    }
}
