//! Configuration diagnostics: every problem at once, each with its snippet.

use codespan_reporting::diagnostic::{Diagnostic as Rendered, Label};
use codespan_reporting::files::SimpleFile;
use codespan_reporting::term;
use std::fmt;
use std::ops::Range;

/// One problem in a configuration file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// What is wrong, lowercase, user values in backticks.
    pub message: String,
    /// Byte range in the file, when known.
    pub span: Option<Range<usize>>,
    /// How to fix it, when there is something to say.
    pub hint: Option<String>,
}

impl Diagnostic {
    /// A diagnostic at a span.
    pub fn new(message: impl Into<String>, span: Option<Range<usize>>) -> Diagnostic {
        Diagnostic {
            message: message.into(),
            span,
            hint: None,
        }
    }

    /// The same diagnostic with a hint.
    pub fn with_hint(mut self, hint: impl Into<String>) -> Diagnostic {
        self.hint = Some(hint.into());
        self
    }
}

/// Every problem found in one configuration file.
#[derive(Debug, Clone, thiserror::Error)]
pub struct ConfigError {
    /// The file's path as given.
    pub path: String,
    /// The file's text, for snippets.
    pub text: String,
    /// The problems, in file order.
    pub diagnostics: Vec<Diagnostic>,
    /// Problems in other files the gate file names (waivers, attestations),
    /// reported at the same time.
    pub also: Vec<ConfigError>,
}

impl ConfigError {
    /// Renders every diagnostic with its snippet, line and column, the way
    /// rustc and cargo-deny do. No colour: the CLI decides about colour.
    pub fn render(&self) -> String {
        let file = SimpleFile::new(self.path.as_str(), self.text.as_str());
        let config = term::Config::default();
        let mut out = String::new();
        for diagnostic in &self.diagnostics {
            let mut rendered = Rendered::error().with_message(&diagnostic.message);
            if let Some(span) = &diagnostic.span {
                rendered = rendered.with_labels(vec![Label::primary((), span.clone())]);
            }
            if let Some(hint) = &diagnostic.hint {
                rendered = rendered.with_notes(vec![format!("hint: {hint}")]);
            }
            match term::emit_into_string(&config, &file, &rendered) {
                Ok(text) => out.push_str(&text),
                Err(_) => out.push_str(&format!("error: {}\n", diagnostic.message)),
            }
        }
        for other in &self.also {
            out.push_str(&other.render());
        }
        out
    }

    /// 1-based line and column of a diagnostic's span start.
    pub fn line_column(&self, diagnostic: &Diagnostic) -> Option<(usize, usize)> {
        let start = diagnostic.span.as_ref()?.start.min(self.text.len());
        let before = &self.text[..start];
        let line = before.matches('\n').count() + 1;
        let column = before
            .rfind('\n')
            .map_or(start, |newline| start - newline - 1)
            + 1;
        Some((line, column))
    }
}

impl fmt::Display for ConfigError {
    /// One line per diagnostic: `path:line:column: message`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (index, diagnostic) in self.diagnostics.iter().enumerate() {
            if index > 0 {
                f.write_str("; ")?;
            }
            match self.line_column(diagnostic) {
                Some((line, column)) => {
                    write!(f, "{}:{line}:{column}: {}", self.path, diagnostic.message)?
                }
                None => write!(f, "{}: {}", self.path, diagnostic.message)?,
            }
        }
        for other in &self.also {
            if !self.diagnostics.is_empty() {
                f.write_str("; ")?;
            }
            write!(f, "{other}")?;
        }
        Ok(())
    }
}
