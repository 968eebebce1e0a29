//! `muster sync` and `muster merge`: what was exchanged, in words; a conflict is exit 1.

use super::{Output, Result};
use crate::context::Context;
use crate::domain::text::clean;
use crate::journal::merge::{self, Merged};
use std::path::Path;

/// Says what a merge did to a session; whether it found a conflict or left a file out.
fn tell(id: &str, m: &Merged) -> bool {
    let mut parts = Vec::new();
    if m.new_session {
        parts.push("new here".to_string());
    }
    if !m.new_files.is_empty() {
        parts.push(format!("{} new writer file(s)", m.new_files.len()));
    }
    let lines: usize = m.extended.iter().map(|(_, n)| n).sum();
    if lines > 0 {
        parts.push(format!("{lines} new line(s)"));
    }
    if m.snapshots > 0 && !m.new_session {
        parts.push(format!("{} plan snapshot(s)", m.snapshots));
    }
    if !parts.is_empty() {
        say!("muster: {id}: {}", parts.join(", "));
    }
    for n in &m.notes {
        say!("muster: warning: {id}: {}", clean(n, false));
    }
    for (w, kept) in &m.conflicts {
        say!(
            "muster: error: {id}: two different histories claim writer `{}`, signed by one key: a copy of that home (a cloned machine, a restored backup) wrote on its own. The other one is kept as {} and both are read; give the copy a home of its own (remove the writer-id and signing-key in its home)",
            clean(w, false),
            clean(kept, false)
        );
    }
    for r in &m.rejected {
        say!(
            "muster: error: {id}: {} was not taken: {}{}",
            clean(&r.name, false),
            clean(&r.why, false),
            r.kept
                .as_ref()
                .map(|k| format!(
                    " (kept aside as {})",
                    clean(&k.display().to_string(), false)
                ))
                .unwrap_or_default()
        );
    }
    m.failed()
}

/// Who this home is, for what comes in.
fn own(ctx: &Context) -> Result<merge::Own> {
    Ok(merge::Own {
        writer: ctx.writer.clone(),
        key: Some(
            crate::journal::keys::load_or_create(&ctx.home)?
                .public_hex()
                .to_string(),
        ),
        sent: Default::default(),
    })
}

pub fn sync(ctx: &Context, remote: Option<&str>) -> Result<Output> {
    let s = crate::sync::sync(&ctx.home, remote, &ctx.writer)?;
    let mut conflict = false;
    for (id, m) in &s.pulled {
        conflict |= tell(id, m);
    }
    for (id, why) in &s.refused {
        say!("muster: error: {id}: not taken: {}", clean(why, false));
    }
    say!(
        "muster: synced with {}: {} session(s) changed here, {} session(s) sent",
        clean(&s.remote, false),
        s.pulled.iter().filter(|(_, m)| m.changed()).count(),
        s.pushed
    );
    Ok(Output {
        stdout: String::new(),
        code: if !s.refused.is_empty() {
            2
        } else if conflict {
            1
        } else {
            0
        },
    })
}

pub fn merge(ctx: &Context, dir: &Path) -> Result<Output> {
    let (id, into) = merge::target(&ctx.home, dir)?;
    let m = merge::merge_dir(dir, &into, &own(ctx)?)?;
    let conflict = tell(id.as_str(), &m);
    if !m.changed() {
        say!(
            "muster: {id}: nothing new in {}",
            clean(&dir.display().to_string(), false)
        );
    }
    Ok(Output {
        stdout: String::new(),
        code: if conflict { 1 } else { 0 },
    })
}
