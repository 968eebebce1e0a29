//! The index browser: people, roles in escalation order, vendors, sites, VBFs, services,
//! documents and the invocation guideline.

use super::home::window;
use super::text::{ellipsis, wrapped};
use crate::domain::impact::{self, Kind};
use crate::domain::search::{Entry, EntryKind};
use crate::domain::text::clean;
use crate::tui::app::App;
use crate::tui::nav::INDEX_SECTIONS;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

pub fn render(app: &App, f: &mut Frame, area: Rect) {
    let t = &app.theme;
    let [tabs, body] = Layout::vertical([Constraint::Length(1), Constraint::Min(1)]).areas(area);
    let mut spans = Vec::new();
    for (i, name) in INDEX_SECTIONS.iter().map(|k| k.section()).enumerate() {
        let style = if i == app.index_section {
            t.selected().patch(t.title())
        } else {
            t.dim()
        };
        spans.push(Span::styled(name.to_string(), style));
        spans.push(Span::raw(" "));
    }
    f.render_widget(Paragraph::new(Line::from(spans)), tabs);
    let entries = app.section_entries();
    // the list grows with the terminal, up to what its longest title needs
    let overview = match INDEX_SECTIONS[app.index_section] {
        EntryKind::Service => app.incident_services(),
        _ => None,
    };
    // in a session the services carry their deadline and state before the name
    let tag_w = if overview.is_some() { 11 } else { 0 };
    let longest = entries
        .iter()
        .map(|e| unicode_width::UnicodeWidthStr::width(e.title.as_str()) + tag_w)
        .max()
        .unwrap_or(0) as u16;
    let left_w = (body.width * 2 / 5)
        .min(longest + 2)
        .max(20.min(body.width));
    let [left, right] =
        Layout::horizontal([Constraint::Length(left_w), Constraint::Min(20)]).areas(body);
    let w = left.width.saturating_sub(1) as usize;
    let sel = app.index_sel.min(entries.len().saturating_sub(1));
    let mut lines = Vec::new();
    for i in window(sel, entries.len(), left.height as usize) {
        let e = entries[i];
        // in a session: its deadline, and back, waiting for a dependency, or still to do
        let (tag, style) = match overview
            .as_ref()
            .and_then(|o| o.iter().find(|x| x.service == e.id))
        {
            Some(x) if x.restored => (format!("{} back ", app.zone.hm(x.deadline)), t.dim()),
            Some(x) if !x.waits_for.is_empty() => {
                (format!("{} wait ", app.zone.hm(x.deadline)), t.warn())
            }
            Some(x) => (format!("{}      ", app.zone.hm(x.deadline)), t.text()),
            None if overview.is_some() => ("   -       ".to_string(), t.dim()),
            None => (String::new(), t.text()),
        };
        let style = if i == sel { t.selected() } else { style };
        let name = ellipsis(
            &clean(&e.title, false),
            w.saturating_sub(tag.chars().count()),
        );
        lines.push(Line::styled(
            format!("{:w$}", format!("{tag}{name}")),
            style,
        ));
    }
    if entries.is_empty() {
        lines.push(Line::styled("(none in this index)", t.dim()));
    }
    f.render_widget(
        Paragraph::new(lines).block(
            Block::default()
                .borders(Borders::RIGHT)
                .border_style(t.border()),
        ),
        left,
    );
    if let Some(e) = entries.get(sel) {
        let inner = Rect {
            x: right.x + 1,
            width: right.width.saturating_sub(1),
            ..right
        };
        let w = inner.width as usize;
        let mut l = wrapped(&e.title, w, t.title(), "");
        l.push(Line::styled(format!("{} · {}", e.kind, e.id), t.dim()));
        l.push(Line::raw(""));
        let mut more: Vec<String> = Vec::new();
        if let Some(x) = overview
            .as_ref()
            .and_then(|o| o.iter().find(|x| x.service == e.id))
            && let Some(s) = &app.session
        {
            let left = x.deadline - s.state.story_now(app.now);
            more.push(match (x.restored, left.num_seconds() < 0) {
                (true, _) => "In this session: back (restored)".to_string(),
                (false, true) => format!("In this session: RTO MISSED by {}", super::clock(-left)),
                (false, false) => format!(
                    "In this session: RTO deadline {} ({} left)",
                    app.zone.hm(x.deadline),
                    super::clock(left)
                ),
            });
            if !x.restored && !x.waits_for.is_empty() {
                more.push(format!(
                    "Waits for: {} (not back yet)",
                    x.waits_for.join(", ")
                ));
            }
        }
        more.extend(lost(app, e));
        for line in e.lines.iter().chain(&more) {
            // "Label: value": the label stands out
            match line.split_once(": ") {
                Some((label, value)) if label.len() < 24 => {
                    let mut lines = wrapped(&format!("{label}: {value}"), w, t.text(), "  ");
                    if let Some(first) = lines.first_mut() {
                        first.spans.insert(0, Span::raw(""));
                    }
                    l.extend(lines);
                }
                _ => l.extend(wrapped(line, w, t.text(), "  ")),
            }
        }
        let max_scroll = l.len().saturating_sub(inner.height as usize) as u16;
        f.render_widget(
            Paragraph::new(l).scroll((app.detail_scroll.min(max_scroll), 0)),
            inner,
        );
    }
}

/// What losing a site, a vendor or a service takes down, in lines for the details
/// (`impact::impact`, as `muster impact` shows it).
fn lost(app: &App, e: &Entry) -> Vec<String> {
    let kind = match e.kind {
        EntryKind::Site => Kind::Site,
        EntryKind::Vendor => Kind::Vendor,
        EntryKind::Service => Kind::Service,
        _ => return Vec::new(),
    };
    let Ok(i) = impact::impact(&app.lib, kind, &e.id) else {
        return Vec::new();
    };
    if i.services.is_empty() {
        return vec!["If it is lost: no service of the index needs it".to_string()];
    }
    let mut out = vec![format!(
        "If it is lost: {} service(s) down; recover in this order: {}",
        i.order.len(),
        i.order.join(", ")
    )];
    let vbfs: Vec<String> = i
        .vbf_details
        .iter()
        .map(|v| match v.rto {
            Some(r) => format!("{} (RTO {r})", v.id),
            None => v.id.clone(),
        })
        .collect();
    if !vbfs.is_empty() {
        out.push(format!("Functions hit: {}", vbfs.join(", ")));
    }
    if !i.plans.is_empty() {
        out.push(format!("Plans to invoke: {}", i.plans.join(", ")));
    }
    out
}
