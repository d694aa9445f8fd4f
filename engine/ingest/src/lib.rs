//! Ingest: scanner outputs in, [`Evidence`] out.
//!
//! Each supported format is one file under `formats/` and one entry in the
//! [`FORMATS`] registry, which drives auto-detection order, `verdict formats`
//! and `docs/formats.md`. [`ingest`] expands directories, detects (or takes
//! the forced) format of every file, parses the files in parallel and merges
//! the per-file evidence in input order, so the result is deterministic.
//!
//! ```no_run
//! use verdict_ingest::{ingest, Input, Options};
//!
//! let inputs = [Input::detect("results.sarif")];
//! let evidence = ingest(&inputs, &Options::default())?;
//! println!("{} findings", evidence.findings.len());
//! # Ok::<(), verdict_ingest::IngestError>(())
//! ```

pub mod docs;
mod error;
pub mod formats;
mod input;
mod sniff;

pub use error::{FormatError, IngestError};
pub use formats::{FORMATS, Family, Format, Output, find as find_format};
pub use input::{Input, Options, ingest, ingest_file, parse_bytes};
pub use sniff::{Shape, Sniff};
pub use verdict_evidence::Evidence;
