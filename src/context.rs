//! Who is acting, where state lives, and which library to use: resolved once per run from flags,
//! the environment and the machine, as CONTRACT.md orders them.

use crate::domain::Library;
use crate::domain::ids::WriterId;
use crate::library::{self, LibraryError, Location};
use crate::present::Zone;
use chrono::{DateTime, Utc};
use std::path::PathBuf;

#[derive(Debug, Clone)]
pub struct Context {
    pub library: Location,
    pub home: PathBuf,
    pub actor: String,
    /// The actor was given on purpose (`--as`, `$MUSTER_AS`), not taken from the login.
    pub actor_given: bool,
    pub writer: WriterId,
    pub now: DateTime<Utc>,
    /// The zone times are shown in: the machine's.
    pub zone: Zone,
}

impl Context {
    pub fn resolve(
        library_flag: Option<PathBuf>,
        home_flag: Option<PathBuf>,
        as_flag: Option<String>,
    ) -> Context {
        let home = home_flag
            .or_else(|| {
                std::env::var_os("MUSTER_HOME")
                    .filter(|s| !s.is_empty())
                    .map(PathBuf::from)
            })
            .or_else(|| {
                directories::ProjectDirs::from("", "", "muster").map(|d| d.data_dir().to_path_buf())
            })
            .unwrap_or_else(|| PathBuf::from(".muster"));
        let login = login_name();
        let given = as_flag.as_deref().is_some_and(|s| !s.trim().is_empty())
            || std::env::var("MUSTER_AS").is_ok_and(|s| !s.trim().is_empty());
        let actor = as_flag
            .filter(|s| !s.trim().is_empty())
            .or_else(|| {
                std::env::var("MUSTER_AS")
                    .ok()
                    .filter(|s| !s.trim().is_empty())
            })
            .unwrap_or_else(|| login.clone());
        let writer = std::env::var("MUSTER_WRITER")
            .ok()
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| format!("{}-{}", hostname(), login));
        Context {
            library: library::locate(library_flag.as_deref()),
            home,
            actor: actor.trim().to_string(),
            actor_given: given,
            writer: WriterId::new(safe_writer(&writer)),
            now: fixed_now().unwrap_or_else(Utc::now),
            zone: Zone::Local,
        }
    }

    pub fn today(&self) -> chrono::NaiveDate {
        self.zone.date(self.now)
    }

    pub fn load_library(&self) -> Result<Library, LibraryError> {
        library::load(&self.library, self.today())
    }

    pub fn sessions_dir(&self) -> PathBuf {
        self.home.join("sessions")
    }
}

/// A writer name is part of a file name: keep it to a safe alphabet.
pub fn safe_writer(s: &str) -> String {
    let w: String = s
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let w = w.trim_start_matches('.').to_string();
    if w.is_empty() {
        "writer".to_string()
    } else {
        w
    }
}

pub fn login_name() -> String {
    for var in ["USER", "LOGNAME", "USERNAME"] {
        if let Ok(v) = std::env::var(var)
            && !v.trim().is_empty()
        {
            return v.trim().to_string();
        }
    }
    // SAFETY: getuid has no preconditions; getpwuid returns a pointer into static storage or null.
    unsafe {
        let pw = libc::getpwuid(libc::getuid());
        if !pw.is_null()
            && !(*pw).pw_name.is_null()
            && let Ok(s) = std::ffi::CStr::from_ptr((*pw).pw_name).to_str()
        {
            return s.to_string();
        }
    }
    "responder".to_string()
}

pub fn hostname() -> String {
    let mut buf = [0u8; 256];
    // SAFETY: the buffer is valid for its length; gethostname writes at most that many bytes.
    let r = unsafe { libc::gethostname(buf.as_mut_ptr() as *mut libc::c_char, buf.len()) };
    if r == 0 {
        let end = buf.iter().position(|&b| b == 0).unwrap_or(buf.len());
        if let Ok(s) = std::str::from_utf8(&buf[..end])
            && !s.is_empty()
        {
            return s.split('.').next().unwrap_or(s).to_string();
        }
    }
    "localhost".to_string()
}

/// `$MUSTER_NOW` (RFC 3339) fixes the clock, for reproducible tests, demos and screenshots.
pub fn fixed_now() -> Option<DateTime<Utc>> {
    let v = std::env::var("MUSTER_NOW").ok().filter(|s| !s.is_empty())?;
    DateTime::parse_from_rfc3339(&v)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}
