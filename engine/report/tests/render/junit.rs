//! JUnit: well-formed XML (read back with quick-xml's reader), a suite per
//! policy with the right cases, and markup in document text kept as text.

use super::{forged, raw_hidden, sample};
use quick_xml::Reader;
use quick_xml::events::Event;
use std::collections::BTreeMap;
use verdict_gate::document::Verdict;
use verdict_report::{OutputFormat, render};

/// An element as read back: name, attributes (unescaped), text inside.
#[derive(Debug, Default, Clone)]
struct Element {
    name: String,
    attributes: BTreeMap<String, String>,
    text: String,
    depth: usize,
}

/// Every element in document order; panics on XML that is not well formed.
fn elements(xml: &str) -> Vec<Element> {
    let mut reader = Reader::from_str(xml);
    reader.config_mut().check_end_names = true;
    let mut out: Vec<Element> = Vec::new();
    let mut open: Vec<usize> = Vec::new();
    loop {
        let event = reader.read_event().expect("well-formed XML");
        let (start, empty) = match &event {
            Event::Start(start) => (Some(start), false),
            Event::Empty(start) => (Some(start), true),
            _ => (None, false),
        };
        if let Some(start) = start {
            let mut element = Element {
                name: String::from_utf8(start.name().as_ref().to_vec()).expect("UTF-8"),
                depth: open.len(),
                ..Element::default()
            };
            for attribute in start.attributes() {
                let attribute = attribute.expect("a well-formed attribute");
                element.attributes.insert(
                    String::from_utf8(attribute.key.as_ref().to_vec()).expect("UTF-8"),
                    attribute.unescape_value().expect("escaped").into_owned(),
                );
            }
            out.push(element);
            if !empty {
                open.push(out.len() - 1);
            }
            continue;
        }
        let text = match &event {
            Event::End(_) => {
                open.pop();
                continue;
            }
            Event::Text(text) => text.decode().expect("UTF-8").into_owned(),
            Event::GeneralRef(reference) => {
                match reference.resolve_char_ref().expect("a character") {
                    Some(c) => c.to_string(),
                    None => match reference.decode().expect("UTF-8").as_ref() {
                        "amp" => "&".to_owned(),
                        "lt" => "<".to_owned(),
                        "gt" => ">".to_owned(),
                        "quot" => "\"".to_owned(),
                        "apos" => "'".to_owned(),
                        other => panic!("unknown entity {other}"),
                    },
                }
            }
            Event::CData(_) => panic!("no CDATA expected"),
            Event::Eof => break,
            _ => continue,
        };
        if let Some(&index) = open.last() {
            out[index].text.push_str(&text);
        }
    }
    out
}

fn junit(verdict: &Verdict) -> (String, Vec<Element>) {
    let text = render(OutputFormat::Junit, verdict);
    let elements = elements(&text);
    (text, elements)
}

/// The testsuite named `name` and the elements inside it.
fn suite<'a>(elements: &'a [Element], name: &str) -> &'a [Element] {
    let start = elements
        .iter()
        .position(|e| e.name == "testsuite" && e.attributes["name"] == name)
        .unwrap_or_else(|| panic!("no suite {name}"));
    let end = elements[start + 1..]
        .iter()
        .position(|e| e.name == "testsuite")
        .map_or(elements.len(), |offset| start + 1 + offset);
    &elements[start..end]
}

fn count(elements: &[Element], name: &str) -> usize {
    elements.iter().filter(|e| e.name == name).count()
}

fn property<'a>(suite: &'a [Element], name: &str) -> &'a str {
    suite
        .iter()
        .find(|e| e.name == "property" && e.attributes["name"] == name)
        .map(|e| e.attributes["value"].as_str())
        .unwrap_or_else(|| panic!("no property {name}"))
}

#[test]
fn junit_has_a_suite_per_policy_and_a_case_per_check() {
    let (text, elements) = junit(&sample());
    assert!(
        text.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"),
        "{text}"
    );
    let root = &elements[0];
    assert_eq!(root.name, "testsuites");
    // Gate errors first, then the eight policies.
    let suites: Vec<&str> = elements
        .iter()
        .filter(|e| e.name == "testsuite")
        .map(|e| e.attributes["name"].as_str())
        .collect();
    assert_eq!(
        suites,
        [
            "verdict",
            "code-scanning",
            "vulnerabilities",
            "licenses",
            "secrets",
            "coverage",
            "hipaa",
            "custom",
            "deploy-window"
        ]
    );
    // Root counts are the cases written.
    assert_eq!(
        root.attributes["tests"],
        count(&elements, "testcase").to_string()
    );
    assert_eq!(
        root.attributes["failures"],
        count(&elements, "failure").to_string()
    );
    assert_eq!(root.attributes["errors"], "2");
    assert_eq!(root.attributes["skipped"], "2");

    let scanning = suite(&elements, "code-scanning");
    // Twelve listed, one for the three elided, one waived (skipped).
    assert_eq!(scanning[0].attributes["tests"], "14");
    assert_eq!(scanning[0].attributes["failures"], "13");
    assert_eq!(scanning[0].attributes["skipped"], "1");
    assert_eq!(count(scanning, "failure"), 13);
    assert_eq!(property(scanning, "enforcement"), "hard");
    assert_eq!(property(scanning, "plugin-sha256"), "ab".repeat(32));
    assert_eq!(property(scanning, "violations"), "15");
    assert_eq!(property(scanning, "elided"), "3");
    assert_eq!(property(scanning, "waived"), "1");
    assert_eq!(property(scanning, "baselined"), "4");
    let case = scanning.iter().find(|e| e.name == "testcase").unwrap();
    assert_eq!(
        case.attributes["name"],
        "sql-injection: user input reaches a SQL query"
    );
    assert_eq!(case.attributes["classname"], "verdict.code-scanning");
    assert_eq!(case.attributes["file"], "src/app.py");
    assert_eq!(case.attributes["line"], "1");
    let failure = scanning.iter().find(|e| e.name == "failure").unwrap();
    assert_eq!(failure.attributes["type"], "sql-injection");
    assert!(
        failure.text.contains("fingerprint: sql-injection-1"),
        "{}",
        failure.text
    );
    let elided = scanning.iter().rfind(|e| e.name == "failure").unwrap();
    assert!(
        elided.attributes["message"].starts_with("3 more violations not listed"),
        "{elided:?}"
    );
    assert!(
        elided.attributes["message"].contains("by rule sql-injection 15"),
        "{elided:?}"
    );
    let skipped = scanning.iter().find(|e| e.name == "skipped").unwrap();
    assert_eq!(
        skipped.attributes["message"],
        "waived by legacy-sql: legacy-sql: accepted until the rewrite"
    );

    // Warnings do not fail the test tab: no failure, the warning in system-out.
    for (id, why) in [
        ("vulnerabilities", "advisory"),
        ("licenses", "overridden"),
        ("secrets", "not in force yet"),
    ] {
        let warned = suite(&elements, id);
        assert_eq!(count(warned, "failure"), 0, "{id}");
        let out = warned.iter().find(|e| e.name == "system-out").unwrap();
        assert!(
            out.text.starts_with(&format!("warning ({why}")),
            "{id}: {}",
            out.text
        );
    }
    assert!(
        suite(&elements, "secrets")
            .iter()
            .any(|e| e.text.contains("blocks from: 2027-01-01"))
    );
    // A passing policy is one passing case with its note.
    let coverage = suite(&elements, "coverage");
    assert_eq!(count(coverage, "testcase"), 1);
    assert_eq!(
        coverage
            .iter()
            .find(|e| e.name == "system-out")
            .unwrap()
            .text,
        "lines 57.67% ≥ 50%"
    );
    assert_eq!(count(suite(&elements, "custom"), "error"), 1);
    let skipped = suite(&elements, "deploy-window");
    assert!(
        skipped
            .iter()
            .find(|e| e.name == "skipped")
            .unwrap()
            .attributes["message"]
            .starts_with("out of scope: ")
    );
    insta::assert_snapshot!("junit", text);
}

#[test]
fn junit_keeps_markup_and_forged_text_as_text() {
    let mut verdict = forged(true);
    let markup = "</failure></testcase><testcase name=\"pwned\"><![CDATA[x]]>&amp; ]]> \"'<!-- -->";
    verdict.policies[0].violations[0].message = markup.into();
    verdict.policies[0].violations[0].rule = markup.into();
    verdict.policies[0].id = markup.into();
    let (text, elements) = junit(&verdict);
    assert_eq!(
        raw_hidden(&text.replace('\n', "")),
        Vec::<char>::new(),
        "{text}"
    );
    assert!(!text.contains("##["), "{text}");
    // The same elements as with plain text: nothing was injected.
    let (_, plain) = junit(&forged(false));
    let names = |elements: &[Element]| {
        elements
            .iter()
            .map(|e| (e.name.clone(), e.depth))
            .collect::<Vec<_>>()
    };
    assert_eq!(names(&elements), names(&plain));
    assert!(
        !elements
            .iter()
            .any(|e| e.attributes.get("name").is_some_and(|n| n == "pwned"))
    );
    // The markup is there, as text.
    let case = elements
        .iter()
        .find(|e| e.name == "testcase" && e.attributes["name"].contains("pwned"))
        .unwrap();
    assert_eq!(case.attributes["name"], format!("{markup}: {markup}"));
    let failure = elements.iter().find(|e| e.name == "failure").unwrap();
    assert!(failure.text.starts_with(markup), "{}", failure.text);
}
