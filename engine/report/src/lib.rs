//! Reports: one renderer per output format, each reading only the verdict
//! document ([`verdict_gate::document::Verdict`]), so any report can be
//! re-rendered from a stored JSON verdict.
//!
//! Much of the document's text comes from whoever controls a pull request
//! (paths, messages, rule ids, branch names) or from plugins. Every renderer
//! prints such text through [`text`], which keeps it on one line, escapes
//! control, bidi and invisible characters, and so cannot forge verdict's own
//! lines; JSON renderers use [`text::json`], which escapes the same
//! characters faithfully; each other format adds its own escaping on top
//! (XML for JUnit, Markdown and HTML entities, workflow-command escapes).
//! `docs/reports.md` describes each format.
//!
//! ```
//! use verdict_report::{OutputFormat, render};
//! # let verdict: verdict_gate::document::Verdict = serde_json::from_str(
//! #   r#"{"format":"verdict/v1","verdict_version":"0.1.0","decision":"pass",
//! #       "context":{"now":"2026-01-01T00:00:00Z","now_unix":1767225600},
//! #       "summary":{"policies":0,"passed":0,"warned":0,"failed":0,"errored":0,"skipped":0,"violations":0},
//! #       "inputs":[],"policies":[]}"#).unwrap();
//! let format: OutputFormat = "console".parse().unwrap();
//! let text = render(format, &verdict);
//! assert!(text.starts_with("verdict: PASS"));
//! ```

pub mod audit;
mod render;
pub mod svg;
pub mod text;

pub use render::{OutputFormat, RenderOptions, render_to};
use verdict_gate::document::Verdict;

/// Renders the verdict in a format, without colour. The text ends with a
/// newline.
pub fn render(format: OutputFormat, verdict: &Verdict) -> String {
    render_with(format, verdict, &RenderOptions::default())
}

/// Renders the verdict in a format with options. The text ends with a
/// newline.
pub fn render_with(format: OutputFormat, verdict: &Verdict, options: &RenderOptions) -> String {
    let mut bytes = Vec::new();
    // Writing into a Vec cannot fail.
    let _ = render_to(format, verdict, options, &mut bytes);
    // Every renderer writes UTF-8 (strings of the document, escapes, ASCII).
    String::from_utf8_lossy(&bytes).into_owned()
}
