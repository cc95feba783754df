//! Encryption of provider tokens at rest: AES-256-GCM under a keyring (`TOKEN_ENCRYPTION_KEYS`).
//!
//! The first key encrypts; every key decrypts, so keys can be rotated by prepending a new one.
//! A sealed value reads `keyid:base64(nonce ‖ ciphertext)`, so the key that sealed it is known.
//! `seal_bound`/`open_bound` add associated data (a token's user id and provider), so a value
//! moved onto another row no longer opens.
//! In development with no keys configured, one key is generated once into the data directory.

use std::io::Write;
use std::path::Path;

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use rand::RngCore;
use secrecy::{ExposeSecret, SecretString};

const KEY_FILE: &str = "token-encryption.key";

pub struct Keyring {
    keys: Vec<(String, Aes256Gcm)>,
}

impl std::fmt::Debug for Keyring {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let ids: Vec<&str> = self.keys.iter().map(|(id, _)| id.as_str()).collect();
        f.debug_struct("Keyring").field("key_ids", &ids).finish()
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum KeyParseError {
    #[error("\"{0}\" is not id:base64 — write each key as id:base64(32 bytes), comma-separated.")]
    Shape(String),
    #[error(
        "key \"{0}\" does not decode to 32 bytes of base64 — generate one with `openssl rand -base64 32`."
    )]
    Length(String),
    #[error("no key given — write at least one id:base64(32 bytes).")]
    Empty,
    #[error("key id \"{0}\" is used twice — give every key its own id.")]
    DuplicateId(String),
}

#[derive(Debug, thiserror::Error)]
pub enum CryptoError {
    #[error("the sealed value is malformed")]
    Malformed,
    #[error("the sealed value uses key \"{0}\", which is not configured")]
    UnknownKey(String),
    #[error("the sealed value does not decrypt with its key")]
    Tampered,
}

impl Keyring {
    pub fn parse(spec: &str) -> Result<Keyring, KeyParseError> {
        let mut keys = Vec::new();
        for item in spec.split(',').map(str::trim).filter(|i| !i.is_empty()) {
            let Some((id, b64)) = item.split_once(':') else {
                return Err(KeyParseError::Shape(redact(item)));
            };
            if id.is_empty() {
                return Err(KeyParseError::Shape(redact(item)));
            }
            let bytes = STANDARD
                .decode(b64)
                .ok()
                .filter(|b| b.len() == 32)
                .ok_or_else(|| KeyParseError::Length(id.to_owned()))?;
            let cipher = Aes256Gcm::new_from_slice(&bytes)
                .map_err(|_| KeyParseError::Length(id.to_owned()))?;
            if keys.iter().any(|(known, _)| known == id) {
                return Err(KeyParseError::DuplicateId(id.to_owned()));
            }
            keys.push((id.to_owned(), cipher));
        }
        if keys.is_empty() {
            return Err(KeyParseError::Empty);
        }
        Ok(Keyring { keys })
    }

    /// The configured keys, or in development the key generated once into `data_dir`.
    pub fn load(configured: Option<&SecretString>, data_dir: &Path) -> anyhow::Result<Keyring> {
        if let Some(spec) = configured {
            return Ok(Keyring::parse(spec.expose_secret())?);
        }
        let path = data_dir.join(KEY_FILE);
        let spec = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => generate_key_file(&path)?,
            Err(e) => return Err(anyhow::anyhow!("cannot read {}: {e}", path.display())),
        };
        Ok(Keyring::parse(spec.trim())?)
    }

    pub fn seal(&self, plaintext: &str) -> String {
        self.seal_bound(plaintext, b"")
    }

    /// Seals with associated data (e.g. the row's user id and provider): the value opens only
    /// with the same associated data, so a ciphertext copied onto another row is refused.
    pub fn seal_bound(&self, plaintext: &str, associated: &[u8]) -> String {
        let (id, cipher) = &self.keys[0];
        let mut nonce = [0u8; 12];
        rand::rng().fill_bytes(&mut nonce);
        // Encryption with a valid key and a 12-byte nonce cannot fail for inputs of this size.
        let sealed = cipher
            .encrypt(
                Nonce::from_slice(&nonce),
                Payload {
                    msg: plaintext.as_bytes(),
                    aad: associated,
                },
            )
            .unwrap_or_default();
        let mut blob = nonce.to_vec();
        blob.extend_from_slice(&sealed);
        format!("{id}:{}", STANDARD.encode(blob))
    }

    pub fn open(&self, sealed: &str) -> Result<SecretString, CryptoError> {
        self.open_bound(sealed, b"")
    }

    /// The id of the key that encrypts (the first one).
    pub fn primary_key_id(&self) -> &str {
        &self.keys[0].0
    }

    /// The id of the key a sealed value was sealed with.
    pub fn key_id_of(sealed: &str) -> Option<&str> {
        sealed.split_once(':').map(|(id, _)| id)
    }

    /// Opens a value sealed by `seal_bound` with the same associated data.
    pub fn open_bound(&self, sealed: &str, associated: &[u8]) -> Result<SecretString, CryptoError> {
        let (id, b64) = sealed.split_once(':').ok_or(CryptoError::Malformed)?;
        let (_, cipher) = self
            .keys
            .iter()
            .find(|(key_id, _)| key_id == id)
            .ok_or_else(|| CryptoError::UnknownKey(id.to_owned()))?;
        let blob = STANDARD.decode(b64).map_err(|_| CryptoError::Malformed)?;
        if blob.len() < 12 {
            return Err(CryptoError::Malformed);
        }
        let (nonce, ciphertext) = blob.split_at(12);
        let plain = cipher
            .decrypt(
                Nonce::from_slice(nonce),
                Payload {
                    msg: ciphertext,
                    aad: associated,
                },
            )
            .map_err(|_| CryptoError::Tampered)?;
        let text = String::from_utf8(plain).map_err(|_| CryptoError::Malformed)?;
        Ok(SecretString::from(text))
    }
}

/// Fewer distinct byte values than this in 32 bytes is not random: 32 random bytes hold about 30
/// distinct values, and fewer than 8 happens with a probability far below 10^-20.
const MIN_DISTINCT_BYTES: usize = 8;

/// Keys that parse but are not fit for production: all one byte (all zero), a short pattern
/// repeated (`abab…`), or the same key material under two ids. One sentence per key, naming the
/// id, never the key. Production refuses to start with any of them (development keeps working
/// with test keys such as 32 × 0x01).
pub fn weak_keys(spec: &str) -> Vec<String> {
    let mut problems = Vec::new();
    let mut seen: Vec<(&str, Vec<u8>)> = Vec::new();
    for item in spec.split(',').map(str::trim).filter(|i| !i.is_empty()) {
        let Some((id, b64)) = item.split_once(':') else {
            continue;
        };
        let Ok(bytes) = STANDARD.decode(b64) else {
            continue;
        };
        let mut distinct = bytes.clone();
        distinct.sort_unstable();
        distinct.dedup();
        if distinct.len() < MIN_DISTINCT_BYTES {
            problems.push(format!(
                "key \"{id}\" is not random (it repeats a few byte values) — generate one with \
                 `openssl rand -base64 32`."
            ));
        } else if let Some((other, _)) = seen.iter().find(|(_, b)| *b == bytes) {
            problems.push(format!(
                "keys \"{other}\" and \"{id}\" are the same key — generate a new one for \"{id}\"."
            ));
        }
        seen.push((id, bytes));
    }
    problems
}

/// Shows which item was wrong without printing key material.
fn redact(item: &str) -> String {
    item.chars().take(4).chain("…".chars()).collect()
}

fn generate_key_file(path: &Path) -> anyhow::Result<String> {
    use std::os::unix::fs::OpenOptionsExt;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let mut key = [0u8; 32];
    rand::rng().fill_bytes(&mut key);
    let spec = format!("dev:{}\n", STANDARD.encode(key));
    // create_new: two processes starting at once must not each write a different key.
    match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
    {
        Ok(mut file) => {
            file.write_all(spec.as_bytes())?;
            file.sync_all()?;
            tracing::info!(path = %path.display(), "generated a development token-encryption key");
            Ok(spec)
        }
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            Ok(std::fs::read_to_string(path)?)
        }
        Err(e) => Err(anyhow::anyhow!("cannot write {}: {e}", path.display())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(byte: u8) -> String {
        STANDARD.encode([byte; 32])
    }

    #[test]
    fn seal_then_open_round_trips_and_hides_the_plaintext() {
        let ring = Keyring::parse(&format!("k1:{}", key(1))).unwrap();
        let sealed = ring.seal("ya29.secret-token");
        assert!(!sealed.contains("secret-token"));
        assert!(sealed.starts_with("k1:"));
        assert_eq!(
            ring.open(&sealed).unwrap().expose_secret(),
            "ya29.secret-token"
        );
    }

    #[test]
    fn rotation_decrypts_with_old_keys_and_encrypts_with_the_first() {
        let old = Keyring::parse(&format!("k1:{}", key(1))).unwrap();
        let sealed_old = old.seal("refresh");
        let rotated = Keyring::parse(&format!("k2:{},k1:{}", key(2), key(1))).unwrap();
        assert_eq!(
            rotated.open(&sealed_old).unwrap().expose_secret(),
            "refresh"
        );
        assert!(rotated.seal("x").starts_with("k2:"));
    }

    #[test]
    fn tampering_and_unknown_keys_are_refused() {
        let ring = Keyring::parse(&format!("k1:{}", key(1))).unwrap();
        let mut sealed = ring.seal("token");
        sealed.pop();
        sealed.push('A');
        assert!(ring.open(&sealed).is_err());
        assert!(matches!(
            ring.open("k9:AAAA"),
            Err(CryptoError::UnknownKey(_))
        ));
    }

    #[test]
    fn malformed_specs_are_explained_without_echoing_keys() {
        assert!(matches!(Keyring::parse(""), Err(KeyParseError::Empty)));
        assert!(
            matches!(Keyring::parse("k1:c2hvcnQ="), Err(KeyParseError::Length(id)) if id == "k1")
        );
        let err = Keyring::parse("supersecretvalue").unwrap_err().to_string();
        assert!(!err.contains("supersecretvalue"));
    }

    #[test]
    fn associated_data_binds_a_value_to_its_row() {
        let ring = Keyring::parse(&format!("k1:{}", key(1))).unwrap();
        let sealed = ring.seal_bound("token", b"user-a/youtube");
        assert_eq!(
            ring.open_bound(&sealed, b"user-a/youtube")
                .unwrap()
                .expose_secret(),
            "token"
        );
        assert!(matches!(
            ring.open_bound(&sealed, b"user-b/youtube"),
            Err(CryptoError::Tampered)
        ));
        assert!(ring.open(&sealed).is_err());
        assert_eq!(Keyring::key_id_of(&sealed), Some("k1"));
        assert_eq!(ring.primary_key_id(), "k1");
    }

    #[test]
    fn duplicate_ids_are_refused() {
        assert_eq!(
            Keyring::parse(&format!("k1:{},k1:{}", key(1), key(2))).unwrap_err(),
            KeyParseError::DuplicateId("k1".into())
        );
    }

    #[test]
    fn weak_keys_are_named_without_their_material() {
        let random = STANDARD.encode((0u8..32).map(|i| i.wrapping_mul(37)).collect::<Vec<_>>());
        assert!(weak_keys(&format!("good:{random}")).is_empty());
        let pattern = STANDARD.encode([0xab, 0xcd].repeat(16));
        let problems = weak_keys(&format!(
            "zero:{},rep:{pattern},good:{random},copy:{random}",
            key(0)
        ));
        assert_eq!(problems.len(), 3, "{problems:?}");
        assert!(problems[0].contains("\"zero\""));
        assert!(problems[1].contains("\"rep\""));
        assert!(problems[2].contains("\"good\" and \"copy\""));
        assert!(!problems.concat().contains(&random));
    }

    #[test]
    fn development_key_is_generated_once() {
        let dir = tempfile::tempdir().unwrap();
        let a = Keyring::load(None, dir.path()).unwrap();
        let sealed = a.seal("t");
        let b = Keyring::load(None, dir.path()).unwrap();
        assert_eq!(b.open(&sealed).unwrap().expose_secret(), "t");
    }
}
