//! Large SARIF logs parsed as they are read: the file passes through a
//! window of a few MiB, each byte is read, hashed and parsed once, and the
//! results of one window are converted (on all cores) while the next is read
//! and split. The log is never whole in memory: at a million results that
//! is half the gate's peak, and on a VM the time to fault that memory in
//! is as long as the parse of it.
//!
//! Only the common shape streams: a run's `tool`, `artifacts` and
//! `taxonomies` before its `results`, and results that are all findings (a
//! code scanner's log). Anything else, and any error, is
//! `None`: the caller then reads the file whole and parses it
//! with [`super::parse`], which gives the error with its line and column.
//! Everything that is not a results array goes through the same functions
//! as the whole-file parse (`run_spans`, `run_context`, `top_level`, …), on
//! a small document rebuilt from the members read; tests hold the two paths
//! to the same output on every SARIF file of the fixtures and the corpus.

use super::scan::{self, Span};
use super::{
    Layout, PARALLEL_MIN_RESULTS, RunSink, convert_findings, finish, only_findings, parse_run,
    run_context, run_invocations, run_spans, top_level,
};
use crate::formats::Output;
use sha2::{Digest, Sha256};
use std::collections::BTreeSet;
use std::io::{self, Read};
use verdict_evidence::Kind;

/// Bytes read at a time.
pub(crate) const WINDOW: usize = 8 << 20;

/// A streamed log, parsed.
pub(crate) struct Parsed {
    pub output: Output,
    /// Of every byte read.
    pub sha256: String,
    /// How many bytes were read.
    pub read: u64,
}

/// Parses the SARIF log `reader` yields, reading `window` bytes at a time;
/// `None` when it is not of the shape streamed, or not valid: then parse the
/// file whole. `size` (the file's size) sizes the findings vector.
pub(crate) fn parse(
    reader: &mut (dyn Read + Send),
    size: u64,
    window: usize,
) -> io::Result<Option<Parsed>> {
    let mut stream = Stream {
        reader,
        hasher: Sha256::new(),
        read: 0,
        buf: Vec::new(),
        pos: 0,
        eof: false,
        window: window.max(1),
    };
    let mut output = Output::default();
    if log(&mut stream, &mut output, size)?.is_none() {
        return Ok(None);
    }
    Ok(Some(Parsed {
        output,
        sha256: verdict_evidence::fingerprint::to_hex(&stream.hasher.finalize()),
        read: stream.read,
    }))
}

/// The file read so far that is not yet consumed, and how to read more.
struct Stream<'r> {
    reader: &'r mut (dyn Read + Send),
    hasher: Sha256,
    /// Bytes read so far.
    read: u64,
    buf: Vec<u8>,
    /// The first byte of `buf` not consumed.
    pos: usize,
    eof: bool,
    window: usize,
}

/// Appends up to `want` bytes of `reader` to `buf` (fewer only at its end),
/// hashing them.
fn read_more(
    reader: &mut (dyn Read + Send),
    hasher: &mut Sha256,
    read: &mut u64,
    eof: &mut bool,
    want: usize,
    buf: &mut Vec<u8>,
) -> io::Result<()> {
    let start = buf.len();
    let got = reader.take(want as u64).read_to_end(buf)?;
    hasher.update(&buf[start..]);
    *read += got as u64;
    *eof = got < want;
    Ok(())
}

impl Stream<'_> {
    /// Drops what was consumed and reads more (at least as much as is kept,
    /// so that a value longer than the window is rescanned only a few
    /// times); false at the end of the file.
    fn more(&mut self) -> io::Result<bool> {
        if self.eof {
            return Ok(false);
        }
        self.buf.drain(..self.pos);
        self.pos = 0;
        let want = self.window.max(self.buf.len());
        let Stream {
            reader,
            hasher,
            read,
            eof,
            buf,
            ..
        } = self;
        read_more(&mut **reader, hasher, read, eof, want, buf)?;
        Ok(true)
    }

    /// The next byte that is not whitespace, not consumed; `None` at the end.
    fn peek(&mut self) -> io::Result<Option<u8>> {
        loop {
            self.pos = scan::skip_whitespace(&self.buf, self.pos);
            if let Some(&byte) = self.buf.get(self.pos) {
                return Ok(Some(byte));
            }
            if !self.more()? {
                return Ok(None);
            }
        }
    }

    /// Consumes `byte` if it is next.
    fn eat(&mut self, byte: u8) -> io::Result<bool> {
        let next = self.peek()? == Some(byte);
        if next {
            self.pos += 1;
        }
        Ok(next)
    }

    /// The whole value that is next, consumed; `None` if it is not valid.
    /// A value ending where the bytes read end is complete only at the end
    /// of the file (`12` may be the start of `123`).
    fn value(&mut self) -> io::Result<Option<Vec<u8>>> {
        if self.peek()?.is_none() {
            return Ok(None);
        }
        loop {
            match scan::value(&self.buf, self.pos) {
                Ok(span) if span.end < self.buf.len() || self.eof => {
                    self.pos = span.end;
                    return Ok(Some(span.of(&self.buf).to_vec()));
                }
                _ if self.more()? => {}
                _ => return Ok(None),
            }
        }
    }

    /// The key that is next (its bytes between the quotes) and its `:`.
    fn key(&mut self) -> io::Result<Option<Vec<u8>>> {
        if self.peek()? != Some(b'"') {
            return Ok(None);
        }
        let Some(quoted) = self.value()? else {
            return Ok(None);
        };
        if !self.eat(b':')? {
            return Ok(None);
        }
        Ok(Some(quoted[1..quoted.len() - 1].to_vec()))
    }

    /// After a member or element: `,` (true) or `close` (false).
    fn separator(&mut self, close: u8) -> io::Result<Option<bool>> {
        Ok(match self.peek()? {
            Some(b',') => {
                self.pos += 1;
                Some(true)
            }
            Some(byte) if byte == close => {
                self.pos += 1;
                Some(false)
            }
            _ => None,
        })
    }

    /// Streams a results array whose `[` was just consumed: `convert` gets
    /// each window's complete elements while the next window is read and
    /// split on the other core. `None` if the array is not valid or
    /// `convert` fails.
    fn results(
        &mut self,
        convert: &mut (dyn FnMut(&[u8], &[Span]) -> bool + Send),
    ) -> io::Result<Option<()>> {
        let mut current = std::mem::take(&mut self.buf);
        let at = std::mem::take(&mut self.pos);
        let Some(mut split) = split(&current, at, Expect::FirstElement, self.eof) else {
            return Ok(None);
        };
        let mut next = Vec::new();
        loop {
            if let Some(end) = split.closed {
                if !convert(&current, &split.elements) {
                    return Ok(None);
                }
                self.buf = current;
                self.pos = end;
                return Ok(Some(()));
            }
            if self.eof {
                return Ok(None);
            }
            next.clear();
            next.extend_from_slice(&current[split.rest..]);
            let expect = split.expect;
            let want = self.window.max(next.len());
            let Stream {
                reader,
                hasher,
                read,
                eof,
                ..
            } = self;
            let elements = &split.elements;
            let (following, converted) = rayon::join(
                || -> io::Result<Option<Split>> {
                    read_more(&mut **reader, hasher, read, eof, want, &mut next)?;
                    Ok(self::split(&next, 0, expect, *eof))
                },
                || convert(&current, elements),
            );
            let Some(following) = following? else {
                return Ok(None);
            };
            if !converted {
                return Ok(None);
            }
            std::mem::swap(&mut current, &mut next);
            split = following;
        }
    }
}

/// What comes next in a results array.
#[derive(Clone, Copy)]
enum Expect {
    /// Just after `[`: an element or `]`.
    FirstElement,
    /// After `,`: an element.
    Element,
    /// After an element: `,` or `]`.
    Separator,
}

/// The complete elements of a results array in `bytes` from `at`.
struct Split {
    elements: Vec<Span>,
    /// Where the bytes not yet split start (with `expect` next there).
    rest: usize,
    expect: Expect,
    /// Past the array's `]`, when it was reached.
    closed: Option<usize>,
}

/// Splits the complete elements off `bytes` from `at`; `None` if the array
/// is not valid (or ends with the file).
fn split(bytes: &[u8], mut at: usize, mut expect: Expect, eof: bool) -> Option<Split> {
    let mut elements = Vec::new();
    loop {
        let position = scan::skip_whitespace(bytes, at);
        let Some(&byte) = bytes.get(position) else {
            return (!eof).then_some(Split {
                elements,
                rest: at,
                expect,
                closed: None,
            });
        };
        match (expect, byte) {
            (Expect::FirstElement | Expect::Separator, b']') => {
                return Some(Split {
                    elements,
                    rest: position + 1,
                    expect,
                    closed: Some(position + 1),
                });
            }
            (Expect::Separator, b',') => {
                at = position + 1;
                expect = Expect::Element;
            }
            (Expect::Separator, _) => return None,
            (Expect::FirstElement | Expect::Element, _) => match scan::value(bytes, position) {
                Ok(span) if span.end < bytes.len() || eof => {
                    elements.push(span);
                    at = span.end;
                    expect = Expect::Separator;
                }
                _ if !eof => {
                    return Some(Split {
                        elements,
                        rest: position,
                        expect,
                        closed: None,
                    });
                }
                _ => return None,
            },
        }
    }
}

/// A JSON object of these members (keys as written, values as read).
fn object_of(members: &[(Vec<u8>, Vec<u8>)]) -> Vec<u8> {
    let size = members
        .iter()
        .map(|(k, v)| k.len() + v.len() + 4)
        .sum::<usize>();
    let mut object = Vec::with_capacity(size + 2);
    object.push(b'{');
    for (index, (key, value)) in members.iter().enumerate() {
        if index > 0 {
            object.push(b',');
        }
        object.push(b'"');
        object.extend_from_slice(key);
        object.extend_from_slice(b"\":");
        object.extend_from_slice(value);
    }
    object.push(b'}');
    object
}

/// The whole log: `{`, its members with `runs` streamed, `}`, nothing after.
fn log(stream: &mut Stream<'_>, output: &mut Output, size: u64) -> io::Result<Option<()>> {
    // A UTF-8 byte order mark is skipped, as the whole-file parse does.
    while stream.buf.len() < 3 && stream.more()? {}
    if stream.buf.starts_with(b"\xEF\xBB\xBF") {
        stream.pos = 3;
    }
    if !stream.eat(b'{')? {
        return Ok(None);
    }
    let mut top = Vec::new();
    let mut warnings = Vec::new();
    let mut kinds = BTreeSet::new();
    let mut runs = false;
    if !stream.eat(b'}')? {
        loop {
            let Some(key) = stream.key()? else {
                return Ok(None);
            };
            if key == b"runs" {
                // `runs` twice, or not an array: the whole-file parse says why.
                if runs || !stream.eat(b'[')? {
                    return Ok(None);
                }
                runs = true;
                let mut sink = RunSink {
                    output: &mut *output,
                    warnings: &mut warnings,
                    kinds: &mut kinds,
                };
                if self::runs(stream, &mut sink, size)?.is_none() {
                    return Ok(None);
                }
                top.push((key, b"[]".to_vec()));
            } else {
                let Some(value) = stream.value()? else {
                    return Ok(None);
                };
                top.push((key, value));
            }
            match stream.separator(b'}')? {
                Some(true) => {}
                Some(false) => break,
                None => return Ok(None),
            }
        }
    }
    if stream.peek()?.is_some() {
        return Ok(None);
    }
    let document = object_of(&top);
    let Ok(members) = scan::members(&document, 0) else {
        return Ok(None);
    };
    if top_level(&document, &members).is_err() {
        return Ok(None);
    }
    // A log without runs speaks for no kind (`kinds` stays empty).
    finish(output, kinds, warnings);
    Ok(Some(()))
}

/// The runs, after the `[` of `runs`.
fn runs(stream: &mut Stream<'_>, sink: &mut RunSink<'_>, size: u64) -> io::Result<Option<()>> {
    if stream.eat(b']')? {
        return Ok(Some(()));
    }
    for index in 0.. {
        if !stream.eat(b'{')? || run(stream, index, sink, size)?.is_none() {
            return Ok(None);
        }
        match stream.separator(b']')? {
            Some(true) => {}
            Some(false) => break,
            None => return Ok(None),
        }
    }
    Ok(Some(()))
}

/// One run, after its `{`.
fn run(
    stream: &mut Stream<'_>,
    index: usize,
    sink: &mut RunSink<'_>,
    size: u64,
) -> io::Result<Option<()>> {
    // The members before an array of results, and after it.
    let mut before: Vec<(Vec<u8>, Vec<u8>)> = Vec::new();
    let mut after: Vec<(Vec<u8>, Vec<u8>)> = Vec::new();
    let mut streamed: Option<Vec<String>> = None;
    let mut context = None;
    if !stream.eat(b'}')? {
        loop {
            let Some(key) = stream.key()? else {
                return Ok(None);
            };
            let seen = |name: &[u8]| before.iter().chain(&after).any(|(k, _)| k == name);
            if key == b"results" && (seen(b"results") || streamed.is_some()) {
                return Ok(None);
            }
            if streamed.is_some() && matches!(&key[..], b"tool" | b"artifacts" | b"taxonomies") {
                // Read after the results they describe: only the whole
                // file can be parsed in the right order.
                return Ok(None);
            }
            if key == b"results" && stream.peek()? == Some(b'[') {
                let document = object_of(&before);
                let Ok(members) = scan::members(&document, 0) else {
                    return Ok(None);
                };
                let whole = Span {
                    start: 0,
                    end: document.len(),
                };
                let Ok(spans) = run_spans(&document, &members, index) else {
                    return Ok(None);
                };
                let Ok(built) = run_context(&document, &spans, whole, index, sink) else {
                    return Ok(None);
                };
                if !only_findings(&built) {
                    return Ok(None);
                }
                stream.pos += 1;
                let findings = &mut sink.output.evidence.findings;
                let mut warnings = Vec::new();
                let mut number = 0;
                let mut convert = |bytes: &[u8], elements: &[Span]| {
                    if let (0, Some(first), Some(last)) =
                        (number, elements.first(), elements.last())
                    {
                        // Room for as many results as the file holds if the
                        // first window's are typical, and a tenth more,
                        // instead of growing (and copying) the vector.
                        let typical = (last.end - first.start) / elements.len();
                        let estimate = size / typical.max(64) as u64;
                        findings.reserve(usize::try_from(estimate + estimate / 10).unwrap_or(0));
                    }
                    match convert_findings(
                        bytes,
                        &built,
                        index,
                        elements,
                        number,
                        findings,
                        PARALLEL_MIN_RESULTS,
                    ) {
                        Ok(more) => {
                            warnings.extend(more);
                            number += elements.len();
                            true
                        }
                        Err(_) => false,
                    }
                };
                if stream.results(&mut convert)?.is_none() {
                    return Ok(None);
                }
                if number > 0 {
                    sink.kinds.insert(Kind::Findings);
                }
                streamed = Some(warnings);
                context = Some(built);
            } else {
                let Some(value) = stream.value()? else {
                    return Ok(None);
                };
                let members = if streamed.is_some() {
                    &mut after
                } else {
                    &mut before
                };
                members.push((key, value));
            }
            match stream.separator(b'}')? {
                Some(true) => {}
                Some(false) => break,
                None => return Ok(None),
            }
        }
    }
    let (Some(context), Some(mut warnings)) = (context, streamed) else {
        // No results array: a small run, parsed as the whole-file parse does.
        let document = object_of(&before);
        let whole = Span {
            start: 0,
            end: document.len(),
        };
        let parsed = parse_run(
            &document,
            &mut Layout::empty(),
            whole,
            index,
            sink,
            PARALLEL_MIN_RESULTS,
        );
        return Ok(parsed.ok());
    };
    // The members after the results: checked as the whole-file parse checks
    // them; invocations are read wherever they were.
    let mut invocations = None;
    for members in [&before, &after] {
        let document = object_of(members);
        let Ok(scanned) = scan::members(&document, 0) else {
            return Ok(None);
        };
        let Ok(spans) = run_spans(&document, &scanned, index) else {
            return Ok(None);
        };
        if spans.invocations.is_some() {
            if invocations.is_some() {
                return Ok(None);
            }
            invocations = Some((document, spans));
        }
    }
    if let Some((document, spans)) = invocations
        && run_invocations(&document, &spans, index, &context, sink.output).is_err()
    {
        return Ok(None);
    }
    warnings.sort_unstable();
    sink.warnings.extend(warnings);
    Ok(Some(()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::{Path, PathBuf};

    fn stream(bytes: &[u8], window: usize) -> Option<Parsed> {
        let mut reader = bytes;
        parse(&mut reader, bytes.len() as u64, window).expect("reading from memory")
    }

    /// The whole-file parse of `bytes` (after the byte order mark, as
    /// ingest strips it), as text.
    fn whole(bytes: &[u8]) -> Result<String, String> {
        let content = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        let mut output = Output::default();
        super::super::parse_bytes(content, &mut output, &super::super::Split::DEFAULT)
            .map(|()| format!("{output:?}"))
            .map_err(|error| error.to_string())
    }

    /// Whether the stream of `bytes` in windows of `window` bytes gives what
    /// the whole-file parse gives; true if it streamed (else it asked for
    /// the whole file, which is right only for what it does not stream).
    fn agrees(name: &str, bytes: &[u8], window: usize) -> bool {
        let expected = whole(bytes);
        match (stream(bytes, window), expected) {
            (
                Some(Parsed {
                    output,
                    sha256,
                    read,
                }),
                Ok(expected),
            ) => {
                assert_eq!(format!("{output:?}"), expected, "{name}, window {window}");
                assert_eq!(sha256, verdict_evidence::fingerprint::sha256_hex(bytes));
                assert_eq!(read, bytes.len() as u64);
                true
            }
            (Some(_), Err(error)) => {
                panic!("{name}, window {window}: streamed, but the whole file fails: {error}")
            }
            (None, _) => false,
        }
    }

    fn sarif_files(dir: &Path, found: &mut Vec<PathBuf>) {
        for entry in fs_err::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                sarif_files(&path, found);
            } else if path.to_string_lossy().contains("sarif") {
                found.push(path);
            }
        }
    }

    /// Every SARIF file of the fixtures (the corpus's real logs and the bad
    /// ones), in windows from one byte up: the stream gives the whole-file
    /// parse's output and sha256, or leaves the file to it.
    #[test]
    fn every_fixture_streams_to_what_the_whole_file_gives_or_is_left_to_it() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures");
        let mut files = Vec::new();
        sarif_files(&root, &mut files);
        files.sort();
        assert!(files.len() > 30, "{} SARIF fixtures", files.len());
        let mut streamed = Vec::new();
        for path in &files {
            let bytes = fs_err::read(path).unwrap();
            let name = path.display().to_string();
            let windows = [1, 7, 64, 4096, 1 << 20];
            let outcomes: Vec<bool> = windows
                .iter()
                .filter(|&&window| window == 1 << 20 || bytes.len() < 400_000)
                .map(|&window| agrees(&name, &bytes, window))
                .collect();
            // Whether a file streams does not depend on the window.
            assert!(outcomes.windows(2).all(|w| w[0] == w[1]), "{name}");
            if outcomes[0] {
                streamed.push(name);
            }
        }
        // The code scanners' logs stream (CodeQL, ESLint, Bandit, SpotBugs…).
        assert!(streamed.len() >= 10, "only these streamed: {streamed:#?}");
        for tool in ["codeql-2.5.4", "eslint-8.56.0", "bandit-1.8.6"] {
            assert!(
                streamed.iter().any(|name| name.contains(tool)),
                "{tool}: {streamed:#?}"
            );
        }
    }

    const TOOL: &str = r#""tool":{"driver":{"name":"scanner","rules":[{"id":"r1"}]}}"#;
    const RESULT: &str = r#"{"ruleId":"r1","level":"error","message":{"text":"m 12"},"locations":[{"physicalLocation":{"artifactLocation":{"uri":"a.py"},"region":{"startLine":3}}}]}"#;

    fn log_of(run: &str) -> String {
        format!(r#"{{"version":"2.1.0","runs":[{run}]}}"#)
    }

    #[test]
    fn shapes_it_streams_and_shapes_it_leaves_to_the_whole_file() {
        let results = [RESULT; 3].join(" ,\n ");
        let invocations = r#""invocations":[{"executionSuccessful":false}]"#;
        let streams = [
            log_of(&format!(r#"{{{TOOL},"results":[{results}]}}"#)),
            // Invocations and other members after the results.
            log_of(&format!(
                r#"{{{TOOL},"results":[{results}],{invocations},"columnKind":"utf16CodeUnits"}}"#
            )),
            // `version` after `runs`, a byte order mark, empty results.
            format!(r#"{{"runs":[{{{TOOL},"results":[{results}]}}],"version":"2.1.0"}}"#),
            format!(
                "\u{feff}{}",
                log_of(&format!(r#"{{{TOOL},"results":[ ]}}"#))
            ),
            // A run without results, and two runs.
            log_of(&format!(r#"{{{TOOL}}},{{{TOOL},"results":[{RESULT}]}}"#)),
        ];
        for (index, log) in streams.iter().enumerate() {
            for window in [1, 2, 3, 5, 64, 1 << 16] {
                assert!(
                    agrees(&format!("streams[{index}]"), log.as_bytes(), window),
                    "streams[{index}] was left to the whole file at window {window}"
                );
            }
        }
        let whole = [
            // The tool after the results it describes.
            log_of(&format!(r#"{{"results":[{results}],{TOOL}}}"#)),
            // Results twice, `runs` twice, not an array.
            log_of(&format!(r#"{{{TOOL},"results":[],"results":[{RESULT}]}}"#)),
            r#"{"version":"2.1.0","runs":[],"runs":[]}"#.to_owned(),
            r#"{"version":"2.1.0","runs":null}"#.to_owned(),
            // Not valid: a trailing comma, a cut file, something after it,
            // a result of the wrong type, a wrong version.
            log_of(&format!(r#"{{{TOOL},"results":[{RESULT},]}}"#)),
            log_of(&format!(r#"{{{TOOL},"results":[{RESULT}]}}"#))[..120].to_owned(),
            format!("{} x", log_of(&format!(r#"{{{TOOL},"results":[]}}"#))),
            log_of(&format!(r#"{{{TOOL},"results":[{RESULT},7]}}"#)),
            format!(r#"{{"version":"2.0.0","runs":[{{{TOOL},"results":[{RESULT}]}}]}}"#),
            // A secret scanner's results are not all findings.
            log_of(r#"{"tool":{"driver":{"name":"gitleaks"}},"results":[]}"#),
        ];
        for (index, log) in whole.iter().enumerate() {
            for window in [1, 3, 64, 1 << 16] {
                assert!(
                    !agrees(&format!("whole[{index}]"), log.as_bytes(), window),
                    "whole[{index}] streamed at window {window}"
                );
            }
        }
    }
}
