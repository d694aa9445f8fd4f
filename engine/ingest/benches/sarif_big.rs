//! Throughput and peak memory of SARIF ingestion on a ~100 MB generated log.
//!
//! Not a criterion bench: one large file, timed a few times, with the peak
//! resident memory read from `/proc/self/status`. `bench/sarif-ingest.sh`
//! runs it; `SARIF_BENCH_MB` sets the size (default 100), `SARIF_BENCH_FILE`
//! measures a given file instead (the 1M-result log of `bench/peers/`).
#![expect(clippy::print_stdout, reason = "a benchmark reports on stdout")]

#[path = "support/generate.rs"]
mod generate;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use verdict_ingest::formats::{Output, ParseInput};
use verdict_ingest::{FORMATS, Options, find_format, ingest_file};

/// The allocator the `verdict` binary ships with, so the figure is the one
/// users get.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let megabytes: usize = std::env::var("SARIF_BENCH_MB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100);
    let (path, results) = match std::env::var_os("SARIF_BENCH_FILE") {
        Some(file) => (PathBuf::from(file), 0),
        None => {
            let path = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
                .join(format!("bench-{megabytes}mb.sarif"));
            let results = ensure_file(&path, megabytes << 20)?;
            (path, results)
        }
    };
    let bytes = fs_err::read(&path)?;
    let size = bytes.len() as f64 / (1 << 20) as f64;
    println!(
        "file: {} ({size:.1} MiB, {results} results, {} cores)",
        path.display(),
        rayon::current_num_threads()
    );

    // Peak memory counts from here: the input is already in memory.
    reset_peak_memory();
    let before = memory_kib("VmRSS");
    let sarif = FORMATS
        .iter()
        .find(|f| f.id == "sarif")
        .ok_or("no sarif format")?;
    let options = Options::default();
    let mut best = Duration::MAX;
    let mut best_cpu = f64::MAX;
    let mut findings = 0;
    for _ in 0..3 {
        let input = ParseInput {
            path: &path,
            bytes: &bytes,
            options: &options,
        };
        let mut output = Output::default();
        let start = Instant::now();
        let cpu_start = cpu_seconds();
        (sarif.parse)(&input, &mut output)?;
        best = best.min(start.elapsed());
        best_cpu = best_cpu.min(cpu_seconds() - cpu_start);
        findings = output.evidence.findings.len();
    }
    let peak = memory_kib("VmHWM");
    println!(
        "parse:  {:.0} MiB/s, best of 3: {:.3} s wall, {:.3} s cpu ({:.0} MiB per cpu-second), {findings} findings",
        size / best.as_secs_f64(),
        best.as_secs_f64(),
        best_cpu,
        size / best_cpu
    );
    println!(
        "memory: input {size:.0} MiB, rss before {:.0} MiB, peak {:.0} MiB (+{:.0} MiB for one parse's evidence)",
        before as f64 / 1024.0,
        peak as f64 / 1024.0,
        (peak - before) as f64 / 1024.0
    );
    let output = {
        let input = ParseInput {
            path: &path,
            bytes: &bytes,
            options: &options,
        };
        let mut output = Output::default();
        (sarif.parse)(&input, &mut output)?;
        output
    };
    describe_evidence(&output.evidence.findings);
    drop(output);
    drop(bytes);

    // End to end: read, sha256, detect, parse.
    let start = Instant::now();
    let evidence = ingest_file(&path, find_format("sarif"), &options)?;
    let elapsed = start.elapsed();
    println!(
        "ingest: {:.0} MiB/s end to end (read + sha256 + parse): {:.3} s, {} findings",
        size / elapsed.as_secs_f64(),
        elapsed.as_secs_f64(),
        evidence.findings.len()
    );
    Ok(())
}

/// What the findings take in memory, by part (heap sizes as requested,
/// before the allocator rounds them up).
fn describe_evidence(findings: &[verdict_evidence::Finding]) {
    let count = findings.len().max(1);
    let per = |bytes: usize| bytes as f64 / count as f64;
    let message: usize = findings.iter().map(|f| f.message.capacity()).sum();
    let fingerprint: usize = findings.iter().map(|f| f.fingerprint.capacity()).sum();
    // Levels are shared (interned), like paths: one allocation per word.
    let mut words = std::collections::HashSet::new();
    let level: usize = findings
        .iter()
        .filter_map(|f| f.level.as_ref())
        .filter(|l| words.insert(std::sync::Arc::as_ptr(l) as *const u8 as usize))
        .map(|l| l.len() + 16)
        .sum();
    let mut paths = std::collections::HashSet::new();
    let path: usize = findings
        .iter()
        .filter_map(|f| f.location.as_ref())
        .filter(|l| paths.insert(std::sync::Arc::as_ptr(&l.path) as *const u8 as usize))
        .map(|l| l.path.len() + 16)
        .sum();
    println!(
        "evidence: {} B a finding inline; heap per finding: message {:.0} B, fingerprint {:.0} B, level {:.0} B, paths {:.0} B ({} distinct path allocations)",
        size_of::<verdict_evidence::Finding>(),
        per(message),
        per(fingerprint),
        per(level),
        per(path),
        paths.len()
    );
}

/// Writes the generated log unless a file of that size is already there.
fn ensure_file(path: &Path, target: usize) -> Result<usize, Box<dyn std::error::Error>> {
    let count_path = path.with_extension("count");
    if let (Ok(count), Ok(_)) = (fs_err::read_to_string(&count_path), fs_err::metadata(path)) {
        return Ok(count.trim().parse()?);
    }
    let (bytes, results) = generate::sarif(target);
    fs_err::write(path, &bytes)?;
    fs_err::write(&count_path, results.to_string())?;
    Ok(results)
}

/// User plus system CPU time of this process so far (all threads), from
/// `/proc/self/stat`, in seconds (assuming the usual 100 ticks a second).
fn cpu_seconds() -> f64 {
    let stat = fs_err::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the command name (which may hold spaces) start at `) `.
    let fields: Vec<&str> = stat
        .rsplit_once(") ")
        .map_or("", |(_, rest)| rest)
        .split(' ')
        .collect();
    let ticks = |index: usize| {
        fields
            .get(index)
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    (ticks(11) + ticks(12)) / 100.0
}

/// Resets the peak resident set size (Linux `clear_refs` 5), if allowed.
fn reset_peak_memory() {
    let _ = fs_err::write("/proc/self/clear_refs", "5");
}

/// A `Vm…` line of `/proc/self/status` in KiB, 0 where not available.
fn memory_kib(field: &str) -> u64 {
    let status = fs_err::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}
