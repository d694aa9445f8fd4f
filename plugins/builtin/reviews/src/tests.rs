//! Native tests of the `reviews` policy over in-memory evidence.

use super::*;
use verdict_policy_sdk::{
    ChangedFile, MemoryEvidence, OwnerRule, Review, ReviewState, Source, testing,
};

const HEAD: &str = "9f2c4e1b7a3d5c8e0f6a2b4d1c3e5f7a9b0c2d4e";
const OLD: &str = "4b1d2e3f5a6c7b8d9e0f1a2b3c4d5e6f7a8b9c0d";

fn review(author: &str, state: ReviewState, commit: Option<&str>) -> Review {
    Review {
        author: author.into(),
        state,
        commit: commit.map(str::to_owned),
        submitted_at: None,
    }
}

/// PR #482 by alice: carol approved an old commit, bob and dave the head
/// (dave after asking for changes), alice commented.
fn pull_request() -> PullRequest {
    PullRequest {
        source: 0,
        number: 482,
        author: "alice".into(),
        base_branch: "main".into(),
        head_branch: "feature".into(),
        head_commit: Some(HEAD.into()),
        labels: vec![],
        files: vec!["src/api/limits.rs".into(), "docs/rate-limits.md".into()],
        reviews: vec![
            review("carol", ReviewState::Approved, Some(OLD)),
            review("dave", ReviewState::ChangesRequested, Some(OLD)),
            review("alice", ReviewState::Commented, Some(HEAD)),
            review("bob", ReviewState::Approved, Some(HEAD)),
            review("dave", ReviewState::Approved, Some(HEAD)),
        ],
    }
}

fn evidence(pr: PullRequest) -> MemoryEvidence {
    MemoryEvidence {
        sources: vec![Source {
            path: "pr.json".into(),
            format: "pull-request".into(),
            kinds: vec![Kind::PullRequests],
            ..Source::default()
        }],
        pull_requests: vec![pr],
        ..MemoryEvidence::default()
    }
}

/// The same, with a repository giving changes and CODEOWNERS.
fn with_repository(pr: PullRequest, rules: &[(&str, &[&str])], changed: &[&str]) -> MemoryEvidence {
    let mut evidence = evidence(pr);
    evidence.sources.push(Source {
        path: "/repo".into(),
        format: "git".into(),
        kinds: vec![Kind::Commits, Kind::Changes, Kind::Tags],
        ..Source::default()
    });
    evidence.code_owners = rules
        .iter()
        .map(|(pattern, owners)| OwnerRule {
            pattern: (*pattern).into(),
            owners: owners.iter().map(|o| (*o).to_owned()).collect(),
        })
        .collect();
    evidence.changes = changed
        .iter()
        .map(|path| ChangedFile {
            path: (*path).into(),
            old_path: None,
            status: ChangeStatus::Modified,
            added_lines: vec![],
        })
        .collect();
    evidence
}

fn in_env(env: &str) -> Context {
    Context {
        environment: Some(env.into()),
        ..testing::context()
    }
}

fn messages(outcome: &Outcome) -> Vec<&str> {
    outcome
        .violations
        .iter()
        .map(|v| v.message.as_str())
        .collect()
}

#[test]
fn one_approval_from_someone_else_passes_by_default() {
    let outcome = testing::evaluate::<Reviews>("{}", evidence(pull_request())).unwrap();
    assert!(outcome.passed(), "{:?}", messages(&outcome));
}

#[test]
fn the_shortfall_names_who_approved_and_what_did_not_count() {
    let outcome = testing::evaluate::<Reviews>(
        r#"{"min-approvals": 3, "dismiss-stale": true}"#,
        evidence(pull_request()),
    )
    .unwrap();
    assert_eq!(
        messages(&outcome),
        [
            "pull request #482 needs 3 approvals from people other than its author `alice` \
          (`min-approvals`) and has 2 (`bob`, `dave`): 1 more approval missing; not counted: \
          `carol` (stale: given on 4b1d2e3, head is 9f2c4e1)"
        ]
    );
    assert_eq!(outcome.violations[0].rule, "approvals");
    // Without dismiss-stale, carol's approval counts.
    let outcome =
        testing::evaluate::<Reviews>(r#"{"min-approvals": 3}"#, evidence(pull_request())).unwrap();
    assert!(outcome.passed());
}

#[test]
fn a_later_request_for_changes_or_dismissal_cancels_an_approval_but_a_comment_does_not() {
    let mut pr = pull_request();
    pr.reviews = vec![
        review("bob", ReviewState::Approved, Some(HEAD)),
        review("bob", ReviewState::Commented, Some(HEAD)),
        review("carol", ReviewState::Approved, Some(HEAD)),
        review("carol", ReviewState::ChangesRequested, Some(HEAD)),
        review("dave", ReviewState::Approved, Some(HEAD)),
        review("Dave", ReviewState::Dismissed, Some(HEAD)),
        review("erin", ReviewState::Pending, None),
    ];
    let outcome = testing::evaluate::<Reviews>(r#"{"min-approvals": 2}"#, evidence(pr)).unwrap();
    assert_eq!(
        messages(&outcome),
        [
            "pull request #482 needs 2 approvals from people other than its author `alice` \
          (`min-approvals`) and has 1 (`bob`): 1 more approval missing; changes requested by `carol`"
        ]
    );
}

#[test]
fn the_authors_own_bots_and_unknown_reviewers_never_count() {
    let mut pr = pull_request();
    pr.reviews = vec![
        review("ALICE", ReviewState::Approved, Some(HEAD)),
        review("ci-approver", ReviewState::Approved, Some(HEAD)),
        review("", ReviewState::Approved, Some(HEAD)),
    ];
    let config = r#"{"bots": [{"login": "ci-approver", "reason": "approves every PR"}]}"#;
    let outcome = testing::evaluate::<Reviews>(config, evidence(pr)).unwrap();
    assert_eq!(
        messages(&outcome),
        [
            "pull request #482 needs 1 approval from people other than its author `alice` \
          (`min-approvals`) and has 0: 1 more approval missing; not counted: `ALICE` (the \
          author), `ci-approver` (listed in `bots`: approves every PR), `` (reviewer unknown to \
          the forge)"
        ]
    );
}

#[test]
fn without_a_recorded_commit_every_approval_is_stale_under_dismiss_stale() {
    let mut pr = pull_request();
    pr.reviews = vec![review("bob", ReviewState::Approved, None)];
    let outcome =
        testing::evaluate::<Reviews>(r#"{"dismiss-stale": true}"#, evidence(pr.clone())).unwrap();
    assert!(messages(&outcome)[0].contains("`bob` (stale: no commit recorded)"));
    pr.reviews = vec![review("bob", ReviewState::Approved, Some(HEAD))];
    pr.head_commit = None;
    let outcome = testing::evaluate::<Reviews>(r#"{"dismiss-stale": true}"#, evidence(pr)).unwrap();
    assert!(messages(&outcome)[0].contains("head unknown"));
    assert!(
        outcome.notes[0].contains("no head commit"),
        "{:?}",
        outcome.notes
    );
}

#[test]
fn environments_replace_the_default_and_rules_take_the_strictest() {
    let config = r#"{"environments": {"staging": 1, "production": 2, "dev": 0},
                     "rules": [{"paths": ["docs/**"], "min-approvals": 3},
                               {"environments": ["prod*"], "paths": ["deploy/**"], "min-approvals": 4}]}"#;
    let mut pr = pull_request();
    pr.files = vec!["src/a.rs".into()];
    pr.reviews = vec![review("bob", ReviewState::Approved, Some(HEAD))];
    let run = |env: &str, pr: PullRequest| {
        testing::evaluate_in::<Reviews>(config, &in_env(env), evidence(pr)).unwrap()
    };
    assert!(run("staging", pr.clone()).passed());
    assert!(
        run(
            "dev",
            PullRequest {
                reviews: vec![],
                ..pr.clone()
            }
        )
        .passed()
    );
    let outcome = run("production", pr.clone());
    assert!(messages(&outcome)[0].contains("needs 2 approvals"));
    assert!(messages(&outcome)[0].contains("(environment `production`)"));
    pr.files.push("docs/a.md".into());
    let outcome = run("staging", pr.clone());
    assert!(messages(&outcome)[0].contains("(`rules[0]`, path `docs/a.md`)"));
    pr.files.push("deploy/prod/values.yaml".into());
    let outcome = run("production", pr.clone());
    assert!(messages(&outcome)[0].contains("needs 4 approvals"));
    assert!(messages(&outcome)[0].contains("path `deploy/prod/values.yaml`"));
    // The production-only rule does not apply to staging.
    assert!(run("staging", pr).violations[0].message.contains("needs 3"));
}

#[test]
fn code_owners_of_every_changed_path_must_approve() {
    let rules: &[(&str, &[&str])] = &[
        ("*", &["@lead"]),
        ("/src/api/", &["@bob", "@org/api"]),
        ("docs/*", &["@org/docs"]),
        ("/vendor/", &[]),
    ];
    let changed = &["src/api/limits.rs", "docs/rate-limits.md", "vendor/x.c"];
    let config = r#"{"code-owners": true, "teams": {"org/docs": ["dave"]}}"#;
    let mut pr = pull_request();
    pr.files = vec![];
    let outcome =
        testing::evaluate::<Reviews>(config, with_repository(pr.clone(), rules, changed)).unwrap();
    assert!(outcome.passed(), "{:?}", messages(&outcome));
    // Without dave, the docs team has no approval; the team missing from
    // `teams` is named.
    pr.reviews.retain(|r| r.author != "dave");
    let config = r#"{"code-owners": true}"#;
    let outcome =
        testing::evaluate::<Reviews>(config, with_repository(pr.clone(), rules, changed)).unwrap();
    assert_eq!(
        messages(&outcome),
        [
            "pull request #482: `docs/rate-limits.md` needs an approval from a code owner: \
          `@org/docs` (`@org/docs` not in `teams`, so no approval can be matched to it)"
        ]
    );
    assert_eq!(outcome.violations[0].rule, "code-owners");
    // The PR's own files join the repository's: README.md falls to @lead.
    pr.files = vec!["README.md".into()];
    let config = r#"{"code-owners": true, "teams": {"@org/docs": ["DAVE"]}}"#;
    pr.reviews
        .push(review("dave", ReviewState::Approved, Some(HEAD)));
    let outcome =
        testing::evaluate::<Reviews>(config, with_repository(pr, rules, changed)).unwrap();
    assert_eq!(
        messages(&outcome),
        ["pull request #482: `README.md` needs an approval from a code owner: `@lead`"]
    );
}

#[test]
fn a_code_owner_who_is_the_author_cannot_approve_their_own_paths() {
    let rules: &[(&str, &[&str])] = &[("*.rs", &["@alice"])];
    let outcome = testing::evaluate::<Reviews>(
        r#"{"code-owners": true}"#,
        with_repository(pull_request(), rules, &["src/a.rs", "src/b.rs"]),
    )
    .unwrap();
    assert_eq!(
        messages(&outcome),
        // The repository's two paths, then the PR's own `src/api/limits.rs`.
        [
            "pull request #482: `src/a.rs`, `src/b.rs`, `src/api/limits.rs` need an approval from a \
          code owner: `@alice`"
        ]
    );
}

#[test]
fn renamed_files_need_the_owners_of_their_old_path() {
    let rules: &[(&str, &[&str])] = &[("/secure/", &["@sec"])];
    let mut evidence = with_repository(pull_request(), rules, &[]);
    evidence.changes = vec![ChangedFile {
        path: "public/key.pem".into(),
        old_path: Some("secure/key.pem".into()),
        status: ChangeStatus::Renamed,
        added_lines: vec![],
    }];
    let mut pr = pull_request();
    pr.files = vec![];
    evidence.pull_requests = vec![pr];
    let outcome = testing::evaluate::<Reviews>(r#"{"code-owners": true}"#, evidence).unwrap();
    assert_eq!(
        messages(&outcome),
        ["pull request #482: `secure/key.pem` needs an approval from a code owner: `@sec`"]
    );
}

#[test]
fn code_owners_without_a_repository_or_without_codeowners_fail_closed() {
    let error = testing::evaluate::<Reviews>(r#"{"code-owners": true}"#, evidence(pull_request()))
        .unwrap_err();
    assert!(error.message().contains("`--repo`"), "{error}");
    let outcome = testing::evaluate::<Reviews>(
        r#"{"code-owners": true}"#,
        with_repository(pull_request(), &[], &["a.rs"]),
    )
    .unwrap();
    assert_eq!(
        messages(&outcome),
        ["`code-owners` is on but the repository has no CODEOWNERS rules at head"]
    );
    let error = testing::evaluate::<Reviews>(
        r#"{"code-owners": true}"#,
        with_repository(pull_request(), &[("!x", &["@a"])], &["a.rs"]),
    )
    .unwrap_err();
    assert!(error.message().contains("`!x`"), "{error}");
}

#[test]
fn path_rules_without_any_changed_file_are_an_error() {
    let mut pr = pull_request();
    pr.files = vec![];
    let error = testing::evaluate::<Reviews>(
        r#"{"rules": [{"paths": ["deploy/**"], "min-approvals": 2}]}"#,
        evidence(pr),
    )
    .unwrap_err();
    assert!(
        error.message().contains("lists no changed files"),
        "{error}"
    );
}

#[test]
fn exempt_authors_pass_with_a_note() {
    let mut pr = pull_request();
    pr.author = "app/dependabot".into();
    pr.reviews = vec![];
    let config = r#"{"exempt-authors": ["renovate", {"login": "app/dependabot", "reason": "lockfile bumps, tests gate them"}]}"#;
    let outcome = testing::evaluate::<Reviews>(config, evidence(pr)).unwrap();
    assert!(outcome.passed());
    assert_eq!(
        outcome.notes,
        [
            "pull request #482 by `app/dependabot` is exempt from review: lockfile bumps, tests gate them"
        ]
    );
}

#[test]
fn no_pull_request_is_an_error() {
    let mut evidence = evidence(pull_request());
    evidence.pull_requests.clear();
    let error = testing::evaluate::<Reviews>("{}", evidence).unwrap_err();
    assert!(error.message().contains("no pull request"), "{error}");
}

#[test]
fn rejects_bad_configuration_by_field() {
    let cases = [
        (r#"{"min-approvals": -1}"#, "min-approvals"),
        (r#"{"rules": [{"min-approvals": 2}]}"#, "`rules[0]`: give"),
        (
            r#"{"rules": [{"paths": ["[x"], "min-approvals": 2}]}"#,
            "`[x`",
        ),
        (r#"{"dismiss_stale": true}"#, "dismiss_stale"),
        (r#"{"bots": [{"name": "x"}]}"#, "bots"),
    ];
    for (config, expected) in cases {
        let error = testing::evaluate::<Reviews>(config, evidence(pull_request())).unwrap_err();
        assert!(error.message().contains(expected), "{config}: {error}");
    }
}
