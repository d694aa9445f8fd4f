//! Clover XML coverage (PHPUnit, istanbul, OpenClover).
//!
//! Each `<file>` is one record, its path the `path` attribute when present
//! (istanbul and OpenClover write the bare name in `name`), else `name`
//! (PHPUnit writes the full path there). Lines of `type="stmt"` and
//! `type="cond"` are executable, covered when `count > 0` (a `cond` line
//! without `count` is covered when evaluated at all). `type="method"` lines
//! are left out of the line counts: they mark a method's declaration, which
//! Clover counts as a method, not as a statement, and the statements of the
//! method are listed on their own lines.
//!
//! `cond` lines give branches, read in one of two ways:
//! - istanbul (`clover="3.2.0"` and a project named `All files`, both fixed in
//!   its writer) stores the line's covered branches in `truecount` and its
//!   uncovered ones in `falsecount`;
//! - Clover proper stores how often the condition was true and false: two
//!   branches, each covered when its count is above zero.

use super::coverage_tally::LineTally;
use super::xml::{XmlEvent, XmlReader};
use crate::error::FormatError;
use crate::formats::{Output, ParseInput};
use crate::sniff::Sniff;

pub(crate) fn detect(sniff: &Sniff<'_>) -> bool {
    // Clover's root `<coverage>` (Cobertura's too) opens with `<project>`.
    sniff
        .xml()
        .is_some_and(|root| root.name == "coverage" && root.first_child == Some("project"))
}

pub(crate) fn parse(input: &ParseInput<'_>, output: &mut Output) -> Result<(), FormatError> {
    let mut xml = XmlReader::new(input.bytes);
    let root = xml.root("coverage")?;
    let clover_version = xml.attr(&root, "clover")?;
    let mut istanbul = false;
    let mut tally = LineTally::default();
    // The open `<file>`'s index and depth.
    let mut file: Option<(usize, usize)> = None;
    while let Some(event) = xml.next()? {
        let XmlEvent::Open { element, empty } = event else {
            if file.is_some_and(|(_, depth)| xml.depth() < depth) {
                file = None;
            }
            continue;
        };
        match element.local_name().as_ref() {
            b"project" => {
                istanbul = clover_version.as_deref() == Some("3.2.0")
                    && xml.attr(&element, "name")?.as_deref() == Some("All files");
            }
            b"file" => {
                let path = match xml.attr(&element, "path")? {
                    Some(path) => path,
                    None => xml.required_attr(&element, "name")?,
                };
                let index = tally.file(&path);
                file = (!empty).then(|| (index, xml.depth()));
            }
            b"line" => {
                let Some((index, _)) = file else {
                    return Err(xml.error("`<line>` outside a `<file>`"));
                };
                let number = xml.required_number(&element, "num")?;
                let kind = xml.required_attr(&element, "type")?;
                match kind.as_ref() {
                    "method" => {}
                    "stmt" => {
                        let count: u64 = xml.required_number(&element, "count")?;
                        tally.line(index, number, count > 0);
                    }
                    "cond" => {
                        let true_count: u64 = xml.required_number(&element, "truecount")?;
                        let false_count: u64 = xml.required_number(&element, "falsecount")?;
                        let hit = match xml.number::<u64>(&element, "count")? {
                            Some(count) => count > 0,
                            None => true_count > 0 || false_count > 0,
                        };
                        tally.line(index, number, hit);
                        if istanbul {
                            tally.branches(
                                index,
                                number,
                                true_count.saturating_add(false_count),
                                true_count,
                            );
                        } else {
                            tally.branches(
                                index,
                                number,
                                2,
                                u64::from(true_count > 0) + u64::from(false_count > 0),
                            );
                        }
                    }
                    _ => {
                        return Err(xml.error(
                            "unknown `<line>` type: expected `stmt`, `cond` or `method`".to_owned(),
                        ));
                    }
                }
            }
            _ => {}
        }
    }
    if istanbul {
        output.tool = Some("istanbul".to_owned());
    }
    xml.note_leniency(output);
    tally.finish(output);
    Ok(())
}
