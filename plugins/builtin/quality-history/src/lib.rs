//! The `quality-history` built-in: a streak of failed gate runs on a branch
//! (the quality gate on `main`, say) blocks the run being decided (a
//! deploy), from the audit ledger's record of earlier decisions.

use serde::Deserialize;
use verdict_policy_sdk::schemars::JsonSchema;
use verdict_policy_sdk::{
    Context, Descriptor, Error, Evidence, Kind, Outcome, PastDecision, PastVerdict, PathMatcher,
    Policy, Severity, Violation,
};

/// The `quality-history` policy.
pub struct QualityHistory;

/// Runs listed in a message or note; more are counted.
const LISTED: usize = 5;

/// The most runs a streak can be asked for: the history holds the last 100
/// runs of the repository.
const MAX_STREAK: u32 = 100;

/// Configuration of the `quality-history` policy
/// (docs/policies/quality-history.md).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
#[schemars(crate = "verdict_policy_sdk::schemars")]
pub struct Config {
    /// The branch whose runs count, a glob (`main`, `release/*`). Omitted:
    /// the run's own branch (for a pull request, the branch it merges into).
    #[serde(default)]
    #[schemars(length(min = 1))]
    pub branch: Option<String>,
    /// The environments whose runs count, globs. Omitted: only runs without
    /// an environment (quality gates, not deploys).
    #[serde(default)]
    #[schemars(length(min = 1))]
    pub environments: Option<Vec<String>>,
    /// Whether pull request runs count (their branch is then the one they
    /// merge into). By default they do not: a pull request failing its gate
    /// is work in progress, not a broken branch.
    #[serde(default)]
    pub include_pull_requests: bool,
    /// Count only these policies (ids from the gate file of the runs that
    /// count): a run failed when one of them did; a run where none of them
    /// ran is left out. Omitted: the run's decision.
    #[serde(default)]
    #[schemars(length(min = 1))]
    pub policies: Option<Vec<String>>,
    /// How many consecutive failed runs block.
    #[serde(default = "default_max")]
    #[schemars(range(min = 1, max = 100))]
    pub max_consecutive_failures: u32,
    /// The decisions that count as a failure. A `skipped` run that is not
    /// listed neither extends nor breaks a streak; any other decision not
    /// listed breaks it.
    #[serde(default = "default_count")]
    #[schemars(length(min = 1))]
    pub count: Vec<PastDecision>,
}

fn default_max() -> u32 {
    3
}

fn default_count() -> Vec<PastDecision> {
    vec![PastDecision::Fail, PastDecision::Error]
}

/// The runs that count, compiled.
struct Selection {
    branch: String,
    /// The configured glob; `None` for the run's own branch, compared
    /// exactly (a branch name may hold glob characters).
    branches: Option<PathMatcher>,
    environments: Option<PathMatcher>,
    include_pull_requests: bool,
    policies: Option<Vec<String>>,
}

impl Selection {
    fn of(config: &Config, context: &Context) -> Result<Selection, Error> {
        let (branch, branches) = match &config.branch {
            Some(branch) => (
                branch.clone(),
                Some(PathMatcher::new(std::slice::from_ref(branch))?),
            ),
            None => (
                context
                .target_branch
                .clone()
                .or_else(|| context.branch.clone())
                .ok_or_else(|| {
                    Error::new(
                        "the run has no branch, so the branch whose runs count is unknown: set `branch` in the policy's configuration, or pass `--branch NAME`",
                    )
                })?,
                None,
            ),
        };
        Ok(Selection {
            branches,
            branch,
            environments: config
                .environments
                .as_deref()
                .map(PathMatcher::new)
                .transpose()?,
            include_pull_requests: config.include_pull_requests,
            policies: config.policies.clone(),
        })
    }

    fn admits(&self, past: &PastVerdict) -> bool {
        let pull_request =
            past.event.as_deref() == Some("pull-request") || past.target_branch.is_some();
        (self.include_pull_requests || !pull_request)
            && past
                .scope_branch()
                .is_some_and(|branch| match &self.branches {
                    Some(branches) => branches.is_match(branch),
                    None => branch == self.branch,
                })
            && match (&self.environments, &past.environment) {
                (None, environment) => environment.is_none(),
                (Some(environments), Some(environment)) => environments.is_match(environment),
                (Some(_), None) => false,
            }
    }

    /// The decision that counts for a run: its own, or that of the listed
    /// policies (a counting one first); `None` when none of them ran.
    fn decision(&self, past: &PastVerdict, count: &[PastDecision]) -> Option<PastDecision> {
        let Some(policies) = &self.policies else {
            return Some(past.decision);
        };
        let listed: Vec<PastDecision> = past
            .policies
            .iter()
            .filter(|policy| policies.contains(&policy.id))
            .map(|policy| policy.decision)
            .collect();
        listed
            .iter()
            .find(|decision| count.contains(decision))
            .or_else(|| {
                listed
                    .iter()
                    .find(|decision| **decision != PastDecision::Skipped)
            })
            .or(listed.first())
            .copied()
    }

    /// "on branch `main` without an environment".
    fn describe(&self, config: &Config) -> String {
        let environments = match &config.environments {
            None => " without an environment".to_owned(),
            Some(environments) => format!(" in environment {}", quoted(environments)),
        };
        let policies = match &config.policies {
            None => String::new(),
            Some(policies) => format!(" (policies {})", quoted(policies)),
        };
        format!("on branch `{}`{environments}{policies}", self.branch)
    }
}

fn quoted(names: &[String]) -> String {
    names
        .iter()
        .map(|name| format!("`{name}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// What the history says: the failed runs since the last one that did not
/// fail (newest first), and that one.
struct Streak {
    failed: Vec<(PastVerdict, PastDecision)>,
    broken_by: Option<(PastVerdict, PastDecision)>,
}

fn streak(evidence: &Evidence, selection: &Selection, count: &[PastDecision]) -> Streak {
    let mut failed = Vec::new();
    for past in evidence.history() {
        if !selection.admits(&past) {
            continue;
        }
        let Some(decision) = selection.decision(&past, count) else {
            continue;
        };
        if count.contains(&decision) {
            failed.push((past, decision));
        } else if decision != PastDecision::Skipped {
            return Streak {
                failed,
                broken_by: Some((past, decision)),
            };
        }
    }
    Streak {
        failed,
        broken_by: None,
    }
}

fn run(past: &PastVerdict, decision: PastDecision) -> String {
    format!("#{} {decision} at {}", past.seq, past.time)
}

fn listing(failed: &[(PastVerdict, PastDecision)]) -> String {
    let mut shown: Vec<String> = failed
        .iter()
        .take(LISTED)
        .map(|(past, decision)| run(past, *decision))
        .collect();
    if failed.len() > LISTED {
        shown.push(format!("and {} more", failed.len() - LISTED));
    }
    shown.join(", ")
}

impl Policy for QualityHistory {
    type Config = Config;

    fn describe() -> Descriptor {
        Descriptor {
            name: "quality-history".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            description: "Blocks a run (a deploy) after a streak of failed gate runs on a branch \
                          (`max-consecutive-failures` quality gates in a row on `main`), read from the \
                          audit ledger's record of earlier decisions for this repository."
                .into(),
            consumes: vec![Kind::History],
            requires: vec![Kind::History],
            config_schema: verdict_policy_sdk::config_schema::<Config>(),
            controls: vec![],
        }
    }

    fn evaluate(config: Config, context: &Context, evidence: &Evidence) -> Result<Outcome, Error> {
        if config.max_consecutive_failures == 0 || config.max_consecutive_failures > MAX_STREAK {
            return Err(Error::new(format!(
                "invalid configuration at `max-consecutive-failures`: {} is outside 1..={MAX_STREAK} (the history holds the last {MAX_STREAK} runs)",
                config.max_consecutive_failures
            )));
        }
        let selection = Selection::of(&config, context)?;
        let streak = streak(evidence, &selection, &config.count);
        let limit = config.max_consecutive_failures as usize;
        let scope = selection.describe(&config);
        let mut outcome = Outcome::pass();
        let last_good = streak
            .broken_by
            .as_ref()
            .map(|(past, decision)| {
                format!(
                    "; the run before them did not fail: {}",
                    run(past, *decision)
                )
            })
            .unwrap_or_default();
        if streak.failed.len() >= limit {
            let oldest = streak.failed.last().map_or(0, |(past, _)| past.seq);
            outcome.push(
                Violation::new(
                    "consecutive-failures",
                    format!(
                        "the last {} runs {scope} failed ({}), at most {limit} allowed{last_good}: blocked until a run there passes",
                        streak.failed.len(),
                        listing(&streak.failed),
                    ),
                )
                .severity(Severity::High)
                .subject(format!("{scope} since #{oldest}"))
                .build(),
            );
        } else if streak.failed.is_empty() {
            outcome.notes.push(match &streak.broken_by {
                Some((past, decision)) => format!(
                    "the last run {scope} did not fail: {}",
                    run(past, *decision)
                ),
                None => format!("no earlier run {scope} in the ledger's history"),
            });
        } else {
            outcome.notes.push(format!(
                "{} consecutive failed run(s) {scope} ({}), at most {limit} allowed{last_good}",
                streak.failed.len(),
                listing(&streak.failed),
            ));
        }
        Ok(outcome)
    }
}

verdict_policy_sdk::export_policy!(QualityHistory);

#[cfg(test)]
mod tests;
