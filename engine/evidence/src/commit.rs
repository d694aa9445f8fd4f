//! Git commits, for policies on history (signed commits, reviews).

use serde::{Deserialize, Serialize};

/// What verdict found when it verified a commit's signature itself.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SignatureStatus {
    /// A valid signature by a key verdict was told to trust, valid at the
    /// commit's time.
    Good,
    /// The signature does not verify over the commit's signed payload.
    Bad,
    /// Signed by a key not among the allowed signers or the keyring.
    UnknownKey,
    /// Signed by a key that had expired (or was not yet valid).
    Expired,
    /// Signed by a revoked key.
    Revoked,
    /// No signature.
    #[default]
    Unsigned,
    /// Signed, but verdict was given no keys of that format: never a pass.
    NotChecked,
}

/// The kind of signature.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SignatureFormat {
    /// An SSH signature (`-----BEGIN SSH SIGNATURE-----`).
    Ssh,
    /// An OpenPGP signature.
    OpenPgp,
    /// An X.509 (S/MIME) signature.
    X509,
}

/// The result of verifying one commit's signature.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignatureCheck {
    /// Good, bad, unknown key…
    pub status: SignatureStatus,
    /// The kind of signature, when signed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<SignatureFormat>,
    /// The signer's identity: the allowed-signers principal, or the OpenPGP
    /// user id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signer: Option<String>,
    /// The signing key's fingerprint (`SHA256:…` for SSH, hex for OpenPGP).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_fingerprint: Option<String>,
    /// Why it is not good, in one line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// One commit between a base and a head revision.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Commit {
    /// Full hex id.
    pub id: String,
    /// Parent ids.
    pub parents: Vec<String>,
    /// Author name.
    pub author_name: String,
    /// Author email.
    pub author_email: String,
    /// Committer name.
    pub committer_name: String,
    /// Committer email.
    pub committer_email: String,
    /// Commit time, seconds since the Unix epoch.
    pub time: i64,
    /// The message.
    pub message: String,
    /// The armored signature (`gpgsig` header), when signed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature: Option<String>,
    /// What verdict found when it verified the signature.
    #[serde(default)]
    pub signature_check: SignatureCheck,
}
