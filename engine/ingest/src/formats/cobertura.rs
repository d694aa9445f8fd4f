//! Cobertura XML coverage (coverage.py, sbt-scoverage, Java and .NET tools).
//!
//! Every `<line>` of every `<class>` counts, whether it sits in the class's
//! own `<lines>` or in a `<method>`'s: many producers list a line in both, and
//! one file can be split over several classes, so lines are tallied per
//! `filename` and a line counts once, covered if any occurrence has hits.
//! The path is the `filename` attribute as written; the `<source>` roots are
//! not joined to it, because a report may list several (or a placeholder such
//! as `--source`) and nothing says which one a file belongs to.
//!
//! Branches come from `condition-coverage="50% (1/2)"` on lines marked
//! `branch="true"`, once per line. sbt-scoverage marks branch statements with
//! `branch="true"` but writes no `condition-coverage`, so its reports carry no
//! branch counts here.

use super::coverage_tally::LineTally;
use super::xml::{XmlEvent, XmlReader};
use crate::error::FormatError;
use crate::formats::{Output, ParseInput};
use crate::sniff::Sniff;

pub(crate) fn detect(sniff: &Sniff<'_>) -> bool {
    // Clover's root element is `<coverage>` too; its `<project>` child tells
    // it apart. Cobertura's root carries rates, or opens with its sources or
    // packages.
    sniff.xml().is_some_and(|root| {
        root.name == "coverage"
            && root.first_child != Some("project")
            && (root.attributes.contains(&"line-rate")
                || matches!(root.first_child, Some("sources" | "packages")))
    })
}

pub(crate) fn parse(input: &ParseInput<'_>, output: &mut Output) -> Result<(), FormatError> {
    let mut xml = XmlReader::new(input.bytes);
    xml.root("coverage")?;
    let mut tally = LineTally::default();
    // The file of the open `<class>` and the depth at which it opened.
    let mut class: Option<(usize, usize)> = None;
    while let Some(event) = xml.next()? {
        let XmlEvent::Open { element, empty } = event else {
            if class.is_some_and(|(_, depth)| xml.depth() < depth) {
                class = None;
            }
            continue;
        };
        match element.local_name().as_ref() {
            b"class" => {
                let filename = xml.required_attr(&element, "filename")?;
                let file = tally.file(&filename);
                class = (!empty).then(|| (file, xml.depth()));
            }
            b"line" => {
                let Some((file, _)) = class else {
                    return Err(xml.error("`<line>` outside a `<class>`"));
                };
                let number = xml.required_number(&element, "number")?;
                let hits: u64 = xml.required_number(&element, "hits")?;
                tally.line(file, number, hits > 0);
                if xml.attr(&element, "branch")?.as_deref() == Some("true")
                    && let Some(text) = xml.attr(&element, "condition-coverage")?
                {
                    let (covered, total) = condition_coverage(&text).ok_or_else(|| {
                        xml.error("`condition-coverage` is not like `50% (1/2)`".to_owned())
                    })?;
                    tally.branches(file, number, total, covered);
                }
            }
            _ => {}
        }
    }
    xml.note_leniency(output);
    tally.finish(output);
    Ok(())
}

/// `(covered, total)` from `50% (1/2)`.
fn condition_coverage(text: &str) -> Option<(u64, u64)> {
    let inner = text.split_once('(')?.1.split_once(')')?.0;
    let (covered, total) = inner.split_once('/')?;
    let covered: u64 = covered.trim().parse().ok()?;
    let total: u64 = total.trim().parse().ok()?;
    (covered <= total).then_some((covered, total))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn condition_coverage_reads_the_fraction() {
        assert_eq!(condition_coverage("50% (1/2)"), Some((1, 2)));
        assert_eq!(condition_coverage("100% (4/4)"), Some((4, 4)));
        assert_eq!(condition_coverage("50%"), None);
        assert_eq!(condition_coverage("(3/2)"), None);
    }
}
