//! Path globs for `exclude`-style configuration.

use crate::Error;
use glob::{MatchOptions, Pattern};

/// A set of path globs, matched against paths as tools report them.
///
/// `*` and `?` do not cross `/`; `**` matches any number of folders
/// (`vendor/**`, `**/*_test.go`). Backslashes in paths are read as `/` and a
/// leading `./` is ignored. Patterns are not anchored to any root: a tool that
/// reports absolute paths needs `**/tests/**` rather than `tests/**`.
#[derive(Clone, Debug, Default)]
pub struct PathMatcher {
    patterns: Vec<Pattern>,
}

const OPTIONS: MatchOptions = MatchOptions {
    case_sensitive: true,
    require_literal_separator: true,
    require_literal_leading_dot: false,
};

impl PathMatcher {
    /// Compiles `patterns`; an invalid one is an error naming it.
    pub fn new<S: AsRef<str>>(patterns: &[S]) -> Result<Self, Error> {
        let patterns = patterns
            .iter()
            .map(|pattern| {
                let pattern = pattern.as_ref();
                Pattern::new(normalize(pattern))
                    .map_err(|error| Error::new(format!("invalid glob `{pattern}`: {}", error.msg)))
            })
            .collect::<Result<_, _>>()?;
        Ok(PathMatcher { patterns })
    }

    /// Whether any pattern matches `path`.
    pub fn is_match(&self, path: &str) -> bool {
        if self.patterns.is_empty() {
            return false;
        }
        // Most paths have no backslash: match them without a copy.
        let path: std::borrow::Cow<'_, str> = if path.contains('\\') {
            path.replace('\\', "/").into()
        } else {
            path.into()
        };
        let path = normalize(&path);
        self.patterns
            .iter()
            .any(|pattern| pattern.matches_with(path, OPTIONS))
    }

    /// Whether there are no patterns.
    pub fn is_empty(&self) -> bool {
        self.patterns.is_empty()
    }
}

fn normalize(path: &str) -> &str {
    path.strip_prefix("./").unwrap_or(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_folders_and_extensions() {
        let matcher = PathMatcher::new(&["vendor/**", "**/*_test.go", "src/gen/*.rs"]).unwrap();
        assert!(matcher.is_match("vendor/a/b.go"));
        assert!(matcher.is_match("./vendor/a.go"));
        assert!(matcher.is_match("pkg/x/y_test.go"));
        assert!(matcher.is_match("y_test.go"));
        assert!(matcher.is_match("src/gen/a.rs"));
        assert!(matcher.is_match("src\\gen\\a.rs"));
        assert!(!matcher.is_match("src/gen/deep/a.rs"));
        assert!(!matcher.is_match("src/main.rs"));
    }

    #[test]
    fn rejects_an_invalid_glob_by_name() {
        let error = PathMatcher::new(&["src/[a"]).unwrap_err();
        assert!(error.message().contains("`src/[a`"), "{error}");
    }

    #[test]
    fn empty_matches_nothing() {
        assert!(!PathMatcher::new::<&str>(&[]).unwrap().is_match("a"));
    }
}
