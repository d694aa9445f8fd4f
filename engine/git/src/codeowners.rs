//! CODEOWNERS: who owns which paths, read from a tree.

use gix::bstr::ByteSlice;
use verdict_evidence::OwnerRule;

/// Where GitHub looks for CODEOWNERS, in its order (the first found wins), then GitLab's
/// third location (GitLab's other two are among GitHub's).
pub const LOCATIONS: [&str; 4] = [
    ".github/CODEOWNERS",
    "CODEOWNERS",
    "docs/CODEOWNERS",
    ".gitlab/CODEOWNERS",
];

/// The rules of the first CODEOWNERS file of [`LOCATIONS`] in `tree`; none when there is no
/// such file.
pub(crate) fn read(
    repository: &gix::Repository,
    tree: &gix::Tree<'_>,
) -> Result<Vec<OwnerRule>, gix::Error> {
    for location in LOCATIONS {
        let Some(entry) = tree.lookup_entry_by_path(location)? else {
            continue;
        };
        if !entry.mode().is_blob() {
            continue;
        }
        let blob = repository.find_object(entry.object_id())?;
        return Ok(parse(&blob.data.to_str_lossy()));
    }
    Ok(Vec::new())
}

/// The rules of a CODEOWNERS file, in file order.
///
/// Each rule line is a pattern followed by owners (`@user`, `@org/team`, an e-mail address),
/// separated by whitespace; a pattern without owners un-owns what it matches. Blank lines and
/// lines starting with `#` are skipped, and a word starting with `#` starts a trailing comment
/// (`\#` at the start of a pattern is a literal `#`; `\ ` is an escaped space, kept as written).
/// GitLab's section headers (`[Section]`, `^[Optional]`, `[Section][2]`, optionally followed by
/// default owners) are tolerated: the header is not a rule, and its default owners become the
/// owners of the section's rules that name none, as GitLab does.
pub fn parse(text: &str) -> Vec<OwnerRule> {
    let mut rules = Vec::new();
    let mut section_owners: Vec<String> = Vec::new();
    for line in text.lines() {
        let words = words(line.trim());
        let Some(first) = words.first() else {
            continue;
        };
        if let Some(owners) = section_header(line.trim()) {
            section_owners = owners;
            continue;
        }
        let mut owners: Vec<String> = words[1..].iter().map(|word| (*word).to_owned()).collect();
        if owners.is_empty() {
            owners.clone_from(&section_owners);
        }
        rules.push(OwnerRule {
            pattern: (*first).to_owned(),
            owners,
        });
    }
    rules
}

/// The words of a line up to a comment; backslash-escaped spaces do not split.
fn words(line: &str) -> Vec<&str> {
    let mut words = Vec::new();
    let mut start = None;
    let mut escaped = false;
    for (index, character) in line.char_indices() {
        if escaped {
            escaped = false;
            continue;
        }
        match character {
            '\\' => {
                escaped = true;
                start.get_or_insert(index);
            }
            c if c.is_whitespace() => {
                if let Some(from) = start.take() {
                    words.push(&line[from..index]);
                }
            }
            '#' if start.is_none() => break,
            _ => {
                start.get_or_insert(index);
            }
        }
    }
    if let Some(from) = start {
        words.push(&line[from..]);
    }
    words
}

/// A GitLab section header's default owners, or `None` if the line is not a header.
fn section_header(line: &str) -> Option<Vec<String>> {
    let rest = line.strip_prefix('^').unwrap_or(line).strip_prefix('[')?;
    let (_name, mut rest) = rest.split_once(']')?;
    // An approval count: `[Section][2]`.
    if let Some(count) = rest.strip_prefix('[') {
        let (digits, after) = count.split_once(']')?;
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        rest = after;
    }
    if !rest.is_empty() && !rest.starts_with(char::is_whitespace) {
        return None;
    }
    Some(words(rest.trim()).into_iter().map(str::to_owned).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules(text: &str) -> Vec<(String, Vec<String>)> {
        parse(text)
            .into_iter()
            .map(|rule| (rule.pattern, rule.owners))
            .collect()
    }

    fn rule(pattern: &str, owners: &[&str]) -> (String, Vec<String>) {
        (
            pattern.to_owned(),
            owners.iter().map(|owner| (*owner).to_owned()).collect(),
        )
    }

    #[test]
    fn github_rules_comments_and_unowned_paths() {
        let text = "# Owners\n\n*       @org/core\n/docs/ @alice bob@example.com # docs team\n\
                    /docs/generated/\n\\#notes @carol\n";
        assert_eq!(
            rules(text),
            [
                rule("*", &["@org/core"]),
                rule("/docs/", &["@alice", "bob@example.com"]),
                rule("/docs/generated/", &[]),
                rule("\\#notes", &["@carol"]),
            ]
        );
    }

    #[test]
    fn gitlab_sections_are_headers_with_default_owners() {
        let text = "[Backend] @backend-team\napp/ \nlib/ @dave\n^[Docs][2]\n*.md @writers\n\
                    [Frontend]\nweb/\npath\\ with\\ spaces/ @erin\n";
        assert_eq!(
            rules(text),
            [
                rule("app/", &["@backend-team"]),
                rule("lib/", &["@dave"]),
                rule("*.md", &["@writers"]),
                rule("web/", &[]),
                rule("path\\ with\\ spaces/", &["@erin"]),
            ]
        );
    }
}
