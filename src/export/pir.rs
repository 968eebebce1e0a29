//! The post-incident review, in the manner of the Google SRE postmortem: what the journal can
//! say filled in (summary facts, impact, detection, response, recovery, the actions raised), and
//! clear blanks for what only the people who were there can write.

use super::Input;
use super::doc::Doc;
use super::facts::*;
use super::review::{
    action_status, common_sections, executive_summary, overview, rto_words, step_rows,
};
use crate::domain::session::NoteKind;
use crate::domain::time::human_duration;

pub fn incident_doc(f: &Facts, o: &Input) -> Doc {
    let st = &o.session.state;
    let closed = f.closed_at.is_some();
    let mut d = Doc::new(format!("Post-incident review: {}", f.title));
    d.running_header = Some(format!(
        "Post-incident review · {} · session {}",
        f.title, f.id
    ));
    d.para(format!("Status: {}. Filled in from the journal where it can be; the blanks are for the people who were there.", if closed { "incident closed" } else { "incident still open" }));
    d.h2("Executive summary");
    d.text(executive_summary(f, o));
    d.blank("what happened, in two or three sentences, and how it was resolved");
    d.facts(overview(f, o.zone));

    d.h2("Impact");
    let mut impact = Vec::new();
    for r in &f.rto {
        let Some(s) = o.index.service(&r.service) else {
            continue;
        };
        let vbfs: Vec<String> = s
            .vbfs
            .iter()
            .map(|v| {
                o.index
                    .vbf(v)
                    .map(|x| x.name.clone())
                    .unwrap_or_else(|| v.v.clone())
            })
            .collect();
        impact.push(vec![
            format!("{} ({})", s.name, r.service),
            format!(
                "RTO {}, RPO {}",
                r.rto,
                s.rpo
                    .as_ref()
                    .map(|x| x.v.to_string())
                    .unwrap_or("-".into())
            ),
            vbfs.join(", "),
            match r.restored_at {
                Some(t) => format!("restored {}: RTO {}", utc(t), rto_words(r, closed)),
                None => format!("not restored: RTO {}", rto_words(r, closed)),
            },
        ]);
    }
    if impact.is_empty() {
        d.para("No service with an RTO in the index is restored by this session's plans.");
    } else {
        d.para("Services the plans of this session restore, the vital business functions they support, and how each fared:");
        d.table(
            &["Service", "Objectives", "Supports", "Restoration"],
            impact,
        );
    }
    d.blank("who was affected, how badly and for how long; data lost, if any");

    d.h2("Severity");
    let missed = f.rto.iter().filter(|r| r.outcome == "missed").count();
    d.para(format!(
        "From the journal: {} with an RTO affected, {} missed.",
        super::review::plural(f.rto.len(), "service", "services"),
        super::review::plural(missed, "RTO", "RTOs")
    ));
    d.blank("the severity assigned (on your scale) and why");

    d.h2("Detection");
    let mut det = vec![
        (
            "Declared".to_string(),
            format!("{} ({})", utc(f.declared_at), local(o.zone, f.declared_at)),
        ),
        (
            "Recording began".to_string(),
            format!(
                "{} by {}{}",
                utc(f.started_at),
                f.started_by,
                if f.started_at > f.declared_at {
                    format!(
                        ", {} after the declaration",
                        human_duration(f.started_at - f.declared_at)
                    )
                } else {
                    String::new()
                }
            ),
        ),
    ];
    for c in &st.declarations {
        det.push((
            "Declaration corrected".into(),
            format!(
                "{} by {}: from {} to {}{}",
                utc(c.at),
                c.by,
                utc(c.from),
                utc(c.to),
                c.reason
                    .as_ref()
                    .map(|r| format!(" ({r})"))
                    .unwrap_or_default()
            ),
        ));
    }
    d.facts(det);
    d.blank("how it was noticed (alert, customer, staff) and how long before it was declared");

    d.h2("Response");
    let first = st
        .steps()
        .filter_map(|s| s.started_at.or(s.at).map(|t| (t, s)))
        .min_by_key(|(t, _)| *t);
    let mut resp = Vec::new();
    if let Some((t, s)) = first {
        resp.push((
            "First step acted on".to_string(),
            format!(
                "{} {}/{} at {}, {} after the declaration",
                s.title,
                s.plan,
                s.step,
                utc(t),
                human_duration(t - f.declared_at)
            ),
        ));
    }
    resp.push((
        "Responders".into(),
        format!(
            "{}: {}",
            f.participants.len(),
            f.participants
                .iter()
                .map(|p| p.name.clone())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    ));
    resp.push((
        "Hand-overs".into(),
        match st.handovers.len() {
            0 => "none".into(),
            n => format!("{n} (see Participants)"),
        },
    ));
    resp.push((
        "Decisions".into(),
        format!("{} (see Decisions taken)", f.decisions.len()),
    ));
    d.facts(resp);

    d.h2("Recovery");
    let mut rec = Vec::new();
    for r in f.rto.iter().filter(|r| r.restored_at.is_some()) {
        if let Some(t) = r.restored_at {
            rec.push((
                format!("{} restored", r.name),
                format!(
                    "{} ({} after the declaration)",
                    utc(t),
                    human_duration(t - f.declared_at)
                ),
            ));
        }
    }
    if let Some(t) = st
        .steps()
        .filter(|s| s.state.finished())
        .filter_map(|s| s.at)
        .max()
    {
        rec.push(("Last step finished".into(), utc(t)));
    }
    rec.push((
        "Closed".into(),
        f.closed_at
            .map(|c| {
                format!(
                    "{} ({} after the declaration)",
                    utc(c),
                    human_duration(c - f.declared_at)
                )
            })
            .unwrap_or_else(|| "still open".into()),
    ));
    d.facts(rec);
    d.blank("how service was restored, and what is still to be done");

    d.h2("Root cause and trigger");
    d.blank("what caused it, and what set it off");
    d.h2("What went well");
    d.blank("what worked: people, plans, tools");
    d.h2("What went wrong");
    d.blank("what did not work, or slowed the recovery");
    let noted: Vec<String> = st
        .notes
        .iter()
        .map(|n| format!("{} ({}, {}): {}", n.text, n.by, utc(n.at), n.kind))
        .collect();
    if !noted.is_empty() {
        d.h3("Session notes from the journal");
        d.list(noted);
    }
    d.h2("Where we got lucky");
    d.blank("what could have been worse");

    d.h2("Action items");
    let mut rows: Vec<Vec<String>> = f
        .actions
        .iter()
        .map(|a| {
            vec![
                a.id.to_string(),
                a.text.clone(),
                a.capability.clone().unwrap_or_default(),
                a.owner.clone().unwrap_or_default(),
                a.due.map(|d| d.to_string()).unwrap_or_default(),
                action_status(a),
            ]
        })
        .collect();
    if rows.is_empty() {
        d.para(format!("No action has been raised yet: raise them with `muster action add {} TEXT --owner NAME --due YYYY-MM-DD` (P in the TUI), or write them below.", f.id));
    }
    for _ in 0..3 {
        rows.push(vec![String::new(); 6]);
    }
    d.sign_off(
        &[
            "ID",
            "Action",
            "Type or capability",
            "Owner",
            "Due",
            "Status",
        ],
        rows,
        0,
    );
    // what the journal suggests looking at: never an action until someone raises it
    let blocked = step_rows(f, |s| &s.conflicts);
    let was_blocked: Vec<Vec<String>> = st
        .steps()
        .filter(|s| s.notes.iter().any(|n| n.kind == NoteKind::Block))
        .map(|s| {
            vec![
                format!("{}/{}", s.plan, s.step),
                s.title.clone(),
                s.notes
                    .iter()
                    .filter(|n| n.kind == NoteKind::Block)
                    .map(|n| format!("blocked: {}", n.text))
                    .collect::<Vec<_>>()
                    .join("; "),
            ]
        })
        .chain(
            blocked
                .into_iter()
                .map(|r| vec![r[0].clone(), r[1].clone(), format!("conflict: {}", r[3])]),
        )
        .collect();
    if !was_blocked.is_empty() {
        d.h3("Suggestions from the journal");
        d.para("Steps that were blocked or recorded in contradiction: worth an action if they will happen again. They are not actions until someone raises them.");
        d.table(&["Step", "Title", "What happened"], was_blocked);
    }
    common_sections(&mut d, f, o);
    d
}
