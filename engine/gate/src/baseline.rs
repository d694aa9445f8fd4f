//! Baselines ("clean as you code"): the fingerprints of the violations a
//! repository had when it adopted a gate. A run with `--baseline` fails only
//! on violations that are not in it, and reports how many baseline ones
//! remain and how many were fixed.
//!
//! The file is JSON, sorted, one fingerprint list per policy:
//! `{"format": "verdict-baseline/v1", "created": "…", "policies": {"id": ["…"]}}`.

use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

/// The baseline file format id.
pub const BASELINE_FORMAT: &str = "verdict-baseline/v1";

/// A baseline file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BaselineFile {
    /// Always [`BASELINE_FORMAT`].
    pub format: String,
    /// The `now` of the run that created it.
    pub created: String,
    /// Fingerprints per policy id, sorted.
    pub policies: BTreeMap<String, BTreeSet<String>>,
}

impl BaselineFile {
    /// Parses a baseline file's bytes; the message names no value of it.
    pub fn parse(bytes: &[u8]) -> Result<BaselineFile, String> {
        let file: BaselineFile = serde_json::from_slice(bytes).map_err(|error| {
            format!(
                "not a verdict baseline: line {}, column {}: {}",
                error.line(),
                error.column(),
                match error.classify() {
                    serde_json::error::Category::Syntax => "invalid JSON",
                    serde_json::error::Category::Eof => "the file ends early",
                    _ => "unexpected structure (expected `format`, `created`, `policies`)",
                }
            )
        })?;
        if file.format != BASELINE_FORMAT {
            return Err(format!(
                "not a verdict baseline: `format` is not `{BASELINE_FORMAT}`"
            ));
        }
        Ok(file)
    }

    /// Entries over every policy.
    pub fn entries(&self) -> u64 {
        self.policies.values().map(|set| set.len() as u64).sum()
    }
}

/// A baseline ready for lookups.
#[derive(Debug, Clone, Default)]
pub struct Baseline {
    policies: HashMap<String, HashSet<String>>,
}

impl Baseline {
    /// From a parsed file.
    pub fn new(file: &BaselineFile) -> Baseline {
        Baseline {
            policies: file
                .policies
                .iter()
                .map(|(policy, fingerprints)| {
                    (policy.clone(), fingerprints.iter().cloned().collect())
                })
                .collect(),
        }
    }

    /// Whether `policy` had a violation with `fingerprint` in the baseline.
    pub fn contains(&self, policy: &str, fingerprint: &str) -> bool {
        self.policies
            .get(policy)
            .is_some_and(|set| set.contains(fingerprint))
    }

    /// Entries of one policy.
    pub fn entries_of(&self, policy: &str) -> u64 {
        self.policies.get(policy).map_or(0, |set| set.len() as u64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_its_own_output_and_refuses_others() {
        let mut file = BaselineFile {
            format: BASELINE_FORMAT.into(),
            created: "2026-11-20T10:00:00Z".into(),
            policies: BTreeMap::new(),
        };
        file.policies
            .entry("sast".into())
            .or_default()
            .extend(["b".to_owned(), "a".to_owned()]);
        let text = serde_json::to_string(&file).expect("serializes");
        assert!(text.contains(r#""sast":["a","b"]"#), "sorted: {text}");
        let back = BaselineFile::parse(text.as_bytes()).expect("parses");
        assert_eq!(back.entries(), 2);
        let baseline = Baseline::new(&back);
        assert!(baseline.contains("sast", "a"));
        assert!(!baseline.contains("deps", "a"));
        let wrong = text.replace(BASELINE_FORMAT, "verdict/v1");
        assert!(BaselineFile::parse(wrong.as_bytes()).is_err());
        let error = BaselineFile::parse(b"{\"format\": \"secret-value").expect_err("cut");
        assert!(!error.contains("secret-value"), "{error}");
    }
}
