//! What a SARIF result means: a code-scanning finding, a secret, or a
//! vulnerable package. SARIF is only the container; the tool and its rules
//! say what was found.
//!
//! # The decision rule
//!
//! **The tool** (`tool.driver`: `name`, `fullName`, `informationUri`) is
//! - a *secret scanner* when one of them names one: the word `secret` (GitHub
//!   secret scanning, `detect-secrets`, `secretlint`, Trivy's secret
//!   scanner…), or gitleaks, trufflehog, ggshield/GitGuardian, Nosey Parker,
//!   Kingfisher, Talisman, Whispers;
//! - a *dependency scanner* when one of them names Grype, OWASP
//!   dependency-check, govulncheck (`golang.org/x/vuln`), osv-scanner, Snyk
//!   Open Source, retire.js, npm audit, pip-audit, cargo-audit or Dependabot;
//! - *mixed* for Trivy, whose one driver writes vulnerabilities,
//!   misconfigurations and secrets: its rules decide;
//! - otherwise a *code scanner*.
//!
//! **A rule** (`reportingDescriptor`) means
//! - a secret when a tag is `secret`, `secrets`, `security/secret`,
//!   `security/secrets`, `secret-detection` or `secret-scanning`, or its name
//!   is Trivy's `Secret`;
//! - a vulnerable package when its name is Trivy's `OsPackageVulnerability`
//!   or `LanguageSpecificPackageVulnerability`, or it lists `purls`, or it is
//!   tagged `vulnerability` and its help names a `Package:`;
//! - a code-scanning finding when tagged `misconfiguration` or named Trivy's
//!   `Misconfiguration`;
//! - otherwise nothing by itself.
//!
//! **A result** is then, in this order: a secret when the tool is a secret
//! scanner (no rule can turn a secret scanner's result into anything else,
//! since scanned repositories may configure rules); a secret when its rule
//! means one; a vulnerable package or a finding when its rule means one; a
//! vulnerable package when the tool is a dependency scanner; else a finding.
//! Tags are compared whole and case-insensitively: a code scanner's rule
//! tagged `HardcodedSecret` (Snyk Code) stays a finding.
//!
//! **A run speaks for** the kind of its tool (secrets, vulnerabilities, or
//! findings; nothing for a mixed tool), the kinds its rules mean, and the
//! kinds of the records it produced, so a secret scanner's run with no
//! results still says "a secret scan ran".

use super::model::{ReportingDescriptor, ToolComponent};
use verdict_evidence::Kind;

/// What a result stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Meaning {
    /// A code-scanning finding.
    Finding,
    /// A secret.
    Secret,
    /// An advisory on a package.
    Vulnerability,
}

impl Meaning {
    /// The evidence kind records of this meaning belong to.
    pub fn kind(self) -> Kind {
        match self {
            Meaning::Finding => Kind::Findings,
            Meaning::Secret => Kind::Secrets,
            Meaning::Vulnerability => Kind::Vulnerabilities,
        }
    }
}

/// What the tool of a run is (see the module docs).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(super) enum ToolMeaning {
    /// A code scanner, or a tool verdict does not recognise.
    #[default]
    Code,
    /// A secret scanner.
    Secrets,
    /// A dependency (software composition) scanner.
    Dependencies,
    /// One driver for several scanners (Trivy): its rules decide.
    Mixed,
}

impl ToolMeaning {
    /// The kind a run of this tool speaks for even with no results.
    pub fn kind(self) -> Option<Kind> {
        match self {
            ToolMeaning::Code => Some(Kind::Findings),
            ToolMeaning::Secrets => Some(Kind::Secrets),
            ToolMeaning::Dependencies => Some(Kind::Vulnerabilities),
            ToolMeaning::Mixed => None,
        }
    }
}

/// Words in a tool's name, full name or information URI that make it a
/// secret scanner.
const SECRET_SCANNERS: &[&str] = &[
    "secret",
    "gitleaks",
    "trufflehog",
    "ggshield",
    "gitguardian",
    "noseyparker",
    "nosey parker",
    "kingfisher",
    "talisman",
    "whispers",
];

/// Words that make a tool a dependency scanner.
const DEPENDENCY_SCANNERS: &[&str] = &[
    "grype",
    "dependency-check",
    "dependencycheck",
    "govulncheck",
    "golang.org/x/vuln",
    "osv-scanner",
    "snyk open source",
    "retire.js",
    "retirejs",
    "npm audit",
    "pip-audit",
    "cargo-audit",
    "dependabot",
];

/// Tools whose one driver writes several kinds.
const MIXED_SCANNERS: &[&str] = &["trivy"];

/// Classifies a run's tool from its driver.
pub(super) fn tool_meaning(driver: &ToolComponent<'_>) -> ToolMeaning {
    let identity: Vec<String> = [&driver.name, &driver.full_name, &driver.information_uri]
        .into_iter()
        .flatten()
        .map(|text| text.to_ascii_lowercase())
        .collect();
    let names = |words: &[&str]| {
        identity
            .iter()
            .any(|text| words.iter().any(|word| text.contains(word)))
    };
    // Secret scanners first: a false "code scanner" would hide secrets.
    if names(SECRET_SCANNERS) {
        ToolMeaning::Secrets
    } else if names(MIXED_SCANNERS) {
        ToolMeaning::Mixed
    } else if names(DEPENDENCY_SCANNERS) {
        ToolMeaning::Dependencies
    } else {
        ToolMeaning::Code
    }
}

/// Tags that make a rule a secret rule.
const SECRET_TAGS: &[&str] = &[
    "secret",
    "secrets",
    "security/secret",
    "security/secrets",
    "secret-detection",
    "secret-scanning",
];

/// What a rule means by itself, if anything (see the module docs).
pub(super) fn rule_meaning(descriptor: &ReportingDescriptor<'_>) -> Option<Meaning> {
    let properties = descriptor.properties.as_ref();
    let has_tag = |wanted: &[&str]| {
        properties
            .and_then(|p| p.tags.as_ref())
            .into_iter()
            .flatten()
            .any(|tag| wanted.iter().any(|w| tag.trim().eq_ignore_ascii_case(w)))
    };
    let name = descriptor.name.as_deref().unwrap_or("");
    if has_tag(SECRET_TAGS) || name == "Secret" {
        return Some(Meaning::Secret);
    }
    let lists_purls = properties
        .and_then(|p| p.purls.as_ref())
        .is_some_and(|purls| purls.0.iter().any(|purl| purl.text().is_some()));
    let help_names_package = descriptor
        .help
        .as_ref()
        .and_then(|help| help.text.as_deref().or(help.markdown.as_deref()))
        .is_some_and(|text| text.contains("Package:") || text.contains("| Package |"));
    if matches!(
        name,
        "OsPackageVulnerability" | "LanguageSpecificPackageVulnerability"
    ) || lists_purls
        || (has_tag(&["vulnerability"]) && help_names_package)
    {
        return Some(Meaning::Vulnerability);
    }
    if has_tag(&["misconfiguration"]) || name == "Misconfiguration" {
        return Some(Meaning::Finding);
    }
    None
}

/// What a result of a rule with meaning `rule` means under `tool`.
pub(super) fn result_meaning(tool: ToolMeaning, rule: Option<Meaning>) -> Meaning {
    match (tool, rule) {
        (ToolMeaning::Secrets, _) => Meaning::Secret,
        (_, Some(meaning)) => meaning,
        (ToolMeaning::Dependencies, None) => Meaning::Vulnerability,
        (ToolMeaning::Code | ToolMeaning::Mixed, None) => Meaning::Finding,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn driver(json: &str) -> ToolComponent<'_> {
        serde_json::from_str(json).unwrap()
    }

    fn rule(json: &str) -> ReportingDescriptor<'_> {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn tools_are_classified_by_name_full_name_and_information_uri() {
        let cases = [
            (r#"{"name":"Gitleaks"}"#, ToolMeaning::Secrets),
            (
                r#"{"name":"scanner","informationUri":"https://github.com/gitleaks/gitleaks"}"#,
                ToolMeaning::Secrets,
            ),
            (r#"{"name":"GitHub Secret Scanning"}"#, ToolMeaning::Secrets),
            (
                r#"{"name":"Trivy","fullName":"Trivy Vulnerability Scanner"}"#,
                ToolMeaning::Mixed,
            ),
            (r#"{"name":"Grype"}"#, ToolMeaning::Dependencies),
            (
                r#"{"name":"x","informationUri":"https://pkg.go.dev/golang.org/x/vuln/cmd/govulncheck"}"#,
                ToolMeaning::Dependencies,
            ),
            (r#"{"name":"CodeQL"}"#, ToolMeaning::Code),
            (r#"{}"#, ToolMeaning::Code),
        ];
        for (json, expected) in cases {
            assert_eq!(tool_meaning(&driver(json)), expected, "{json}");
        }
    }

    #[test]
    fn rules_are_classified_by_tags_and_names_whole_words_only() {
        let cases = [
            (
                r#"{"properties":{"tags":["Secret","security"]}}"#,
                Some(Meaning::Secret),
            ),
            (r#"{"name":"Secret"}"#, Some(Meaning::Secret)),
            (r#"{"properties":{"tags":["HardcodedSecret"]}}"#, None),
            (
                r#"{"name":"OsPackageVulnerability"}"#,
                Some(Meaning::Vulnerability),
            ),
            (
                r#"{"properties":{"purls":["pkg:npm/a@1"]}}"#,
                Some(Meaning::Vulnerability),
            ),
            (
                r#"{"help":{"text":"Package: a"},"properties":{"tags":["vulnerability"]}}"#,
                Some(Meaning::Vulnerability),
            ),
            (r#"{"properties":{"tags":["vulnerability"]}}"#, None),
            (
                r#"{"name":"Misconfiguration","properties":{"tags":["misconfiguration"]}}"#,
                Some(Meaning::Finding),
            ),
        ];
        for (json, expected) in cases {
            assert_eq!(rule_meaning(&rule(json)), expected, "{json}");
        }
    }

    #[test]
    fn a_secret_scanner_s_results_are_secrets_whatever_its_rules_say() {
        assert_eq!(
            result_meaning(ToolMeaning::Secrets, Some(Meaning::Finding)),
            Meaning::Secret
        );
        assert_eq!(
            result_meaning(ToolMeaning::Code, Some(Meaning::Secret)),
            Meaning::Secret
        );
        assert_eq!(
            result_meaning(ToolMeaning::Dependencies, Some(Meaning::Finding)),
            Meaning::Finding
        );
        assert_eq!(
            result_meaning(ToolMeaning::Dependencies, None),
            Meaning::Vulnerability
        );
        assert_eq!(result_meaning(ToolMeaning::Mixed, None), Meaning::Finding);
    }
}
