//! SPDX 2.x JSON SBOMs: one component per entry of `packages`.
//!
//! Packages the document itself `DESCRIBES` (through `documentDescribes` or a
//! `SPDXRef-DOCUMENT DESCRIBES …` relationship) are left out: they are the
//! product the SBOM is about (Trivy's scanned directory, an image), not
//! something inside it, the same way CycloneDX's `metadata.component` is.
//! Licenses are `licenseConcluded` then `licenseDeclared`, without
//! `NOASSERTION`, `NONE` and duplicates; the purl is the first external
//! reference of type `purl`.

use super::cyclonedx::{ecosystem, purl_type, push_license};
use crate::error::FormatError;
use crate::formats::generic::utf8_error;
use crate::formats::{Output, ParseInput};
use crate::sniff::{Shape, Sniff};
use serde::Deserialize;
use std::borrow::Cow;
use std::collections::HashSet;
use verdict_evidence::Component;

const DOCUMENT: &str = "SPDXRef-DOCUMENT";

pub(crate) fn detect(sniff: &Sniff<'_>) -> bool {
    sniff.shape == Shape::JsonObject && sniff.has_key("spdxVersion")
}

#[derive(Deserialize)]
#[serde(expecting = "an SPDX document object")]
#[serde(rename_all = "camelCase")]
struct Document<'a> {
    #[serde(borrow)]
    spdx_version: Cow<'a, str>,
    creation_info: Option<CreationInfo>,
    #[serde(borrow, default)]
    document_describes: Vec<Cow<'a, str>>,
    #[serde(borrow, default)]
    packages: Vec<Package<'a>>,
    #[serde(borrow, default)]
    relationships: Vec<Relationship<'a>>,
}

#[derive(Deserialize)]
struct CreationInfo {
    #[serde(default)]
    creators: Vec<String>,
}

#[derive(Deserialize)]
#[serde(expecting = "an SPDX package object")]
#[serde(rename_all = "camelCase")]
struct Package<'a> {
    #[serde(rename = "SPDXID", borrow)]
    spdx_id: Option<Cow<'a, str>>,
    #[serde(borrow)]
    name: Cow<'a, str>,
    #[serde(borrow)]
    version_info: Option<Cow<'a, str>>,
    #[serde(borrow)]
    license_concluded: Option<Cow<'a, str>>,
    #[serde(borrow)]
    license_declared: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    external_refs: Vec<ExternalRef<'a>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ExternalRef<'a> {
    #[serde(borrow)]
    reference_type: Cow<'a, str>,
    #[serde(borrow)]
    reference_locator: Cow<'a, str>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Relationship<'a> {
    #[serde(borrow)]
    spdx_element_id: Cow<'a, str>,
    #[serde(borrow)]
    relationship_type: Cow<'a, str>,
    #[serde(borrow)]
    related_spdx_element: Cow<'a, str>,
}

pub(crate) fn parse(input: &ParseInput<'_>, output: &mut Output) -> Result<(), FormatError> {
    let text = std::str::from_utf8(input.bytes).map_err(|e| utf8_error(input.bytes, &e))?;
    let document: Document<'_> = serde_json::from_str(text).map_err(|e| FormatError::json(&e))?;
    if !document.spdx_version.starts_with("SPDX-2.") {
        return Err(FormatError::new(format!(
            "unsupported `spdxVersion` `{}`: expected SPDX-2.x",
            document.spdx_version
        )));
    }
    output.tool = document.creation_info.and_then(|info| {
        info.creators.into_iter().find_map(|creator| {
            creator
                .strip_prefix("Tool:")
                .map(|tool| tool.trim().to_owned())
        })
    });
    let described: HashSet<&str> = document
        .document_describes
        .iter()
        .map(|id| id.as_ref())
        .chain(
            document
                .relationships
                .iter()
                .filter(|r| r.spdx_element_id == DOCUMENT && r.relationship_type == "DESCRIBES")
                .map(|r| r.related_spdx_element.as_ref()),
        )
        .collect();
    for package in &document.packages {
        if package
            .spdx_id
            .as_deref()
            .is_some_and(|id| described.contains(id))
        {
            continue;
        }
        output.evidence.components.push(convert(package));
    }
    Ok(())
}

fn convert(package: &Package<'_>) -> Component {
    let purl = package
        .external_refs
        .iter()
        .find(|reference| reference.reference_type == "purl")
        .map(|reference| reference.reference_locator.as_ref())
        .filter(|purl| !purl.is_empty());
    let mut licenses = Vec::new();
    for value in [&package.license_concluded, &package.license_declared]
        .into_iter()
        .flatten()
    {
        push_license(&mut licenses, value);
    }
    Component {
        source: 0,
        name: package.name.clone().into_owned(),
        version: package
            .version_info
            .as_deref()
            .filter(|version| !version.is_empty() && *version != "NOASSERTION")
            .map(str::to_owned),
        ecosystem: purl.and_then(purl_type).map(ecosystem),
        purl: purl.map(str::to_owned),
        licenses,
        ..Component::default()
    }
}
