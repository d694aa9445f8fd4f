//! `verdict plugin new`: writes a standalone policy crate (filled in below).

use crate::exit::ExitStatus;
use std::path::Path;

pub fn new(_path: &Path, _name: Option<&str>) -> anyhow::Result<ExitStatus> {
    anyhow::bail!("`verdict plugin new` is not available yet")
}
