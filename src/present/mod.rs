//! Formatting for people: events in words, times in a zone that is passed in (the machine's
//! local zone at the edges, UTC or a fixed offset in tests), never read from the environment here.

pub mod describe;
pub mod json;

use chrono::{DateTime, FixedOffset, Local, Offset, Utc};

/// The time zone to show times in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Zone {
    Utc,
    /// The machine's local time zone (its offset may change with daylight saving).
    Local,
    Fixed(FixedOffset),
}

impl Zone {
    /// The offset in force at `t`.
    pub fn offset(self, t: DateTime<Utc>) -> FixedOffset {
        match self {
            Zone::Utc => Utc.fix(),
            Zone::Local => t.with_timezone(&Local).offset().fix(),
            Zone::Fixed(o) => o,
        }
    }

    pub fn at(self, t: DateTime<Utc>) -> DateTime<FixedOffset> {
        t.with_timezone(&self.offset(t))
    }

    /// `2026-11-21 02:30:00 +00:00`
    pub fn full(self, t: DateTime<Utc>) -> String {
        self.at(t).format("%Y-%m-%d %H:%M:%S %:z").to_string()
    }

    /// `02:30`
    pub fn hm(self, t: DateTime<Utc>) -> String {
        self.at(t).format("%H:%M").to_string()
    }

    /// `2026-11-21 02:30`
    pub fn date_hm(self, t: DateTime<Utc>) -> String {
        self.at(t).format("%Y-%m-%d %H:%M").to_string()
    }

    /// A time as a responder writes it: RFC 3339, or a date and time in this zone
    /// (`2026-11-21 03:10`, `2026-11-21T03:10:00`).
    pub fn parse(self, s: &str) -> Option<DateTime<Utc>> {
        let s = s.trim();
        if let Ok(t) = DateTime::parse_from_rfc3339(s) {
            return Some(t.with_timezone(&Utc));
        }
        for f in [
            "%Y-%m-%dT%H:%M:%S",
            "%Y-%m-%dT%H:%M",
            "%Y-%m-%d %H:%M:%S",
            "%Y-%m-%d %H:%M",
        ] {
            let Ok(n) = chrono::NaiveDateTime::parse_from_str(s, f) else {
                continue;
            };
            let t = self.instant(n);
            if t.is_some() {
                return t;
            }
        }
        None
    }

    /// A date and time on this zone's clock as an instant; `None` when the clock never showed
    /// it (a change to summer time). A time shown twice (the change back) is the first.
    pub fn instant(self, n: chrono::NaiveDateTime) -> Option<DateTime<Utc>> {
        match self {
            Zone::Utc => Some(n.and_utc()),
            Zone::Fixed(o) => n
                .and_local_timezone(o)
                .single()
                .map(|t| t.with_timezone(&Utc)),
            Zone::Local => match n.and_local_timezone(Local) {
                chrono::LocalResult::Single(t) | chrono::LocalResult::Ambiguous(t, _) => {
                    Some(t.with_timezone(&Utc))
                }
                chrono::LocalResult::None => None,
            },
        }
    }

    /// [`Zone::parse`], or a time of day alone (`03:10`): today in this zone, or yesterday
    /// when that is still to come (a declaration is never in the future).
    pub fn parse_near(self, s: &str, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        if let Some(t) = self.parse(s) {
            return Some(t);
        }
        let hm = chrono::NaiveTime::parse_from_str(s.trim(), "%H:%M")
            .or_else(|_| chrono::NaiveTime::parse_from_str(s.trim(), "%H:%M:%S"))
            .ok()?;
        let today = self.date(now);
        let at = |d: chrono::NaiveDate| {
            self.parse(&d.and_time(hm).format("%Y-%m-%d %H:%M:%S").to_string())
        };
        let t = at(today)?;
        if t > now + chrono::Duration::minutes(5) {
            at(today.pred_opt()?)
        } else {
            Some(t)
        }
    }

    /// The calendar date at `t`.
    pub fn date(self, t: DateTime<Utc>) -> chrono::NaiveDate {
        self.at(t).date_naive()
    }
}

/// A step's deadline in words, as the status and the TUI show it: "due 12:15", "OVERDUE since
/// 12:15", "met (due 12:15)", "late (due 12:15)"; "every 1 h, next 13:00" for a recurring step.
pub fn due_words(
    d: &crate::domain::session::deadline::Deadline,
    every: Option<crate::domain::Minutes>,
    zone: Zone,
) -> String {
    use crate::domain::session::deadline::DueState;
    let at = zone.hm(d.at);
    let state = match d.state {
        DueState::Due if d.recurring => format!("next due {at}"),
        DueState::Due => format!("due {at}"),
        DueState::Overdue => format!("OVERDUE since {at}"),
        DueState::Met => format!("met (due {at})"),
        DueState::Late => format!("late (due {at})"),
    };
    match every {
        Some(e) if d.recurring => format!("every {e}, {state}"),
        _ => state,
    }
}
