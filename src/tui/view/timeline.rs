//! The timeline of a session, newest first.

use super::home::window;
use super::text::{ellipsis, wrapped};
use crate::domain::text::clean;
use crate::domain::time::ex_time;
use crate::present::describe::describe;
use crate::tui::app::App;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Paragraph};

pub fn render(app: &App, f: &mut Frame, area: Rect) {
    let t = &app.theme;
    let Some(o) = &app.session else { return };
    let w = area.width as usize;
    let total = o.state.events;
    let n = app.recent.len();
    let head = if total > n {
        format!(
            "Timeline of {}: the latest {n} of {total} events, newest first (`muster log` has them all)",
            o.state.id
        )
    } else {
        format!("Timeline of {}: {total} events, newest first", o.state.id)
    };
    let mut lines = vec![Line::styled(head, t.title())];
    let rows = area.height.saturating_sub(1 + (area.height / 3).max(2)) as usize;
    let exercise = o.state.is_exercise();
    for i in window(app.timeline_sel, n, rows) {
        let e = &app.recent[n - 1 - i];
        let d = describe(e, o);
        let mut text = format!("{} ", app.zone.at(e.at).format("%m-%d %H:%M:%S"));
        if exercise && let Some(ms) = e.ex_ms {
            text.push_str(&format!("{} ", ex_time(ms)));
        }
        text.push_str(&format!(
            "{:<10} {}",
            ellipsis(&clean(&e.actor, false), 10),
            d.action
        ));
        if let Some(s) = &d.step {
            text.push_str(&format!(" {s}"));
        }
        if !d.subject.is_empty() && d.step.is_none() {
            text.push_str(&format!(" {}", clean(&d.subject, false)));
        }
        if let Some(x) = &d.text {
            text.push_str(&format!(": {}", clean(x, false)));
        }
        if let Some(how) = e.recorded() {
            text.push_str(&format!(" ({})", clean(&how, false)));
        }
        let style = if i == app.timeline_sel {
            t.selected()
        } else if d.action.starts_with("inject") {
            t.warn()
        } else {
            t.text()
        };
        lines.push(Line::styled(format!("{:w$}", ellipsis(&text, w)), style));
    }
    // the selected event in full, under the list: a long note is never out of reach
    let sel = n
        .checked_sub(1 + app.timeline_sel)
        .and_then(|i| app.recent.get(i));
    let detail: Vec<Line> = match sel {
        Some(e) => {
            let d = describe(e, o);
            let mut full = format!("{} {} {}", app.zone.hm(e.at), e.who(), d.action);
            if let Some(s) = &d.step {
                full.push_str(&format!(" {s}"));
            }
            if !d.subject.is_empty() {
                full.push_str(&format!(" {}", d.subject));
            }
            if let Some(x) = &d.text {
                full.push_str(&format!(": {x}"));
            }
            wrapped(&full, w, t.text(), "")
        }
        None => Vec::new(),
    };
    let detail_h = (detail.len() as u16 + 1).min(area.height / 3).max(2);
    let list_area = Rect {
        height: area.height.saturating_sub(detail_h),
        ..area
    };
    let detail_area = Rect {
        y: area.y + list_area.height,
        height: detail_h,
        ..area
    };
    f.render_widget(Paragraph::new(lines), list_area);
    f.render_widget(
        Paragraph::new(detail).block(
            Block::default()
                .borders(Borders::TOP)
                .border_style(t.border()),
        ),
        detail_area,
    );
}
