//! `muster run SESSION STEP`: a step's command run for the responder, only once they confirmed
//! it, its run journaled (`command_ran`) and its output kept beside the journal. A failing
//! command offers to block the step with its output as the reason.

use super::write::{LazyLibrary, open_to_record};
use super::{CliError, Output, Result};
use crate::context::Context;
use crate::domain::command::{self, Command, RanCmd, StepAct, resolve};
use crate::domain::text::clean;
use crate::runner::{self, Ran};
use std::io::{BufRead, Write};
use std::time::Duration;

/// The time now: `$MUSTER_NOW` when it is set (tests, demos), else the clock.
fn now() -> chrono::DateTime<chrono::Utc> {
    crate::context::fixed_now().unwrap_or_else(chrono::Utc::now)
}

/// Reads one answer from standard input: true for y or yes.
fn confirmed(lines: &mut impl Iterator<Item = std::io::Result<String>>) -> bool {
    matches!(
        lines.next(),
        Some(Ok(l)) if matches!(l.trim().to_ascii_lowercase().as_str(), "y" | "yes")
    )
}

pub fn run(
    ctx: &Context,
    session: &str,
    step: &str,
    which: Option<usize>,
    limit: Option<&str>,
) -> Result<Output> {
    let limit = match limit {
        Some(l) => l
            .parse::<crate::domain::Minutes>()
            .map(|m| Duration::from_secs(u64::from(m.0) * 60))
            .map_err(|e| CliError::Usage(e.to_string()))?,
        None => runner::DEFAULT_LIMIT,
    };
    let lib = LazyLibrary::new(ctx);
    let mut o = open_to_record(ctx, &lib, session)?;
    command::open_for_changes(&o.session, ctx.now)?;
    let r = resolve::step(&o.session, step)?;
    let commands = command::runnable(&o.session, &r)?;
    let chosen: Vec<(usize, String)> = match which {
        Some(n) if n >= 1 && n <= commands.len() => vec![(n, commands[n - 1].clone())],
        Some(n) => {
            return Err(CliError::Usage(format!(
                "step {r} has {} command(s) muster can run: --command {n} is not one of them",
                commands.len()
            )));
        }
        None => commands
            .iter()
            .enumerate()
            .map(|(i, c)| (i + 1, c.clone()))
            .collect(),
    };
    let stdin = std::io::stdin();
    let mut lines = stdin.lock().lines();
    let (actor, how) = ctx.acting();
    let actor = actor.to_string();
    let mut out = String::new();
    for (n, cmd) in chosen {
        say!(
            "Step {r}, command {n} of {}: muster will run it under {}, with no input, and stop it after {}:\n\n    {}\n\nRun it? Type y and Enter to run it; anything else does not.",
            commands.len(),
            runner::shell_words(),
            crate::domain::time::human_duration(
                chrono::Duration::from_std(limit).unwrap_or_default()
            ),
            clean(&cmd, false)
        );
        if !confirmed(&mut lines) {
            say!("Not run: nothing was recorded.");
            return Ok(Output {
                stdout: out,
                code: 1,
            });
        }
        let at = now();
        let ran = runner::run(&cmd, limit, |b| {
            let _ = std::io::stderr().write_all(b);
        })
        .map_err(|e| {
            CliError::Invalid(format!(
                "the shell could not be started ({}): {e}",
                runner::shell_words()
            ))
        })?;
        let (name, hash) = crate::journal::runs::keep(o.dir(), at, &r, &ran.output)?;
        let rec = RanCmd {
            step: r.clone(),
            command: cmd.clone(),
            exit: ran.exit,
            timed_out: ran.timed_out,
            duration_ms: u64::try_from(ran.duration.as_millis()).unwrap_or(u64::MAX),
            output_hash: hash,
            output: name,
            output_bytes: ran.output_bytes,
            tail: command::output_tail(&ran.output),
        };
        o.submit_recorded(&Command::RecordRun(rec), &actor, now(), &lib, &how)?;
        let line = format!(
            "Recorded the run of step {r}'s command: {}, in {}.\n",
            ran.how(),
            crate::domain::time::took_ms(
                u64::try_from(ran.duration.as_millis()).unwrap_or(u64::MAX)
            )
        );
        say!("{}", line.trim_end());
        out.push_str(&line);
        if !ran.ok() {
            offer_block(ctx, &mut o, &lib, &r, &ran, &mut lines, &mut out)?;
            break;
        }
    }
    Ok(Output::ok(out))
}

/// After a failing command: asks whether to block the step with its output as the reason.
fn offer_block(
    ctx: &Context,
    o: &mut crate::journal::open::Opened,
    lib: &LazyLibrary,
    r: &crate::domain::ids::StepRef,
    ran: &Ran,
    lines: &mut impl Iterator<Item = std::io::Result<String>>,
    out: &mut String,
) -> Result<()> {
    let reason = format!(
        "its command failed ({}): {}",
        ran.how(),
        match ran.last_lines(3) {
            t if t.is_empty() => "it wrote nothing".to_string(),
            t => t,
        }
    );
    say!(
        "The command failed. Block step {r} with this reason?\n\n    {}\n\nType y and Enter to block it; anything else leaves it as it is.",
        clean(&reason, false)
    );
    if !confirmed(lines) {
        return Ok(());
    }
    let (actor, how) = ctx.acting();
    let cmd = Command::Step {
        step: r.clone(),
        act: StepAct::Block,
        text: Some(reason),
        to: None,
        anyway: false,
    };
    match o.submit_recorded(&cmd, actor, now(), lib, &how) {
        Ok(_) => {
            let line = format!("Blocked step {r}.\n");
            say!("{}", line.trim_end());
            out.push_str(&line);
            Ok(())
        }
        Err(e) => {
            say!(
                "muster: the step was not blocked: {}",
                CliError::from(e).message()
            );
            Ok(())
        }
    }
}
