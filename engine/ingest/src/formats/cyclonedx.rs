//! CycloneDX JSON SBOMs (1.2 to 1.7): one component per entry of
//! `components`, nested `components[].components` included, depth first.
//!
//! `metadata.component` is left out: it is the product the SBOM describes,
//! not something inside it (SPDX's described packages are left out alike).
//! Vulnerabilities a BOM may carry are not read; vulnerability scanners'
//! own formats are the place for those.

use crate::error::FormatError;
use crate::formats::generic::utf8_error;
use crate::formats::{Output, ParseInput};
use crate::sniff::{Shape, Sniff};
use serde::Deserialize;
use std::borrow::Cow;
use verdict_evidence::Component;

pub(crate) fn detect(sniff: &Sniff<'_>) -> bool {
    sniff.shape == Shape::JsonObject && sniff.string("bomFormat").as_deref() == Some("CycloneDX")
}

#[derive(Deserialize)]
#[serde(expecting = "a CycloneDX BOM object")]
#[serde(rename_all = "camelCase")]
struct Bom<'a> {
    #[serde(borrow)]
    bom_format: Cow<'a, str>,
    metadata: Option<Metadata>,
    #[serde(borrow, default)]
    components: Vec<BomComponent<'a>>,
}

#[derive(Deserialize)]
struct Metadata {
    tools: Option<Tools>,
}

/// `metadata.tools`: a list before CycloneDX 1.5, an object since.
#[derive(Deserialize)]
#[serde(untagged)]
enum Tools {
    List(Vec<Tool>),
    Object {
        #[serde(default)]
        components: Vec<Tool>,
    },
}

#[derive(Deserialize)]
struct Tool {
    name: Option<String>,
    version: Option<String>,
}

#[derive(Deserialize)]
#[serde(expecting = "a CycloneDX component object")]
struct BomComponent<'a> {
    #[serde(borrow)]
    name: Cow<'a, str>,
    #[serde(borrow)]
    group: Option<Cow<'a, str>>,
    #[serde(borrow)]
    version: Option<Cow<'a, str>>,
    #[serde(borrow)]
    purl: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    licenses: Vec<LicenseChoice<'a>>,
    #[serde(borrow, default)]
    components: Vec<BomComponent<'a>>,
}

/// One entry of `licenses`: `{"license": {"id"|"name": …}}` or `{"expression": …}`.
#[derive(Deserialize)]
#[serde(expecting = "a CycloneDX license choice object")]
struct LicenseChoice<'a> {
    #[serde(borrow)]
    license: Option<License<'a>>,
    #[serde(borrow)]
    expression: Option<Cow<'a, str>>,
}

#[derive(Deserialize)]
struct License<'a> {
    #[serde(borrow)]
    id: Option<Cow<'a, str>>,
    #[serde(borrow)]
    name: Option<Cow<'a, str>>,
}

pub(crate) fn parse(input: &ParseInput<'_>, output: &mut Output) -> Result<(), FormatError> {
    let text = std::str::from_utf8(input.bytes).map_err(|e| utf8_error(input.bytes, &e))?;
    let bom: Bom<'_> = serde_json::from_str(text).map_err(|e| FormatError::json(&e))?;
    if bom.bom_format != "CycloneDX" {
        return Err(FormatError::new(format!(
            "`bomFormat` is `{}`, expected `CycloneDX`",
            bom.bom_format
        )));
    }
    output.tool = bom
        .metadata
        .and_then(|metadata| metadata.tools)
        .and_then(first_tool);
    // Depth first, in file order; serde_json's recursion limit bounds the depth.
    let mut stack: Vec<BomComponent<'_>> = bom.components.into_iter().rev().collect();
    while let Some(mut component) = stack.pop() {
        stack.extend(std::mem::take(&mut component.components).into_iter().rev());
        output.evidence.components.push(convert(component));
    }
    Ok(())
}

fn first_tool(tools: Tools) -> Option<String> {
    let tools = match tools {
        Tools::List(tools) | Tools::Object { components: tools } => tools,
    };
    let tool = tools.into_iter().find(|tool| tool.name.is_some())?;
    let name = tool.name?;
    Some(match tool.version {
        Some(version) => format!("{name} {version}"),
        None => name,
    })
}

fn convert(component: BomComponent<'_>) -> Component {
    let purl = component.purl.filter(|purl| !purl.is_empty());
    let purl_type = purl.as_deref().and_then(purl_type);
    let name = match component.group.filter(|group| !group.is_empty()) {
        // Maven coordinates read `group:artifact`; npm scopes `@scope/name`.
        Some(group) if purl_type == Some("maven") => format!("{group}:{}", component.name),
        Some(group) => format!("{group}/{}", component.name),
        None => component.name.into_owned(),
    };
    let mut licenses = Vec::new();
    for choice in component.licenses {
        let license = choice
            .license
            .and_then(|license| license.id.or(license.name));
        for value in license.into_iter().chain(choice.expression) {
            push_license(&mut licenses, &value);
        }
    }
    Component {
        source: 0,
        name,
        version: component
            .version
            .filter(|version| !version.is_empty())
            .map(Cow::into_owned),
        ecosystem: purl_type.map(ecosystem),
        purl: purl.map(Cow::into_owned),
        licenses,
        ..Component::default()
    }
}

/// Adds a license id or expression unless it is empty, says nothing
/// (`NOASSERTION`, `NONE`) or is already there.
pub(crate) fn push_license(licenses: &mut Vec<String>, value: &str) {
    let value = value.trim();
    if value.is_empty()
        || value == "NOASSERTION"
        || value == "NONE"
        || licenses.iter().any(|known| known == value)
    {
        return;
    }
    licenses.push(value.to_owned());
}

/// The type of a package URL, `pypi` in `pkg:pypi/requests@2.0`.
pub(crate) fn purl_type(purl: &str) -> Option<&str> {
    let rest = purl.strip_prefix("pkg:")?.trim_start_matches('/');
    let end = rest.find('/')?;
    Some(&rest[..end]).filter(|kind| !kind.is_empty())
}

/// The ecosystem of a purl type, in OSV spelling for the language ecosystems
/// OSV names, otherwise the purl type itself (`deb`, `apk`, `conda`…).
pub(crate) fn ecosystem(purl_type: &str) -> String {
    let osv = match purl_type.to_ascii_lowercase().as_str() {
        "cargo" => "crates.io",
        "pypi" => "PyPI",
        "npm" => "npm",
        "golang" => "Go",
        "maven" => "Maven",
        "gem" => "RubyGems",
        "nuget" => "NuGet",
        "composer" => "Packagist",
        "hex" => "Hex",
        "pub" => "Pub",
        "cran" => "CRAN",
        "hackage" => "Hackage",
        "swift" => "SwiftURL",
        _ => purl_type,
    };
    osv.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn purl_types_map_to_osv_ecosystems() {
        assert_eq!(purl_type("pkg:pypi/requests@2.0"), Some("pypi"));
        assert_eq!(purl_type("pkg:npm/%40babel/core@7.0.0"), Some("npm"));
        assert_eq!(purl_type("not a purl"), None);
        assert_eq!(ecosystem("cargo"), "crates.io");
        assert_eq!(ecosystem("deb"), "deb");
    }

    #[test]
    fn licenses_drop_placeholders_and_duplicates() {
        let mut licenses = Vec::new();
        for value in ["MIT", "NOASSERTION", "", "NONE", "MIT", "Apache-2.0"] {
            push_license(&mut licenses, value);
        }
        assert_eq!(licenses, ["MIT", "Apache-2.0"]);
    }
}
