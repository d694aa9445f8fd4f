//! Commit signature verification, done by verdict itself over the exact signed payload.
//!
//! A policy that only sees the armored signature block cannot tell a forged signature from a
//! real one. Here each signed commit is re-read from the repository, its signed payload is
//! rebuilt exactly as git does (the commit object without its `gpgsig` header), and the
//! signature is checked against keys the user trusts:
//!
//! - SSH signatures (namespace `git`) against an `allowed_signers` file in the format of
//!   `ssh-keygen(1)` (what `gpg.ssh.allowedSignersFile` names for git), at the committer's time,
//!   as `git verify-commit` does ([`ssh`], [`allowed_signers`]);
//! - OpenPGP signatures against a keyring of armored public keys, with key and subkey expiry and
//!   revocation judged at the signature's creation time ([`openpgp`]);
//! - X.509 signatures are not checked (status `not-checked`, with the reason).
//!
//! The result replaces [`Commit::signature_check`]. A signature of a format for which no keys
//! were given stays `not-checked`, which no policy may take for a pass.

mod allowed_signers;
mod openpgp;
mod ssh;

use std::path::{Path, PathBuf};

use gix::ObjectId;
use verdict_evidence::{Commit, SignatureCheck, SignatureFormat, SignatureStatus};

use crate::error::describe;
use crate::{GitError, open};

pub use allowed_signers::AllowedSigners;
pub use openpgp::Keyring;

/// The keys verdict verifies signatures against: an allowed-signers file for SSH signatures and
/// a keyring for OpenPGP signatures, each optional.
#[derive(Debug, Default)]
pub struct Keys {
    ssh: Option<AllowedSigners>,
    openpgp: Option<Keyring>,
}

impl Keys {
    /// No keys: every signed commit is `not-checked`.
    pub fn none() -> Keys {
        Keys::default()
    }

    /// Reads an `allowed_signers` file (git's `gpg.ssh.allowedSignersFile` format) and a keyring
    /// of armored OpenPGP public keys. Errors name the file and, where there is one, the line.
    pub fn load(allowed_signers: Option<&Path>, keyring: Option<&Path>) -> Result<Keys, KeysError> {
        let read = |path: &Path| {
            read_text(path).map_err(|cause| KeysError::Read {
                path: path.to_owned(),
                cause: cause.to_string(),
            })
        };
        let ssh = match allowed_signers {
            Some(path) => Some(AllowedSigners::parse(&read(path)?).map_err(
                |(line, message)| KeysError::AllowedSigners {
                    path: path.to_owned(),
                    line,
                    message,
                },
            )?),
            None => None,
        };
        let openpgp = match keyring {
            Some(path) => Some(Keyring::parse(&read(path)?).map_err(|(line, message)| {
                KeysError::Keyring {
                    path: path.to_owned(),
                    line,
                    message,
                }
            })?),
            None => None,
        };
        Ok(Keys { ssh, openpgp })
    }

    /// Whether any keys were given.
    pub fn is_empty(&self) -> bool {
        self.ssh.is_none() && self.openpgp.is_none()
    }
}

/// Reads a key file; the error names the file itself (fs-err would name it twice).
#[expect(
    clippy::disallowed_methods,
    reason = "KeysError::Read names the path; fs-err's message would repeat it"
)]
fn read_text(path: &Path) -> std::io::Result<String> {
    std::fs::read_to_string(path)
}

/// Why the keys could not be loaded.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum KeysError {
    /// The file could not be read.
    #[error("cannot read `{path}`: {cause}", path = path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        cause: String,
    },
    /// A line of the allowed-signers file is malformed.
    #[error("`{path}`, line {line}: {message}", path = path.display())]
    AllowedSigners {
        /// The file.
        path: PathBuf,
        /// 1-based line number.
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// A key block of the keyring is malformed (the line is where the block starts).
    #[error("`{path}`, line {line}: {message}", path = path.display())]
    Keyring {
        /// The file.
        path: PathBuf,
        /// 1-based line number.
        line: usize,
        /// What is wrong.
        message: String,
    },
}

/// Verifies the signature of each of `commits` (read from `repo` by id) against `keys`, and
/// records the result in [`Commit::signature_check`].
///
/// The signed payload is the commit object without its signature header, byte for byte; the
/// signature is the header's value with continuation lines joined, as git hands them to
/// `gpg`/`ssh-keygen`. Only reading a commit object can fail; a bad signature is a result.
pub fn verify(repo: &Path, commits: &mut [Commit], keys: &Keys) -> Result<(), GitError> {
    let repository = open(repo)?;
    let hash_kind = repository.object_hash();
    for commit in commits.iter_mut() {
        let commit_error = |cause: gix::Error| GitError::Commit {
            repo: repo.to_owned(),
            id: commit.id.clone(),
            cause: describe(&cause),
        };
        let id = ObjectId::from_hex(commit.id.as_bytes()).map_err(|cause| GitError::Commit {
            repo: repo.to_owned(),
            id: commit.id.clone(),
            cause: cause.to_string(),
        })?;
        let object = repository.find_commit(id).map_err(commit_error)?;
        let signed =
            gix::objs::CommitRefIter::signature(&object.data, hash_kind).map_err(|cause| {
                GitError::Commit {
                    repo: repo.to_owned(),
                    id: commit.id.clone(),
                    cause: cause.to_string(),
                }
            })?;
        commit.signature_check = match signed {
            Some((signature, payload)) => check(
                &String::from_utf8_lossy(&signature),
                &payload.to_bstring(),
                &commit.committer_email,
                commit.time,
                keys,
            ),
            // A signature header for the other object hash signs nothing git would verify.
            None if commit.signature.is_some() => SignatureCheck {
                status: SignatureStatus::Bad,
                format: commit.signature.as_deref().and_then(format_of),
                reason: Some(format!(
                    "the signature is not in the `{}` header this repository's commits are signed in",
                    gix::objs::commit::signature_field_name(hash_kind)
                )),
                ..SignatureCheck::default()
            },
            None => SignatureCheck::default(),
        };
    }
    Ok(())
}

/// The format of an armored signature, from its first line, as git tells them apart.
pub(crate) fn format_of(signature: &str) -> Option<SignatureFormat> {
    if signature.starts_with("-----BEGIN SSH SIGNATURE-----") {
        Some(SignatureFormat::Ssh)
    } else if signature.starts_with("-----BEGIN PGP SIGNATURE-----")
        || signature.starts_with("-----BEGIN PGP MESSAGE-----")
    {
        Some(SignatureFormat::OpenPgp)
    } else if signature.starts_with("-----BEGIN SIGNED MESSAGE-----") {
        Some(SignatureFormat::X509)
    } else {
        None
    }
}

/// Checks one signature over `payload`; `committer_time` is the time SSH key validity is judged
/// at (git passes it to `ssh-keygen` as `-Overify-time`), `committer_email` the identity an SSH
/// signer is named by when one of its principals matches it.
fn check(
    signature: &str,
    payload: &[u8],
    committer_email: &str,
    committer_time: i64,
    keys: &Keys,
) -> SignatureCheck {
    let not_checked = |format, reason: &str| SignatureCheck {
        status: SignatureStatus::NotChecked,
        format: Some(format),
        reason: Some(reason.to_owned()),
        ..SignatureCheck::default()
    };
    match format_of(signature) {
        Some(SignatureFormat::Ssh) => match &keys.ssh {
            Some(signers) => {
                ssh::check(signature, payload, committer_email, committer_time, signers)
            }
            None => not_checked(
                SignatureFormat::Ssh,
                "an SSH signature, and no allowed signers file was given (`--allowed-signers`)",
            ),
        },
        Some(SignatureFormat::OpenPgp) => match &keys.openpgp {
            Some(keyring) => openpgp::check(signature, payload, keyring),
            None => not_checked(
                SignatureFormat::OpenPgp,
                "an OpenPGP signature, and no keyring was given (`--keyring`)",
            ),
        },
        Some(SignatureFormat::X509) => not_checked(
            SignatureFormat::X509,
            "an X.509 signature: verdict does not verify X.509 signatures",
        ),
        None => SignatureCheck {
            status: SignatureStatus::Bad,
            format: None,
            reason: Some("the signature is in no format git knows".to_owned()),
            ..SignatureCheck::default()
        },
    }
}

/// A check that failed before a key was involved.
fn bad(format: SignatureFormat, reason: String) -> SignatureCheck {
    SignatureCheck {
        status: SignatureStatus::Bad,
        format: Some(format),
        reason: Some(reason),
        ..SignatureCheck::default()
    }
}
