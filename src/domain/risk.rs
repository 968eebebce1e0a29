//! The risk register (`risks.ron`): threats, what they affect, how likely and how bad, who
//! mitigates them and which plans answer them.

use super::parse::de::De;
use super::parse::ron_tree::{Kind, Node};
use super::parse::span::{Sp, Span};
use super::time::Period;
use chrono::NaiveDate;
use serde::Serialize;

/// The register: every risk, and how often each is reviewed unless it says otherwise.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Register {
    pub review_interval: Option<Period>,
    pub risks: Vec<Risk>,
    /// The file it was read from, as shown.
    pub path: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Risk {
    pub id: Sp<String>,
    /// What could happen: "Prolonged mains power loss at the Salford data centre".
    pub threat: String,
    pub description: Option<String>,
    pub sites: Vec<Sp<String>>,
    pub services: Vec<Sp<String>>,
    pub vendors: Vec<Sp<String>>,
    /// 1 (rare) to 5 (almost certain).
    pub likelihood: Sp<u8>,
    /// 1 (negligible) to 5 (severe).
    pub impact: Sp<u8>,
    /// Who owns the risk (a role or person id).
    pub owner: Option<Sp<String>>,
    pub treatment: Option<Treatment>,
    pub mitigations: Vec<Mitigation>,
    /// The plans that answer it when it happens.
    pub plans: Vec<Sp<String>>,
    pub last_reviewed: Option<Sp<NaiveDate>>,
    pub review_interval: Option<Period>,
    pub notes: Option<String>,
    pub todo: Vec<Sp<String>>,
}

/// What is done about a risk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Treatment {
    /// Reduce it (mitigations).
    Reduce,
    /// Accept it as it is.
    Accept,
    /// Transfer it (insurance, a contract).
    Transfer,
    /// Avoid it (stop doing what causes it).
    Avoid,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum MitigationStatus {
    /// In place and working.
    Done,
    /// Agreed, not yet in place.
    Planned,
}

#[derive(Debug, Clone, Serialize)]
pub struct Mitigation {
    pub what: String,
    pub owner: Option<Sp<String>>,
    pub status: MitigationStatus,
    pub due: Option<Sp<NaiveDate>>,
    #[serde(skip)]
    pub span: Span,
}

/// The bands of a 5x5 score.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Band {
    Low,
    Medium,
    High,
    VeryHigh,
}

impl Band {
    /// 1-4 low, 5-9 medium, 10-16 high, 20-25 very high.
    pub fn of(score: u8) -> Band {
        match score {
            0..=4 => Band::Low,
            5..=9 => Band::Medium,
            10..=16 => Band::High,
            _ => Band::VeryHigh,
        }
    }
    pub fn word(self) -> &'static str {
        match self {
            Band::Low => "low",
            Band::Medium => "medium",
            Band::High => "high",
            Band::VeryHigh => "very high",
        }
    }
}

/// The words of the likelihood scale, 1 to 5.
pub const LIKELIHOOD: [&str; 5] = ["rare", "unlikely", "possible", "likely", "almost certain"];
/// The words of the impact scale, 1 to 5 (the business impact scale's).
pub const IMPACT: [&str; 5] = ["negligible", "low", "medium", "high", "severe"];

impl Risk {
    pub fn score(&self) -> u8 {
        self.likelihood.v * self.impact.v
    }
    pub fn band(&self) -> Band {
        Band::of(self.score())
    }
    /// High or very high: such a risk needs a plan and an owner.
    pub fn is_high(&self) -> bool {
        self.band() >= Band::High
    }
    /// When the next review is due: its own interval, else the register's.
    pub fn review_due(&self, register: Option<Period>) -> Option<NaiveDate> {
        self.review_interval
            .or(register)?
            .after(self.last_reviewed.as_ref()?.v)
    }
}

impl Register {
    pub fn read(de: &mut De, node: &Node) -> Option<Register> {
        let mut o = de.object(node, "risk register")?;
        let review_interval = o.opt(de, "review_interval", De::period);
        let risks = o.list(de, "risks", read_risk);
        o.finish(de);
        Some(Register {
            review_interval,
            risks,
            path: de.src.path.clone(),
        })
    }

    pub fn risk(&self, id: &str) -> Option<&Risk> {
        self.risks.iter().find(|r| r.id.v == id)
    }

    /// The risks, highest score first (then the likelier, then by id).
    pub fn by_score(&self) -> Vec<&Risk> {
        let mut v: Vec<&Risk> = self.risks.iter().collect();
        v.sort_by(|a, b| {
            b.score()
                .cmp(&a.score())
                .then(b.likelihood.v.cmp(&a.likelihood.v))
                .then(a.id.v.cmp(&b.id.v))
        });
        v
    }
}

fn read_risk(de: &mut De, n: &Node) -> Option<Risk> {
    let mut o = de.object(n, "risk")?;
    let id = o.req(de, "id", De::id);
    let threat = o.req(de, "threat", De::string).unwrap_or_default();
    let treatments = [
        ("Reduce", Treatment::Reduce),
        ("Accept", Treatment::Accept),
        ("Transfer", Treatment::Transfer),
        ("Avoid", Treatment::Avoid),
    ];
    let likelihood = o.req(de, "likelihood", |de, n| scale(de, n, "likelihood"));
    let impact = o.req(de, "impact", |de, n| scale(de, n, "impact"));
    let r = Risk {
        threat,
        description: o.opt(de, "description", De::string),
        sites: o.list(de, "sites", De::id),
        services: o.list(de, "services", De::id),
        vendors: o.list(de, "vendors", De::id),
        likelihood: Sp::bare(0),
        impact: Sp::bare(0),
        owner: o.opt(de, "owner", De::id),
        treatment: o.opt(de, "treatment", |de, n| de.variant(n, &treatments)),
        mitigations: o.list(de, "mitigations", read_mitigation),
        plans: o.list(de, "plans", De::id),
        last_reviewed: o.opt(de, "last_reviewed", De::date),
        review_interval: o.opt(de, "review_interval", De::period),
        notes: o.opt(de, "notes", De::string),
        todo: o.list(de, "todo", De::sp_string),
        id: Sp::bare(String::new()),
    };
    o.finish(de);
    Some(Risk {
        id: id?,
        likelihood: likelihood?,
        impact: impact?,
        ..r
    })
}

/// 1 to 5.
fn scale(de: &mut De, n: &Node, what: &str) -> Option<Sp<u8>> {
    let words = if what == "likelihood" {
        LIKELIHOOD
    } else {
        IMPACT
    };
    match n.kind {
        Kind::Int(i) if (1..=5).contains(&i) => Some(Sp::new(i as u8, n.span)),
        _ => {
            let found = match n.kind {
                Kind::Int(i) => i.to_string(),
                _ => n.describe().to_string(),
            };
            let scale = words
                .iter()
                .enumerate()
                .map(|(i, w)| format!("{} {w}", i + 1))
                .collect::<Vec<_>>()
                .join(", ");
            de.error(
                n.span,
                format!(
                    "expected {} {what} from 1 to 5 ({scale}), found {found}",
                    if what.starts_with(['a', 'e', 'i', 'o', 'u']) {
                        "an"
                    } else {
                        "a"
                    }
                ),
                None,
            );
            None
        }
    }
}

/// `"Generator on site"` or `Mitigation(what: "...", owner: "facilities", status: Planned, due: "2027-03-01")`.
fn read_mitigation(de: &mut De, n: &Node) -> Option<Mitigation> {
    if let Kind::Str(s) = &n.kind {
        return Some(Mitigation {
            what: s.to_string(),
            owner: None,
            status: MitigationStatus::Done,
            due: None,
            span: n.span,
        });
    }
    let mut o = de.object(n, "mitigation")?;
    let what = o.req(de, "what", De::string).unwrap_or_default();
    let m = Mitigation {
        what,
        owner: o.opt(de, "owner", De::id),
        status: o
            .opt(de, "status", |de, n| {
                de.variant(
                    n,
                    &[
                        ("Done", MitigationStatus::Done),
                        ("Planned", MitigationStatus::Planned),
                    ],
                )
            })
            .unwrap_or(MitigationStatus::Done),
        due: o.opt(de, "due", De::date),
        span: n.span,
    };
    o.finish(de);
    Some(m)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bands_of_the_five_by_five() {
        assert_eq!(Band::of(4), Band::Low);
        assert_eq!(Band::of(5), Band::Medium);
        assert_eq!(Band::of(9), Band::Medium);
        assert_eq!(Band::of(10), Band::High);
        assert_eq!(Band::of(16), Band::High);
        assert_eq!(Band::of(20), Band::VeryHigh);
        assert_eq!(Band::of(25), Band::VeryHigh);
    }
}
