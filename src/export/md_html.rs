//! A plan author's Markdown as HTML for paper copies: paragraphs, lists, emphasis, code, tables
//! and links, with every piece of text escaped. Raw HTML in the source is shown as text, never
//! passed through, and a link keeps only an http(s) or mailto address, printed beside its words.

use super::doc::html_escape;
use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

pub fn render(src: &str) -> String {
    let src = crate::domain::text::clean(src, true);
    let opts = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS;
    let mut out = String::new();
    let mut links: Vec<String> = Vec::new();
    let mut in_head = false;
    for ev in Parser::new_ext(&src, opts) {
        match ev {
            Event::Start(t) => out.push_str(match t {
                Tag::Paragraph => "<p>",
                Tag::Heading { .. } => "<p class=\"subhead\"><strong>",
                Tag::BlockQuote(_) => "<blockquote>",
                Tag::CodeBlock(_) => "<pre>",
                Tag::List(Some(_)) => "<ol>",
                Tag::List(None) => "<ul>",
                Tag::Item => "<li>",
                Tag::Emphasis => "<em>",
                Tag::Strong => "<strong>",
                Tag::Strikethrough => "<del>",
                Tag::Table(_) => "<table class=\"md\">",
                Tag::TableHead => {
                    in_head = true;
                    "<thead><tr>"
                }
                Tag::TableRow => "<tr>",
                Tag::TableCell if in_head => "<th>",
                Tag::TableCell => "<td>",
                Tag::Link { dest_url, .. } => {
                    let u = dest_url.to_string();
                    let ok = ["https://", "http://", "mailto:"]
                        .iter()
                        .any(|p| u.starts_with(p));
                    links.push(if ok { u } else { String::new() });
                    ""
                }
                _ => "",
            }),
            Event::End(t) => {
                let close = match t {
                    TagEnd::Paragraph => "</p>\n".to_string(),
                    TagEnd::Heading(_) => "</strong></p>\n".into(),
                    TagEnd::BlockQuote(_) => "</blockquote>\n".into(),
                    TagEnd::CodeBlock => "</pre>\n".into(),
                    TagEnd::List(true) => "</ol>\n".into(),
                    TagEnd::List(false) => "</ul>\n".into(),
                    TagEnd::Item => "</li>\n".into(),
                    TagEnd::Emphasis => "</em>".into(),
                    TagEnd::Strong => "</strong>".into(),
                    TagEnd::Strikethrough => "</del>".into(),
                    TagEnd::Table => "</tbody></table>\n".into(),
                    TagEnd::TableHead => {
                        in_head = false;
                        "</tr></thead><tbody>\n".into()
                    }
                    TagEnd::TableRow => "</tr>\n".into(),
                    TagEnd::TableCell if in_head => "</th>".into(),
                    TagEnd::TableCell => "</td>".into(),
                    // on paper the address is what the reader needs: printed, not hidden
                    TagEnd::Link => match links.pop() {
                        Some(u) if !u.is_empty() => {
                            format!(" (<a href=\"{0}\">{0}</a>)", html_escape(&u))
                        }
                        _ => String::new(),
                    },
                    _ => String::new(),
                };
                out.push_str(&close);
            }
            Event::Text(t) | Event::Html(t) | Event::InlineHtml(t) => {
                out.push_str(&html_escape(&t))
            }
            Event::Code(t) => {
                out.push_str("<code>");
                out.push_str(&html_escape(&t));
                out.push_str("</code>");
            }
            Event::SoftBreak => out.push('\n'),
            Event::HardBreak => out.push_str("<br>\n"),
            Event::Rule => out.push_str("<hr>\n"),
            Event::TaskListMarker(done) => out.push_str(if done { "☑ " } else { "☐ " }),
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_is_rendered_and_nothing_is_passed_through() {
        let h = render(
            "Log in to the **recovery** replica with `psql`.\n\n- one\n- two\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n[x](javascript:alert(1)) [status](https://status.example.org)\n\n<script>alert(1)</script>",
        );
        assert!(
            h.contains("<strong>recovery</strong>") && h.contains("<code>psql</code>"),
            "{h}"
        );
        assert!(h.contains("<ul><li>one</li>"), "{h}");
        assert!(h.contains("<th>a</th>") && h.contains("<td>2</td>"), "{h}");
        assert!(
            !h.contains("<script") && h.contains("&lt;script&gt;"),
            "{h}"
        );
        assert!(!h.contains("href=\"javascript"), "{h}");
        assert!(
            h.contains(
                "status (<a href=\"https://status.example.org\">https://status.example.org</a>)"
            ),
            "{h}"
        );
        assert!(!h.contains("**"), "{h}");
    }
}
