//! CODEOWNERS patterns with GitHub's semantics, and "who owns this path".
//!
//! GitHub reads CODEOWNERS patterns mostly like `.gitignore`
//! (<https://docs.github.com/en/repositories/managing-your-repositorys-settings-and-features/customizing-your-repository/about-code-owners>):
//!
//! - a pattern with a `/` at its start or in its middle is anchored at the
//!   repository root; any other pattern (`*.js`, `apps/`, `logs`) matches
//!   at any depth;
//! - a pattern that matches a directory owns everything below it (`/docs`,
//!   `apps/`, `**/logs`), except that a last segment of a lone `*` matches
//!   only direct children (`docs/*` owns `docs/a.md`, not `docs/b/c.md`);
//! - a trailing `/` matches directories only, and a trailing `/**` owns what
//!   is inside, not the directory's own name;
//! - `*` and `?` do not cross `/`, `**` matches any number of directories,
//!   `\` escapes the next character; matching is case-sensitive;
//! - the **last** matching rule wins, and a rule with no owners un-owns.
//!
//! GitHub skips lines it cannot read (`!` negation, `[ ]` character
//! ranges); here such a rule is an error, so that a file GitHub reads
//! differently from what its author meant never passes silently.

use verdict_policy_sdk::OwnerRule;

/// One compiled pattern.
#[derive(Debug)]
pub struct Pattern {
    segments: Vec<String>,
    /// Matches only what is below a directory the segments name.
    directory_only: bool,
}

impl Pattern {
    /// Compiles a CODEOWNERS pattern; unsupported syntax is an error naming it.
    pub fn new(pattern: &str) -> Result<Pattern, String> {
        let unsupported = |what: &str| {
            format!("CODEOWNERS pattern `{pattern}` uses {what}, which GitHub does not support")
        };
        if pattern.starts_with('!') {
            return Err(unsupported("negation (`!`)"));
        }
        if pattern.contains('[') || pattern.contains(']') {
            return Err(unsupported("a character range (`[ ]`)"));
        }
        if pattern.is_empty() {
            return Err("empty CODEOWNERS pattern".to_owned());
        }
        let mut text = pattern;
        let mut directory_only = false;
        if let Some(rest) = text.strip_suffix('/') {
            text = rest;
            directory_only = true;
        }
        let anchored = text.starts_with('/') || text.contains('/');
        let text = text.strip_prefix('/').unwrap_or(text);
        let mut segments: Vec<String> = if text.is_empty() {
            Vec::new()
        } else {
            text.split('/').map(str::to_owned).collect()
        };
        // `a/**` owns what is inside `a`, like `a/`.
        if segments.last().is_some_and(|last| last == "**") && !directory_only {
            segments.pop();
            directory_only = true;
        }
        if !anchored && segments.first().is_none_or(|first| first != "**") {
            segments.insert(0, "**".to_owned());
        }
        Ok(Pattern {
            segments,
            directory_only,
        })
    }

    /// Whether the pattern owns the file at `path` (relative to the root).
    pub fn matches(&self, path: &str) -> bool {
        let path = path.strip_prefix("./").unwrap_or(path);
        let path = path.trim_matches('/');
        let components: Vec<&str> = path.split('/').filter(|c| !c.is_empty()).collect();
        let lone_star = self.segments.last().is_some_and(|last| last == "*");
        prefix_ends(&self.segments, &components, 0)
            .into_iter()
            .any(|end| {
                let rest = components.len() - end;
                if rest == 0 {
                    !self.directory_only
                } else {
                    self.directory_only || !lone_star
                }
            })
    }
}

/// Every `k` such that `segments` match `components[..k]` exactly
/// (`**` standing for zero or more components).
fn prefix_ends(segments: &[String], components: &[&str], at: usize) -> Vec<usize> {
    let Some((first, rest)) = segments.split_first() else {
        return vec![at];
    };
    let mut ends = Vec::new();
    if first == "**" {
        for skip in at..=components.len() {
            for end in prefix_ends(rest, components, skip) {
                if !ends.contains(&end) {
                    ends.push(end);
                }
            }
        }
    } else if let Some(component) = components.get(at)
        && segment_matches(first.as_bytes(), component.as_bytes())
    {
        ends = prefix_ends(rest, components, at + 1);
    }
    ends
}

/// `*` (any run), `?` (one character) and `\` escapes within one segment.
fn segment_matches(pattern: &[u8], text: &[u8]) -> bool {
    match pattern.split_first() {
        None => text.is_empty(),
        Some((b'*', rest)) => (0..=text.len()).any(|skip| segment_matches(rest, &text[skip..])),
        Some((b'?', rest)) => !text.is_empty() && segment_matches(rest, char_tail(text)),
        Some((b'\\', rest)) if !rest.is_empty() => {
            text.first() == rest.first() && segment_matches(&rest[1..], &text[1..])
        }
        Some((byte, rest)) => text.first() == Some(byte) && segment_matches(rest, &text[1..]),
    }
}

/// `text` without its first UTF-8 character (so `?` matches `é` whole).
fn char_tail(text: &[u8]) -> &[u8] {
    let width = match text.first() {
        Some(byte) if *byte >= 0xF0 => 4,
        Some(byte) if *byte >= 0xE0 => 3,
        Some(byte) if *byte >= 0xC0 => 2,
        _ => 1,
    };
    text.get(width..).unwrap_or_default()
}

/// CODEOWNERS rules, compiled.
pub struct CodeOwners {
    rules: Vec<(Pattern, Vec<String>)>,
}

impl CodeOwners {
    /// Compiles every rule; the first unsupported pattern is the error.
    pub fn new(rules: Vec<OwnerRule>) -> Result<CodeOwners, String> {
        let rules = rules
            .into_iter()
            .map(|rule| Ok((Pattern::new(&rule.pattern)?, rule.owners)))
            .collect::<Result<_, String>>()?;
        Ok(CodeOwners { rules })
    }

    /// Whether there are no rules.
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// The owners of `path`: those of the last matching rule (empty when no
    /// rule matches or the last one lists no owners).
    pub fn owners(&self, path: &str) -> &[String] {
        self.rules
            .iter()
            .rev()
            .find(|(pattern, _)| pattern.matches(path))
            .map_or(&[], |(_, owners)| owners.as_slice())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `pattern` owns exactly the paths marked true. Cases follow GitHub's
    /// documented examples and the gitignore rules it refers to.
    fn check(pattern: &str, cases: &[(&str, bool)]) {
        let compiled = Pattern::new(pattern).unwrap();
        for (path, expected) in cases {
            assert_eq!(compiled.matches(path), *expected, "`{pattern}` on `{path}`");
        }
    }

    #[test]
    fn a_lone_star_owns_everything() {
        check("*", &[("a", true), ("a/b", true), ("a/b/c.js", true)]);
    }

    #[test]
    fn an_extension_pattern_matches_at_any_depth() {
        check(
            "*.js",
            &[
                ("app.js", true),
                ("src/ui/app.js", true),
                ("app.jsx", false),
                ("src/js/app.ts", false),
            ],
        );
    }

    #[test]
    fn a_single_name_owns_files_and_directories_of_that_name_anywhere() {
        check(
            "logs",
            &[
                ("logs", true),
                ("logs/a.txt", true),
                ("build/logs", true),
                ("build/logs/deep/a.txt", true),
                ("logs.txt", false),
                ("build/catalogs/a", false),
            ],
        );
    }

    #[test]
    fn a_leading_slash_anchors_at_the_root() {
        check(
            "/scripts",
            &[
                ("scripts", true),
                ("scripts/deploy.sh", true),
                ("tools/scripts/deploy.sh", false),
                ("scripts.md", false),
            ],
        );
    }

    #[test]
    fn a_trailing_slash_matches_directories_only() {
        check(
            "apps/",
            &[
                ("apps", false),
                ("apps/web/main.go", true),
                ("services/apps/x", true),
                ("apps.yaml", false),
            ],
        );
        check(
            "/docs/",
            &[
                ("docs/index.md", true),
                ("docs/a/b/c.md", true),
                ("site/docs/index.md", false),
            ],
        );
    }

    #[test]
    fn a_middle_slash_anchors_too() {
        check(
            "build/logs/",
            &[("build/logs/x.log", true), ("src/build/logs/x.log", false)],
        );
        check(
            "docs/getting-started.md",
            &[
                ("docs/getting-started.md", true),
                ("x/docs/getting-started.md", false),
            ],
        );
    }

    #[test]
    fn a_trailing_lone_star_owns_direct_children_only() {
        // GitHub's own example: `docs/*` owns docs/getting-started.md, not
        // docs/build-app/troubleshooting.md.
        check(
            "docs/*",
            &[
                ("docs/getting-started.md", true),
                ("docs/build-app/troubleshooting.md", false),
                ("docs", false),
                ("x/docs/a.md", false),
            ],
        );
        check("/*", &[("README.md", true), ("src/main.rs", false)]);
        // With a trailing slash, any directory's contents.
        check("/*/", &[("README.md", false), ("src/main.rs", true)]);
    }

    #[test]
    fn a_star_within_a_name_still_owns_directories() {
        check(
            "f*",
            &[
                ("foo", true),
                ("foo/bar/baz", true),
                ("bar/foo/baz", true),
                ("bar/baz", false),
                ("xfoo", false),
            ],
        );
        check(
            "docs/*.md",
            &[("docs/a.md", true), ("docs/sub/a.md", false)],
        );
        check(
            "foo/*/baz",
            &[
                ("foo/bar/baz", true),
                ("foo/bar/baz/qux", true),
                ("foo/baz", false),
            ],
        );
    }

    #[test]
    fn double_stars_match_any_number_of_directories() {
        check(
            "**/logs",
            &[
                ("logs/a", true),
                ("build/logs/a", true),
                ("deeply/nested/logs/a", true),
                ("logsx/a", false),
            ],
        );
        check(
            "foo/**/bar",
            &[
                ("foo/bar", true),
                ("foo/x/y/bar/z", true),
                ("qux/foo/bar", false),
            ],
        );
        check(
            "foo/bar/**",
            &[
                ("foo/bar", false),
                ("foo/bar/baz", true),
                ("foo/bar/baz/qux", true),
                ("qux/foo/bar/baz", false),
            ],
        );
        check("**", &[("a", true), ("a/b", true)]);
    }

    #[test]
    fn question_marks_escapes_and_case() {
        check("f?o", &[("foo", true), ("fo", false), ("fooo", false)]);
        check("f\\*o", &[("f*o", true), ("foo", false)]);
        check("f\\?o", &[("f?o", true), ("foo", false)]);
        check("README.md", &[("README.md", true), ("readme.md", false)]);
        check("caf?", &[("café", true)]);
    }

    #[test]
    fn unsupported_syntax_is_an_error_naming_the_pattern() {
        for pattern in ["!docs/", "src/[ab]/*.rs"] {
            let error = Pattern::new(pattern).unwrap_err();
            assert!(error.contains(&format!("`{pattern}`")), "{error}");
        }
    }

    #[test]
    fn the_last_matching_rule_wins_and_empty_owners_unown() {
        let rule = |pattern: &str, owners: &[&str]| OwnerRule {
            pattern: pattern.into(),
            owners: owners.iter().map(|o| (*o).to_owned()).collect(),
        };
        let owners = CodeOwners::new(vec![
            rule("*", &["@global"]),
            rule("*.js", &["@js-owner"]),
            rule("/apps/", &["@octocat"]),
            rule("/apps/github", &[]),
        ])
        .unwrap();
        assert_eq!(owners.owners("README.md"), ["@global"]);
        assert_eq!(owners.owners("web/x.js"), ["@js-owner"]);
        assert_eq!(owners.owners("apps/x.js"), ["@octocat"]);
        assert!(owners.owners("apps/github/x.js").is_empty());
        let none = CodeOwners::new(vec![rule("/docs/", &["@d"])]).unwrap();
        assert!(none.owners("src/a.rs").is_empty());
    }
}
