//! coverage.py JSON reports (`coverage json`), format 2 (no `format` key) and 3.
//!
//! Each entry of `files` is one record, in the report's order. Line counts
//! come from the file's `summary` (`num_statements`, `covered_lines`), not
//! from `executed_lines`: that list also holds executed lines that are not
//! statements (docstrings, the later lines of a multi-line statement,
//! excluded lines), so counting it overstates coverage. The uncovered lines
//! are `missing_lines`, which the summary must agree with. Branches come from
//! the summary's `num_branches` and `covered_branches`, present when the run
//! measured branches.

use crate::error::FormatError;
use crate::formats::{Output, ParseInput};
use crate::sniff::{Shape, Sniff};
use serde::Deserialize;
use serde::de::{MapAccess, Visitor};
use std::borrow::Cow;
use std::fmt;
use verdict_evidence::FileCoverage;

pub(crate) fn detect(sniff: &Sniff<'_>) -> bool {
    // `{"meta": {"format", "version", "branch_coverage", …}, "files": {…}, "totals": …}`
    sniff.shape == Shape::JsonObject
        && sniff
            .value_of_kind("files", crate::sniff::JsonKind::Object)
            .is_some()
        && sniff
            .value_of_kind("meta", crate::sniff::JsonKind::Object)
            .is_some_and(|meta| {
                meta.keys()
                    .iter()
                    .any(|key| key == "branch_coverage" || key == "show_contexts")
            })
}

#[derive(Deserialize)]
struct Report<'a> {
    #[serde(borrow)]
    meta: Meta<'a>,
    #[serde(borrow)]
    files: Files<'a>,
}

#[derive(Deserialize)]
struct Meta<'a> {
    #[serde(borrow)]
    version: Option<Cow<'a, str>>,
    format: Option<u64>,
}

#[derive(Deserialize)]
struct File {
    executed_lines: Vec<u32>,
    missing_lines: Vec<u32>,
    summary: Option<FileSummary>,
}

#[derive(Deserialize)]
struct FileSummary {
    num_statements: u64,
    covered_lines: u64,
    num_branches: Option<u64>,
    covered_branches: Option<u64>,
}

/// The `files` object as an ordered list, so records keep the report's order.
struct Files<'a>(Vec<(Cow<'a, str>, File)>);

impl<'de: 'a, 'a> Deserialize<'de> for Files<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct FilesVisitor<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for FilesVisitor<'a> {
            type Value = Files<'a>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object of files")
            }
            fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<Files<'a>, M::Error> {
                let mut files = Vec::with_capacity(map.size_hint().unwrap_or(0));
                while let Some(path) = map.next_key::<Cow<'de, str>>()? {
                    files.push((path, map.next_value()?));
                }
                Ok(Files(files))
            }
        }
        deserializer.deserialize_map(FilesVisitor(std::marker::PhantomData))
    }
}

pub(crate) fn parse(input: &ParseInput<'_>, output: &mut Output) -> Result<(), FormatError> {
    let report: Report<'_> =
        serde_json::from_slice(input.bytes).map_err(|error| FormatError::json(&error))?;
    if let Some(format) = report.meta.format
        && !(2..=3).contains(&format)
    {
        return Err(FormatError::new(format!(
            "unsupported coverage.py JSON format `{format}`"
        )));
    }
    output.tool = Some(match &report.meta.version {
        Some(version) => format!("coverage.py {version}"),
        None => "coverage.py".to_owned(),
    });
    for (path, file) in report.files.0 {
        output
            .evidence
            .coverage
            .push(file_coverage(path.into_owned(), file)?);
    }
    Ok(())
}

fn file_coverage(path: String, file: File) -> Result<FileCoverage, FormatError> {
    let mut missing = file.missing_lines;
    missing.sort_unstable();
    missing.dedup();
    let missing_count = missing.len() as u64;
    let mut executed = file.executed_lines;
    executed.sort_unstable();
    executed.dedup();
    let (lines_total, lines_covered, branches_total, branches_covered) = match file.summary {
        Some(summary) => {
            if summary.covered_lines > summary.num_statements
                || summary.num_statements - summary.covered_lines != missing_count
            {
                return Err(FormatError::new(format!(
                    "summary of `{path}` ({} of {} statements covered) disagrees with its {missing_count} missing lines",
                    summary.covered_lines, summary.num_statements
                )));
            }
            let branches_total = summary.num_branches.unwrap_or(0);
            let branches_covered = summary.covered_branches.unwrap_or(0);
            if branches_covered > branches_total {
                return Err(FormatError::new(format!(
                    "summary of `{path}` has more covered branches ({branches_covered}) than branches ({branches_total})"
                )));
            }
            (
                summary.num_statements,
                summary.covered_lines,
                branches_total,
                branches_covered,
            )
        }
        None => {
            let executed_count = executed.len() as u64;
            (executed_count + missing_count, executed_count, 0, 0)
        }
    };
    Ok(FileCoverage {
        source: 0,
        path,
        lines_total,
        lines_covered,
        branches_total,
        branches_covered,
        uncovered_lines: missing,
        covered_lines: executed,
    })
}
