//! The responder's terminal UI: a thin skin over the library and the journal.

pub mod app;
pub mod keymap;
pub mod runtime;
pub mod theme;
pub mod view;
pub mod world;

use crate::context::Context;
use crate::error::{Error, Result};

/// Opens the TUI on the library; returns the exit code.
pub fn run(ctx: &Context) -> Result<i32> {
    use std::io::IsTerminal;
    if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
        return Err(Error::Usage("muster's terminal UI needs a terminal; for scripts, use the commands (`muster --help`)".into()));
    }
    let lib = ctx.load_library()?;
    let errors = lib.errors();
    let clock = crate::clock::from_env();
    let mut app = app::App::new(
        lib,
        ctx.actor.clone(),
        clock.now(),
        theme::Theme::from_env(),
    );
    if errors > 0 {
        app.error(format!("The library has {errors} error(s): showing what could be read. Run `muster check` to see them."));
    }
    let mut world = world::World::new(ctx.home.clone(), ctx.writer.clone());
    runtime::run_terminal(&mut app, &mut world, clock.as_ref()).map_err(Error::Io)?;
    Ok(0)
}
