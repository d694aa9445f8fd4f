//! SARIF 2.1.0, written through serde-sarif's types, shaped for GitHub code
//! scanning's upload.
//!
//! One run, tool `verdict`; its rules are the policies (enforcement, plugin
//! and sha256 as properties); every violation listed in the document is a
//! result with the policy as `ruleId`, a level from the policy's decision
//! (`error` when it fails the gate, `warning` when it only warns, `note` for
//! informational severity), its location as a relative URI with the line
//! region (an absolute path as a `file` URI; no location: the gate file,
//! line 1, with the property `no-location`, since GitHub rejects a whole
//! file for one result without a location URI), its fingerprint under `partialFingerprints`, and
//! `properties["security-severity"]` (also on the rule, where GitHub reads
//! it) so GitHub ranks it. Waived violations are results too, with an
//! accepted external `suppression` whose justification is the waiver's
//! reason. Gate and policy errors are `toolExecutionNotifications`.
//!
//! GitHub rejects a run of more than 25,000 results (and shows the 5,000
//! most severe): beyond [`MAX_RESULTS`] the least severe are left out and
//! the run's properties say how many (`verdict/omitted-results`), as they
//! say how many violations the document itself counted without detail
//! (`verdict/elided`).
//!
//! Text goes into JSON through [`crate::text::json`] (faithful, with hidden
//! characters as `\u` escapes); SARIF viewers show `message.text` as plain
//! text, so no further escaping is needed.

use super::{Item, elided, items_by_severity, percent_encode, relative_uri, worst_severity};
use serde_json::json;
use serde_sarif::sarif::{
    ArtifactLocation, Invocation, Location, Message, MultiformatMessageString, Notification,
    PhysicalLocation, PropertyBag, Region, ReportingDescriptor, ReportingDescriptorReference,
    Result as SarifResult, ResultLevel, Run, Sarif, Suppression, Tool, ToolComponent,
};
use std::collections::BTreeMap;
use std::io;
use verdict_evidence::Severity;
use verdict_gate::Decision;
use verdict_gate::document::{PolicyReport, Verdict};

/// Results per run GitHub accepts.
pub(crate) const MAX_RESULTS: usize = 25_000;
/// Where verdict is documented.
const INFORMATION_URI: &str = "https://github.com/verdict-gate/verdict";
/// The key of verdict's fingerprint in `partialFingerprints`.
const FINGERPRINT_KEY: &str = "verdict/v1";

pub(crate) fn render(verdict: &Verdict, out: &mut dyn io::Write) -> io::Result<()> {
    let sarif = Sarif::builder()
        .schema("https://json.schemastore.org/sarif-2.1.0.json")
        .version(json!("2.1.0"))
        .runs(vec![run(verdict, MAX_RESULTS)])
        .build();
    let mut out = io::BufWriter::new(out);
    crate::text::json::to_writer_pretty(&mut out, &sarif).map_err(io::Error::from)?;
    io::Write::write_all(&mut out, b"\n")?;
    io::Write::flush(&mut out)
}

fn run(verdict: &Verdict, max_results: usize) -> Run {
    let rules: Vec<ReportingDescriptor> = verdict.policies.iter().map(rule).collect();
    let mut items = items_by_severity(verdict);
    let omitted = items.len().saturating_sub(max_results);
    items.truncate(max_results);
    let results: Vec<SarifResult> = items.iter().map(|item| result(verdict, item)).collect();
    let driver = ToolComponent::builder()
        .name("verdict")
        .version(verdict.verdict_version.clone())
        .semantic_version(verdict.verdict_version.clone())
        .information_uri(INFORMATION_URI)
        .rules(rules)
        .build();
    let mut properties = BTreeMap::new();
    properties.insert("verdict/decision".to_owned(), json!(verdict.decision));
    properties.insert("verdict/summary".to_owned(), json!(verdict.summary));
    let elided: u64 = verdict.policies.iter().map(elided).sum();
    if elided > 0 {
        properties.insert("verdict/elided".to_owned(), json!(elided));
    }
    if omitted > 0 {
        properties.insert("verdict/omitted-results".to_owned(), json!(omitted));
    }
    Run::builder()
        .tool(Tool::builder().driver(driver).build())
        .invocations(vec![invocation(verdict)])
        .results(results)
        .properties(PropertyBag {
            tags: None,
            additional_properties: properties,
        })
        .build()
}

fn rule(policy: &PolicyReport) -> ReportingDescriptor {
    let mut properties = BTreeMap::new();
    properties.insert("enforcement".to_owned(), json!(policy.enforcement.as_str()));
    properties.insert("decision".to_owned(), json!(policy.decision));
    properties.insert("plugin".to_owned(), json!(policy.plugin));
    properties.insert("plugin-sha256".to_owned(), json!(policy.plugin_sha256));
    if let Some(version) = &policy.plugin_version {
        properties.insert("plugin-version".to_owned(), json!(version));
    }
    if let Some(date) = &policy.effective_from {
        properties.insert("effective-from".to_owned(), json!(date));
    }
    if policy.overridden {
        properties.insert("overridden".to_owned(), json!(true));
    }
    properties.insert("counts".to_owned(), json!(policy.counts));
    let mut tags = vec!["verdict".to_owned()];
    if let Some(severity) = worst_severity(policy).and_then(security_severity) {
        properties.insert("security-severity".to_owned(), json!(severity));
        tags.push("security".to_owned());
    }
    let help = format!(
        "verdict policy `{}` ({}, enforcement {}). A violation {} the gate.",
        policy.id,
        policy.plugin,
        policy.enforcement.as_str(),
        match policy.enforcement {
            verdict_gate::Enforcement::Advisory => "warns but never fails",
            verdict_gate::Enforcement::Soft => "fails (unless overridden)",
            verdict_gate::Enforcement::Hard => "fails",
        }
    );
    ReportingDescriptor::builder()
        .id(policy.id.clone())
        .name(policy.id.clone())
        .short_description(text(format!("verdict policy {}", policy.id)))
        .help(text(help))
        .properties(PropertyBag {
            tags: Some(tags),
            additional_properties: properties,
        })
        .build()
}

fn result(verdict: &Verdict, item: &Item<'_>) -> SarifResult {
    let violation = item.violation;
    let level = if violation.severity == Severity::Info {
        ResultLevel::Note
    } else if item.fails() || (item.waiver.is_some() && item.policy.decision == Decision::Fail) {
        ResultLevel::Error
    } else {
        ResultLevel::Warning
    };
    let mut properties = BTreeMap::new();
    properties.insert("rule".to_owned(), json!(violation.rule));
    properties.insert("severity".to_owned(), json!(violation.severity));
    if let Some(severity) = security_severity(violation.severity) {
        properties.insert("security-severity".to_owned(), json!(severity));
    }
    if let Some(rule) = &violation.scanner_rule {
        properties.insert("scanner-rule".to_owned(), json!(rule));
    }
    if !violation.advisories.is_empty() {
        properties.insert("advisories".to_owned(), json!(violation.advisories));
    }
    if let Some(control) = &violation.control {
        properties.insert("control".to_owned(), json!(control));
    }
    // GitHub rejects the whole file when a result has no location with a
    // URI: one without a location points at the gate file, line 1.
    let located = match &violation.location {
        Some(place) if !place.path.trim().is_empty() => place.clone(),
        _ => {
            properties.insert("no-location".to_owned(), json!(true));
            verdict_evidence::Location::new(gate_file(verdict), Some(1), None)
        }
    };
    let mut fingerprints = BTreeMap::new();
    fingerprints.insert(FINGERPRINT_KEY.to_owned(), violation.fingerprint.clone());
    let index = verdict
        .policies
        .iter()
        .position(|policy| std::ptr::eq(policy, item.policy));
    let builder = SarifResult::builder()
        .rule_id(item.policy.id.clone())
        .level(level)
        .message(Message::builder().text(violation.message.clone()).build())
        .partial_fingerprints(fingerprints)
        .properties(PropertyBag {
            tags: None,
            additional_properties: properties,
        });
    let builder = builder.locations(vec![location(&located)]);
    let builder = builder.rule_index(index.map_or(-1, |index| index as i64));
    let suppressions = item.waiver.map(|waiver| {
        let reason = verdict
            .waivers
            .iter()
            .find(|record| record.id == waiver)
            .map_or_else(
                || format!("waiver {waiver}"),
                |record| record.reason.clone(),
            );
        let mut properties = BTreeMap::new();
        properties.insert("waiver".to_owned(), json!(waiver));
        vec![
            Suppression::builder()
                .kind(json!("external"))
                .status(json!("accepted"))
                .justification(reason)
                .properties(PropertyBag {
                    tags: None,
                    additional_properties: properties,
                })
                .build(),
        ]
    });
    let mut result = builder.build();
    result.suppressions = suppressions;
    result
}

fn location(location: &verdict_evidence::Location) -> Location {
    let mut artifact = ArtifactLocation::default();
    match relative_uri(&location.path) {
        Some(uri) => {
            artifact.uri = Some(uri);
            artifact.uri_base_id = Some("%SRCROOT%".to_owned());
        }
        // Not a plain relative path: still a URI (GitHub needs one), with
        // the path as the tool wrote it as the description.
        None => {
            artifact.uri = Some(other_uri(&location.path));
            artifact.description = Some(Message::builder().text(location.path.to_string()).build());
        }
    }
    let start = location.start_line.filter(|line| *line >= 1);
    let region = start.map(|start| Region {
        start_line: Some(i64::from(start)),
        end_line: location.end_line.filter(|end| *end >= start).map(i64::from),
        ..Region::default()
    });
    Location {
        physical_location: Some(PhysicalLocation {
            artifact_location: Some(artifact),
            region,
            ..PhysicalLocation::default()
        }),
        ..Location::default()
    }
}

/// A URI for a path [`relative_uri`] refuses: an absolute path (`/…`, or a
/// drive letter) becomes a `file` URI, which GitHub maps onto the checkout;
/// anything else is percent-encoded whole (`:` too, so it never becomes a
/// scheme).
fn other_uri(path: &str) -> String {
    let path = path.replace('\\', "/");
    let bytes = path.as_bytes();
    if path.starts_with('/') {
        format!("file://{}", percent_encode(&path))
    } else if bytes.len() >= 3
        && bytes[0].is_ascii_alphabetic()
        && bytes[1] == b':'
        && bytes[2] == b'/'
    {
        format!(
            "file:///{}:{}",
            char::from(bytes[0]),
            percent_encode(&path[2..])
        )
    } else {
        percent_encode(&path)
    }
}

/// The gate file's path, for what has no location of its own.
fn gate_file(verdict: &Verdict) -> &str {
    verdict
        .gate_files
        .iter()
        .find(|file| file.role == "gate")
        .map_or("verdict.toml", |file| file.path.as_str())
}

fn invocation(verdict: &Verdict) -> Invocation {
    let mut notifications: Vec<Notification> = verdict
        .errors
        .iter()
        .map(|error| notification(error.clone()))
        .collect();
    for (index, policy) in verdict.policies.iter().enumerate() {
        if let Some(error) = &policy.error {
            let mut notification = notification(error.clone());
            notification.associated_rule = Some(ReportingDescriptorReference {
                id: Some(policy.id.clone()),
                index: Some(index as i64),
                ..ReportingDescriptorReference::default()
            });
            notifications.push(notification);
        }
    }
    let builder = Invocation::builder().execution_successful(verdict.decision != Decision::Error);
    let mut invocation = builder.build();
    if !notifications.is_empty() {
        invocation.tool_execution_notifications = Some(notifications);
    }
    invocation
}

fn notification(message: String) -> Notification {
    Notification::builder()
        .level(json!("error"))
        .message(Message::builder().text(message).build())
        .build()
}

fn text(text: String) -> MultiformatMessageString {
    MultiformatMessageString::builder().text(text).build()
}

/// GitHub's `security-severity`: a CVSS-like score as a string; its bands
/// are critical > 9.0, high 7.0–8.9, medium 4.0–6.9, low 0.1–3.9. An
/// unknown severity ranks as critical (fail closed, as verdict orders it).
fn security_severity(severity: Severity) -> Option<&'static str> {
    match severity {
        Severity::Unknown | Severity::Critical => Some("9.5"),
        Severity::High => Some("8.0"),
        Severity::Medium => Some("5.5"),
        Severity::Low => Some("2.0"),
        Severity::Info => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn beyond_the_cap_the_least_severe_are_left_out_and_counted() {
        assert_eq!(MAX_RESULTS, 25_000, "GitHub's limit of results per run");
        let violation = |severity: &str, line: u32| {
            serde_json::json!({"rule": "r", "message": severity, "severity": severity,
                "fingerprint": format!("{severity}-{line}"),
                "location": {"path": "a.py", "start_line": line}})
        };
        let verdict: Verdict = serde_json::from_value(serde_json::json!({
            "format": "verdict/v1", "verdict_version": "0.1.0", "decision": "fail",
            "context": {"now": "2026-01-01T00:00:00Z", "now_unix": 1767225600},
            "summary": {"policies": 1, "passed": 0, "warned": 0, "failed": 1, "errored": 0,
                "skipped": 0, "violations": 5},
            "inputs": [],
            "policies": [{"id": "p", "plugin": "builtin:p", "plugin_sha256": "", "enforcement": "hard",
                "decision": "fail", "duration_ms": 0,
                "violations": [violation("low", 1), violation("high", 2), violation("low", 3),
                    violation("critical", 4), violation("medium", 5)]}]
        }))
        .expect("a verdict");
        let run = run(&verdict, 3);
        let results = run.results.expect("results");
        let kept: Vec<&str> = results
            .iter()
            .map(|r| r.message.text.as_deref().unwrap_or_default())
            .collect();
        assert_eq!(kept, ["critical", "high", "medium"]);
        let properties = run.properties.expect("properties").additional_properties;
        assert_eq!(properties["verdict/omitted-results"], 2);
    }
}
