//! The console summary: what a developer understands in five seconds.
//!
//! No colour carries meaning on its own: every status is also a word.

use std::fmt::Write;
use verdict_gate::Decision;
use verdict_gate::document::{PolicyReport, Verdict};

/// Violations listed per policy before "and N more".
const VIOLATIONS_SHOWN: usize = 10;
/// Characters of a violation message shown; the JSON report has them all.
const MESSAGE_CHARS: usize = 110;

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
        let _ = writeln!(out, "  error: {error}");
    }
    if !verdict.policies.is_empty() {
        out.push('\n');
    }
    let id_width = verdict
        .policies
        .iter()
        .map(|p| p.id.len())
        .max()
        .unwrap_or(0);
    let plugin_width = verdict
        .policies
        .iter()
        .map(|p| p.plugin.len())
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
        .map(|(format, count)| format!("{format} {count}"))
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
        let _ = writeln!(out, "  notice: `{}`: {}", notice.path, notice.message);
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
        (Some(error), _) => error.clone(),
        (None, Some(reason)) => reason.clone(),
        (None, None) if policy.violations.is_empty() => String::new(),
        (None, None) => format!(
            "{} {}",
            policy.violations.len(),
            plural(policy.violations.len() as u64, "violation", "violations")
        ),
    };
    let line = format!(
        "  {marker}  {:id_width$}  {:<8}  {:plugin_width$}  {detail}",
        policy.id,
        policy.enforcement.as_str(),
        policy.plugin,
    );
    let _ = writeln!(out, "{}", line.trim_end());
    for violation in policy.violations.iter().take(VIOLATIONS_SHOWN) {
        let place = violation
            .location
            .as_ref()
            .map(|location| match location.start_line {
                Some(line) => format!("  {}:{line}", location.path),
                None => format!("  {}", location.path),
            })
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "         {:<8}  {}{place}",
            violation.severity.as_str(),
            shorten(&violation.message)
        );
    }
    if policy.violations.len() > VIOLATIONS_SHOWN {
        let _ = writeln!(
            out,
            "         … and {} more (all in `--format json`)",
            policy.violations.len() - VIOLATIONS_SHOWN
        );
    }
}

/// The first line of a message, cut at [`MESSAGE_CHARS`] characters.
fn shorten(message: &str) -> String {
    let line = message.lines().next().unwrap_or_default();
    if line.chars().count() <= MESSAGE_CHARS && line.len() == message.trim_end().len() {
        return line.to_owned();
    }
    let cut: String = line.chars().take(MESSAGE_CHARS).collect();
    format!("{}…", cut.trim_end())
}

fn plural(count: u64, one: &'static str, many: &'static str) -> &'static str {
    if count == 1 { one } else { many }
}
