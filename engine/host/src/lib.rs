//! The sandboxed WebAssembly host that runs verdict policy plugins.
//!
//! A policy is a component of the `plugin` world in `plugins/wit`. The
//! [`Host`] compiles it once (or loads it from the on-disk cache), calls
//! `describe`, and hands back a [`PolicyPre`] that evaluates the policy in a
//! fresh sandbox each time: no files, no environment, no network, the run's
//! time on the wall clock, deterministic randomness, and limits on time,
//! memory and the size of each call's data. The policy's violations reach a
//! [`ViolationSink`] batch by batch; the host keeps none. wasmtime never
//! appears in this API.
//!
//! Internal API: the CLI and the gate use it; it is not published.
//!
//! ```no_run
//! use std::sync::Arc;
//! use verdict_evidence::Evidence;
//! use verdict_evidence::policy::Context;
//! use verdict_host::{Host, HostConfig, Limits};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let host = Host::new(&HostConfig::default())?;
//! let policy = host.load(&fs_err::read("coverage.wasm")?)?;
//! let context = Context { now: "2025-01-01T00:00:00Z".into(), now_unix: 1_735_689_600, ..Context::default() };
//! let evidence = Arc::new(Evidence::default());
//! let config = serde_json::json!({ "min-lines": 80 });
//! let mut violations = Vec::new();
//! let outcome = policy.evaluate("coverage", &config, &context, &evidence, &Limits::default(), &mut violations)?;
//! assert!(violations.is_empty() && outcome.controls.is_empty());
//! # Ok(())
//! # }
//! ```

mod bindings;
mod cache;
mod convert;
mod error;
mod evidence;
mod host;
mod limits;
mod outcome;
mod policy;
mod sandbox;
mod violations;

pub use error::{HostError, HostErrorKind, Subject};
pub use host::Host;
pub use limits::Limits;
pub use policy::PolicyPre;
pub use violations::ViolationSink;

use std::path::PathBuf;

/// How the host caches compiled plugins.
///
/// The cache directory is not trusted: entries are used only with a valid
/// HMAC under the key in `cache_key_file`, which must lie outside it. Both
/// paths may come from the environment (`VERDICT_CACHE_DIR`,
/// `VERDICT_CACHE_KEY_FILE`): whoever sets the environment of the verdict
/// process already runs code in its job (and could as well run another
/// binary), so they gain nothing from choosing where the cache or its key is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HostConfig {
    /// Where compiled plugins are cached; `None` means the user's cache
    /// directory (`~/.cache/verdict/plugins` on Linux). The CLI resolves
    /// `VERDICT_CACHE_DIR` and passes it here.
    pub cache_dir: Option<PathBuf>,
    /// The file holding the key that authenticates cache entries, created on
    /// first use; `None` means the user's state directory
    /// (`~/.local/state/verdict/cache.key` on Linux). The CLI resolves
    /// `VERDICT_CACHE_KEY_FILE` and passes it here.
    pub cache_key_file: Option<PathBuf>,
    /// Whether to cache at all.
    pub cache: bool,
}

impl Default for HostConfig {
    fn default() -> HostConfig {
        HostConfig {
            cache_dir: None,
            cache_key_file: None,
            cache: true,
        }
    }
}

/// The user's cache directory for compiled plugins, when there is one.
fn default_cache_dir() -> Option<PathBuf> {
    directories::BaseDirs::new().map(|dirs| dirs.cache_dir().join("verdict").join("plugins"))
}

/// The user's file for the cache key, when there is one: in the state
/// directory (the data directory where there is no state directory), never
/// under the cache directory, which CI systems save and restore.
fn default_cache_key_file() -> Option<PathBuf> {
    directories::BaseDirs::new().map(|dirs| {
        dirs.state_dir()
            .unwrap_or_else(|| dirs.data_local_dir())
            .join("verdict")
            .join("cache.key")
    })
}
