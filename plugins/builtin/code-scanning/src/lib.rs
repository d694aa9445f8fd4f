//! The `code-scanning` built-in: no static-analysis finding at or above a
//! severity, narrowed by level, score, tool, rule, path and baseline state,
//! with per-severity allowances.

mod select;

use select::{Level, Selection, Unscored};
use serde::Deserialize;
use std::fmt::Write;
use verdict_policy_sdk::schemars::JsonSchema;
use verdict_policy_sdk::{
    Context, Descriptor, Error, Evidence, Filter, Finding, Kind, Outcome, Policy, Severity,
    Violation,
};

/// The `code-scanning` policy.
pub struct CodeScanning;

/// Configuration of the `code-scanning` policy (docs/policies/code-scanning.md).
///
/// A finding is *selected* when every condition given holds: not suppressed
/// (unless `include-suppressed`), its tool and rule pass `tools`/`exclude-tools`
/// and `rules`/`exclude-rules`, its path passes `paths`/`exclude`, it is new
/// (with `new-only`), its level is in `levels`, and its score is at least
/// `min-score`. A selected finding fails when its severity is at or above
/// `fail-on`; severities listed in `max` are judged by count instead.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
#[schemars(crate = "verdict_policy_sdk::schemars")]
pub struct Config {
    /// Fail on findings at or above this severity.
    #[serde(default = "high")]
    pub fail_on: Severity,
    /// Only findings whose SARIF level is one of these count (`error`,
    /// `warning`, `note`, `none`). Findings of tools that give no SARIF level
    /// are not filtered by it. Default: every level.
    #[serde(default)]
    pub levels: Vec<Level>,
    /// Only findings whose tool score (SARIF `security-severity`, 0–10) is at
    /// least this count. Findings without a score count unless `unscored =
    /// "skip"`.
    #[serde(default)]
    #[schemars(range(min = 0.0, max = 10.0))]
    pub min_score: Option<f64>,
    /// With `min-score`: whether findings without a score `count` (default,
    /// fail closed) or are skipped (`skip`).
    #[serde(default)]
    pub unscored: Unscored,
    /// Only findings of tools whose name matches one of these globs count
    /// (case-insensitive: `codeql`, `semgrep*`). Default: every tool.
    #[serde(default)]
    pub tools: Vec<String>,
    /// Findings of tools matching these globs are ignored.
    #[serde(default)]
    pub exclude_tools: Vec<String>,
    /// Only findings whose rule id matches one of these globs count
    /// (`py/sql-injection`, `B6*`). Default: every rule.
    #[serde(default)]
    pub rules: Vec<String>,
    /// Findings whose rule id matches one of these globs are ignored.
    #[serde(default)]
    pub exclude_rules: Vec<String>,
    /// Only findings in paths matching one of these globs count (`src/**`).
    /// Findings without a location still count. Default: every path.
    #[serde(default)]
    pub paths: Vec<String>,
    /// Findings in paths matching these globs are ignored.
    #[serde(default)]
    pub exclude: Vec<String>,
    /// Allowed counts per severity (`{ medium = 10 }`): findings of a listed
    /// severity fail only when there are more than allowed, as one violation
    /// giving the count.
    #[serde(default)]
    pub max: Max,
    /// Only findings the tool marks new against its baseline (SARIF
    /// `baselineState` `new`) count; findings without a baseline state
    /// still count.
    #[serde(default)]
    pub new_only: bool,
    /// Count findings the tool itself marked suppressed.
    #[serde(default)]
    pub include_suppressed: bool,
    /// How to treat findings whose tool gave no severity; unset, they fail
    /// every threshold.
    #[serde(default)]
    pub unknown_severity: Option<Severity>,
}

/// Allowed counts per severity.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(crate = "verdict_policy_sdk::schemars")]
pub struct Max {
    /// Allowed `info` findings.
    pub info: Option<u64>,
    /// Allowed `low` findings.
    pub low: Option<u64>,
    /// Allowed `medium` findings.
    pub medium: Option<u64>,
    /// Allowed `high` findings.
    pub high: Option<u64>,
    /// Allowed `critical` findings.
    pub critical: Option<u64>,
    /// Allowed findings of unknown severity.
    pub unknown: Option<u64>,
}

impl Max {
    fn of(&self, severity: Severity) -> Option<u64> {
        match severity {
            Severity::Info => self.info,
            Severity::Low => self.low,
            Severity::Medium => self.medium,
            Severity::High => self.high,
            Severity::Critical => self.critical,
            Severity::Unknown => self.unknown,
        }
    }
}

fn high() -> Severity {
    Severity::High
}

impl Policy for CodeScanning {
    type Config = Config;

    fn describe() -> Descriptor {
        Descriptor {
            name: "code-scanning".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            description: "Fails on code scanning, lint and IaC findings at or above a severity (high by default), \
                          narrowed by SARIF level, security-severity score, tool, rule, path and baseline state, \
                          with allowed counts per severity; findings the tool suppressed are ignored."
                .into(),
            consumes: vec![Kind::Findings],
            requires: vec![Kind::Findings],
            config_schema: verdict_policy_sdk::config_schema::<Config>(),
            controls: vec![],
        }
    }

    fn evaluate(config: Config, _context: &Context, evidence: &Evidence) -> Result<Outcome, Error> {
        let selection = Selection::new(&config)?;
        let missing = selection.missing_tools(&evidence.sources());
        if !missing.is_empty() {
            return Err(Error::new(format!(
                "no report of {} (listed in `tools`) was given",
                missing
                    .iter()
                    .map(|tool| format!("`{tool}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        }
        // The host sends only what can fail: at or above `fail-on`, or of a
        // severity `max` counts.
        let lowest = Severity::ALL
            .into_iter()
            .filter(|s| config.max.of(*s).is_some())
            .chain([config.fail_on])
            .min()
            .unwrap_or(config.fail_on);
        // (`unknown` orders above `critical`: unknowns always pass the filter.)
        // Tools, rules and paths are selected host-side too, with the same
        // globs, so at a million findings only the selected ones cross into
        // the sandbox; `Selection` still decides (scores, baseline).
        let filter = Filter::default()
            .min_severity(lowest)
            .include_suppressed(config.include_suppressed)
            .levels(selection.levels)
            .unlevelled(true)
            .tools(config.tools.iter().cloned())
            .exclude_tools(config.exclude_tools.iter().cloned())
            .rules(config.rules.iter().cloned())
            .exclude_rules(config.exclude_rules.iter().cloned())
            .paths(config.paths.iter().cloned())
            .exclude_paths(config.exclude.iter().cloned());
        // The host leaves out findings without a score under `min-score`,
        // which is what `unscored = "skip"` asks; with `count` they must
        // cross, so the score is then judged here only.
        let filter = match (config.min_score, config.unscored) {
            (Some(min), Unscored::Skip) => filter.min_score(min),
            _ => filter,
        };
        let mut outcome = Outcome::pass();
        let mut counted = [0u64; Severity::ALL.len()];
        for finding in evidence.findings(filter) {
            if !selection.selects(&finding) {
                continue;
            }
            let severity = finding.severity.or_assume(config.unknown_severity);
            if config.max.of(severity).is_some() {
                counted[Severity::ALL
                    .iter()
                    .position(|s| *s == severity)
                    .unwrap_or(0)] += 1;
            } else if severity >= config.fail_on {
                outcome.push(violation(finding));
            }
        }
        for (severity, count) in Severity::ALL.into_iter().zip(counted) {
            if let Some(allowed) = config.max.of(severity)
                && count > allowed
            {
                outcome.push(
                    Violation::new(
                        "max-findings",
                        format!("{count} {severity} findings, more than the {allowed} allowed"),
                    )
                    .severity(severity)
                    .subject(format!("max.{severity}"))
                    .build(),
                );
            }
        }
        Ok(outcome)
    }
}

fn violation(finding: Finding) -> Violation {
    // One allocation per message: up to a million of them may be built.
    let text = finding.message.trim();
    let path = finding.location.as_ref().map_or(0, |l| l.path.len());
    let mut message =
        String::with_capacity(finding.tool.len() + finding.rule_id.len() + text.len() + path + 40);
    let _ = write!(message, "{} `{}`: {text}", finding.tool, finding.rule_id);
    if let Some(location) = &finding.location {
        let _ = write!(message, " (`{}`", location.path);
        if let Some(line) = location.start_line {
            let _ = write!(message, " line {line}");
        }
        message.push(')');
    }
    if let Some(score) = finding.score {
        let _ = write!(message, " [score {score:.1}]");
    }
    Violation::new("finding", message)
        .severity(finding.severity)
        .location(finding.location)
        .fingerprint(finding.fingerprint)
        .scanner_rule(finding.rule_id)
        .build()
}

verdict_policy_sdk::export_policy!(CodeScanning);

#[cfg(test)]
mod tests {
    use super::*;
    use verdict_policy_sdk::{Finding, Kind, Location, MemoryEvidence, Source, testing};

    fn finding(rule: &str, path: &str, severity: Severity, suppressed: bool) -> Finding {
        Finding {
            source: 0,
            tool: "semgrep".into(),
            rule_id: rule.into(),
            severity,
            level: None,
            message: "tainted input reaches a sink\n".into(),
            location: Some(Location {
                path: path.into(),
                start_line: Some(7),
                end_line: Some(7),
            }),
            fingerprint: format!("fp-{rule}-{path}"),
            cwes: vec![],
            tags: vec![],
            suppressed,
            baseline_state: None,
            score: None,
            rule: None,
        }
    }

    fn evidence() -> MemoryEvidence {
        MemoryEvidence {
            findings: vec![
                finding("sqli", "src/db.py", Severity::Critical, false),
                finding("xss", "src/web.py", Severity::High, false),
                finding("style", "src/web.py", Severity::Low, false),
                finding("sqli", "tests/t.py", Severity::High, false),
                finding("eval", "src/x.py", Severity::High, true),
            ],
            ..MemoryEvidence::default()
        }
    }

    #[test]
    fn fails_on_high_and_above_by_default_without_suppressed() {
        let outcome = testing::evaluate::<CodeScanning>("{}", evidence()).unwrap();
        assert_eq!(
            testing::fingerprints(&outcome),
            [
                "fp-sqli-src/db.py",
                "fp-xss-src/web.py",
                "fp-sqli-tests/t.py"
            ]
        );
        assert_eq!(
            outcome.violations[0].message,
            "semgrep `sqli`: tainted input reaches a sink (`src/db.py` line 7)"
        );
    }

    #[test]
    fn excludes_rules_and_paths_and_can_include_suppressed() {
        let config =
            r#"{"exclude-rules": ["xss"], "exclude": ["tests/**"], "include-suppressed": true}"#;
        let outcome = testing::evaluate::<CodeScanning>(config, evidence()).unwrap();
        assert_eq!(
            testing::fingerprints(&outcome),
            ["fp-sqli-src/db.py", "fp-eval-src/x.py"]
        );
    }

    #[test]
    fn fail_on_lowers_the_threshold() {
        let outcome =
            testing::evaluate::<CodeScanning>(r#"{"fail-on": "low"}"#, evidence()).unwrap();
        assert_eq!(outcome.violations.len(), 4);
    }

    /// Findings with level, score, baseline state and tool set.
    fn scored() -> MemoryEvidence {
        let with = |rule: &str, level: &str, score: Option<f64>, state: Option<&str>| Finding {
            level: Some(level.into()),
            score,
            baseline_state: state.map(str::to_owned),
            ..finding(rule, "src/a.py", Severity::High, false)
        };
        MemoryEvidence {
            findings: vec![
                with("e9", "error", Some(9.1), Some("new")),
                with("e5", "error", Some(5.0), Some("unchanged")),
                with("w8", "warning", Some(8.0), None),
                with("e-", "error", None, None),
                Finding {
                    tool: "Bandit".into(),
                    ..with("B602", "HIGH", Some(7.5), None)
                },
            ],
            sources: ["semgrep 1.69.0", "bandit 1.8.3"]
                .into_iter()
                .map(|tool| Source {
                    tool: Some(tool.into()),
                    kinds: vec![Kind::Findings],
                    ..Source::default()
                })
                .collect(),
            ..MemoryEvidence::default()
        }
    }

    #[test]
    fn a_tool_listed_in_tools_without_a_report_is_an_error() {
        let error =
            testing::evaluate::<CodeScanning>(r#"{"tools": ["codeql", "band*"]}"#, scored())
                .unwrap_err();
        assert!(error.message().contains("`codeql`"), "{error}");
        assert!(!error.message().contains("band*"), "{error}");
        // A name with spaces matches a word-prefix of `NAME VERSION`.
        let mut evidence = scored();
        evidence.sources[0].tool = Some("Semgrep OSS 1.69.0".into());
        assert!(
            testing::evaluate::<CodeScanning>(r#"{"tools": ["semgrep oss"]}"#, evidence).is_ok()
        );
    }

    fn rules_of(outcome: &Outcome) -> Vec<&str> {
        outcome
            .violations
            .iter()
            .map(|v| {
                v.fingerprint
                    .trim_start_matches("fp-")
                    .split('-')
                    .next()
                    .unwrap()
            })
            .collect()
    }

    #[test]
    fn levels_and_min_score_must_both_hold_and_unscored_findings_count_unless_skipped() {
        let config = r#"{"levels": ["error"], "min-score": 7}"#;
        let outcome = testing::evaluate::<CodeScanning>(config, scored()).unwrap();
        // e9: error and 9.1; e-: no score (counts); B602: bandit's `HIGH` is
        // no SARIF level, so `levels` does not filter it.
        assert_eq!(rules_of(&outcome), ["e9", "e", "B602"]);
        assert!(outcome.violations[0].message.ends_with("[score 9.1]"));
        let config = r#"{"levels": ["error"], "min-score": 7, "unscored": "skip"}"#;
        let outcome = testing::evaluate::<CodeScanning>(config, scored()).unwrap();
        assert_eq!(rules_of(&outcome), ["e9", "B602"]);
    }

    #[test]
    fn tools_and_rules_include_and_exclude_by_glob() {
        let outcome =
            testing::evaluate::<CodeScanning>(r#"{"tools": ["band*"]}"#, scored()).unwrap();
        assert_eq!(rules_of(&outcome), ["B602"]);
        let outcome =
            testing::evaluate::<CodeScanning>(r#"{"exclude-tools": ["BANDIT"]}"#, scored())
                .unwrap();
        assert_eq!(rules_of(&outcome), ["e9", "e5", "w8", "e"]);
        let config = r#"{"rules": ["e*"], "exclude-rules": ["e5"]}"#;
        let outcome = testing::evaluate::<CodeScanning>(config, scored()).unwrap();
        assert_eq!(rules_of(&outcome), ["e9", "e"]);
    }

    #[test]
    fn paths_include_and_findings_without_location_still_count() {
        let mut evidence = evidence();
        evidence.findings[1].location = None;
        let outcome =
            testing::evaluate::<CodeScanning>(r#"{"paths": ["tests/**"]}"#, evidence).unwrap();
        assert_eq!(
            testing::fingerprints(&outcome),
            ["fp-xss-src/web.py", "fp-sqli-tests/t.py"]
        );
    }

    #[test]
    fn new_only_skips_findings_the_baseline_already_had() {
        let outcome = testing::evaluate::<CodeScanning>(r#"{"new-only": true}"#, scored()).unwrap();
        assert_eq!(rules_of(&outcome), ["e9", "w8", "e", "B602"]);
    }

    #[test]
    fn max_allows_a_count_per_severity_and_reports_the_count() {
        let config = r#"{"max": {"high": 1}}"#;
        let outcome = testing::evaluate::<CodeScanning>(config, evidence()).unwrap();
        // 2 unsuppressed high findings; the critical one fails on its own.
        assert_eq!(outcome.violations.len(), 2);
        assert_eq!(outcome.violations[0].fingerprint, "fp-sqli-src/db.py");
        assert_eq!(outcome.violations[1].rule, "max-findings");
        assert_eq!(
            outcome.violations[1].message,
            "2 high findings, more than the 1 allowed"
        );
        let config = r#"{"max": {"high": 2}}"#;
        let outcome = testing::evaluate::<CodeScanning>(config, evidence()).unwrap();
        assert_eq!(testing::fingerprints(&outcome), ["fp-sqli-src/db.py"]);
        // A severity below `fail-on` can be counted too.
        let config = r#"{"max": {"low": 0}}"#;
        let outcome = testing::evaluate::<CodeScanning>(config, evidence()).unwrap();
        assert_eq!(outcome.violations.len(), 4);
        assert_eq!(
            outcome.violations[3].message,
            "1 low findings, more than the 0 allowed"
        );
    }

    #[test]
    fn rejects_bad_configuration_by_field() {
        let error =
            testing::evaluate::<CodeScanning>(r#"{"fail-on": "HIGH"}"#, evidence()).unwrap_err();
        assert!(error.message().contains("`fail-on`"), "{error}");
        let cases = [
            (r#"{"levels": ["fatal"]}"#, "`levels"),
            (r#"{"min-score": 11}"#, "`min-score`"),
            (r#"{"unscored": "fail"}"#, "`unscored`"),
            (r#"{"max": {"severe": 1}}"#, "severe"),
            (r#"{"max": {"high": -1}}"#, "`max.high`"),
            (r#"{"rules": ["[x"]}"#, "`rules`"),
        ];
        for (config, expected) in cases {
            let error = testing::evaluate::<CodeScanning>(config, evidence()).unwrap_err();
            assert!(error.message().contains(expected), "{config}: {error}");
        }
    }
}
