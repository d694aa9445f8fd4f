//! The `reviews` built-in: enough approvals from people other than the
//! author, per environment or per path, fresh when asked, and from the code
//! owners of every changed path when asked.

mod codeowners;
mod tally;

use codeowners::CodeOwners;
use serde::Deserialize;
use std::collections::BTreeMap;
use tally::Tally;
use verdict_policy_sdk::schemars::JsonSchema;
use verdict_policy_sdk::{
    ChangeStatus, Context, Descriptor, Error, Evidence, Kind, Outcome, PathMatcher, Policy,
    PullRequest, Violation,
};

/// The `reviews` policy.
pub struct Reviews;

/// Configuration of the `reviews` policy (docs/policies/reviews.md).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
#[schemars(crate = "verdict_policy_sdk::schemars")]
pub struct Config {
    /// Approvals needed from people other than the author, when no
    /// `environments` entry names the run's environment.
    #[serde(default = "one")]
    pub min_approvals: u32,
    /// Approvals needed per environment (`--env`), by exact name, e.g.
    /// `{ staging = 1, production = 2 }`; replaces `min-approvals` there.
    #[serde(default)]
    pub environments: BTreeMap<String, u32>,
    /// Further requirements by environment glob and changed-path glob; the
    /// strictest that applies wins.
    #[serde(default)]
    pub rules: Vec<Rule>,
    /// Count only approvals given on the pull request's head commit; an
    /// approval with no commit recorded (all GitLab approvals) is stale.
    #[serde(default)]
    pub dismiss_stale: bool,
    /// The code owners of every changed path (CODEOWNERS at head, from
    /// `--repo`) must approve: one owner per path, the author excluded.
    #[serde(default)]
    pub code_owners: bool,
    /// Who is in each team (`org/team`) or e-mail owner CODEOWNERS names,
    /// as logins: the pull request document has no team membership.
    #[serde(default)]
    pub teams: BTreeMap<String, Vec<String>>,
    /// Accounts whose approvals never count (auto-approve bots).
    #[serde(default)]
    pub bots: Vec<Account>,
    /// Authors whose pull requests need no review (Dependabot), passed with
    /// a note.
    #[serde(default)]
    pub exempt_authors: Vec<Account>,
}

fn one() -> u32 {
    1
}

/// A further requirement. Give `environments`, `paths` or both (then both
/// must match).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
#[schemars(crate = "verdict_policy_sdk::schemars")]
pub struct Rule {
    /// Globs of environment names (`prod*`); the rule applies only to runs
    /// with such an `--env`.
    #[serde(default)]
    pub environments: Vec<String>,
    /// Globs of changed paths (`deploy/**`); the rule applies when any
    /// changed path matches.
    #[serde(default)]
    pub paths: Vec<String>,
    /// Approvals needed when the rule applies.
    pub min_approvals: u32,
}

/// A login, alone or with the reason it is listed.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(untagged)]
#[schemars(crate = "verdict_policy_sdk::schemars")]
pub enum Account {
    /// Just the login (as the forge writes it: gh writes apps as `app/NAME`).
    Login(String),
    /// The login with a reason.
    Entry(AccountEntry),
}

/// A login with a reason.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(crate = "verdict_policy_sdk::schemars")]
pub struct AccountEntry {
    /// The login.
    pub login: String,
    /// Why it is listed.
    #[serde(default)]
    pub reason: Option<String>,
}

impl Account {
    fn login(&self) -> &str {
        match self {
            Account::Login(login) => login,
            Account::Entry(entry) => &entry.login,
        }
    }

    fn reason(&self) -> Option<&str> {
        match self {
            Account::Login(_) => None,
            Account::Entry(entry) => entry.reason.as_deref(),
        }
    }
}

/// Logins compare as GitHub and GitLab compare them: ASCII case-insensitively.
pub(crate) fn same_login(a: &str, b: &str) -> bool {
    a.trim_start_matches('@')
        .eq_ignore_ascii_case(b.trim_start_matches('@'))
}

/// A rule, compiled.
struct CompiledRule {
    index: usize,
    environments: PathMatcher,
    paths: PathMatcher,
    min_approvals: u32,
}

fn compile_rules(config: &Config) -> Result<Vec<CompiledRule>, Error> {
    config
        .rules
        .iter()
        .enumerate()
        .map(|(index, rule)| {
            let at = format!("invalid configuration at `rules[{index}]`");
            if rule.environments.is_empty() && rule.paths.is_empty() {
                return Err(Error::new(format!(
                    "{at}: give `environments`, `paths` or both"
                )));
            }
            let compile = |globs: &[String]| {
                PathMatcher::new(globs).map_err(|e| Error::new(format!("{at}: {e}")))
            };
            Ok(CompiledRule {
                index,
                environments: compile(&rule.environments)?,
                paths: compile(&rule.paths)?,
                min_approvals: rule.min_approvals,
            })
        })
        .collect()
}

/// How many approvals a pull request needs, and why.
fn requirement(
    config: &Config,
    rules: &[CompiledRule],
    environment: Option<&str>,
    paths: &[String],
) -> (u32, String) {
    let (mut required, mut why) = match environment.and_then(|env| {
        config
            .environments
            .get(env)
            .map(|count| (*count, format!("environment `{env}`")))
    }) {
        Some(found) => found,
        None => (config.min_approvals, "`min-approvals`".to_owned()),
    };
    for rule in rules {
        let environment_applies = rule.environments.is_empty()
            || environment.is_some_and(|env| rule.environments.is_match(env));
        let matched_path = paths.iter().find(|path| rule.paths.is_match(path));
        let paths_apply = rule.paths.is_empty() || matched_path.is_some();
        if environment_applies && paths_apply && rule.min_approvals > required {
            required = rule.min_approvals;
            why = match (environment, matched_path) {
                (_, Some(path)) => format!("`rules[{}]`, path `{path}`", rule.index),
                (Some(env), None) => format!("`rules[{}]`, environment `{env}`", rule.index),
                (None, None) => format!("`rules[{}]`", rule.index),
            };
        }
    }
    (required, why)
}

/// The changed paths the repository reports (`--repo`): head paths, and the
/// old path of a rename, whose owners lose a file.
fn repository_paths(evidence: &Evidence) -> Vec<String> {
    let mut paths = Vec::new();
    for change in evidence.changes() {
        if change.status == ChangeStatus::Renamed
            && let Some(old_path) = change.old_path
        {
            paths.push(old_path);
        }
        paths.push(change.path);
    }
    paths
}

impl Policy for Reviews {
    type Config = Config;

    fn describe() -> Descriptor {
        Descriptor {
            name: "reviews".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            description: "Requires approvals of a pull request from people other than its author: a number \
                          per environment or per changed path, only on the head commit when stale approvals \
                          are dismissed, the latest review of each reviewer counting, and an approval from \
                          a code owner of every changed path when asked."
                .into(),
            consumes: vec![Kind::PullRequests, Kind::Changes],
            requires: vec![Kind::PullRequests],
            config_schema: verdict_policy_sdk::config_schema::<Config>(),
            controls: vec![],
        }
    }

    fn evaluate(config: Config, context: &Context, evidence: &Evidence) -> Result<Outcome, Error> {
        let rules = compile_rules(&config)?;
        let pull_requests: Vec<PullRequest> = evidence.pull_requests().collect();
        if pull_requests.is_empty() {
            return Err(Error::new(
                "no pull request in the evidence: give the `gh pr view --json …` document or a \
                 GitLab merge request with its approvals (format `pull-request`)",
            ));
        }
        let has_repository = evidence
            .sources()
            .iter()
            .any(|source| source.kinds.contains(&Kind::Changes));
        let repository_paths = if has_repository {
            repository_paths(evidence)
        } else {
            Vec::new()
        };
        let code_owners = if config.code_owners {
            if !has_repository {
                return Err(Error::new(
                    "`code-owners` needs CODEOWNERS and the changed files from the repository: \
                     give it with `--repo` (and `--base`/`--head`)",
                ));
            }
            Some(CodeOwners::new(evidence.code_owners()).map_err(Error::new)?)
        } else {
            None
        };
        let needs_paths = config.code_owners || rules.iter().any(|rule| !rule.paths.is_empty());
        let mut outcome = Outcome::default();
        for pr in &pull_requests {
            if let Some(exempt) = config
                .exempt_authors
                .iter()
                .find(|account| same_login(account.login(), &pr.author))
            {
                outcome.notes.push(format!(
                    "pull request #{} by `{}` is exempt from review{}",
                    pr.number,
                    pr.author,
                    exempt
                        .reason()
                        .map(|reason| format!(": {reason}"))
                        .unwrap_or_default()
                ));
                continue;
            }
            let mut paths = repository_paths.clone();
            for file in &pr.files {
                if !paths.contains(file) {
                    paths.push(file.clone());
                }
            }
            if needs_paths && paths.is_empty() && !has_repository {
                return Err(Error::new(format!(
                    "pull request #{} lists no changed files, so path rules and code owners cannot \
                     be checked: add `files` to the `gh pr view --json` fields, or give the \
                     repository with `--repo`",
                    pr.number
                )));
            }
            let tally = Tally::of(pr, &config);
            let (required, why) =
                requirement(&config, &rules, context.environment.as_deref(), &paths);
            if (tally.approvers.len() as u64) < u64::from(required) {
                outcome.violations.push(
                    Violation::new("approvals", tally.shortfall_message(pr, required, &why))
                        .subject(format!("pull-request-{}", pr.number))
                        .build(),
                );
            }
            if config.dismiss_stale && pr.head_commit.is_none() {
                outcome.notes.push(format!(
                    "pull request #{} has no head commit in its document, so every approval is stale \
                     under `dismiss-stale`: add `headRefOid` to the gh fields",
                    pr.number
                ));
            }
            if let Some(owners) = &code_owners {
                if owners.is_empty() {
                    outcome.violations.push(
                        Violation::new(
                            "code-owners",
                            "`code-owners` is on but the repository has no CODEOWNERS rules at head",
                        )
                        .subject(format!("pull-request-{}-no-codeowners", pr.number))
                        .build(),
                    );
                    continue;
                }
                outcome.violations.extend(tally.code_owner_violations(
                    pr,
                    owners,
                    &paths,
                    &config.teams,
                ));
            }
        }
        Ok(outcome)
    }
}

verdict_policy_sdk::export_policy!(Reviews);

#[cfg(test)]
mod tests;
