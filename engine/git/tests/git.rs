//! verdict-git against real repositories built with the `git` CLI in a temporary directory.
//!
//! Every expected id comes from `git rev-parse` / `git rev-list`, never from the crate itself.

use std::path::{Path, PathBuf};
use std::process::Command;

use verdict_git::{GitError, commits, tags_at};

/// The armored signature of the hand-made "signed" commit, as it appears after unfolding the
/// header (git writes the blank armor line as a single space), ending with a newline as gpg
/// writes it and as git hands it to gpg for verification.
const SIGNATURE: &str = "-----BEGIN PGP SIGNATURE-----\n\niQEzBAABCAAdFiEEverdicttestsignature\n=abcd\n-----END PGP SIGNATURE-----\n";

/// A git repository in a temporary directory, driven by the `git` CLI with no user config.
struct Repo {
    /// Keeps the directory alive; the repository is `dir/repo`.
    dir: tempfile::TempDir,
}

impl Repo {
    fn new() -> Repo {
        let dir = tempfile::tempdir().expect("temporary directory");
        let repo = Repo { dir };
        fs_err::create_dir_all(repo.path()).expect("repository directory");
        repo.git(&["init", "--quiet", "--initial-branch=main"]);
        repo
    }

    fn path(&self) -> PathBuf {
        self.dir.path().join("repo")
    }

    fn git(&self, args: &[&str]) -> String {
        self.git_in(&self.path(), args, 10_000, None)
    }

    /// Runs git in `cwd`; `time` sets the committer date (the author date is 500 s earlier, so
    /// tests can tell them apart), `stdin` is piped in.
    fn git_in(&self, cwd: &Path, args: &[&str], time: i64, stdin: Option<&str>) -> String {
        let mut command = Command::new("git");
        command
            .current_dir(cwd)
            .args(args)
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", self.dir.path())
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_AUTHOR_NAME", "Alice Author")
            .env("GIT_AUTHOR_EMAIL", "alice@example.com")
            .env("GIT_COMMITTER_NAME", "Carol Committer")
            .env("GIT_COMMITTER_EMAIL", "carol@example.com")
            .env("GIT_AUTHOR_DATE", format!("@{} +0000", time - 500))
            .env("GIT_COMMITTER_DATE", format!("@{time} +0000"))
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped());
        let mut child = command.spawn().expect("git runs");
        if let Some(input) = stdin {
            use std::io::Write as _;
            let mut pipe = child.stdin.take().expect("stdin is piped");
            pipe.write_all(input.as_bytes())
                .expect("git reads its input");
        }
        drop(child.stdin.take());
        let output = child.wait_with_output().expect("git finishes");
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

    /// An empty commit on the current branch at committer time `time`; returns its id.
    fn commit(&self, message: &str, time: i64) -> String {
        let path = self.path();
        self.git_in(
            &path,
            &["commit", "--quiet", "--allow-empty", "-m", message],
            time,
            None,
        );
        self.rev_parse("HEAD")
    }

    fn rev_parse(&self, revision: &str) -> String {
        self.git(&["rev-parse", &format!("{revision}^{{commit}}")])
    }

    /// `git rev-list --date-order range`, the reference order.
    fn rev_list(&self, range: &str) -> Vec<String> {
        let listed = self.git(&["rev-list", "--date-order", range]);
        listed.lines().map(str::to_owned).collect()
    }

    /// Writes a commit object by hand (so it can carry a signature header without a key).
    fn raw_commit(&self, text: &str) -> String {
        let path = self.path();
        self.git_in(
            &path,
            &["hash-object", "-t", "commit", "-w", "--stdin"],
            10_000,
            Some(text),
        )
    }
}

/// The shared history:
///
/// ```text
/// c1 -- c2 ------- c3 -- merge -- signed   (main, HEAD; tags v1.0 annotated, qa-passed-1.0)
///  \      \             /
///   \      feature1 ---         (feature)
///    side1                      (side; tag v0.9)
/// ```
struct History {
    repo: Repo,
    c1: String,
    c2: String,
    feature1: String,
    c3: String,
    merge: String,
    signed: String,
    side1: String,
}

fn history() -> History {
    let repo = Repo::new();
    let path = repo.path();
    let c1 = repo.commit("root", 1000);
    let c2 = repo.commit("second\n\nbody line", 2000);
    repo.git(&["checkout", "--quiet", "-b", "feature"]);
    let feature1 = repo.commit("feature work", 3000);
    repo.git(&["checkout", "--quiet", "main"]);
    let c3 = repo.commit("third", 4000);
    repo.git_in(
        &path,
        &[
            "merge",
            "--quiet",
            "--no-ff",
            "-m",
            "merge feature",
            "feature",
        ],
        5000,
        None,
    );
    let merge = repo.rev_parse("HEAD");
    let tree = repo.git(&["rev-parse", "HEAD^{tree}"]);
    let signed_text = format!(
        "tree {tree}\nparent {merge}\nauthor Alice Author <alice@example.com> 5900 +0000\n\
         committer Carol Committer <carol@example.com> 6000 +0000\n\
         gpgsig -----BEGIN PGP SIGNATURE-----\n \n iQEzBAABCAAdFiEEverdicttestsignature\n =abcd\n -----END PGP SIGNATURE-----\n\
         \nsigned commit\n"
    );
    let signed = repo.raw_commit(&signed_text);
    repo.git(&["update-ref", "refs/heads/main", &signed]);
    repo.git(&["tag", "qa-passed-1.0"]);
    repo.git_in(
        &path,
        &["tag", "--annotate", "-m", "release 1.0", "v1.0"],
        6100,
        None,
    );
    repo.git(&["branch", "side", &c1]);
    repo.git(&["checkout", "--quiet", "side"]);
    let side1 = repo.commit("side work", 1500);
    repo.git(&["tag", "--annotate", "-m", "old", "v0.9"]);
    repo.git(&["checkout", "--quiet", "main"]);
    History {
        repo,
        c1,
        c2,
        feature1,
        c3,
        merge,
        signed,
        side1,
    }
}

fn ids(commits: &[verdict_evidence::Commit]) -> Vec<String> {
    commits.iter().map(|commit| commit.id.clone()).collect()
}

#[test]
fn lists_commits_between_base_and_head_newest_first_like_git() {
    let history = history();
    let listed = commits(&history.repo.path(), Some(&history.c1), None).unwrap();
    assert_eq!(
        ids(&listed),
        history.repo.rev_list(&format!("{}..HEAD", history.c1))
    );
    assert_eq!(
        ids(&listed),
        [
            history.signed.as_str(),
            history.merge.as_str(),
            history.c3.as_str(),
            history.feature1.as_str(),
            history.c2.as_str()
        ]
    );
}

#[test]
fn excludes_everything_reachable_from_base_across_a_merge() {
    let history = history();
    let listed = commits(&history.repo.path(), Some("feature"), Some("main")).unwrap();
    assert_eq!(ids(&listed), history.repo.rev_list("feature..main"));
    assert_eq!(
        ids(&listed),
        [
            history.signed.as_str(),
            history.merge.as_str(),
            history.c3.as_str()
        ]
    );
}

#[test]
fn records_merge_parents_in_order() {
    let history = history();
    let listed = commits(&history.repo.path(), None, Some("HEAD~1")).unwrap();
    assert_eq!(ids(&listed), [history.merge.as_str()]);
    assert_eq!(
        listed[0].parents,
        [
            history.repo.rev_parse("HEAD~1^1"),
            history.repo.rev_parse("HEAD~1^2")
        ]
    );
    assert_eq!(
        listed[0].parents,
        [history.c3.as_str(), history.feature1.as_str()]
    );
    assert_eq!(listed[0].message, "merge feature\n");
}

#[test]
fn decodes_people_committer_time_and_message() {
    let history = history();
    let listed = commits(&history.repo.path(), None, Some(&history.c2)).unwrap();
    assert_eq!(listed.len(), 1);
    let commit = &listed[0];
    assert_eq!(commit.id, history.c2);
    assert_eq!(commit.parents, [history.c1.as_str()]);
    assert_eq!(commit.author_name, "Alice Author");
    assert_eq!(commit.author_email, "alice@example.com");
    assert_eq!(commit.committer_name, "Carol Committer");
    assert_eq!(commit.committer_email, "carol@example.com");
    // The committer time, not the author time (1500).
    assert_eq!(commit.time, 2000);
    assert_eq!(commit.message, "second\n\nbody line\n");
    assert_eq!(commit.signature, None);
}

#[test]
fn reads_the_gpgsig_header_as_the_signature() {
    let history = history();
    let listed = commits(&history.repo.path(), None, None).unwrap();
    assert_eq!(ids(&listed), [history.signed.as_str()]);
    assert_eq!(listed[0].signature.as_deref(), Some(SIGNATURE));
    assert_eq!(listed[0].message, "signed commit\n");
    assert_eq!(listed[0].time, 6000);
    // The header is not part of the message, and git agrees the object is a sound commit.
    history.repo.git(&["fsck", "--strict", "--no-dangling"]);
}

#[test]
fn reads_the_gpgsig_sha256_header_as_the_signature() {
    let history = history();
    let tree = history.repo.git(&["rev-parse", "HEAD^{tree}"]);
    let text = format!(
        "tree {tree}\nparent {}\nauthor A <a@example.com> 7000 +0000\ncommitter C <c@example.com> 7000 +0000\n\
         gpgsig-sha256 -----BEGIN SSH SIGNATURE-----\n U1NIU0lH\n -----END SSH SIGNATURE-----\n\nsha256 signed\n",
        history.signed
    );
    let id = history.repo.raw_commit(&text);
    let listed = commits(&history.repo.path(), None, Some(&id)).unwrap();
    assert_eq!(ids(&listed), [id.as_str()]);
    assert_eq!(
        listed[0].signature.as_deref(),
        Some("-----BEGIN SSH SIGNATURE-----\nU1NIU0lH\n-----END SSH SIGNATURE-----\n")
    );
}

#[test]
fn without_base_returns_only_the_head_commit() {
    let history = history();
    let listed = commits(&history.repo.path(), None, Some("main")).unwrap();
    assert_eq!(ids(&listed), [history.signed.as_str()]);
}

#[test]
fn base_equal_to_head_gives_no_commits() {
    let history = history();
    assert_eq!(
        commits(&history.repo.path(), Some("HEAD"), Some("main")).unwrap(),
        []
    );
}

#[test]
fn annotated_tags_resolve_to_their_commit() {
    let history = history();
    let listed = commits(&history.repo.path(), Some(&history.c1), Some("v0.9")).unwrap();
    assert_eq!(ids(&listed), [history.side1.as_str()]);
    assert_eq!(history.repo.rev_parse("v0.9"), history.side1);
}

#[test]
fn lists_lightweight_and_annotated_tags_at_head_sorted() {
    let history = history();
    let path = history.repo.path();
    assert_eq!(tags_at(&path, None).unwrap(), ["qa-passed-1.0", "v1.0"]);
    assert_eq!(
        tags_at(&path, Some(&history.signed)).unwrap(),
        ["qa-passed-1.0", "v1.0"]
    );
    assert_eq!(tags_at(&path, Some("side")).unwrap(), ["v0.9"]);
    assert_eq!(
        tags_at(&path, Some(&history.c3)).unwrap(),
        Vec::<String>::new()
    );
}

#[test]
fn finds_tags_in_packed_refs_and_tags_of_tags() {
    let history = history();
    let path = history.repo.path();
    history
        .repo
        .git(&["tag", "--annotate", "-m", "tag of a tag", "nested", "v1.0"]);
    // A tag of a tree peels to the tree: it points at no commit, and is no error.
    history.repo.git(&["tag", "tree-tag", "HEAD^{tree}"]);
    history.repo.git(&["pack-refs", "--all"]);
    assert!(
        !path.join(".git/refs/tags/v1.0").exists(),
        "the tags are packed"
    );
    assert_eq!(
        tags_at(&path, None).unwrap(),
        ["nested", "qa-passed-1.0", "v1.0"]
    );
}

#[test]
fn unknown_revision_is_an_error_naming_repo_and_revision() {
    let history = history();
    let path = history.repo.path();
    let error = commits(&path, Some("v9.9"), None).unwrap_err();
    assert!(matches!(error, GitError::Resolve { .. }), "{error:?}");
    let expected = format!(
        "`{}`: cannot resolve revision `v9.9`: Reference \"v9.9\" could not be found",
        path.display()
    );
    assert_eq!(error.to_string(), expected);
    assert_eq!(error.hint(), None);
    let error = tags_at(&path, Some("no-such-branch")).unwrap_err();
    let prefix = format!(
        "`{}`: cannot resolve revision `no-such-branch`: ",
        path.display()
    );
    assert!(error.to_string().starts_with(&prefix), "{error}");
}

#[test]
fn revisions_that_are_not_one_commit_are_errors() {
    let history = history();
    let path = history.repo.path();
    for revision in ["main..side", "HEAD^{tree}", "HEAD~99"] {
        let error = commits(&path, None, Some(revision)).unwrap_err();
        assert!(matches!(error, GitError::Resolve { .. }), "{error:?}");
        let prefix = format!(
            "`{}`: cannot resolve revision `{revision}`: ",
            path.display()
        );
        assert!(error.to_string().starts_with(&prefix), "{error}");
    }
}

#[test]
fn reads_bare_repositories() {
    let history = history();
    let bare = history.repo.dir.path().join("bare.git");
    let source = history.repo.path();
    history.repo.git(&[
        "clone",
        "--quiet",
        "--bare",
        source.to_str().unwrap(),
        bare.to_str().unwrap(),
    ]);
    let listed = commits(&bare, Some(&history.c1), None).unwrap();
    assert_eq!(
        ids(&listed),
        history.repo.rev_list(&format!("{}..HEAD", history.c1))
    );
    assert_eq!(tags_at(&bare, None).unwrap(), ["qa-passed-1.0", "v1.0"]);
}

#[test]
fn a_directory_that_is_not_a_repository_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    for path in [dir.path().to_owned(), dir.path().join("missing")] {
        let error = commits(&path, None, None).unwrap_err();
        assert!(
            matches!(error, GitError::NotARepository { .. }),
            "{error:?}"
        );
        let prefix = format!("`{}` is not a git repository", path.display());
        assert!(error.to_string().starts_with(&prefix), "{error}");
        let error = tags_at(&path, None).unwrap_err();
        assert!(error.to_string().starts_with(&prefix), "{error}");
    }
}

/// A `git clone --depth N` of the shared history, as CI's `fetch-depth: N` makes.
fn shallow_clone(history: &History, depth: &str) -> PathBuf {
    let clone = history.repo.dir.path().join(format!("clone-{depth}"));
    let url = format!("file://{}", history.repo.path().display());
    let clone_text = clone.to_str().expect("temporary paths are UTF-8");
    history.repo.git_in(
        history.repo.dir.path(),
        &[
            "clone",
            "--quiet",
            "--no-single-branch",
            "--depth",
            depth,
            &url,
            clone_text,
        ],
        10_000,
        None,
    );
    assert!(clone.join(".git/shallow").exists());
    clone
}

#[test]
fn a_base_missing_from_a_shallow_clone_asks_for_full_history() {
    let history = history();
    let clone = shallow_clone(&history, "1");
    let error = commits(&clone, Some(&history.c1), None).unwrap_err();
    assert!(matches!(error, GitError::Shallow { .. }), "{error:?}");
    let prefix = format!(
        "`{}`: cannot resolve revision `{}`: the clone is shallow and may not contain it: ",
        clone.display(),
        history.c1
    );
    assert!(error.to_string().starts_with(&prefix), "{error}");
    assert!(error.hint().unwrap().contains("`fetch-depth: 0`"));
    // The head commit alone is still readable.
    assert_eq!(
        ids(&commits(&clone, None, None).unwrap()),
        [history.signed.as_str()]
    );
}

#[test]
fn a_walk_past_the_shallow_boundary_is_an_error() {
    let history = history();
    let clone = shallow_clone(&history, "1");
    // `origin/side` is fetched, but the path from HEAD back to it was cut off.
    let error = commits(&clone, Some("origin/side"), None).unwrap_err();
    assert!(
        matches!(error, GitError::ShallowBoundary { .. }),
        "{error:?}"
    );
    assert!(
        error
            .to_string()
            .contains("reach past the history of this shallow clone"),
        "{error}"
    );
    assert!(error.hint().unwrap().contains("`fetch-depth: 0`"));
}

#[test]
fn a_shallow_clone_deep_enough_for_base_works() {
    let history = history();
    let clone = shallow_clone(&history, "3");
    let listed = commits(&clone, Some("HEAD~1"), None).unwrap();
    assert_eq!(ids(&listed), [history.signed.as_str()]);
    assert_eq!(tags_at(&clone, None).unwrap(), ["qa-passed-1.0", "v1.0"]);
}

/// The real limit; a unit test in `commits.rs` covers the same logic with a small one.
#[test]
#[ignore = "slow (about a minute in a debug build): builds 100,002 commits; run with `--ignored`"]
fn refuses_walks_longer_than_the_limit() {
    let repo = Repo::new();
    // A root and MAX_COMMITS + 1 commits on top; fast-import writes them in seconds.
    let count = verdict_git::MAX_COMMITS + 2;
    let mut stream = String::with_capacity(count * 120);
    for mark in 1..=count {
        stream.push_str(&format!(
            "commit refs/heads/main\nmark :{mark}\ncommitter C <c@example.com> {mark} +0000\ndata 0\n"
        ));
        if mark > 1 {
            stream.push_str(&format!("from :{}\n", mark - 1));
        }
        stream.push('\n');
    }
    let path = repo.path();
    repo.git_in(&path, &["fast-import", "--quiet"], 10_000, Some(&stream));
    let root = repo.git(&["rev-list", "--max-parents=0", "main"]);
    // Not `unwrap_err`: its panic would print 100,001 commits.
    let Err(error) = commits(&path, Some(&root), Some("main")) else {
        panic!("a walk over the limit was accepted");
    };
    assert!(
        matches!(error, GitError::TooManyCommits { .. }),
        "{error:?}"
    );
    let expected = format!(
        "`{}`: more than 100000 commits between `{root}` and `main`",
        path.display()
    );
    assert_eq!(error.to_string(), expected);
    // Exactly the limit is fine.
    let listed = commits(&path, Some(&root), Some("main~1")).map_err(|error| error.to_string());
    assert_eq!(
        listed.map(|listed| listed.len()),
        Ok(verdict_git::MAX_COMMITS)
    );
}
