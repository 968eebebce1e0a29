//! The command line: parse, resolve the context, hand off to one small module per command. A
//! command that changes a session parses its arguments into a domain `Command`, checks it at the
//! gate, appends, and prints what it recorded (`write.rs`).

/// A line on stderr. Unlike `eprintln!`, it never panics when stderr cannot be written (a full
/// disk behind a redirect, a closed terminal): the exit code still says what happened.
macro_rules! say {
    ($($t:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($t)*);
    }};
}

pub mod actions;
mod check;
pub mod error;
mod export;
mod history;
mod impact;
mod import;
mod index;
mod init;
mod list;
mod redlines;
mod run;
mod show;
mod status;
mod sync;
pub mod table;
mod transcribe;
pub mod write;

pub use error::CliError;
pub use show::who_to_call;

use crate::context::Context;
use crate::domain::Library;
use clap::{Parser, Subcommand};
use std::io::Write;
use std::path::PathBuf;

pub type Result<T, E = CliError> = std::result::Result<T, E>;

const SESSION: &str = "The session: its id, a unique start of it, or words of its title (`muster sessions` lists them)";
const STEP: &str = "The step: PLAN/STEP, STEP where it is unique in the session, or its number as shown (13, or 2.13 for the second plan)";
const JSON: &str = "Print JSON for other tools";

const AFTER_HELP: &str = "\
With no command, muster opens its terminal UI on the plan library.

Environment:
  MUSTER_LIBRARY  the plan library folder (like --library)
  MUSTER_HOME     where sessions are kept (like --home)
  MUSTER_AS       who is acting (like --as)
  MUSTER_WRITER   which journal file this process appends to (default: this machine and login)
  NO_COLOR        no colours in the terminal UI

Exit codes: 0 success; 1 the input or the session's state is wrong (an invalid plan, an unknown
session or step, a failed verification, an action not allowed now); 2 a usage error; 3 a file
could not be read or written (disk full, permission denied).";

#[derive(Debug, Parser)]
#[command(
    name = "muster",
    version,
    about = "Offline continuity and recovery plans, and a durable log of who did which step, when.",
    after_help = AFTER_HELP
)]
pub struct Cli {
    /// The plan library folder (default: $MUSTER_LIBRARY, ./runbooks, or the built-in sample)
    #[arg(long, global = true, value_name = "DIR")]
    pub library: Option<PathBuf>,
    /// Where sessions are kept (default: $MUSTER_HOME or ~/.local/share/muster)
    #[arg(long, global = true, value_name = "DIR")]
    pub home: Option<PathBuf>,
    /// Who is acting (default: $MUSTER_AS or the login name)
    #[arg(
        long = "as",
        global = true,
        value_name = "NAME",
        allow_hyphen_values = true
    )]
    pub as_: Option<String>,
    /// Record on NAME's behalf: the events say NAME did it, recorded by the one acting (a
    /// scribe for the commander)
    #[arg(
        long = "for",
        global = true,
        value_name = "NAME",
        allow_hyphen_values = true
    )]
    pub for_: Option<String>,
    /// The plain line mode: commands from stdin, short lines out, no escape sequences (for
    /// serial consoles, screen readers, slow links). Also when TERM=dumb or stdout is not a
    /// terminal.
    #[arg(long)]
    pub plain: bool,
    /// For a slow link (a serial console, a satellite phone): no colours, so each change sends
    /// fewer bytes
    #[arg(long, global = true)]
    pub slow_link: bool,
    /// In plain mode, the session to follow (default: the open one you worked in last)
    #[arg(long, value_name = "SESSION")]
    pub session: Option<String>,
    #[command(subcommand)]
    pub command: Option<Sub>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum StepAction {
    Start,
    Done,
    Skip,
    Block,
    Reopen,
    Note,
    Assign,
    /// A validation step's outcome
    Pass,
    Fail,
    NotTested,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ClockAction {
    Pause,
    Resume,
    Speed,
    Advance,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ObserveKind {
    Strength,
    Improvement,
    Defect,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportFormat {
    Md,
    Html,
    Json,
    Csv,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DocFormat {
    Md,
    Html,
}

#[derive(Debug, Subcommand)]
pub enum Sub {
    /// Check a library folder or single files; every problem as PATH:LINE:COL
    Check {
        /// Library folders, or plan, scenario or index files (default: the library)
        paths: Vec<PathBuf>,
        /// Also warn, plan by plan, about the elements this standard expects of a plan and the
        /// plan lacks (docs/STANDARDS.md)
        #[arg(long, value_enum, value_name = "STANDARD")]
        standard: Option<check::StandardArg>,
    },
    /// Start a new library folder: an index and one plan to edit, or a copy of the sample
    Init {
        /// The folder to create (it may exist, but none of the files may)
        dir: PathBuf,
        /// Copy the built-in sample library instead of the minimal skeleton
        #[arg(long)]
        sample: bool,
    },
    /// Draft a library from Markdown runbooks: plans, and index entries for the contacts found
    Import {
        /// Markdown files (runbooks, DR plans, playbooks)
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// The folder to write the draft library into (new, or without these files)
        #[arg(short = 'o', long = "out", value_name = "DIR")]
        out: PathBuf,
        /// Print where each heading of the sources went
        #[arg(long)]
        report: bool,
    },
    /// List the plans
    List {
        #[arg(long, help = JSON)]
        json: bool,
    },
    /// Show one plan, readable and printable, with the people to call for each step
    Show {
        /// A plan id (`muster list` lists them)
        plan: String,
        #[arg(long, help = JSON)]
        json: bool,
        /// The step-level difference between the version this session ran and the library's
        #[arg(long, value_name = "SESSION")]
        changes_since: Option<String>,
    },
    /// The Index of Disaster-Relevant Information, or its entries matching QUERY
    Index {
        /// Words to look for (forgiving of small typos)
        query: Vec<String>,
        #[arg(long, help = JSON)]
        json: bool,
    },
    /// What losing a site, a service or a vendor takes down: the services (directly or through
    /// what they depend on), the vital business functions, the plans to invoke, and the order to
    /// bring services back
    Impact {
        /// What is lost
        #[arg(value_enum)]
        kind: impact::LostKind,
        /// Its id in the index (`muster index` lists them)
        id: String,
        #[arg(long, help = JSON)]
        json: bool,
    },
    /// The library's whole recovery order, tier by tier: dependencies first, then the earliest
    /// deadline
    Order {
        #[arg(long, help = JSON)]
        json: bool,
    },
    /// The risk register (risks.ron), highest score first
    Risks {
        #[arg(long, help = JSON)]
        json: bool,
    },
    /// The dependency picture: vital business functions -> services -> the services, sites
    /// and vendors they depend on
    Graph {
        /// text (80 columns), dot (Graphviz) or mermaid
        #[arg(long, value_enum, default_value = "text")]
        format: impact::GraphFormat,
    },
    /// The exercise scenarios
    Scenarios {
        #[arg(long, help = JSON)]
        json: bool,
    },
    /// Start an incident session on plans (or an exercise with --exercise); prints its id
    Start {
        /// Plan ids (with --exercise, the scenario's plans are always included)
        plans: Vec<String>,
        /// Run the exercise scenario SCENARIO instead of a real incident
        #[arg(long, value_name = "SCENARIO")]
        exercise: Option<String>,
        /// The session's title (default: the plans' titles, or the scenario's)
        #[arg(long, allow_hyphen_values = true)]
        title: Option<String>,
        /// When the disaster was declared: RFC 3339, or local time as 2026-11-21 03:10 (default: now)
        #[arg(long, value_name = "TIME")]
        declared_at: Option<String>,
        /// A value for a plan's parameter, as NAME=VALUE (repeatable; `muster show PLAN` lists them)
        #[arg(long = "param", value_name = "NAME=VALUE", allow_hyphen_values = true)]
        params: Vec<String>,
        /// Exercises: who controls the clock and the injects and rates the objectives
        /// (repeatable; none named: anyone may)
        #[arg(
            long = "facilitator",
            visible_alias = "controller",
            value_name = "NAME",
            requires = "exercise"
        )]
        facilitators: Vec<String>,
        /// Exercises: who rates the objectives and sees the injects ahead and their expected
        /// actions, without running the clock or the injects (repeatable)
        #[arg(long = "evaluator", value_name = "NAME", requires = "exercise")]
        evaluators: Vec<String>,
    },
    /// Add a plan to a running session
    Invoke {
        #[arg(help = SESSION)]
        session: String,
        /// The plan's id (`muster list` lists them)
        plan: String,
        /// A value for a plan's parameter, as NAME=VALUE (repeatable; `muster show PLAN` lists them)
        #[arg(long = "param", value_name = "NAME=VALUE", allow_hyphen_values = true)]
        params: Vec<String>,
    },
    /// Shell completions for muster, printed (install: see the README)
    Completions {
        /// The shell
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// muster's manual page in roff, printed (install: muster man > ~/.local/share/man/man1/muster.1)
    Man,
    /// The sessions under home
    Sessions {
        #[arg(long, help = JSON)]
        json: bool,
    },
    /// Record an action on a step: start, done, skip, block, reopen, note, assign
    Step {
        #[arg(help = SESSION)]
        session: String,
        #[arg(help = STEP)]
        step: String,
        /// What to record
        #[arg(value_enum)]
        action: StepAction,
        /// The note: required for skip, block and reopen (why) and for note (its text)
        #[arg(long, allow_hyphen_values = true)]
        note: Option<String>,
        /// Who to assign the step to (assign only)
        #[arg(long, value_name = "NAME", allow_hyphen_values = true)]
        to: Option<String>,
        /// Start or finish it although the steps it comes after are not finished
        #[arg(long)]
        anyway: bool,
    },
    /// Take a decision on a decision step
    Decide {
        #[arg(help = SESSION)]
        session: String,
        #[arg(help = STEP)]
        step: String,
        /// The option: its number, its label (or the start of it), or the step it leads to
        option: String,
        /// Why this option
        #[arg(long, allow_hyphen_values = true)]
        note: Option<String>,
        /// Decide although the steps it comes after are not finished
        #[arg(long)]
        anyway: bool,
        /// A value for a parameter of a plan the option brings in, as NAME=VALUE (repeatable; `muster show PLAN` lists them)
        #[arg(long = "param", value_name = "NAME=VALUE", allow_hyphen_values = true)]
        params: Vec<String>,
    },
    /// Undo your last action on a step (recorded as a reopen, never an edit)
    Undo {
        #[arg(help = SESSION)]
        session: String,
    },
    /// Hand over to another responder
    Handover {
        #[arg(help = SESSION)]
        session: String,
        /// Who takes over from you
        #[arg(long, value_name = "NAME", allow_hyphen_values = true)]
        to: String,
        /// What they need to know
        #[arg(long, allow_hyphen_values = true)]
        note: Option<String>,
        #[arg(long, help = JSON)]
        json: bool,
    },
    /// Propose a change to a step of the plan ("redline"), for its author; or, with --accept or
    /// --reject, decide on one (STEP is then the redline's label, R1)
    Redline {
        #[arg(help = SESSION)]
        session: String,
        #[arg(help = STEP)]
        step: String,
        /// What the plan should say
        #[arg(long, allow_hyphen_values = true)]
        text: Option<String>,
        /// What it proposes
        #[arg(long, value_parser = ["change", "add-after", "remove", "contact"])]
        kind: Option<String>,
        /// Accept the redline named (R1)
        #[arg(long)]
        accept: bool,
        /// Reject the redline named (R1)
        #[arg(long)]
        reject: bool,
        /// Why (with --accept or --reject)
        #[arg(long, allow_hyphen_values = true)]
        note: Option<String>,
    },
    /// The redlines proposed in every session (open ones; --all for decided ones too); --draft
    /// writes PLAN.proposed.ron beside the plan with each one as a todo of its step
    Redlines {
        /// Only this plan's
        plan: Option<String>,
        #[arg(long, help = JSON)]
        json: bool,
        /// Write <plan>.proposed.ron beside the plan's file (never over one)
        #[arg(long)]
        draft: bool,
        /// Accepted and rejected ones too
        #[arg(long)]
        all: bool,
    },
    /// Planned against actual across every run of a plan: per step its runs, estimate, median
    /// and 90th percentile of the actual minutes, how often late, skipped or blocked
    History {
        /// A plan id
        plan: String,
        #[arg(long, help = JSON)]
        json: bool,
    },
    /// Record a phone call and what it gave; for a role, the next person in its escalation
    /// order is the one called (the person on call, its people, then their deputies)
    Call {
        #[arg(help = SESSION)]
        session: String,
        /// A person (their id in the index, or their name) or a role (then its next person)
        #[arg(allow_hyphen_values = true)]
        who: String,
        /// What the call gave
        #[arg(long, value_name = "RESULT", value_parser = ["reached", "no-answer", "voicemail", "busy"])]
        result: String,
        /// What was said, when to call back
        #[arg(long, allow_hyphen_values = true)]
        note: Option<String>,
        /// The step the call is about
        #[arg(long, help = STEP)]
        step: Option<String>,
    },
    /// Your settings (theme, keys): where the file is and whether it reads; --defaults prints
    /// every setting, commented, to start a file from
    Config {
        /// Print every setting with its default, commented
        #[arg(long)]
        defaults: bool,
    },
    /// Type in the paper log: one entry a line, `[DATE] HH:MM WHO ACTION STEP [NOTE...]` (ACTION
    /// start, done, skip, block, reopen or note; STEP as the paper copy numbers it, plan/4, or
    /// its id; # starts a comment). Nothing is recorded unless every line reads
    Transcribe {
        #[arg(help = SESSION)]
        session: String,
        /// The file of entries, or - for standard input
        #[arg(allow_hyphen_values = true)]
        file: String,
    },
    /// Run a step's command, after showing it and asking (y on standard input): journaled with
    /// its exit status, duration and output's hash, the output kept beside the journal
    Run {
        #[arg(help = SESSION)]
        session: String,
        #[arg(help = STEP)]
        step: String,
        /// Which of the step's commands (from 1; default: each in turn, each asked for)
        #[arg(long = "command", value_name = "N")]
        command: Option<usize>,
        /// Stop it after this long (default 5m)
        #[arg(long, value_name = "DURATION")]
        timeout: Option<String>,
    },
    /// Add a note to the session (not tied to a step)
    Note {
        #[arg(help = SESSION)]
        session: String,
        /// The note's text
        #[arg(allow_hyphen_values = true)]
        text: String,
    },
    /// The state of every step
    Status {
        #[arg(help = SESSION)]
        session: String,
        #[arg(long, help = JSON)]
        json: bool,
    },
    /// The timeline, oldest first
    Log {
        #[arg(help = SESSION)]
        session: String,
    },
    /// This home's signing key: the fingerprint to compare with what `muster verify` and the
    /// exports list for this machine's writer (read it out over the phone), made if needed
    Key {
        #[arg(long, help = JSON)]
        json: bool,
    },
    /// Check every journal file's format, hash chain and signatures, and what each writer saw of
    /// the others
    Verify {
        #[arg(help = SESSION)]
        session: String,
        /// Also prove that the journal still holds everything this seal (from `muster seal`)
        /// covered; case, spaces and dashes do not matter
        #[arg(long, value_name = "DIGEST")]
        seal: Option<String>,
    },
    /// Exchange this home's sessions with a git repository (a path or URL; a bare repository on
    /// a USB stick or a server that survived): push them, pull the others'. Without REMOTE, the
    /// last one used. Nothing changes when it cannot be reached
    Sync {
        /// The repository: a path (`/media/usb/muster.git`) or a git URL; make one with
        /// `git init --bare PATH`
        remote: Option<String>,
    },
    /// Merge a copied session folder (from another site, by hand) into this home
    Merge {
        /// The session's folder, as it was under another home's sessions/
        dir: PathBuf,
    },
    /// Seal the journal: print a short digest of every writer's chain head, to write down
    /// outside it (a ticket, an e-mail, the paper log); `muster verify S --seal DIGEST` proves
    /// later that nothing it covered was removed
    Seal {
        #[arg(help = SESSION)]
        session: String,
    },
    /// Close the session
    Close {
        #[arg(help = SESSION)]
        session: String,
        /// A closing note
        #[arg(long, allow_hyphen_values = true)]
        note: Option<String>,
    },
    /// Set or correct when the disaster was declared (RTOs and deadlines count from it)
    Declared {
        #[arg(help = SESSION)]
        session: String,
        /// When: RFC 3339, or local time as 2026-11-21 03:10 or 03:10 (today)
        #[arg(value_name = "TIME")]
        at: String,
        /// Why it changes
        #[arg(long, allow_hyphen_values = true)]
        note: Option<String>,
    },
    /// Release the next due inject of an exercise, or the named one (early), or skip it
    Inject {
        #[arg(help = SESSION)]
        session: String,
        /// The inject's id (default: the next one due)
        inject: Option<String>,
        /// Skip the inject instead of releasing it
        #[arg(long)]
        skip: bool,
        /// Why it is skipped
        #[arg(long, allow_hyphen_values = true, requires = "skip")]
        note: Option<String>,
    },
    /// Record an observation in an exercise
    Observe {
        #[arg(help = SESSION)]
        session: String,
        /// What kind of observation
        #[arg(long, value_enum)]
        kind: ObserveKind,
        /// The step it is about
        #[arg(long, value_name = "STEP")]
        step: Option<String>,
        /// The inject it is about
        #[arg(long, value_name = "INJECT")]
        inject: Option<String>,
        /// The exercise objective it bears on (`muster scenarios` lists them)
        #[arg(long, value_name = "OBJECTIVE")]
        objective: Option<String>,
        /// What was observed
        #[arg(allow_hyphen_values = true)]
        text: String,
    },
    /// Control the exercise clock: pause, resume, speed N (1 to 60), advance DURATION (15m, 1h)
    Clock {
        #[arg(help = SESSION)]
        session: String,
        /// What to do with the clock
        #[arg(value_enum)]
        action: ClockAction,
        /// N for speed, a duration for advance
        value: Option<String>,
    },
    /// Rate an exercise objective: P, S, M or U
    Rate {
        #[arg(help = SESSION)]
        session: String,
        /// The objective's id (`muster scenarios` lists them)
        objective: String,
        /// P, S, M or U: performed without challenges, with some, with major challenges, unable to be performed
        rating: String,
        /// Why this rating
        #[arg(long, allow_hyphen_values = true)]
        note: Option<String>,
    },
    /// Correct or withdraw an observation of an exercise
    Observation {
        #[command(subcommand)]
        cmd: actions::ObservationSub,
    },
    /// Raise, update, close or reopen an improvement action of a session
    Action {
        #[command(subcommand)]
        cmd: actions::ActionSub,
    },
    /// The improvement actions of every session, overdue first
    Actions {
        #[arg(long, help = JSON, conflicts_with = "csv")]
        json: bool,
        /// Print CSV, for a spreadsheet
        #[arg(long)]
        csv: bool,
        /// With --csv: begin with a byte order mark, so a spreadsheet reads it as UTF-8
        #[arg(long, requires = "csv")]
        bom: bool,
        /// Only the open ones
        #[arg(long)]
        open: bool,
    },
    /// The post-incident review (incident) or after-action report (exercise), or the data
    Export {
        #[arg(help = SESSION)]
        session: String,
        /// The format
        #[arg(long, value_enum)]
        format: ExportFormat,
        /// Write to FILE instead of stdout
        #[arg(short = 'o', long = "output", value_name = "FILE")]
        output: Option<PathBuf>,
        /// CSV only: begin with a byte order mark, so a spreadsheet reads the file as UTF-8
        #[arg(long)]
        bom: bool,
        /// HTML only: large print, for paper read in a dark room
        #[arg(long)]
        large_print: bool,
    },
    /// A paper copy of a plan (or of the index) with sign-off columns
    Print {
        /// The plan's id
        plan: Option<String>,
        /// Print the index instead of a plan
        #[arg(long)]
        index: bool,
        /// The format
        #[arg(long, value_enum, default_value = "md")]
        format: DocFormat,
        /// HTML only: large print, for paper read in a dark room
        #[arg(long)]
        large_print: bool,
        /// Write to FILE instead of stdout (whole, or not at all)
        #[arg(short = 'o', long = "output", value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// The IT Service Continuity Report over the library and the sessions
    Report {
        /// The format
        #[arg(long, value_enum, default_value = "md")]
        format: DocFormat,
        /// HTML only: large print
        #[arg(long)]
        large_print: bool,
        /// Write to FILE instead of stdout (whole, or not at all)
        #[arg(short = 'o', long = "output", value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Testing aid: appends COUNT notes, printing each event's id once it is durable
    #[command(hide = true, name = "append-notes")]
    AppendNotes {
        #[arg(help = SESSION)]
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
            // help and usage errors echo what was typed: shown inert, to where clap would
            let text = crate::domain::text::clean(&e.render().to_string(), true);
            if e.use_stderr() {
                say!("{}", text.trim_end());
            } else {
                emit(&text);
            }
            return code;
        }
    };
    let mut ctx = Context::resolve(cli.library.clone(), cli.home.clone(), cli.as_.clone());
    ctx.slow_link = cli.slow_link;
    ctx.for_name = cli
        .for_
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string);
    let plain = cli.command.is_none() && (cli.plain || plain_terminal());
    let result = if plain {
        crate::plain::run(&ctx, cli.session.as_deref()).map(|code| Output {
            stdout: String::new(),
            code,
        })
    } else {
        run(&ctx, cli.command)
    };
    match result {
        Ok(out) => {
            emit(&out.stdout);
            out.code
        }
        Err(e) => {
            // a message may echo an argument or a file's text: nothing reaches the terminal raw
            say!(
                "muster: error: {}",
                crate::domain::text::clean(&e.message(), true)
            );
            e.exit_code()
        }
    }
}

/// Whether the terminal cannot take the TUI: `TERM=dumb`, or stdout is not a terminal.
fn plain_terminal() -> bool {
    use std::io::IsTerminal;
    std::env::var("TERM").is_ok_and(|t| t == "dumb") || !std::io::stdout().is_terminal()
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

pub fn run(ctx: &Context, cmd: Option<Sub>) -> Result<Output> {
    let Some(cmd) = cmd else {
        return crate::tui::run(ctx).map(|code| Output {
            stdout: String::new(),
            code,
        });
    };
    match cmd {
        Sub::Check { paths, standard } => check::run(ctx, &paths, standard),
        Sub::Impact { kind, id, json } => impact::impact(ctx, kind, &id, json),
        Sub::Order { json } => impact::order(ctx, json),
        Sub::Risks { json } => impact::risks(ctx, json),
        Sub::Graph { format } => impact::graph(ctx, format),
        Sub::Init { dir, sample } => init::run(&dir, sample),
        Sub::Import { files, out, report } => import::run(&files, &out, report),
        Sub::List { json } => list::run(ctx, json),
        Sub::Show {
            plan,
            json,
            changes_since: Some(session),
        } => show::changes_since(ctx, &plan, &session, json),
        Sub::Show { plan, json, .. } => show::run(ctx, &plan, json),
        Sub::Index { query, json } => index::run(ctx, &query.join(" "), json),
        Sub::Scenarios { json } => show::scenarios(ctx, json),
        Sub::Sessions { json } => status::sessions(ctx, json),
        Sub::Completions { shell } => {
            use clap::CommandFactory;
            let mut out = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "muster", &mut out);
            Ok(Output::ok(String::from_utf8_lossy(&out).into_owned()))
        }
        Sub::Man => {
            use clap::CommandFactory;
            let mut out = Vec::new();
            clap_mangen::Man::new(Cli::command())
                .render(&mut out)
                .map_err(|e| {
                    CliError::Invalid(format!("the manual page could not be made: {e}"))
                })?;
            Ok(Output::ok(String::from_utf8_lossy(&out).into_owned()))
        }
        Sub::Status { session, json } => status::status(ctx, &session, json),
        Sub::Log { session } => status::log(ctx, &session),
        Sub::Seal { session } => write::seal(ctx, &session),
        Sub::Sync { remote } => sync::sync(ctx, remote.as_deref()),
        Sub::Merge { dir } => sync::merge(ctx, &dir),
        Sub::Key { json } => status::key(ctx, json),
        Sub::Verify { session, seal } => status::verify(ctx, &session, seal.as_deref()),
        Sub::Export {
            session,
            format,
            output,
            bom,
            large_print,
        } => export::export(
            ctx,
            &session,
            format,
            output.as_deref(),
            export::Options {
                bom,
                large: large_print,
            },
        ),
        Sub::Print {
            plan,
            index,
            format,
            large_print,
            output,
        } => export::print(ctx, plan.as_deref(), index, format, large_print)
            .and_then(|o| export::deliver(o, output.as_deref())),
        Sub::Run {
            session,
            step,
            command,
            timeout,
        } => run::run(ctx, &session, &step, command, timeout.as_deref()),
        Sub::Transcribe { session, file } => transcribe::transcribe(ctx, &session, &file),
        Sub::History { plan, json } => history::run(ctx, &plan, json),
        Sub::Redlines {
            plan,
            json,
            draft,
            all,
        } => redlines::redlines(ctx, plan.as_deref(), json, draft, all),
        Sub::Config { defaults: true } => Ok(Output::ok(crate::config::defaults_text())),
        Sub::Config { defaults: false } => {
            let Some(path) = crate::config::path() else {
                return Err(CliError::Invalid(
                    "this system has no folder for settings: set MUSTER_CONFIG to a file".into(),
                ));
            };
            let (_, problems) = crate::config::load_from(&path);
            let shown = crate::domain::text::clean(&path.display().to_string(), false);
            let mut out = match path.exists() {
                true => format!("Settings: {shown}\n"),
                false => format!(
                    "Settings: {shown} (no such file: every setting is its default; `muster config --defaults > {shown}` starts one)\n"
                ),
            };
            for p in &problems {
                say!("muster: warning: {p}");
            }
            if problems.is_empty() && path.exists() {
                out.push_str("It reads: no problem.\n");
            }
            Ok(Output {
                stdout: out,
                code: if problems.is_empty() { 0 } else { 1 },
            })
        }
        Sub::Report {
            format,
            large_print,
            output,
        } => export::report(ctx, format, large_print)
            .and_then(|o| export::deliver(o, output.as_deref())),
        Sub::Actions {
            json,
            csv,
            bom,
            open,
        } => actions::list(
            ctx,
            match (json, csv) {
                (true, _) => actions::ListAs::Json,
                (_, true) => actions::ListAs::Csv { bom },
                _ => actions::ListAs::Table,
            },
            open,
        ),
        Sub::AppendNotes { session, count } => write::append_notes(ctx, &session, count),
        other => write::run(ctx, other),
    }
}

/// Loads the library for a command that reads it; its problems are summarised on stderr so a
/// responder still gets what could be read.
pub fn library_for_reading(ctx: &Context) -> Result<Library> {
    let lib = ctx.load_library()?;
    let errors = lib.errors();
    if errors > 0 {
        say!(
            "muster: warning: the library {} has {errors} error(s); showing what could be read. Run `muster check` for details.",
            crate::domain::text::clean(&lib.origin, false)
        );
    }
    Ok(lib)
}

pub(crate) fn to_json<T: serde::Serialize>(v: &T) -> String {
    let mut s = crate::present::json::to_string_pretty(v)
        .unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    s.push('\n');
    s
}
