//! Checking a policy's configuration against the JSON Schema its plugin declares.
//!
//! The schema comes from the plugin, so it is checked against [`bounds`]
//! before the validator crate compiles it.

mod bounds;

use crate::config::{ValidConfig, ValidPolicy};
use crate::diagnostic::Diagnostic;
use jsonschema::error::ValidationErrorKind;
use jsonschema::paths::LocationSegment;

/// Validates `policy.config` against `schema`; every problem is a diagnostic
/// naming the policy and the key, pointing at the key's line.
pub fn validate_policy_config(
    config: &ValidConfig,
    policy: &ValidPolicy,
    schema: &serde_json::Value,
) -> Vec<Diagnostic> {
    if let Err(reason) = bounds::check(schema) {
        return vec![Diagnostic::new(
            format!(
                "policy `{}`: plugin `{}` declares a configuration schema out of bounds: {reason}",
                policy.id,
                policy.plugin.display()
            ),
            config.span_of(policy.index, &["plugin"]),
        )];
    }
    let validator = match jsonschema::validator_for(schema) {
        Ok(validator) => validator,
        Err(error) => {
            return vec![Diagnostic::new(
                format!(
                    "policy `{}`: plugin `{}` declares an invalid configuration schema: {error}",
                    policy.id,
                    policy.plugin.display()
                ),
                config.span_of(policy.index, &["plugin"]),
            )];
        }
    };
    let mut diagnostics = Vec::new();
    for error in validator.iter_errors(&policy.config) {
        let mut path: Vec<String> = vec!["config".to_owned()];
        for segment in error.instance_path().iter() {
            match segment {
                LocationSegment::Property(name) => path.push(name.to_string()),
                LocationSegment::Index(index) => path.push(index.to_string()),
            }
        }
        let dotted = path[1..].join(".");
        match error.kind() {
            ValidationErrorKind::AdditionalProperties { unexpected } => {
                for key in unexpected {
                    let mut key_path: Vec<&str> = path.iter().map(String::as_str).collect();
                    key_path.push(key);
                    let known = known_properties(schema, &path[1..]);
                    let mut diagnostic = Diagnostic::new(
                        format!(
                            "policy `{}`: unknown configuration key `{}`",
                            policy.id,
                            join(&dotted, key)
                        ),
                        config.span_of(policy.index, &key_path),
                    );
                    if !known.is_empty() {
                        diagnostic =
                            diagnostic.with_hint(format!("known keys: {}", known.join(", ")));
                    }
                    diagnostics.push(diagnostic);
                }
            }
            _ => {
                let key_path: Vec<&str> = path.iter().map(String::as_str).collect();
                let subject = if dotted.is_empty() {
                    "configuration".to_owned()
                } else {
                    format!("`{dotted}`")
                };
                diagnostics.push(Diagnostic::new(
                    format!("policy `{}`: {subject}: {error}", policy.id),
                    config
                        .span_of(policy.index, &key_path)
                        .or_else(|| config.span_of(policy.index, &[])),
                ));
            }
        }
    }
    diagnostics
}

fn join(parent: &str, key: &str) -> String {
    if parent.is_empty() {
        key.to_owned()
    } else {
        format!("{parent}.{key}")
    }
}

/// Property names the schema declares at a path (top level or nested objects).
fn known_properties(schema: &serde_json::Value, path: &[String]) -> Vec<String> {
    let mut node = schema;
    for key in path {
        match node
            .get("properties")
            .and_then(|properties| properties.get(key))
        {
            Some(next) => node = next,
            None => return Vec::new(),
        }
    }
    node.get("properties")
        .and_then(|properties| properties.as_object())
        .map(|properties| properties.keys().cloned().collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn names_the_unknown_key_its_policy_and_line() {
        let text = "[[policy]]\nid = \"cov\"\nplugin = \"builtin:coverage\"\n[policy.config]\nmin-lnes = 80\n";
        let config =
            crate::parse("verdict.toml", text.into(), Path::new(""), &["coverage"]).unwrap();
        let schema = serde_json::json!({
            "type": "object",
            "additionalProperties": false,
            "properties": { "min-lines": { "type": "number" } }
        });
        let diagnostics = validate_policy_config(&config, &config.policies[0], &schema);
        let error = config.error(diagnostics);
        assert_eq!(
            error.to_string(),
            "verdict.toml:5:1: policy `cov`: unknown configuration key `min-lnes`"
        );
        assert!(error.render().contains("hint: known keys: min-lines"));
    }

    #[test]
    fn schemas_out_of_bounds_are_refused_naming_the_policy_and_plugin() {
        let text = "[[policy]]\nid = \"cov\"\nplugin = \"builtin:coverage\"\n";
        let config =
            crate::parse("verdict.toml", text.into(), Path::new(""), &["coverage"]).unwrap();
        // Issue 7: a 50,000-long `$ref` chain overflowed the validator's stack.
        let mut defs = serde_json::Map::new();
        for index in 0..50_000 {
            defs.insert(
                format!("d{index}"),
                serde_json::json!({ "$ref": format!("#/$defs/d{}", index + 1) }),
            );
        }
        defs.insert("d50000".into(), serde_json::json!({ "type": "object" }));
        let schema = serde_json::json!({ "$ref": "#/$defs/d0", "$defs": defs });
        let diagnostics = validate_policy_config(&config, &config.policies[0], &schema);
        let error = config.error(diagnostics).to_string();
        assert!(
            error.starts_with(
                "verdict.toml:3:1: policy `cov`: plugin `builtin:coverage` declares a configuration schema out of bounds: "
            ),
            "{error}"
        );
    }

    #[test]
    fn wrong_types_point_at_the_key() {
        let text = "[[policy]]\nid = \"cov\"\nplugin = \"builtin:coverage\"\nconfig = { min-lines = \"eighty\" }\n";
        let config =
            crate::parse("verdict.toml", text.into(), Path::new(""), &["coverage"]).unwrap();
        let schema =
            serde_json::json!({"type": "object", "properties": {"min-lines": {"type": "number"}}});
        let error = config.error(validate_policy_config(
            &config,
            &config.policies[0],
            &schema,
        ));
        let text = error.to_string();
        assert!(
            text.starts_with("verdict.toml:4:12: policy `cov`: `min-lines`: "),
            "{text}"
        );
    }
}
