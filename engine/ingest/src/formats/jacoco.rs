//! JaCoCo XML reports, single-module and aggregate (with `<group>`s).
//!
//! Counts come from the `<line nr mi ci mb cb>` elements of each
//! `<sourcefile>`, not from the class counters, so they are per source file:
//! every listed line is executable, covered when `ci > 0`; its branches are
//! `mb + cb`, of which `cb` covered. The path is the package name, a `/`, and
//! the source file name (`com/example/Foo.java`), as JaCoCo's own HTML report
//! shows it. A source file listed with no lines (an interface, say) is kept
//! with zero counts, and one listed in several groups is merged.

use super::coverage_tally::LineTally;
use super::xml::{XmlEvent, XmlReader};
use crate::error::FormatError;
use crate::formats::{Output, ParseInput};
use crate::sniff::Sniff;

pub(crate) fn detect(sniff: &Sniff<'_>) -> bool {
    sniff.xml().is_some_and(|root| {
        root.name == "report"
            && (root
                .doctype
                .is_some_and(|doctype| doctype.contains("-//JACOCO//DTD Report"))
                || root.first_child == Some("sessioninfo"))
    })
}

pub(crate) fn parse(input: &ParseInput<'_>, output: &mut Output) -> Result<(), FormatError> {
    let mut xml = XmlReader::new(input.bytes);
    xml.root("report")?;
    output.tool = Some("JaCoCo".to_owned());
    let mut tally = LineTally::default();
    // The open `<package>`'s name and depth, and the open `<sourcefile>`'s
    // file and depth.
    let mut package: Option<(String, usize)> = None;
    let mut sourcefile: Option<(usize, usize)> = None;
    while let Some(event) = xml.next()? {
        let XmlEvent::Open { element, empty } = event else {
            if sourcefile.is_some_and(|(_, depth)| xml.depth() < depth) {
                sourcefile = None;
            }
            if package
                .as_ref()
                .is_some_and(|(_, depth)| xml.depth() < *depth)
            {
                package = None;
            }
            continue;
        };
        match element.local_name().as_ref() {
            b"package" => {
                let name = xml.required_attr(&element, "name")?.into_owned();
                package = (!empty).then(|| (name, xml.depth()));
            }
            b"sourcefile" => {
                let Some((package_name, _)) = &package else {
                    return Err(xml.error("`<sourcefile>` outside a `<package>`"));
                };
                let name = xml.required_attr(&element, "name")?;
                let path = if package_name.is_empty() {
                    name.into_owned()
                } else {
                    format!("{package_name}/{name}")
                };
                let file = tally.file(&path);
                sourcefile = (!empty).then(|| (file, xml.depth()));
            }
            b"line" => {
                let Some((file, _)) = sourcefile else {
                    return Err(xml.error("`<line>` outside a `<sourcefile>`"));
                };
                let number = xml.required_number(&element, "nr")?;
                let covered_instructions: u64 = xml.required_number(&element, "ci")?;
                let missed_branches: u64 = xml.required_number(&element, "mb")?;
                let covered_branches: u64 = xml.required_number(&element, "cb")?;
                tally.line(file, number, covered_instructions > 0);
                let branches = missed_branches.saturating_add(covered_branches);
                if branches > 0 {
                    tally.branches(file, number, branches, covered_branches);
                }
            }
            _ => {}
        }
    }
    xml.note_leniency(output);
    tally.finish(output);
    Ok(())
}
