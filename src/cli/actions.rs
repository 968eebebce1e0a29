//! `muster action ...`, `muster actions` and `muster observation ...`: improvement actions and
//! putting observations right, from the command line. Each becomes a domain command checked at
//! the gate, like every other change.

use super::{ObserveKind, Output, Result};
use crate::context::Context;
use crate::domain::command::{ActionAct, ActionCmd, Command, FixObservation};
use crate::domain::event::ObservationKind;
use crate::domain::ids::{ActionId, ObjectiveId};
use crate::domain::session::improve::{ActionRow, tracking_order};
use crate::domain::text::clean;
use crate::journal::store;
use clap::Subcommand;

#[derive(Debug, Subcommand)]
pub enum ActionSub {
    /// Raise an improvement action (TEXT may be left out with --from: the observation's words)
    Add {
        #[arg(help = super::SESSION)]
        session: String,
        /// What is to be done
        #[arg(allow_hyphen_values = true)]
        text: Option<String>,
        /// Who sees it through
        #[arg(long, allow_hyphen_values = true)]
        owner: Option<String>,
        /// When it is due: YYYY-MM-DD, or +14d / +2w from today
        #[arg(long, value_name = "DATE")]
        due: Option<String>,
        /// The capability or core function it improves
        #[arg(long, allow_hyphen_values = true)]
        capability: Option<String>,
        /// The observation it is raised from: its number (O2) as the export shows it
        #[arg(long, value_name = "OBSERVATION")]
        from: Option<String>,
    },
    /// Change an action's owner, due date or capability, or note progress on it
    Update {
        #[arg(help = super::SESSION)]
        session: String,
        /// The action's id (A1, A2 ...)
        action: String,
        #[arg(long, allow_hyphen_values = true)]
        owner: Option<String>,
        /// YYYY-MM-DD, or +14d / +2w from today
        #[arg(long, value_name = "DATE")]
        due: Option<String>,
        #[arg(long, allow_hyphen_values = true)]
        capability: Option<String>,
        /// How it stands
        #[arg(long, allow_hyphen_values = true)]
        note: Option<String>,
    },
    /// Close an action, with a note on what was done
    Close {
        #[arg(help = super::SESSION)]
        session: String,
        /// The action's id (A1, A2 ...)
        action: String,
        #[arg(long, allow_hyphen_values = true)]
        note: Option<String>,
    },
    /// Reopen a closed action (a reason is required)
    Reopen {
        #[arg(help = super::SESSION)]
        session: String,
        /// The action's id (A1, A2 ...)
        action: String,
        /// Why it is reopened
        #[arg(long, allow_hyphen_values = true)]
        note: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum ObservationSub {
    /// Correct an observation: new words, kind or objective (the original stays in the journal)
    Correct {
        #[arg(help = super::SESSION)]
        session: String,
        /// The observation's number as the export shows it (O2)
        observation: String,
        /// What it should say
        #[arg(allow_hyphen_values = true)]
        text: Option<String>,
        #[arg(long, value_enum)]
        kind: Option<ObserveKind>,
        /// The objective it bears on (`muster scenarios` lists them)
        #[arg(long, value_name = "OBJECTIVE")]
        objective: Option<String>,
        /// Why it changes
        #[arg(long, allow_hyphen_values = true)]
        note: Option<String>,
    },
    /// Withdraw an observation: it leaves the documents and stays in the journal
    Withdraw {
        #[arg(help = super::SESSION)]
        session: String,
        /// The observation's number as the export shows it (O2)
        observation: String,
        /// Why it is withdrawn
        #[arg(long, allow_hyphen_values = true)]
        note: Option<String>,
    },
}

impl ActionSub {
    pub fn session(&self) -> &str {
        match self {
            ActionSub::Add { session, .. }
            | ActionSub::Update { session, .. }
            | ActionSub::Close { session, .. }
            | ActionSub::Reopen { session, .. } => session,
        }
    }

    /// The domain command. What is not given is left out (given as empty), never asked.
    /// `today` is the user's date, which `+14d` counts from.
    pub fn command(&self, today: chrono::NaiveDate) -> Command {
        let or_empty = |v: &Option<String>| Some(v.clone().unwrap_or_default());
        let id = |a: &str| Some(ActionId::new(a.trim()));
        let mut cmd = match self {
            ActionSub::Add {
                text,
                owner,
                due,
                capability,
                from,
                ..
            } => ActionCmd {
                from: or_empty(from),
                text: text.clone(),
                owner: or_empty(owner),
                due: or_empty(due),
                capability: or_empty(capability),
                note: Some(String::new()),
                ..ActionCmd::new(ActionAct::Add)
            },
            ActionSub::Update {
                action,
                owner,
                due,
                capability,
                note,
                ..
            } => ActionCmd {
                action: id(action),
                owner: or_empty(owner),
                due: or_empty(due),
                capability: or_empty(capability),
                note: or_empty(note),
                ..ActionCmd::new(ActionAct::Update)
            },
            ActionSub::Close { action, note, .. } => ActionCmd {
                action: id(action),
                note: or_empty(note),
                ..ActionCmd::new(ActionAct::Close)
            },
            ActionSub::Reopen { action, note, .. } => ActionCmd {
                action: id(action),
                note: note.clone(),
                ..ActionCmd::new(ActionAct::Reopen)
            },
        };
        cmd.today = Some(today);
        Command::Action(cmd)
    }
}

impl ObservationSub {
    pub fn session(&self) -> &str {
        match self {
            ObservationSub::Correct { session, .. } | ObservationSub::Withdraw { session, .. } => {
                session
            }
        }
    }

    pub fn command(&self) -> Command {
        Command::FixObservation(match self {
            ObservationSub::Correct {
                observation,
                text,
                kind,
                objective,
                note,
                ..
            } => FixObservation {
                withdraw: false,
                observation: Some(observation.clone()),
                text: text.clone(),
                kind: kind.map(|k| match k {
                    ObserveKind::Strength => ObservationKind::Strength,
                    ObserveKind::Improvement => ObservationKind::Improvement,
                    ObserveKind::Defect => ObservationKind::Defect,
                }),
                objective: objective.as_deref().map(ObjectiveId::new),
                reason: Some(note.clone().unwrap_or_default()),
            },
            ObservationSub::Withdraw {
                observation, note, ..
            } => FixObservation {
                withdraw: true,
                observation: Some(observation.clone()),
                text: None,
                kind: None,
                objective: None,
                reason: note.clone(),
            },
        })
    }
}

/// How `muster actions` prints.
pub enum ListAs {
    Table,
    Json,
    Csv { bom: bool },
}

/// The actions as CSV: one row each, every field; cells capped as the exports cap them.
fn csv(rows: &[ActionRow], bom: bool) -> Result<String> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let io = |e: csv::Error| super::CliError::Invalid(format!("cannot write the CSV: {e}"));
    w.write_record([
        "id",
        "session",
        "session_title",
        "text",
        "owner",
        "due",
        "capability",
        "status",
        "overdue",
        "raised_by",
        "raised_at",
        "from_observation",
        "closed_by",
        "closed_at",
        "closed_note",
    ])
    .map_err(io)?;
    let o = |v: &Option<String>| v.clone().unwrap_or_default();
    for r in rows {
        let cells = [
            r.id.to_string(),
            r.session.to_string(),
            r.session_title.clone(),
            r.text.clone(),
            o(&r.owner),
            r.due.map(|d| d.to_string()).unwrap_or_default(),
            o(&r.capability),
            r.status.to_string(),
            r.overdue.to_string(),
            r.raised_by.clone(),
            r.raised_at.to_rfc3339(),
            o(&r.from_observation),
            o(&r.closed_by),
            r.closed_at.map(|t| t.to_rfc3339()).unwrap_or_default(),
            o(&r.closed_note),
        ];
        w.write_record(cells.iter().map(|c| crate::export::facts::cap_cell(c)))
            .map_err(io)?;
    }
    let body = w
        .into_inner()
        .map_err(|e| super::CliError::Invalid(format!("cannot write the CSV: {e}")))?;
    let mut out = if bom {
        String::from("\u{feff}")
    } else {
        String::new()
    };
    out.push_str(&String::from_utf8_lossy(&body));
    Ok(out)
}

/// `muster actions`: the improvement actions of every session under home, overdue first.
pub fn list(ctx: &Context, how: ListAs, open_only: bool) -> Result<Output> {
    let lib = super::write::LazyLibrary::new(ctx);
    let today = ctx.zone.at(ctx.now).date_naive();
    let mut rows = Vec::new();
    for id in store::list_ids(&ctx.home)? {
        match store::open(&ctx.home, &lib, id.as_str(), &ctx.writer) {
            Ok(o) => rows.extend(ActionRow::all(&o.session.state, today)),
            Err(e) => say!("muster: warning: session {id} cannot be read: {e}"),
        }
    }
    if open_only {
        rows.retain(|r| r.status == crate::domain::event::ActionStatus::Open);
    }
    tracking_order(&mut rows);
    match how {
        ListAs::Json => return Ok(Output::ok(super::to_json(&rows))),
        ListAs::Csv { bom } => return Ok(Output::ok(csv(&rows, bom)?)),
        ListAs::Table => {}
    }
    if rows.is_empty() {
        return Ok(Output::ok(
            "No improvement actions yet. Raise one with `muster action add SESSION TEXT`.\n",
        ));
    }
    let table: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            vec![
                clean(r.id.as_str(), false),
                if r.overdue {
                    "OVERDUE".into()
                } else {
                    r.status.to_string()
                },
                r.due.map(|d| d.to_string()).unwrap_or_else(|| "-".into()),
                clean(r.owner.as_deref().unwrap_or("-"), false),
                r.session.to_string(),
                clean(&r.text, false),
            ]
        })
        .collect();
    Ok(Output::ok(super::table::table(
        &["ID", "STATUS", "DUE", "OWNER", "SESSION", "ACTION"],
        &table,
    )))
}
