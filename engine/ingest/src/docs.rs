//! The `docs/formats.md` table, generated from the registry.

use crate::formats::{FORMATS, Family, KINDS_DOCS};

/// Renders `docs/formats.md` from [`FORMATS`]; a test keeps the committed
/// file in step.
pub fn formats_markdown() -> String {
    let mut out = String::from(
        "# Input formats\n\n\
         <!-- Generated from engine/ingest/src/formats.rs by `VERDICT_BLESS=1 cargo test -p verdict-ingest --lib docs`. Do not edit. -->\n\n\
         verdict detects each input's format from its structure (the top-level keys of a JSON \
         document, the root element of an XML one, the first line of a text format), trying \
         formats in this order; `--format ID` forces one for every input and `ID:PATH` for one \
         input. `verdict formats` prints the same list.\n\n\
         A file whose name is listed under *file names* is read as that format unless its \
         content is recognized as another one, and is an error, never skipped, when it does \
         not parse as it. [Inputs](inputs.md) says which files of a directory are read, \
         skipped or refused.\n",
    );
    let families = [
        Family::CodeScanning,
        Family::Lint,
        Family::Container,
        Family::Secrets,
        Family::Dependencies,
        Family::Coverage,
        Family::Sbom,
        Family::Tests,
        Family::PullRequests,
        Family::Documents,
    ];
    for family in families {
        out.push_str(&format!(
            "\n## {}\n\n| id | what it reads | file names |\n|---|---|---|\n",
            capitalize(family.title())
        ));
        for format in FORMATS.iter().filter(|format| format.family == family) {
            let names: Vec<String> = format
                .names
                .iter()
                .map(|name| format!("`{name}`"))
                .collect();
            out.push_str(&format!(
                "| `{}` | {} | {} |\n",
                format.id,
                format.summary,
                names.join(", ")
            ));
        }
    }
    out.push_str("\n## What records become\n");
    for doc in KINDS_DOCS {
        out.push('\n');
        out.push_str(doc);
    }
    out
}

fn capitalize(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().collect::<String>() + chars.as_str())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    #[test]
    fn docs_formats_md_is_current() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/formats.md");
        let expected = super::formats_markdown();
        if std::env::var_os("VERDICT_BLESS").is_some() {
            fs_err::write(path, &expected).unwrap();
        }
        let actual = fs_err::read_to_string(path).unwrap_or_default();
        assert!(
            actual == expected,
            "docs/formats.md is stale: run `VERDICT_BLESS=1 cargo test -p verdict-ingest --lib docs`"
        );
    }
}
