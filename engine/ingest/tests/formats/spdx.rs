//! Tests of the `spdx` format, with counts checked against the raw files with python3.

use crate::support::{corpus, fixture, ingest_as, try_ingest_forced};

#[test]
fn reads_a_trivy_document_and_leaves_out_the_described_package() {
    let evidence = ingest_as(corpus("sbom/spdx-2.3-trivy-conda.json"), "spdx");
    assert_eq!(evidence.sources[0].tool.as_deref(), Some("trivy-dev"));
    // Three packages; the scanned directory is what the document DESCRIBES.
    assert_eq!(evidence.components.len(), 2);
    let openssl = &evidence.components[0];
    assert_eq!(openssl.name, "openssl");
    assert_eq!(openssl.version.as_deref(), Some("1.1.1q"));
    assert_eq!(openssl.purl.as_deref(), Some("pkg:conda/openssl@1.1.1q"));
    assert_eq!(openssl.ecosystem.as_deref(), Some("conda"));
    // Concluded and declared are both `OpenSSL`: kept once.
    assert_eq!(openssl.licenses, ["OpenSSL"]);
    assert_eq!(evidence.components[1].licenses, ["MIT"]);
}

#[test]
fn reads_a_syft_document_whose_licenses_are_all_noassertion() {
    let evidence = ingest_as(
        corpus("sbom/spdx-2.3-syft-0.83-rust-noassertion.json"),
        "spdx",
    );
    assert_eq!(evidence.sources[0].tool.as_deref(), Some("syft-0.83.0"));
    // syft's DESCRIBES points at the document itself, so every package stays.
    assert_eq!(evidence.components.len(), 44);
    assert!(evidence.components.iter().all(|c| c.licenses.is_empty()));
    assert!(
        evidence
            .components
            .iter()
            .all(|c| c.ecosystem.as_deref() == Some("crates.io"))
    );
    let syn: Vec<_> = evidence
        .components
        .iter()
        .filter(|c| c.name == "syn")
        .collect();
    assert_eq!(syn.len(), 2);
    assert_eq!(syn[1].purl.as_deref(), Some("pkg:cargo/syn@2.0.18"));
    let wasi = evidence
        .components
        .iter()
        .find(|c| c.name == "wasi")
        .unwrap();
    assert_eq!(
        wasi.version.as_deref(),
        Some("0.10.0+wasi-snapshot-preview1")
    );
}

#[test]
fn reads_document_describes_and_drops_none_and_noassertion() {
    let evidence = ingest_as(fixture("spdx/spdx-2.2-document-describes.json"), "spdx");
    assert_eq!(
        evidence.sources[0].tool.as_deref(),
        Some("spdx-sbom-generator-v0.0.15")
    );
    let names: Vec<_> = evidence
        .components
        .iter()
        .map(|c| c.name.as_str())
        .collect();
    assert_eq!(names, ["express", "qs", "vendored-blob"]);
    assert_eq!(evidence.components[0].licenses, ["MIT"]);
    assert_eq!(
        evidence.components[0].purl.as_deref(),
        Some("pkg:npm/express@4.19.2")
    );
    assert_eq!(
        evidence.components[1].licenses,
        ["BSD-3-Clause", "(BSD-3-Clause OR MIT)"]
    );
    let vendored = &evidence.components[2];
    assert!(vendored.licenses.is_empty());
    assert_eq!(
        (vendored.version.as_deref(), vendored.purl.as_deref()),
        (None, None)
    );
}

#[test]
fn bad_inputs_are_errors_that_say_what_is_wrong() {
    let cases = [
        (
            "spdx-3.json",
            "unsupported `spdxVersion` `SPDX-3.0`: expected SPDX-2.x",
        ),
        (
            "spdx-packages-wrong-type.json",
            "invalid type: map, expected a sequence at line 4",
        ),
    ];
    for (file, expected) in cases {
        let error = try_ingest_forced(fixture(&format!("bad/{file}")), "spdx").unwrap_err();
        let message = error.to_string();
        assert!(message.contains(expected), "{file}: {message}");
    }
}
