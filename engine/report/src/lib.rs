//! Reports: one renderer per output format, each reading only the verdict
//! document ([`verdict_gate::document::Verdict`]), so any report can be
//! re-rendered from a stored JSON verdict.
//!
//! Much of the document's text comes from whoever controls a pull request
//! (paths, messages, rule ids, branch names) or from plugins. Every renderer
//! prints such text through [`text`], which keeps it on one line, escapes
//! control, bidi and invisible characters, and so cannot forge verdict's own
//! lines; JSON renderers use [`text::json`], which escapes the same
//! characters faithfully.
//!
//! ```
//! use verdict_report::{OutputFormat, render};
//! # let verdict: verdict_gate::document::Verdict = serde_json::from_str(
//! #   r#"{"format":"verdict/v1","verdict_version":"0.1.0","decision":"pass",
//! #       "context":{"now":"2026-01-01T00:00:00Z","now_unix":1767225600},
//! #       "summary":{"policies":0,"passed":0,"warned":0,"failed":0,"errored":0,"skipped":0,"violations":0},
//! #       "inputs":[],"policies":[]}"#).unwrap();
//! let text = render(OutputFormat::Console, &verdict);
//! assert!(text.starts_with("verdict: PASS"));
//! ```

mod render;
pub mod text;

use verdict_gate::document::Verdict;

/// The output formats of `verdict check --format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputFormat {
    /// A short human summary.
    Console,
    /// The verdict document as JSON.
    Json,
}

impl OutputFormat {
    /// Every format with its id, for `--format` parsing and help.
    pub const ALL: [(&'static str, OutputFormat); 2] = [
        ("console", OutputFormat::Console),
        ("json", OutputFormat::Json),
    ];
}

/// Renders the verdict in a format. The text ends with a newline.
pub fn render(format: OutputFormat, verdict: &Verdict) -> String {
    match format {
        OutputFormat::Console => render::console::render(verdict),
        OutputFormat::Json => render::json::render(verdict),
    }
}
