//! The `licenses` built-in: every component's licenses are allowed and none
//! is denied, with SPDX expressions evaluated (`MIT OR GPL-3.0-only` passes
//! an allow list holding MIT; `MIT AND GPL-3.0-only` does not).
//!
//! Several license entries on one component (an SBOM's concluded and
//! declared license, the licenses Trivy found in one package) must all pass:
//! they are read as joined by `AND`, which is what a scanner listing the
//! licenses it found means, and the reading that cannot let a license through.

mod terms;

use glob::Pattern;
use serde::Deserialize;
use spdx::ParseMode;
use std::collections::{BTreeMap, BTreeSet};
use terms::Term;
use verdict_policy_sdk::schemars::JsonSchema;
use verdict_policy_sdk::{
    Component, Context, Descriptor, Error, Evidence, Kind, Outcome, Policy, Severity, Violation,
};

/// The `licenses` policy.
pub struct Licenses;

/// Configuration; see docs/policies/licenses.md.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
#[schemars(crate = "verdict_policy_sdk::schemars")]
pub struct Config {
    /// SPDX license ids (optionally `WITH` an exception) components may be
    /// used under. When set, a component passes only if its expression can
    /// be satisfied with these alone.
    #[serde(default)]
    pub allow: Vec<String>,
    /// SPDX license ids that may not be used; a term of an expression that
    /// names one cannot satisfy it.
    #[serde(default)]
    pub deny: Vec<String>,
    /// The scanner's own license categories that fail (Trivy's `forbidden`,
    /// `restricted`…), whatever the lists say.
    #[serde(default)]
    pub deny_categories: Vec<Category>,
    /// What a component without a license, or with one that is not an SPDX
    /// expression, does: `fail` (default), `warn` (a note) or `pass`.
    #[serde(default)]
    pub unknown: Unknown,
    /// License names that are not SPDX expressions, mapped to one
    /// (`"MIT License" = "MIT"`); matched whole, ignoring case.
    #[serde(default)]
    pub aliases: BTreeMap<String, String>,
    /// Also read common non-SPDX spellings as cargo-deny's lax mode does
    /// (`Apache 2.0`, `GPLv2`, `MIT/Apache-2.0`). Some are guesses
    /// (`BSD` becomes `BSD-2-Clause`), so it is off by default.
    #[serde(default)]
    pub lax: bool,
    /// Per-package exceptions, each with a reason.
    #[serde(default)]
    pub exceptions: Vec<Exception>,
}

/// A package that may use licenses the lists do not allow.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
#[schemars(crate = "verdict_policy_sdk::schemars")]
pub struct Exception {
    /// Package name, a glob (`@company/*`).
    pub name: String,
    /// Only this version; any version when absent.
    #[serde(default)]
    pub version: Option<String>,
    /// Licenses allowed for this package even if denied or not allowed.
    /// Absent: the package is exempt from every rule, unknown licenses included.
    #[serde(default)]
    pub licenses: Option<Vec<String>>,
    /// Why the exception is acceptable.
    #[schemars(length(min = 1))]
    pub reason: String,
}

/// A scanner's license category (Trivy's classification).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
#[schemars(crate = "verdict_policy_sdk::schemars")]
pub enum Category {
    /// Must not be used (AGPL, commercial-use restrictions).
    Forbidden,
    /// Strong copyleft (GPL).
    Restricted,
    /// Weak copyleft (MPL, LGPL).
    Reciprocal,
    /// Permissive with notice (MIT, BSD, Apache).
    Notice,
    /// Permissive without conditions.
    Permissive,
    /// Public domain-like (CC0, Unlicense).
    Unencumbered,
    /// The scanner could not classify it.
    Unknown,
}

impl Category {
    fn as_str(self) -> &'static str {
        match self {
            Category::Forbidden => "forbidden",
            Category::Restricted => "restricted",
            Category::Reciprocal => "reciprocal",
            Category::Notice => "notice",
            Category::Permissive => "permissive",
            Category::Unencumbered => "unencumbered",
            Category::Unknown => "unknown",
        }
    }
}

/// What a component with an unknown license does.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
#[schemars(crate = "verdict_policy_sdk::schemars")]
pub enum Unknown {
    /// A violation (`unknown-license`), as a license outside the allow list.
    #[default]
    Fail,
    /// A note naming the components; the outcome still passes.
    Warn,
    /// Nothing.
    Pass,
}

/// Components named in a note, at most.
const NOTE_NAMES: usize = 10;

impl Policy for Licenses {
    type Config = Config;

    fn describe() -> Descriptor {
        Descriptor {
            name: "licenses".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            description: "Requires every component's licenses to be allowed and none denied, evaluating \
                          SPDX expressions; a component without a readable license fails unless configured."
                .into(),
            consumes: vec![Kind::Components],
            requires: vec![Kind::Components],
            config_schema: verdict_policy_sdk::config_schema::<Config>(),
            controls: vec![],
        }
    }

    fn evaluate(config: Config, _context: &Context, evidence: &Evidence) -> Result<Outcome, Error> {
        let rules = Rules::new(&config)?;
        let mut violations = Vec::new();
        let mut unknown = Vec::new();
        let mut seen = BTreeSet::new();
        let mut used = vec![false; rules.exceptions.len()];
        for component in evidence.components() {
            let key = (
                component.name.clone(),
                component.version.clone(),
                component.licenses.clone(),
                component.license_category.clone(),
            );
            if !seen.insert(key) {
                continue;
            }
            match rules.check(&component, &mut used) {
                Verdict::Pass => {}
                Verdict::Unknown(reason) => match config.unknown {
                    Unknown::Fail => violations.push(
                        violation("unknown-license", &component, reason)
                            .severity(Severity::Medium)
                            .build(),
                    ),
                    Unknown::Warn => unknown.push(format!("`{}`", display_name(&component))),
                    Unknown::Pass => {}
                },
                Verdict::Fail(rule, reason) => {
                    violations.push(violation(rule, &component, reason).build());
                }
            }
        }

        let mut outcome = Outcome::violations(violations);
        if !unknown.is_empty() {
            let more = unknown.len().saturating_sub(NOTE_NAMES);
            outcome.notes.push(format!(
                "{} components have no readable license: {}{}",
                unknown.len(),
                unknown[..unknown.len().min(NOTE_NAMES)].join(", "),
                if more > 0 {
                    format!(" and {more} more")
                } else {
                    String::new()
                }
            ));
        }
        for (exception, used) in config.exceptions.iter().zip(used) {
            if !used {
                outcome.notes.push(format!(
                    "exception for `{}`{} matched no component",
                    exception.name,
                    exception
                        .version
                        .as_deref()
                        .map(|v| format!(" {v}"))
                        .unwrap_or_default()
                ));
            }
        }
        Ok(outcome)
    }
}

/// The configuration, parsed once.
struct Rules<'a> {
    mode: ParseMode,
    allow: Option<Vec<Term>>,
    deny: Vec<Term>,
    deny_categories: &'a [Category],
    aliases: BTreeMap<String, &'a str>,
    exceptions: Vec<ExceptionRule<'a>>,
}

/// An exception, parsed: name pattern, version, licenses (`None`: exempt).
struct ExceptionRule<'a> {
    name: Pattern,
    version: Option<&'a str>,
    licenses: Option<Vec<Term>>,
}

/// What one component comes to.
enum Verdict {
    Pass,
    Unknown(String),
    Fail(&'static str, String),
}

impl<'a> Rules<'a> {
    fn new(config: &'a Config) -> Result<Self, Error> {
        if config.allow.is_empty() && config.deny.is_empty() && config.deny_categories.is_empty() {
            return Err(Error::new(
                "nothing to check: set `allow`, `deny` or `deny-categories`",
            ));
        }
        let mode = terms::mode(config.lax);
        let parse_all = |key: &str, texts: &[String]| -> Result<Vec<Term>, Error> {
            texts
                .iter()
                .map(|text| Term::parse(key, text, mode))
                .collect()
        };
        let mut exceptions = Vec::new();
        for (index, exception) in config.exceptions.iter().enumerate() {
            if exception.reason.trim().is_empty() {
                return Err(Error::new(format!(
                    "`exceptions[{index}].reason`: give the reason for the exception"
                )));
            }
            let pattern = Pattern::new(&exception.name).map_err(|error| {
                Error::new(format!(
                    "`exceptions[{index}].name`: invalid glob `{}`: {}",
                    exception.name, error.msg
                ))
            })?;
            let licenses = exception
                .licenses
                .as_deref()
                .map(|texts| parse_all(&format!("exceptions[{index}].licenses"), texts))
                .transpose()?;
            exceptions.push(ExceptionRule {
                name: pattern,
                version: exception.version.as_deref(),
                licenses,
            });
        }
        let mut aliases = BTreeMap::new();
        for (name, expression) in &config.aliases {
            terms::expression(expression, mode).map_err(|reason| {
                Error::new(format!(
                    "`aliases.{name}`: `{expression}` is not an SPDX expression: {reason}"
                ))
            })?;
            aliases.insert(name.trim().to_lowercase(), expression.as_str());
        }
        Ok(Rules {
            mode,
            allow: (!config.allow.is_empty())
                .then(|| parse_all("allow", &config.allow))
                .transpose()?,
            deny: parse_all("deny", &config.deny)?,
            deny_categories: &config.deny_categories,
            aliases,
            exceptions,
        })
    }

    fn check(&self, component: &Component, used: &mut [bool]) -> Verdict {
        let mut extra: Vec<&Term> = Vec::new();
        for (index, exception) in self.exceptions.iter().enumerate() {
            if exception.name.matches(&component.name)
                && exception
                    .version
                    .is_none_or(|v| component.version.as_deref() == Some(v))
            {
                used[index] = true;
                match &exception.licenses {
                    None => return Verdict::Pass,
                    Some(licenses) => extra.extend(licenses),
                }
            }
        }

        if let Some(category) = component.license_category.as_deref()
            && let Some(denied) = self
                .deny_categories
                .iter()
                .find(|denied| denied.as_str().eq_ignore_ascii_case(category))
            && !self.exception_covers(component, &extra)
        {
            return Verdict::Fail(
                "denied-category",
                format!(
                    "is licensed `{}`, of the denied category `{}`",
                    component.licenses.join("` AND `"),
                    denied.as_str()
                ),
            );
        }

        if component.licenses.is_empty() {
            return Verdict::Unknown("declares no license".into());
        }
        let mut denied = Vec::new();
        let mut not_allowed = Vec::new();
        for entry in &component.licenses {
            let text = self
                .aliases
                .get(&entry.trim().to_lowercase())
                .copied()
                .unwrap_or(entry);
            let expression = match terms::expression(text, self.mode) {
                Ok(expression) => expression,
                Err(reason) => {
                    return Verdict::Unknown(format!(
                        "has license `{entry}`, which is not an SPDX expression ({reason})"
                    ));
                }
            };
            let satisfied = expression.evaluate(|req| {
                if extra.iter().any(|term| term.allows(req)) {
                    return true;
                }
                if self.deny.iter().any(|term| term.names(req)) {
                    denied.push(req.to_string());
                    return false;
                }
                match &self.allow {
                    Some(allow) if !allow.iter().any(|term| term.allows(req)) => {
                        not_allowed.push(req.to_string());
                        false
                    }
                    _ => true,
                }
            });
            if !satisfied {
                let licensed = format!("is licensed `{}`", component.licenses.join("` AND `"));
                return if denied.is_empty() {
                    Verdict::Fail(
                        "not-allowed",
                        format!("{licensed}: `{}` not in `allow`", not_allowed.join("`, `")),
                    )
                } else {
                    Verdict::Fail(
                        "denied",
                        format!("{licensed}: `{}` denied", denied.join("`, `")),
                    )
                };
            }
            denied.clear();
            not_allowed.clear();
        }
        Verdict::Pass
    }

    /// Whether an exception's licenses cover every license of the component,
    /// which lifts a denied category too.
    fn exception_covers(&self, component: &Component, extra: &[&Term]) -> bool {
        !extra.is_empty()
            && !component.licenses.is_empty()
            && component.licenses.iter().all(|entry| {
                terms::expression(entry, self.mode).is_ok_and(|expression| {
                    expression.evaluate(|req| extra.iter().any(|term| term.allows(req)))
                })
            })
    }
}

fn display_name(component: &Component) -> String {
    match component.version.as_deref() {
        Some(version) => format!("{} {version}", component.name),
        None => component.name.clone(),
    }
}

fn violation(
    rule: &str,
    component: &Component,
    reason: String,
) -> verdict_policy_sdk::ViolationBuilder {
    // The subject leaves the version out, so a waiver survives an upgrade,
    // and keeps the licenses in, so it does not survive a relicensing.
    Violation::new(
        rule,
        format!("component `{}` {reason}", display_name(component)),
    )
    .subject(format!(
        "{}\u{0}{}",
        component.name,
        component.licenses.join("\u{0}")
    ))
}

verdict_policy_sdk::export_policy!(Licenses);

#[cfg(test)]
mod tests {
    use super::*;
    use verdict_policy_sdk::{MemoryEvidence, testing};

    fn component(name: &str, licenses: &[&str]) -> Component {
        Component {
            name: name.into(),
            version: Some("1.0.0".into()),
            licenses: licenses.iter().map(|l| (*l).to_owned()).collect(),
            ..Component::default()
        }
    }

    fn evaluate(config: &str, components: Vec<Component>) -> Result<Outcome, Error> {
        let evidence = MemoryEvidence {
            components,
            ..MemoryEvidence::default()
        };
        testing::evaluate::<Licenses>(config, evidence)
    }

    fn rules(outcome: &Outcome) -> Vec<(&str, &str)> {
        outcome
            .violations
            .iter()
            .map(|v| (v.rule.as_str(), v.message.as_str()))
            .collect()
    }

    #[test]
    fn expressions_are_evaluated_against_the_allow_list() {
        let outcome = evaluate(
            r#"{"allow": ["MIT"]}"#,
            vec![
                component("either", &["MIT OR Apache-2.0"]),
                component("both", &["GPL-2.0-only AND MIT"]),
                component("two-entries", &["MIT", "Apache-2.0"]),
            ],
        )
        .unwrap();
        assert_eq!(
            rules(&outcome),
            [
                (
                    "not-allowed",
                    "component `both 1.0.0` is licensed `GPL-2.0-only AND MIT`: `GPL-2.0-only` not in `allow`"
                ),
                (
                    "not-allowed",
                    "component `two-entries 1.0.0` is licensed `MIT` AND `Apache-2.0`: `Apache-2.0` not in `allow`"
                ),
            ]
        );
    }

    #[test]
    fn deny_wins_over_allow_and_catches_deprecated_spellings() {
        let outcome = evaluate(
            r#"{"allow": ["MIT", "GPL-2.0-or-later"], "deny": ["GPL-2.0-only"]}"#,
            vec![
                component("trivy-spelling", &["GPL-2.0"]),
                component("choice", &["GPL-2.0-or-later OR MIT"]),
            ],
        )
        .unwrap();
        assert_eq!(
            rules(&outcome),
            [(
                "denied",
                "component `trivy-spelling 1.0.0` is licensed `GPL-2.0`: `GPL-2.0` denied"
            )]
        );
    }

    #[test]
    fn with_exceptions_follow_the_term() {
        let config = r#"{"allow": ["MIT", "GPL-2.0-only WITH Classpath-exception-2.0"]}"#;
        let outcome = evaluate(
            config,
            vec![
                component("classpath", &["GPL-2.0-only WITH Classpath-exception-2.0"]),
                component("plain", &["GPL-2.0-only"]),
            ],
        )
        .unwrap();
        assert_eq!(
            outcome
                .violations
                .iter()
                .map(|v| &*v.rule)
                .collect::<Vec<_>>(),
            ["not-allowed"]
        );
        assert!(outcome.violations[0].message.contains("`plain 1.0.0`"));
        let outcome = evaluate(
            r#"{"deny": ["GPL-2.0-only"]}"#,
            vec![component(
                "classpath",
                &["GPL-2.0-only WITH Classpath-exception-2.0"],
            )],
        )
        .unwrap();
        assert_eq!(outcome.violations[0].rule, "denied");
    }

    #[test]
    fn unknown_licenses_fail_by_default_and_can_warn_or_pass() {
        let components = || {
            vec![
                component("none", &[]),
                component("prose", &["MIT License"]),
                component("fine", &["MIT"]),
            ]
        };
        let outcome = evaluate(r#"{"allow": ["MIT"]}"#, components()).unwrap();
        assert_eq!(
            rules(&outcome),
            [
                (
                    "unknown-license",
                    "component `none 1.0.0` declares no license"
                ),
                (
                    "unknown-license",
                    "component `prose 1.0.0` has license `MIT License`, which is not an SPDX expression (unknown term)"
                ),
            ]
        );
        let outcome = evaluate(r#"{"allow": ["MIT"], "unknown": "warn"}"#, components()).unwrap();
        assert!(outcome.passed());
        assert_eq!(
            outcome.notes,
            ["2 components have no readable license: `none 1.0.0`, `prose 1.0.0`"]
        );
        let outcome = evaluate(r#"{"allow": ["MIT"], "unknown": "pass"}"#, components()).unwrap();
        assert!(outcome.passed() && outcome.notes.is_empty());
    }

    #[test]
    fn aliases_and_lax_mode_read_non_spdx_names() {
        let config = r#"{"allow": ["MIT", "Apache-2.0"], "aliases": {"mit license": "MIT"}}"#;
        let outcome = evaluate(config, vec![component("prose", &["MIT License"])]).unwrap();
        assert!(outcome.passed(), "{:?}", outcome.violations);
        let config = r#"{"allow": ["MIT", "Apache-2.0"], "lax": true}"#;
        let outcome = evaluate(config, vec![component("slash", &["MIT/Apache-2.0"])]).unwrap();
        assert!(outcome.passed(), "{:?}", outcome.violations);
    }

    #[test]
    fn exceptions_allow_licenses_per_package_and_report_when_stale() {
        let config = r#"{"allow": ["MIT"], "exceptions": [
            {"name": "ring", "licenses": ["OpenSSL"], "reason": "reviewed by legal"},
            {"name": "legacy-*", "version": "2.0.0", "reason": "being replaced"},
            {"name": "gone", "reason": "removed last year"}
        ]}"#;
        let outcome = evaluate(
            config,
            vec![
                component("ring", &["MIT AND OpenSSL"]),
                component("legacy-lib", &[]),
                component("other", &["OpenSSL"]),
            ],
        )
        .unwrap();
        assert_eq!(
            rules(&outcome),
            [
                (
                    "unknown-license",
                    "component `legacy-lib 1.0.0` declares no license"
                ),
                (
                    "not-allowed",
                    "component `other 1.0.0` is licensed `OpenSSL`: `OpenSSL` not in `allow`"
                ),
            ]
        );
        assert_eq!(
            outcome.notes,
            [
                "exception for `legacy-*` 2.0.0 matched no component",
                "exception for `gone` matched no component"
            ]
        );
    }

    #[test]
    fn denied_categories_fail_unless_an_exception_covers_the_licenses() {
        let mut restricted = component("busybox", &["GPL-2.0"]);
        restricted.license_category = Some("restricted".into());
        let mut notice = component("musl", &["MIT"]);
        notice.license_category = Some("notice".into());
        let config = r#"{"deny-categories": ["forbidden", "restricted"]}"#;
        let outcome = evaluate(config, vec![restricted.clone(), notice]).unwrap();
        assert_eq!(
            rules(&outcome),
            [(
                "denied-category",
                "component `busybox 1.0.0` is licensed `GPL-2.0`, of the denied category `restricted`"
            )]
        );
        let config = r#"{"deny-categories": ["restricted"], "exceptions": [
            {"name": "busybox", "licenses": ["GPL-2.0-only"], "reason": "not linked"}]}"#;
        assert!(evaluate(config, vec![restricted]).unwrap().passed());
    }

    #[test]
    fn the_same_component_from_two_reports_counts_once() {
        let outcome = evaluate(
            r#"{"deny": ["GPL-3.0-only"]}"#,
            vec![
                component("x", &["GPL-3.0-or-later"]),
                component("x", &["GPL-3.0-or-later"]),
            ],
        )
        .unwrap();
        assert_eq!(outcome.violations.len(), 1);
    }

    #[test]
    fn fingerprints_survive_upgrades_but_not_relicensing() {
        let config = r#"{"allow": ["MIT"]}"#;
        let first = evaluate(config, vec![component("x", &["GPL-3.0-only"])]).unwrap();
        let mut upgraded = component("x", &["GPL-3.0-only"]);
        upgraded.version = Some("2.0.0".into());
        let second = evaluate(config, vec![upgraded]).unwrap();
        let third = evaluate(config, vec![component("x", &["AGPL-3.0-only"])]).unwrap();
        assert_eq!(
            testing::fingerprints(&first),
            testing::fingerprints(&second)
        );
        assert_ne!(testing::fingerprints(&first), testing::fingerprints(&third));
    }

    #[test]
    fn rejects_bad_configuration_by_field() {
        for (config, expected) in [
            ("{}", "nothing to check"),
            (r#"{"allow": ["MIT OR Apache-2.0"]}"#, "`allow`"),
            (r#"{"deny": ["Not-A-License"]}"#, "`deny`"),
            (
                r#"{"deny-categories": ["copyleft"]}"#,
                "`deny-categories.0`",
            ),
            (r#"{"allow": ["MIT"], "unknown": "error"}"#, "`unknown`"),
            (
                r#"{"allow": ["MIT"], "exceptions": [{"name": "x"}]}"#,
                "reason",
            ),
            (
                r#"{"allow": ["MIT"], "exceptions": [{"name": "x", "reason": " "}]}"#,
                "`exceptions[0].reason`",
            ),
            (
                r#"{"allow": ["MIT"], "aliases": {"MIT License": "MIT Licence"}}"#,
                "`aliases.MIT License`",
            ),
        ] {
            let error = evaluate(config, vec![]).unwrap_err();
            assert!(error.message().contains(expected), "{config}: {error}");
        }
    }
}
