//! `verdict plugin new`: writes a standalone policy crate.
//!
//! The SDK is not on a registry, so the scaffold carries its own copy of the
//! SDK and of the WIT contract, embedded in this binary at build time: the
//! crate builds on a fresh machine with `cargo build --release --target
//! wasm32-wasip2`, wherever it is.

use crate::exit::ExitStatus;
use anyhow::{Context as _, bail};
use std::io::Write;
use std::path::Path;

/// A file the scaffold writes: its path in the new crate and its text.
type Embedded = (&'static str, &'static str);

macro_rules! embed {
    ($($target:literal <= $source:literal),* $(,)?) => {
        &[$(($target, include_str!(concat!("../../../../", $source)))),*]
    };
}

/// The template, with `{{name}}` and `{{crate_name}}` placeholders.
const TEMPLATE: &[Embedded] = embed![
    "Cargo.toml" <= "plugins/template/Cargo.toml",
    "rust-toolchain.toml" <= "plugins/template/rust-toolchain.toml",
    ".gitignore" <= "plugins/template/.gitignore",
    "README.md" <= "plugins/template/README.md",
    "src/lib.rs" <= "plugins/template/src/lib.rs",
    "tests/too-many-findings.toml" <= "plugins/template/tests/too-many-findings.toml",
    "tests/findings.sarif" <= "plugins/template/tests/findings.sarif",
];

/// The SDK and the contract, copied unchanged.
const SDK: &[Embedded] = embed![
    "verdict-policy-sdk/Cargo.toml" <= "plugins/sdk/Cargo.toml",
    "verdict-policy-sdk/build.rs" <= "plugins/sdk/build.rs",
    "verdict-policy-sdk/src/lib.rs" <= "plugins/sdk/src/lib.rs",
    "verdict-policy-sdk/src/evidence.rs" <= "plugins/sdk/src/evidence.rs",
    "verdict-policy-sdk/src/glob.rs" <= "plugins/sdk/src/glob.rs",
    "verdict-policy-sdk/src/host.rs" <= "plugins/sdk/src/host.rs",
    "verdict-policy-sdk/src/outcome.rs" <= "plugins/sdk/src/outcome.rs",
    "verdict-policy-sdk/src/report.rs" <= "plugins/sdk/src/report.rs",
    "verdict-policy-sdk/src/testing.rs" <= "plugins/sdk/src/testing.rs",
    "verdict-policy-sdk/src/types.rs" <= "plugins/sdk/src/types.rs",
    "wit/verdict.wit" <= "plugins/wit/verdict.wit",
    "wit/README.md" <= "plugins/wit/README.md",
];

pub fn new(path: &Path, name: Option<&str>) -> anyhow::Result<ExitStatus> {
    let name = match name {
        Some(name) => name.to_owned(),
        None => path
            .file_name()
            .and_then(|name| name.to_str())
            .context("cannot take a policy name from the path: pass `--name NAME`")?
            .to_owned(),
    };
    if !is_policy_name(&name) {
        bail!(
            "policy name `{name}` must be kebab-case: a lowercase letter, then lowercase letters, digits and `-`"
        );
    }
    if path.exists() && fs_err::read_dir(path)?.next().is_some() {
        bail!("`{}` already exists and is not empty", path.display());
    }
    let crate_name = name.replace('-', "_");
    for (target, text) in TEMPLATE {
        let text = text
            .replace("{{name}}", &name)
            .replace("{{crate_name}}", &crate_name);
        write(&path.join(target), &text)?;
    }
    for (target, text) in SDK {
        write(&path.join(target), text)?;
    }
    let mut out = std::io::stdout().lock();
    writeln!(out, "created policy `{name}` in `{}`", path.display())?;
    writeln!(out, "next:")?;
    writeln!(out, "  cd {}", path.display())?;
    writeln!(
        out,
        "  cargo test                                     # policy logic, natively"
    )?;
    writeln!(
        out,
        "  cargo build --release --target wasm32-wasip2   # the component"
    )?;
    writeln!(
        out,
        "  verdict test tests/                            # cases in the real sandbox"
    )?;
    Ok(ExitStatus::Success)
}

fn write(path: &Path, text: &str) -> anyhow::Result<()> {
    if let Some(parent) = path.parent() {
        fs_err::create_dir_all(parent)?;
    }
    fs_err::write(path, text)?;
    Ok(())
}

fn is_policy_name(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_lowercase())
        && !name.ends_with('-')
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every file of the SDK and the template is embedded, so a file added
    /// there cannot be forgotten here.
    #[test]
    fn embeds_every_sdk_and_template_file() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("plugins");
        let mut expected = Vec::new();
        for (folder, prefix) in [
            ("sdk", "verdict-policy-sdk/"),
            ("template", ""),
            ("wit", "wit/"),
        ] {
            for entry in walkdir::WalkDir::new(root.join(folder)) {
                let entry = entry.unwrap();
                let relative = entry.path().strip_prefix(root.join(folder)).unwrap();
                if entry.file_type().is_file()
                    && !relative.starts_with("target")
                    && relative != Path::new("Cargo.lock")
                {
                    expected.push(format!("{prefix}{}", relative.display()));
                }
            }
        }
        let mut embedded: Vec<String> = TEMPLATE
            .iter()
            .chain(SDK)
            .map(|(target, _)| target.to_string())
            .collect();
        expected.sort();
        embedded.sort();
        assert_eq!(embedded, expected);
    }

    #[test]
    fn policy_names_are_kebab_case() {
        assert!(is_policy_name("no-friday-deploys"));
        assert!(!is_policy_name("NoFriday"));
        assert!(!is_policy_name("1abc"));
        assert!(!is_policy_name("abc-"));
    }
}
