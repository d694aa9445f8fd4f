//! Go coverprofiles (`go test -coverprofile`), in any mode.
//!
//! After the `mode:` line, each line is a block:
//! `file.go:startLine.startCol,endLine.endCol numStmts count`. The path is
//! the import path of the file as written. Go counts statements, not lines;
//! to give line counts like the other formats, every line from a block's
//! start line to its end line is an executable line, covered if any block
//! over it ran (a count above zero). This is what gocov, Codecov and most
//! converters do; it makes a line shared by a run and a skipped block
//! covered. A block repeated (profiles merged from several test binaries, or
//! concatenated with their `mode:` lines) is thus merged: covered if any copy
//! ran. Go profiles have no branch data.

use super::coverage_tally::LineTally;
use crate::error::FormatError;
use crate::formats::generic::text_lines;
use crate::formats::{Output, ParseInput};
use crate::sniff::{Shape, Sniff};

/// Most lines one block may span; a larger block is corrupt, not code.
const MAX_BLOCK_LINES: u32 = 1_000_000;
/// Most block lines expanded in one profile (repeats included), so that a
/// small hostile file cannot demand unbounded work.
const MAX_EXPANDED_LINES: u64 = 20_000_000;

pub(crate) fn detect(sniff: &Sniff<'_>) -> bool {
    sniff.shape == Shape::Text && sniff.first_line().is_some_and(is_mode_line)
}

fn is_mode_line(line: &[u8]) -> bool {
    line.strip_prefix(b"mode:")
        .map(<[u8]>::trim_ascii)
        .is_some_and(|mode| matches!(mode, b"set" | b"count" | b"atomic"))
}

pub(crate) fn parse(input: &ParseInput<'_>, output: &mut Output) -> Result<(), FormatError> {
    let mut tally = LineTally::default();
    let mut seen_mode = false;
    let mut expanded = 0u64;
    for line in text_lines(input.bytes) {
        let (line_number, line) = line?;
        let at = |message: String| FormatError::new(message).at(line_number, None);
        if line.is_empty() {
            continue;
        }
        if let Some(mode) = line.strip_prefix("mode:") {
            if !is_mode_line(line.as_bytes()) {
                return Err(at(format!("unknown coverage mode `{}`", mode.trim())));
            }
            seen_mode = true;
            continue;
        }
        if !seen_mode {
            return Err(at(
                "expected `mode: set`, `mode: count` or `mode: atomic` first".to_owned(),
            ));
        }
        let block = parse_block(line).map_err(at)?;
        let span = block.end_line - block.start_line;
        expanded += u64::from(span) + 1;
        if expanded > MAX_EXPANDED_LINES {
            return Err(at(format!(
                "blocks span more than {MAX_EXPANDED_LINES} lines in total"
            )));
        }
        let file = tally.file(block.path);
        for number in block.start_line..=block.end_line {
            tally.line(file, number, block.count > 0);
        }
    }
    if !seen_mode {
        return Err(FormatError::new("no `mode:` line"));
    }
    tally.finish(output);
    Ok(())
}

/// One profile line.
#[derive(Debug, PartialEq, Eq)]
struct Block<'a> {
    path: &'a str,
    start_line: u32,
    end_line: u32,
    count: u64,
}

fn parse_block(line: &str) -> Result<Block<'_>, String> {
    let shape = || "expected `file:line.col,line.col statements count`".to_owned();
    let mut fields = line.rsplitn(3, ' ');
    let (Some(count), Some(statements), Some(location)) =
        (fields.next(), fields.next(), fields.next())
    else {
        return Err(shape());
    };
    // The path may contain `:` (a Windows drive), the range never does.
    let (path, range) = location.rsplit_once(':').ok_or_else(shape)?;
    let (start, end) = range.split_once(',').ok_or_else(shape)?;
    let (start_line, start_column) = start.split_once('.').ok_or_else(shape)?;
    let (end_line, end_column) = end.split_once('.').ok_or_else(shape)?;
    let start_line: u32 = number(start_line, "start line")?;
    let end_line: u32 = number(end_line, "end line")?;
    number::<u32>(start_column, "start column")?;
    number::<u32>(end_column, "end column")?;
    number::<u64>(statements, "statement count")?;
    let count = number(count, "count")?;
    if path.is_empty() {
        return Err(shape());
    }
    if end_line < start_line {
        return Err(format!(
            "block of `{path}` ends on line {end_line}, before it starts on line {start_line}"
        ));
    }
    if end_line - start_line >= MAX_BLOCK_LINES {
        return Err(format!(
            "block of `{path}` spans more than {MAX_BLOCK_LINES} lines"
        ));
    }
    Ok(Block {
        path,
        start_line,
        end_line,
        count,
    })
}

fn number<T: std::str::FromStr>(text: &str, name: &str) -> Result<T, String> {
    text.parse()
        .map_err(|_| format!("{name} is not a valid number"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_block_and_names_bad_fields() {
        let block = parse_block("example.com/m/a.go:3.14,5.2 2 1").unwrap();
        assert_eq!(
            (block.path, block.start_line, block.end_line, block.count),
            ("example.com/m/a.go", 3, 5, 1)
        );
        assert_eq!(
            parse_block("C:\\m\\a.go:1.1,1.9 1 0").unwrap().path,
            "C:\\m\\a.go"
        );
        assert!(
            parse_block("a.go:3.14,5.2 2 x")
                .unwrap_err()
                .contains("count")
        );
        assert!(
            parse_block("a.go:5.1,3.2 1 1")
                .unwrap_err()
                .contains("before it starts")
        );
        assert!(parse_block("a.go 1 1").is_err());
    }
}
