//! The `hipaa` built-in: a control matrix for the technical safeguards of
//! the HIPAA Security Rule (45 CFR 164.312).
//!
//! The mapping from evidence to controls is configuration, not code
//! (`policies/frameworks/hipaa.toml`, given with `config-file`): for each
//! control, the CWE ids, rule-id globs, tags and IaC check ids of findings
//! (and the CWE ids of vulnerabilities) that violate it, whether any secret
//! violates it, and the test suites whose cases speak for it. Each mapped
//! control is then
//!
//! - `violated` when a record maps to it (each record is a violation naming
//!   the control), or a case of a mapped test suite failed;
//! - `satisfied` when some input speaks for a kind of evidence the control
//!   maps (or a mapped test suite ran) and nothing violates it;
//! - `not-assessed` when no evidence of the control's kinds was given; its
//!   evidence says which were missing.
//!
//! A matrix in which no control could be assessed is an error (fail closed):
//! an empty matrix must not read as a pass.

use glob::{MatchOptions, Pattern};
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet, HashSet};
use verdict_policy_sdk::schemars::JsonSchema;
use verdict_policy_sdk::{
    Context, Control, ControlResult, ControlStatus, Descriptor, Error, Evidence, Filter, Finding,
    Kind, Outcome, Policy, Secret, Severity, Source, TestStatus, TestSuite, Violation,
    Vulnerability,
};

/// The `hipaa` policy.
pub struct Hipaa;

/// The controls of 45 CFR 164.312 a mapping can name, in the CFR's order:
/// the standards and their implementation specifications.
pub const CONTROLS: [(&str, &str); 12] = [
    ("hipaa-164.312(a)(1)", "Access control"),
    ("hipaa-164.312(a)(2)(i)", "Unique user identification"),
    ("hipaa-164.312(a)(2)(ii)", "Emergency access procedure"),
    ("hipaa-164.312(a)(2)(iii)", "Automatic logoff"),
    ("hipaa-164.312(a)(2)(iv)", "Encryption and decryption"),
    ("hipaa-164.312(b)", "Audit controls"),
    ("hipaa-164.312(c)(1)", "Integrity"),
    (
        "hipaa-164.312(c)(2)",
        "Mechanism to authenticate electronic protected health information",
    ),
    ("hipaa-164.312(d)", "Person or entity authentication"),
    ("hipaa-164.312(e)(1)", "Transmission security"),
    ("hipaa-164.312(e)(2)(i)", "Integrity controls"),
    ("hipaa-164.312(e)(2)(ii)", "Encryption"),
];

/// Configuration; see docs/policies/hipaa.md.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
#[schemars(crate = "verdict_policy_sdk::schemars")]
pub struct Config {
    /// The mapping: one table per control of 45 CFR 164.312, keyed by the
    /// control id (`hipaa-164.312(b)`). Only the controls given here are
    /// reported. `policies/frameworks/hipaa.toml` is the shipped mapping.
    #[serde(default)]
    pub controls: Controls,
    /// Only findings and vulnerabilities at or above this severity violate a
    /// control. Default: every severity (`unknown` included).
    #[serde(default)]
    pub min_severity: Option<Severity>,
    /// Also count findings and secrets that were marked suppressed or false
    /// positives in the tool itself.
    #[serde(default)]
    pub include_suppressed: bool,
    /// Tools whose reports are IaC scans (matched, case-insensitively,
    /// against each input's tool and format): only their reports assess a
    /// control through its `iac` ids.
    #[serde(default = "default_iac_tools")]
    pub iac_tools: Vec<String>,
}

fn default_iac_tools() -> Vec<String> {
    ["trivy", "checkov", "tfsec", "kics", "terrascan"]
        .map(String::from)
        .to_vec()
}

/// The mapping's controls, one optional table each.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(crate = "verdict_policy_sdk::schemars")]
#[expect(missing_docs, reason = "each field is one control of CONTROLS")]
pub struct Controls {
    #[serde(rename = "hipaa-164.312(a)(1)", default)]
    pub a1: Option<Mapping>,
    #[serde(rename = "hipaa-164.312(a)(2)(i)", default)]
    pub a2i: Option<Mapping>,
    #[serde(rename = "hipaa-164.312(a)(2)(ii)", default)]
    pub a2ii: Option<Mapping>,
    #[serde(rename = "hipaa-164.312(a)(2)(iii)", default)]
    pub a2iii: Option<Mapping>,
    #[serde(rename = "hipaa-164.312(a)(2)(iv)", default)]
    pub a2iv: Option<Mapping>,
    #[serde(rename = "hipaa-164.312(b)", default)]
    pub b: Option<Mapping>,
    #[serde(rename = "hipaa-164.312(c)(1)", default)]
    pub c1: Option<Mapping>,
    #[serde(rename = "hipaa-164.312(c)(2)", default)]
    pub c2: Option<Mapping>,
    #[serde(rename = "hipaa-164.312(d)", default)]
    pub d: Option<Mapping>,
    #[serde(rename = "hipaa-164.312(e)(1)", default)]
    pub e1: Option<Mapping>,
    #[serde(rename = "hipaa-164.312(e)(2)(i)", default)]
    pub e2i: Option<Mapping>,
    #[serde(rename = "hipaa-164.312(e)(2)(ii)", default)]
    pub e2ii: Option<Mapping>,
}

impl Controls {
    /// Each control of [`CONTROLS`] with its mapping, in order.
    fn entries(&self) -> [Option<&Mapping>; 12] {
        [
            self.a1.as_ref(),
            self.a2i.as_ref(),
            self.a2ii.as_ref(),
            self.a2iii.as_ref(),
            self.a2iv.as_ref(),
            self.b.as_ref(),
            self.c1.as_ref(),
            self.c2.as_ref(),
            self.d.as_ref(),
            self.e1.as_ref(),
            self.e2i.as_ref(),
            self.e2ii.as_ref(),
        ]
    }
}

/// What evidence speaks for one control.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
#[schemars(crate = "verdict_policy_sdk::schemars")]
pub struct Mapping {
    /// The control's title, shown in violation messages (default: the CFR's).
    #[serde(default)]
    pub title: Option<String>,
    /// The citation (`45 CFR 164.312(b)`), for readers of the mapping.
    #[serde(default)]
    pub citation: Option<String>,
    /// Why this evidence maps to the control, for readers of the mapping.
    #[serde(default)]
    pub rationale: Option<String>,
    /// CWE ids (`CWE-319`) of findings and vulnerabilities that violate it.
    #[serde(default)]
    pub cwes: Vec<String>,
    /// Globs over finding rule ids (`py/insecure-protocol`, `B50*`),
    /// case-insensitive; `*` also matches `/`.
    #[serde(default)]
    pub rules: Vec<String>,
    /// Finding tags that violate it (case-insensitive, exact).
    #[serde(default)]
    pub tags: Vec<String>,
    /// IaC check ids that violate it: Trivy (`AVD-AWS-0088`, also matched
    /// as `AWS-0088`) and Checkov (`CKV_AWS_19`).
    #[serde(default)]
    pub iac: Vec<String>,
    /// Whether any secret found in the code or its history violates it.
    #[serde(default)]
    pub secrets: bool,
    /// Globs over JUnit suite names and case class names (`*hipaa*access*`),
    /// case-insensitive: a failed or errored case violates the control, a
    /// suite whose cases passed satisfies it.
    #[serde(default)]
    pub test_suites: Vec<String>,
}

impl Policy for Hipaa {
    type Config = Config;

    fn describe() -> Descriptor {
        Descriptor {
            name: "hipaa".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            description: "Maps findings (CWE ids, rule ids, tags, IaC checks), vulnerabilities, \
                          secrets and the team's HIPAA test suites to the technical safeguards \
                          of the HIPAA Security Rule (45 CFR 164.312) and returns a control \
                          matrix: each mapped control satisfied, violated (with the evidence) or \
                          not assessed. The mapping is configuration \
                          (policies/frameworks/hipaa.toml)."
                .into(),
            consumes: vec![
                Kind::Findings,
                Kind::Vulnerabilities,
                Kind::Secrets,
                Kind::Tests,
            ],
            // None is required alone: a matrix with rows not assessed is an
            // answer. A run in which no control can be assessed is an error
            // of `evaluate`.
            requires: vec![],
            config_schema: verdict_policy_sdk::config_schema::<Config>(),
            controls: CONTROLS
                .iter()
                .map(|(id, title)| Control::new(*id, *title))
                .collect(),
        }
    }

    fn evaluate(config: Config, _context: &Context, evidence: &Evidence) -> Result<Outcome, Error> {
        let mut rows = Vec::new();
        for ((id, cfr_title), mapping) in CONTROLS.iter().zip(config.controls.entries()) {
            if let Some(mapping) = mapping {
                rows.push(Row::new(id, cfr_title, mapping)?);
            }
        }
        if rows.is_empty() {
            return Err(Error::new(
                "the mapping names no control: give it with `config-file = \"frameworks/hipaa.toml\"` \
                 (see docs/policies/hipaa.md)",
            ));
        }
        let sources = evidence.sources();
        let given = Given::of(&sources, &config);
        let mut filter = Filter::default().include_suppressed(config.include_suppressed);
        if let Some(min) = config.min_severity {
            filter = filter.min_severity(min);
        }
        let uses_findings = rows.iter().any(|row| row.maps_findings() || row.maps_iac());
        let uses_vulnerabilities = rows.iter().any(Row::maps_vulnerabilities);
        let uses_secrets = rows.iter().any(|row| row.mapping.secrets);
        let uses_tests = rows.iter().any(|row| !row.suites.is_empty());
        if uses_findings {
            for finding in evidence.findings(filter.clone()) {
                for row in &mut rows {
                    row.finding(&finding, &sources);
                }
            }
        }
        if uses_vulnerabilities {
            for vulnerability in evidence.vulnerabilities(filter) {
                for row in &mut rows {
                    row.vulnerability(&vulnerability);
                }
            }
        }
        if uses_secrets {
            for secret in evidence.secrets() {
                if secret.suppressed && !config.include_suppressed {
                    continue;
                }
                for row in &mut rows {
                    row.secret(&secret);
                }
            }
        }
        if uses_tests {
            for suite in evidence.tests() {
                for row in &mut rows {
                    row.suite(&suite, &sources);
                }
            }
        }
        let mut outcome = Outcome::default();
        let mut unassessed = Vec::new();
        for row in rows {
            let (result, violations, notes) = row.finish(&given);
            if result.status == ControlStatus::NotAssessed {
                for line in &result.evidence {
                    // One reason per kind, without each control's suite globs.
                    let reason = line.trim_start_matches("not assessed: ");
                    let reason = reason.split(" (suites").next().unwrap_or(reason);
                    let reason = if reason.starts_with("no test suite matching") {
                        "no test suite the mapping names ran"
                    } else {
                        reason
                    };
                    if !unassessed.iter().any(|known| known == reason) {
                        unassessed.push(reason.to_owned());
                    }
                }
            }
            outcome.controls.push(result);
            outcome.violations.extend(violations);
            outcome.notes.extend(notes);
        }
        if outcome
            .controls
            .iter()
            .all(|result| result.status == ControlStatus::NotAssessed)
        {
            return Err(Error::new(format!(
                "no control could be assessed: {}",
                unassessed.join("; ")
            )));
        }
        Ok(outcome)
    }
}

/// Which inputs speak for each kind the mapping can use.
struct Given {
    findings: Vec<String>,
    iac: Vec<String>,
    vulnerabilities: Vec<String>,
    secrets: Vec<String>,
    tests: bool,
}

impl Given {
    fn of(sources: &[Source], config: &Config) -> Given {
        let paths = |kind: Kind| -> Vec<String> {
            sources
                .iter()
                .filter(|source| source.kinds.contains(&kind))
                .map(|source| source.path.clone())
                .collect()
        };
        let is_iac = |source: &Source| {
            let names = [source.tool.as_deref().unwrap_or(""), source.format.as_str()];
            config.iac_tools.iter().any(|tool| {
                names.iter().any(|name| {
                    name.to_ascii_lowercase()
                        .contains(&tool.to_ascii_lowercase())
                })
            })
        };
        Given {
            findings: paths(Kind::Findings),
            iac: sources
                .iter()
                .filter(|source| source.kinds.contains(&Kind::Findings) && is_iac(source))
                .map(|source| source.path.clone())
                .collect(),
            vulnerabilities: paths(Kind::Vulnerabilities),
            secrets: paths(Kind::Secrets),
            tests: sources
                .iter()
                .any(|source| source.kinds.contains(&Kind::Tests)),
        }
    }
}

/// One control being assessed.
struct Row<'c> {
    id: &'static str,
    title: String,
    mapping: &'c Mapping,
    cwes: HashSet<u32>,
    rules: Vec<Pattern>,
    tags: HashSet<String>,
    iac: HashSet<String>,
    suites: Vec<Pattern>,
    violations: Vec<Violation>,
    /// Suites matched: (suite, input path) → (passed, failed or errored, skipped).
    tests: BTreeMap<(String, String), (u64, u64, u64)>,
}

const NAME_MATCH: MatchOptions = MatchOptions {
    case_sensitive: false,
    require_literal_separator: false,
    require_literal_leading_dot: false,
};

impl<'c> Row<'c> {
    fn new(id: &'static str, cfr_title: &str, mapping: &'c Mapping) -> Result<Self, Error> {
        let key = |field: &str| format!("`controls.\"{id}\".{field}`");
        let cwes = mapping
            .cwes
            .iter()
            .map(|cwe| {
                cwe_number(cwe).ok_or_else(|| {
                    Error::new(format!(
                        "{}: `{cwe}` is not a CWE id (`CWE-319`)",
                        key("cwes")
                    ))
                })
            })
            .collect::<Result<_, _>>()?;
        let globs = |field: &str, patterns: &[String]| -> Result<Vec<Pattern>, Error> {
            patterns
                .iter()
                .map(|pattern| {
                    Pattern::new(pattern).map_err(|error| {
                        Error::new(format!(
                            "{}: invalid glob `{pattern}`: {}",
                            key(field),
                            error.msg
                        ))
                    })
                })
                .collect()
        };
        Ok(Row {
            id,
            title: mapping
                .title
                .clone()
                .unwrap_or_else(|| cfr_title.to_owned()),
            mapping,
            cwes,
            rules: globs("rules", &mapping.rules)?,
            tags: mapping.tags.iter().map(|t| t.to_lowercase()).collect(),
            iac: mapping.iac.iter().map(|id| iac_id(id)).collect(),
            suites: globs("test-suites", &mapping.test_suites)?,
            violations: Vec::new(),
            tests: BTreeMap::new(),
        })
    }

    fn maps_findings(&self) -> bool {
        !self.cwes.is_empty() || !self.rules.is_empty() || !self.tags.is_empty()
    }

    fn maps_iac(&self) -> bool {
        !self.iac.is_empty()
    }

    fn maps_vulnerabilities(&self) -> bool {
        !self.cwes.is_empty()
    }

    fn violation(&self, rule: &str, message: String, subject: &str) -> Violation {
        Violation::new(rule, format!("{} ({}): {message}", self.title, self.id))
            .subject(format!("{}\u{0}{subject}", self.id))
            .control(self.id)
            .build()
    }

    fn matches_cwe(&self, cwes: &[String]) -> Vec<String> {
        cwes.iter()
            .filter(|cwe| cwe_number(cwe).is_some_and(|n| self.cwes.contains(&n)))
            .cloned()
            .collect()
    }

    fn finding(&mut self, finding: &Finding, sources: &[Source]) {
        let iac = self.iac.contains(&iac_id(&finding.rule_id));
        let cwes = self.matches_cwe(&finding.cwes);
        let by_rule = self
            .rules
            .iter()
            .any(|rule| rule.matches_with(&finding.rule_id, NAME_MATCH));
        let by_tag = finding
            .tags
            .iter()
            .any(|tag| self.tags.contains(&tag.to_lowercase()));
        if !(iac || by_rule || by_tag || !cwes.is_empty()) {
            return;
        }
        let mut message = format!("{} `{}`", finding.tool, finding.rule_id);
        if !cwes.is_empty() {
            message.push_str(&format!(" ({})", cwes.join(", ")));
        }
        if !finding.message.is_empty() {
            message.push_str(&format!(": {}", first_line(&finding.message)));
        }
        match &finding.location {
            Some(location) => {
                message.push_str(&format!(" in `{}`", location.path));
                if let Some(line) = location.start_line {
                    message.push_str(&format!(" line {line}"));
                }
            }
            None => {
                if let Some(source) = sources.get(finding.source as usize) {
                    message.push_str(&format!(" (`{}`)", source.path));
                }
            }
        }
        let rule = if iac {
            "iac-misconfiguration"
        } else {
            "finding"
        };
        let mut violation = self.violation(rule, message, &finding.fingerprint);
        violation.severity = finding.severity;
        violation.location = finding.location.clone();
        self.violations.push(violation);
    }

    fn vulnerability(&mut self, vulnerability: &Vulnerability) {
        let cwes = self.matches_cwe(&vulnerability.cwes);
        if cwes.is_empty() {
            return;
        }
        let version = vulnerability
            .version
            .as_deref()
            .map(|v| format!(" {v}"))
            .unwrap_or_default();
        let message = format!(
            "`{}`{version} is affected by {} ({})",
            vulnerability.package,
            vulnerability.id,
            cwes.join(", ")
        );
        let mut violation = self.violation("vulnerability", message, &vulnerability.fingerprint);
        violation.severity = vulnerability.severity;
        self.violations.push(violation);
    }

    fn secret(&mut self, secret: &Secret) {
        if !self.mapping.secrets {
            return;
        }
        let mut message = format!("{} secret `{}`", secret.rule_id, secret.redacted);
        if let Some(location) = &secret.location {
            message.push_str(&format!(" in `{}`", location.path));
            if let Some(line) = location.start_line {
                message.push_str(&format!(" line {line}"));
            }
        }
        let mut violation = self.violation("secret", message, &secret.fingerprint);
        violation.severity = if secret.verified == Some(true) {
            Severity::Critical
        } else {
            Severity::High
        };
        violation.location = secret.location.clone();
        self.violations.push(violation);
    }

    fn suite(&mut self, suite: &TestSuite, sources: &[Source]) {
        let suite_matches = self
            .suites
            .iter()
            .any(|pattern| pattern.matches_with(&suite.name, NAME_MATCH));
        let path = sources
            .get(suite.source as usize)
            .map(|source| source.path.clone())
            .unwrap_or_default();
        for case in &suite.cases {
            let class_matches = case.classname.as_deref().is_some_and(|classname| {
                self.suites
                    .iter()
                    .any(|pattern| pattern.matches_with(classname, NAME_MATCH))
            });
            if !suite_matches && !class_matches {
                continue;
            }
            let counts = self
                .tests
                .entry((suite.name.clone(), path.clone()))
                .or_default();
            match case.status {
                TestStatus::Passed => counts.0 += 1,
                TestStatus::Skipped => counts.2 += 1,
                TestStatus::Failed | TestStatus::Error => {
                    counts.1 += 1;
                    let name = match &case.classname {
                        Some(classname) => format!("{classname}.{}", case.name),
                        None => case.name.clone(),
                    };
                    let what = if case.status == TestStatus::Failed {
                        "failed"
                    } else {
                        "errored"
                    };
                    let message = format!("test `{name}` in suite `{}` {what}", suite.name);
                    let subject = format!("{}\u{0}{name}", suite.name);
                    let violation = self.violation("failed-test", message, &subject);
                    self.violations.push(violation);
                }
            }
        }
    }

    /// The control's result, its violations and notes.
    fn finish(self, given: &Given) -> (ControlResult, Vec<Violation>, Vec<String>) {
        let mut assessed = Vec::new();
        let mut missing = Vec::new();
        let mut notes = Vec::new();
        let mut kind = |maps: bool, inputs: &[String], what: &str, lacking: &str| {
            if !maps {
                return;
            }
            if inputs.is_empty() {
                missing.push(lacking.to_owned());
            } else {
                assessed.push(format!("{what} {}", list(inputs)));
            }
        };
        kind(
            self.maps_findings(),
            &given.findings,
            "findings from",
            "no input speaks for findings",
        );
        kind(
            self.maps_iac(),
            &given.iac,
            "IaC checks from",
            "no IaC scan was given",
        );
        kind(
            self.maps_vulnerabilities(),
            &given.vulnerabilities,
            "vulnerabilities from",
            "no input speaks for vulnerabilities",
        );
        kind(
            self.mapping.secrets,
            &given.secrets,
            "secret scans",
            "no input speaks for secrets",
        );
        if !self.suites.is_empty() {
            let mut ran = false;
            for ((suite, path), (passed, failed, skipped)) in &self.tests {
                if passed + failed > 0 {
                    ran = true;
                    assessed.push(format!(
                        "suite `{suite}` (`{path}`): {passed} passed, {failed} failed"
                    ));
                } else {
                    notes.push(format!(
                        "`{}`: every case of suite `{suite}` (`{path}`) was skipped ({skipped})",
                        self.id
                    ));
                }
            }
            if !ran {
                let patterns = self.mapping.test_suites.join("`, `");
                missing.push(if given.tests {
                    format!("no test suite matching `{patterns}` ran")
                } else {
                    format!("no test report was given (suites `{patterns}`)")
                });
            }
        }
        let status = if !self.violations.is_empty() {
            ControlStatus::Violated
        } else if !assessed.is_empty() {
            ControlStatus::Satisfied
        } else {
            ControlStatus::NotAssessed
        };
        let mut evidence = Vec::new();
        match status {
            ControlStatus::Violated => {
                evidence.push(format!("{} violation(s)", self.violations.len()));
                evidence.extend(assessed);
            }
            ControlStatus::Satisfied => evidence.extend(assessed),
            ControlStatus::NotAssessed => {
                if missing.is_empty() {
                    missing.push("the mapping gives this control no evidence".to_owned());
                }
                evidence.extend(missing.iter().map(|m| format!("not assessed: {m}")));
            }
        }
        if status != ControlStatus::NotAssessed {
            evidence.extend(missing.iter().map(|m| format!("not assessed by: {m}")));
        }
        (
            ControlResult::new(self.id, status, evidence),
            self.violations,
            notes,
        )
    }
}

/// The number of a CWE id written `CWE-79`, `cwe-079` or `79`.
fn cwe_number(cwe: &str) -> Option<u32> {
    let cwe = cwe.trim();
    let number = cwe
        .get(..4)
        .filter(|prefix| prefix.eq_ignore_ascii_case("cwe-"))
        .map_or(cwe, |_| &cwe[4..]);
    number.parse().ok()
}

/// An IaC check id compared without Trivy's `AVD-` prefix, in upper case.
fn iac_id(id: &str) -> String {
    let upper = id.trim().to_ascii_uppercase();
    upper
        .strip_prefix("AVD-")
        .map_or(upper.clone(), str::to_owned)
}

fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or_default().trim()
}

/// Paths in backticks, at most five, then how many more.
fn list(paths: &[String]) -> String {
    let unique: BTreeSet<&String> = paths.iter().collect();
    let mut shown: Vec<String> = unique
        .iter()
        .take(5)
        .map(|path| format!("`{path}`"))
        .collect();
    if unique.len() > 5 {
        shown.push(format!("and {} more", unique.len() - 5));
    }
    shown.join(", ")
}

verdict_policy_sdk::export_policy!(Hipaa);

#[cfg(test)]
mod tests {
    use super::*;
    use verdict_policy_sdk::{Location, MemoryEvidence, TestCase, serde_json, testing};

    /// The shipped mapping as the JSON the host passes.
    fn shipped() -> serde_json::Value {
        let text = include_str!("../../../../policies/frameworks/hipaa.toml");
        let table: toml::Table = toml::from_str(text).unwrap();
        serde_json::to_value(table).unwrap()
    }

    fn source(path: &str, format: &str, tool: &str, kinds: &[Kind]) -> Source {
        Source {
            path: path.into(),
            format: format.into(),
            sha256: String::new(),
            tool: Some(tool.into()),
            kinds: kinds.to_vec(),
        }
    }

    fn finding(source: u32, rule: &str, cwes: &[&str]) -> Finding {
        Finding {
            source,
            tool: "bandit".into(),
            rule_id: rule.into(),
            severity: Severity::Medium,
            level: None,
            message: "m".into(),
            location: Some(Location {
                path: "app.py".into(),
                start_line: Some(4),
                end_line: None,
            }),
            fingerprint: format!("fp-{rule}"),
            cwes: cwes.iter().map(|c| c.to_string()).collect(),
            tags: vec![],
            suppressed: false,
            baseline_state: None,
            score: None,
            rule: None,
        }
    }

    fn status(outcome: &Outcome, control: &str) -> Option<ControlStatus> {
        outcome
            .controls
            .iter()
            .find(|result| result.control == control)
            .map(|result| result.status)
    }

    fn evaluate(evidence: MemoryEvidence) -> Result<Outcome, Error> {
        testing::evaluate::<Hipaa>(&shipped().to_string(), evidence)
    }

    #[test]
    fn the_shipped_mapping_is_valid_and_names_the_issue_s_controls() {
        let config: Config = verdict_policy_sdk::parse_config(&shipped().to_string()).unwrap();
        let mapped: Vec<&str> = CONTROLS
            .iter()
            .zip(config.controls.entries())
            .filter(|(_, mapping)| mapping.is_some())
            .map(|((id, _), _)| *id)
            .collect();
        assert_eq!(
            mapped,
            [
                "hipaa-164.312(a)(1)",
                "hipaa-164.312(a)(2)(i)",
                "hipaa-164.312(a)(2)(iii)",
                "hipaa-164.312(a)(2)(iv)",
                "hipaa-164.312(b)",
                "hipaa-164.312(c)(1)",
                "hipaa-164.312(d)",
                "hipaa-164.312(e)(1)",
                "hipaa-164.312(e)(2)(ii)",
            ]
        );
        for ((id, title), mapping) in CONTROLS.iter().zip(config.controls.entries()) {
            if let Some(mapping) = mapping {
                Row::new(id, title, mapping).unwrap();
            }
        }
    }

    #[test]
    fn findings_violate_their_controls_and_the_rest_is_satisfied_or_not_assessed() {
        let evidence = MemoryEvidence {
            sources: vec![source("bandit.sarif", "sarif", "bandit", &[Kind::Findings])],
            findings: vec![
                finding(0, "B105", &["CWE-259"]),
                finding(0, "B501", &["CWE-295"]),
                finding(0, "B101", &["CWE-703"]),
            ],
            ..MemoryEvidence::default()
        };
        let outcome = evaluate(evidence).unwrap();
        // CWE-259 maps to unique user identification and authentication;
        // B501 (and CWE-295) to transmission security; CWE-703 to nothing.
        let controls: Vec<Option<&str>> = outcome
            .violations
            .iter()
            .map(|v| v.control.as_deref())
            .collect();
        assert_eq!(
            controls,
            [
                Some("hipaa-164.312(a)(2)(i)"),
                Some("hipaa-164.312(d)"),
                Some("hipaa-164.312(e)(1)"),
            ]
        );
        assert_eq!(
            outcome.violations[0].message,
            "Unique user identification (hipaa-164.312(a)(2)(i)): bandit `B105` (CWE-259): m in `app.py` line 4"
        );
        assert_ne!(
            outcome.violations[0].fingerprint,
            outcome.violations[1].fingerprint
        );
        assert_eq!(outcome.violations[2].severity, Severity::Medium);
        assert_eq!(
            status(&outcome, "hipaa-164.312(d)"),
            Some(ControlStatus::Violated)
        );
        assert_eq!(
            status(&outcome, "hipaa-164.312(b)"),
            Some(ControlStatus::Satisfied)
        );
        // Automatic logoff maps CWEs (findings were given): satisfied.
        assert_eq!(
            status(&outcome, "hipaa-164.312(a)(2)(iii)"),
            Some(ControlStatus::Satisfied)
        );
        let audit = outcome
            .controls
            .iter()
            .find(|r| r.control == "hipaa-164.312(b)")
            .unwrap();
        assert_eq!(
            audit.evidence,
            [
                "findings from `bandit.sarif`",
                "not assessed by: no IaC scan was given",
                "not assessed by: no input speaks for vulnerabilities",
                "not assessed by: no test report was given (suites `*hipaa*audit*`)",
            ]
        );
        // Every violated control rests on a violation naming it.
        for result in &outcome.controls {
            if result.status == ControlStatus::Violated {
                assert!(
                    outcome
                        .violations
                        .iter()
                        .any(|v| v.control.as_deref() == Some(result.control.as_str()))
                );
            }
        }
    }

    #[test]
    fn iac_ids_match_with_or_without_the_avd_prefix_and_need_an_iac_scan() {
        let mut iac = finding(0, "AWS-0088", &[]);
        iac.tool = "trivy".into();
        let evidence = MemoryEvidence {
            sources: vec![source("trivy.json", "trivy", "trivy", &[Kind::Findings])],
            findings: vec![iac, finding(0, "CKV_AWS_18", &[])],
            ..MemoryEvidence::default()
        };
        let outcome = evaluate(evidence).unwrap();
        let rules: Vec<(&str, Option<&str>)> = outcome
            .violations
            .iter()
            .map(|v| (v.rule.as_str(), v.control.as_deref()))
            .collect();
        assert_eq!(
            rules,
            [
                ("iac-misconfiguration", Some("hipaa-164.312(a)(2)(iv)")),
                ("iac-misconfiguration", Some("hipaa-164.312(b)")),
            ]
        );
        // A SARIF report of a code scanner is no IaC scan.
        let evidence = MemoryEvidence {
            sources: vec![source("codeql.sarif", "sarif", "CodeQL", &[Kind::Findings])],
            ..MemoryEvidence::default()
        };
        let outcome = evaluate(evidence).unwrap();
        let encryption = outcome
            .controls
            .iter()
            .find(|r| r.control == "hipaa-164.312(a)(2)(iv)")
            .unwrap();
        assert!(
            encryption
                .evidence
                .contains(&"not assessed by: no IaC scan was given".to_owned())
        );
    }

    #[test]
    fn secrets_vulnerabilities_and_test_suites_speak_for_their_controls() {
        let suite = TestSuite {
            source: 2,
            name: "hipaa-security".into(),
            tests: 3,
            failures: 1,
            cases: vec![
                TestCase {
                    name: "test_phi_read_is_logged".into(),
                    classname: Some("tests.hipaa.test_audit_controls".into()),
                    status: TestStatus::Passed,
                    message: None,
                },
                TestCase {
                    name: "test_idle".into(),
                    classname: Some("tests.hipaa.test_automatic_logoff".into()),
                    status: TestStatus::Failed,
                    message: Some("assert 30 <= 15".into()),
                },
                TestCase {
                    name: "test_other".into(),
                    classname: Some("tests.billing".into()),
                    status: TestStatus::Failed,
                    message: None,
                },
            ],
            ..TestSuite::default()
        };
        let evidence = MemoryEvidence {
            sources: vec![
                source("gitleaks.json", "gitleaks", "gitleaks", &[Kind::Secrets]),
                source(
                    "npm-audit.json",
                    "npm-audit",
                    "npm",
                    &[Kind::Vulnerabilities],
                ),
                source("junit.xml", "junit", "pytest", &[Kind::Tests]),
            ],
            secrets: vec![Secret {
                source: 0,
                tool: "gitleaks".into(),
                rule_id: "aws-access-key".into(),
                location: None,
                commit: None,
                fingerprint: "s1".into(),
                redacted: "AKIA****(20 chars)".into(),
                verified: Some(true),
                suppressed: false,
            }],
            vulnerabilities: vec![Vulnerability {
                source: 1,
                tool: "npm".into(),
                id: "GHSA-x".into(),
                aliases: vec![],
                ecosystem: None,
                package: "follow-redirects".into(),
                version: Some("1.0.0".into()),
                fixed_versions: vec![],
                kind: Default::default(),
                severity: Severity::High,
                cvss_score: None,
                title: None,
                target: None,
                fingerprint: "v1".into(),
                cwes: vec!["CWE-200".into()],
            }],
            tests: vec![suite],
            ..MemoryEvidence::default()
        };
        let outcome = evaluate(evidence).unwrap();
        let got: Vec<(&str, &str)> = outcome
            .violations
            .iter()
            .map(|v| (v.rule.as_str(), v.control.as_deref().unwrap()))
            .collect();
        assert_eq!(
            got,
            [
                ("vulnerability", "hipaa-164.312(a)(1)"),
                ("failed-test", "hipaa-164.312(a)(2)(iii)"),
                ("secret", "hipaa-164.312(d)"),
            ]
        );
        let secret = &outcome.violations[2];
        assert_eq!(secret.severity, Severity::Critical);
        assert!(
            secret.message.contains("`AKIA****(20 chars)`"),
            "{}",
            secret.message
        );
        assert_eq!(
            status(&outcome, "hipaa-164.312(b)"),
            Some(ControlStatus::Satisfied)
        );
        let audit = outcome
            .controls
            .iter()
            .find(|r| r.control == "hipaa-164.312(b)")
            .unwrap();
        assert!(
            audit
                .evidence
                .contains(&"suite `hipaa-security` (`junit.xml`): 1 passed, 0 failed".to_owned()),
            "{:?}",
            audit.evidence
        );
        // No findings input: integrity maps only findings-side evidence and
        // vulnerability CWEs, so vulnerabilities assess it.
        assert_eq!(
            status(&outcome, "hipaa-164.312(c)(1)"),
            Some(ControlStatus::Satisfied)
        );
    }

    #[test]
    fn not_assessed_rows_say_why_and_an_empty_matrix_is_an_error() {
        let evidence = MemoryEvidence {
            sources: vec![source(
                "gitleaks.json",
                "gitleaks",
                "gitleaks",
                &[Kind::Secrets],
            )],
            ..MemoryEvidence::default()
        };
        let outcome = evaluate(evidence).unwrap();
        assert!(outcome.violations.is_empty());
        assert_eq!(
            status(&outcome, "hipaa-164.312(d)"),
            Some(ControlStatus::Satisfied)
        );
        let logoff = outcome
            .controls
            .iter()
            .find(|r| r.control == "hipaa-164.312(a)(2)(iii)")
            .unwrap();
        assert_eq!(logoff.status, ControlStatus::NotAssessed);
        assert_eq!(
            logoff.evidence,
            [
                "not assessed: no input speaks for findings",
                "not assessed: no input speaks for vulnerabilities",
                "not assessed: no test report was given (suites `*hipaa*logoff*`, `*hipaa*session*timeout*`, `*hipaa*idle*`)",
            ]
        );
        // Only a coverage report: nothing the mapping uses.
        let evidence = MemoryEvidence {
            sources: vec![source("lcov.info", "lcov", "lcov", &[Kind::Coverage])],
            ..MemoryEvidence::default()
        };
        let error = evaluate(evidence).unwrap_err();
        assert_eq!(
            error.message(),
            "no control could be assessed: no input speaks for findings; no IaC scan was given; \
             no input speaks for vulnerabilities; no test report was given; no input speaks for secrets"
        );
        let error = testing::evaluate::<Hipaa>("{}", MemoryEvidence::default()).unwrap_err();
        assert!(
            error.message().contains("the mapping names no control"),
            "{error}"
        );
    }

    #[test]
    fn the_mapping_is_checked_by_key() {
        let error = testing::evaluate::<Hipaa>(
            r#"{"controls": {"hipaa-164.999": {}}}"#,
            MemoryEvidence::default(),
        )
        .unwrap_err();
        assert!(error.message().contains("hipaa-164.999"), "{error}");
        let error = testing::evaluate::<Hipaa>(
            r#"{"controls": {"hipaa-164.312(b)": {"cwes": ["XSS"]}}}"#,
            MemoryEvidence::default(),
        )
        .unwrap_err();
        assert_eq!(
            error.message(),
            "`controls.\"hipaa-164.312(b)\".cwes`: `XSS` is not a CWE id (`CWE-319`)"
        );
        assert_eq!(cwe_number("cwe-079"), Some(79));
        assert_eq!(cwe_number("CWE-"), None);
        assert_eq!(iac_id("avd-aws-0088"), "AWS-0088");
    }
}
