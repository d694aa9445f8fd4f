//! One SARIF result into one finding: rule, severity, message, location,
//! fingerprint, CWEs and suppression.

use super::meaning::ToolMeaning;
use super::model::{Message, ResultDef};
use super::rules::{Rule, RunContext, cwe_from_tag, push_unique, score_severity};
use std::collections::HashSet;
use std::sync::Arc;
use verdict_evidence::{Finding, Location, Severity, fingerprint};

/// Shares one `Arc<str>` per distinct path or rule id within a batch of results.
///
/// Keys come from the file being read, which a pull request's author may
/// write: foldhash's per-process random seed keeps them from choosing keys
/// that collide (a fixed hash would let one file make every lookup linear).
/// The set only answers lookups, so its order never reaches the output.
#[derive(Default)]
pub(super) struct Interner(HashSet<Arc<str>, foldhash::fast::RandomState>);

impl Interner {
    pub(super) fn get(&mut self, text: &str) -> Arc<str> {
        if let Some(shared) = self.0.get(text) {
            return shared.clone();
        }
        let shared: Arc<str> = Arc::from(text);
        self.0.insert(shared.clone());
        shared
    }
}

/// Converts one result. Errors are messages without position; warnings
/// (unknown level words and the like) go to `warn`.
pub(super) fn finding(
    context: &RunContext,
    result: ResultDef<'_>,
    interner: &mut Interner,
    warn: &mut dyn FnMut(String),
) -> Result<Finding, String> {
    let rule = find_rule(context, &result)?;
    let rule_id = rule_id_of(&result, rule, interner);

    // SARIF §3.27.10: a result whose kind is not `fail` has level `none`
    // unless it says otherwise; a failure takes the rule's default level,
    // then `warning`.
    let is_failure = result.kind.as_deref().is_none_or(|kind| kind == "fail");
    let level: &str = match (&result.level, is_failure) {
        (Some(level), _) => level,
        (None, true) => rule
            .and_then(|rule| rule.default_level.as_deref())
            .unwrap_or("warning"),
        (None, false) => "none",
    };
    let properties = result.properties.as_ref();
    let result_security = properties.and_then(|p| p.security_severity.as_ref());
    let result_score = result_security.and_then(|score| {
        let where_ = format!("a result of rule `{rule_id}` of `{}`", context.tool);
        score_severity(score, &where_, warn)
    });
    // A security-severity rates the problem a failing result reports; a
    // passing or informational result reports none.
    let scored = if is_failure {
        result_score.or(rule.and_then(|rule| rule.security_severity))
    } else {
        None
    };
    // The number itself, under the same rule: the result's own, then its
    // rule's; a word (Semgrep's `MEDIUM`) gives a severity but no number.
    let score = if is_failure {
        match result_security.and_then(|security| security.number()) {
            Some(number) => Some(number),
            // A word the result gives replaces the rule's number too.
            None if result_score.is_some() => None,
            None => rule.and_then(|rule| rule.security_score),
        }
    } else {
        None
    };
    let severity = match scored {
        Some(severity) => severity,
        None => level_severity(level, context, warn),
    };

    let message = message_text(result.message.as_ref(), rule);
    let location = location(context, &result, interner)?;

    // Most results add nothing to their rule's tags and CWEs: share the
    // rule's lists then, instead of copying them into every finding.
    let result_tags = properties
        .and_then(|p| p.tags.as_ref())
        .filter(|t| !t.is_empty());
    let result_taxa = result.taxa.as_ref().filter(|t| !t.is_empty());
    let (tags, cwes): (Arc<[String]>, Arc<[String]>) = match (result_tags, result_taxa) {
        (None, None) => rule.map_or_else(Default::default, |rule| {
            (rule.tags.clone(), rule.cwes.clone())
        }),
        _ => {
            let mut tags: Vec<String> = rule.map(|rule| rule.tags.to_vec()).unwrap_or_default();
            let mut cwes: Vec<String> = rule.map(|rule| rule.cwes.to_vec()).unwrap_or_default();
            for tag in result_tags.into_iter().flatten() {
                push_unique(&mut tags, Some(tag.to_string()));
                push_unique(&mut cwes, cwe_from_tag(tag));
            }
            for taxon in result_taxa.into_iter().flatten() {
                push_unique(&mut cwes, context.cwe_of(taxon));
            }
            (tags.into(), cwes.into())
        }
    };

    let fingerprint = fingerprint_of(context, &result, &rule_id, location.as_ref());
    let suppressed = is_suppressed(&result);
    Ok(Finding {
        source: 0,
        tool: context.tool.clone(),
        rule_id,
        severity,
        level: Some(interner.get(level)),
        message,
        location,
        fingerprint,
        cwes,
        tags,
        suppressed,
        baseline_state: result.baseline_state.map(|state| interner.get(&state)),
        score,
        rule: rule.and_then(|rule| rule.info.clone()),
    })
}

/// The result's rule id: `ruleId`, else `rule.id`, else its rule's id, else
/// `unknown`.
pub(super) fn rule_id_of(
    result: &ResultDef<'_>,
    rule: Option<&Rule>,
    interner: &mut Interner,
) -> Arc<str> {
    match (
        result.rule_id.as_deref(),
        result.rule.as_ref().and_then(|r| r.id.as_deref()),
    ) {
        (Some(id), _) | (None, Some(id)) => interner.get(id),
        (None, None) => match rule.and_then(|rule| rule.id.clone()) {
            Some(id) => id,
            None => interner.get("unknown"),
        },
    }
}

/// Whether a suppression without status, or an accepted one, applies.
pub(super) fn is_suppressed(result: &ResultDef<'_>) -> bool {
    result.suppressions.iter().flatten().any(|suppression| {
        suppression
            .status
            .as_deref()
            .is_none_or(|status| status == "accepted")
    })
}

pub(super) fn find_rule<'c>(
    context: &'c RunContext,
    result: &ResultDef<'_>,
) -> Result<Option<&'c Rule>, String> {
    let reference = result.rule.as_ref();
    let component = context.component(reference)?;
    let index = reference
        .and_then(|r| r.index)
        .or(result.rule_index)
        .filter(|index| *index >= 0);
    if let Some(index) = index {
        let rule = usize::try_from(index)
            .ok()
            .and_then(|index| component.rules.get(index));
        return match rule {
            Some(rule) => Ok(Some(rule)),
            None => Err(format!(
                "`ruleIndex` {index} is out of range: the tool lists {} rules",
                component.rules.len()
            )),
        };
    }
    let Some(id) = reference
        .and_then(|r| r.id.as_deref())
        .or(result.rule_id.as_deref())
    else {
        return Ok(None);
    };
    // A hierarchical id (`CA2000/1`) names its rule by the first component.
    let found = component.by_id.get(id).or_else(|| {
        id.split_once('/')
            .and_then(|(base, _)| component.by_id.get(base))
    });
    Ok(found.map(|&index| &component.rules[index]))
}

fn level_severity(level: &str, context: &RunContext, warn: &mut dyn FnMut(String)) -> Severity {
    match level {
        "error" => Severity::High,
        "warning" => Severity::Medium,
        "note" => Severity::Low,
        "none" => Severity::Info,
        other => Severity::from_tool_word(other).unwrap_or_else(|| {
            warn(format!(
                "`{}` used the unknown level `{other}`: read as medium",
                context.tool
            ));
            Severity::Medium
        }),
    }
}

/// `message.text`, else `markdown`, else the rule's message string
/// `message.id`, else the rule's short description; placeholders filled.
pub(super) fn message_text(message: Option<&Message<'_>>, rule: Option<&Rule>) -> String {
    let arguments: &[_] = message.and_then(|m| m.arguments.as_deref()).unwrap_or(&[]);
    let direct = message.and_then(|m| m.text.as_deref().or(m.markdown.as_deref()));
    let template = direct.or_else(|| {
        let id = message.and_then(|m| m.id.as_deref())?;
        let strings = &rule?.message_strings;
        strings
            .iter()
            .find(|(key, _)| key == id)
            .map(|(_, text)| text.as_str())
    });
    match template {
        Some(template) if !arguments.is_empty() || direct.is_none() => {
            fill_placeholders(template, arguments)
        }
        Some(template) => template.to_owned(),
        None => rule
            .and_then(|rule| rule.short_description.clone())
            .unwrap_or_default(),
    }
}

/// Replaces `{0}`, `{1}`… with the arguments and `{{`/`}}` with braces (SARIF
/// §3.11.5). Placeholders without an argument are kept as written.
fn fill_placeholders(template: &str, arguments: &[super::model::Str<'_>]) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(open) = rest.find(['{', '}']) {
        out.push_str(&rest[..open]);
        rest = &rest[open..];
        if rest.starts_with("{{") || rest.starts_with("}}") {
            out.push_str(&rest[..1]);
            rest = &rest[2..];
            continue;
        }
        let argument = rest.strip_prefix('{').and_then(|after| {
            let close = after.find('}')?;
            let index: usize = after[..close].parse().ok()?;
            Some((arguments.get(index)?, close + 2))
        });
        match argument {
            Some((argument, consumed)) => {
                out.push_str(argument);
                rest = &rest[consumed..];
            }
            None => {
                out.push_str(&rest[..1]);
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

pub(super) fn location(
    context: &RunContext,
    result: &ResultDef<'_>,
    interner: &mut Interner,
) -> Result<Option<Location>, String> {
    let Some(physical) = result.locations.as_ref().and_then(|l| l.0.as_ref()) else {
        return Ok(None);
    };
    let Some(artifact) = physical.artifact_location.as_ref() else {
        return Ok(None);
    };
    let uri: &str = match (&artifact.uri, artifact.index.filter(|index| *index >= 0)) {
        (Some(uri), _) => uri,
        (None, Some(index)) => {
            let found = usize::try_from(index)
                .ok()
                .and_then(|index| context.artifacts.get(index));
            match found {
                Some(Some(uri)) => uri,
                Some(None) => return Ok(None),
                None => {
                    return Err(format!(
                        "`artifactLocation.index` {index} is out of range: the run lists {} artifacts",
                        context.artifacts.len()
                    ));
                }
            }
        }
        (None, None) => return Ok(None),
    };
    let path = strip_file_scheme(uri);
    let line = |value: Option<i64>| {
        value
            .and_then(|line| u32::try_from(line).ok())
            .filter(|line| *line > 0)
    };
    let region = physical.region.as_ref();
    let start_line = line(region.and_then(|r| r.start_line));
    let end_line = line(region.and_then(|r| r.end_line)).or(start_line);
    Ok(Some(Location {
        path: interner.get(path),
        start_line,
        end_line,
    }))
}

/// A `file:` URI's path: `file:///src/a.py` and `file:////src/a.py` become
/// `/src/a.py`, `file:///C:/a.py` becomes `C:/a.py`. Other URIs are kept.
fn strip_file_scheme(uri: &str) -> &str {
    let Some(path) = uri.strip_prefix("file://") else {
        return uri;
    };
    let path = match path.find(|c| c != '/') {
        Some(first) if first > 1 => &path[first - 1..],
        _ => path,
    };
    let bytes = path.as_bytes();
    if bytes.len() >= 3 && bytes[0] == b'/' && bytes[1].is_ascii_alphabetic() && bytes[2] == b':' {
        return &path[1..];
    }
    path
}

/// The tool's `fingerprints` (a stable identity by SARIF's definition), else
/// a hash over tool, rule, path and its `partialFingerprints` (which identify
/// a location only within a rule and file), else a hash over tool, rule, path
/// and the region's snippet or first line.
fn fingerprint_of(
    context: &RunContext,
    result: &ResultDef<'_>,
    rule_id: &str,
    location: Option<&Location>,
) -> String {
    let path = location.map_or("", |l| &l.path);
    if let Some(fingerprints) = result.fingerprints.as_ref().filter(|f| !f.0.is_empty()) {
        let first = fingerprints.0.iter().min_by(|a, b| a.0.0.cmp(&b.0.0));
        if let Some((_, value)) = first {
            return value.to_string();
        }
    }
    let mut parts: Vec<&str> = vec![&context.tool, rule_id, path];
    if let Some(partial) = result
        .partial_fingerprints
        .as_ref()
        .filter(|f| !f.0.is_empty())
    {
        let mut pairs: Vec<(&str, &str)> = partial.0.iter().map(|(k, v)| (&**k, &**v)).collect();
        pairs.sort_unstable();
        for (key, value) in pairs {
            parts.push(key);
            parts.push(value);
        }
        return fingerprint::of(&parts);
    }
    let region = result
        .locations
        .as_ref()
        .and_then(|l| l.0.as_ref())
        .and_then(|p| p.region.as_ref());
    // A secret scanner's snippet holds the secret: hashing it with the
    // known tool, rule and path would let anyone confirm a guessed secret.
    // Its results become secrets (`secret.rs`), never findings; this guard
    // stays in case a rule turns one into a finding.
    let snippet = region
        .filter(|_| context.tool_meaning != ToolMeaning::Secrets)
        .and_then(|r| r.snippet.as_ref())
        .and_then(|s| s.text.as_deref())
        .map(fingerprint::normalize_snippet)
        .filter(|text| !text.is_empty());
    let line = location
        .and_then(|l| l.start_line)
        .map(|line| line.to_string());
    let region_part = snippet.or(line).unwrap_or_default();
    parts.push(&region_part);
    fingerprint::of(&parts)
}

#[cfg(test)]
mod tests {
    use super::super::model::Str;
    use super::*;

    #[test]
    fn file_uris_become_paths() {
        assert_eq!(strip_file_scheme("file:///src/a.py"), "/src/a.py");
        assert_eq!(strip_file_scheme("file:////src/a.py"), "/src/a.py");
        assert_eq!(strip_file_scheme("file:///C:/a.py"), "C:/a.py");
        assert_eq!(strip_file_scheme("src/a.py"), "src/a.py");
        assert_eq!(strip_file_scheme("file://"), "");
    }

    #[test]
    fn placeholders_are_filled_and_braces_unescaped() {
        let arguments = [Str("a".into()), Str("b".into())];
        assert_eq!(
            fill_placeholders("x {0} y {1} {2} {{z}} {", &arguments),
            "x a y b {2} {z} {"
        );
        assert_eq!(fill_placeholders("{é}", &arguments), "{é}");
    }
}
