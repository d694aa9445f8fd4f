//! The pictures: violations by severity, by policy and by directory, drawn
//! by [`crate::svg`] from the document's counts.

use super::short;
use crate::svg::{Bar, BarChart, Colour, Series};
use std::collections::BTreeMap;
use verdict_evidence::Severity;
use verdict_gate::document::Verdict;

/// Directories drawn, the ones with most violations.
const DIRECTORIES: usize = 12;

pub(crate) struct Chart {
    pub(crate) title: &'static str,
    /// The `<svg>` element, or empty when there is nothing to draw.
    pub(crate) svg: String,
    /// What the chart rests on, or why there is none.
    pub(crate) note: String,
}

const COUNTING: Colour = Colour::rgb(0xb9, 0x1c, 0x1c);
const WAIVED: Colour = Colour::rgb(0x25, 0x63, 0xeb);
const BASELINED: Colour = Colour::rgb(0x9c, 0xa3, 0xaf);

pub(crate) fn of(verdict: &Verdict) -> Vec<Chart> {
    vec![
        by_severity(verdict),
        by_policy(verdict),
        by_directory(verdict),
        coverage_by_directory(verdict),
    ]
}

const COVERED: Colour = Colour::rgb(0x16, 0xa3, 0x4a);
const UNCOVERED: Colour = Colour::rgb(0xe5, 0xe7, 0xeb);

/// Line coverage per directory, as covered and uncovered percent of each
/// directory's lines (whole percents, rounded down).
fn coverage_by_directory(verdict: &Verdict) -> Chart {
    let Some(coverage) = &verdict.coverage else {
        return nothing("Coverage by directory", "No coverage report was read.");
    };
    let percent = |covered: u64, total: u64| (covered * 100).checked_div(total).unwrap_or(0);
    let bars: Vec<Bar> = coverage
        .by_directory
        .iter()
        .take(DIRECTORIES)
        .map(|directory| {
            let covered = percent(directory.lines_covered, directory.lines_total);
            let label = match directory.directory.as_str() {
                "." => "(top level)".to_owned(),
                other => short(other),
            };
            Bar {
                label,
                values: vec![covered, 100 - covered],
                colour: None,
            }
        })
        .collect();
    let chart = BarChart {
        title: "Coverage by directory".to_owned(),
        series: vec![
            Series {
                name: "% covered".to_owned(),
                colour: COVERED,
            },
            Series {
                name: "% not covered".to_owned(),
                colour: UNCOVERED,
            },
        ],
        bars,
    };
    let mut note = format!(
        "Lines covered: {} of {} ({}%) over every coverage report; directories with the most lines first.",
        coverage.lines_covered,
        coverage.lines_total,
        percent(coverage.lines_covered, coverage.lines_total)
    );
    if coverage.by_directory.len() > DIRECTORIES {
        note.push_str(&format!(
            " {} more directories not drawn.",
            coverage.by_directory.len() - DIRECTORIES
        ));
    }
    Chart {
        title: "Coverage by directory",
        svg: chart.to_svg(),
        note,
    }
}

fn severity_colour(severity: Severity) -> Colour {
    match severity {
        Severity::Unknown => Colour::rgb(0x4b, 0x55, 0x63),
        Severity::Critical => Colour::rgb(0x7f, 0x1d, 0x1d),
        Severity::High => Colour::rgb(0xdc, 0x26, 0x26),
        Severity::Medium => Colour::rgb(0xea, 0x8a, 0x0c),
        Severity::Low => Colour::rgb(0xca, 0xb0, 0x08),
        Severity::Info => Colour::rgb(0x60, 0xa5, 0xfa),
    }
}

fn by_severity(verdict: &Verdict) -> Chart {
    let mut totals: BTreeMap<Severity, u64> = BTreeMap::new();
    for policy in &verdict.policies {
        for (severity, count) in &policy.counts.by_severity {
            *totals.entry(*severity).or_default() += count;
        }
    }
    let bars: Vec<(Severity, u64)> = Severity::ALL_DESCENDING
        .into_iter()
        .map(|severity| (severity, totals.get(&severity).copied().unwrap_or(0)))
        .collect();
    let total: u64 = bars.iter().map(|(_, count)| count).sum();
    if total == 0 {
        return nothing(
            "Violations by severity",
            "No violation counts against the gate.",
        );
    }
    let chart = BarChart {
        title: "Violations by severity".to_owned(),
        series: vec![Series {
            name: "violations".to_owned(),
            colour: COUNTING,
        }],
        bars: bars
            .iter()
            .map(|(severity, count)| Bar {
                label: severity.as_str().to_owned(),
                values: vec![*count],
                colour: Some(severity_colour(*severity)),
            })
            .collect(),
    };
    Chart {
        title: "Violations by severity",
        svg: chart.to_svg(),
        note: format!(
            "Exact counts over all {total} violations that count against the gate, listed or not."
        ),
    }
}

fn by_policy(verdict: &Verdict) -> Chart {
    let counted: Vec<[u64; 3]> = verdict
        .policies
        .iter()
        .map(|p| [p.counts.violations, p.counts.waived, p.counts.baselined])
        .collect();
    // Counting always; waived and baselined when any policy has some.
    let series: Vec<(usize, Series)> = [
        ("counting", COUNTING),
        ("waived", WAIVED),
        ("baselined", BASELINED),
    ]
    .into_iter()
    .enumerate()
    .filter(|(n, _)| *n == 0 || counted.iter().any(|counts| counts[*n] > 0))
    .map(|(n, (name, colour))| {
        let series = Series {
            name: name.to_owned(),
            colour,
        };
        (n, series)
    })
    .collect();
    let bars: Vec<Bar> = verdict
        .policies
        .iter()
        .zip(&counted)
        .filter(|(_, counts)| counts.iter().sum::<u64>() > 0)
        .map(|(p, counts)| Bar {
            label: short(&p.id),
            values: series.iter().map(|(n, _)| counts[*n]).collect(),
            colour: None,
        })
        .collect();
    if bars.is_empty() {
        return nothing("Violations by policy", "No policy reported a violation.");
    }
    let chart = BarChart {
        title: "Violations by policy".to_owned(),
        series: series.into_iter().map(|(_, series)| series).collect(),
        bars,
    };
    Chart {
        title: "Violations by policy",
        svg: chart.to_svg(),
        note: "Exact counts per policy: counting against the gate, waived, and already in the baseline."
            .to_owned(),
    }
}

fn by_directory(verdict: &Verdict) -> Chart {
    let mut directories: BTreeMap<String, u64> = BTreeMap::new();
    let mut listed = 0u64;
    let mut located = 0u64;
    for violation in verdict.policies.iter().flat_map(|p| &p.violations) {
        listed += 1;
        if let Some(location) = &violation.location {
            located += 1;
            let path: &str = &location.path;
            let directory = match path.rfind('/') {
                Some(0) => "/",
                Some(end) => &path[..end],
                None => "(top level)",
            };
            *directories.entry(short(directory)).or_default() += 1;
        }
    }
    if located == 0 {
        return nothing(
            "Violations by directory",
            "No listed violation has a location.",
        );
    }
    let mut ranked: Vec<(String, u64)> = directories.into_iter().collect();
    // Most first; the map's order breaks ties.
    ranked.sort_by_key(|(_, count)| std::cmp::Reverse(*count));
    let others = ranked.len().saturating_sub(DIRECTORIES);
    ranked.truncate(DIRECTORIES);
    let chart = BarChart {
        title: "Violations by directory".to_owned(),
        series: vec![Series {
            name: "violations".to_owned(),
            colour: COUNTING,
        }],
        bars: ranked
            .into_iter()
            .map(|(label, count)| Bar {
                label,
                values: vec![count],
                colour: None,
            })
            .collect(),
    };
    let mut note = format!(
        "Over the {listed} violations listed in detail ({located} with a location), not the elided ones."
    );
    if others > 0 {
        note.push_str(&format!(" {others} more directories not drawn."));
    }
    Chart {
        title: "Violations by directory",
        svg: chart.to_svg(),
        note,
    }
}

fn nothing(title: &'static str, note: &str) -> Chart {
    Chart {
        title,
        svg: String::new(),
        note: note.to_owned(),
    }
}
