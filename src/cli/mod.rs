//! The command line: parse, resolve the context, hand off to one small module per command.

mod check;
mod exercise;
mod export;
mod index;
mod list;
mod show;
mod start;
mod status;
mod step;
pub mod table;

use crate::context::Context;
use crate::error::{Error, Result};
use clap::{Parser, Subcommand};
use std::io::Write;
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(name = "muster", version, about = "Offline continuity and recovery plans, and a durable log of who did which step, when.", long_about = None)]
pub struct Cli {
    /// The plan library folder (default: $MUSTER_LIBRARY, ./runbooks, or the built-in sample)
    #[arg(long, global = true, value_name = "DIR")]
    pub library: Option<PathBuf>,
    /// Where sessions are kept (default: $MUSTER_HOME or ~/.local/share/muster)
    #[arg(long, global = true, value_name = "DIR")]
    pub home: Option<PathBuf>,
    /// Who is acting (default: $MUSTER_AS or the login name)
    #[arg(long = "as", global = true, value_name = "NAME")]
    pub as_: Option<String>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check a library folder or single files; every problem as PATH:LINE:COL
    Check {
        /// Library folders or plan, scenario or index files (default: the library)
        paths: Vec<PathBuf>,
    },
    /// List the plans
    List {
        /// Print JSON for other tools
        #[arg(long)]
        json: bool,
    },
    /// Show one plan, readable and printable, with the people to call for each step
    Show {
        /// A plan id (`muster list` lists them)
        plan: String,
        /// Print JSON for other tools
        #[arg(long)]
        json: bool,
    },
    /// The Index of Disaster-Relevant Information, or its entries matching QUERY
    Index {
        /// Words to look for (forgiving of small typos)
        query: Vec<String>,
        /// Print JSON for other tools
        #[arg(long)]
        json: bool,
    },
    /// Start an incident session on plans (or an exercise with --exercise); prints its id
    Start {
        /// Plan ids (with --exercise, default: the scenario's plans)
        plans: Vec<String>,
        /// Run the exercise scenario SCENARIO instead of a real incident
        #[arg(long, value_name = "SCENARIO")]
        exercise: Option<String>,
        /// The session's title (default: the plan's title)
        #[arg(long)]
        title: Option<String>,
        /// When the disaster was declared (RFC 3339; default: now)
        #[arg(long, value_name = "RFC3339")]
        declared_at: Option<String>,
    },
    /// Add a plan to a running session
    Invoke { session: String, plan: String },
    /// The sessions under home
    Sessions {
        /// Print JSON for other tools
        #[arg(long)]
        json: bool,
    },
    /// Record an action on a step: start, done, skip, block, reopen, note, assign
    Step {
        /// The session id, or a unique start of it (`muster sessions` lists them)
        session: String,
        /// PLAN/STEP, or STEP where it is unique in the session
        step: String,
        /// start | done | skip | block | reopen | note | assign
        action: String,
        /// A note; required for skip, block, reopen and note
        /// A note for the journal: why, what you saw
        #[arg(long)]
        note: Option<String>,
        /// Who to assign the step to (for assign)
        #[arg(long)]
        to: Option<String>,
    },
    /// Take a decision on a decision step: OPTION is its number, label or next step
    Decide {
        /// The session id, or a unique start of it (`muster sessions` lists them)
        session: String,
        step: String,
        /// The option: its number, its label (or the start of it), or the step it leads to
        option: String,
        /// Why this option
        /// A note for the journal: why, what you saw
        #[arg(long)]
        note: Option<String>,
    },
    /// Hand over to another responder
    Handover {
        /// The session id, or a unique start of it (`muster sessions` lists them)
        session: String,
        /// Who takes over from you
        #[arg(long)]
        to: String,
        /// A note for the journal: why, what you saw
        #[arg(long)]
        note: Option<String>,
    },
    /// Add a note to the session (not tied to a step)
    Note { session: String, text: String },
    /// The state of every step
    Status {
        /// The session id, or a unique start of it (`muster sessions` lists them)
        session: String,
        /// Print JSON for other tools
        #[arg(long)]
        json: bool,
    },
    /// The timeline, oldest first
    Log { session: String },
    /// Check every journal file's format and hash chain
    Verify { session: String },
    /// Close the session
    Close {
        /// The session id, or a unique start of it (`muster sessions` lists them)
        session: String,
        /// A note for the journal: why, what you saw
        #[arg(long)]
        note: Option<String>,
    },
    /// The exercise scenarios
    Scenarios {
        /// Print JSON for other tools
        #[arg(long)]
        json: bool,
    },
    /// Release the next due inject of an exercise, or the named one (early), or skip it
    Inject {
        /// The session id, or a unique start of it (`muster sessions` lists them)
        session: String,
        /// The inject's id (default: the next one due)
        inject: Option<String>,
        /// Skip the inject instead of releasing it
        #[arg(long)]
        skip: bool,
    },
    /// Record an observation in an exercise
    Observe {
        /// The session id, or a unique start of it (`muster sessions` lists them)
        session: String,
        /// strength | improvement | defect
        #[arg(long)]
        kind: String,
        /// The step it is about (PLAN/STEP or STEP)
        #[arg(long)]
        step: Option<String>,
        /// The inject it is about
        #[arg(long)]
        inject: Option<String>,
        text: String,
    },
    /// Control the exercise clock: pause, resume, speed N, advance DURATION
    Clock {
        /// The session id, or a unique start of it (`muster sessions` lists them)
        session: String,
        /// pause | resume | speed | advance
        action: String,
        /// N for speed (1, 2, 5, 10...), a duration for advance (15m)
        value: Option<String>,
    },
    /// Rate an exercise objective: P, S, M or U
    Rate {
        /// The session id, or a unique start of it (`muster sessions` lists them)
        session: String,
        /// The objective's id (`muster scenarios` lists them)
        objective: String,
        /// P, S, M or U: performed without challenges, with some, with major challenges, unable to be performed
        rating: String,
        /// A note for the journal: why, what you saw
        #[arg(long)]
        note: Option<String>,
    },
    /// The post-incident review (incident) or after-action report (exercise), or the data
    Export {
        /// The session id, or a unique start of it (`muster sessions` lists them)
        session: String,
        /// md | html | json | csv
        #[arg(long)]
        format: String,
        /// Write to FILE instead of stdout
        #[arg(short = 'o', long = "output", value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// A paper copy of a plan (or of the index) with sign-off columns
    Print {
        plan: Option<String>,
        /// Print the index instead of a plan
        #[arg(long)]
        index: bool,
        /// md | html
        #[arg(long, default_value = "md")]
        format: String,
    },
    /// The IT Service Continuity Report over the library and the sessions
    Report {
        /// md | html
        #[arg(long, default_value = "md")]
        format: String,
    },
    /// Testing aid: appends COUNT notes, printing each event's id once it is durable
    #[command(hide = true, name = "append-notes")]
    AppendNotes {
        /// The session id, or a unique start of it (`muster sessions` lists them)
        session: String,
        #[arg(long, default_value_t = 1)]
        count: u64,
    },
}

/// Runs muster with the process's arguments; returns the exit code.
pub fn main() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = e.exit_code();
            let _ = e.print();
            return code;
        }
    };
    let ctx = Context::resolve(cli.library.clone(), cli.home.clone(), cli.as_.clone());
    match run(&ctx, cli.command) {
        Ok(out) => {
            emit(&out.stdout);
            out.code
        }
        Err(e) => {
            eprintln!("muster: error: {e}");
            e.exit_code()
        }
    }
}

/// What a command printed and how it ended.
#[derive(Debug, Default)]
pub struct Output {
    pub stdout: String,
    pub code: i32,
}

impl Output {
    pub fn ok(stdout: impl Into<String>) -> Output {
        Output {
            stdout: stdout.into(),
            code: 0,
        }
    }
}

/// Writes to stdout; a closed pipe (`muster list | head`) is not an error.
fn emit(s: &str) {
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(s.as_bytes()).and_then(|_| out.flush());
}

pub fn run(ctx: &Context, cmd: Option<Command>) -> Result<Output> {
    match cmd {
        None => crate::tui::run(ctx).map(|code| Output {
            stdout: String::new(),
            code,
        }),
        Some(Command::Check { paths }) => check::run(ctx, &paths),
        Some(Command::List { json }) => list::run(ctx, json),
        Some(Command::Show { plan, json }) => show::run(ctx, &plan, json),
        Some(Command::Index { query, json }) => index::run(ctx, &query.join(" "), json),
        Some(Command::Start {
            plans,
            exercise,
            title,
            declared_at,
        }) => start::start(
            ctx,
            &plans,
            exercise.as_deref(),
            title.as_deref(),
            declared_at.as_deref(),
        ),
        Some(Command::Invoke { session, plan }) => start::invoke(ctx, &session, &plan),
        Some(Command::Sessions { json }) => status::sessions(ctx, json),
        Some(Command::Step {
            session,
            step: s,
            action,
            note,
            to,
        }) => step::step(ctx, &session, &s, &action, note.as_deref(), to.as_deref()),
        Some(Command::Decide {
            session,
            step: s,
            option,
            note,
        }) => step::decide(ctx, &session, &s, &option, note.as_deref()),
        Some(Command::Handover { session, to, note }) => {
            step::handover(ctx, &session, &to, note.as_deref())
        }
        Some(Command::Note { session, text }) => step::note(ctx, &session, &text),
        Some(Command::Status { session, json }) => status::status(ctx, &session, json),
        Some(Command::Log { session }) => status::log(ctx, &session),
        Some(Command::Verify { session }) => status::verify(ctx, &session),
        Some(Command::Close { session, note }) => step::close(ctx, &session, note.as_deref()),
        Some(Command::Scenarios { json }) => exercise::scenarios(ctx, json),
        Some(Command::Inject {
            session,
            inject,
            skip,
        }) => exercise::inject(ctx, &session, inject.as_deref(), skip),
        Some(Command::Observe {
            session,
            kind,
            step,
            inject,
            text,
        }) => exercise::observe(
            ctx,
            &session,
            &kind,
            step.as_deref(),
            inject.as_deref(),
            &text,
        ),
        Some(Command::Clock {
            session,
            action,
            value,
        }) => exercise::clock(ctx, &session, &action, value.as_deref()),
        Some(Command::Rate {
            session,
            objective,
            rating,
            note,
        }) => exercise::rate(ctx, &session, &objective, &rating, note.as_deref()),
        Some(Command::Export {
            session,
            format,
            output,
        }) => export::export(ctx, &session, &format, output.as_deref()),
        Some(Command::Print {
            plan,
            index,
            format,
        }) => export::print(ctx, plan.as_deref(), index, &format),
        Some(Command::Report { format }) => export::report(ctx, &format),
        Some(Command::AppendNotes { session, count }) => step::append_notes(ctx, &session, count),
    }
}

/// Loads the library for a command that reads it; its problems are summarised on stderr so a
/// responder still gets what could be read.
pub(crate) fn library_for_reading(ctx: &Context) -> Result<crate::model::Library> {
    let lib = ctx.load_library()?;
    let errors = lib.errors();
    if errors > 0 {
        eprintln!(
            "muster: warning: the library {} has {errors} error(s); showing what could be read. Run `muster check` for details.",
            lib.origin
        );
    }
    Ok(lib)
}

pub(crate) fn to_json<T: serde::Serialize>(v: &T) -> String {
    let mut s =
        serde_json::to_string_pretty(v).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    s.push('\n');
    s
}

/// "the built-in sample library" or "the library in DIR".
pub(crate) fn library_label(lib: &crate::model::Library) -> String {
    match (lib.builtin, lib.origin == crate::library::BUILTIN_LABEL) {
        (true, true) => "the built-in sample library (set --library to use your own)".to_string(),
        (true, false) => format!("the {}", lib.label()),
        (false, _) => format!("the library in {}", lib.origin),
    }
}

/// Opens a session for a command, reporting unreadable lines and warnings on stderr.
pub(crate) fn open_session(
    ctx: &Context,
    lib: &crate::model::Library,
    id: &str,
) -> Result<crate::journal::store::Opened> {
    let o = crate::journal::store::open(&ctx.home, lib, id, ctx.now)?;
    for p in &o.problems {
        eprintln!("muster: {p}");
    }
    for w in &o.state.warnings {
        eprintln!("muster: warning: {w}");
    }
    Ok(o)
}

pub(crate) fn ensure_open(o: &crate::journal::store::Opened) -> Result<()> {
    match &o.state.closed {
        Some(c) => Err(Error::Invalid(format!(
            "session {} was closed by {} at {}: nothing more can be recorded in it",
            o.id,
            c.by,
            status::local(c.at)
        ))),
        None => Ok(()),
    }
}
