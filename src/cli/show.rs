//! `muster show PLAN [--json]`: one plan, readable on screen and on paper.

use super::Output;
use super::Result;
use crate::context::Context;
use crate::domain::scenario::Release;
use crate::domain::text::clean;
use crate::domain::{Index, Library, Plan};
use serde::Serialize;

/// Finds a plan by id, or says which ids exist (and which is closest).
pub fn find_plan<'a>(lib: &'a Library, id: &str) -> Result<&'a Plan> {
    Ok(crate::domain::command::resolve::plan(lib, id)?)
}

/// One person to call: name and phone numbers, on one line.
pub fn contact_line(p: &crate::domain::index::Person) -> String {
    let mut s = clean(&p.name, false);
    if !p.phones.is_empty() {
        s.push_str(&format!(" {}", clean(&p.phones.join(" / "), false)));
    }
    s
}

/// "Role title: A +44..., then B +44..." for a role id.
pub fn who_to_call(ix: &Index, role: &str, now: chrono::DateTime<chrono::Utc>) -> String {
    let title = ix
        .role(role)
        .map(|r| clean(&r.title, false))
        .unwrap_or_else(|| role.to_string());
    let on_call = ix.on_call(role, now);
    let people: Vec<String> = ix
        .contacts_at(role, now)
        .into_iter()
        .map(|p| match on_call {
            Some(s) if s.person.v == p.id.v => format!(
                "{} (on call until {})",
                contact_line(p),
                s.to.format("%Y-%m-%d %H:%M UTC")
            ),
            _ => contact_line(p),
        })
        .collect();
    if people.is_empty() {
        format!("{title} (nobody listed in the index)")
    } else {
        format!("{title}: {}", people.join(", then "))
    }
}

#[derive(Serialize)]
struct Json<'a> {
    #[serde(flatten)]
    plan: &'a Plan,
    contacts: Vec<RoleContacts<'a>>,
}

#[derive(Serialize)]
struct RoleContacts<'a> {
    role: &'a str,
    people: Vec<&'a crate::domain::index::Person>,
}

/// `muster show PLAN --changes-since SESSION`: how the library's plan differs, step by step, from
/// the version the session ran.
pub fn changes_since(ctx: &Context, id: &str, session: &str, json: bool) -> Result<Output> {
    let lib = super::library_for_reading(ctx)?;
    let now = find_plan(&lib, id)?;
    let o = super::write::open_session(ctx, &lib, session)?;
    let st = &o.session.state;
    let Some(ps) = st.plan(now.id.v.as_str()) else {
        return Err(super::CliError::Invalid(format!(
            "session {} did not run plan {}: its plans are {}",
            st.id,
            now.id.v,
            st.plans
                .iter()
                .map(|p| p.id.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )));
    };
    let Some(ran) = o.session.plan_def(ps.id.as_str()) else {
        return Err(super::CliError::Invalid(format!(
            "the copy of plan {} that session {} ran is missing from its folder: nothing to compare with",
            ps.id, st.id
        )));
    };
    let filled = now.with_params(&ps.params);
    let d = crate::domain::changes::diff(ran, &filled);
    if json {
        return Ok(Output::ok(super::to_json(&serde_json::json!({
            "plan": now.id.v,
            "session": st.id.as_str(),
            "ran_hash": ps.hash,
            "library_hash": now.hash,
            "same": ps.hash == now.hash,
            "diff": d,
        }))));
    }
    let mut out = format!(
        "Plan {} in the library against the version session {} ran ({} then, {} now):\n",
        now.id.v,
        st.id,
        &ps.hash[..12.min(ps.hash.len())],
        &now.hash[..12.min(now.hash.len())]
    );
    if ps.hash == now.hash {
        out.push_str("  the same file: nothing changed.\n");
        return Ok(Output::ok(out));
    }
    if d.is_empty() {
        out.push_str("  the file changed, but no step reads differently (comments or layout).\n");
    }
    for c in &d.changed {
        out.push_str(&format!(
            "  changed  {} ({})\n",
            c.step,
            c.fields.join(", ")
        ));
        let (Some(a), Some(b)) = (ran.step(&c.step), filled.step(&c.step)) else {
            continue;
        };
        let mut show = |what: &str, x: Option<&str>, y: Option<&str>| {
            if x != y {
                let first = |t: Option<&str>| {
                    t.map(|t| clean(t.lines().next().unwrap_or(""), false))
                        .unwrap_or_else(|| "(none)".into())
                };
                out.push_str(&format!("           {what} was: {}\n", first(x)));
                out.push_str(&format!("           {what} now: {}\n", first(y)));
            }
        };
        show("title", Some(&a.title), Some(&b.title));
        show("body", a.body.as_deref(), b.body.as_deref());
        show("expected", a.expected.as_deref(), b.expected.as_deref());
    }
    for s in &d.added {
        out.push_str(&format!("  added    {s}\n"));
    }
    for s in &d.removed {
        out.push_str(&format!("  removed  {s}\n"));
    }
    if d.reordered {
        out.push_str("  the steps are in another order\n");
    }
    if !d.plan_fields.is_empty() {
        out.push_str(&format!(
            "  the plan's {} changed\n",
            d.plan_fields.join(", ")
        ));
    }
    Ok(Output::ok(out))
}

pub fn run(ctx: &Context, id: &str, json: bool) -> Result<Output> {
    let lib = super::library_for_reading(ctx)?;
    let plan = find_plan(&lib, id)?;
    if json {
        let mut roles: Vec<&str> = plan
            .steps
            .iter()
            .filter_map(|s| s.role.as_ref().map(|r| r.v.as_str()))
            .chain(plan.owner.as_ref().map(|o| o.v.as_str()))
            .collect();
        roles.sort();
        roles.dedup();
        let contacts = roles
            .into_iter()
            .map(|r| RoleContacts {
                role: r,
                people: lib.index.contacts_for_role(r),
            })
            .collect();
        return Ok(Output::ok(super::to_json(&Json { plan, contacts })));
    }
    Ok(Output::ok(render(&lib, plan, ctx.today(), ctx.now)))
}

fn wrap_indented(out: &mut String, text: &str, indent: &str) {
    for line in clean(text, true).lines() {
        if line.trim().is_empty() {
            out.push('\n');
        } else {
            out.push_str(indent);
            out.push_str(line);
            out.push('\n');
        }
    }
}

pub fn render(
    lib: &Library,
    plan: &Plan,
    today: chrono::NaiveDate,
    now: chrono::DateTime<chrono::Utc>,
) -> String {
    let ix = &lib.index;
    let mut o = String::new();
    let title = format!("{} [{}]", clean(&plan.title, false), plan.id);
    o.push_str(&format!(
        "{title}\n{}\n",
        "=".repeat(unicode_width::UnicodeWidthStr::width(title.as_str()))
    ));
    if lib.builtin {
        o.push_str("(from the built-in sample library)\n");
    }
    let mut meta = vec![format!("Kind: {}", plan.kind.label())];
    if let Some(v) = &plan.version {
        meta.push(format!("Version: {}", clean(v, false)));
    }
    if let Some(owner) = &plan.owner {
        meta.push(format!("Owner: {}", who_to_call(ix, owner, now)));
    }
    for m in meta {
        o.push_str(&format!("{m}\n"));
    }
    if !plan.services.is_empty() {
        let s: Vec<String> = plan
            .services
            .iter()
            .map(|s| match ix.service(s) {
                Some(svc) => {
                    let mut t = format!("{} ({})", clean(&svc.name, false), s.v);
                    if let Some(r) = &svc.rto {
                        t.push_str(&format!(" RTO {}", r.v));
                    }
                    if let Some(r) = &svc.rpo {
                        t.push_str(&format!(" RPO {}", r.v));
                    }
                    t
                }
                None => s.v.clone(),
            })
            .collect();
        o.push_str(&format!("Services: {}\n", s.join("; ")));
    }
    let date = |d: &Option<crate::domain::Sp<chrono::NaiveDate>>| {
        d.as_ref()
            .map(|d| d.v.to_string())
            .unwrap_or_else(|| "never".into())
    };
    let due = |d: Option<chrono::NaiveDate>| match d {
        Some(d) if d < today => format!(", OVERDUE since {d}"),
        Some(d) => format!(", next due {d}"),
        None => String::new(),
    };
    o.push_str(&format!(
        "Reviewed: {}{}   Tested: {}{}\n",
        date(&plan.last_reviewed),
        due(plan.review_due()),
        date(&plan.last_tested),
        due(plan.test_due())
    ));
    let (lo, hi) = plan.total_estimate();
    if hi > 0 {
        o.push_str(&format!(
            "Estimated duration: {}\n",
            if lo == hi {
                format!("{lo} min")
            } else {
                format!("{lo}-{hi} min")
            }
        ));
    }
    if let Some(w) = &plan.invoke_when {
        o.push_str("\nWhen to invoke:\n");
        wrap_indented(&mut o, w, "  ");
    }
    if let Some(s) = &plan.scope {
        o.push_str("\nScope:\n");
        wrap_indented(&mut o, s, "  ");
    }
    let mut phase = None;
    for (n, s) in plan.steps.iter().enumerate() {
        if s.phase != phase {
            phase = s.phase;
            if let Some(p) = phase {
                let t = format!("Phase {}: {}", p + 1, clean(&plan.phases[p], false));
                o.push_str(&format!(
                    "\n{t}\n{}\n",
                    "-".repeat(unicode_width::UnicodeWidthStr::width(t.as_str()))
                ));
            }
        }
        o.push_str(&format!(
            "\n[ ] {}. {} ({})",
            n + 1,
            clean(&s.title, false),
            s.id
        ));
        if let Some(e) = &s.estimate {
            o.push_str(&format!("  ~{e}"));
        }
        o.push('\n');
        if let Some(r) = &s.role {
            o.push_str(&format!("    Who: {}\n", who_to_call(ix, r, now)));
        }
        if !s.depends_on.is_empty() {
            let deps: Vec<String> = s
                .depends_on
                .iter()
                .map(|d| match plan.step_index(d) {
                    Some(i) => format!("{}. {}", i + 1, d.v),
                    None => d.v.clone(),
                })
                .collect();
            o.push_str(&format!("    After: {}\n", deps.join(", ")));
        }
        if let Some(b) = &s.body {
            wrap_indented(&mut o, b, "    ");
        }
        for c in &s.commands {
            for (i, line) in clean(&c.run, true).lines().enumerate() {
                o.push_str(if i == 0 { "    $ " } else { "      " });
                o.push_str(line);
                o.push('\n');
            }
        }
        if let Some(e) = &s.expected {
            o.push_str(&format!("    Expected: {}\n", clean(e, false)));
        }
        if let Some(v) = &s.verification {
            o.push_str(&format!("    Verify: {}\n", clean(v, false)));
        }
        if let Some(d) = &s.decision {
            o.push_str(&format!("    Decision: {}\n", clean(&d.question, false)));
            for opt in &d.options {
                let to: Vec<String> = opt
                    .targets()
                    .map(|n| match plan.step_index(n) {
                        Some(i) => format!("step {} ({})", i + 1, n.v),
                        None => n.v.clone(),
                    })
                    .collect();
                let mut target = (!to.is_empty()).then(|| format!("go to {}", to.join(" and ")));
                if !opt.invoke.is_empty() {
                    let plans: Vec<&str> = opt.invoke.iter().map(|p| p.v.as_str()).collect();
                    let bring = format!("bring in plan {}", plans.join(" and "));
                    target = Some(match target {
                        Some(t) => format!("{t}, and {bring}"),
                        None => bring,
                    });
                }
                o.push_str(&format!(
                    "      - {}: {}\n",
                    clean(&opt.label, false),
                    target.unwrap_or_else(|| "?".into())
                ));
            }
        }
    }
    o
}

pub fn scenarios(ctx: &Context, json: bool) -> Result<Output> {
    let lib = super::library_for_reading(ctx)?;
    if json {
        let v: Vec<ScenarioJson> = lib
            .scenarios
            .iter()
            .map(|s| ScenarioJson { scenario: s })
            .collect();
        return Ok(Output::ok(super::to_json(&v)));
    }
    let mut out = format!(
        "Exercise scenarios in {}: {}\n",
        lib.describe(),
        lib.scenarios.len()
    );
    for s in &lib.scenarios {
        out.push_str(&format!(
            "\n{} [{}] ({}{})\n",
            clean(&s.title, false),
            s.id,
            s.kind.label(),
            s.duration.map(|d| format!(", {d}")).unwrap_or_default()
        ));
        if let Some(sum) = &s.summary {
            out.push_str(&format!("  {}\n", clean(sum, false)));
        }
        out.push_str(&format!(
            "  Plans: {}\n",
            s.plans
                .iter()
                .map(|p| p.v.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ));
        for o in &s.objectives {
            out.push_str(&format!(
                "  Objective {}: {}\n",
                o.id,
                clean(&o.text, false)
            ));
        }
        for i in &s.injects {
            let when = match &i.release {
                Release::At(m) => format!("at T+{m}"),
                Release::After { inject, delay } => format!("{delay} after {}", inject.v),
                Release::Manual => "by hand".into(),
            };
            out.push_str(&format!(
                "  Inject {} ({when}): {}\n",
                i.id,
                clean(&i.title, false)
            ));
        }
    }
    Ok(Output::ok(out))
}

#[derive(Serialize)]
struct ScenarioJson<'a> {
    #[serde(flatten)]
    scenario: &'a crate::domain::Scenario,
}
