//! Charts as inline SVG, for reports that people would rather look at than
//! read (the HTML report; later the ledger's period reports).
//!
//! The SVG is plain markup with no script, no external reference and no
//! style sheet, so it can sit inside a page whose Content-Security-Policy
//! forbids everything but inline styles. Every label is escaped for
//! HTML/XML here (`& < > " '`); callers pass plain text, neutralised first
//! if it is untrusted ([`crate::text::untrusted`]), and colours only as
//! [`Colour`] values, so no caller string ever reaches an attribute
//! unescaped. Numbers are integers and the layout is fixed, so the same chart
//! is the same bytes.
//!
//! Colour never carries meaning alone: each bar is labelled and followed by
//! its figures in words.
//!
//! ```
//! use verdict_report::svg::{Bar, BarChart, Colour, Series};
//!
//! let chart = BarChart {
//!     title: "Violations by severity".into(),
//!     series: vec![Series { name: "violations".into(), colour: Colour::rgb(0xb9, 0x1c, 0x1c) }],
//!     bars: vec![
//!         Bar { label: "high".into(), values: vec![3], colour: None },
//!         Bar { label: "<low>".into(), values: vec![1], colour: None },
//!     ],
//! };
//! let svg = chart.to_svg();
//! assert!(svg.starts_with("<svg "));
//! assert!(svg.contains("&#60;low&#62;"));
//! ```

use askama::filters::{Escaper, Html};
use std::fmt::{self, Write as _};

/// A colour, written as `#rrggbb`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Colour([u8; 3]);

impl Colour {
    /// A colour from its red, green and blue parts.
    pub const fn rgb(red: u8, green: u8, blue: u8) -> Colour {
        Colour([red, green, blue])
    }
}

impl fmt::Display for Colour {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let [red, green, blue] = self.0;
        write!(f, "#{red:02x}{green:02x}{blue:02x}")
    }
}

/// One stacked part of every bar (e.g. `violations`, `waived`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Series {
    /// Its name in the legend and in each bar's figures.
    pub name: String,
    /// Its fill.
    pub colour: Colour,
}

/// One row of the chart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bar {
    /// What the row measures (cut to [`LABEL_CHARS`] on the chart, whole in
    /// its tooltip).
    pub label: String,
    /// One value per series, in series order (missing ones count as 0).
    pub values: Vec<u64>,
    /// This bar's own colour for a one-series chart (e.g. its severity's),
    /// instead of the series'.
    pub colour: Option<Colour>,
}

/// A horizontal bar chart: one row per bar, each bar stacked from its series.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BarChart {
    /// What the chart shows; its accessible name.
    pub title: String,
    /// The stacked parts, drawn left to right.
    pub series: Vec<Series>,
    /// The rows, drawn top to bottom.
    pub bars: Vec<Bar>,
}

/// Characters of a label shown beside its bar.
pub const LABEL_CHARS: usize = 26;

/// Width of the bars' area.
const BAR_AREA: u64 = 260;
/// A generous width of one character at the chart's font size, so that
/// labels and figures fit whatever sans-serif font the reader has.
const CHAR_WIDTH: u64 = 7;
const ROW: u64 = 24;
const BAR_HEIGHT: u64 = 16;
const TOP: u64 = 6;
const TEXT: Colour = Colour::rgb(0x1f, 0x29, 0x37);
const TRACK: Colour = Colour::rgb(0xf1, 0xf3, 0xf5);

impl BarChart {
    /// The chart as one `<svg>` element.
    pub fn to_svg(&self) -> String {
        let legend = self.series.len() > 1;
        let rows = self.bars.len() as u64;
        let height = TOP + rows * ROW + if legend { ROW + 4 } else { 4 };
        let max = self
            .bars
            .iter()
            .map(|bar| bar.values.iter().sum::<u64>())
            .max()
            .unwrap_or(0);
        let label_chars = self
            .bars
            .iter()
            .map(|bar| bar.label.chars().count().min(LABEL_CHARS))
            .max()
            .unwrap_or(0) as u64;
        let figure_chars = self
            .bars
            .iter()
            .map(|bar| self.figures(bar).chars().count())
            .max()
            .unwrap_or(0) as u64;
        let layout = Layout {
            label_width: 16 + CHAR_WIDTH * label_chars.max(4),
            width: 16 + CHAR_WIDTH * label_chars.max(4) + BAR_AREA + 8 + CHAR_WIDTH * figure_chars,
            height,
            max,
            legend,
        };
        let mut svg = String::new();
        // Writing to a String cannot fail.
        let _ = self.write(&mut svg, &layout);
        svg
    }

    fn write(&self, svg: &mut String, layout: &Layout) -> fmt::Result {
        let Layout {
            label_width,
            width,
            height,
            max,
            legend,
        } = *layout;
        write!(
            svg,
            r#"<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" viewBox="0 0 {width} {height}" width="{width}" height="{height}" aria-label=""#
        )?;
        Html.write_escaped_str(&mut *svg, &self.title)?;
        svg.push_str(r#""><title>"#);
        Html.write_escaped_str(&mut *svg, &self.title)?;
        svg.push_str("</title>");
        for (row, bar) in self.bars.iter().enumerate() {
            let y = TOP + row as u64 * ROW;
            let text_y = y + BAR_HEIGHT - 4;
            svg.push_str("<g><title>");
            Html.write_escaped_str(&mut *svg, &bar.label)?;
            svg.push_str(": ");
            Html.write_escaped_str(&mut *svg, &self.figures(bar))?;
            write!(
                svg,
                r#"</title><text x="{}" y="{text_y}" text-anchor="end" font-size="12" fill="{TEXT}">"#,
                label_width - 8
            )?;
            Html.write_escaped_str(&mut *svg, &cut(&bar.label, LABEL_CHARS))?;
            write!(
                svg,
                r#"</text><rect x="{label_width}" y="{y}" width="{BAR_AREA}" height="{BAR_HEIGHT}" fill="{TRACK}"/>"#
            )?;
            let mut x = label_width;
            let mut total = 0;
            for (series, value) in self.series.iter().zip(&bar.values) {
                total += value;
                // Segment ends are placed by the running total, so rounding
                // never makes a bar longer than the area.
                let end = label_width + scale(total, max);
                let width = if *value > 0 { (end - x).max(1) } else { 0 };
                if width > 0 {
                    write!(
                        svg,
                        r#"<rect x="{x}" y="{y}" width="{width}" height="{BAR_HEIGHT}" fill="{}"/>"#,
                        bar.colour.unwrap_or(series.colour)
                    )?;
                }
                x += width;
            }
            write!(
                svg,
                r#"<text x="{}" y="{text_y}" font-size="12" fill="{TEXT}">"#,
                label_width + BAR_AREA + 8
            )?;
            Html.write_escaped_str(&mut *svg, &self.figures(bar))?;
            svg.push_str("</text></g>");
        }
        if legend {
            let y = TOP + self.bars.len() as u64 * ROW + 6;
            let mut x = label_width;
            for series in &self.series {
                write!(
                    svg,
                    r#"<rect x="{x}" y="{y}" width="12" height="12" fill="{}"/><text x="{}" y="{}" font-size="12" fill="{TEXT}">"#,
                    series.colour,
                    x + 16,
                    y + 10
                )?;
                Html.write_escaped_str(&mut *svg, &cut(&series.name, LABEL_CHARS))?;
                svg.push_str("</text>");
                x += 24 + CHAR_WIDTH * series.name.chars().count().min(LABEL_CHARS) as u64;
            }
        }
        svg.push_str("</svg>");
        Ok(())
    }

    /// A bar's figures in words: `12`, or `12 violations, 3 waived`.
    fn figures(&self, bar: &Bar) -> String {
        if self.series.len() <= 1 {
            return bar.values.first().copied().unwrap_or(0).to_string();
        }
        let parts: Vec<String> = self
            .series
            .iter()
            .zip(&bar.values)
            .filter(|(_, value)| **value > 0)
            .map(|(series, value)| format!("{value} {}", series.name))
            .collect();
        if parts.is_empty() {
            "0".to_owned()
        } else {
            parts.join(", ")
        }
    }
}

/// Where things go, from the longest label and figures.
struct Layout {
    label_width: u64,
    width: u64,
    height: u64,
    max: u64,
    legend: bool,
}

/// `value` of `max` as a length on the bar area.
fn scale(value: u64, max: u64) -> u64 {
    if max == 0 {
        return 0;
    }
    (u128::from(value) * u128::from(BAR_AREA) / u128::from(max)) as u64
}

/// At most `max` characters, with `…` when cut.
fn cut(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut shown: String = text.chars().take(max.saturating_sub(1)).collect();
    shown.push('…');
    shown
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chart(bars: Vec<Bar>, series: usize) -> BarChart {
        let colours = [Colour::rgb(1, 2, 3), Colour::rgb(4, 5, 6)];
        BarChart {
            title: "t".into(),
            series: (0..series)
                .map(|n| Series {
                    name: format!("s{n}"),
                    colour: colours[n],
                })
                .collect(),
            bars,
        }
    }

    #[test]
    fn bars_scale_to_the_largest_and_never_pass_the_area() {
        let svg = chart(
            vec![
                Bar {
                    label: "a".into(),
                    values: vec![3, 1],
                    colour: None,
                },
                Bar {
                    label: "b".into(),
                    values: vec![2, 0],
                    colour: None,
                },
            ],
            2,
        )
        .to_svg();
        // Labels take 16 + 7 × 4 (the minimum) = 44; a: 195 + 65 = the
        // whole area of 260; b: half of it.
        assert!(svg.contains(r##"<rect x="44" y="6" width="195" height="16" fill="#010203"/>"##));
        assert!(svg.contains(r##"<rect x="239" y="6" width="65" height="16" fill="#040506"/>"##));
        assert!(svg.contains(r##"<rect x="44" y="30" width="130" height="16" fill="#010203"/>"##));
        assert!(svg.contains(">3 s0, 1 s1</text>"));
        assert!(svg.contains(">2 s0</text>"));
        // Wide enough for the longest figures: 44 + 260 + 8 + 7 × 10.
        assert!(svg.contains(r#"viewBox="0 0 382 "#));
    }

    #[test]
    fn a_small_value_still_shows_and_zero_draws_nothing() {
        let svg = chart(
            vec![
                Bar {
                    label: "big".into(),
                    values: vec![1_000_000],
                    colour: None,
                },
                Bar {
                    label: "tiny".into(),
                    values: vec![1],
                    colour: None,
                },
                Bar {
                    label: "none".into(),
                    values: vec![0],
                    colour: None,
                },
            ],
            1,
        )
        .to_svg();
        assert!(svg.contains(r##"<rect x="44" y="30" width="1" height="16""##));
        assert!(!svg.contains(r#"y="54" width="0""#));
        assert_eq!(svg.matches("<rect ").count(), 3 + 2);
    }

    #[test]
    fn labels_and_titles_are_escaped_and_cut() {
        let mut hostile = chart(
            vec![Bar {
                label: "<script>alert('x')</script>\"&".into(),
                values: vec![1],
                colour: None,
            }],
            1,
        );
        hostile.title = "\"><script>".into();
        let svg = hostile.to_svg();
        assert!(!svg.contains("<script"));
        assert!(!svg.contains("'x'"));
        assert!(svg.contains("aria-label=\"&#34;&#62;&#60;script&#62;\""));
        assert!(
            svg.contains(">&#60;script&#62;alert(&#39;x&#39;)&#60;/scrip…</text>"),
            "{svg}"
        );
    }

    #[test]
    fn an_empty_chart_is_still_an_svg() {
        let svg = chart(Vec::new(), 1).to_svg();
        assert!(svg.starts_with("<svg ") && svg.ends_with("</svg>"));
    }
}
