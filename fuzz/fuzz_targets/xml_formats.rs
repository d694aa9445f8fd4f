//! Feeds arbitrary bytes to the XML formats' parsers and to detection: any
//! input must give records or an error, never a panic, hang or overflow.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::path::Path;
use verdict_ingest::formats::{Output, ParseInput, detect};
use verdict_ingest::{FORMATS, Options, Sniff};

/// The format ids this target drives (every id must exist in `FORMATS`).
const IDS: &[&str] = &["cobertura", "jacoco", "clover", "junit"];

fuzz_target!(|data: &[u8]| {
    let path = Path::new("input.xml");
    let _ = detect(&Sniff::new(path, data));
    let options = Options::default();
    for id in IDS {
        let format = FORMATS
            .iter()
            .find(|format| format.id == *id)
            .expect("format ids in IDS exist");
        let input = ParseInput {
            path,
            bytes: data,
            options: &options,
        };
        let _ = (format.parse)(&input, &mut Output::default());
    }
});
