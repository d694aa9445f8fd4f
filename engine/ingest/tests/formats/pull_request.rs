//! Tests of the `pull-request` format on `fixtures/pull-request/` (gh and GitLab
//! shapes, see its README), with expected values read off the raw files with python3.

#![allow(
    clippy::unwrap_used,
    reason = "test helpers fail loudly on any unexpected error"
)]

use crate::support::{fixture, ingest_as, try_ingest_forced};
use std::path::PathBuf;
use verdict_evidence::{Kind, NoticeKind, ReviewState};

const HEAD_482: &str = "9f2c4e1b7a3d5c8e0f6a2b4d1c3e5f7a9b0c2d4e";
const OLD_482: &str = "4b1d2e3f5a6c7b8d9e0f1a2b3c4d5e6f7a8b9c0d";

/// Writes `content` to a temporary file and returns its path (the dir lives as long as the test).
fn temp_file(dir: &tempfile::TempDir, content: &str) -> PathBuf {
    let path = dir.path().join("pr.json");
    fs_err::write(&path, content).unwrap();
    path
}

#[test]
fn reads_a_gh_pull_request_with_every_review_in_order() {
    let evidence = ingest_as(
        fixture("pull-request/gh-pr-482-approved.json"),
        "pull-request",
    );
    assert_eq!(evidence.sources[0].tool.as_deref(), Some("gh"));
    assert_eq!(evidence.sources[0].kinds, [Kind::PullRequests]);
    assert!(evidence.notices.is_empty());
    assert_eq!(evidence.pull_requests.len(), 1);
    let pr = &evidence.pull_requests[0];
    assert_eq!(pr.number, 482);
    assert_eq!(pr.author, "alice");
    assert_eq!(
        (pr.base_branch.as_str(), pr.head_branch.as_str()),
        ("main", "feature/rate-limit")
    );
    assert_eq!(pr.head_commit.as_deref(), Some(HEAD_482));
    assert_eq!(pr.labels, ["enhancement"]);
    assert_eq!(
        pr.files,
        [
            ".github/workflows/ci.yml",
            "docs/rate-limits.md",
            "src/api/limits.rs"
        ]
    );
    let reviews: Vec<(&str, ReviewState, &str, Option<i64>)> = pr
        .reviews
        .iter()
        .map(|r| {
            (
                r.author.as_str(),
                r.state,
                r.commit.as_deref().unwrap(),
                r.submitted_at,
            )
        })
        .collect();
    assert_eq!(
        reviews,
        [
            ("bob", ReviewState::Commented, OLD_482, Some(1794820364)),
            ("carol", ReviewState::Approved, OLD_482, Some(1794823390)),
            (
                "dave",
                ReviewState::ChangesRequested,
                OLD_482,
                Some(1794829202)
            ),
            ("alice", ReviewState::Commented, HEAD_482, Some(1794903330)),
            ("bob", ReviewState::Approved, HEAD_482, Some(1794906171)),
            ("dave", ReviewState::Approved, HEAD_482, Some(1794922025)),
        ]
    );
}

#[test]
fn a_pending_review_has_no_time_and_an_empty_oid_is_no_commit() {
    let evidence = ingest_as(
        fixture("pull-request/gh-pr-483-changes-requested.json"),
        "pull-request",
    );
    let pr = &evidence.pull_requests[0];
    assert_eq!(pr.labels, ["bug", "critical security fix"]);
    let states: Vec<(&str, ReviewState)> = pr
        .reviews
        .iter()
        .map(|r| (r.author.as_str(), r.state))
        .collect();
    assert_eq!(
        states,
        [
            ("frank", ReviewState::Approved),
            ("grace", ReviewState::Dismissed),
            ("frank", ReviewState::ChangesRequested),
            ("erin", ReviewState::Commented),
            ("heidi", ReviewState::Pending),
        ]
    );
    let pending = &pr.reviews[4];
    assert_eq!(
        (pending.commit.as_deref(), pending.submitted_at),
        (None, None)
    );
}

#[test]
fn a_bot_author_keeps_ghs_app_login() {
    let evidence = ingest_as(
        fixture("pull-request/gh-pr-490-dependabot.json"),
        "pull-request",
    );
    let pr = &evidence.pull_requests[0];
    assert_eq!(pr.author, "app/dependabot");
    assert!(pr.reviews.is_empty());
    assert_eq!(pr.files, ["requirements.txt", "requirements-dev.txt"]);
}

#[test]
fn reads_a_gitlab_merge_request_joined_with_its_approvals() {
    let evidence = ingest_as(fixture("pull-request/gitlab-mr-57.json"), "pull-request");
    assert_eq!(evidence.sources[0].tool.as_deref(), Some("gitlab"));
    let pr = &evidence.pull_requests[0];
    assert_eq!(pr.number, 57);
    assert_eq!(pr.author, "sofia");
    assert_eq!(
        (pr.base_branch.as_str(), pr.head_branch.as_str()),
        ("main", "rotate-keys")
    );
    assert_eq!(
        pr.head_commit.as_deref(),
        Some("8d3f7c2a1b9e4d6f0a5c3b7e9d1f2a4c6e8b0d13")
    );
    assert_eq!(pr.labels, ["security", "deploy"]);
    // The rename counts under its old and its new path.
    assert_eq!(
        pr.files,
        [
            "ci/deploy.yml",
            "scripts/rotate.sh",
            "scripts/rotate-keys.sh",
            "keys/README.md"
        ]
    );
    let approvals: Vec<(&str, ReviewState, Option<&str>, Option<i64>)> = pr
        .reviews
        .iter()
        .map(|r| {
            (
                r.author.as_str(),
                r.state,
                r.commit.as_deref(),
                r.submitted_at,
            )
        })
        .collect();
    assert_eq!(
        approvals,
        [
            ("tomas", ReviewState::Approved, None, Some(1794561160)),
            ("uma", ReviewState::Approved, None, Some(1794562858)),
        ]
    );
}

#[test]
fn gitlab_diffs_and_label_objects_are_read_too() {
    let dir = tempfile::tempdir().unwrap();
    let path = temp_file(
        &dir,
        r#"{"merge_request": {"iid": 3, "author": {"username": "ann"}, "target_branch": "main",
            "source_branch": "x", "sha": "abc", "labels": [{"id": 1, "name": "infra"}]},
           "approvals": {"iid": 3, "approved_by": []},
           "diffs": [{"old_path": "a.txt", "new_path": "a.txt", "renamed_file": false, "deleted_file": true}]}"#,
    );
    let evidence = ingest_as(path, "pull-request");
    let pr = &evidence.pull_requests[0];
    assert_eq!(pr.labels, ["infra"]);
    assert_eq!(pr.files, ["a.txt"]);
    assert!(pr.reviews.is_empty());
}

#[test]
fn approvals_of_another_merge_request_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = temp_file(
        &dir,
        r#"{"merge_request": {"iid": 3, "author": {"username": "ann"}, "target_branch": "main",
            "source_branch": "x"}, "approvals": {"iid": 4, "approved_by": [{"user": {"username": "bo"}}]}}"#,
    );
    let error = try_ingest_forced(path, "pull-request")
        .unwrap_err()
        .to_string();
    assert!(error.contains("another merge request"), "{error}");
}

#[test]
fn a_file_list_gh_may_have_cut_is_an_incomplete_scan() {
    let files: Vec<String> = (0..100)
        .map(|n| format!(r#"{{"path":"f{n}.rs","additions":1,"deletions":0}}"#))
        .collect();
    let document = |changed: &str| {
        format!(
            r#"{{"author":{{"login":"a"}},"baseRefName":"main",{changed}"files":[{}],"headRefName":"b","number":7,"reviews":[]}}"#,
            files.join(",")
        )
    };
    let dir = tempfile::tempdir().unwrap();
    for (changed, incomplete) in [
        ("", true),
        (r#""changedFiles":140,"#, true),
        (r#""changedFiles":100,"#, false),
    ] {
        let evidence = ingest_as(temp_file(&dir, &document(changed)), "pull-request");
        let kinds: Vec<NoticeKind> = evidence.notices.iter().map(|n| n.kind).collect();
        let expected = if incomplete {
            vec![NoticeKind::IncompleteScan]
        } else {
            vec![]
        };
        assert_eq!(kinds, expected, "{changed}");
        assert_eq!(evidence.pull_requests[0].files.len(), 100);
    }
}

#[test]
fn unknown_review_states_and_missing_reviews_are_errors() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        (
            r#"{"number":1,"author":{"login":"a"},"baseRefName":"m","headRefName":"h","reviews":[{"author":{"login":"b"},"state":"LGTM"}]}"#,
            "`reviews[0]`: unknown review state `LGTM`",
        ),
        (
            r#"{"number":1,"author":{"login":"a"},"baseRefName":"m","headRefName":"h"}"#,
            "missing field `reviews`",
        ),
        (
            r#"{"number":1,"author":{"login":""},"baseRefName":"m","headRefName":"h","reviews":[]}"#,
            "`author.login` is missing or empty",
        ),
        (
            r#"{"number":1,"author":{"login":"a"},"baseRefName":"m","headRefName":"h","reviews":[{"author":{"login":"b"},"state":"APPROVED","submittedAt":"soon"}]}"#,
            "`submittedAt`: not an RFC 3339 time",
        ),
    ];
    for (content, expected) in cases {
        let error = try_ingest_forced(temp_file(&dir, content), "pull-request")
            .unwrap_err()
            .to_string();
        assert!(error.contains(expected), "{content}: {error}");
    }
}

#[test]
fn a_plain_merge_request_or_an_issue_is_not_a_pull_request() {
    // The MR JSON alone (no approvals) and a `gh issue view --json` document.
    let dir = tempfile::tempdir().unwrap();
    for content in [
        r#"{"iid": 3, "author": {"username": "ann"}, "target_branch": "main", "source_branch": "x"}"#,
        r#"{"number": 3, "author": {"login": "ann"}, "title": "t", "labels": []}"#,
    ] {
        let evidence = ingest_as(temp_file(&dir, content), "json");
        assert!(evidence.pull_requests.is_empty());
    }
}
