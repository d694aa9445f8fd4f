//! Markdown: the decision first, the tables, links to files, and untrusted
//! text that cannot add HTML, links, images, mentions or table cells; the
//! 1 MiB cap.

use super::{forged, raw_hidden, sample};
use verdict_gate::document::Verdict;
use verdict_report::{OutputFormat, render};

fn markdown(verdict: &Verdict) -> String {
    render(OutputFormat::Markdown, verdict)
}

/// Table cells of a row: splits on the pipes GFM splits on (those not
/// escaped by a backslash).
fn cells(row: &str) -> Vec<String> {
    let mut cells = vec![String::new()];
    let mut chars = row.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                let next = chars.next().unwrap_or_default();
                let cell = cells.last_mut().expect("a cell");
                cell.push('\\');
                cell.push(next);
            }
            '|' => cells.push(String::new()),
            c => cells.last_mut().expect("a cell").push(c),
        }
    }
    cells
}

#[test]
fn markdown_puts_the_decision_first_then_the_tables() {
    let text = markdown(&sample());
    assert!(text.starts_with("## verdict: ⛔ ERROR\n"), "{text}");
    assert!(text.contains("**8 policies**: 2 passed, 1 failed, 3 warned, 1 errored, 1 skipped · **18 violations** · 1 waived · 4 in the baseline"), "{text}");
    for row in [
        "| code-scanning | hard | ❌ fail | 15 | 1 waived<br>4 in the baseline<br>3 counted only, beyond the detail limit |",
        "| licenses | soft | ⚠️ warn | 1 | overridden: warns |",
        "| secrets | hard | ⚠️ warn | 1 | blocks from 2027-01-01 |",
        "| coverage | hard | ✅ pass | 0 | lines 57\\.67% ≥ 50% |",
    ] {
        assert!(text.contains(row), "missing {row} in\n{text}");
    }
    // The most severe failing violations first, linked to their lines.
    assert!(text.contains("| **high** | code-scanning | sql-injection | user input reaches a SQL query | [src/app\\.py:1](src/app.py#L1) |"), "{text}");
    assert!(
        text.contains("_15 of 18 violations shown, most severe first"),
        "{text}"
    );
    for heading in [
        "### Violations",
        "### Waivers",
        "### Overrides",
        "### Attestations",
        "**Baseline**",
    ] {
        assert!(text.contains(heading), "missing {heading} in\n{text}");
    }
    assert!(text.contains("⚠️ stale: matched nothing"), "{text}");
    assert!(text.contains("⚠️ expired: not assessed"), "{text}");
    assert!(
        text.contains(
            "| licenses | octocat | yes | 1 | legal approved GPL for the CLI \\(LEGAL-42\\) |"
        ),
        "{text}"
    );
    assert!(
        text.contains("15 new, 4 remaining, 2 fixed of 6 recorded"),
        "{text}"
    );
    // Every table row has as many cells as its header.
    let mut width = 0;
    for line in text.lines() {
        if line.starts_with('|') {
            let count = cells(line).len();
            if line.starts_with("| ") && !line.starts_with("|-") && width == 0 {
                width = count;
            }
            assert_eq!(count, width, "{line}");
        } else {
            width = 0;
        }
    }
    insta::assert_snapshot!("markdown", text);
}

const HOSTILE: &str = "<script>alert(1)</script> <img src=x onerror=alert(1)> | forged | cell | \
    ![img](https://evil.example/x.png) [click](javascript:alert(1)) [ref]: https://evil.example \
    `code` **bold** _em_ ~~gone~~ $x^2$ @octocat https://evil.example www.evil.example \
    &lt;b&gt; &#60;i&#62; \\| \n## heading\n- list";

#[test]
fn markdown_keeps_hostile_text_inert() {
    let mut verdict = forged(true);
    verdict.policies[0].violations[0].message = HOSTILE.into();
    verdict.policies[0].violations[0].rule = HOSTILE.into();
    verdict.policies[0].id = HOSTILE.into();
    verdict.policies[0].notes = vec![HOSTILE.into()];
    verdict.waivers[0].reason = HOSTILE.into();
    verdict.errors = vec![HOSTILE.into()];
    verdict.policies[0].violations[1]
        .location
        .as_mut()
        .unwrap()
        .path = "//evil.example/x.py".into();
    verdict.policies[0].violations[2]
        .location
        .as_mut()
        .unwrap()
        .path = "javascript:alert(1)".into();
    verdict.policies[0].violations[3]
        .location
        .as_mut()
        .unwrap()
        .path = "a b/(x).py".into();
    let text = markdown(&verdict);
    assert_eq!(raw_hidden(&text), Vec::<char>::new(), "{text}");
    assert!(!text.contains("##["), "{text}");
    // No HTML but verdict's own (`<sub>`, `<br>`, `<details>`, `<summary>`).
    let tags: Vec<&str> = text
        .match_indices('<')
        .map(|(index, _)| &text[index..(index + 10).min(text.len())])
        .filter(|tag| {
            ![
                "<sub>",
                "</sub>",
                "<br>",
                "<details>",
                "</details",
                "<summary>",
                "</summary",
            ]
            .iter()
            .any(|own| tag.starts_with(own))
        })
        .collect();
    assert_eq!(tags, Vec::<&str>::new(), "{text}");
    // No image, no link but verdict's own links to relative files.
    assert!(!text.contains("!["), "{text}");
    for (index, _) in text.match_indices("](") {
        let target: String = text[index + 2..]
            .chars()
            .take_while(|c| *c != ')')
            .collect();
        assert!(
            !target.contains(':') && !target.starts_with('/'),
            "link to {target} in\n{text}"
        );
    }
    assert!(text.contains("](a%20b/%28x%29.py#L4)"), "{text}");
    assert!(
        !text.contains("](//evil") && !text.contains("](javascript"),
        "{text}"
    );
    // No code, emphasis, math, autolink or mention survives unescaped.
    for raw in [
        "`code`", "**bold**", "_em_", "~~gone~~", "$x^2$", "https://", "www.evil", "@octocat",
        "[click]", "&lt;b", "&#60;",
    ] {
        assert!(!text.contains(raw), "`{raw}` unescaped in\n{text}");
    }
    // The line breaks stay escaped: no heading or list from the text.
    assert!(
        !text
            .lines()
            .any(|line| line.starts_with("## heading") || line.starts_with("- list")),
        "{text}"
    );
    // No row gained a cell.
    let plain = markdown(&forged(false));
    let widths = |text: &str| {
        text.lines()
            .filter(|l| l.starts_with('|'))
            .map(|l| cells(l).len())
            .collect::<Vec<_>>()
    };
    assert_eq!(widths(&text), widths(&plain), "{text}");
    // The text is there, escaped.
    assert!(
        text.contains("&lt;script&gt;alert\\(1\\)&lt;/script&gt;"),
        "{text}"
    );
    assert!(text.contains("\\| forged \\| cell \\|"), "{text}");
    assert!(text.contains("@&#8203;octocat"), "{text}");
}

#[test]
fn markdown_stays_under_github_s_one_mib_limit() {
    let mut verdict = sample();
    let template = verdict.policies[4].clone();
    verdict.policies = (0..3000)
        .map(|index| {
            let mut policy = template.clone();
            policy.id = format!("policy-{index}");
            policy.notes = vec!["&<>".repeat(100)];
            policy
        })
        .collect();
    let text = markdown(&verdict);
    assert!(text.len() <= 1024 * 1024, "{}", text.len());
    assert!(text.len() > 1000 * 1024, "{}", text.len());
    assert!(text.trim_end().ends_with("left out to keep this summary under GitHub's 1 MiB limit; the JSON verdict has everything._"), "{}", &text[text.len() - 300..]);
    assert!(text.contains("| policy-0 |"));
    assert!(!text.contains("| policy-2999 |"));
}

/// The hostile Markdown through GitHub's own renderer (Debian's
/// `cmark-gfm`, with GitHub's extensions): the only links are verdict's
/// four, no image, no code, no raw HTML survives, every table row keeps its
/// cells. `apt-get install cmark-gfm`, then `cargo test -p verdict-report
/// --test render -- --ignored cmark`.
#[test]
#[ignore = "needs Debian's cmark-gfm"]
fn markdown_hostile_text_through_cmark_gfm() {
    let mut verdict = forged(true);
    verdict.policies[0].violations[0].message = HOSTILE.into();
    verdict.policies[0].id = HOSTILE.into();
    verdict.errors = vec![HOSTILE.into()];
    verdict.policies[0].violations[3]
        .location
        .as_mut()
        .unwrap()
        .path = "a b/(x).py".into();
    let mut child = std::process::Command::new("cmark-gfm")
        .args([
            "-e",
            "table",
            "-e",
            "autolink",
            "-e",
            "strikethrough",
            "-e",
            "tagfilter",
        ])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("cmark-gfm runs (apt-get install cmark-gfm)");
    std::io::Write::write_all(
        &mut child.stdin.take().unwrap(),
        markdown(&verdict).as_bytes(),
    )
    .unwrap();
    let html = String::from_utf8(child.wait_with_output().unwrap().stdout).unwrap();
    assert_eq!(html.matches("<a ").count(), 4, "{html}");
    assert!(html.contains("href=\"a%20b/%28x%29.py#L4\""), "{html}");
    for tag in [
        "<img",
        "<script",
        "<code",
        "<del",
        "href=\"javascript",
        "href=\"http",
        "href=\"//",
    ] {
        assert!(!html.contains(tag), "{tag} in {html}");
    }
    for table in html.split("<table>").skip(1) {
        let table = table.split("</table>").next().unwrap();
        let widths: Vec<usize> = table
            .split("<tr>")
            .skip(1)
            .map(|row| row.matches("<td").count() + row.matches("<th").count())
            .collect();
        assert!(
            widths.windows(2).all(|pair| pair[0] == pair[1]),
            "{widths:?} in {table}"
        );
    }
}
