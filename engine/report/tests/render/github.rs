//! GitHub workflow commands: read back the way the runner reads them, every
//! line one command of verdict's, at most ten per level, most severe first,
//! and forged text (line breaks, `::stop-commands::`, a literal `%0A`)
//! that cannot end a command or start one.

use super::{forged, raw_hidden, sample};
use verdict_gate::document::Verdict;
use verdict_report::{OutputFormat, render};

/// A command as the runner reads it.
#[derive(Debug)]
struct Command {
    name: String,
    properties: Vec<(String, String)>,
    data: String,
}

/// The runner's unescaping (`%25`, `%0D`, `%0A`, and in properties `%3A`,
/// `%2C`).
fn unescape(text: &str, property: bool) -> String {
    let mut text = text.replace("%0D", "\r").replace("%0A", "\n");
    if property {
        text = text.replace("%3A", ":").replace("%2C", ",");
    }
    text.replace("%25", "%")
}

/// Parses one line as the runner does: `::name k=v,k=v::data`.
fn command(line: &str) -> Command {
    let rest = line
        .strip_prefix("::")
        .unwrap_or_else(|| panic!("not a command: {line}"));
    let end = rest
        .find("::")
        .unwrap_or_else(|| panic!("unterminated: {line}"));
    let (head, data) = (&rest[..end], &rest[end + 2..]);
    let (name, properties) = head.split_once(' ').unwrap_or((head, ""));
    let properties = properties
        .split(',')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (key, value) = p
                .split_once('=')
                .unwrap_or_else(|| panic!("bad property {p} in {line}"));
            (key.to_owned(), unescape(value, true))
        })
        .collect();
    Command {
        name: name.to_owned(),
        properties,
        data: unescape(data, false),
    }
}

fn commands(verdict: &Verdict) -> (String, Vec<Command>) {
    let text = render(OutputFormat::Github, verdict);
    let commands = text.lines().map(command).collect();
    (text, commands)
}

fn property<'a>(command: &'a Command, key: &str) -> Option<&'a str> {
    command
        .properties
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}

#[test]
fn github_annotates_the_most_severe_first_within_github_s_limits() {
    let (text, commands) = commands(&sample());
    for name in ["error", "warning", "notice"] {
        assert!(
            commands.iter().filter(|c| c.name == name).count() <= 10,
            "{text}"
        );
    }
    // Gate and policy errors first, then failing violations.
    assert_eq!(property(&commands[0], "title"), Some("verdict: gate error"));
    assert_eq!(
        property(&commands[1], "title"),
        Some("verdict: policy custom errored")
    );
    let first = &commands[2];
    assert_eq!(first.name, "error");
    assert_eq!(property(first, "file"), Some("src/app.py"));
    assert_eq!(property(first, "line"), Some("1"));
    assert_eq!(property(first, "endLine"), Some("1"));
    assert_eq!(
        property(first, "title"),
        Some("code-scanning sql-injection (high)")
    );
    assert_eq!(first.data, "user input reaches a SQL query");
    // Warnings for policies that only warn; a notice for the waived one.
    let warnings: Vec<_> = commands.iter().filter(|c| c.name == "warning").collect();
    assert_eq!(warnings.len(), 3, "{text}");
    assert_eq!(
        property(warnings[0], "title"),
        Some("secrets secret (critical)")
    );
    let notice = commands.iter().find(|c| c.name == "notice").unwrap();
    assert_eq!(
        property(notice, "title"),
        Some("code-scanning sql-injection: waived by legacy-sql")
    );
    assert_eq!(property(notice, "line"), Some("40"));
    // Nine errors and the summary, at the decision's level, last.
    assert_eq!(commands.iter().filter(|c| c.name == "error").count(), 10);
    let summary = commands.last().unwrap();
    assert_eq!(summary.name, "error");
    assert_eq!(property(summary, "title"), Some("verdict"));
    assert!(
        summary.data.starts_with("verdict: ERROR (8 policies"),
        "{}",
        summary.data
    );
    assert!(
        summary.data.contains("8 more not annotated"),
        "{}",
        summary.data
    );
    insta::assert_snapshot!("github", text);
}

#[test]
fn github_a_passing_gate_says_so_in_one_notice() {
    let mut verdict = sample();
    verdict
        .policies
        .retain(|p| p.violations.is_empty() && p.waived.is_empty() && p.error.is_none());
    verdict.errors.clear();
    verdict.decision = verdict_gate::Decision::Pass;
    verdict.summary = verdict_gate::document::Summary::of(&verdict.policies);
    let (_, commands) = commands(&verdict);
    assert_eq!(commands.len(), 1);
    assert_eq!(commands[0].name, "notice");
    assert!(
        commands[0].data.starts_with("verdict: PASS"),
        "{}",
        commands[0].data
    );
    assert!(!commands[0].data.contains("not annotated"));
}

#[test]
fn github_forged_text_cannot_end_or_start_a_command() {
    let mut verdict = forged(true);
    let forgery = "a%0A::error::forged%0D%25 b,c:d::e\n::stop-commands::tok\r\n::add-mask::x";
    verdict.policies[0].violations[0].message = forgery.into();
    verdict.policies[0].violations[0].rule = forgery.into();
    verdict.policies[0].violations[0]
        .location
        .as_mut()
        .unwrap()
        .path = forgery.into();
    let (text, commands) = commands(&verdict);
    assert_eq!(raw_hidden(&text), Vec::<char>::new(), "{text}");
    assert!(!text.contains("##["), "{text}");
    // As many commands as with plain text, each one of verdict's own.
    let (_, plain) = super::github::commands(&forged(false));
    assert_eq!(commands.len(), plain.len(), "{text}");
    for (command, plain) in commands.iter().zip(&plain) {
        assert_eq!(command.name, plain.name);
        let keys = |c: &Command| {
            c.properties
                .iter()
                .map(|(k, _)| k.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(keys(command), keys(plain), "{command:?}");
        assert!(!command.data.contains(['\n', '\r']), "{command:?}");
        for (_, value) in &command.properties {
            assert!(!value.contains(['\n', '\r']), "{command:?}");
        }
    }
    // The runner reads back exactly the neutralised text: a literal `%0A`
    // stays those three characters, `:` and `,` stay in their property.
    let first = &commands[2];
    let shown = verdict_report::text::untrusted(forgery).to_string();
    assert_eq!(first.data, shown);
    assert_eq!(property(first, "file"), Some(shown.as_str()));
    assert!(
        first.data.contains("a%0A::error::forged%0D%25 b,c:d::e"),
        "{}",
        first.data
    );
    assert!(
        text.lines().all(|line| line.starts_with("::error ")
            || line.starts_with("::warning ")
            || line.starts_with("::notice ")),
        "{text}"
    );
}
