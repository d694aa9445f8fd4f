//! The `coverage` built-in: line and branch coverage at or above a minimum.

use serde::Deserialize;
use verdict_policy_sdk::schemars::JsonSchema;
use verdict_policy_sdk::{
    Context, CoverageTotals, Descriptor, Error, Evidence, Kind, Location, Outcome, PathMatcher,
    Policy, Severity, Violation,
};

/// The `coverage` policy.
pub struct Coverage;

/// Configuration of the `coverage` policy (docs/policies/coverage.md).
/// Minimums are percentages (`80`, not `0.8`).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
#[schemars(crate = "verdict_policy_sdk::schemars")]
pub struct Config {
    /// Minimum line coverage over all files, in percent.
    #[schemars(range(min = 0.0, max = 100.0))]
    pub min_lines: f64,
    /// Minimum branch coverage over all files, in percent.
    #[serde(default)]
    #[schemars(range(min = 0.0, max = 100.0))]
    pub min_branches: Option<f64>,
    /// Minimum line coverage of each file, in percent.
    #[serde(default)]
    #[schemars(range(min = 0.0, max = 100.0))]
    pub min_file_lines: Option<f64>,
    /// Globs of the input files whose coverage counts, as given to `verdict
    /// check` (`**/backend/coverage.xml`); gate backend and frontend
    /// separately with one policy each. Default: every coverage input.
    #[serde(default)]
    pub sources: Vec<String>,
    /// Globs of covered files left out of every measure.
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
                          over all coverage inputs or the ones `sources` names. Fails when there is no coverage \
                          evidence at all, so a missing report cannot pass."
                .into(),
            consumes: vec![Kind::Coverage],
            requires: vec![Kind::Coverage],
            config_schema: verdict_policy_sdk::config_schema::<Config>(),
            controls: vec![],
        }
    }

    fn evaluate(config: Config, _context: &Context, evidence: &Evidence) -> Result<Outcome, Error> {
        check_percent("min-lines", Some(config.min_lines))?;
        check_percent("min-branches", config.min_branches)?;
        check_percent("min-file-lines", config.min_file_lines)?;
        let exclude = PathMatcher::new(&config.exclude)
            .map_err(|e| Error::new(format!("invalid configuration at `exclude`: {e}")))?;
        let sources = PathMatcher::new(&config.sources)
            .map_err(|e| Error::new(format!("invalid configuration at `sources`: {e}")))?;
        // Source indexes whose coverage counts; `None` when all do.
        let counted: Option<Vec<u32>> = (!sources.is_empty()).then(|| {
            (0u32..)
                .zip(evidence.sources())
                .filter(|(_, source)| sources.is_match(&source.path))
                .map(|(index, _)| index)
                .collect()
        });

        let mut violations = Vec::new();
        let mut totals = CoverageTotals::default();
        for file in evidence
            .coverage()
            .filter(|file| counted.as_ref().is_none_or(|c| c.contains(&file.source)))
            .filter(|file| !exclude.is_match(&file.path))
        {
            totals.files += 1;
            totals.lines_total += file.lines_total;
            totals.lines_covered += file.lines_covered;
            totals.branches_total += file.branches_total;
            totals.branches_covered += file.branches_covered;
            if let (Some(minimum), Some(measured)) = (config.min_file_lines, file.line_percent())
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

        let Some(lines) = totals.line_percent() else {
            let message = if totals.files == 0 && counted.as_ref().is_some_and(Vec::is_empty) {
                "no coverage input matches `sources`".to_string()
            } else if totals.files == 0 && config.exclude.is_empty() {
                "no coverage evidence: give a coverage report as input".to_string()
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
        if lines < config.min_lines {
            violations.insert(
                0,
                total_violation("min-lines", "line", lines, config.min_lines),
            );
        } else {
            notes.push(format!("lines {lines:.2}% ≥ {}%", config.min_lines));
        }
        if let Some(minimum) = config.min_branches {
            match totals.branch_percent() {
                Some(branches) if branches < minimum => {
                    violations.insert(
                        usize::from(lines < config.min_lines),
                        total_violation("min-branches", "branch", branches, minimum),
                    );
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
        let mut outcome = Outcome::violations(violations);
        outcome.notes = notes;
        Ok(outcome)
    }
}

fn total_violation(rule: &str, what: &str, measured: f64, minimum: f64) -> Violation {
    Violation::new(
        rule,
        format!("{what} coverage is {measured:.2}%, below the minimum {minimum}%"),
    )
    .subject("total")
    .build()
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
    use verdict_policy_sdk::{FileCoverage, MemoryEvidence, Source, testing};

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
