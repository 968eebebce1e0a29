//! Seals: a short digest of every writer's chain head, to be written down outside the journal
//! (a ticket, an e-mail, the paper log), so that anyone can prove later that the journal still
//! holds everything the seal covered.
//!
//! The digest is the SHA-256 of `muster seal v1\n`, the session id and a newline, then one line
//! `<writer> <seq> <head>\n` per writer file sorted by writer; its first 80 bits are written in
//! Crockford's base 32 as four groups of four: `7K3M-Q9XA-0D2F-R8TB`. Eighty bits are enough
//! that no one can make another journal with the same seal; sixteen characters can be read out
//! over a phone.

use super::event::Witness;
use super::ids::SessionId;
use sha2::{Digest, Sha256};

/// A seal as a reader is told of it.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct SealInfo {
    pub digest: String,
    #[serde(with = "crate::domain::event::ts")]
    pub at: chrono::DateTime<chrono::Utc>,
    pub by: String,
    pub writer: super::ids::WriterId,
    /// Events the seal covers.
    pub covers: u64,
    /// Events recorded after it, which it does not cover.
    pub after: u64,
    /// Whether the journal still holds everything it covers (`None`: not checked here).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub holds: Option<bool>,
}

impl SealInfo {
    /// The latest seal of a session, with how many events came after it.
    pub fn latest(s: &super::session::SessionState) -> Option<SealInfo> {
        let r = s.seals.last()?;
        Some(SealInfo {
            digest: r.digest.clone(),
            at: r.at,
            by: r.by.clone(),
            writer: r.writer.clone(),
            covers: r.covers(),
            after: (s.events as u64).saturating_sub(r.covers() + 1),
            holds: None,
        })
    }
}

/// What reading a session's journal found: whether every check passed, the problems in words,
/// and the latest seal.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Integrity {
    pub ok: bool,
    pub events: usize,
    pub files: usize,
    pub problems: Vec<String>,
    pub seal: Option<SealInfo>,
    /// Each writer's file, and the key that signs it.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub writers: Vec<WriterKey>,
    /// The journal could not be read (an I/O error): nothing was checked, and nothing is said of
    /// whether it is intact.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unread: Option<String>,
}

/// A writer's file of a session and the key its lines are signed by.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct WriterKey {
    pub writer: String,
    pub file: String,
    pub events: u64,
    /// The key's fingerprint (`7K3M-Q9XA-0D2F-R8TB`); `None`: its lines are not signed.
    pub key: Option<String>,
    /// Lines from before muster signed lines.
    #[serde(skip_serializing_if = "is_zero")]
    pub unsigned: u64,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

/// Crockford's base 32: no I, L, O or U, so nothing read aloud is mistaken.
const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// The heads sorted as the digest takes them.
pub fn sorted(mut heads: Vec<Witness>) -> Vec<Witness> {
    heads.sort_by(|a, b| a.w.cmp(&b.w));
    heads
}

/// The digest of these heads in this session.
pub fn digest(session: &SessionId, heads: &[Witness]) -> String {
    let mut h = Sha256::new();
    h.update(b"muster seal v1\n");
    h.update(session.as_str().as_bytes());
    h.update(b"\n");
    let mut sorted: Vec<&Witness> = heads.iter().collect();
    sorted.sort_by(|a, b| a.w.cmp(&b.w));
    for w in sorted {
        h.update(format!("{} {} {}\n", w.w, w.seq, w.hash).as_bytes());
    }
    let d = h.finalize();
    groups(&d)
}

/// The first 80 bits of a digest in Crockford's base 32, four groups of four: how seals and
/// signing keys are written for people to read out and compare.
pub fn groups(d: &[u8]) -> String {
    let mut bits: u128 = 0;
    for i in 0..10 {
        bits = (bits << 8) | u128::from(d.get(i).copied().unwrap_or(0));
    }
    let mut out = String::with_capacity(19);
    for i in 0..16 {
        if i > 0 && i % 4 == 0 {
            out.push('-');
        }
        let shift = 75 - 5 * i;
        out.push(ALPHABET[((bits >> shift) & 31) as usize] as char);
    }
    out
}

/// A digest as someone typed or read it back: case, spaces and dashes do not matter, and the
/// letters Crockford's alphabet leaves out read as the digits they look like (O as 0, I and L
/// as 1). `None` when it cannot be a digest.
pub fn normalise(given: &str) -> Option<String> {
    let mut chars = Vec::with_capacity(16);
    for c in given.chars() {
        let c = match c.to_ascii_uppercase() {
            '-' | ' ' | '_' | '.' => continue,
            'O' => '0',
            'I' | 'L' => '1',
            c if c.is_ascii() && ALPHABET.contains(&(c as u8)) => c,
            _ => return None,
        };
        chars.push(c);
    }
    if chars.len() != 16 {
        return None;
    }
    let mut out = String::with_capacity(19);
    for (i, c) in chars.into_iter().enumerate() {
        if i > 0 && i % 4 == 0 {
            out.push('-');
        }
        out.push(c);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(name: &str, seq: u64, hash: &str) -> Witness {
        Witness {
            w: name.into(),
            seq,
            hash: hash.into(),
        }
    }

    #[test]
    fn a_digest_is_four_groups_of_four_and_does_not_depend_on_order() {
        let id = SessionId::new("s1");
        let a = digest(&id, &[w("a", 3, "aa"), w("b", 1, "bb")]);
        let b = digest(&id, &[w("b", 1, "bb"), w("a", 3, "aa")]);
        assert_eq!(a, b);
        assert_eq!(a.len(), 19);
        assert!(a.split('-').all(|g| g.len() == 4));
        assert_ne!(a, digest(&id, &[w("a", 2, "aa"), w("b", 1, "bb")]));
        assert_ne!(
            a,
            digest(&SessionId::new("s2"), &[w("a", 3, "aa"), w("b", 1, "bb")])
        );
    }

    #[test]
    fn a_digest_read_back_carelessly_is_still_the_digest() {
        let d = digest(&SessionId::new("s"), &[w("a", 1, "x")]);
        let sloppy = d
            .to_lowercase()
            .replace('-', " ")
            .replace('0', "o")
            .replace('1', "l");
        assert_eq!(normalise(&sloppy).as_deref(), Some(d.as_str()));
        assert_eq!(normalise("ABCD-EFGH-JKMN-PQR"), None);
        assert_eq!(normalise("ABCD-EFGH-JKMN-PQRU"), None);
    }
}
