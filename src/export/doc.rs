//! A tiny document model: the exports build one, and each format renders it with its own
//! escaping. Text here is plain and unescaped.

#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    H2(String),
    H3(String),
    Para(String),
    /// Label: value pairs, one a line.
    Facts(Vec<(String, String)>),
    /// A place where people must write: shown as a clear blank.
    Blank(String),
    List(Vec<String>),
    Table {
        head: Vec<String>,
        rows: Vec<Vec<String>>,
    },
    /// Preformatted text (commands), never wrapped or reflowed.
    Pre(String),
    /// A page break on paper.
    PageBreak,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Doc {
    pub title: String,
    /// Shown above the title and on every printed page (EXERCISE, plan version...).
    pub running_header: Option<String>,
    /// A loud banner under the title (EXERCISE — NOT A REAL INCIDENT).
    pub banner: Option<String>,
    pub blocks: Vec<Block>,
}

impl Doc {
    pub fn new(title: impl Into<String>) -> Doc {
        Doc {
            title: title.into(),
            running_header: None,
            banner: None,
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
        });
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
}

/// Markdown: `|` in a cell cannot break a table, raw HTML is shown as text, line breaks in a cell
/// become spaces.
pub fn to_markdown(d: &Doc) -> String {
    let mut o = String::new();
    if let Some(h) = &d.running_header {
        o.push_str(&format!("_{}_\n\n", md_inline(h)));
    }
    o.push_str(&format!("# {}\n\n", md_inline(&d.title)));
    if let Some(b) = &d.banner {
        o.push_str(&format!("> **{}**\n\n", md_inline(b)));
    }
    for b in &d.blocks {
        match b {
            Block::H2(s) => o.push_str(&format!("## {}\n\n", md_inline(s))),
            Block::H3(s) => o.push_str(&format!("### {}\n\n", md_inline(s))),
            Block::Para(s) => o.push_str(&format!("{}\n\n", md_text(s))),
            Block::Facts(f) => {
                for (k, v) in f {
                    o.push_str(&format!("- **{}:** {}\n", md_inline(k), md_inline(v)));
                }
                o.push('\n');
            }
            Block::Blank(s) => o.push_str(&format!(
                "> _To be written: {}_\n>\n> ...\n\n",
                md_inline(s)
            )),
            Block::List(items) => {
                for i in items {
                    o.push_str(&format!("- {}\n", md_inline(i)));
                }
                o.push('\n');
            }
            Block::Table { head, rows } => {
                o.push_str(&format!(
                    "| {} |\n",
                    head.iter()
                        .map(|h| md_cell(h))
                        .collect::<Vec<_>>()
                        .join(" | ")
                ));
                o.push_str(&format!("|{}\n", " --- |".repeat(head.len())));
                for r in rows {
                    let cells: Vec<String> = (0..head.len())
                        .map(|i| md_cell(r.get(i).map(String::as_str).unwrap_or("")))
                        .collect();
                    o.push_str(&format!("| {} |\n", cells.join(" | ")));
                }
                o.push('\n');
            }
            Block::Pre(s) => {
                // a fence longer than any run of backticks inside
                let longest = s.split(|c| c != '`').map(str::len).max().unwrap_or(0);
                let fence = "`".repeat(longest.max(2) + 1);
                o.push_str(&format!(
                    "{fence}\n{}\n{fence}\n\n",
                    crate::domain::text::clean(s, true)
                ));
            }
            Block::PageBreak => o.push_str("---\n\n"),
        }
    }
    o
}

fn html_escape_md(s: &str) -> String {
    escape(s, false)
}

/// One pass over the text: `&`, `<`, `>` as entities; in table cells also `\` and `|`.
fn escape(s: &str, cell: bool) -> String {
    let mut o = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '\\' if cell => o.push_str("\\\\"),
            '|' if cell => o.push_str("\\|"),
            c => o.push(c),
        }
    }
    o
}

/// Inline text: one line, HTML neutralised.
fn md_inline(s: &str) -> String {
    html_escape_md(&crate::domain::text::clean(s, false))
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
    let mut o =
        String::from("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    o.push_str(&format!(
        "<title>{}</title>\n<style>\n{CSS}</style>\n</head>\n<body>\n",
        html_escape(&d.title)
    ));
    if let Some(h) = &d.running_header {
        // repeated on every printed page by the print style sheet
        o.push_str(&format!(
            "<div class=\"running-header\">{}</div>\n",
            html_escape(h)
        ));
    }
    o.push_str("<main>\n");
    o.push_str(&format!("<h1>{}</h1>\n", html_escape(&d.title)));
    if let Some(b) = &d.banner {
        o.push_str(&format!("<p class=\"banner\">{}</p>\n", html_escape(b)));
    }
    for b in &d.blocks {
        match b {
            Block::H2(s) => o.push_str(&format!("<h2>{}</h2>\n", html_escape(s))),
            Block::H3(s) => o.push_str(&format!("<h3>{}</h3>\n", html_escape(s))),
            Block::Para(s) => o.push_str(&format!(
                "<p>{}</p>\n",
                html_escape(s).replace('\n', "<br>\n")
            )),
            Block::Facts(f) => {
                o.push_str("<dl class=\"facts\">\n");
                for (k, v) in f {
                    o.push_str(&format!(
                        "<dt>{}</dt><dd>{}</dd>\n",
                        html_escape(k),
                        html_escape(v)
                    ));
                }
                o.push_str("</dl>\n");
            }
            Block::Blank(s) => o.push_str(&format!(
                "<div class=\"blank\"><span>To be written: {}</span></div>\n",
                html_escape(s)
            )),
            Block::List(items) => {
                o.push_str("<ul>\n");
                for i in items {
                    o.push_str(&format!("<li>{}</li>\n", html_escape(i)));
                }
                o.push_str("</ul>\n");
            }
            Block::Table { head, rows } => {
                o.push_str("<table>\n<thead><tr>");
                for h in head {
                    o.push_str(&format!("<th>{}</th>", html_escape(h)));
                }
                o.push_str("</tr></thead>\n<tbody>\n");
                for r in rows {
                    o.push_str("<tr>");
                    for i in 0..head.len() {
                        o.push_str(&format!(
                            "<td>{}</td>",
                            html_escape(r.get(i).map(String::as_str).unwrap_or(""))
                                .replace('\n', "<br>")
                        ));
                    }
                    o.push_str("</tr>\n");
                }
                o.push_str("</tbody>\n</table>\n");
            }
            Block::Pre(s) => o.push_str(&format!("<pre>{}</pre>\n", html_escape(s))),
            Block::PageBreak => o.push_str("<div class=\"page-break\"></div>\n"),
        }
    }
    o.push_str("</main>\n</body>\n</html>\n");
    o
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
}
