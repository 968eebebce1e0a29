//! What a plan or step points at and when it is due: links, deadlines, recurrence, and the open
//! questions (`todo`) an author or the importer left for a person to settle.

use super::parse::de::De;
use super::parse::ron_tree::{Kind, Node};
use super::parse::span::{Sp, Span};
use super::time::Minutes;
use serde::Serialize;

/// A link from a plan or step: to a web page, an index document, or another plan.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Link {
    /// The words shown for it; the target itself when there are none.
    pub text: Option<String>,
    pub to: LinkTo,
    #[serde(skip)]
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "lowercase", tag = "kind", content = "target")]
pub enum LinkTo {
    /// An address: `https://...`, `mailto:...`, a path or a file name.
    Url(String),
    /// A document of the index, by id.
    Document(Sp<String>),
    /// Another plan of the library, by id.
    Plan(Sp<String>),
}

impl Link {
    /// The link as one line of text: `words <target>`, or the target alone.
    pub fn line(&self) -> String {
        let target = match &self.to {
            LinkTo::Url(u) => u.clone(),
            LinkTo::Document(d) => format!("document {}", d.v),
            LinkTo::Plan(p) => format!("plan {}", p.v),
        };
        match &self.text {
            Some(t) if *t != target => format!("{t} <{target}>"),
            _ => target,
        }
    }
}

/// What a deadline is counted from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DueFrom {
    /// The declaration of the incident (or the start of the exercise).
    Declared,
    /// The plan's invocation: when it was added to the session.
    Invoked,
    /// The step's own start: a limit on how long it may run.
    Started,
}

/// `due: "15m"` (after the plan's invocation) or `due: (after: "15m", from: Declared)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Due {
    pub after: Minutes,
    pub from: DueFrom,
}

impl std::fmt::Display for Due {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let from = match self.from {
            DueFrom::Declared => "the declaration",
            DueFrom::Invoked => "the plan's invocation",
            DueFrom::Started => "its start",
        };
        write!(f, "within {} of {from}", self.after)
    }
}

pub fn read_links(de: &mut De, n: &Node) -> Option<Link> {
    let to_url = |de: &mut De, n: &Node| -> Option<String> {
        let u = de.string(n)?;
        if u.trim().is_empty() || u.chars().any(char::is_whitespace) {
            de.error(
                n.span,
                "a link's address holds no spaces: write it like \"https://status.example.org\"",
                None,
            );
            return None;
        }
        Some(u)
    };
    let to = match &n.kind {
        Kind::Str(_) => LinkTo::Url(to_url(de, n)?),
        Kind::Tuple {
            name: Some(kind),
            items,
        } if items.len() == 1 => match *kind {
            "Url" => LinkTo::Url(to_url(de, &items[0])?),
            "Document" => LinkTo::Document(de.id(&items[0])?),
            "Plan" => LinkTo::Plan(de.id(&items[0])?),
            other => {
                de.error(
                    n.span,
                    format!("`{}` is not a kind of link: write Url(\"...\"), Document(\"id\") or Plan(\"id\")", other.escape_debug()),
                    None,
                );
                return None;
            }
        },
        Kind::Struct { .. } => {
            let mut o = de.object(n, "link")?;
            let text = o.opt(de, "text", De::string);
            let url = o.opt(de, "url", to_url);
            let doc = o.opt(de, "document", De::id);
            let plan = o.opt(de, "plan", De::id);
            let head = o.head();
            o.finish(de);
            let to = match (url, doc, plan) {
                (Some(u), None, None) => LinkTo::Url(u),
                (None, Some(d), None) => LinkTo::Document(d),
                (None, None, Some(p)) => LinkTo::Plan(p),
                _ => {
                    de.error(
                        head,
                        "a link leads to one place: give exactly one of `url`, `document` or `plan`",
                        None,
                    );
                    return None;
                }
            };
            return Some(Link {
                text,
                to,
                span: n.span,
            });
        }
        _ => {
            de.error(
                n.span,
                format!("expected a link: \"https://...\", Document(\"id\"), Plan(\"id\") or (text: \"...\", url: \"...\"), found {}", n.describe()),
                None,
            );
            return None;
        }
    };
    Some(Link {
        text: None,
        to,
        span: n.span,
    })
}

pub fn read_due(de: &mut De, n: &Node) -> Option<Due> {
    if let Kind::Str(_) = n.kind {
        return de.minutes(n).map(|m| Due {
            after: m.v,
            from: DueFrom::Invoked,
        });
    }
    let mut o = de.object(n, "deadline")?;
    let after = o.req(de, "after", De::minutes);
    let from = o
        .opt(de, "from", |de, n| {
            de.variant(
                n,
                &[
                    ("Declared", DueFrom::Declared),
                    ("Invoked", DueFrom::Invoked),
                    ("Started", DueFrom::Started),
                ],
            )
        })
        .unwrap_or(DueFrom::Invoked);
    o.finish(de);
    Some(Due {
        after: after?.v,
        from,
    })
}

/// `every: "1h"`: a recurring step, at least one minute apart.
pub fn read_every(de: &mut De, n: &Node) -> Option<Minutes> {
    let m = de.minutes(n)?;
    if m.v.0 == 0 {
        de.error(
            n.span,
            "a recurring step cannot recur every 0 minutes: write how often, like \"1h\"",
            None,
        );
        return None;
    }
    Some(m.v)
}

pub fn read_todo(de: &mut De, n: &Node) -> Option<Sp<String>> {
    de.sp_string(n)
}
