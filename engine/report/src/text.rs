//! Untrusted text made safe to print: the one place that decides how file
//! paths, messages, rule ids, tool names, plugin descriptors, error strings
//! and plugin stderr reach a terminal or a CI log.
//!
//! Whoever controls a pull request controls much of what verdict prints: the
//! paths and messages scanners write, the names of files, branch names. A
//! terminal obeys escape sequences in that text, a carriage return can
//! overwrite the `verdict: FAIL` line, a newline can add a line of its own
//! (`verdict: PASS …`, or `::error::…`, which GitHub Actions executes), and
//! bidi or zero-width characters can make text read differently from what it
//! is. [`untrusted`] shows such text on one line, with every character that
//! could do any of this replaced by a visible escape:
//!
//! | Input | Shown as |
//! |---|---|
//! | `\` | `\\` (so that every escape below is unambiguous) |
//! | NUL, TAB, LF, CR | `\0`, `\t`, `\n`, `\r` |
//! | other C0 controls, DEL, C1 controls (U+0080–U+009F; ESC starts every ANSI/OSC sequence) | `\u{1b}`, `\u{7f}`, `\u{9b}` … |
//! | line and paragraph separators U+2028, U+2029 | `\u{2028}`, `\u{2029}` |
//! | Unicode's default-ignorable code points (bidi controls U+202A–U+202E and U+2066–U+2069, U+200B–U+200F zero-width characters, U+FEFF, soft hyphen, variation selectors, tag characters, Hangul fillers …) and the interlinear annotation characters U+FFF9–U+FFFB | `\u{202e}` … |
//! | the `[` of `##[`, `##vso[`, `##teamcity[` (`##`, ASCII letters or digits, `[`) | `\u{5b}` |
//!
//! The escapes are those of a Rust string literal, so the original text can
//! always be recovered from what is shown. TAB is escaped too: it is harmless
//! within a line, but it moves the columns that follow it.
//!
//! Why the last row: GitHub Actions reads a workflow command in two forms.
//! `::command::data` counts only at the start of a line (after any leading
//! whitespace, which the runner trims), but the legacy `##[command]data`
//! counts *anywhere* in a line, and Azure Pipelines does the same with
//! `##vso[…]`. Escaping that `[` keeps such text inert in the middle of a line.
//!
//! The other half of the guarantee is structural and belongs to each
//! renderer: **every line a renderer writes starts with a word of verdict's
//! own** (a label, a status, an indent followed by a label), never with
//! untrusted text, not even after indentation, since the runner ignores
//! leading whitespace. Untrusted text then can neither start a line nor end
//! one.
//!
//! ```
//! use verdict_report::text::untrusted;
//!
//! let path = "src/a.py\nverdict: PASS\u{1b}[32m";
//! assert_eq!(
//!     untrusted(path).to_string(),
//!     r"src/a.py\nverdict: PASS\u{1b}[32m"
//! );
//! // Long text is cut, with the length of the whole.
//! assert_eq!(untrusted(&"x".repeat(50)).max_chars(8).to_string(), "xxxxxxxx… (50 chars)");
//! ```
//!
//! JSON output is faithful rather than shortened: [`json`] writes the same
//! characters as JSON `\u` escapes, so a JSON report parses back to the exact
//! original text and still holds none of them raw.

pub mod json;

use std::borrow::Cow;
use std::fmt::{self, Write as _};

/// Untrusted text, shown on one line with hidden characters escaped.
///
/// Its `Display` honours width and alignment (`{:<20}`), measured on the
/// escaped text.
pub fn untrusted(text: &str) -> Untrusted<'_> {
    Untrusted {
        text,
        max_chars: usize::MAX,
    }
}

/// See [`untrusted`].
#[derive(Debug, Clone, Copy)]
pub struct Untrusted<'a> {
    text: &'a str,
    max_chars: usize,
}

impl<'a> Untrusted<'a> {
    /// Shows at most `max_chars` characters of the escaped text; when the
    /// text is longer, the cut is followed by `… (N chars)`, N being the
    /// length of the original text in characters.
    pub fn max_chars(self, max_chars: usize) -> Self {
        Untrusted { max_chars, ..self }
    }

    /// The text as shown.
    pub fn to_cow(&self) -> Cow<'a, str> {
        let text = self.text;
        let clean = !text.chars().any(is_hidden) && !text.contains('\\') && !has_marker(text);
        if clean && (self.max_chars == usize::MAX || text.chars().count() <= self.max_chars) {
            return Cow::Borrowed(text);
        }
        let mut out = String::with_capacity(text.len() + 16);
        let mut shown = 0;
        let mut piece = String::new();
        for (index, c) in text.char_indices() {
            piece.clear();
            push_escaped(&mut piece, c, &text[..index]);
            let width = piece.chars().count();
            if shown + width > self.max_chars {
                let _ = write!(out, "… ({} chars)", text.chars().count());
                return Cow::Owned(out);
            }
            shown += width;
            out.push_str(&piece);
        }
        Cow::Owned(out)
    }

    /// Characters the text takes when shown, for column widths.
    pub fn width(&self) -> usize {
        self.to_cow().chars().count()
    }
}

impl fmt::Display for Untrusted<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(&self.to_cow())
    }
}

/// Whether `c` is shown escaped: a control character (C0, DEL, C1), a line
/// or paragraph separator, a default-ignorable code point (bidi controls,
/// zero-width characters, variation selectors, tags …) or an interlinear
/// annotation character. JSON output escapes the same set.
pub fn is_hidden(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{2028}' | '\u{2029}' | '\u{FFF9}'..='\u{FFFB}')
        || is_default_ignorable(c)
}

/// Unicode's `Default_Ignorable_Code_Point` property (DerivedCoreProperties):
/// characters a renderer shows as nothing at all. It includes every bidi
/// control (U+061C, U+200E, U+200F, U+202A–U+202E, U+2066–U+2069).
fn is_default_ignorable(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{034F}'
            | '\u{061C}'
            | '\u{115F}'..='\u{1160}'
            | '\u{17B4}'..='\u{17B5}'
            | '\u{180B}'..='\u{180F}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{206F}'
            | '\u{3164}'
            | '\u{FE00}'..='\u{FE0F}'
            | '\u{FEFF}'
            | '\u{FFA0}'
            | '\u{FFF0}'..='\u{FFF8}'
            | '\u{1BCA0}'..='\u{1BCA3}'
            | '\u{1D173}'..='\u{1D17A}'
            | '\u{E0000}'..='\u{E0FFF}'
    )
}

/// Whether a `[` at the end of `before` + `[` would complete a CI command
/// marker that counts anywhere in a line: `##`, then ASCII letters or
/// digits, then `[` (`##[error]`, `##vso[task.setvariable]`,
/// `##teamcity[…]`).
pub fn completes_marker(before: &str) -> bool {
    before
        .trim_end_matches(|c: char| c.is_ascii_alphanumeric())
        .ends_with("##")
}

fn has_marker(text: &str) -> bool {
    text.match_indices('[')
        .any(|(index, _)| completes_marker(&text[..index]))
}

/// Appends `c` as shown; `before` is the text that precedes it.
fn push_escaped(out: &mut String, c: char, before: &str) {
    match c {
        '\\' => out.push_str(r"\\"),
        '\0' => out.push_str(r"\0"),
        '\t' => out.push_str(r"\t"),
        '\n' => out.push_str(r"\n"),
        '\r' => out.push_str(r"\r"),
        '[' if completes_marker(before) => out.push_str(r"\u{5b}"),
        c if is_hidden(c) => {
            let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
        }
        c => out.push(c),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reads a shown text back, as a Rust string literal would be read.
    fn unescape(shown: &str) -> String {
        let mut out = String::new();
        let mut chars = shown.chars();
        while let Some(c) = chars.next() {
            if c != '\\' {
                out.push(c);
                continue;
            }
            match chars.next() {
                Some('\\') => out.push('\\'),
                Some('0') => out.push('\0'),
                Some('t') => out.push('\t'),
                Some('n') => out.push('\n'),
                Some('r') => out.push('\r'),
                Some('u') => {
                    assert_eq!(chars.next(), Some('{'));
                    let hex: String = chars.by_ref().take_while(|c| *c != '}').collect();
                    let code = u32::from_str_radix(&hex, 16).expect("hex");
                    out.push(char::from_u32(code).expect("a char"));
                }
                other => panic!("not an escape: {other:?}"),
            }
        }
        out
    }

    fn shown(text: &str) -> String {
        untrusted(text).to_string()
    }

    #[test]
    fn plain_text_is_borrowed_unchanged() {
        let text = "src/app.py: user input reaches a SQL query (CWE-89) – ünïcode ✓ 漢字 # [x]";
        assert!(matches!(untrusted(text).to_cow(), Cow::Borrowed(_)));
        assert_eq!(shown(text), text);
    }

    #[test]
    fn line_breaks_and_terminal_controls_become_escapes() {
        assert_eq!(shown("a\nb\rc\0d\te"), r"a\nb\rc\0d\te");
        assert_eq!(shown("\u{1b}[31mred\u{1b}[0m"), r"\u{1b}[31mred\u{1b}[0m");
        assert_eq!(
            shown("\u{1b}]8;;https://evil\u{7}link\u{1b}]8;;\u{1b}\\"),
            r"\u{1b}]8;;https://evil\u{7}link\u{1b}]8;;\u{1b}\\"
        );
        assert_eq!(shown("\u{7f}\u{85}\u{9b}"), r"\u{7f}\u{85}\u{9b}");
        assert_eq!(shown("a\u{2028}b\u{2029}"), r"a\u{2028}b\u{2029}");
    }

    #[test]
    fn bidi_and_invisible_characters_become_escapes() {
        for c in ('\u{202A}'..='\u{202E}').chain('\u{2066}'..='\u{2069}') {
            assert_eq!(shown(&c.to_string()), format!("\\u{{{:x}}}", u32::from(c)));
        }
        assert_eq!(
            shown("ad\u{200b}min\u{feff}\u{e0041}\u{ad}"),
            r"ad\u{200b}min\u{feff}\u{e0041}\u{ad}"
        );
    }

    #[test]
    fn ci_command_markers_inside_a_line_are_broken() {
        assert_eq!(shown("x ##[error]forged"), r"x ##\u{5b}error]forged");
        assert_eq!(
            shown("##vso[task.setvariable variable=x]1"),
            r"##vso\u{5b}task.setvariable variable=x]1"
        );
        assert_eq!(shown("###[x]"), r"###\u{5b}x]");
        assert_eq!(shown("##teamcity[x]"), r"##teamcity\u{5b}x]");
        // Single hashes, and brackets elsewhere, stay as they are.
        assert_eq!(
            shown("#[derive] a[0] # [x] ## [y]"),
            "#[derive] a[0] # [x] ## [y]"
        );
    }

    #[test]
    fn backslashes_are_doubled_so_escapes_are_unambiguous() {
        assert_eq!(shown(r"C:\new"), r"C:\\new");
        assert_ne!(shown("\n"), shown(r"\n"));
    }

    #[test]
    fn every_shown_text_is_one_line_and_reads_back_exactly() {
        let nasty = [
            "plain",
            "\r\nverdict: PASS (4 policies: 4 passed)\n",
            "\n::error::forged\n::stop-commands::x",
            "\\u{1b} is not an escape here \\",
            "\u{1b}[2K\u{1b}[1A\rverdict: PASS",
            "\u{202e}txt.exe\u{2066}\u{2069}\u{200f}",
            "\u{0}\u{1}\u{8}\u{b}\u{c}\u{1f}\u{7f}\u{80}\u{9f}",
            "##[set-output name=x]y",
            "tab\there",
        ];
        for text in nasty {
            let out = shown(text);
            assert!(!out.contains(['\n', '\r']), "{out}");
            assert!(!out.chars().any(is_hidden), "{out:?}");
            assert!(!out.contains("##["), "{out}");
            assert_eq!(unescape(&out), text, "{out}");
        }
    }

    #[test]
    fn long_text_is_cut_with_its_length_and_never_inside_an_escape() {
        let text = format!("{}\u{1b}tail", "a".repeat(9));
        assert_eq!(
            untrusted(&text).max_chars(12).to_string(),
            "aaaaaaaaa… (14 chars)"
        );
        assert_eq!(untrusted("short").max_chars(5).to_string(), "short");
        assert_eq!(untrusted("\n").max_chars(2).to_string(), r"\n");
    }

    #[test]
    fn padding_measures_the_escaped_text() {
        assert_eq!(format!("[{:<6}]", untrusted("a\nb")), r"[a\nb  ]");
        assert_eq!(untrusted("a\nb").width(), 4);
    }
}
