//! The `vulnerabilities` built-in: no known vulnerable dependency above a
//! severity or CVSS score, except advisories ignored with a reason.

mod group;
mod ignore;

use group::Group;
use ignore::{Ignore, Ignores};
use serde::Deserialize;
use std::collections::BTreeSet;
use verdict_policy_sdk::schemars::JsonSchema;
use verdict_policy_sdk::{
    AdvisoryKind, Context, Descriptor, Error, Evidence, Filter, Kind, Location, Outcome,
    PathMatcher, Policy, Severity, Violation, Vulnerability,
};

/// The `vulnerabilities` policy.
pub struct Vulnerabilities;

/// Configuration of the `vulnerabilities` policy (docs/policies/vulnerabilities.md).
/// An advisory fails when every condition given holds: severity at or above
/// `fail-on`, CVSS score at or above `cvss`, a fix known (`only-fixable`),
/// an ecosystem, package and kind in scope, and no `ignore` entry applies.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
#[schemars(crate = "verdict_policy_sdk::schemars")]
pub struct Config {
    /// Fail on advisories at or above this severity (default: `info`, so any
    /// advisory fails). Not with `max-severity`.
    #[serde(default)]
    pub fail_on: Option<Severity>,
    /// The highest severity allowed; anything above fails. Not with `fail-on`.
    #[serde(default)]
    pub max_severity: Option<Severity>,
    /// The lowest CVSS base score that fails (0–10). Advisories the tool gave
    /// no score are judged by severity alone.
    #[serde(default)]
    #[schemars(range(min = 0.0, max = 10.0))]
    pub cvss: Option<f64>,
    /// Fail only on advisories that name a fixed version.
    #[serde(default)]
    pub only_fixable: bool,
    /// Only these ecosystems count (OSV spelling: `PyPI`, `npm`, `crates.io`,
    /// `Go`, `Maven`, `alpine`, `debian`…; compared without regard to case).
    /// Advisories whose tool names no ecosystem still count. Default: all.
    #[serde(default)]
    pub ecosystems: Vec<String>,
    /// Only packages whose name matches one of these globs count (`django`,
    /// `@angular/*`, `github.com/**`). Default: all.
    #[serde(default)]
    pub packages: Vec<String>,
    /// Advisory kinds that count (default: `vulnerability` and `malicious`);
    /// informational kinds (unmaintained, unsound, yanked, withdrawn) are
    /// skipped unless listed.
    #[serde(default = "default_kinds")]
    pub kinds: Vec<AdvisoryKind>,
    /// How to treat advisories whose tool gave no severity; unset, they fail
    /// every threshold.
    #[serde(default)]
    pub unknown_severity: Option<Severity>,
    /// Advisories accepted, each with a reason and optionally an expiry date.
    #[serde(default)]
    pub ignore: Vec<Ignore>,
}

fn default_kinds() -> Vec<AdvisoryKind> {
    vec![AdvisoryKind::Vulnerability, AdvisoryKind::Malicious]
}

impl Policy for Vulnerabilities {
    type Config = Config;

    fn describe() -> Descriptor {
        Descriptor {
            name: "vulnerabilities".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            description: "Fails on known vulnerabilities in dependencies at or above a severity or CVSS score, \
                          except advisories ignored with a reason. The same advisory reported by several tools \
                          or under aliases counts once. By default any vulnerability fails."
                .into(),
            consumes: vec![Kind::Vulnerabilities],
            requires: vec![Kind::Vulnerabilities],
            config_schema: verdict_policy_sdk::config_schema::<Config>(),
            controls: vec![],
        }
    }

    fn evaluate(config: Config, context: &Context, evidence: &Evidence) -> Result<Outcome, Error> {
        let threshold = threshold(&config)?;
        if let Some(cvss) = config.cvss
            && !(0.0..=10.0).contains(&cvss)
        {
            return Err(Error::new(format!(
                "invalid configuration at `cvss`: {cvss} is not a CVSS score between 0 and 10"
            )));
        }
        let packages = PathMatcher::new(&config.packages)
            .map_err(|e| Error::new(format!("invalid configuration at `packages`: {e}")))?;
        let today = ignore::date_of(&context.now)
            .ok_or_else(|| Error::new(format!("the run's time `{}` is not a date", context.now)))?;
        let mut ignores = Ignores::new(&config.ignore, today)?;

        // Everything in scope is read (not only what is above the threshold),
        // so that `ignore` entries matching low advisories are not "stale".
        let in_scope = evidence
            .vulnerabilities(Filter::default())
            .filter(|v| config.kinds.contains(&v.kind))
            .filter(|v| in_ecosystems(&config.ecosystems, v))
            .filter(|v| packages.is_empty() || packages.is_match(&v.package));
        // The same record twice (one report given twice) is one record.
        let mut seen = BTreeSet::new();
        let records = in_scope.filter(|v| seen.insert(v.fingerprint.clone()));
        let mut outcome = Outcome::pass();
        for group in group::group(records) {
            if ignores.applies(&group.ids) {
                continue;
            }
            let severity = group
                .members
                .iter()
                .map(|v| v.severity.or_assume(config.unknown_severity))
                .max()
                .unwrap_or(Severity::Unknown);
            let score = group
                .members
                .iter()
                .filter_map(|v| v.cvss_score)
                .reduce(f64::max);
            let fixable = group.members.iter().any(|v| !v.fixed_versions.is_empty());
            if severity < threshold
                || config
                    .cvss
                    .is_some_and(|min| score.is_some_and(|score| score < min))
                || (config.only_fixable && !fixable)
            {
                continue;
            }
            outcome.push(violation(&group, severity));
        }
        outcome.notes = ignores.notes();
        Ok(outcome)
    }
}

/// The lowest failing severity.
fn threshold(config: &Config) -> Result<Severity, Error> {
    match (config.fail_on, config.max_severity) {
        (Some(_), Some(_)) => Err(Error::new(
            "invalid configuration: set `fail-on` or `max-severity`, not both",
        )),
        (Some(fail_on), None) => Ok(fail_on),
        // Above `critical` there is only `unknown`: `max-severity = "critical"`
        // fails only on advisories whose severity no tool gave.
        (None, Some(max)) => Severity::ALL
            .into_iter()
            .find(|severity| *severity > max)
            .ok_or_else(|| {
                Error::new("invalid configuration at `max-severity`: nothing is above it")
            }),
        (None, None) => Ok(Severity::Info),
    }
}

fn in_ecosystems(ecosystems: &[String], vulnerability: &Vulnerability) -> bool {
    ecosystems.is_empty()
        || vulnerability.ecosystem.as_deref().is_none_or(|ecosystem| {
            ecosystems
                .iter()
                .any(|wanted| wanted.trim().eq_ignore_ascii_case(ecosystem))
        })
}

fn violation(group: &Group, severity: Severity) -> Violation {
    let first = &group.members[0];
    let version = first.version.as_deref().unwrap_or("(unknown version)");
    let kind = match first.kind {
        AdvisoryKind::Vulnerability => String::new(),
        other => format!(", {other}"),
    };
    let mut message = format!(
        "`{}` {version} is affected by {}",
        first.package,
        group.primary_id()
    );
    let others = group.other_ids();
    if !others.is_empty() {
        message.push_str(&format!(" (also {})", others.join(", ")));
    }
    message.push_str(&format!(" ({severity}{kind})"));
    if let Some(title) = group.members.iter().find_map(|v| v.title.as_deref()) {
        message.push_str(": ");
        message.push_str(title);
    }
    let mut fixed: Vec<&str> = Vec::new();
    for version in group.members.iter().flat_map(|v| &v.fixed_versions) {
        if !fixed.contains(&version.as_str()) {
            fixed.push(version);
        }
    }
    if !fixed.is_empty() {
        message.push_str(&format!("; fixed in {}", fixed.join(", ")));
    }
    message.push_str(&format!("; reported by {}", group.tools().join(", ")));
    // One record keeps its own fingerprint; an advisory several records
    // report gets one from package, version and the id shown.
    let fingerprint = if group.members.len() == 1 {
        first.fingerprint.clone()
    } else {
        verdict_policy_sdk::fingerprint(
            "vulnerability",
            &format!(
                "{}@{version} {}",
                first.package.to_lowercase(),
                group.primary_id().to_ascii_uppercase()
            ),
        )
    };
    Violation::new("vulnerability", message)
        .severity(severity)
        .location(
            group
                .members
                .iter()
                .find_map(|v| v.target.clone())
                .map(Location::file),
        )
        .fingerprint(fingerprint)
        .advisories(group.ids.iter().cloned())
        .build()
}

verdict_policy_sdk::export_policy!(Vulnerabilities);

#[cfg(test)]
mod tests {
    use super::*;
    use verdict_policy_sdk::{MemoryEvidence, testing};

    fn vulnerability(id: &str, alias: &str, severity: Severity, fixed: &[&str]) -> Vulnerability {
        Vulnerability {
            source: 0,
            tool: "cargo-audit".into(),
            id: id.into(),
            aliases: vec![alias.into()],
            ecosystem: Some("crates.io".into()),
            package: format!("pkg-{id}"),
            version: Some("1.0.0".into()),
            fixed_versions: fixed.iter().map(|s| s.to_string()).collect(),
            kind: AdvisoryKind::Vulnerability,
            severity,
            cvss_score: None,
            title: Some("bad thing".into()),
            target: Some("Cargo.lock".into()),
            fingerprint: format!("fp-{id}"),
            cwes: vec![],
        }
    }

    fn evidence() -> MemoryEvidence {
        MemoryEvidence {
            vulnerabilities: vec![
                vulnerability("A-1", "CVE-1", Severity::Critical, &["1.0.1"]),
                vulnerability("A-2", "CVE-2", Severity::Medium, &[]),
                vulnerability("A-3", "CVE-3", Severity::Low, &["2.0.0"]),
                vulnerability("A-1", "CVE-1", Severity::Critical, &["1.0.1"]),
            ],
            ..MemoryEvidence::default()
        }
    }

    #[test]
    fn any_vulnerability_fails_by_default_once_per_fingerprint() {
        let outcome = testing::evaluate::<Vulnerabilities>("{}", evidence()).unwrap();
        assert_eq!(
            testing::fingerprints(&outcome),
            ["fp-A-1", "fp-A-2", "fp-A-3"]
        );
        assert_eq!(
            outcome.violations[0].message,
            "`pkg-A-1` 1.0.0 is affected by A-1 (critical): bad thing; fixed in 1.0.1; reported by cargo-audit"
        );
    }

    #[test]
    fn max_severity_allows_up_to_and_including_it() {
        let outcome =
            testing::evaluate::<Vulnerabilities>(r#"{"max-severity": "medium"}"#, evidence())
                .unwrap();
        assert_eq!(testing::fingerprints(&outcome), ["fp-A-1"]);
    }

    #[test]
    fn unknown_severity_fails_every_threshold_unless_mapped() {
        let mut evidence = evidence();
        evidence.vulnerabilities.push(Vulnerability {
            fingerprint: "fp-U".into(),
            ..vulnerability("U-1", "CVE-9", Severity::Unknown, &[])
        });
        let outcome =
            testing::evaluate::<Vulnerabilities>(r#"{"fail-on": "critical"}"#, evidence.clone())
                .unwrap();
        assert_eq!(testing::fingerprints(&outcome), ["fp-A-1", "fp-U"]);
        let outcome = testing::evaluate::<Vulnerabilities>(
            r#"{"fail-on": "critical", "unknown-severity": "medium"}"#,
            evidence.clone(),
        )
        .unwrap();
        assert_eq!(testing::fingerprints(&outcome), ["fp-A-1"]);
        let outcome =
            testing::evaluate::<Vulnerabilities>(r#"{"max-severity": "critical"}"#, evidence)
                .unwrap();
        assert_eq!(testing::fingerprints(&outcome), ["fp-U"]);
    }

    #[test]
    fn informational_kinds_are_skipped_unless_listed() {
        let evidence = MemoryEvidence {
            vulnerabilities: vec![
                Vulnerability {
                    kind: AdvisoryKind::Unmaintained,
                    ..vulnerability("I-1", "", Severity::Unknown, &[])
                },
                Vulnerability {
                    kind: AdvisoryKind::Malicious,
                    ..vulnerability("MAL-1", "", Severity::Critical, &[])
                },
            ],
            ..MemoryEvidence::default()
        };
        let outcome = testing::evaluate::<Vulnerabilities>("{}", evidence.clone()).unwrap();
        assert_eq!(testing::fingerprints(&outcome), ["fp-MAL-1"]);
        let outcome =
            testing::evaluate::<Vulnerabilities>(r#"{"kinds": ["unmaintained"]}"#, evidence)
                .unwrap();
        assert_eq!(testing::fingerprints(&outcome), ["fp-I-1"]);
        assert!(
            outcome.violations[0]
                .message
                .contains("unknown, unmaintained")
        );
    }

    #[test]
    fn ignore_matches_ids_and_aliases() {
        let config = r#"{"fail-on": "low", "ignore": [{"id": "cve-1", "reason": "not reachable"}, {"id": "A-3", "reason": "dev only"}]}"#;
        let outcome = testing::evaluate::<Vulnerabilities>(config, evidence()).unwrap();
        assert_eq!(testing::fingerprints(&outcome), ["fp-A-2"]);
    }

    #[test]
    fn only_fixable_skips_vulnerabilities_without_a_fix() {
        let outcome =
            testing::evaluate::<Vulnerabilities>(r#"{"only-fixable": true}"#, evidence()).unwrap();
        assert_eq!(testing::fingerprints(&outcome), ["fp-A-1", "fp-A-3"]);
    }

    #[test]
    fn cvss_fails_at_or_above_the_score_and_unscored_advisories_by_severity() {
        let mut evidence = evidence();
        evidence.vulnerabilities[0].cvss_score = Some(9.8);
        evidence.vulnerabilities[3].cvss_score = Some(9.8);
        evidence.vulnerabilities[1].cvss_score = Some(6.9);
        let outcome =
            testing::evaluate::<Vulnerabilities>(r#"{"cvss": 7.0}"#, evidence.clone()).unwrap();
        assert_eq!(testing::fingerprints(&outcome), ["fp-A-1", "fp-A-3"]);
        let outcome =
            testing::evaluate::<Vulnerabilities>(r#"{"cvss": 7.0, "fail-on": "medium"}"#, evidence)
                .unwrap();
        assert_eq!(testing::fingerprints(&outcome), ["fp-A-1"]);
    }

    #[test]
    fn ecosystems_and_packages_narrow_the_scope() {
        let mut evidence = evidence();
        evidence.vulnerabilities[1].ecosystem = Some("PyPI".into());
        evidence.vulnerabilities[2].ecosystem = None;
        let outcome =
            testing::evaluate::<Vulnerabilities>(r#"{"ecosystems": ["pypi"]}"#, evidence.clone())
                .unwrap();
        // A-3 names no ecosystem: it still counts (fail closed).
        assert_eq!(testing::fingerprints(&outcome), ["fp-A-2", "fp-A-3"]);
        let outcome =
            testing::evaluate::<Vulnerabilities>(r#"{"packages": ["pkg-A-[12]"]}"#, evidence)
                .unwrap();
        assert_eq!(testing::fingerprints(&outcome), ["fp-A-1", "fp-A-2"]);
    }

    #[test]
    fn expired_ignore_entries_no_longer_apply_and_stale_ones_are_noted() {
        // testing::context() runs on 2026-01-01.
        let config = r#"{"ignore": [
            {"id": "A-1", "reason": "until the upgrade", "expires": "2025-12-31"},
            {"id": "A-2", "reason": "through new year's day", "expires": "2026-01-01"},
            {"id": "GHSA-gone", "reason": "fixed long ago"}
        ]}"#;
        let outcome = testing::evaluate::<Vulnerabilities>(config, evidence()).unwrap();
        assert_eq!(testing::fingerprints(&outcome), ["fp-A-1", "fp-A-3"]);
        assert_eq!(
            outcome.notes,
            [
                "ignore entry `A-1` expired on 2025-12-31: it no longer applies",
                "ignore entry `GHSA-gone` is stale: no vulnerability in the evidence has that id or alias"
            ]
        );
        let error = testing::evaluate::<Vulnerabilities>(
            r#"{"ignore": [{"id": "A-1", "reason": "r", "expires": "soon"}]}"#,
            evidence(),
        )
        .unwrap_err();
        assert!(error.message().contains("`ignore[0].expires`"), "{error}");
    }

    #[test]
    fn one_advisory_from_several_tools_or_aliases_counts_once() {
        let trivy = Vulnerability {
            tool: "trivy".into(),
            id: "CVE-2023-1".into(),
            aliases: vec![],
            package: "Django".into(),
            severity: Severity::High,
            fingerprint: "fp-trivy".into(),
            ..vulnerability("x", "", Severity::High, &["4.2.1"])
        };
        let osv = Vulnerability {
            tool: "osv-scanner".into(),
            id: "GHSA-aaaa".into(),
            aliases: vec!["cve-2023-1".into(), "PYSEC-2023-9".into()],
            package: "django".into(),
            severity: Severity::Critical,
            fingerprint: "fp-osv".into(),
            ..vulnerability("y", "", Severity::Critical, &["4.2.2"])
        };
        let pip_audit = Vulnerability {
            tool: "pip-audit".into(),
            id: "PYSEC-2023-9".into(),
            aliases: vec![],
            package: "django".into(),
            fingerprint: "fp-pip".into(),
            ..vulnerability("z", "", Severity::Unknown, &[])
        };
        let other_version = Vulnerability {
            version: Some("3.2.0".into()),
            fingerprint: "fp-old".into(),
            ..pip_audit.clone()
        };
        let evidence = MemoryEvidence {
            vulnerabilities: vec![trivy, osv, pip_audit, other_version],
            ..MemoryEvidence::default()
        };
        let outcome = testing::evaluate::<Vulnerabilities>(
            r#"{"unknown-severity": "low"}"#,
            evidence.clone(),
        )
        .unwrap();
        assert_eq!(outcome.violations.len(), 2);
        assert_eq!(
            outcome.violations[0].message,
            "`Django` 1.0.0 is affected by CVE-2023-1 (also GHSA-aaaa, PYSEC-2023-9) (critical): \
             bad thing; fixed in 4.2.1, 4.2.2; reported by trivy, osv-scanner, pip-audit"
        );
        assert_eq!(outcome.violations[0].severity, Severity::Critical);
        assert_eq!(
            outcome.violations[0].fingerprint,
            verdict_policy_sdk::fingerprint("vulnerability", "django@1.0.0 CVE-2023-1")
        );
        assert_eq!(outcome.violations[1].fingerprint, "fp-old");
        // An ignore entry naming any id of the group ignores all of it.
        let outcome = testing::evaluate::<Vulnerabilities>(
            r#"{"ignore": [{"id": "PYSEC-2023-9", "reason": "not reachable"}]}"#,
            evidence,
        )
        .unwrap();
        assert!(outcome.passed() && outcome.notes.is_empty());
    }

    #[test]
    fn rejects_bad_configuration_by_field() {
        let cases = [
            (r#"{"fail-on": "severe"}"#, "`fail-on`"),
            (
                r#"{"fail-on": "high", "max-severity": "low"}"#,
                "max-severity",
            ),
            (r#"{"ignore": [{"id": "A-1"}]}"#, "reason"),
            (
                r#"{"ignore": [{"id": "A-1", "reason": " "}]}"#,
                "`ignore[0]`",
            ),
            (r#"{"only_fixable": true}"#, "only_fixable"),
            (r#"{"cvss": 11}"#, "`cvss`"),
            (r#"{"packages": ["[x"]}"#, "`packages`"),
            (
                r#"{"ignore": [{"id": "A-1", "reason": "r", "until": "2026-01-01"}]}"#,
                "until",
            ),
        ];
        for (config, expected) in cases {
            let error = testing::evaluate::<Vulnerabilities>(config, evidence()).unwrap_err();
            assert!(error.message().contains(expected), "{config}: {error}");
        }
    }
}
