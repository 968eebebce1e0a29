//! `impact` and `order` on a generated library of 5,000 services, against `check` (reading and
//! checking the library) on the same files:
//! `cargo run --release --example bench_impact -- [SERVICES] [ROUNDS] [DIR]`.
//!
//! The library: services in 10 tiers, each depending on 1 to 3 of the tier below (the RTOs grow
//! upward, so it checks clean), 20 sites, 100 vendors, 250 vital business functions over the
//! top tiers, one 3-step plan per service and a register of 200 risks. With DIR, the files are
//! also written there, to time the commands themselves (`muster --library DIR check`...).

use muster::domain::impact::{self, Kind};
use muster::domain::{InputFile, Library};
use std::fmt::Write;
use std::time::{Duration, Instant};

/// A small deterministic generator: the same library on every run.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) as usize) % n.max(1)
    }
}

const TIERS: usize = 10;

fn files(services: usize) -> Vec<InputFile> {
    let mut r = Lcg(24);
    let per = services.div_ceil(TIERS);
    let tier = |i: usize| i / per;
    let mut ix = String::from(
        "Index(\n    organisation: (name: \"Benchmark Org\"),\n    people: [Person(id: \"p\", name: \"P\", phones: [\"+44 7700 900000\"])],\n    roles: [Role(id: \"ops\", title: \"Ops\", people: [\"p\"])],\n    sites: [\n",
    );
    for s in 0..20 {
        writeln!(
            ix,
            "        Site(id: \"site-{s}\", name: \"Site {s}\", kind: Primary),"
        )
        .unwrap();
    }
    ix.push_str("    ],\n    vendors: [\n");
    for v in 0..100 {
        writeln!(
            ix,
            "        Vendor(id: \"vendor-{v}\", name: \"Vendor {v}\"),"
        )
        .unwrap();
    }
    ix.push_str("    ],\n    vital_business_functions: [\n");
    for v in 0..250 {
        writeln!(ix, "        Vbf(id: \"vbf-{v}\", name: \"Function {v}\", rto: \"12h\", mtpd: \"2d\", priority: {}, impact_over_time: [(\"1h\", Low), (\"4h\", High), (\"1d\", Severe)]),", 1 + v % 5).unwrap();
    }
    ix.push_str("    ],\n    services: [\n");
    for i in 0..services {
        let t = tier(i);
        let mut deps = Vec::new();
        if t > 0 {
            for _ in 0..1 + r.next(3) {
                let d = (t - 1) * per + r.next(per);
                if d < services && !deps.contains(&d) {
                    deps.push(d);
                }
            }
        }
        let vbfs = if t >= TIERS - 2 {
            format!("vbfs: [\"vbf-{}\"], ", r.next(250))
        } else {
            String::new()
        };
        writeln!(
            ix,
            "        Service(id: \"svc-{i}\", name: \"Service {i}\", {vbfs}rto: \"{}h\", depends_on: [{}], plans: [\"plan-{i}\"], sites: [\"site-{}\", \"site-{}\"], vendors: [\"vendor-{}\"]),",
            t + 1,
            deps.iter().map(|d| format!("\"svc-{d}\"")).collect::<Vec<_>>().join(", "),
            r.next(20),
            r.next(20),
            r.next(100)
        )
        .unwrap();
    }
    ix.push_str("    ],\n)\n");
    let mut out = vec![InputFile {
        rel: "index.ron".into(),
        shown: "index.ron".into(),
        bytes: ix.into_bytes(),
    }];
    for i in 0..services {
        let p = format!(
            "Plan(id: \"plan-{i}\", title: \"Recover service {i}\", kind: Recovery, services: [\"svc-{i}\"], owner: \"ops\", steps: [\n    Step(id: \"a\", title: \"Assess\", role: \"ops\", estimate: 5),\n    Step(id: \"b\", title: \"Restore\", role: \"ops\", depends_on: [\"a\"], estimate: (20, 40)),\n    Step(id: \"c\", title: \"Verify\", role: \"ops\", depends_on: [\"b\"], estimate: 10),\n])\n"
        );
        out.push(InputFile {
            rel: format!("plans/plan-{i}.ron"),
            shown: format!("plans/plan-{i}.ron"),
            bytes: p.into_bytes(),
        });
    }
    let mut risks = String::from("Risks(risks: [\n");
    for k in 0..200 {
        writeln!(
            risks,
            "    Risk(id: \"risk-{k}\", threat: \"Threat {k}\", sites: [\"site-{}\"], services: [\"svc-{}\"], likelihood: {}, impact: {}, owner: \"ops\", plans: [\"plan-{}\"]),",
            r.next(20),
            r.next(services),
            1 + r.next(5),
            1 + r.next(5),
            r.next(services)
        )
        .unwrap();
    }
    risks.push_str("])\n");
    out.push(InputFile {
        rel: "risks.ron".into(),
        shown: "risks.ron".into(),
        bytes: risks.into_bytes(),
    });
    out
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn time<T>(rounds: usize, mut f: impl FnMut() -> T) -> (Duration, T) {
    let mut times = Vec::with_capacity(rounds);
    let mut last = None;
    for _ in 0..rounds {
        let t = Instant::now();
        let out = f();
        times.push(t.elapsed());
        last = Some(out);
    }
    (
        median(times),
        last.unwrap_or_else(|| unreachable!("at least one round")),
    )
}

fn main() {
    let mut args = std::env::args().skip(1);
    let services: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(5000);
    let rounds: usize = args
        .next()
        .and_then(|s| s.parse().ok())
        .unwrap_or(10)
        .max(1);
    let dir = args.next();
    let input = files(services);
    if let Some(d) = &dir {
        let d = std::path::Path::new(d);
        for f in &input {
            let p = d.join(&f.rel);
            std::fs::create_dir_all(p.parent().unwrap_or(d)).expect("create the folder");
            std::fs::write(&p, &f.bytes).expect("write a file");
        }
        eprintln!("wrote the library to {}", d.display());
    }
    let today = chrono::NaiveDate::from_ymd_opt(2026, 12, 7).unwrap_or_default();
    let (check, lib) = time(rounds, || {
        Library::load("bench", false, input.clone(), today)
    });
    assert_eq!(lib.errors(), 0, "{:?}", lib.diagnostics.first());
    // the site under most services, a vendor, and a service at the bottom (everything above it
    // may need it)
    let (site, site_hit) = time(rounds, || {
        impact::impact(&lib, Kind::Site, "site-0").map(|i| i.services.len())
    });
    let (vendor, vendor_hit) = time(rounds, || {
        impact::impact(&lib, Kind::Vendor, "vendor-0").map(|i| i.services.len())
    });
    let (service, service_hit) = time(rounds, || {
        impact::impact(&lib, Kind::Service, "svc-0").map(|i| i.services.len())
    });
    let (order, o) = time(rounds, || impact::library_order(&lib));
    assert_eq!(o.order.len(), services);
    let row = |what: &str, d: Duration, hit: String| {
        println!(
            "| {what} | {hit} | {:.1} ms | {:.2}x |",
            d.as_secs_f64() * 1000.0,
            d.as_secs_f64() / check.as_secs_f64()
        );
    };
    println!(
        "{services} services, {} plans, {} risks; median of {rounds} rounds\n",
        lib.plans.len(),
        lib.risks.as_ref().map_or(0, |r| r.risks.len())
    );
    println!("| what | services hit | time | against check |\n| --- | --- | --- | --- |");
    row("check (read and check the library)", check, "-".into());
    let n = |r: Result<usize, impact::Unknown>| r.map_or("?".into(), |n| n.to_string());
    row("impact site site-0", site, n(site_hit));
    row("impact vendor vendor-0", vendor, n(vendor_hit));
    row("impact service svc-0", service, n(service_hit));
    row("order (every service, tiers)", order, services.to_string());
}
