//! Optional ed25519 signatures over each record's hash.
//!
//! The signing key is a 32-byte ed25519 seed, hex-encoded, in the
//! environment variable [`KEY_ENV`] (set from the CI secret store); the
//! verifying key is the 32-byte public key, hex-encoded (`--public-key` or
//! [`PUBLIC_KEY_ENV`]). A signature covers the 32 raw bytes of the record's
//! hash. Key bytes never appear in a message or a `Debug` output.

use crate::LedgerError;
use ed25519_dalek::{Signature, Signer as _};
use sha2::{Digest, Sha256};

/// The environment variable holding the signing seed (64 hex digits).
pub const KEY_ENV: &str = "VERDICT_LEDGER_KEY";

/// The environment variable holding the public key to verify with (64 hex
/// digits).
pub const PUBLIC_KEY_ENV: &str = "VERDICT_LEDGER_PUBLIC_KEY";

/// A signing key.
pub struct Signer {
    key: ed25519_dalek::SigningKey,
    key_id: String,
}

impl std::fmt::Debug for Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Signer")
            .field("key_id", &self.key_id)
            .finish_non_exhaustive()
    }
}

impl Signer {
    /// A signer from a hex-encoded 32-byte seed.
    pub fn from_hex_seed(seed: &str) -> Result<Signer, LedgerError> {
        let bytes = decode_32(seed.trim()).map_err(|reason| {
            LedgerError::Key(format!(
                "the signing key is not a 32-byte seed in hex: {reason}"
            ))
        })?;
        let key = ed25519_dalek::SigningKey::from_bytes(&bytes);
        let key_id = key_id(key.verifying_key().as_bytes());
        Ok(Signer { key, key_id })
    }

    /// The signer from [`KEY_ENV`], or none when the variable is unset or
    /// empty.
    pub fn from_env() -> Result<Option<Signer>, LedgerError> {
        match std::env::var(KEY_ENV) {
            Ok(seed) if !seed.trim().is_empty() => Signer::from_hex_seed(&seed)
                .map(Some)
                .map_err(|error| LedgerError::Key(format!("{KEY_ENV}: {error}"))),
            Ok(_) | Err(std::env::VarError::NotPresent) => Ok(None),
            Err(std::env::VarError::NotUnicode(_)) => {
                Err(LedgerError::Key(format!("{KEY_ENV} is not UTF-8")))
            }
        }
    }

    /// The key's id: `ed25519:` and 16 hex digits of the public key's sha256.
    pub fn key_id(&self) -> &str {
        &self.key_id
    }

    /// The public key, for verification.
    pub fn verifying_key(&self) -> VerifyingKey {
        VerifyingKey {
            key: self.key.verifying_key(),
            key_id: self.key_id.clone(),
        }
    }

    /// The hex signature of a record hash (hex).
    pub(crate) fn sign(&self, hash: &str) -> Result<String, LedgerError> {
        let bytes = decode_32(hash)
            .map_err(|reason| LedgerError::Internal(format!("record hash: {reason}")))?;
        Ok(hex::encode(self.key.sign(&bytes).to_bytes()))
    }
}

/// A public key to verify signatures with.
#[derive(Debug, Clone)]
pub struct VerifyingKey {
    key: ed25519_dalek::VerifyingKey,
    key_id: String,
}

impl VerifyingKey {
    /// A key from its 32 bytes in hex.
    pub fn from_hex(public_key: &str) -> Result<VerifyingKey, LedgerError> {
        let bytes = decode_32(public_key.trim()).map_err(|reason| {
            LedgerError::Key(format!("the public key is not 32 bytes in hex: {reason}"))
        })?;
        let key = ed25519_dalek::VerifyingKey::from_bytes(&bytes)
            .map_err(|_| LedgerError::Key("the public key is not an ed25519 point".into()))?;
        Ok(VerifyingKey {
            key_id: key_id(key.as_bytes()),
            key,
        })
    }

    /// The key's id, as recorded next to each signature.
    pub fn key_id(&self) -> &str {
        &self.key_id
    }

    /// The public key in hex.
    pub fn to_hex(&self) -> String {
        hex::encode(self.key.as_bytes())
    }

    /// Whether `signature` (hex) is this key's signature of `hash` (hex).
    pub(crate) fn check(
        &self,
        hash: &str,
        signature: Option<&str>,
        key_id: Option<&str>,
    ) -> Result<(), String> {
        let Some(signature) = signature else {
            return Err(format!(
                "it is not signed (expected a signature by {})",
                self.key_id
            ));
        };
        if let Some(key_id) = key_id
            && key_id != self.key_id
        {
            return Err(format!(
                "it is signed by key {}, not by {}",
                shown_key_id(key_id),
                self.key_id
            ));
        }
        let hash = decode_32(hash).map_err(|reason| format!("its hash is not hex: {reason}"))?;
        let signature = hex::decode(signature)
            .ok()
            .and_then(|bytes| Signature::from_slice(&bytes).ok())
            .ok_or_else(|| "its signature is not 64 bytes in hex".to_owned())?;
        self.key
            .verify_strict(&hash, &signature)
            .map_err(|_| format!("its signature does not verify with key {}", self.key_id))
    }
}

/// A stored key id shown in a message: ids the ledger writes are short hex;
/// anything else is cut.
fn shown_key_id(key_id: &str) -> String {
    key_id.chars().take(40).collect()
}

fn key_id(public_key: &[u8; 32]) -> String {
    let digest = Sha256::digest(public_key);
    format!("ed25519:{}", &hex::encode(digest)[..16])
}

/// 32 bytes from 64 hex digits. The reason never quotes the input.
fn decode_32(text: &str) -> Result<[u8; 32], String> {
    if text.len() != 64 {
        return Err(format!(
            "expected 64 hex digits, got {} characters",
            text.chars().count()
        ));
    }
    let bytes = hex::decode(text).map_err(|_| "not hex".to_owned())?;
    bytes.try_into().map_err(|_| "expected 32 bytes".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SEED: &str = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";

    #[test]
    fn a_signature_verifies_with_its_key_only() {
        let signer = Signer::from_hex_seed(SEED).expect("seed");
        let hash = "ab".repeat(32);
        let signature = signer.sign(&hash).expect("sign");
        let key = signer.verifying_key();
        assert_eq!(
            key.check(&hash, Some(&signature), Some(signer.key_id())),
            Ok(())
        );
        let other_hash = "cd".repeat(32);
        assert!(key.check(&other_hash, Some(&signature), None).is_err());
        assert!(key.check(&hash, None, None).is_err());
        let other = Signer::from_hex_seed(&"11".repeat(32)).expect("seed");
        assert!(
            other
                .verifying_key()
                .check(&hash, Some(&signature), None)
                .is_err()
        );
    }

    #[test]
    fn key_errors_and_debug_never_show_the_key() {
        let signer = Signer::from_hex_seed(SEED).expect("seed");
        assert!(!format!("{signer:?}").contains(SEED));
        let bad = format!("{}zz", &SEED[..62]);
        let message = Signer::from_hex_seed(&bad)
            .expect_err("not hex")
            .to_string();
        assert!(!message.contains(&SEED[..62]), "{message}");
        let message = Signer::from_hex_seed(&SEED[..40])
            .expect_err("short")
            .to_string();
        assert!(!message.contains(&SEED[..40]), "{message}");
    }
}
