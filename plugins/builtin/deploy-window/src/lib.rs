//! The `deploy-window` built-in: deploys happen in allowed windows, never on
//! denied days or during a freeze, in the team's time zone, at the run's
//! `--now`; an emergency exception passes with a recorded note.

mod calendar;

use calendar::{Days, Hours, Weekly};
use chrono::{DateTime, Duration, NaiveTime, Utc};
use chrono_tz::Tz;
use serde::Deserialize;
use verdict_policy_sdk::schemars::JsonSchema;
use verdict_policy_sdk::{
    Context, Descriptor, Error, Evidence, Kind, Outcome, Policy, Severity, Violation,
};

/// The `deploy-window` policy.
pub struct DeployWindow;

/// How far ahead the next allowed window is looked for, beyond the last freeze.
const HORIZON_DAYS: i64 = 400;

/// Configuration of the `deploy-window` policy (docs/policies/deploy-window.md).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
#[schemars(crate = "verdict_policy_sdk::schemars")]
pub struct Config {
    /// The IANA time zone days, hours and freeze dates are read in
    /// (`Europe/Berlin`, `America/New_York`, `UTC`).
    pub timezone: String,
    /// When deploys are allowed. When any window applies to the run's
    /// environment, the run must fall in one of them; when none does, any
    /// time is allowed except what `deny` and `freeze` refuse.
    #[serde(default)]
    pub allow: Vec<Window>,
    /// When deploys are refused (`{ days = ["fri"] }`).
    #[serde(default)]
    pub deny: Vec<Window>,
    /// Periods in which deploys are refused, each with a reason.
    #[serde(default)]
    pub freeze: Vec<Freeze>,
    /// Who or what may deploy outside the windows anyway; such a run passes
    /// with a note saying what it would have broken and who allowed it.
    #[serde(default)]
    pub emergency: Emergency,
}

/// A weekly window.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
#[schemars(crate = "verdict_policy_sdk::schemars")]
pub struct Window {
    /// Days: `mon`…`sun` (or full names), ranges such as `mon-thu` or
    /// `fri-mon`. Omitted: every day.
    #[serde(default)]
    #[schemars(length(min = 1))]
    pub days: Option<Vec<String>>,
    /// Local hours `HH:MM-HH:MM`, end exclusive, `24:00` for the end of the
    /// day; a range past midnight (`22:00-02:00`) belongs to the day it starts
    /// on. Omitted: the whole day.
    #[serde(default)]
    pub hours: Option<String>,
    /// The environments (`--env`) it applies to. Omitted: every run.
    #[serde(default)]
    #[schemars(length(min = 1))]
    pub environments: Option<Vec<String>>,
    /// Why, shown in messages.
    #[serde(default)]
    pub reason: Option<String>,
}

/// A freeze period.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
#[schemars(crate = "verdict_policy_sdk::schemars")]
pub struct Freeze {
    /// Start: a local date (`2026-12-20`, from its first minute), a local
    /// time (`2026-12-20T18:00`) or an RFC 3339 time with offset.
    pub from: String,
    /// End: a local date (`2027-01-04`, through its last minute), a local
    /// time (exclusive) or an RFC 3339 time with offset.
    pub to: String,
    /// Why, shown in messages.
    #[schemars(length(min = 1))]
    pub reason: String,
    /// The environments (`--env`) it applies to. Omitted: every run.
    #[serde(default)]
    #[schemars(length(min = 1))]
    pub environments: Option<Vec<String>>,
}

/// The emergency exception. Each option trusts someone different: see
/// docs/policies/deploy-window.md before choosing.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
#[schemars(crate = "verdict_policy_sdk::schemars")]
pub struct Emergency {
    /// Labels of a pull request (`pull-requests` evidence, e.g.
    /// `gh pr view --json` written in the gate's own job) that allow a deploy
    /// outside the windows (`critical-security-fix`).
    #[serde(default)]
    pub labels: Vec<String>,
    /// People or bots (the run's `--actor`, `$GITHUB_ACTOR`) whose runs may
    /// deploy outside the windows.
    #[serde(default)]
    pub actors: Vec<String>,
}

fn applies(environments: &Option<Vec<String>>, environment: Option<&str>) -> bool {
    match environments {
        None => true,
        Some(listed) => {
            environment.is_some_and(|environment| listed.iter().any(|e| e == environment))
        }
    }
}

/// A window, checked.
struct Checked<'c> {
    window: &'c Window,
    weekly: Weekly,
}

impl Checked<'_> {
    fn describe(&self) -> String {
        let days = self
            .window
            .days
            .as_ref()
            .map_or("every day".to_owned(), |days| days.join(","));
        let hours = self.window.hours.as_deref().unwrap_or("all day");
        match &self.window.reason {
            Some(reason) => format!("{days} {hours}: {reason}"),
            None => format!("{days} {hours}"),
        }
    }
}

fn windows<'c>(
    windows: &'c [Window],
    key: &str,
    environment: Option<&str>,
) -> Result<Vec<Checked<'c>>, Error> {
    let mut checked = Vec::new();
    for (index, window) in windows.iter().enumerate() {
        let at = |message: String| {
            Error::new(format!(
                "invalid configuration at `{key}[{index}]`: {message}"
            ))
        };
        let days = window
            .days
            .as_deref()
            .map_or(Ok(Days::ALL), Days::parse)
            .map_err(at)?;
        let hours = window
            .hours
            .as_deref()
            .map_or(Ok(Hours::ALL), Hours::parse)
            .map_err(at)?;
        if applies(&window.environments, environment) {
            checked.push(Checked {
                window,
                weekly: Weekly { days, hours },
            });
        }
    }
    Ok(checked)
}

/// A freeze, checked.
struct Period<'c> {
    freeze: &'c Freeze,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
}

fn periods<'c>(
    config: &'c Config,
    zone: Tz,
    environment: Option<&str>,
) -> Result<Vec<Period<'c>>, Error> {
    let mut periods = Vec::new();
    for (index, freeze) in config.freeze.iter().enumerate() {
        let at = |message: String| {
            Error::new(format!(
                "invalid configuration at `freeze[{index}]`: {message}"
            ))
        };
        let from = calendar::boundary(zone, &freeze.from, false).map_err(at)?;
        let to = calendar::boundary(zone, &freeze.to, true).map_err(at)?;
        if to <= from {
            return Err(at(format!(
                "`to` ({}) is not after `from` ({})",
                freeze.to, freeze.from
            )));
        }
        if freeze.reason.trim().is_empty() {
            return Err(at("`reason` must not be empty".to_owned()));
        }
        if applies(&freeze.environments, environment) {
            periods.push(Period { freeze, from, to });
        }
    }
    Ok(periods)
}

/// What refuses a deploy at some instant.
enum Block<'a> {
    Outside,
    Denied(&'a Checked<'a>),
    Frozen(&'a Period<'a>),
}

/// The rules that apply to this run.
struct Rules<'c> {
    zone: Tz,
    allow: Vec<Checked<'c>>,
    deny: Vec<Checked<'c>>,
    freeze: Vec<Period<'c>>,
}

impl Rules<'_> {
    fn blocks(&self, instant: DateTime<Utc>) -> Vec<Block<'_>> {
        let local = instant.with_timezone(&self.zone).naive_local();
        let mut blocks = Vec::new();
        if !self.allow.is_empty()
            && !self
                .allow
                .iter()
                .any(|window| window.weekly.contains(local))
        {
            blocks.push(Block::Outside);
        }
        blocks.extend(
            self.deny
                .iter()
                .filter(|window| window.weekly.contains(local))
                .map(Block::Denied),
        );
        blocks.extend(
            self.freeze
                .iter()
                .filter(|period| period.from <= instant && instant < period.to)
                .map(Block::Frozen),
        );
        blocks
    }

    /// The first instant after `now` at which nothing blocks a deploy. Only
    /// the starts of allowed windows, the ends of denied ones and of freezes
    /// can open one, so those local times, day by day, are the candidates.
    fn next_opening(&self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let mut minutes: Vec<u32> = vec![0];
        minutes.extend(self.allow.iter().map(|window| window.weekly.hours.start));
        minutes.extend(
            self.deny
                .iter()
                .map(|window| window.weekly.hours.end % calendar::DAY),
        );
        minutes.sort_unstable();
        minutes.dedup();
        // Past the last freeze (ten years at most, to bound the search).
        let last_freeze = self
            .freeze
            .iter()
            .map(|period| period.to)
            .max()
            .unwrap_or(now);
        let horizon =
            last_freeze.clamp(now, now + Duration::days(3653)) + Duration::days(HORIZON_DAYS);
        let mut candidates: Vec<DateTime<Utc>> = self
            .freeze
            .iter()
            .map(|period| period.to)
            .filter(|to| *to > now)
            .collect();
        let mut date = now.with_timezone(&self.zone).date_naive();
        while date.and_time(NaiveTime::MIN).and_utc() <= horizon + Duration::days(1) {
            for minute in &minutes {
                let local = date.and_time(NaiveTime::MIN) + Duration::minutes(i64::from(*minute));
                candidates.extend(
                    calendar::instants(self.zone, local)
                        .into_iter()
                        .filter(|at| *at > now),
                );
            }
            let Some(next) = date.succ_opt() else { break };
            date = next;
        }
        candidates.sort_unstable();
        candidates.dedup();
        candidates
            .into_iter()
            .find(|at| self.blocks(*at).is_empty())
    }
}

/// Who lifted the windows for this run, when someone did.
fn emergency(config: &Emergency, context: &Context, evidence: &Evidence) -> Option<String> {
    if let Some(actor) = context
        .actor
        .as_deref()
        .filter(|actor| config.actors.iter().any(|listed| listed == actor))
    {
        return Some(format!("the run's actor `{actor}` is an emergency actor"));
    }
    if config.labels.is_empty() {
        return None;
    }
    evidence.pull_requests().find_map(|pull_request| {
        pull_request
            .labels
            .iter()
            .find(|label| config.labels.contains(label))
            .map(|label| format!("label `{label}` on pull request #{}", pull_request.number))
    })
}

impl Policy for DeployWindow {
    type Config = Config;

    fn describe() -> Descriptor {
        Descriptor {
            name: "deploy-window".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            description: "Deploys only in allowed windows (days and hours in an IANA time zone), never on \
                          denied days or during a freeze, at the run's time; per environment; an emergency \
                          label or actor passes with a note. Says when the next allowed window opens."
                .into(),
            consumes: vec![Kind::PullRequests],
            requires: vec![],
            config_schema: verdict_policy_sdk::config_schema::<Config>(),
            controls: vec![],
        }
    }

    fn evaluate(config: Config, context: &Context, evidence: &Evidence) -> Result<Outcome, Error> {
        let zone: Tz = config.timezone.trim().parse().map_err(|_| {
            Error::new(format!(
                "invalid configuration at `timezone`: `{}` is not an IANA time zone (hint: `Europe/Berlin`, `America/New_York`, `UTC`)",
                config.timezone
            ))
        })?;
        let environment = context.environment.as_deref();
        let rules = Rules {
            zone,
            allow: windows(&config.allow, "allow", environment)?,
            deny: windows(&config.deny, "deny", environment)?,
            freeze: periods(&config, zone, environment)?,
        };
        let now = DateTime::from_timestamp(context.now_unix, 0).ok_or_else(|| {
            Error::new(format!("the run's time `{}` is out of range", context.now))
        })?;
        let blocks = rules.blocks(now);
        let mut outcome = Outcome::pass();
        if environment.is_none() && has_environments(&config) {
            outcome.notes.push(
                "the run has no environment (`--env`): only the windows and freezes without `environments` apply"
                    .to_owned(),
            );
        }
        if blocks.is_empty() {
            return Ok(outcome);
        }
        let at = calendar::show(zone, now);
        let target = environment
            .map(|e| format!(" to `{e}`"))
            .unwrap_or_default();
        let reasons: Vec<(&str, String, String)> = blocks
            .iter()
            .map(|block| match block {
                Block::Outside => (
                    "outside-window",
                    format!(
                        "outside the allowed windows ({})",
                        rules
                            .allow
                            .iter()
                            .map(Checked::describe)
                            .collect::<Vec<_>>()
                            .join("; ")
                    ),
                    "outside-window".to_owned(),
                ),
                Block::Denied(window) => (
                    "denied",
                    format!("in a denied window ({})", window.describe()),
                    format!("denied:{}", window.describe()),
                ),
                Block::Frozen(period) => (
                    "freeze",
                    format!(
                        "in a freeze ({}, {} to {})",
                        period.freeze.reason,
                        calendar::show(zone, period.from),
                        calendar::show(zone, period.to)
                    ),
                    format!(
                        "freeze:{}:{}:{}",
                        period.freeze.reason, period.freeze.from, period.freeze.to
                    ),
                ),
            })
            .collect();
        if let Some(who) = emergency(&config.emergency, context, evidence) {
            let why: Vec<&str> = reasons.iter().map(|(_, why, _)| why.as_str()).collect();
            outcome.notes.push(format!(
                "emergency deploy{target} at {at} allowed by {who}, although it is {}",
                why.join(" and ")
            ));
            return Ok(outcome);
        }
        let next = match rules.next_opening(now) {
            Some(next) => format!(
                "until {} (in {})",
                calendar::show(zone, next),
                calendar::wait(now, next)
            ),
            None => format!("in the {HORIZON_DAYS} days after the last freeze"),
        };
        outcome.violations = reasons
            .into_iter()
            .map(|(rule, why, subject)| {
                // What to do (when to come back) first: consoles cut long messages.
                Violation::new(rule, format!("no deploy{target} {next}: {at} is {why}"))
                    .severity(Severity::High)
                    .subject(format!("{subject}@{}", environment.unwrap_or("")))
                    .build()
            })
            .collect();
        Ok(outcome)
    }
}

fn has_environments(config: &Config) -> bool {
    config
        .allow
        .iter()
        .chain(&config.deny)
        .any(|window| window.environments.is_some())
        || config
            .freeze
            .iter()
            .any(|freeze| freeze.environments.is_some())
}

verdict_policy_sdk::export_policy!(DeployWindow);

#[cfg(test)]
mod tests;
