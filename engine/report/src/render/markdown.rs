//! Markdown for `$GITHUB_STEP_SUMMARY` and pull-request comments: the
//! decision first, a table of policies, the most severe violations with
//! links to their files, then waivers, overrides, attestations, the
//! baseline and the inputs.
//!
//! Escaping: every document string goes through [`untrusted`] (one line,
//! hidden characters escaped), then [`escape`]: `&`, `<`, `>` become
//! entities (no HTML), `|` is `\|` (no table break), the ASCII punctuation
//! that starts inline Markdown is backslash-escaped (`\ ` * _ [ ] ( ) ! ~
//! { } $ ^`: no emphasis, code, links, images, strikethrough or math), so
//! are `.` and `:` (no `www.` or `https:` autolinks), and `@` is followed by
//! a zero-width space entity (no @mentions). Untrusted text only ever
//! appears inline (in a table cell, after a label), never where a line's
//! first characters could make a heading, list or block. Links to files are written only for relative
//! paths, percent-encoded ([`relative_uri`]), so a path cannot become a
//! link elsewhere (`//host`, `javascript:`).
//!
//! GitHub takes at most 1 MiB per step summary: the output stays under
//! [`MAX_BYTES`]; rows that would not fit are left out and a last line says
//! so.

use super::{elided, items_by_severity, plural, relative_uri};
use crate::text::untrusted;
use std::fmt::Write as _;
use std::io;
use verdict_gate::Decision;
use verdict_gate::document::{AttestationStatus, Verdict, WaiverStatus};

/// The most bytes written (GitHub's step-summary limit is 1 MiB).
pub(crate) const MAX_BYTES: usize = 1024 * 1024;
/// Room kept for headings and the closing notes.
const RESERVE: usize = 16 * 1024;
/// Violations listed.
const TOP_VIOLATIONS: usize = 50;
/// Rows of the waiver, override, attestation and input tables.
const TABLE_ROWS: usize = 100;
/// Characters of a message.
const MESSAGE_CHARS: usize = 300;
/// Characters of a name, path, id.
const NAME_CHARS: usize = 200;

/// The document being written, within the byte budget.
struct Doc {
    text: String,
    /// Rows left out because of the budget.
    cut: u64,
}

impl Doc {
    fn line(&mut self, line: &str) {
        self.text.push_str(line);
        self.text.push('\n');
    }

    /// Adds a table row if it fits in the budget.
    fn row(&mut self, row: &str) -> bool {
        if self.text.len() + row.len() + 1 > MAX_BYTES - RESERVE {
            self.cut += 1;
            return false;
        }
        self.line(row);
        true
    }
}

pub(crate) fn render(verdict: &Verdict, out: &mut dyn io::Write) -> io::Result<()> {
    let mut doc = Doc {
        text: String::new(),
        cut: 0,
    };
    heading(&mut doc, verdict);
    policies(&mut doc, verdict);
    violations(&mut doc, verdict);
    waivers(&mut doc, verdict);
    records(&mut doc, verdict);
    inputs(&mut doc, verdict);
    if doc.cut > 0 {
        doc.line("");
        doc.line(&format!(
            "_{} {} left out to keep this summary under GitHub's 1 MiB limit; the JSON verdict has everything._",
            doc.cut,
            plural(doc.cut, "row", "rows")
        ));
    }
    out.write_all(doc.text.as_bytes())
}

fn decision_word(decision: Decision) -> &'static str {
    match decision {
        Decision::Pass => "✅ pass",
        Decision::Warn => "⚠️ warn",
        Decision::Fail => "❌ fail",
        Decision::Error => "⛔ error",
        Decision::Skipped => "⏭️ skipped",
    }
}

fn heading(doc: &mut Doc, verdict: &Verdict) {
    let s = &verdict.summary;
    doc.line(&format!(
        "## verdict: {}",
        decision_word(verdict.decision).to_uppercase()
    ));
    doc.line("");
    let mut line = format!(
        "**{} {}**: {} passed, {} failed, {} warned, {} errored, {} skipped · **{} {}**",
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
    for (count, word) in [
        (s.waived, "waived"),
        (s.baselined, "in the baseline"),
        (s.overridden, "policies overridden"),
    ] {
        if count > 0 {
            let _ = write!(line, " · {count} {word}");
        }
    }
    doc.line(&line);
    let context = &verdict.context;
    let mut facts = Vec::new();
    for (label, value) in [
        ("repository", &context.repository),
        ("branch", &context.branch),
        ("target", &context.target_branch),
        ("environment", &context.environment),
        ("version", &context.version),
    ] {
        if let Some(value) = value {
            facts.push(format!("{label} {}", escape(value, NAME_CHARS)));
        }
    }
    facts.push(format!("at {}", escape(&context.now, NAME_CHARS)));
    facts.push(format!(
        "verdict {}",
        escape(&verdict.verdict_version, NAME_CHARS)
    ));
    doc.line("");
    doc.line(&format!("<sub>{}</sub>", facts.join(" · ")));
    if !verdict.errors.is_empty() {
        doc.line("");
        doc.line("**Gate errors**");
        doc.line("");
        for error in &verdict.errors {
            doc.row(&format!("- error: {}", escape(error, MESSAGE_CHARS * 3)));
        }
    }
}

fn policies(doc: &mut Doc, verdict: &Verdict) {
    if verdict.policies.is_empty() {
        return;
    }
    doc.line("");
    doc.line("| Policy | Enforcement | Decision | Violations | Details |");
    doc.line("|---|---|---|---:|---|");
    for policy in &verdict.policies {
        let counts = &policy.counts;
        let mut details = Vec::new();
        if let Some(error) = &policy.error {
            details.push(escape(error, MESSAGE_CHARS));
        }
        if let Some(reason) = &policy.skipped {
            details.push(escape(reason, MESSAGE_CHARS));
        }
        if counts.waived > 0 {
            details.push(format!("{} waived", counts.waived));
        }
        if counts.baselined > 0 {
            details.push(format!("{} in the baseline", counts.baselined));
        }
        let elided = elided(policy);
        if elided > 0 {
            details.push(format!("{elided} counted only, beyond the detail limit"));
        }
        if policy.overridden {
            details.push("overridden: warns".to_owned());
        }
        if let Some(date) = &policy.effective_from {
            details.push(format!("blocks from {}", escape(date, NAME_CHARS)));
        }
        for note in policy.notes.iter().take(3) {
            details.push(escape(note, MESSAGE_CHARS));
        }
        doc.row(&format!(
            "| {} | {} | {} | {} | {} |",
            escape(&policy.id, NAME_CHARS),
            policy.enforcement.as_str(),
            decision_word(policy.decision),
            counts.violations.max(policy.violations.len() as u64),
            details.join("<br>")
        ));
    }
}

fn violations(doc: &mut Doc, verdict: &Verdict) {
    let items: Vec<_> = items_by_severity(verdict)
        .into_iter()
        .filter(|item| item.waiver.is_none())
        .collect();
    if items.is_empty() {
        return;
    }
    doc.line("");
    doc.line("### Violations");
    doc.line("");
    doc.line("| Severity | Policy | Rule | Message | Location |");
    doc.line("|---|---|---|---|---|");
    let mut shown = 0u64;
    for item in items.iter().take(TOP_VIOLATIONS) {
        let violation = item.violation;
        let location = violation
            .location
            .as_ref()
            .map(|location| {
                let lines = match (location.start_line, location.end_line) {
                    (Some(start), Some(end)) if end > start => format!(":{start}-{end}"),
                    (Some(start), _) => format!(":{start}"),
                    _ => String::new(),
                };
                let text = format!("{}{}", escape(&location.path, NAME_CHARS), lines);
                match relative_uri(&location.path) {
                    Some(uri) => {
                        let anchor = match (location.start_line, location.end_line) {
                            (Some(start), Some(end)) if end > start => format!("#L{start}-L{end}"),
                            (Some(start), _) => format!("#L{start}"),
                            _ => String::new(),
                        };
                        format!("[{text}]({uri}{anchor})")
                    }
                    None => text,
                }
            })
            .unwrap_or_default();
        let severity = if item.fails() {
            format!("**{}**", violation.severity.as_str())
        } else {
            violation.severity.as_str().to_owned()
        };
        if doc.row(&format!(
            "| {severity} | {} | {} | {} | {location} |",
            escape(&item.policy.id, NAME_CHARS),
            escape(&violation.rule, NAME_CHARS),
            escape(violation.message.trim(), MESSAGE_CHARS),
        )) {
            shown += 1;
        }
    }
    let total: u64 = verdict
        .policies
        .iter()
        .map(|p| p.counts.violations.max(p.violations.len() as u64))
        .sum();
    if total > shown {
        doc.line("");
        doc.line(&format!(
            "_{shown} of {total} violations shown, most severe first; the JSON verdict lists every one it holds in detail and counts the rest._"
        ));
    }
}

fn waivers(doc: &mut Doc, verdict: &Verdict) {
    if verdict.waivers.is_empty() {
        return;
    }
    doc.line("");
    doc.line("### Waivers");
    doc.line("");
    doc.line("| Waiver | Policy | Status | Matched | Owner | Expires | Reason |");
    doc.line("|---|---|---|---:|---|---|---|");
    for waiver in verdict.waivers.iter().take(TABLE_ROWS) {
        let status = match waiver.status {
            WaiverStatus::Applied => "applied",
            WaiverStatus::Stale => "⚠️ stale: matched nothing",
            WaiverStatus::Expired => "⚠️ expired: no longer applies",
        };
        doc.row(&format!(
            "| {} | {} | {status} | {} | {} | {} | {} |",
            escape(&waiver.id, NAME_CHARS),
            escape(&waiver.policy, NAME_CHARS),
            waiver.matched,
            escape(&waiver.owner, NAME_CHARS),
            escape(&waiver.expires, NAME_CHARS),
            escape(&waiver.reason, MESSAGE_CHARS),
        ));
    }
    more(doc, verdict.waivers.len(), "waivers");
}

fn records(doc: &mut Doc, verdict: &Verdict) {
    if !verdict.overrides.is_empty() {
        doc.line("");
        doc.line("### Overrides");
        doc.line("");
        doc.line("| Policy | Actor | Applied | Violations let through | Reason |");
        doc.line("|---|---|---|---:|---|");
        for record in verdict.overrides.iter().take(TABLE_ROWS) {
            doc.row(&format!(
                "| {} | {} | {} | {} | {} |",
                escape(&record.policy, NAME_CHARS),
                escape(&record.actor, NAME_CHARS),
                if record.applied {
                    "yes"
                } else {
                    "no: the policy did not fail"
                },
                record.violations,
                escape(&record.reason, MESSAGE_CHARS),
            ));
        }
        more(doc, verdict.overrides.len(), "overrides");
    }
    if !verdict.attestations.is_empty() {
        doc.line("");
        doc.line("### Attestations");
        doc.line("");
        doc.line("| Control | Status | By | Date | Expires | Statement |");
        doc.line("|---|---|---|---|---|---|");
        for attestation in verdict.attestations.iter().take(TABLE_ROWS) {
            let status = match attestation.status {
                AttestationStatus::Valid => "attested",
                AttestationStatus::Expired => "⚠️ expired: not assessed",
            };
            doc.row(&format!(
                "| {} | {status} | {} | {} | {} | {} |",
                escape(&attestation.control, NAME_CHARS),
                escape(&attestation.by, NAME_CHARS),
                escape(&attestation.date, NAME_CHARS),
                escape(&attestation.expires, NAME_CHARS),
                escape(&attestation.statement, MESSAGE_CHARS),
            ));
        }
        more(doc, verdict.attestations.len(), "attestations");
    }
    if let Some(baseline) = &verdict.baseline {
        doc.line("");
        doc.line(&format!(
            "**Baseline** {} (created {}): {} new, {} remaining, {} fixed of {} recorded.",
            escape(&baseline.path, NAME_CHARS),
            escape(&baseline.created, NAME_CHARS),
            baseline.new,
            baseline.remaining,
            baseline.fixed,
            baseline.entries
        ));
    }
}

fn inputs(doc: &mut Doc, verdict: &Verdict) {
    if verdict.inputs.is_empty() && verdict.notices.is_empty() && verdict.skipped_inputs.is_empty()
    {
        return;
    }
    doc.line("");
    doc.line(&format!(
        "<details><summary>{} {}</summary>",
        verdict.inputs.len(),
        plural(verdict.inputs.len() as u64, "input", "inputs")
    ));
    doc.line("");
    doc.line("| Input | Format | Records | sha256 |");
    doc.line("|---|---|---:|---|");
    for input in verdict.inputs.iter().take(TABLE_ROWS) {
        doc.row(&format!(
            "| {} | {} | {} | {} |",
            escape(&input.path, NAME_CHARS),
            escape(&input.format, NAME_CHARS),
            input.records,
            escape(&input.sha256, NAME_CHARS),
        ));
    }
    more(doc, verdict.inputs.len(), "inputs");
    for notice in verdict.notices.iter().take(TABLE_ROWS) {
        doc.row(&format!(
            "- notice: {}: {}",
            escape(&notice.path, NAME_CHARS),
            escape(&notice.message, MESSAGE_CHARS)
        ));
    }
    for skipped in verdict.skipped_inputs.iter().take(TABLE_ROWS) {
        doc.row(&format!(
            "- skipped: {}: {}",
            escape(&skipped.path, NAME_CHARS),
            escape(&skipped.reason, MESSAGE_CHARS)
        ));
    }
    doc.line("");
    doc.line("</details>");
}

fn more(doc: &mut Doc, total: usize, what: &str) {
    if total > TABLE_ROWS {
        doc.line("");
        doc.line(&format!(
            "_{TABLE_ROWS} of {total} {what} shown; the JSON verdict has them all._"
        ));
    }
}

/// Untrusted text as inert Markdown inline text (see the module docs).
pub(crate) fn escape(text: &str, max_chars: usize) -> String {
    let shown = untrusted(text).max_chars(max_chars).to_cow();
    let mut out = String::with_capacity(shown.len() + 8);
    for c in shown.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '@' => out.push_str("@&#8203;"),
            '\\' | '`' | '*' | '_' | '[' | ']' | '(' | ')' | '!' | '~' | '.' | '{' | '}' | ':'
            | '$' | '^' | '|' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}
