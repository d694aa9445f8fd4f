//! `changes` and `tags` against real repositories built with the `git` CLI, with git itself as
//! the oracle: `git diff --unified=0 -M $(git merge-base BASE HEAD) HEAD` for changed files and
//! lines, `git rev-parse TAG^{commit}` and `git for-each-ref` for tags. Nothing expected here
//! comes from the crate.

#![allow(
    clippy::unwrap_used,
    reason = "tests fail loudly on any unexpected error"
)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use verdict_evidence::{ChangeStatus, ChangedFile, LineRange};

/// Per changed file (head-side path): git's status letter, the old path, the `+` ranges.
type Summary = BTreeMap<String, (char, Option<String>, Vec<(u32, u32)>)>;
use verdict_git::{GitError, changes, tags};

/// A repository in a temporary directory, driven by `git` with no user configuration.
struct Repo {
    dir: tempfile::TempDir,
    /// The committer time of the next commit; each commit advances it.
    clock: std::cell::Cell<i64>,
}

impl Repo {
    fn new() -> Repo {
        let repo = Repo {
            dir: tempfile::tempdir().expect("temporary directory"),
            clock: std::cell::Cell::new(1_700_000_000),
        };
        fs_err::create_dir_all(repo.path()).expect("repository directory");
        repo.git(&["init", "--quiet", "--initial-branch=main"]);
        repo
    }

    fn path(&self) -> PathBuf {
        self.dir.path().join("repo")
    }

    fn git(&self, args: &[&str]) -> String {
        let time = self.clock.get();
        let output = Command::new("git")
            .current_dir(self.path())
            .args(args)
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", self.dir.path())
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_AUTHOR_NAME", "Alice Author")
            .env("GIT_AUTHOR_EMAIL", "alice@example.com")
            .env("GIT_COMMITTER_NAME", "Tom Tagger")
            .env("GIT_COMMITTER_EMAIL", "tom@example.com")
            .env("GIT_AUTHOR_DATE", format!("@{time} +0000"))
            .env("GIT_COMMITTER_DATE", format!("@{time} +0000"))
            .output()
            .expect("git runs");
        assert!(
            output.status.success(),
            "git {args:?} failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8(output.stdout)
            .expect("git prints UTF-8 here")
            .trim_end()
            .to_owned()
    }

    fn write(&self, path: &str, content: impl AsRef<[u8]>) {
        let path = self.path().join(path);
        fs_err::create_dir_all(path.parent().expect("a parent")).expect("directories");
        fs_err::write(path, content).expect("file written");
    }

    /// Stages everything and commits; returns the commit id.
    fn commit(&self, message: &str) -> String {
        self.clock.set(self.clock.get() + 100);
        self.git(&["add", "--all"]);
        self.git(&["commit", "--quiet", "--allow-empty", "-m", message]);
        self.git(&["rev-parse", "HEAD"])
    }
}

/// `count` numbered lines, `prefix 1` to `prefix count`, each ending with a newline.
fn numbered(prefix: &str, count: u32) -> String {
    (1..=count).map(|n| format!("{prefix} {n}\n")).collect()
}

/// What git says a change is: per file (head-side path) its status letter, old path and the
/// `+` ranges of `--unified=0` hunks; binary files have no hunks.
fn oracle(repo: &Repo, base: &str, head: &str) -> Summary {
    let merge_base = repo.git(&["merge-base", base, head]);
    let mut files = BTreeMap::new();
    for line in repo
        .git(&[
            "diff",
            "--name-status",
            "-M",
            "--no-color",
            &merge_base,
            head,
        ])
        .lines()
    {
        let fields: Vec<&str> = line.split('\t').collect();
        let status = fields[0].chars().next().expect("a status letter");
        let (path, old) = match status {
            'R' | 'C' => (fields[2].to_owned(), Some(fields[1].to_owned())),
            _ => (fields[1].to_owned(), None),
        };
        files.insert(path, (status, old, Vec::new()));
    }
    let patch = repo.git(&[
        "diff",
        "--unified=0",
        "-M",
        "--no-color",
        "--no-ext-diff",
        &merge_base,
        head,
    ]);
    let mut current: Option<String> = None;
    for line in patch.lines() {
        if let Some(path) = line.strip_prefix("+++ b/") {
            current = Some(path.to_owned());
        } else if line.starts_with("+++ /dev/null") {
            current = None;
        } else if let Some(hunk) = line.strip_prefix("@@ ") {
            // `@@ -a,b +c,d @@`: d lines from c on the head side (d defaults to 1).
            let plus = hunk.split(' ').nth(1).expect("a + range");
            let plus = plus.strip_prefix('+').expect("starts with +");
            let (start, count) = match plus.split_once(',') {
                Some((start, count)) => {
                    (start.parse::<u32>().unwrap(), count.parse::<u32>().unwrap())
                }
                None => (plus.parse::<u32>().unwrap(), 1),
            };
            if count > 0 {
                let path = current.clone().expect("a hunk belongs to a file");
                files
                    .get_mut(&path)
                    .expect("listed by --name-status")
                    .2
                    .push((start, start + count - 1));
            }
        }
    }
    files
}

/// Our result in the oracle's shape.
fn ours(files: &[ChangedFile]) -> Summary {
    files
        .iter()
        .map(|file| {
            let letter = match file.status {
                ChangeStatus::Added => 'A',
                ChangeStatus::Modified => 'M',
                ChangeStatus::Deleted => 'D',
                ChangeStatus::Renamed => 'R',
                ChangeStatus::Copied => 'C',
            };
            let ranges = file.added_lines.iter().map(|r| (r.start, r.end)).collect();
            (file.path.clone(), (letter, file.old_path.clone(), ranges))
        })
        .collect()
}

/// A branch `feature` off `main` that edits a file above and below, renames one with an edit,
/// deletes one, changes a binary one, adds one, and adds CODEOWNERS in two places; meanwhile
/// `main` moves on with its own commit and a merge commit. Returns (repo, feature tip).
fn pull_request() -> (Repo, String) {
    let repo = Repo::new();
    repo.write("src/lib.py", numbered("lib line", 30));
    repo.write("old_name.py", numbered("moved line", 12));
    repo.write("gone.txt", "bye\n");
    repo.write("image.bin", b"\x89PNG\0\x01\x02");
    repo.write("keep.txt", "unchanged\n");
    repo.commit("root");
    repo.git(&["checkout", "--quiet", "-b", "feature"]);
    let mut lib: Vec<String> = numbered("lib line", 30)
        .lines()
        .map(str::to_owned)
        .collect();
    lib[1] = "lib line 2, changed".to_owned(); // line 2 changed
    lib.insert(20, "inserted after line 20".to_owned()); // new line 21
    lib.insert(21, "and another".to_owned()); // new line 22
    lib.remove(5); // line 6 removed: nothing on the head side
    repo.write("src/lib.py", lib.join("\n") + "\n");
    repo.git(&["mv", "old_name.py", "new_name.py"]);
    let mut moved = numbered("moved line", 12);
    moved = moved.replace("moved line 7\n", "moved line seven\n");
    repo.write("new_name.py", moved);
    repo.git(&["rm", "--quiet", "gone.txt"]);
    repo.write("image.bin", b"\x89PNG\0\x03\x04\x05");
    repo.write("pkg/new.py", "def new():\n    return 1\n");
    repo.write(
        ".github/CODEOWNERS",
        "* @org/core\n/src/ @alice # the library\n",
    );
    repo.write("CODEOWNERS", "* @not-read\n");
    repo.commit("feature work");
    repo.write("src/lib.py", format!("{}tail\n", lib.join("\n") + "\n"));
    let feature = repo.commit("more feature work");
    // main moves on after the branch point: a commit and a merge of another branch.
    repo.git(&["checkout", "--quiet", "main"]);
    repo.write("keep.txt", "changed on main\n");
    repo.commit("main work");
    repo.git(&["checkout", "--quiet", "-b", "side", "main~1"]);
    repo.write("side.txt", "side\n");
    repo.commit("side work");
    repo.git(&["checkout", "--quiet", "main"]);
    repo.clock.set(repo.clock.get() + 100);
    repo.git(&["merge", "--quiet", "--no-ff", "-m", "merge side", "side"]);
    (repo, feature)
}

#[test]
fn changes_match_git_diff_from_the_merge_base() {
    let (repo, feature) = pull_request();
    let (files, owners) = changes(&repo.path(), "main", Some(&feature)).unwrap();
    let expected = oracle(&repo, "main", &feature);
    assert_eq!(ours(&files), expected);
    // The oracle itself says what the scenario promises, so the comparison is not vacuous.
    assert_eq!(
        expected["src/lib.py"],
        ('M', None, vec![(2, 2), (20, 21), (32, 32)])
    );
    assert_eq!(
        expected["new_name.py"],
        ('R', Some("old_name.py".to_owned()), vec![(7, 7)])
    );
    assert_eq!(expected["gone.txt"].0, 'D');
    assert_eq!(expected["image.bin"], ('M', None, vec![]));
    assert_eq!(expected["pkg/new.py"], ('A', None, vec![(1, 2)]));
    for untouched in ["keep.txt", "side.txt"] {
        assert!(
            !expected.contains_key(untouched),
            "{untouched} changed on main only"
        );
    }
    // Sorted by path, with each range ascending.
    let paths: Vec<&str> = files.iter().map(|file| file.path.as_str()).collect();
    let mut sorted = paths.clone();
    sorted.sort_unstable();
    assert_eq!(paths, sorted);
    // CODEOWNERS: `.github/CODEOWNERS` wins over the root one, rules in file order.
    let owners: Vec<(&str, Vec<&str>)> = owners
        .iter()
        .map(|rule| {
            (
                rule.pattern.as_str(),
                rule.owners.iter().map(String::as_str).collect(),
            )
        })
        .collect();
    assert_eq!(
        owners,
        [("*", vec!["@org/core"]), ("/src/", vec!["@alice"])]
    );
}

#[test]
fn head_defaults_to_head_and_merges_on_the_branch_are_followed() {
    let (repo, feature) = pull_request();
    // Merge main into the feature branch: main's own changes must still not show.
    repo.git(&["checkout", "--quiet", "feature"]);
    repo.clock.set(repo.clock.get() + 100);
    repo.git(&["merge", "--quiet", "--no-ff", "-m", "merge main", "main"]);
    let (files, _) = changes(&repo.path(), "main", None).unwrap();
    assert_eq!(ours(&files), oracle(&repo, "main", "HEAD"));
    assert!(files.iter().all(|file| file.path != "keep.txt"));
    let (before, _) = changes(&repo.path(), "main", Some(&feature)).unwrap();
    assert_eq!(
        ours(&before),
        ours(&files),
        "merging base in adds nothing to the change"
    );
}

#[test]
fn head_equal_to_base_changes_nothing_and_no_codeowners_is_empty() {
    let repo = Repo::new();
    repo.write("a.txt", "a\n");
    repo.commit("root");
    let (files, owners) = changes(&repo.path(), "HEAD", Some("HEAD")).unwrap();
    assert!(files.is_empty());
    assert!(owners.is_empty());
}

#[test]
fn codeowners_falls_back_to_docs() {
    let repo = Repo::new();
    repo.write("docs/CODEOWNERS", "[Docs][1] @writers\n*.md\n");
    repo.commit("root");
    repo.write("README.md", "hello\n");
    repo.commit("readme");
    let (files, owners) = changes(&repo.path(), "HEAD~1", None).unwrap();
    assert_eq!(
        files,
        [ChangedFile {
            path: "README.md".to_owned(),
            old_path: None,
            status: ChangeStatus::Added,
            added_lines: vec![LineRange { start: 1, end: 1 }],
        }]
    );
    assert_eq!(owners.len(), 1);
    assert_eq!(
        (owners[0].pattern.as_str(), owners[0].owners.as_slice()),
        ("*.md", &["@writers".to_owned()][..])
    );
}

#[test]
fn unrelated_histories_have_no_merge_base() {
    let repo = Repo::new();
    repo.write("a.txt", "a\n");
    repo.commit("root");
    repo.git(&["checkout", "--quiet", "--orphan", "other"]);
    repo.write("b.txt", "b\n");
    repo.commit("other root");
    let error = changes(&repo.path(), "main", Some("other")).unwrap_err();
    assert!(
        matches!(error, GitError::NoMergeBase { shallow: false, .. }),
        "{error:?}"
    );
    assert!(error.to_string().contains("no common ancestor"), "{error}");
    assert!(error.hint().unwrap().contains("share history"));
    let error = changes(&repo.path(), "no-such-branch", None).unwrap_err();
    assert!(matches!(error, GitError::Resolve { .. }), "{error:?}");
}

#[test]
fn tags_are_every_tag_with_its_peeled_commit_sorted_by_name() {
    let repo = Repo::new();
    repo.write("a.txt", "1\n");
    let first = repo.commit("first");
    repo.write("a.txt", "2\n");
    let second = repo.commit("second");
    repo.git(&["tag", "qa-1.2.3"]); // lightweight, at second
    repo.git(&["tag", "-a", "-m", "qa", "qa-1.2.30", &first]); // annotated, another commit
    repo.git(&["tag", "-a", "-m", "build", "build-1.2.3"]);
    repo.git(&["tag", "-a", "-m", "nested", "nested", "build-1.2.3"]); // a tag of a tag
    repo.git(&["tag", "tree-tag", "HEAD^{tree}"]); // names no commit: left out
    repo.git(&["pack-refs", "--all"]);
    repo.git(&["tag", "zz-loose", &first]); // one loose, the rest packed

    let listed = tags(&repo.path()).unwrap();
    // The oracle: every tag git lists, minus the one that peels to a tree, with git's peel.
    let mut expected = Vec::new();
    for line in repo
        .git(&["for-each-ref", "refs/tags", "--format=%(refname:short)|%(objecttype)|%(taggername)|%(taggeremail)|%(taggerdate:unix)"])
        .lines()
    {
        let fields: Vec<&str> = line.split('|').collect();
        let name = fields[0];
        if name == "tree-tag" {
            continue;
        }
        let commit = repo.git(&["rev-parse", &format!("{name}^{{commit}}")]);
        let annotated = fields[1] == "tag";
        let tagger = annotated.then(|| format!("{} {}", fields[2], fields[3]));
        let time = annotated.then(|| fields[4].parse::<i64>().unwrap());
        expected.push((name.to_owned(), commit, annotated, tagger, time));
    }
    let got: Vec<_> = listed
        .iter()
        .map(|tag| {
            (
                tag.name.clone(),
                tag.commit.clone(),
                tag.annotated,
                tag.tagger.clone(),
                tag.time,
            )
        })
        .collect();
    assert_eq!(got, expected);
    // And what the scenario promises: look-alikes on different commits, sorted by name.
    let names: Vec<&str> = listed.iter().map(|tag| tag.name.as_str()).collect();
    assert_eq!(
        names,
        ["build-1.2.3", "nested", "qa-1.2.3", "qa-1.2.30", "zz-loose"]
    );
    let at = |name: &str| listed.iter().find(|tag| tag.name == name).unwrap();
    assert_eq!(
        (at("qa-1.2.3").commit.as_str(), at("qa-1.2.3").annotated),
        (second.as_str(), false)
    );
    assert_eq!(
        (at("qa-1.2.30").commit.as_str(), at("qa-1.2.30").annotated),
        (first.as_str(), true)
    );
    assert_eq!(at("nested").commit, second);
    assert_eq!(
        at("build-1.2.3").tagger.as_deref(),
        Some("Tom Tagger <tom@example.com>")
    );
    assert_eq!(at("zz-loose").tagger, None);
}

#[test]
fn no_tags_is_an_empty_list_and_a_missing_repository_an_error() {
    let repo = Repo::new();
    repo.commit("root");
    assert!(tags(&repo.path()).unwrap().is_empty());
    let missing = repo.dir.path().join("nope");
    assert!(matches!(
        tags(Path::new(&missing)).unwrap_err(),
        GitError::NotARepository { .. }
    ));
}
