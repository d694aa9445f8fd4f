//! `verdict plugin new` and `verdict plugin inspect`.

mod scaffold;

use crate::args::PluginCommand;
use crate::exit::ExitStatus;
use crate::gate::{self, RunOptions};
use std::io::Write;
use verdict_gate::PluginRef;
use verdict_report::text::{json, untrusted};

pub fn run(command: PluginCommand) -> anyhow::Result<ExitStatus> {
    match command {
        PluginCommand::New { path, name } => scaffold::new(&path, name.as_deref()),
        PluginCommand::Inspect { plugin, json } => inspect(&plugin, json),
    }
}

/// Characters of a descriptor's name, version, control id or title shown;
/// a description may be a paragraph.
const NAME_CHARS: usize = 200;
const DESCRIPTION_CHARS: usize = 2000;

/// Shows what a plugin says about itself. Everything in the descriptor is
/// the plugin's own text, and this is the command someone runs to vet an
/// unknown plugin: every field is shown through `untrusted`, each line
/// starts with a label of verdict's own, and the JSON escapes hidden
/// characters.
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
        writeln!(out, "{}", json::to_string_pretty(&value)?)?;
        return Ok(ExitStatus::Success);
    }
    let name = |text: &str| untrusted(text).max_chars(NAME_CHARS).to_string();
    writeln!(out, "plugin:      {}", untrusted(plugin))?;
    writeln!(out, "sha256:      {}", pre.sha256)?;
    writeln!(
        out,
        "name:        {} {}",
        name(&descriptor.name),
        name(&descriptor.version)
    )?;
    writeln!(
        out,
        "description: {}",
        untrusted(&descriptor.description).max_chars(DESCRIPTION_CHARS)
    )?;
    let kinds = |kinds: &[verdict_evidence::Kind]| {
        kinds
            .iter()
            .map(|kind| kind.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    writeln!(out, "consumes:    {}", kinds(&descriptor.consumes))?;
    if !descriptor.requires.is_empty() {
        writeln!(out, "requires:    {}", kinds(&descriptor.requires))?;
    }
    if !descriptor.controls.is_empty() {
        writeln!(out, "controls:")?;
        // `control` first: a control id is the plugin's text, and a line
        // must not start with it (GitHub trims indentation before looking
        // for `::`).
        for control in &descriptor.controls {
            writeln!(
                out,
                "  control {}  {}",
                name(&control.id),
                name(&control.title)
            )?;
        }
    }
    // Every line of pretty JSON starts with indentation and then `{`, `}`,
    // `[`, `]` or a quoted key, never with the plugin's text.
    writeln!(
        out,
        "config schema:\n{}",
        json::to_string_pretty(&descriptor.config_schema)?
    )?;
    Ok(ExitStatus::Success)
}
