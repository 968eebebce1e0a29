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
    /// `--slow-link`: the TUI trims decoration (no colours).
    pub slow_link: bool,
    /// The zone times are shown in: the machine's.
    pub zone: Zone,
    /// `--for NAME`: the actor records on NAME's behalf (a scribe for the commander).
    pub for_name: Option<String>,
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
        // --as, then $MUSTER_AS, then the name the TUI was last told under this home
        let named = as_flag
            .filter(|s| !s.trim().is_empty())
            .or_else(|| {
                std::env::var("MUSTER_AS")
                    .ok()
                    .filter(|s| !s.trim().is_empty())
            })
            .or_else(|| crate::remember::name(&home));
        let given = named.is_some();
        let actor = named.unwrap_or_else(|| login.clone());
        let writer = std::env::var("MUSTER_WRITER")
            .ok()
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| default_writer(&home, &login));
        Context {
            library: library::locate(library_flag.as_deref()),
            home,
            actor: actor.trim().to_string(),
            actor_given: given,
            writer: WriterId::new(safe_writer(&writer)),
            now: fixed_now().unwrap_or_else(Utc::now),
            slow_link: false,
            zone: Zone::Local,
            for_name: None,
        }
    }

    /// Who a recorded action is by, and how it is recorded: with `--for NAME`, NAME's action
    /// recorded by the one acting.
    pub fn acting(&self) -> (&str, crate::domain::command::Recording) {
        match &self.for_name {
            Some(name) => (
                name.as_str(),
                crate::domain::command::Recording::scribe(&self.actor),
            ),
            None => (&self.actor, Default::default()),
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

/// The writer id of this machine and home: `<host>-<login>-<random>`, the random part made once
/// and kept in `<home>/writer-id`, so cloned machines and jump hosts that share a host name and a
/// login still write to different files. When the home cannot be written, `<host>-<login>`.
pub fn default_writer(home: &std::path::Path, login: &str) -> String {
    let path = home.join("writer-id");
    let base = format!("{}-{}", hostname(), login);
    let read = |p: &std::path::Path| {
        std::fs::read_to_string(p)
            .ok()
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty() && s.len() <= 200)
    };
    if let Some(w) = read(&path) {
        return w;
    }
    let made = format!("{base}-{}", random_suffix());
    let write = || -> std::io::Result<()> {
        use std::io::Write;
        std::fs::create_dir_all(home)?;
        let tmp = home.join(format!(".writer-id-{}", std::process::id()));
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(format!("{made}\n").as_bytes())?;
        f.sync_all()?;
        // a hard link fails when another process made the file first: then its id is the one
        let linked = std::fs::hard_link(&tmp, &path);
        let _ = std::fs::remove_file(&tmp);
        linked
    };
    match write() {
        Ok(()) => made,
        Err(_) => read(&path).unwrap_or(base),
    }
}

/// Six random base-32 characters from the system's random source.
fn random_suffix() -> String {
    use std::io::Read;
    let mut b = [0u8; 8];
    let ok = std::fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut b))
        .is_ok();
    if !ok {
        let seed = format!("{:?}{}", std::time::SystemTime::now(), std::process::id());
        b.copy_from_slice(&crate::domain::sha256_hex(seed.as_bytes()).as_bytes()[..8]);
    }
    let n = u64::from_le_bytes(b);
    (0..6)
        .map(|i| b"abcdefghjkmnpqrstvwxyz0123456789"[((n >> (5 * i)) & 31) as usize] as char)
        .collect()
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
    crate::platform::login_name()
        .filter(|s| !s.trim().is_empty())
        .unwrap_or_else(|| "responder".to_string())
}

pub fn hostname() -> String {
    match crate::platform::hostname() {
        Some(s) if !s.trim().is_empty() => s.split('.').next().unwrap_or(&s).trim().to_string(),
        _ => "localhost".to_string(),
    }
}

/// `$MUSTER_NOW` (RFC 3339) fixes the clock, for reproducible tests, demos and screenshots.
pub fn fixed_now() -> Option<DateTime<Utc>> {
    let v = std::env::var("MUSTER_NOW").ok().filter(|s| !s.is_empty())?;
    DateTime::parse_from_rfc3339(&v)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}
