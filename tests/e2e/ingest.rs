//! `verdict ingest` and `verdict formats`.

use crate::support::{corpus, root, run, verdict};

#[test]
fn formats_lists_every_format_once() {
    let out = run(verdict().arg("formats"));
    assert_eq!(out.code, 0, "{out:?}");
    for id in [
        "sarif",
        "trivy",
        "gitleaks",
        "cargo-lock",
        "junit",
        "cyclonedx",
        "lcov",
        "go-cover",
        "toml",
    ] {
        assert_eq!(
            out.stdout
                .lines()
                .filter(|line| line.starts_with(&format!("{id} ")))
                .count(),
            1,
            "{id}: {out:?}"
        );
    }
}

#[test]
fn ingest_reads_every_corpus_file() {
    let out = run(verdict().args(["ingest", "--output", "json"]).arg(corpus()));
    assert_eq!(out.code, 0, "{out:?}");
    let json: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let sources = json["sources"].as_array().unwrap();
    // Every scanner output in the corpus: all files but README.md,
    // PROVENANCE.md, .gitattributes and the advisory database's Markdown.
    let expected = walkdir(&corpus())
        .into_iter()
        .filter(|path| !path.to_string_lossy().contains("rustsec-advisory-db"))
        .filter(|path| !path.to_string_lossy().ends_with(".md"))
        .filter(|path| !path.file_name().unwrap().to_string_lossy().starts_with('.'))
        .count();
    assert_eq!(sources.len(), expected, "{}", out.stderr);
    // Every scanner output is read by its own format, except gitleaks' empty
    // report: it is `[]`, which no format can claim from content alone
    // (`gitleaks:PATH` forces it), so it is a generic JSON document.
    let generic: Vec<&str> = sources
        .iter()
        .filter(|s| s["format"] == "json")
        .map(|s| s["path"].as_str().unwrap())
        .collect();
    assert_eq!(generic.len(), 1, "{generic:?}");
    assert!(
        generic[0].ends_with("gitleaks/gitleaks-8-empty.json"),
        "{generic:?}"
    );
    for key in [
        "findings",
        "vulnerabilities",
        "secrets",
        "components",
        "tests",
        "documents",
    ] {
        assert!(json[key].is_array(), "{key}");
    }
    assert!(json["coverage"]["totals"]["lines_total"].as_u64().unwrap() > 0);
    assert!(out.stdout.len() > 100_000);
}

fn walkdir(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in fs_err::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(walkdir(&path));
        } else {
            files.push(path);
        }
    }
    files
}

#[test]
fn ingest_summary_shows_formats_and_severities() {
    let out = run(verdict()
        .arg("ingest")
        .arg(corpus().join("sarif/eslint-8.56.0.sarif")));
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stdout.contains("sarif"), "{out:?}");
    assert!(out.stdout.contains("findings"), "{out:?}");
    assert!(out.stdout.starts_with("FORMAT"), "{out:?}");
}

#[test]
fn every_bad_input_exits_2_with_one_line_naming_the_file() {
    let bad = root().join("fixtures/bad");
    let mut checked = 0;
    for entry in fs_err::read_dir(&bad).unwrap() {
        let path = entry.unwrap().path();
        // Subfolders hold inputs that parse but attack something else (the
        // reports: `forged-output/`); their own tests drive them.
        if path.extension().is_some_and(|ext| ext == "md") || path.is_dir() {
            continue;
        }
        // Fixtures are named `<format-id>-<case>.<ext>`; force the format so
        // that the test is about the parser, not detection.
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let format = verdict_format_prefix(&name);
        let arg = match &format {
            Some(format) => format!("{format}:{}", path.display()),
            None => path.display().to_string(),
        };
        let out = run(verdict().args(["ingest", "--output", "json", &arg]));
        assert_eq!(out.code, 2, "{name}: {out:?}");
        assert!(
            out.stdout.is_empty(),
            "{name}: stdout must be empty: {out:?}"
        );
        assert_eq!(
            out.stderr.trim_end().lines().count(),
            1,
            "{name}: one line: {out:?}"
        );
        assert!(
            out.stderr.contains(&name),
            "{name}: names the file: {out:?}"
        );
        checked += 1;
    }
    assert!(checked >= 10, "only {checked} bad fixtures");
}

/// The longest format id that prefixes a fixture name.
fn verdict_format_prefix(name: &str) -> Option<String> {
    let out = run(verdict().arg("formats"));
    out.stdout
        .lines()
        .filter_map(|line| line.split_whitespace().next())
        .filter(|id| name.starts_with(&format!("{id}-")))
        .max_by_key(|id| id.len())
        .map(str::to_owned)
}

#[test]
fn an_explicit_unrecognized_file_is_an_error_but_skipped_in_directories() {
    let dir = tempfile::tempdir().unwrap();
    let notes = dir.path().join("notes.txt");
    fs_err::write(&notes, "just some notes\n").unwrap();
    let out = run(verdict().arg("ingest").arg(&notes));
    assert_eq!(out.code, 2, "{out:?}");
    assert!(
        out.stderr.contains("no format recognizes this file"),
        "{out:?}"
    );
    assert!(out.stdout.is_empty());
    // Alone in a directory it makes the directory yield no report: an error.
    let out = run(verdict().arg("ingest").arg(dir.path()));
    assert_eq!(out.code, 2, "{out:?}");
    assert!(
        out.stderr.contains("no report in this directory"),
        "{out:?}"
    );
    // Beside a report it is skipped, and listed with the reason.
    fs_err::copy(
        root().join("fixtures/example/bandit.json"),
        dir.path().join("bandit.json"),
    )
    .unwrap();
    let out = run(verdict()
        .args(["ingest", "--output", "json"])
        .arg(dir.path()));
    assert_eq!(out.code, 0, "{out:?}");
    let json: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(json["sources"].as_array().unwrap().len(), 1);
    assert_eq!(
        json["skipped"][0]["reason"],
        "not a recognized report format"
    );
    assert!(
        json["skipped"][0]["path"]
            .as_str()
            .unwrap()
            .ends_with("notes.txt")
    );
}

#[test]
fn a_format_can_be_forced_for_one_input_among_several() {
    let sarif = corpus().join("sarif/gitleaks-8-simple.sarif");
    let doc = corpus().join("sarif/eslint-8.56.0.sarif");
    let out = run(verdict()
        .args(["ingest", "--output", "json"])
        .arg(&sarif)
        .arg(format!("json:{}", doc.display())));
    assert_eq!(out.code, 0, "{out:?}");
    let json: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(json["sources"][0]["format"], "sarif");
    assert_eq!(json["sources"][1]["format"], "json");
    assert_eq!(json["documents"].as_array().unwrap().len(), 1);
}

#[test]
fn unknown_forced_format_is_a_usage_error() {
    let out = run(verdict().args(["ingest", "--format", "nope", "README.md"]));
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains("unknown format `nope`"), "{out:?}");
}

/// `fixtures/corpus` is a copy of the shared corpus, made so that the tests
/// do not depend on where the repository is checked out. Where the shared
/// corpus is present, the copy must be identical to it, file for file.
#[test]
fn corpus_copy_is_byte_exact() {
    let shared = root().join("../shared/corpus");
    if !shared.is_dir() {
        return;
    }
    let relative = |base: &std::path::Path| {
        let mut files: Vec<_> = walkdir(base)
            .into_iter()
            .map(|path| path.strip_prefix(base).unwrap().to_path_buf())
            .collect();
        files.sort();
        files
    };
    let files = relative(&shared);
    assert_eq!(relative(&corpus()), files);
    for file in files {
        let copy = fs_err::read(corpus().join(&file)).unwrap();
        assert!(
            copy == fs_err::read(shared.join(&file)).unwrap(),
            "`{}` differs",
            file.display()
        );
    }
}
