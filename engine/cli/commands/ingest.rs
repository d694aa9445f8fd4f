//! `verdict ingest`: read inputs, print a summary or the evidence as JSON.
//!
//! Paths, tools and notice messages come from the inputs: the summary shows
//! them through `verdict_report::text::untrusted`, after a column of
//! verdict's own (the format id) so that none starts a line, and the JSON
//! escapes hidden characters (`verdict_report::text::json`).

use crate::args::{IngestArgs, IngestOutput};
use crate::exit::ExitStatus;
use anyhow::Context as _;
use serde::Serialize;
use std::io::{BufWriter, Write};
use verdict_evidence::{CoverageTotals, Evidence, FileCoverage, Severity};
use verdict_ingest::{Input, Options};
use verdict_report::text::untrusted;

/// Characters of a path shown, and the widest path column.
const PATH_CHARS: usize = 160;
const PATH_COLUMN: usize = 72;
/// Characters of a notice message or skip reason shown.
const MESSAGE_CHARS: usize = 1000;

pub fn run(args: &IngestArgs) -> anyhow::Result<ExitStatus> {
    let inputs = inputs(&args.paths, args.format.as_deref())?;
    let options = Options {
        advisory_db: args.advisory_db.clone(),
        max_file_bytes: None,
    };
    let evidence = verdict_ingest::ingest(&inputs, &options)?;
    let stdout = std::io::stdout().lock();
    let mut out = BufWriter::new(stdout);
    match args.output {
        IngestOutput::Json => {
            verdict_report::text::json::to_writer_pretty(&mut out, &JsonEvidence::new(&evidence))
                .context("failed to write JSON")?;
            writeln!(out)?;
        }
        IngestOutput::Summary => write_summary(&mut out, &evidence)?,
    }
    out.flush()?;
    Ok(ExitStatus::Success)
}

/// Command-line paths to inputs, with `--format` forcing every one that
/// does not force its own with `FORMAT:PATH`.
pub fn inputs(paths: &[String], format: Option<&str>) -> anyhow::Result<Vec<Input>> {
    let forced = match format {
        Some(id) => Some(verdict_ingest::find_format(id).ok_or_else(|| {
            anyhow::anyhow!("unknown format `{id}`: `verdict formats` lists the supported ones")
        })?),
        None => None,
    };
    let mut inputs = Vec::new();
    for path in paths {
        let mut input = Input::parse(path)?;
        if input.format.is_none() {
            input.format = forced;
        }
        inputs.extend(expand(input)?);
    }
    Ok(inputs)
}

/// An input whose path is a glob (`reports/*.sarif`) and not an existing
/// file becomes one input per matching path, sorted; a glob matching
/// nothing is an error, never an empty gate.
fn expand(input: Input) -> anyhow::Result<Vec<Input>> {
    let pattern = input.path.to_string_lossy().into_owned();
    if input.path.exists() || !pattern.contains(['*', '?', '[']) {
        return Ok(vec![input]);
    }
    let options = glob::MatchOptions {
        require_literal_separator: true,
        ..glob::MatchOptions::new()
    };
    let paths = glob::glob_with(&pattern, options).map_err(|error| {
        anyhow::anyhow!(
            "input pattern `{pattern}` is not a valid glob: {}",
            error.msg
        )
    })?;
    let mut matched: Vec<std::path::PathBuf> =
        paths.collect::<Result<_, _>>().map_err(|error| {
            anyhow::anyhow!(
                "input pattern `{pattern}`: cannot read `{}`: {}",
                error.path().display(),
                error.error().kind()
            )
        })?;
    if matched.is_empty() {
        anyhow::bail!(
            "input pattern `{pattern}` matched no file: a report the gate expects is missing"
        );
    }
    matched.sort();
    Ok(matched
        .into_iter()
        .map(|path| Input {
            path,
            format: input.format,
        })
        .collect())
}

/// The shape of `verdict ingest --output json`.
#[derive(Serialize)]
struct JsonEvidence<'a> {
    sources: &'a [verdict_evidence::Source],
    findings: &'a [verdict_evidence::Finding],
    vulnerabilities: &'a [verdict_evidence::Vulnerability],
    secrets: &'a [verdict_evidence::Secret],
    coverage: JsonCoverage<'a>,
    components: &'a [verdict_evidence::Component],
    tests: &'a [verdict_evidence::TestSuite],
    documents: &'a [verdict_evidence::Document],
    notices: &'a [verdict_evidence::Notice],
    /// Files under input directories that were not read, with the reason.
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    skipped: &'a [verdict_evidence::SkippedFile],
}

#[derive(Serialize)]
struct JsonCoverage<'a> {
    files: &'a [FileCoverage],
    totals: CoverageTotals,
}

impl<'a> JsonEvidence<'a> {
    fn new(evidence: &'a Evidence) -> Self {
        JsonEvidence {
            sources: &evidence.sources,
            findings: &evidence.findings,
            vulnerabilities: &evidence.vulnerabilities,
            secrets: &evidence.secrets,
            coverage: JsonCoverage {
                files: &evidence.coverage,
                totals: evidence.coverage_totals(),
            },
            components: &evidence.components,
            tests: &evidence.tests,
            documents: &evidence.documents,
            notices: &evidence.notices,
            skipped: &evidence.skipped,
        }
    }
}

/// One count per severity, indexed by `Severity as usize`.
const SEVERITIES: usize = Severity::ALL_DESCENDING.len();

/// Per-input counts, gathered in one pass over the records.
#[derive(Default)]
struct Counts {
    findings: [u64; SEVERITIES],
    vulnerabilities: [u64; SEVERITIES],
    secrets: u64,
    coverage: CoverageTotals,
    components: u64,
    tests: (u64, u64),
    documents: u64,
    notices: u64,
}

fn write_summary(out: &mut impl Write, evidence: &Evidence) -> anyhow::Result<()> {
    let mut counts: Vec<Counts> = evidence.sources.iter().map(|_| Counts::default()).collect();
    let mut total = Counts::default();
    let slot = |severity: Severity| severity as usize;
    for finding in &evidence.findings {
        counts[finding.source as usize].findings[slot(finding.severity)] += 1;
        total.findings[slot(finding.severity)] += 1;
    }
    for vulnerability in &evidence.vulnerabilities {
        counts[vulnerability.source as usize].vulnerabilities[slot(vulnerability.severity)] += 1;
        total.vulnerabilities[slot(vulnerability.severity)] += 1;
    }
    for secret in &evidence.secrets {
        counts[secret.source as usize].secrets += 1;
        total.secrets += 1;
    }
    for file in &evidence.coverage {
        let totals = &mut counts[file.source as usize].coverage;
        *totals = totals.plus(&CoverageTotals::of([file]));
    }
    for component in &evidence.components {
        counts[component.source as usize].components += 1;
        total.components += 1;
    }
    for suite in &evidence.tests {
        let entry = &mut counts[suite.source as usize].tests;
        entry.0 += suite.tests;
        entry.1 += suite.failures + suite.errors;
        total.tests.0 += suite.tests;
        total.tests.1 += suite.failures + suite.errors;
    }
    for document in &evidence.documents {
        counts[document.source as usize].documents += 1;
        total.documents += 1;
    }
    for notice in &evidence.notices {
        counts[notice.source as usize].notices += 1;
    }
    total.coverage = evidence.coverage_totals();
    let path_width = evidence
        .sources
        .iter()
        .map(|s| untrusted(&s.path).max_chars(PATH_CHARS).width())
        .max()
        .unwrap_or(4)
        .clamp(4, PATH_COLUMN);
    let format_width = evidence
        .sources
        .iter()
        .map(|s| s.format.len())
        .max()
        .unwrap_or(6)
        .max(6);
    // The format id (verdict's own) comes first, so that no row starts with
    // a path, which a pull request can name.
    writeln!(
        out,
        "{:format_width$}  {:>7}  {:path_width$}  DETAILS",
        "FORMAT", "RECORDS", "PATH"
    )?;
    for (source, counts) in evidence.sources.iter().zip(&counts) {
        writeln!(
            out,
            "{:format_width$}  {:>7}  {:path_width$}  {}",
            untrusted(&source.format),
            source.records,
            untrusted(&source.path).max_chars(PATH_CHARS),
            details(counts)
        )?;
    }
    writeln!(
        out,
        "total: {} {}, {} records: {}",
        evidence.sources.len(),
        if evidence.sources.len() == 1 {
            "file"
        } else {
            "files"
        },
        evidence.record_count(),
        details(&total)
    )?;
    for notice in &evidence.notices {
        let path = evidence
            .sources
            .get(notice.source as usize)
            .map_or("", |s| s.path.as_str());
        writeln!(
            out,
            "notice: `{}`: {}: {}",
            untrusted(path).max_chars(PATH_CHARS),
            kind_name(notice.kind),
            untrusted(&notice.message).max_chars(MESSAGE_CHARS)
        )?;
    }
    for skipped in &evidence.skipped {
        writeln!(
            out,
            "skipped: `{}`: {}",
            untrusted(&skipped.path).max_chars(PATH_CHARS),
            untrusted(&skipped.reason).max_chars(MESSAGE_CHARS)
        )?;
    }
    Ok(())
}

fn kind_name(kind: verdict_evidence::NoticeKind) -> &'static str {
    match kind {
        verdict_evidence::NoticeKind::IncompleteScan => "incomplete scan",
        verdict_evidence::NoticeKind::Warning => "warning",
    }
}

fn details(counts: &Counts) -> String {
    let mut parts = Vec::new();
    for (name, by_severity) in [
        ("findings", &counts.findings),
        ("vulnerabilities", &counts.vulnerabilities),
    ] {
        let sum: u64 = by_severity.iter().sum();
        if sum > 0 {
            let breakdown: Vec<String> = Severity::ALL_DESCENDING
                .iter()
                .filter(|severity| by_severity[**severity as usize] > 0)
                .map(|severity| format!("{severity} {}", by_severity[*severity as usize]))
                .collect();
            parts.push(format!("{name} {sum} ({})", breakdown.join(", ")));
        }
    }
    if counts.secrets > 0 {
        parts.push(format!("secrets {}", counts.secrets));
    }
    if counts.coverage.files > 0 {
        let totals = counts.coverage;
        let percent = totals
            .line_percent()
            .map_or("n/a".to_owned(), |p| format!("{p:.1}%"));
        let mut text = format!(
            "coverage {} files, lines {}/{} ({percent})",
            totals.files, totals.lines_covered, totals.lines_total
        );
        if totals.branches_total > 0 {
            text.push_str(&format!(
                ", branches {}/{}",
                totals.branches_covered, totals.branches_total
            ));
        }
        parts.push(text);
    }
    if counts.components > 0 {
        parts.push(format!("components {}", counts.components));
    }
    if counts.tests.0 > 0 {
        parts.push(format!(
            "tests {} ({} failed)",
            counts.tests.0, counts.tests.1
        ));
    }
    if counts.documents > 0 {
        parts.push(format!("documents {}", counts.documents));
    }
    if counts.notices > 0 {
        parts.push(format!("notices {}", counts.notices));
    }
    if parts.is_empty() {
        "no records".to_owned()
    } else {
        parts.join("; ")
    }
}
