//! Tests of the `cyclonedx` format, with counts checked against the raw files with python3.

use crate::support::{corpus, fixture, ingest_as, try_ingest_forced};

#[test]
fn reads_a_1_4_python_bom() {
    let evidence = ingest_as(corpus("sbom/cyclonedx-1.4-jake-python.json"), "cyclonedx");
    assert_eq!(
        evidence.sources[0].tool.as_deref(),
        Some("cyclonedx-python-lib 1.3.0")
    );
    assert_eq!(evidence.components.len(), 67);
    assert_eq!(
        evidence
            .components
            .iter()
            .filter(|c| c.licenses.is_empty())
            .count(),
        8
    );
    assert!(
        evidence
            .components
            .iter()
            .all(|c| c.ecosystem.as_deref() == Some("PyPI"))
    );
    let first = &evidence.components[0];
    assert_eq!(first.name, "webencodings");
    assert_eq!(first.version.as_deref(), Some("0.5.1"));
    assert_eq!(first.purl.as_deref(), Some("pkg:pypi/webencodings@0.5.1"));
    assert_eq!(first.licenses, ["BSD"]);
    let mit = evidence
        .components
        .iter()
        .filter(|c| c.licenses == ["MIT"])
        .count();
    assert_eq!(mit, 28);
    assert_eq!(evidence.components[66].name, "attrs");
    // Vulnerabilities inside a BOM are not read.
    assert_eq!(evidence.record_count(), 67);
}

#[test]
fn reads_a_1_7_trivy_bom_with_tools_as_an_object() {
    let evidence = ingest_as(corpus("sbom/cyclonedx-1.7-trivy-npm.json"), "cyclonedx");
    assert_eq!(evidence.sources[0].tool.as_deref(), Some("trivy dev"));
    assert_eq!(evidence.components.len(), 13);
    assert_eq!(
        evidence
            .components
            .iter()
            .filter(|c| !c.licenses.is_empty())
            .count(),
        5
    );
    // The lock file itself is a component without purl or version.
    let lock = &evidence.components[0];
    assert_eq!(
        (
            lock.name.as_str(),
            lock.version.as_deref(),
            lock.purl.as_deref()
        ),
        ("package-lock.json", None, None)
    );
    assert_eq!(lock.ecosystem, None);
    let jquery = &evidence.components[2];
    assert_eq!(jquery.name, "jquery");
    assert_eq!(jquery.purl.as_deref(), Some("pkg:npm/jquery@3.3.9"));
    assert_eq!(jquery.ecosystem.as_deref(), Some("npm"));
    assert_eq!(jquery.licenses, ["MIT"]);
}

#[test]
fn flattens_nested_components_and_leaves_out_the_product() {
    let evidence = ingest_as(
        fixture("cyclonedx/cyclonedx-1.5-nested-maven.json"),
        "cyclonedx",
    );
    assert_eq!(
        evidence.sources[0].tool.as_deref(),
        Some("cyclonedx-maven-plugin 2.8.0")
    );
    let names: Vec<_> = evidence
        .components
        .iter()
        .map(|c| c.name.as_str())
        .collect();
    assert_eq!(
        names,
        [
            "org.springframework.boot:spring-boot-starter-web",
            "org.springframework:spring-web",
            "io.micrometer:micrometer-observation",
            "ch.qos.logback:logback-classic",
            "internal-utils",
            "left-pad",
        ]
    );
    let licenses: Vec<_> = evidence
        .components
        .iter()
        .map(|c| c.licenses.clone())
        .collect();
    assert_eq!(
        licenses,
        [
            vec!["Apache-2.0".to_owned()],
            vec!["Apache-2.0".to_owned()],
            vec!["The Apache Software License, Version 2.0".to_owned()],
            vec!["EPL-1.0 OR LGPL-2.1-only".to_owned()],
            vec![],
            vec!["WTFPL".to_owned(), "MIT".to_owned()],
        ]
    );
    assert_eq!(evidence.components[0].ecosystem.as_deref(), Some("Maven"));
    let internal = &evidence.components[4];
    assert_eq!(
        (
            internal.version.as_deref(),
            internal.purl.as_deref(),
            internal.ecosystem.as_deref()
        ),
        (None, None, None)
    );
}

#[test]
fn bad_inputs_are_errors_that_say_what_is_wrong() {
    let cases = [
        ("cyclonedx-truncated.json", "EOF while parsing"),
        (
            "cyclonedx-component-without-name.json",
            "missing field `name` at line 5",
        ),
        ("cyclonedx-deep-nesting.json", "recursion limit exceeded"),
    ];
    for (file, expected) in cases {
        let error = try_ingest_forced(fixture(&format!("bad/{file}")), "cyclonedx").unwrap_err();
        let message = error.to_string();
        assert!(message.contains(expected), "{file}: {message}");
    }
}
