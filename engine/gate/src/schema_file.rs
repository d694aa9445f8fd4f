//! `verdict.schema.json`: the JSON Schema of `verdict.toml`, for editors.

/// The schema, generated from [`Config`](crate::Config); a test keeps the
/// committed `verdict.schema.json` in step.
pub fn config_schema_json() -> String {
    let schema = schemars::schema_for!(crate::Config);
    let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    #[test]
    fn verdict_schema_json_is_current() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../verdict.schema.json");
        let expected = super::config_schema_json();
        if std::env::var_os("VERDICT_BLESS").is_some() {
            fs_err::write(path, &expected).unwrap();
        }
        let actual = fs_err::read_to_string(path).unwrap_or_default();
        assert!(
            actual == expected,
            "verdict.schema.json is stale: run `VERDICT_BLESS=1 cargo test -p verdict-gate --lib schema_file`"
        );
    }
}
