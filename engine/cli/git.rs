//! Stub until verdict-git lands.
use std::path::Path;
use verdict_evidence::Commit;
pub fn commits(_repo: &Path, _base: Option<&str>, _head: Option<&str>) -> anyhow::Result<Vec<Commit>> { anyhow::bail!("--repo is not supported yet") }
