//! Reading the service registry (`integration_registry.json`) and the
//! last-rotation dates, both `documents` evidence.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate};
use verdict_policy_sdk::Error;
use verdict_policy_sdk::serde_json::{Map, Value};

/// A secret: its service and key.
pub type SecretId = (String, String);

/// The services of a registry, by name, in the document's order.
pub type Services = Vec<(String, Service)>;

/// One service of the registry.
#[derive(Debug, Default)]
pub struct Service {
    /// The secrets' names.
    pub secret_keys: Vec<String>,
    /// `rotation_schedule` as written (`90d`).
    pub schedule: Option<String>,
    /// The team or person that owns it.
    pub owner: Option<String>,
    /// Last rotations recorded in the registry itself, by key.
    pub last_rotated: BTreeMap<String, String>,
}

/// The services of one registry document: its `services` object when it has
/// one, else the document itself; entries that are not objects are not
/// services and are returned by name.
pub fn services(path: &str, document: &Value) -> Result<(Services, Vec<String>), Error> {
    let invalid = |what: String| Error::new(format!("registry `{path}`: {what}"));
    let root = document
        .as_object()
        .ok_or_else(|| invalid("expected an object of services".to_owned()))?;
    let entries = match root.get("services") {
        Some(Value::Object(services)) => services,
        _ => root,
    };
    let mut services = Vec::new();
    let mut skipped = Vec::new();
    for (name, entry) in entries {
        let Value::Object(entry) = entry else {
            skipped.push(name.clone());
            continue;
        };
        let at = |field: &str, expected: &str| {
            invalid(format!("service `{name}`: `{field}` must be {expected}"))
        };
        let secret_keys = match entry.get("secret_keys") {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(keys)) => keys
                .iter()
                .map(|key| key.as_str().map(str::to_owned))
                .collect::<Option<Vec<_>>>()
                .ok_or_else(|| at("secret_keys", "a list of names"))?,
            Some(_) => return Err(at("secret_keys", "a list of names")),
        };
        let text = |field: &str| match entry.get(field) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(text)) => Ok(Some(text.clone())),
            Some(_) => Err(at(field, "a string")),
        };
        let last_rotated = match entry.get("last_rotated") {
            None | Some(Value::Null) => BTreeMap::new(),
            Some(Value::String(date)) => secret_keys
                .iter()
                .map(|key| (key.clone(), date.clone()))
                .collect(),
            Some(Value::Object(dates)) => strings(dates)
                .ok_or_else(|| at("last_rotated", "a date or an object of dates by key"))?,
            Some(_) => return Err(at("last_rotated", "a date or an object of dates by key")),
        };
        services.push((
            name.clone(),
            Service {
                secret_keys,
                schedule: text("rotation_schedule")?,
                owner: text("owner")?,
                last_rotated,
            },
        ));
    }
    Ok((services, skipped))
}

fn strings(map: &Map<String, Value>) -> Option<BTreeMap<String, String>> {
    map.iter()
        .map(|(key, value)| value.as_str().map(|text| (key.clone(), text.to_owned())))
        .collect()
}

/// Last rotations by `(service, key)`: `{ "service.key": "2026-09-01" }` or
/// `{ "service": { "key": "2026-09-01" } }`, mixed as you like.
pub fn rotations(path: &str, document: &Value) -> Result<Vec<(SecretId, String)>, Error> {
    let invalid = |what: String| Error::new(format!("rotations `{path}`: {what}"));
    let root = document
        .as_object()
        .ok_or_else(|| invalid("expected an object of dates".to_owned()))?;
    let mut dates = Vec::new();
    for (name, value) in root {
        match value {
            Value::String(date) => {
                let (service, key) = name
                    .split_once('.')
                    .ok_or_else(|| invalid(format!("`{name}` is not `service.key`")))?;
                dates.push(((service.to_owned(), key.to_owned()), date.clone()));
            }
            Value::Object(keys) => {
                let keys = strings(keys)
                    .ok_or_else(|| invalid(format!("`{name}` must map keys to dates")))?;
                dates.extend(
                    keys.into_iter()
                        .map(|(key, date)| ((name.clone(), key), date)),
                );
            }
            _ => {
                return Err(invalid(format!(
                    "`{name}` must be a date or an object of dates by key"
                )));
            }
        }
    }
    Ok(dates)
}

/// `2026-09-01`, or an RFC 3339 time (its UTC date).
pub fn date(text: &str) -> Option<NaiveDate> {
    let text = text.trim();
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .or_else(|| {
            DateTime::parse_from_rfc3339(text)
                .ok()
                .map(|time| time.to_utc().date_naive())
        })
}

/// `90d`, `12w`, `1y` (365 days) in days.
pub fn schedule(text: &str) -> Option<i64> {
    let text = text.trim();
    let unit = text.chars().last()?;
    let count: i64 = text[..text.len() - unit.len_utf8()].parse().ok()?;
    let days = match unit {
        'd' => count,
        'w' => count.checked_mul(7)?,
        'y' => count.checked_mul(365)?,
        _ => return None,
    };
    (1..=36_500).contains(&days).then_some(days)
}

#[cfg(test)]
mod tests {
    use super::*;
    use verdict_policy_sdk::serde_json::json;

    #[test]
    fn schedules_in_days_weeks_and_years() {
        assert_eq!(schedule("90d"), Some(90));
        assert_eq!(schedule(" 12w "), Some(84));
        assert_eq!(schedule("1y"), Some(365));
        for bad in ["90", "3m", "0d", "-5d", "d", "", "90 days", "999999y"] {
            assert_eq!(schedule(bad), None, "{bad}");
        }
    }

    #[test]
    fn dates_are_days_or_rfc3339_times() {
        assert_eq!(date("2026-09-01"), NaiveDate::from_ymd_opt(2026, 9, 1));
        assert_eq!(
            date("2026-09-01T23:30:00-02:00"),
            NaiveDate::from_ymd_opt(2026, 9, 2)
        );
        assert_eq!(date("01/09/2026"), None);
    }

    #[test]
    fn a_registry_may_wrap_its_services_and_skips_entries_that_are_not_services() {
        let document =
            json!({"services": {"a": {"secret_keys": ["k"], "last_rotated": "2026-01-01"}}});
        let (found, skipped) = services("r.json", &document).unwrap();
        assert_eq!(found[0].0, "a");
        assert_eq!(found[0].1.last_rotated["k"], "2026-01-01");
        assert!(skipped.is_empty());
        let document = json!({"version": "2", "a": {"secret_keys": ["k"], "owner": "team"}});
        let (found, skipped) = services("r.json", &document).unwrap();
        assert_eq!(found.len(), 1);
        assert_eq!(skipped, ["version"]);
        let error = services("r.json", &json!({"a": {"secret_keys": "k"}})).unwrap_err();
        assert_eq!(
            error.message(),
            "registry `r.json`: service `a`: `secret_keys` must be a list of names"
        );
    }

    #[test]
    fn rotations_are_flat_or_nested() {
        let document = json!({"a.k": "2026-01-01", "b": {"x.y": "2026-02-01"}});
        let dates = rotations("d.json", &document).unwrap();
        assert_eq!(
            dates,
            [
                (("a".into(), "k".into()), "2026-01-01".into()),
                (("b".into(), "x.y".into()), "2026-02-01".into())
            ]
        );
        assert!(rotations("d.json", &json!({"nodot": "2026-01-01"})).is_err());
        assert!(rotations("d.json", &json!([])).is_err());
    }
}
