//! The responder's terminal UI: a thin skin over the domain and the journal. `update` (app.rs)
//! is the only code that changes the app; views are pure; effects do the I/O through a store.

mod actions;
pub mod app;
pub mod effects;
pub mod flow;
pub mod keymap;
pub mod memstore;
pub mod msg;
pub mod nav;
pub mod prompt;
pub mod runtime;
pub mod theme;
pub mod view;

use crate::cli::CliError;
use crate::context::Context;
use std::sync::Arc;

/// Opens the TUI on the library; returns the exit code.
pub fn run(ctx: &Context) -> Result<i32, CliError> {
    use std::io::IsTerminal;
    if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
        return Err(CliError::Usage("muster's terminal UI needs a terminal; for scripts, use the commands (`muster --help`)".into()));
    }
    let lib = Arc::new(ctx.load_library()?);
    let errors = lib.errors();
    let clock = crate::clock::from_env();
    // the responder's settings: a file that does not read is said, and the defaults used
    let (settings, problems) = crate::config::load();
    let mut app = app::App::new(
        Arc::clone(&lib),
        ctx.actor.clone(),
        ctx.actor_given.then(|| ctx.actor.clone()),
        clock.now(),
        if ctx.slow_link {
            theme::Theme::new(false)
        } else {
            settings.theme.or_no_colour()
        },
        ctx.zone,
    );
    app.keymap = Arc::new(settings.keymap);
    app.resume = crate::remember::last_session(&ctx.home);
    app.slow_link = ctx.slow_link;
    if errors > 0 {
        app.error(format!("The library has {errors} error(s): showing what could be read. Run `muster check` to see them."));
    } else if let Some(first) = problems.first() {
        let first = first.lines().next().unwrap_or_default().to_string();
        app.error(match problems.len() {
            1 => format!("Settings: {first}. `muster config` says more."),
            n => format!(
                "Settings: {first}, and {} more. `muster config` says more.",
                n - 1
            ),
        });
    }
    let mut store = effects::FsStore::new(ctx.home.clone(), ctx.writer.clone(), lib);
    runtime::run_terminal(&mut app, &mut store, clock.as_ref())
        .map_err(|e| CliError::Invalid(e.to_string()))
}
