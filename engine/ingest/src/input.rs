//! Inputs: expanding paths, reading files, choosing formats, parsing in parallel.

use crate::error::{FormatError, IngestError};
use crate::formats::{self, Format, Output};
use crate::sniff::Sniff;
use rayon::prelude::*;
use std::borrow::Cow;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::Instant;
use verdict_evidence::{Evidence, SkippedFile, Source, fingerprint};
use walk::{FileKind, inode_of_metadata, kind_of, walk};

mod walk;

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
    /// `FORMAT:` reading. `-` (or `FORMAT:-`) is standard input.
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

/// Settings that some formats need, and limits on what is read.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// A RustSec advisory database directory, for `cargo-lock` inputs.
    pub advisory_db: Option<PathBuf>,
    /// The largest file read, in bytes; a larger file is refused with an
    /// error naming it, its size and the limit. `None` means
    /// [`Options::DEFAULT_MAX_FILE_BYTES`]. Pipes and standard input are
    /// read up to the limit and refused past it.
    pub max_file_bytes: Option<u64>,
}

impl Options {
    /// The default [`Options::max_file_bytes`]: 2 GiB, well above any real
    /// scanner report and below what would exhaust a CI runner's memory.
    pub const DEFAULT_MAX_FILE_BYTES: u64 = 2 << 30;

    /// The file size limit in effect.
    pub fn file_limit(&self) -> u64 {
        self.max_file_bytes
            .unwrap_or(Options::DEFAULT_MAX_FILE_BYTES)
    }
}

/// One file to parse, after directories were expanded.
struct Job {
    /// The path shown in sources and messages.
    path: PathBuf,
    format: Option<&'static Format>,
    /// Found by walking a directory: skipped (and recorded) when nothing
    /// recognizes it.
    walked: bool,
    /// How to get the bytes.
    content: Content,
}

/// Where a job's bytes come from. Every file is read through one handle,
/// opened once and checked with `fstat`, so it cannot be swapped between
/// the check and the read.
enum Content {
    /// Already read (standard input).
    Bytes(Vec<u8>),
    /// A pipe named explicitly, opened while expanding (opening it again
    /// would wait for another writer).
    Open(fs_err::File),
    /// A regular file, with its inode when it was found (from the directory
    /// listing, or the `fstat` of an explicit input): the file opened to
    /// read it must be the same one. Handles are not kept open between
    /// expanding and reading, so thousands of inputs need no more than a
    /// few descriptors.
    File { inode: Option<u64> },
    /// A symlink's canonical target inside the input directory, with the
    /// target's inode when it was resolved.
    Linked { target: PathBuf, inode: Option<u64> },
}

/// One thing an input expanded to.
enum Entry {
    Job(Job),
    Skipped(SkippedFile),
}

/// What one entry ended as.
enum Outcome {
    Ingested(Box<Evidence>),
    Skipped(SkippedFile),
}

/// Why a file was skipped when no format recognizes it.
const UNRECOGNIZED: &str = "not a recognized report format";

/// Ingests every input and returns the merged evidence.
///
/// Every file under an input directory is accounted for: it is ingested, or
/// recorded in [`Evidence::skipped`] with the reason (no format recognizes
/// it and its name claims none; a symlink that leaves the directory or
/// cannot be resolved; a named pipe, which could block). Hidden files are
/// read like any other. An empty file, a file whose name claims a format it
/// does not parse as, a device or socket, a file over
/// [`Options::max_file_bytes`] and a directory that yields no report are
/// errors naming the file. A file named explicitly that no format
/// recognizes is an error; `-` reads standard input. Directories are walked
/// in file-name order, files are parsed in parallel and merged in input
/// order; the first error, in input order, is returned, never partial
/// evidence.
pub fn ingest(inputs: &[Input], options: &Options) -> Result<Evidence, IngestError> {
    let mut entries = Vec::new();
    let mut directories = Vec::new();
    for input in inputs {
        let (expanded, directory) = expand(input, options)?;
        entries.push(expanded);
        directories.push(directory);
    }
    let results: Vec<Vec<Result<Outcome, IngestError>>> = entries
        .par_iter()
        .map(|input_entries| {
            input_entries
                .par_iter()
                .map(|entry| match entry {
                    Entry::Job(job) => parse_job(job, options),
                    Entry::Skipped(skipped) => Ok(Outcome::Skipped(skipped.clone())),
                })
                .collect()
        })
        .collect();
    let mut evidence = Evidence::default();
    for ((input, outcomes), directory) in inputs.iter().zip(results).zip(directories) {
        let mut ingested = 0usize;
        let mut skipped = Vec::new();
        for outcome in outcomes {
            match outcome? {
                Outcome::Ingested(one) => {
                    ingested += 1;
                    evidence.append(*one);
                }
                Outcome::Skipped(file) => skipped.push(file),
            }
        }
        if ingested == 0 && directory {
            return Err(IngestError::NoReports {
                path: input.path.clone(),
                skipped: skip_summary(&skipped),
            });
        }
        evidence.skipped.extend(skipped);
    }
    Ok(evidence)
}

/// `2 files skipped: 1 not a recognized report format, 1 named pipe…`.
fn skip_summary(skipped: &[SkippedFile]) -> String {
    if skipped.is_empty() {
        return "it holds no files".to_owned();
    }
    let mut reasons: Vec<(&str, usize)> = Vec::new();
    for file in skipped {
        // Reasons that name another file are counted by their first words.
        let reason = file.reason.split(" `").next().unwrap_or(&file.reason);
        match reasons.iter_mut().find(|(known, _)| *known == reason) {
            Some((_, count)) => *count += 1,
            None => reasons.push((reason, 1)),
        }
    }
    let reasons: Vec<String> = reasons
        .iter()
        .map(|(reason, count)| format!("{count} {reason}"))
        .collect();
    format!(
        "{} {} skipped: {}",
        skipped.len(),
        if skipped.len() == 1 { "file" } else { "files" },
        reasons.join(", ")
    )
}

/// Ingests one file with a known or detected format.
pub fn ingest_file(
    path: &Path,
    format: Option<&'static Format>,
    options: &Options,
) -> Result<Evidence, IngestError> {
    let input = Input {
        path: path.to_path_buf(),
        format,
    };
    ingest(&[input], options)
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

fn is_stdin(path: &Path) -> bool {
    path.as_os_str() == "-"
}

/// What one input is made of: itself, or the files under it; and whether it
/// is a directory.
fn expand(input: &Input, options: &Options) -> Result<(Vec<Entry>, bool), IngestError> {
    let job = |content| {
        Entry::Job(Job {
            path: input.path.clone(),
            format: input.format,
            walked: false,
            content,
        })
    };
    if is_stdin(&input.path) {
        let bytes = read_limited(std::io::stdin().lock(), &input.path, options, 0)?;
        return Ok((vec![job(Content::Bytes(bytes))], false));
    }
    // An explicit path is opened as given, following symlinks; the handle's
    // own metadata decides what it is.
    let file = fs_err::File::open(&input.path)?;
    let metadata = file.metadata()?;
    match kind_of(metadata.file_type()) {
        FileKind::Directory => Ok((walk(input)?, true)),
        FileKind::Regular => Ok((
            vec![job(Content::File {
                inode: inode_of_metadata(&metadata),
            })],
            false,
        )),
        FileKind::Pipe => Ok((vec![job(Content::Open(file))], false)),
        FileKind::Special(kind) | FileKind::Symlink(kind) => Err(IngestError::NotAFile {
            path: input.path.clone(),
            kind,
        }),
    }
}

/// Where a job's bytes come from: standard input, already read, or the one
/// handle its file is read through.
enum Handle<'a> {
    Bytes(&'a [u8]),
    File(&'a fs_err::File),
}

/// The job's handle; a file is opened here, once, into `opened`.
fn handle<'a>(
    job: &'a Job,
    opened: &'a mut Option<fs_err::File>,
) -> Result<Handle<'a>, IngestError> {
    Ok(match &job.content {
        Content::Bytes(bytes) => Handle::Bytes(bytes),
        Content::Open(file) => Handle::File(file),
        Content::File { .. } | Content::Linked { .. } => {
            Handle::File(opened.insert(open_job(job)?))
        }
    })
}

/// Reads a job's bytes through its handle: `fstat`, read.
fn read_job<'a>(
    job: &Job,
    handle: Handle<'a>,
    options: &Options,
) -> Result<Cow<'a, [u8]>, IngestError> {
    let file = match handle {
        Handle::Bytes(bytes) => return Ok(Cow::Borrowed(bytes)),
        Handle::File(file) => file,
    };
    let metadata = checked_metadata(job, file, options)?;
    #[cfg(unix)]
    if metadata.is_file() && metadata.len() >= PARALLEL_READ_MIN {
        return read_in_stretches(file.file(), metadata.len(), &job.path).map(Cow::Owned);
    }
    read_limited(file, &job.path, options, metadata.len()).map(Cow::Owned)
}

/// Opens a job's file (not standard input or a pipe already open).
fn open_job(job: &Job) -> Result<fs_err::File, IngestError> {
    let path = match &job.content {
        Content::Linked { target, .. } => target,
        _ => &job.path,
    };
    Ok(fs_err::File::open(path)?)
}

/// The `fstat` of a job's open handle, checked: the file found, still of
/// its type, within the size limit.
fn checked_metadata(
    job: &Job,
    file: &fs_err::File,
    options: &Options,
) -> Result<std::fs::Metadata, IngestError> {
    let metadata = file.metadata()?;
    // A named pipe is read through the handle that found it; anything else
    // was a regular file when found, so another type means it was swapped.
    match (kind_of(metadata.file_type()), &job.content) {
        (FileKind::Regular, _) | (FileKind::Pipe, Content::Open(_)) => {}
        _ => {
            return Err(IngestError::Changed {
                path: job.path.clone(),
            });
        }
    }
    if let Content::File { inode: Some(inode) }
    | Content::Linked {
        inode: Some(inode), ..
    } = job.content
        && inode_of_metadata(&metadata) != Some(inode)
    {
        return Err(IngestError::Changed {
            path: job.path.clone(),
        });
    }
    let limit = options.file_limit();
    if metadata.is_file() && metadata.len() > limit {
        return Err(IngestError::TooLarge {
            path: job.path.clone(),
            size: metadata.len(),
            limit,
        });
    }
    Ok(metadata)
}

/// SARIF logs at least this large stream (`sarif/stream.rs`) when their
/// format is known before reading: forced, or claimed by the file's name.
const STREAM_MIN: u64 = 32 << 20;

/// Parses a large SARIF log as it is read through `file`; `None` when the
/// job is not one, or its shape does not stream (then it is read whole
/// through the same handle, rewound).
fn stream_job(
    job: &Job,
    file: &fs_err::File,
    options: &Options,
) -> Result<Option<Outcome>, IngestError> {
    let Some(sarif) = formats::find("sarif") else {
        return Ok(None);
    };
    let claimed = || {
        job.path
            .file_name()
            .and_then(|name| name.to_str())
            .and_then(formats::claimed_by)
    };
    let format = match job.format {
        Some(format) => format,
        None => match claimed() {
            Some(format) => format,
            None => return Ok(None),
        },
    };
    if !std::ptr::eq(format, sarif)
        || !matches!(job.content, Content::File { .. } | Content::Linked { .. })
    {
        return Ok(None);
    }
    let metadata = checked_metadata(job, file, options)?;
    let size = metadata.len();
    if !metadata.is_file() || size < STREAM_MIN {
        return Ok(None);
    }
    // One byte more than its size: a file that grew is seen to.
    let mut reader = file.take(size + 1);
    let streamed = formats::sarif_stream(&mut reader, size).map_err(|error| {
        std::io::Error::new(
            error.kind(),
            format!("failed to read `{}`: {error}", job.path.display()),
        )
    })?;
    let Some((output, sha256, read)) = streamed else {
        // Read whole instead, from the start, through the same handle.
        use std::io::Seek as _;
        file.file().rewind().map_err(|error| {
            std::io::Error::new(
                error.kind(),
                format!("failed to read `{}`: {error}", job.path.display()),
            )
        })?;
        return Ok(None);
    };
    if read != size {
        return Err(IngestError::Changed {
            path: job.path.clone(),
        });
    }
    Ok(Some(ingested(job, format, output, sha256)))
}

/// Regular files at least this large are read in stretches on all cores.
const PARALLEL_READ_MIN: u64 = 32 << 20;

/// Reads a regular file of `len` bytes (its size when opened, already within
/// the limit) in stretches on all cores: on a large SARIF log, faulting in
/// and copying the buffer is a single core's work for a third of a second.
/// A file that shrank or grew meanwhile changed while it was being read.
#[cfg(unix)]
fn read_in_stretches(file: &std::fs::File, len: u64, path: &Path) -> Result<Vec<u8>, IngestError> {
    use std::os::unix::fs::FileExt;
    let changed = || IngestError::Changed {
        path: path.to_path_buf(),
    };
    let failed = |error: std::io::Error| {
        IngestError::from(std::io::Error::new(
            error.kind(),
            format!("failed to read `{}`: {error}", path.display()),
        ))
    };
    let len = usize::try_from(len).map_err(|_| changed())?;
    // Zeroed memory straight from the OS: no pass over it before the reads.
    let mut bytes = vec![0u8; len];
    let stretch = len.div_ceil(rayon::current_num_threads().max(1));
    bytes
        .par_chunks_mut(stretch.max(1))
        .enumerate()
        .try_for_each(|(index, chunk)| file.read_exact_at(chunk, (index * stretch) as u64))
        .map_err(|error| match error.kind() {
            std::io::ErrorKind::UnexpectedEof => changed(),
            _ => failed(error),
        })?;
    if file.read_at(&mut [0u8], len as u64).map_err(failed)? != 0 {
        return Err(changed());
    }
    Ok(bytes)
}

/// Reads to the end, refusing more than the size limit.
fn read_limited(
    reader: impl Read,
    path: &Path,
    options: &Options,
    expected: u64,
) -> Result<Vec<u8>, IngestError> {
    let limit = options.file_limit();
    let mut bytes = Vec::with_capacity(expected.min(limit) as usize);
    reader
        .take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|error| {
            std::io::Error::new(
                error.kind(),
                format!("failed to read `{}`: {error}", path.display()),
            )
        })?;
    if bytes.len() as u64 > limit {
        return Err(IngestError::TooLarge {
            path: path.to_path_buf(),
            size: bytes.len() as u64,
            limit,
        });
    }
    Ok(bytes)
}

fn parse_job(job: &Job, options: &Options) -> Result<Outcome, IngestError> {
    let started = Instant::now();
    let outcome = read_and_parse(job, options)?;
    if let Outcome::Ingested(evidence) = &outcome
        && let Some(source) = evidence.sources.first()
    {
        tracing::info!(
            path = %job.path.display(),
            format = source.format,
            records = source.records,
            ms = started.elapsed().as_millis() as u64,
            "read an input"
        );
    }
    Ok(outcome)
}

/// [`parse_job`]'s work: streamed when the file is a large SARIF log, else
/// read whole, hashed on one core while the other parses.
fn read_and_parse(job: &Job, options: &Options) -> Result<Outcome, IngestError> {
    let mut opened = None;
    let handle = handle(job, &mut opened)?;
    if let Handle::File(file) = handle
        && let Some(outcome) = stream_job(job, file, options)?
    {
        return Ok(outcome);
    }
    let bytes = read_job(job, handle, options)?;
    // The digest is only needed at the end: compute it on another core while
    // this one detects and parses (a large SARIF log spends as long hashing
    // as scanning).
    let (sha256, parsed) = rayon::join(
        || fingerprint::sha256_hex(&bytes),
        || parse_content(job, &bytes, options),
    );
    let (format, output) = match parsed? {
        Ok(parsed) => parsed,
        Err(skipped) => return Ok(Outcome::Skipped(skipped)),
    };
    Ok(ingested(job, format, output, sha256))
}

/// A parsed file's evidence, with its source.
fn ingested(job: &Job, format: &'static Format, output: Output, sha256: String) -> Outcome {
    let mut evidence = output.evidence;
    evidence.sources = vec![Source {
        path: job.path.display().to_string(),
        format: format.id.to_owned(),
        sha256,
        tool: output.tool,
        records: 0,
        kinds: output
            .kinds
            .unwrap_or_else(|| format.family.kinds().to_vec()),
    }];
    evidence.sources[0].records = evidence.record_count();
    Outcome::Ingested(Box::new(evidence))
}

/// Detects (or takes the forced) format and parses; `Err(skipped)` for a
/// walked file that nothing recognizes.
fn parse_content(
    job: &Job,
    bytes: &[u8],
    options: &Options,
) -> Result<Result<(&'static Format, Output), SkippedFile>, IngestError> {
    let invalid = |format: &'static Format, error: FormatError| IngestError::Invalid {
        path: job.path.clone(),
        format: format.id,
        error,
    };
    let content = strip_bom(bytes);
    if content.iter().all(u8::is_ascii_whitespace) {
        return Err(IngestError::Empty {
            path: job.path.clone(),
        });
    }
    let sniff = Sniff::new(&job.path, content);
    let format = match job.format {
        Some(format) => format,
        None => {
            // Encodings no parser reads are errors, not "unrecognized".
            if let Err(error) = check_encoding(bytes) {
                return Err(IngestError::Invalid {
                    path: job.path.clone(),
                    format: "input",
                    error,
                });
            }
            match formats::resolve(&sniff) {
                Some(format) => format,
                None if job.walked => {
                    return Ok(Err(SkippedFile {
                        path: job.path.display().to_string(),
                        reason: UNRECOGNIZED.to_owned(),
                    }));
                }
                None => {
                    return Err(IngestError::Unrecognized {
                        path: job.path.clone(),
                    });
                }
            }
        }
    };
    check_encoding(bytes).map_err(|error| invalid(format, error))?;
    let mut output = Output::default();
    let parse_input = formats::ParseInput {
        path: &job.path,
        bytes: content,
        options,
    };
    (format.parse)(&parse_input, &mut output).map_err(|error| invalid(format, error))?;
    Ok(Ok((format, output)))
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

    #[cfg(unix)]
    #[test]
    fn stretches_read_the_whole_file_and_a_changed_size_is_an_error() {
        use std::io::Write;
        // Not a multiple of the stretch or of a page.
        let content: Vec<u8> = (0..3_000_007u32).map(|i| (i % 251) as u8).collect();
        let mut file = tempfile::NamedTempFile::new().unwrap();
        file.write_all(&content).unwrap();
        let handle = fs_err::File::open(file.path()).unwrap();
        let handle = handle.file();
        let len = content.len() as u64;
        let read = read_in_stretches(handle, len, file.path()).unwrap();
        assert!(read == content, "the bytes read differ from the file's");
        // The file grew (or shrank) after its size was taken.
        for claimed in [len - 1, len + 1] {
            let error = read_in_stretches(handle, claimed, file.path()).unwrap_err();
            assert!(matches!(error, IngestError::Changed { .. }), "{error}");
            assert!(
                error
                    .to_string()
                    .contains("changed while it was being read")
            );
        }
    }
}
