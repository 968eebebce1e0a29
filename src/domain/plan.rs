//! Continuity, recovery and communication plans (`plans/*.ron`).

use super::params::{Parameter, read_parameter};
use super::parse::de::De;
use super::parse::ron_tree::{Kind, Node};
use super::parse::span::Sp;
use super::plan_extra::{Due, Link, read_due, read_every, read_links, read_todo};
use super::time::Minutes;
use super::time::Period;
use chrono::NaiveDate;
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PlanKind {
    Continuity,
    Recovery,
    Communication,
    Invocation,
    Other,
}

impl PlanKind {
    pub fn label(self) -> &'static str {
        match self {
            PlanKind::Continuity => "continuity",
            PlanKind::Recovery => "recovery",
            PlanKind::Communication => "communication",
            PlanKind::Invocation => "invocation",
            PlanKind::Other => "other",
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Plan {
    pub id: Sp<String>,
    pub title: String,
    pub kind: PlanKind,
    pub services: Vec<Sp<String>>,
    pub owner: Option<Sp<String>>,
    pub version: Option<String>,
    pub last_reviewed: Option<Sp<NaiveDate>>,
    pub review_interval: Option<Period>,
    pub last_tested: Option<Sp<NaiveDate>>,
    pub test_interval: Option<Period>,
    pub invoke_when: Option<String>,
    pub scope: Option<String>,
    /// What the plan is for and what a reader should know first (Markdown).
    pub about: Option<String>,
    pub links: Vec<Link>,
    /// Questions still open, each shown by `check` as a warning until someone settles it.
    pub todo: Vec<Sp<String>>,
    /// Named blanks (`{{zone}}`) asked when the plan joins a session.
    pub parameters: Vec<Parameter>,
    /// Phase titles in order; each step names its phase by index.
    pub phases: Vec<String>,
    pub steps: Vec<Step>,
    /// SHA-256 of the plan's file, lowercase hex: which version of the plan was followed.
    pub hash: String,
    /// The path of the file as shown to the user.
    pub path: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Step {
    pub id: Sp<String>,
    pub title: String,
    /// Index into the plan's `phases`.
    pub phase: Option<usize>,
    pub body: Option<String>,
    pub role: Option<Sp<String>>,
    /// Who to tell (roles or people of the index), apart from who does it (`role`).
    pub notify: Vec<Sp<String>>,
    pub commands: Vec<Command>,
    pub expected: Option<String>,
    pub verification: Option<String>,
    pub estimate: Option<Estimate>,
    pub depends_on: Vec<Sp<String>>,
    /// Steps of which any one finished is enough ("after the restore or the rebuild").
    pub depends_on_any: Vec<Sp<String>>,
    pub decision: Option<Decision>,
    pub notes: Option<String>,
    pub links: Vec<Link>,
    /// When the step must be done by.
    pub due: Option<Due>,
    /// A recurring step: due again this long after each time it is done.
    pub every: Option<Minutes>,
    /// Call the next person when no one of the step's roles has been reached this long after
    /// the last attempt (overrides the role's own `escalate_after`).
    pub escalate_after: Option<Minutes>,
    /// Its commands may be run by muster in an exercise too (never otherwise).
    pub run_in_exercise: bool,
    /// A validation: its outcome is pass, fail or not tested (`muster step ... pass`).
    pub validation: bool,
    /// For one kind of run only (an exercise's briefing, an incident's real notification).
    pub only: Option<crate::domain::event::Mode>,
    pub todo: Vec<Sp<String>>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Command {
    pub run: String,
    pub lang: Option<String>,
}

/// An estimate in minutes: a single figure has `min == max`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Estimate {
    pub min: u32,
    pub max: u32,
}

impl std::fmt::Display for Estimate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.min == self.max {
            write!(f, "{} min", self.min)
        } else {
            write!(f, "{}-{} min", self.min, self.max)
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Decision {
    pub question: String,
    pub options: Vec<DecisionOption>,
    #[serde(skip)]
    pub span: super::parse::span::Span,
}

#[derive(Debug, Clone, Serialize)]
pub struct DecisionOption {
    pub label: String,
    /// The (first) step this option leads to.
    pub next: Option<Sp<String>>,
    /// Further steps it leads to, when `next` is a list.
    pub also: Vec<Sp<String>>,
    /// Plans this option brings into the session (invoked when it is taken).
    pub invoke: Vec<Sp<String>>,
    #[serde(skip)]
    pub span: super::parse::span::Span,
}

impl DecisionOption {
    /// Every step this option leads to.
    pub fn targets(&self) -> impl Iterator<Item = &Sp<String>> {
        self.next.iter().chain(&self.also)
    }

    /// "3. restore, 5. notify, + plan db-restore": the steps it leads to, numbered as shown,
    /// and the plans it brings in.
    pub fn targets_shown(&self, plan: &Plan) -> String {
        self.targets()
            .map(|n| format!("{}. {}", plan.step_index(n).map_or(0, |i| i + 1), n.v))
            .chain(self.invoke.iter().map(|p| format!("+ plan {}", p.v)))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

impl Plan {
    pub fn read(de: &mut De, node: &Node, hash: String) -> Option<Plan> {
        let mut o = de.object(node, "plan")?;
        let kinds = [
            ("Continuity", PlanKind::Continuity),
            ("Recovery", PlanKind::Recovery),
            ("Communication", PlanKind::Communication),
            ("Invocation", PlanKind::Invocation),
            ("Other", PlanKind::Other),
        ];
        let id = o.req(de, "id", De::id);
        let title = o.req(de, "title", De::string).unwrap_or_default();
        let kind = o
            .opt(de, "kind", |de, n| de.variant(n, &kinds))
            .unwrap_or(PlanKind::Other);
        let services = o.list(de, "services", De::id);
        let owner = o.opt(de, "owner", De::id);
        let version = o.opt(de, "version", |de, n| match &n.kind {
            Kind::Int(i) => Some(i.to_string()),
            Kind::Float(f) => Some(f.to_string()),
            _ => de.string(n),
        });
        let last_reviewed = o.opt(de, "last_reviewed", De::date);
        let review_interval = o.opt(de, "review_interval", De::period);
        let last_tested = o.opt(de, "last_tested", De::date);
        let test_interval = o.opt(de, "test_interval", De::period);
        let invoke_when = o.opt(de, "invoke_when", De::string);
        let scope = o.opt(de, "scope", De::string);
        let about = o.opt(de, "about", De::string);
        let links = o.list(de, "links", read_links);
        let todo = o.list(de, "todo", read_todo);
        let parameters = o.list(de, "parameters", read_parameter);
        let mut phases = Vec::new();
        let mut steps = Vec::new();
        if o.has("steps") && o.has("phases") {
            let at = o.name_span("steps").unwrap_or_else(|| o.head());
            de.error(at, "this plan has both `steps` and `phases`: put every step inside a phase, or drop the phases", None);
        }
        for s in o.list(de, "steps", |de, n| Step::read(de, n, None)) {
            steps.push(s);
        }
        if let Some(list) = o.node(de, "phases") {
            let items: &[Node] = match &list.kind {
                Kind::List(items) => items,
                _ => {
                    de.error(list.span, format!("expected a list of phases `[Phase(title: ..., steps: [...]), ...]`, found {}", list.describe()), None);
                    &[]
                }
            };
            for n in items {
                let Some(mut p) = de.object(n, "phase") else {
                    continue;
                };
                let idx = phases.len();
                phases.push(p.req(de, "title", De::string).unwrap_or_default());
                if let Some(sn) = p.node(de, "steps") {
                    steps.extend(de.list(sn, |de, n| Step::read(de, n, Some(idx))));
                }
                p.finish(de);
            }
        }
        o.finish(de);
        Some(Plan {
            id: id?,
            title,
            kind,
            services,
            owner,
            version,
            last_reviewed,
            review_interval,
            last_tested,
            test_interval,
            invoke_when,
            scope,
            about,
            links,
            todo,
            parameters,
            phases,
            steps,
            hash,
            path: de.src.path.clone(),
        })
    }

    pub fn step(&self, id: &str) -> Option<&Step> {
        self.steps.iter().find(|s| s.id.v == id)
    }

    pub fn step_index(&self, id: &str) -> Option<usize> {
        self.steps.iter().position(|s| s.id.v == id)
    }

    /// The date the next review is due, when the plan says when it was last reviewed and how often.
    pub fn review_due(&self) -> Option<NaiveDate> {
        self.review_interval?.after(self.last_reviewed.as_ref()?.v)
    }

    pub fn test_due(&self) -> Option<NaiveDate> {
        self.test_interval?.after(self.last_tested.as_ref()?.v)
    }

    /// "ok", "review overdue", "test overdue", "never tested", or several of them.
    pub fn review_status(&self, today: NaiveDate) -> String {
        let mut out = Vec::new();
        if self.review_due().is_some_and(|d| d < today) {
            out.push("review overdue");
        }
        if self.test_due().is_some_and(|d| d < today) {
            out.push("test overdue");
        }
        if self.last_tested.is_none() {
            out.push("never tested");
        }
        if out.is_empty() {
            "ok".to_string()
        } else {
            out.join(", ")
        }
    }

    /// The sum of the steps' estimates (min, max), in minutes.
    pub fn total_estimate(&self) -> (u32, u32) {
        self.steps
            .iter()
            .filter_map(|s| s.estimate)
            .fold((0, 0), |(a, b), e| (a + e.min, b + e.max))
    }
}

impl Step {
    fn read(de: &mut De, node: &Node, phase: Option<usize>) -> Option<Step> {
        let mut o = de.object(node, "step")?;
        let id = o.req(de, "id", De::id);
        let title = o.req(de, "title", De::string).unwrap_or_default();
        let s = Step {
            id: id?,
            title,
            phase,
            body: o.opt(de, "body", De::string),
            role: o.opt(de, "role", De::id),
            notify: o.list(de, "notify", De::id),
            commands: o.list(de, "commands", |de, n| {
                if let Kind::Str(s) = &n.kind {
                    return Some(Command { run: s.to_string(), lang: None });
                }
                let mut c = de.object(n, "command")?;
                let run = c.req(de, "run", De::string);
                let lang = c.opt(de, "lang", De::string);
                c.finish(de);
                Some(Command { run: run?, lang })
            }),
            expected: o.opt(de, "expected", De::string),
            verification: o.opt(de, "verification", De::string),
            estimate: o.opt(de, "estimate", read_estimate),
            depends_on: o.list(de, "depends_on", De::id),
            depends_on_any: o.list(de, "depends_on_any", De::id),
            decision: o.opt(de, "decision", |de, n| {
                let mut d = de.object(n, "decision")?;
                let question = d.req(de, "question", De::string).unwrap_or_default();
                let options = d.list(de, "options", |de, n| {
                    let mut op = de.object(n, "decision option")?;
                    let label = op.req(de, "label", De::string).unwrap_or_default();
                    // `next: "step"` or `next: ["step", "other"]`
                    let mut targets = match op.node(de, "next") {
                        Some(t) if matches!(t.kind, Kind::List(_)) => de.list(t, De::id),
                        Some(t) => de.id(t).into_iter().collect(),
                        None => Vec::new(),
                    };
                    // `invoke: "plan"` or `invoke: ["plan", "other"]`
                    let invoke = match op.node(de, "invoke") {
                        Some(t) if matches!(t.kind, Kind::List(_)) => de.list(t, De::id),
                        Some(t) => de.id(t).into_iter().collect(),
                        None => Vec::new(),
                    };
                    op.finish(de);
                    let next = (!targets.is_empty()).then(|| targets.remove(0));
                    Some(DecisionOption { label, next, also: targets, invoke, span: n.span })
                });
                if options.is_empty() {
                    de.error(d.head(), "this decision has no `options`: add at least two, each with `label` and `next`", None);
                }
                d.finish(de);
                Some(Decision { question, options, span: n.span })
            }),
            notes: o.opt(de, "notes", De::string),
            links: o.list(de, "links", read_links),
            due: o.opt(de, "due", read_due),
            every: o.opt(de, "every", read_every),
            escalate_after: o.opt(de, "escalate_after", De::minutes).map(|m| m.v),
            run_in_exercise: o.opt(de, "run_in_exercise", De::boolean).unwrap_or(false),
            validation: o.opt(de, "validation", De::boolean).unwrap_or(false),
            only: o.opt(de, "only", |de, n| {
                de.variant(
                    n,
                    &[
                        ("Exercise", crate::domain::event::Mode::Exercise),
                        ("Incident", crate::domain::event::Mode::Incident),
                    ],
                )
            }),
            todo: o.list(de, "todo", read_todo),
        };
        o.finish(de);
        Some(s)
    }
}

fn read_estimate(de: &mut De, n: &Node) -> Option<Estimate> {
    match &n.kind {
        Kind::Int(_) => de.uint(n).map(|m| Estimate { min: m, max: m }),
        Kind::Tuple { name: None, items } if items.len() == 2 => {
            let (a, b) = (de.uint(&items[0])?, de.uint(&items[1])?);
            if a > b {
                de.error(n.span, format!("this estimate's range ({a}, {b}) runs backwards: write the smaller figure first"), None);
                return None;
            }
            Some(Estimate { min: a, max: b })
        }
        Kind::Str(_) => de.minutes(n).map(|m| Estimate {
            min: m.v.0,
            max: m.v.0,
        }),
        _ => {
            de.error(
                n.span,
                format!(
                    "expected an estimate in minutes, like `10` or `(10, 20)`, found {}",
                    n.describe()
                ),
                None,
            );
            None
        }
    }
}
