//! The `signed-commits` built-in: every commit in range carries a good signature from an allowed
//! signer, as verdict itself verified it (never the raw signature block alone).

use serde::Deserialize;
use verdict_policy_sdk::schemars::JsonSchema;
use verdict_policy_sdk::{
    Commit, Context, Descriptor, Error, Evidence, Kind, Outcome, Policy, Severity, SignatureFormat,
    SignatureStatus, Violation,
};

/// The `signed-commits` policy.
pub struct SignedCommits;

/// Configuration of the `signed-commits` policy (docs/policies/signed-commits.md).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
#[schemars(crate = "verdict_policy_sdk::schemars")]
pub struct Config {
    /// The signature formats accepted.
    #[serde(default = "all_formats")]
    #[schemars(length(min = 1))]
    pub formats: Vec<Format>,
    /// The signer must be the committer: the allowed-signers principal that
    /// matched (SSH), or the email of the key's primary user id (OpenPGP), is
    /// the committer's email (case-insensitive).
    #[serde(default = "yes")]
    pub signer_is_committer: bool,
    /// Commits that need no good signature, each with a reason: merges made by
    /// the forge, listed bots. An entry that matched no commit is noted.
    #[serde(default)]
    pub exempt: Vec<Exempt>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            formats: all_formats(),
            signer_is_committer: true,
            exempt: Vec::new(),
        }
    }
}

fn all_formats() -> Vec<Format> {
    vec![Format::Ssh, Format::Openpgp]
}

fn yes() -> bool {
    true
}

/// A signature format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
#[schemars(crate = "verdict_policy_sdk::schemars")]
pub enum Format {
    /// SSH signatures (`gpg.format = ssh`).
    Ssh,
    /// OpenPGP signatures.
    Openpgp,
}

/// Commits exempt from the policy. Give at least one of `committer-email` and
/// `author-email`; every key given must match.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
#[schemars(crate = "verdict_policy_sdk::schemars")]
pub struct Exempt {
    /// The committer's email; `*` matches any run of characters
    /// (`noreply@github.com`, `*[bot]@users.noreply.github.com`).
    #[serde(default)]
    pub committer_email: Option<String>,
    /// The author's email, with the same `*` patterns.
    #[serde(default)]
    pub author_email: Option<String>,
    /// Only merge commits (more than one parent) match.
    #[serde(default)]
    pub merges: bool,
    /// Why these commits need no signature.
    #[schemars(length(min = 1))]
    pub reason: String,
}

impl Exempt {
    fn covers(&self, commit: &Commit) -> bool {
        (!self.merges || commit.parents.len() > 1)
            && self
                .committer_email
                .as_deref()
                .is_none_or(|pattern| glob(pattern, &commit.committer_email))
            && self
                .author_email
                .as_deref()
                .is_none_or(|pattern| glob(pattern, &commit.author_email))
    }

    fn describe(&self) -> String {
        let mut parts = Vec::new();
        if self.merges {
            parts.push("merges".to_owned());
        }
        if let Some(email) = &self.committer_email {
            parts.push(format!("committer `{email}`"));
        }
        if let Some(email) = &self.author_email {
            parts.push(format!("author `{email}`"));
        }
        parts.join(", ")
    }
}

/// Case-insensitive whole-string match where `*` matches any run of characters.
fn glob(pattern: &str, text: &str) -> bool {
    fn matches(pattern: &[char], text: &[char]) -> bool {
        match pattern.split_first() {
            None => text.is_empty(),
            Some(('*', rest)) => (0..=text.len()).any(|skip| matches(rest, &text[skip..])),
            Some((character, rest)) => text.first() == Some(character) && matches(rest, &text[1..]),
        }
    }
    let pattern: Vec<char> = pattern.trim().to_lowercase().chars().collect();
    let text: Vec<char> = text.trim().to_lowercase().chars().collect();
    matches(&pattern, &text)
}

fn check_config(config: &Config) -> Result<(), Error> {
    for (index, exempt) in config.exempt.iter().enumerate() {
        let at = format!("invalid configuration at `exempt[{index}]`");
        if exempt.reason.trim().is_empty() {
            return Err(Error::new(format!("{at}: `reason` must not be empty")));
        }
        let given = |value: &Option<String>| value.as_deref().is_some_and(|v| !v.trim().is_empty());
        if !given(&exempt.committer_email) && !given(&exempt.author_email) {
            return Err(Error::new(format!(
                "{at}: give a `committer-email` or an `author-email`"
            )));
        }
    }
    if config.formats.is_empty() {
        return Err(Error::new(
            "invalid configuration at `formats`: accept at least one format",
        ));
    }
    Ok(())
}

impl Policy for SignedCommits {
    type Config = Config;

    fn describe() -> Descriptor {
        Descriptor {
            name: "signed-commits".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            description: "Fails on every commit in range without a good signature from an allowed signer, as \
                          verdict verified it (SSH signatures against the allowed signers file, OpenPGP ones \
                          against the keyring), unless an exemption with a reason covers it."
                .into(),
            consumes: vec![Kind::Commits],
            requires: vec![Kind::Commits],
            config_schema: verdict_policy_sdk::config_schema::<Config>(),
            controls: vec![],
        }
    }

    fn evaluate(config: Config, _context: &Context, evidence: &Evidence) -> Result<Outcome, Error> {
        check_config(&config)?;
        let mut matched = vec![false; config.exempt.len()];
        let mut violations = Vec::new();
        let mut notes = Vec::new();
        let mut count = 0_usize;
        for commit in evidence.commits() {
            count += 1;
            let Some(problem) = problem(&config, &commit) else {
                continue;
            };
            if let Some(index) = config
                .exempt
                .iter()
                .position(|exempt| exempt.covers(&commit))
            {
                matched[index] = true;
                notes.push(format!(
                    "commit {} {} exempt ({}): {problem}",
                    short(&commit.id),
                    config.exempt[index].describe(),
                    config.exempt[index].reason.trim()
                ));
                continue;
            }
            violations.push(
                Violation::new(
                    rule(&commit),
                    format!(
                        "commit {} by {} <{}> {problem}",
                        short(&commit.id),
                        commit.author_name,
                        commit.author_email
                    ),
                )
                .severity(Severity::High)
                .subject(commit.id.clone())
                .build(),
            );
        }
        let mut outcome = Outcome::violations(violations);
        if count == 0 {
            outcome
                .notes
                .push("no commits in range: nothing to check".to_owned());
        }
        outcome.notes.extend(notes);
        for (exempt, matched) in config.exempt.iter().zip(matched) {
            if !matched {
                outcome.notes.push(format!(
                    "exempt entry for {} is stale: it matched no unsigned or unverified commit",
                    exempt.describe()
                ));
            }
        }
        Ok(outcome)
    }
}

/// The first 12 hex digits of a commit id.
fn short(id: &str) -> &str {
    id.get(..12).unwrap_or(id)
}

/// The violation's rule, by signature status.
fn rule(commit: &Commit) -> &'static str {
    match commit.signature_check.status {
        SignatureStatus::Unsigned => "unsigned",
        SignatureStatus::NotChecked => "signature-not-checked",
        SignatureStatus::Bad => "bad-signature",
        SignatureStatus::UnknownKey => "unknown-key",
        SignatureStatus::Expired => "expired-key",
        SignatureStatus::Revoked => "revoked-key",
        SignatureStatus::Good => "signer",
    }
}

fn format_name(format: Option<SignatureFormat>) -> &'static str {
    match format {
        Some(SignatureFormat::Ssh) => "SSH",
        Some(SignatureFormat::OpenPgp) => "OpenPGP",
        Some(SignatureFormat::X509) => "X.509",
        None => "unrecognised",
    }
}

/// What is wrong with a commit's signature, or `None` when it is good and allowed.
fn problem(config: &Config, commit: &Commit) -> Option<String> {
    let check = &commit.signature_check;
    let format = format_name(check.format);
    let because = |text: &str| match check.reason.as_deref().map(str::trim) {
        Some(reason) if !reason.is_empty() => format!("{text}: {reason}"),
        _ => text.to_owned(),
    };
    let key = check
        .key_fingerprint
        .as_deref()
        .map(|fingerprint| format!(" {fingerprint}"))
        .unwrap_or_default();
    let problem = match check.status {
        SignatureStatus::Unsigned => "is not signed".to_owned(),
        SignatureStatus::NotChecked => {
            because(&format!("has an {format} signature that was not verified"))
        }
        SignatureStatus::Bad => because(&format!("has a bad {format} signature")),
        SignatureStatus::UnknownKey => {
            because(&format!("is signed by an unknown {format} key{key}"))
        }
        SignatureStatus::Expired => because(&format!("is signed by an expired {format} key{key}")),
        SignatureStatus::Revoked => because(&format!("is signed by a revoked {format} key{key}")),
        SignatureStatus::Good => {
            let accepted = match check.format {
                Some(SignatureFormat::Ssh) => config.formats.contains(&Format::Ssh),
                Some(SignatureFormat::OpenPgp) => config.formats.contains(&Format::Openpgp),
                _ => false,
            };
            if !accepted {
                return Some(format!(
                    "is signed with {format}, which this policy does not accept"
                ));
            }
            let signer = check.signer.as_deref().unwrap_or_default();
            if config.signer_is_committer && !same_person(signer, &commit.committer_email) {
                return Some(format!(
                    "is signed by `{signer}`, not by its committer <{}>",
                    commit.committer_email
                ));
            }
            return None;
        }
    };
    Some(problem)
}

/// Whether `signer` (an email, or an OpenPGP user id `Name <email>`) is `email`.
fn same_person(signer: &str, email: &str) -> bool {
    let signer_email = match (signer.rfind('<'), signer.rfind('>')) {
        (Some(open), Some(close)) if open < close => &signer[open + 1..close],
        _ => signer,
    };
    !email.trim().is_empty() && signer_email.trim().eq_ignore_ascii_case(email.trim())
}

verdict_policy_sdk::export_policy!(SignedCommits);

#[cfg(test)]
mod tests {
    use super::*;
    use verdict_policy_sdk::{MemoryEvidence, SignatureCheck, testing};

    fn commit(id: &str, email: &str, check: SignatureCheck) -> Commit {
        Commit {
            id: id.repeat(40),
            parents: vec!["0".repeat(40)],
            author_name: "Ann".into(),
            author_email: email.into(),
            committer_name: "Ann".into(),
            committer_email: email.into(),
            time: 0,
            message: "m".into(),
            signature: None,
            signature_check: check,
        }
    }

    fn good(format: SignatureFormat, signer: &str) -> SignatureCheck {
        SignatureCheck {
            status: SignatureStatus::Good,
            format: Some(format),
            signer: Some(signer.into()),
            key_fingerprint: Some("SHA256:abc".into()),
            reason: None,
        }
    }

    fn with(status: SignatureStatus, reason: &str) -> SignatureCheck {
        SignatureCheck {
            status,
            format: Some(SignatureFormat::OpenPgp),
            signer: None,
            key_fingerprint: Some("ABCD".into()),
            reason: Some(reason.into()),
        }
    }

    fn evidence(commits: Vec<Commit>) -> MemoryEvidence {
        MemoryEvidence {
            commits,
            ..MemoryEvidence::default()
        }
    }

    fn messages(outcome: &Outcome) -> Vec<&str> {
        outcome
            .violations
            .iter()
            .map(|v| v.message.as_str())
            .collect()
    }

    #[test]
    fn good_signatures_by_the_committer_pass() {
        let outcome = testing::evaluate::<SignedCommits>(
            "{}",
            evidence(vec![
                commit(
                    "a",
                    "ann@example.com",
                    good(SignatureFormat::Ssh, "ann@example.com"),
                ),
                commit(
                    "b",
                    "Ann@Example.com",
                    good(SignatureFormat::OpenPgp, "Ann <ann@example.com>"),
                ),
            ]),
        )
        .unwrap();
        assert!(outcome.violations.is_empty(), "{:?}", outcome.violations);
    }

    #[test]
    fn every_other_status_fails_with_what_is_wrong() {
        let outcome = testing::evaluate::<SignedCommits>(
            "{}",
            evidence(vec![
                commit("a", "ann@example.com", SignatureCheck::default()),
                commit(
                    "b",
                    "ann@example.com",
                    with(SignatureStatus::Bad, "the signature does not verify"),
                ),
                commit(
                    "c",
                    "ann@example.com",
                    with(SignatureStatus::UnknownKey, "not in the keyring"),
                ),
                commit(
                    "d",
                    "ann@example.com",
                    with(SignatureStatus::Expired, "expired"),
                ),
                commit(
                    "e",
                    "ann@example.com",
                    with(SignatureStatus::Revoked, "revoked"),
                ),
                commit(
                    "f",
                    "ann@example.com",
                    with(SignatureStatus::NotChecked, "no keyring"),
                ),
                commit(
                    "g",
                    "ann@example.com",
                    good(SignatureFormat::Ssh, "bob@example.com"),
                ),
            ]),
        )
        .unwrap();
        assert_eq!(
            messages(&outcome),
            [
                "commit aaaaaaaaaaaa by Ann <ann@example.com> is not signed",
                "commit bbbbbbbbbbbb by Ann <ann@example.com> has a bad OpenPGP signature: the signature does not verify",
                "commit cccccccccccc by Ann <ann@example.com> is signed by an unknown OpenPGP key ABCD: not in the keyring",
                "commit dddddddddddd by Ann <ann@example.com> is signed by an expired OpenPGP key ABCD: expired",
                "commit eeeeeeeeeeee by Ann <ann@example.com> is signed by a revoked OpenPGP key ABCD: revoked",
                "commit ffffffffffff by Ann <ann@example.com> has an OpenPGP signature that was not verified: no keyring",
                "commit gggggggggggg by Ann <ann@example.com> is signed by `bob@example.com`, not by its committer <ann@example.com>",
            ]
        );
        let rules: Vec<&str> = outcome.violations.iter().map(|v| v.rule.as_str()).collect();
        assert_eq!(
            rules,
            [
                "unsigned",
                "bad-signature",
                "unknown-key",
                "expired-key",
                "revoked-key",
                "signature-not-checked",
                "signer"
            ]
        );
        // Without the identity check, a good signature by another allowed signer passes.
        let outcome = testing::evaluate::<SignedCommits>(
            r#"{"signer-is-committer": false}"#,
            evidence(vec![commit(
                "g",
                "ann@example.com",
                good(SignatureFormat::Ssh, "bob@example.com"),
            )]),
        )
        .unwrap();
        assert!(outcome.violations.is_empty());
    }

    #[test]
    fn formats_restrict_what_is_accepted() {
        let outcome = testing::evaluate::<SignedCommits>(
            r#"{"formats": ["ssh"]}"#,
            evidence(vec![commit(
                "a",
                "ann@example.com",
                good(SignatureFormat::OpenPgp, "Ann <ann@example.com>"),
            )]),
        )
        .unwrap();
        assert_eq!(
            messages(&outcome),
            [
                "commit aaaaaaaaaaaa by Ann <ann@example.com> is signed with OpenPGP, which this policy does not accept"
            ]
        );
        let error =
            testing::evaluate::<SignedCommits>(r#"{"formats": []}"#, evidence(vec![])).unwrap_err();
        assert!(error.message().contains("formats"), "{error}");
        let error =
            testing::evaluate::<SignedCommits>(r#"{"formats": ["x509"]}"#, evidence(vec![]))
                .unwrap_err();
        assert!(error.message().contains("formats"), "{error}");
    }

    #[test]
    fn exemptions_cover_forge_merges_and_bots_with_a_note() {
        let mut merge = commit(
            "m",
            "noreply@github.com",
            with(SignatureStatus::UnknownKey, "web-flow key"),
        );
        merge.parents.push("1".repeat(40));
        let forged = commit("f", "noreply@github.com", SignatureCheck::default());
        let bot = commit(
            "b",
            "49699333+dependabot[bot]@users.noreply.github.com",
            SignatureCheck::default(),
        );
        let config = r#"{"exempt": [
            {"committer-email": "noreply@github.com", "merges": true, "reason": "merged in the GitHub UI"},
            {"author-email": "*[bot]@users.noreply.github.com", "reason": "dependency bots"},
            {"author-email": "renovate@example.com", "reason": "not used"}
        ]}"#;
        let outcome =
            testing::evaluate::<SignedCommits>(config, evidence(vec![merge, forged, bot])).unwrap();
        // Not a merge: the forge exemption does not cover it.
        assert_eq!(
            messages(&outcome),
            ["commit ffffffffffff by Ann <noreply@github.com> is not signed"]
        );
        assert_eq!(
            outcome.notes,
            [
                "commit mmmmmmmmmmmm merges, committer `noreply@github.com` exempt (merged in the GitHub UI): is signed by an unknown OpenPGP key ABCD: web-flow key",
                "commit bbbbbbbbbbbb author `*[bot]@users.noreply.github.com` exempt (dependency bots): is not signed",
                "exempt entry for author `renovate@example.com` is stale: it matched no unsigned or unverified commit",
            ]
        );
    }

    #[test]
    fn rejects_exemptions_without_reason_or_identity() {
        for (config, expected) in [
            (r#"{"exempt": [{"committer-email": "a@b"}]}"#, "reason"),
            (
                r#"{"exempt": [{"committer-email": "a@b", "reason": " "}]}"#,
                "`exempt[0]`",
            ),
            (
                r#"{"exempt": [{"merges": true, "reason": "why"}]}"#,
                "committer-email",
            ),
        ] {
            let error = testing::evaluate::<SignedCommits>(config, evidence(vec![])).unwrap_err();
            assert!(error.message().contains(expected), "{config}: {error}");
        }
    }

    #[test]
    fn no_commits_pass_with_a_note() {
        let outcome = testing::evaluate::<SignedCommits>("{}", evidence(vec![])).unwrap();
        assert!(outcome.violations.is_empty());
        assert_eq!(outcome.notes, ["no commits in range: nothing to check"]);
    }
}
