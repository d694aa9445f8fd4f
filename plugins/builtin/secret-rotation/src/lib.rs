//! The `secret-rotation` built-in: every secret of the service registry
//! (`integration_registry.json`: `secret_keys`, `rotation_schedule`, `owner`)
//! was rotated within its schedule.

mod registry;

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate};
use serde::Deserialize;
use verdict_policy_sdk::schemars::JsonSchema;
use verdict_policy_sdk::{
    Context, Descriptor, Error, Evidence, Kind, Outcome, PathMatcher, Policy, Severity, Violation,
};

/// The `secret-rotation` policy.
pub struct SecretRotation;

/// Configuration of the `secret-rotation` policy (docs/policies/secret-rotation.md).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
#[schemars(crate = "verdict_policy_sdk::schemars")]
pub struct Config {
    /// A glob of the registry's input path; every input document it matches
    /// is a registry. Paths are matched as given, so the default matches the
    /// file wherever it lies.
    #[serde(default = "default_registry")]
    pub registry: String,
    /// A glob of the input path of the last-rotation dates
    /// (`{ "service.key": "2026-09-01" }`). Omitted: only the registry's own
    /// `last_rotated` fields count.
    #[serde(default)]
    pub rotations: Option<String>,
    /// A secret due within this many days is reported in a note.
    #[serde(default = "fourteen")]
    #[schemars(range(max = 3650))]
    pub warn_within_days: u32,
    /// The schedule of services that give no `rotation_schedule` (`90d`).
    /// Omitted: such a service's secrets fail.
    #[serde(default)]
    pub default_schedule: Option<String>,
}

fn default_registry() -> String {
    "**/integration_registry.json".to_owned()
}

fn fourteen() -> u32 {
    14
}

/// The documents whose input path matches `glob`, with that path.
fn documents(
    evidence: &Evidence,
    key: &str,
    glob: &str,
) -> Result<Vec<(String, verdict_policy_sdk::serde_json::Value)>, Error> {
    let matcher = PathMatcher::new(&[glob])
        .map_err(|error| Error::new(format!("invalid configuration at `{key}`: {error}")))?;
    let sources = evidence.sources();
    let mut found = Vec::new();
    for document in evidence.documents() {
        let Some(source) = sources.get(document.source as usize) else {
            continue;
        };
        if matcher.is_match(&source.path) {
            let value = document
                .value()
                .map_err(|error| Error::new(format!("{key} `{}`: {error}", source.path)))?;
            found.push((source.path.clone(), value));
        }
    }
    if found.is_empty() {
        return Err(Error::new(format!(
            "no input document matches `{key}` (`{glob}`): give the file as an input (hint: paths are matched as given, so `**/NAME.json` matches it in any folder)"
        )));
    }
    Ok(found)
}

/// One secret, with everything known about it.
struct Secret<'r> {
    service: &'r str,
    key: &'r str,
    owner: Option<&'r str>,
    schedule: Option<&'r str>,
    last: Option<NaiveDate>,
}

impl Secret<'_> {
    fn name(&self) -> String {
        format!(
            "secret `{}` of service `{}` (owner {})",
            self.key,
            self.service,
            self.owner
                .map_or("unknown".to_owned(), |owner| format!("`{owner}`"))
        )
    }
}

impl Policy for SecretRotation {
    type Config = Config;

    fn describe() -> Descriptor {
        Descriptor {
            name: "secret-rotation".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            description: "Every secret of the service registry (`integration_registry.json`: `secret_keys`, \
                          `rotation_schedule`, `owner`) was rotated within its schedule, by the registry's \
                          `last_rotated` fields or a document of last-rotation dates; a secret with no \
                          recorded rotation is overdue. Secrets due soon are noted."
                .into(),
            consumes: vec![Kind::Documents],
            requires: vec![Kind::Documents],
            config_schema: verdict_policy_sdk::config_schema::<Config>(),
            controls: vec![],
        }
    }

    fn evaluate(config: Config, context: &Context, evidence: &Evidence) -> Result<Outcome, Error> {
        if let Some(schedule) = &config.default_schedule
            && registry::schedule(schedule).is_none()
        {
            return Err(Error::new(format!(
                "invalid configuration at `default-schedule`: `{schedule}` is not a schedule (hint: `90d`, `12w`, `1y`)"
            )));
        }
        let today = DateTime::from_timestamp(context.now_unix, 0)
            .ok_or_else(|| Error::new(format!("the run's time `{}` is out of range", context.now)))?
            .date_naive();
        let mut outcome = Outcome::pass();
        let mut services = BTreeMap::new();
        for (path, document) in documents(evidence, "registry", &config.registry)? {
            let (found, skipped) = registry::services(&path, &document)?;
            if !skipped.is_empty() {
                outcome.notes.push(format!(
                    "registry `{path}`: skipped {} (not service objects)",
                    skipped
                        .iter()
                        .map(|name| format!("`{name}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
            for (name, service) in found {
                if services.insert(name.clone(), service).is_some() {
                    return Err(Error::new(format!(
                        "service `{name}` is defined twice among the registries"
                    )));
                }
            }
        }
        // Every recorded date, from the registry and the rotations documents;
        // the latest per secret counts.
        let mut recorded: BTreeMap<(String, String), Vec<(String, String)>> = BTreeMap::new();
        for (name, service) in &services {
            for (key, date) in &service.last_rotated {
                recorded
                    .entry((name.clone(), key.clone()))
                    .or_default()
                    .push(("the registry".to_owned(), date.clone()));
            }
        }
        if let Some(glob) = &config.rotations {
            for (path, document) in documents(evidence, "rotations", glob)? {
                for (secret, date) in registry::rotations(&path, &document)? {
                    recorded
                        .entry(secret)
                        .or_default()
                        .push((format!("`{path}`"), date));
                }
            }
        }
        let mut stale = Vec::new();
        for (service, key) in recorded.keys() {
            let known = services
                .get(service)
                .is_some_and(|s| s.secret_keys.contains(key));
            if !known {
                stale.push(format!("`{service}.{key}`"));
            }
        }
        if !stale.is_empty() {
            outcome.notes.push(format!(
                "rotation dates recorded for secrets the registry does not list: {}",
                stale.join(", ")
            ));
        }
        let default_schedule = config.default_schedule.as_deref();
        for (name, service) in &services {
            for key in &service.secret_keys {
                let mut last = None;
                for (origin, text) in recorded
                    .get(&(name.clone(), key.clone()))
                    .into_iter()
                    .flatten()
                {
                    match registry::date(text) {
                        Some(date) => last = last.max(Some(date)),
                        None => outcome.violations.push(invalid(
                            name,
                            key,
                            service.owner.as_deref(),
                            format!("its rotation date `{text}` in {origin} is not a date (hint: `2026-09-01`)"),
                        )),
                    }
                }
                let secret = Secret {
                    service: name,
                    key,
                    owner: service.owner.as_deref(),
                    schedule: service.schedule.as_deref().or(default_schedule),
                    last,
                };
                check(&secret, today, config.warn_within_days, &mut outcome);
            }
        }
        Ok(outcome)
    }
}

fn invalid(service: &str, key: &str, owner: Option<&str>, why: String) -> Violation {
    let secret = Secret {
        service,
        key,
        owner,
        schedule: None,
        last: None,
    };
    Violation::new(
        "invalid-entry",
        format!("{} cannot be checked: {why}", secret.name()),
    )
    .severity(Severity::High)
    .subject(format!("invalid:{service}.{key}"))
    .build()
}

/// Checks one secret against its schedule, adding a violation or a note.
fn check(secret: &Secret, today: NaiveDate, warn_within_days: u32, outcome: &mut Outcome) {
    let (service, key, owner) = (secret.service, secret.key, secret.owner);
    let Some(schedule) = secret.schedule else {
        outcome.violations.push(invalid(
            service,
            key,
            owner,
            "its service has no `rotation_schedule` (hint: set one, or `default-schedule`)"
                .to_owned(),
        ));
        return;
    };
    let Some(days) = registry::schedule(schedule) else {
        outcome.violations.push(invalid(
            service,
            key,
            owner,
            format!(
                "`rotation_schedule` `{schedule}` is not a schedule (hint: `90d`, `12w`, `1y`)"
            ),
        ));
        return;
    };
    let Some(last) = secret.last else {
        outcome.violations.push(
            Violation::new(
                "overdue",
                format!(
                    "{} has no recorded rotation (schedule {schedule}): counted as overdue",
                    secret.name()
                ),
            )
            .severity(Severity::High)
            .subject(format!("overdue:{service}.{key}:never"))
            .build(),
        );
        return;
    };
    let due = last + chrono::Duration::days(days);
    let left = (due - today).num_days();
    if left < 0 {
        outcome.violations.push(
            Violation::new(
                "overdue",
                format!(
                    "{} is overdue for rotation: last rotated {last}, schedule {schedule}, due {due} ({} ago)",
                    secret.name(),
                    days_text(-left)
                ),
            )
            .severity(Severity::High)
            .subject(format!("overdue:{service}.{key}:{last}"))
            .build(),
        );
    } else if left <= i64::from(warn_within_days) {
        let when = match left {
            0 => "today".to_owned(),
            1 => "tomorrow".to_owned(),
            _ => format!("in {}", days_text(left)),
        };
        outcome.notes.push(format!(
            "{} is due for rotation {when} ({due}; last rotated {last}, schedule {schedule})",
            secret.name()
        ));
    }
    if last > today {
        outcome.notes.push(format!(
            "{} has a rotation date in the future ({last})",
            secret.name()
        ));
    }
}

/// `1 day`, `67 days`.
fn days_text(days: i64) -> String {
    if days == 1 {
        "1 day".to_owned()
    } else {
        format!("{days} days")
    }
}

verdict_policy_sdk::export_policy!(SecretRotation);

#[cfg(test)]
mod tests;
