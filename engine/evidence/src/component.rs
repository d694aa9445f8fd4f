//! Components: what an SBOM (or a license scan) says is inside the product.

use crate::{Severity, SourceIndex};
use serde::{Deserialize, Serialize};

/// One package or library.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Component {
    /// Index of the input file this came from.
    pub source: SourceIndex,
    /// Package name.
    pub name: String,
    /// Version, when given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// Ecosystem in OSV spelling where known, or the purl type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ecosystem: Option<String>,
    /// Package URL, when given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purl: Option<String>,
    /// SPDX license ids or expressions as declared/concluded. `NOASSERTION`
    /// and empty values are dropped, so empty means "unknown".
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub licenses: Vec<String>,
    /// The scanner's own license category (Trivy: `forbidden`, `restricted`,
    /// `reciprocal`, `notice`, `permissive`, `unencumbered`, `unknown`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub license_category: Option<String>,
    /// The scanner's own severity for the license.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub license_severity: Option<Severity>,
}
