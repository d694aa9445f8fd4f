//! Which findings a configuration selects, before severity decides.

use crate::Config;
use serde::Deserialize;
use verdict_policy_sdk::schemars::JsonSchema;
use verdict_policy_sdk::{Error, Finding, Kind, Levels, PathMatcher, Source};

/// A SARIF level.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
#[schemars(crate = "verdict_policy_sdk::schemars")]
pub enum Level {
    /// A serious problem.
    Error,
    /// A problem.
    Warning,
    /// A minor problem or an opportunity to improve.
    Note,
    /// No problem (informational results, passes).
    None,
}

impl Level {
    fn word(self) -> &'static str {
        match self {
            Level::Error => "error",
            Level::Warning => "warning",
            Level::Note => "note",
            Level::None => "none",
        }
    }
}

/// What `min-score` does with findings the tool gave no score.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
#[schemars(crate = "verdict_policy_sdk::schemars")]
pub enum Unscored {
    /// They count, as if at the highest score (fail closed).
    #[default]
    Count,
    /// They are skipped.
    Skip,
}

/// The compiled selection.
pub struct Selection<'c> {
    config: &'c Config,
    /// `levels`, which findings without a SARIF level pass (the host's
    /// `unlevelled`).
    pub levels: Levels,
}

fn matcher(key: &str, patterns: &[String], lowercase: bool) -> Result<PathMatcher, Error> {
    let patterns: Vec<String> = patterns
        .iter()
        .map(|p| {
            if lowercase {
                p.to_lowercase()
            } else {
                p.clone()
            }
        })
        .collect();
    PathMatcher::new(&patterns)
        .map_err(|e| Error::new(format!("invalid configuration at `{key}`: {e}")))
}

impl<'c> Selection<'c> {
    pub fn new(config: &'c Config) -> Result<Self, Error> {
        if let Some(score) = config.min_score
            && !(0.0..=10.0).contains(&score)
        {
            return Err(Error::new(format!(
                "invalid configuration at `min-score`: {score} is not a score between 0 and 10"
            )));
        }
        // The globs are matched host-side (see `selects`); a pattern that
        // does not compile is still this policy's configuration error.
        matcher("tools", &config.tools, true)?;
        matcher("exclude-tools", &config.exclude_tools, true)?;
        matcher("rules", &config.rules, false)?;
        matcher("exclude-rules", &config.exclude_rules, false)?;
        matcher("paths", &config.paths, false)?;
        matcher("exclude", &config.exclude, false)?;
        Ok(Selection {
            config,
            levels: Levels::of(config.levels.iter().map(|level| level.word()))?,
        })
    }

    /// The `tools` patterns that no input speaking for findings was written
    /// by (an input's tool is its name and version, `CodeQL 2.5.4`; a pattern
    /// matches the name, the name and version, or any word-prefix of them).
    /// A tool named in `tools` with no report is an error: a gate that lists
    /// CodeQL must not pass because the CodeQL report went missing.
    pub fn missing_tools(&self, sources: &[Source]) -> Vec<String> {
        let tools: Vec<String> = sources
            .iter()
            .filter(|source| source.kinds.contains(&Kind::Findings))
            .filter_map(|source| source.tool.as_deref())
            .map(str::to_lowercase)
            .collect();
        self.config
            .tools
            .iter()
            .filter(|pattern| {
                let Ok(one) = PathMatcher::new(&[pattern.to_lowercase()]) else {
                    return false;
                };
                !tools.iter().any(|tool| {
                    let words: Vec<&str> = tool.split(' ').collect();
                    (1..=words.len()).any(|n| one.is_match(&words[..n].join(" ")))
                })
            })
            .cloned()
            .collect()
    }

    /// Whether every condition given holds for `finding`.
    pub fn selects(&self, finding: &Finding) -> bool {
        // Tools, rules and paths are not matched here: the host applies the
        // same globs (`evaluate`'s filter; `MemoryEvidence` in native tests)
        // before a finding crosses into the sandbox, and matching them again
        // for every finding cost a fifth of the evaluation at a million.
        let config = self.config;
        (!config.new_only
            || finding
                .baseline_state
                .as_deref()
                .is_none_or(|state| state == "new"))
            && self
                .levels
                .admits_or_unlevelled(finding.level.as_deref(), true)
            && config.min_score.is_none_or(|min| match finding.score {
                Some(score) => score >= min,
                None => config.unscored == Unscored::Count,
            })
    }
}
