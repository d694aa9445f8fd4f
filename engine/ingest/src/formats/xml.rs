//! A guarded streaming XML reader shared by every XML format.

use crate::error::FormatError;
use crate::formats::Output;
use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};
use std::borrow::Cow;
use std::str::FromStr;
use verdict_evidence::{Notice, NoticeKind};

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
                "attribute `{name}` of `<{}>` is not a valid number",
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
