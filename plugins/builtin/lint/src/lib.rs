//! The `lint` built-in: no lint errors from ruff, flake8, pylint, mypy,
//! ESLint and black, where by default a violation is whatever makes the
//! tool's own check fail (its exit status).
//!
//! Only findings of these tools, read from their own reports (the `ruff`,
//! `pylint`, `mypy`, `eslint`, `flake8` and `black` formats), count: SAST
//! findings, or the same tools' SARIF, are `code-scanning`'s. A tool the
//! configuration counts whose report is not among the inputs is an error,
//! never a pass.

use serde::Deserialize;
use std::collections::BTreeMap;
use verdict_policy_sdk::schemars::JsonSchema;
use verdict_policy_sdk::{
    Context, Descriptor, Error, Evidence, Filter, Finding, Kind, Outcome, PathMatcher, Policy,
    Violation,
};

/// The `lint` policy.
pub struct Lint;

/// A lint tool, named as its ingest format and its findings' tool.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
#[schemars(crate = "verdict_policy_sdk::schemars")]
pub enum Tool {
    /// `ruff check --output-format json`.
    Ruff,
    /// `flake8` text.
    Flake8,
    /// `pylint --output-format=json|json2`.
    Pylint,
    /// `mypy -O json` or mypy's text output.
    Mypy,
    /// `eslint -f json`.
    Eslint,
    /// `black --check` output.
    Black,
}

const TOOLS: [Tool; 6] = [
    Tool::Ruff,
    Tool::Flake8,
    Tool::Pylint,
    Tool::Mypy,
    Tool::Eslint,
    Tool::Black,
];

impl Tool {
    /// The format id and the findings' tool name.
    fn name(self) -> &'static str {
        match self {
            Tool::Ruff => "ruff",
            Tool::Flake8 => "flake8",
            Tool::Pylint => "pylint",
            Tool::Mypy => "mypy",
            Tool::Eslint => "eslint",
            Tool::Black => "black",
        }
    }

    fn of(name: &str) -> Option<Tool> {
        TOOLS.into_iter().find(|tool| tool.name() == name)
    }
}

/// Configuration; see docs/policies/lint.md.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
#[schemars(crate = "verdict_policy_sdk::schemars")]
pub struct Config {
    /// The tools whose findings count; each must have a report among the
    /// inputs. Default: every lint tool with a report among the inputs (at
    /// least one must be).
    #[serde(default)]
    pub tools: Option<Vec<Tool>>,
    /// Only findings in these paths count (globs; default: all paths).
    #[serde(default)]
    pub paths: Vec<String>,
    /// Findings in these paths never count (globs).
    #[serde(default)]
    pub exclude: Vec<String>,
    /// Count findings the tool itself records as suppressed (ESLint's
    /// `eslint-disable` comments).
    #[serde(default)]
    pub include_suppressed: bool,
    /// ruff's thresholds.
    #[serde(default)]
    pub ruff: ToolConfig,
    /// flake8's thresholds.
    #[serde(default)]
    pub flake8: ToolConfig,
    /// pylint's thresholds; `include-info` applies.
    #[serde(default)]
    pub pylint: ToolConfig,
    /// mypy's thresholds; `include-notes` applies.
    #[serde(default)]
    pub mypy: ToolConfig,
    /// ESLint's thresholds; `fail-on-warnings` applies.
    #[serde(default)]
    pub eslint: ToolConfig,
    /// black's thresholds (its rules are `would-reformat` and `cannot-format`).
    #[serde(default)]
    pub black: ToolConfig,
}

/// One tool's thresholds.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
#[schemars(crate = "verdict_policy_sdk::schemars")]
pub struct ToolConfig {
    /// Rule codes that never count, as globs (`E5*`, `D1*`,
    /// `missing-*-docstring`; pylint's symbols match as well as its ids).
    #[serde(default)]
    pub ignore: Vec<String>,
    /// When set, only rule codes matching these globs count.
    #[serde(default)]
    pub select: Vec<String>,
    /// Counted findings allowed before the tool fails (default 0: any fails).
    #[serde(default)]
    pub max: u64,
    /// Budgets per rule code glob (`{ "C0114" = 5 }`): findings of a code
    /// that matches an entry count against that budget (the first matching
    /// entry, in key order) instead of `max`.
    #[serde(default)]
    pub max_per_code: BTreeMap<String, u64>,
    /// ESLint only: warnings (severity 1) count too, as `--max-warnings 0` does.
    #[serde(default)]
    pub fail_on_warnings: bool,
    /// mypy only: notes count too (by default only errors do).
    #[serde(default)]
    pub include_notes: bool,
    /// pylint only: `info` messages count too (they never change pylint's
    /// exit status, so by default they do not).
    #[serde(default)]
    pub include_info: bool,
}

impl Config {
    fn tool(&self, tool: Tool) -> &ToolConfig {
        match tool {
            Tool::Ruff => &self.ruff,
            Tool::Flake8 => &self.flake8,
            Tool::Pylint => &self.pylint,
            Tool::Mypy => &self.mypy,
            Tool::Eslint => &self.eslint,
            Tool::Black => &self.black,
        }
    }

    /// Tool-specific keys given for another tool are mistakes, not no-ops.
    fn check(&self) -> Result<(), Error> {
        for tool in TOOLS {
            let config = self.tool(tool);
            for (key, set, owner) in [
                ("fail-on-warnings", config.fail_on_warnings, Tool::Eslint),
                ("include-notes", config.include_notes, Tool::Mypy),
                ("include-info", config.include_info, Tool::Pylint),
            ] {
                if set && tool != owner {
                    return Err(Error::new(format!(
                        "`{}.{key}` applies to {} only",
                        tool.name(),
                        owner.name()
                    )));
                }
            }
        }
        Ok(())
    }
}

/// A tool's compiled thresholds.
struct Rules {
    ignore: PathMatcher,
    select: PathMatcher,
    budgets: Vec<(String, PathMatcher, u64)>,
}

impl Rules {
    fn new(tool: Tool, config: &ToolConfig) -> Result<Self, Error> {
        let key = |name: &str| format!("`{}.{name}`", tool.name());
        let budgets = config
            .max_per_code
            .iter()
            .map(|(code, max)| {
                PathMatcher::new(std::slice::from_ref(code))
                    .map(|matcher| (code.clone(), matcher, *max))
                    .map_err(|e| Error::new(format!("{}: {e}", key("max-per-code"))))
            })
            .collect::<Result<_, _>>()?;
        Ok(Rules {
            ignore: PathMatcher::new(&config.ignore)
                .map_err(|e| Error::new(format!("{}: {e}", key("ignore"))))?,
            select: PathMatcher::new(&config.select)
                .map_err(|e| Error::new(format!("{}: {e}", key("select"))))?,
            budgets,
        })
    }

    /// The codes a finding answers to: its rule id and, for pylint, its
    /// symbol (the first tag).
    fn matches(matcher: &PathMatcher, tool: Tool, finding: &Finding) -> bool {
        matcher.is_match(&finding.rule_id)
            || (tool == Tool::Pylint && finding.tags.first().is_some_and(|s| matcher.is_match(s)))
    }
}

/// Whether a finding makes the tool's own check fail, as configured.
fn fails_the_tool(tool: Tool, config: &ToolConfig, finding: &Finding) -> bool {
    let level = finding.level.as_deref().unwrap_or_default();
    match tool {
        Tool::Ruff | Tool::Flake8 | Tool::Black => true,
        Tool::Pylint => config.include_info || level != "info",
        Tool::Mypy => config.include_notes || level != "note",
        Tool::Eslint => config.fail_on_warnings || level != "warning",
    }
}

impl Policy for Lint {
    type Config = Config;

    fn describe() -> Descriptor {
        Descriptor {
            name: "lint".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            description: "Fails on what makes ruff, flake8, pylint, mypy, ESLint or black fail (any ruff, \
                          flake8 or pylint message, mypy errors, ESLint errors, files black would reformat), \
                          with per-tool and per-code thresholds."
                .into(),
            consumes: vec![Kind::Findings],
            requires: vec![Kind::Findings],
            config_schema: verdict_policy_sdk::config_schema::<Config>(),
            controls: vec![],
        }
    }

    fn evaluate(config: Config, _context: &Context, evidence: &Evidence) -> Result<Outcome, Error> {
        config.check()?;
        let paths =
            PathMatcher::new(&config.paths).map_err(|e| Error::new(format!("`paths`: {e}")))?;
        let exclude =
            PathMatcher::new(&config.exclude).map_err(|e| Error::new(format!("`exclude`: {e}")))?;
        // Which input is which tool's report.
        let sources = evidence.sources();
        let report_of: Vec<Option<Tool>> = sources
            .iter()
            .map(|source| Tool::of(&source.format))
            .collect();
        let present: Vec<Tool> = TOOLS
            .into_iter()
            .filter(|tool| report_of.contains(&Some(*tool)))
            .collect();
        let tools = match &config.tools {
            Some(tools) => {
                if let Some(missing) = tools.iter().find(|tool| !present.contains(tool)) {
                    return Err(Error::new(format!(
                        "no `{0}` report among the inputs, but `tools` counts {0} (`verdict formats` says what it reads)",
                        missing.name()
                    )));
                }
                tools.clone()
            }
            None if present.is_empty() => {
                return Err(Error::new(
                    "no lint report among the inputs: give ruff, flake8, pylint, mypy, eslint or black output",
                ));
            }
            None => present,
        };
        let rules: BTreeMap<Tool, Rules> = tools
            .iter()
            .map(|&tool| Rules::new(tool, config.tool(tool)).map(|rules| (tool, rules)))
            .collect::<Result<_, _>>()?;

        // Counted findings per (tool, budget): `None` is the tool's `max`.
        let mut counted: BTreeMap<(Tool, Option<usize>), Vec<Finding>> = BTreeMap::new();
        let filter = Filter::default().include_suppressed(config.include_suppressed);
        for finding in evidence.findings(filter) {
            let Some(Some(tool)) = report_of.get(finding.source as usize).copied() else {
                continue;
            };
            let Some(rules) = rules.get(&tool) else {
                continue;
            };
            // The tool's report, and the tool's own findings in it.
            if finding.tool != tool.name() || !fails_the_tool(tool, config.tool(tool), &finding) {
                continue;
            }
            let path = finding.location.as_ref().map(|l| l.path.as_str());
            if path.is_some_and(|p| exclude.is_match(p))
                || (!paths.is_empty() && !path.is_some_and(|p| paths.is_match(p)))
            {
                continue;
            }
            if Rules::matches(&rules.ignore, tool, &finding)
                || (!rules.select.is_empty() && !Rules::matches(&rules.select, tool, &finding))
            {
                continue;
            }
            let budget = rules
                .budgets
                .iter()
                .position(|(_, matcher, _)| Rules::matches(matcher, tool, &finding));
            counted.entry((tool, budget)).or_default().push(finding);
        }

        let mut outcome = Outcome::pass();
        for ((tool, budget), findings) in counted {
            let (what, max) = match budget {
                Some(index) => {
                    let (code, _, max) = &rules[&tool].budgets[index];
                    (format!("`{}.max-per-code` `{code}`", tool.name()), *max)
                }
                None => (format!("`{}.max`", tool.name()), config.tool(tool).max),
            };
            let count = findings.len() as u64;
            if count <= max {
                outcome
                    .notes
                    .push(format!("{}: {count} within {what} = {max}", tool.name()));
                continue;
            }
            let over = if max > 0 {
                format!(" ({count} > {what} = {max})")
            } else {
                String::new()
            };
            outcome.extend(
                findings
                    .into_iter()
                    .map(|finding| violation(tool, finding, &over)),
            );
        }
        Ok(outcome)
    }
}

fn violation(tool: Tool, finding: Finding, over: &str) -> Violation {
    let mut message = format!(
        "{} `{}`: {}",
        tool.name(),
        finding.rule_id,
        finding.message.trim()
    );
    if let Some(location) = &finding.location {
        message.push_str(&format!(" (`{}`", location.path));
        if let Some(line) = location.start_line {
            message.push_str(&format!(" line {line}"));
        }
        message.push(')');
    }
    message.push_str(over);
    Violation::new(tool.name(), message)
        .severity(finding.severity)
        .location(finding.location)
        .fingerprint(finding.fingerprint)
        .scanner_rule(finding.rule_id)
        .build()
}

verdict_policy_sdk::export_policy!(Lint);

#[cfg(test)]
mod tests {
    use super::*;
    use verdict_policy_sdk::{Location, MemoryEvidence, Severity, Source, testing};

    fn source(format: &str) -> Source {
        Source {
            path: format!("{format}.out"),
            format: format.into(),
            sha256: String::new(),
            tool: Some(format.into()),
            kinds: vec![Kind::Findings],
        }
    }

    /// A finding of `tool` from source `source`, at `level`, in `path`.
    fn finding(source: u32, tool: &str, rule: &str, level: Option<&str>, path: &str) -> Finding {
        Finding {
            source,
            tool: tool.into(),
            rule_id: rule.into(),
            severity: Severity::High,
            level: level.map(str::to_owned),
            message: format!("{rule} message"),
            location: Some(Location {
                path: path.into(),
                start_line: Some(3),
                end_line: Some(3),
            }),
            fingerprint: format!("{tool}-{rule}-{path}"),
            cwes: vec![],
            tags: if tool == "pylint" {
                vec![format!("symbol-of-{rule}")]
            } else {
                vec![]
            },
            suppressed: false,
            baseline_state: None,
            score: None,
            rule: None,
        }
    }

    /// Sources: 0 ruff, 1 mypy, 2 eslint, 3 bandit, 4 pylint.
    fn evidence() -> MemoryEvidence {
        MemoryEvidence {
            sources: ["ruff", "mypy", "eslint", "bandit", "pylint"]
                .into_iter()
                .map(source)
                .collect(),
            findings: vec![
                finding(0, "ruff", "E501", Some("error"), "src/a.py"),
                finding(0, "ruff", "F401", Some("error"), "tests/t.py"),
                finding(1, "mypy", "arg-type", Some("error"), "src/a.py"),
                finding(1, "mypy", "misc", Some("note"), "src/a.py"),
                finding(2, "eslint", "eqeqeq", Some("error"), "web/app.js"),
                finding(2, "eslint", "no-console", Some("warning"), "web/app.js"),
                finding(3, "bandit", "B105", Some("LOW"), "src/a.py"),
                finding(4, "pylint", "C0114", Some("convention"), "src/a.py"),
                finding(4, "pylint", "I0021", Some("info"), "src/a.py"),
            ],
            consumes: Some(vec![Kind::Findings]),
            ..MemoryEvidence::default()
        }
    }

    #[test]
    fn by_default_what_fails_the_tool_fails_and_sast_does_not_count() {
        let outcome = testing::evaluate::<Lint>("{}", evidence()).unwrap();
        assert_eq!(
            testing::fingerprints(&outcome),
            [
                "ruff-E501-src/a.py",
                "ruff-F401-tests/t.py",
                "pylint-C0114-src/a.py",
                "mypy-arg-type-src/a.py",
                "eslint-eqeqeq-web/app.js",
            ]
        );
        assert_eq!(
            outcome.violations[0].message,
            "ruff `E501`: E501 message (`src/a.py` line 3)"
        );
        assert_eq!(outcome.violations[0].rule, "ruff");
    }

    #[test]
    fn tool_switches_widen_what_counts() {
        let config = r#"{"mypy": {"include-notes": true}, "eslint": {"fail-on-warnings": true},
                         "pylint": {"include-info": true}}"#;
        let outcome = testing::evaluate::<Lint>(config, evidence()).unwrap();
        assert_eq!(outcome.violations.len(), 8);
    }

    #[test]
    fn a_switch_on_the_wrong_tool_is_an_error() {
        let error = testing::evaluate::<Lint>(r#"{"ruff": {"include-notes": true}}"#, evidence())
            .unwrap_err();
        assert_eq!(error.message(), "`ruff.include-notes` applies to mypy only");
    }

    #[test]
    fn ignore_select_paths_and_exclude_narrow_what_counts() {
        let config = r#"{"tools": ["ruff", "pylint"], "exclude": ["tests/**"],
                         "ruff": {"ignore": ["E5*"]}, "pylint": {"ignore": ["symbol-of-*"]}}"#;
        let outcome = testing::evaluate::<Lint>(config, evidence()).unwrap();
        assert!(outcome.passed(), "{outcome:?}");
        let config = r#"{"paths": ["web/**"]}"#;
        let outcome = testing::evaluate::<Lint>(config, evidence()).unwrap();
        assert_eq!(
            testing::fingerprints(&outcome),
            ["eslint-eqeqeq-web/app.js"]
        );
        let config = r#"{"tools": ["ruff"], "ruff": {"select": ["F*"]}}"#;
        let outcome = testing::evaluate::<Lint>(config, evidence()).unwrap();
        assert_eq!(testing::fingerprints(&outcome), ["ruff-F401-tests/t.py"]);
    }

    #[test]
    fn budgets_allow_counts_and_report_when_exceeded() {
        let config = r#"{"tools": ["ruff"], "ruff": {"max": 1, "max-per-code": {"E5*": 1}}}"#;
        let outcome = testing::evaluate::<Lint>(config, evidence()).unwrap();
        assert!(outcome.passed(), "{outcome:?}");
        assert_eq!(
            outcome.notes,
            [
                "ruff: 1 within `ruff.max` = 1",
                "ruff: 1 within `ruff.max-per-code` `E5*` = 1"
            ]
        );
        let config = r#"{"tools": ["ruff"], "ruff": {"max": 1, "max-per-code": {"F*": 5}}}"#;
        let outcome = testing::evaluate::<Lint>(config, evidence()).unwrap();
        assert!(outcome.passed(), "{outcome:?}");
        let mut more = evidence();
        more.findings
            .push(finding(0, "ruff", "E502", Some("error"), "src/b.py"));
        let config = r#"{"tools": ["ruff"], "ruff": {"max": 1, "ignore": ["F*"]}}"#;
        let outcome = testing::evaluate::<Lint>(config, more).unwrap();
        assert_eq!(outcome.violations.len(), 2);
        assert!(
            outcome.violations[1]
                .message
                .ends_with("(2 > `ruff.max` = 1)"),
            "{}",
            outcome.violations[1].message
        );
    }

    #[test]
    fn missing_reports_are_errors() {
        let error = testing::evaluate::<Lint>(r#"{"tools": ["black"]}"#, evidence()).unwrap_err();
        assert!(error.message().starts_with("no `black` report"), "{error}");
        let sast_only = MemoryEvidence {
            sources: vec![source("bandit")],
            findings: vec![finding(0, "bandit", "B105", Some("LOW"), "src/a.py")],
            ..MemoryEvidence::default()
        };
        let error = testing::evaluate::<Lint>("{}", sast_only).unwrap_err();
        assert!(error.message().starts_with("no lint report"), "{error}");
    }

    #[test]
    fn suppressed_findings_count_only_when_asked() {
        let mut evidence = evidence();
        for finding in &mut evidence.findings {
            finding.suppressed = true;
        }
        let outcome = testing::evaluate::<Lint>("{}", evidence.clone()).unwrap();
        assert!(outcome.passed());
        let outcome =
            testing::evaluate::<Lint>(r#"{"include-suppressed": true}"#, evidence).unwrap();
        assert_eq!(outcome.violations.len(), 5);
    }

    #[test]
    fn rejects_unknown_tools_and_keys() {
        assert!(testing::evaluate::<Lint>(r#"{"tools": ["bandit"]}"#, evidence()).is_err());
        assert!(testing::evaluate::<Lint>(r#"{"ruff": {"maximum": 3}}"#, evidence()).is_err());
    }
}
