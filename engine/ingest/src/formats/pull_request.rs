//! Pull and merge requests with their reviews: the document CI writes with
//! `gh pr view --json number,author,baseRefName,headRefName,headRefOid,reviews,labels,files,changedFiles`
//! (GitHub), or a GitLab merge request joined with its approvals in one file,
//! `{"merge_request": …, "approvals": …}` (see `fixtures/pull-request/README.md`
//! for the `jq` line that writes it).
//!
//! Each document becomes one [`PullRequest`]. GitHub reviews keep their
//! state, the commit they were given on (`commit.oid`; gh writes an empty
//! `oid` when GitHub has none, read as no commit) and their time; a review
//! state GitHub may add later is an error, never guessed. A reviewer gh
//! could not name (a deleted account) keeps an empty login, which no policy
//! counts. gh lists at most 100 `files`: a list that may have been cut (100
//! entries without a `changedFiles` to confirm them, or fewer than
//! `changedFiles`) yields an incomplete-scan notice, so a gate never decides
//! on a partial file list.
//!
//! GitLab approvals become reviews in state `approved`, with the approval
//! time when GitLab gives `approved_at` and never a commit (GitLab does not
//! record one). Files come from the merge request's `changes` (the
//! `/changes` endpoint) or a top-level `diffs` array (the `/diffs`
//! endpoint): a renamed file counts under its old and new paths, and
//! `overflow: true` yields an incomplete-scan notice. The approvals' `iid`
//! must be the merge request's, so two unrelated documents are never joined.

use crate::error::FormatError;
use crate::formats::{Output, ParseInput};
use crate::sniff::{Shape, Sniff};
use serde::Deserialize;
use verdict_evidence::{Notice, NoticeKind, PullRequest, Review, ReviewState};

/// The most files `gh pr view --json files` lists (one GraphQL page).
const GH_FILES_PAGE: usize = 100;

pub(crate) fn detect(sniff: &Sniff<'_>) -> bool {
    sniff.shape == Shape::JsonObject
        && (sniff.has_keys(&["number", "author", "baseRefName", "headRefName"])
            || sniff.has_keys(&["merge_request", "approvals"]))
}

pub(crate) fn parse(input: &ParseInput<'_>, output: &mut Output) -> Result<(), FormatError> {
    let json = |e: serde_json::Error| FormatError::json(&e);
    // The shape is known from the top-level keys, so errors name the field
    // of the right forge rather than "matched neither".
    let (request, notice, tool) = if Sniff::new(input.path, input.bytes).has_key("merge_request") {
        let mr: GitLab = serde_json::from_slice(input.bytes).map_err(json)?;
        let notice = mr.truncation();
        (mr.into_pull_request()?, notice, "gitlab")
    } else {
        let pr: GitHub = serde_json::from_slice(input.bytes).map_err(json)?;
        let notice = pr.truncation();
        (pr.into_pull_request()?, notice, "gh")
    };
    output.tool = Some(tool.to_owned());
    output.evidence.pull_requests.push(request);
    if let Some(message) = notice {
        output.evidence.notices.push(Notice {
            source: 0,
            kind: NoticeKind::IncompleteScan,
            message,
        });
    }
    Ok(())
}

/// `gh pr view --json …` (field names as gh writes them).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", expecting = "a `gh pr view --json` object")]
struct GitHub {
    number: u64,
    author: Login,
    base_ref_name: String,
    head_ref_name: String,
    #[serde(default)]
    head_ref_oid: Option<String>,
    reviews: Vec<GitHubReview>,
    #[serde(default)]
    labels: Vec<Named>,
    #[serde(default)]
    files: Vec<GitHubFile>,
    #[serde(default)]
    changed_files: Option<u64>,
}

#[derive(Deserialize)]
struct Login {
    #[serde(default)]
    login: Option<String>,
}

#[derive(Deserialize)]
struct Named {
    name: String,
}

#[derive(Deserialize)]
struct GitHubFile {
    path: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct GitHubReview {
    #[serde(default)]
    author: Option<Login>,
    state: String,
    #[serde(default)]
    submitted_at: Option<String>,
    #[serde(default)]
    commit: Option<Oid>,
}

#[derive(Deserialize)]
struct Oid {
    #[serde(default)]
    oid: Option<String>,
}

impl GitHub {
    fn truncation(&self) -> Option<String> {
        let listed = self.files.len();
        let cut = match self.changed_files {
            Some(total) => total > listed as u64,
            None => listed >= GH_FILES_PAGE,
        };
        cut.then(|| {
            let total = self
                .changed_files
                .map_or_else(|| "100 or more".to_owned(), |total| total.to_string());
            format!(
                "pull request #{} changes {total} files but `files` lists {listed} (gh lists at most \
                 {GH_FILES_PAGE}): add `changedFiles` to the fields, or give the repository with \
                 `--repo` and leave `files` out",
                self.number
            )
        })
    }

    fn into_pull_request(self) -> Result<PullRequest, FormatError> {
        let reviews = self
            .reviews
            .into_iter()
            .enumerate()
            .map(|(index, review)| {
                let at =
                    |message: String| FormatError::new(format!("`reviews[{index}]`: {message}"));
                Ok(Review {
                    author: review.author.and_then(|a| a.login).unwrap_or_default(),
                    state: github_state(&review.state).map_err(at)?,
                    commit: review
                        .commit
                        .and_then(|c| c.oid)
                        .filter(|oid| !oid.is_empty()),
                    submitted_at: review
                        .submitted_at
                        .as_deref()
                        .map(unix_seconds)
                        .transpose()
                        .map_err(|message| at(format!("`submittedAt`: {message}")))?,
                })
            })
            .collect::<Result<_, FormatError>>()?;
        Ok(PullRequest {
            source: 0,
            number: self.number,
            author: required_login(self.author.login, "author.login")?,
            base_branch: self.base_ref_name,
            head_branch: self.head_ref_name,
            head_commit: self.head_ref_oid.filter(|oid| !oid.is_empty()),
            labels: self.labels.into_iter().map(|label| label.name).collect(),
            files: self.files.into_iter().map(|file| file.path).collect(),
            reviews,
        })
    }
}

/// GitHub's `PullRequestReviewState`.
fn github_state(state: &str) -> Result<ReviewState, String> {
    Ok(match state {
        "APPROVED" => ReviewState::Approved,
        "CHANGES_REQUESTED" => ReviewState::ChangesRequested,
        "COMMENTED" => ReviewState::Commented,
        "DISMISSED" => ReviewState::Dismissed,
        "PENDING" => ReviewState::Pending,
        other => {
            return Err(format!(
                "unknown review state `{other}`: expected APPROVED, CHANGES_REQUESTED, COMMENTED, \
                 DISMISSED or PENDING"
            ));
        }
    })
}

fn required_login(login: Option<String>, field: &str) -> Result<String, FormatError> {
    login
        .filter(|login| !login.trim().is_empty())
        .ok_or_else(|| FormatError::new(format!("`{field}` is missing or empty")))
}

/// RFC 3339 time to seconds since the Unix epoch.
fn unix_seconds(text: &str) -> Result<i64, String> {
    chrono::DateTime::parse_from_rfc3339(text)
        .map(|time| time.timestamp())
        .map_err(|_| "not an RFC 3339 time".to_owned())
}

/// A merge request and its approvals, joined by the user (`jq`).
#[derive(Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "a `{\"merge_request\", \"approvals\"}` object"
)]
struct GitLab {
    merge_request: MergeRequest,
    approvals: Approvals,
    /// `GET …/merge_requests/:iid/diffs`, when given.
    #[serde(default)]
    diffs: Option<Vec<Diff>>,
}

#[derive(Deserialize)]
struct MergeRequest {
    iid: u64,
    author: Username,
    target_branch: String,
    source_branch: String,
    #[serde(default)]
    sha: Option<String>,
    #[serde(default)]
    labels: Vec<Label>,
    /// Present when the merge request was read from `/changes`.
    #[serde(default)]
    changes: Option<Vec<Diff>>,
    #[serde(default)]
    overflow: bool,
}

#[derive(Deserialize)]
struct Username {
    #[serde(default)]
    username: Option<String>,
}

/// A label name, or a label object (`with_labels_details=true`).
#[derive(Deserialize)]
#[serde(untagged)]
enum Label {
    Name(String),
    Detailed(Named),
}

#[derive(Deserialize)]
struct Approvals {
    #[serde(default)]
    iid: Option<u64>,
    approved_by: Vec<Approval>,
}

#[derive(Deserialize)]
struct Approval {
    user: Username,
    #[serde(default)]
    approved_at: Option<String>,
}

#[derive(Deserialize)]
struct Diff {
    new_path: String,
    #[serde(default)]
    old_path: Option<String>,
    #[serde(default)]
    renamed_file: bool,
}

impl GitLab {
    fn truncation(&self) -> Option<String> {
        self.merge_request.overflow.then(|| {
            format!(
                "merge request !{} has more changes than GitLab lists (`overflow` is true): give \
                 the repository with `--repo`",
                self.merge_request.iid
            )
        })
    }

    fn into_pull_request(self) -> Result<PullRequest, FormatError> {
        let mr = self.merge_request;
        if let Some(iid) = self.approvals.iid
            && iid != mr.iid
        {
            return Err(FormatError::new(format!(
                "`approvals.iid` is {iid} but `merge_request.iid` is {}: the approvals belong to \
                 another merge request",
                mr.iid
            )));
        }
        let reviews = self
            .approvals
            .approved_by
            .into_iter()
            .enumerate()
            .map(|(index, approval)| {
                Ok(Review {
                    author: approval.user.username.unwrap_or_default(),
                    state: ReviewState::Approved,
                    commit: None,
                    submitted_at: approval
                        .approved_at
                        .as_deref()
                        .map(unix_seconds)
                        .transpose()
                        .map_err(|message| {
                            FormatError::new(format!(
                                "`approvals.approved_by[{index}].approved_at`: {message}"
                            ))
                        })?,
                })
            })
            .collect::<Result<_, FormatError>>()?;
        let mut files = Vec::new();
        for diff in mr.changes.into_iter().chain(self.diffs).flatten() {
            if diff.renamed_file
                && let Some(old_path) = diff.old_path
                && old_path != diff.new_path
                && !files.contains(&old_path)
            {
                files.push(old_path);
            }
            if !files.contains(&diff.new_path) {
                files.push(diff.new_path);
            }
        }
        Ok(PullRequest {
            source: 0,
            number: mr.iid,
            author: required_login(mr.author.username, "merge_request.author.username")?,
            base_branch: mr.target_branch,
            head_branch: mr.source_branch,
            head_commit: mr.sha.filter(|sha| !sha.is_empty()),
            labels: mr
                .labels
                .into_iter()
                .map(|label| match label {
                    Label::Name(name) => name,
                    Label::Detailed(named) => named.name,
                })
                .collect(),
            files,
            reviews,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn review_states_are_githubs_enum_and_nothing_else() {
        assert_eq!(github_state("APPROVED"), Ok(ReviewState::Approved));
        assert_eq!(
            github_state("CHANGES_REQUESTED"),
            Ok(ReviewState::ChangesRequested)
        );
        assert_eq!(github_state("DISMISSED"), Ok(ReviewState::Dismissed));
        assert!(github_state("approved").unwrap_err().contains("`approved`"));
    }

    #[test]
    fn times_are_rfc3339_with_any_offset() {
        assert_eq!(unix_seconds("1970-01-01T00:01:00Z"), Ok(60));
        assert_eq!(unix_seconds("1970-01-01T01:01:00+01:00"), Ok(60));
        assert!(unix_seconds("yesterday").is_err());
    }
}
