//! Days, hours and periods in a time zone: parsing the configuration's
//! words (`mon-thu`, `09:00-17:00`, `2026-12-20`) and turning local times
//! into instants, DST gaps and overlaps included.

use chrono::{DateTime, Datelike, Duration, LocalResult, NaiveDate, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;

/// Minutes in a day.
pub const DAY: u32 = 24 * 60;

const NAMES: [(&str, &str); 7] = [
    ("mon", "monday"),
    ("tue", "tuesday"),
    ("wed", "wednesday"),
    ("thu", "thursday"),
    ("fri", "friday"),
    ("sat", "saturday"),
    ("sun", "sunday"),
];

/// A set of weekdays, indexed from Monday.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Days([bool; 7]);

impl Days {
    /// Every day of the week.
    pub const ALL: Days = Days([true; 7]);

    /// `mon`, `monday`, ranges `mon-thu` (inclusive, wrapping: `fri-mon`).
    pub fn parse(words: &[String]) -> Result<Days, String> {
        let mut days = [false; 7];
        for word in words {
            let word = word.trim().to_ascii_lowercase();
            let (first, last) = match word.split_once('-') {
                Some((first, last)) => (day(first.trim())?, day(last.trim())?),
                None => (day(&word)?, day(&word)?),
            };
            let mut index = first;
            loop {
                days[index] = true;
                if index == last {
                    break;
                }
                index = (index + 1) % 7;
            }
        }
        Ok(Days(days))
    }

    /// Whether the day (0 = Monday) is in the set.
    pub fn contains(self, weekday: usize) -> bool {
        self.0[weekday % 7]
    }
}

fn day(word: &str) -> Result<usize, String> {
    NAMES
        .iter()
        .position(|(short, long)| word == *short || word == *long)
        .ok_or_else(|| {
            format!("`{word}` is not a day (hint: `mon`…`sun`, or a range such as `mon-thu`)")
        })
}

/// `HH:MM-HH:MM` in minutes of the day: the end is exclusive, `24:00` is the
/// end of the day, and an end at or before the start runs past midnight into
/// the next day (`22:00-02:00`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Hours {
    /// First minute.
    pub start: u32,
    /// First minute after, `DAY` at most.
    pub end: u32,
}

impl Hours {
    /// The whole day.
    pub const ALL: Hours = Hours { start: 0, end: DAY };

    /// Parses `09:00-17:00`.
    pub fn parse(text: &str) -> Result<Hours, String> {
        let invalid = || format!("`{text}` is not a range of hours (hint: `09:00-17:00`)");
        let (start, end) = text.split_once('-').ok_or_else(invalid)?;
        let start = minute(start.trim()).ok_or_else(invalid)?;
        let end = minute(end.trim()).ok_or_else(invalid)?;
        if start == end || start == DAY {
            return Err(format!("`{text}` is an empty range of hours"));
        }
        Ok(Hours { start, end })
    }

    /// Whether the window runs past midnight.
    pub fn wraps(self) -> bool {
        self.end <= self.start
    }
}

fn minute(text: &str) -> Option<u32> {
    let (hours, minutes) = text.split_once(':')?;
    if hours.len() != 2 || minutes.len() != 2 {
        return None;
    }
    let hours: u32 = hours.parse().ok()?;
    let minutes: u32 = minutes.parse().ok()?;
    match (hours, minutes) {
        (24, 0) => Some(DAY),
        (0..=23, 0..=59) => Some(hours * 60 + minutes),
        _ => None,
    }
}

/// A weekly window: on `days`, during `hours` (a window past midnight
/// belongs to the day it starts on).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Weekly {
    /// The days it starts on.
    pub days: Days,
    /// The hours.
    pub hours: Hours,
}

impl Weekly {
    /// Whether the local time falls in the window.
    pub fn contains(self, local: NaiveDateTime) -> bool {
        let weekday = local.weekday().num_days_from_monday() as usize;
        let minute = minute_of_day(local);
        let Hours { start, end } = self.hours;
        if self.hours.wraps() {
            (self.days.contains(weekday) && minute >= start)
                || (self.days.contains(weekday + 6) && minute < end)
        } else {
            self.days.contains(weekday) && minute >= start && minute < end
        }
    }
}

/// Minutes since local midnight.
pub fn minute_of_day(local: NaiveDateTime) -> u32 {
    let time = local.time();
    chrono::Timelike::hour(&time) * 60 + chrono::Timelike::minute(&time)
}

/// The instants a local time names: one, two in a DST overlap (earliest
/// first), and in a DST gap the moment the gap ends (the first local time
/// that exists after it), as clocks that skip from 02:00 to 03:00 show.
pub fn instants(zone: Tz, local: NaiveDateTime) -> Vec<DateTime<Utc>> {
    match zone.from_local_datetime(&local) {
        LocalResult::Single(instant) => vec![instant.with_timezone(&Utc)],
        LocalResult::Ambiguous(first, second) => {
            vec![first.with_timezone(&Utc), second.with_timezone(&Utc)]
        }
        LocalResult::None => (1..=24 * 60)
            .find_map(|minutes| {
                zone.from_local_datetime(&(local + Duration::minutes(minutes)))
                    .earliest()
            })
            .map(|instant| vec![instant.with_timezone(&Utc)])
            .unwrap_or_default(),
    }
}

/// The first instant a local time names.
pub fn first_instant(zone: Tz, local: NaiveDateTime) -> Option<DateTime<Utc>> {
    instants(zone, local).into_iter().next()
}

/// A freeze boundary: an RFC 3339 time with its offset, a local
/// `YYYY-MM-DDTHH:MM[:SS]`, or a local date, which means the start of that
/// day for `from` and the end of it (the next midnight) for `to`.
pub fn boundary(zone: Tz, text: &str, end_of_day: bool) -> Result<DateTime<Utc>, String> {
    let text = text.trim();
    if let Ok(instant) = DateTime::parse_from_rfc3339(text) {
        return Ok(instant.with_timezone(&Utc));
    }
    let local = ["%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
        .iter()
        .find_map(|format| NaiveDateTime::parse_from_str(text, format).ok())
        .or_else(|| {
            NaiveDate::parse_from_str(text, "%Y-%m-%d")
                .ok()
                .and_then(|date| {
                    if end_of_day {
                        date.succ_opt()
                    } else {
                        Some(date)
                    }
                })
                .and_then(|date| date.and_hms_opt(0, 0, 0))
        })
        .ok_or_else(|| {
            format!("`{text}` is not a date or time (hint: `2026-12-20`, `2026-12-20T18:00` or RFC 3339)")
        })?;
    first_instant(zone, local).ok_or_else(|| format!("`{text}` does not exist in the time zone"))
}

/// `Fri 2026-03-27 16:30 CET`.
pub fn show(zone: Tz, instant: DateTime<Utc>) -> String {
    instant
        .with_timezone(&zone)
        .format("%a %Y-%m-%d %H:%M %Z")
        .to_string()
}

/// `2 days 3 hours`, `45 minutes`: how long until `later`, to the minute.
pub fn wait(now: DateTime<Utc>, later: DateTime<Utc>) -> String {
    let minutes = (later - now).num_minutes().max(0);
    let (days, hours, minutes) = (minutes / DAY as i64, minutes / 60 % 24, minutes % 60);
    let parts: Vec<String> = [(days, "day"), (hours, "hour"), (minutes, "minute")]
        .into_iter()
        .filter(|(count, _)| *count > 0)
        .map(|(count, unit)| format!("{count} {unit}{}", if count == 1 { "" } else { "s" }))
        .collect();
    if parts.is_empty() {
        "less than a minute".to_owned()
    } else {
        parts.join(" ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn local(text: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M").unwrap()
    }

    #[test]
    fn days_parse_names_and_wrapping_ranges() {
        let days = Days::parse(&["Mon-thu".into()]).unwrap();
        assert_eq!(days, Days([true, true, true, true, false, false, false]));
        let days = Days::parse(&["fri-mon".into(), "wednesday".into()]).unwrap();
        assert_eq!(days, Days([true, false, true, false, true, true, true]));
        let error = Days::parse(&["fr".into()]).unwrap_err();
        assert!(error.contains("`fr` is not a day"), "{error}");
    }

    #[test]
    fn hours_parse_with_exclusive_ends_and_midnight() {
        assert_eq!(
            Hours::parse("09:00-17:30"),
            Ok(Hours {
                start: 540,
                end: 1050
            })
        );
        assert_eq!(Hours::parse("00:00-24:00"), Ok(Hours::ALL));
        assert!(Hours::parse("22:00-02:00").unwrap().wraps());
        for bad in [
            "9:00-17:00",
            "09:00",
            "09:00-09:00",
            "24:00-02:00",
            "10:60-11:00",
            "x",
        ] {
            assert!(Hours::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_window_past_midnight_belongs_to_the_day_it_starts_on() {
        let window = Weekly {
            days: Days::parse(&["fri".into()]).unwrap(),
            hours: Hours::parse("22:00-02:00").unwrap(),
        };
        // 2026-03-27 is a Friday.
        assert!(!window.contains(local("2026-03-27 21:59")));
        assert!(window.contains(local("2026-03-27 22:00")));
        assert!(window.contains(local("2026-03-28 01:59")));
        assert!(!window.contains(local("2026-03-28 02:00")));
        assert!(!window.contains(local("2026-03-27 01:00")));
    }

    #[test]
    fn local_times_in_dst_gaps_and_overlaps() {
        let berlin: Tz = "Europe/Berlin".parse().unwrap();
        // 2026-03-29: clocks skip from 02:00 CET to 03:00 CEST (01:00 UTC).
        assert_eq!(
            instants(berlin, local("2026-03-29 02:30")),
            [Utc.with_ymd_and_hms(2026, 3, 29, 1, 0, 0).unwrap()]
        );
        // 2026-10-25: 02:30 happens twice, at 00:30 and 01:30 UTC.
        assert_eq!(
            instants(berlin, local("2026-10-25 02:30")),
            [
                Utc.with_ymd_and_hms(2026, 10, 25, 0, 30, 0).unwrap(),
                Utc.with_ymd_and_hms(2026, 10, 25, 1, 30, 0).unwrap()
            ]
        );
    }

    #[test]
    fn freeze_boundaries_read_dates_as_whole_local_days() {
        let new_york: Tz = "America/New_York".parse().unwrap();
        let from = boundary(new_york, "2026-12-20", false).unwrap();
        let to = boundary(new_york, "2026-12-20", true).unwrap();
        assert_eq!(from, Utc.with_ymd_and_hms(2026, 12, 20, 5, 0, 0).unwrap());
        assert_eq!(to, Utc.with_ymd_and_hms(2026, 12, 21, 5, 0, 0).unwrap());
        let at = boundary(new_york, "2026-07-01T18:00", false).unwrap();
        assert_eq!(at, Utc.with_ymd_and_hms(2026, 7, 1, 22, 0, 0).unwrap());
        let at = boundary(new_york, "2026-07-01T18:00:00+02:00", false).unwrap();
        assert_eq!(at, Utc.with_ymd_and_hms(2026, 7, 1, 16, 0, 0).unwrap());
        assert!(boundary(new_york, "next friday", false).is_err());
    }

    #[test]
    fn waits_read_as_days_hours_and_minutes() {
        let now = Utc.with_ymd_and_hms(2026, 3, 27, 10, 0, 0).unwrap();
        assert_eq!(
            wait(now, now + Duration::minutes(2 * DAY as i64 + 61)),
            "2 days 1 hour 1 minute"
        );
        assert_eq!(wait(now, now + Duration::seconds(30)), "less than a minute");
    }
}
