//! The `promotion` built-in: a version reaches an environment only after the
//! stages before it, as the repository's tags record (`build-{version}`,
//! `qa-{version}` at the commit being deployed).

use std::collections::BTreeMap;

use serde::Deserialize;
use verdict_policy_sdk::schemars::JsonSchema;
use verdict_policy_sdk::{
    Context, Descriptor, Error, Evidence, Kind, Outcome, Policy, Severity, Tag, Violation,
};

/// The `promotion` policy.
pub struct Promotion;

/// The placeholder a pattern may hold, replaced by the run's version.
const VERSION: &str = "{version}";

/// The source format of a repository given with `--repo`.
const GIT: &str = "git";

/// Configuration of the `promotion` policy (docs/policies/promotion.md).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
#[schemars(crate = "verdict_policy_sdk::schemars")]
pub struct Config {
    /// What each environment requires. Every rule that applies to the run's
    /// environment is checked; a run no rule applies to passes with a note.
    #[schemars(length(min = 1))]
    pub rules: Vec<Rule>,
}

/// One rule: the tags a deployment to some environments requires.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
#[schemars(crate = "verdict_policy_sdk::schemars")]
pub struct Rule {
    /// The environments (`--env`) the rule applies to, exactly. Omitted: every
    /// run, with or without an environment.
    #[serde(default)]
    #[schemars(length(min = 1))]
    pub environments: Option<Vec<String>>,
    /// Tag names that must exist and point at the deployed commit.
    /// `{version}` is replaced by the run's `--version`, literally: the whole
    /// tag name must match, so `qa-1.2.30` never satisfies `qa-{version}` for
    /// version `1.2.3`.
    #[schemars(length(min = 1))]
    pub require: Vec<String>,
}

impl Rule {
    fn applies_to(&self, environment: Option<&str>) -> bool {
        match &self.environments {
            None => true,
            Some(environments) => environment
                .is_some_and(|environment| environments.iter().any(|listed| listed == environment)),
        }
    }
}

/// Checks every pattern: `{version}` is the only placeholder.
fn check_patterns(config: &Config) -> Result<(), Error> {
    for (index, rule) in config.rules.iter().enumerate() {
        for (position, pattern) in rule.require.iter().enumerate() {
            let rest = pattern.replace(VERSION, "");
            if pattern.trim().is_empty() || rest.contains(['{', '}']) {
                return Err(Error::new(format!(
                    "invalid configuration at `rules[{index}].require[{position}]`: `{pattern}` is not a tag pattern (hint: the only placeholder is `{VERSION}`)"
                )));
            }
        }
    }
    Ok(())
}

/// The commit being deployed: the head commit of the repository given with
/// `--repo` (its source's `sha256` holds the commit id).
fn deployed_commit(evidence: &Evidence) -> Result<String, Error> {
    let mut heads: Vec<String> = evidence
        .sources()
        .into_iter()
        .filter(|source| source.format == GIT)
        .map(|source| source.sha256.to_ascii_lowercase())
        .collect();
    heads.sort();
    heads.dedup();
    match heads.as_slice() {
        [head] if !head.is_empty() => Ok(head.clone()),
        [] | [_] => Err(Error::new(
            "no repository among the inputs: pass `--repo DIR` so the commit being deployed is known",
        )),
        _ => Err(Error::new(
            "more than one repository among the inputs: the commit being deployed is ambiguous",
        )),
    }
}

impl Policy for Promotion {
    type Config = Config;

    fn describe() -> Descriptor {
        Descriptor {
            name: "promotion".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            description: "Deploying a version to an environment requires the tags of the earlier stages \
                          (`build-{version}`, `qa-{version}`…) to exist and point at the commit being \
                          deployed, per environment."
                .into(),
            consumes: vec![Kind::Tags],
            requires: vec![Kind::Tags],
            config_schema: verdict_policy_sdk::config_schema::<Config>(),
            controls: vec![],
        }
    }

    fn evaluate(config: Config, context: &Context, evidence: &Evidence) -> Result<Outcome, Error> {
        check_patterns(&config)?;
        let environment = context.environment.as_deref();
        let rules: Vec<&Rule> = config
            .rules
            .iter()
            .filter(|rule| rule.applies_to(environment))
            .collect();
        if rules.is_empty() {
            let mut outcome = Outcome::pass();
            outcome.notes.push(match environment {
                Some(environment) => {
                    format!("no promotion rule applies to environment `{environment}`")
                }
                None => "no promotion rule applies to a run without an environment".to_owned(),
            });
            return Ok(outcome);
        }
        let version = context
            .version
            .as_deref()
            .filter(|version| !version.trim().is_empty());
        let mut required: Vec<String> = Vec::new();
        for pattern in rules.iter().flat_map(|rule| &rule.require) {
            let name = match version {
                Some(version) => pattern.replace(VERSION, version),
                None if pattern.contains(VERSION) => {
                    return Err(Error::new(format!(
                        "the run has no version, and `{pattern}` needs one (required to deploy{}): pass `--version V` (or set VERDICT_VERSION)",
                        for_environment(environment)
                    )));
                }
                None => pattern.clone(),
            };
            if !required.contains(&name) {
                required.push(name);
            }
        }
        let head = deployed_commit(evidence)?;
        let tags: BTreeMap<String, Tag> = evidence
            .tags()
            .filter(|tag| required.contains(&tag.name))
            .map(|tag| (tag.name.clone(), tag))
            .collect();
        let violations = required
            .iter()
            .filter_map(|name| match tags.get(name) {
                None => Some(
                    Violation::new(
                        "missing-tag",
                        format!(
                            "tag `{name}` does not exist: it is required to deploy{}",
                            for_environment(environment)
                        ),
                    )
                    .severity(Severity::High)
                    .subject(format!("{name}@{head}"))
                    .build(),
                ),
                Some(tag) if !tag.commit.eq_ignore_ascii_case(&head) => Some(
                    Violation::new(
                        "tag-on-another-commit",
                        format!(
                            "tag `{name}` points at commit {}, not at the commit being deployed ({}): it is required to deploy{}",
                            short(&tag.commit),
                            short(&head),
                            for_environment(environment)
                        ),
                    )
                    .severity(Severity::High)
                    .subject(format!("{name}@{head}"))
                    .build(),
                ),
                Some(_) => None,
            })
            .collect();
        Ok(Outcome::violations(violations))
    }
}

fn for_environment(environment: Option<&str>) -> String {
    environment
        .map(|environment| format!(" to `{environment}`"))
        .unwrap_or_default()
}

fn short(commit: &str) -> &str {
    commit.get(..12).unwrap_or(commit)
}

verdict_policy_sdk::export_policy!(Promotion);

#[cfg(test)]
mod tests {
    use super::*;
    use verdict_policy_sdk::{MemoryEvidence, Source, testing};

    const HEAD: &str = "1111111111111111111111111111111111111111";
    const OTHER: &str = "2222222222222222222222222222222222222222";

    const CONFIG: &str = r#"{"rules": [
        {"environments": ["qa"], "require": ["build-{version}"]},
        {"environments": ["production"], "require": ["build-{version}", "qa-{version}"]}
    ]}"#;

    fn tag(name: &str, commit: &str) -> Tag {
        Tag {
            name: name.into(),
            commit: commit.into(),
            annotated: false,
            tagger: None,
            time: None,
        }
    }

    fn repo(tags: Vec<Tag>) -> MemoryEvidence {
        MemoryEvidence {
            sources: vec![Source {
                path: "/ci/repo".into(),
                format: "git".into(),
                sha256: HEAD.into(),
                tool: None,
                kinds: vec![Kind::Commits, Kind::Changes, Kind::Tags],
            }],
            tags,
            consumes: Some(vec![Kind::Tags]),
            ..MemoryEvidence::default()
        }
    }

    fn run(environment: Option<&str>, version: Option<&str>, tags: Vec<Tag>) -> Outcome {
        try_run(CONFIG, environment, version, repo(tags)).unwrap()
    }

    fn try_run(
        config: &str,
        environment: Option<&str>,
        version: Option<&str>,
        evidence: MemoryEvidence,
    ) -> Result<Outcome, Error> {
        let context = Context {
            environment: environment.map(Into::into),
            version: version.map(Into::into),
            ..testing::context()
        };
        testing::evaluate_in::<Promotion>(config, &context, evidence)
    }

    fn rules(outcome: &Outcome) -> Vec<(&str, &str)> {
        outcome
            .violations
            .iter()
            .map(|v| (v.rule.as_str(), v.message.as_str()))
            .collect()
    }

    #[test]
    fn production_needs_build_and_qa_tags_at_the_deployed_commit() {
        let tags = vec![tag("build-1.2.3", HEAD), tag("qa-1.2.3", HEAD)];
        assert!(run(Some("production"), Some("1.2.3"), tags).passed());
        let outcome = run(
            Some("production"),
            Some("1.2.3"),
            vec![tag("build-1.2.3", HEAD)],
        );
        assert_eq!(
            rules(&outcome),
            [(
                "missing-tag",
                "tag `qa-1.2.3` does not exist: it is required to deploy to `production`"
            )]
        );
    }

    #[test]
    fn qa_needs_only_the_build_tag() {
        assert!(run(Some("qa"), Some("1.2.3"), vec![tag("build-1.2.3", HEAD)]).passed());
        let outcome = run(Some("qa"), Some("1.2.3"), vec![tag("qa-1.2.3", HEAD)]);
        assert_eq!(outcome.violations.len(), 1);
        assert!(outcome.violations[0].message.contains("`build-1.2.3`"));
    }

    #[test]
    fn tags_that_look_alike_do_not_count() {
        let tags = vec![
            tag("build-1.2.3", HEAD),
            tag("qa-1.2.30", HEAD),
            tag("qa-1.2.3-rc1", HEAD),
            tag("QA-1.2.3", HEAD),
            tag("xqa-1.2.3", HEAD),
        ];
        let outcome = run(Some("production"), Some("1.2.3"), tags);
        assert_eq!(
            rules(&outcome),
            [(
                "missing-tag",
                "tag `qa-1.2.3` does not exist: it is required to deploy to `production`"
            )]
        );
        // And the other way round: `1.2.30` is not satisfied by `qa-1.2.3`.
        let tags = vec![tag("build-1.2.30", HEAD), tag("qa-1.2.3", HEAD)];
        let outcome = run(Some("production"), Some("1.2.30"), tags);
        assert_eq!(outcome.violations.len(), 1);
        assert!(outcome.violations[0].message.contains("`qa-1.2.30`"));
    }

    #[test]
    fn a_tag_on_another_commit_fails() {
        let tags = vec![tag("build-1.2.3", HEAD), tag("qa-1.2.3", OTHER)];
        let outcome = run(Some("production"), Some("1.2.3"), tags);
        assert_eq!(
            rules(&outcome),
            [(
                "tag-on-another-commit",
                "tag `qa-1.2.3` points at commit 222222222222, not at the commit being deployed (111111111111): it is required to deploy to `production`"
            )]
        );
    }

    #[test]
    fn a_version_with_pattern_characters_is_substituted_literally() {
        let tags = vec![tag("build-1.*", HEAD), tag("build-1.2", HEAD)];
        assert!(run(Some("qa"), Some("1.*"), tags.clone()).passed());
        let outcome = run(Some("qa"), Some("1.?"), tags);
        assert!(outcome.violations[0].message.contains("`build-1.?`"));
    }

    #[test]
    fn a_run_without_a_version_is_an_error_when_a_rule_applies() {
        let tags = vec![tag("build-1.2.3", HEAD), tag("qa-1.2.3", HEAD)];
        let error = try_run(CONFIG, Some("production"), None, repo(tags.clone())).unwrap_err();
        assert_eq!(
            error.message(),
            "the run has no version, and `build-{version}` needs one (required to deploy to `production`): pass `--version V` (or set VERDICT_VERSION)"
        );
        assert!(try_run(CONFIG, Some("qa"), Some(" "), repo(tags.clone())).is_err());
        // A pattern without `{version}` needs no version.
        let config = r#"{"rules": [{"require": ["qa-1.2.3"]}]}"#;
        assert!(try_run(config, None, None, repo(tags)).unwrap().passed());
    }

    #[test]
    fn environments_no_rule_names_pass_with_a_note() {
        let outcome = run(Some("dev"), None, vec![]);
        assert!(outcome.passed());
        assert_eq!(
            outcome.notes,
            ["no promotion rule applies to environment `dev`"]
        );
        let outcome = run(None, Some("1.2.3"), vec![]);
        assert_eq!(
            outcome.notes,
            ["no promotion rule applies to a run without an environment"]
        );
    }

    #[test]
    fn a_rule_without_environments_applies_to_every_run() {
        let config = r#"{"rules": [{"require": ["build-{version}"]}]}"#;
        let outcome = try_run(config, None, Some("9"), repo(vec![])).unwrap();
        assert_eq!(
            outcome.violations[0].message,
            "tag `build-9` does not exist: it is required to deploy"
        );
    }

    #[test]
    fn without_a_repository_the_deployed_commit_is_unknown() {
        let mut evidence = repo(vec![tag("build-1.2.3", HEAD)]);
        evidence.sources.clear();
        let error = try_run(CONFIG, Some("qa"), Some("1.2.3"), evidence).unwrap_err();
        assert!(error.message().contains("--repo"), "{error}");
        let mut evidence = repo(vec![tag("build-1.2.3", HEAD)]);
        let mut second = evidence.sources[0].clone();
        second.sha256 = OTHER.into();
        evidence.sources.push(second);
        let error = try_run(CONFIG, Some("qa"), Some("1.2.3"), evidence).unwrap_err();
        assert!(error.message().contains("ambiguous"), "{error}");
    }

    #[test]
    fn violations_keep_their_fingerprint_per_tag_and_commit() {
        let a = run(Some("production"), Some("1.2.3"), vec![]);
        let b = run(
            Some("production"),
            Some("1.2.3"),
            vec![tag("build-1.2.3", HEAD), tag("qa-9", HEAD)],
        );
        assert_eq!(a.violations.len(), 2);
        assert_eq!(b.violations.len(), 1);
        assert_eq!(a.violations[1].fingerprint, b.violations[0].fingerprint);
        assert_ne!(a.violations[0].fingerprint, a.violations[1].fingerprint);
    }

    #[test]
    fn rejects_bad_configuration_by_field() {
        let cases = [
            (r#"{}"#, "rules"),
            (r#"{"rules": []}"#, "rules"),
            (r#"{"rules": [{"require": []}]}"#, "require"),
            (
                r#"{"rules": [{"environments": [], "require": ["x"]}]}"#,
                "environments",
            ),
            (
                r#"{"rules": [{"require": ["qa-{ver}"]}]}"#,
                "`rules[0].require[0]`",
            ),
            (r#"{"rules": [{"require": ["x"], "envs": ["qa"]}]}"#, "envs"),
        ];
        for (config, expected) in cases {
            let error = try_run(config, Some("qa"), Some("1"), repo(vec![])).unwrap_err();
            assert!(error.message().contains(expected), "{config}: {error}");
        }
    }
}
