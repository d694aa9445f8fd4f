//! Tests of the generic `json`, `yaml` and `toml` formats.

use crate::support::{fixture, ingest_as, try_ingest_forced};
use serde_json::json;

#[test]
fn reads_any_json_document() {
    let evidence = ingest_as(fixture("json/package.json"), "json");
    assert_eq!(evidence.documents.len(), 1);
    let value = &evidence.documents[0].value;
    assert_eq!(value["name"], "shop-web");
    assert_eq!(value["dependencies"]["left-pad"], "1.3.0");
    assert_eq!(value["bigNumber"], json!(12345678901234567890_u64));
    assert_eq!(value["ratio"], json!(0.25));
}

#[test]
fn an_empty_array_is_a_json_document() {
    let evidence = ingest_as(fixture("json/empty-array.json"), "json");
    assert_eq!(evidence.documents[0].value, json!([]));
}

#[test]
fn reads_every_document_of_a_yaml_stream_with_aliases_expanded() {
    let evidence = ingest_as(fixture("yaml/kubernetes-multi-doc.yaml"), "yaml");
    // Two manifests; the empty document after the final `---` is dropped.
    assert_eq!(evidence.documents.len(), 2);
    let deployment = &evidence.documents[0].value;
    assert_eq!(deployment["kind"], "Deployment");
    assert_eq!(
        deployment["spec"]["selector"]["matchLabels"],
        json!({"app": "web", "tier": "frontend"})
    );
    assert_eq!(
        deployment["spec"]["template"]["spec"]["containers"][0]["securityContext"]["runAsNonRoot"],
        true
    );
    assert_eq!(
        evidence.documents[1].value["spec"]["ports"][0]["targetPort"],
        8080
    );
    assert_eq!(evidence.sources[0].records, 2);
}

#[test]
fn yaml_binary_stays_base64_and_custom_tags_become_objects() {
    let evidence = ingest_as(fixture("yaml/github-workflow.yml"), "yaml");
    let workflow = &evidence.documents[0].value;
    assert_eq!(workflow["on"]["push"]["branches"], json!(["main"]));
    assert_eq!(
        workflow["jobs"]["test"]["steps"][2]["with"]["payload"],
        "aGVsbG8="
    );
    let file = tempfile::Builder::new().suffix(".yaml").tempfile().unwrap();
    fs_err::write(
        file.path(),
        "Resources:\n  Bucket:\n    Properties:\n      Name: !Sub '${AWS::StackName}-logs'\n      Arn: !GetAtt [Role, Arn]\ncodes:\n  200: ok\n  true: yes\nbase: &base {a: 1}\nderived:\n  <<: *base\n  b: 2\n",
    )
    .unwrap();
    let evidence = ingest_as(file.path().to_path_buf(), "yaml");
    let value = &evidence.documents[0].value;
    assert_eq!(
        value["Resources"]["Bucket"]["Properties"]["Name"],
        json!({"!Sub": "${AWS::StackName}-logs"})
    );
    assert_eq!(
        value["Resources"]["Bucket"]["Properties"]["Arn"],
        json!({"!GetAtt": ["Role", "Arn"]})
    );
    assert_eq!(value["codes"], json!({"200": "ok", "true": "yes"}));
    assert_eq!(value["derived"], json!({"a": 1, "b": 2}));
}

#[test]
fn reads_toml_with_datetimes_as_text() {
    let evidence = ingest_as(fixture("toml/pyproject.toml"), "toml");
    let value = &evidence.documents[0].value;
    assert_eq!(value["project"]["name"], "shop");
    assert_eq!(value["project"]["released"], "2024-05-02T10:11:12Z");
    assert_eq!(
        value["project"]["optional-dependencies"]["dev"],
        json!(["pytest>=8", "ruff"])
    );
    assert_eq!(value["tool"]["mypy"]["overrides"][0]["ignore_errors"], true);
}

#[test]
fn bad_inputs_are_errors_that_say_what_is_wrong() {
    let cases = [
        (
            "json-not-utf8.json",
            "json",
            "invalid UTF-8 at line 1 column 14",
        ),
        (
            "json-deep-nesting.json",
            "json",
            "recursion limit exceeded at line 1 column 128",
        ),
        (
            "yaml-billion-laughs.yaml",
            "yaml",
            "repetition limit exceeded",
        ),
        (
            "yaml-deep-nesting.yaml",
            "yaml",
            "recursion limit exceeded at line 1 column 129",
        ),
        (
            "yaml-not-utf8.yaml",
            "yaml",
            "invalid UTF-8 at line 1 column 10",
        ),
        (
            "yaml-bad-indent.yaml",
            "yaml",
            "did not find expected key at line 4 column 4",
        ),
        (
            "toml-deep-nesting.toml",
            "toml",
            "cannot recurse further; max recursion depth met at line 1 column 85",
        ),
        (
            "toml-duplicate-key.toml",
            "toml",
            "duplicate key at line 3 column 1",
        ),
        (
            "toml-not-utf8.toml",
            "toml",
            "invalid UTF-8 at line 1 column 12",
        ),
    ];
    let mut wrong = Vec::new();
    for (file, format, expected) in cases {
        let error = try_ingest_forced(fixture(&format!("bad/{file}")), format).unwrap_err();
        let message = error.to_string();
        if !message.contains(expected) {
            wrong.push(format!("{file}: {message}"));
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
}

#[test]
fn yaml_with_duplicate_keys_is_an_error() {
    let file = tempfile::Builder::new().suffix(".yml").tempfile().unwrap();
    fs_err::write(file.path(), "a: 1\na: 2\n").unwrap();
    let error = try_ingest_forced(file.path().to_path_buf(), "yaml").unwrap_err();
    assert!(
        error.to_string().contains("duplicate entry with key"),
        "{error}"
    );
}
