//! Styles. With `NO_COLOR` set, no colour is used: states stay readable by their marks, and
//! emphasis by bold and reverse video.

use crate::domain::session::StepStatus;
use crate::domain::session::rto::RtoLevel;
use ratatui::style::{Color, Modifier, Style};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    pub color: bool,
    pub palette: Palette,
}

/// The colours of a theme, by what they say.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Palette {
    pub name: &'static str,
    /// Headings, keys, a step in progress.
    pub accent: Color,
    /// Done, met, in time.
    pub good: Color,
    /// Late soon, an inject, a warning.
    pub warn: Color,
    /// Blocked, missed, an error.
    pub bad: Color,
    pub dim: Color,
    pub code: Color,
    pub bar_bg: Color,
    pub bar_fg: Color,
    /// Text on the `bad` colour (a banner).
    pub on_bad: Color,
    /// Everything bold: for a dim screen or tired eyes.
    pub bold: bool,
}

/// The themes a configuration can name.
pub const PALETTES: [Palette; 3] = [
    Palette {
        name: "default",
        accent: Color::Cyan,
        good: Color::Green,
        warn: Color::Yellow,
        bad: Color::Red,
        dim: Color::DarkGray,
        code: Color::LightYellow,
        bar_bg: Color::Blue,
        bar_fg: Color::White,
        on_bad: Color::White,
        bold: false,
    },
    // bright colours on black, nothing dark grey, everything that matters bold
    Palette {
        name: "high-contrast",
        accent: Color::LightCyan,
        good: Color::LightGreen,
        warn: Color::LightYellow,
        bad: Color::LightRed,
        dim: Color::Gray,
        code: Color::White,
        bar_bg: Color::Black,
        bar_fg: Color::White,
        on_bad: Color::Black,
        bold: true,
    },
    // blue against orange (Okabe and Ito), never red against green; states keep their marks
    Palette {
        name: "colour-blind",
        accent: Color::Indexed(39),
        good: Color::Indexed(33),
        warn: Color::Indexed(220),
        bad: Color::Indexed(208),
        dim: Color::Indexed(245),
        code: Color::Indexed(229),
        bar_bg: Color::Indexed(24),
        bar_fg: Color::White,
        on_bad: Color::Black,
        bold: false,
    },
];

impl Default for Theme {
    fn default() -> Theme {
        Theme::new(true)
    }
}

impl Theme {
    /// The default palette, in colour or not.
    pub fn new(color: bool) -> Theme {
        Theme {
            color,
            palette: PALETTES[0],
        }
    }

    /// A theme by its name in a configuration: `default`, `high-contrast`, `colour-blind`
    /// (`color-blind` reads too), or `none` for no colour.
    pub fn named(name: &str) -> Option<Theme> {
        let n = name.trim().to_ascii_lowercase().replace("color", "colour");
        if matches!(n.as_str(), "none" | "no-colour" | "monochrome") {
            return Some(Theme::new(false));
        }
        PALETTES.iter().find(|p| p.name == n).map(|&palette| Theme {
            color: true,
            palette,
        })
    }

    pub fn from_env() -> Theme {
        Theme::new(std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()))
    }

    /// With `NO_COLOR` set, no colour whatever the theme.
    pub fn or_no_colour(self) -> Theme {
        match std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()) {
            true => Theme {
                color: false,
                ..self
            },
            false => self,
        }
    }

    fn fg(&self, c: Color) -> Style {
        if self.color {
            let s = Style::new().fg(c);
            if self.palette.bold {
                s.add_modifier(Modifier::BOLD)
            } else {
                s
            }
        } else {
            Style::new()
        }
    }

    pub fn text(&self) -> Style {
        Style::new()
    }
    pub fn dim(&self) -> Style {
        if self.color {
            Style::new().fg(self.palette.dim)
        } else {
            Style::new()
        }
    }
    pub fn title(&self) -> Style {
        Style::new().add_modifier(Modifier::BOLD)
    }
    pub fn heading(&self) -> Style {
        self.fg(self.palette.accent).add_modifier(Modifier::BOLD)
    }
    pub fn selected(&self) -> Style {
        Style::new().add_modifier(Modifier::REVERSED)
    }
    pub fn key(&self) -> Style {
        self.fg(self.palette.accent).add_modifier(Modifier::BOLD)
    }
    pub fn code(&self) -> Style {
        self.fg(self.palette.code)
    }
    pub fn border(&self) -> Style {
        self.dim()
    }
    pub fn focus_border(&self) -> Style {
        self.fg(self.palette.accent)
    }
    pub fn status_bar(&self) -> Style {
        if self.color {
            Style::new().bg(self.palette.bar_bg).fg(self.palette.bar_fg)
        } else {
            Style::new().add_modifier(Modifier::REVERSED)
        }
    }
    /// EXERCISE must be unmistakable.
    pub fn exercise(&self) -> Style {
        if self.color {
            Style::new()
                .bg(self.palette.warn)
                .fg(Color::Black)
                .add_modifier(Modifier::BOLD)
        } else {
            Style::new().add_modifier(Modifier::BOLD | Modifier::REVERSED)
        }
    }
    pub fn incident(&self) -> Style {
        if self.color {
            Style::new()
                .bg(self.palette.bad)
                .fg(self.palette.on_bad)
                .add_modifier(Modifier::BOLD)
        } else {
            Style::new().add_modifier(Modifier::BOLD | Modifier::REVERSED)
        }
    }
    pub fn error_banner(&self) -> Style {
        if self.color {
            Style::new()
                .bg(self.palette.bad)
                .fg(self.palette.on_bad)
                .add_modifier(Modifier::BOLD)
        } else {
            Style::new().add_modifier(Modifier::BOLD | Modifier::REVERSED)
        }
    }
    pub fn info_banner(&self) -> Style {
        if self.color {
            Style::new().bg(self.palette.good).fg(Color::Black)
        } else {
            Style::new().add_modifier(Modifier::BOLD)
        }
    }
    pub fn inject_banner(&self) -> Style {
        self.exercise()
    }
    pub fn state(&self, s: StepStatus) -> Style {
        match s {
            StepStatus::Pending => Style::new(),
            StepStatus::Active => self.fg(self.palette.accent).add_modifier(Modifier::BOLD),
            StepStatus::Done => self.fg(self.palette.good),
            StepStatus::Skipped => self.dim(),
            StepStatus::Blocked => self.fg(self.palette.bad).add_modifier(Modifier::BOLD),
        }
    }
    pub fn rto(&self, level: RtoLevel) -> Style {
        match level {
            RtoLevel::Ok => self.fg(self.palette.good),
            RtoLevel::Amber => self.fg(self.palette.warn).add_modifier(Modifier::BOLD),
            RtoLevel::Missed => self.fg(self.palette.bad).add_modifier(Modifier::BOLD),
        }
    }
    pub fn warn(&self) -> Style {
        self.fg(self.palette.warn)
    }
}
