//! `ignore` entries: which apply, which expired, which matched nothing.

use serde::Deserialize;
use verdict_policy_sdk::Error;
use verdict_policy_sdk::schemars::JsonSchema;

/// An advisory accepted on purpose.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(crate = "verdict_policy_sdk::schemars")]
pub struct Ignore {
    /// Advisory id or alias (`RUSTSEC-2020-0071`, `CVE-2020-26235`, `GHSA-…`),
    /// compared without regard to case.
    #[schemars(length(min = 1))]
    pub id: String,
    /// Why it is accepted.
    #[schemars(length(min = 1))]
    pub reason: String,
    /// The last day the entry applies (`YYYY-MM-DD`, UTC); after it the
    /// advisory counts again and the outcome says the entry expired.
    #[serde(default)]
    pub expires: Option<String>,
}

/// The checked entries, with what each matched.
pub struct Ignores<'c> {
    entries: Vec<Entry<'c>>,
}

struct Entry<'c> {
    ignore: &'c Ignore,
    id: String,
    expired: bool,
    matched: bool,
}

impl<'c> Ignores<'c> {
    /// Checks every entry; `today` is the run's date (`YYYY-MM-DD`).
    pub fn new(ignores: &'c [Ignore], today: &str) -> Result<Self, Error> {
        let mut entries = Vec::new();
        for (index, ignore) in ignores.iter().enumerate() {
            if ignore.id.trim().is_empty() || ignore.reason.trim().is_empty() {
                return Err(Error::new(format!(
                    "invalid configuration at `ignore[{index}]`: `id` and `reason` must not be empty"
                )));
            }
            let expired = match &ignore.expires {
                None => false,
                Some(expires) => {
                    let day = date_of(expires).ok_or_else(|| {
                        Error::new(format!(
                            "invalid configuration at `ignore[{index}].expires`: `{expires}` is not a date (`YYYY-MM-DD`)"
                        ))
                    })?;
                    today > day
                }
            };
            entries.push(Entry {
                ignore,
                id: ignore.id.trim().to_ascii_uppercase(),
                expired,
                matched: false,
            });
        }
        Ok(Ignores { entries })
    }

    /// Whether an unexpired entry names one of `ids` (uppercase). Every
    /// entry naming one, expired or not, is marked as used.
    pub fn applies(&mut self, ids: &[String]) -> bool {
        let mut applies = false;
        for entry in &mut self.entries {
            if ids.contains(&entry.id) {
                entry.matched = true;
                applies |= !entry.expired;
            }
        }
        applies
    }

    /// Notes for expired entries and for entries that matched nothing.
    pub fn notes(&self) -> Vec<String> {
        let mut notes = Vec::new();
        for entry in &self.entries {
            let id = entry.ignore.id.trim();
            if entry.expired {
                notes.push(format!(
                    "ignore entry `{id}` expired on {}: it no longer applies",
                    entry.ignore.expires.as_deref().unwrap_or_default()
                ));
            } else if !entry.matched {
                notes.push(format!(
                    "ignore entry `{id}` is stale: no vulnerability in the evidence has that id or alias"
                ));
            }
        }
        notes
    }
}

/// The `YYYY-MM-DD` date of a date or RFC 3339 date-time.
pub fn date_of(text: &str) -> Option<&str> {
    let text = text.trim();
    let day = text.get(..10)?;
    let rest = &text[10..];
    if !(rest.is_empty() || rest.starts_with(['T', 't', ' '])) {
        return None;
    }
    let bytes = day.as_bytes();
    let digits = |range: std::ops::Range<usize>| bytes[range].iter().all(u8::is_ascii_digit);
    if bytes[4] != b'-' || bytes[7] != b'-' || !digits(0..4) || !digits(5..7) || !digits(8..10) {
        return None;
    }
    let month: u32 = day[5..7].parse().ok()?;
    let date: u32 = day[8..10].parse().ok()?;
    ((1..=12).contains(&month) && (1..=31).contains(&date)).then_some(day)
}

#[cfg(test)]
mod tests {
    use super::date_of;

    #[test]
    fn dates_and_date_times_give_their_day() {
        assert_eq!(date_of("2026-03-01"), Some("2026-03-01"));
        assert_eq!(date_of("2026-03-01T10:00:00Z"), Some("2026-03-01"));
        assert_eq!(date_of("2026-13-01"), None);
        assert_eq!(date_of("2026-3-1"), None);
        assert_eq!(date_of("next week"), None);
        assert_eq!(date_of("2026-03-01x"), None);
    }
}
