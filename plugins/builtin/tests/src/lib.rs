//! The `tests` built-in: every selected test case in the JUnit reports passed.
//!
//! Selection narrows which cases count (`sources` by input path, `suites` by
//! suite name, `cases` by case name); a selection that matches no case that
//! ran is a violation, so a renamed suite, a missing report or a run that
//! skipped everything can never pass as "all tests passed".

use glob::{MatchOptions, Pattern};
use serde::Deserialize;
use verdict_policy_sdk::schemars::JsonSchema;
use verdict_policy_sdk::{
    Context, Descriptor, Error, Evidence, Kind, Outcome, PathMatcher, Policy, Severity, TestCase,
    TestStatus, TestSuite, Violation,
};

/// The `tests` policy.
pub struct Tests;

/// Configuration; see docs/policies/tests.md.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
#[schemars(crate = "verdict_policy_sdk::schemars")]
pub struct Config {
    /// Globs over suite names, case-insensitive (`*hipaa*`); a case counts
    /// only when its suite matches one. Empty: every suite.
    #[serde(default)]
    pub suites: Vec<String>,
    /// Globs over case names, case-insensitive, matched against the name and
    /// against `classname.name` (`*test_hipaa_*`). Empty: every case.
    #[serde(default)]
    pub cases: Vec<String>,
    /// Path globs over the input files; only suites read from a matching
    /// input count (`**/backend-junit.xml`). Empty: every input.
    #[serde(default)]
    pub sources: Vec<String>,
    /// What a skipped case does: `pass` (nothing), `warn` (a note listing
    /// them, the default) or `fail` (a violation each).
    #[serde(default)]
    pub skipped: Skipped,
    /// Fewest selected cases that must have run (passed, failed or errored).
    /// Whatever it says, a selection in which no case ran fails.
    #[serde(default)]
    #[schemars(range(min = 1))]
    pub min_tests: Option<u64>,
}

/// What a skipped test case does.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
#[schemars(crate = "verdict_policy_sdk::schemars")]
pub enum Skipped {
    /// Nothing: skipping is normal (platform-specific tests).
    Pass,
    /// A note naming the skipped cases; the outcome still passes.
    #[default]
    Warn,
    /// A violation for each skipped case.
    Fail,
}

/// Skipped cases named in the note, at most.
const NOTE_NAMES: usize = 10;
/// Longest failure message quoted in a violation, in characters.
const MESSAGE_CHARS: usize = 200;

impl Policy for Tests {
    type Config = Config;

    fn describe() -> Descriptor {
        Descriptor {
            name: "tests".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            description: "Requires every selected test case in the JUnit reports to have passed. \
                          A selection in which no case ran fails, so a missing or renamed suite cannot pass."
                .into(),
            consumes: vec![Kind::Tests],
            requires: vec![Kind::Tests],
            config_schema: verdict_policy_sdk::config_schema::<Config>(),
            controls: vec![],
        }
    }

    fn evaluate(config: Config, _context: &Context, evidence: &Evidence) -> Result<Outcome, Error> {
        let selection = Selection::new(&config)?;
        let sources = evidence.sources();
        let mut tally = Tally::default();
        let mut violations = Vec::new();
        let mut skipped_names = Vec::new();
        for suite in evidence.tests() {
            tally.suites_seen += 1;
            let path = sources
                .get(suite.source as usize)
                .map_or("", |source| source.path.as_str());
            if !selection.takes_suite(&suite, path) {
                continue;
            }
            let mut suite_selected = false;
            for case in suite.cases.iter().filter(|case| selection.takes_case(case)) {
                suite_selected = true;
                let id = case_id(case);
                match case.status {
                    TestStatus::Passed => tally.passed += 1,
                    TestStatus::Failed => {
                        tally.failed += 1;
                        violations.push(case_violation("failed", "failed", &suite, case, &id));
                    }
                    TestStatus::Error => {
                        tally.errors += 1;
                        violations.push(case_violation("error", "errored", &suite, case, &id));
                    }
                    TestStatus::Skipped => {
                        tally.skipped += 1;
                        match config.skipped {
                            Skipped::Pass => {}
                            Skipped::Warn => skipped_names.push(id),
                            Skipped::Fail => violations.push(
                                case_violation("skipped", "was skipped", &suite, case, &id)
                                    .severity(Severity::Medium),
                            ),
                        }
                    }
                }
            }
            tally.suites_selected += usize::from(suite_selected);
        }

        let mut violations: Vec<Violation> = violations
            .into_iter()
            .map(|builder| builder.build())
            .collect();
        let ran = tally.ran();
        if ran == 0 {
            violations.insert(0, no_tests(&config, &tally));
        } else if let Some(minimum) = config.min_tests
            && ran < minimum
        {
            violations.insert(
                0,
                Violation::new(
                    "min-tests",
                    format!(
                        "{ran} selected test cases ran, fewer than the minimum {minimum}{}",
                        describe_selection(&config)
                    ),
                )
                .subject("total")
                .build(),
            );
        }

        let mut outcome = Outcome::violations(violations);
        outcome.notes.push(tally.summary());
        if !skipped_names.is_empty() {
            outcome.notes.push(skipped_note(&skipped_names));
        }
        Ok(outcome)
    }
}

/// Which suites and cases count.
struct Selection {
    suites: Vec<Pattern>,
    cases: Vec<Pattern>,
    sources: PathMatcher,
}

/// Names are not paths: `*` crosses `.`, `/` and `::`, and case is ignored
/// (`HIPAA`, `Hipaa` and `hipaa` are the same suite to a reader).
const NAME_OPTIONS: MatchOptions = MatchOptions {
    case_sensitive: false,
    require_literal_separator: false,
    require_literal_leading_dot: false,
};

impl Selection {
    fn new(config: &Config) -> Result<Self, Error> {
        Ok(Selection {
            suites: name_patterns("suites", &config.suites)?,
            cases: name_patterns("cases", &config.cases)?,
            sources: PathMatcher::new(&config.sources)
                .map_err(|error| Error::new(format!("`sources`: {error}")))?,
        })
    }

    fn takes_suite(&self, suite: &TestSuite, path: &str) -> bool {
        (self.sources.is_empty() || self.sources.is_match(path))
            && (self.suites.is_empty() || matches_any(&self.suites, &suite.name))
    }

    fn takes_case(&self, case: &TestCase) -> bool {
        self.cases.is_empty()
            || matches_any(&self.cases, &case.name)
            || matches_any(&self.cases, &case_id(case))
    }
}

/// ` (selected by sources `…`; suites `…`)` for messages, or nothing
/// without a selection.
fn describe_selection(config: &Config) -> String {
    let parts: Vec<String> = [
        ("sources", &config.sources),
        ("suites", &config.suites),
        ("cases", &config.cases),
    ]
    .into_iter()
    .filter(|(_, patterns)| !patterns.is_empty())
    .map(|(key, patterns)| format!("{key} `{}`", patterns.join("`, `")))
    .collect();
    if parts.is_empty() {
        String::new()
    } else {
        format!(" (selected by {})", parts.join("; "))
    }
}

fn name_patterns(key: &str, patterns: &[String]) -> Result<Vec<Pattern>, Error> {
    patterns
        .iter()
        .map(|pattern| {
            Pattern::new(pattern).map_err(|error| {
                Error::new(format!("`{key}`: invalid glob `{pattern}`: {}", error.msg))
            })
        })
        .collect()
}

fn matches_any(patterns: &[Pattern], name: &str) -> bool {
    patterns
        .iter()
        .any(|pattern| pattern.matches_with(name, NAME_OPTIONS))
}

/// `classname.name`, or the name alone when there is no class or the name
/// already holds it (jest-junit writes the full title in both).
fn case_id(case: &TestCase) -> String {
    match case.classname.as_deref() {
        Some(class) if !class.is_empty() && !case.name.starts_with(class) => {
            format!("{class}.{}", case.name)
        }
        _ => case.name.clone(),
    }
}

fn case_violation(
    rule: &str,
    verb: &str,
    suite: &TestSuite,
    case: &TestCase,
    id: &str,
) -> verdict_policy_sdk::ViolationBuilder {
    let detail = case
        .message
        .as_deref()
        .and_then(|message| message.lines().map(str::trim).find(|line| !line.is_empty()))
        .map(|line| {
            let mut short: String = line.chars().take(MESSAGE_CHARS).collect();
            if short.len() < line.len() {
                short.push('…');
            }
            format!(": {short}")
        })
        .unwrap_or_default();
    Violation::new(
        rule,
        format!("test `{id}` in suite `{}` {verb}{detail}", suite.name),
    )
    .subject(format!("{}\u{0}{id}", suite.name))
}

fn no_tests(config: &Config, tally: &Tally) -> Violation {
    let message = if tally.suites_seen == 0 {
        "no test cases in the evidence: the JUnit reports given hold no suites".to_string()
    } else if tally.skipped > 0 {
        format!(
            "no selected test case ran: all {} selected cases were skipped",
            tally.skipped
        )
    } else {
        format!(
            "no test case matches the selection{} in {} suites",
            describe_selection(config),
            tally.suites_seen
        )
    };
    Violation::new("no-tests", message).subject("total").build()
}

fn skipped_note(names: &[String]) -> String {
    let shown: Vec<String> = names
        .iter()
        .take(NOTE_NAMES)
        .map(|name| format!("`{name}`"))
        .collect();
    let more = names.len().saturating_sub(NOTE_NAMES);
    let more = if more > 0 {
        format!(" and {more} more")
    } else {
        String::new()
    };
    format!(
        "{} selected test cases were skipped: {}{more}",
        names.len(),
        shown.join(", ")
    )
}

/// Counts over the selected cases.
#[derive(Default)]
struct Tally {
    suites_seen: usize,
    suites_selected: usize,
    passed: u64,
    failed: u64,
    errors: u64,
    skipped: u64,
}

impl Tally {
    fn ran(&self) -> u64 {
        self.passed + self.failed + self.errors
    }

    fn summary(&self) -> String {
        format!(
            "{} selected test cases in {} of {} suites: {} passed, {} failed, {} errored, {} skipped",
            self.ran() + self.skipped,
            self.suites_selected,
            self.suites_seen,
            self.passed,
            self.failed,
            self.errors,
            self.skipped
        )
    }
}

verdict_policy_sdk::export_policy!(Tests);

#[cfg(test)]
mod tests {
    use super::*;
    use verdict_policy_sdk::{MemoryEvidence, Source, testing};

    fn case(class: &str, name: &str, status: TestStatus) -> TestCase {
        TestCase {
            name: name.into(),
            classname: Some(class.into()),
            status,
            message: (status != TestStatus::Passed).then(|| "assert 3600 <= 900\n+ where".into()),
        }
    }

    fn suite(source: u32, name: &str, cases: Vec<TestCase>) -> TestSuite {
        TestSuite {
            source,
            name: name.into(),
            tests: cases.len() as u64,
            cases,
            ..TestSuite::default()
        }
    }

    fn source(path: &str) -> Source {
        Source {
            path: path.into(),
            format: "junit".into(),
            kinds: vec![Kind::Tests],
            ..Source::default()
        }
    }

    /// A backend run (with a HIPAA module) and a frontend run.
    fn evidence() -> MemoryEvidence {
        use TestStatus::{Error, Failed, Passed, Skipped};
        MemoryEvidence {
            sources: vec![
                source("reports/backend.xml"),
                source("reports/frontend.xml"),
            ],
            tests: vec![
                suite(
                    0,
                    "backend",
                    vec![
                        case("tests.test_api", "test_record", Passed),
                        case("tests.test_api", "test_windows", Skipped),
                        case("tests.security.test_HIPAA_audit", "test_reads", Failed),
                        case("tests.security.test_hipaa_audit", "test_logins", Passed),
                    ],
                ),
                suite(
                    1,
                    "Calculator",
                    vec![
                        case("Calculator adds", "Calculator adds", Passed),
                        case("Calculator divides", "Calculator divides", Error),
                    ],
                ),
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
    fn failures_and_errors_fail_with_the_first_line_of_their_message() {
        let outcome = testing::evaluate::<Tests>("{}", evidence()).unwrap();
        assert_eq!(
            rules(&outcome),
            [
                (
                    "failed",
                    "test `tests.security.test_HIPAA_audit.test_reads` in suite `backend` failed: assert 3600 <= 900"
                ),
                (
                    "error",
                    "test `Calculator divides` in suite `Calculator` errored: assert 3600 <= 900"
                ),
            ]
        );
        assert_eq!(
            outcome.notes,
            [
                "6 selected test cases in 2 of 2 suites: 3 passed, 1 failed, 1 errored, 1 skipped",
                "1 selected test cases were skipped: `tests.test_api.test_windows`",
            ]
        );
    }

    #[test]
    fn sources_gate_backend_and_frontend_separately() {
        let backend = r#"{"sources": ["**/backend.xml"], "cases": ["*test_api*"]}"#;
        assert!(
            testing::evaluate::<Tests>(backend, evidence())
                .unwrap()
                .passed()
        );
        let frontend = r#"{"sources": ["reports/frontend.xml"]}"#;
        let outcome = testing::evaluate::<Tests>(frontend, evidence()).unwrap();
        assert_eq!(rules(&outcome).len(), 1);
        assert_eq!(outcome.violations[0].rule, "error");
    }

    #[test]
    fn case_patterns_match_class_and_name_ignoring_case() {
        let outcome = testing::evaluate::<Tests>(r#"{"cases": ["*hipaa*"]}"#, evidence()).unwrap();
        assert_eq!(
            outcome
                .violations
                .iter()
                .map(|v| &*v.rule)
                .collect::<Vec<_>>(),
            ["failed"]
        );
        assert_eq!(
            outcome.notes[0],
            "2 selected test cases in 1 of 2 suites: 1 passed, 1 failed, 0 errored, 0 skipped"
        );
    }

    #[test]
    fn a_selection_matching_nothing_fails_closed() {
        let outcome = testing::evaluate::<Tests>(r#"{"suites": ["*hipaa*"]}"#, evidence()).unwrap();
        assert_eq!(
            rules(&outcome),
            [(
                "no-tests",
                "no test case matches the selection (selected by suites `*hipaa*`) in 2 suites"
            )]
        );
    }

    #[test]
    fn a_selection_that_was_all_skipped_fails_even_when_skips_pass() {
        let config = r#"{"cases": ["*windows*"], "skipped": "pass"}"#;
        let outcome = testing::evaluate::<Tests>(config, evidence()).unwrap();
        assert_eq!(
            rules(&outcome),
            [(
                "no-tests",
                "no selected test case ran: all 1 selected cases were skipped"
            )]
        );
    }

    #[test]
    fn no_suites_at_all_fails() {
        let outcome = testing::evaluate::<Tests>("{}", MemoryEvidence::default()).unwrap();
        assert_eq!(outcome.violations[0].rule, "no-tests");
        assert!(outcome.violations[0].message.contains("hold no suites"));
    }

    #[test]
    fn skipped_cases_can_fail_or_pass_silently() {
        let config = r#"{"cases": ["tests.test_api.*"], "skipped": "fail"}"#;
        let outcome = testing::evaluate::<Tests>(config, evidence()).unwrap();
        assert_eq!(
            rules(&outcome),
            [(
                "skipped",
                "test `tests.test_api.test_windows` in suite `backend` was skipped: assert 3600 <= 900"
            )]
        );
        assert_eq!(outcome.violations[0].severity, Severity::Medium);
        let config = r#"{"cases": ["tests.test_api.*"], "skipped": "pass"}"#;
        let outcome = testing::evaluate::<Tests>(config, evidence()).unwrap();
        assert!(outcome.passed());
        assert_eq!(outcome.notes.len(), 1, "{:?}", outcome.notes);
    }

    #[test]
    fn min_tests_counts_cases_that_ran() {
        let config = r#"{"cases": ["tests.test_api.*"], "min-tests": 2}"#;
        let outcome = testing::evaluate::<Tests>(config, evidence()).unwrap();
        assert_eq!(
            rules(&outcome),
            [(
                "min-tests",
                "1 selected test cases ran, fewer than the minimum 2 (selected by cases `tests.test_api.*`)"
            )]
        );
        let config = r#"{"cases": ["tests.test_api.*"], "min-tests": 1}"#;
        assert!(
            testing::evaluate::<Tests>(config, evidence())
                .unwrap()
                .passed()
        );
    }

    #[test]
    fn fingerprints_name_the_case_not_its_message() {
        let first = testing::evaluate::<Tests>("{}", evidence()).unwrap();
        let mut other = evidence();
        other.tests[0].cases[2].message = Some("another message".into());
        let second = testing::evaluate::<Tests>("{}", other).unwrap();
        assert_ne!(first.violations[0].message, second.violations[0].message);
        assert_eq!(
            testing::fingerprints(&first),
            testing::fingerprints(&second)
        );
        assert_ne!(
            first.violations[0].fingerprint,
            first.violations[1].fingerprint
        );
    }

    #[test]
    fn rejects_bad_configuration_by_field() {
        for (config, expected) in [
            (r#"{"skipped": "ignore"}"#, "`skipped`"),
            (r#"{"min-tests": 0}"#, "`min-tests`"),
            (r#"{"suite": ["x"]}"#, "suite"),
            (r#"{"suites": ["[a"]}"#, "invalid glob `[a`"),
            (r#"{"sources": ["[a"]}"#, "`sources`"),
        ] {
            let error = testing::evaluate::<Tests>(config, evidence()).unwrap_err();
            assert!(error.message().contains(expected), "{config}: {error}");
        }
    }
}
