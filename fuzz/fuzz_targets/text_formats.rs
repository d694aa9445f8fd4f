//! Feeds arbitrary bytes to the line-based and text formats' parsers and to detection: any
//! input must give records or an error, never a panic, hang or overflow.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::path::Path;
use verdict_ingest::formats::detect;
use verdict_ingest::{Options, Sniff, find_format, parse_bytes};

/// The format ids this target drives (every id must exist in `FORMATS`).
const IDS: &[&str] = &["lcov", "go-cover", "trufflehog", "yaml", "toml"];

fuzz_target!(|data: &[u8]| {
    let path = Path::new("input.txt");
    let _ = detect(&Sniff::new(path, data));
    for id in IDS {
        let format = find_format(id).expect("format ids in IDS exist");
        let _ = parse_bytes(format, path, data, &Options::default());
    }
});
