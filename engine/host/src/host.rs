//! The host: one wasmtime engine with its epoch ticker, one linker with the
//! restricted WASI and the `evidence` and `violations` imports, and the
//! compiled-plugin cache.

use crate::bindings::verdict::policy::{evidence, violations};
use crate::bindings::{Plugin, PluginPre};
use crate::cache::Cache;
use crate::error::{HostError, HostErrorKind, Subject, message};
use crate::evidence::EvidenceHost;
use crate::limits::{EPOCH_TICK, Limits};
use crate::policy::{self, PolicyPre};
use crate::sandbox::StoreState;
use crate::violations::ViolationsHost;
use crate::{HostConfig, convert};
use std::sync::Arc;
use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::time::Instant;
use verdict_evidence::fingerprint::sha256_hex;
use wasmtime::component::{HasSelf, Linker};
use wasmtime::{Config, Engine, Store};

/// Runs policy plugins in a sandbox. Create one per process; it is cheap to
/// share and every [`PolicyPre`] it loads keeps what it needs alive.
pub struct Host {
    shared: Arc<Shared>,
}

/// What the host and every loaded policy share.
pub(crate) struct Shared {
    pub(crate) engine: Engine,
    linker: Linker<StoreState>,
    cache: Cache,
    _ticker: EpochTicker,
}

impl Host {
    /// A host with the given cache settings.
    pub fn new(config: &HostConfig) -> Result<Host, HostError> {
        let engine_error = |error: wasmtime::Error| {
            HostError::new(
                Subject::Host,
                HostErrorKind::Engine {
                    reason: message(&error),
                },
            )
        };
        let engine = Engine::new(&engine_config()).map_err(engine_error)?;
        let mut linker = Linker::new(&engine);
        wasmtime_wasi::p2::add_to_linker_sync(&mut linker).map_err(engine_error)?;
        evidence::add_to_linker::<StoreState, HasSelf<EvidenceHost>>(&mut linker, |state| {
            &mut state.evidence
        })
        .map_err(engine_error)?;
        violations::add_to_linker::<StoreState, HasSelf<ViolationsHost>>(&mut linker, |state| {
            &mut state.violations
        })
        .map_err(engine_error)?;
        let cache = if config.cache {
            Cache::new(
                config.cache_dir.clone().or_else(crate::default_cache_dir),
                config
                    .cache_key_file
                    .clone()
                    .or_else(crate::default_cache_key_file),
                &engine,
            )
        } else {
            Cache::new(None, None, &engine)
        };
        let ticker = EpochTicker::start(&engine).map_err(|error| {
            HostError::new(
                Subject::Host,
                HostErrorKind::Engine {
                    reason: format!("cannot start the epoch thread: {error}"),
                },
            )
        })?;
        Ok(Host {
            shared: Arc::new(Shared {
                engine,
                linker,
                cache,
                _ticker: ticker,
            }),
        })
    }

    /// Compiles a plugin (or loads it from the cache), checks that it is a
    /// verdict policy, and calls `describe` once.
    pub fn load(&self, wasm: &[u8]) -> Result<PolicyPre, HostError> {
        let started = Instant::now();
        let sha256 = sha256_hex(wasm);
        let fail = |kind| HostError::new(Subject::Plugin(sha256.clone()), kind);
        if !wasm.starts_with(COMPONENT_HEADER) {
            let reason = if wasm.starts_with(CORE_MODULE_HEADER) {
                "it is a core module, not a component (build it for `wasm32-wasip2`)"
            } else {
                "it is not WebAssembly"
            };
            return Err(fail(HostErrorKind::NotAPolicy {
                reason: reason.into(),
            }));
        }
        let shared = &self.shared;
        let (component, from_cache) = shared
            .cache
            .load_or_compile(&shared.engine, wasm, &sha256)
            .map_err(|error| {
                fail(HostErrorKind::Compile {
                    reason: message(&error),
                })
            })?;
        let not_a_policy = |error: wasmtime::Error| {
            fail(HostErrorKind::NotAPolicy {
                reason: message(&error),
            })
        };
        let instance_pre = shared
            .linker
            .instantiate_pre(&component)
            .map_err(not_a_policy)?;
        let pre = PluginPre::new(instance_pre).map_err(not_a_policy)?;

        let seed = format!("sha256:{sha256}");
        let describe = |store: &mut Store<StoreState>, plugin: &Plugin| {
            plugin.verdict_policy_policy().call_describe(store)
        };
        let descriptor = policy::call(
            &pre,
            &seed,
            EvidenceHost::none(),
            ViolationsHost::none(),
            &Limits::default(),
            0,
            describe,
        )
        .map_err(|kind| {
            fail(HostErrorKind::DescribeFailed {
                reason: kind.to_string(),
            })
        })?;
        let descriptor = convert::descriptor_from_wit(descriptor)
            .map_err(|reason| fail(HostErrorKind::DescribeFailed { reason }))?;
        // A first run's preparation (compiling every plugin) is its one
        // slow step; `-v` shows what it cost and that the next run reuses it.
        tracing::info!(
            plugin = descriptor.name,
            sha256,
            ms = started.elapsed().as_millis() as u64,
            "{}",
            if from_cache {
                "loaded a compiled plugin from the cache"
            } else if shared.cache.is_enabled() {
                "compiled a plugin (cached for the next run)"
            } else {
                "compiled a plugin (no cache)"
            }
        );
        Ok(PolicyPre::new(
            sha256,
            descriptor,
            from_cache,
            pre,
            Arc::clone(&self.shared),
        ))
    }

    /// [`load`](Host::load), after checking that the plugin's sha256 is the
    /// one pinned (lowercase hex).
    pub fn load_pinned(&self, wasm: &[u8], sha256: &str) -> Result<PolicyPre, HostError> {
        let actual = sha256_hex(wasm);
        if !actual.eq_ignore_ascii_case(sha256.trim()) {
            return Err(HostError::new(
                Subject::Plugin(actual.clone()),
                HostErrorKind::Sha256Mismatch {
                    expected: sha256.to_owned(),
                    actual,
                },
            ));
        }
        self.load(wasm)
    }
}

/// The first bytes of a component: magic, version 13, layer 1.
const COMPONENT_HEADER: &[u8] = b"\0asm\x0d\0\x01\0";
/// The first bytes of a core module: magic, version 1.
const CORE_MODULE_HEADER: &[u8] = b"\0asm\x01\0\0\0";

/// The engine configuration: the component model, epoch interruption for
/// time limits, and the settings that make floating point deterministic.
///
/// Instances use the default on-demand allocator. The pooling allocator
/// instantiates faster (about 65 µs against 90–135 µs per evaluation) but
/// reserving its pool makes `Host::new` about 10 ms slower, more than a run
/// of a few dozen evaluations saves.
fn engine_config() -> Config {
    let mut config = Config::new();
    config
        .wasm_component_model(true)
        .epoch_interruption(true)
        .cranelift_nan_canonicalization(true)
        .relaxed_simd_deterministic(true)
        .parallel_compilation(true);
    config
}

/// Advances the engine's epoch every [`EPOCH_TICK`] until dropped.
struct EpochTicker {
    _stop: Sender<()>,
}

impl EpochTicker {
    fn start(engine: &Engine) -> std::io::Result<EpochTicker> {
        let (stop, stopped) = mpsc::channel::<()>();
        let engine = engine.clone();
        std::thread::Builder::new()
            .name("verdict-epoch".into())
            .spawn(move || {
                while let Err(RecvTimeoutError::Timeout) = stopped.recv_timeout(EPOCH_TICK) {
                    engine.increment_epoch();
                }
            })?;
        Ok(EpochTicker { _stop: stop })
    }
}
