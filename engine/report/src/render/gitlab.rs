//! GitLab Code Quality JSON: an array of issues, one per counting violation
//! listed in the document, shown in merge requests' Code Quality widget.
//!
//! Each issue has `description` (`[policy] rule: message`), `check_name`
//! (`policy/rule`), a `fingerprint` unique within the report (sha256 of the
//! policy id and the violation's fingerprint, made unique with a counter
//! when a policy repeats one), `severity` (info → `info`, low → `minor`,
//! medium → `major`, high → `critical`, critical and unknown → `blocker`)
//! and `location.path` with `lines.begin`. GitLab requires a path: a
//! violation without one points at the gate file (`verdict.toml` when the
//! document does not record it) at line 1.
//!
//! Waived violations are accepted exceptions and are left out; violations
//! the document only counts (beyond its detail limit) cannot be listed.
//! Text goes through [`crate::text::json`]; GitLab shows it as plain text.

use super::items_by_severity;
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::HashSet;
use std::io;
use verdict_evidence::Severity;
use verdict_gate::document::Verdict;

#[derive(Serialize)]
struct Issue<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    description: String,
    check_name: String,
    fingerprint: String,
    severity: &'static str,
    location: IssueLocation<'a>,
}

#[derive(Serialize)]
struct IssueLocation<'a> {
    path: &'a str,
    lines: Lines,
}

#[derive(Serialize)]
struct Lines {
    begin: u32,
}

pub(crate) fn render(verdict: &Verdict, out: &mut dyn io::Write) -> io::Result<()> {
    let gate_file = verdict
        .gate_files
        .iter()
        .find(|file| file.role == "gate")
        .map_or("verdict.toml", |file| file.path.as_str());
    let mut seen = HashSet::new();
    let issues: Vec<Issue<'_>> = items_by_severity(verdict)
        .into_iter()
        .filter(|item| item.waiver.is_none())
        .map(|item| {
            let violation = item.violation;
            let (path, begin) = match &violation.location {
                Some(location) => (
                    &*location.path,
                    location.start_line.filter(|line| *line >= 1).unwrap_or(1),
                ),
                None => (gate_file, 1),
            };
            let mut fingerprint = digest(&[&item.policy.id, &violation.fingerprint]);
            let mut repeat = 0u64;
            while !seen.insert(fingerprint.clone()) {
                repeat += 1;
                fingerprint =
                    digest(&[&item.policy.id, &violation.fingerprint, &repeat.to_string()]);
            }
            Issue {
                kind: "issue",
                description: format!(
                    "[{}] {}: {}",
                    item.policy.id, violation.rule, violation.message
                ),
                check_name: format!("{}/{}", item.policy.id, violation.rule),
                fingerprint,
                severity: severity(violation.severity),
                location: IssueLocation {
                    path,
                    lines: Lines { begin },
                },
            }
        })
        .collect();
    let mut out = io::BufWriter::new(out);
    crate::text::json::to_writer_pretty(&mut out, &issues).map_err(io::Error::from)?;
    io::Write::write_all(&mut out, b"\n")?;
    io::Write::flush(&mut out)
}

/// sha256 over the parts, each length-prefixed so that no two lists of
/// parts hash alike.
fn digest(parts: &[&str]) -> String {
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update((part.len() as u64).to_le_bytes());
        hasher.update(part.as_bytes());
    }
    hex::encode(hasher.finalize())
}

fn severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Info => "info",
        Severity::Low => "minor",
        Severity::Medium => "major",
        Severity::High => "critical",
        Severity::Critical | Severity::Unknown => "blocker",
    }
}
