//! The Index of Disaster-Relevant Information (`index.ron`).

use super::parse::de::De;
use super::parse::ron_tree::{Kind, Node};
use super::parse::span::Sp;
use super::time::Minutes;
use serde::Serialize;

#[derive(Debug, Clone, Default, Serialize)]
pub struct Index {
    pub organisation: Organisation,
    pub people: Vec<Person>,
    pub roles: Vec<Role>,
    pub vendors: Vec<Vendor>,
    pub sites: Vec<Site>,
    pub vital_business_functions: Vec<Vbf>,
    pub services: Vec<Service>,
    pub documents: Vec<Document>,
    pub invocation: Option<Invocation>,
    /// Who is on call for a role, shift by shift.
    pub rota: Vec<super::rota::OnCall>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Organisation {
    pub name: String,
    pub summary: Option<String>,
    pub emergency_line: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ContactKind {
    Person,
    Team,
    External,
}

#[derive(Debug, Clone, Serialize)]
pub struct Person {
    pub id: Sp<String>,
    pub name: String,
    /// A person, a team (a group mailbox, a rota line) or a body outside the organisation.
    pub kind: ContactKind,
    pub title: Option<String>,
    pub phones: Vec<String>,
    /// The first of `emails`.
    pub email: Option<String>,
    /// Every address: `email: "a@x"` or `email: ["a@x", "b@x"]`.
    pub emails: Vec<String>,
    pub deputy: Option<Sp<String>>,
    pub location: Option<String>,
    pub notes: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Role {
    pub id: Sp<String>,
    pub title: String,
    pub duties: Option<String>,
    /// In escalation order: call the first, then the next.
    pub people: Vec<Sp<String>>,
    /// Call the next person when no one has been reached this long after the last attempt.
    pub escalate_after: Option<crate::domain::time::Minutes>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Vendor {
    pub id: Sp<String>,
    pub name: String,
    pub provides: Option<String>,
    pub contract: Option<String>,
    pub support: Vec<String>,
    pub email: Option<String>,
    pub sla: Option<String>,
    pub account: Option<String>,
    pub notes: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SiteKind {
    Primary,
    Recovery,
    Office,
    Colocation,
    Cloud,
    Other,
}

#[derive(Debug, Clone, Serialize)]
pub struct Site {
    pub id: Sp<String>,
    pub name: String,
    pub kind: SiteKind,
    pub address: Option<String>,
    pub access: Option<String>,
    pub notes: Option<String>,
}

/// A vital business function, with its business impact analysis (all of it optional).
#[derive(Debug, Clone, Serialize)]
pub struct Vbf {
    pub id: Sp<String>,
    pub name: String,
    pub impact: Option<String>,
    pub rto: Option<Sp<Minutes>>,
    pub rpo: Option<Sp<Minutes>>,
    /// How the harm of an outage grows: after so long, so bad (in the order of time).
    pub impact_over_time: Vec<ImpactAt>,
    /// The maximum tolerable period of disruption: after it the business is lost or badly harmed.
    pub mtpd: Option<Sp<Minutes>>,
    /// Recovery priority: 1 is recovered first.
    pub priority: Option<Sp<u32>>,
    /// The recovery strategy chosen.
    pub strategy: Option<String>,
    /// The risk reduction or recovery options considered.
    pub recovery_options: Vec<String>,
    /// Who owns the function in the business (a role or person id).
    pub owner: Option<Sp<String>>,
    /// Questions still open (a guess of `muster import`), each a warning of `check`.
    pub todo: Vec<Sp<String>>,
}

/// The business impact scale, 1 to 5.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Negligible = 1,
    Low = 2,
    Medium = 3,
    High = 4,
    Severe = 5,
}

impl Level {
    pub const ALL: [Level; 5] = [
        Level::Negligible,
        Level::Low,
        Level::Medium,
        Level::High,
        Level::Severe,
    ];
    pub fn word(self) -> &'static str {
        match self {
            Level::Negligible => "negligible",
            Level::Low => "low",
            Level::Medium => "medium",
            Level::High => "high",
            Level::Severe => "severe",
        }
    }
    /// The names a file writes (`High`), for the reader.
    pub const NAMES: [(&'static str, Level); 5] = [
        ("Negligible", Level::Negligible),
        ("Low", Level::Low),
        ("Medium", Level::Medium),
        ("High", Level::High),
        ("Severe", Level::Severe),
    ];
    /// 1 (negligible) to 5 (severe).
    pub fn score(self) -> u8 {
        self as u8
    }
}

impl std::fmt::Display for Level {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.word())
    }
}

/// One point of a VBF's impact over time: `("4h", High, "drivers idle")`.
#[derive(Debug, Clone, Serialize)]
pub struct ImpactAt {
    pub after: Sp<Minutes>,
    pub level: Level,
    pub note: Option<String>,
    #[serde(skip)]
    pub span: super::parse::span::Span,
}

impl Vbf {
    /// How bad the outage is after `t`: the last point at or before it.
    pub fn level_at(&self, t: Minutes) -> Option<Level> {
        self.impact_over_time
            .iter()
            .filter(|p| p.after.v <= t)
            .map(|p| p.level)
            .max()
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Service {
    pub id: Sp<String>,
    pub name: String,
    pub description: Option<String>,
    pub vbfs: Vec<Sp<String>>,
    pub rto: Option<Sp<Minutes>>,
    pub rpo: Option<Sp<Minutes>>,
    pub depends_on: Vec<Sp<String>>,
    pub plans: Vec<Sp<String>>,
    pub sites: Vec<Sp<String>>,
    pub vendors: Vec<Sp<String>>,
    pub owner: Option<Sp<String>>,
    /// Questions still open (a guess of `muster import`), each a warning of `check`.
    pub todo: Vec<Sp<String>>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Document {
    pub id: Sp<String>,
    pub title: String,
    pub location: Option<String>,
    pub notes: Option<String>,
}

/// The Disaster Recovery Invocation Guideline.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Invocation {
    pub criteria: Vec<String>,
    pub who_may_invoke: Vec<Sp<String>>,
    pub first_steps: Vec<String>,
    pub first_level_support: Vec<String>,
}

/// `("4h", High, "drivers idle")` or `("4h", High)`.
fn read_impact_at(de: &mut De, n: &Node) -> Option<ImpactAt> {
    let items = match &n.kind {
        Kind::Tuple { name: None, items } if (2..=3).contains(&items.len()) => items,
        _ => {
            de.error(
                n.span,
                format!(
                    "expected a point of the impact over time like `(\"4h\", High, \"drivers idle\")`, found {}",
                    n.describe()
                ),
                None,
            );
            return None;
        }
    };
    let after = de.minutes(&items[0]);
    let level = de.variant(&items[1], &Level::NAMES);
    let note = items.get(2).and_then(|x| de.string(x));
    Some(ImpactAt {
        after: after?,
        level: level?,
        note,
        span: n.span,
    })
}

/// A priority: a whole number from 1 (first).
fn read_priority(de: &mut De, n: &Node) -> Option<Sp<u32>> {
    match n.kind {
        Kind::Int(i) if (1..=1000).contains(&i) => Some(Sp::new(i as u32, n.span)),
        _ => {
            de.error(
                n.span,
                format!(
                    "expected a priority from 1 (recovered first) to 1000, found {}",
                    match n.kind {
                        Kind::Int(i) => i.to_string(),
                        _ => n.describe().to_string(),
                    }
                ),
                None,
            );
            None
        }
    }
}

impl Index {
    pub fn read(de: &mut De, node: &Node) -> Option<Index> {
        let mut o = de.object(node, "index")?;
        let organisation = o
            .req(de, "organisation", |de, n| {
                let mut o = de.object(n, "organisation")?;
                let org = Organisation {
                    name: o.req(de, "name", De::string).unwrap_or_default(),
                    summary: o.opt(de, "summary", De::string),
                    emergency_line: o.opt(de, "emergency_line", De::string),
                };
                o.finish(de);
                Some(org)
            })
            .unwrap_or_default();
        let people = o.list(de, "people", |de, n| {
            let mut o = de.object(n, "person")?;
            let emails = match o.node(de, "email") {
                Some(n) if matches!(n.kind, Kind::List(_)) => de.list(n, De::string),
                Some(n) => de.string(n).into_iter().collect(),
                None => Vec::new(),
            };
            let p = Person {
                id: o.req(de, "id", De::id)?,
                name: o.req(de, "name", De::string).unwrap_or_default(),
                kind: o
                    .opt(de, "kind", |de, n| {
                        de.variant(
                            n,
                            &[
                                ("Person", ContactKind::Person),
                                ("Team", ContactKind::Team),
                                ("External", ContactKind::External),
                            ],
                        )
                    })
                    .unwrap_or(ContactKind::Person),
                title: o.opt(de, "title", De::string),
                phones: o.list(de, "phones", De::string),
                email: emails.first().cloned(),
                emails,
                deputy: o.opt(de, "deputy", De::id),
                location: o.opt(de, "location", De::string),
                notes: o.opt(de, "notes", De::string),
            };
            o.finish(de);
            Some(p)
        });
        let roles = o.list(de, "roles", |de, n| {
            let mut o = de.object(n, "role")?;
            let r = Role {
                id: o.req(de, "id", De::id)?,
                title: o.req(de, "title", De::string).unwrap_or_default(),
                duties: o.opt(de, "duties", De::string),
                people: o.list(de, "people", De::id),
                escalate_after: o.opt(de, "escalate_after", De::minutes).map(|m| m.v),
            };
            o.finish(de);
            Some(r)
        });
        let vendors = o.list(de, "vendors", |de, n| {
            let mut o = de.object(n, "vendor")?;
            let v = Vendor {
                id: o.req(de, "id", De::id)?,
                name: o.req(de, "name", De::string).unwrap_or_default(),
                provides: o.opt(de, "provides", De::string),
                contract: o.opt(de, "contract", De::string),
                support: o.list(de, "support", De::string),
                email: o.opt(de, "email", De::string),
                sla: o.opt(de, "sla", De::string),
                account: o.opt(de, "account", De::string),
                notes: o.opt(de, "notes", De::string),
            };
            o.finish(de);
            Some(v)
        });
        let sites = o.list(de, "sites", |de, n| {
            let mut o = de.object(n, "site")?;
            let kinds = [
                ("Primary", SiteKind::Primary),
                ("Recovery", SiteKind::Recovery),
                ("Office", SiteKind::Office),
                ("Colocation", SiteKind::Colocation),
                ("Cloud", SiteKind::Cloud),
                ("Other", SiteKind::Other),
            ];
            let s = Site {
                id: o.req(de, "id", De::id)?,
                name: o.req(de, "name", De::string).unwrap_or_default(),
                kind: o
                    .opt(de, "kind", |de, n| de.variant(n, &kinds))
                    .unwrap_or(SiteKind::Other),
                address: o.opt(de, "address", De::string),
                access: o.opt(de, "access", De::string),
                notes: o.opt(de, "notes", De::string),
            };
            o.finish(de);
            Some(s)
        });
        let vital_business_functions = o.list(de, "vital_business_functions", |de, n| {
            let mut o = de.object(n, "vital business function")?;
            let v = Vbf {
                id: o.req(de, "id", De::id)?,
                name: o.req(de, "name", De::string).unwrap_or_default(),
                impact: o.opt(de, "impact", De::string),
                rto: o.opt(de, "rto", De::minutes),
                rpo: o.opt(de, "rpo", De::minutes),
                impact_over_time: o.list(de, "impact_over_time", read_impact_at),
                mtpd: o.opt(de, "mtpd", De::minutes),
                priority: o.opt(de, "priority", read_priority),
                strategy: o.opt(de, "strategy", De::string),
                recovery_options: o.list(de, "recovery_options", De::string),
                owner: o.opt(de, "owner", De::id),
                todo: o.list(de, "todo", De::sp_string),
            };
            o.finish(de);
            Some(v)
        });
        let services = o.list(de, "services", |de, n| {
            let mut o = de.object(n, "service")?;
            let s = Service {
                id: o.req(de, "id", De::id)?,
                name: o.req(de, "name", De::string).unwrap_or_default(),
                description: o.opt(de, "description", De::string),
                vbfs: o.list(de, "vbfs", De::id),
                rto: o.opt(de, "rto", De::minutes),
                rpo: o.opt(de, "rpo", De::minutes),
                depends_on: o.list(de, "depends_on", De::id),
                plans: o.list(de, "plans", De::id),
                sites: o.list(de, "sites", De::id),
                vendors: o.list(de, "vendors", De::id),
                owner: o.opt(de, "owner", De::id),
                todo: o.list(de, "todo", De::sp_string),
            };
            o.finish(de);
            Some(s)
        });
        let documents = o.list(de, "documents", |de, n| {
            let mut o = de.object(n, "document")?;
            let d = Document {
                id: o.req(de, "id", De::id)?,
                title: o.req(de, "title", De::string).unwrap_or_default(),
                location: o.opt(de, "location", De::string),
                notes: o.opt(de, "notes", De::string),
            };
            o.finish(de);
            Some(d)
        });
        let invocation = o.opt(de, "invocation", |de, n| {
            let mut o = de.object(n, "invocation guideline")?;
            let i = Invocation {
                criteria: o.list(de, "criteria", De::string),
                who_may_invoke: o.list(de, "who_may_invoke", De::id),
                first_steps: o.list(de, "first_steps", De::string),
                first_level_support: o.list(de, "first_level_support", De::string),
            };
            o.finish(de);
            Some(i)
        });
        let rota = o.list(de, "rota", super::rota::read_on_call);
        o.finish(de);
        Some(Index {
            rota,
            organisation,
            people,
            roles,
            vendors,
            sites,
            vital_business_functions,
            services,
            documents,
            invocation,
        })
    }

    pub fn site(&self, id: &str) -> Option<&Site> {
        self.sites.iter().find(|s| s.id.v == id)
    }
    pub fn vendor(&self, id: &str) -> Option<&Vendor> {
        self.vendors.iter().find(|s| s.id.v == id)
    }

    /// A role's title for its id; anything else (free text) as it is.
    pub fn role_title<'a>(&'a self, id: &'a str) -> &'a str {
        self.role(id).map(|r| r.title.as_str()).unwrap_or(id)
    }

    /// "Transport management system (RTO 4h, RPO 15m)", or the bare id when the index lacks it.
    pub fn service_summary(&self, id: &str) -> String {
        let dash = |m: &Option<Sp<Minutes>>| {
            m.as_ref()
                .map(|r| r.v.to_string())
                .unwrap_or_else(|| "-".into())
        };
        match self.service(id) {
            Some(x) => format!("{} (RTO {}, RPO {})", x.name, dash(&x.rto), dash(&x.rpo)),
            None => id.to_string(),
        }
    }

    pub fn person(&self, id: &str) -> Option<&Person> {
        self.people.iter().find(|p| p.id.v == id)
    }
    pub fn role(&self, id: &str) -> Option<&Role> {
        self.roles.iter().find(|r| r.id.v == id)
    }
    pub fn service(&self, id: &str) -> Option<&Service> {
        self.services.iter().find(|s| s.id.v == id)
    }
    pub fn vbf(&self, id: &str) -> Option<&Vbf> {
        self.vital_business_functions.iter().find(|s| s.id.v == id)
    }

    /// The people to call for a role, in escalation order, each followed by their deputy when the
    /// deputy is not already on the list.
    pub fn contacts_for_role(&self, role: &str) -> Vec<&Person> {
        let mut out: Vec<&Person> = Vec::new();
        if let Some(r) = self.role(role) {
            for pid in &r.people {
                if let Some(p) = self.person(pid)
                    && !out.iter().any(|q| q.id.v == p.id.v)
                {
                    out.push(p);
                }
            }
            let deputies: Vec<&Person> = out
                .iter()
                .filter_map(|p| p.deputy.as_ref().and_then(|d| self.person(d)))
                .collect();
            for d in deputies {
                if !out.iter().any(|q| q.id.v == d.id.v) {
                    out.push(d);
                }
            }
        }
        out
    }
}
