//! `muster transcribe SESSION FILE|-`: the paper log typed back in. Every line is read and
//! checked first; one bad line (exit 2, `FILE:LINE:COL`) and nothing is recorded. Each entry is
//! journaled as its action, at the paper's time, by whoever the paper names, marked as typed in
//! by the one running the command, and when.

use super::write::{LazyLibrary, open_to_record};
use super::{CliError, Output, Result};
use crate::context::Context;
use crate::domain::command::{self, Recording};
use crate::domain::text::clean;
use crate::domain::transcribe::{self, Clock};
use std::io::Read;
use std::path::Path;

/// The most a paper log file may hold.
const MAX_BYTES: u64 = 4 << 20;

pub fn transcribe(ctx: &Context, session: &str, file: &str) -> Result<Output> {
    let (shown, text) = if file == "-" {
        let mut s = String::new();
        std::io::stdin()
            .take(MAX_BYTES)
            .read_to_string(&mut s)
            .map_err(|e| {
                CliError::Invalid(format!("standard input cannot be read as text: {e}"))
            })?;
        ("<stdin>".to_string(), s)
    } else {
        let p = Path::new(file);
        let bytes = crate::library::read_bounded(p)
            .map_err(|why| CliError::Invalid(format!("{}: {why}", clean(file, false))))?;
        let text = String::from_utf8(bytes).map_err(|e| {
            CliError::Usage(format!(
                "{}: this file is not UTF-8 text (a byte at offset {} is not): save it as UTF-8",
                clean(file, false),
                e.utf8_error().valid_up_to()
            ))
        })?;
        (clean(file, false), text)
    };
    let lib = LazyLibrary::new(ctx);
    let mut o = open_to_record(ctx, &lib, session)?;
    command::open_for_changes(&o.session, ctx.now)?;
    let zone = ctx.zone;
    let clock = Clock {
        to_utc: &|n| zone.instant(n),
        date_of: &|t| zone.date(t),
        now: ctx.now,
    };
    let entries = match transcribe::read(&text, &o.session, &clock) {
        Ok(e) => e,
        Err(errors) => {
            let lines: Vec<String> = errors
                .iter()
                .map(|e| format!("{shown}:{}:{}: {}", e.line, e.col, clean(&e.message, false)))
                .collect();
            return Err(CliError::Usage(format!(
                "{}\nNothing was recorded: correct {} and run the same command again.",
                lines.join("\n"),
                if errors.len() == 1 {
                    "that line"
                } else {
                    "those lines"
                }
            )));
        }
    };
    if entries.is_empty() {
        return Err(CliError::Usage(format!(
            "{shown}: no entries: write one a line, like `03:12 priya done 4 lag 40 s`"
        )));
    }
    let how = Recording {
        by: Some(ctx.actor.clone()),
        transcribed_at: Some(ctx.now),
    };
    let mut done = 0;
    for e in &entries {
        match o.submit_recorded(&e.command(), &e.who, e.at, &lib, &how) {
            Ok(_) => done += 1,
            Err(err) => {
                let err = CliError::from(err);
                return Err(CliError::Invalid(format!(
                    "{shown}:{}: {}; the {done} entr{} before it {} recorded, this one and the rest were not",
                    e.line,
                    err.message(),
                    if done == 1 { "y" } else { "ies" },
                    if done == 1 { "is" } else { "are" }
                )));
            }
        }
    }
    Ok(Output::ok(format!(
        "Typed in {done} entr{} from {shown}, each at the paper's time, marked as typed in by {}.\n",
        if done == 1 { "y" } else { "ies" },
        clean(&ctx.actor, false)
    )))
}
