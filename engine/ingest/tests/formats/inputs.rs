//! Inputs (issue 7): every file under a directory is ingested, skipped with
//! a reason, or an error naming it.

#![allow(
    clippy::unwrap_used,
    reason = "test helpers fail loudly on any unexpected error"
)]

use crate::support::corpus;
use std::path::Path;
use verdict_ingest::{IngestError, Input, Options, ingest};

fn ingest_dir(dir: &Path) -> Result<verdict_ingest::Evidence, IngestError> {
    ingest(&[Input::detect(dir)], &Options::default())
}

fn copy(from: &str, to: &Path) {
    fs_err::create_dir_all(to.parent().unwrap()).unwrap();
    fs_err::copy(corpus(from), to).unwrap();
}

fn write(path: &Path, text: &str) {
    fs_err::create_dir_all(path.parent().unwrap()).unwrap();
    fs_err::write(path, text).unwrap();
}

fn skipped_reasons(evidence: &verdict_ingest::Evidence) -> Vec<(String, String)> {
    evidence
        .skipped
        .iter()
        .map(|file| {
            let name = Path::new(&file.path).file_name().unwrap();
            (name.to_string_lossy().into_owned(), file.reason.clone())
        })
        .collect()
}

#[test]
fn hidden_files_and_hidden_directories_are_read() {
    let dir = tempfile::tempdir().unwrap();
    copy(
        "gitleaks/gitleaks-8-simple.json",
        &dir.path().join(".gitleaks-report.json"),
    );
    copy(
        "sarif/eslint-8.56.0.sarif",
        &dir.path().join(".reports/eslint.sarif"),
    );
    let evidence = ingest_dir(dir.path()).unwrap();
    let formats: Vec<&str> = evidence.sources.iter().map(|s| s.format.as_str()).collect();
    assert_eq!(formats, ["gitleaks", "sarif"]);
    assert!(evidence.skipped.is_empty());
}

#[test]
fn an_empty_file_is_an_error_naming_it_whether_walked_or_named() {
    for content in ["", "  \n\t\n", "\u{feff}\n"] {
        let dir = tempfile::tempdir().unwrap();
        copy(
            "sarif/eslint-8.56.0.sarif",
            &dir.path().join("eslint.sarif"),
        );
        let empty = dir.path().join("gitleaks.json");
        write(&empty, content);
        for result in [
            ingest_dir(dir.path()),
            ingest(&[Input::detect(&empty)], &Options::default()),
        ] {
            let error = result.unwrap_err();
            assert!(matches!(error, IngestError::Empty { .. }), "{error}");
            assert!(error.to_string().contains("gitleaks.json"), "{error}");
            assert!(error.to_string().contains("file is empty"), "{error}");
        }
    }
}

#[test]
fn a_file_named_like_a_format_that_does_not_parse_as_it_is_an_error_r7() {
    let cases = [
        ("results.sarif", "Error: failed to run analysis\n", "sarif"),
        (
            "results.sarif.json",
            "{\"message\": \"rate limited\"}",
            "sarif",
        ),
        ("report.json", "panic: runtime error\n", "json"),
        ("bom.json", "{\"components\": []}", "cyclonedx"),
        ("coverage.xml", "<html><body>502</body></html>", "cobertura"),
    ];
    for (name, content, format) in cases {
        let dir = tempfile::tempdir().unwrap();
        copy("sarif/eslint-8.56.0.sarif", &dir.path().join("a.sarif"));
        write(&dir.path().join(name), content);
        let error = ingest_dir(dir.path()).unwrap_err();
        match &error {
            IngestError::Invalid {
                path, format: id, ..
            } => {
                assert!(path.ends_with(name), "{error}");
                assert_eq!(*id, format, "{error}");
            }
            other => panic!("{name}: {other}"),
        }
    }
}

#[test]
fn content_of_another_format_wins_over_a_claiming_name() {
    let dir = tempfile::tempdir().unwrap();
    copy(
        "trivy/trivy-image-alpine-3.9.json",
        &dir.path().join("results.sarif"),
    );
    let evidence = ingest_dir(dir.path()).unwrap();
    assert_eq!(evidence.sources[0].format, "trivy");
}

#[test]
fn a_name_claim_reads_an_empty_gitleaks_report_as_gitleaks() {
    let dir = tempfile::tempdir().unwrap();
    write(&dir.path().join("gitleaks-report.json"), "[]\n");
    let evidence = ingest_dir(dir.path()).unwrap();
    assert_eq!(evidence.sources[0].format, "gitleaks");
    assert!(evidence.carries(verdict_evidence::Kind::Secrets));
}

#[test]
fn unrecognized_files_in_a_directory_are_recorded_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    copy("sarif/eslint-8.56.0.sarif", &dir.path().join("b.sarif"));
    write(&dir.path().join("a-notes.txt"), "notes\n");
    write(&dir.path().join(".gitattributes"), "* text=auto\n");
    let evidence = ingest_dir(dir.path()).unwrap();
    assert_eq!(evidence.sources.len(), 1);
    assert_eq!(
        skipped_reasons(&evidence),
        [
            (
                ".gitattributes".to_owned(),
                "not a recognized report format".to_owned()
            ),
            (
                "a-notes.txt".to_owned(),
                "not a recognized report format".to_owned()
            ),
        ]
    );
}

#[test]
fn a_file_named_explicitly_that_nothing_recognizes_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let notes = dir.path().join("notes.txt");
    write(&notes, "notes\n");
    let error = ingest(&[Input::detect(&notes)], &Options::default()).unwrap_err();
    assert!(matches!(error, IngestError::Unrecognized { .. }), "{error}");
}

#[test]
fn a_directory_without_any_report_is_an_error_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let error = ingest_dir(dir.path()).unwrap_err();
    assert!(matches!(error, IngestError::NoReports { .. }), "{error}");
    assert!(error.to_string().contains("it holds no files"), "{error}");
    write(&dir.path().join("notes.txt"), "notes\n");
    write(&dir.path().join("more/notes.md"), "# notes\n");
    let error = ingest_dir(dir.path()).unwrap_err().to_string();
    assert!(
        error.contains(&dir.path().display().to_string())
            && error.ends_with(
                "no report in this directory (2 files skipped: 2 not a recognized report format)"
            ),
        "{error}"
    );
}

#[cfg(unix)]
#[test]
fn symlinks_are_followed_inside_the_directory_and_reported_otherwise() {
    use std::os::unix::fs::symlink;
    let outside = tempfile::tempdir().unwrap();
    copy(
        "gitleaks/gitleaks-8-simple.json",
        &outside.path().join("leaks.json"),
    );
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    copy("sarif/eslint-8.56.0.sarif", &root.join("real/eslint.sarif"));
    copy("sarif/eslint-8.56.0.sarif", &root.join("real/more.sarif"));
    symlink(root.join("real/eslint.sarif"), root.join("a-link.sarif")).unwrap();
    symlink("real", root.join("b-dir-link")).unwrap();
    symlink(
        outside.path().join("leaks.json"),
        root.join("c-outside.json"),
    )
    .unwrap();
    symlink("d-loop", root.join("d-loop")).unwrap();
    symlink("nowhere.json", root.join("e-dangling.json")).unwrap();
    let evidence = ingest_dir(root).unwrap();
    let sources: Vec<&str> = evidence.sources.iter().map(|s| s.path.as_str()).collect();
    assert_eq!(sources.len(), 2, "{sources:?}");
    assert!(
        sources.iter().all(|path| path.contains("/real/")),
        "{sources:?}"
    );
    let reasons = skipped_reasons(&evidence);
    let reason_of = |name: &str| {
        reasons
            .iter()
            .find(|(file, _)| file == name)
            .map(|(_, reason)| reason.clone())
            .unwrap_or_else(|| panic!("{name} not skipped: {reasons:?}"))
    };
    assert!(
        reason_of("a-link.sarif").starts_with("symlink to `"),
        "{reasons:?}"
    );
    assert!(reason_of("a-link.sarif").contains("real/eslint.sarif"));
    assert!(reason_of("b-dir-link").starts_with("symlink to a directory inside"));
    assert_eq!(
        reason_of("c-outside.json"),
        "symlink points outside the input directory"
    );
    assert!(reason_of("d-loop").starts_with("symlink cannot be resolved"));
    assert_eq!(
        reason_of("e-dangling.json"),
        "symlink target does not exist"
    );
    // The file outside is never read; named explicitly, a link is followed.
    assert!(evidence.secrets.is_empty());
    let named = ingest(
        &[Input::detect(root.join("c-outside.json"))],
        &Options::default(),
    )
    .unwrap();
    assert_eq!(named.sources[0].format, "gitleaks");
}

#[cfg(unix)]
#[test]
fn a_link_to_a_file_of_the_directory_does_not_read_it_twice() {
    use std::os::unix::fs::symlink;
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    copy("sarif/eslint-8.56.0.sarif", &root.join("x.sarif"));
    symlink("x.sarif", root.join("y.sarif")).unwrap();
    let evidence = ingest_dir(root).unwrap();
    assert_eq!(evidence.sources.len(), 1);
    assert_eq!(evidence.skipped.len(), 1);
}

#[cfg(unix)]
fn mkfifo(path: &Path) {
    let status = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .unwrap();
    assert!(status.success());
}

#[cfg(unix)]
#[test]
fn a_pipe_is_skipped_in_a_directory_and_read_when_named() {
    let dir = tempfile::tempdir().unwrap();
    copy("sarif/eslint-8.56.0.sarif", &dir.path().join("a.sarif"));
    let pipe = dir.path().join("b.pipe");
    mkfifo(&pipe);
    let evidence = ingest_dir(dir.path()).unwrap();
    assert_eq!(evidence.sources.len(), 1);
    assert!(
        skipped_reasons(&evidence)[0].1.starts_with("named pipe"),
        "{:?}",
        evidence.skipped
    );
    let writer = {
        let pipe = pipe.clone();
        std::thread::spawn(move || {
            fs_err::write(
                &pipe,
                fs_err::read(corpus("gitleaks/gitleaks-8-simple.json")).unwrap(),
            )
            .unwrap();
        })
    };
    let evidence = ingest(&[Input::detect(&pipe)], &Options::default()).unwrap();
    writer.join().unwrap();
    assert_eq!(evidence.sources[0].format, "gitleaks");
}

#[cfg(unix)]
#[test]
fn devices_are_refused_with_an_error_naming_them() {
    let error = ingest(&[Input::detect("/dev/null")], &Options::default()).unwrap_err();
    assert_eq!(
        error.to_string(),
        "`/dev/null`: is a character device, not a file"
    );
}

#[test]
fn files_over_the_size_limit_are_refused_with_size_and_limit() {
    let path = corpus("gitleaks/gitleaks-8-simple.json");
    let size = fs_err::metadata(&path).unwrap().len();
    let options = Options {
        max_file_bytes: Some(100),
        ..Options::default()
    };
    let error = ingest(&[Input::detect(&path)], &options).unwrap_err();
    assert_eq!(
        error.to_string(),
        format!(
            "`{}`: file is {size} bytes, over the limit of 100 bytes",
            path.display()
        )
    );
    let options = Options {
        max_file_bytes: Some(size),
        ..Options::default()
    };
    assert!(ingest(&[Input::detect(&path)], &options).is_ok());
    assert_eq!(Options::default().file_limit(), 2 << 30);
}

#[test]
fn skipped_files_keep_input_order_across_inputs() {
    let first = tempfile::tempdir().unwrap();
    let second = tempfile::tempdir().unwrap();
    for dir in [&first, &second] {
        copy("sarif/eslint-8.56.0.sarif", &dir.path().join("a.sarif"));
        write(&dir.path().join("z.txt"), "x\n");
    }
    let evidence = ingest(
        &[Input::detect(first.path()), Input::detect(second.path())],
        &Options::default(),
    )
    .unwrap();
    let paths: Vec<&str> = evidence.skipped.iter().map(|s| s.path.as_str()).collect();
    assert_eq!(paths.len(), 2);
    assert!(paths[0].starts_with(&first.path().display().to_string()));
    assert!(paths[1].starts_with(&second.path().display().to_string()));
}
