//! Content sniffing: what a file looks like from its first bytes.

use std::path::Path;

/// How many bytes of a file detection looks at.
pub const HEAD_LEN: usize = 64 * 1024;

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

/// What detectors see of a file: its path and its first [`HEAD_LEN`] bytes.
#[derive(Debug, Clone, Copy)]
pub struct Sniff<'a> {
    /// The file's path (detectors use it only as a tie-breaker).
    pub path: &'a Path,
    /// The first bytes, BOM removed, leading whitespace kept.
    pub head: &'a [u8],
    /// The shape of the content.
    pub shape: Shape,
}

impl<'a> Sniff<'a> {
    /// Sniffs content that has already had its BOM removed.
    pub fn new(path: &'a Path, content: &'a [u8]) -> Sniff<'a> {
        let head = &content[..content.len().min(HEAD_LEN)];
        let shape = match head.iter().find(|b| !b.is_ascii_whitespace()) {
            Some(b'{') => Shape::JsonObject,
            Some(b'[') => Shape::JsonArray,
            Some(b'<') => Shape::Xml,
            _ => Shape::Text,
        };
        Sniff { path, head, shape }
    }

    /// True if the head contains `needle`.
    pub fn contains(&self, needle: &str) -> bool {
        memchr::memmem::find(self.head, needle.as_bytes()).is_some()
    }

    /// True if the head contains every needle.
    pub fn contains_all(&self, needles: &[&str]) -> bool {
        needles.iter().all(|needle| self.contains(needle))
    }

    /// True if the head contains the JSON key `"key"` followed by a colon.
    ///
    /// Tolerates whitespace between the key and the colon, so pretty-printed
    /// and compact JSON both match.
    pub fn has_json_key(&self, key: &str) -> bool {
        let quoted = format!("\"{key}\"");
        memchr::memmem::find_iter(self.head, quoted.as_bytes()).any(|at| {
            self.head[at + quoted.len()..]
                .iter()
                .find(|b| !b.is_ascii_whitespace())
                .is_some_and(|&b| b == b':')
        })
    }

    /// The file name's extension, lowercased.
    pub fn extension(&self) -> Option<String> {
        self.path
            .extension()
            .and_then(|ext| ext.to_str())
            .map(str::to_ascii_lowercase)
    }

    /// The file name.
    pub fn file_name(&self) -> Option<&str> {
        self.path.file_name().and_then(|name| name.to_str())
    }

    /// The local name of the XML root element, skipping the declaration,
    /// comments, processing instructions and DOCTYPE.
    pub fn xml_root(&self) -> Option<&'a str> {
        if self.shape != Shape::Xml {
            return None;
        }
        let mut rest = self.head;
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
                    rest = &rest[end..];
                }
                _ => {
                    let end = rest
                        .iter()
                        .position(|b| b.is_ascii_whitespace() || *b == b'>' || *b == b'/')?;
                    let name = std::str::from_utf8(&rest[..end]).ok()?;
                    return Some(name.rsplit(':').next().unwrap_or(name));
                }
            }
        }
    }
}

/// True if a DOCTYPE declaration has an internal subset (`[…]`) before its end.
fn has_internal_subset(doctype: &[u8]) -> bool {
    match (memchr::memchr(b'[', doctype), memchr::memchr(b'>', doctype)) {
        (Some(bracket), Some(end)) => bracket < end,
        (Some(_), None) => true,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sniff(content: &str) -> Sniff<'_> {
        Sniff::new(Path::new("x"), content.as_bytes())
    }

    #[test]
    fn finds_the_xml_root_past_prolog_and_doctype() {
        let xml = "<?xml version=\"1.0\"?>\n<!-- c > -->\n<!DOCTYPE coverage SYSTEM \"x.dtd\">\n<coverage line-rate=\"1\">";
        assert_eq!(sniff(xml).xml_root(), Some("coverage"));
        assert_eq!(sniff("<ns:report/>").xml_root(), Some("report"));
        assert_eq!(sniff("{}").xml_root(), None);
    }

    #[test]
    fn json_keys_match_with_any_spacing() {
        assert!(sniff("{\"runs\" : []}").has_json_key("runs"));
        assert!(!sniff("{\"x\": \"runs\"}").has_json_key("runs"));
        assert_eq!(sniff("  [1]").shape, Shape::JsonArray);
    }
}
