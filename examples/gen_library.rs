//! Generates a large plan library for benchmarks: `cargo run --release --example gen_library -- DIR [PLANS] [STEPS]`
//! (default 1,000 plans of 40 steps). The plans are realistic in shape: phases, Markdown bodies,
//! commands, dependencies, estimates and a decision in each plan.

use std::fmt::Write;
use std::path::PathBuf;

fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let dir = PathBuf::from(args.next().unwrap_or_else(|| "target/biglib".into()));
    let plans: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(1000);
    let steps: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(40);
    std::fs::create_dir_all(dir.join("plans"))?;
    std::fs::create_dir_all(dir.join("scenarios"))?;
    let mut ix =
        String::from("Index(\n    organisation: (name: \"Benchmark Org\"),\n    people: [\n");
    for p in 0..50 {
        writeln!(ix, "        Person(id: \"person-{p}\", name: \"Person {p}\", phones: [\"+44 7700 900{p:03}\"], deputy: \"person-{}\"),", (p + 1) % 50).unwrap();
    }
    ix.push_str("    ],\n    roles: [\n");
    for r in 0..10 {
        writeln!(ix, "        Role(id: \"role-{r}\", title: \"Role {r}\", people: [\"person-{}\", \"person-{}\"]),", r * 2, r * 2 + 1).unwrap();
    }
    ix.push_str("    ],\n    services: [\n");
    for s in 0..plans {
        writeln!(ix, "        Service(id: \"svc-{s}\", name: \"Service {s}\", rto: \"{}h\", rpo: \"15m\", plans: [\"plan-{s}\"]),", 1 + s % 24).unwrap();
    }
    ix.push_str("    ],\n)\n");
    std::fs::write(dir.join("index.ron"), ix)?;
    for p in 0..plans {
        let mut s = String::new();
        writeln!(s, "Plan(\n    id: \"plan-{p}\",\n    title: \"Recover service {p}\",\n    kind: Recovery,\n    services: [\"svc-{p}\"],\n    owner: \"role-{}\",\n    version: \"1.{p}\",\n    last_reviewed: \"2026-09-01\",\n    review_interval: \"1 year\",\n    last_tested: \"2026-06-01\",\n    test_interval: \"1 year\",\n    invoke_when: \"Service {p} is down for more than 30 minutes.\",\n    phases: [", p % 10).unwrap();
        let per_phase = steps.div_ceil(4);
        for ph in 0..4 {
            writeln!(s, "        Phase(title: \"Phase {ph}\", steps: [").unwrap();
            for st in ph * per_phase..((ph + 1) * per_phase).min(steps) {
                let deps = if st == 0 {
                    String::new()
                } else {
                    format!("depends_on: [\"s{}\"], ", st - 1)
                };
                let decision = if st == 5 && steps > 8 {
                    format!(
                        "decision: Decision(question: \"Healthy?\", options: [(label: \"Yes\", next: \"s6\"), (label: \"No\", next: \"s{}\")]),\n                ",
                        steps - 1
                    )
                } else {
                    String::new()
                };
                writeln!(
                    s,
                    "            Step(id: \"s{st}\", title: \"Do step {st} of plan {p}\", role: \"role-{}\", {deps}estimate: ({}, {}),\n                {decision}body: \"Check the **state** of component {st}.\\n\\n- look at the dashboard\\n- note the time\",\n                commands: [Command(run: \"systemctl status svc-{p}-{st} && journalctl -u svc-{p}-{st} --since -10min | tail -50\", lang: \"sh\")],\n                expected: \"The unit is active (running).\", verification: \"The health check returns 200.\"),",
                    st % 10,
                    st % 7 + 1,
                    st % 7 + 5
                )
                .unwrap();
            }
            s.push_str("        ]),\n");
        }
        s.push_str("    ],\n)\n");
        std::fs::write(dir.join("plans").join(format!("plan-{p}.ron")), s)?;
    }
    eprintln!("wrote {plans} plans of {steps} steps to {}", dir.display());
    Ok(())
}
