//! SARIF: valid against the official SARIF 2.1.0 schema (vendored from
//! oasis-tcs/sarif-spec, `sarif-2.1/schema/sarif-schema-2.1.0.json`, errata
//! 01), every field GitHub code scanning reads present, forged text kept
//! exactly and escaped. (The 25,000-result cap is a unit test of
//! `render/sarif.rs`: 25,000 results are slow to build in a debug test.)

use super::{forged, raw_hidden, sample};
use serde_json::Value;
use verdict_gate::document::Verdict;
use verdict_report::{OutputFormat, render};

fn sarif(verdict: &Verdict) -> (String, Value) {
    let text = render(OutputFormat::Sarif, verdict);
    let value = serde_json::from_str(&text).expect("SARIF is JSON");
    (text, value)
}

fn assert_valid(value: &Value) {
    let schema: Value =
        serde_json::from_str(include_str!("../schemas/sarif-schema-2.1.0.json")).expect("JSON");
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("the official schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(value)
        .map(|error| format!("{} at {}", error, error.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
}

#[test]
fn sarif_is_valid_against_the_official_schema() {
    let (text, value) = sarif(&sample());
    assert_valid(&value);
    assert_valid(&sarif(&forged(true)).1);
    insta::assert_snapshot!("sarif", text);
}

#[test]
fn sarif_has_what_github_code_scanning_reads() {
    let (_, value) = sarif(&sample());
    assert_eq!(value["version"], "2.1.0");
    let runs = value["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 1);
    let run = &runs[0];
    let driver = &run["tool"]["driver"];
    assert_eq!(driver["name"], "verdict");
    assert_eq!(driver["version"], "0.1.0");
    assert!(
        driver["informationUri"]
            .as_str()
            .unwrap()
            .starts_with("https://")
    );
    let rules = driver["rules"].as_array().unwrap();
    let ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(
        ids,
        [
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
    let scanning = &rules[0];
    assert_eq!(scanning["properties"]["enforcement"], "hard");
    assert_eq!(scanning["properties"]["plugin-sha256"], "ab".repeat(32));
    assert_eq!(scanning["properties"]["plugin"], "builtin:code-scanning");
    assert_eq!(scanning["properties"]["security-severity"], "9.5");
    assert!(scanning["shortDescription"]["text"].is_string());
    assert!(scanning["help"]["text"].is_string());
    assert_eq!(rules[3]["properties"]["effective-from"], "2027-01-01");
    assert_eq!(rules[2]["properties"]["overridden"], true);

    // 12 + 1 + 1 + 1 listed violations and one waived.
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), 16);
    for result in results {
        let rule = result["ruleId"].as_str().unwrap();
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(ids[index], rule);
        assert!(
            result["partialFingerprints"]["verdict/v1"].is_string(),
            "{result}"
        );
        assert!(result["message"]["text"].is_string());
    }
    let first = &results[0];
    assert_eq!(first["ruleId"], "code-scanning");
    assert_eq!(first["level"], "error");
    assert_eq!(
        first["partialFingerprints"]["verdict/v1"],
        "sql-injection-1"
    );
    assert_eq!(first["properties"]["security-severity"], "8.0");
    assert_eq!(first["properties"]["scanner-rule"], "python.sqli");
    let physical = &first["locations"][0]["physicalLocation"];
    assert_eq!(physical["artifactLocation"]["uri"], "src/app.py");
    assert_eq!(physical["artifactLocation"]["uriBaseId"], "%SRCROOT%");
    assert_eq!(physical["region"]["startLine"], 1);
    assert_eq!(physical["region"]["endLine"], 1);
    // Warnings for policies that only warn, with their advisories.
    let vulnerability = results
        .iter()
        .find(|r| r["ruleId"] == "vulnerabilities")
        .unwrap();
    assert_eq!(vulnerability["level"], "warning");
    assert_eq!(
        vulnerability["properties"]["advisories"][1],
        "CVE-2024-35195"
    );
    // Without a location of its own: the gate file, line 1 (GitHub rejects
    // a file holding a result without a location URI).
    let gate = &vulnerability["locations"][0]["physicalLocation"];
    assert_eq!(gate["artifactLocation"]["uri"], "verdict.toml");
    assert_eq!(gate["region"]["startLine"], 1);
    assert_eq!(vulnerability["properties"]["no-location"], true);
    for result in results {
        assert!(
            result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].is_string(),
            "{result}"
        );
    }
    let secret = results.iter().find(|r| r["ruleId"] == "secrets").unwrap();
    assert_eq!(secret["level"], "warning");
    // The waived one is last, suppressed with the waiver's reason.
    let waived = results.last().unwrap();
    assert_eq!(
        waived["partialFingerprints"]["verdict/v1"],
        "sql-injection-40"
    );
    let suppression = &waived["suppressions"][0];
    assert_eq!(suppression["kind"], "external");
    assert_eq!(suppression["status"], "accepted");
    assert_eq!(
        suppression["justification"],
        "legacy-sql: accepted until the rewrite"
    );
    assert_eq!(suppression["properties"]["waiver"], "legacy-sql");
    assert!(
        results[..15]
            .iter()
            .all(|r| r.get("suppressions").is_none())
    );
    // Errors as notifications; what the document only counts, as a figure.
    let invocation = &run["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], false);
    let notes = invocation["toolExecutionNotifications"].as_array().unwrap();
    assert_eq!(notes.len(), 2);
    assert!(
        notes[1]["message"]["text"]
            .as_str()
            .unwrap()
            .contains("time limit")
    );
    assert_eq!(run["properties"]["verdict/elided"], 3);
    assert_eq!(run["properties"]["verdict/decision"], "error");
    assert!(run["properties"].get("verdict/omitted-results").is_none());
}

#[test]
fn sarif_keeps_forged_text_exactly_but_escaped() {
    let verdict = forged(true);
    let (text, value) = sarif(&verdict);
    assert_eq!(raw_hidden(&text), Vec::<char>::new(), "{text}");
    assert!(!text.contains("##["), "{text}");
    let first = &value["runs"][0]["results"][0];
    assert_eq!(
        first["message"]["text"].as_str().unwrap(),
        verdict.policies[0].violations[0].message
    );
    // A path that is not a plain relative one is kept as a description,
    // never as a URI that could point elsewhere.
    for result in value["runs"][0]["results"].as_array().unwrap() {
        if let Some(uri) =
            result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].as_str()
        {
            assert!(!uri.contains(['\n', ' ', ':', '#', '?']), "{uri}");
        }
    }
}

#[test]
fn sarif_paths_that_are_not_plain_relative_ones_are_still_safe_uris() {
    let mut verdict = sample();
    let paths = [
        (
            "/home/runner/work/app/src/a b.py",
            "file:///home/runner/work/app/src/a%20b.py",
        ),
        (r"C:\src\a.py", "file:///C:/src/a.py"),
        ("javascript:alert(1)", "javascript%3Aalert%281%29"),
        ("../outside.py", "../outside.py"),
        ("src/a b#1?.py", "src/a%20b%231%3F.py"),
    ];
    for (index, (path, _)) in paths.iter().enumerate() {
        verdict.policies[0].violations[index]
            .location
            .as_mut()
            .unwrap()
            .path = (*path).into();
    }
    let (_, value) = sarif(&verdict);
    assert_valid(&value);
    let results = &value["runs"][0]["results"];
    for (index, (path, uri)) in paths.iter().enumerate() {
        let artifact = &results[index]["locations"][0]["physicalLocation"]["artifactLocation"];
        assert_eq!(artifact["uri"], *uri, "{path}");
        if artifact.get("uriBaseId").is_none() {
            assert_eq!(artifact["description"]["text"], *path);
        }
    }
}
