//! Inputs: expanding paths, reading files, choosing formats, parsing in parallel.

use crate::error::{FormatError, IngestError};
use crate::formats::{self, Format, Output};
use crate::sniff::Sniff;
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use verdict_evidence::{Evidence, Source, fingerprint};

/// One path the user gave, with the format they forced, if any.
#[derive(Debug, Clone)]
pub struct Input {
    /// A file or a directory.
    pub path: PathBuf,
    /// The forced format; `None` detects it from content.
    pub format: Option<&'static Format>,
}

impl Input {
    /// An input whose format is detected from content.
    pub fn detect(path: impl Into<PathBuf>) -> Input {
        Input {
            path: path.into(),
            format: None,
        }
    }

    /// Parses a command-line input: `PATH`, or `FORMAT:PATH` to force the
    /// format of that one input. A path that exists as given wins over the
    /// `FORMAT:` reading.
    pub fn parse(arg: &str) -> Result<Input, IngestError> {
        if let Some((id, path)) = arg.split_once(':')
            && !Path::new(arg).exists()
            && let Some(format) = formats::find(id)
        {
            return Ok(Input {
                path: PathBuf::from(path),
                format: Some(format),
            });
        }
        Ok(Input::detect(arg))
    }
}

/// Settings that some formats need.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// A RustSec advisory database directory, for `cargo-lock` inputs.
    pub advisory_db: Option<PathBuf>,
}

/// One file to parse, after directories were expanded.
struct Job {
    path: PathBuf,
    format: Option<&'static Format>,
    /// Found by walking a directory: skip it when unrecognized.
    walked: bool,
}

/// Ingests every input and returns the merged evidence.
///
/// Directories are walked recursively in file-name order; in a directory,
/// files no format recognizes are skipped with a log note, while a file named
/// explicitly that no format recognizes is an error. Files are parsed in
/// parallel and merged in input order. The first error, in input order, is
/// returned; no partial evidence is.
pub fn ingest(inputs: &[Input], options: &Options) -> Result<Evidence, IngestError> {
    let jobs = expand(inputs)?;
    let results: Vec<Result<Option<Evidence>, IngestError>> =
        jobs.par_iter().map(|job| parse_job(job, options)).collect();
    let mut evidence = Evidence::default();
    for result in results {
        if let Some(one) = result? {
            evidence.append(one);
        }
    }
    Ok(evidence)
}

/// Ingests one file with a known or detected format.
pub fn ingest_file(
    path: &Path,
    format: Option<&'static Format>,
    options: &Options,
) -> Result<Evidence, IngestError> {
    let job = Job {
        path: path.to_path_buf(),
        format,
        walked: false,
    };
    parse_job(&job, options).map(Option::unwrap_or_default)
}

/// Parses bytes already in memory with one format, as [`ingest`] does after
/// reading a file (BOM removed, encoding checked), without the `sources`
/// record. For fuzzing and benchmarks.
pub fn parse_bytes(
    format: &Format,
    path: &Path,
    bytes: &[u8],
    options: &Options,
) -> Result<Output, FormatError> {
    check_encoding(bytes)?;
    let mut output = Output::default();
    let input = formats::ParseInput {
        path,
        bytes: strip_bom(bytes),
        options,
    };
    (format.parse)(&input, &mut output)?;
    Ok(output)
}

fn expand(inputs: &[Input]) -> Result<Vec<Job>, IngestError> {
    let mut jobs = Vec::new();
    for input in inputs {
        let metadata = fs_err::metadata(&input.path)?;
        if !metadata.is_dir() {
            jobs.push(Job {
                path: input.path.clone(),
                format: input.format,
                walked: false,
            });
            continue;
        }
        let walker = walkdir::WalkDir::new(&input.path)
            .follow_links(false)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|entry| entry.depth() == 0 || !is_hidden(entry.file_name()));
        for entry in walker {
            let entry = entry.map_err(|error| {
                let path = error
                    .path()
                    .map(Path::to_path_buf)
                    .unwrap_or_else(|| input.path.clone());
                std::io::Error::other(format!("failed to walk `{}`: {error}", path.display()))
            })?;
            if entry.file_type().is_file() {
                jobs.push(Job {
                    path: entry.into_path(),
                    format: input.format,
                    walked: true,
                });
            }
        }
    }
    Ok(jobs)
}

fn is_hidden(name: &std::ffi::OsStr) -> bool {
    name.to_str().is_some_and(|name| name.starts_with('.'))
}

fn parse_job(job: &Job, options: &Options) -> Result<Option<Evidence>, IngestError> {
    let bytes = fs_err::read(&job.path)?;
    // The digest is only needed at the end: compute it on another core while
    // this one detects and parses (a large SARIF log spends as long hashing
    // as scanning).
    let (sha256, parsed) = rayon::join(
        || fingerprint::sha256_hex(&bytes),
        || parse_content(job, &bytes, options),
    );
    let Some((format, output)) = parsed? else {
        return Ok(None);
    };
    let mut evidence = output.evidence;
    evidence.sources = vec![Source {
        path: job.path.display().to_string(),
        format: format.id.to_owned(),
        sha256,
        tool: output.tool,
        records: 0,
    }];
    evidence.sources[0].records = evidence.record_count();
    Ok(Some(evidence))
}

/// Detects (or takes the forced) format and parses; `None` for a walked
/// file no format recognizes.
fn parse_content(
    job: &Job,
    bytes: &[u8],
    options: &Options,
) -> Result<Option<(&'static Format, Output)>, IngestError> {
    let invalid = |format: &'static Format, error: FormatError| IngestError::Invalid {
        path: job.path.clone(),
        format: format.id,
        error,
    };
    let content = strip_bom(bytes);
    let sniff = Sniff::new(&job.path, content);
    let format = match job.format {
        Some(format) => format,
        None => match formats::detect(&sniff) {
            Some(format) => format,
            None if job.walked => {
                tracing::info!(path = %job.path.display(), "skipped: no format recognizes this file");
                return Ok(None);
            }
            None => {
                return Err(IngestError::Unrecognized {
                    path: job.path.clone(),
                });
            }
        },
    };
    check_encoding(bytes).map_err(|error| invalid(format, error))?;
    let mut output = Output::default();
    let parse_input = formats::ParseInput {
        path: &job.path,
        bytes: content,
        options,
    };
    (format.parse)(&parse_input, &mut output).map_err(|error| invalid(format, error))?;
    Ok(Some((format, output)))
}

fn strip_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)
}

/// Rejects encodings no scanner writes and no parser here reads.
fn check_encoding(bytes: &[u8]) -> Result<(), FormatError> {
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        return Err(FormatError::new(
            "file is UTF-16 encoded: convert it to UTF-8",
        ));
    }
    if bytes.is_empty() {
        return Err(FormatError::new("file is empty"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_prefix_forces_a_format_for_one_input() {
        let input = Input::parse("sarif:results.json").unwrap();
        assert_eq!(input.format.map(|f| f.id), Some("sarif"));
        assert_eq!(input.path, PathBuf::from("results.json"));
        let plain = Input::parse("nosuchformat:results.json").unwrap();
        assert!(plain.format.is_none());
    }
}
