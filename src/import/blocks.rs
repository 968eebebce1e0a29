//! A Markdown document as the importer sees it: its top-level blocks (headings, lists with their
//! items, code, tables, the rest) as byte ranges of the source, and every link and code block in
//! it. Text is never rebuilt from events: bodies are slices of the source, so nothing is lost.

use pulldown_cmark::{CodeBlockKind, Event, MetadataBlockKind, Options, Parser, Tag, TagEnd};
use std::ops::Range;

#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    Heading(u8, String),
    /// A list and its top-level items (range, is a `[ ]` task).
    List(Vec<(Range<usize>, bool)>),
    Code,
    Table,
    FrontMatter,
    /// Paragraphs, quotes, HTML, rules.
    Text,
}

#[derive(Debug, Clone)]
pub struct Block {
    pub kind: Kind,
    pub range: Range<usize>,
}

#[derive(Debug, Clone)]
pub struct Code {
    pub range: Range<usize>,
    pub lang: Option<String>,
    pub text: String,
}

#[derive(Debug, Clone)]
pub struct LinkAt {
    pub at: usize,
    pub url: String,
    pub text: String,
}

#[derive(Debug, Default)]
pub struct Doc {
    pub blocks: Vec<Block>,
    pub codes: Vec<Code>,
    pub links: Vec<LinkAt>,
}

pub fn read(src: &str) -> Doc {
    let opts = Options::ENABLE_TABLES
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_YAML_STYLE_METADATA_BLOCKS
        | Options::ENABLE_PLUSES_DELIMITED_METADATA_BLOCKS;
    let mut doc = Doc::default();
    let mut depth = 0usize;
    let mut start = 0usize;
    let mut kind = Kind::Text;
    let mut heading = String::new();
    let mut items: Vec<(Range<usize>, bool)> = Vec::new();
    let mut code: Option<Code> = None;
    let mut link: Option<LinkAt> = None;
    for (ev, r) in Parser::new_ext(src, opts).into_offset_iter() {
        match &ev {
            Event::Start(tag) => {
                if depth == 0 {
                    start = r.start;
                    heading.clear();
                    items.clear();
                    kind = match tag {
                        Tag::Heading { level, .. } => Kind::Heading(*level as u8, String::new()),
                        Tag::List(_) => Kind::List(Vec::new()),
                        Tag::CodeBlock(_) => Kind::Code,
                        Tag::Table(_) => Kind::Table,
                        Tag::MetadataBlock(
                            MetadataBlockKind::YamlStyle | MetadataBlockKind::PlusesStyle,
                        ) => Kind::FrontMatter,
                        _ => Kind::Text,
                    };
                }
                if depth == 1 && matches!(tag, Tag::Item) && matches!(kind, Kind::List(_)) {
                    items.push((r.clone(), false));
                }
                match tag {
                    Tag::CodeBlock(k) => {
                        let lang = match k {
                            CodeBlockKind::Fenced(l) => l
                                .split(|c: char| c.is_whitespace() || c == ',' || c == '{')
                                .next()
                                .filter(|l| !l.is_empty())
                                .map(str::to_string),
                            CodeBlockKind::Indented => None,
                        };
                        code = Some(Code {
                            range: r.clone(),
                            lang,
                            text: String::new(),
                        });
                    }
                    Tag::Link { dest_url, .. } => {
                        link = Some(LinkAt {
                            at: r.start,
                            url: dest_url.to_string(),
                            text: String::new(),
                        })
                    }
                    _ => {}
                }
                depth += 1;
            }
            Event::End(tag) => {
                depth = depth.saturating_sub(1);
                match tag {
                    TagEnd::CodeBlock => doc.codes.extend(code.take()),
                    TagEnd::Link => doc.links.extend(link.take()),
                    _ => {}
                }
                if depth == 0 {
                    let kind = match std::mem::replace(&mut kind, Kind::Text) {
                        Kind::Heading(l, _) => Kind::Heading(l, heading.trim().to_string()),
                        Kind::List(_) => Kind::List(std::mem::take(&mut items)),
                        k => k,
                    };
                    doc.blocks.push(Block {
                        kind,
                        range: start..r.end,
                    });
                }
            }
            Event::Text(t) | Event::Code(t) => {
                if let Some(c) = &mut code {
                    c.text.push_str(t);
                }
                if let Some(l) = &mut link {
                    l.text.push_str(t);
                }
                if matches!(kind, Kind::Heading(..)) {
                    heading.push_str(t);
                }
            }
            Event::TaskListMarker(_) => {
                if let Some(last) = items.last_mut() {
                    last.1 = true;
                }
            }
            Event::SoftBreak | Event::HardBreak if matches!(kind, Kind::Heading(..)) => {
                heading.push(' ');
            }
            _ => {}
        }
        if depth == 0 && !matches!(ev, Event::End(_)) {
            // a top-level event that is not a container: raw HTML, a rule, a footnote mark
            match ev {
                Event::Html(_) | Event::Rule | Event::Text(_) | Event::InlineHtml(_) => {
                    doc.blocks.push(Block {
                        kind: Kind::Text,
                        range: r,
                    })
                }
                _ => {}
            }
        }
    }
    // adjacent raw HTML lines are one block
    doc.blocks.dedup_by(|b, a| {
        if a.kind == Kind::Text && b.kind == Kind::Text && a.range.end >= b.range.start {
            a.range.end = a.range.end.max(b.range.end);
            true
        } else {
            false
        }
    });
    doc
}

/// Where each line starts, to find the line (from 1) of a byte offset by bisection.
pub struct Lines(Vec<usize>);

impl Lines {
    pub fn new(src: &str) -> Lines {
        Lines(
            std::iter::once(0)
                .chain(src.match_indices('\n').map(|(i, _)| i + 1))
                .collect(),
        )
    }
    pub fn of(&self, at: usize) -> usize {
        self.0.partition_point(|&s| s <= at).max(1)
    }
}
