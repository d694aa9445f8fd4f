//! The report in a real browser: Debian's `chromium`, headless, renders the
//! rich sample (and the hostile one) from a file. The screenshot must be a
//! real picture of the page and the DOM the browser built must hold the
//! report's content and nothing a field injected.
//!
//! Without `chromium` these tests fail and say how to install it: a report
//! nobody rendered is not a tested report.
//!
//! `VERDICT_HTML_SCREENSHOT=FILE` keeps the rich sample's screenshot (that
//! is how `docs/images/html-report.png` is made), and
//! `VERDICT_HTML_WINDOW=1280,6000` renders more of the page.

use super::{html, markup, sample};
use crate::browser::{png_size, run};
use std::path::Path;

const WINDOW: &str = "1280,2000";

#[test]
fn chromium_renders_the_report_as_a_picture() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let page = dir.path().join("report.html");
    fs_err::write(&page, html(&sample::verdict(sample::plain))).expect("writes the page");
    let screenshot = dir.path().join("report.png");
    let window = std::env::var("VERDICT_HTML_WINDOW").unwrap_or_else(|_| WINDOW.to_owned());
    run(
        &page,
        &dir.path().join("profile"),
        &[
            format!("--screenshot={}", screenshot.display()),
            format!("--window-size={window}"),
        ],
    );
    let bytes = fs_err::read(&screenshot).expect("chromium wrote the screenshot");
    let (width, height) = png_size(&bytes);
    let expected: Vec<u32> = window
        .split(',')
        .map(|n| n.parse().expect("a window size"))
        .collect();
    assert_eq!(vec![width, height], expected);
    // A blank or nearly blank page of this size compresses to a few KiB; the
    // report's tables, charts and text do not.
    assert!(
        bytes.len() > 100_000,
        "a screenshot of {} bytes is nearly blank",
        bytes.len()
    );
    if let Some(keep) = std::env::var_os("VERDICT_HTML_SCREENSHOT") {
        fs_err::copy(&screenshot, &keep).expect("keeps the screenshot");
    }
}

#[test]
fn chromium_builds_the_dom_the_report_wrote_even_from_hostile_text() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let page = dir.path().join("report.html");
    fs_err::write(&page, html(&sample::verdict(sample::hostile))).expect("writes the page");
    let output = run(
        &page,
        &dir.path().join("profile"),
        &["--dump-dom".to_owned()],
    );
    let dom = String::from_utf8(output.stdout).expect("UTF-8 DOM");
    assert!(
        dom.contains("<title>verdict FAIL — acme/payments&lt;script&gt;"),
        "{dom}"
    );
    assert!(
        dom.contains("user input reaches a raw SQL query&lt;script&gt;alert('x')&lt;/script&gt;")
    );
    // Every element and attribute the browser built is one the report
    // writes: the fields' markup stayed text.
    let tags = markup::dom_tags(&dom);
    assert!(
        tags.len() > 300,
        "only {} elements: not the report",
        tags.len()
    );
    for (name, attributes) in &tags {
        markup::check_tag(name, attributes).unwrap_or_else(|e| panic!("{e}"));
    }
    let links: Vec<&str> = tags
        .iter()
        .filter(|(name, _)| name == "a")
        .flat_map(|(_, attributes)| attributes.iter())
        .filter(|(key, _)| key == "href")
        .map(|(_, value)| value.as_str())
        .collect();
    // The contents (eight sections) and one per policy with violations:
    // in-page anchors only.
    assert_eq!(links.len(), 8 + 5, "{links:?}");
    assert!(links.iter().all(|link| link.starts_with('#')), "{links:?}");
}

/// Pages of a PDF: its page objects (`/Type /Page`, not `/Pages`).
fn pdf_pages(pdf: &[u8]) -> usize {
    let text = String::from_utf8_lossy(pdf);
    text.match_indices("/Type /Page")
        .filter(|(at, found)| !text[at + found.len()..].starts_with('s'))
        .count()
}

/// Prints a page to PDF and counts its pages.
fn print(page_html: &str, dir: &Path, name: &str) -> usize {
    let page = dir.join(format!("{name}.html"));
    fs_err::write(&page, page_html).expect("writes the page");
    let pdf = dir.join(format!("{name}.pdf"));
    run(
        &page,
        &dir.join(format!("profile-{name}")),
        &[
            format!("--print-to-pdf={}", pdf.display()),
            "--no-pdf-header-footer".to_owned(),
        ],
    );
    let bytes = fs_err::read(&pdf).expect("chromium wrote the PDF");
    assert!(bytes.starts_with(b"%PDF-"), "not a PDF");
    pdf_pages(&bytes)
}

#[test]
fn chromium_prints_each_section_on_pages_of_its_own() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let page = html(&sample::verdict(sample::plain));
    let printed = print(&page, dir.path(), "report");
    // The same page without the print style sheet's section breaks.
    let unbroken = page.replace("section { break-before: page;", "section {");
    assert_ne!(unbroken, page);
    let run_on = print(&unbroken, dir.path(), "unbroken");
    // Six sections after the first start a page of their own (the run shares
    // the masthead's), so the report takes more pages than the run-on text.
    assert!(
        printed > run_on && printed >= 7,
        "{printed} pages with section breaks, {run_on} without"
    );
}
