//! The responder's own settings: `<config dir>/muster/config.ron` (`$MUSTER_CONFIG` names another
//! file), holding only what they change: the theme, and keys. A file that does not read is a
//! located warning and the defaults are used; muster never refuses to start over its settings.

use crate::domain::parse::de::De;
use crate::domain::parse::ron_tree::{self, Kind, Node};
use crate::domain::parse::span::{Diagnostic, Severity, Source};
use crate::tui::keymap::{self, Keymap, Overrides};
use crate::tui::theme::{PALETTES, Theme};
use std::path::{Path, PathBuf};

/// What the settings make of muster.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Settings {
    pub theme: Theme,
    pub keymap: Keymap,
}

/// Where the settings file is: `$MUSTER_CONFIG`, else `config.ron` in the platform's folder for
/// settings (`~/.config/muster` on Linux).
pub fn path() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("MUSTER_CONFIG").filter(|p| !p.is_empty()) {
        return Some(PathBuf::from(p));
    }
    directories::ProjectDirs::from("", "", "muster").map(|d| d.config_dir().join("config.ron"))
}

/// The settings, and what could not be read of them (each a located sentence). No file is no
/// problem: the defaults.
pub fn load() -> (Settings, Vec<String>) {
    let Some(p) = path() else {
        return (Settings::default(), Vec::new());
    };
    load_from(&p)
}

/// The settings in one file.
pub fn load_from(p: &Path) -> (Settings, Vec<String>) {
    let shown = crate::domain::text::clean(&p.display().to_string(), false);
    let bytes = match std::fs::symlink_metadata(p) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            // only a file named on purpose must exist
            let named = std::env::var_os("MUSTER_CONFIG").is_some_and(|v| !v.is_empty());
            return (
                Settings::default(),
                match named {
                    true => vec![format!(
                        "{shown}: there is no such file ($MUSTER_CONFIG names it): the default settings are used; `muster config --defaults > FILE` writes one"
                    )],
                    false => Vec::new(),
                },
            );
        }
        _ => crate::library::read_bounded(p),
    };
    let text = match bytes.map(String::from_utf8) {
        Ok(Ok(t)) => t,
        Ok(Err(_)) => {
            return (
                Settings::default(),
                vec![format!(
                    "{shown}: this file is not UTF-8 text: the default settings are used"
                )],
            );
        }
        Err(why) => {
            return (
                Settings::default(),
                vec![format!("{shown}: {why}; the default settings are used")],
            );
        }
    };
    let (settings, diags) = parse(&shown, &text);
    (settings, diags.iter().map(|d| d.to_string()).collect())
}

/// Reads settings from text; every problem a diagnostic at its line and column, and what could
/// not be read left at its default.
pub fn parse(shown: &str, text: &str) -> (Settings, Vec<Diagnostic>) {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let src = Source::new(shown.to_string(), text.to_string());
    let mut diags = Vec::new();
    let mut settings = Settings::default();
    if src.text.trim().is_empty() {
        return (settings, diags);
    }
    let node = match ron_tree::parse(0, &src.text) {
        Ok(n) => n,
        Err(errors) => {
            for e in errors {
                diags.push(Diagnostic::at(
                    Severity::Warning,
                    &src,
                    e.span,
                    format!("RON syntax: {}; the default settings are used", e.message),
                    None,
                ));
            }
            return (settings, diags);
        }
    };
    let mut de = De::new(&src, &mut diags);
    if let Some(mut o) = de.object(&node, "configuration") {
        if let Some(n) = o.node(&mut de, "theme")
            && let Some(name) = de.string(n)
        {
            match Theme::named(&name) {
                Some(t) => settings.theme = t,
                None => {
                    let names: Vec<&str> = PALETTES.iter().map(|p| p.name).collect();
                    let hint = crate::domain::text::did_you_mean(
                        &name,
                        names.iter().copied().chain(["none"]),
                    )
                    .map(|s| format!("did you mean `{s}`? "))
                    .unwrap_or_default();
                    de.warn(
                        n.span,
                        format!(
                            "`{}` is not a theme: {hint}use {} or none; the default theme is used",
                            crate::domain::text::clean(&name, false),
                            names.join(", ")
                        ),
                        None,
                    );
                }
            }
        }
        if let Some(n) = o.node(&mut de, "keys") {
            let overrides = keys(&mut de, n);
            let (map, problems) = Keymap::with(&overrides);
            for p in problems {
                de.warn(
                    crate::domain::parse::span::Span::new(0, p.at, p.at + 1),
                    p.message,
                    None,
                );
            }
            settings.keymap = map;
        }
        o.finish(&mut de);
    }
    // everything here is a warning: muster starts with its defaults where a setting is wrong
    for d in diags.iter_mut() {
        d.severity = Severity::Warning;
    }
    (settings, diags)
}

/// `keys: { "done": ["D"], "start": "S" }`: each action's new keys.
fn keys(de: &mut De, n: &Node) -> Overrides {
    let mut out = Overrides::default();
    let Kind::Map(entries) = &n.kind else {
        de.warn(
            n.span,
            "`keys` should be a map of actions to keys, like `keys: { \"done\": [\"D\"] }`; the default keys are used",
            None,
        );
        return out;
    };
    for (k, v) in entries {
        let Some(name) = de.string(k) else { continue };
        // `"session.page-up"`: on that screen only
        let (ctx, action_name) = match name.split_once('.') {
            Some((screen, a)) => match keymap::Context::ALL
                .into_iter()
                .find(|c| c.name().eq_ignore_ascii_case(screen.trim()))
            {
                Some(c) => (Some(c), a.to_string()),
                None => {
                    de.warn(
                        k.span,
                        format!(
                            "`{}` is not a screen: use {}, or no screen for every one; its keys are not changed",
                            crate::domain::text::clean(screen, false),
                            keymap::Context::ALL.map(|c| c.name()).join(", ")
                        ),
                        None,
                    );
                    continue;
                }
            },
            None => (None, name.clone()),
        };
        let Some(action) = keymap::action_by_name(&action_name) else {
            let hint = crate::domain::text::did_you_mean(
                &action_name,
                keymap::names::NAMES.iter().map(|(_, n)| *n),
            )
            .map(|s| format!("did you mean `{s}`? "))
            .unwrap_or_else(|| "`muster config --defaults` lists them; ".into());
            de.warn(
                k.span,
                format!(
                    "`{}` is not an action: {hint}its default keys are kept",
                    crate::domain::text::clean(&action_name, false)
                ),
                None,
            );
            continue;
        };
        let key_nodes: Vec<&Node> = match &v.kind {
            Kind::List(items) => items.iter().collect(),
            _ => vec![v],
        };
        let mut codes = Vec::new();
        let mut bad = false;
        for kn in key_nodes {
            let Some(s) = de.string(kn) else {
                bad = true;
                continue;
            };
            match keymap::parse_key(&s) {
                Ok(c) if !codes.contains(&c) => codes.push(c),
                Ok(_) => {}
                Err(e) => {
                    de.warn(
                        kn.span,
                        format!("{e}; `{name}` keeps its default keys"),
                        None,
                    );
                    bad = true;
                }
            }
        }
        if codes.is_empty() && !bad {
            de.warn(
                v.span,
                format!("`{name}` is given no key: it keeps its default keys"),
                None,
            );
            continue;
        }
        if bad || codes.is_empty() {
            continue;
        }
        out.0.push(keymap::Override {
            action,
            ctx,
            keys: codes,
            at: k.span.start as usize,
        });
    }
    out
}

/// Every setting with its default, commented: a file to start from.
pub fn defaults_text() -> String {
    let mut out = String::from(
        "// muster's settings. Keep only the lines you change; a line you remove takes the default.\n\
         // muster reads this file from $MUSTER_CONFIG, or <your config folder>/muster/config.ron.\n\
         (\n\
         \x20   // Colours: \"default\"; \"high-contrast\" (bright on black, everything that matters bold);\n\
         \x20   //   \"colour-blind\" (blue against orange, never red against green); \"none\" (no colour,\n\
         \x20   //   as NO_COLOR=1 gives). Every state also has its own mark, so no colour is needed to read it.\n\
         \x20   // theme: \"default\",\n\
         \n\
         \x20   // Keys: an action and the keys that do it (one character, or Enter, Esc, Tab, BackTab,\n\
         \x20   // Backspace, Delete, Insert, Up, Down, Left, Right, Home, End, PageUp, PageDown, Space,\n\
         \x20   // F1-F12). New keys replace the action's keys on every screen it is on; \"session.done\"\n\
         \x20   // changes one screen only. A key another action of a screen has is refused there, with a\n\
         \x20   // warning. Ctrl-C always quits; Ctrl-D and Ctrl-U page.\n\
         \x20   keys: {\n",
    );
    let map = Keymap::default();
    let mut seen: Vec<keymap::Action> = Vec::new();
    let keys = |b: &keymap::Binding| {
        b.keys
            .iter()
            .map(|k| format!("{:?}", keymap::names::key_config_name(*k)))
            .collect::<Vec<_>>()
            .join(", ")
    };
    for ctx in keymap::Context::ALL {
        for b in map.bindings(ctx) {
            if seen.contains(&b.action) {
                continue;
            }
            seen.push(b.action);
            // the action on every screen it is on
            let on: Vec<(keymap::Context, &keymap::Binding)> = keymap::Context::ALL
                .into_iter()
                .filter_map(|c| {
                    map.bindings(c)
                        .iter()
                        .find(|x| x.action == b.action)
                        .map(|x| (c, x))
                })
                .collect();
            if on.iter().all(|(_, x)| x.keys == b.keys) {
                out.push_str(&format!(
                    "        // {:<30} // {}\n",
                    format!("{:?}: [{}],", b.action.name(), keys(b)),
                    b.help
                ));
            } else {
                // different keys on different screens: one line a screen
                for (c, x) in on {
                    out.push_str(&format!(
                        "        // {:<30} // {}\n",
                        format!("\"{}.{}\": [{}],", c.name(), b.action.name(), keys(x)),
                        x.help
                    ));
                }
            }
        }
    }
    out.push_str("    },\n)\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::keymap::{Action, Context};
    use ratatui::crossterm::event::{KeyCode, KeyEvent};

    #[test]
    fn the_defaults_read_back_as_the_defaults_and_uncommented_they_still_do() {
        let text = defaults_text();
        let (s, d) = parse("config.ron", &text);
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(s, Settings::default());
        // every line uncommented: the same keys, given explicitly
        let open: String = text
            .lines()
            .map(|l| match l.trim_start().strip_prefix("// ") {
                Some(rest) if rest.starts_with('"') || rest.starts_with("theme") => {
                    rest.split(" // ").next().unwrap_or(rest).to_string()
                }
                _ => l.to_string(),
            })
            .collect::<Vec<_>>()
            .join("\n");
        let (s, d) = parse("config.ron", &open);
        assert!(d.is_empty(), "{d:?}\n{open}");
        assert_eq!(s.keymap, Keymap::default());
    }

    #[test]
    fn a_rebound_key_and_a_theme_take_effect() {
        let (s, d) = parse(
            "c.ron",
            "(theme: \"colour-blind\", keys: { \"done\": [\"Z\", \"F5\"] })",
        );
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(s.theme.palette.name, "colour-blind");
        assert_eq!(
            s.keymap
                .action_for(Context::Session, &KeyEvent::from(KeyCode::F(5))),
            Some(Action::StepDone)
        );
    }

    #[test]
    fn a_typo_is_a_located_warning_and_the_defaults_are_kept() {
        let (s, d) = parse(
            "c.ron",
            "(\n    theme: \"hihg-contrast\",\n    keys: { \"doen\": [\"D\"] },\n)\n",
        );
        assert_eq!(d.len(), 2, "{d:?}");
        assert!(d.iter().all(|x| x.severity == Severity::Warning));
        assert_eq!((d[0].line, d[0].col), (2, 12), "{}", d[0]);
        assert!(
            d[0].message.contains("did you mean `high-contrast`?"),
            "{}",
            d[0]
        );
        assert_eq!((d[1].line, d[1].col), (3, 13), "{}", d[1]);
        assert!(d[1].message.contains("did you mean `done`?"), "{}", d[1]);
        assert_eq!(s, Settings::default());
        // a file that is not RON at all: its place said, the defaults used
        let (s, d) = parse("c.ron", "(keys: {");
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(s, Settings::default());
    }
}
