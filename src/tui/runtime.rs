//! The only code that touches the terminal: set-up and restore, the event loop, signals. The
//! loop is generic over the backend, the event source and the store, so tests drive it with a
//! `TestBackend`, a script of keys and a store in memory.
//!
//! It draws only when something changed: a key, a paste, a result that changed the app, a resize,
//! or a displayed time ticking over. Idle, it writes nothing to the terminal.

use super::app::App;
use super::effects::{self, Store};
use super::msg::Msg;
use super::view;
use crate::clock::Clock;
use ratatui::Terminal;
use ratatui::backend::Backend;
use ratatui::crossterm::event::{self, Event};
use std::collections::VecDeque;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};
use std::time::Duration;

#[derive(Debug, thiserror::Error)]
pub enum TuiError {
    #[error("cannot use the terminal: {0}")]
    Terminal(#[from] std::io::Error),
    #[error("cannot draw: {0}")]
    Draw(String),
}

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

/// Hands a message to the app, runs the effects it asks for, and hands their results back
/// until nothing more comes. Returns how many messages besides the first were handled.
pub fn dispatch(app: &mut App, store: &mut dyn Store, msg: Msg) -> usize {
    let mut queue = VecDeque::from([msg]);
    let mut n = 0;
    while let Some(m) = queue.pop_front() {
        n += 1;
        for e in app.update(m) {
            queue.extend(effects::run(store, e));
        }
    }
    n - 1
}

/// Runs until the app quits, the source ends or `stop` is raised (SIGTERM, SIGHUP).
pub fn run_loop<B: Backend, E: EventSource>(
    terminal: &mut Terminal<B>,
    events: &mut E,
    app: &mut App,
    store: &mut dyn Store,
    clock: &dyn Clock,
    stop: &AtomicBool,
) -> Result<(), TuiError>
where
    B::Error: std::fmt::Display,
{
    let mut dirty = true;
    let mut drawn: Option<view::Signature> = None;
    loop {
        if dispatch(app, store, Msg::Tick(clock.now())) > 0 {
            dirty = true;
        }
        if let Ok(size) = terminal.size()
            && (size.width, size.height) != app.area
        {
            dispatch(app, store, Msg::Resize(size.width, size.height));
            dirty = true;
        }
        let sig = view::signature(app);
        if dirty || drawn != Some(sig) {
            terminal
                .draw(|f| view::render(app, f))
                .map_err(|e| TuiError::Draw(e.to_string()))?;
            drawn = Some(sig);
            dirty = false;
        }
        if app.quit || stop.load(Ordering::Relaxed) || events.finished() {
            return Ok(());
        }
        let msg = match events.next(Duration::from_millis(200))? {
            Some(Event::Key(k)) => Some(Msg::Key(k)),
            Some(Event::Paste(s)) => Some(Msg::Paste(s)),
            Some(Event::Resize(w, h)) => {
                terminal
                    .autoresize()
                    .map_err(|e| TuiError::Draw(e.to_string()))?;
                Some(Msg::Resize(w, h))
            }
            _ => None,
        };
        if let Some(m) = msg {
            dispatch(app, store, Msg::Tick(clock.now()));
            dispatch(app, store, m);
            dirty = true;
            // keys typed ahead (a slow link, a held key) are all taken before the next frame:
            // one frame for them all, not one each
            for _ in 0..64 {
                if app.quit {
                    break;
                }
                match events.next(Duration::ZERO)? {
                    Some(Event::Key(k)) => {
                        dispatch(app, store, Msg::Key(k));
                    }
                    Some(Event::Paste(s)) => {
                        dispatch(app, store, Msg::Paste(s));
                    }
                    Some(Event::Resize(w, h)) => {
                        terminal
                            .autoresize()
                            .map_err(|e| TuiError::Draw(e.to_string()))?;
                        dispatch(app, store, Msg::Resize(w, h));
                    }
                    Some(_) => {}
                    None => break,
                }
            }
        }
    }
}

/// Puts the terminal back as it was: bracketed paste off, cursor shown, main screen.
pub fn restore() {
    use ratatui::crossterm::{event::DisableBracketedPaste, execute};
    let _ = execute!(std::io::stdout(), DisableBracketedPaste);
    let _ = ratatui::try_restore();
}

/// The signal that stopped muster (0 for none), for the exit code: 128 + its number.
static STOPPED_BY: AtomicI32 = AtomicI32::new(0);

/// Runs the TUI on the real terminal, restoring it however the run ends. Returns the exit code.
pub fn run_terminal(
    app: &mut App,
    store: &mut dyn Store,
    clock: &dyn Clock,
) -> Result<i32, TuiError> {
    use ratatui::crossterm::{event::EnableBracketedPaste, execute};
    let stop = Arc::new(AtomicBool::new(false));
    for &sig in crate::platform::STOP_SIGNALS {
        let flag = Arc::clone(&stop);
        // SAFETY: the handler only stores into atomics, which is async-signal-safe.
        unsafe {
            signal_hook::low_level::register(sig, move || {
                STOPPED_BY.store(sig, Ordering::Relaxed);
                flag.store(true, Ordering::Relaxed);
            })
        }
        .map_err(TuiError::Terminal)?;
    }
    // restores the terminal before a panic message is printed
    let mut terminal = ratatui::try_init()?;
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore();
        hook(info);
    }));
    execute!(std::io::stdout(), EnableBracketedPaste)?;
    watchdog(Arc::clone(&stop));
    let result = run_loop(&mut terminal, &mut TerminalEvents, app, store, clock, &stop);
    restore();
    result.map(|()| exit_code())
}

/// 0 after a quit; 128 + the signal's number after a signal (143 for SIGTERM, 129 for SIGHUP).
fn exit_code() -> i32 {
    match STOPPED_BY.load(Ordering::Relaxed) {
        0 => 0,
        s => 128 + s,
    }
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
            if crate::platform::terminal_hung_up() {
                STOPPED_BY
                    .compare_exchange(
                        0,
                        crate::platform::HANG_UP,
                        Ordering::Relaxed,
                        Ordering::Relaxed,
                    )
                    .ok();
                stop.store(true, Ordering::Relaxed);
            }
            if stop.load(Ordering::Relaxed) {
                let t = *since.get_or_insert_with(std::time::Instant::now);
                if t.elapsed() >= Duration::from_secs(1) {
                    restore();
                    // nothing is lost: every recorded action is already in the journal
                    std::process::exit(match exit_code() {
                        0 => 130,
                        c => c,
                    });
                }
            }
        }
    });
}
