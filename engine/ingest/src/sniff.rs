//! Content sniffing: what a file is, from its structure.
//!
//! Detection never looks at a window of bytes: a JSON document is known by
//! its **top-level** keys (of the object; of the first record of JSON Lines;
//! of the first element of an array), found by a skim over the whole
//! document that skips values without allocating them, and an XML document
//! by its root element. A key nested at any depth never decides a format, so
//! no field an attacker controls (a 70,000-character author name, Docker
//! labels named `runs`) can push a report out of its format or into another.

use std::borrow::Cow;
use std::cell::OnceCell;
use std::path::Path;

/// The coarse shape of a file, from its first non-blank byte.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// Starts with `{`.
    JsonObject,
    /// Starts with `[`.
    JsonArray,
    /// Starts with `<`.
    Xml,
    /// Anything else.
    Text,
}

impl Shape {
    /// The shape of content (BOM already removed).
    pub fn of(content: &[u8]) -> Shape {
        match content.iter().find(|b| !b.is_ascii_whitespace()) {
            Some(b'{') => Shape::JsonObject,
            Some(b'[') => Shape::JsonArray,
            Some(b'<') => Shape::Xml,
            _ => Shape::Text,
        }
    }
}

/// What detectors see of a file: its path, its content and, computed once
/// on first use, its JSON outline.
#[derive(Debug, Clone)]
pub struct Sniff<'a> {
    /// The file's path (detectors never use it; file-name claims live in
    /// the registry, `Format::names`).
    pub path: &'a Path,
    /// The whole content, BOM removed.
    pub content: &'a [u8],
    /// The shape of the content.
    pub shape: Shape,
    outline: OnceCell<Outline<'a>>,
}

/// What kind of JSON value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JsonKind {
    /// `{…}`
    Object,
    /// `[…]`
    Array,
    /// `"…"`
    String,
    /// Anything else: a number, `true`, `false`, `null`, or not JSON.
    Scalar,
}

/// One JSON value as found by the skim: its kind and its raw text (up to
/// where the skim stopped, for a truncated document).
#[derive(Debug, Clone, Copy)]
pub struct JsonValue<'a> {
    /// The value's kind.
    pub kind: JsonKind,
    /// Its raw bytes.
    pub raw: &'a [u8],
}

impl<'a> JsonValue<'a> {
    fn at(bytes: &'a [u8], start: usize) -> Option<JsonValue<'a>> {
        let kind = match bytes.get(start)? {
            b'{' => JsonKind::Object,
            b'[' => JsonKind::Array,
            b'"' => JsonKind::String,
            _ => JsonKind::Scalar,
        };
        let end = skip_value(bytes, start).unwrap_or(bytes.len());
        Some(JsonValue {
            kind,
            raw: &bytes[start..end],
        })
    }

    /// The keys of this object, in order (empty for other kinds).
    pub fn keys(&self) -> Vec<Cow<'a, str>> {
        if self.kind != JsonKind::Object {
            return Vec::new();
        }
        members(self.raw, 0)
            .into_iter()
            .map(|member| member.key)
            .collect()
    }

    /// The first element of this array.
    pub fn first_element(&self) -> Option<JsonValue<'a>> {
        if self.kind != JsonKind::Array {
            return None;
        }
        let start = skip_whitespace(self.raw, 1);
        match self.raw.get(start)? {
            b']' => None,
            _ => JsonValue::at(self.raw, start),
        }
    }

    /// True for an empty array `[]`.
    pub fn is_empty_array(&self) -> bool {
        self.kind == JsonKind::Array && self.raw.get(skip_whitespace(self.raw, 1)) == Some(&b']')
    }

    /// The decoded string, for a complete string value.
    pub fn as_str(&self) -> Option<Cow<'a, str>> {
        if self.kind != JsonKind::String || self.raw.len() < 2 {
            return None;
        }
        decode_string(self.raw)
    }
}

/// One top-level member: a key and its value.
#[derive(Debug, Clone)]
struct Member<'a> {
    key: Cow<'a, str>,
    value: JsonValue<'a>,
}

/// The structure detection reads: top-level members, and an array's first
/// element.
#[derive(Debug, Clone, Default)]
struct Outline<'a> {
    members: Vec<Member<'a>>,
    first_element: Option<JsonValue<'a>>,
}

impl<'a> Sniff<'a> {
    /// Sniffs content that has already had its BOM removed. Cheap: the JSON
    /// skim runs when a detector first asks for keys.
    pub fn new(path: &'a Path, content: &'a [u8]) -> Sniff<'a> {
        Sniff {
            path,
            content,
            shape: Shape::of(content),
            outline: OnceCell::new(),
        }
    }

    fn outline(&self) -> &Outline<'a> {
        self.outline.get_or_init(|| {
            let start = skip_whitespace(self.content, 0);
            match self.shape {
                Shape::JsonObject => Outline {
                    members: members(self.content, start),
                    first_element: None,
                },
                Shape::JsonArray => {
                    let array = JsonValue::at(self.content, start);
                    let first_element = array.and_then(|array| array.first_element());
                    let members = match first_element {
                        Some(first) if first.kind == JsonKind::Object => members(first.raw, 0),
                        _ => Vec::new(),
                    };
                    Outline {
                        members,
                        first_element,
                    }
                }
                Shape::Xml | Shape::Text => Outline::default(),
            }
        })
    }

    /// The top-level keys: of the object, of the first record of JSON
    /// Lines, or of the first element of an array when it is an object.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.outline().members.iter().map(|member| &*member.key)
    }

    /// True if `key` is a top-level key (see [`Sniff::keys`]).
    pub fn has_key(&self, key: &str) -> bool {
        self.keys().any(|candidate| candidate == key)
    }

    /// True if every key is a top-level key.
    pub fn has_keys(&self, keys: &[&str]) -> bool {
        keys.iter().all(|key| self.has_key(key))
    }

    /// The value of a top-level key.
    pub fn value(&self, key: &str) -> Option<JsonValue<'a>> {
        self.outline()
            .members
            .iter()
            .find(|member| member.key == key)
            .map(|member| member.value)
    }

    /// The value of a top-level key, when it is of `kind`.
    pub fn value_of_kind(&self, key: &str, kind: JsonKind) -> Option<JsonValue<'a>> {
        self.value(key).filter(|value| value.kind == kind)
    }

    /// The decoded string value of a top-level key.
    pub fn string(&self, key: &str) -> Option<Cow<'a, str>> {
        self.value(key).and_then(|value| value.as_str())
    }

    /// For an array document, its first element.
    pub fn first_element(&self) -> Option<JsonValue<'a>> {
        self.outline().first_element
    }

    /// The first non-empty line, trimmed (for line-based text formats).
    pub fn first_line(&self) -> Option<&'a [u8]> {
        self.content
            .split(|&b| b == b'\n')
            .map(<[u8]>::trim_ascii)
            .find(|line| !line.is_empty())
    }

    /// True if the content contains `needle` anywhere (text formats only).
    pub fn contains(&self, needle: &str) -> bool {
        memchr::memmem::find(self.content, needle.as_bytes()).is_some()
    }

    /// The local name of the XML root element.
    pub fn xml_root(&self) -> Option<&'a str> {
        self.xml().map(|root| root.name)
    }

    /// The XML root element: name, attribute names, first child and the
    /// DOCTYPE before it.
    pub fn xml(&self) -> Option<XmlRoot<'a>> {
        if self.shape != Shape::Xml {
            return None;
        }
        xml_root(self.content)
    }
}

/// The XML root element, as detection reads it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct XmlRoot<'a> {
    /// Local name (namespace prefix removed).
    pub name: &'a str,
    /// Local names of its attributes.
    pub attributes: Vec<&'a str>,
    /// Local name of its first child element, if any.
    pub first_child: Option<&'a str>,
    /// The DOCTYPE declaration's text, if any.
    pub doctype: Option<&'a str>,
}

fn xml_root(content: &[u8]) -> Option<XmlRoot<'_>> {
    let mut root = XmlRoot::default();
    let mut rest = content;
    loop {
        let start = memchr::memchr(b'<', rest)?;
        rest = &rest[start + 1..];
        match rest.first()? {
            b'?' | b'!' => {
                // Declarations, comments and DOCTYPE: skip to their end.
                // A DOCTYPE internal subset may hold '>' inside brackets.
                let end = if rest.starts_with(b"!--") {
                    memchr::memmem::find(rest, b"-->")? + 3
                } else if rest.starts_with(b"!DOCTYPE") && has_internal_subset(rest) {
                    memchr::memmem::find(rest, b"]>")? + 2
                } else {
                    memchr::memchr(b'>', rest)? + 1
                };
                if rest.starts_with(b"!DOCTYPE") {
                    root.doctype = std::str::from_utf8(&rest[..end]).ok();
                }
                rest = &rest[end..];
            }
            _ => break,
        }
    }
    let (name, after) = xml_name(rest)?;
    root.name = name;
    rest = after;
    // Attributes up to the end of the start tag; values may hold '>'.
    loop {
        let at = rest.iter().position(|b| !b.is_ascii_whitespace())?;
        rest = &rest[at..];
        match rest.first()? {
            b'>' => break,
            b'/' => return Some(root),
            _ => {
                let (attribute, after) = xml_name(rest)?;
                root.attributes.push(attribute);
                let quote_at = after.iter().position(|b| *b == b'"' || *b == b'\'')?;
                let quote = after[quote_at];
                let value = &after[quote_at + 1..];
                let close = memchr::memchr(quote, value)?;
                rest = &value[close + 1..];
            }
        }
    }
    // The first child element, past text, comments, CDATA and PIs.
    loop {
        let start = memchr::memchr(b'<', rest)?;
        rest = &rest[start + 1..];
        let end = match rest.first()? {
            b'/' => return Some(root),
            b'!' if rest.starts_with(b"![CDATA[") => memchr::memmem::find(rest, b"]]>")? + 3,
            b'!' if rest.starts_with(b"!--") => memchr::memmem::find(rest, b"-->")? + 3,
            b'!' | b'?' => memchr::memchr(b'>', rest)? + 1,
            _ => {
                root.first_child = xml_name(rest).map(|(name, _)| name);
                return Some(root);
            }
        };
        rest = &rest[end..];
    }
}

/// A name at the start of `bytes`, local part only, and what follows it.
fn xml_name(bytes: &[u8]) -> Option<(&str, &[u8])> {
    let end = bytes
        .iter()
        .position(|b| b.is_ascii_whitespace() || matches!(b, b'>' | b'/' | b'='))?;
    let name = std::str::from_utf8(&bytes[..end]).ok()?;
    if name.is_empty() {
        return None;
    }
    Some((name.rsplit(':').next().unwrap_or(name), &bytes[end..]))
}

/// True if a DOCTYPE declaration has an internal subset (`[…]`) before its end.
fn has_internal_subset(doctype: &[u8]) -> bool {
    match (memchr::memchr(b'[', doctype), memchr::memchr(b'>', doctype)) {
        (Some(bracket), Some(end)) => bracket < end,
        (Some(_), None) => true,
        _ => false,
    }
}

/// Bytes that change the skim's state outside strings.
static STRUCTURAL: [bool; 256] = {
    let mut table = [false; 256];
    table[b'"' as usize] = true;
    table[b'{' as usize] = true;
    table[b'}' as usize] = true;
    table[b'[' as usize] = true;
    table[b']' as usize] = true;
    table
};

fn skip_whitespace(bytes: &[u8], mut at: usize) -> usize {
    while bytes.get(at).is_some_and(u8::is_ascii_whitespace) {
        at += 1;
    }
    at
}

/// The end (exclusive) of the string starting at `at` (a `"`).
fn skip_string(bytes: &[u8], at: usize) -> Option<usize> {
    let mut from = at + 1;
    loop {
        let found = from + memchr::memchr2(b'"', b'\\', bytes.get(from..)?)?;
        if bytes[found] == b'\\' {
            from = found + 2;
        } else {
            return Some(found + 1);
        }
    }
}

/// The end (exclusive) of the value starting at `at`, found without
/// recursion or allocation: nesting is a counter, strings are skipped with
/// `memchr`. Brackets are not matched by type; the parser checks that.
/// `None` when the document ends first.
fn skip_value(bytes: &[u8], at: usize) -> Option<usize> {
    match bytes.get(at)? {
        b'"' => return skip_string(bytes, at),
        b'{' | b'[' => {}
        _ => {
            let end = bytes[at..]
                .iter()
                .position(|b| b.is_ascii_whitespace() || matches!(b, b',' | b'}' | b']'))
                .map_or(bytes.len(), |offset| at + offset);
            return Some(end);
        }
    }
    let mut depth = 0usize;
    let mut position = at;
    loop {
        while position < bytes.len() && !STRUCTURAL[bytes[position] as usize] {
            position += 1;
        }
        match bytes.get(position)? {
            b'"' => position = skip_string(bytes, position)?,
            b'{' | b'[' => {
                depth += 1;
                position += 1;
            }
            _ => {
                depth -= 1;
                position += 1;
                if depth == 0 {
                    return Some(position);
                }
            }
        }
    }
}

/// The members of the object starting at `at`, as far as they can be read
/// (a truncated or malformed document keeps the members before the fault).
fn members(bytes: &[u8], at: usize) -> Vec<Member<'_>> {
    let mut found = Vec::new();
    if bytes.get(at) != Some(&b'{') {
        return found;
    }
    let mut position = skip_whitespace(bytes, at + 1);
    loop {
        if bytes.get(position) != Some(&b'"') {
            return found;
        }
        let Some(key_end) = skip_string(bytes, position) else {
            return found;
        };
        let key = decode_string(&bytes[position..key_end]);
        position = skip_whitespace(bytes, key_end);
        if bytes.get(position) != Some(&b':') {
            return found;
        }
        position = skip_whitespace(bytes, position + 1);
        let Some(value) = JsonValue::at(bytes, position) else {
            return found;
        };
        if let Some(key) = key {
            found.push(Member { key, value });
        }
        position = skip_whitespace(bytes, position + value.raw.len());
        match bytes.get(position) {
            Some(b',') => position = skip_whitespace(bytes, position + 1),
            _ => return found,
        }
    }
}

/// A quoted JSON string's text, escapes decoded (borrowed when it has none).
fn decode_string(quoted: &[u8]) -> Option<Cow<'_, str>> {
    let inner = quoted.get(1..quoted.len().checked_sub(1)?)?;
    if memchr::memchr(b'\\', inner).is_none() {
        return std::str::from_utf8(inner).ok().map(Cow::Borrowed);
    }
    serde_json::from_slice::<String>(quoted)
        .ok()
        .map(Cow::Owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sniff(content: &str) -> Sniff<'_> {
        Sniff::new(Path::new("x"), content.as_bytes())
    }

    fn keys(content: &str) -> Vec<String> {
        sniff(content).keys().map(str::to_owned).collect()
    }

    #[test]
    fn finds_the_xml_root_past_prolog_and_doctype() {
        let xml = "<?xml version=\"1.0\"?>\n<!-- c > -->\n<!DOCTYPE coverage SYSTEM \"x.dtd\">\n<coverage line-rate=\"1\" a='>'><!-- <x> --><sources/>";
        let root = sniff(xml).xml().unwrap();
        assert_eq!(root.name, "coverage");
        assert_eq!(root.attributes, ["line-rate", "a"]);
        assert_eq!(root.first_child, Some("sources"));
        assert!(root.doctype.unwrap().contains("coverage SYSTEM"));
        assert_eq!(sniff("<ns:report/>").xml_root(), Some("report"));
        assert_eq!(sniff("<report></report>").xml().unwrap().first_child, None);
        assert_eq!(sniff("{}").xml_root(), None);
    }

    #[test]
    fn only_top_level_keys_count() {
        assert_eq!(
            keys(r#"{"a": {"runs": [], "b": "\"}"}, "c" : [1, {"d": 2}], "e": null}"#),
            ["a", "c", "e"]
        );
        assert!(!sniff(r#"{"x": "runs"}"#).has_key("runs"));
        assert_eq!(keys(r#"[{"k": 1}, {"other": 2}]"#), ["k"]);
        assert_eq!(keys("{\"a\": 1}\n{\"b\": 2}\n"), ["a"]);
        assert_eq!(keys(r#"{"r\u0075ns": []}"#), ["runs"]);
        assert_eq!(sniff("  [1]").shape, Shape::JsonArray);
    }

    #[test]
    fn values_are_reachable_by_top_level_key() {
        let doc = sniff(r#"{"version": "2.1.0", "error": {"code": "E", "summary": "s"}, "l": []}"#);
        assert_eq!(doc.string("version").as_deref(), Some("2.1.0"));
        assert_eq!(doc.value("error").unwrap().keys(), ["code", "summary"]);
        assert!(doc.value("l").unwrap().is_empty_array());
        let array = sniff(r#"[["a", "b"], 1]"#);
        assert_eq!(array.first_element().unwrap().raw, br#"["a", "b"]"#);
    }

    #[test]
    fn a_truncated_document_keeps_the_keys_before_the_cut() {
        assert_eq!(
            keys(r#"{"SchemaVersion": 2, "Results": [{"a": "#),
            ["SchemaVersion", "Results"]
        );
        assert_eq!(keys(r#"{"a": 1, "b"#), ["a"]);
    }

    #[test]
    fn deep_nesting_does_not_recurse() {
        let deep = format!(
            "{{\"deep\": {}{}, \"after\": 1}}",
            "[".repeat(1_000_000),
            "]".repeat(1_000_000)
        );
        assert_eq!(keys(&deep), ["deep", "after"]);
        let unclosed = format!("{{\"a\": {}", "{\"b\":".repeat(100_000));
        assert_eq!(keys(&unclosed), ["a"]);
    }

    #[test]
    fn a_huge_value_does_not_hide_later_keys() {
        let huge = format!(
            "{{\"name\": \"{}\", \"runs\": [], \"version\": \"2.1.0\"}}",
            "x".repeat(200_000)
        );
        assert_eq!(keys(&huge), ["name", "runs", "version"]);
    }
}
