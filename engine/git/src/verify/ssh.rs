//! SSH signatures (SSHSIG, namespace `git`), checked as `git verify-commit` has `ssh-keygen`
//! check them: `-Y find-principals` (the signing key must be in the allowed signers file, valid
//! at the committer time), then `-Y verify -n git` (the entry must allow namespace `git`, and the
//! signature must verify over the payload).

use ssh_key::{HashAlg, PublicKey, SshSig};
use verdict_evidence::{SignatureCheck, SignatureFormat, SignatureStatus};

use super::allowed_signers::{AllowedSigners, Entry, matches_list};

/// The namespace git signs commits in.
const NAMESPACE: &str = "git";

/// Checks an armored SSH signature over `payload`.
pub(super) fn check(
    signature: &str,
    payload: &[u8],
    committer_email: &str,
    committer_time: i64,
    signers: &AllowedSigners,
) -> SignatureCheck {
    let sig = match SshSig::from_pem(signature) {
        Ok(sig) => sig,
        Err(error) => {
            return super::bad(
                SignatureFormat::Ssh,
                format!("the SSH signature cannot be read: {error}"),
            );
        }
    };
    let key = PublicKey::from(sig.public_key().clone());
    let fingerprint = key.fingerprint(HashAlg::Sha256).to_string();
    let result = |status, signer: Option<String>, reason: Option<String>| SignatureCheck {
        status,
        format: Some(SignatureFormat::Ssh),
        signer,
        key_fingerprint: Some(fingerprint.clone()),
        reason,
    };
    let entries: Vec<&Entry> = signers
        .entries
        .iter()
        .filter(|entry| !entry.cert_authority && entry.key.key_data() == key.key_data())
        .collect();
    if entries.is_empty() {
        let mut reason = format!("key {fingerprint} is not in the allowed signers file");
        if signers.entries.iter().any(|entry| entry.cert_authority) {
            reason.push_str(" (its `cert-authority` entries are not used: verdict does not verify SSH certificates)");
        }
        return result(SignatureStatus::UnknownKey, None, Some(reason));
    }
    let valid: Vec<&Entry> = entries
        .iter()
        .copied()
        .filter(|entry| {
            entry
                .valid_after
                .is_none_or(|after| committer_time >= after)
                && entry
                    .valid_before
                    .is_none_or(|before| committer_time <= before)
        })
        .collect();
    let Some(first) = valid.first() else {
        let lines: Vec<String> = entries.iter().map(|entry| entry.line.to_string()).collect();
        return result(
            SignatureStatus::Expired,
            Some(entries[0].principals.clone()),
            Some(format!(
                "key {fingerprint} is allowed (line {}) only outside the commit's time: its `valid-after`/`valid-before` exclude the committer date",
                lines.join(", ")
            )),
        );
    };
    if sig.namespace() != NAMESPACE {
        return result(
            SignatureStatus::Bad,
            Some(first.principals.clone()),
            Some(format!(
                "signed for namespace `{}`, not `{NAMESPACE}`",
                sig.namespace()
            )),
        );
    }
    let Some(entry) = valid.iter().find(|entry| {
        entry
            .namespaces
            .as_deref()
            .is_none_or(|namespaces| matches_list(NAMESPACE, namespaces))
    }) else {
        return result(
            SignatureStatus::Bad,
            Some(first.principals.clone()),
            Some(format!(
                "the allowed signers entry (line {}) does not allow namespace `{NAMESPACE}`",
                first.line
            )),
        );
    };
    if let Err(error) = key.verify(NAMESPACE, payload, &sig) {
        return result(
            SignatureStatus::Bad,
            Some(entry.principals.clone()),
            Some(format!(
                "the signature does not verify over the commit (changed after signing, or forged): {error}"
            )),
        );
    }
    // Git reports the principals of the entry whatever the committer; name the committer when
    // one of them is theirs, so that a policy can compare the two.
    let signer = valid
        .iter()
        .find(|entry| matches_list(committer_email, &entry.principals))
        .map_or_else(|| entry.principals.clone(), |_| committer_email.to_owned());
    result(SignatureStatus::Good, Some(signer), None)
}
