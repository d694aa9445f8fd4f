//! Cobertura XML coverage (coverage.py, sbt-scoverage, Java and .NET tools).
//!
//! Every `<line>` of every `<class>` counts, whether it sits in the class's
//! own `<lines>` or in a `<method>`'s: many producers list a line in both, and
//! one file can be split over several classes, so lines are tallied per
//! `filename` and a line counts once, covered if any occurrence has hits.
//! The path is the `filename` attribute as written; the `<source>` roots are
//! not joined to it, because a report may list several (or a placeholder such
//! as `--source`) and nothing says which one a file belongs to.
//!
//! Branches come from `condition-coverage="50% (1/2)"` on lines marked
//! `branch="true"`, once per line. sbt-scoverage marks branch statements with
//! `branch="true"` but writes no `condition-coverage`, so its reports carry no
//! branch counts here.
//!
//! This file also holds what the other coverage formats share until it moves
//! to a module of its own: [`XmlReader`], a guarded streaming XML reader, and
//! [`LineTally`], the per-file line and branch tally.

use crate::error::FormatError;
use crate::formats::{Output, ParseInput};
use crate::sniff::Sniff;
use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};
use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::str::FromStr;
use verdict_evidence::{FileCoverage, Notice, NoticeKind};

pub(crate) fn detect(sniff: &Sniff<'_>) -> bool {
    // Clover's root element is `<coverage>` too; its `<project>` child tells
    // it apart, and Cobertura has no such element.
    sniff.xml_root() == Some("coverage")
        && !sniff.contains("<project")
        && (sniff.contains("line-rate")
            || sniff.contains("<packages")
            || sniff.contains("<sources"))
}

pub(crate) fn parse(input: &ParseInput<'_>, output: &mut Output) -> Result<(), FormatError> {
    let mut xml = XmlReader::new(input.bytes);
    xml.root("coverage")?;
    let mut tally = LineTally::default();
    // The file of the open `<class>` and the depth at which it opened.
    let mut class: Option<(usize, usize)> = None;
    while let Some(event) = xml.next()? {
        let XmlEvent::Open { element, empty } = event else {
            if class.is_some_and(|(_, depth)| xml.depth() < depth) {
                class = None;
            }
            continue;
        };
        match element.local_name().as_ref() {
            b"class" => {
                let filename = xml.required_attr(&element, "filename")?;
                let file = tally.file(&filename);
                class = (!empty).then(|| (file, xml.depth()));
            }
            b"line" => {
                let Some((file, _)) = class else {
                    return Err(xml.error("`<line>` outside a `<class>`"));
                };
                let number = xml.required_number(&element, "number")?;
                let hits: u64 = xml.required_number(&element, "hits")?;
                tally.line(file, number, hits > 0);
                if xml.attr(&element, "branch")?.as_deref() == Some("true")
                    && let Some(text) = xml.attr(&element, "condition-coverage")?
                {
                    let (covered, total) = condition_coverage(&text).ok_or_else(|| {
                        xml.error(format!(
                            "`condition-coverage` is not like `50% (1/2)`: `{text}`"
                        ))
                    })?;
                    tally.branches(file, number, total, covered);
                }
            }
            _ => {}
        }
    }
    xml.note_leniency(output);
    tally.finish(output);
    Ok(())
}

/// `(covered, total)` from `50% (1/2)`.
fn condition_coverage(text: &str) -> Option<(u64, u64)> {
    let inner = text.split_once('(')?.1.split_once(')')?.0;
    let (covered, total) = inner.split_once('/')?;
    let covered: u64 = covered.trim().parse().ok()?;
    let total: u64 = total.trim().parse().ok()?;
    (covered <= total).then_some((covered, total))
}

/// Per-file tally of executable lines and branches, merged by path in order
/// of first appearance.
///
/// A line reported several times counts once and is covered if any report of
/// it was hit. Per-line branch counts reported several times keep the largest
/// total and the largest covered count.
#[derive(Debug, Default)]
pub(crate) struct LineTally {
    files: Vec<FileTally>,
    by_path: HashMap<String, usize>,
}

#[derive(Debug, Default)]
struct FileTally {
    path: String,
    /// Line number → hit.
    lines: BTreeMap<u32, bool>,
    /// Line number → (total, covered) branches.
    branches: BTreeMap<u32, (u64, u64)>,
    /// Counts given only as totals (lcov `LF`/`LH` without `DA` lines).
    summary: Summary,
}

/// Counts a report gives without the lines behind them.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct Summary {
    pub(crate) lines_total: u64,
    pub(crate) lines_covered: u64,
    pub(crate) branches_total: u64,
    pub(crate) branches_covered: u64,
}

impl LineTally {
    /// The index of the file with this path, added if new.
    pub(crate) fn file(&mut self, path: &str) -> usize {
        if let Some(&index) = self.by_path.get(path) {
            return index;
        }
        let index = self.files.len();
        self.files.push(FileTally {
            path: path.to_owned(),
            ..FileTally::default()
        });
        self.by_path.insert(path.to_owned(), index);
        index
    }

    /// An executable line, hit or not.
    pub(crate) fn line(&mut self, file: usize, number: u32, hit: bool) {
        *self.files[file].lines.entry(number).or_insert(false) |= hit;
    }

    /// The branches of one line.
    pub(crate) fn branches(&mut self, file: usize, line: u32, total: u64, covered: u64) {
        let entry = self.files[file].branches.entry(line).or_insert((0, 0));
        entry.0 = entry.0.max(total);
        entry.1 = entry.1.max(covered);
    }

    /// Counts given without lines; added to whatever the lines say.
    pub(crate) fn add_summary(&mut self, file: usize, summary: Summary) {
        let sum = &mut self.files[file].summary;
        sum.lines_total = sum.lines_total.saturating_add(summary.lines_total);
        sum.lines_covered = sum.lines_covered.saturating_add(summary.lines_covered);
        sum.branches_total = sum.branches_total.saturating_add(summary.branches_total);
        sum.branches_covered = sum
            .branches_covered
            .saturating_add(summary.branches_covered);
    }

    /// Appends one [`FileCoverage`] per file, in order of first appearance.
    pub(crate) fn finish(self, output: &mut Output) {
        for file in self.files {
            let covered = file.lines.values().filter(|&&hit| hit).count() as u64;
            let uncovered_lines: Vec<u32> = file
                .lines
                .iter()
                .filter(|&(_, &hit)| !hit)
                .map(|(&line, _)| line)
                .collect();
            output.evidence.coverage.push(FileCoverage {
                source: 0,
                path: file.path,
                lines_total: (file.lines.len() as u64).saturating_add(file.summary.lines_total),
                lines_covered: covered.saturating_add(file.summary.lines_covered),
                branches_total: saturating_sum(file.branches.values().map(|b| b.0))
                    .saturating_add(file.summary.branches_total),
                branches_covered: saturating_sum(file.branches.values().map(|b| b.1))
                    .saturating_add(file.summary.branches_covered),
                uncovered_lines,
            });
        }
    }
}

/// A sum that stops at `u64::MAX` instead of overflowing on hostile counts.
pub(crate) fn saturating_sum(values: impl Iterator<Item = u64>) -> u64 {
    values.fold(0, u64::saturating_add)
}

/// Deepest element nesting accepted; coverage reports need fewer than ten.
const MAX_DEPTH: usize = 256;

/// The element events a parser sees from [`XmlReader::next`].
pub(crate) enum XmlEvent<'a> {
    /// An element opens; `empty` for `<x/>`, which has no [`XmlEvent::Close`].
    Open {
        element: BytesStart<'a>,
        empty: bool,
    },
    /// The innermost open element closes.
    Close,
}

/// A streaming XML reader that refuses what a report never needs and an
/// attacker would use: entity declarations (so no entity expansion at all),
/// unknown entity references and deep nesting. External DTDs are never read.
///
/// It tolerates one defect seen in real reports: an end tag whose name matches
/// no open element closes nothing and is skipped; [`note_leniency`] records it.
///
/// [`note_leniency`]: XmlReader::note_leniency
pub(crate) struct XmlReader<'a> {
    reader: Reader<&'a [u8]>,
    input: &'a [u8],
    /// Names of the open elements; only the first `depth` entries are live,
    /// the rest are buffers kept for reuse.
    open: Vec<Vec<u8>>,
    depth: usize,
    /// Byte offset where the last event began.
    event_start: u64,
    seen_root: bool,
    stray_end_tags: u64,
    first_stray: Option<(String, u64)>,
}

impl<'a> XmlReader<'a> {
    pub(crate) fn new(input: &'a [u8]) -> XmlReader<'a> {
        let mut reader = Reader::from_reader(input);
        // End names are checked here, so that stray end tags can be told
        // apart from mismatched ones.
        let config = reader.config_mut();
        config.check_end_names = false;
        config.allow_unmatched_ends = true;
        XmlReader {
            reader,
            input,
            open: Vec::new(),
            depth: 0,
            event_start: 0,
            seen_root: false,
            stray_end_tags: 0,
            first_stray: None,
        }
    }

    /// Number of open elements.
    pub(crate) fn depth(&self) -> usize {
        self.depth
    }

    /// An error at the start of the last event.
    pub(crate) fn error(&self, message: impl std::fmt::Display) -> FormatError {
        FormatError::xml(message, self.input, self.event_start)
    }

    /// Reads up to the root element and checks its local name.
    pub(crate) fn root(&mut self, expected: &str) -> Result<BytesStart<'a>, FormatError> {
        match self.next()? {
            Some(XmlEvent::Open { element, .. })
                if element.local_name().as_ref() == expected.as_bytes() =>
            {
                Ok(element)
            }
            Some(XmlEvent::Open { element, .. }) => {
                let found = String::from_utf8_lossy(element.name().as_ref()).into_owned();
                Err(self.error(format!(
                    "expected a `<{expected}>` root element, found `<{found}>`"
                )))
            }
            Some(XmlEvent::Close) | None => {
                Err(self.error(format!("no `<{expected}>` root element")))
            }
        }
    }

    /// The next element event; `None` at the end of a complete document.
    pub(crate) fn next(&mut self) -> Result<Option<XmlEvent<'a>>, FormatError> {
        loop {
            self.event_start = self.reader.buffer_position();
            let event = self.reader.read_event().map_err(|error| {
                FormatError::xml(error, self.input, self.reader.error_position())
            })?;
            match event {
                Event::Start(element) => {
                    self.open_element(&element)?;
                    return Ok(Some(XmlEvent::Open {
                        element,
                        empty: false,
                    }));
                }
                Event::Empty(element) => {
                    self.open_element(&element)?;
                    self.depth -= 1;
                    return Ok(Some(XmlEvent::Open {
                        element,
                        empty: true,
                    }));
                }
                Event::End(end) => {
                    let name = end.name();
                    if self.depth > 0 && self.open[self.depth - 1] == name.as_ref() {
                        self.depth -= 1;
                        return Ok(Some(XmlEvent::Close));
                    }
                    let open = &self.open[..self.depth];
                    if open.iter().any(|open| open.as_slice() == name.as_ref()) {
                        let expected = String::from_utf8_lossy(&open[open.len() - 1]).into_owned();
                        let found = String::from_utf8_lossy(name.as_ref()).into_owned();
                        return Err(
                            self.error(format!("expected `</{expected}>`, found `</{found}>`"))
                        );
                    }
                    self.stray_end_tags += 1;
                    if self.first_stray.is_none() {
                        let found = String::from_utf8_lossy(name.as_ref()).into_owned();
                        self.first_stray = Some((found, self.event_start));
                    }
                }
                Event::DocType(doctype) => {
                    if memchr::memmem::find(doctype.as_ref(), b"<!ENTITY").is_some() {
                        return Err(self.error("XML entity declarations are not allowed"));
                    }
                }
                Event::GeneralRef(reference) => {
                    let known = match reference.resolve_char_ref() {
                        Ok(Some(_)) => true,
                        Ok(None) => {
                            let name: &[u8] = &reference;
                            matches!(name, b"lt" | b"gt" | b"amp" | b"apos" | b"quot")
                        }
                        Err(_) => false,
                    };
                    if !known {
                        let name = String::from_utf8_lossy(reference.as_ref()).into_owned();
                        return Err(self.error(format!("unknown XML entity `&{name};`")));
                    }
                }
                Event::Eof => {
                    if self.depth > 0 {
                        let open = String::from_utf8_lossy(&self.open[self.depth - 1]).into_owned();
                        self.event_start = self.input.len() as u64;
                        return Err(self.error(format!("XML ends before `<{open}>` is closed")));
                    }
                    return Ok(None);
                }
                Event::Text(_)
                | Event::CData(_)
                | Event::Comment(_)
                | Event::Decl(_)
                | Event::PI(_) => {}
            }
        }
    }

    fn open_element(&mut self, element: &BytesStart<'_>) -> Result<(), FormatError> {
        if self.depth == 0 {
            if self.seen_root {
                return Err(self.error("more than one root element"));
            }
            self.seen_root = true;
        }
        if self.depth >= MAX_DEPTH {
            return Err(self.error(format!("XML nested deeper than {MAX_DEPTH} elements")));
        }
        let name = element.name();
        match self.open.get_mut(self.depth) {
            Some(buffer) => {
                buffer.clear();
                buffer.extend_from_slice(name.as_ref());
            }
            None => self.open.push(name.as_ref().to_vec()),
        }
        self.depth += 1;
        Ok(())
    }

    /// An attribute's unescaped value.
    ///
    /// quick-xml's own duplicate check compares every attribute with every
    /// earlier one, which a hostile element with many attributes turns into
    /// quadratic work; this looks for a second `name` only, in linear time.
    pub(crate) fn attr<'e>(
        &self,
        element: &'e BytesStart<'_>,
        name: &str,
    ) -> Result<Option<Cow<'e, str>>, FormatError> {
        let mut found = None;
        for attribute in element.attributes().with_checks(false) {
            let attribute = attribute.map_err(|error| self.error(error))?;
            if attribute.key.as_ref() != name.as_bytes() {
                continue;
            }
            if found.is_some() {
                return Err(self.error(format!(
                    "`<{}>` has the attribute `{name}` twice",
                    element_name(element)
                )));
            }
            let value = attribute
                .decode_and_unescape_value(self.reader.decoder())
                .map_err(|error| self.error(format!("attribute `{name}`: {error}")))?;
            found = Some(value);
        }
        Ok(found)
    }

    /// An attribute that must be present.
    pub(crate) fn required_attr<'e>(
        &self,
        element: &'e BytesStart<'_>,
        name: &str,
    ) -> Result<Cow<'e, str>, FormatError> {
        self.attr(element, name)?.ok_or_else(|| {
            self.error(format!(
                "`<{}>` has no `{name}` attribute",
                element_name(element)
            ))
        })
    }

    /// A numeric attribute, if present.
    pub(crate) fn number<T: FromStr>(
        &self,
        element: &BytesStart<'_>,
        name: &str,
    ) -> Result<Option<T>, FormatError> {
        let Some(text) = self.attr(element, name)? else {
            return Ok(None);
        };
        text.trim().parse().map(Some).map_err(|_| {
            self.error(format!(
                "attribute `{name}` of `<{}>` is not a valid number: `{text}`",
                element_name(element)
            ))
        })
    }

    /// A numeric attribute that must be present.
    pub(crate) fn required_number<T: FromStr>(
        &self,
        element: &BytesStart<'_>,
        name: &str,
    ) -> Result<T, FormatError> {
        self.number(element, name)?.ok_or_else(|| {
            self.error(format!(
                "`<{}>` has no `{name}` attribute",
                element_name(element)
            ))
        })
    }

    /// Records the skipped stray end tags, if any, as a warning.
    pub(crate) fn note_leniency(&self, output: &mut Output) {
        if let Some((name, offset)) = &self.first_stray {
            let (line, column) = crate::error::line_column(self.input, *offset as usize);
            output.evidence.notices.push(Notice {
                source: 0,
                kind: NoticeKind::Warning,
                message: format!(
                    "skipped {} end tags that close no open element, the first `</{name}>` at line {line} column {column}",
                    self.stray_end_tags
                ),
            });
        }
    }
}

fn element_name(element: &BytesStart<'_>) -> String {
    String::from_utf8_lossy(element.name().as_ref()).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn condition_coverage_reads_the_fraction() {
        assert_eq!(condition_coverage("50% (1/2)"), Some((1, 2)));
        assert_eq!(condition_coverage("100% (4/4)"), Some((4, 4)));
        assert_eq!(condition_coverage("50%"), None);
        assert_eq!(condition_coverage("(3/2)"), None);
    }
}
