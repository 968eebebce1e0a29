//! The exercise clock as the journal sets it.

use crate::domain::event::ts;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// The fastest the exercise clock may run.
pub const MAX_SPEED: u32 = 60;

/// The speeds the TUI steps through with its faster and slower keys.
pub const SPEED_LADDER: [u32; 7] = [1, 2, 5, 10, 20, 30, 60];

/// The next speed up (or down) the ladder from `speed`.
pub fn next_speed(speed: u32, faster: bool) -> u32 {
    if faster {
        SPEED_LADDER
            .iter()
            .copied()
            .find(|s| *s > speed)
            .unwrap_or(MAX_SPEED)
    } else {
        SPEED_LADDER
            .iter()
            .rev()
            .copied()
            .find(|s| *s < speed)
            .unwrap_or(1)
    }
}

/// `ex(t) = anchor_ex + (t - anchor_wall) * speed` while running; frozen at `anchor_ex` while
/// paused. All arithmetic saturates: a hostile journal line cannot make it panic.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExerciseClock {
    #[serde(with = "ts")]
    pub anchor_wall: DateTime<Utc>,
    pub anchor_ex_ms: i64,
    pub speed: u32,
    pub paused: bool,
}

impl ExerciseClock {
    pub fn new(start: DateTime<Utc>) -> Self {
        ExerciseClock {
            anchor_wall: start,
            anchor_ex_ms: 0,
            speed: 1,
            paused: false,
        }
    }

    /// Exercise time, in milliseconds since the start, at wall time `t`.
    pub fn ex_ms(&self, t: DateTime<Utc>) -> i64 {
        if self.paused {
            return self.anchor_ex_ms;
        }
        let wall = (t - self.anchor_wall).num_milliseconds().max(0);
        self.anchor_ex_ms
            .saturating_add(wall.saturating_mul(self.speed as i64))
            .clamp(0, crate::domain::time::MAX_SPAN_MS)
    }

    fn rebase(&mut self, t: DateTime<Utc>) {
        self.anchor_ex_ms = self.ex_ms(t);
        self.anchor_wall = t;
    }

    pub fn pause(&mut self, t: DateTime<Utc>) {
        self.rebase(t);
        self.paused = true;
    }

    pub fn resume(&mut self, t: DateTime<Utc>) {
        self.rebase(t);
        self.paused = false;
    }

    pub fn set_speed(&mut self, t: DateTime<Utc>, speed: u32) {
        self.rebase(t);
        self.speed = speed.clamp(1, MAX_SPEED);
    }

    pub fn advance(&mut self, t: DateTime<Utc>, by_ms: i64) {
        self.rebase(t);
        self.anchor_ex_ms = self
            .anchor_ex_ms
            .saturating_add(by_ms)
            .clamp(0, crate::domain::time::MAX_SPAN_MS);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn extreme_values_saturate() {
        let t = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
        let mut c = ExerciseClock::new(t);
        c.advance(t, i64::MIN);
        assert_eq!(c.ex_ms(t), 0);
        c.advance(t, i64::MAX);
        c.set_speed(t, u32::MAX);
        assert_eq!(c.speed, MAX_SPEED);
        let later = DateTime::<Utc>::MAX_UTC;
        assert_eq!(c.ex_ms(later), crate::domain::time::MAX_SPAN_MS);
    }

    #[test]
    fn the_ladder() {
        assert_eq!(next_speed(1, true), 2);
        assert_eq!(next_speed(7, true), 10);
        assert_eq!(next_speed(60, true), 60);
        assert_eq!(next_speed(7, false), 5);
        assert_eq!(next_speed(1, false), 1);
    }
}
