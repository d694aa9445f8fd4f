//! detect-secrets baselines (`detect-secrets scan > .secrets.baseline`), the
//! current shape (1.x) and the legacy one (0.x, without `filename` in results).
//!
//! A baseline gives no secret, only `hashed_secret`, a sha1 of it. That hash is
//! not kept: a weak secret can be recovered from it by brute force. The
//! redacted form is therefore unknown, and the fingerprint is a hash of tool,
//! type, file and line.

use crate::error::FormatError;
use crate::formats::generic::utf8_error;
use crate::formats::{Output, ParseInput};
use crate::sniff::{Shape, Sniff};
use serde::Deserialize;
use std::borrow::Cow;
use std::fmt;
use verdict_evidence::{Location, Redacted, Secret, fingerprint};

const TOOL: &str = "detect-secrets";

pub(crate) fn detect(sniff: &Sniff<'_>) -> bool {
    sniff.shape == Shape::JsonObject && sniff.has_keys(&["plugins_used", "results"])
}

#[derive(Deserialize)]
#[serde(expecting = "a detect-secrets baseline object")]
struct Baseline<'a> {
    #[serde(borrow)]
    version: Option<Cow<'a, str>>,
    /// File path to the secrets found in it, in file order (a map would
    /// silently merge duplicate keys).
    #[serde(borrow, deserialize_with = "in_order")]
    results: Vec<FileResults<'a>>,
}

/// A file path and the secrets found in it.
type FileResults<'a> = (Cow<'a, str>, Vec<Found<'a>>);

#[derive(Deserialize)]
#[serde(expecting = "a detect-secrets result object")]
struct Found<'a> {
    #[serde(rename = "type", borrow)]
    kind: Cow<'a, str>,
    #[serde(borrow)]
    filename: Option<Cow<'a, str>>,
    line_number: Option<u32>,
    is_verified: Option<bool>,
    /// Set by `detect-secrets audit`: `false` marks a false positive.
    is_secret: Option<bool>,
}

pub(crate) fn parse(input: &ParseInput<'_>, output: &mut Output) -> Result<(), FormatError> {
    let text = std::str::from_utf8(input.bytes).map_err(|e| utf8_error(input.bytes, &e))?;
    let baseline: Baseline<'_> = serde_json::from_str(text).map_err(|e| FormatError::json(&e))?;
    output.tool = baseline.version.map(|version| format!("{TOOL} {version}"));
    for (file, found) in baseline.results {
        for one in found {
            let path = one.filename.unwrap_or_else(|| file.clone());
            let line = one.line_number.filter(|&line| line > 0);
            let line_text = line.map(|line| line.to_string()).unwrap_or_default();
            output.evidence.secrets.push(Secret {
                source: 0,
                tool: TOOL.to_owned(),
                fingerprint: fingerprint::of(&[TOOL, &one.kind, &path, &line_text]),
                rule_id: one.kind.into_owned(),
                location: Some(Location::new(path.as_ref(), line, line)),
                commit: None,
                redacted: Redacted::unknown(),
                verified: one.is_verified,
                suppressed: one.is_secret == Some(false),
            });
        }
    }
    Ok(())
}

/// Reads a JSON object into its entries, in order.
fn in_order<'de, D>(deserializer: D) -> Result<Vec<FileResults<'de>>, D::Error>
where
    D: serde::Deserializer<'de>,
{
    struct Entries;

    impl<'de> serde::de::Visitor<'de> for Entries {
        type Value = Vec<FileResults<'de>>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an object of file paths to results")
        }

        fn visit_map<A: serde::de::MapAccess<'de>>(
            self,
            mut map: A,
        ) -> Result<Self::Value, A::Error> {
            let mut entries = Vec::new();
            while let Some(entry) = map.next_entry::<Cow<'de, str>, Vec<Found<'de>>>()? {
                entries.push(entry);
            }
            Ok(entries)
        }
    }

    deserializer.deserialize_map(Entries)
}
