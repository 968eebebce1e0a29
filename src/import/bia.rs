//! Business impact and risk tables recognised in a runbook, drafted into the index (vital
//! business functions, services) and a risk register. Every entry is a guess: it carries a
//! `todo` with the row it came from, which `muster check` shows until a person settles it.

use super::contacts::{cells, col};
use super::ron_out::{Obj, string};
use super::{Ids, slug, unique};
use crate::domain::Minutes;
use regex::Regex;
use std::sync::LazyLock;

static DURATION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(\d+(?:\.\d+)?)\s*(minutes?|mins?|m|hours?|hrs?|h|days?|d|weeks?|wks?|w)\b")
        .unwrap_or_else(|e| unreachable!("a fixed pattern: {e}"))
});

/// A duration in a cell or a heading ("4 hours", "**2 days**", "< 1h"), as muster writes it.
fn duration(s: &str) -> Option<Minutes> {
    let c = DURATION.captures(s)?;
    let n: f64 = c.get(1)?.as_str().parse().ok()?;
    let per = match c.get(2)?.as_str().to_ascii_lowercase().chars().next()? {
        'h' => 60.0,
        'd' => 1440.0,
        'w' => 10080.0,
        _ => 1.0,
    };
    let m = (n * per).round();
    (m >= 1.0 && m < f64::from(u32::MAX)).then_some(Minutes(m as u32))
}

/// A level of the business impact scale from a cell: a word or 1-5.
fn level(s: &str) -> Option<&'static str> {
    let l = s.trim().to_lowercase();
    let word = l.split(|c: char| !c.is_alphanumeric()).next().unwrap_or("");
    Some(match word {
        "1" | "negligible" | "none" | "minimal" | "insignificant" => "Negligible",
        "2" | "low" | "minor" => "Low",
        "3" | "medium" | "moderate" | "med" => "Medium",
        "4" | "high" | "major" | "significant" | "serious" => "High",
        "5" | "severe" | "critical" | "catastrophic" | "extreme" | "very" => "Severe",
        _ => return None,
    })
}

/// A 1-5 figure of a risk table: a number, or a word of either scale.
fn five(s: &str) -> Option<u8> {
    let l = s.trim().to_lowercase();
    if let Some(n) = l
        .split(|c: char| !c.is_ascii_digit())
        .find(|x| !x.is_empty())
        .and_then(|x| x.parse::<u8>().ok())
        .filter(|n| (1..=5).contains(n))
    {
        return Some(n);
    }
    for (words, n) in [
        (
            &[
                "almost certain",
                "very likely",
                "very high",
                "catastrophic",
                "severe",
                "critical",
                "extreme",
            ][..],
            5,
        ),
        (
            &[
                "rare",
                "very unlikely",
                "very low",
                "negligible",
                "insignificant",
            ][..],
            1,
        ),
        (&["unlikely", "minor", "low"][..], 2),
        (&["likely", "major", "high"][..], 4),
        (&["possible", "moderate", "medium"][..], 3),
    ] {
        if words.iter().any(|w| l.contains(w)) {
            return Some(n);
        }
    }
    None
}

/// A table row as "heading: cell; ...", its empty cells left out.
fn row_text(head: &[String], row: &[String]) -> String {
    head.iter()
        .zip(row)
        .filter(|(_, c)| !c.is_empty())
        .map(|(h, c)| format!("{h}: {c}"))
        .collect::<Vec<_>>()
        .join("; ")
}

/// Vital business functions, services and risks drafted from tables.
#[derive(Default)]
pub struct Drafts {
    vbf_ids: Ids,
    service_ids: Ids,
    risk_ids: Ids,
    pub vbfs: Vec<String>,
    pub services: Vec<String>,
    pub risks: Vec<String>,
}

impl Drafts {
    /// Reads a Markdown table starting at `line` of `shown`: a table of business functions or
    /// systems with their RTO (a BIA), or of risks with their likelihood and impact.
    pub fn read_table(&mut self, table: &str, shown: &str, line: usize) {
        let mut lines = table.lines();
        let Some(head) = lines.next().map(cells) else {
            return;
        };
        let rows: Vec<Vec<String>> = lines.skip(1).map(cells).collect();
        let likelihood = col(&head, &["likelihood", "probability", "chance"]);
        let impact = col(&head, &["impact", "severity", "consequence"]);
        let threat = col(&head, &["risk", "threat", "hazard", "scenario"]);
        if let (Some(l), Some(i), Some(t)) = (likelihood, impact, threat) {
            self.risks_from(&head, &rows, (t, l, i), shown, line);
            return;
        }
        let rto = col(&head, &["rto", "recovery time"]);
        let mtpd = col(
            &head,
            &["mtpd", "mtd", "maximum tolerable", "max tolerable"],
        );
        // impact columns: headings that are a duration and no other objective
        let points: Vec<(usize, Minutes)> = head
            .iter()
            .enumerate()
            .filter(|(i, h)| {
                Some(*i) != rto && Some(*i) != mtpd && !h.to_lowercase().contains("rpo")
            })
            .filter_map(|(i, h)| duration(h).map(|m| (i, m)))
            .collect();
        if rto.is_none() && mtpd.is_none() && points.is_empty() {
            return;
        }
        let name_col = 0;
        let first = head.first().map(|h| h.to_lowercase()).unwrap_or_default();
        let systems = [
            "system",
            "service",
            "component",
            "application",
            "app",
            "platform",
        ]
        .iter()
        .any(|w| first.contains(w));
        let rpo = col(&head, &["rpo", "recovery point", "data loss"]);
        let priority = col(&head, &["priority", "tier", "rank"]);
        for (k, row) in rows.iter().enumerate() {
            let get =
                |i: Option<usize>| i.and_then(|i| row.get(i)).map(String::as_str).unwrap_or("");
            let name = get(Some(name_col)).replace("<br>", "; ");
            if name.trim().is_empty() || name.chars().all(|c| !c.is_alphanumeric()) {
                continue;
            }
            let from = format!(
                "guessed by `muster import` from the table at {shown}:{}: {}",
                line + 2 + k,
                row_text(&head, row)
            );
            let rto_v = duration(get(rto));
            let mtpd_v = duration(get(mtpd));
            if systems {
                let id = unique(&mut self.service_ids, &slug(&name, "service"));
                let mut o = Obj::new("Service").str("id", &id).str("name", name.trim());
                if let Some(m) = rto_v {
                    o = o.str("rto", &m.to_string());
                }
                if let Some(m) = duration(get(rpo)) {
                    o = o.str("rpo", &m.to_string());
                }
                let mut todo = vec![format!(
                    "TODO: {from}. Check the RTO and RPO; name the functions it supports (`vbfs`), what it depends on and the plans that restore it"
                )];
                if let Some(m) = mtpd_v {
                    todo.push(format!(
                        "TODO: the table gives a maximum tolerable downtime of {m}: that is the `mtpd` of the business functions this service supports"
                    ));
                }
                o = o.strs("todo", &todo, 8);
                self.services.push(o.write(8));
            } else {
                let id = unique(&mut self.vbf_ids, &slug(&name, "function"));
                let mut o = Obj::new("Vbf").str("id", &id).str("name", name.trim());
                if let Some(m) = rto_v {
                    o = o.str("rto", &m.to_string());
                }
                if let Some(m) = duration(get(rpo)) {
                    o = o.str("rpo", &m.to_string());
                }
                if let Some(m) = mtpd_v {
                    o = o.str("mtpd", &m.to_string());
                }
                let mut over: Vec<(Minutes, &str)> = points
                    .iter()
                    .filter_map(|&(i, m)| level(get(Some(i))).map(|l| (m, l)))
                    .collect();
                over.sort();
                if !over.is_empty() {
                    o = o.raw(
                        "impact_over_time",
                        format!(
                            "[{}]",
                            over.iter()
                                .map(|(m, l)| format!("({}, {l})", string(&m.to_string())))
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    );
                }
                if let Some(p) = get(priority)
                    .split(|c: char| !c.is_ascii_digit())
                    .find(|x| !x.is_empty())
                    .and_then(|x| x.parse::<u32>().ok())
                    .filter(|p| (1..=1000).contains(p))
                {
                    o = o.raw("priority", p.to_string());
                }
                o = o.strs(
                    "todo",
                    &[format!(
                        "TODO: {from}. Check the figures; add the MTPD, the impact over time and the services it needs"
                    )],
                    8,
                );
                self.vbfs.push(o.write(8));
            }
        }
    }

    fn risks_from(
        &mut self,
        head: &[String],
        rows: &[Vec<String>],
        (t, l, i): (usize, usize, usize),
        shown: &str,
        line: usize,
    ) {
        let mitigation = col(
            head,
            &["mitigation", "control", "treatment", "response", "action"],
        );
        let owner = col(head, &["owner", "responsible", "who"]);
        for (k, row) in rows.iter().enumerate() {
            let get =
                |i: Option<usize>| i.and_then(|i| row.get(i)).map(String::as_str).unwrap_or("");
            let threat = get(Some(t)).replace("<br>", "; ");
            if threat.trim().is_empty() {
                continue;
            }
            let mut todo = vec![format!(
                "TODO: guessed by `muster import` from the table at {shown}:{}: {}. Check the figures; name what it affects (`sites`, `services`, `vendors`) and the plans that answer it",
                line + 2 + k,
                row_text(head, row)
            )];
            let mut figure = |idx: usize, what: &str| match five(get(Some(idx))) {
                Some(n) => n,
                None => {
                    todo.push(format!(
                        "TODO: the {what} \"{}\" is not on the 1-5 scale: 3 was put in its place",
                        get(Some(idx))
                    ));
                    3
                }
            };
            let (lv, iv) = (figure(l, "likelihood"), figure(i, "impact"));
            let who = get(owner);
            if !who.is_empty() {
                todo.push(format!(
                    "TODO: the owner is \"{who}\": name them as a role or person of the index in `owner`"
                ));
            }
            let id = unique(&mut self.risk_ids, &slug(&threat, "risk"));
            let mut o = Obj::new("Risk")
                .str("id", &id)
                .str("threat", threat.trim())
                .raw("likelihood", lv.to_string())
                .raw("impact", iv.to_string());
            let mitigations: Vec<String> = get(mitigation)
                .split(['\n', ';'])
                .flat_map(|x| x.split("<br>"))
                .map(str::trim)
                .filter(|x| !x.is_empty())
                .map(str::to_string)
                .collect();
            o = o.strs("mitigations", &mitigations, 8);
            o = o.strs("todo", &todo, 8);
            self.risks.push(o.write(8));
        }
    }

    /// The risk register's file, when there are risks.
    pub fn risks_ron(&self) -> Option<String> {
        if self.risks.is_empty() {
            return None;
        }
        Some(format!(
            "// Drafted by `muster import` from the risk tables of the runbooks: check every entry\n// (likelihood and impact 1-5; see docs/FORMAT.md), then remove its `todo`.\nRisks(\n    risks: [\n{}    ],\n)\n",
            self.risks
                .iter()
                .map(|r| format!("        {r},\n"))
                .collect::<String>()
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_read_as_durations_levels_and_figures() {
        assert_eq!(duration("**4 hours**"), Some(Minutes(240)));
        assert_eq!(duration("< 1h"), Some(Minutes(60)));
        assert_eq!(duration("2 days"), Some(Minutes(2880)));
        assert_eq!(duration("D-3 by 17:00"), None);
        assert_eq!(level("Moderate"), Some("Medium"));
        assert_eq!(level("5 - catastrophic"), Some("Severe"));
        assert_eq!(five("Almost certain"), Some(5));
        assert_eq!(five("4 (likely)"), Some(4));
        assert_eq!(five("unlikely"), Some(2));
        assert_eq!(five("?"), None);
    }

    #[test]
    fn a_bia_table_and_a_risk_table() {
        let mut d = Drafts::default();
        d.read_table(
            "| Business function | 1 hour | 1 day | RTO | MTPD | Priority |\n|---|---|---|---|---|---|\n| Order taking | Low | Severe | 4 hours | 2 days | 1 |",
            "bcp.md",
            10,
        );
        assert_eq!(d.vbfs.len(), 1);
        let v = &d.vbfs[0];
        assert!(v.contains("id: \"order-taking\""), "{v}");
        assert!(v.contains("rto: \"4h\""), "{v}");
        assert!(v.contains("mtpd: \"2d\""), "{v}");
        assert!(
            v.contains("impact_over_time: [(\"1h\", Low), (\"1d\", Severe)]"),
            "{v}"
        );
        assert!(v.contains("priority: 1"), "{v}");
        assert!(v.contains("bcp.md:12"), "{v}");
        d.read_table(
            "| Risk | Likelihood | Impact | Owner | Mitigation |\n|---|---|---|---|---|\n| Flood at the depot | Possible | 4 | Facilities | Sandbags; flood alerts |",
            "risks.md",
            3,
        );
        let r = &d.risks[0];
        assert!(
            r.contains("likelihood: 3") && r.contains("impact: 4"),
            "{r}"
        );
        assert!(
            r.contains("\"Sandbags\"") && r.contains("\"flood alerts\""),
            "{r}"
        );
        assert!(r.contains("the owner is \\\"Facilities\\\""), "{r}");
        assert!(d.risks_ron().unwrap().starts_with("// Drafted"));
    }
}
