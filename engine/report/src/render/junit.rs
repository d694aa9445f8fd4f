//! JUnit XML, for CI test-report tabs (GitLab's `artifacts:reports:junit`,
//! Jenkins, test-reporter actions).
//!
//! A `testsuite` per policy (its enforcement, plugin, sha256, decision and
//! exact counts as `properties`), a `testcase` per check:
//!
//! - a failing policy: a testcase with a `failure` per violation listed;
//! - a warning policy (advisory, overridden, not in force yet): a testcase
//!   per violation with the warning in `system-out` and no failure, so the
//!   test tab agrees with the exit code;
//! - a waived violation: a `skipped` testcase naming the waiver and reason;
//! - violations counted beyond the document's detail limit: one testcase
//!   that says how many, by rule and severity (a failure when the policy
//!   fails);
//! - a passing policy: one passing testcase (its notes in `system-out`); a
//!   skipped policy: one `skipped`; a policy that errored: one `error`.
//!
//! Gate errors are `error` testcases of a suite named `verdict`. The counts
//! in `testsuite`/`testsuites` attributes are those of the testcases
//! written (what a parser recounts); the exact figures are properties.
//!
//! Written with quick-xml, which escapes `& < > " '` in text and
//! attributes; every value first goes through [`untrusted`], which also
//! removes the control characters XML 1.0 cannot carry at all.

use super::{elided, plural};
use crate::text::untrusted;
use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesStart, BytesText, Event};
use std::io;
use verdict_gate::Decision;
use verdict_gate::document::{PolicyReport, Verdict};

/// Characters of a testcase name taken from a message.
const NAME_CHARS: usize = 200;

/// One testcase, before writing.
struct Case {
    /// Already shown safe (through [`untrusted`]).
    name: String,
    file: Option<String>,
    line: Option<u32>,
    outcome: Outcome,
}

/// One testsuite, before writing: name, properties, seconds, cases.
struct Suite {
    name: String,
    properties: Vec<(String, String)>,
    time: f64,
    cases: Vec<Case>,
}

enum Outcome {
    Passed(Option<String>),
    Failure {
        kind: String,
        message: String,
        body: String,
    },
    Error {
        message: String,
    },
    Skipped {
        message: String,
    },
}

pub(crate) fn render(verdict: &Verdict, out: &mut dyn io::Write) -> io::Result<()> {
    let mut suites: Vec<Suite> = Vec::new();
    if !verdict.errors.is_empty() {
        let cases = verdict
            .errors
            .iter()
            .map(|error| Case {
                name: "gate".to_owned(),
                file: None,
                line: None,
                outcome: Outcome::Error {
                    message: error.clone(),
                },
            })
            .collect();
        suites.push(Suite {
            name: "verdict".to_owned(),
            properties: Vec::new(),
            time: 0.0,
            cases,
        });
    }
    for policy in &verdict.policies {
        suites.push(Suite {
            name: policy.id.clone(),
            properties: properties(policy),
            time: policy.duration_ms as f64 / 1000.0,
            cases: cases(policy, verdict),
        });
    }
    let tally = |cases: &[Case], pick: fn(&Outcome) -> bool| {
        cases.iter().filter(|case| pick(&case.outcome)).count()
    };
    let is_failure = |o: &Outcome| matches!(o, Outcome::Failure { .. });
    let is_error = |o: &Outcome| matches!(o, Outcome::Error { .. });
    let is_skipped = |o: &Outcome| matches!(o, Outcome::Skipped { .. });
    let all: Vec<&Case> = suites.iter().flat_map(|suite| suite.cases.iter()).collect();
    let count = |pick: fn(&Outcome) -> bool| all.iter().filter(|case| pick(&case.outcome)).count();
    let mut writer = Writer::new_with_indent(io::BufWriter::new(out), b' ', 2);
    writer.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    let mut root = BytesStart::new("testsuites");
    root.push_attribute(("name", "verdict"));
    root.push_attribute(("tests", all.len().to_string().as_str()));
    root.push_attribute(("failures", count(is_failure).to_string().as_str()));
    root.push_attribute(("errors", count(is_error).to_string().as_str()));
    root.push_attribute(("skipped", count(is_skipped).to_string().as_str()));
    let total: f64 = suites.iter().map(|suite| suite.time).sum();
    root.push_attribute(("time", format!("{total:.3}").as_str()));
    writer.write_event(Event::Start(root.borrow()))?;
    for Suite {
        name,
        properties,
        time,
        cases,
    } in &suites
    {
        let mut suite = BytesStart::new("testsuite");
        suite.push_attribute(("name", safe(name).as_str()));
        suite.push_attribute(("tests", cases.len().to_string().as_str()));
        suite.push_attribute(("failures", tally(cases, is_failure).to_string().as_str()));
        suite.push_attribute(("errors", tally(cases, is_error).to_string().as_str()));
        suite.push_attribute(("skipped", tally(cases, is_skipped).to_string().as_str()));
        suite.push_attribute(("time", format!("{time:.3}").as_str()));
        suite.push_attribute(("timestamp", safe(&verdict.context.now).as_str()));
        writer.write_event(Event::Start(suite.borrow()))?;
        if !properties.is_empty() {
            writer.write_event(Event::Start(BytesStart::new("properties")))?;
            for (key, value) in properties {
                let mut property = BytesStart::new("property");
                property.push_attribute(("name", key.as_str()));
                property.push_attribute(("value", safe(value).as_str()));
                writer.write_event(Event::Empty(property))?;
            }
            writer.write_event(Event::End(BytesStart::new("properties").to_end()))?;
        }
        for case in cases {
            write_case(&mut writer, name, case)?;
        }
        writer.write_event(Event::End(suite.to_end()))?;
    }
    writer.write_event(Event::End(root.to_end()))?;
    let mut out = writer.into_inner();
    io::Write::write_all(&mut out, b"\n")?;
    io::Write::flush(&mut out)
}

fn write_case<W: io::Write>(writer: &mut Writer<W>, suite: &str, case: &Case) -> io::Result<()> {
    let mut start = BytesStart::new("testcase");
    start.push_attribute(("name", case.name.as_str()));
    start.push_attribute(("classname", format!("verdict.{}", safe(suite)).as_str()));
    if let Some(file) = &case.file {
        start.push_attribute(("file", safe(file).as_str()));
    }
    if let Some(line) = case.line {
        start.push_attribute(("line", line.to_string().as_str()));
    }
    start.push_attribute(("time", "0"));
    let (tag, attributes, body): (&str, Vec<(&str, String)>, Option<&str>) = match &case.outcome {
        Outcome::Passed(None) => {
            writer.write_event(Event::Empty(start))?;
            return Ok(());
        }
        Outcome::Passed(Some(out)) => ("system-out", Vec::new(), Some(out)),
        Outcome::Failure {
            kind,
            message,
            body,
        } => (
            "failure",
            vec![("message", safe(message)), ("type", safe(kind))],
            Some(body),
        ),
        Outcome::Error { message } => ("error", vec![("message", safe(message))], None),
        Outcome::Skipped { message } => ("skipped", vec![("message", safe(message))], None),
    };
    writer.write_event(Event::Start(start.borrow()))?;
    let mut child = BytesStart::new(tag);
    for (key, value) in &attributes {
        child.push_attribute((*key, value.as_str()));
    }
    match body {
        Some(body) => {
            writer.write_event(Event::Start(child.borrow()))?;
            writer.write_event(Event::Text(BytesText::new(body)))?;
            writer.write_event(Event::End(child.to_end()))?;
        }
        None => writer.write_event(Event::Empty(child))?,
    }
    writer.write_event(Event::End(start.to_end()))
}

/// Untrusted text on one line, hidden characters escaped; quick-xml then
/// escapes markup.
fn safe(text: &str) -> String {
    untrusted(text).to_string()
}

fn properties(policy: &PolicyReport) -> Vec<(String, String)> {
    let counts = &policy.counts;
    let mut properties = vec![
        (
            "enforcement".to_owned(),
            policy.enforcement.as_str().to_owned(),
        ),
        ("decision".to_owned(), policy.decision.as_str().to_owned()),
        ("plugin".to_owned(), policy.plugin.clone()),
        ("plugin-sha256".to_owned(), policy.plugin_sha256.clone()),
    ];
    if let Some(version) = &policy.plugin_version {
        properties.push(("plugin-version".to_owned(), version.clone()));
    }
    for (key, value) in [
        ("violations", counts.violations),
        ("elided", elided(policy)),
        ("waived", counts.waived),
        ("baselined", counts.baselined),
    ] {
        properties.push((key.to_owned(), value.to_string()));
    }
    if policy.overridden {
        properties.push(("overridden".to_owned(), "true".to_owned()));
    }
    if let Some(date) = &policy.effective_from {
        properties.push(("effective-from".to_owned(), date.clone()));
    }
    properties
}

fn cases(policy: &PolicyReport, verdict: &Verdict) -> Vec<Case> {
    if let Some(error) = &policy.error {
        return vec![Case {
            name: safe(&policy.id),
            file: None,
            line: None,
            outcome: Outcome::Error {
                message: error.clone(),
            },
        }];
    }
    if let Some(reason) = &policy.skipped {
        return vec![Case {
            name: safe(&policy.id),
            file: None,
            line: None,
            outcome: Outcome::Skipped {
                message: format!("out of scope: {reason}"),
            },
        }];
    }
    let fails = policy.decision == Decision::Fail;
    let why_warns = if policy.overridden {
        "overridden: warns"
    } else if policy.effective_from.is_some() {
        "not in force yet: warns"
    } else {
        "advisory: warns"
    };
    let mut cases = Vec::new();
    for violation in &policy.violations {
        let (file, line) = place(violation);
        let mut body = format!(
            "{}\nrule: {}\nseverity: {}\nfingerprint: {}",
            safe(violation.message.trim()),
            safe(&violation.rule),
            violation.severity.as_str(),
            safe(&violation.fingerprint),
        );
        if let Some(file) = &file {
            body.push_str(&format!("\nlocation: {}", safe(file)));
            if let Some(line) = line {
                body.push_str(&format!(":{line}"));
            }
        }
        if let Some(date) = &policy.effective_from {
            body.push_str(&format!("\nblocks from: {}", safe(date)));
        }
        let outcome = if fails {
            Outcome::Failure {
                kind: violation.rule.clone(),
                message: format!(
                    "{}: {}",
                    violation.severity.as_str(),
                    violation.message.trim()
                ),
                body,
            }
        } else {
            Outcome::Passed(Some(format!("warning ({why_warns}): {body}")))
        };
        cases.push(Case {
            name: case_name(&violation.rule, &violation.message),
            file,
            line,
            outcome,
        });
    }
    let elided = elided(policy);
    if elided > 0 {
        let by_rule: Vec<String> = policy
            .counts
            .by_rule
            .iter()
            .map(|(rule, count)| format!("{} {count}", safe(rule)))
            .collect();
        let by_severity: Vec<String> = policy
            .counts
            .by_severity
            .iter()
            .rev()
            .map(|(severity, count)| format!("{} {count}", severity.as_str()))
            .collect();
        let message = format!(
            "{elided} more {} not listed (beyond the detail limit); of all {}: by rule {}; by severity {}",
            plural(elided, "violation", "violations"),
            policy.counts.violations,
            by_rule.join(", "),
            by_severity.join(", ")
        );
        let outcome = if fails {
            Outcome::Failure {
                kind: "elided".to_owned(),
                message: message.clone(),
                body: message,
            }
        } else {
            Outcome::Passed(Some(format!("warning ({why_warns}): {message}")))
        };
        cases.push(Case {
            name: format!(
                "{elided} more {}",
                plural(elided, "violation", "violations")
            ),
            file: None,
            line: None,
            outcome,
        });
    }
    for waived in &policy.waived {
        let reason = verdict
            .waivers
            .iter()
            .find(|waiver| waiver.id == waived.waiver)
            .map_or("", |waiver| waiver.reason.as_str());
        let (file, line) = place(&waived.violation);
        cases.push(Case {
            name: case_name(&waived.violation.rule, &waived.violation.message),
            file,
            line,
            outcome: Outcome::Skipped {
                message: format!("waived by {}: {reason}", waived.waiver),
            },
        });
    }
    if cases.is_empty() {
        let notes = policy
            .notes
            .iter()
            .map(|note| safe(note))
            .collect::<Vec<_>>()
            .join("\n");
        cases.push(Case {
            name: safe(&policy.id),
            file: None,
            line: None,
            outcome: Outcome::Passed((!notes.is_empty()).then_some(notes)),
        });
    }
    cases
}

fn place(violation: &verdict_evidence::policy::Violation) -> (Option<String>, Option<u32>) {
    match &violation.location {
        Some(location) => (Some(location.path.to_string()), location.start_line),
        None => (None, None),
    }
}

fn case_name(rule: &str, message: &str) -> String {
    format!(
        "{}: {}",
        untrusted(rule).max_chars(NAME_CHARS),
        untrusted(message.trim()).max_chars(NAME_CHARS)
    )
}
