//! The `coverage` built-in: line and branch coverage at or above a minimum, coverage of the
//! lines a change touches (`patch`), and no drop below a baseline report (`max-drop`).

mod patch;

use serde::Deserialize;
use verdict_policy_sdk::schemars::JsonSchema;
use verdict_policy_sdk::{
    Context, CoverageTotals, Descriptor, Error, Evidence, FileCoverage, Kind, Location, Outcome,
    PathMatcher, Policy, Severity, Violation,
};

/// The `coverage` policy.
pub struct Coverage;

/// Configuration of the `coverage` policy (docs/policies/coverage.md).
/// Minimums are percentages (`80`, not `0.8`); at least one of `min-lines`,
/// `patch` and `baseline` must be set.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
#[schemars(crate = "verdict_policy_sdk::schemars")]
pub struct Config {
    /// Minimum line coverage over all files, in percent.
    #[serde(default)]
    #[schemars(range(min = 0.0, max = 100.0))]
    pub min_lines: Option<f64>,
    /// Minimum branch coverage over all files, in percent.
    #[serde(default)]
    #[schemars(range(min = 0.0, max = 100.0))]
    pub min_branches: Option<f64>,
    /// Minimum line coverage of each file, in percent.
    #[serde(default)]
    #[schemars(range(min = 0.0, max = 100.0))]
    pub min_file_lines: Option<f64>,
    /// Minimum coverage of the changed executable lines (`--repo` with
    /// `--base`), in percent, as diff-cover computes it: changed lines no
    /// report mentions are not executable, changed files no report knows are
    /// skipped.
    #[serde(default)]
    #[schemars(range(min = 0.0, max = 100.0))]
    pub patch: Option<f64>,
    /// Globs of the input files that are the baseline coverage report (e.g.
    /// the target branch's, `**/baseline/*`); they are left out of every
    /// other measure, and total line coverage may not drop more than
    /// `max-drop` points below theirs.
    #[serde(default)]
    pub baseline: Vec<String>,
    /// How many percentage points total line coverage may drop below the
    /// baseline (Codecov's `threshold`). Default 0 when `baseline` is set.
    #[serde(default)]
    #[schemars(range(min = 0.0, max = 100.0))]
    pub max_drop: Option<f64>,
    /// Globs of the input files whose coverage counts, as given to `verdict
    /// check` (`**/backend/coverage.xml`); gate backend and frontend
    /// separately with one policy each. Default: every coverage input.
    #[serde(default)]
    pub sources: Vec<String>,
    /// Globs of covered (and changed) files left out of every measure.
    #[serde(default)]
    pub exclude: Vec<String>,
}

impl Policy for Coverage {
    type Config = Config;

    fn describe() -> Descriptor {
        Descriptor {
            name: "coverage".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            description: "Requires line (and optionally branch and per-file) test coverage at or above a minimum, \
                          over all coverage inputs or the ones `sources` names; optionally coverage of the lines \
                          a change touches (`patch`, with `--repo` and `--base`) and no drop below a baseline \
                          report (`baseline`, `max-drop`). Fails when there is no coverage evidence at all, so a \
                          missing report cannot pass."
                .into(),
            consumes: vec![Kind::Coverage, Kind::Changes],
            requires: vec![Kind::Coverage],
            config_schema: verdict_policy_sdk::config_schema::<Config>(),
            controls: vec![],
        }
    }

    fn evaluate(config: Config, _context: &Context, evidence: &Evidence) -> Result<Outcome, Error> {
        check_percent("min-lines", config.min_lines)?;
        check_percent("min-branches", config.min_branches)?;
        check_percent("min-file-lines", config.min_file_lines)?;
        check_percent("patch", config.patch)?;
        check_points("max-drop", config.max_drop)?;
        if config.min_lines.is_none() && config.patch.is_none() && config.baseline.is_empty() {
            return Err(Error::new(
                "invalid configuration: set at least one of `min-lines`, `patch` and `baseline`",
            ));
        }
        if config.max_drop.is_some() && config.baseline.is_empty() {
            return Err(Error::new(
                "invalid configuration at `max-drop`: it needs `baseline`, the globs of the baseline coverage input",
            ));
        }
        let exclude = matcher("exclude", &config.exclude)?;
        let sources = matcher("sources", &config.sources)?;
        let baseline = matcher("baseline", &config.baseline)?;
        let all_sources = evidence.sources();
        // Source indexes of the baseline inputs, and of the inputs whose coverage counts
        // (`None` when every non-baseline input does).
        let baseline_sources: Vec<u32> = (0u32..)
            .zip(&all_sources)
            .filter(|(_, source)| !baseline.is_empty() && baseline.is_match(&source.path))
            .map(|(index, _)| index)
            .collect();
        let counted: Option<Vec<u32>> = (!sources.is_empty()).then(|| {
            (0u32..)
                .zip(&all_sources)
                .filter(|(index, source)| {
                    sources.is_match(&source.path) && !baseline_sources.contains(index)
                })
                .map(|(index, _)| index)
                .collect()
        });
        let mut current: Vec<FileCoverage> = Vec::new();
        let mut base: Vec<FileCoverage> = Vec::new();
        for file in evidence
            .coverage()
            .filter(|file| !exclude.is_match(&file.path))
        {
            if baseline_sources.contains(&file.source) {
                base.push(file);
            } else if counted.as_ref().is_none_or(|c| c.contains(&file.source)) {
                current.push(file);
            }
        }
        // Files `exclude` left out, to tell "nothing given" from "nothing left".
        let excluded_any = !config.exclude.is_empty();

        let mut violations = Vec::new();
        let totals = CoverageTotals::of(&current);
        if let Some(minimum) = config.min_file_lines {
            for file in &current {
                if let Some(measured) = file.line_percent()
                    && measured < minimum
                {
                    violations.push(
                        Violation::new(
                            "min-file-lines",
                            format!(
                                "line coverage of `{}` is {measured:.2}%, below the minimum {minimum}%",
                                file.path
                            ),
                        )
                        .severity(Severity::Medium)
                        .location(Some(Location::file(&file.path)))
                        .subject(&file.path)
                        .build(),
                    );
                }
            }
        }

        let Some(lines) = totals.line_percent() else {
            let message = if totals.files == 0 && counted.as_ref().is_some_and(Vec::is_empty) {
                "no coverage input matches `sources`".to_string()
            } else if totals.files == 0 && !excluded_any {
                if baseline_sources.is_empty() {
                    "no coverage evidence: give a coverage report as input".to_string()
                } else {
                    "no coverage evidence besides the baseline: give the current coverage report as input"
                        .to_string()
                }
            } else {
                format!(
                    "no executable lines in {} covered files left after `exclude`",
                    totals.files
                )
            };
            return Ok(Outcome::violations(vec![
                Violation::new("no-coverage", message)
                    .subject("total")
                    .build(),
            ]));
        };
        let mut notes = Vec::new();
        let mut totals_violations = Vec::new();
        if let Some(minimum) = config.min_lines {
            if lines < minimum {
                totals_violations.push(total_violation("min-lines", "line", lines, minimum));
            } else {
                notes.push(format!("lines {lines:.2}% ≥ {minimum}%"));
            }
        }
        if let Some(minimum) = config.min_branches {
            match totals.branch_percent() {
                Some(branches) if branches < minimum => {
                    totals_violations.push(total_violation(
                        "min-branches",
                        "branch",
                        branches,
                        minimum,
                    ));
                }
                Some(branches) => notes.push(format!("branches {branches:.2}% ≥ {minimum}%")),
                None => violations.push(
                    Violation::new(
                        "min-branches",
                        "no branch coverage in the evidence, but `min-branches` is set",
                    )
                    .subject("total")
                    .build(),
                ),
            }
        }
        if !config.baseline.is_empty() {
            let allowed = config.max_drop.unwrap_or(0.0);
            match CoverageTotals::of(&base).line_percent() {
                None if baseline_sources.is_empty() => totals_violations.push(
                    Violation::new("max-drop", "no coverage input matches `baseline`")
                        .subject("baseline")
                        .build(),
                ),
                None => totals_violations.push(
                    Violation::new(
                        "max-drop",
                        "the baseline coverage report has no executable lines left after `exclude`",
                    )
                    .subject("baseline")
                    .build(),
                ),
                Some(before) => {
                    let drop = before - lines;
                    // A hair of tolerance, so that 82.35 − 81.35 is not more than 1.
                    if drop > allowed + 1e-9 {
                        totals_violations.push(
                            Violation::new(
                                "max-drop",
                                format!(
                                    "line coverage dropped {drop:.2} points, from {before:.2}% in the baseline to {lines:.2}%, \
                                     more than the {allowed} allowed"
                                ),
                            )
                            .subject("baseline")
                            .build(),
                        );
                    } else {
                        notes.push(format!(
                            "lines {lines:.2}% against the baseline's {before:.2}% ({:+.2} points, a drop of at most {allowed} allowed)",
                            lines - before
                        ));
                    }
                }
            }
        }
        if let Some(minimum) = config.patch {
            let measure = patch::measure(evidence, &current, &exclude)?;
            match measure.percent() {
                None => notes.push(format!(
                    "patch: no changed executable lines{}",
                    skipped_note(measure.skipped)
                )),
                Some(percent) if percent < minimum => {
                    totals_violations.push(
                        Violation::new(
                            "patch",
                            format!(
                                "coverage of the changed lines is {percent:.2}% ({} of {} executable lines), below the minimum {minimum}%",
                                measure.covered, measure.measured
                            ),
                        )
                        .subject("patch")
                        .build(),
                    );
                    violations.extend(measure.files.iter().filter(|file| !file.uncovered.is_empty()).map(
                        |file| {
                            Violation::new(
                                "patch",
                                format!(
                                    "`{}`: changed lines {} are not covered",
                                    file.path,
                                    patch::describe_lines(&file.uncovered)
                                ),
                            )
                            .severity(Severity::Medium)
                            .location(Some(Location::file(&file.path)))
                            .subject(&file.path)
                            .build()
                        },
                    ));
                }
                Some(percent) => notes.push(format!(
                    "patch {percent:.2}% ≥ {minimum}% ({} of {} changed executable lines covered{})",
                    measure.covered,
                    measure.measured,
                    skipped_note(measure.skipped)
                )),
            }
        }
        totals_violations.append(&mut violations);
        let mut outcome = Outcome::violations(totals_violations);
        outcome.notes = notes;
        Ok(outcome)
    }
}

/// `; N changed files not in the coverage report` when some were skipped.
fn skipped_note(skipped: usize) -> String {
    match skipped {
        0 => String::new(),
        1 => "; 1 changed file not in the coverage report".to_owned(),
        n => format!("; {n} changed files not in the coverage report"),
    }
}

fn matcher(key: &str, globs: &[String]) -> Result<PathMatcher, Error> {
    PathMatcher::new(globs)
        .map_err(|e| Error::new(format!("invalid configuration at `{key}`: {e}")))
}

fn total_violation(rule: &str, what: &str, measured: f64, minimum: f64) -> Violation {
    Violation::new(
        rule,
        format!("{what} coverage is {measured:.2}%, below the minimum {minimum}%"),
    )
    .subject("total")
    .build()
}

/// A number of percentage points between 0 and 100.
fn check_points(key: &str, value: Option<f64>) -> Result<(), Error> {
    match value {
        Some(value) if !(0.0..=100.0).contains(&value) => Err(Error::new(format!(
            "invalid configuration at `{key}`: {value} is not a number of percentage points between 0 and 100"
        ))),
        _ => Ok(()),
    }
}

/// A percentage between 0 and 100; a fraction (`0.8`) is a mistake for `80`.
fn check_percent(key: &str, value: Option<f64>) -> Result<(), Error> {
    match value {
        Some(value) if !(0.0..=100.0).contains(&value) => Err(Error::new(format!(
            "invalid configuration at `{key}`: {value} is not a percentage between 0 and 100"
        ))),
        Some(value) if value > 0.0 && value < 1.0 => Err(Error::new(format!(
            "invalid configuration at `{key}`: {value} looks like a fraction, but minimums are percentages \
             (did you mean {}?)",
            (value * 10_000.0).round() / 100.0
        ))),
        _ => Ok(()),
    }
}

verdict_policy_sdk::export_policy!(Coverage);

#[cfg(test)]
mod tests {
    use super::*;
    use verdict_policy_sdk::{
        ChangeStatus, ChangedFile, FileCoverage, LineRange, MemoryEvidence, Source, testing,
    };

    fn file(path: &str, lines: (u64, u64), branches: (u64, u64)) -> FileCoverage {
        FileCoverage {
            path: path.into(),
            lines_covered: lines.0,
            lines_total: lines.1,
            branches_covered: branches.0,
            branches_total: branches.1,
            ..FileCoverage::default()
        }
    }

    fn evidence() -> MemoryEvidence {
        MemoryEvidence {
            coverage: vec![
                file("src/a.rs", (90, 100), (5, 10)),
                file("src/gen/b.rs", (10, 100), (0, 0)),
            ],
            ..MemoryEvidence::default()
        }
    }

    fn rules(outcome: &Outcome) -> Vec<(&str, &str)> {
        outcome
            .violations
            .iter()
            .map(|v| (v.rule.as_str(), v.message.as_str()))
            .collect()
    }

    #[test]
    fn fails_below_the_line_minimum_with_the_measured_value() {
        let outcome = testing::evaluate::<Coverage>(r#"{"min-lines": 80}"#, evidence()).unwrap();
        assert_eq!(
            rules(&outcome),
            [(
                "min-lines",
                "line coverage is 50.00%, below the minimum 80%"
            )]
        );
    }

    #[test]
    fn exclude_leaves_files_out_of_the_totals() {
        let config = r#"{"min-lines": 80, "min-branches": 40, "exclude": ["src/gen/**"]}"#;
        assert!(
            testing::evaluate::<Coverage>(config, evidence())
                .unwrap()
                .passed()
        );
    }

    #[test]
    fn reports_branch_and_per_file_minimums() {
        let config = r#"{"min-lines": 10, "min-branches": 60, "min-file-lines": 50}"#;
        let outcome = testing::evaluate::<Coverage>(config, evidence()).unwrap();
        assert_eq!(
            rules(&outcome),
            [
                (
                    "min-branches",
                    "branch coverage is 50.00%, below the minimum 60%"
                ),
                (
                    "min-file-lines",
                    "line coverage of `src/gen/b.rs` is 10.00%, below the minimum 50%"
                ),
            ]
        );
    }

    #[test]
    fn fails_closed_without_coverage_evidence() {
        let outcome =
            testing::evaluate::<Coverage>(r#"{"min-lines": 0}"#, MemoryEvidence::default())
                .unwrap();
        assert_eq!(outcome.violations[0].rule, "no-coverage");
    }

    #[test]
    fn fails_closed_when_branch_minimum_has_no_branch_data() {
        let config = r#"{"min-lines": 0, "min-branches": 10, "exclude": ["src/a.rs"]}"#;
        let outcome = testing::evaluate::<Coverage>(config, evidence()).unwrap();
        assert_eq!(
            rules(&outcome),
            [(
                "min-branches",
                "no branch coverage in the evidence, but `min-branches` is set"
            )]
        );
    }

    #[test]
    fn passing_measures_are_noted_with_their_values() {
        let config = r#"{"min-lines": 50, "min-branches": 40}"#;
        let outcome = testing::evaluate::<Coverage>(config, evidence()).unwrap();
        assert!(outcome.passed());
        assert_eq!(
            outcome.notes,
            ["lines 50.00% ≥ 50%", "branches 50.00% ≥ 40%"]
        );
        let outcome = testing::evaluate::<Coverage>(r#"{"min-lines": 80}"#, evidence()).unwrap();
        assert!(outcome.notes.is_empty());
    }

    fn two_inputs() -> MemoryEvidence {
        let source = |path: &str| Source {
            path: path.into(),
            format: "lcov".into(),
            sha256: String::new(),
            tool: None,
            kinds: vec![Kind::Coverage],
        };
        let mut evidence = evidence();
        evidence.sources = vec![
            source("reports/backend/coverage.info"),
            source("../reports/frontend/lcov.info"),
        ];
        evidence.coverage[1].source = 1;
        evidence
    }

    #[test]
    fn sources_gate_each_input_separately() {
        let backend = r#"{"min-lines": 80, "sources": ["**/backend/*"]}"#;
        let outcome = testing::evaluate::<Coverage>(backend, two_inputs()).unwrap();
        assert_eq!(outcome.notes, ["lines 90.00% ≥ 80%"]);
        let frontend = r#"{"min-lines": 80, "sources": ["**/frontend/*.info"]}"#;
        let outcome = testing::evaluate::<Coverage>(frontend, two_inputs()).unwrap();
        assert_eq!(
            rules(&outcome),
            [(
                "min-lines",
                "line coverage is 10.00%, below the minimum 80%"
            )]
        );
        let nothing = r#"{"min-lines": 80, "sources": ["mobile/**"]}"#;
        let outcome = testing::evaluate::<Coverage>(nothing, two_inputs()).unwrap();
        assert_eq!(
            rules(&outcome),
            [("no-coverage", "no coverage input matches `sources`")]
        );
    }

    #[test]
    fn a_fraction_where_a_percentage_is_meant_is_an_error_with_a_hint() {
        let error = testing::evaluate::<Coverage>(r#"{"min-lines": 0.4}"#, evidence()).unwrap_err();
        assert!(
            error.message().contains("`min-lines`") && error.message().contains("did you mean 40?"),
            "{error}"
        );
        let error =
            testing::evaluate::<Coverage>(r#"{"min-lines": 80, "min-branches": 0.75}"#, evidence())
                .unwrap_err();
        assert!(error.message().contains("did you mean 75?"), "{error}");
        assert!(testing::evaluate::<Coverage>(r#"{"min-lines": 0}"#, evidence()).is_ok());
        assert!(testing::evaluate::<Coverage>(r#"{"min-lines": 1}"#, evidence()).is_ok());
    }

    #[test]
    fn rejects_bad_configuration_by_field() {
        let error =
            testing::evaluate::<Coverage>(r#"{"min-lines": "80"}"#, evidence()).unwrap_err();
        assert!(error.message().contains("`min-lines`"), "{error}");
        let error =
            testing::evaluate::<Coverage>(r#"{"min-lines": 80, "min-line": 1}"#, evidence())
                .unwrap_err();
        assert!(error.message().contains("min-line"), "{error}");
        let error = testing::evaluate::<Coverage>(r#"{}"#, evidence()).unwrap_err();
        assert!(error.message().contains("min-lines"), "{error}");
        let error = testing::evaluate::<Coverage>(r#"{"min-lines": 120}"#, evidence()).unwrap_err();
        assert!(error.message().contains("`min-lines`"), "{error}");
    }

    fn source(path: &str, kinds: Vec<Kind>) -> Source {
        Source {
            path: path.into(),
            format: "lcov".into(),
            sha256: String::new(),
            tool: None,
            kinds,
        }
    }

    fn lines(path: &str, covered: &[u32], uncovered: &[u32]) -> FileCoverage {
        FileCoverage {
            path: path.into(),
            lines_covered: covered.len() as u64,
            lines_total: (covered.len() + uncovered.len()) as u64,
            covered_lines: covered.to_vec(),
            uncovered_lines: uncovered.to_vec(),
            ..FileCoverage::default()
        }
    }

    fn changed(path: &str, ranges: &[(u32, u32)]) -> ChangedFile {
        ChangedFile {
            path: path.into(),
            old_path: None,
            status: ChangeStatus::Modified,
            added_lines: ranges
                .iter()
                .map(|&(start, end)| LineRange { start, end })
                .collect(),
        }
    }

    /// A report (absolute paths, as lcov writes them) and a change: `src/a.py` changes lines
    /// 1-6 of which 2, 3, 5 are executable (2 and 3 run, 5 not) and 1, 4, 6 are not; `src/b.py`
    /// changes line 10 (run) and 11 (not executable); `docs/x.md` is unknown to the report.
    fn pull_request() -> MemoryEvidence {
        MemoryEvidence {
            sources: vec![
                source("coverage.info", vec![Kind::Coverage]),
                source("repo", vec![Kind::Commits, Kind::Changes, Kind::Tags]),
            ],
            coverage: vec![
                lines("/ci/repo/src/a.py", &[2, 3, 7], &[5, 8]),
                lines("/ci/repo/src/b.py", &[10], &[20]),
            ],
            changes: vec![
                changed("docs/x.md", &[(1, 40)]),
                changed("src/a.py", &[(1, 6)]),
                changed("src/b.py", &[(10, 11)]),
                ChangedFile {
                    status: ChangeStatus::Deleted,
                    ..changed("src/gone.py", &[])
                },
            ],
            ..MemoryEvidence::default()
        }
    }

    #[test]
    fn patch_counts_only_changed_lines_a_report_mentions() {
        // Measured changed lines: a.py 2, 3, 5; b.py 10 → 3 of 4 covered = 75%.
        let outcome = testing::evaluate::<Coverage>(r#"{"patch": 75}"#, pull_request()).unwrap();
        assert!(outcome.passed(), "{:?}", outcome.violations);
        assert_eq!(
            outcome.notes,
            [
                "patch 75.00% ≥ 75% (3 of 4 changed executable lines covered; 1 changed file not in the coverage report)"
            ]
        );
        let outcome = testing::evaluate::<Coverage>(r#"{"patch": 80}"#, pull_request()).unwrap();
        assert_eq!(
            rules(&outcome),
            [
                (
                    "patch",
                    "coverage of the changed lines is 75.00% (3 of 4 executable lines), below the minimum 80%"
                ),
                ("patch", "`src/a.py`: changed lines 5 are not covered"),
            ]
        );
        assert_eq!(
            outcome.violations[1]
                .location
                .as_ref()
                .map(|l| l.path.as_str()),
            Some("src/a.py")
        );
    }

    #[test]
    fn patch_with_nothing_executable_passes_and_exclude_applies_to_changes() {
        let mut evidence = pull_request();
        evidence.changes = vec![changed("src/a.py", &[(1, 1), (4, 4)])];
        let outcome = testing::evaluate::<Coverage>(r#"{"patch": 100}"#, evidence).unwrap();
        assert!(outcome.passed());
        assert_eq!(outcome.notes, ["patch: no changed executable lines"]);
        // Excluding a.py leaves b.py's one covered line: 100%.
        let config = r#"{"patch": 100, "exclude": ["src/a.py"]}"#;
        let outcome = testing::evaluate::<Coverage>(config, pull_request()).unwrap();
        assert!(outcome.passed(), "{:?}", outcome.violations);
    }

    #[test]
    fn patch_without_changes_evidence_is_an_error_naming_repo_and_base() {
        let mut evidence = pull_request();
        evidence.sources[1].kinds = vec![Kind::Commits, Kind::Tags];
        let error = testing::evaluate::<Coverage>(r#"{"patch": 50}"#, evidence).unwrap_err();
        assert!(
            error.message().contains("--repo") && error.message().contains("--base"),
            "{error}"
        );
    }

    #[test]
    fn patch_refuses_reports_with_counts_but_no_lines() {
        let mut evidence = pull_request();
        evidence.coverage[1].covered_lines.clear();
        evidence.coverage[1].uncovered_lines.clear();
        let error = testing::evaluate::<Coverage>(r#"{"patch": 50}"#, evidence).unwrap_err();
        assert!(error.message().contains("only counts"), "{error}");
    }

    /// Current: 90 of 100 lines; baseline input `base/coverage.info`: 92 of 100.
    fn with_baseline() -> MemoryEvidence {
        let mut evidence = MemoryEvidence {
            sources: vec![
                source("coverage.info", vec![Kind::Coverage]),
                source("base/coverage.info", vec![Kind::Coverage]),
            ],
            coverage: vec![
                file("src/a.rs", (90, 100), (0, 0)),
                file("src/a.rs", (92, 100), (0, 0)),
            ],
            ..MemoryEvidence::default()
        };
        evidence.coverage[1].source = 1;
        evidence
    }

    #[test]
    fn max_drop_compares_total_lines_with_the_baseline_input() {
        let config = r#"{"baseline": ["base/*"], "max-drop": 1}"#;
        let outcome = testing::evaluate::<Coverage>(config, with_baseline()).unwrap();
        assert_eq!(
            rules(&outcome),
            [(
                "max-drop",
                "line coverage dropped 2.00 points, from 92.00% in the baseline to 90.00%, more than the 1 allowed"
            )]
        );
        let config = r#"{"baseline": ["base/*"], "max-drop": 2, "min-lines": 90}"#;
        let outcome = testing::evaluate::<Coverage>(config, with_baseline()).unwrap();
        assert!(outcome.passed(), "{:?}", outcome.violations);
        assert_eq!(
            outcome.notes,
            [
                "lines 90.00% ≥ 90%",
                "lines 90.00% against the baseline's 92.00% (-2.00 points, a drop of at most 2 allowed)"
            ]
        );
        // The baseline does not count as current coverage: 90%, not 91%.
        let outcome = testing::evaluate::<Coverage>(
            r#"{"baseline": ["base/*"], "min-lines": 90.5}"#,
            with_baseline(),
        )
        .unwrap();
        assert_eq!(outcome.violations[0].rule, "min-lines");
        assert_eq!(
            outcome.violations[1].rule, "max-drop",
            "max-drop defaults to 0"
        );
    }

    #[test]
    fn a_baseline_that_matches_nothing_fails_and_max_drop_needs_a_baseline() {
        let config = r#"{"baseline": ["nowhere/*"], "max-drop": 5}"#;
        let outcome = testing::evaluate::<Coverage>(config, with_baseline()).unwrap();
        assert_eq!(
            rules(&outcome),
            [("max-drop", "no coverage input matches `baseline`")]
        );
        let error = testing::evaluate::<Coverage>(r#"{"min-lines": 1, "max-drop": 5}"#, evidence())
            .unwrap_err();
        assert!(error.message().contains("needs `baseline`"), "{error}");
        let error =
            testing::evaluate::<Coverage>(r#"{"baseline": ["b/*"], "max-drop": 101}"#, evidence())
                .unwrap_err();
        assert!(error.message().contains("`max-drop`"), "{error}");
        // Only the baseline given: the current report is missing, which fails.
        let mut only_baseline = with_baseline();
        only_baseline.coverage.remove(0);
        let outcome =
            testing::evaluate::<Coverage>(r#"{"baseline": ["base/*"]}"#, only_baseline).unwrap();
        assert_eq!(outcome.violations[0].rule, "no-coverage");
    }

    #[test]
    fn fingerprints_do_not_depend_on_measured_values() {
        let first = testing::evaluate::<Coverage>(r#"{"min-lines": 80}"#, evidence()).unwrap();
        let mut other = evidence();
        other.coverage[0].lines_covered = 95;
        let second = testing::evaluate::<Coverage>(r#"{"min-lines": 80}"#, other).unwrap();
        assert_ne!(first.violations[0].message, second.violations[0].message);
        assert_eq!(
            first.violations[0].fingerprint,
            second.violations[0].fingerprint
        );
    }
}
