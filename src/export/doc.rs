//! A tiny document model: the exports build one, and each format renders it with its own
//! escaping. Text here is plain and unescaped.

use std::io::Write;

#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    H2(String),
    H3(String),
    Para(String),
    /// A paragraph made of what people typed (titles, options, names): nothing in it is live
    /// Markdown.
    Text(String),
    /// A plan author's Markdown: kept as Markdown in md, rendered (safely) in HTML.
    Markdown(String),
    /// Label: value pairs, one a line.
    Facts(Vec<(String, String)>),
    /// A place where people must write: shown as a clear blank.
    Blank(String),
    List(Vec<String>),
    Table {
        head: Vec<String>,
        rows: Vec<Vec<String>>,
        /// How many of the last columns are left empty for people to write in on paper:
        /// printed wide enough to write a name, a time, a note.
        write_in: usize,
    },
    /// A table whose cells each carry a tone from 0 (none) to 5 (worst): a heat map, a
    /// business impact table. The text of a cell says what its tone shows, for Markdown and
    /// for a reader who cannot tell the colours apart.
    Tinted {
        head: Vec<String>,
        rows: Vec<Vec<(String, u8)>>,
        /// A grid of equal columns (a heat map), not a table sized by its text.
        grid: bool,
    },
    /// A picture muster drew (SVG markup made by `export::graph`, every text in it escaped),
    /// with the same in words: Markdown shows the words.
    Figure {
        svg: String,
        text: String,
    },
    /// Preformatted text (commands), never wrapped or reflowed.
    Pre(String),
    /// A page break on paper.
    PageBreak,
    /// Blocks printed on landscape pages (a wide matrix).
    Landscape(Vec<Block>),
    /// A table whose rows are streamed when the document is written (a timeline of a million
    /// events is never held in memory).
    Stream {
        head: Vec<String>,
    },
    /// Blocks that can only be made once the streamed rows were written (what reading the
    /// journal found).
    After,
}

/// Where a document's streamed rows, and the blocks after them, come from.
pub trait Rows {
    /// Hands each row to `each`, in order.
    fn rows(&mut self, each: &mut dyn FnMut(&[String]));
    /// The blocks that go where [`Block::After`] is.
    fn after(&mut self) -> Vec<Block>;
}

/// A document with nothing streamed.
pub struct NoRows;

impl Rows for NoRows {
    fn rows(&mut self, _: &mut dyn FnMut(&[String])) {}
    fn after(&mut self) -> Vec<Block> {
        Vec::new()
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Doc {
    pub title: String,
    /// Shown above the title and on every printed page (EXERCISE, plan version...).
    pub running_header: Option<String>,
    /// A loud banner under the title (EXERCISE — NOT A REAL INCIDENT); with it, the running
    /// header on every printed page is just as loud.
    pub banner: Option<String>,
    /// Large print, for paper read in a dark room or by tired eyes.
    pub large: bool,
    pub blocks: Vec<Block>,
}

impl Doc {
    pub fn new(title: impl Into<String>) -> Doc {
        Doc {
            title: title.into(),
            running_header: None,
            banner: None,
            large: false,
            blocks: Vec::new(),
        }
    }
    pub fn h2(&mut self, s: impl Into<String>) -> &mut Self {
        self.blocks.push(Block::H2(s.into()));
        self
    }
    pub fn h3(&mut self, s: impl Into<String>) -> &mut Self {
        self.blocks.push(Block::H3(s.into()));
        self
    }
    pub fn para(&mut self, s: impl Into<String>) -> &mut Self {
        self.blocks.push(Block::Para(s.into()));
        self
    }
    pub fn text(&mut self, s: impl Into<String>) -> &mut Self {
        self.blocks.push(Block::Text(s.into()));
        self
    }
    pub fn markdown(&mut self, s: impl Into<String>) -> &mut Self {
        self.blocks.push(Block::Markdown(s.into()));
        self
    }
    pub fn blank(&mut self, s: impl Into<String>) -> &mut Self {
        self.blocks.push(Block::Blank(s.into()));
        self
    }
    pub fn facts(&mut self, f: Vec<(String, String)>) -> &mut Self {
        self.blocks.push(Block::Facts(f));
        self
    }
    pub fn list(&mut self, items: Vec<String>) -> &mut Self {
        self.blocks.push(Block::List(items));
        self
    }
    pub fn table(&mut self, head: &[&str], rows: Vec<Vec<String>>) -> &mut Self {
        self.blocks.push(Block::Table {
            head: head.iter().map(|s| s.to_string()).collect(),
            rows,
            write_in: 0,
        });
        self
    }
    /// A table whose last `write_in` columns are blank, to be filled in by hand.
    pub fn sign_off(
        &mut self,
        head: &[&str],
        rows: Vec<Vec<String>>,
        write_in: usize,
    ) -> &mut Self {
        self.table(head, rows);
        if let Some(Block::Table { write_in: w, .. }) = self.blocks.last_mut() {
            *w = write_in;
        }
        self
    }
    pub fn tinted(&mut self, head: &[&str], rows: Vec<Vec<(String, u8)>>, grid: bool) -> &mut Self {
        self.blocks.push(Block::Tinted {
            head: head.iter().map(|s| s.to_string()).collect(),
            rows,
            grid,
        });
        self
    }
    pub fn figure(&mut self, svg: String, text: String) -> &mut Self {
        self.blocks.push(Block::Figure { svg, text });
        self
    }
    pub fn pre(&mut self, s: impl Into<String>) -> &mut Self {
        self.blocks.push(Block::Pre(s.into()));
        self
    }
    pub fn page_break(&mut self) -> &mut Self {
        self.blocks.push(Block::PageBreak);
        self
    }
    pub fn stream(&mut self, head: &[&str]) -> &mut Self {
        self.blocks.push(Block::Stream {
            head: head.iter().map(|s| s.to_string()).collect(),
        });
        self
    }
    pub fn after(&mut self) -> &mut Self {
        self.blocks.push(Block::After);
        self
    }
    /// Large print: larger type, and sign-off tables (with their heading) on landscape pages,
    /// where their write-in columns still leave the steps room.
    pub fn large_print(&mut self) -> &mut Self {
        self.large = true;
        let mut out = Vec::with_capacity(self.blocks.len());
        for b in std::mem::take(&mut self.blocks) {
            if matches!(b, Block::Table { write_in, .. } if write_in > 0) {
                let mut inner = Vec::new();
                if matches!(out.last(), Some(Block::H2(_) | Block::H3(_)))
                    && let Some(h) = out.pop()
                {
                    inner.push(h);
                }
                inner.push(b);
                out.push(Block::Landscape(inner));
            } else {
                out.push(b);
            }
        }
        self.blocks = out;
        self
    }
    /// Puts the last `n` blocks on landscape pages.
    pub fn landscape(&mut self, n: usize) -> &mut Self {
        let at = self.blocks.len().saturating_sub(n);
        let inner = self.blocks.split_off(at);
        self.blocks.push(Block::Landscape(inner));
        self
    }
}

/// Markdown: `|` in a cell cannot break a table, raw HTML is shown as text, line breaks in a cell
/// become spaces.
pub fn to_markdown(d: &Doc) -> String {
    let mut out = Vec::new();
    let _ = write_markdown(d, &mut NoRows, &mut out);
    String::from_utf8(out).unwrap_or_default()
}

fn md_row(cells: &[String], n: usize) -> String {
    let cells: Vec<String> = (0..n)
        .map(|i| md_cell(cells.get(i).map(String::as_str).unwrap_or("")))
        .collect();
    format!("| {} |\n", cells.join(" | "))
}

fn md_block(b: &Block, rows: &mut dyn Rows, o: &mut dyn Write) -> std::io::Result<()> {
    match b {
        Block::H2(s) => write!(o, "## {}\n\n", md_inline(s)),
        Block::H3(s) => write!(o, "### {}\n\n", md_inline(s)),
        Block::Para(s) | Block::Markdown(s) => write!(o, "{}\n\n", md_text(s)),
        Block::Text(s) => write!(o, "{}\n\n", md_inline(s)),
        Block::Facts(f) => {
            for (k, v) in f {
                writeln!(o, "- **{}:** {}", md_inline(k), md_inline(v))?;
            }
            writeln!(o)
        }
        Block::Blank(s) => write!(o, "> _To be written: {}_\n>\n> ...\n\n", md_inline(s)),
        Block::List(items) => {
            for i in items {
                writeln!(o, "- {}", md_inline(i))?;
            }
            writeln!(o)
        }
        Block::Table { head, rows: r, .. } => {
            o.write_all(md_row(head, head.len()).as_bytes())?;
            writeln!(o, "|{}", " --- |".repeat(head.len()))?;
            for row in r {
                o.write_all(md_row(row, head.len()).as_bytes())?;
            }
            writeln!(o)
        }
        Block::Tinted { head, rows: r, .. } => {
            o.write_all(md_row(head, head.len()).as_bytes())?;
            writeln!(o, "|{}", " --- |".repeat(head.len()))?;
            for row in r {
                let cells: Vec<String> = row.iter().map(|(t, _)| t.clone()).collect();
                o.write_all(md_row(&cells, head.len()).as_bytes())?;
            }
            writeln!(o)
        }
        Block::Figure { text, .. } => md_block(&Block::Pre(text.trim_end().to_string()), rows, o),
        Block::Stream { head } => {
            o.write_all(md_row(head, head.len()).as_bytes())?;
            writeln!(o, "|{}", " --- |".repeat(head.len()))?;
            let mut err = Ok(());
            rows.rows(&mut |row| {
                if err.is_ok() {
                    err = o.write_all(md_row(row, head.len()).as_bytes());
                }
            });
            err?;
            writeln!(o)
        }
        Block::After => {
            for b in rows.after() {
                md_block(&b, &mut NoRows, o)?;
            }
            Ok(())
        }
        Block::Pre(s) => {
            // a fence longer than any run of backticks inside
            let longest = s.split(|c| c != '`').map(str::len).max().unwrap_or(0);
            let fence = "`".repeat(longest.max(2) + 1);
            write!(
                o,
                "{fence}\n{}\n{fence}\n\n",
                crate::domain::text::clean(s, true)
            )
        }
        Block::PageBreak => o.write_all(b"---\n\n"),
        Block::Landscape(inner) => {
            for b in inner {
                md_block(b, rows, o)?;
            }
            Ok(())
        }
    }
}

/// Writes a document as Markdown, its streamed rows as they come.
pub fn write_markdown(d: &Doc, rows: &mut dyn Rows, o: &mut dyn Write) -> std::io::Result<()> {
    if let Some(h) = &d.running_header {
        write!(o, "_{}_\n\n", md_inline(h))?;
    }
    write!(o, "# {}\n\n", md_inline(&d.title))?;
    if let Some(b) = &d.banner {
        write!(o, "> **{}**\n\n", md_inline(b))?;
    }
    for b in &d.blocks {
        md_block(b, rows, o)?;
    }
    Ok(())
}

fn html_escape_md(s: &str) -> String {
    escape(s, false)
}

/// One pass over the text: `&`, `<`, `>` as entities (no HTML); in table cells and inline text
/// (where notes, names and reasons go) also `\`, `[` and `]`, so that no link or image can be
/// made from what someone typed, `*`, `_`, `` ` `` and `~` (no emphasis or code), and in cells `|`. Paragraphs (a plan's own text, written as
/// Markdown by its author) keep their links.
fn escape(s: &str, cell: bool) -> String {
    let mut o = String::with_capacity(s.len() + 8);
    let chars: Vec<char> = s.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        i += 1;
        // a run of underscores between spaces (a blank to write in: `________`) can start or
        // end no emphasis, and stays as it is
        if c == '_' && cell {
            let start = i - 1;
            let mut end = i;
            while end < chars.len() && chars[end] == '_' {
                end += 1;
            }
            let alone = (start == 0 || chars[start - 1].is_whitespace())
                && chars.get(end).is_none_or(|n| n.is_whitespace());
            if alone {
                o.extend(&chars[start..end]);
                i = end;
                continue;
            }
        }
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '\\' if cell => o.push_str("\\\\"),
            '[' if cell => o.push_str("\\["),
            ']' if cell => o.push_str("\\]"),
            '|' if cell => o.push_str("\\|"),
            // no emphasis, code or strike-through from what someone typed
            '*' | '_' | '`' | '~' if cell => {
                o.push('\\');
                o.push(c);
            }
            c => o.push(c),
        }
    }
    o
}

/// Inline text: one line, HTML and links neutralised.
fn md_inline(s: &str) -> String {
    escape(&crate::domain::text::clean(s, false), true).replace("\\|", "|")
}

/// A paragraph: lines kept.
fn md_text(s: &str) -> String {
    html_escape_md(&crate::domain::text::clean(s, true))
}

/// A table cell: one line, `|` escaped.
fn md_cell(s: &str) -> String {
    escape(&crate::domain::text::clean(s, false), true)
}

pub fn html_escape(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in crate::domain::text::clean(s, true).chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            c => o.push(c),
        }
    }
    o
}

const CSS: &str = include_str!("../../assets/export.css");

/// One self-contained HTML file: styles inline, nothing loaded from elsewhere.
pub fn to_html(d: &Doc) -> String {
    let mut out = Vec::new();
    let _ = write_html(d, &mut NoRows, &mut out);
    String::from_utf8(out).unwrap_or_default()
}

fn html_row(cells: &[String], n: usize) -> String {
    let mut o = String::from("<tr>");
    for i in 0..n {
        o.push_str("<td>");
        let cell =
            html_escape(cells.get(i).map(String::as_str).unwrap_or("")).replace('\n', "<br>");
        push_dates_whole(&mut o, &cell);
        o.push_str("</td>");
    }
    o.push_str("</tr>\n");
    o
}

/// Copies escaped HTML, each date (`2026-11-21`) kept on one line: a narrow column would
/// otherwise break it at a hyphen.
fn push_dates_whole(o: &mut String, s: &str) {
    let b = s.as_bytes();
    let is_date = |i: usize| {
        b.len() >= i + 10
            && b[i..i + 4].iter().all(u8::is_ascii_digit)
            && b[i + 4] == b'-'
            && b[i + 5..i + 7].iter().all(u8::is_ascii_digit)
            && b[i + 7] == b'-'
            && b[i + 8..i + 10].iter().all(u8::is_ascii_digit)
            && (i == 0 || !b[i - 1].is_ascii_digit())
    };
    let mut last = 0;
    let mut i = 0;
    while i < b.len() {
        if b[i].is_ascii_digit() && is_date(i) {
            o.push_str(&s[last..i]);
            o.push_str("<span class=\"nw\">");
            o.push_str(&s[i..i + 10]);
            o.push_str("</span>");
            i += 10;
            last = i;
        } else {
            i += 1;
        }
    }
    o.push_str(&s[last..]);
}

fn html_head(head: &[String], write_in: usize) -> String {
    let mut o = String::from("<table>\n<thead><tr>");
    let first_blank = head.len().saturating_sub(write_in);
    for (i, h) in head.iter().enumerate() {
        let class = if i >= first_blank {
            " class=\"write\""
        } else {
            ""
        };
        o.push_str(&format!("<th{class}>{}</th>", html_escape(h)));
    }
    o.push_str("</tr></thead>\n<tbody>\n");
    o
}

fn html_block(b: &Block, rows: &mut dyn Rows, o: &mut dyn Write) -> std::io::Result<()> {
    match b {
        Block::H2(s) => writeln!(o, "<h2>{}</h2>", html_escape(s)),
        Block::H3(s) => writeln!(o, "<h3>{}</h3>", html_escape(s)),
        Block::Para(s) | Block::Text(s) => {
            writeln!(o, "<p>{}</p>", html_escape(s).replace('\n', "<br>\n"))
        }
        Block::Markdown(s) => writeln!(o, "<div class=\"md\">{}</div>", super::md_html::render(s)),
        Block::Facts(f) => {
            o.write_all(b"<dl class=\"facts\">\n")?;
            for (k, v) in f {
                writeln!(o, "<dt>{}</dt><dd>{}</dd>", html_escape(k), html_escape(v))?;
            }
            o.write_all(b"</dl>\n")
        }
        Block::Blank(s) => writeln!(
            o,
            "<div class=\"blank\"><span>To be written: {}</span></div>",
            html_escape(s)
        ),
        Block::List(items) => {
            o.write_all(b"<ul>\n")?;
            for i in items {
                writeln!(o, "<li>{}</li>", html_escape(i))?;
            }
            o.write_all(b"</ul>\n")
        }
        Block::Table {
            head,
            rows: r,
            write_in,
        } => {
            o.write_all(html_head(head, *write_in).as_bytes())?;
            for row in r {
                o.write_all(html_row(row, head.len()).as_bytes())?;
            }
            o.write_all(b"</tbody>\n</table>\n")
        }
        Block::Tinted {
            head,
            rows: r,
            grid,
        } => {
            let class = if *grid { "tinted grid" } else { "tinted" };
            write!(o, "<table class=\"{class}\">\n<thead><tr>")?;
            for h in head {
                write!(o, "<th>{}</th>", html_escape(h))?;
            }
            o.write_all(b"</tr></thead>\n<tbody>\n")?;
            for row in r {
                o.write_all(b"<tr>")?;
                for i in 0..head.len() {
                    let (text, tone) = row.get(i).map_or(("", 0), |(t, n)| (t.as_str(), *n));
                    let cell = html_escape(text).replace('\n', "<br>");
                    if tone > 0 {
                        write!(o, "<td class=\"tone-{}\">{cell}</td>", tone.min(5))?;
                    } else {
                        write!(o, "<td>{cell}</td>")?;
                    }
                }
                o.write_all(b"</tr>\n")?;
            }
            o.write_all(b"</tbody>\n</table>\n")
        }
        Block::Figure { svg, .. } => {
            write!(o, "<figure class=\"graph\">\n{svg}</figure>\n")
        }
        Block::Stream { head } => {
            o.write_all(html_head(head, 0).as_bytes())?;
            let mut err = Ok(());
            rows.rows(&mut |row| {
                if err.is_ok() {
                    err = o.write_all(html_row(row, head.len()).as_bytes());
                }
            });
            err?;
            o.write_all(b"</tbody>\n</table>\n")
        }
        Block::After => {
            for b in rows.after() {
                html_block(&b, &mut NoRows, o)?;
            }
            Ok(())
        }
        Block::Pre(s) => writeln!(o, "<pre>{}</pre>", html_escape(s)),
        Block::PageBreak => o.write_all(b"<div class=\"page-break\"></div>\n"),
        Block::Landscape(inner) => {
            o.write_all(b"<section class=\"landscape\">\n")?;
            for b in inner {
                html_block(b, rows, o)?;
            }
            o.write_all(b"</section>\n")
        }
    }
}

/// Writes a document as one self-contained HTML file, its streamed rows as they come.
pub fn write_html(d: &Doc, rows: &mut dyn Rows, o: &mut dyn Write) -> std::io::Result<()> {
    write!(
        o,
        "<!DOCTYPE html>\n<html lang=\"en\"{}>\n<head>\n<meta charset=\"utf-8\">\n",
        if d.large { " class=\"large\"" } else { "" }
    )?;
    write!(
        o,
        "<title>{}</title>\n<style>\n{CSS}</style>\n</head>\n<body{}>\n",
        html_escape(&d.title),
        if d.large { " class=\"large\"" } else { "" }
    )?;
    if let Some(h) = &d.running_header {
        // the head of a frame around the document: a table's head is repeated on every
        // printed page, and the space it takes is kept free on each
        writeln!(
            o,
            "<table class=\"page\"><thead><tr><td><div class=\"running-header{}\">{}</div></td></tr></thead><tbody><tr><td>",
            if d.banner.is_some() { " loud" } else { "" },
            html_escape(h)
        )?;
    }
    o.write_all(b"<main>\n")?;
    writeln!(o, "<h1>{}</h1>", html_escape(&d.title))?;
    if let Some(b) = &d.banner {
        writeln!(o, "<p class=\"banner\">{}</p>", html_escape(b))?;
    }
    for b in &d.blocks {
        html_block(b, rows, o)?;
    }
    o.write_all(b"</main>\n")?;
    if d.running_header.is_some() {
        o.write_all(b"</td></tr></tbody></table>\n")?;
    }
    o.write_all(b"</body>\n</html>\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc() -> Doc {
        let mut d = Doc::new("T <b>");
        d.table(
            &["a", "b"],
            vec![vec!["x | y".into(), "line\nbreak".into()]],
        );
        d.para("<script>alert(1)</script>");
        d.pre("echo ```");
        d
    }

    #[test]
    fn markdown_cells_and_html_are_neutralised() {
        let md = to_markdown(&doc());
        assert!(md.contains("| x \\| y | line break |"), "{md}");
        assert!(md.contains("&lt;script&gt;"), "{md}");
        assert!(md.contains("````\necho ```\n````"), "{md}");
        assert!(md.starts_with("# T &lt;b&gt;"));
    }

    #[test]
    fn html_is_escaped_and_self_contained() {
        let h = to_html(&doc());
        assert!(h.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(!h.contains("<script"));
        assert!(
            !h.contains("http://") && !h.contains("https://"),
            "nothing loaded from elsewhere"
        );
        assert!(h.contains("<td>line<br>break</td>"));
    }

    #[test]
    fn dates_in_cells_are_kept_on_one_line() {
        let mut o = String::new();
        push_dates_whole(
            &mut o,
            "due 2027-01-31, 12026-11-21x, 2026-1-2 and 2026-11-21",
        );
        assert_eq!(
            o,
            "due <span class=\"nw\">2027-01-31</span>, 12026-11-21x, 2026-1-2 and <span class=\"nw\">2026-11-21</span>"
        );
    }

    #[test]
    fn large_print_and_landscape_are_marked_for_the_printer() {
        let mut d = doc();
        d.table(&["a"], vec![vec!["1".into()]]).landscape(1);
        d.h2("Sign-off");
        d.sign_off(&["Step", "Who"], vec![vec!["1".into()]], 1);
        d.large_print();
        let h = to_html(&d);
        assert!(h.contains("<html lang=\"en\" class=\"large\">"), "{h}");
        assert!(h.contains("<body class=\"large\">"), "{h}");
        assert!(h.contains("<section class=\"landscape\">\n<table>"), "{h}");
        assert!(
            h.contains("<section class=\"landscape\">\n<h2>Sign-off</h2>"),
            "the sign-off sheet and its heading on landscape pages: {h}"
        );
    }
}
