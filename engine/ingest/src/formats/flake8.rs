//! flake8's default text output: `path:line:column: CODE message` lines,
//! and, with `--count`, the total on the last line.
//!
//! Every message makes flake8 fail, and flake8 has no levels: each is a
//! finding at `high` with no `level`, its rule the code (`E231`, `F401`,
//! or a plugin's `B006`). With `--count` the total must match the lines
//! read, so a truncated report is an error; any other line (`--show-source`
//! excerpts, `--statistics`, a crash) is an error too. A clean run writes
//! nothing, which cannot be told from a crash: run flake8 with `--count`
//! (a clean run then writes `0`) and read the file with `flake8:PATH`.

use crate::error::FormatError;
use crate::formats::generic::text_lines;
use crate::formats::lint::Fingerprints;
use crate::formats::{Output, ParseInput};
use crate::sniff::{Shape, Sniff};
use verdict_evidence::{Finding, Location, Severity};

const TOOL: &str = "flake8";

pub(crate) fn detect(sniff: &Sniff<'_>) -> bool {
    sniff.shape == Shape::Text
        && sniff
            .first_line()
            .and_then(|line| std::str::from_utf8(line).ok())
            .is_some_and(|line| message_line(line).is_some())
}

pub(crate) fn parse(input: &ParseInput<'_>, output: &mut Output) -> Result<(), FormatError> {
    let mut fingerprints = Fingerprints::default();
    let mut read = 0u64;
    let mut total = None;
    for line in text_lines(input.bytes) {
        let (number, line) = line?;
        if line.is_empty() {
            continue;
        }
        if total.is_some() {
            return Err(FormatError::new("a line after flake8's `--count` total").at(number, None));
        }
        if let Some(message) = message_line(line) {
            read += 1;
            let mut finding = Finding::new(0, TOOL, message.code);
            finding.severity = Severity::High;
            finding.message = message.text.to_owned();
            finding.location = Some(Location::new(message.path, message.line, message.line));
            finding.fingerprint = fingerprints.next(TOOL, message.code, message.path, message.text);
            output.evidence.findings.push(finding);
        } else if let Ok(count) = line.parse::<u64>() {
            total = Some((count, number));
        } else {
            return Err(FormatError::new(
                "not a flake8 message (`path:line:column: CODE message`) or `--count` total",
            )
            .at(number, None));
        }
    }
    if let Some((count, number)) = total
        && count != read
    {
        return Err(FormatError::new(format!(
            "flake8's total is {count} but {read} messages were read: the report is incomplete"
        ))
        .at(number, None));
    }
    output.tool = Some(TOOL.to_owned());
    Ok(())
}

/// One message line.
#[derive(Debug, PartialEq, Eq)]
struct Message<'a> {
    path: &'a str,
    line: Option<u32>,
    code: &'a str,
    text: &'a str,
}

/// `path:line:column: CODE text`. The path may hold `:` (a Windows drive),
/// so the first `:` followed by `line:column: CODE ` ends it.
fn message_line(line: &str) -> Option<Message<'_>> {
    line.match_indices(':').find_map(|(at, _)| {
        let path = &line[..at];
        let rest = &line[at + 1..];
        let (row, rest) = rest.split_once(':')?;
        let (column, rest) = rest.split_once(": ")?;
        let row: u32 = row.parse().ok()?;
        column.parse::<u32>().ok()?;
        let (code, text) = rest.split_once(' ').unwrap_or((rest, ""));
        (!path.is_empty() && is_code(code)).then_some(Message {
            path,
            line: Some(row).filter(|&row| row > 0),
            code,
            text,
        })
    })
}

/// flake8 codes: one to three capital letters, then digits (`E231`, `SIM115`).
fn is_code(code: &str) -> bool {
    let letters = code.bytes().take_while(u8::is_ascii_uppercase).count();
    let digits = code.len() - letters;
    (1..=3).contains(&letters)
        && digits > 0
        && code.bytes().skip(letters).all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_messages_with_colons_in_paths() {
        assert_eq!(
            message_line("C:\\app\\m.py:1:10: E401 multiple imports on one line"),
            Some(Message {
                path: "C:\\app\\m.py",
                line: Some(1),
                code: "E401",
                text: "multiple imports on one line"
            })
        );
        assert_eq!(
            message_line("a.py:3:1: SIM115 x").map(|m| m.code),
            Some("SIM115")
        );
        assert_eq!(message_line("a.py:3: error: x  [misc]"), None);
        assert_eq!(message_line("a.py:3:1: lower case"), None);
        assert_eq!(message_line("16"), None);
    }
}
