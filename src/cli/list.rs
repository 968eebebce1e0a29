//! `muster list [--json]`

use super::Output;
use super::Result;
use crate::context::Context;
use crate::domain::Library;
use serde::Serialize;

#[derive(Serialize)]
struct PlanRow<'a> {
    id: &'a str,
    title: &'a str,
    kind: &'a str,
    steps: usize,
    services: Vec<&'a str>,
    owner: Option<&'a str>,
    version: Option<&'a str>,
    review_due: Option<chrono::NaiveDate>,
    test_due: Option<chrono::NaiveDate>,
    review: String,
    path: &'a str,
}

fn rows<'a>(lib: &'a Library, today: chrono::NaiveDate) -> Vec<PlanRow<'a>> {
    lib.plans
        .iter()
        .map(|p| PlanRow {
            id: &p.id.v,
            title: &p.title,
            kind: p.kind.label(),
            steps: p.steps.len(),
            services: p.services.iter().map(|s| s.v.as_str()).collect(),
            owner: p.owner.as_ref().map(|o| o.v.as_str()),
            version: p.version.as_deref(),
            review_due: p.review_due(),
            test_due: p.test_due(),
            review: p.review_status(today),
            path: &p.path,
        })
        .collect()
}

pub fn run(ctx: &Context, json: bool) -> Result<Output> {
    let lib = super::library_for_reading(ctx)?;
    let rows = rows(&lib, ctx.today());
    if json {
        return Ok(Output::ok(super::to_json(&rows)));
    }
    let mut out = format!("Plans in {}: {}\n\n", lib.describe(), rows.len());
    // one line a plan, in a terminal's width: the tightest RTO, and the first services
    let table: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            let rto = r
                .services
                .iter()
                .filter_map(|s| {
                    lib.index
                        .service(s)
                        .and_then(|x| x.rto.as_ref())
                        .map(|x| x.v)
                })
                .min();
            let mut services = r
                .services
                .iter()
                .take(2)
                .copied()
                .collect::<Vec<_>>()
                .join(", ");
            if r.services.len() > 2 {
                services.push_str(&format!(" +{}", r.services.len() - 2));
            }
            vec![
                r.id.to_string(),
                crate::tui::view::text::ellipsis(&crate::domain::text::clean(r.title, false), 40),
                r.kind.to_string(),
                r.steps.to_string(),
                rto.map(|x| x.to_string()).unwrap_or_else(|| "-".into()),
                services,
                r.review.clone(),
            ]
        })
        .collect();
    out.push_str(&super::table::table(
        &["ID", "TITLE", "KIND", "STEPS", "RTO", "SERVICES", "REVIEW"],
        &table,
    ));
    Ok(Output::ok(out))
}
