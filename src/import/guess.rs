//! What prose suggests but only a person can confirm: deadlines, recurrence, estimates,
//! decisions, placeholders. Each guess comes with the words it was made from.

use crate::domain::Minutes;
use regex::Regex;
use std::sync::LazyLock;

#[derive(Debug, Default, Clone, PartialEq)]
pub struct Guesses {
    /// (minutes, from the declaration/activation rather than the plan's start, the words)
    pub due: Option<(Minutes, bool, String)>,
    pub every: Option<(Minutes, String)>,
    pub estimate: Option<(Minutes, String)>,
    /// Sentences that read like a branch: "if ... skip to ...", "go to [x](#y)".
    pub decisions: Vec<String>,
    pub placeholders: Vec<String>,
}

fn re(s: &str) -> Regex {
    Regex::new(s).unwrap_or_else(|e| unreachable!("a fixed pattern: {e}"))
}

const NUM: &str =
    r"(\d+(?:\.\d+)?|an?|one|two|three|four|five|six|ten|fifteen|twenty|thirty|forty-five|sixty)";
const UNIT: &str = r"(minutes?|mins?|m|hours?|hrs?|h|days?|分|時間)";

static WITHIN: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"(?i)\b(?:within|no later than|in under|inside)\s+{NUM}\s*{UNIT}\b(?:\s+(?:of|after|from)\s+(\w+))?|{NUM}\s*{UNIT}以内"
    ))
});
static EVERY: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"(?i)\b(?:every|each)\s+{NUM}?\s*{UNIT}\b|\b(?:at least\s+)?once\s+(?:an?|every|per)\s+{UNIT}\b|\b(hourly)\b|{NUM}\s*{UNIT}ごと"
    ))
});
static ESTIMATE: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"(?i)\b(?:approximately|approx\.?|about|around|roughly|takes|estimated(?: time)?:?|duration:?|~)\s*{NUM}\s*{UNIT}\b"
    ))
});
static BRANCH: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\b(if|when|unless|otherwise)\b[^.!?\n]*\b(skip to|go to|goto|proceed to|continue (?:with|to|at)|jump to|move on to|return to|escalate to)\b|\]\(#[^)]*\)",
    )
});
static PLACEHOLDER: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\{\{\s*[A-Za-z_][A-Za-z0-9_.]*\s*\}\}|<[a-z][a-z0-9]*(?:[ _-][a-z0-9]+)+>|<(?:zone|region|host|hostname|instance|name|ip|user|env|environment|domain|ticket|id)>",
    )
});

fn number(s: &str) -> Option<f64> {
    Some(match s.to_ascii_lowercase().as_str() {
        "a" | "an" | "one" => 1.0,
        "two" => 2.0,
        "three" => 3.0,
        "four" => 4.0,
        "five" => 5.0,
        "six" => 6.0,
        "ten" => 10.0,
        "fifteen" => 15.0,
        "twenty" => 20.0,
        "thirty" => 30.0,
        "forty-five" => 45.0,
        "sixty" => 60.0,
        n => n.parse().ok()?,
    })
}

fn minutes(n: Option<&str>, unit: &str) -> Option<Minutes> {
    let n = n.map_or(Some(1.0), number)?;
    let per = match unit.to_ascii_lowercase().chars().next()? {
        'h' | '時' => 60.0,
        'd' => 1440.0,
        _ => 1.0,
    };
    let m = (n * per).round();
    (m >= 1.0 && m < f64::from(u32::MAX)).then_some(Minutes(m as u32))
}

/// The first captured group among `idx` that matched.
fn first<'h>(c: &regex::Captures<'h>, idx: &[usize]) -> Option<&'h str> {
    idx.iter().find_map(|&i| c.get(i).map(|m| m.as_str()))
}

pub fn guess(text: &str) -> Guesses {
    let mut g = Guesses::default();
    if let Some(c) = WITHIN.captures(text) {
        let (n, unit) = match c.get(1) {
            Some(n) => (Some(n.as_str()), c.get(2).map_or("", |m| m.as_str())),
            None => (first(&c, &[4]), first(&c, &[5]).unwrap_or("")),
        };
        let from = c.get(3).map(|m| m.as_str().to_ascii_lowercase());
        let declared = from.is_some_and(|f| {
            [
                "activation",
                "declaration",
                "invocation",
                "detection",
                "the",
            ]
            .contains(&f.as_str())
        });
        if let Some(m) = minutes(n, unit) {
            g.due = Some((m, declared, c[0].to_string()));
        }
    }
    if let Some(c) = EVERY.captures(text) {
        let m = if c.get(4).is_some() {
            Some(Minutes(60))
        } else if let Some(u) = c.get(2) {
            minutes(c.get(1).map(|m| m.as_str()), u.as_str())
        } else if let Some(u) = c.get(3) {
            minutes(None, u.as_str())
        } else {
            minutes(first(&c, &[5]), first(&c, &[6]).unwrap_or(""))
        };
        if let Some(m) = m {
            g.every = Some((m, c[0].to_string()));
        }
    }
    if let Some(c) = ESTIMATE.captures(text)
        && let Some(m) = minutes(c.get(1).map(|m| m.as_str()), &c[2])
    {
        g.estimate = Some((m, c[0].to_string()));
    }
    for m in BRANCH.find_iter(text) {
        // the whole sentence the branch is in
        let s = text[..m.start()]
            .rfind(['.', '!', '?', '\n'])
            .map_or(0, |i| i + 1);
        let e = text[m.end()..]
            .find(['.', '!', '?', '\n'])
            .map_or(text.len(), |i| m.end() + i);
        let sentence = text[s..e].trim().to_string();
        if !g.decisions.contains(&sentence) {
            g.decisions.push(sentence);
        }
    }
    for m in PLACEHOLDER.find_iter(text) {
        let p = m.as_str().to_string();
        if !g.placeholders.contains(&p) {
            g.placeholders.push(p);
        }
    }
    g
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_phrases_become_candidates() {
        let g = guess(
            "Notify the regulator within 15 minutes of activation. Update the page at least once an hour; this takes approximately 2 hours.",
        );
        assert_eq!(
            g.due.as_ref().map(|d| (d.0, d.1)),
            Some((Minutes(15), true))
        );
        assert_eq!(g.every.as_ref().map(|e| e.0), Some(Minutes(60)));
        assert_eq!(g.estimate.as_ref().map(|e| e.0), Some(Minutes(120)));
        assert_eq!(
            guess("every 30 minutes").every.map(|e| e.0),
            Some(Minutes(30))
        );
        assert_eq!(
            guess("within an hour").due.map(|d| (d.0, d.1)),
            Some((Minutes(60), false))
        );
        assert_eq!(guess("15分以内に連絡").due.map(|d| d.0), Some(Minutes(15)));
        assert_eq!(
            guess("Estimated time: 10 min").estimate.map(|d| d.0),
            Some(Minutes(10))
        );
    }

    #[test]
    fn branches_and_placeholders_are_found() {
        let g = guess(
            "If the encryption is still spreading, skip to Containment step 3. Otherwise go on.\nSee [Eradication](#eradication).",
        );
        assert_eq!(g.decisions.len(), 2, "{:?}", g.decisions);
        assert!(g.decisions[0].starts_with("If the encryption"));
        let g = guess("Set {{DOMAIN}} and <instance name> in <zone>; keep <br> and <b>bold</b>.");
        assert_eq!(g.placeholders, ["{{DOMAIN}}", "<instance name>", "<zone>"]);
        assert_eq!(guess("Nothing here.").decisions.len(), 0);
    }
}
