//! Signing keys. Each home makes an Ed25519 key once (`<home>/signing-key`, readable by its
//! owner only, never synced or merged) and signs every journal line it writes with it. A
//! writer's first signed line in a session carries the public key (`key`); every line carries
//! `sig`, the signature of
//!
//! ```text
//! muster journal line v2\n<session id>\n<the line's sum, 64 hex>
//! ```
//!
//! so a line proves which key wrote it, and in which session: copied into another session, or
//! into another writer's file, it no longer verifies. See docs/FORMAT.md, "What verify proves".

use super::StoreError;
use ed25519_dalek::{Signature, Signer as _, SigningKey, VerifyingKey};
use std::path::{Path, PathBuf};

/// The secret key's file in a home.
pub const KEY_FILE: &str = "signing-key";
const MAGIC: &str = "muster signing key 1\n";

/// This home's key, to sign lines with.
pub struct Signer {
    key: SigningKey,
    public: String,
}

impl std::fmt::Debug for Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // never the secret
        write!(f, "Signer({})", fingerprint_hex(&self.public))
    }
}

impl Signer {
    pub fn from_seed(seed: &[u8; 32]) -> Signer {
        let key = SigningKey::from_bytes(seed);
        let public = crate::domain::parse::library::hex(&key.verifying_key().to_bytes());
        Signer { key, public }
    }

    /// The public key, lowercase hex: what a writer's first line carries as `key`.
    pub fn public_hex(&self) -> &str {
        &self.public
    }

    /// The signature of a line of `session` whose sum is `sum_hex`, lowercase hex.
    pub fn sign(&self, session: &str, sum_hex: &str) -> String {
        let sig = self.key.sign(&message(session, sum_hex));
        crate::domain::parse::library::hex(&sig.to_bytes())
    }

    pub fn fingerprint(&self) -> String {
        fingerprint_hex(&self.public)
    }
}

/// What a line's signature signs.
fn message(session: &str, sum_hex: &str) -> Vec<u8> {
    let mut m = Vec::with_capacity(24 + session.len() + 65);
    m.extend_from_slice(b"muster journal line v2\n");
    m.extend_from_slice(session.as_bytes());
    m.push(b'\n');
    m.extend_from_slice(sum_hex.as_bytes());
    m
}

/// A public key read from a line: `None` when it is not 64 hex digits of a valid key.
pub fn public_key(hex: &str) -> Option<VerifyingKey> {
    let bytes = super::file::unhex32(hex)?;
    VerifyingKey::from_bytes(&bytes).ok()
}

/// Whether `sig_hex` is `key`'s signature of the line of `session` with sum `sum_hex`.
pub fn verifies(key: &VerifyingKey, session: &str, sum_hex: &str, sig_hex: &str) -> bool {
    let Some(sig) = unhex64(sig_hex) else {
        return false;
    };
    key.verify_strict(&message(session, sum_hex), &Signature::from_bytes(&sig))
        .is_ok()
}

fn unhex64(s: &str) -> Option<[u8; 64]> {
    if s.len() != 128 || !s.is_char_boundary(64) {
        return None;
    }
    let a = super::file::unhex32(&s[..64])?;
    let b = super::file::unhex32(&s[64..])?;
    let mut out = [0u8; 64];
    out[..32].copy_from_slice(&a);
    out[32..].copy_from_slice(&b);
    Some(out)
}

/// A public key as people compare it (on the phone, on paper): the first 80 bits of its
/// SHA-256 in Crockford's base 32, `7K3M-Q9XA-0D2F-R8TB`. Not a key: a hex string that is not
/// one gives the fingerprint of its text.
pub fn fingerprint_hex(public_hex: &str) -> String {
    use sha2::{Digest, Sha256};
    let d = match super::file::unhex32(public_hex) {
        Some(b) => Sha256::digest(b),
        None => Sha256::digest(public_hex.as_bytes()),
    };
    crate::domain::seal::groups(&d)
}

pub fn key_path(home: &Path) -> PathBuf {
    home.join(KEY_FILE)
}

/// This home's key, if it has one (nothing is made).
pub fn load(home: &Path) -> Result<Option<Signer>, StoreError> {
    let path = key_path(home);
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(StoreError::io("read the signing key", &path, e)),
    };
    let seed = text
        .strip_prefix(MAGIC)
        .map(str::trim)
        .and_then(super::file::unhex32)
        .ok_or_else(|| StoreError::BadKey { path: path.clone() })?;
    Ok(Some(Signer::from_seed(&seed)))
}

/// This home's key, made the first time it is needed. Two processes making it at once agree on
/// one: the key is written under a temporary name and linked into place, which fails for the
/// second, which then reads the first one's.
pub fn load_or_create(home: &Path) -> Result<Signer, StoreError> {
    if let Some(s) = load(home)? {
        return Ok(s);
    }
    let path = key_path(home);
    let mut seed = [0u8; 32];
    getrandom::fill(&mut seed).map_err(|e| {
        StoreError::io(
            "make the signing key",
            &path,
            std::io::Error::other(e.to_string()),
        )
    })?;
    super::file::create_dir_durable(home)?;
    let tmp = home.join(format!(".signing-key-{}", std::process::id()));
    let text = format!("{MAGIC}{}\n", crate::domain::parse::library::hex(&seed));
    let written = crate::fsx::write_private(&tmp, text.as_bytes())
        .and_then(|()| std::fs::hard_link(&tmp, &path));
    let _ = std::fs::remove_file(&tmp);
    match written {
        Ok(()) => {
            super::file::sync_dir(home)?;
            Ok(Signer::from_seed(&seed))
        }
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            load(home)?.ok_or_else(|| StoreError::io("read the signing key", &path, e))
        }
        Err(e) => Err(StoreError::io("write the signing key", &path, e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signature_verifies_for_its_session_and_sum_only() {
        let s = Signer::from_seed(&[7; 32]);
        let key = public_key(s.public_hex()).unwrap();
        let sum = "ab".repeat(32);
        let sig = s.sign("s1", &sum);
        assert_eq!(sig.len(), 128);
        assert!(verifies(&key, "s1", &sum, &sig));
        assert!(!verifies(&key, "s2", &sum, &sig), "another session");
        assert!(
            !verifies(&key, "s1", &"cd".repeat(32), &sig),
            "another line"
        );
        let other = public_key(Signer::from_seed(&[8; 32]).public_hex()).unwrap();
        assert!(!verifies(&other, "s1", &sum, &sig), "another key");
        assert!(!verifies(&key, "s1", &sum, "00"), "not a signature");
    }

    #[test]
    fn a_fingerprint_is_four_groups_of_four() {
        let f = Signer::from_seed(&[1; 32]).fingerprint();
        assert_eq!(f.len(), 19);
        assert_eq!(f.matches('-').count(), 3);
        assert_ne!(f, Signer::from_seed(&[2; 32]).fingerprint());
    }
}
