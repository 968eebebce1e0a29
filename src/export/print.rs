//! Paper copies: a plan with a box to tick and blank columns for who, time and note; the index.

use super::doc::Doc;
use crate::domain::{Library, Plan};

fn plan_header(p: &Plan) -> String {
    format!(
        "{} · {} · version {} · reviewed {} · printed copy: the journal in muster is the record",
        p.title,
        p.id.v,
        p.version.clone().unwrap_or_else(|| "-".into()),
        p.last_reviewed
            .as_ref()
            .map(|d| d.v.to_string())
            .unwrap_or_else(|| "never".into())
    )
}

pub fn plan_doc(lib: &Library, p: &Plan, today: chrono::NaiveDate) -> Doc {
    let mut d = Doc::new(format!("{} ({})", p.title, p.id.v));
    d.running_header = Some(plan_header(p));
    let mut facts = vec![("Kind".to_string(), p.kind.label().to_string())];
    if let Some(v) = &p.version {
        facts.push(("Version".into(), v.clone()));
    }
    facts.push((
        "Last reviewed".into(),
        p.last_reviewed
            .as_ref()
            .map(|d| d.v.to_string())
            .unwrap_or_else(|| "never".into()),
    ));
    facts.push((
        "Last tested".into(),
        p.last_tested
            .as_ref()
            .map(|d| d.v.to_string())
            .unwrap_or_else(|| "never".into()),
    ));
    facts.push(("Review status".into(), p.review_status(today)));
    if let Some(o) = &p.owner {
        facts.push((
            "Owner".into(),
            lib.index
                .role(o)
                .map(|r| r.title.clone())
                .unwrap_or_else(|| o.v.clone()),
        ));
    }
    let svcs: Vec<String> = p
        .services
        .iter()
        .map(|s| lib.index.service_summary(s))
        .collect();
    if !svcs.is_empty() {
        facts.push(("Services".into(), svcs.join("; ")));
    }
    facts.push((
        "Incident / date".into(),
        "______________________________".into(),
    ));
    d.facts(facts);
    if let Some(w) = &p.invoke_when {
        d.h2("When to invoke");
        d.markdown(w.clone());
    }
    if let Some(s) = &p.scope {
        d.h2("Scope");
        d.markdown(s.clone());
    }
    if !p.parameters.is_empty() {
        d.h2("Parameters");
        d.para(
            "Fill these in when the plan is invoked; the steps below show each as {{name}}."
                .to_string(),
        );
        let mut f = Vec::new();
        for x in &p.parameters {
            let mut about = x.ask.clone();
            if let Some(e) = &x.example {
                about.push_str(&format!(" For example: {e}."));
            }
            if let Some(dv) = &x.default {
                about.push_str(&format!(" Default: {dv}."));
            }
            f.push((format!("{{{{{}}}}}", x.id.v), about));
            f.push((String::new(), "______________________________".into()));
        }
        d.facts(f);
    }
    // who to call, once for every role the plan names
    let mut roles: Vec<&str> = p
        .owner
        .iter()
        .map(|o| o.v.as_str())
        .chain(
            p.steps
                .iter()
                .filter_map(|s| s.role.as_ref().map(|r| r.v.as_str())),
        )
        .collect();
    roles.sort();
    roles.dedup();
    d.h2("Who to call");
    let rows = roles
        .iter()
        .map(|r| {
            let title = lib
                .index
                .role(r)
                .map(|x| x.title.clone())
                .unwrap_or_else(|| r.to_string());
            let people = lib
                .index
                .contacts_for_role(r)
                .iter()
                .enumerate()
                .map(|(i, p)| format!("{}. {} {}", i + 1, p.name, p.phones.join(" / ")))
                .collect::<Vec<_>>()
                .join("\n");
            vec![title, people]
        })
        .collect();
    d.table(&["Role", "People, in escalation order"], rows);
    d.h2("Sign-off sheet");
    let rows = p
        .steps
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let est = s.estimate.map(|e| e.to_string()).unwrap_or_default();
            let role = s
                .role
                .as_ref()
                .map(|r| lib.index.role_title(r).to_string())
                .unwrap_or_default();
            vec![
                "☐".into(),
                format!("{}", i + 1),
                format!("{} ({})", s.title, s.id.v),
                role,
                est,
                String::new(),
                String::new(),
                String::new(),
            ]
        })
        .collect();
    d.sign_off(
        &[
            "Done", "#", "Step", "Role", "Estimate", "Who", "Time", "Note",
        ],
        rows,
        3,
    );
    d.para(format!(
        "Afterwards, type this sheet into the session's log: `muster transcribe SESSION FILE`, one entry a line, `HH:MM WHO ACTION {}/# [NOTE]` (ACTION: start, done, skip, block, reopen or note; # the number in the second column), for example `03:12 priya done {}/2 lag 40 s`.",
        p.id.v, p.id.v
    ));
    d.page_break();
    d.h2("The steps in full");
    let mut phase = None;
    for (i, s) in p.steps.iter().enumerate() {
        if s.phase != phase {
            phase = s.phase;
            if let Some(ph) = phase {
                d.h2(format!("Phase {}: {}", ph + 1, p.phases[ph]));
            }
        }
        d.h3(format!("☐ {}. {} ({})", i + 1, s.title, s.id.v));
        let mut f = Vec::new();
        if let Some(r) = &s.role {
            let people = lib
                .index
                .contacts_for_role(r)
                .iter()
                .map(|p| {
                    format!(
                        "{} {}",
                        p.name,
                        p.phones.first().cloned().unwrap_or_default()
                    )
                })
                .collect::<Vec<_>>()
                .join(", then ");
            f.push((
                "Who".to_string(),
                format!(
                    "{}{}",
                    lib.index
                        .role(r)
                        .map(|x| x.title.clone())
                        .unwrap_or_else(|| r.v.clone()),
                    if people.is_empty() {
                        String::new()
                    } else {
                        format!(": {people}")
                    }
                ),
            ));
        }
        if let Some(e) = &s.estimate {
            f.push(("Estimate".into(), e.to_string()));
        }
        if !s.depends_on.is_empty() {
            f.push((
                "After".into(),
                s.depends_on
                    .iter()
                    .map(|x| format!("{}. {}", p.step_index(x).map(|n| n + 1).unwrap_or(0), x.v))
                    .collect::<Vec<_>>()
                    .join(", "),
            ));
        }
        if !f.is_empty() {
            d.facts(f);
        }
        if let Some(b) = &s.body {
            d.markdown(b.clone());
        }
        for c in &s.commands {
            d.pre(c.run.clone());
        }
        // the author's Markdown, as in the body
        if let Some(e) = &s.expected {
            d.markdown(format!("**Expected:** {e}"));
        }
        if let Some(v) = &s.verification {
            d.markdown(format!("**Verify:** {v}"));
        }
        if let Some(dec) = &s.decision {
            d.para(format!("Decision: {}", dec.question));
            d.list(
                dec.options
                    .iter()
                    .map(|o| format!("☐ {} → step {}", o.label, o.targets_shown(p)))
                    .collect(),
            );
        }
        d.facts(vec![
            ("Done by".into(), "________________".into()),
            ("Time".into(), "________".into()),
            ("Note".into(), "__________________________________".into()),
        ]);
    }
    d
}

pub fn index_doc(lib: &Library) -> Doc {
    let ix = &lib.index;
    let mut d = Doc::new(format!(
        "Index of Disaster-Relevant Information: {}",
        ix.organisation.name
    ));
    d.running_header = Some(format!(
        "{} · Index of Disaster-Relevant Information · printed copy",
        ix.organisation.name
    ));
    if let Some(l) = &ix.organisation.emergency_line {
        d.facts(vec![("Emergency line".into(), l.clone())]);
    }
    if let Some(inv) = &ix.invocation {
        d.h2("Invocation guideline");
        d.para("Invoke when:");
        d.list(inv.criteria.clone());
        d.facts(vec![(
            "Who may invoke".into(),
            inv.who_may_invoke
                .iter()
                .map(|r| {
                    ix.role(r)
                        .map(|x| x.title.clone())
                        .unwrap_or_else(|| r.v.clone())
                })
                .collect::<Vec<_>>()
                .join(", "),
        )]);
        d.para("First steps:");
        d.list(inv.first_steps.clone());
        d.para("First-level support, when you only suspect a disaster:");
        d.list(inv.first_level_support.clone());
    }
    d.h2("Roles, in escalation order");
    let rows = ix
        .roles
        .iter()
        .map(|r| {
            vec![
                r.title.clone(),
                ix.contacts_for_role(&r.id)
                    .iter()
                    .enumerate()
                    .map(|(i, p)| format!("{}. {} {}", i + 1, p.name, p.phones.join(" / ")))
                    .collect::<Vec<_>>()
                    .join("\n"),
            ]
        })
        .collect();
    d.table(&["Role", "People"], rows);
    d.h2("People");
    let rows = ix
        .people
        .iter()
        .map(|p| {
            vec![
                p.name.clone(),
                p.title.clone().unwrap_or_default(),
                p.phones.join("\n"),
                p.email.clone().unwrap_or_default(),
                p.deputy
                    .as_ref()
                    .and_then(|x| ix.person(x))
                    .map(|x| x.name.clone())
                    .unwrap_or_default(),
            ]
        })
        .collect();
    d.table(&["Name", "Title", "Phones", "E-mail", "Deputy"], rows);
    d.h2("Vendors");
    let rows = ix
        .vendors
        .iter()
        .map(|v| {
            vec![
                v.name.clone(),
                v.provides.clone().unwrap_or_default(),
                v.contract.clone().unwrap_or_default(),
                v.support.join("\n"),
                v.sla.clone().unwrap_or_default(),
                v.account.clone().unwrap_or_default(),
            ]
        })
        .collect();
    d.table(
        &[
            "Vendor", "Provides", "Contract", "Support", "SLA", "Account",
        ],
        rows,
    );
    d.h2("Sites");
    let rows = ix
        .sites
        .iter()
        .map(|s| {
            vec![
                s.name.clone(),
                format!("{:?}", s.kind).to_lowercase(),
                s.address.clone().unwrap_or_default(),
                s.access.clone().unwrap_or_default(),
            ]
        })
        .collect();
    d.table(&["Site", "Kind", "Address", "Access"], rows);
    d.h2("Services and vital business functions");
    let rows = ix
        .services
        .iter()
        .map(|s| {
            vec![
                s.name.clone(),
                s.vbfs
                    .iter()
                    .map(|v| {
                        ix.vbf(v)
                            .map(|x| x.name.clone())
                            .unwrap_or_else(|| v.v.clone())
                    })
                    .collect::<Vec<_>>()
                    .join(", "),
                s.rto.as_ref().map(|r| r.v.to_string()).unwrap_or_default(),
                s.rpo.as_ref().map(|r| r.v.to_string()).unwrap_or_default(),
                s.plans
                    .iter()
                    .map(|p| p.v.clone())
                    .collect::<Vec<_>>()
                    .join(", "),
            ]
        })
        .collect();
    d.table(&["Service", "Supports", "RTO", "RPO", "Plans"], rows);
    d.h2("Documents: where the offline copies are");
    let rows = ix
        .documents
        .iter()
        .map(|x| vec![x.title.clone(), x.location.clone().unwrap_or_default()])
        .collect();
    d.table(&["Document", "Where"], rows);
    d
}
