//! Criterion bench of SARIF parsing on a generated ~8 MB log.
#![expect(missing_docs, reason = "a benchmark binary")]

#[path = "support/generate.rs"]
mod generate;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::path::Path;
use verdict_ingest::formats::{Output, ParseInput};
use verdict_ingest::{FORMATS, Options};

fn sarif(c: &mut Criterion) {
    let (bytes, _) = generate::sarif(8 << 20);
    let format = FORMATS
        .iter()
        .find(|f| f.id == "sarif")
        .expect("sarif format");
    let options = Options::default();
    let mut group = c.benchmark_group("sarif");
    group.throughput(Throughput::Bytes(bytes.len() as u64));
    group.sample_size(20);
    group.bench_function("parse-8mb", |b| {
        b.iter(|| {
            let input = ParseInput {
                path: Path::new("bench.sarif"),
                bytes: &bytes,
                options: &options,
            };
            let mut output = Output::default();
            (format.parse)(&input, &mut output).expect("parses");
            output.evidence.findings.len()
        });
    });
    group.finish();
}

criterion_group!(benches, sarif);
criterion_main!(benches);
