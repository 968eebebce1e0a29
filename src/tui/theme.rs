//! Styles. With `NO_COLOR` set, no colour is used: states stay readable by their marks, and
//! emphasis by bold and reverse video.

use crate::domain::session::StepStatus;
use crate::domain::session::rto::RtoLevel;
use ratatui::style::{Color, Modifier, Style};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    pub color: bool,
}

impl Theme {
    pub fn from_env() -> Theme {
        Theme {
            color: std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
        }
    }

    fn fg(&self, c: Color) -> Style {
        if self.color {
            Style::new().fg(c)
        } else {
            Style::new()
        }
    }

    pub fn text(&self) -> Style {
        Style::new()
    }
    pub fn dim(&self) -> Style {
        if self.color {
            Style::new().fg(Color::DarkGray)
        } else {
            Style::new()
        }
    }
    pub fn title(&self) -> Style {
        Style::new().add_modifier(Modifier::BOLD)
    }
    pub fn heading(&self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }
    pub fn selected(&self) -> Style {
        Style::new().add_modifier(Modifier::REVERSED)
    }
    pub fn key(&self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }
    pub fn code(&self) -> Style {
        self.fg(Color::LightYellow)
    }
    pub fn border(&self) -> Style {
        self.dim()
    }
    pub fn focus_border(&self) -> Style {
        self.fg(Color::Cyan)
    }
    pub fn status_bar(&self) -> Style {
        if self.color {
            Style::new().bg(Color::Blue).fg(Color::White)
        } else {
            Style::new().add_modifier(Modifier::REVERSED)
        }
    }
    /// EXERCISE must be unmistakable.
    pub fn exercise(&self) -> Style {
        if self.color {
            Style::new()
                .bg(Color::Yellow)
                .fg(Color::Black)
                .add_modifier(Modifier::BOLD)
        } else {
            Style::new().add_modifier(Modifier::BOLD | Modifier::REVERSED)
        }
    }
    pub fn incident(&self) -> Style {
        if self.color {
            Style::new()
                .bg(Color::Red)
                .fg(Color::White)
                .add_modifier(Modifier::BOLD)
        } else {
            Style::new().add_modifier(Modifier::BOLD | Modifier::REVERSED)
        }
    }
    pub fn error_banner(&self) -> Style {
        if self.color {
            Style::new()
                .bg(Color::Red)
                .fg(Color::White)
                .add_modifier(Modifier::BOLD)
        } else {
            Style::new().add_modifier(Modifier::BOLD | Modifier::REVERSED)
        }
    }
    pub fn info_banner(&self) -> Style {
        if self.color {
            Style::new().bg(Color::Green).fg(Color::Black)
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
            StepStatus::Active => self.fg(Color::Cyan).add_modifier(Modifier::BOLD),
            StepStatus::Done => self.fg(Color::Green),
            StepStatus::Skipped => self.dim(),
            StepStatus::Blocked => self.fg(Color::Red).add_modifier(Modifier::BOLD),
        }
    }
    pub fn rto(&self, level: RtoLevel) -> Style {
        match level {
            RtoLevel::Ok => self.fg(Color::Green),
            RtoLevel::Amber => self.fg(Color::Yellow).add_modifier(Modifier::BOLD),
            RtoLevel::Missed => self.fg(Color::Red).add_modifier(Modifier::BOLD),
        }
    }
    pub fn warn(&self) -> Style {
        self.fg(Color::Yellow)
    }
}
