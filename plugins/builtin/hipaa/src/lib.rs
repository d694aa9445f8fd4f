//! The `hipaa` built-in: a control matrix for the HIPAA Security Rule: the
//! technical safeguards (45 CFR 164.312) assessed from evidence, and the
//! administrative (164.308) and physical (164.310) safeguards no machine
//! can check, reported so that a person can attest them.
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
//! A control marked `attestation = true` (a risk analysis, workforce
//! training) maps no evidence: it is always `not-assessed`, saying it needs
//! an attestation, and the gate shows it `attested` while an
//! `[[attestation]]` of it is in force. It never fails the policy.
//!
//! A matrix in which no control could be assessed is an error (fail closed):
//! an empty matrix must not read as a pass. Controls that need an
//! attestation do not count: a mapping of only those is an error too.

use glob::{MatchOptions, Pattern};
use serde::Deserialize;
use serde::de::{Error as _, MapAccess, Visitor};
use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::fmt;
use verdict_policy_sdk::schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use verdict_policy_sdk::serde_json;
use verdict_policy_sdk::{
    Context, Control, ControlResult, ControlStatus, Descriptor, Error, Evidence, Filter, Finding,
    Kind, Outcome, Policy, Secret, Severity, Source, TestStatus, TestSuite, Violation,
    Vulnerability,
};

/// The `hipaa` policy.
pub struct Hipaa;

/// The controls a mapping can name, in the CFR's order: the standards and
/// implementation specifications of the administrative (45 CFR 164.308),
/// physical (164.310) and technical (164.312) safeguards, each with the
/// CFR's title. The one list of the controls: the descriptor, the schema of
/// `controls` and the check of the mapping's keys all derive from it.
pub const CONTROLS: &[(&str, &str)] = &[
    // Administrative safeguards, 164.308.
    ("hipaa-164.308(a)(1)(i)", "Security management process"),
    ("hipaa-164.308(a)(1)(ii)(A)", "Risk analysis"),
    ("hipaa-164.308(a)(1)(ii)(B)", "Risk management"),
    ("hipaa-164.308(a)(1)(ii)(C)", "Sanction policy"),
    (
        "hipaa-164.308(a)(1)(ii)(D)",
        "Information system activity review",
    ),
    ("hipaa-164.308(a)(2)", "Assigned security responsibility"),
    ("hipaa-164.308(a)(3)(i)", "Workforce security"),
    (
        "hipaa-164.308(a)(3)(ii)(A)",
        "Authorization and/or supervision",
    ),
    (
        "hipaa-164.308(a)(3)(ii)(B)",
        "Workforce clearance procedure",
    ),
    ("hipaa-164.308(a)(3)(ii)(C)", "Termination procedures"),
    ("hipaa-164.308(a)(4)(i)", "Information access management"),
    (
        "hipaa-164.308(a)(4)(ii)(A)",
        "Isolating health care clearinghouse functions",
    ),
    ("hipaa-164.308(a)(4)(ii)(B)", "Access authorization"),
    (
        "hipaa-164.308(a)(4)(ii)(C)",
        "Access establishment and modification",
    ),
    ("hipaa-164.308(a)(5)(i)", "Security awareness and training"),
    ("hipaa-164.308(a)(5)(ii)(A)", "Security reminders"),
    (
        "hipaa-164.308(a)(5)(ii)(B)",
        "Protection from malicious software",
    ),
    ("hipaa-164.308(a)(5)(ii)(C)", "Log-in monitoring"),
    ("hipaa-164.308(a)(5)(ii)(D)", "Password management"),
    ("hipaa-164.308(a)(6)(i)", "Security incident procedures"),
    ("hipaa-164.308(a)(6)(ii)", "Response and reporting"),
    ("hipaa-164.308(a)(7)(i)", "Contingency plan"),
    ("hipaa-164.308(a)(7)(ii)(A)", "Data backup plan"),
    ("hipaa-164.308(a)(7)(ii)(B)", "Disaster recovery plan"),
    (
        "hipaa-164.308(a)(7)(ii)(C)",
        "Emergency mode operation plan",
    ),
    (
        "hipaa-164.308(a)(7)(ii)(D)",
        "Testing and revision procedures",
    ),
    (
        "hipaa-164.308(a)(7)(ii)(E)",
        "Applications and data criticality analysis",
    ),
    ("hipaa-164.308(a)(8)", "Evaluation"),
    (
        "hipaa-164.308(b)(1)",
        "Business associate contracts and other arrangements",
    ),
    (
        "hipaa-164.308(b)(3)",
        "Written contract or other arrangement",
    ),
    // Physical safeguards, 164.310.
    ("hipaa-164.310(a)(1)", "Facility access controls"),
    ("hipaa-164.310(a)(2)(i)", "Contingency operations"),
    ("hipaa-164.310(a)(2)(ii)", "Facility security plan"),
    (
        "hipaa-164.310(a)(2)(iii)",
        "Access control and validation procedures",
    ),
    ("hipaa-164.310(a)(2)(iv)", "Maintenance records"),
    ("hipaa-164.310(b)", "Workstation use"),
    ("hipaa-164.310(c)", "Workstation security"),
    ("hipaa-164.310(d)(1)", "Device and media controls"),
    ("hipaa-164.310(d)(2)(i)", "Disposal"),
    ("hipaa-164.310(d)(2)(ii)", "Media re-use"),
    ("hipaa-164.310(d)(2)(iii)", "Accountability"),
    ("hipaa-164.310(d)(2)(iv)", "Data backup and storage"),
    // Technical safeguards, 164.312.
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

/// What a control that only a person can vouch for says instead of evidence.
pub const NEEDS_ATTESTATION: &str =
    "no machine can check this control: it needs an `[[attestation]]` in the gate file";

/// Configuration; see docs/policies/hipaa.md.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
#[schemars(crate = "verdict_policy_sdk::schemars")]
pub struct Config {
    /// The mapping: one table per control, keyed by the control id
    /// (`hipaa-164.312(b)`, `hipaa-164.308(a)(1)(ii)(A)`). Only the controls
    /// given here are reported. `policies/frameworks/hipaa.toml` is the
    /// shipped mapping.
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

/// The mapping's controls: a table keyed by control id, each id one of
/// [`CONTROLS`] (any other is a configuration error naming it). Its schema
/// lists every control as a property and allows no other.
#[derive(Debug, Default)]
pub struct Controls {
    /// Each control given, by its index in [`CONTROLS`] (so in CFR order).
    mappings: BTreeMap<usize, Mapping>,
}

impl Controls {
    /// Each control given with its CFR title and its mapping, in CFR order.
    fn entries(&self) -> impl Iterator<Item = (&'static str, &'static str, &Mapping)> {
        self.mappings.iter().map(|(index, mapping)| {
            let (id, title) = CONTROLS[*index];
            (id, title, mapping)
        })
    }
}

impl<'de> Deserialize<'de> for Controls {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ByControl;
        impl<'de> Visitor<'de> for ByControl {
            type Value = Controls;

            fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
                formatter.write_str("a table of control mappings keyed by control id")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Controls, A::Error> {
                let mut mappings = BTreeMap::new();
                while let Some(id) = map.next_key::<String>()? {
                    let Some(index) = CONTROLS.iter().position(|(known, _)| *known == id) else {
                        return Err(A::Error::custom(format!(
                            "unknown control `{id}`: the controls are those of 45 CFR 164.308, \
                             164.310 and 164.312, written `hipaa-164.312(b)` or \
                             `hipaa-164.308(a)(1)(ii)(A)` (docs/policies/hipaa.md lists them)"
                        )));
                    };
                    let mapping = map.next_value::<Mapping>()?;
                    if mappings.insert(index, mapping).is_some() {
                        return Err(A::Error::custom(format!("control `{id}` is given twice")));
                    }
                }
                Ok(Controls { mappings })
            }
        }
        deserializer.deserialize_map(ByControl)
    }
}

impl JsonSchema for Controls {
    fn schema_name() -> Cow<'static, str> {
        "Controls".into()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let mapping = generator.subschema_for::<Mapping>();
        let properties: serde_json::Map<String, serde_json::Value> = CONTROLS
            .iter()
            .map(|(id, title)| {
                let mut property = mapping.clone();
                let citation = id.trim_start_matches("hipaa-");
                property.insert(
                    "description".into(),
                    format!("{title} (45 CFR {citation})").into(),
                );
                ((*id).to_owned(), property.into())
            })
            .collect();
        json_schema!({
            "type": "object",
            "description": "The mapping's controls, keyed by control id: each a control of \
                            45 CFR 164.308, 164.310 or 164.312.",
            "properties": properties,
            "additionalProperties": false,
        })
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
    /// No kind of evidence speaks for this control: only a person can vouch
    /// for it (a risk analysis, workforce training, a penetration test). It
    /// is reported `not-assessed`, saying it needs an attestation, until an
    /// `[[attestation]]` of the gate file turns it `attested`. It takes none
    /// of the evidence keys below, and does not count as a control the
    /// policy can assess.
    #[serde(default)]
    pub attestation: bool,
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

impl Mapping {
    /// The evidence keys it gives, by name.
    fn evidence_keys(&self) -> Vec<&'static str> {
        [
            ("cwes", !self.cwes.is_empty()),
            ("rules", !self.rules.is_empty()),
            ("tags", !self.tags.is_empty()),
            ("iac", !self.iac.is_empty()),
            ("secrets", self.secrets),
            ("test-suites", !self.test_suites.is_empty()),
        ]
        .into_iter()
        .filter(|(_, given)| *given)
        .map(|(key, _)| key)
        .collect()
    }
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
                          not assessed. Administrative (164.308) and physical (164.310) \
                          safeguards the mapping marks `attestation = true` are reported not \
                          assessed until attested in the gate file. The mapping is \
                          configuration (policies/frameworks/hipaa.toml)."
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
                .map(|&(id, title)| Control::new(id, title))
                .collect(),
        }
    }

    fn evaluate(config: Config, _context: &Context, evidence: &Evidence) -> Result<Outcome, Error> {
        let mut rows = config
            .controls
            .entries()
            .map(|(id, cfr_title, mapping)| Row::new(id, cfr_title, mapping))
            .collect::<Result<Vec<_>, _>>()?;
        if rows.is_empty() {
            return Err(Error::new(
                "the mapping names no control: give it with `config-file = \"frameworks/hipaa.toml\"` \
                 (see docs/policies/hipaa.md)",
            ));
        }
        if rows.iter().all(|row| row.mapping.attestation) {
            // Such a policy reads no evidence: no input could ever fail it,
            // so it would pass on nothing (fail closed).
            return Err(Error::new(
                "the mapping names only controls marked `attestation = true`, which no evidence \
                 can assess: map at least one control to evidence, as \
                 `config-file = \"frameworks/hipaa.toml\"` does (see docs/policies/hipaa.md)",
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
        let mut assessed = false;
        for row in rows {
            let attestation = row.mapping.attestation;
            let (result, violations, notes) = row.finish(&given);
            if result.status != ControlStatus::NotAssessed {
                assessed = true;
            } else if !attestation {
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
        if !assessed {
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
        let evidence_keys = mapping.evidence_keys();
        if mapping.attestation && !evidence_keys.is_empty() {
            return Err(Error::new(format!(
                "{}: a control that needs an attestation maps no evidence, but this one also \
                 gives `{}`: drop `attestation = true` or those keys",
                key("attestation"),
                evidence_keys.join("`, `")
            )));
        }
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
        if self.mapping.attestation {
            let result = ControlResult::new(
                self.id,
                ControlStatus::NotAssessed,
                vec![NEEDS_ATTESTATION.to_owned()],
            );
            return (result, Vec::new(), Vec::new());
        }
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
        let mapped: Vec<(&str, bool)> = config
            .controls
            .entries()
            .map(|(id, _, mapping)| (id, mapping.attestation))
            .collect();
        assert_eq!(
            mapped,
            [
                ("hipaa-164.308(a)(1)(ii)(A)", true),
                ("hipaa-164.308(a)(1)(ii)(B)", true),
                ("hipaa-164.308(a)(5)(i)", true),
                ("hipaa-164.308(a)(6)(ii)", true),
                ("hipaa-164.308(a)(7)(i)", true),
                ("hipaa-164.308(a)(8)", true),
                ("hipaa-164.312(a)(1)", false),
                ("hipaa-164.312(a)(2)(i)", false),
                ("hipaa-164.312(a)(2)(iii)", false),
                ("hipaa-164.312(a)(2)(iv)", false),
                ("hipaa-164.312(b)", false),
                ("hipaa-164.312(c)(1)", false),
                ("hipaa-164.312(d)", false),
                ("hipaa-164.312(e)(1)", false),
                ("hipaa-164.312(e)(2)(ii)", false),
            ]
        );
        for (id, title, mapping) in config.controls.entries() {
            Row::new(id, title, mapping).unwrap();
            // Every shipped control says where it comes from and why.
            assert_eq!(
                mapping.citation.as_deref(),
                Some(format!("45 CFR {}", id.trim_start_matches("hipaa-")).as_str())
            );
            assert!(mapping.rationale.is_some(), "{id}");
        }
    }

    #[test]
    fn the_controls_are_one_list_for_the_descriptor_the_schema_and_the_keys() {
        let ids: BTreeSet<&str> = CONTROLS.iter().map(|(id, _)| *id).collect();
        assert_eq!(ids.len(), CONTROLS.len(), "a control is listed twice");
        let descriptor = Hipaa::describe();
        let declared: Vec<(&str, &str)> = descriptor
            .controls
            .iter()
            .map(|control| (control.id.as_str(), control.title.as_str()))
            .collect();
        assert_eq!(declared, CONTROLS);
        let schema: serde_json::Value = serde_json::from_str(&descriptor.config_schema).unwrap();
        let controls = &schema["$defs"]["Controls"];
        assert_eq!(controls["additionalProperties"], false);
        let properties = controls["properties"].as_object().unwrap();
        let keys: BTreeSet<&str> = properties.keys().map(String::as_str).collect();
        assert_eq!(keys, ids);
        let risk = &properties["hipaa-164.308(a)(1)(ii)(A)"];
        assert_eq!(risk["$ref"], "#/$defs/Mapping");
        assert_eq!(
            risk["description"],
            "Risk analysis (45 CFR 164.308(a)(1)(ii)(A))"
        );
        assert_eq!(
            schema["$defs"]["Mapping"]["properties"]["attestation"]["type"],
            "boolean"
        );
        // Every key the schema allows, the configuration parses.
        for id in ids {
            let config = format!(r#"{{"controls": {{"{id}": {{"attestation": true}}}}}}"#);
            let parsed: Config = verdict_policy_sdk::parse_config(&config).unwrap();
            assert_eq!(parsed.controls.entries().next().unwrap().0, id);
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
    fn attestation_controls_are_not_assessed_and_say_they_need_an_attestation() {
        let evidence = MemoryEvidence {
            sources: vec![source("bandit.sarif", "sarif", "bandit", &[Kind::Findings])],
            findings: vec![finding(0, "B105", &["CWE-259"])],
            ..MemoryEvidence::default()
        };
        let outcome = evaluate(evidence).unwrap();
        // The administrative rows come first (CFR order), each not assessed
        // with the one line that says why, and none has a violation.
        let first: Vec<(&str, ControlStatus, &[String])> = outcome
            .controls
            .iter()
            .take(6)
            .map(|r| (r.control.as_str(), r.status, r.evidence.as_slice()))
            .collect();
        let needs = [NEEDS_ATTESTATION.to_owned()];
        assert_eq!(
            first,
            [
                (
                    "hipaa-164.308(a)(1)(ii)(A)",
                    ControlStatus::NotAssessed,
                    &needs[..]
                ),
                (
                    "hipaa-164.308(a)(1)(ii)(B)",
                    ControlStatus::NotAssessed,
                    &needs[..]
                ),
                (
                    "hipaa-164.308(a)(5)(i)",
                    ControlStatus::NotAssessed,
                    &needs[..]
                ),
                (
                    "hipaa-164.308(a)(6)(ii)",
                    ControlStatus::NotAssessed,
                    &needs[..]
                ),
                (
                    "hipaa-164.308(a)(7)(i)",
                    ControlStatus::NotAssessed,
                    &needs[..]
                ),
                (
                    "hipaa-164.308(a)(8)",
                    ControlStatus::NotAssessed,
                    &needs[..]
                ),
            ]
        );
        assert_eq!(outcome.controls.len(), 15);
        assert!(
            outcome.violations.iter().all(|v| v
                .control
                .as_deref()
                .unwrap()
                .starts_with("hipaa-164.312")),
            "{:?}",
            outcome.violations
        );
        assert!(outcome.notes.is_empty(), "{:?}", outcome.notes);
        // With only a coverage report, the attestation rows do not make
        // the matrix assessed, and add nothing to the reasons.
        let evidence = MemoryEvidence {
            sources: vec![source("lcov.info", "lcov", "lcov", &[Kind::Coverage])],
            ..MemoryEvidence::default()
        };
        let error = evaluate(evidence).unwrap_err();
        assert!(
            error
                .message()
                .starts_with("no control could be assessed: no input speaks for findings;"),
            "{error}"
        );
        assert!(!error.message().contains("attestation"), "{error}");
    }

    #[test]
    fn a_mapping_of_attestations_alone_or_with_evidence_keys_is_refused() {
        // Attestations alone: nothing reads evidence, so no input could fail
        // it; an error whatever the evidence.
        let only = r#"{"controls": {"hipaa-164.308(a)(1)(ii)(A)": {"attestation": true},
                                    "hipaa-164.310(a)(1)": {"attestation": true}}}"#;
        let evidence = MemoryEvidence {
            sources: vec![source("bandit.sarif", "sarif", "bandit", &[Kind::Findings])],
            ..MemoryEvidence::default()
        };
        let error = testing::evaluate::<Hipaa>(only, evidence).unwrap_err();
        assert!(
            error
                .message()
                .starts_with("the mapping names only controls marked `attestation = true`"),
            "{error}"
        );
        // With one control that evidence assesses, the same rows are fine.
        let mixed = r#"{"controls": {"hipaa-164.308(a)(1)(ii)(A)": {"attestation": true},
                                     "hipaa-164.312(d)": {"secrets": true}}}"#;
        let evidence = MemoryEvidence {
            sources: vec![source(
                "gitleaks.json",
                "gitleaks",
                "gitleaks",
                &[Kind::Secrets],
            )],
            ..MemoryEvidence::default()
        };
        let outcome = testing::evaluate::<Hipaa>(mixed, evidence).unwrap();
        let statuses: Vec<(&str, ControlStatus)> = outcome
            .controls
            .iter()
            .map(|r| (r.control.as_str(), r.status))
            .collect();
        assert_eq!(
            statuses,
            [
                ("hipaa-164.308(a)(1)(ii)(A)", ControlStatus::NotAssessed),
                ("hipaa-164.312(d)", ControlStatus::Satisfied),
            ]
        );
        // An attestation that also maps evidence contradicts itself.
        let error = testing::evaluate::<Hipaa>(
            r#"{"controls": {"hipaa-164.308(a)(8)": {"attestation": true, "cwes": ["CWE-1"],
                                                    "test-suites": ["*pentest*"]}}}"#,
            MemoryEvidence::default(),
        )
        .unwrap_err();
        assert_eq!(
            error.message(),
            "`controls.\"hipaa-164.308(a)(8)\".attestation`: a control that needs an attestation \
             maps no evidence, but this one also gives `cwes`, `test-suites`: drop \
             `attestation = true` or those keys"
        );
    }

    #[test]
    fn the_mapping_is_checked_by_key() {
        let unknown = r#"{"controls": {"hipaa-164.999": {}}}"#;
        // The schema refuses the key (the gate checks it before the run) …
        let error = testing::evaluate::<Hipaa>(unknown, MemoryEvidence::default()).unwrap_err();
        assert_eq!(
            error.message(),
            "invalid configuration at `controls`: Additional properties are not allowed \
             ('hipaa-164.999' was unexpected)"
        );
        // … and so does the policy's own parsing, naming the known ids.
        let error = verdict_policy_sdk::parse_config::<Config>(unknown).unwrap_err();
        assert_eq!(
            error.message(),
            "invalid configuration at `controls`: unknown control `hipaa-164.999`: the controls \
             are those of 45 CFR 164.308, 164.310 and 164.312, written `hipaa-164.312(b)` or \
             `hipaa-164.308(a)(1)(ii)(A)` (docs/policies/hipaa.md lists them) at line 1 column 29"
        );
        let error = verdict_policy_sdk::parse_config::<Config>(
            r#"{"controls": {"hipaa-164.312(b)": {}, "hipaa-164.312(b)": {"secrets": true}}}"#,
        )
        .unwrap_err();
        assert!(
            error
                .message()
                .contains("control `hipaa-164.312(b)` is given twice"),
            "{error}"
        );
        // A mapping's own keys are still checked, with their path.
        let error = verdict_policy_sdk::parse_config::<Config>(
            r#"{"controls": {"hipaa-164.312(b)": {"cwe": ["CWE-1"]}}}"#,
        )
        .unwrap_err();
        assert!(
            error.message().starts_with(
                "invalid configuration at `controls.hipaa-164.312(b).cwe`: unknown field `cwe`"
            ),
            "{error}"
        );
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
