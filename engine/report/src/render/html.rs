//! The auditor's report: one self-contained HTML file to read, print and
//! archive.
//!
//! The page is rendered by askama from `html/report.html`, a template
//! compiled into the binary that HTML-escapes every value it writes
//! (`& < > " '`, in text and attributes alike). Every string from the
//! document is first neutralised by [`untrusted`] (hidden and control
//! characters become visible escapes, long text is cut), so the page shows
//! what the text is, not what it pretends to be. The only values written
//! unescaped are the style sheet (`html/report.css`, ours) and the charts
//! ([`crate::svg`], which escapes its labels itself).
//!
//! The page loads nothing and runs nothing: its Content-Security-Policy
//! allows inline styles only. Links come only from attestations' evidence,
//! only for `http(s)` URLs, with `rel="noreferrer"`; anything else is text.
//!
//! Colour never carries meaning alone (every status is a word), tables are
//! real tables with header cells, and the print style sheet starts each
//! section on a new page and never cuts a row. The output is deterministic:
//! it depends on the document only, in its order.

mod charts;
mod controls;
mod exceptions;
mod violations;

use crate::render::plural;
use crate::text::untrusted;
use askama::Template;
use std::io;
use verdict_evidence::Severity;
use verdict_gate::Decision;
use verdict_gate::document::{PolicyReport, Verdict};

/// Characters shown of a path, id, name or other short value.
const NAME_CHARS: usize = 240;
/// Characters shown of a message, reason, statement or error.
const TEXT_CHARS: usize = 2000;

/// The page.
#[derive(Template)]
#[template(path = "report.html")]
struct Page {
    css: &'static str,
    title: String,
    decision: Badge,
    decision_sentence: &'static str,
    /// Repository, commit, branches, environment and time on one line.
    headline: String,
    summary: Vec<String>,
    run: Vec<Field>,
    errors: Vec<String>,
    charts: Vec<charts::Chart>,
    policies: Vec<PolicyRow>,
    matrices: Vec<controls::Matrix>,
    violations: Vec<violations::PolicyViolations>,
    waivers: Vec<exceptions::WaiverRow>,
    overrides: Vec<exceptions::OverrideRow>,
    attestations: Vec<controls::AttestationRow>,
    baseline: Option<exceptions::BaselineView>,
    inputs: Vec<InputRow>,
    skipped_inputs: Vec<Field>,
    notices: Vec<NoticeRow>,
    gate_files: Vec<GateFileRow>,
    footer: String,
}

/// A word with the class that colours it.
pub(super) struct Badge {
    word: &'static str,
    class: &'static str,
}

/// A label and a shown value.
pub(super) struct Field {
    label: String,
    value: String,
}

struct PolicyRow {
    anchor: String,
    id: String,
    decision: Badge,
    enforcement: &'static str,
    plugin: String,
    plugin_version: String,
    sha256: String,
    violations: u64,
    waived: u64,
    baselined: u64,
    remarks: Vec<String>,
}

struct InputRow {
    path: String,
    format: String,
    tool: String,
    records: u64,
    kinds: String,
    sha256: String,
}

struct NoticeRow {
    path: String,
    kind: &'static str,
    message: String,
}

struct GateFileRow {
    role: String,
    path: String,
    sha256: String,
}

/// Writes the report to `out`, ending with a newline.
pub(crate) fn render(verdict: &Verdict, out: &mut dyn io::Write) -> io::Result<()> {
    page(verdict).write_into(out)?;
    out.write_all(b"\n")
}

fn page(verdict: &Verdict) -> Page {
    let repository = verdict.context.repository.as_deref().map(short);
    Page {
        css: include_str!("html/report.css"),
        title: match &repository {
            Some(repository) => format!(
                "verdict {} — {repository}",
                verdict.decision.as_str().to_ascii_uppercase()
            ),
            None => format!("verdict {}", verdict.decision.as_str().to_ascii_uppercase()),
        },
        decision: decision_badge(verdict.decision),
        decision_sentence: decision_sentence(verdict.decision),
        headline: headline(verdict),
        summary: summary(verdict),
        run: run(verdict),
        errors: verdict.errors.iter().map(|e| long(e)).collect(),
        charts: charts::of(verdict),
        policies: verdict
            .policies
            .iter()
            .enumerate()
            .map(|(n, p)| policy_row(n, p))
            .collect(),
        matrices: controls::matrices(verdict),
        violations: violations::of(verdict),
        waivers: exceptions::waivers(verdict),
        overrides: exceptions::overrides(verdict),
        attestations: controls::attestations(verdict),
        baseline: exceptions::baseline(verdict),
        inputs: verdict
            .inputs
            .iter()
            .map(|input| InputRow {
                path: short(&input.path),
                format: short(&input.format),
                tool: input.tool.as_deref().map(short).unwrap_or_default(),
                records: input.records,
                kinds: input
                    .kinds
                    .iter()
                    .map(|kind| kind.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
                sha256: short(&input.sha256),
            })
            .collect(),
        skipped_inputs: verdict
            .skipped_inputs
            .iter()
            .map(|file| Field {
                label: short(&file.path),
                value: long(&file.reason),
            })
            .collect(),
        notices: verdict
            .notices
            .iter()
            .map(|notice| NoticeRow {
                path: short(&notice.path),
                kind: match notice.kind {
                    verdict_evidence::NoticeKind::IncompleteScan => "incomplete scan",
                    verdict_evidence::NoticeKind::Warning => "warning",
                },
                message: long(&notice.message),
            })
            .collect(),
        gate_files: verdict
            .gate_files
            .iter()
            .map(|file| GateFileRow {
                role: short(&file.role),
                path: short(&file.path),
                sha256: short(&file.sha256),
            })
            .collect(),
        footer: format!(
            "Rendered by verdict {} from the verdict document ({}) of {}.",
            short(&verdict.verdict_version),
            short(&verdict.format),
            short(&verdict.context.now)
        ),
    }
}

fn headline(verdict: &Verdict) -> String {
    let context = &verdict.context;
    let mut parts = Vec::new();
    if let Some(repository) = &context.repository {
        parts.push(short(repository));
    }
    if let Some(commit) = commit(verdict) {
        let abbreviated: String = commit.chars().take(12).collect();
        parts.push(format!("commit {}", short(&abbreviated)));
    }
    match (&context.branch, &context.target_branch) {
        (Some(branch), Some(target)) => {
            parts.push(format!("{} → {}", short(branch), short(target)))
        }
        (Some(branch), None) => parts.push(format!("branch {}", short(branch))),
        (None, Some(target)) => parts.push(format!("into {}", short(target))),
        (None, None) => {}
    }
    if let Some(environment) = &context.environment {
        parts.push(format!("environment {}", short(environment)));
    }
    parts.push(short(&context.now));
    parts.join(" · ")
}

/// The head commit: the sha256 field of the input of format `git`.
fn commit(verdict: &Verdict) -> Option<&str> {
    verdict
        .inputs
        .iter()
        .find(|input| input.format == "git")
        .map(|input| input.sha256.as_str())
}

fn summary(verdict: &Verdict) -> Vec<String> {
    let s = &verdict.summary;
    let mut lines = vec![format!(
        "{} {}: {} passed, {} warned, {} failed, {} errored, {} skipped.",
        s.policies,
        plural(s.policies, "policy", "policies"),
        s.passed,
        s.warned,
        s.failed,
        s.errored,
        s.skipped
    )];
    let mut figures = vec![format!(
        "{} {} count against the gate",
        s.violations,
        plural(s.violations, "violation", "violations")
    )];
    if s.waived > 0 {
        figures.push(format!("{} waived", s.waived));
    }
    if s.baselined > 0 {
        figures.push(format!("{} in the baseline", s.baselined));
    }
    if s.overridden > 0 {
        figures.push(format!(
            "{} {} overridden",
            s.overridden,
            plural(s.overridden, "policy", "policies")
        ));
    }
    lines.push(format!("{}.", figures.join("; ")));
    lines
}

fn run(verdict: &Verdict) -> Vec<Field> {
    let context = &verdict.context;
    let commit = commit(verdict).map(short);
    let fields: [(&str, Option<String>); 12] = [
        ("Repository", context.repository.as_deref().map(short)),
        ("Commit", commit),
        ("Branch", context.branch.as_deref().map(short)),
        ("Target branch", context.target_branch.as_deref().map(short)),
        ("Environment", context.environment.as_deref().map(short)),
        ("Version", context.version.as_deref().map(short)),
        (
            "Tags",
            (!context.tags.is_empty()).then(|| {
                context
                    .tags
                    .iter()
                    .map(|tag| short(tag))
                    .collect::<Vec<_>>()
                    .join(", ")
            }),
        ),
        ("Actor", context.actor.as_deref().map(short)),
        (
            "Event",
            context.event.map(|event| event.as_str().to_owned()),
        ),
        ("Time", Some(short(&context.now))),
        ("verdict version", Some(short(&verdict.verdict_version))),
        ("Document format", Some(short(&verdict.format))),
    ];
    fields
        .into_iter()
        .map(|(label, value)| Field {
            label: label.to_owned(),
            value: value.unwrap_or_else(|| "not recorded".to_owned()),
        })
        .collect()
}

fn policy_row(index: usize, policy: &PolicyReport) -> PolicyRow {
    let mut remarks = Vec::new();
    if let Some(reason) = &policy.skipped {
        remarks.push(format!("Skipped: {}", long(reason)));
    }
    if let Some(error) = &policy.error {
        remarks.push(format!("Error: {}", long(error)));
    }
    if policy.overridden {
        remarks.push("Its failure was overridden on this run (see Overrides).".to_owned());
    }
    if let Some(date) = &policy.effective_from {
        remarks.push(format!(
            "Not in force yet: its violations warn until {}, when they start to block.",
            short(date)
        ));
    }
    remarks.extend(policy.notes.iter().map(|note| long(note)));
    PolicyRow {
        anchor: anchor(index),
        id: short(&policy.id),
        decision: decision_badge(policy.decision),
        enforcement: policy.enforcement.as_str(),
        plugin: short(&policy.plugin),
        plugin_version: policy
            .plugin_version
            .as_deref()
            .map(short)
            .unwrap_or_default(),
        sha256: if policy.plugin_sha256.is_empty() {
            "not read".to_owned()
        } else {
            short(&policy.plugin_sha256)
        },
        violations: policy.counts.violations,
        waived: policy.counts.waived,
        baselined: policy.counts.baselined,
        remarks,
    }
}

/// The id of a policy's row, from its position (never from its id, which the
/// gate file chooses).
pub(super) fn anchor(index: usize) -> String {
    format!("policy-{}", index + 1)
}

pub(super) fn decision_badge(decision: Decision) -> Badge {
    let (word, class) = match decision {
        Decision::Pass => ("PASS", "pass"),
        Decision::Warn => ("WARN", "warn"),
        Decision::Fail => ("FAIL", "fail"),
        Decision::Error => ("ERROR", "error"),
        Decision::Skipped => ("SKIPPED", "skipped"),
    };
    Badge { word, class }
}

pub(super) fn severity_badge(severity: Severity) -> Badge {
    let (word, class) = match severity {
        Severity::Unknown => ("unknown", "sev-unknown"),
        Severity::Critical => ("critical", "sev-critical"),
        Severity::High => ("high", "sev-high"),
        Severity::Medium => ("medium", "sev-medium"),
        Severity::Low => ("low", "sev-low"),
        Severity::Info => ("info", "sev-info"),
    };
    Badge { word, class }
}

fn decision_sentence(decision: Decision) -> &'static str {
    match decision {
        Decision::Pass => "The gate passes: no policy in force objects.",
        Decision::Warn => {
            "The gate warns and does not block: the violations are advisory, not in force yet, or overridden."
        }
        Decision::Fail => "The gate fails: a soft or hard policy has violations that block.",
        Decision::Error => {
            "The gate could not decide: an input, plugin or configuration error stopped it, so it fails closed."
        }
        Decision::Skipped => "Nothing was in scope for this run.",
    }
}

/// A short untrusted value, as shown (escaped by the template).
pub(super) fn short(text: &str) -> String {
    untrusted(text).max_chars(NAME_CHARS).to_string()
}

/// A long untrusted value, as shown (escaped by the template).
pub(super) fn long(text: &str) -> String {
    untrusted(text).max_chars(TEXT_CHARS).to_string()
}
