//! One SARIF result of a secret scanner into one [`Secret`].
//!
//! SARIF has no field for a secret's value, and scanners put it where a code
//! scanner puts context: gitleaks 8 writes the secret as the region's
//! `snippet`, gitleaks 7 in `properties.offender`, others the whole line.
//! None of these is read into the record: the redacted form is always
//! [`Redacted::unknown`], and the borrowed input is dropped with the parse.
//!
//! The fingerprint is a hash of tool, rule, path, start line and commit,
//! never of the snippet, the message or the tool's own fingerprints: those
//! may be (or hash) the secret or the line holding it (GitHub's
//! `primaryLocationLineHash` is a hash of the line), and a hash over a known
//! tool, rule and path would let anyone confirm a guessed secret.

use super::model::ResultDef;
use super::result::{Interner, find_rule, is_suppressed, location, rule_id_of};
use super::rules::RunContext;
use verdict_evidence::{Redacted, Secret, fingerprint};

/// Converts one result of a secret-scanning rule. Errors are messages
/// without position, as for findings.
pub(super) fn secret(
    context: &RunContext,
    result: &ResultDef<'_>,
    interner: &mut Interner,
) -> Result<Secret, String> {
    let rule = find_rule(context, result)?;
    let rule_id = rule_id_of(result, rule, interner);
    let location = location(context, result, interner)?;
    let commit = commit_of(result);
    let path = location.as_ref().map_or("", |l| &*l.path);
    let line = location
        .as_ref()
        .and_then(|l| l.start_line)
        .map(|line| line.to_string())
        .unwrap_or_default();
    let fingerprint = fingerprint::of(&[
        &context.tool,
        &rule_id,
        path,
        &line,
        commit.as_deref().unwrap_or(""),
    ]);
    Ok(Secret {
        source: 0,
        tool: context.tool.to_string(),
        rule_id: rule_id.to_string(),
        location,
        commit,
        fingerprint,
        redacted: Redacted::unknown(),
        verified: None,
        suppressed: is_suppressed(result),
    })
}

/// The commit a history scan found the secret in: gitleaks 8's
/// `partialFingerprints.commitSha`, else gitleaks 7's `properties.commit`.
/// Only a hexadecimal id is kept, and not the all-zero id gitleaks writes
/// for files outside git.
fn commit_of(result: &ResultDef<'_>) -> Option<String> {
    let partial = result.partial_fingerprints.as_ref().and_then(|pairs| {
        pairs
            .0
            .iter()
            .find(|(key, _)| &**key == "commitSha")
            .map(|(_, value)| &**value)
    });
    let property = result
        .properties
        .as_ref()
        .and_then(|p| p.commit.as_ref())
        .and_then(|commit| commit.text());
    partial
        .or(property)
        .map(str::trim)
        .filter(|commit| {
            (7..=64).contains(&commit.len())
                && commit.bytes().all(|b| b.is_ascii_hexdigit())
                && !commit.bytes().all(|b| b == b'0')
        })
        .map(str::to_owned)
}
