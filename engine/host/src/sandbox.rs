//! The per-evaluation store state and its WASI context: no ambient authority.
//!
//! No preopened directories, no environment, no arguments, no stdin, no
//! network; stdout is discarded; stderr is captured and logged. The wall
//! clock reads the run's time, the monotonic clock is a counter, and
//! randomness is a fixed stream derived from the policy id and the run's
//! time, so an evaluation depends only on its inputs.

use crate::evidence::EvidenceHost;
use crate::limits::MemoryLimiter;
use crate::violations::ViolationsHost;
use bytes::Bytes;
use sha2::{Digest, Sha256};
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};
use std::time::Duration;
use wasmtime::component::ResourceTable;
use wasmtime_wasi::cli::{IsTerminal, StdoutStream};
use wasmtime_wasi::p2::{OutputStream, Pollable, StreamResult};
use wasmtime_wasi::{
    HostMonotonicClock, HostWallClock, WasiCtx, WasiCtxBuilder, WasiCtxView, WasiView,
};

/// Most bytes of a guest's stderr kept per evaluation; the rest is counted
/// and dropped, never an error, so a chatty policy is not failed for it.
const STDERR_CAPACITY: usize = 64 << 10;

/// Largest single request for random bytes.
const MAX_RANDOM_BYTES: u64 = 1 << 20;

/// Everything one store holds.
pub(crate) struct StoreState {
    wasi: WasiCtx,
    table: ResourceTable,
    pub(crate) evidence: EvidenceHost,
    pub(crate) violations: ViolationsHost,
    pub(crate) limiter: MemoryLimiter,
}

impl WasiView for StoreState {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView {
            ctx: &mut self.wasi,
            table: &mut self.table,
        }
    }
}

impl StoreState {
    /// State for one call into a policy, with stderr going to `stderr`.
    pub(crate) fn new(
        evidence: EvidenceHost,
        violations: ViolationsHost,
        memory: u64,
        now_unix: i64,
        seed: &str,
        stderr: &StderrCapture,
    ) -> StoreState {
        let mut builder = WasiCtxBuilder::new();
        // Defaults already give no stdin, no env, no args, no preopens and
        // refuse every socket address; say so anyway, so that a change of
        // defaults upstream cannot open anything.
        builder
            .stderr(stderr.clone())
            .allow_tcp(false)
            .allow_udp(false)
            .allow_ip_name_lookup(false)
            .socket_addr_check(|_, _| Box::pin(async { false }))
            .wall_clock(RunClock { now_unix })
            .monotonic_clock(CountingClock::default())
            .secure_random(wasmtime_wasi::Deterministic::new(random_bytes(
                seed, now_unix,
            )))
            .insecure_random(wasmtime_wasi::Deterministic::new(random_bytes(
                seed,
                now_unix.wrapping_add(1),
            )))
            .insecure_random_seed(u128::from_le_bytes(first_16(&random_bytes(
                seed,
                now_unix.wrapping_add(2),
            ))))
            .max_random_size(MAX_RANDOM_BYTES);
        StoreState {
            wasi: builder.build(),
            table: ResourceTable::new(),
            evidence,
            violations,
            limiter: MemoryLimiter::new(memory),
        }
    }
}

/// 1 KiB of bytes determined by `seed` and `now_unix`, cycled as the guest's
/// randomness.
fn random_bytes(seed: &str, now_unix: i64) -> Vec<u8> {
    (0u32..32)
        .flat_map(|block| {
            let mut hasher = Sha256::new();
            hasher.update(b"verdict-random\0");
            hasher.update(seed.as_bytes());
            hasher.update(now_unix.to_le_bytes());
            hasher.update(block.to_le_bytes());
            hasher.finalize().to_vec()
        })
        .collect()
}

fn first_16(bytes: &[u8]) -> [u8; 16] {
    let mut out = [0; 16];
    out.copy_from_slice(&bytes[..16]);
    out
}

/// The wall clock: always the run's time.
struct RunClock {
    now_unix: i64,
}

impl HostWallClock for RunClock {
    fn resolution(&self) -> Duration {
        Duration::from_secs(1)
    }

    fn now(&self) -> Duration {
        Duration::from_secs(u64::try_from(self.now_unix).unwrap_or(0))
    }
}

/// The monotonic clock: advances 1 ms per reading, so time appears to pass
/// the same way on every run.
#[derive(Default)]
struct CountingClock {
    readings: AtomicU64,
}

impl HostMonotonicClock for CountingClock {
    fn resolution(&self) -> u64 {
        1_000_000
    }

    fn now(&self) -> u64 {
        self.readings
            .fetch_add(1, Ordering::Relaxed)
            .saturating_mul(1_000_000)
    }
}

/// A guest's stderr, kept up to [`STDERR_CAPACITY`] bytes.
#[derive(Clone, Default)]
pub(crate) struct StderrCapture {
    inner: Arc<Mutex<Captured>>,
}

#[derive(Default)]
struct Captured {
    bytes: Vec<u8>,
    dropped: usize,
}

impl StderrCapture {
    fn push(&self, bytes: &[u8]) {
        let mut captured = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        let room = STDERR_CAPACITY.saturating_sub(captured.bytes.len());
        let kept = bytes.len().min(room);
        captured.bytes.extend_from_slice(&bytes[..kept]);
        captured.dropped += bytes.len() - kept;
    }

    /// The lines written so far, and how many bytes were dropped.
    pub(crate) fn lines(&self) -> (Vec<String>, usize) {
        let captured = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        let text = String::from_utf8_lossy(&captured.bytes);
        let lines = text
            .lines()
            .filter(|line| !line.trim().is_empty())
            .map(str::to_owned)
            .collect();
        (lines, captured.dropped)
    }
}

impl IsTerminal for StderrCapture {
    fn is_terminal(&self) -> bool {
        false
    }
}

impl StdoutStream for StderrCapture {
    fn p2_stream(&self) -> Box<dyn OutputStream> {
        Box::new(self.clone())
    }

    fn async_stream(&self) -> Box<dyn tokio::io::AsyncWrite + Send + Sync> {
        Box::new(self.clone())
    }
}

#[wasmtime_wasi::async_trait]
impl Pollable for StderrCapture {
    async fn ready(&mut self) {}
}

#[wasmtime_wasi::async_trait]
impl OutputStream for StderrCapture {
    fn write(&mut self, bytes: Bytes) -> StreamResult<()> {
        self.push(&bytes);
        Ok(())
    }

    fn flush(&mut self) -> StreamResult<()> {
        Ok(())
    }

    fn check_write(&mut self) -> StreamResult<usize> {
        // Always accept a full buffer's worth: overflow is dropped, not refused.
        Ok(STDERR_CAPACITY)
    }
}

impl tokio::io::AsyncWrite for StderrCapture {
    fn poll_write(
        self: Pin<&mut Self>,
        _: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        self.push(buf);
        Poll::Ready(Ok(buf.len()))
    }

    fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stderr_keeps_a_bounded_prefix_and_counts_the_rest() {
        let capture = StderrCapture::default();
        capture.push(b"first line\n\nsecond");
        capture.push(&vec![b'x'; STDERR_CAPACITY]);
        let (lines, dropped) = capture.lines();
        assert_eq!(lines[0], "first line");
        assert!(lines[1].starts_with("secondxxx"));
        assert_eq!(dropped, "first line\n\nsecond".len());
    }

    #[test]
    fn clocks_and_randomness_depend_only_on_inputs() {
        assert_eq!(
            RunClock {
                now_unix: 1_700_000_000
            }
            .now(),
            Duration::from_secs(1_700_000_000)
        );
        assert_eq!(RunClock { now_unix: -5 }.now(), Duration::ZERO);
        let clock = CountingClock::default();
        assert_eq!((clock.now(), clock.now()), (0, 1_000_000));
        assert_eq!(random_bytes("p", 1), random_bytes("p", 1));
        assert_ne!(random_bytes("p", 1), random_bytes("q", 1));
        assert_eq!(random_bytes("p", 1).len(), 1024);
    }
}
