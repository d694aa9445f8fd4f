//! OpenPGP signatures, checked against a keyring of armored public keys with rpgp.
//!
//! The key that made the signature (primary key or signing subkey, found by the signature's
//! issuer fingerprint or key id) must be in the keyring, bound to its primary key, and neither
//! expired nor revoked at the signature's creation time: the self-signature (or subkey binding)
//! in force then gives its expiry; a revocation counts from its own time when its reason is
//! "superseded" or "retired", and always otherwise (a compromised key, or no reason given: a
//! signature dated before the revocation could have been back-dated by whoever holds the key).

use pgp::composed::{Deserializable, DetachedSignature, SignedPublicKey, SignedPublicSubKey};
use pgp::packet::{RevocationCode, Signature, SignatureType};
use pgp::types::{KeyDetails, Tag, Timestamp};
use verdict_evidence::{SignatureCheck, SignatureFormat, SignatureStatus};

/// The armor lines around a public key block.
const BEGIN: &str = "-----BEGIN PGP PUBLIC KEY BLOCK-----";
const END: &str = "-----END PGP PUBLIC KEY BLOCK-----";

/// The public keys signatures are checked against.
#[derive(Debug, Default)]
pub struct Keyring {
    keys: Vec<SignedPublicKey>,
}

impl Keyring {
    /// Parses every armored public key block of `text` (as `gpg --export --armor` writes them,
    /// one or more keys a block, blocks one after another); text between blocks is ignored. An
    /// error is the 1-based line where the faulty block starts, and what is wrong.
    pub(super) fn parse(text: &str) -> Result<Keyring, (usize, String)> {
        let mut keys = Vec::new();
        let mut block: Option<(usize, String)> = None;
        let mut last_line = 0;
        for (index, line) in text.lines().enumerate() {
            last_line = index + 1;
            let trimmed = line.trim_end();
            if trimmed == BEGIN {
                block = Some((index + 1, String::new()));
            }
            let Some((start, lines)) = &mut block else {
                continue;
            };
            lines.push_str(trimmed);
            lines.push('\n');
            if trimmed == END {
                let start = *start;
                let armored = std::mem::take(lines);
                block = None;
                let parsed = SignedPublicKey::from_string_many(&armored).map_err(|error| {
                    (start, format!("cannot read the public key block: {error}"))
                })?;
                for key in parsed.0 {
                    keys.push(
                        key.map_err(|error| (start, format!("cannot read a public key: {error}")))?,
                    );
                }
            }
        }
        if let Some((start, _)) = block {
            return Err((start, format!("the key block has no `{END}` line")));
        }
        if keys.is_empty() {
            return Err((
                last_line.max(1),
                format!("no armored public key (`{BEGIN}`) in the file"),
            ));
        }
        Ok(Keyring { keys })
    }
}

/// Checks an armored OpenPGP signature over `payload`.
pub(super) fn check(signature: &str, payload: &[u8], keyring: &Keyring) -> SignatureCheck {
    let signature = match DetachedSignature::from_string(signature) {
        Ok((detached, _headers)) => detached.signature,
        Err(error) => {
            return super::bad(
                SignatureFormat::OpenPgp,
                format!("the OpenPGP signature cannot be read: {error}"),
            );
        }
    };
    let Some(created) = signature.created() else {
        return super::bad(
            SignatureFormat::OpenPgp,
            "the OpenPGP signature has no creation time".to_owned(),
        );
    };
    let issuer = signature
        .issuer_fingerprint()
        .first()
        .map(|fingerprint| format!("{fingerprint:X}"))
        .or_else(|| {
            signature.issuer_key_id().first().map(|id| {
                id.as_ref()
                    .iter()
                    .map(|byte| format!("{byte:02X}"))
                    .collect()
            })
        });
    let Some((key, subkey)) = find(keyring, &signature) else {
        return SignatureCheck {
            status: SignatureStatus::UnknownKey,
            format: Some(SignatureFormat::OpenPgp),
            key_fingerprint: issuer.clone(),
            reason: Some(format!(
                "key {} is not in the keyring",
                issuer.as_deref().unwrap_or("(no issuer given)")
            )),
            ..SignatureCheck::default()
        };
    };
    let fingerprint = match subkey {
        Some(subkey) => format!("{:X}", subkey.key.fingerprint()),
        None => format!("{:X}", key.primary_key.fingerprint()),
    };
    let result = |status, reason: Option<String>| SignatureCheck {
        status,
        format: Some(SignatureFormat::OpenPgp),
        signer: user_id(key),
        key_fingerprint: Some(fingerprint.clone()),
        reason,
    };
    let verified = match subkey {
        Some(subkey) => signature.verify(&subkey.key, payload),
        None => signature.verify(&key.primary_key, payload),
    };
    if let Err(error) = verified {
        return result(
            SignatureStatus::Bad,
            Some(format!(
                "the signature does not verify over the commit (changed after signing, or forged): {error}"
            )),
        );
    }
    match validity(key, subkey, created) {
        Ok(()) => result(SignatureStatus::Good, None),
        Err((status, reason)) => result(status, Some(reason)),
    }
}

/// The keyring key (and subkey, when a subkey signed) that issued `signature`.
fn find<'a>(
    keyring: &'a Keyring,
    signature: &Signature,
) -> Option<(&'a SignedPublicKey, Option<&'a SignedPublicSubKey>)> {
    let issued_by = |component: &dyn KeyDetailsDyn| {
        let fingerprints = signature.issuer_fingerprint();
        let ids = signature.issuer_key_id();
        fingerprints.contains(&&component.fingerprint_dyn())
            || ids.contains(&&component.key_id_dyn())
    };
    keyring.keys.iter().find_map(|key| {
        if issued_by(&key.primary_key) {
            return Some((key, None));
        }
        key.public_subkeys
            .iter()
            .find(|subkey| issued_by(&subkey.key))
            .map(|subkey| (key, Some(subkey)))
    })
}

/// [`KeyDetails`] is not object safe; the two things [`find`] needs of a key.
trait KeyDetailsDyn {
    fn fingerprint_dyn(&self) -> pgp::types::Fingerprint;
    fn key_id_dyn(&self) -> pgp::types::KeyId;
}

impl<K: KeyDetails> KeyDetailsDyn for K {
    fn fingerprint_dyn(&self) -> pgp::types::Fingerprint {
        self.fingerprint()
    }
    fn key_id_dyn(&self) -> pgp::types::KeyId {
        self.legacy_key_id()
    }
}

/// The primary user id (or the first one), as text.
fn user_id(key: &SignedPublicKey) -> Option<String> {
    let users = &key.details.users;
    users
        .iter()
        .find(|user| user.is_primary())
        .or_else(|| users.first())
        .map(|user| String::from_utf8_lossy(user.id.id()).into_owned())
}

/// Whether the signing key was valid at `at`: not revoked, bound, and not expired.
fn validity(
    key: &SignedPublicKey,
    subkey: Option<&SignedPublicSubKey>,
    at: Timestamp,
) -> Result<(), (SignatureStatus, String)> {
    let primary = &key.primary_key;
    // The primary key: revocations, then the self-signature in force at `at`.
    for revocation in &key.details.revocation_signatures {
        if revocation.verify_key(primary).is_ok() && revokes_at(revocation, at) {
            return Err((SignatureStatus::Revoked, revoked("key", revocation)));
        }
    }
    let mut self_signatures: Vec<&Signature> = key
        .details
        .direct_signatures
        .iter()
        .filter(|signature| signature.verify_key(primary).is_ok())
        .collect();
    for user in &key.details.users {
        self_signatures.extend(user.signatures.iter().filter(|signature| {
            signature
                .verify_certification(primary, Tag::UserId, &user.id)
                .is_ok()
        }));
    }
    let Some(self_signature) = latest_at(self_signatures, at) else {
        return Err((
            SignatureStatus::Expired,
            "the key has no valid self-signature made before the signature: it was not yet valid"
                .to_owned(),
        ));
    };
    expiry(
        "key",
        primary.created_at(),
        self_signature.key_expiration_time(),
        at,
    )?;
    let Some(subkey) = subkey else {
        if !self_signature.key_flags().sign() && has_key_flags(self_signature) {
            return Err((
                SignatureStatus::Bad,
                "the key is not allowed to sign (its key flags)".to_owned(),
            ));
        }
        return Ok(());
    };
    // The subkey: its revocations, then the binding in force at `at`.
    for revocation in &subkey.signatures {
        if revocation.typ() == Some(SignatureType::SubkeyRevocation)
            && revocation
                .verify_subkey_binding(primary, &subkey.key)
                .is_ok()
            && revokes_at(revocation, at)
        {
            return Err((SignatureStatus::Revoked, revoked("subkey", revocation)));
        }
    }
    let bindings = subkey.signatures.iter().filter(|binding| {
        binding.typ() == Some(SignatureType::SubkeyBinding)
            && binding.verify_subkey_binding(primary, &subkey.key).is_ok()
            && binding.key_flags().sign()
            && binding.embedded_signature().is_some_and(|back| {
                back.verify_primary_key_binding(&subkey.key, primary)
                    .is_ok()
            })
    });
    let Some(binding) = latest_at(bindings.collect(), at) else {
        return Err((
            SignatureStatus::Bad,
            "the subkey was not bound to its key as a signing key when the signature was made"
                .to_owned(),
        ));
    };
    expiry(
        "subkey",
        subkey.key.created_at(),
        binding.key_expiration_time(),
        at,
    )
}

/// Whether a self-signature carries a key flags subpacket at all (without one, usage is not
/// restricted).
fn has_key_flags(signature: &Signature) -> bool {
    signature.config().is_some_and(|config| {
        config
            .hashed_subpackets()
            .any(|packet| matches!(packet.data, pgp::packet::SubpacketData::KeyFlags(_)))
    })
}

/// The most recent of `signatures` made at or before `at`.
fn latest_at(signatures: Vec<&Signature>, at: Timestamp) -> Option<&Signature> {
    signatures
        .into_iter()
        .filter(|signature| signature.created().is_some_and(|created| created <= at))
        .max_by_key(|signature| signature.created())
}

/// Whether `revocation` applies to a signature made at `at`: a key superseded or retired is
/// revoked from the revocation's time on; any other reason revokes it for all time.
fn revokes_at(revocation: &Signature, at: Timestamp) -> bool {
    match revocation.revocation_reason_code() {
        Some(RevocationCode::KeySuperseded | RevocationCode::KeyRetired) => {
            revocation.created().is_none_or(|revoked| revoked <= at)
        }
        _ => true,
    }
}

/// The reason for a revocation, in one line.
fn revoked(what: &str, revocation: &Signature) -> String {
    let code = revocation
        .revocation_reason_code()
        .map_or_else(|| "no reason given".to_owned(), |code| format!("{code:?}"));
    let text = revocation
        .revocation_reason_string()
        .map(|text| String::from_utf8_lossy(text).into_owned())
        .filter(|text| !text.trim().is_empty());
    match text {
        Some(text) => format!("the {what} was revoked ({code}: {})", text.trim()),
        None => format!("the {what} was revoked ({code})"),
    }
}

/// Fails when a key created at `created` with `lifetime` was expired (or not yet created) at
/// `at`.
fn expiry(
    what: &str,
    created: Timestamp,
    lifetime: Option<pgp::types::Duration>,
    at: Timestamp,
) -> Result<(), (SignatureStatus, String)> {
    if created > at {
        return Err((
            SignatureStatus::Expired,
            format!("the {what} was created after the signature: it was not yet valid"),
        ));
    }
    if let Some(lifetime) = lifetime.map(pgp::types::Duration::as_secs)
        && lifetime != 0
        && u64::from(created.as_secs()) + u64::from(lifetime) <= u64::from(at.as_secs())
    {
        return Err((
            SignatureStatus::Expired,
            format!(
                "the {what} had expired when the signature was made ({} days after its creation)",
                lifetime / 86_400
            ),
        ));
    }
    Ok(())
}
