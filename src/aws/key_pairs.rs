//! Key pairs: the domain types of the `KeyPairsApi` port.

use std::fmt;

use super::{clean, clean_pairs, is_control};

/// An EC2 key pair.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize)]
pub struct KeyPair {
    pub id: String,
    pub name: String,
    /// `rsa` or `ed25519`.
    pub key_type: String,
    pub fingerprint: String,
    /// Seconds since the epoch.
    pub created: Option<i64>,
    #[serde(serialize_with = "super::tags_as_map")]
    pub tags: Vec<(String, String)>,
}

/// A key pair EC2 has just created, with its private key: EC2 hands it out this once.
#[derive(Clone, PartialEq, Eq)]
pub struct NewKeyPair {
    pub key: KeyPair,
    /// The PEM private key (`-----BEGIN ... PRIVATE KEY-----` ... `-----END ...-----`).
    pub material: String,
}

/// Never prints the private key (logs, panics, `{:?}` in a test failure).
impl fmt::Debug for NewKeyPair {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NewKeyPair")
            .field("key", &self.key)
            .field(
                "material",
                &format_args!("<{} bytes, not shown>", self.material.len()),
            )
            .finish()
    }
}

/// Cleans every string of a key pair in place.
pub fn clean_key_pair(k: &mut KeyPair) {
    for s in [&mut k.id, &mut k.name, &mut k.key_type, &mut k.fingerprint] {
        if s.chars().any(is_control) {
            *s = clean(s);
        }
    }
    clean_pairs(&mut k.tags);
}

/// The key type (`rsa`, `ed25519`) of an OpenSSH public key line (`ssh-ed25519 AAAA... comment`);
/// empty for any other kind. ImportKeyPair does not say which type it imported.
pub fn public_key_type(public_key: &str) -> &'static str {
    match public_key.split_whitespace().next() {
        Some("ssh-rsa") => "rsa",
        Some("ssh-ed25519") => "ed25519",
        _ => "",
    }
}
