//! Resource limits of one evaluation: time (epoch ticks), memory (a store
//! limiter that traps), and the size of the outcome.

use std::time::Duration;

/// How long an epoch tick lasts. A background thread advances the engine's
/// epoch at this rate, so a time limit is enforced to within one tick.
pub(crate) const EPOCH_TICK: Duration = Duration::from_millis(10);

/// Host bytes charged per table element. A funcref element is one pointer
/// (8 bytes) in wasmtime 48 (`TableElementType::element_size`; continuation
/// elements, not enabled here, are 16), and a growing table's storage is a
/// vector that may reserve up to twice its length. Charging 16 bytes covers
/// both, so the budget bounds what the host can actually allocate.
pub(crate) const TABLE_ELEMENT_BYTES: u64 = 16;

/// Most core instances, tables and linear memories one store may create. A
/// Rust policy built for `wasm32-wasip2` has a handful of each (its module,
/// the WASI adapter and their shims); wasmtime's default is 10,000 of each.
/// Each table's and memory's size is charged to the memory limit, so these
/// only bound per-item bookkeeping that is not.
pub(crate) const MAX_INSTANCES: usize = 64;
/// See [`MAX_INSTANCES`].
pub(crate) const MAX_TABLES: usize = 128;
/// See [`MAX_INSTANCES`].
pub(crate) const MAX_MEMORIES: usize = 16;

/// Resource limits of one evaluation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Wall time for instantiation plus `evaluate` (default 2 s).
    pub time: Duration,
    /// Host memory for the guest: its linear memories plus its tables (each
    /// element counted at [`TABLE_ELEMENT_BYTES`]), summed over everything
    /// the component creates (default 256 MiB).
    pub memory: u64,
    /// Approximate size of what a policy sends in one call, a batch of
    /// violations or the returned outcome: bytes of its strings plus a fixed
    /// overhead per record (default 64 MiB). The number of batches, and so
    /// of violations, is not limited: the host keeps none.
    pub outcome_bytes: u64,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            time: Duration::from_secs(2),
            memory: 256 << 20,
            outcome_bytes: 64 << 20,
        }
    }
}

/// The epoch deadline, in ticks beyond the current epoch, for a time limit.
///
/// One tick more than the limit divided by the tick, rounded up: the first
/// tick may come at once, and a deadline must never fire early.
pub(crate) fn deadline_ticks(time: Duration) -> u64 {
    let tick = EPOCH_TICK.as_nanos();
    let ticks = time.as_nanos().div_ceil(tick);
    u64::try_from(ticks)
        .unwrap_or(u64::MAX - 1)
        .saturating_add(1)
}

/// A store's resource limiter: one budget for every linear memory and table
/// the guest creates or grows, caps on how many it creates, and a refused
/// growth turned into a trap so a guest cannot loop on failure.
pub(crate) struct MemoryLimiter {
    limit: u64,
    used: u64,
    exceeded: bool,
}

/// The error a refused memory growth traps with.
#[derive(Debug, thiserror::Error)]
#[error("memory limit reached")]
struct MemoryLimitReached;

impl MemoryLimiter {
    pub(crate) fn new(limit: u64) -> MemoryLimiter {
        MemoryLimiter {
            limit,
            used: 0,
            exceeded: false,
        }
    }

    /// Whether the guest tried to grow memory past the limit.
    pub(crate) fn exceeded(&self) -> bool {
        self.exceeded
    }

    pub(crate) fn limit(&self) -> u64 {
        self.limit
    }
}

impl MemoryLimiter {
    /// Charges `bytes` more to the budget, or records that it was exceeded.
    fn charge(&mut self, bytes: u64) -> wasmtime::Result<bool> {
        let total = self.used.saturating_add(bytes);
        if total > self.limit {
            self.exceeded = true;
            return Err(wasmtime::Error::new(MemoryLimitReached));
        }
        self.used = total;
        Ok(true)
    }
}

impl wasmtime::ResourceLimiter for MemoryLimiter {
    fn memory_growing(
        &mut self,
        current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        self.charge((desired as u64).saturating_sub(current as u64))
    }

    fn memory_grow_failed(&mut self, error: wasmtime::Error) -> wasmtime::Result<()> {
        Err(error)
    }

    /// Also called with `current == 0` when a table is created, so initial
    /// sizes are charged too.
    fn table_growing(
        &mut self,
        current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        let elements = (desired as u64).saturating_sub(current as u64);
        self.charge(elements.saturating_mul(TABLE_ELEMENT_BYTES))
    }

    fn table_grow_failed(&mut self, error: wasmtime::Error) -> wasmtime::Result<()> {
        Err(error)
    }

    fn instances(&self) -> usize {
        MAX_INSTANCES
    }

    fn tables(&self) -> usize {
        MAX_TABLES
    }

    fn memories(&self) -> usize {
        MAX_MEMORIES
    }
}

/// `2s`, `500ms`, `1.5s`: a duration the way a user would write it.
pub(crate) fn human_duration(duration: Duration) -> String {
    let millis = duration.as_millis();
    if millis >= 1000 && millis.is_multiple_of(1000) {
        format!("{}s", millis / 1000)
    } else if millis >= 1000 {
        format!("{}s", duration.as_secs_f64())
    } else {
        format!("{millis}ms")
    }
}

/// `256 MiB`, `1500 bytes`: a size the way a user would write it.
pub(crate) fn human_bytes(bytes: u64) -> String {
    const MIB: u64 = 1 << 20;
    const KIB: u64 = 1 << 10;
    if bytes >= MIB && bytes.is_multiple_of(MIB) {
        format!("{} MiB", bytes / MIB)
    } else if bytes >= KIB && bytes.is_multiple_of(KIB) {
        format!("{} KiB", bytes / KIB)
    } else {
        format!("{bytes} bytes")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasmtime::ResourceLimiter as _;

    #[test]
    fn deadlines_never_fire_early() {
        assert_eq!(deadline_ticks(Duration::from_secs(2)), 201);
        assert_eq!(deadline_ticks(Duration::from_millis(5)), 2);
        assert_eq!(deadline_ticks(Duration::ZERO), 1);
        assert_eq!(deadline_ticks(Duration::MAX), u64::MAX);
    }

    #[test]
    fn memory_limit_counts_every_memory_and_traps() {
        let mut limiter = MemoryLimiter::new(100);
        assert!(limiter.memory_growing(0, 60, None).unwrap());
        assert!(limiter.memory_growing(0, 40, None).unwrap());
        assert!(!limiter.exceeded());
        assert!(limiter.memory_growing(40, 41, None).is_err());
        assert!(limiter.exceeded());
    }

    #[test]
    fn tables_share_the_memory_budget() {
        // Room for 40 bytes of memory and 3 table elements, not 4.
        let mut limiter = MemoryLimiter::new(40 + 3 * TABLE_ELEMENT_BYTES + 15);
        assert!(limiter.memory_growing(0, 40, None).unwrap());
        assert!(limiter.table_growing(0, 2, None).unwrap());
        assert!(limiter.table_growing(0, 1, Some(10)).unwrap());
        assert!(!limiter.exceeded());
        assert!(limiter.table_growing(1, 2, None).is_err());
        assert!(limiter.exceeded());

        // The bomb: 99 tables of a million elements under 16 MiB.
        let mut limiter = MemoryLimiter::new(16 << 20);
        let granted = (0..99)
            .take_while(|_| limiter.table_growing(0, 1_000_000, None).is_ok())
            .count();
        assert_eq!(granted, 1);
        assert!(limiter.exceeded());
    }

    #[test]
    fn sizes_and_durations_read_naturally() {
        assert_eq!(human_duration(Duration::from_secs(2)), "2s");
        assert_eq!(human_duration(Duration::from_millis(500)), "500ms");
        assert_eq!(human_duration(Duration::from_millis(1500)), "1.5s");
        assert_eq!(human_bytes(256 << 20), "256 MiB");
        assert_eq!(human_bytes(64 << 10), "64 KiB");
        assert_eq!(human_bytes(1500), "1500 bytes");
    }
}
