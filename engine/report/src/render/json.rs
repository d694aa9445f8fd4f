//! The verdict document as pretty JSON, it parses back to exactly the
//! verdict, and is safe to print: hidden characters are `\u` escapes (see [`crate::text::json`]).

use verdict_gate::document::Verdict;

pub(crate) fn render(verdict: &Verdict) -> String {
    // Serializing plain data structs into a String cannot fail: no maps with
    // non-string keys, no custom serializers that error.
    let mut text = crate::text::json::to_string_pretty(verdict).unwrap_or_else(|error| {
        serde_json::json!({ "format": verdict.format, "error": error.to_string() }).to_string()
    });
    text.push('\n');
    text
}
