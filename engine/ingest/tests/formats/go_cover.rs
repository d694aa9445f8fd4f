//! Tests of the `go-cover` format: corpus totals from an independent
//! expansion of every block to its lines, merging of repeated blocks, and
//! errors that name the line and field.

use crate::support::{corpus, fixture, ingest_as, totals};

/// Go coverprofiles have no branches.
fn line_totals(files: u64, lines: (u64, u64)) -> verdict_evidence::CoverageTotals {
    totals(files, lines, (0, 0))
}

fn error_of(path: &str) -> String {
    crate::support::error_of(fixture(path), "go-cover")
}

#[test]
fn lefthook_profile_keeps_its_odd_first_module_path() {
    // 819 blocks over 28 files; the first block's file is under `/v2/`,
    // unlike every other, and is its own file.
    let evidence = ingest_as(
        corpus("coverage/go-coverprofile-set-lefthook.out"),
        "go-cover",
    );
    assert_eq!(evidence.coverage_totals(), line_totals(28, (1924, 872)));
    let first = &evidence.coverage[0];
    assert_eq!(
        first.path,
        "github.com/evilmartians/lefthook/v2/internal/log/log.go"
    );
    assert_eq!((first.lines_total, first.lines_covered), (12, 12));
    assert_eq!(
        evidence.coverage[1].path,
        "github.com/evilmartians/lefthook/internal/log/log.go"
    );
}

#[test]
fn large_profile_totals() {
    // 3947 blocks over 118 files.
    let evidence = ingest_as(corpus("coverage/go-coverprofile-set-large.out"), "go-cover");
    assert_eq!(evidence.coverage_totals(), line_totals(118, (11617, 8776)));
    let client = &evidence.coverage[0];
    assert_eq!(
        client.path,
        "github.com/0xERR0R/blocky/api/api_client.gen.go"
    );
    assert_eq!((client.lines_total, client.lines_covered), (465, 0));
    assert_eq!(client.uncovered_lines[..6], [50, 51, 52, 53, 54, 55]);
}

#[test]
fn repeated_blocks_merge_and_count_if_any_copy_ran() {
    // a.go 3.14-5.2 is 0 then 3 (profiles concatenated with a second
    // `mode:` line): lines 3-5 covered; 5.2-7.3 never ran, line 5 shares the
    // run block, so 6 and 7 are uncovered. b.go's one line never ran.
    let evidence = ingest_as(
        fixture("go-cover/synthetic-repeated-blocks.out"),
        "go-cover",
    );
    assert_eq!(evidence.coverage_totals(), line_totals(2, (6, 3)));
    assert_eq!(evidence.coverage[0].path, "example.com/m/a.go");
    assert_eq!(evidence.coverage[0].uncovered_lines, [6, 7]);
    assert_eq!(evidence.coverage[1].uncovered_lines, [1]);
}

#[test]
fn malformed_profiles_name_the_line_and_field() {
    let count = error_of("bad/go-cover-bad-count.out");
    assert!(
        count.contains("count is not a valid number at line 3"),
        "{count}"
    );
    let shape = error_of("bad/go-cover-wrong-shape.out");
    assert!(
        shape.contains("expected `file:line.col,line.col statements count`")
            && shape.contains("at line 3"),
        "{shape}"
    );
    let utf8 = error_of("bad/go-cover-not-utf8.out");
    assert!(
        utf8.contains("line is not valid UTF-8 at line 2 column 18"),
        "{utf8}"
    );
    let huge = error_of("bad/go-cover-huge-block.out");
    assert!(
        huge.contains("spans more than 1000000 lines at line 2"),
        "{huge}"
    );
    let mode = error_of("bad/go-cover-unknown-mode.out");
    assert!(
        mode.contains("unknown coverage mode `sometimes` at line 1"),
        "{mode}"
    );
}
