//! A configuration's key changes applied to the shipped keys: an action given new keys has
//! them on every screen it is on. A key another action of that screen already has is refused
//! there (with a warning naming both), so no key ever does two things.

use super::{Action, Binding, Context, Keymap, names::key_name};
use ratatui::crossterm::event::KeyCode;

/// The keys an action is to have, and where the configuration said so (a byte offset in it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Override {
    pub action: Action,
    /// On this screen only; none: on every screen the action is on.
    pub ctx: Option<Context>,
    pub keys: Vec<KeyCode>,
    pub at: usize,
}

/// Every key change of a configuration.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Overrides(pub Vec<Override>);

/// A change that could not be made, where it was asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyProblem {
    /// Where the change was asked for (a byte offset in the configuration).
    pub at: usize,
    pub message: String,
}

fn label(keys: &[KeyCode]) -> String {
    keys.iter()
        .map(|k| key_name(*k))
        .collect::<Vec<_>>()
        .join("/")
}

impl Keymap {
    /// The shipped keys with these changes; what could not be changed, said.
    pub fn with(overrides: &Overrides) -> (Keymap, Vec<KeyProblem>) {
        let mut map = Keymap::default();
        let mut problems = Vec::new();
        for o in &overrides.0 {
            let mut anywhere = false;
            for ctx in Context::ALL {
                if o.ctx.is_some_and(|c| c != ctx) {
                    continue;
                }
                let list: &mut Vec<Binding> = map.bindings_mut(ctx);
                let Some(i) = list.iter().position(|b| b.action == o.action) else {
                    continue;
                };
                anywhere = true;
                if list[i].keys == o.keys {
                    // as shipped: its label stays
                    continue;
                }
                let taken: Vec<(KeyCode, Action)> = o
                    .keys
                    .iter()
                    .filter_map(|k| {
                        list.iter()
                            .enumerate()
                            .find(|(j, b)| *j != i && b.keys.contains(k))
                            .map(|(_, b)| (*k, b.action))
                    })
                    .collect();
                if let Some((k, other)) = taken.first() {
                    problems.push(KeyProblem {
                        at: o.at,
                        message: format!(
                            "{} is already `{}` on {}: `{}` keeps its keys there; give `{}` other keys too, or another key",
                            key_name(*k),
                            other.name(),
                            ctx.words(),
                            o.action.name(),
                            other.name()
                        ),
                    });
                    continue;
                }
                list[i].keys = o.keys.clone();
                list[i].label = label(&o.keys);
            }
            if !anywhere {
                problems.push(KeyProblem {
                    at: o.at,
                    message: match o.ctx {
                        Some(c) => format!(
                            "`{}` is not an action of {}: nothing changed",
                            o.action.name(),
                            c.words()
                        ),
                        None => format!("`{}` has no key on any screen to change", o.action.name()),
                    },
                });
            }
        }
        (map, problems)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::crossterm::event::KeyEvent;

    #[test]
    fn a_rebound_action_answers_to_its_new_key_everywhere_and_not_its_old_one() {
        let (map, problems) = Keymap::with(&Overrides(vec![Override {
            action: Action::StepDone,
            ctx: None,
            keys: vec![KeyCode::Char('Z')],
            at: 35,
        }]));
        assert!(problems.is_empty(), "{problems:?}");
        let key = |c| KeyEvent::from(KeyCode::Char(c));
        assert_eq!(
            map.action_for(Context::Session, &key('Z')),
            Some(Action::StepDone)
        );
        assert_eq!(map.action_for(Context::Session, &key('d')), None);
        let b = map
            .bindings(Context::Session)
            .iter()
            .find(|b| b.action == Action::StepDone)
            .unwrap();
        assert_eq!(b.label, "Z");
    }

    #[test]
    fn a_key_another_action_has_is_refused_on_that_screen_with_both_named() {
        // `a` starts a step on the session screen
        let (map, problems) = Keymap::with(&Overrides(vec![Override {
            action: Action::StepDone,
            ctx: None,
            keys: vec![KeyCode::Char('a')],
            at: 29,
        }]));
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].at, 29);
        assert!(problems[0].message.contains("`start`"), "{:?}", problems[0]);
        let key = |c| KeyEvent::from(KeyCode::Char(c));
        assert_eq!(
            map.action_for(Context::Session, &key('d')),
            Some(Action::StepDone)
        );
        assert_eq!(
            map.action_for(Context::Session, &key('a')),
            Some(Action::StepStart)
        );
    }
}
