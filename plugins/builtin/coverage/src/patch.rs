//! Patch coverage: the share of a change's executable lines that tests run, as diff-cover
//! computes it (`diff_cover/report_generator.py`, `violations_reporter.py`):
//!
//! - a changed line is *measured* when a coverage report mentions it (hit or not); changed
//!   lines no report mentions (blank lines, comments, declarations) are not executable and do
//!   not count;
//! - a changed file no report knows is skipped (docs, configuration, untested code the report
//!   does not list);
//! - the measure is covered measured lines over measured lines; with nothing measured there is
//!   nothing to cover, and diff-cover reports 100%.
//!
//! Where several reports mention a line, it is covered if any of them ran it.

use std::collections::{BTreeMap, BTreeSet};

use verdict_policy_sdk::{ChangeStatus, Error, Evidence, FileCoverage, Kind, PathMatcher};

/// The patch measure, overall and per changed file that a report knows.
#[derive(Debug, Default)]
pub struct Measure {
    /// Changed lines a report mentions.
    pub measured: u64,
    /// Of those, lines a report says were run.
    pub covered: u64,
    /// Changed files (with added lines) that no coverage report knows.
    pub skipped: usize,
    /// Per changed file with measured lines, in the changes' order.
    pub files: Vec<FileMeasure>,
}

/// One changed file's measured lines that no test ran.
#[derive(Debug)]
pub struct FileMeasure {
    /// The path on the head side, as the repository names it.
    pub path: String,
    /// Changed, measured, never run; ascending.
    pub uncovered: Vec<u32>,
}

impl Measure {
    /// Covered over measured, in percent; `None` when no changed line is executable.
    pub fn percent(&self) -> Option<f64> {
        (self.measured > 0).then(|| self.covered as f64 * 100.0 / self.measured as f64)
    }
}

/// Measures the changes against `coverage` (the counted, non-baseline files).
///
/// Errors when no input speaks for changes (no `--repo` with `--base`), and when a changed
/// file's report gives only counts, not lines: either would make the measure pass unseen.
pub fn measure(
    evidence: &Evidence,
    coverage: &[FileCoverage],
    exclude: &PathMatcher,
) -> Result<Measure, Error> {
    if !evidence
        .sources()
        .iter()
        .any(|source| source.kinds.contains(&Kind::Changes))
    {
        return Err(Error::new(
            "`patch` needs the lines the change touches: run `verdict check` with `--repo DIR --base REV` \
             (the pull request's target branch, e.g. `--base origin/main`)",
        ));
    }
    // Normalized coverage path → (covered lines, measured lines), merged over reports.
    let mut lines: BTreeMap<String, (BTreeSet<u32>, BTreeSet<u32>)> = BTreeMap::new();
    for file in coverage {
        if file.lines_total > 0 && file.covered_lines.is_empty() && file.uncovered_lines.is_empty()
        {
            return Err(Error::new(format!(
                "`patch` needs line-level coverage, but the report for `{}` gives only counts",
                file.path
            )));
        }
        let entry = lines.entry(normalize(&file.path)).or_default();
        entry.0.extend(&file.covered_lines);
        entry.1.extend(&file.covered_lines);
        entry.1.extend(&file.uncovered_lines);
    }
    let mut measure = Measure::default();
    for change in evidence.changes() {
        if change.status == ChangeStatus::Deleted
            || change.added_lines.is_empty()
            || exclude.is_match(&change.path)
        {
            continue;
        }
        let path = normalize(&change.path);
        let known: Vec<&(BTreeSet<u32>, BTreeSet<u32>)> = lines
            .iter()
            .filter(|(covered_path, _)| same_file(&path, covered_path))
            .map(|(_, lines)| lines)
            .collect();
        if known.is_empty() {
            measure.skipped += 1;
            continue;
        }
        let mut uncovered = Vec::new();
        let mut measured = 0;
        for range in &change.added_lines {
            for line in range.start..=range.end {
                if !known.iter().any(|(_, measured)| measured.contains(&line)) {
                    continue;
                }
                measured += 1;
                if !known.iter().any(|(covered, _)| covered.contains(&line)) {
                    uncovered.push(line);
                }
            }
        }
        measure.measured += measured;
        measure.covered += measured - uncovered.len() as u64;
        if measured > 0 {
            measure.files.push(FileMeasure {
                path: change.path.clone(),
                uncovered,
            });
        }
    }
    Ok(measure)
}

/// Forward slashes, no leading `./`.
fn normalize(path: &str) -> String {
    let mut path = path.replace('\\', "/");
    while let Some(rest) = path.strip_prefix("./") {
        path = rest.to_owned();
    }
    path
}

/// Whether a repository path and a report's path name the same file: equal, or one ends with
/// the other at a `/` (reports often name files absolutely, `/build/repo/src/a.py`, or relative
/// to a source folder, `a.py` for `src/a.py`).
fn same_file(repository_path: &str, report_path: &str) -> bool {
    repository_path == report_path
        || ends_at_separator(report_path, repository_path)
        || ends_at_separator(repository_path, report_path)
}

fn ends_at_separator(long: &str, short: &str) -> bool {
    long.len() > short.len()
        && long.ends_with(short)
        && long.as_bytes()[long.len() - short.len() - 1] == b'/'
}

/// `3, 7-9, 12` for lines `[3, 7, 8, 9, 12]`.
pub fn describe_lines(lines: &[u32]) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut index = 0;
    while index < lines.len() {
        let start = lines[index];
        let mut end = start;
        while index + 1 < lines.len() && lines[index + 1] == end + 1 {
            index += 1;
            end = lines[index];
        }
        parts.push(if start == end {
            start.to_string()
        } else {
            format!("{start}-{end}")
        });
        index += 1;
    }
    parts.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_match_when_equal_or_one_ends_with_the_other_at_a_slash() {
        assert!(same_file("src/a.py", "src/a.py"));
        assert!(same_file("src/a.py", "/build/repo/src/a.py"));
        assert!(same_file("src/pkg/a.py", "pkg/a.py"));
        assert!(!same_file("src/a.py", "/build/repo/xsrc/a.py"));
        assert!(!same_file("src/data.py", "src/a.py"));
        assert_eq!(normalize(".\\src\\a.py"), "src/a.py");
    }

    #[test]
    fn line_lists_are_ranges() {
        assert_eq!(describe_lines(&[3, 7, 8, 9, 12]), "3, 7-9, 12");
        assert_eq!(describe_lines(&[1]), "1");
    }
}
