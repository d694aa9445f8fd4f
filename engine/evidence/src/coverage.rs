//! Coverage: per-file line and branch counts.

use crate::SourceIndex;
use serde::{Deserialize, Serialize};

/// Coverage of one source file.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileCoverage {
    /// Index of the input file this came from.
    pub source: SourceIndex,
    /// The covered file's path as the report names it.
    pub path: String,
    /// Executable lines.
    pub lines_total: u64,
    /// Executable lines hit at least once.
    pub lines_covered: u64,
    /// Branches (or branch outcomes) the tool counted.
    pub branches_total: u64,
    /// Branches taken at least once.
    pub branches_covered: u64,
    /// Executable lines never hit, ascending, without duplicates. Empty when
    /// the format gives only counts.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub uncovered_lines: Vec<u32>,
    /// Executable lines hit at least once, ascending, without duplicates.
    /// Empty when the format gives only counts. With `uncovered_lines`, the
    /// lines the report measures: changed-line (patch) coverage needs both.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub covered_lines: Vec<u32>,
}

/// Sums over many files.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CoverageTotals {
    /// Number of files.
    pub files: u64,
    /// Executable lines.
    pub lines_total: u64,
    /// Executable lines hit.
    pub lines_covered: u64,
    /// Branches.
    pub branches_total: u64,
    /// Branches taken.
    pub branches_covered: u64,
}

impl CoverageTotals {
    /// Totals over the given files.
    pub fn of<'a>(files: impl IntoIterator<Item = &'a FileCoverage>) -> CoverageTotals {
        files
            .into_iter()
            .fold(CoverageTotals::default(), |mut totals, file| {
                totals.files += 1;
                totals.lines_total += file.lines_total;
                totals.lines_covered += file.lines_covered;
                totals.branches_total += file.branches_total;
                totals.branches_covered += file.branches_covered;
                totals
            })
    }

    /// The sum of two totals.
    pub fn plus(&self, other: &CoverageTotals) -> CoverageTotals {
        CoverageTotals {
            files: self.files + other.files,
            lines_total: self.lines_total + other.lines_total,
            lines_covered: self.lines_covered + other.lines_covered,
            branches_total: self.branches_total + other.branches_total,
            branches_covered: self.branches_covered + other.branches_covered,
        }
    }

    /// Line coverage in percent, `None` when there are no executable lines.
    pub fn line_percent(&self) -> Option<f64> {
        percent(self.lines_covered, self.lines_total)
    }

    /// Branch coverage in percent, `None` when there are no branches.
    pub fn branch_percent(&self) -> Option<f64> {
        percent(self.branches_covered, self.branches_total)
    }
}

fn percent(covered: u64, total: u64) -> Option<f64> {
    (total > 0).then(|| covered as f64 * 100.0 / total as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn totals_sum_files_and_compute_percentages() {
        let files = [
            FileCoverage {
                lines_total: 10,
                lines_covered: 5,
                branches_total: 4,
                branches_covered: 1,
                ..Default::default()
            },
            FileCoverage {
                lines_total: 30,
                lines_covered: 25,
                ..Default::default()
            },
        ];
        let totals = CoverageTotals::of(&files);
        assert_eq!(totals.files, 2);
        assert_eq!(totals.lines_total, 40);
        assert_eq!(totals.line_percent(), Some(75.0));
        assert_eq!(totals.branch_percent(), Some(25.0));
        assert_eq!(CoverageTotals::default().line_percent(), None);
    }
}
