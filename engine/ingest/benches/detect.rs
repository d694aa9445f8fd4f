//! Throughput of structural detection: the skim over a whole JSON document
//! that finds its top-level keys (issue 7: detection by structure, not by a
//! window).
//!
//! Not a criterion bench: one large generated SARIF log (pretty-printed
//! SARIF is mostly strings and indentation, the skim's common case) with
//! its `version` key written last, so every byte is skimmed, timed a few
//! times. `DETECT_BENCH_MB` sets the size (default 1024).
//! `cargo bench -p verdict-ingest --bench detect`.
#![expect(clippy::print_stdout, reason = "a benchmark reports on stdout")]

#[path = "support/generate.rs"]
mod generate;

use std::path::Path;
use std::time::{Duration, Instant};
use verdict_ingest::Sniff;
use verdict_ingest::formats::detect;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let megabytes: usize = std::env::var("DETECT_BENCH_MB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1024);
    let (log, _) = generate::sarif(megabytes << 20);
    // Move `"version"` to the end so that the skim must cross the whole
    // document before SARIF is known.
    let text = String::from_utf8(log)?;
    let body = text
        .trim_start()
        .strip_prefix('{')
        .ok_or("generated log is not an object")?;
    let runs_at = body.find("\"runs\"").ok_or("no runs")?;
    let document = format!(
        "{{{},\"version\":\"2.1.0\"}}",
        body[runs_at..].trim_end().trim_end_matches('}')
    );
    let bytes = document.into_bytes();
    let size = bytes.len() as f64 / (1 << 20) as f64;
    println!("document: {size:.1} MiB, identifying key last");
    let mut best = Duration::MAX;
    for _ in 0..3 {
        let start = Instant::now();
        let sniff = Sniff::new(Path::new("log.json"), &bytes);
        let format = detect(&sniff).map(|format| format.id);
        best = best.min(start.elapsed());
        if format != Some("sarif") {
            return Err(format!("detected {format:?}, not sarif").into());
        }
    }
    println!(
        "detect (structural skim): best of 3 {:.3} s, {:.0} MiB/s",
        best.as_secs_f64(),
        size / best.as_secs_f64()
    );
    Ok(())
}
