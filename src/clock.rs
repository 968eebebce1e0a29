//! Time as a parameter: the real clock, or a fixed one (`$MUSTER_NOW`, tests).

use chrono::{DateTime, Utc};

pub trait Clock {
    fn now(&self) -> DateTime<Utc>;
}

pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

pub struct FixedClock(pub DateTime<Utc>);

impl Clock for FixedClock {
    fn now(&self) -> DateTime<Utc> {
        self.0
    }
}

/// The clock to use: fixed when `$MUSTER_NOW` says so, else the system's.
pub fn from_env() -> Box<dyn Clock> {
    match crate::context::fixed_now() {
        Some(t) => Box::new(FixedClock(t)),
        None => Box::new(SystemClock),
    }
}
