use super::*;
use verdict_policy_sdk::{MemoryEvidence, PastPolicy, testing};

fn past(seq: u64, branch: &str, decision: PastDecision) -> PastVerdict {
    PastVerdict {
        seq,
        time: format!("2026-11-{:02}T10:00:00Z", seq.min(28)),
        time_unix: 1_795_000_000 + seq as i64,
        repository: Some("acme/app".into()),
        commit: None,
        branch: Some(branch.into()),
        target_branch: None,
        environment: None,
        version: None,
        actor: None,
        event: Some("push".into()),
        decision,
        policies: vec![],
    }
}

fn deploy(seq: u64, decision: PastDecision) -> PastVerdict {
    PastVerdict {
        environment: Some("production".into()),
        event: Some("deploy".into()),
        ..past(seq, "main", decision)
    }
}

fn pull_request(seq: u64, decision: PastDecision) -> PastVerdict {
    PastVerdict {
        branch: Some("feature/x".into()),
        target_branch: Some("main".into()),
        event: Some("pull-request".into()),
        ..past(seq, "main", decision)
    }
}

fn evaluate(config: &str, history: Vec<PastVerdict>) -> Result<Outcome, Error> {
    let context = Context {
        environment: Some("production".into()),
        branch: Some("main".into()),
        ..testing::context()
    };
    let evidence = MemoryEvidence {
        history,
        consumes: Some(vec![Kind::History]),
        ..MemoryEvidence::default()
    };
    testing::evaluate_in::<QualityHistory>(config, &context, evidence)
}

use PastDecision::{Error as Errored, Fail, Pass, Skipped, Warn};

#[test]
fn three_failed_runs_in_a_row_on_main_block() {
    let history = vec![
        past(4, "main", Fail),
        past(3, "main", Errored),
        past(2, "main", Fail),
        past(1, "main", Pass),
    ];
    let outcome = evaluate("{}", history).unwrap();
    assert_eq!(outcome.violations.len(), 1);
    let violation = &outcome.violations[0];
    assert_eq!(violation.rule, "consecutive-failures");
    assert_eq!(
        violation.message,
        "the last 3 runs on branch `main` without an environment failed (#4 fail at 2026-11-04T10:00:00Z, #3 error at 2026-11-03T10:00:00Z, #2 fail at 2026-11-02T10:00:00Z), at most 3 allowed; the run before them did not fail: #1 pass at 2026-11-01T10:00:00Z: blocked until a run there passes"
    );
}

#[test]
fn a_passing_run_breaks_the_streak() {
    let history = vec![
        past(5, "main", Pass),
        past(4, "main", Fail),
        past(3, "main", Fail),
        past(2, "main", Fail),
    ];
    let outcome = evaluate("{}", history).unwrap();
    assert!(outcome.passed());
    assert_eq!(
        outcome.notes,
        [
            "the last run on branch `main` without an environment did not fail: #5 pass at 2026-11-05T10:00:00Z"
        ]
    );
    // Two failures since: a note shows the streak, still a pass.
    let history = vec![
        past(7, "main", Fail),
        past(6, "main", Fail),
        past(5, "main", Warn),
    ];
    let outcome = evaluate("{}", history).unwrap();
    assert!(outcome.passed());
    assert!(
        outcome.notes[0].starts_with("2 consecutive failed run(s) on branch `main`"),
        "{:?}",
        outcome.notes
    );
}

#[test]
fn other_branches_deploys_and_pull_requests_do_not_count() {
    let history = vec![
        past(9, "develop", Pass),
        deploy(8, Pass),
        pull_request(7, Pass),
        past(6, "main", Fail),
        past(5, "main", Fail),
        past(4, "main", Fail),
    ];
    assert_eq!(evaluate("{}", history.clone()).unwrap().violations.len(), 1);
    // Pull requests into main count when asked for: #7 passed.
    let with_prs = evaluate(r#"{"include-pull-requests": true}"#, history.clone()).unwrap();
    assert!(with_prs.passed());
    // Deploy runs count when their environment is listed.
    let deploys = evaluate(r#"{"environments": ["prod*"]}"#, history.clone()).unwrap();
    assert!(deploys.passed());
    assert_eq!(
        deploys.notes,
        [
            "the last run on branch `main` in environment `prod*` did not fail: #8 pass at 2026-11-08T10:00:00Z"
        ]
    );
    // A branch glob.
    let history = vec![
        past(3, "release/1.2", Fail),
        past(2, "release/1.3", Fail),
        past(1, "release/1.3/x", Pass),
    ];
    let outcome = evaluate(
        r#"{"branch": "release/*", "max-consecutive-failures": 2}"#,
        history,
    )
    .unwrap();
    assert_eq!(outcome.violations.len(), 1);
}

#[test]
fn the_default_branch_is_the_runs_target_branch_then_its_branch() {
    let history = vec![past(2, "develop", Fail), past(1, "develop", Fail)];
    let limit_two = r#"{"max-consecutive-failures": 2}"#;
    // The context's branch is `main`: develop's failures do not count.
    assert!(evaluate(limit_two, history.clone()).unwrap().passed());
    let context = Context {
        branch: Some("feature/x".into()),
        target_branch: Some("develop".into()),
        ..testing::context()
    };
    let evidence = MemoryEvidence {
        history: history.clone(),
        ..MemoryEvidence::default()
    };
    let outcome = testing::evaluate_in::<QualityHistory>(limit_two, &context, evidence).unwrap();
    assert_eq!(outcome.violations.len(), 1);
    // The run's own branch is compared exactly, never read as a glob.
    let literal = vec![past(2, "rel[1", Fail), past(1, "rel[1", Fail)];
    let context = Context {
        branch: Some("rel[1".into()),
        ..testing::context()
    };
    let evidence = MemoryEvidence {
        history: literal,
        ..MemoryEvidence::default()
    };
    let outcome = testing::evaluate_in::<QualityHistory>(limit_two, &context, evidence).unwrap();
    assert_eq!(outcome.violations.len(), 1);
    let context = Context {
        branch: Some("rel*".into()),
        ..testing::context()
    };
    let evidence = MemoryEvidence {
        history: vec![past(2, "rel1", Fail), past(1, "rel1", Fail)],
        ..MemoryEvidence::default()
    };
    let outcome = testing::evaluate_in::<QualityHistory>(limit_two, &context, evidence).unwrap();
    assert!(outcome.passed());
    let evidence = MemoryEvidence {
        history,
        ..MemoryEvidence::default()
    };
    let error = testing::evaluate_in::<QualityHistory>(limit_two, &testing::context(), evidence)
        .unwrap_err();
    assert!(error.message().contains("`branch`"), "{error}");
}

#[test]
fn skipped_runs_neither_extend_nor_break_a_streak() {
    let history = vec![
        past(4, "main", Fail),
        past(3, "main", Skipped),
        past(2, "main", Fail),
        past(1, "main", Fail),
    ];
    assert_eq!(evaluate("{}", history.clone()).unwrap().violations.len(), 1);
    // `count` decides what fails: only errors here.
    let outcome = evaluate(r#"{"count": ["error"]}"#, history).unwrap();
    assert!(outcome.passed());
}

#[test]
fn listed_policies_decide_and_runs_without_them_are_left_out() {
    let with = |seq, sast: PastDecision, decision| PastVerdict {
        policies: vec![
            PastPolicy {
                id: "sast".into(),
                decision: sast,
            },
            PastPolicy {
                id: "lint".into(),
                decision: Fail,
            },
        ],
        ..past(seq, "main", decision)
    };
    let history = vec![
        with(4, Fail, Fail),
        past(3, "main", Pass), // no `sast` in that run: left out
        with(2, Errored, Fail),
        with(1, Pass, Fail),
    ];
    let config = r#"{"policies": ["sast"], "max-consecutive-failures": 2}"#;
    let outcome = evaluate(config, history.clone()).unwrap();
    assert_eq!(outcome.violations.len(), 1);
    assert!(
        outcome.violations[0]
            .message
            .contains("(policies `sast`) failed (#4 fail"),
        "{}",
        outcome.violations[0].message
    );
    // By the runs' own decision, #3 passed.
    let outcome = evaluate(r#"{"max-consecutive-failures": 2}"#, history).unwrap();
    assert!(outcome.passed());
}

#[test]
fn an_empty_history_passes_with_a_note() {
    let outcome = evaluate("{}", vec![]).unwrap();
    assert!(outcome.passed());
    assert_eq!(
        outcome.notes,
        ["no earlier run on branch `main` without an environment in the ledger's history"]
    );
}

#[test]
fn a_longer_streak_lists_five_runs_and_keeps_its_fingerprint() {
    let history: Vec<PastVerdict> = (1..=8).rev().map(|seq| past(seq, "main", Fail)).collect();
    let outcome = evaluate("{}", history.clone()).unwrap();
    let message = &outcome.violations[0].message;
    assert!(message.starts_with("the last 8 runs"), "{message}");
    assert!(
        message.contains("#4 fail at 2026-11-04T10:00:00Z, and 3 more"),
        "{message}"
    );
    // One more failure: the same streak, the same fingerprint (a waiver
    // keeps applying); a new streak after a pass gets a new one.
    let mut longer = history.clone();
    longer.insert(0, past(9, "main", Fail));
    let again = evaluate("{}", longer).unwrap();
    assert_eq!(
        testing::fingerprints(&outcome),
        testing::fingerprints(&again)
    );
    let mut newer: Vec<PastVerdict> = (10..=12).rev().map(|seq| past(seq, "main", Fail)).collect();
    newer.push(past(9, "main", Pass));
    newer.extend(history);
    let other = evaluate("{}", newer).unwrap();
    assert_ne!(
        testing::fingerprints(&outcome),
        testing::fingerprints(&other)
    );
}

#[test]
fn rejects_bad_configuration_by_field() {
    let cases = [
        (
            r#"{"max-consecutive-failures": 0}"#,
            "max-consecutive-failures",
        ),
        (
            r#"{"max-consecutive-failures": 101}"#,
            "max-consecutive-failures",
        ),
        (r#"{"count": []}"#, "count"),
        (r#"{"count": ["failed"]}"#, "count"),
        (r#"{"branch": ""}"#, "branch"),
        (r#"{"branch": "release/[a"}"#, "`release/[a`"),
        (r#"{"environments": []}"#, "environments"),
        (r#"{"brnach": "main"}"#, "brnach"),
    ];
    for (config, expected) in cases {
        let error = evaluate(config, vec![]).unwrap_err();
        assert!(error.message().contains(expected), "{config}: {error}");
    }
}
