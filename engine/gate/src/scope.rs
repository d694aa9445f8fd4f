//! Scopes: which environments and branches a policy applies to.

use globset::{GlobSet, GlobSetBuilder};

/// Compiled `environments` and `branches` globs. Empty lists match everything.
#[derive(Debug, Clone, Default)]
pub struct Scope {
    environments: Option<GlobSet>,
    branches: Option<GlobSet>,
}

impl Scope {
    /// Compiles the globs; the error names the bad pattern.
    pub fn new(environments: &[String], branches: &[String]) -> Result<Scope, String> {
        Ok(Scope {
            environments: compile(environments)?,
            branches: compile(branches)?,
        })
    }

    /// True if a run with this environment and branch is in scope. A policy
    /// scoped to environments does not apply to a run with no environment.
    pub fn matches(&self, environment: Option<&str>, branch: Option<&str>) -> bool {
        let ok = |set: &Option<GlobSet>, value: Option<&str>| match set {
            None => true,
            Some(set) => value.is_some_and(|value| set.is_match(value)),
        };
        ok(&self.environments, environment) && ok(&self.branches, branch)
    }
}

fn compile(patterns: &[String]) -> Result<Option<GlobSet>, String> {
    if patterns.is_empty() {
        return Ok(None);
    }
    let mut builder = GlobSetBuilder::new();
    for pattern in patterns {
        // `literal_separator` keeps `release/*` from matching `release/a/b`.
        let glob = globset::GlobBuilder::new(pattern)
            .literal_separator(true)
            .build()
            .map_err(|error| format!("invalid glob `{pattern}`: {}", error.kind()))?;
        builder.add(glob);
    }
    builder.build().map(Some).map_err(|error| error.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_scope_matches_everything() {
        let scope = Scope::new(&[], &[]).unwrap();
        assert!(scope.matches(None, None));
        assert!(scope.matches(Some("prod"), Some("main")));
    }

    #[test]
    fn branch_globs_do_not_cross_slashes() {
        let scope = Scope::new(&[], &["release/*".into(), "main".into()]).unwrap();
        assert!(scope.matches(None, Some("release/1.2")));
        assert!(scope.matches(None, Some("main")));
        assert!(!scope.matches(None, Some("release/1.2/hotfix")));
        assert!(!scope.matches(None, None));
    }

    #[test]
    fn environment_scope_excludes_runs_without_environment() {
        let scope = Scope::new(&["prod*".into()], &[]).unwrap();
        assert!(scope.matches(Some("production"), None));
        assert!(!scope.matches(Some("staging"), None));
        assert!(!scope.matches(None, None));
    }

    #[test]
    fn bad_globs_name_the_pattern() {
        let error = Scope::new(&["[".into()], &[]).unwrap_err();
        assert!(error.contains("`[`"), "{error}");
    }
}
