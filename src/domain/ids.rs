//! Typed identifiers. Each wraps the string written in a plan, a scenario or the journal, so a
//! step id can never be passed where a plan id is expected. They serialise as the bare string.

use serde::{Deserialize, Serialize};
use std::fmt;

/// An id given on a command line or typed in a prompt was empty.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("an id cannot be empty")]
pub struct EmptyId;

macro_rules! string_id {
    ($(#[$m:meta])* $name:ident) => {
        $(#[$m])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            pub fn new(s: impl Into<String>) -> Self {
                $name(s.into())
            }
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl std::str::FromStr for $name {
            type Err = EmptyId;
            fn from_str(s: &str) -> Result<Self, EmptyId> {
                let s = s.trim();
                if s.is_empty() {
                    Err(EmptyId)
                } else {
                    Ok($name(s.to_string()))
                }
            }
        }

        impl std::borrow::Borrow<str> for $name {
            fn borrow(&self) -> &str {
                &self.0
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl PartialEq<str> for $name {
            fn eq(&self, o: &str) -> bool {
                self.0 == o
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, o: &&str) -> bool {
                self.0 == *o
            }
        }

        impl PartialEq<String> for $name {
            fn eq(&self, o: &String) -> bool {
                &self.0 == o
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                $name(s.to_string())
            }
        }

        impl From<String> for $name {
            fn from(s: String) -> Self {
                $name(s)
            }
        }
    };
}

string_id!(
    /// A plan's id, as in `plans/<id>.ron`.
    PlanId
);
string_id!(
    /// A step's id, unique within its plan.
    StepId
);
string_id!(
    /// An exercise scenario's id.
    ScenarioId
);
string_id!(
    /// An inject's id, unique within its scenario.
    InjectId
);
string_id!(
    /// An exercise objective's id, unique within its scenario.
    ObjectiveId
);
string_id!(
    /// A session's id: `20261121-2215-db-failover-3fa9`.
    SessionId
);
string_id!(
    /// The writer of a journal file: `journal-<writer>.jsonl`.
    WriterId
);
string_id!(
    /// An event's id, unique across writers.
    EventId
);
string_id!(
    /// An improvement action's id within its session (`A1`, `A2` ...).
    ActionId
);

/// A step of a plan: written `plan/step`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct StepRef {
    pub plan: PlanId,
    pub step: StepId,
}

impl StepRef {
    pub fn new(plan: impl Into<PlanId>, step: impl Into<StepId>) -> StepRef {
        StepRef {
            plan: plan.into(),
            step: step.into(),
        }
    }
}

impl fmt::Display for StepRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.plan, self.step)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_compare_with_strings_and_serialise_bare() {
        let p = PlanId::new("db-failover");
        assert_eq!(p, "db-failover");
        assert_eq!(serde_json::to_string(&p).unwrap(), "\"db-failover\"");
        let back: PlanId = serde_json::from_str("\"x\"").unwrap();
        assert_eq!(back.as_str(), "x");
        assert!("  ".parse::<StepId>().is_err());
        assert_eq!(StepRef::new("p", "s").to_string(), "p/s");
    }
}
