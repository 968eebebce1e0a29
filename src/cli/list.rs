//! `muster list [--json]`

use super::Output;
use crate::context::Context;
use crate::error::Result;
use crate::model::Library;
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
    let mut out = format!(
        "Plans in {}: {}\n\n",
        super::library_label(&lib),
        rows.len()
    );
    let table: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            let services = r
                .services
                .iter()
                .map(
                    |s| match lib.index.service(s).and_then(|x| x.rto.as_ref()) {
                        Some(rto) => format!("{s} (RTO {})", rto.v),
                        None => s.to_string(),
                    },
                )
                .collect::<Vec<_>>()
                .join(", ");
            vec![
                r.id.to_string(),
                crate::text::clean(r.title, false),
                r.kind.to_string(),
                r.steps.to_string(),
                services,
                r.review.clone(),
            ]
        })
        .collect();
    out.push_str(&super::table::table(
        &["ID", "TITLE", "KIND", "STEPS", "SERVICES", "REVIEW"],
        &table,
    ));
    Ok(Output::ok(out))
}
