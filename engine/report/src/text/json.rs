//! Pretty JSON that is faithful and still safe to print.
//!
//! serde_json escapes C0 controls, `"` and `\`, but writes DEL, C1 controls,
//! bidi controls, U+2028/U+2029 and zero-width characters raw, and a JSON
//! report printed to a CI log is read by the runner line by line like any
//! other output. This formatter writes every character of
//! [`is_hidden`](super::is_hidden) as a `\uXXXX` escape (a surrogate pair
//! above U+FFFF) and the `[` of a `##…[` command marker as `\u005b`, so the
//! text parses back to exactly the original and no such character or marker
//! appears raw. Every verdict JSON output goes through here.

use serde::Serialize;
use serde_json::ser::{Formatter, PrettyFormatter};
use std::io;

/// `value` as pretty JSON (two-space indent), with hidden characters escaped.
pub fn to_string_pretty<T: Serialize + ?Sized>(value: &T) -> serde_json::Result<String> {
    let mut bytes = Vec::new();
    to_writer_pretty(&mut bytes, value)?;
    // The serializer writes only valid UTF-8 (strings, escapes, ASCII).
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// Writes `value` as pretty JSON, with hidden characters escaped.
pub fn to_writer_pretty<W: io::Write, T: Serialize + ?Sized>(
    writer: W,
    value: &T,
) -> serde_json::Result<()> {
    let mut serializer = serde_json::Serializer::with_formatter(writer, SafeFormatter::default());
    value.serialize(&mut serializer)
}

/// [`PrettyFormatter`] with the string escapes above.
#[derive(Default)]
struct SafeFormatter<'a> {
    pretty: PrettyFormatter<'a>,
}

impl Formatter for SafeFormatter<'_> {
    fn write_string_fragment<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        // A fragment is a run of a string between serde_json's own escapes,
        // so a `##…[` marker never spans two fragments unbroken.
        let mut start = 0;
        for (index, c) in fragment.char_indices() {
            let hidden =
                super::is_hidden(c) || (c == '[' && super::completes_marker(&fragment[..index]));
            if !hidden {
                continue;
            }
            writer.write_all(&fragment.as_bytes()[start..index])?;
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                write!(writer, "\\u{unit:04x}")?;
            }
            start = index + c.len_utf8();
        }
        writer.write_all(&fragment.as_bytes()[start..])
    }

    fn begin_array<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.pretty.begin_array(writer)
    }

    fn end_array<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.pretty.end_array(writer)
    }

    fn begin_array_value<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.pretty.begin_array_value(writer, first)
    }

    fn end_array_value<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.pretty.end_array_value(writer)
    }

    fn begin_object<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.pretty.begin_object(writer)
    }

    fn end_object<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.pretty.end_object(writer)
    }

    fn begin_object_key<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.pretty.begin_object_key(writer, first)
    }

    fn begin_object_value<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.pretty.begin_object_value(writer)
    }

    fn end_object_value<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.pretty.end_object_value(writer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOSTILE: &str = "a\u{1b}[31m\r\n::error::x\u{7f}\u{85}\u{9b}\u{202e}\u{2066}\u{2028}\u{2029}\u{200b}\u{feff}\u{e0041}\0 ##[error]y ##vso[z] \\ \" é 漢 🦀";

    #[test]
    fn hidden_characters_are_escaped_and_the_text_reads_back_exactly() {
        let text =
            to_string_pretty(&serde_json::json!({ "message": HOSTILE, HOSTILE: 1 })).unwrap();
        for c in text.chars() {
            assert!(
                c == '\n' || !crate::text::is_hidden(c),
                "raw {c:?} in {text}"
            );
        }
        assert!(!text.contains("##["), "{text}");
        assert!(!text.contains("##vso["), "{text}");
        assert!(text.contains(r"\u001b"), "{text}");
        assert!(text.contains(r"\u202e"), "{text}");
        assert!(text.contains(r"\udb40\udc41"), "{text}");
        // Printable non-ASCII stays readable.
        assert!(text.contains("é 漢 🦀"), "{text}");
        let back: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back["message"], HOSTILE);
        assert_eq!(back[HOSTILE], 1);
    }

    #[test]
    fn layout_matches_serde_json_pretty() {
        let value = serde_json::json!({ "a": [1, { "b": "c" }], "d": [], "e": {} });
        assert_eq!(
            to_string_pretty(&value).unwrap(),
            serde_json::to_string_pretty(&value).unwrap()
        );
    }
}
