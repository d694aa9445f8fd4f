//! GitHub Actions workflow commands: violations as annotations on the
//! pull request's files.
//!
//! `::error file=F,line=L,endLine=E,title=T::MESSAGE` for violations that
//! fail the gate (and for gate and policy errors), `::warning` for those
//! that only warn (advisory policies, overridden ones, rules not in force
//! yet), `::notice` for waived ones (title `waived by ID`), so a reviewer
//! sees the exceptions too.
//!
//! GitHub shows at most 10 annotations of each level per step (and 50 per
//! job): the most severe come first, at most [`PER_LEVEL`] per level, and
//! one last line, `verdict` as title, gives the decision and how many were
//! not annotated (at the decision's level: it takes one of that level's
//! ten).
//!
//! Escaping, by GitHub's rules (`@actions/core`'s `escapeData` and
//! `escapeProperty`): in the message `%` → `%25`, CR → `%0D`, LF → `%0A`;
//! in properties also `:` → `%3A` and `,` → `%2C`. Before that every value
//! goes through [`untrusted`], so a value holds no raw line break or
//! control character at all. Each line starts with `::` written here, and
//! nothing from the document can end a command early, start another, or
//! stop the runner from reading commands (`::stop-commands::`).

use super::{Item, items_by_severity};
use crate::text::untrusted;
use std::io::{self, Write as _};
use verdict_gate::Decision;
use verdict_gate::document::Verdict;

/// Annotations per level (GitHub shows 10 of each per step).
pub(crate) const PER_LEVEL: usize = 10;
/// Characters of a message; GitHub cuts long annotations anyway.
const MESSAGE_CHARS: usize = 1000;
/// Characters of a title or path.
const NAME_CHARS: usize = 200;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Level {
    Error,
    Warning,
    Notice,
}

impl Level {
    fn as_str(self) -> &'static str {
        match self {
            Level::Error => "error",
            Level::Warning => "warning",
            Level::Notice => "notice",
        }
    }
}

struct Annotations<'w> {
    out: io::BufWriter<&'w mut dyn io::Write>,
    written: [usize; 3],
    left_out: [usize; 3],
}

impl Annotations<'_> {
    fn slot(level: Level) -> usize {
        match level {
            Level::Error => 0,
            Level::Warning => 1,
            Level::Notice => 2,
        }
    }

    /// Writes one annotation unless its level is full; `cap` leaves room for
    /// the summary line.
    fn push(
        &mut self,
        level: Level,
        properties: &[(&str, String)],
        message: &str,
        cap: usize,
    ) -> io::Result<()> {
        let slot = Self::slot(level);
        if self.written[slot] >= cap {
            self.left_out[slot] += 1;
            return Ok(());
        }
        self.written[slot] += 1;
        write_command(&mut self.out, level, properties, message)
    }
}

pub(crate) fn render(verdict: &Verdict, out: &mut dyn io::Write) -> io::Result<()> {
    let summary_level = match verdict.decision {
        Decision::Fail | Decision::Error => Level::Error,
        Decision::Warn => Level::Warning,
        Decision::Pass | Decision::Skipped => Level::Notice,
    };
    let cap = |level: Level| {
        if level == summary_level {
            PER_LEVEL - 1
        } else {
            PER_LEVEL
        }
    };
    let mut annotations = Annotations {
        out: io::BufWriter::new(out),
        written: [0; 3],
        left_out: [0; 3],
    };
    for error in &verdict.errors {
        let properties = [("title", "verdict: gate error".to_owned())];
        annotations.push(Level::Error, &properties, error, cap(Level::Error))?;
    }
    for policy in &verdict.policies {
        if let Some(error) = &policy.error {
            let properties = [("title", format!("verdict: policy {} errored", policy.id))];
            annotations.push(Level::Error, &properties, error, cap(Level::Error))?;
        }
    }
    for item in items_by_severity(verdict) {
        let level = match item {
            Item {
                waiver: Some(_), ..
            } => Level::Notice,
            item if item.fails() => Level::Error,
            _ => Level::Warning,
        };
        let (properties, message) = annotation(&item);
        annotations.push(level, &properties, &message, cap(level))?;
    }
    let counted_elsewhere: u64 = verdict
        .policies
        .iter()
        .map(|policy| {
            let listed = policy.violations.len() + policy.waived.len();
            (policy.counts.violations + policy.counts.waived).saturating_sub(listed as u64)
        })
        .sum();
    let left_out = annotations.left_out.iter().sum::<usize>() as u64 + counted_elsewhere;
    let s = &verdict.summary;
    let mut message = format!(
        "verdict: {} ({}",
        verdict.decision.as_str().to_ascii_uppercase(),
        super::counts(s),
    );
    if s.waived > 0 {
        message.push_str(&format!(", {} waived", s.waived));
    }
    message.push(')');
    if left_out > 0 {
        message.push_str(&format!(
            ". {left_out} more not annotated (GitHub shows {PER_LEVEL} annotations of each level per step): see the step summary or the JSON verdict"
        ));
    }
    let properties = [("title", "verdict".to_owned())];
    write_command(&mut annotations.out, summary_level, &properties, &message)?;
    annotations.out.flush()
}

fn annotation(item: &Item<'_>) -> (Vec<(&'static str, String)>, String) {
    let violation = item.violation;
    let mut properties = Vec::new();
    if let Some(location) = &violation.location {
        properties.push(("file", location.path.to_string()));
        if let Some(line) = location.start_line.filter(|line| *line >= 1) {
            properties.push(("line", line.to_string()));
            if let Some(end) = location.end_line.filter(|end| *end >= line) {
                properties.push(("endLine", end.to_string()));
            }
        }
    }
    let title = match item.waiver {
        Some(waiver) => format!("{} {}: waived by {waiver}", item.policy.id, violation.rule),
        None => format!(
            "{} {} ({})",
            item.policy.id,
            violation.rule,
            violation.severity.as_str()
        ),
    };
    properties.push(("title", title));
    (properties, violation.message.clone())
}

/// One workflow command on its own line.
fn write_command(
    out: &mut dyn io::Write,
    level: Level,
    properties: &[(&str, String)],
    message: &str,
) -> io::Result<()> {
    let mut line = format!("::{}", level.as_str());
    for (index, (name, value)) in properties.iter().enumerate() {
        line.push(if index == 0 { ' ' } else { ',' });
        line.push_str(name);
        line.push('=');
        let limit = if *name == "file" || *name == "title" {
            NAME_CHARS
        } else {
            usize::MAX
        };
        line.push_str(&escape_property(
            &untrusted(value).max_chars(limit).to_string(),
        ));
    }
    line.push_str("::");
    line.push_str(&escape_data(
        &untrusted(message.trim())
            .max_chars(MESSAGE_CHARS)
            .to_string(),
    ));
    line.push('\n');
    out.write_all(line.as_bytes())
}

/// GitHub's `escapeData`.
pub(crate) fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// GitHub's `escapeProperty`.
pub(crate) fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}
