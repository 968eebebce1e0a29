//! The only code that touches the terminal: set-up and restore, the event loop, signals.
//! The loop is generic over the backend and the event source, so tests drive it with a
//! `TestBackend` and a script of keys.

use super::app::App;
use super::view;
use super::world::World;
use crate::clock::Clock;
use ratatui::Terminal;
use ratatui::backend::Backend;
use ratatui::crossterm::event::{self, Event};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// Where terminal events come from.
pub trait EventSource {
    /// The next event, waiting at most `timeout`; `None` when nothing came.
    fn next(&mut self, timeout: Duration) -> std::io::Result<Option<Event>>;
    /// A scripted source ends; the terminal never does.
    fn finished(&self) -> bool {
        false
    }
}

pub struct TerminalEvents;

impl EventSource for TerminalEvents {
    fn next(&mut self, timeout: Duration) -> std::io::Result<Option<Event>> {
        if event::poll(timeout)? {
            event::read().map(Some)
        } else {
            Ok(None)
        }
    }
}

/// Runs until the app quits, the source ends or `stop` is raised (SIGTERM, SIGHUP).
pub fn run_loop<B: Backend, E: EventSource>(
    terminal: &mut Terminal<B>,
    events: &mut E,
    app: &mut App,
    world: &mut World,
    clock: &dyn Clock,
    stop: &AtomicBool,
) -> Result<(), String>
where
    B::Error: std::fmt::Display,
{
    loop {
        app.now = clock.now();
        if let Ok(size) = terminal.size() {
            app.area = (size.width, size.height);
        }
        terminal
            .draw(|f| view::render(app, f))
            .map_err(|e| format!("cannot draw: {e}"))?;
        if app.quit || stop.load(Ordering::Relaxed) || events.finished() {
            return Ok(());
        }
        match events
            .next(Duration::from_millis(200))
            .map_err(|e| format!("cannot read the terminal: {e}"))?
        {
            Some(Event::Key(k)) => {
                app.now = clock.now();
                let effects = app.on_key(k);
                world.run(app, effects);
            }
            Some(Event::Resize(_, _)) => {
                terminal
                    .autoresize()
                    .map_err(|e| format!("cannot resize: {e}"))?;
            }
            _ => {}
        }
        app.now = clock.now();
        world.tick(app);
    }
}

/// Runs the TUI on the real terminal, restoring it however the run ends.
pub fn run_terminal(app: &mut App, world: &mut World, clock: &dyn Clock) -> Result<(), String> {
    let stop = Arc::new(AtomicBool::new(false));
    for sig in [
        signal_hook::consts::SIGTERM,
        signal_hook::consts::SIGHUP,
        signal_hook::consts::SIGINT,
    ] {
        signal_hook::flag::register(sig, Arc::clone(&stop))
            .map_err(|e| format!("cannot watch signals: {e}"))?;
    }
    // installs a panic hook that restores the terminal before the panic message is printed
    let mut terminal =
        ratatui::try_init().map_err(|e| format!("cannot set up the terminal: {e}"))?;
    watchdog(Arc::clone(&stop));
    let result = run_loop(&mut terminal, &mut TerminalEvents, app, world, clock, &stop);
    let _ = ratatui::try_restore();
    result
}

/// Makes sure muster ends when asked to, or when its terminal goes away, even if the event loop
/// is stuck: when the terminal hangs up, crossterm's reader can spin on a closed input without
/// returning. On a signal or a hang-up the loop gets a second to finish on its own; then the
/// terminal is restored (as far as it still exists) and the process exits.
fn watchdog(stop: Arc<AtomicBool>) {
    std::thread::spawn(move || {
        let mut since: Option<std::time::Instant> = None;
        loop {
            std::thread::park_timeout(Duration::from_millis(250));
            if terminal_hung_up() {
                stop.store(true, Ordering::Relaxed);
            }
            if stop.load(Ordering::Relaxed) {
                let t = *since.get_or_insert_with(std::time::Instant::now);
                if t.elapsed() >= Duration::from_secs(1) {
                    let _ = ratatui::try_restore();
                    // nothing is lost: every recorded action is already in the journal
                    std::process::exit(130);
                }
            }
        }
    });
}

/// Whether the terminal on standard input has hung up (the SSH connection or the window closed).
fn terminal_hung_up() -> bool {
    let mut fds = libc::pollfd {
        fd: 0,
        events: libc::POLLIN,
        revents: 0,
    };
    // SAFETY: one valid pollfd, a zero timeout: poll only reports the descriptor's state.
    let n = unsafe { libc::poll(&mut fds, 1, 0) };
    n > 0 && fds.revents & (libc::POLLHUP | libc::POLLERR | libc::POLLNVAL) != 0
}
