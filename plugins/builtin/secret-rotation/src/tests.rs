//! Native tests of `secret-rotation` over the fixture registry (seed 000's
//! shape). Expected dates were worked out apart from the policy (a short
//! Python script over the two JSON files, at 2026-11-20).

use super::*;
use verdict_policy_sdk::{Document, MemoryEvidence, Source, testing};

const REGISTRY: &str =
    include_str!("../../../../fixtures/secret-rotation/integration_registry.json");
const ROTATIONS: &str = include_str!("../../../../fixtures/secret-rotation/secret-rotations.json");

const WITH_ROTATIONS: &str = r#"{"rotations": "**/secret-rotations.json"}"#;

fn document(index: u32, path: &str, json: &str) -> (Source, Document) {
    (
        Source {
            path: path.into(),
            format: "json".into(),
            sha256: String::new(),
            tool: None,
            kinds: vec![Kind::Documents],
        },
        Document {
            source: index,
            json: json.into(),
        },
    )
}

fn evidence(files: &[(&str, &str)]) -> MemoryEvidence {
    let (sources, documents) = files
        .iter()
        .enumerate()
        .map(|(index, (path, json))| document(index as u32, path, json))
        .unzip();
    MemoryEvidence {
        sources,
        documents,
        consumes: Some(vec![Kind::Documents]),
        ..MemoryEvidence::default()
    }
}

fn fixtures() -> MemoryEvidence {
    evidence(&[
        ("/ci/infrastructure/integration_registry.json", REGISTRY),
        ("/ci/secret-rotations.json", ROTATIONS),
    ])
}

fn on(day: &str) -> Context {
    let now = format!("{day}T12:00:00Z");
    Context {
        now_unix: DateTime::parse_from_rfc3339(&now).unwrap().timestamp(),
        now,
        ..testing::context()
    }
}

fn run(config: &str, day: &str, evidence: MemoryEvidence) -> Result<Outcome, Error> {
    testing::evaluate_in::<SecretRotation>(config, &on(day), evidence)
}

fn messages(outcome: &Outcome) -> Vec<&str> {
    outcome
        .violations
        .iter()
        .map(|v| v.message.as_str())
        .collect()
}

#[test]
fn overdue_and_never_rotated_secrets_fail_naming_service_key_and_owner() {
    let outcome = run(WITH_ROTATIONS, "2026-11-20", fixtures()).unwrap();
    assert_eq!(
        messages(&outcome),
        [
            "secret `ssh_private_key` of service `lambda_labs` (owner `platform-team`) is overdue for rotation: \
             last rotated 2026-08-15, schedule 30d, due 2026-09-14 (67 days ago)",
            "secret `bot_token` of service `slack` (owner `communication-team`) has no recorded rotation \
             (schedule 180d): counted as overdue",
        ]
    );
    assert!(outcome.violations.iter().all(|v| v.rule == "overdue"));
}

#[test]
fn secrets_due_soon_are_notes() {
    let outcome = run(WITH_ROTATIONS, "2026-11-20", fixtures()).unwrap();
    assert_eq!(
        outcome.notes,
        [
            "rotation dates recorded for secrets the registry does not list: `retired_service.api_key`",
            "secret `api_key` of service `lambda_labs` (owner `platform-team`) is due for rotation in 11 days \
             (2026-12-01; last rotated 2026-11-01, schedule 30d)",
            "secret `api_key` of service `openai` (owner `ai-team`) is due for rotation in 10 days \
             (2026-11-30; last rotated 2026-09-01, schedule 90d)",
            "secret `webhook_url` of service `slack` (owner `communication-team`) is due for rotation in 8 days \
             (2026-11-28; last rotated 2026-06-01, schedule 180d)",
        ]
    );
    let outcome = run(
        r#"{"rotations": "**/secret-rotations.json", "warn-within-days": 9}"#,
        "2026-11-20",
        fixtures(),
    )
    .unwrap();
    assert_eq!(outcome.notes.len(), 2);
}

#[test]
fn the_day_a_secret_is_due_it_is_a_note_and_the_day_after_a_failure() {
    let registry = r#"{"svc": {"secret_keys": ["k"], "rotation_schedule": "2w", "owner": "o", "last_rotated": "2026-01-01"}}"#;
    let files = [("integration_registry.json", registry)];
    let outcome = run("{}", "2026-01-15", evidence(&files)).unwrap();
    assert!(outcome.passed());
    assert!(
        outcome.notes[0].contains("is due for rotation today (2026-01-15"),
        "{:?}",
        outcome.notes
    );
    let outcome = run("{}", "2026-01-16", evidence(&files)).unwrap();
    assert!(
        outcome.violations[0]
            .message
            .ends_with("due 2026-01-15 (1 day ago)")
    );
}

#[test]
fn without_rotation_dates_every_secret_is_overdue() {
    let outcome = run("{}", "2026-11-20", fixtures()).unwrap();
    // Only github records its rotation in the registry itself.
    assert_eq!(outcome.violations.len(), 7);
    assert!(
        outcome
            .violations
            .iter()
            .all(|v| v.message.contains("no recorded rotation"))
    );
}

#[test]
fn the_latest_recorded_date_counts() {
    let registry = r#"{"svc": {"secret_keys": ["a", "b"], "rotation_schedule": "30d", "owner": "o",
        "last_rotated": {"a": "2026-01-01", "b": "2026-03-01"}}}"#;
    let rotations = r#"{"svc": {"a": "2026-03-01"}, "svc.b": "2026-01-01"}"#;
    let files = [
        ("integration_registry.json", registry),
        ("rotations.json", rotations),
    ];
    let outcome = run(
        r#"{"rotations": "rotations.json"}"#,
        "2026-03-20",
        evidence(&files),
    )
    .unwrap();
    assert!(outcome.passed(), "{:?}", outcome.violations);
}

#[test]
fn unreadable_entries_fail_closed() {
    let registry = r#"{
        "a": {"secret_keys": ["k"], "owner": "o", "last_rotated": "2026-01-01"},
        "b": {"secret_keys": ["k"], "rotation_schedule": "quarterly", "last_rotated": "2026-01-01"},
        "c": {"secret_keys": ["k"], "rotation_schedule": "90d", "last_rotated": "01/02/2026"}
    }"#;
    let outcome = run(
        "{}",
        "2026-01-02",
        evidence(&[("integration_registry.json", registry)]),
    )
    .unwrap();
    assert_eq!(
        messages(&outcome),
        [
            "secret `k` of service `a` (owner `o`) cannot be checked: its service has no `rotation_schedule` \
             (hint: set one, or `default-schedule`)",
            "secret `k` of service `b` (owner unknown) cannot be checked: `rotation_schedule` `quarterly` is not \
             a schedule (hint: `90d`, `12w`, `1y`)",
            "secret `k` of service `c` (owner unknown) cannot be checked: its rotation date `01/02/2026` in the \
             registry is not a date (hint: `2026-09-01`)",
            "secret `k` of service `c` (owner unknown) has no recorded rotation (schedule 90d): counted as overdue",
        ]
    );
    let outcome = run(
        r#"{"default-schedule": "90d"}"#,
        "2026-01-02",
        evidence(&[("integration_registry.json", registry)]),
    )
    .unwrap();
    assert_eq!(outcome.violations.len(), 3);
}

#[test]
fn documents_are_selected_by_path_and_must_be_there() {
    let error = run(
        WITH_ROTATIONS,
        "2026-11-20",
        evidence(&[("/ci/other.json", REGISTRY)]),
    )
    .unwrap_err();
    assert!(
        error
            .message()
            .starts_with("no input document matches `registry` (`**/integration_registry.json`)"),
        "{error}"
    );
    let only_registry = evidence(&[("/ci/infrastructure/integration_registry.json", REGISTRY)]);
    let error = run(WITH_ROTATIONS, "2026-11-20", only_registry).unwrap_err();
    assert!(error.message().contains("`rotations`"), "{error}");
    let twice = evidence(&[
        ("a/integration_registry.json", REGISTRY),
        ("b/integration_registry.json", REGISTRY),
    ]);
    let error = run("{}", "2026-11-20", twice).unwrap_err();
    assert!(error.message().contains("defined twice"), "{error}");
}

#[test]
fn fingerprints_change_with_a_new_rotation_not_with_the_day() {
    let a = run(WITH_ROTATIONS, "2026-11-20", fixtures()).unwrap();
    let b = run(WITH_ROTATIONS, "2026-11-27", fixtures()).unwrap();
    assert_eq!(testing::fingerprints(&a), testing::fingerprints(&b));
    let rotated = ROTATIONS.replace("2026-08-15", "2026-08-16");
    let files = [
        ("/ci/integration_registry.json", REGISTRY),
        ("/ci/secret-rotations.json", rotated.as_str()),
    ];
    let c = run(WITH_ROTATIONS, "2026-11-20", evidence(&files)).unwrap();
    assert_ne!(testing::fingerprints(&a)[0], testing::fingerprints(&c)[0]);
    assert_eq!(testing::fingerprints(&a)[1], testing::fingerprints(&c)[1]);
}

#[test]
fn rejects_bad_configuration_by_field() {
    let cases = [
        (r#"{"registry": "[x"}"#, "`registry`"),
        (r#"{"default-schedule": "3m"}"#, "`default-schedule`"),
        (r#"{"warn-within-days": -1}"#, "warn-within-days"),
        (r#"{"rotation": "x"}"#, "rotation"),
    ];
    for (config, expected) in cases {
        let error = run(config, "2026-11-20", fixtures()).unwrap_err();
        assert!(error.message().contains(expected), "{config}: {error}");
    }
}
