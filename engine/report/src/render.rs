//! One module per output format, the format registry, and what renderers
//! share (ordering violations by severity, counting them).

pub(crate) mod console;
pub(crate) mod github;
pub(crate) mod gitlab;
pub(crate) mod html;
pub(crate) mod json;
pub(crate) mod junit;
pub(crate) mod markdown;
pub(crate) mod sarif;

use std::fmt;
use std::io;
use verdict_evidence::Severity;
use verdict_evidence::policy::Violation;
use verdict_gate::Decision;
use verdict_gate::document::{PolicyReport, Verdict};

/// The output formats of `--format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OutputFormat {
    /// A short human summary.
    Console,
    /// The verdict document as JSON.
    Json,
    /// SARIF 2.1.0, for code scanning (GitHub) and SARIF viewers.
    Sarif,
    /// JUnit XML, for CI test-report tabs.
    Junit,
    /// Markdown, for `$GITHUB_STEP_SUMMARY` and pull-request comments.
    Markdown,
    /// GitHub Actions workflow commands: annotations.
    Github,
    /// GitLab Code Quality JSON.
    Gitlab,
    /// The auditor's report: one self-contained HTML file.
    Html,
}

/// Every format with its id, in documentation order: the one list that
/// `FromStr`, `Display` and help text read.
const FORMATS: &[(&str, OutputFormat)] = &[
    ("console", OutputFormat::Console),
    ("json", OutputFormat::Json),
    ("sarif", OutputFormat::Sarif),
    ("junit", OutputFormat::Junit),
    ("markdown", OutputFormat::Markdown),
    ("github", OutputFormat::Github),
    ("gitlab", OutputFormat::Gitlab),
    ("html", OutputFormat::Html),
];

impl OutputFormat {
    /// Every format with its id, for `--format` parsing and help.
    pub const ALL: &'static [(&'static str, OutputFormat)] = FORMATS;

    /// The id (`console`, `json`, `sarif` …).
    pub fn id(self) -> &'static str {
        FORMATS
            .iter()
            .find(|(_, format)| *format == self)
            .map_or("unknown", |(id, _)| id)
    }
}

impl fmt::Display for OutputFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

impl std::str::FromStr for OutputFormat {
    type Err = String;

    fn from_str(id: &str) -> Result<OutputFormat, String> {
        FORMATS
            .iter()
            .find(|(known, _)| *known == id)
            .map(|(_, format)| *format)
            .ok_or_else(|| {
                let ids: Vec<&str> = FORMATS.iter().map(|(id, _)| *id).collect();
                format!("unknown report format: expected one of {}", ids.join(", "))
            })
    }
}

/// How to render, besides the format.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RenderOptions {
    /// ANSI colour in the console format. The caller decides: on only for a
    /// terminal and without `NO_COLOR`. Other formats ignore it.
    pub color: bool,
}

/// Writes the verdict in a format to `out`. The output ends with a newline.
///
/// Each renderer writes as it goes; none holds more than the verdict
/// document's own detail (which the gate bounds per policy) in memory.
pub fn render_to(
    format: OutputFormat,
    verdict: &Verdict,
    options: &RenderOptions,
    out: &mut dyn io::Write,
) -> io::Result<()> {
    match format {
        OutputFormat::Console => console::render(verdict, options, out),
        OutputFormat::Json => json::render(verdict, out),
        OutputFormat::Sarif => sarif::render(verdict, out),
        OutputFormat::Junit => junit::render(verdict, out),
        OutputFormat::Markdown => markdown::render(verdict, out),
        OutputFormat::Github => github::render(verdict, out),
        OutputFormat::Gitlab => gitlab::render(verdict, out),
        OutputFormat::Html => html::render(verdict, out),
    }
}

/// A violation with the policy it belongs to and, when a waiver let it
/// through, the waiver's id.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Item<'a> {
    pub(crate) policy: &'a PolicyReport,
    pub(crate) violation: &'a Violation,
    pub(crate) waiver: Option<&'a str>,
}

impl Item<'_> {
    /// Whether it makes its policy fail (not waived, policy failing).
    pub(crate) fn fails(&self) -> bool {
        self.waiver.is_none() && self.policy.decision == Decision::Fail
    }
}

/// Every violation listed in the document, counting ones first, then the
/// waived ones, each group most severe first, failing policies before
/// warning ones; stable, so the policy's own order breaks ties.
pub(crate) fn items_by_severity(verdict: &Verdict) -> Vec<Item<'_>> {
    let mut items: Vec<Item<'_>> = Vec::new();
    for policy in &verdict.policies {
        items.extend(policy.violations.iter().map(|violation| Item {
            policy,
            violation,
            waiver: None,
        }));
    }
    for policy in &verdict.policies {
        items.extend(policy.waived.iter().map(|waived| Item {
            policy,
            violation: &waived.violation,
            waiver: Some(waived.waiver.as_str()),
        }));
    }
    items.sort_by_key(|item| {
        (
            item.waiver.is_some(),
            !item.fails(),
            std::cmp::Reverse(item.violation.severity),
        )
    });
    items
}

/// Counting violations of a policy not listed in the document.
pub(crate) fn elided(policy: &PolicyReport) -> u64 {
    policy.counts.elided.max(
        policy
            .counts
            .violations
            .saturating_sub(policy.violations.len() as u64),
    )
}

/// The most severe severity a policy's counted violations have.
pub(crate) fn worst_severity(policy: &PolicyReport) -> Option<Severity> {
    let counted = policy.counts.by_severity.keys().copied().max();
    let listed = policy
        .violations
        .iter()
        .chain(policy.waived.iter().map(|waived| &waived.violation))
        .map(|violation| violation.severity)
        .max();
    counted.max(listed)
}

/// `one` or `many` by count.
pub(crate) fn plural(count: u64, one: &'static str, many: &'static str) -> &'static str {
    if count == 1 { one } else { many }
}

/// The counts every one-line summary gives: `4 policies: 3 passed, 0
/// failed, 1 warned, 0 errored, 0 skipped; 10 violations`.
pub(crate) fn counts(s: &verdict_gate::document::Summary) -> String {
    format!(
        "{} {}: {} passed, {} failed, {} warned, {} errored, {} skipped; {} {}",
        s.policies,
        plural(s.policies, "policy", "policies"),
        s.passed,
        s.failed,
        s.warned,
        s.errored,
        s.skipped,
        s.violations,
        plural(s.violations, "violation", "violations"),
    )
}

/// A path as a relative URI reference: `\` becomes `/`, a leading `./` goes,
/// and every byte but unreserved characters and `/` is percent-encoded (so
/// a space, `#`, `?`, `:` or `%` in a file name cannot change what the
/// reference means). `None` for a path that is not relative (absolute, a
/// drive letter, a scheme, `..` components).
pub(crate) fn relative_uri(path: &str) -> Option<String> {
    let path = path.replace('\\', "/");
    let path = path.trim_start_matches("./");
    let relative = !path.is_empty()
        && !path.starts_with('/')
        && !path.contains(':')
        && !path.split('/').any(|part| part == "..");
    relative.then(|| percent_encode(path))
}

/// Percent-encodes every byte but ASCII letters, digits, `-._~` and `/`.
pub(crate) fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_format_id_parses_back() {
        for (id, format) in OutputFormat::ALL {
            assert_eq!(id.parse::<OutputFormat>(), Ok(*format));
            assert_eq!(format.id(), *id);
        }
        let error = "xml".parse::<OutputFormat>().unwrap_err();
        assert!(error.contains("console, json, sarif"), "{error}");
    }

    #[test]
    fn relative_uris_are_encoded_and_never_absolute() {
        assert_eq!(
            relative_uri("./src/a b.py").as_deref(),
            Some("src/a%20b.py")
        );
        assert_eq!(
            relative_uri(r"src\x#1?.py").as_deref(),
            Some("src/x%231%3F.py")
        );
        assert_eq!(relative_uri("ünï.rs").as_deref(), Some("%C3%BCn%C3%AF.rs"));
        for path in [
            "/etc/passwd",
            "//evil.example/x",
            "javascript:alert(1)",
            "C:/x",
            "a/../../b",
            "",
        ] {
            assert_eq!(relative_uri(path), None, "{path}");
        }
    }
}
