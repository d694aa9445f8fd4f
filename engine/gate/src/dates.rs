//! Calendar days in the gate file (`expires`, `effective-from`), compared
//! with the run's `now` in UTC.

use chrono::NaiveDate;
use std::fmt;

/// A calendar day.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Day(NaiveDate);

impl Day {
    /// Parses `YYYY-MM-DD`.
    pub fn parse(text: &str) -> Option<Day> {
        NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
            .ok()
            .map(Day)
    }

    /// The UTC day of an RFC 3339 time (the run's `now`).
    pub fn of_rfc3339(now: &str) -> Option<Day> {
        chrono::DateTime::parse_from_rfc3339(now)
            .ok()
            .map(|time| Day(time.with_timezone(&chrono::Utc).date_naive()))
    }
}

impl fmt::Display for Day {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0.format("%Y-%m-%d"))
    }
}

/// A day written in TOML either as a date (`2027-01-31`) or as a string
/// (`"2027-01-31"`); a date-time or anything else is not a day.
pub(crate) fn day_of(value: &toml::Value) -> Option<Day> {
    match value {
        toml::Value::String(text) => Day::parse(text),
        toml::Value::Datetime(datetime) if datetime.time.is_none() && datetime.offset.is_none() => {
            Day::parse(&datetime.to_string())
        }
        _ => None,
    }
}
