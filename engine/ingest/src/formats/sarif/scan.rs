//! A structural scan of a JSON document: where objects' members and arrays'
//! elements start and end, without decoding them.
//!
//! SARIF files are large mostly because of `results`. Scanning lets the parser
//! read the rules before the results wherever they are in the file, and
//! parse the results in parallel, each element with serde. The scan checks
//! only the separators at the levels it walks; every value it hands out is
//! then parsed (and so validated) by serde, so the two together accept
//! exactly valid JSON.

/// A byte range of the input holding one JSON value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Span {
    /// Offset of the value's first byte.
    pub start: usize,
    /// Offset just past its last byte.
    pub end: usize,
}

impl Span {
    /// The value's bytes.
    pub fn of<'a>(&self, bytes: &'a [u8]) -> &'a [u8] {
        &bytes[self.start..self.end]
    }
}

/// One member of an object: its key (raw, between the quotes) and value.
#[derive(Debug, Clone, Copy)]
pub(super) struct Member<'a> {
    /// The key's bytes between the quotes, escapes not decoded.
    pub key: &'a [u8],
    /// The value.
    pub value: Span,
}

/// What the scan found wrong, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct ScanError {
    /// Byte offset of the problem.
    pub offset: usize,
    /// What was expected there.
    pub message: &'static str,
}

type Scan<T> = Result<T, ScanError>;

fn error<T>(offset: usize, message: &'static str) -> Scan<T> {
    Err(ScanError { offset, message })
}

/// Eight copies of a byte, for the word-at-a-time searches below.
const fn splat(byte: u8) -> u64 {
    0x0101_0101_0101_0101 * byte as u64
}

/// High bit set in each byte of `word` equal to `byte`. Bits above the
/// lowest match may be false positives, so only the lowest one is used.
const fn matches(word: u64, byte: u8) -> u64 {
    let x = word ^ splat(byte);
    x.wrapping_sub(splat(0x01)) & !x & splat(0x80)
}

/// Offset of the first byte at or after `at` that `mask` flags, eight bytes
/// at a time (SARIF is mostly short strings and indentation, where calling
/// out to a vectorized search per token costs more than it saves).
#[inline(always)]
fn find(
    bytes: &[u8],
    mut at: usize,
    mask: impl Fn(u64) -> u64,
    single: impl Fn(u8) -> bool,
) -> Option<usize> {
    while let Some(chunk) = bytes.get(at..).and_then(|rest| rest.first_chunk::<8>()) {
        let flagged = mask(u64::from_le_bytes(*chunk));
        if flagged != 0 {
            return Some(at + (flagged.trailing_zeros() / 8) as usize);
        }
        at += 8;
    }
    bytes
        .get(at..)?
        .iter()
        .position(|&b| single(b))
        .map(|found| at + found)
}

/// The next quote or bracket: `[`/`{` and `]`/`}` differ from each other
/// only in bit 5, so two comparisons find all four.
fn find_structural(bytes: &[u8], at: usize) -> Option<usize> {
    find(
        bytes,
        at,
        |word| {
            matches(word, b'"')
                | matches(word | splat(0x20), b'{')
                | matches(word | splat(0x20), b'}')
        },
        |b| matches!(b, b'"' | b'{' | b'}' | b'[' | b']'),
    )
}

/// The next quote or backslash.
fn find_string_special(bytes: &[u8], at: usize) -> Option<usize> {
    find(
        bytes,
        at,
        |word| matches(word, b'"') | matches(word, b'\\'),
        |b| b == b'"' || b == b'\\',
    )
}

/// Offset of the first non-whitespace byte at or after `at`.
pub(super) fn skip_whitespace(bytes: &[u8], mut at: usize) -> usize {
    while at < bytes.len() && matches!(bytes[at], b' ' | b'\n' | b'\r' | b'\t') {
        at += 1;
    }
    at
}

/// The end of the string starting at `at` (a quote), just past its closing quote.
fn skip_string(bytes: &[u8], at: usize) -> Scan<usize> {
    let mut position = at + 1;
    loop {
        match find_string_special(bytes, position) {
            Some(found) => {
                position = found;
                if bytes[position] == b'"' {
                    return Ok(position + 1);
                }
                // A backslash escapes the next byte, whatever it is.
                position += 2;
            }
            None => return error(bytes.len(), "unterminated string"),
        }
    }
}

/// The end of an object or array starting at `at`, found by counting brackets.
fn skip_nested(bytes: &[u8], at: usize) -> Scan<usize> {
    let mut depth = 0usize;
    let mut position = at;
    while position < bytes.len() {
        let Some(found) = find_structural(bytes, position) else {
            break;
        };
        position = found;
        match bytes[position] {
            b'"' => position = skip_string(bytes, position)?,
            b'{' | b'[' => {
                depth += 1;
                position += 1;
            }
            _ => {
                depth -= 1;
                position += 1;
                if depth == 0 {
                    return Ok(position);
                }
            }
        }
    }
    error(bytes.len(), "unexpected end of input")
}

/// The span of the value starting at `at` (which must not be whitespace).
pub(super) fn value(bytes: &[u8], at: usize) -> Scan<Span> {
    let end = match bytes.get(at) {
        None => return error(at, "unexpected end of input"),
        Some(b'"') => skip_string(bytes, at)?,
        Some(b'{' | b'[') => skip_nested(bytes, at)?,
        Some(b'}' | b']' | b',' | b':') => return error(at, "expected a value"),
        Some(_) => {
            let length = bytes[at..]
                .iter()
                .position(|&b| matches!(b, b',' | b'}' | b']' | b' ' | b'\n' | b'\r' | b'\t'))
                .unwrap_or(bytes.len() - at);
            at + length
        }
    };
    Ok(Span { start: at, end })
}

/// The members of the object whose `{` is at `at`, and the offset past
/// its `}`. `read_value(key, at)` reads each member's value: plain [`value`]
/// for members skipped whole, a nested scan for members descended into, so
/// that no part of the input is scanned twice.
pub(super) fn members_with<'a>(
    bytes: &'a [u8],
    at: usize,
    mut read_value: impl FnMut(&'a [u8], usize) -> Scan<Span>,
) -> Scan<(Vec<Member<'a>>, usize)> {
    if bytes.get(at) != Some(&b'{') {
        return error(at, "expected an object");
    }
    let mut members = Vec::new();
    let mut position = skip_whitespace(bytes, at + 1);
    if bytes.get(position) == Some(&b'}') {
        return Ok((members, position + 1));
    }
    loop {
        if bytes.get(position) != Some(&b'"') {
            return error(position, "expected a key");
        }
        let key_end = skip_string(bytes, position)?;
        let key = &bytes[position + 1..key_end - 1];
        position = skip_whitespace(bytes, key_end);
        if bytes.get(position) != Some(&b':') {
            return error(position, "expected `:` after a key");
        }
        position = skip_whitespace(bytes, position + 1);
        let value = read_value(key, position)?;
        members.push(Member { key, value });
        position = skip_whitespace(bytes, value.end);
        match bytes.get(position) {
            Some(b',') => position = skip_whitespace(bytes, position + 1),
            Some(b'}') => return Ok((members, position + 1)),
            _ => return error(position, "expected `,` or `}`"),
        }
    }
}

/// The members of the object whose `{` is at `at`.
pub(super) fn members(bytes: &[u8], at: usize) -> Scan<Vec<Member<'_>>> {
    members_with(bytes, at, |_, at| value(bytes, at)).map(|(members, _)| members)
}

/// The elements of the array whose `[` is at `at`, and the offset past its
/// `]`; `read_value(at)` reads each element (see [`members_with`]).
pub(super) fn elements_with(
    bytes: &[u8],
    at: usize,
    mut read_value: impl FnMut(usize) -> Scan<Span>,
) -> Scan<(Vec<Span>, usize)> {
    if bytes.get(at) != Some(&b'[') {
        return error(at, "expected an array");
    }
    let mut elements = Vec::new();
    let mut position = skip_whitespace(bytes, at + 1);
    if bytes.get(position) == Some(&b']') {
        return Ok((elements, position + 1));
    }
    loop {
        let value = read_value(position)?;
        elements.push(value);
        position = skip_whitespace(bytes, value.end);
        match bytes.get(position) {
            Some(b',') => position = skip_whitespace(bytes, position + 1),
            Some(b']') => return Ok((elements, position + 1)),
            _ => return error(position, "expected `,` or `]`"),
        }
    }
}

/// The elements of the array whose `[` is at `at`.
pub(super) fn elements(bytes: &[u8], at: usize) -> Scan<Vec<Span>> {
    elements_with(bytes, at, |at| value(bytes, at)).map(|(elements, _)| elements)
}

/// Bytes of a large array scanned by one task of [`elements_parallel`].
const CHUNK: usize = 1 << 20;

/// How far past its stop a task of [`elements_parallel`] may read: an
/// element reaching further is finished by the sequential scan.
const SLACK: usize = 4 << 20;

/// Arrays shorter than this are scanned sequentially.
const PARALLEL_MIN_BYTES: usize = 4 * CHUNK;

/// How one stretch of an array's elements ended.
enum Stop {
    /// The next element starts here (at or past the stretch's stop).
    Next(usize),
    /// The array ended; the offset is past its `]`.
    End(usize),
    /// The task's window of the input ended first.
    Cut,
    /// Not JSON here.
    Failed(ScanError),
}

/// The elements of one stretch of an array, scanned from `start`, which is
/// taken to be an element's first byte, until an element starts at or past
/// `stop` or the array ends. Reads only `bytes[..limit]`; running into that
/// limit (short of the input's end) is [`Stop::Cut`], not an error.
fn stretch(bytes: &[u8], limit: usize, start: usize, stop: usize) -> (Vec<Span>, Stop) {
    let window = &bytes[..limit.min(bytes.len())];
    let whole = window.len() == bytes.len();
    let cut = |offset: usize| !whole && offset >= window.len();
    let mut elements = Vec::with_capacity(stop.min(window.len()).saturating_sub(start) / 256);
    let mut position = start;
    loop {
        let value = match value(window, position) {
            Ok(value) => value,
            Err(error) if cut(error.offset) => return (elements, Stop::Cut),
            Err(error) => return (elements, Stop::Failed(error)),
        };
        elements.push(value);
        position = skip_whitespace(window, value.end);
        match window.get(position) {
            Some(b',') => position = skip_whitespace(window, position + 1),
            Some(b']') => return (elements, Stop::End(position + 1)),
            _ if cut(position) => return (elements, Stop::Cut),
            _ => {
                let error = ScanError {
                    offset: position,
                    message: "expected `,` or `]`",
                };
                return (elements, Stop::Failed(error));
            }
        }
        if cut(position) {
            return (elements, Stop::Cut);
        }
        if position >= stop {
            return (elements, Stop::Next(position));
        }
    }
}

/// The first `{` at or after `at` that follows a `,` that follows a `}`
/// (whitespace between allowed). In an array of objects every element but
/// the first starts at one; one inside an element or a string is a wrong
/// guess, which [`elements_parallel`] detects.
/// Looks at most `chunk` bytes ahead.
fn candidate(bytes: &[u8], at: usize, chunk: usize) -> Option<usize> {
    let end = bytes.len().min(at.saturating_add(chunk));
    let mut open = at;
    loop {
        open += bytes.get(open..end)?.iter().position(|&b| b == b'{')?;
        let before = |end: usize| {
            bytes[..end]
                .iter()
                .rposition(|b| !matches!(b, b' ' | b'\n' | b'\r' | b'\t'))
        };
        if let Some(comma) = before(open)
            && bytes[comma] == b','
            && before(comma).is_some_and(|close| bytes[close] == b'}')
        {
            return Some(open);
        }
        open += 1;
    }
}

/// [`elements_with`] plain [`value`]s, on all cores for a large array:
/// the same elements, end and errors as the sequential scan.
///
/// The array is cut into stretches of about [`CHUNK`] bytes, scanned a wave
/// of one stretch per thread at a time. The first stretch of a wave starts
/// at a known element; each other one at a guessed element start (see
/// [`candidate`]), and runs until an element starts at or past the next
/// stretch's guess. A guess holds only when the stretch before it ended
/// exactly there; a stretch whose guess failed, or that ran past its window
/// (`SLACK` bytes past its stop), is scanned again from where the one
/// before it ended. So every element, the end and the first error are
/// those of one sequential scan.
pub(super) fn elements_parallel(bytes: &[u8], at: usize) -> Scan<(Vec<Span>, usize)> {
    let threads = rayon::current_num_threads();
    if threads < 2 || bytes.len().saturating_sub(at) < PARALLEL_MIN_BYTES {
        return elements_with(bytes, at, |at| value(bytes, at));
    }
    elements_in_waves(bytes, at, threads, CHUNK, SLACK)
}

/// [`elements_parallel`] with its sizes as parameters (for the tests).
pub(super) fn elements_in_waves(
    bytes: &[u8],
    at: usize,
    threads: usize,
    chunk: usize,
    slack: usize,
) -> Scan<(Vec<Span>, usize)> {
    use rayon::prelude::*;
    if bytes.get(at) != Some(&b'[') {
        return error(at, "expected an array");
    }
    let mut elements = Vec::new();
    let mut position = skip_whitespace(bytes, at + 1);
    if bytes.get(position) == Some(&b']') {
        return Ok((elements, position + 1));
    }
    loop {
        // Stretch k starts at guess k (k > 0) and stops at guess k + 1.
        let guesses: Vec<Option<usize>> = (1..threads)
            .map(|k| {
                candidate(
                    bytes,
                    position.saturating_add(k.saturating_mul(chunk)),
                    chunk,
                )
            })
            .collect();
        let starts: Vec<Option<usize>> = std::iter::once(Some(position))
            .chain(guesses.iter().copied())
            .collect();
        let stops: Vec<usize> = (1..=threads)
            .map(|k| {
                let guess = guesses.get(k - 1).copied().flatten();
                guess.unwrap_or(position.saturating_add(k.saturating_mul(chunk)))
            })
            .collect();
        let scanned: Vec<Option<(Vec<Span>, Stop)>> = starts
            .par_iter()
            .zip(&stops)
            .map(|(start, &stop)| Some(stretch(bytes, stop.saturating_add(slack), (*start)?, stop)))
            .collect();
        for ((start, &stop), result) in starts.iter().zip(&stops).zip(scanned) {
            let (found, end) = match result {
                Some((found, end)) if *start == Some(position) && !matches!(end, Stop::Cut) => {
                    (found, end)
                }
                _ => stretch(bytes, bytes.len(), position, stop),
            };
            elements.extend(found);
            match end {
                Stop::Next(next) => position = next,
                Stop::End(end) => return Ok((elements, end)),
                // Only a window is cut: the whole input ends in an error.
                Stop::Cut => return error(bytes.len(), "unexpected end of input"),
                Stop::Failed(error) => return Err(error),
            }
        }
    }
}

/// Checks that only whitespace follows the top-level value ending at `end`.
pub(super) fn check_trailing(bytes: &[u8], end: usize) -> Scan<()> {
    let rest = skip_whitespace(bytes, end);
    if rest != bytes.len() {
        return error(rest, "trailing characters after the document");
    }
    Ok(())
}

/// The top-level value's span, checking that only whitespace follows it.
#[cfg(test)]
pub(super) fn document(bytes: &[u8]) -> Scan<Span> {
    let start = skip_whitespace(bytes, 0);
    let span = value(bytes, start)?;
    check_trailing(bytes, span.end)?;
    Ok(span)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn members_and_elements_split_at_the_top_level_only() {
        let json = br#" {"a": [1, {"b": "]}"}], "c\"d" : "x\\", "e":null} "#;
        let document = document(json).unwrap();
        let members = members(json, document.start).unwrap();
        let keys: Vec<_> = members.iter().map(|m| m.key).collect();
        assert_eq!(keys, [&b"a"[..], br#"c\"d"#, b"e"]);
        assert_eq!(members[1].value.of(json), br#""x\\""#);
        let elements = elements(json, members[0].value.start).unwrap();
        assert_eq!(elements.len(), 2);
        assert_eq!(elements[1].of(json), br#"{"b": "]}"}"#);
    }

    #[test]
    fn truncated_and_malformed_input_is_an_error_not_a_panic() {
        for json in [
            &b"{"[..],
            b"{\"a\"",
            b"{\"a\":",
            b"{\"a\":[1,",
            b"[\"\\",
            b"{\"a\":1,}",
            b"",
            b"{} x",
        ] {
            let result = document(json).and_then(|span| members(json, span.start).map(|_| ()));
            assert!(result.is_err(), "{:?}", String::from_utf8_lossy(json));
        }
    }

    #[test]
    fn word_search_finds_the_first_match_at_any_offset() {
        let mut text = vec![b'a'; 40];
        for at in 0..40 {
            text[at] = b']';
            assert_eq!(find_structural(&text, 0), Some(at));
            text[at] = b'\\';
            assert_eq!(find_string_special(&text, 0), Some(at));
            assert_eq!(find_structural(&text, 0), None);
            text[at] = b'a';
        }
        for byte in 0..=255u8 {
            let text = [byte; 17];
            let structural = matches!(byte, b'"' | b'{' | b'}' | b'[' | b']');
            assert_eq!(find_structural(&text, 0).is_some(), structural, "{byte:#x}");
            assert_eq!(
                find_string_special(&text, 0).is_some(),
                byte == b'"' || byte == b'\\',
                "{byte:#x}"
            );
        }
    }

    /// Every way to split `json`'s top-level array in waves finds what the
    /// sequential scan finds: the same elements and end, or the same error.
    fn waves_agree(json: &[u8]) {
        let at = skip_whitespace(json, 0);
        let sequential = elements_with(json, at, |at| value(json, at));
        for threads in [2, 3, 5] {
            for chunk in [1, 2, 3, 7, 16, 64] {
                for slack in [0, 5, 1000] {
                    let waves = elements_in_waves(json, at, threads, chunk, slack);
                    assert_eq!(
                        waves,
                        sequential,
                        "threads {threads}, chunk {chunk}, slack {slack}: {}",
                        String::from_utf8_lossy(json)
                    );
                }
            }
        }
    }

    #[test]
    fn waves_of_guessed_stretches_agree_with_the_sequential_scan() {
        let element = r#"{"a":[{"b":1},{"c":"},{"}],"d":{"e":[{},{}]},"s":"x},{y\\"}"#;
        let many = vec![element; 40].join(" ,\n {\"k\":0},");
        for json in [
            format!("[{many}]"),
            format!("[ {many} ] "),
            // Elements that are not objects, and nested arrays of objects.
            format!("[1, \"}},{{\", [{{}},{{}}], {many}, null, {many}]"),
            // Errors: a missing separator, a cut string, a cut array.
            format!("[{many} {element}]"),
            format!("[{many}, \"cut"),
            format!("[{many}, {element}"),
            format!("[{many},]"),
            "[]".to_owned(),
            "[ ]".to_owned(),
            "{}".to_owned(),
        ] {
            waves_agree(json.as_bytes());
        }
    }

    #[test]
    fn deep_nesting_needs_no_recursion() {
        let json = "[".repeat(100_000) + &"]".repeat(100_000);
        assert_eq!(document(json.as_bytes()).unwrap().end, json.len());
    }
}
