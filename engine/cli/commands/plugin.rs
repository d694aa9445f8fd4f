//! `verdict plugin new` and `verdict plugin inspect`.

mod scaffold;

use crate::args::PluginCommand;
use crate::exit::ExitStatus;
use crate::gate::{self, RunOptions};
use std::io::Write;
use verdict_gate::PluginRef;

pub fn run(command: PluginCommand) -> anyhow::Result<ExitStatus> {
    match command {
        PluginCommand::New { path, name } => scaffold::new(&path, name.as_deref()),
        PluginCommand::Inspect { plugin, json } => inspect(&plugin, json),
    }
}

fn inspect(plugin: &str, json: bool) -> anyhow::Result<ExitStatus> {
    let bytes = match plugin.strip_prefix("builtin:") {
        Some(name) => {
            gate::plugin_bytes("inspect", &PluginRef::Builtin(name.to_owned()))?.into_owned()
        }
        None => fs_err::read(plugin)?,
    };
    let host = gate::host(&RunOptions::default())?;
    let pre = host
        .load(&bytes)
        .map_err(|error| anyhow::anyhow!("`{plugin}`: {error}"))?;
    let descriptor = &pre.descriptor;
    let mut out = std::io::stdout().lock();
    if json {
        let value = serde_json::json!({
            "plugin": plugin,
            "sha256": pre.sha256,
            "descriptor": descriptor,
        });
        writeln!(out, "{}", serde_json::to_string_pretty(&value)?)?;
        return Ok(ExitStatus::Success);
    }
    writeln!(out, "plugin:      {plugin}")?;
    writeln!(out, "sha256:      {}", pre.sha256)?;
    writeln!(
        out,
        "name:        {} {}",
        descriptor.name, descriptor.version
    )?;
    writeln!(out, "description: {}", descriptor.description)?;
    let consumes: Vec<&str> = descriptor
        .consumes
        .iter()
        .map(|kind| kind.as_str())
        .collect();
    writeln!(out, "consumes:    {}", consumes.join(", "))?;
    if !descriptor.controls.is_empty() {
        writeln!(out, "controls:")?;
        for control in &descriptor.controls {
            writeln!(out, "  {}  {}", control.id, control.title)?;
        }
    }
    writeln!(
        out,
        "config schema:\n{}",
        serde_json::to_string_pretty(&descriptor.config_schema)?
    )?;
    Ok(ExitStatus::Success)
}
