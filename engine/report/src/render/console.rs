//! The console summary: what a developer understands in five seconds.
//!
//! No colour carries meaning on its own: every status is also a word.
//!
//! Every line starts with a word of verdict's own (the summary, a label, a
//! status, a severity) and every value from the document goes through
//! [`untrusted`], so nothing a pull request writes into a report can start,
//! end or overwrite a line here (see [`crate::text`]).

use crate::text::untrusted;
use std::fmt::Write;
use verdict_gate::Decision;
use verdict_gate::document::{PolicyReport, Verdict};

/// Violations listed per policy before "and N more".
const VIOLATIONS_SHOWN: usize = 10;
/// Characters of a violation message shown; the JSON report has them all.
const MESSAGE_CHARS: usize = 110;
/// Characters of a path, policy id, plugin or format shown.
const NAME_CHARS: usize = 160;
/// Characters of an error, skip reason or notice shown.
const ERROR_CHARS: usize = 1000;

pub(crate) fn render(verdict: &Verdict) -> String {
    let mut out = String::new();
    let s = &verdict.summary;
    let _ = writeln!(
        out,
        "verdict: {}  ({} {}: {} passed, {} failed, {} warned, {} errored, {} skipped; {} {})",
        verdict.decision.as_str().to_ascii_uppercase(),
        s.policies,
        plural(s.policies, "policy", "policies"),
        s.passed,
        s.failed,
        s.warned,
        s.errored,
        s.skipped,
        s.violations,
        plural(s.violations, "violation", "violations"),
    );
    for error in &verdict.errors {
        let _ = writeln!(out, "  error: {}", untrusted(error).max_chars(ERROR_CHARS));
    }
    if !verdict.policies.is_empty() {
        out.push('\n');
    }
    let id_width = verdict
        .policies
        .iter()
        .map(|p| untrusted(&p.id).max_chars(NAME_CHARS).width())
        .max()
        .unwrap_or(0);
    let plugin_width = verdict
        .policies
        .iter()
        .map(|p| untrusted(&p.plugin).max_chars(NAME_CHARS).width())
        .max()
        .unwrap_or(0);
    for policy in &verdict.policies {
        render_policy(&mut out, policy, id_width, plugin_width);
    }
    out.push('\n');
    let mut formats: Vec<(&str, usize)> = Vec::new();
    for input in &verdict.inputs {
        match formats
            .iter_mut()
            .find(|(format, _)| *format == input.format)
        {
            Some((_, count)) => *count += 1,
            None => formats.push((&input.format, 1)),
        }
    }
    let formats: Vec<String> = formats
        .iter()
        .map(|(format, count)| format!("{} {count}", untrusted(format).max_chars(NAME_CHARS)))
        .collect();
    let _ = writeln!(
        out,
        "inputs: {} {}{}",
        verdict.inputs.len(),
        plural(verdict.inputs.len() as u64, "file", "files"),
        if formats.is_empty() {
            String::new()
        } else {
            format!(" ({})", formats.join(", "))
        }
    );
    for notice in &verdict.notices {
        let _ = writeln!(
            out,
            "  notice: `{}`: {}",
            untrusted(&notice.path).max_chars(NAME_CHARS),
            untrusted(&notice.message).max_chars(ERROR_CHARS)
        );
    }
    for skipped in &verdict.skipped_inputs {
        let _ = writeln!(
            out,
            "  skipped: `{}`: {}",
            untrusted(&skipped.path).max_chars(NAME_CHARS),
            untrusted(&skipped.reason).max_chars(ERROR_CHARS)
        );
    }
    out
}

fn render_policy(out: &mut String, policy: &PolicyReport, id_width: usize, plugin_width: usize) {
    let marker = match policy.decision {
        Decision::Pass => "ok   ",
        Decision::Warn => "WARN ",
        Decision::Fail => "FAIL ",
        Decision::Error => "ERROR",
        Decision::Skipped => "skip ",
    };
    let detail = match (&policy.error, &policy.skipped) {
        (Some(error), _) => untrusted(error).max_chars(ERROR_CHARS).to_string(),
        (None, Some(reason)) => untrusted(reason).max_chars(ERROR_CHARS).to_string(),
        (None, None) if policy.violations.is_empty() => String::new(),
        (None, None) => format!(
            "{} {}",
            policy.violations.len(),
            plural(policy.violations.len() as u64, "violation", "violations")
        ),
    };
    let line = format!(
        "  {marker}  {:id_width$}  {:<8}  {:plugin_width$}  {detail}",
        untrusted(&policy.id).max_chars(NAME_CHARS),
        policy.enforcement.as_str(),
        untrusted(&policy.plugin).max_chars(NAME_CHARS),
    );
    let _ = writeln!(out, "{}", line.trim_end());
    for violation in policy.violations.iter().take(VIOLATIONS_SHOWN) {
        let place = violation
            .location
            .as_ref()
            .map(|location| {
                let path = untrusted(&location.path).max_chars(NAME_CHARS);
                match location.start_line {
                    Some(line) => format!("  {path}:{line}"),
                    None => format!("  {path}"),
                }
            })
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "         {:<8}  {}{place}",
            violation.severity.as_str(),
            untrusted(violation.message.trim()).max_chars(MESSAGE_CHARS)
        );
    }
    if policy.violations.len() > VIOLATIONS_SHOWN {
        let _ = writeln!(
            out,
            "         … and {} more (all in `--format json`)",
            policy.violations.len() - VIOLATIONS_SHOWN
        );
    }
    for note in &policy.notes {
        let _ = writeln!(
            out,
            "         note: {}",
            untrusted(note).max_chars(ERROR_CHARS)
        );
    }
}

fn plural(count: u64, one: &'static str, many: &'static str) -> &'static str {
    if count == 1 { one } else { many }
}
