//! One searchable list of everything a responder may look for: index entries, plans and steps.

use super::parse::library::Library;
use serde::Serialize;

/// What an entry of the search is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum EntryKind {
    Person,
    Role,
    Vendor,
    Site,
    Vbf,
    Service,
    Document,
    Invocation,
    Plan,
    Step,
}

impl EntryKind {
    /// The kinds the index is made of, in its order.
    pub const INDEX: [EntryKind; 8] = [
        EntryKind::Person,
        EntryKind::Role,
        EntryKind::Vendor,
        EntryKind::Site,
        EntryKind::Vbf,
        EntryKind::Service,
        EntryKind::Document,
        EntryKind::Invocation,
    ];

    pub fn word(self) -> &'static str {
        match self {
            EntryKind::Person => "person",
            EntryKind::Role => "role",
            EntryKind::Vendor => "vendor",
            EntryKind::Site => "site",
            EntryKind::Vbf => "vbf",
            EntryKind::Service => "service",
            EntryKind::Document => "document",
            EntryKind::Invocation => "invocation",
            EntryKind::Plan => "plan",
            EntryKind::Step => "step",
        }
    }

    /// A section's name in a list of the index.
    pub fn section(self) -> &'static str {
        match self {
            EntryKind::Person => "People",
            EntryKind::Role => "Roles",
            EntryKind::Vendor => "Vendors",
            EntryKind::Site => "Sites",
            EntryKind::Vbf => "VBFs",
            EntryKind::Service => "Services",
            EntryKind::Document => "Documents",
            EntryKind::Invocation => "Invocation",
            EntryKind::Plan => "Plans",
            EntryKind::Step => "Steps",
        }
    }
}

impl std::fmt::Display for EntryKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.word())
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Entry {
    pub kind: EntryKind,
    pub id: String,
    pub title: String,
    /// Details, one fact per line ("Phone: ...").
    pub lines: Vec<String>,
    /// For steps: the plan it belongs to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub plan: Option<String>,
}

impl Entry {
    fn new(kind: EntryKind, id: &str, title: &str) -> Entry {
        Entry {
            kind,
            id: id.to_string(),
            title: title.to_string(),
            lines: Vec::new(),
            plan: None,
        }
    }
    fn line(&mut self, label: &str, v: Option<&str>) {
        if let Some(v) = v.filter(|v| !v.trim().is_empty()) {
            self.lines.push(format!("{label}: {v}"));
        }
    }
    fn list(&mut self, label: &str, v: &[String]) {
        if !v.is_empty() {
            self.lines.push(format!("{label}: {}", v.join(", ")));
        }
    }
    fn haystack(&self) -> String {
        format!(
            "{} {} {} {}",
            self.kind,
            self.id,
            self.title,
            self.lines.join(" ")
        )
    }
}

fn ids(v: &[super::parse::span::Sp<String>]) -> Vec<String> {
    v.iter().map(|s| s.v.clone()).collect()
}

/// Every entry of the index, in the index's order, section by section.
pub fn index_entries(lib: &Library) -> Vec<Entry> {
    let ix = &lib.index;
    let mut out = Vec::new();
    for p in &ix.people {
        let mut e = Entry::new(EntryKind::Person, &p.id, &p.name);
        match p.kind {
            super::index::ContactKind::Person => {}
            super::index::ContactKind::Team => e.line("Kind", Some("team")),
            super::index::ContactKind::External => e.line("Kind", Some("outside body")),
        }
        e.line("Title", p.title.as_deref());
        e.list("Phone", &p.phones);
        e.list("E-mail", &p.emails);
        if let Some(d) = &p.deputy {
            let name = ix
                .person(d)
                .map(|x| {
                    format!(
                        "{} ({})",
                        x.name,
                        x.phones.first().map(String::as_str).unwrap_or("no phone")
                    )
                })
                .unwrap_or_else(|| d.v.clone());
            e.line("Deputy", Some(&name));
        }
        let roles: Vec<String> = ix
            .roles
            .iter()
            .filter(|r| r.people.iter().any(|x| x.v == p.id.v))
            .map(|r| format!("{} ({})", r.title, r.id.v))
            .collect();
        e.list("Roles", &roles);
        e.line("Location", p.location.as_deref());
        e.line("Notes", p.notes.as_deref());
        out.push(e);
    }
    for r in &ix.roles {
        let mut e = Entry::new(EntryKind::Role, &r.id, &r.title);
        e.line("Duties", r.duties.as_deref());
        for (i, p) in ix.contacts_for_role(&r.id).iter().enumerate() {
            e.lines
                .push(format!("{}. {} {}", i + 1, p.name, p.phones.join(" / ")));
        }
        for s in ix.rota.iter().filter(|s| s.role.v == r.id.v) {
            let who = ix.person(&s.person);
            e.lines.push(format!(
                "On call: {} {}, from {} to {}",
                who.map_or(s.person.v.as_str(), |p| p.name.as_str()),
                who.map(|p| p.phones.join(" / ")).unwrap_or_default(),
                s.from.format("%Y-%m-%d %H:%M UTC"),
                s.to.format("%Y-%m-%d %H:%M UTC")
            ));
        }
        out.push(e);
    }
    for v in &ix.vendors {
        let mut e = Entry::new(EntryKind::Vendor, &v.id, &v.name);
        e.line("Provides", v.provides.as_deref());
        e.line("Contract", v.contract.as_deref());
        e.list("Support", &v.support);
        e.line("E-mail", v.email.as_deref());
        e.line("SLA", v.sla.as_deref());
        e.line("Account", v.account.as_deref());
        e.line("Notes", v.notes.as_deref());
        out.push(e);
    }
    for s in &ix.sites {
        let mut e = Entry::new(EntryKind::Site, &s.id, &s.name);
        e.line("Kind", Some(&format!("{:?}", s.kind).to_lowercase()));
        e.line("Address", s.address.as_deref());
        e.line("Access", s.access.as_deref());
        e.line("Notes", s.notes.as_deref());
        out.push(e);
    }
    for v in &ix.vital_business_functions {
        let mut e = Entry::new(EntryKind::Vbf, &v.id, &v.name);
        e.line("Impact", v.impact.as_deref());
        e.line("RTO", v.rto.as_ref().map(|r| r.v.to_string()).as_deref());
        e.line("RPO", v.rpo.as_ref().map(|r| r.v.to_string()).as_deref());
        e.line("MTPD", v.mtpd.as_ref().map(|r| r.v.to_string()).as_deref());
        e.line(
            "Priority",
            v.priority.as_ref().map(|p| p.v.to_string()).as_deref(),
        );
        for p in &v.impact_over_time {
            e.lines.push(match &p.note {
                Some(n) => format!("After {}: {} - {n}", p.after.v, p.level),
                None => format!("After {}: {}", p.after.v, p.level),
            });
        }
        e.line("Strategy", v.strategy.as_deref());
        for o in &v.recovery_options {
            e.lines.push(format!("Option: {o}"));
        }
        e.line(
            "Owner",
            v.owner
                .as_ref()
                .map(|o| ix.person(o).map_or(ix.role_title(o), |p| p.name.as_str())),
        );
        let svcs: Vec<String> = ix
            .services
            .iter()
            .filter(|s| s.vbfs.iter().any(|x| x.v == v.id.v))
            .map(|s| s.name.clone())
            .collect();
        e.list("Services", &svcs);
        out.push(e);
    }
    for s in &ix.services {
        let mut e = Entry::new(EntryKind::Service, &s.id, &s.name);
        e.line("Description", s.description.as_deref());
        e.line("RTO", s.rto.as_ref().map(|r| r.v.to_string()).as_deref());
        e.line("RPO", s.rpo.as_ref().map(|r| r.v.to_string()).as_deref());
        let vbfs: Vec<String> = s
            .vbfs
            .iter()
            .map(|v| {
                ix.vbf(v)
                    .map(|x| x.name.clone())
                    .unwrap_or_else(|| v.v.clone())
            })
            .collect();
        e.list("Supports", &vbfs);
        e.list("Depends on", &ids(&s.depends_on));
        e.list("Plans", &ids(&s.plans));
        e.list("Sites", &ids(&s.sites));
        e.list("Vendors", &ids(&s.vendors));
        e.line("Owner", s.owner.as_ref().map(|o| o.v.as_str()));
        out.push(e);
    }
    for d in &ix.documents {
        let mut e = Entry::new(EntryKind::Document, &d.id, &d.title);
        e.line("Where", d.location.as_deref());
        e.line("Notes", d.notes.as_deref());
        out.push(e);
    }
    if let Some(inv) = &ix.invocation {
        let mut e = Entry::new(
            EntryKind::Invocation,
            "invocation",
            "Disaster recovery invocation guideline",
        );
        for c in &inv.criteria {
            e.lines.push(format!("Invoke when: {c}"));
        }
        let who: Vec<String> = inv
            .who_may_invoke
            .iter()
            .map(|r| ix.role_title(r).to_string())
            .collect();
        e.list("Who may invoke", &who);
        for (i, s) in inv.first_steps.iter().enumerate() {
            e.lines.push(format!("First step {}: {s}", i + 1));
        }
        for s in &inv.first_level_support {
            e.lines.push(format!("First-level support: {s}"));
        }
        out.push(e);
    }
    out
}

/// Plans and their steps as entries.
pub fn plan_entries(lib: &Library) -> Vec<Entry> {
    let mut out = Vec::new();
    for p in &lib.plans {
        let mut e = Entry::new(EntryKind::Plan, &p.id, &p.title);
        e.line("Kind", Some(p.kind.label()));
        e.list("Services", &ids(&p.services));
        e.line("When", p.invoke_when.as_deref());
        out.push(e);
        for s in &p.steps {
            let mut e = Entry::new(EntryKind::Step, &s.id, &s.title);
            e.plan = Some(p.id.v.clone());
            e.line("Role", s.role.as_ref().map(|r| lib.index.role_title(r)));
            e.line("Details", s.body.as_deref());
            out.push(e);
        }
    }
    out
}

/// The entries matching `query`, best first (stable among equals). Borrows: nothing is copied
/// but the answer, so searching as you type stays cheap on a large library.
/// Words that say how to reach someone rather than whom: "dba phone", "who is on call for
/// network". When every word of a query does not match, they are left out and it is tried again.
const FILLER: &[&str] = &[
    "who", "whos", "is", "are", "the", "a", "an", "for", "of", "on", "call", "oncall", "phone",
    "phones", "number", "numbers", "tel", "mobile", "contact", "contacts", "reach", "ring",
    "email", "mail", "e-mail", "duty", "now", "today", "details", "to",
];

/// Short names people type for roles and teams, and what they stand for.
const SYNONYMS: &[(&str, &str)] = &[
    ("dba", "database administrator"),
    ("db", "database"),
    ("ic", "incident commander"),
    ("comms", "communications"),
    ("dpo", "data protection officer"),
    ("ciso", "security"),
    ("infosec", "security"),
    ("sec", "security"),
    ("netops", "network"),
    ("noc", "network operations"),
    ("ops", "operations"),
    ("hr", "human resources"),
    ("it", "it service desk"),
    ("sysadmin", "system administrator"),
    ("exec", "executive"),
];

/// Entries matching every word of the query, best first: without the words that only say "how
/// to reach" (phone, on call, who...) when it has others, then as typed; each also with its
/// short names spelled out (dba: database administrator).
pub fn search<'a>(entries: &'a [Entry], query: &str) -> Vec<&'a Entry> {
    if query.trim().is_empty() {
        return entries.iter().collect();
    }
    let words: Vec<String> = query
        .to_lowercase()
        .split_whitespace()
        .map(String::from)
        .collect();
    let spelled = |ws: &[String]| -> String {
        ws.iter()
            .map(|w| {
                SYNONYMS
                    .iter()
                    .find(|(s, _)| s == w)
                    .map_or(w.as_str(), |(_, long)| long)
            })
            .collect::<Vec<_>>()
            .join(" ")
    };
    let kept: Vec<String> = words
        .iter()
        .filter(|w| !FILLER.contains(&w.as_str()))
        .cloned()
        .collect();
    // the words that say whom first: "who is the ic" is about the incident commander
    let mut tries = Vec::new();
    if !kept.is_empty() && kept.len() < words.len() {
        tries.push(spelled(&kept));
        tries.push(kept.join(" "));
    }
    tries.push(spelled(&words));
    tries.push(words.join(" "));
    for q in tries {
        let hits = search_all(entries, &q);
        if !hits.is_empty() {
            return hits;
        }
    }
    Vec::new()
}

fn search_all<'a>(entries: &'a [Entry], query: &str) -> Vec<&'a Entry> {
    let mut scored: Vec<(u32, usize, &Entry)> = entries
        .iter()
        .enumerate()
        .filter_map(|(i, e)| {
            // the title and id weigh more than the details
            let head = crate::domain::text::match_score(
                query,
                &format!("{} {} {}", e.kind, e.id, e.title),
            )
            .map(|s| s * 2);
            let all = crate::domain::text::match_score(query, &e.haystack());
            head.max(all).map(|s| (s, i, e))
        })
        .collect();
    scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    scored.into_iter().map(|(_, _, e)| e).collect()
}
