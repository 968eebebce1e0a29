//! `muster impact site|service|vendor ID`, `muster order`, `muster risks`, `muster graph`: the
//! continuity manager's map, from the index and the risk register.

use super::{CliError, Output, Result};
use crate::context::Context;
use crate::domain::impact::{self, Kind};
use crate::domain::risk::{IMPACT, LIKELIHOOD};
use crate::domain::text::{clean, ellipsis};
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LostKind {
    Site,
    Service,
    Vendor,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum GraphFormat {
    Text,
    Dot,
    Mermaid,
}

fn dash<T: std::fmt::Display>(v: Option<T>) -> String {
    v.map_or("-".into(), |x| x.to_string())
}

pub fn impact(ctx: &Context, kind: LostKind, id: &str, json: bool) -> Result<Output> {
    let lib = super::library_for_reading(ctx)?;
    let kind = match kind {
        LostKind::Site => Kind::Site,
        LostKind::Service => Kind::Service,
        LostKind::Vendor => Kind::Vendor,
    };
    let i = impact::impact(&lib, kind, id).map_err(|e| CliError::Invalid(e.to_string()))?;
    if json {
        return Ok(Output::ok(super::to_json(&i)));
    }
    let mut out = format!(
        "If {} ({} {}) is lost:\n",
        clean(&i.name, false),
        kind.word(),
        clean(&i.id, false)
    );
    if i.services.is_empty() {
        out.push_str(&format!(
            "\nNo service of the index runs there or needs it: nothing is taken down. (Services name their {}s in `{}`.)\n",
            kind.word(),
            match kind {
                Kind::Site => "sites",
                Kind::Vendor => "vendors",
                Kind::Service => "depends_on",
            }
        ));
        return Ok(Output::ok(out));
    }
    let direct = i.service_details.iter().filter(|s| s.direct).count();
    wrap(
        &mut out,
        "",
        &format!(
            "{} service(s) down ({direct} directly, {} through what they depend on), {} vital business function(s), {} plan(s) to invoke.",
            i.services.len(),
            i.services.len() - direct,
            i.vbfs.len(),
            i.plans.len()
        ),
    );
    out.push('\n');
    out.push_str("Recover in this order (dependencies first, then the earliest deadline):\n");
    let rows: Vec<Vec<String>> = i
        .service_details
        .iter()
        .enumerate()
        .map(|(n, s)| {
            let how = if s.direct {
                match kind {
                    Kind::Site if s.elsewhere.is_empty() => "runs there only".to_string(),
                    Kind::Site => format!("also at {}", s.elsewhere.join(", ")),
                    Kind::Vendor => "uses it".to_string(),
                    Kind::Service => "the one lost".to_string(),
                }
            } else {
                format!("needs {}", s.waits_for.join(", "))
            };
            vec![
                (n + 1).to_string(),
                s.tier.to_string(),
                s.id.clone(),
                dash(s.rto),
                dash(s.needed_by),
                ellipsis(&how, 34),
            ]
        })
        .collect();
    out.push_str(&super::table::table(
        &["#", "TIER", "SERVICE", "RTO", "NEEDED BY", "HOW"],
        &rows,
    ));
    out.push_str("\nVital business functions hit:\n");
    let rows: Vec<Vec<String>> = i
        .vbf_details
        .iter()
        .map(|v| {
            vec![
                dash(v.priority),
                v.id.clone(),
                dash(v.rto),
                dash(v.mtpd),
                dash(v.at_rto),
                ellipsis(&v.services.join(", "), 30),
            ]
        })
        .collect();
    out.push_str(&super::table::table(
        &["PRIO", "VBF", "RTO", "MTPD", "AT RTO", "NEEDS"],
        &rows,
    ));
    out.push_str("\nPlans to invoke, in this order:\n");
    for (n, p) in i.plan_details.iter().enumerate() {
        let title = if p.title.is_empty() {
            "(no such plan in the library)".to_string()
        } else {
            clean(&p.title, false)
        };
        out.push_str(&format!(
            "{:>3}. {} - {}\n",
            n + 1,
            p.id,
            ellipsis(&title, 70usize.saturating_sub(p.id.len()))
        ));
        wrap(
            &mut out,
            "     ",
            &format!("restores {}", p.services.join(", ")),
        );
    }
    if i.plan_details.is_empty() {
        out.push_str("  none: no plan restores these services (see `muster check`)\n");
    }
    if !i.risks.is_empty() {
        out.push('\n');
        wrap(
            &mut out,
            "",
            &format!("Risks of the register that name it: {}", i.risks.join(", ")),
        );
    }
    // one line, to copy whole
    if !i.plans.is_empty() {
        out.push_str(&format!("\nTo start: muster start {}\n", i.plans.join(" ")));
    }
    Ok(Output::ok(out))
}

pub fn order(ctx: &Context, json: bool) -> Result<Output> {
    let lib = super::library_for_reading(ctx)?;
    let o = impact::library_order(&lib);
    if json {
        return Ok(Output::ok(super::to_json(&o)));
    }
    let mut out = format!(
        "Recovery order of {} services in {}: dependencies first, then the earliest deadline\n",
        o.order.len(),
        lib.describe()
    );
    for (t, tier) in o.tiers.iter().enumerate() {
        out.push_str(&format!(
            "\nTier {t}: {}\n",
            if t == 0 {
                "needs no other service".to_string()
            } else {
                format!("needs tier {} and before", t - 1)
            }
        ));
        let rows: Vec<Vec<String>> = tier
            .iter()
            .filter_map(|id| o.services.iter().find(|s| s.id == *id))
            .map(|s| {
                let n = o.order.iter().position(|x| *x == s.id).map_or(0, |p| p + 1);
                vec![
                    n.to_string(),
                    s.id.clone(),
                    dash(s.rto),
                    dash(s.needed_by),
                    ellipsis(&s.waits_for.join(", "), 40),
                ]
            })
            .collect();
        out.push_str(&super::table::table(
            &["#", "SERVICE", "RTO", "NEEDED BY", "NEEDS"],
            &rows,
        ));
    }
    if !o.in_cycles.is_empty() {
        out.push_str(&format!(
            "\nIn a dependency circle, put last: {} (`muster check` names the circle)\n",
            o.in_cycles.join(", ")
        ));
    }
    Ok(Output::ok(out))
}

#[derive(Serialize)]
struct RiskRow<'a> {
    id: &'a str,
    threat: &'a str,
    score: u8,
    band: &'static str,
    likelihood: u8,
    impact: u8,
    owner: Option<&'a str>,
    treatment: Option<crate::domain::risk::Treatment>,
    sites: Vec<&'a str>,
    services: Vec<&'a str>,
    vendors: Vec<&'a str>,
    plans: Vec<&'a str>,
    mitigations: &'a [crate::domain::risk::Mitigation],
    last_reviewed: Option<chrono::NaiveDate>,
    review_due: Option<chrono::NaiveDate>,
}

pub fn risks(ctx: &Context, json: bool) -> Result<Output> {
    let lib = super::library_for_reading(ctx)?;
    let Some(reg) = &lib.risks else {
        if json {
            return Ok(Output::ok("[]\n"));
        }
        return Ok(Output::ok(format!(
            "{} has no risk register: write one in risks.ron beside index.ron (see docs/FORMAT.md)\n",
            lib.describe()
        )));
    };
    let ids = |v: &'_ [crate::domain::Sp<String>]| -> Vec<String> {
        v.iter().map(|x| x.v.clone()).collect()
    };
    let sorted = reg.by_score();
    if json {
        let rows: Vec<RiskRow> = sorted
            .iter()
            .map(|r| RiskRow {
                id: &r.id.v,
                threat: &r.threat,
                score: r.score(),
                band: r.band().word(),
                likelihood: r.likelihood.v,
                impact: r.impact.v,
                owner: r.owner.as_ref().map(|o| o.v.as_str()),
                treatment: r.treatment,
                sites: r.sites.iter().map(|x| x.v.as_str()).collect(),
                services: r.services.iter().map(|x| x.v.as_str()).collect(),
                vendors: r.vendors.iter().map(|x| x.v.as_str()).collect(),
                plans: r.plans.iter().map(|x| x.v.as_str()).collect(),
                mitigations: &r.mitigations,
                last_reviewed: r.last_reviewed.as_ref().map(|d| d.v),
                review_due: r.review_due(reg.review_interval),
            })
            .collect();
        return Ok(Output::ok(super::to_json(&rows)));
    }
    let mut out = format!(
        "Risk register of {}: {} risk(s), highest score first (likelihood x impact, 1-5 each)\n\n",
        lib.describe(),
        sorted.len()
    );
    for r in &sorted {
        let affects: Vec<String> = ids(&r.sites)
            .into_iter()
            .chain(ids(&r.services))
            .chain(ids(&r.vendors))
            .collect();
        let head = format!("{:>3} {:<9} ", r.score(), r.band().word());
        let pad = " ".repeat(head.len());
        let mut facts = vec![format!(
            "likelihood {}, impact {}",
            r.likelihood.v, r.impact.v
        )];
        facts.push(match &r.owner {
            Some(o) => format!("owner {}", o.v),
            None => "NO OWNER".into(),
        });
        facts.push(if r.plans.is_empty() {
            "NO PLAN".into()
        } else {
            format!("plans {}", ids(&r.plans).join(", "))
        });
        if !affects.is_empty() {
            facts.push(format!("affects {}", affects.join(", ")));
        }
        let width = 80 - pad.len();
        for (i, l) in crate::domain::text::wrap_words(
            &format!("{}: {}", r.id.v, clean(&r.threat, false)),
            width,
        )
        .iter()
        .enumerate()
        {
            out.push_str(if i == 0 { &head } else { &pad });
            out.push_str(l);
            out.push('\n');
        }
        for l in crate::domain::text::wrap_words(&facts.join("; "), width) {
            out.push_str(&pad);
            out.push_str(&l);
            out.push('\n');
        }
        out.push('\n');
    }
    out.push_str(&format!(
        "Likelihood: {}.\nImpact: {}.\n",
        scale(&LIKELIHOOD),
        scale(&IMPACT)
    ));
    Ok(Output::ok(out))
}

/// Text wrapped to 80 columns, each line after `pad`.
fn wrap(out: &mut String, pad: &str, text: &str) {
    for l in crate::domain::text::wrap_words(text, 80 - pad.len()) {
        out.push_str(pad);
        out.push_str(&l);
        out.push('\n');
    }
}

fn scale(words: &[&str; 5]) -> String {
    words
        .iter()
        .enumerate()
        .map(|(i, w)| format!("{} {w}", i + 1))
        .collect::<Vec<_>>()
        .join(", ")
}

pub fn graph(ctx: &Context, format: GraphFormat) -> Result<Output> {
    let lib = super::library_for_reading(ctx)?;
    Ok(Output::ok(match format {
        GraphFormat::Text => crate::export::graph::text(&lib),
        GraphFormat::Dot => crate::export::graph::dot(&lib),
        GraphFormat::Mermaid => crate::export::graph::mermaid(&lib),
    }))
}
