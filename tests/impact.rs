//! The continuity manager's map from the command line: `impact`, `order`, `risks`, `graph`
//! and `check --standard`, on the sample library and on small libraries made here.

mod common;
use common::*;
use serde_json::Value;
use std::collections::{HashMap, HashSet};

fn json(r: Run) -> Value {
    let r = r.ok();
    serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("{e}: {}", r.stdout))
}

fn ids(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap_or_else(|| panic!("not an array: {v}"))
        .iter()
        .map(|x| {
            x.as_str()
                .map(str::to_string)
                .or_else(|| x["id"].as_str().map(str::to_string))
                .unwrap_or_else(|| panic!("not an id: {x}"))
        })
        .collect()
}

/// Each service's dependencies, from `muster index --json` (not from the code under test).
fn dependencies(env: &Env, lib: &[&str]) -> HashMap<String, Vec<String>> {
    let mut args = lib.to_vec();
    args.extend(["index", "--json"]);
    let ix = json(env.run(&args));
    ix["services"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["id"].as_str().unwrap().to_string(), ids(&s["depends_on"])))
        .collect()
}

/// Every service of `order` comes after each of its dependencies that is in `order` too.
fn assert_dependencies_first(order: &[String], deps: &HashMap<String, Vec<String>>) {
    let set: HashSet<&String> = order.iter().collect();
    let mut seen = HashSet::new();
    for s in order {
        for d in &deps[s] {
            if set.contains(d) {
                assert!(
                    seen.contains(d),
                    "{s} comes before its dependency {d}: {order:?}"
                );
            }
        }
        assert!(seen.insert(s), "{s} twice in {order:?}");
    }
}

/// Every service that depends on `of`, however far.
fn dependents(of: &str, deps: &HashMap<String, Vec<String>>) -> HashSet<String> {
    let mut out: HashSet<String> = HashSet::from([of.to_string()]);
    loop {
        let more: Vec<String> = deps
            .iter()
            .filter(|(s, d)| !out.contains(*s) && d.iter().any(|x| out.contains(x)))
            .map(|(s, _)| s.clone())
            .collect();
        if more.is_empty() {
            return out;
        }
        out.extend(more);
    }
}

#[test]
fn losing_the_salford_data_centre_names_services_functions_plans_and_an_order() {
    let env = Env::new();
    let v = json(env.run(&["impact", "site", "salford-dc", "--json"]));
    let services = ids(&v["services"]);
    let vbfs = ids(&v["vbfs"]);
    let plans = ids(&v["plans"]);
    let order = ids(&v["order"]);
    // everything of the sample runs in Salford or needs something that does
    for s in [
        "dns",
        "core-db",
        "tms",
        "wms",
        "identity",
        "finance-erp",
        "email",
    ] {
        assert!(services.contains(&s.to_string()), "{s}: {services:?}");
    }
    assert!(vbfs.contains(&"dispatch".to_string()), "{vbfs:?}");
    assert_eq!(
        vbfs.first().map(String::as_str),
        Some("dispatch"),
        "priority 1 first"
    );
    for p in ["dc-power-loss", "db-failover", "dns-loss"] {
        assert!(plans.contains(&p.to_string()), "{p}: {plans:?}");
    }
    // the order holds exactly the services hit, dependencies first, dns (1h, needed by all) first
    let mut sorted = order.clone();
    sorted.sort();
    let mut want = services.clone();
    want.sort();
    assert_eq!(sorted, want);
    assert_dependencies_first(&order, &dependencies(&env, &[]));
    assert_eq!(order[0], "dns");
    // the details say where else a service runs, and what the functions have for deadlines
    let core = v["service_details"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == "core-db")
        .unwrap();
    assert_eq!(core["direct"], true);
    assert_eq!(ids(&core["elsewhere"]), ["leeds-colo"]);
    let dispatch = &v["vbf_details"][0];
    assert_eq!(dispatch["rto"], "4h");
    assert_eq!(dispatch["mtpd"], "1d");
    assert_eq!(dispatch["priority"], 1);
    // and a person reads the same
    let r = env.run(&["impact", "site", "salford-dc"]).ok();
    assert!(
        r.stdout
            .starts_with("If Salford data centre (site salford-dc) is lost:"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("Recover in this order"), "{}", r.stdout);
    assert!(
        r.stdout.contains("\nTo start: muster start dns-loss "),
        "{}",
        r.stdout
    );
    for l in r.stdout.lines() {
        assert!(
            l.starts_with("To start:") || l.chars().count() <= 80,
            "too wide for 80 columns: {l}"
        );
    }
}

#[test]
fn losing_dns_takes_down_every_service_that_depends_on_it_however_far() {
    let env = Env::new();
    let deps = dependencies(&env, &[]);
    let v = json(env.run(&["impact", "service", "dns", "--json"]));
    let services: HashSet<String> = ids(&v["services"]).into_iter().collect();
    let want = dependents("dns", &deps);
    assert_eq!(services, want);
    // customer-portal needs dns directly and through tms; finance-erp only through identity
    assert!(services.contains("finance-erp") && services.contains("email"));
    let finance = v["service_details"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == "finance-erp")
        .unwrap();
    assert_eq!(finance["direct"], false);
    assert_eq!(finance["through"][0], "dns");
    assert_dependencies_first(&ids(&v["order"]), &deps);
    // backup needs nothing: untouched
    assert!(!services.contains("backup"));
}

#[test]
fn a_vendor_lost_and_an_unknown_id() {
    let env = Env::new();
    let v = json(env.run(&["impact", "vendor", "brightgate", "--json"]));
    let services = ids(&v["services"]);
    assert!(services.contains(&"identity".to_string()), "{services:?}");
    assert!(
        services.contains(&"tms".to_string()),
        "tms needs identity: {services:?}"
    );
    let r = env.run(&["impact", "service", "core-bd"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("there is no service `core-bd` in the index: did you mean `core-db`?"),
        "{}",
        r.stderr
    );
    assert!(r.stdout.is_empty());
    let r = env.run(&["impact", "site", "the-moon"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("`muster index` lists its sites"),
        "{}",
        r.stderr
    );
    let r = env.run(&["impact", "planet", "x"]);
    assert_eq!(r.code, 2, "a usage error: {}", r.stderr);
}

#[test]
fn the_whole_order_holds_every_service_once_dependencies_first() {
    let env = Env::new();
    let deps = dependencies(&env, &[]);
    let v = json(env.run(&["order", "--json"]));
    let order = ids(&v["order"]);
    assert_eq!(order.len(), deps.len());
    assert_eq!(order.iter().collect::<HashSet<_>>().len(), deps.len());
    assert_dependencies_first(&order, &deps);
    // the tiers hold the same services, each tier needing only earlier ones
    let tiers: Vec<Vec<String>> = v["tiers"].as_array().unwrap().iter().map(ids).collect();
    let flat: Vec<String> = tiers.iter().flatten().cloned().collect();
    assert_eq!(flat.len(), order.len());
    for (t, tier) in tiers.iter().enumerate() {
        let earlier: HashSet<&String> = tiers[..t].iter().flatten().collect();
        for s in tier {
            for d in &deps[s] {
                assert!(
                    earlier.contains(d),
                    "{s} in tier {t} needs {d} of a later tier"
                );
            }
        }
    }
    assert_eq!(tiers[0].first().map(String::as_str), Some("dns"));
    let r = env.run(&["order"]).ok();
    assert!(
        r.stdout.contains("Tier 0: needs no other service"),
        "{}",
        r.stdout
    );
}

#[test]
fn risks_are_listed_by_score_with_their_plans() {
    let env = Env::new();
    let v = json(env.run(&["risks", "--json"]));
    let risks = v.as_array().unwrap();
    assert!(risks.len() >= 8);
    let mut last = u64::MAX;
    for r in risks {
        let (l, i, s) = (
            r["likelihood"].as_u64().unwrap(),
            r["impact"].as_u64().unwrap(),
            r["score"].as_u64().unwrap(),
        );
        assert_eq!(s, l * i, "{r}");
        assert!(s <= last, "not by score: {r}");
        last = s;
        assert!(r["id"].is_string());
        assert!(r["plans"].is_array());
    }
    assert_eq!(risks[0]["id"], "ransomware");
    assert_eq!(ids(&risks[0]["plans"]), ["ransomware", "crisis-comms"]);
    let r = env.run(&["risks"]).ok();
    assert!(
        r.stdout.contains(" 15 high      ransomware: Ransomware"),
        "{}",
        r.stdout
    );
    // a library without a register says so, and has none in JSON
    let lib = mini();
    let r = env
        .run(&["--library", lib.to_str().unwrap(), "risks", "--json"])
        .ok();
    assert_eq!(r.stdout.trim(), "[]");
}

/// A library of one index (and a risk register when given) in the test's folder.
fn library(env: &Env, index: &str, risks: Option<&str>) -> std::path::PathBuf {
    let dir = env.dir.path().join("lib");
    std::fs::create_dir_all(dir.join("plans")).unwrap();
    std::fs::write(dir.join("index.ron"), index).unwrap();
    std::fs::write(
        dir.join("plans/p.ron"),
        "Plan(id: \"p\", title: \"P\", services: [\"app\"], steps: [Step(id: \"a\", title: \"A\")])",
    )
    .unwrap();
    if let Some(r) = risks {
        std::fs::write(dir.join("risks.ron"), r).unwrap();
    }
    dir
}

fn at(text: &str, needle: &str) -> String {
    line_col(text, needle, 0)
}

const INDEX: &str = r#"Index(
    organisation: (name: "T"),
    roles: [Role(id: "lead", title: "Lead", people: ["ann"])],
    people: [Person(id: "ann", name: "Ann", phones: ["+44 7700 900001"])],
    sites: [Site(id: "dc", name: "DC", kind: Primary)],
    vital_business_functions: [Vbf(id: "sell", name: "Selling", rto: "4h", mtpd: "1d")],
    services: [Service(id: "app", name: "App", vbfs: ["sell"], rto: "4h", sites: ["dc"])],
)"#;

#[test]
fn check_flags_a_high_risk_without_a_plan_or_owner_and_checks_what_risks_name() {
    let env = Env::new();
    let risks = r#"Risks(risks: [
    Risk(id: "fire", threat: "Fire in the data centre", sites: ["dc"], likelihood: 4, impact: 5),
    Risk(id: "flood", threat: "Flood", sites: ["dcc"], services: ["app"], likelihood: 1, impact: 2, plans: ["p"], owner: "lead"),
    Risk(id: "odd", threat: "Odd", likelihood: 6, impact: 2),
])"#;
    let lib = library(&env, INDEX, Some(risks));
    let r = env.run(&["--library", lib.to_str().unwrap(), "check"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let file = lib.join("risks.ron").display().to_string();
    let line = |pos: String, rest: &str| format!("{file}:{pos}: {rest}");
    for want in [
        line(
            at(risks, "\"fire\""),
            "warning: risk `fire` scores 20 (very high) but no plan answers it: list the plans to follow when it happens in its `plans`",
        ),
        line(
            at(risks, "\"fire\""),
            "warning: risk `fire` scores 20 (very high) but has no owner: name the role or person who answers for it in `owner`",
        ),
        line(
            at(risks, "\"dcc\""),
            "error: risk `flood` refers to site `dcc`, which does not exist",
        ),
        line(
            at(risks, "6, impact"),
            "error: expected a likelihood from 1 to 5 (1 rare, 2 unlikely, 3 possible, 4 likely, 5 almost certain), found 6",
        ),
    ] {
        assert!(
            r.stderr.lines().any(|l| l == want),
            "missing\n  {want}\nin\n{}",
            r.stderr
        );
    }
    assert!(r.stderr.contains("did you mean `dc`?"), "{}", r.stderr);
    let r = env.run(&["--library", lib.to_str().unwrap(), "risks", "--json"]);
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v[0]["id"], "fire");
    assert_eq!(v[0]["score"], 20);
    assert_eq!(v[0]["plans"], serde_json::json!([]));
    // the file checked alone, against the library around it
    let r = env.run(&["check", lib.join("risks.ron").to_str().unwrap()]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("risk `flood` refers to site `dcc`"),
        "{}",
        r.stderr
    );
}

#[test]
fn the_graph_as_text_fits_80_columns_and_as_dot_and_mermaid() {
    let env = Env::new();
    let t = env.run(&["graph"]).ok().stdout;
    for l in t.lines() {
        assert!(
            unicode_width::UnicodeWidthStr::width(l) <= 80,
            "wider than 80 columns: {l}"
        );
    }
    assert!(
        t.contains("dispatch: Vehicle dispatch [VBF, RTO 4h, MTPD 1d, priority 1]"),
        "{t}"
    );
    assert!(
        t.contains("|-- core-db [RTO 2h]\n|   `-- dns [RTO 1h]"),
        "{t}"
    );
    assert!(t.contains("  1. dns [RTO 1h, tier 0]"), "{t}");
    let d = env.run(&["graph", "--format", "dot"]).ok().stdout;
    assert!(d.starts_with("digraph muster {"), "{d}");
    assert!(d.contains("\"vbf:dispatch\" -> \"service:tms\";"), "{d}");
    assert!(d.contains("\"service:tms\" -> \"service:core-db\";"), "{d}");
    assert!(
        d.contains("\"service:tms\" -> \"site:salford-dc\" [style=dashed];"),
        "{d}"
    );
    assert!(d.trim_end().ends_with('}'));
    let m = env.run(&["graph", "--format", "mermaid"]).ok().stdout;
    assert!(m.starts_with("flowchart LR\n"), "{m}");
    assert!(m.contains("-->") && m.contains("-.->"), "{m}");
}

#[test]
fn check_standard_warns_about_a_plan_missing_its_activation_criteria() {
    let env = Env::new();
    let lib = env.copy_mini();
    let plan = r#"Plan(
    id: "gamma",
    title: "Restart the web shop",
    owner: "lead",
    scope: "The web shop only.",
    last_reviewed: "2026-10-01",
    review_interval: "1 year",
    last_tested: "2026-10-01",
    test_interval: "1 year",
    steps: [
        Step(id: "restart", title: "Restart the shop", role: "lead", notify: ["ann"]),
        Step(id: "normal", title: "Return to normal operation", role: "lead"),
    ],
)"#;
    std::fs::write(lib.join("plans/gamma.ron"), plan).unwrap();
    let l = lib.to_str().unwrap();
    let file = lib.join("plans/gamma.ron").display().to_string();
    let r = env.run(&["--library", l, "check", "--standard", "iso22301"]);
    assert_eq!(r.code, 0, "warnings only: {}", r.stderr);
    let want = format!(
        "{file}:{}: warning: ISO 22301 8.4.4.3 d expects activation criteria: plan `gamma` has no `invoke_when`: say when the plan is activated, and on whose decision",
        at(plan, "\"gamma\"")
    );
    assert!(
        r.stderr.lines().any(|l| l == want),
        "missing\n  {want}\nin\n{}",
        r.stderr
    );
    // nothing else is missing from it
    assert_eq!(
        r.stderr.matches(&format!("{file}:")).count(),
        1,
        "{}",
        r.stderr
    );
    let r = env.run(&["--library", l, "check", "--standard", "nist-800-34", &file]);
    assert!(
        r.stderr
            .contains("warning: NIST SP 800-34 4.2 expects activation criteria: plan `gamma`"),
        "{}",
        r.stderr
    );
    // without --standard, no such warning
    let r = env.run(&["--library", l, "check"]);
    assert!(
        !r.stderr.contains("expects activation criteria"),
        "{}",
        r.stderr
    );
    let r = env.run(&["--library", l, "check", "--standard", "iso9001"]);
    assert_eq!(r.code, 2);
}

#[test]
fn the_html_report_holds_the_bia_the_heat_map_the_coverage_and_the_picture() {
    let env = Env::new();
    let html = env.run(&["report", "--format", "html"]).ok().stdout;
    let doc = scraper::Html::parse_document(&html);
    let sel = |s: &str| scraper::Selector::parse(s).unwrap();
    let heads: Vec<String> = doc.select(&sel("h2")).map(|h| h.text().collect()).collect();
    let pos = |h: &str| {
        heads
            .iter()
            .position(|x| x == h)
            .unwrap_or_else(|| panic!("no section {h}: {heads:?}"))
    };
    // the gaps come first, then the analysis
    assert_eq!(pos("Gaps, the most urgent first"), 0);
    assert!(pos("Business impact analysis") < pos("Risk register and heat map"));
    assert!(pos("Risk register and heat map") < pos("Coverage of the vital business functions"));
    pos("Dependency picture");
    pos("Recovery order");
    // the BIA: one row a function, highest priority first, tinted by the impact scale
    let bia = doc.select(&sel("table.tinted")).next().unwrap();
    let rows: Vec<scraper::ElementRef> = bia.select(&sel("tbody > tr")).collect();
    assert_eq!(
        rows.len(),
        5,
        "{:?}",
        rows.iter()
            .map(|r| r.text().collect::<String>())
            .collect::<Vec<_>>()
    );
    let first: Vec<String> = rows[0]
        .select(&sel("td"))
        .map(|c| c.text().collect())
        .collect();
    assert_eq!(&first[..4], ["Vehicle dispatch", "1", "4h", "1d"]);
    assert!(
        bia.select(&sel("td.tone-4"))
            .any(|c| c.text().collect::<String>() == "high")
    );
    // the heat map: 5 by 5, almost certain at the top, every cell tinted by its band
    let heat = doc.select(&sel("table.tinted.grid")).next().unwrap();
    let rows: Vec<scraper::ElementRef> = heat.select(&sel("tbody > tr")).collect();
    assert_eq!(rows.len(), 5);
    for r in &rows {
        assert_eq!(r.select(&sel("td")).count(), 6);
        assert_eq!(r.select(&sel("td[class^=\"tone-\"]")).count(), 5);
    }
    let possible: Vec<String> = rows[2]
        .select(&sel("td"))
        .map(|c| c.text().collect())
        .collect();
    assert_eq!(possible[0], "3 possible");
    assert_eq!(possible[5], "ransomware", "likelihood 3, impact 5");
    // the coverage matrix names each function with its services, plans and last test
    let coverage = html
        .split("<h2>Coverage of the vital business functions</h2>")
        .nth(1)
        .unwrap();
    assert!(
        coverage.contains("<th>Last exercise</th><th>Recovered / RTO</th><th>Result</th>"),
        "{coverage}"
    );
    assert!(
        coverage.contains(
            "<td>Vehicle dispatch (dispatch)</td><td>4h</td><td>core-db, tms, identity, dns</td>"
        ),
        "{coverage}"
    );
    // the picture is drawn here, with nothing fetched and nothing run
    assert_eq!(doc.select(&sel("figure.graph svg")).count(), 1);
    assert!(
        doc.select(&sel("svg text"))
            .any(|t| t.text().collect::<String>() == "core-db")
    );
    assert_eq!(doc.select(&sel("script")).count(), 0);
    assert!(!html.contains("http://") && !html.contains("https://"));
    // the Markdown has the heat map as a table and the picture in words
    let md = env.run(&["report"]).ok().stdout;
    assert!(
        md.contains("| 3 possible |  |  | dns-provider, key-people | wan-cut | ransomware |"),
        "{md}"
    );
    assert!(md.contains("|-- core-db [RTO 2h]"), "{md}");
}

#[test]
fn status_names_the_services_waiting_for_a_dependency_not_back_yet() {
    let env = Env::new();
    let s = env.start(&["alpha", "beta"]);
    let lib = mini();
    let r = env
        .run(&["--library", lib.to_str().unwrap(), "status", &s])
        .ok();
    let waiting: Vec<&str> = r
        .stdout
        .lines()
        .filter(|l| l.starts_with("WAITING: "))
        .collect();
    assert_eq!(waiting.len(), 1, "{}", r.stdout);
    assert!(
        waiting[0].starts_with("WAITING: web (RTO due "),
        "{}",
        r.stdout
    );
    assert!(waiting[0].ends_with(") waits for db"), "{}", r.stdout);
    // a session of beta alone: db is not part of it, nothing is said to wait
    let s = env.start(&["beta"]);
    let r = env
        .run(&["--library", lib.to_str().unwrap(), "status", &s])
        .ok();
    assert!(!r.stdout.contains("WAITING"), "{}", r.stdout);
}
