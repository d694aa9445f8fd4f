//! The auditor's HTML report: what it shows, that it is self-contained and
//! deterministic, that hostile text in every field stays text, and (in
//! `chromium.rs`) how a real browser renders it.

#[path = "../support/browser.rs"]
mod browser;
mod chromium;
mod markup;
mod sample;

use verdict_gate::Decision;
use verdict_report::{OutputFormat, render};

fn html(verdict: &verdict_gate::document::Verdict) -> String {
    render(OutputFormat::Html, verdict)
}

#[test]
fn the_report_shows_every_section_of_the_document() {
    let page = html(&sample::verdict(sample::plain));
    let text = markup::text_of(&page);
    for expected in [
        // The decision, in words, before anything else.
        "FAIL",
        "The gate fails: a soft or hard policy has violations that block.",
        "7 policies: 1 passed, 2 warned, 2 failed, 1 errored, 1 skipped.",
        "253 violations count against the gate; 2 waived; 40 in the baseline; 1 policy overridden.",
        // The run, with the git input's head as the commit.
        "acme/payments",
        "4f2c9a1e7b3d5f60812a9c4e6b7d8f9012345678",
        "feature/faster-refunds",
        "production",
        "2.14.0",
        "dana.reyes",
        "pull-request",
        "2026-12-01T04:00:00Z",
        "verdict/v1",
        // Policies with enforcement, plugin and sha256.
        "builtin:vulnerabilities",
        "vulnerabilities 0.3.1",
        &format!("sha256 {}", "f".repeat(64)),
        "Not in force yet: its violations warn until 2027-01-15, when they start to block.",
        "Its failure was overridden on this run (see Overrides).",
        "Error: policy `licenses`: exceeded its time limit of 2s",
        "Skipped: not in scope for environment `staging` and branch `main`",
        // Violations with locations, and what the document left out.
        "requirements.txt:4–6",
        "advisories: GHSA-9wx4-h78v-vm56, CVE-2024-35195",
        "scanner rule: python.django.security.injection.sql",
        "245 more not listed",
        "a test fixture key (redacted: AKIA…XYZ)",
        "1 more not listed",
        // Control matrices with attestations.
        "6 controls: 3 satisfied, 1 violated, 1 not assessed, 1 attested.",
        "Attested by Priya Natarajan, CISO on 2026-09-14, in force until 2027-09-13",
        "Attestation by HR compliance expired on 2026-05-31",
        // Waivers, overrides, baseline, attestations.
        "platform-security@acme.example",
        "stale: matched nothing",
        "expired: no longer applies",
        "hotfix for INC-2291; findings tracked in SEC-812",
        "yes: the policy's failure was let through",
        "New on this run (these decide)",
        "212",
        // Inputs, skipped files, notices, gate files.
        "reports/trivy.json",
        "Trivy 0.57.1",
        "vulnerabilities, secrets",
        &"7e".repeat(32),
        "no format recognizes this file",
        "severity `MODERATE` mapped to medium",
        "verdict-waivers.toml",
        // The pictures, and the one that cannot be drawn.
        "Violations by severity",
        "Violations by policy",
        "Violations by directory",
        "Coverage by directory",
        "Lines covered: 2900 of 4200 (69%)",
    ] {
        assert!(
            text.contains(expected),
            "missing {expected:?} in the report's text"
        );
    }
    // HIPAA's matrix is the first one; the decision comes before the run.
    assert!(page.find("FAIL") < page.find("id=\"run\""));
    assert_eq!(page.matches("<svg ").count(), 4);
    // The severity chart is drawn from the exact counts, not the listed few.
    assert!(page.contains(">62</text>"), "high: 61 + 1");
    // The only links: in-page anchors and the one https evidence URL.
    let links = markup::links(&page);
    assert!(links.contains(&"https://grc.acme.example/risk-analysis/2026".to_owned()));
    assert!(
        links
            .iter()
            .all(|l| l.starts_with('#') || l == "https://grc.acme.example/risk-analysis/2026"),
        "{links:?}"
    );
    // Every in-page link has its target.
    for anchor in links.iter().filter_map(|link| link.strip_prefix('#')) {
        assert!(
            page.contains(&format!("id=\"{anchor}\"")),
            "no target for #{anchor}"
        );
    }
    assert!(
        text.contains("javascript:alert(document.domain)"),
        "a script URL is shown as text"
    );
}

#[test]
fn the_page_loads_and_runs_nothing() {
    let page = html(&sample::verdict(sample::plain));
    assert!(page.starts_with("<!DOCTYPE html>\n"));
    assert!(page.ends_with("</html>\n"));
    assert!(page.contains(
        r#"<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"/>"#
    ));
    let lower = page.to_ascii_lowercase();
    for forbidden in [
        "<script", "<link", "<img", "<iframe", "<object", "<embed", "@import", "url(", "src=",
    ] {
        assert!(!lower.contains(forbidden), "{forbidden} in the page");
    }
    markup::check(&page).expect("only verdict's own elements and attributes");
}

#[test]
fn the_same_document_gives_the_same_bytes() {
    let first = html(&sample::verdict(sample::plain));
    let second = html(&sample::verdict(sample::plain));
    assert_eq!(first, second);
    // And from the stored JSON document, as `verdict report --from` does.
    let json = render(OutputFormat::Json, &sample::verdict(sample::plain));
    let stored: verdict_gate::document::Verdict = serde_json::from_str(&json).expect("parses");
    assert_eq!(html(&stored), first);
}

#[test]
fn hostile_text_in_every_field_stays_text() {
    let page = html(&sample::verdict(sample::hostile));
    // Structure: every element and attribute is one the report writes, no
    // event handler, no link but in-page anchors (the hostile evidence link
    // is no plain URL any more, so it is text).
    markup::check(&page).expect("hostile text added no element or attribute");
    assert!(
        markup::links(&page)
            .iter()
            .all(|link| link.starts_with('#'))
    );
    let lower = page.to_ascii_lowercase();
    assert!(!lower.contains("<script"));
    assert!(!lower.contains("<img"));
    assert!(!lower.contains("<a href=\"javascript"));
    assert!(!lower.contains("<!-- {{"));
    // And the text reads as written, markup included, with the bidi override
    // shown as an escape rather than obeyed.
    let text = markup::text_of(&page);
    let shown = "<script>alert('x')</script>\"><img src=x onerror=alert(1)>";
    for field in [
        "acme/payments",
        "feature/faster-refunds",
        "builtin:hipaa",
        "user input reaches a raw SQL query",
        "src/payments/views.py",
        "hipaa-164.312(b)",
        "Priya Natarajan, CISO",
        "platform-security@acme.example",
        "hotfix for INC-2291; findings tracked in SEC-812",
        "reports/trivy.json",
        "severity `MODERATE` mapped to medium",
        "verdict-waivers.toml",
        "no format recognizes this file",
        "exceeded its time limit of 2s",
    ] {
        assert!(
            text.contains(&format!("{field}{shown}")),
            "{field} not shown as text"
        );
    }
    assert!(text.contains("{{ x }}"));
    assert!(text.contains(r"\u{202e}&amp;"));
    assert!(!page.contains('\u{202e}'));
}

#[test]
fn gate_errors_come_first_and_an_empty_run_still_renders() {
    let mut verdict = sample::verdict(sample::plain);
    verdict.decision = Decision::Error;
    verdict.errors = vec!["`reports/npm.json`: the scan did not complete".into()];
    let page = html(&verdict);
    assert!(page.find("Gate errors") < page.find("id=\"run\""));
    assert!(markup::text_of(&page).contains("The gate could not decide"));

    let empty: verdict_gate::document::Verdict = serde_json::from_str(
        r#"{"format":"verdict/v1","verdict_version":"0.1.0","decision":"pass",
            "context":{"now":"2026-01-01T00:00:00Z","now_unix":1767225600},
            "summary":{"policies":0,"passed":0,"warned":0,"failed":0,"errored":0,"skipped":0,"violations":0},
            "inputs":[],"policies":[]}"#,
    )
    .expect("a minimal document");
    let page = html(&empty);
    markup::check(&page).expect("well formed");
    let text = markup::text_of(&page);
    for expected in [
        "PASS",
        "No policy reported a violation.",
        "No waivers.",
        "No inputs were read.",
        "not recorded",
    ] {
        assert!(text.contains(expected), "missing {expected:?}");
    }
    assert_eq!(page.matches("<svg ").count(), 0);
}

#[test]
fn the_checkers_catch_what_they_look_for() {
    let page = html(&sample::verdict(sample::plain));
    // One injected element, event handler or script link anywhere fails.
    for injected in [
        page.replacen("<td>", "<td><img src=\"x\"/>", 1),
        page.replacen("<td>", "<td onclick=\"alert(1)\">", 1),
        page.replacen(
            "<p>",
            "<p><a href=\"javascript:alert(1)\" rel=\"noreferrer\">x</a>",
            1,
        ),
        page.replacen("<p>", "<p><a href=\"https://evil.example\">x</a>", 1),
        page.replacen("<p>", "<p><!-- x -->", 1),
        page.replacen("</td>", "", 1),
    ] {
        assert!(markup::check(&injected).is_err());
    }
    let dom = "<!DOCTYPE html><html><body><p title=\"a<b\">&lt;img&gt;<img src=\"x\" onerror=\"alert(1)\"></p></body></html>";
    let tags = markup::dom_tags(dom);
    let names: Vec<&str> = tags.iter().map(|(name, _)| name.as_str()).collect();
    assert_eq!(names, ["html", "body", "p", "img"]);
    assert!(markup::check_tag("img", &tags[3].1).is_err());
    assert!(markup::check_tag("p", &[("onclick".into(), String::new())]).is_err());
}
