//! LCOV tracefiles (lcov/geninfo 1.x and 2.x, istanbul, Foundry, grcov…).
//!
//! Records run from `SF:<path>` to `end_of_record`. `DA:<line>,<hits>[,<checksum>]`
//! gives the lines; a line listed several times (Foundry writes one `DA` per
//! statement) counts once, covered if any listing has hits. `BRDA:<line>,<block>,<branch>,<taken>`
//! gives the branches, merged by their `(line, block, branch)` key; a taken
//! count of `-` means the block never ran, so the branch is not covered. A
//! record with no `DA` lines uses its `LF`/`LH` totals, and one with no
//! `BRDA` lines its `BRF`/`BRH` totals. The same path in several records is
//! one file. Function records (`FN`, `FNDA`, `FNL`, `FNA`…), test names and
//! record kinds this reader does not know are skipped: none of them changes
//! line or branch counts.

use super::coverage_tally::{LineTally, Summary};
use crate::error::FormatError;
use crate::formats::generic::text_lines;
use crate::formats::{Output, ParseInput};
use crate::sniff::{Shape, Sniff};
use std::collections::BTreeMap;
use std::str::FromStr;

pub(crate) fn detect(sniff: &Sniff<'_>) -> bool {
    // A tracefile opens with a test name or a source file record.
    sniff.shape == Shape::Text
        && sniff
            .first_line()
            .is_some_and(|line| line.starts_with(b"TN:") || line.starts_with(b"SF:"))
}

/// The record being read.
struct Record<'a> {
    path: &'a str,
    file: usize,
    has_lines: bool,
    has_branches: bool,
    summary: Summary,
}

/// Branch outcomes of one file: `(line, block, branch)` → taken.
type Branches<'a> = BTreeMap<(u32, &'a str, &'a str), bool>;

pub(crate) fn parse(input: &ParseInput<'_>, output: &mut Output) -> Result<(), FormatError> {
    let mut tally = LineTally::default();
    let mut branches: Vec<Branches<'_>> = Vec::new();
    let mut record: Option<Record<'_>> = None;
    let mut line_number = 0u64;
    for line in text_lines(input.bytes) {
        let (number, line) = line?;
        line_number = number;
        let at = |message: String| FormatError::new(message).at(line_number, None);
        if line.is_empty() {
            continue;
        }
        if line == "end_of_record" {
            let Some(done) = record.take() else {
                return Err(at(
                    "`end_of_record` without a `SF` record before it".to_owned()
                ));
            };
            close(&mut tally, done).map_err(at)?;
            continue;
        }
        let Some((key, value)) = line.split_once(':') else {
            return Err(at("expected `KEY:VALUE` or `end_of_record`".to_owned()));
        };
        if key == "SF" {
            if let Some(open) = &record {
                return Err(at(format!(
                    "`SF` before the `end_of_record` of `{}`",
                    open.path
                )));
            }
            let file = tally.file(value);
            if branches.len() <= file {
                branches.resize_with(file + 1, BTreeMap::new);
            }
            record = Some(Record {
                path: value,
                file,
                has_lines: false,
                has_branches: false,
                summary: Summary::default(),
            });
            continue;
        }
        if !matches!(key, "DA" | "BRDA" | "LF" | "LH" | "BRF" | "BRH") {
            continue;
        }
        let Some(open) = record.as_mut() else {
            return Err(at(format!("`{key}` outside a record (no `SF` before it)")));
        };
        match key {
            "DA" => {
                let mut fields = value.split(',');
                let number: u32 = field(fields.next(), "DA", "line number").map_err(at)?;
                let hits: u64 = field(fields.next(), "DA", "hit count").map_err(at)?;
                tally.line(open.file, number, hits > 0);
                open.has_lines = true;
            }
            "BRDA" => {
                let (number, block, branch, taken) = brda(value).map_err(at)?;
                let entry = branches[open.file]
                    .entry((number, block, branch))
                    .or_insert(false);
                *entry |= taken;
                open.has_branches = true;
            }
            "LF" => open.summary.lines_total = field(Some(value), "LF", "count").map_err(at)?,
            "LH" => open.summary.lines_covered = field(Some(value), "LH", "count").map_err(at)?,
            "BRF" => {
                open.summary.branches_total = field(Some(value), "BRF", "count").map_err(at)?
            }
            _ => open.summary.branches_covered = field(Some(value), "BRH", "count").map_err(at)?,
        }
    }
    if let Some(open) = record {
        return Err(FormatError::new(format!(
            "the record of `{}` has no `end_of_record`: the file may be truncated",
            open.path
        ))
        .at(line_number, None));
    }
    for (file, outcomes) in branches.into_iter().enumerate() {
        let mut per_line: BTreeMap<u32, (u64, u64)> = BTreeMap::new();
        for ((number, _, _), taken) in outcomes {
            let entry = per_line.entry(number).or_insert((0, 0));
            entry.0 += 1;
            entry.1 += u64::from(taken);
        }
        for (number, (total, covered)) in per_line {
            tally.branches(file, number, total, covered);
        }
    }
    tally.finish(output);
    Ok(())
}

/// Ends a record: totals count only where the record listed no details.
fn close(tally: &mut LineTally, record: Record<'_>) -> Result<(), String> {
    let summary = record.summary;
    if summary.lines_covered > summary.lines_total {
        return Err(format!(
            "`LH` exceeds `LF` in the record of `{}`",
            record.path
        ));
    }
    if summary.branches_covered > summary.branches_total {
        return Err(format!(
            "`BRH` exceeds `BRF` in the record of `{}`",
            record.path
        ));
    }
    let mut counted = Summary::default();
    if !record.has_lines {
        counted.lines_total = summary.lines_total;
        counted.lines_covered = summary.lines_covered;
    }
    if !record.has_branches {
        counted.branches_total = summary.branches_total;
        counted.branches_covered = summary.branches_covered;
    }
    tally.add_summary(record.file, counted);
    Ok(())
}

/// `line`, `block`, `branch` and whether it was taken, from a `BRDA` value.
/// The branch may be an lcov 2.x expression, so the taken count is the last
/// field and the branch everything between the block and it.
fn brda(value: &str) -> Result<(u32, &str, &str, bool), String> {
    let mut fields = value.splitn(3, ',');
    let number: u32 = field(fields.next(), "BRDA", "line number")?;
    let block = fields.next().ok_or("`BRDA` has no block field")?;
    let (branch, taken) = fields
        .next()
        .and_then(|rest| rest.rsplit_once(','))
        .ok_or("`BRDA` has no branch or taken field")?;
    let taken = match taken.trim() {
        "-" => false,
        count => field::<u64>(Some(count), "BRDA", "taken count")? > 0,
    };
    Ok((number, block, branch, taken))
}

/// One numeric field, or an error naming the record and the field.
fn field<T: FromStr>(text: Option<&str>, record: &str, name: &str) -> Result<T, String> {
    let text = text.ok_or_else(|| format!("`{record}` has no {name}"))?;
    text.trim()
        .parse()
        .map_err(|_| format!("{name} of `{record}` is not a valid number"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn brda_reads_dash_as_not_taken_and_keeps_expression_branches() {
        assert_eq!(brda("19,0,1,-"), Ok((19, "0", "1", false)));
        assert_eq!(brda("10,e1,a, b,3"), Ok((10, "e1", "a, b", true)));
        assert!(brda("10,0").is_err());
        assert!(brda("x,0,0,1").unwrap_err().contains("line number"));
    }
}
