//! The index browser: people, roles in escalation order, vendors, sites, VBFs, services,
//! documents and the invocation guideline.

use super::home::window;
use super::text::{ellipsis, wrapped};
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
    let longest = entries
        .iter()
        .map(|e| unicode_width::UnicodeWidthStr::width(e.title.as_str()))
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
        let style = if i == sel { t.selected() } else { t.text() };
        lines.push(Line::styled(
            format!("{:w$}", ellipsis(&clean(&e.title, false), w)),
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
        for line in &e.lines {
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
