//! The run context: flags first, then the CI's environment variables.

use anyhow::Context as _;
use chrono::{DateTime, FixedOffset, SecondsFormat, Utc};
use verdict_evidence::policy::{Context, Event};

/// What the user gave on the command line (or a test case file).
#[derive(Debug, Clone, Default)]
pub struct ContextArgs {
    pub environment: Option<String>,
    pub branch: Option<String>,
    pub target_branch: Option<String>,
    pub event: Option<String>,
    pub version: Option<String>,
    pub now: Option<String>,
    pub actor: Option<String>,
    pub repository: Option<String>,
    pub tags: Vec<String>,
}

/// Builds the context. With `ci_defaults`, unset values come from the CI's
/// variables (GitHub Actions, then GitLab CI); `verdict test` turns them off
/// so that a test case means the same everywhere.
///
/// A pull request's head branch is named by its author, so the context keeps
/// the branch it merges into apart (`target_branch`, from `GITHUB_BASE_REF`
/// or `CI_MERGE_REQUEST_TARGET_BRANCH_NAME`); scopes follow that one. A pull
/// request whose target branch is unknown is an error, not a run whose
/// branch scopes silently skip.
pub fn build(args: ContextArgs, ci_defaults: bool) -> anyhow::Result<Context> {
    let from_env = |names: &[&str]| {
        if !ci_defaults {
            return None;
        }
        names
            .iter()
            .filter_map(|name| std::env::var(name).ok())
            .find(|value| !value.is_empty())
    };
    let now: DateTime<FixedOffset> = match &args.now {
        Some(text) => DateTime::parse_from_rfc3339(text).with_context(|| {
            format!("invalid `--now` value `{text}`: expected RFC 3339, e.g. 2026-11-20T10:00:00Z")
        })?,
        None => Utc::now().fixed_offset(),
    };
    let event = match args.event {
        Some(name) => Some(
            name.parse::<Event>()
                .map_err(|error| anyhow::anyhow!("invalid `--event`: {error}"))?,
        ),
        None => from_env(&["GITHUB_EVENT_NAME"])
            .map(|name| github_event(&name))
            .or_else(|| from_env(&["CI_PIPELINE_SOURCE"]).map(|name| gitlab_event(&name))),
    };
    let target_branch = args
        .target_branch
        .or_else(|| from_env(&["GITHUB_BASE_REF", "CI_MERGE_REQUEST_TARGET_BRANCH_NAME"]));
    let event = match (event, &target_branch) {
        (None, Some(_)) => Some(Event::PullRequest),
        (event, _) => event,
    };
    if event == Some(Event::PullRequest) && target_branch.is_none() {
        anyhow::bail!(
            "a pull request run needs the branch it merges into, for branch scopes: pass `--target-branch NAME` (GitHub Actions sets GITHUB_BASE_REF, GitLab CI_MERGE_REQUEST_TARGET_BRANCH_NAME)"
        );
    }
    Ok(Context {
        environment: args.environment.or_else(|| from_env(&["VERDICT_ENV"])),
        target_branch,
        event,
        branch: args.branch.or_else(|| {
            from_env(&[
                "GITHUB_HEAD_REF",
                "GITHUB_REF_NAME",
                "CI_MERGE_REQUEST_SOURCE_BRANCH_NAME",
                "CI_COMMIT_REF_NAME",
            ])
        }),
        version: args
            .version
            .or_else(|| from_env(&["VERDICT_VERSION", "CI_COMMIT_TAG"])),
        now: now.to_rfc3339_opts(SecondsFormat::AutoSi, true),
        now_unix: now.timestamp(),
        tags: args.tags,
        actor: args
            .actor
            .or_else(|| from_env(&["GITHUB_ACTOR", "GITLAB_USER_LOGIN"])),
        repository: args
            .repository
            .or_else(|| from_env(&["GITHUB_REPOSITORY", "CI_PROJECT_PATH"])),
    })
}

/// GitHub Actions' `GITHUB_EVENT_NAME`.
fn github_event(name: &str) -> Event {
    match name {
        "push" => Event::Push,
        "pull_request" | "pull_request_target" | "pull_request_review" | "merge_group" => {
            Event::PullRequest
        }
        "schedule" => Event::Schedule,
        "workflow_dispatch" | "repository_dispatch" => Event::Manual,
        "deployment" | "deployment_status" => Event::Deploy,
        _ => Event::Other,
    }
}

/// GitLab CI's `CI_PIPELINE_SOURCE`.
fn gitlab_event(name: &str) -> Event {
    match name {
        "push" => Event::Push,
        "merge_request_event" | "external_pull_request_event" => Event::PullRequest,
        "schedule" => Event::Schedule,
        "web" | "api" | "trigger" | "chat" => Event::Manual,
        _ => Event::Other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ci_event_names_map_onto_events() {
        assert_eq!(github_event("pull_request_target"), Event::PullRequest);
        assert_eq!(github_event("merge_group"), Event::PullRequest);
        assert_eq!(github_event("workflow_dispatch"), Event::Manual);
        assert_eq!(github_event("something_new"), Event::Other);
        assert_eq!(gitlab_event("merge_request_event"), Event::PullRequest);
        assert_eq!(gitlab_event("schedule"), Event::Schedule);
    }

    #[test]
    fn a_pull_request_needs_its_target_branch() {
        let args = ContextArgs {
            event: Some("pull-request".into()),
            branch: Some("feature/x".into()),
            ..ContextArgs::default()
        };
        let error = build(args, false).unwrap_err().to_string();
        assert!(error.contains("--target-branch"), "{error}");
        let args = ContextArgs {
            target_branch: Some("main".into()),
            branch: Some("feature/x".into()),
            ..ContextArgs::default()
        };
        let context = build(args, false).unwrap();
        assert_eq!(context.event, Some(Event::PullRequest));
        assert_eq!(context.target_branch.as_deref(), Some("main"));
        assert!(
            build(
                ContextArgs {
                    event: Some("pr".into()),
                    ..ContextArgs::default()
                },
                false
            )
            .is_err()
        );
    }
}
