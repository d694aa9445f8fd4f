//! JUnit XML test results, as pytest, Maven surefire, jest-junit,
//! go-junit-report, Gradle and most CI tools write them.
//!
//! Every `<testsuite>` becomes one suite holding its own `<testcase>`s, so
//! nested suites are flattened and each keeps its own name; a suite that only
//! groups other suites (no cases of its own) is not emitted. A case with
//! `<error>` is an error, with `<failure>` a failure, with `<skipped>` skipped
//! (the worst wins when there are several); surefire's `<flakyFailure>` and
//! `<rerunFailure>` mark a case that passed on a rerun and do not change it.
//! The message is the element's `message` attribute, else the first line of
//! its text. Counts come from the cases, never from the report's attributes.
//!
//! The reader is streaming and never expands entities: a DOCTYPE with an
//! internal subset (where entity declarations live) is rejected, and any
//! entity reference other than the five predefined ones and character
//! references is an error.

use crate::error::FormatError;
use crate::formats::generic::utf8_error;
use crate::formats::{Output, ParseInput};
use crate::sniff::Sniff;
use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};
use verdict_evidence::{TestCase, TestStatus, TestSuite};

/// Deepest element nesting accepted; real reports nest a handful of levels.
const MAX_DEPTH: usize = 64;
/// Longest message kept from an element's text, in bytes.
const MAX_MESSAGE_LEN: usize = 1000;

pub(crate) fn detect(sniff: &Sniff<'_>) -> bool {
    matches!(sniff.xml_root(), Some("testsuites" | "testsuite"))
}

/// A suite being read, in document order.
struct OpenSuite {
    name: String,
    cases: Vec<TestCase>,
    has_child_suites: bool,
}

/// The case being read, and the outcome element inside it, if any.
struct OpenCase {
    case: TestCase,
    /// Depth of the `<testcase>` element.
    depth: usize,
    /// Text of the current `<failure>`, `<error>` or `<skipped>` element when
    /// it has no `message` attribute.
    text: Option<String>,
}

struct State<'a> {
    input: &'a [u8],
    suites: Vec<OpenSuite>,
    /// Indexes into `suites` of the open `<testsuite>` elements.
    open_suites: Vec<usize>,
    case: Option<OpenCase>,
    /// Open element names, for depth and end-of-file checks.
    open: Vec<String>,
    /// `name` of the `<testsuites>` root, for cases directly under it.
    root_name: Option<String>,
    seen_root: bool,
}

pub(crate) fn parse(input: &ParseInput<'_>, output: &mut Output) -> Result<(), FormatError> {
    let text = std::str::from_utf8(input.bytes).map_err(|e| utf8_error(input.bytes, &e))?;
    let mut reader = Reader::from_str(text);
    let mut state = State {
        input: input.bytes,
        suites: Vec::new(),
        open_suites: Vec::new(),
        case: None,
        open: Vec::new(),
        root_name: None,
        seen_root: false,
    };
    loop {
        let at = reader.buffer_position();
        let event = reader
            .read_event()
            .map_err(|e| FormatError::xml(e, input.bytes, reader.error_position()))?;
        match event {
            Event::Start(element) => state.start(&reader, &element, at, false)?,
            Event::Empty(element) => state.start(&reader, &element, at, true)?,
            Event::End(_) => state.end(),
            Event::Text(text) => {
                let text = text
                    .decode()
                    .map_err(|e| FormatError::xml(e, input.bytes, at))?;
                state.push_text(&text);
            }
            Event::CData(data) => {
                let data = data
                    .decode()
                    .map_err(|e| FormatError::xml(e, input.bytes, at))?;
                state.push_text(&data);
            }
            Event::GeneralRef(reference) => {
                let resolved =
                    resolve_reference(&reference).map_err(|message| state.error(message, at))?;
                state.push_text(&resolved.to_string());
            }
            Event::DocType(doctype) => {
                let doctype = doctype
                    .decode()
                    .map_err(|e| FormatError::xml(e, input.bytes, at))?;
                if doctype.contains('[') || doctype.contains("ENTITY") {
                    return Err(state.error("XML entity declarations are not allowed".into(), at));
                }
            }
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) => {}
            Event::Eof => break,
        }
    }
    if let Some(name) = state.open.last() {
        return Err(state.error(
            format!("unexpected end of file: `<{name}>` is not closed"),
            input.bytes.len() as u64,
        ));
    }
    if !state.seen_root {
        return Err(FormatError::new(
            "no `<testsuites>` or `<testsuite>` element",
        ));
    }
    output.evidence.tests.extend(
        state
            .suites
            .into_iter()
            .filter(|suite| !suite.cases.is_empty() || !suite.has_child_suites)
            .map(|suite| TestSuite::from_cases(0, suite.name, suite.cases)),
    );
    Ok(())
}

impl State<'_> {
    fn error(&self, message: String, at: u64) -> FormatError {
        FormatError::xml(message, self.input, at)
    }

    fn start(
        &mut self,
        reader: &Reader<&[u8]>,
        element: &BytesStart<'_>,
        at: u64,
        empty: bool,
    ) -> Result<(), FormatError> {
        let name = String::from_utf8_lossy(element.local_name().as_ref()).into_owned();
        if self.open.len() >= MAX_DEPTH {
            return Err(self.error(format!("elements nest deeper than {MAX_DEPTH} levels"), at));
        }
        if !self.seen_root {
            if name != "testsuites" && name != "testsuite" {
                return Err(self.error(
                    format!("root element is `<{name}>`, expected `<testsuites>` or `<testsuite>`"),
                    at,
                ));
            }
            self.seen_root = true;
        }
        let depth = self.open.len();
        let in_case = self.case.as_ref().map(|case| case.depth);
        match name.as_str() {
            "testsuites" if in_case.is_none() && depth == 0 => {
                self.root_name = self.attribute(reader, element, "name", at)?;
            }
            "testsuite" if in_case.is_none() => {
                let name = self
                    .attribute(reader, element, "name", at)?
                    .unwrap_or_default();
                if let Some(&parent) = self.open_suites.last() {
                    self.suites[parent].has_child_suites = true;
                }
                self.suites.push(OpenSuite {
                    name,
                    cases: Vec::new(),
                    has_child_suites: false,
                });
                if !empty {
                    self.open_suites.push(self.suites.len() - 1);
                }
            }
            "testcase" if in_case.is_none() => {
                let Some(case_name) = self.attribute(reader, element, "name", at)? else {
                    return Err(self.error("`<testcase>` has no `name` attribute".into(), at));
                };
                let time = match self.attribute(reader, element, "time", at)? {
                    Some(time) => Some(parse_time(&time).ok_or_else(|| {
                        self.error(
                            "invalid `time` of a testcase: expected seconds".to_owned(),
                            at,
                        )
                    })?),
                    None => None,
                };
                let case = TestCase {
                    name: case_name,
                    classname: self
                        .attribute(reader, element, "classname", at)?
                        .filter(|c| !c.is_empty()),
                    status: TestStatus::Passed,
                    message: None,
                    time,
                };
                self.case = Some(OpenCase {
                    case,
                    depth,
                    text: None,
                });
                if empty {
                    self.finish_case();
                }
            }
            "testcase" => {
                return Err(self.error("`<testcase>` inside another `<testcase>`".into(), at));
            }
            "failure" | "error" | "skipped"
                if in_case.is_some_and(|case_depth| depth == case_depth + 1) =>
            {
                let status = match name.as_str() {
                    "error" => TestStatus::Error,
                    "failure" => TestStatus::Failed,
                    _ => TestStatus::Skipped,
                };
                let message = self
                    .attribute(reader, element, "message", at)?
                    .filter(|m| !m.trim().is_empty());
                if let Some(open) = &mut self.case
                    && rank(status) > rank(open.case.status)
                {
                    open.case.status = status;
                    open.case.message = message.as_deref().map(truncate);
                    open.text = (message.is_none() && !empty).then(String::new);
                }
            }
            _ => {}
        }
        if !empty {
            self.open.push(name);
        }
        Ok(())
    }

    fn end(&mut self) {
        // quick-xml checks that end tags match start tags.
        let Some(name) = self.open.pop() else { return };
        let depth = self.open.len();
        match name.as_str() {
            "testcase" if self.case.as_ref().is_some_and(|case| case.depth == depth) => {
                self.finish_case()
            }
            "testsuite" if self.case.is_none() => {
                self.open_suites.pop();
            }
            "failure" | "error" | "skipped" => {
                if let Some(open) = &mut self.case
                    && depth == open.depth + 1
                    && let Some(text) = open.text.take()
                {
                    open.case.message = first_line(&text);
                }
            }
            _ => {}
        }
    }

    fn push_text(&mut self, text: &str) {
        if let Some(OpenCase {
            text: Some(buffer), ..
        }) = &mut self.case
            && buffer.len() < MAX_MESSAGE_LEN * 4
        {
            buffer.push_str(text);
        }
    }

    fn finish_case(&mut self) {
        let Some(open) = self.case.take() else { return };
        let suite = match self.open_suites.last() {
            Some(&index) => index,
            None => {
                // Cases directly under <testsuites>: a suite named after it.
                let name = self
                    .root_name
                    .clone()
                    .unwrap_or_else(|| String::from("testsuites"));
                self.suites.push(OpenSuite {
                    name,
                    cases: Vec::new(),
                    has_child_suites: false,
                });
                self.open_suites.push(self.suites.len() - 1);
                self.suites.len() - 1
            }
        };
        self.suites[suite].cases.push(open.case);
    }

    fn attribute(
        &self,
        reader: &Reader<&[u8]>,
        element: &BytesStart<'_>,
        key: &str,
        at: u64,
    ) -> Result<Option<String>, FormatError> {
        for attribute in element.attributes() {
            let attribute = attribute.map_err(|e| self.error(e.to_string(), at))?;
            if attribute.key.local_name().as_ref() == key.as_bytes() {
                let value = attribute
                    .decode_and_unescape_value(reader.decoder())
                    .map_err(|e| self.error(e.to_string(), at))?;
                return Ok(Some(value.into_owned()));
            }
        }
        Ok(None)
    }
}

/// Orders outcomes from best to worst, so the worst element of a case wins.
fn rank(status: TestStatus) -> u8 {
    match status {
        TestStatus::Passed => 0,
        TestStatus::Skipped => 1,
        TestStatus::Failed => 2,
        TestStatus::Error => 3,
    }
}

/// A character reference or one of the five predefined entities.
fn resolve_reference(reference: &quick_xml::events::BytesRef<'_>) -> Result<char, String> {
    let name = reference.decode().map_err(|e| e.to_string())?;
    if reference.is_char_ref() {
        return match reference.resolve_char_ref() {
            Ok(Some(c)) => Ok(c),
            _ => Err(format!("invalid character reference `&{name};`")),
        };
    }
    match name.as_ref() {
        "lt" => Ok('<'),
        "gt" => Ok('>'),
        "amp" => Ok('&'),
        "apos" => Ok('\''),
        "quot" => Ok('"'),
        _ => Err(format!("unknown entity reference `&{name};`")),
    }
}

/// Seconds, tolerating the thousands separators surefire writes (`1,234.5`).
fn parse_time(text: &str) -> Option<f64> {
    let text = text.trim().replace(',', "");
    text.parse::<f64>()
        .ok()
        .filter(|time| time.is_finite() && *time >= 0.0)
}

fn first_line(text: &str) -> Option<String> {
    text.lines()
        .map(str::trim)
        .find(|line| !line.is_empty())
        .map(truncate)
}

fn truncate(text: &str) -> String {
    let text = text.trim();
    if text.len() <= MAX_MESSAGE_LEN {
        return text.to_owned();
    }
    let mut end = MAX_MESSAGE_LEN;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &text[..end])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_accept_thousands_separators_and_reject_garbage() {
        assert_eq!(parse_time("1,234.5"), Some(1234.5));
        assert_eq!(parse_time("0.003"), Some(0.003));
        assert_eq!(parse_time("NaN"), None);
        assert_eq!(parse_time("-1"), None);
        assert_eq!(parse_time("soon"), None);
    }

    #[test]
    fn long_messages_are_cut_on_a_char_boundary() {
        let long = "é".repeat(MAX_MESSAGE_LEN);
        let cut = truncate(&long);
        assert!(cut.len() <= MAX_MESSAGE_LEN + '…'.len_utf8());
        assert!(cut.ends_with('…'));
    }
}
