//! The per-file line and branch tally every coverage format fills.

use crate::formats::Output;
use std::collections::{BTreeMap, HashMap};
use verdict_evidence::FileCoverage;

/// Per-file tally of executable lines and branches, merged by path in order
/// of first appearance.
///
/// A line reported several times counts once and is covered if any report of
/// it was hit. Per-line branch counts reported several times keep the largest
/// total and the largest covered count.
#[derive(Debug, Default)]
pub(crate) struct LineTally {
    files: Vec<FileTally>,
    by_path: HashMap<String, usize>,
}

#[derive(Debug, Default)]
struct FileTally {
    path: String,
    /// Line number → hit.
    lines: BTreeMap<u32, bool>,
    /// Line number → (total, covered) branches.
    branches: BTreeMap<u32, (u64, u64)>,
    /// Counts given only as totals (lcov `LF`/`LH` without `DA` lines).
    summary: Summary,
}

/// Counts a report gives without the lines behind them.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct Summary {
    pub(crate) lines_total: u64,
    pub(crate) lines_covered: u64,
    pub(crate) branches_total: u64,
    pub(crate) branches_covered: u64,
}

impl LineTally {
    /// The index of the file with this path, added if new.
    pub(crate) fn file(&mut self, path: &str) -> usize {
        if let Some(&index) = self.by_path.get(path) {
            return index;
        }
        let index = self.files.len();
        self.files.push(FileTally {
            path: path.to_owned(),
            ..FileTally::default()
        });
        self.by_path.insert(path.to_owned(), index);
        index
    }

    /// An executable line, hit or not.
    pub(crate) fn line(&mut self, file: usize, number: u32, hit: bool) {
        *self.files[file].lines.entry(number).or_insert(false) |= hit;
    }

    /// The branches of one line.
    pub(crate) fn branches(&mut self, file: usize, line: u32, total: u64, covered: u64) {
        let entry = self.files[file].branches.entry(line).or_insert((0, 0));
        entry.0 = entry.0.max(total);
        entry.1 = entry.1.max(covered);
    }

    /// Counts given without lines; added to whatever the lines say.
    pub(crate) fn add_summary(&mut self, file: usize, summary: Summary) {
        let sum = &mut self.files[file].summary;
        sum.lines_total = sum.lines_total.saturating_add(summary.lines_total);
        sum.lines_covered = sum.lines_covered.saturating_add(summary.lines_covered);
        sum.branches_total = sum.branches_total.saturating_add(summary.branches_total);
        sum.branches_covered = sum
            .branches_covered
            .saturating_add(summary.branches_covered);
    }

    /// Appends one [`FileCoverage`] per file, in order of first appearance.
    pub(crate) fn finish(self, output: &mut Output) {
        for file in self.files {
            let covered = file.lines.values().filter(|&&hit| hit).count() as u64;
            let uncovered_lines: Vec<u32> = file
                .lines
                .iter()
                .filter(|&(_, &hit)| !hit)
                .map(|(&line, _)| line)
                .collect();
            let covered_lines: Vec<u32> = file
                .lines
                .iter()
                .filter(|&(_, &hit)| hit)
                .map(|(&line, _)| line)
                .collect();
            output.evidence.coverage.push(FileCoverage {
                source: 0,
                path: file.path,
                lines_total: (file.lines.len() as u64).saturating_add(file.summary.lines_total),
                lines_covered: covered.saturating_add(file.summary.lines_covered),
                branches_total: saturating_sum(file.branches.values().map(|b| b.0))
                    .saturating_add(file.summary.branches_total),
                branches_covered: saturating_sum(file.branches.values().map(|b| b.1))
                    .saturating_add(file.summary.branches_covered),
                uncovered_lines,
                covered_lines,
            });
        }
    }
}

/// A sum that stops at `u64::MAX` instead of overflowing on hostile counts.
pub(crate) fn saturating_sum(values: impl Iterator<Item = u64>) -> u64 {
    values.fold(0, u64::saturating_add)
}
