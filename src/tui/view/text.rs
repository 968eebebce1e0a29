//! Turning plan text into terminal lines: Markdown made readable, words wrapped by display width,
//! control characters neutralised, commands never wrapped.

use crate::domain::text::clean;
use crate::tui::theme::Theme;
use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use unicode_width::UnicodeWidthStr;

/// Wraps styled spans to `width` columns, breaking at spaces (or inside words longer than a line).
pub fn wrap_spans(spans: Vec<(String, Style)>, width: usize, indent: &str) -> Vec<Line<'static>> {
    let width = width.max(8);
    let mut lines: Vec<Line<'static>> = Vec::new();
    let mut cur: Vec<Span<'static>> = Vec::new();
    let mut cur_w = 0usize;
    let first_indent = indent.to_string();
    let push_line =
        |cur: &mut Vec<Span<'static>>, cur_w: &mut usize, lines: &mut Vec<Line<'static>>| {
            lines.push(Line::from(std::mem::take(cur)));
            *cur_w = 0;
        };
    for (text, style) in spans {
        for word in split_keep_spaces(&text) {
            let w = word.width();
            if cur_w == 0 && !first_indent.is_empty() {
                cur.push(Span::raw(first_indent.clone()));
                cur_w = first_indent.width();
            }
            if cur_w + w > width && cur_w > first_indent.width() {
                push_line(&mut cur, &mut cur_w, &mut lines);
                if word.trim().is_empty() {
                    continue;
                }
                if !first_indent.is_empty() {
                    cur.push(Span::raw(first_indent.clone()));
                    cur_w = first_indent.width();
                }
            }
            if w > width.saturating_sub(cur_w) {
                // a word longer than the line: cut it by characters
                let mut piece = String::new();
                let mut pw = 0;
                for ch in word.chars() {
                    let cw = unicode_width::UnicodeWidthChar::width(ch).unwrap_or(0);
                    if cur_w + pw + cw > width && !piece.is_empty() {
                        cur.push(Span::styled(std::mem::take(&mut piece), style));
                        push_line(&mut cur, &mut cur_w, &mut lines);
                        if !first_indent.is_empty() {
                            cur.push(Span::raw(first_indent.clone()));
                            cur_w = first_indent.width();
                        }
                        pw = 0;
                    }
                    piece.push(ch);
                    pw += cw;
                }
                cur_w += pw;
                cur.push(Span::styled(piece, style));
                continue;
            }
            cur_w += w;
            cur.push(Span::styled(word.to_string(), style));
        }
    }
    if !cur.is_empty() {
        lines.push(Line::from(cur));
    }
    lines
}

fn split_keep_spaces(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut in_space = None;
    for (i, c) in s.char_indices() {
        let sp = c == ' ';
        match in_space {
            Some(prev) if prev != sp => {
                out.push(&s[start..i]);
                start = i;
            }
            _ => {}
        }
        in_space = Some(sp);
    }
    if start < s.len() {
        out.push(&s[start..]);
    }
    keep_numbers_whole(s, out)
}

/// A piece of a phone number: digits and `+ ( ) - . /`, with at least one digit.
fn phoneish(w: &str) -> bool {
    w.chars().any(|c| c.is_ascii_digit())
        && w.chars()
            .all(|c| c.is_ascii_digit() || "+()-./".contains(c))
}

/// Joins the pieces of a number written with spaces (`+44 161 496 0126`) into one word, so a
/// line is never broken inside it: the most important text on a contact's line stays whole.
fn keep_numbers_whole<'s>(s: &'s str, words: Vec<&'s str>) -> Vec<&'s str> {
    let offset = |w: &str| w.as_ptr() as usize - s.as_ptr() as usize;
    let mut out: Vec<&str> = Vec::with_capacity(words.len());
    let mut i = 0;
    while i < words.len() {
        let w = words[i];
        let mut end = i;
        // number, one space, number, one space, number ...
        while phoneish(words[end])
            && end + 2 < words.len()
            && words[end + 1] == " "
            && phoneish(words[end + 2])
        {
            end += 2;
        }
        if end > i {
            let (a, b) = (offset(w), offset(words[end]) + words[end].len());
            out.push(&s[a..b]);
            i = end + 1;
        } else {
            out.push(w);
            i += 1;
        }
    }
    out
}

/// Plain text, wrapped, with paragraphs kept.
pub fn wrapped(text: &str, width: usize, style: Style, indent: &str) -> Vec<Line<'static>> {
    let mut out = Vec::new();
    for para in clean(text, true).split('\n') {
        if para.trim().is_empty() {
            out.push(Line::raw(""));
        } else {
            out.extend(wrap_spans(vec![(para.to_string(), style)], width, indent));
        }
    }
    out
}

/// Markdown shown readably: paragraphs wrapped, list items with bullets, code blocks unwrapped and
/// marked, `code` and **bold** styled. Raw HTML is shown as text.
/// Code blocks keep their lines whole: they scroll sideways by `hscroll` columns, and a `→` at the
/// edge says there is more to the right.
pub fn markdown(src: &str, width: usize, theme: &Theme, hscroll: usize) -> Vec<Line<'static>> {
    let src = clean(src, true);
    let mut out: Vec<Line<'static>> = Vec::new();
    let mut spans: Vec<(String, Style)> = Vec::new();
    let mut style = Style::new();
    let mut list_depth: usize = 0;
    let mut ordered: Vec<Option<u64>> = Vec::new();
    let mut in_code = false;
    let mut item_prefix: Option<String> = None;
    let flush = |spans: &mut Vec<(String, Style)>,
                 out: &mut Vec<Line<'static>>,
                 prefix: &mut Option<String>,
                 depth: usize| {
        if spans.is_empty() {
            return;
        }
        // the bullet (or number) on the first line, spaces under it on the others; the text is
        // wrapped to what is left of the width, so nothing runs past the edge
        let indent = "  ".repeat(depth);
        let head = match prefix.take() {
            Some(p) => format!("{indent}{p}"),
            None if depth > 0 => format!("{indent}  "),
            None => String::new(),
        };
        let cont = " ".repeat(head.width());
        let inner = width.saturating_sub(head.width()).max(8);
        let mut lines = wrap_spans(std::mem::take(spans), inner, "");
        for (i, l) in lines.iter_mut().enumerate() {
            if !head.is_empty() {
                l.spans.insert(
                    0,
                    Span::raw(if i == 0 { head.clone() } else { cont.clone() }),
                );
            }
        }
        out.append(&mut lines);
    };
    // a table's rows of cells, while inside one; the link being read, for its address
    let mut table: Option<Vec<Vec<String>>> = None;
    let mut link: Option<String> = None;
    let opts = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS;
    for ev in Parser::new_ext(&src, opts) {
        if let Some(rows) = &mut table {
            match ev {
                Event::End(TagEnd::Table) => {
                    let rows = table.take().unwrap_or_default();
                    out.extend(table_lines(&rows, width, theme, hscroll));
                    out.push(Line::raw(""));
                }
                Event::Start(Tag::TableHead | Tag::TableRow) => rows.push(Vec::new()),
                Event::Start(Tag::TableCell) => {
                    rows.last_mut().map_or((), |r| r.push(String::new()))
                }
                Event::Text(t) | Event::Code(t) | Event::Html(t) | Event::InlineHtml(t) => {
                    if let Some(c) = rows.last_mut().and_then(|r| r.last_mut()) {
                        c.push_str(&t);
                    }
                }
                Event::SoftBreak | Event::HardBreak => {
                    if let Some(c) = rows.last_mut().and_then(|r| r.last_mut()) {
                        c.push(' ');
                    }
                }
                _ => {}
            }
            continue;
        }
        match ev {
            Event::Start(Tag::Table(_)) => {
                flush(&mut spans, &mut out, &mut item_prefix, list_depth);
                table = Some(Vec::new());
            }
            Event::Start(Tag::Link { dest_url, .. }) => link = Some(dest_url.to_string()),
            Event::End(TagEnd::Link) => {
                // the address is shown: a responder may have to type it on another device
                if let Some(url) = link.take().filter(|u| !u.is_empty() && !u.starts_with('#'))
                    && spans.last().is_none_or(|(t, _)| *t != url)
                {
                    spans.push((format!(" <{url}>"), theme.dim()));
                }
            }
            Event::TaskListMarker(done) => {
                spans.push((if done { "[x] " } else { "[ ] " }.into(), style));
            }
            Event::Start(Tag::Paragraph) => {}
            Event::End(TagEnd::Paragraph) => {
                flush(&mut spans, &mut out, &mut item_prefix, list_depth);
                if list_depth == 0 {
                    out.push(Line::raw(""));
                }
            }
            Event::Start(Tag::Heading { .. }) => style = style.add_modifier(Modifier::BOLD),
            Event::End(TagEnd::Heading(_)) => {
                flush(&mut spans, &mut out, &mut item_prefix, list_depth);
                style = Style::new();
            }
            Event::Start(Tag::Strong) => style = style.add_modifier(Modifier::BOLD),
            Event::End(TagEnd::Strong) => style = style.remove_modifier(Modifier::BOLD),
            Event::Start(Tag::Emphasis) => style = style.add_modifier(Modifier::ITALIC),
            Event::End(TagEnd::Emphasis) => style = style.remove_modifier(Modifier::ITALIC),
            Event::Start(Tag::List(start)) => {
                flush(&mut spans, &mut out, &mut item_prefix, list_depth);
                list_depth += 1;
                ordered.push(start);
            }
            Event::End(TagEnd::List(_)) => {
                flush(&mut spans, &mut out, &mut item_prefix, list_depth);
                list_depth = list_depth.saturating_sub(1);
                ordered.pop();
                if list_depth == 0 {
                    out.push(Line::raw(""));
                }
            }
            Event::Start(Tag::Item) => {
                flush(&mut spans, &mut out, &mut item_prefix, list_depth);
                item_prefix = Some(match ordered.last_mut() {
                    Some(Some(n)) => {
                        let p = format!("{n}. ");
                        *n += 1;
                        p
                    }
                    _ => "• ".to_string(),
                });
            }
            Event::End(TagEnd::Item) => flush(&mut spans, &mut out, &mut item_prefix, list_depth),
            Event::Start(Tag::CodeBlock(_)) => {
                flush(&mut spans, &mut out, &mut item_prefix, list_depth);
                in_code = true;
            }
            Event::End(TagEnd::CodeBlock) => {
                in_code = false;
                out.push(Line::raw(""));
            }
            Event::Code(c) => spans.push((c.to_string(), theme.code())),
            Event::Text(t) if in_code => {
                let room = width.saturating_sub(4).max(4);
                for l in t.lines() {
                    let more = l.width() > hscroll + room;
                    let mut shown = hslice(l, hscroll, if more { room - 1 } else { room });
                    if more {
                        shown.push('→');
                    }
                    out.push(Line::from(vec![
                        Span::styled("  │ ", theme.dim()),
                        Span::styled(shown, theme.code()),
                    ]));
                }
            }
            Event::Text(t) => spans.push((t.to_string(), style)),
            Event::SoftBreak => spans.push((" ".into(), style)),
            Event::HardBreak => flush(&mut spans, &mut out, &mut item_prefix, list_depth),
            Event::Html(h) | Event::InlineHtml(h) => spans.push((h.to_string(), style)),
            Event::Rule => out.push(Line::raw("─".repeat(width.min(40)))),
            _ => {}
        }
    }
    flush(&mut spans, &mut out, &mut item_prefix, list_depth);
    while out.last().is_some_and(|l| l.width() == 0) {
        out.pop();
    }
    out
}
pub use crate::domain::text::{ellipsis, hslice, middle_ellipsis};

/// A Markdown table as a table: columns aligned by display width, the header bold and ruled.
/// A table wider than the pane scrolls sideways by `hscroll`, a `→` marking what is cut.
fn table_lines(
    rows: &[Vec<String>],
    width: usize,
    theme: &Theme,
    hscroll: usize,
) -> Vec<Line<'static>> {
    let cols = rows.iter().map(Vec::len).max().unwrap_or(0);
    let mut w = vec![0usize; cols];
    for r in rows {
        for (i, c) in r.iter().enumerate() {
            w[i] = w[i].max(c.trim().width());
        }
    }
    let mut out = Vec::new();
    for (n, r) in rows.iter().enumerate() {
        let cells: Vec<String> = (0..cols)
            .map(|i| crate::domain::text::fit(r.get(i).map_or("", |c| c.trim()), w[i]))
            .collect();
        let line = cells.join(" │ ");
        let more = line.trim_end().width() > hscroll + width;
        let mut shown = hslice(
            line.trim_end(),
            hscroll,
            if more { width.saturating_sub(1) } else { width },
        );
        if more {
            shown.push('→');
        }
        let style = if n == 0 {
            theme.text().add_modifier(Modifier::BOLD)
        } else {
            theme.text()
        };
        out.push(Line::styled(shown, style));
        if n == 0 {
            let rule: String = w
                .iter()
                .map(|x| "─".repeat(*x))
                .collect::<Vec<_>>()
                .join("─┼─");
            out.push(Line::styled(hslice(&rule, hscroll, width), theme.dim()));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(lines: &[Line]) -> Vec<String> {
        lines
            .iter()
            .map(|l| l.spans.iter().map(|s| s.content.as_ref()).collect())
            .collect()
    }

    #[test]
    fn wraps_by_display_width() {
        let l = wrapped("漢字漢字 abc def", 9, Style::new(), "");
        assert_eq!(text(&l), ["漢字漢字 ", "abc def"]);
    }

    #[test]
    fn markdown_lists_and_code_blocks() {
        let md = "Intro **bold** and `code`.\n\n- one\n- two\n\n```\nlong line that is not wrapped at all\n```";
        let l = markdown(md, 20, &Theme::new(false), 0);
        let t = text(&l);
        assert_eq!(t[0], "Intro bold and code.");
        assert!(t.contains(&"  • one".to_string()), "{t:?}");
        let code = t.iter().find(|l| l.starts_with("  │ ")).unwrap();
        assert!(
            code.ends_with('→') && code.width() <= 20,
            "cut at the edge, marked: {t:?}"
        );
        assert!(!code.contains("wrapped"));
        let scrolled = text(&markdown(md, 20, &Theme::new(false), 16));
        let code = scrolled.iter().find(|l| l.starts_with("  │ ")).unwrap();
        assert!(code.contains("wrapped"), "scrolled sideways: {scrolled:?}");
    }

    #[test]
    fn tables_are_drawn_as_tables_and_links_show_their_address() {
        let md = "| Symptom | Action |\n|---|---|\n| Disk full | Run `df -h` |\n| 停電 | Call |\n\nSee [the status page](https://status.example.org) and [below](#x).";
        let t = text(&markdown(md, 40, &Theme::new(false), 0));
        assert_eq!(t[0], "Symptom   │ Action");
        assert!(t[1].starts_with("──────────┼─"), "{t:?}");
        assert_eq!(t[2], "Disk full │ Run df -h");
        assert_eq!(t[3].width(), "停電      │ Call".width(), "{t:?}");
        let prose = t.join(" ").split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(
            prose.contains("the status page <https://status.example.org>"),
            "{t:?}"
        );
        assert!(
            !prose.contains("#x"),
            "an anchor in the document is not an address: {t:?}"
        );
        // wider than the pane: cut and marked, then scrolled sideways
        let narrow = text(&markdown(md, 12, &Theme::new(false), 0));
        assert!(
            narrow[2].ends_with('→') && narrow[2].width() <= 12,
            "{narrow:?}"
        );
        let scrolled = text(&markdown(md, 12, &Theme::new(false), 10));
        assert!(scrolled[2].contains("Run df"), "{scrolled:?}");
    }

    /// Every word of every step body of the sample library survives wrapping, at any width, and no
    /// line runs past the width (the pane would cut it off).
    #[test]
    fn wrapping_never_loses_words() {
        let lib = crate::library::load(
            &crate::library::Location::Builtin,
            chrono::NaiveDate::from_ymd_opt(2026, 11, 21).unwrap(),
        )
        .unwrap();
        let theme = Theme::new(false);
        // letters and digits in order: a token longer than a line may be split, never lost
        let chars = |s: &str| -> Vec<char> { s.chars().filter(|c| c.is_alphanumeric()).collect() };
        for plan in &lib.plans {
            for step in &plan.steps {
                let Some(body) = &step.body else { continue };
                // words of the prose: code blocks scroll sideways instead of wrapping
                let prose: String = body.split("```").step_by(2).collect::<Vec<_>>().join(" ");
                let want = chars(&prose);
                for width in [24, 31, 40, 47, 60, 80] {
                    let lines = markdown(body, width, &theme, 0);
                    let got_text: Vec<String> = text(&lines);
                    for l in &got_text {
                        assert!(
                            l.width() <= width,
                            "{}/{} at {width}: line too wide: {l:?}",
                            plan.id,
                            step.id
                        );
                    }
                    let got = chars(&got_text.join(" "));
                    // every letter of the prose appears, in order (list numbers may be added)
                    let mut it = got.iter();
                    for (k, w) in want.iter().enumerate() {
                        let around: String = want[k.saturating_sub(20)..(k + 20).min(want.len())]
                            .iter()
                            .collect();
                        assert!(
                            it.any(|g| g == w),
                            "{}/{} at width {width}: text lost near {around:?}\n{}",
                            plan.id,
                            step.id,
                            got_text.join("\n")
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn escape_sequences_are_neutralised() {
        let l = markdown("a\x1b[31mred", 40, &Theme::new(false), 0);
        assert_eq!(text(&l), ["a\\u{1b}[31mred"]);
    }

    #[test]
    fn slicing_sideways() {
        assert_eq!(hslice("abcdef", 2, 3), "cde");
        assert_eq!(ellipsis("abcdef", 4), "abc…");
    }
}
