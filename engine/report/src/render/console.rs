//! The console summary: what a developer understands in five seconds.
//!
//! No colour carries meaning on its own: every status is also a word, and
//! colour (ANSI, only with [`RenderOptions::color`]) only ever wraps
//! verdict's own words, never document text.
//!
//! Every line starts with a word of verdict's own (the summary, a label, a
//! status, a severity) and every value from the document goes through
//! [`untrusted`], so nothing a pull request writes into a report can start,
//! end or overwrite a line here (see [`crate::text`]).
//!
//! The output is bounded whatever the document holds: ten violations per
//! policy, cut fields, counts for the rest.

use super::{RenderOptions, elided, plural};
use crate::text::untrusted;
use std::fmt::Write as _;
use std::io;
use verdict_evidence::policy::ControlStatus;
use verdict_gate::Decision;
use verdict_gate::document::{AttestationStatus, PolicyReport, Verdict, WaiverStatus};

/// Violations listed per policy before "and N more".
const VIOLATIONS_SHOWN: usize = 10;
/// Stale or expired waivers, expired attestations listed before a count.
const RECORDS_SHOWN: usize = 10;
/// Characters of a violation message shown; the JSON report has them all.
const MESSAGE_CHARS: usize = 110;
/// Characters of a path, policy id, plugin or format shown.
const NAME_CHARS: usize = 160;
/// Characters of an error, skip reason, note or notice shown.
const ERROR_CHARS: usize = 1000;

/// ANSI styles for verdict's own words.
struct Paint {
    on: bool,
}

impl Paint {
    fn decision(&self, decision: Decision, word: &str) -> String {
        let code = match decision {
            Decision::Pass => "32",
            Decision::Warn => "33",
            Decision::Fail | Decision::Error => "1;31",
            Decision::Skipped => "2",
        };
        self.wrap(code, word)
    }

    fn dim(&self, word: &str) -> String {
        self.wrap("2", word)
    }

    fn wrap(&self, code: &str, word: &str) -> String {
        if self.on {
            format!("\u{1b}[{code}m{word}\u{1b}[0m")
        } else {
            word.to_owned()
        }
    }
}

pub(crate) fn render(
    verdict: &Verdict,
    options: &RenderOptions,
    out: &mut dyn io::Write,
) -> io::Result<()> {
    let paint = Paint { on: options.color };
    let mut text = String::new();
    summary(&mut text, verdict, &paint);
    out.write_all(text.as_bytes())?;
    let id_width = column(verdict, |p| &p.id);
    let plugin_width = column(verdict, |p| &p.plugin);
    for policy in &verdict.policies {
        let mut text = String::new();
        render_policy(&mut text, policy, id_width, plugin_width, &paint);
        out.write_all(text.as_bytes())?;
    }
    let mut text = String::new();
    gate_records(&mut text, verdict);
    inputs(&mut text, verdict);
    out.write_all(text.as_bytes())
}

fn summary(out: &mut String, verdict: &Verdict, paint: &Paint) {
    let s = &verdict.summary;
    let mut extra = String::new();
    for (count, word) in [
        (s.waived, "waived"),
        (s.baselined, "in the baseline"),
        (s.overridden, "overridden"),
    ] {
        if count > 0 {
            let _ = write!(extra, ", {count} {word}");
        }
    }
    let _ = writeln!(
        out,
        "verdict: {}  ({}{extra})",
        paint.decision(
            verdict.decision,
            &verdict.decision.as_str().to_ascii_uppercase()
        ),
        super::counts(s),
    );
    for error in &verdict.errors {
        let _ = writeln!(out, "  error: {}", untrusted(error).max_chars(ERROR_CHARS));
    }
    if !verdict.policies.is_empty() {
        out.push('\n');
    }
}

fn column(verdict: &Verdict, field: impl Fn(&PolicyReport) -> &String) -> usize {
    verdict
        .policies
        .iter()
        .map(|p| untrusted(field(p)).max_chars(NAME_CHARS).width())
        .max()
        .unwrap_or(0)
}

fn render_policy(
    out: &mut String,
    policy: &PolicyReport,
    id_width: usize,
    plugin_width: usize,
    paint: &Paint,
) {
    let marker = match policy.decision {
        Decision::Pass => "ok   ",
        Decision::Warn => "WARN ",
        Decision::Fail => "FAIL ",
        Decision::Error => "ERROR",
        Decision::Skipped => "skip ",
    };
    let counts = &policy.counts;
    // A passing policy shows its first note: the measured value
    // (`lines 57.67% ≥ 50%`), when the policy gives one.
    let mut notes = policy.notes.iter();
    let mut detail = match (&policy.error, &policy.skipped) {
        (Some(error), _) => untrusted(error).max_chars(ERROR_CHARS).to_string(),
        (None, Some(reason)) => untrusted(reason).max_chars(ERROR_CHARS).to_string(),
        (None, None) if counts.violations == 0 && policy.violations.is_empty() => notes
            .next()
            .map(|note| untrusted(note).max_chars(ERROR_CHARS).to_string())
            .unwrap_or_default(),
        (None, None) => {
            let count = counts.violations.max(policy.violations.len() as u64);
            format!("{count} {}", plural(count, "violation", "violations"))
        }
    };
    let mut tags = Vec::new();
    if counts.waived > 0 {
        tags.push(format!("{} waived", counts.waived));
    }
    if counts.baselined > 0 {
        tags.push(format!("{} in the baseline", counts.baselined));
    }
    if policy.overridden {
        tags.push("overridden: warns".to_owned());
    }
    if let Some(date) = &policy.effective_from {
        tags.push(format!(
            "blocks from {}",
            untrusted(date).max_chars(NAME_CHARS)
        ));
    }
    if !tags.is_empty() {
        let tags = format!("({})", tags.join(", "));
        detail = if detail.is_empty() {
            tags
        } else {
            format!("{detail} {tags}")
        };
    }
    let line = format!(
        "  {}  {:id_width$}  {:<8}  {:plugin_width$}  {detail}",
        paint.decision(policy.decision, marker),
        untrusted(&policy.id).max_chars(NAME_CHARS),
        policy.enforcement.as_str(),
        untrusted(&policy.plugin).max_chars(NAME_CHARS),
    );
    let _ = writeln!(out, "{}", line.trim_end());
    for violation in policy.violations.iter().take(VIOLATIONS_SHOWN) {
        let _ = writeln!(
            out,
            "         {:<8}  {}{}",
            violation.severity.as_str(),
            untrusted(violation.message.trim()).max_chars(MESSAGE_CHARS),
            place(violation.location.as_ref())
        );
    }
    let listed_shown = policy.violations.len().min(VIOLATIONS_SHOWN) as u64;
    let total = counts.violations.max(policy.violations.len() as u64);
    if total > listed_shown {
        let more = total - listed_shown;
        let elided = elided(policy);
        let _ = if elided == 0 {
            writeln!(out, "         … and {more} more (all in `--format json`)")
        } else {
            writeln!(
                out,
                "         … and {more} more ({elided} counted by rule and severity only, beyond the detail limit)"
            )
        };
    }
    if !policy.waived.is_empty() {
        let mut waivers: Vec<&str> = policy.waived.iter().map(|w| w.waiver.as_str()).collect();
        waivers.sort_unstable();
        waivers.dedup();
        let shown: Vec<String> = waivers
            .iter()
            .take(RECORDS_SHOWN)
            .map(|id| format!("`{}`", untrusted(id).max_chars(NAME_CHARS)))
            .collect();
        let _ = writeln!(
            out,
            "         {} {} by {}{}",
            paint.dim("waived:"),
            counts.waived.max(policy.waived.len() as u64),
            shown.join(", "),
            if waivers.len() > RECORDS_SHOWN {
                format!(" and {} more", waivers.len() - RECORDS_SHOWN)
            } else {
                String::new()
            }
        );
    }
    if !policy.controls.is_empty() {
        let mut parts = Vec::new();
        for (status, word) in [
            (ControlStatus::Violated, "violated"),
            (ControlStatus::NotAssessed, "not assessed"),
            (ControlStatus::Attested, "attested"),
            (ControlStatus::Satisfied, "satisfied"),
        ] {
            let count = policy
                .controls
                .iter()
                .filter(|c| c.status == status)
                .count();
            if count > 0 {
                parts.push(format!("{count} {word}"));
            }
        }
        let _ = writeln!(out, "         controls: {}", parts.join(", "));
    }
    for note in notes {
        let _ = writeln!(
            out,
            "         note: {}",
            untrusted(note).max_chars(ERROR_CHARS)
        );
    }
}

fn place(location: Option<&verdict_evidence::Location>) -> String {
    location
        .map(|location| {
            let path = untrusted(&location.path).max_chars(NAME_CHARS);
            match location.start_line {
                Some(line) => format!("  {path}:{line}"),
                None => format!("  {path}"),
            }
        })
        .unwrap_or_default()
}

/// Waivers that need attention, overrides, attestations, the baseline.
fn gate_records(out: &mut String, verdict: &Verdict) {
    let mut lines = String::new();
    let applied = verdict
        .waivers
        .iter()
        .filter(|w| w.status == WaiverStatus::Applied)
        .count();
    if !verdict.waivers.is_empty() {
        let stale = verdict.waivers.len() - applied;
        let _ = writeln!(
            lines,
            "waivers: {} ({applied} applied, {stale} stale or expired)",
            verdict.waivers.len()
        );
    }
    let attention = verdict
        .waivers
        .iter()
        .filter(|w| w.status != WaiverStatus::Applied);
    for (index, waiver) in attention.enumerate() {
        if index == RECORDS_SHOWN {
            let _ = writeln!(lines, "  waiver: … and more (all in `--format json`)");
            break;
        }
        let status = match waiver.status {
            WaiverStatus::Stale => "stale, matched nothing: remove it".to_owned(),
            WaiverStatus::Expired => format!(
                "expired on {}: no longer applies",
                untrusted(&waiver.expires).max_chars(NAME_CHARS)
            ),
            WaiverStatus::Applied => String::new(),
        };
        let _ = writeln!(
            lines,
            "  waiver: `{}` ({}, owner {}): {status}",
            untrusted(&waiver.id).max_chars(NAME_CHARS),
            untrusted(&waiver.policy).max_chars(NAME_CHARS),
            untrusted(&waiver.owner).max_chars(NAME_CHARS),
        );
    }
    for record in &verdict.overrides {
        let _ = writeln!(
            lines,
            "override: `{}` by {}{}: {}",
            untrusted(&record.policy).max_chars(NAME_CHARS),
            untrusted(&record.actor).max_chars(NAME_CHARS),
            if record.applied {
                format!(
                    ", {} {} let through",
                    record.violations,
                    plural(record.violations, "violation", "violations")
                )
            } else {
                " (not applied: the policy did not fail)".to_owned()
            },
            untrusted(&record.reason).max_chars(ERROR_CHARS),
        );
    }
    if !verdict.attestations.is_empty() {
        let expired: Vec<_> = verdict
            .attestations
            .iter()
            .filter(|a| a.status == AttestationStatus::Expired)
            .collect();
        let _ = writeln!(
            lines,
            "attestations: {} ({} valid, {} expired)",
            verdict.attestations.len(),
            verdict.attestations.len() - expired.len(),
            expired.len()
        );
        for attestation in expired.iter().take(RECORDS_SHOWN) {
            let _ = writeln!(
                lines,
                "  expired: `{}` by {}, expired on {}: not assessed",
                untrusted(&attestation.control).max_chars(NAME_CHARS),
                untrusted(&attestation.by).max_chars(NAME_CHARS),
                untrusted(&attestation.expires).max_chars(NAME_CHARS),
            );
        }
    }
    if let Some(baseline) = &verdict.baseline {
        let _ = writeln!(
            lines,
            "baseline: `{}`: {} new, {} remaining, {} fixed (of {} recorded {})",
            untrusted(&baseline.path).max_chars(NAME_CHARS),
            baseline.new,
            baseline.remaining,
            baseline.fixed,
            baseline.entries,
            untrusted(&baseline.created).max_chars(NAME_CHARS),
        );
    }
    if !lines.is_empty() {
        out.push('\n');
        out.push_str(&lines);
    }
}

fn inputs(out: &mut String, verdict: &Verdict) {
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
}
