//! Native tests of `deploy-window`. Expected instants are worked out by hand
//! from the zones' rules: Europe/Berlin moves to CEST on the last Sunday of
//! March (2026-03-29, 01:00 UTC) and back on the last Sunday of October
//! (2026-10-25, 01:00 UTC); America/New_York moves to EDT on the second
//! Sunday of March (2026-03-08, 07:00 UTC).

use super::*;
use verdict_policy_sdk::{MemoryEvidence, PullRequest, testing};

/// Seed 004 and 001: business hours Monday to Thursday, never on Fridays.
const BERLIN: &str = r#"{
    "timezone": "Europe/Berlin",
    "allow": [{"days": ["mon-thu"], "hours": "09:00-17:00"}],
    "deny": [{"days": ["fri"], "reason": "never deploy on Fridays"}],
    "emergency": {"labels": ["critical-security-fix"], "actors": ["release-manager"]}
}"#;

fn at(now: &str, environment: Option<&str>) -> Context {
    let parsed = DateTime::parse_from_rfc3339(now).unwrap();
    Context {
        environment: environment.map(Into::into),
        now: now.into(),
        now_unix: parsed.timestamp(),
        ..testing::context()
    }
}

fn evidence() -> MemoryEvidence {
    MemoryEvidence {
        consumes: Some(vec![Kind::PullRequests]),
        ..MemoryEvidence::default()
    }
}

fn pull_request(labels: &[&str]) -> PullRequest {
    PullRequest {
        source: 0,
        number: 42,
        author: "mallory".into(),
        base_branch: "main".into(),
        head_branch: "fix".into(),
        head_commit: None,
        labels: labels.iter().map(|label| (*label).to_owned()).collect(),
        files: vec![],
        reviews: vec![],
    }
}

fn run(config: &str, context: &Context) -> Outcome {
    testing::evaluate_in::<DeployWindow>(config, context, evidence()).unwrap()
}

fn rules(outcome: &Outcome) -> Vec<&str> {
    outcome.violations.iter().map(|v| v.rule.as_str()).collect()
}

#[test]
fn business_hours_on_a_weekday_pass() {
    // Thursday 09:30 CET.
    let outcome = run(BERLIN, &at("2026-03-26T08:30:00Z", Some("production")));
    assert!(outcome.passed(), "{:?}", outcome.violations);
    assert!(outcome.notes.is_empty());
    // 08:59 CET is before the window, 17:00 is its (exclusive) end.
    let early = run(BERLIN, &at("2026-03-26T07:59:00Z", None));
    assert_eq!(rules(&early), ["outside-window"]);
    let late = run(BERLIN, &at("2026-03-26T16:00:00Z", None));
    assert_eq!(rules(&late), ["outside-window"]);
}

#[test]
fn friday_is_denied_and_the_next_window_opens_after_the_dst_change() {
    // Friday 11:00 CET; the next window is Monday 09:00, which is CEST.
    let outcome = run(BERLIN, &at("2026-03-27T10:00:00Z", Some("production")));
    assert_eq!(rules(&outcome), ["outside-window", "denied"]);
    assert_eq!(
        outcome.violations[1].message,
        "no deploy to `production` until Mon 2026-03-30 09:00 CEST (in 2 days 21 hours): \
         Fri 2026-03-27 11:00 CET is in a denied window (fri all day: never deploy on Fridays)"
    );
    assert!(
        outcome.violations[0]
            .message
            .contains("11:00 CET is outside the allowed windows (mon-thu 09:00-17:00)")
    );
}

#[test]
fn the_next_window_in_new_york_skips_the_weekend_and_the_lost_hour() {
    let config = r#"{"timezone": "America/New_York", "allow": [{"days": ["mon-fri"], "hours": "09:00-17:00"}]}"#;
    // Saturday 10:00 EST; Monday 09:00 EDT is 13:00 UTC, 46 hours later.
    let outcome = run(config, &at("2026-03-07T15:00:00Z", None));
    assert_eq!(rules(&outcome), ["outside-window"]);
    assert!(
        outcome.violations[0]
            .message
            .starts_with("no deploy until Mon 2026-03-09 09:00 EDT (in 1 day 22 hours): "),
        "{}",
        outcome.violations[0].message
    );
}

#[test]
fn a_window_that_starts_in_the_spring_forward_gap_opens_when_the_gap_ends() {
    let config =
        r#"{"timezone": "Europe/Berlin", "allow": [{"days": ["sun"], "hours": "02:30-03:30"}]}"#;
    // 01:30 CET; 02:30 does not exist that night, so the window opens at 03:00 CEST.
    let outcome = run(config, &at("2026-03-29T00:30:00Z", None));
    assert!(
        outcome.violations[0]
            .message
            .contains("until Sun 2026-03-29 03:00 CEST (in 30 minutes):"),
        "{}",
        outcome.violations[0].message
    );
    // 03:10 CEST is inside the window.
    assert!(run(config, &at("2026-03-29T01:10:00Z", None)).passed());
}

#[test]
fn a_denied_hour_that_happens_twice_in_the_autumn_is_denied_both_times() {
    let config =
        r#"{"timezone": "Europe/Berlin", "deny": [{"days": ["sun"], "hours": "02:00-03:00"}]}"#;
    // 02:30 CEST, then 02:30 CET an hour later: both denied; 03:00 CET (02:00 UTC) opens.
    for now in ["2026-10-25T00:30:00Z", "2026-10-25T01:30:00Z"] {
        let outcome = run(config, &at(now, None));
        assert_eq!(rules(&outcome), ["denied"], "{now}");
        assert!(
            outcome.violations[0]
                .message
                .contains("until Sun 2026-10-25 03:00 CET"),
            "{}",
            outcome.violations[0].message
        );
    }
    assert!(run(config, &at("2026-10-25T02:00:00Z", None)).passed());
}

#[test]
fn a_freeze_blocks_through_its_last_day_and_names_its_reason() {
    let config = r#"{
        "timezone": "Europe/Berlin",
        "allow": [{"days": ["mon-thu"], "hours": "09:00-17:00"}],
        "freeze": [{"from": "2026-12-20", "to": "2027-01-04", "reason": "year-end freeze"}]
    }"#;
    let outcome = run(config, &at("2026-12-23T10:00:00Z", Some("production")));
    assert_eq!(rules(&outcome), ["freeze"]);
    assert_eq!(
        outcome.violations[0].message,
        "no deploy to `production` until Tue 2027-01-05 09:00 CET (in 12 days 22 hours): \
         Wed 2026-12-23 11:00 CET is in a freeze (year-end freeze, Sun 2026-12-20 00:00 CET to \
         Tue 2027-01-05 00:00 CET)"
    );
    // Monday 2027-01-04 is still frozen; Tuesday is not.
    assert_eq!(
        rules(&run(config, &at("2027-01-04T10:00:00Z", None))),
        ["freeze"]
    );
    assert!(run(config, &at("2027-01-05T10:00:00Z", None)).passed());
}

#[test]
fn rules_apply_per_environment() {
    let config = r#"{
        "timezone": "UTC",
        "deny": [{"days": ["fri"], "environments": ["production"]}],
        "freeze": [{"from": "2026-03-27", "to": "2026-03-27", "reason": "audit", "environments": ["staging"]}]
    }"#;
    let friday = "2026-03-27T10:00:00Z";
    assert_eq!(
        rules(&run(config, &at(friday, Some("production")))),
        ["denied"]
    );
    assert_eq!(
        rules(&run(config, &at(friday, Some("staging")))),
        ["freeze"]
    );
    assert!(run(config, &at(friday, Some("dev"))).passed());
    // Without an environment, only entries without `environments` apply, and a note says so.
    let outcome = run(config, &at(friday, None));
    assert!(outcome.passed());
    assert_eq!(
        outcome.notes,
        [
            "the run has no environment (`--env`): only the windows and freezes without `environments` apply"
        ]
    );
}

#[test]
fn an_emergency_label_or_actor_passes_with_a_note() {
    let friday = at("2026-03-27T10:00:00Z", Some("production"));
    let mut labelled = evidence();
    labelled.pull_requests = vec![pull_request(&["bug", "critical-security-fix"])];
    let outcome = testing::evaluate_in::<DeployWindow>(BERLIN, &friday, labelled).unwrap();
    assert!(outcome.passed());
    assert_eq!(
        outcome.notes,
        [
            "emergency deploy to `production` at Fri 2026-03-27 11:00 CET allowed by label \
          `critical-security-fix` on pull request #42, although it is outside the allowed windows \
          (mon-thu 09:00-17:00) and in a denied window (fri all day: never deploy on Fridays)"
        ]
    );
    let mut other = evidence();
    other.pull_requests = vec![pull_request(&["critical", "security-fix"])];
    let outcome = testing::evaluate_in::<DeployWindow>(BERLIN, &friday, other).unwrap();
    assert_eq!(rules(&outcome), ["outside-window", "denied"]);
    let by_actor = Context {
        actor: Some("release-manager".into()),
        ..friday.clone()
    };
    let outcome = run(BERLIN, &by_actor);
    assert!(outcome.notes[0].contains("the run's actor `release-manager` is an emergency actor"));
    let someone = Context {
        actor: Some("mallory".into()),
        ..friday
    };
    assert!(!run(BERLIN, &someone).passed());
}

#[test]
fn a_deploy_that_can_never_happen_says_so() {
    let config = r#"{"timezone": "UTC", "deny": [{"reason": "frozen for good"}]}"#;
    let outcome = run(config, &at("2026-03-27T10:00:00Z", None));
    assert!(outcome.violations[0].message.starts_with(
        "no deploy in the 400 days after the last freeze: Fri 2026-03-27 10:00 UTC is in"
    ));
}

#[test]
fn windows_past_midnight_open_at_their_start() {
    let config = r#"{"timezone": "UTC", "allow": [{"days": ["sat"], "hours": "22:00-02:00"}]}"#;
    assert!(run(config, &at("2026-03-29T01:00:00Z", None)).passed()); // Sunday 01:00
    let outcome = run(config, &at("2026-03-29T02:00:00Z", None));
    assert!(
        outcome.violations[0]
            .message
            .contains("until Sat 2026-04-04 22:00 UTC (in 6 days 20 hours):"),
        "{}",
        outcome.violations[0].message
    );
}

#[test]
fn fingerprints_do_not_change_with_the_time() {
    let a = run(BERLIN, &at("2026-03-27T10:00:00Z", Some("production")));
    let b = run(BERLIN, &at("2026-04-03T12:34:00Z", Some("production")));
    assert_eq!(testing::fingerprints(&a), testing::fingerprints(&b));
    let c = run(BERLIN, &at("2026-04-03T12:34:00Z", Some("staging")));
    assert_ne!(testing::fingerprints(&a), testing::fingerprints(&c));
}

#[test]
fn rejects_bad_configuration_by_field() {
    let cases = [
        (r#"{}"#, "timezone"),
        (
            r#"{"timezone": "Europe/Berlín"}"#,
            "`timezone`: `Europe/Berlín` is not an IANA time zone",
        ),
        (r#"{"timezone": "CEST"}"#, "not an IANA time zone"),
        (
            r#"{"timezone": "UTC", "allow": [{"days": ["fr"]}]}"#,
            "`allow[0]`: `fr` is not a day",
        ),
        (
            r#"{"timezone": "UTC", "deny": [{"hours": "9-17"}]}"#,
            "`deny[0]`: `9-17` is not a range of hours",
        ),
        (r#"{"timezone": "UTC", "allow": [{"days": []}]}"#, "days"),
        (
            r#"{"timezone": "UTC", "freeze": [{"from": "2026-12-20", "to": "2026-12-01", "reason": "x"}]}"#,
            "`freeze[0]`: `to` (2026-12-01) is not after `from` (2026-12-20)",
        ),
        (
            r#"{"timezone": "UTC", "freeze": [{"from": "2026-12-20", "to": "2026-12-21"}]}"#,
            "reason",
        ),
        (
            r#"{"timezone": "UTC", "freeze": [{"from": "soon", "to": "2026-12-21", "reason": "x"}]}"#,
            "`soon`",
        ),
        (
            r#"{"timezone": "UTC", "emergency": {"label": ["x"]}}"#,
            "label",
        ),
    ];
    for (config, expected) in cases {
        let error = testing::evaluate_in::<DeployWindow>(
            config,
            &at("2026-03-27T10:00:00Z", None),
            evidence(),
        )
        .unwrap_err();
        assert!(error.message().contains(expected), "{config}: {error}");
    }
}
