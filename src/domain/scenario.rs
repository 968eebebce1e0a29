//! Exercise scenarios (`scenarios/*.ron`): objectives and injects.

use super::parse::de::De;
use super::parse::ron_tree::{Kind, Node};
use super::parse::span::{Sp, Span};
use super::time::Minutes;
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ScenarioKind {
    Tabletop,
    Walkthrough,
    FullScale,
}

impl ScenarioKind {
    pub fn label(self) -> &'static str {
        match self {
            ScenarioKind::Tabletop => "tabletop",
            ScenarioKind::Walkthrough => "walkthrough",
            ScenarioKind::FullScale => "full-scale",
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Scenario {
    pub id: Sp<String>,
    pub title: String,
    pub kind: ScenarioKind,
    pub summary: Option<String>,
    pub objectives: Vec<Objective>,
    pub participants: Vec<Sp<String>>,
    pub plans: Vec<Sp<String>>,
    pub duration: Option<Minutes>,
    pub injects: Vec<Inject>,
    /// The HSEEP overview: where it is held, who sponsors it, the organisations taking part,
    /// the points of contact, the threat or hazard exercised. Each optional.
    pub overview: Overview,
    pub hash: String,
    pub path: String,
}

/// What an after-action report's overview names, as the scenario gives it.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Overview {
    pub location: Option<String>,
    pub sponsor: Option<String>,
    pub hazard: Option<String>,
    pub organisations: Vec<String>,
    pub points_of_contact: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Objective {
    pub id: Sp<String>,
    pub text: String,
    /// The capability it exercises (an HSEEP core capability, or the organisation's own).
    pub capability: Option<String>,
}

/// When an inject is released.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Release {
    /// At an offset from the start of the exercise clock.
    At(Minutes),
    /// A delay after another inject is released.
    After { inject: Sp<String>, delay: Minutes },
    /// Only by the facilitator's hand.
    Manual,
}

#[derive(Debug, Clone, Serialize)]
pub struct Inject {
    pub id: Sp<String>,
    pub title: String,
    pub release: Release,
    pub story_time: Option<String>,
    pub audience: Vec<String>,
    pub text: Option<String>,
    pub question: Option<String>,
    pub probes: Vec<String>,
    pub expected_actions: Vec<String>,
    pub facilitator_notes: Option<String>,
    #[serde(skip)]
    pub release_span: Span,
}

impl Scenario {
    pub fn read(de: &mut De, node: &Node, hash: String) -> Option<Scenario> {
        let mut o = de.object(node, "scenario")?;
        let kinds = [
            ("Tabletop", ScenarioKind::Tabletop),
            ("Walkthrough", ScenarioKind::Walkthrough),
            ("FullScale", ScenarioKind::FullScale),
        ];
        let id = o.req(de, "id", De::id);
        let title = o.req(de, "title", De::string).unwrap_or_default();
        let kind = o
            .opt(de, "kind", |de, n| de.variant(n, &kinds))
            .unwrap_or(ScenarioKind::Tabletop);
        let summary = o.opt(de, "summary", De::string);
        let objectives = o.list(de, "objectives", |de, n| {
            let mut o = de.object(n, "objective")?;
            let id = o.req(de, "id", De::id);
            let text = o.req(de, "text", De::string).unwrap_or_default();
            let capability = o.opt(de, "capability", De::string);
            o.finish(de);
            Some(Objective {
                id: id?,
                text,
                capability,
            })
        });
        let participants = o.list(de, "participants", De::id);
        let plans = o.list(de, "plans", De::id);
        let duration = o.opt(de, "duration", De::minutes).map(|m| m.v);
        let injects = o.list(de, "injects", read_inject);
        let overview = Overview {
            location: o.opt(de, "location", De::string),
            sponsor: o.opt(de, "sponsor", De::string),
            hazard: o.opt(de, "hazard", De::string),
            organisations: o.list(de, "organisations", De::string),
            points_of_contact: o.list(de, "points_of_contact", De::string),
        };
        o.finish(de);
        Some(Scenario {
            id: id?,
            title,
            kind,
            summary,
            objectives,
            participants,
            plans,
            duration,
            injects,
            overview,
            hash,
            path: de.src.path.clone(),
        })
    }

    pub fn inject(&self, id: &str) -> Option<&Inject> {
        self.injects.iter().find(|i| i.id.v == id)
    }
}

fn read_inject(de: &mut De, n: &Node) -> Option<Inject> {
    let mut o = de.object(n, "inject")?;
    let id = o.req(de, "id", De::id);
    let title = o.req(de, "title", De::string).unwrap_or_default();
    let mut release_span = o.head();
    let release = o
        .opt(de, "release", |de, n| {
            release_span = n.span;
            read_release(de, n)
        })
        .unwrap_or(Release::Manual);
    let i = Inject {
        id: id?,
        title,
        release,
        story_time: o.opt(de, "story_time", De::string),
        audience: o.list(de, "audience", De::string),
        text: o.opt(de, "text", De::string),
        question: o.opt(de, "question", De::string),
        probes: o.list(de, "probes", De::string),
        expected_actions: o.list(de, "expected_actions", De::string),
        facilitator_notes: o.opt(de, "facilitator_notes", De::string),
        release_span,
    };
    o.finish(de);
    Some(i)
}

fn read_release(de: &mut De, n: &Node) -> Option<Release> {
    const HELP: &str = "write `At(\"15m\")`, `After(\"other-inject\", \"10m\")` or `Manual`";
    match &n.kind {
        Kind::Ident(name) if *name == "Manual" => Some(Release::Manual),
        Kind::Tuple {
            name: Some(name),
            items,
        } if *name == "At" && items.len() == 1 => de.minutes(&items[0]).map(|m| Release::At(m.v)),
        Kind::Tuple {
            name: Some(name),
            items,
        } if *name == "After" && (1..=2).contains(&items.len()) => {
            let inject = de.id(&items[0])?;
            let delay = match items.get(1) {
                Some(d) => de.minutes(d)?.v,
                None => Minutes(0),
            };
            Some(Release::After { inject, delay })
        }
        _ => {
            de.error(n.span, format!("this is not a release time: {HELP}"), None);
            None
        }
    }
}
