//! The run context: flags first, then the CI's environment variables.

use anyhow::Context as _;
use chrono::{DateTime, FixedOffset, SecondsFormat, Utc};
use verdict_evidence::policy::Context;

/// What the user gave on the command line (or a test case file).
#[derive(Debug, Clone, Default)]
pub struct ContextArgs {
    pub environment: Option<String>,
    pub branch: Option<String>,
    pub version: Option<String>,
    pub now: Option<String>,
    pub actor: Option<String>,
    pub repository: Option<String>,
    pub tags: Vec<String>,
}

/// Builds the context. With `ci_defaults`, unset values come from the CI's
/// variables (GitHub Actions, then GitLab CI); `verdict test` turns them off
/// so that a test case means the same everywhere.
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
    Ok(Context {
        environment: args.environment.or_else(|| from_env(&["VERDICT_ENV"])),
        branch: args
            .branch
            .or_else(|| from_env(&["GITHUB_HEAD_REF", "GITHUB_REF_NAME", "CI_COMMIT_REF_NAME"])),
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
