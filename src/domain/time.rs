//! Durations (RTO, RPO, estimates, offsets) and calendar periods (review and test intervals).

use chrono::{DateTime, Duration, Months, NaiveDate, Utc};
use serde::{Serialize, Serializer};
use std::fmt;
use std::str::FromStr;

/// A duration in whole minutes, written `"30m"`, `"4h"`, `"1h30m"`, `"2d"`, `"1w"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Minutes(pub u32);

/// A duration that does not read, or is too long to be one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BadDuration {
    #[error("`{0}` is not a duration: write it like \"30m\", \"4h\", \"1h30m\", \"2d\" or \"1w\"")]
    Unreadable(String),
    #[error("`{0}` is too long for a duration: the most is {max} (about 8,000 years)", max = Minutes(u32::MAX))]
    TooLong(String),
}

/// A calendar period that does not read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "`{0}` is not a period: write it like \"90 days\", \"2 weeks\", \"6 months\" or \"1 year\""
)]
pub struct BadPeriod(pub String);

impl FromStr for Minutes {
    type Err = BadDuration;
    fn from_str(s: &str) -> Result<Self, BadDuration> {
        let bad = || BadDuration::Unreadable(super::text::clean(s, false));
        let long = || BadDuration::TooLong(super::text::clean(s, false));
        let t = s.trim();
        if t.is_empty() {
            return Err(bad());
        }
        let mut total: u64 = 0;
        let mut num = String::new();
        for c in t.chars() {
            if c.is_ascii_digit() {
                num.push(c);
            } else if c.is_whitespace() {
                continue;
            } else {
                let n: u64 = match num.parse() {
                    Ok(n) => n,
                    Err(_) if !num.is_empty() => return Err(long()),
                    Err(_) => return Err(bad()),
                };
                num.clear();
                let unit = match c {
                    'm' => 1,
                    'h' => 60,
                    'd' => 24 * 60,
                    'w' => 7 * 24 * 60,
                    _ => return Err(bad()),
                };
                total = total
                    .checked_add(n.checked_mul(unit).ok_or_else(long)?)
                    .ok_or_else(long)?;
            }
        }
        if !num.is_empty() {
            return Err(bad());
        }
        u32::try_from(total).map(Minutes).map_err(|_| long())
    }
}

impl fmt::Display for Minutes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let m = self.0;
        if m == 0 {
            return f.write_str("0m");
        }
        let (d, h, mm) = (m / 1440, (m % 1440) / 60, m % 60);
        let mut out = String::new();
        if d > 0 {
            out.push_str(&format!("{d}d"));
        }
        if h > 0 {
            out.push_str(&format!("{h}h"));
        }
        if mm > 0 {
            out.push_str(&format!("{mm}m"));
        }
        f.write_str(&out)
    }
}

impl Serialize for Minutes {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

impl Minutes {
    pub fn as_duration(self) -> chrono::Duration {
        chrono::Duration::minutes(self.0 as i64)
    }
    pub fn as_ms(self) -> i64 {
        self.0 as i64 * 60_000
    }
}

/// `t + ms`, saturating at the ends of the representable range instead of panicking: a hostile
/// or mistaken journal line must never stop a session from opening.
pub fn add_ms(t: DateTime<Utc>, ms: i64) -> DateTime<Utc> {
    match t.checked_add_signed(Duration::milliseconds(ms.clamp(-MAX_SPAN_MS, MAX_SPAN_MS))) {
        Some(r) => r,
        None if ms >= 0 => DateTime::<Utc>::MAX_UTC,
        None => DateTime::<Utc>::MIN_UTC,
    }
}

/// `a - b` in milliseconds, saturating.
pub fn diff_ms(a: DateTime<Utc>, b: DateTime<Utc>) -> i64 {
    (a - b).num_milliseconds()
}

/// About 10,000 years: more than any clock or duration in a session can honestly need.
pub const MAX_SPAN_MS: i64 = 10_000 * 366 * 24 * 3_600_000;

/// Duration as people say it: "2 h 05 min", "12 min", "40 s".
pub fn human_duration(d: Duration) -> String {
    let total = d.num_seconds();
    let secs = total.unsigned_abs();
    let sign = if total < 0 { "-" } else { "" };
    if secs < 60 {
        format!("{sign}{secs} s")
    } else if secs < 3600 {
        format!("{sign}{} min", secs / 60)
    } else if secs < 86400 {
        format!("{sign}{} h {:02} min", secs / 3600, (secs % 3600) / 60)
    } else {
        format!("{sign}{} d {} h", secs / 86400, (secs % 86400) / 3600)
    }
}

/// How long a command took: "340 ms" under a second, else as [`human_duration`] says it.
pub fn took_ms(ms: u64) -> String {
    if ms < 1000 {
        format!("{ms} ms")
    } else {
        human_duration(Duration::milliseconds(ms.min(i64::MAX as u64) as i64))
    }
}

/// Exercise time as `T+01:05:00`.
pub fn ex_time(ms: i64) -> String {
    let s = ms.max(0) / 1000;
    format!("T+{:02}:{:02}:{:02}", s / 3600, (s % 3600) / 60, s % 60)
}

/// A calendar period, written `"90 days"`, `"2 weeks"`, `"6 months"`, `"1 year"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Period {
    Days(u32),
    Months(u32),
}

impl FromStr for Period {
    type Err = BadPeriod;
    fn from_str(s: &str) -> Result<Self, BadPeriod> {
        let bad = || BadPeriod(super::text::clean(s, false));
        let t = s.trim();
        let split = t.find(|c: char| !c.is_ascii_digit()).ok_or_else(bad)?;
        let n: u32 = t[..split].parse().map_err(|_| bad())?;
        let unit = t[split..].trim().to_ascii_lowercase();
        let unit = unit.trim_end_matches('s');
        let p = match unit {
            "day" | "d" => Period::Days(n),
            "week" | "w" => Period::Days(n.checked_mul(7).ok_or_else(bad)?),
            "month" | "mo" => Period::Months(n),
            "year" | "y" => Period::Months(n.checked_mul(12).ok_or_else(bad)?),
            _ => return Err(bad()),
        };
        Ok(p)
    }
}

impl Period {
    pub fn after(self, date: NaiveDate) -> Option<NaiveDate> {
        match self {
            Period::Days(d) => date.checked_add_days(chrono::Days::new(d as u64)),
            Period::Months(m) => date.checked_add_months(Months::new(m)),
        }
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let plural = |n: u32, w: &str| {
            if n == 1 {
                format!("1 {w}")
            } else {
                format!("{n} {w}s")
            }
        };
        match *self {
            Period::Days(d) if d % 7 == 0 && d > 0 => f.write_str(&plural(d / 7, "week")),
            Period::Days(d) => f.write_str(&plural(d, "day")),
            Period::Months(m) if m % 12 == 0 && m > 0 => f.write_str(&plural(m / 12, "year")),
            Period::Months(m) => f.write_str(&plural(m, "month")),
        }
    }
}

impl Serialize for Period {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!("30m".parse(), Ok(Minutes(30)));
        assert_eq!("1h30m".parse(), Ok(Minutes(90)));
        assert_eq!("2d".parse(), Ok(Minutes(2880)));
        assert_eq!("1w".parse(), Ok(Minutes(10080)));
        assert_eq!("0m".parse(), Ok(Minutes(0)));
        assert!("4".parse::<Minutes>().is_err());
        assert!("4x".parse::<Minutes>().is_err());
        assert!("".parse::<Minutes>().is_err());
        assert!("99999999999999h".parse::<Minutes>().is_err());
        assert_eq!(Minutes(90).to_string(), "1h30m");
        assert_eq!(Minutes(1500).to_string(), "1d1h");
    }

    #[test]
    fn periods() {
        let d = NaiveDate::from_ymd_opt(2026, 1, 31).unwrap();
        assert_eq!(
            "6 months".parse::<Period>().unwrap().after(d),
            NaiveDate::from_ymd_opt(2026, 7, 31)
        );
        assert_eq!("1 year".parse::<Period>().unwrap(), Period::Months(12));
        assert_eq!("2 weeks".parse::<Period>().unwrap(), Period::Days(14));
        assert_eq!("90 days".parse::<Period>().unwrap().to_string(), "90 days");
        assert!("soon".parse::<Period>().is_err());
        assert!("3 fortnights".parse::<Period>().is_err());
    }
}
