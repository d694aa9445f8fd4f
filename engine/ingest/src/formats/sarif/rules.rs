//! What a run says once for all its results: the tool, its rules, artifacts
//! and taxonomies, resolved into owned lookup tables.

use super::meaning::{Meaning, ToolMeaning, rule_meaning, tool_meaning};
use super::model::{DescriptorReference, ReportingDescriptor, Score, Tool, ToolComponent};
use std::collections::HashMap;
use std::sync::Arc;
use verdict_evidence::{RuleInfo, Severity, cvss_band};

/// One rule, with what results inherit from it.
#[derive(Debug, Default)]
pub(super) struct Rule {
    /// `id`, shared by every finding of the rule.
    pub id: Option<Arc<str>>,
    /// `defaultConfiguration.level`.
    pub default_level: Option<String>,
    /// `properties.security-severity`, mapped.
    pub security_severity: Option<Severity>,
    /// `properties.security-severity` when it is a number (or a numeric
    /// string), for dependency scanners' CVSS scores.
    pub security_score: Option<f64>,
    /// `properties.tags`.
    pub tags: Arc<[String]>,
    /// CWE ids from tags and relationships.
    pub cwes: Arc<[String]>,
    /// `messageStrings`: id and text (or markdown).
    pub message_strings: Vec<(String, String)>,
    /// `shortDescription.text`.
    pub short_description: Option<String>,
    /// What the rule means by itself (see `meaning.rs`).
    pub meaning: Option<Meaning>,
    /// `help.text` (else `markdown`), kept only for rules that mean a
    /// vulnerable package: Grype writes the package there.
    pub help: Option<String>,
    /// `properties.purls` (Grype).
    pub purls: Vec<String>,
    /// `name`, `shortDescription` and `helpUri`, shared by the rule's
    /// findings; `None` when the rule gives none of them.
    pub info: Option<Arc<RuleInfo>>,
}

/// The rules of one tool component (the driver or an extension).
#[derive(Debug, Default)]
pub(super) struct Component {
    pub name: Option<String>,
    pub guid: Option<String>,
    pub rules: Vec<Rule>,
    /// Rule index by id.
    pub by_id: HashMap<Arc<str>, usize>,
}

/// A taxonomy (`run.taxonomies[]`): its name and its taxa ids.
#[derive(Debug, Default)]
pub(super) struct Taxonomy {
    pub name: Option<String>,
    pub guid: Option<String>,
    pub taxa: Vec<Option<String>>,
}

/// Everything a result of one run may refer to.
#[derive(Debug, Default)]
pub(super) struct RunContext {
    /// `tool.driver.name`.
    pub tool: Arc<str>,
    /// The driver first, then the extensions.
    pub components: Vec<Component>,
    /// What the tool is (see `meaning.rs`).
    pub tool_meaning: ToolMeaning,
    /// `run.artifacts[].location.uri`.
    pub artifacts: Vec<Option<String>>,
    /// Package URLs among `run.artifacts[].properties` (dependency-check),
    /// by artifact index; empty when no artifact has any.
    pub artifact_purls: Vec<Vec<String>>,
    /// `run.taxonomies`.
    pub taxonomies: Vec<Taxonomy>,
}

impl RunContext {
    /// Builds the tables from a parsed `tool`. Unknown `security-severity`
    /// words are reported through `warn`.
    pub fn new(tool: Tool<'_>, warn: &mut dyn FnMut(String)) -> RunContext {
        let name: Arc<str> = Arc::from(tool.driver.name.as_deref().unwrap_or("unknown"));
        let tool_meaning = tool_meaning(&tool.driver);
        let mut components = vec![component(tool.driver, &name, tool_meaning, warn)];
        for extension in tool.extensions.into_iter().flatten() {
            components.push(component(extension, &name, tool_meaning, warn));
        }
        RunContext {
            tool: name,
            tool_meaning,
            components,
            artifacts: Vec::new(),
            artifact_purls: Vec::new(),
            taxonomies: Vec::new(),
        }
    }

    /// The meanings of every rule the run defines, for what the run speaks for.
    pub fn rule_meanings(&self) -> impl Iterator<Item = Meaning> + '_ {
        self.components
            .iter()
            .flat_map(|component| &component.rules)
            .map(|rule| super::meaning::result_meaning(self.tool_meaning, rule.meaning))
    }

    /// Adds `run.taxonomies`.
    pub fn set_taxonomies(&mut self, taxonomies: Vec<ToolComponent<'_>>) {
        self.taxonomies = taxonomies
            .into_iter()
            .map(|taxonomy| Taxonomy {
                name: taxonomy.name.map(|name| name.to_string()),
                guid: taxonomy.guid.map(|guid| guid.to_string()),
                taxa: taxonomy
                    .taxa
                    .into_iter()
                    .flatten()
                    .map(|taxon| taxon.id.map(|id| id.to_string()))
                    .collect(),
            })
            .collect();
    }

    /// The component a `toolComponent` reference names (the driver when absent).
    pub fn component(
        &self,
        reference: Option<&DescriptorReference<'_>>,
    ) -> Result<&Component, String> {
        let Some(target) = reference.and_then(|r| r.tool_component.as_ref()) else {
            return Ok(&self.components[0]);
        };
        if let Some(index) = target.index.filter(|index| *index >= 0) {
            // toolComponent.index points into tool.extensions.
            return usize::try_from(index)
                .ok()
                .and_then(|index| self.components.get(index + 1))
                .ok_or_else(|| {
                    format!(
                        "`rule.toolComponent.index` {index} is out of range: the tool has {} extensions",
                        self.components.len() - 1
                    )
                });
        }
        let found = self.components.iter().find(|component| {
            target
                .guid
                .as_deref()
                .is_some_and(|guid| component.guid.as_deref() == Some(guid))
                || target
                    .name
                    .as_deref()
                    .is_some_and(|name| component.name.as_deref() == Some(name))
        });
        found.ok_or_else(|| {
            let named = target
                .name
                .as_deref()
                .or(target.guid.as_deref())
                .unwrap_or("");
            format!("`rule.toolComponent` `{named}` names no tool component of the run")
        })
    }

    /// The CWE id a taxon reference names, if it names one.
    pub fn cwe_of(&self, reference: &DescriptorReference<'_>) -> Option<String> {
        let taxonomy = reference.tool_component.as_ref().and_then(|target| {
            match target.index.and_then(|index| usize::try_from(index).ok()) {
                Some(index) => self.taxonomies.get(index),
                None => self.taxonomies.iter().find(|taxonomy| {
                    target
                        .guid
                        .as_deref()
                        .is_some_and(|guid| taxonomy.guid.as_deref() == Some(guid))
                        || target
                            .name
                            .as_deref()
                            .is_some_and(|name| taxonomy.name.as_deref() == Some(name))
                }),
            }
        });
        let component_is_cwe = reference
            .tool_component
            .as_ref()
            .and_then(|target| target.name.as_deref())
            .or(taxonomy.and_then(|taxonomy| taxonomy.name.as_deref()))
            .is_some_and(|name| name.eq_ignore_ascii_case("cwe"));
        let id = reference.id.as_deref().map(str::to_owned).or_else(|| {
            let index = usize::try_from(reference.index?).ok()?;
            taxonomy?.taxa.get(index)?.clone()
        })?;
        match cwe_from_tag(&id) {
            Some(cwe) => Some(cwe),
            None if component_is_cwe => id.trim().parse::<u32>().ok().map(|n| format!("CWE-{n}")),
            None => None,
        }
    }
}

fn component(
    tool: ToolComponent<'_>,
    tool_name: &str,
    tool_meaning: ToolMeaning,
    warn: &mut dyn FnMut(String),
) -> Component {
    let mut rules = Vec::new();
    let mut by_id = HashMap::new();
    for descriptor in tool.rules.into_iter().flatten() {
        let rule = rule(descriptor, tool_name, tool_meaning, warn);
        if let Some(id) = &rule.id {
            // The first rule with an id wins, as in SARIF viewers.
            by_id.entry(id.clone()).or_insert(rules.len());
        }
        rules.push(rule);
    }
    Component {
        name: tool.name.map(|name| name.to_string()),
        guid: tool.guid.map(|guid| guid.to_string()),
        rules,
        by_id,
    }
}

fn rule(
    descriptor: ReportingDescriptor<'_>,
    tool_name: &str,
    tool_meaning: ToolMeaning,
    warn: &mut dyn FnMut(String),
) -> Rule {
    let id: Option<Arc<str>> = descriptor.id.as_deref().map(Arc::from);
    let meaning = rule_meaning(&descriptor);
    let help = match super::meaning::result_meaning(tool_meaning, meaning) {
        Meaning::Vulnerability => descriptor
            .help
            .as_ref()
            .and_then(|help| help.text.as_deref().or(help.markdown.as_deref()))
            .map(str::to_owned),
        _ => None,
    };
    let purls: Vec<String> = descriptor
        .properties
        .as_ref()
        .and_then(|properties| properties.purls.as_ref())
        .into_iter()
        .flat_map(|purls| &purls.0)
        .filter_map(|purl| purl.text())
        .filter(|purl| purl.starts_with("pkg:"))
        .map(str::to_owned)
        .collect();
    let security_score = descriptor
        .properties
        .as_ref()
        .and_then(|properties| properties.security_severity.as_ref())
        .and_then(Score::number);
    let (tags, security_severity) = match descriptor.properties {
        Some(properties) => {
            let tags: Vec<String> = properties
                .tags
                .into_iter()
                .flatten()
                .map(|tag| tag.to_string())
                .collect();
            let where_ = format!("rule `{}` of `{tool_name}`", id.as_deref().unwrap_or("?"));
            (
                tags,
                properties
                    .security_severity
                    .and_then(|score| score_severity(&score, &where_, warn)),
            )
        }
        None => (Vec::new(), None),
    };
    let mut cwes = Vec::new();
    for tag in &tags {
        push_unique(&mut cwes, cwe_from_tag(tag));
    }
    for relationship in descriptor.relationships.into_iter().flatten() {
        // Relationships to taxonomies are resolved without the run's
        // taxonomies: a CWE id or a `CWE` component name is enough.
        let target = relationship.target;
        let is_cwe = target
            .tool_component
            .as_ref()
            .and_then(|component| component.name.as_deref())
            .is_some_and(|name| name.eq_ignore_ascii_case("cwe"));
        let cwe = target.id.as_deref().and_then(|id| {
            cwe_from_tag(id).or_else(|| {
                is_cwe
                    .then(|| id.trim().parse::<u32>().ok().map(|n| format!("CWE-{n}")))
                    .flatten()
            })
        });
        push_unique(&mut cwes, cwe);
    }
    let short_description = descriptor
        .short_description
        .and_then(|d| d.text.or(d.markdown))
        .map(|text| text.to_string());
    let info = RuleInfo {
        name: non_empty(descriptor.name.as_deref()),
        description: short_description.clone().filter(|d| !d.trim().is_empty()),
        help_uri: non_empty(descriptor.help_uri.as_deref()),
        ..RuleInfo::default()
    };
    let info = (info != RuleInfo::default()).then(|| Arc::new(info));
    let message_strings = descriptor
        .message_strings
        .map(|pairs| {
            pairs
                .0
                .into_iter()
                .filter_map(|(key, message)| {
                    let text = message.text.or(message.markdown)?;
                    Some((key.to_string(), text.to_string()))
                })
                .collect()
        })
        .unwrap_or_default();
    Rule {
        id,
        default_level: descriptor
            .default_configuration
            .and_then(|c| c.level)
            .map(|level| level.to_string()),
        security_severity,
        security_score,
        tags: tags.into(),
        cwes: cwes.into(),
        message_strings,
        short_description,
        meaning,
        help,
        purls,
        info,
    }
}

/// A trimmed, non-empty copy.
fn non_empty(text: Option<&str>) -> Option<String> {
    text.map(str::trim)
        .filter(|text| !text.is_empty())
        .map(str::to_owned)
}

/// Maps a `security-severity` onto a severity: CVSS bands for numbers and
/// numeric strings, the severity word for words (Semgrep writes `MEDIUM`).
/// Anything else is reported and ignored.
pub(super) fn score_severity(
    score: &Score<'_>,
    where_: &str,
    warn: &mut dyn FnMut(String),
) -> Option<Severity> {
    let text = match score {
        Score::Number(number) => return Some(cvss_band(*number)),
        Score::Text(text) => text.trim(),
    };
    if let Ok(number) = text.parse::<f64>()
        && number.is_finite()
    {
        return Some(cvss_band(number));
    }
    let severity = Severity::from_tool_word(text);
    if severity.is_none() {
        warn(format!(
            "{where_}: unknown `security-severity` `{text}`: used the level instead"
        ));
    }
    severity
}

/// `CWE-79` from the tag spellings tools use: `external/cwe/cwe-079`
/// (CodeQL, Bandit), `CWE-89: Improper Neutralization…` (Semgrep), `cwe-20`.
pub(super) fn cwe_from_tag(tag: &str) -> Option<String> {
    let tag = tag.trim();
    let tag = match tag.get(..13) {
        Some(prefix) if prefix.eq_ignore_ascii_case("external/cwe/") => &tag[13..],
        _ => tag,
    };
    let prefix = tag.get(..4)?;
    if !prefix.eq_ignore_ascii_case("cwe-") {
        return None;
    }
    let digits: &str = &tag[4..tag[4..]
        .find(|c: char| !c.is_ascii_digit())
        .map_or(tag.len(), |end| end + 4)];
    let number: u32 = digits.parse().ok()?;
    Some(format!("CWE-{number}"))
}

/// Pushes a value unless it is `None` or already there.
pub(super) fn push_unique(values: &mut Vec<String>, value: Option<String>) {
    if let Some(value) = value
        && !values.contains(&value)
    {
        values.push(value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cwe_tags_in_every_spelling() {
        assert_eq!(
            cwe_from_tag("external/cwe/cwe-079").as_deref(),
            Some("CWE-79")
        );
        assert_eq!(
            cwe_from_tag("CWE-89: Improper Neutralization").as_deref(),
            Some("CWE-89")
        );
        assert_eq!(cwe_from_tag("cwe-20").as_deref(), Some("CWE-20"));
        assert_eq!(cwe_from_tag("cwe"), None);
        assert_eq!(cwe_from_tag("CWE-"), None);
        assert_eq!(cwe_from_tag("security"), None);
        assert_eq!(cwe_from_tag("é"), None);
    }

    #[test]
    fn security_severity_words_and_numbers() {
        let mut warnings = Vec::new();
        let mut warn = |w: String| warnings.push(w);
        let text = |s: &'static str| Score::Text(super::super::model::Str(s.into()));
        assert_eq!(
            score_severity(&text("7.5"), "r", &mut warn),
            Some(Severity::High)
        );
        assert_eq!(
            score_severity(&Score::Number(9.8), "r", &mut warn),
            Some(Severity::Critical)
        );
        assert_eq!(
            score_severity(&text("MEDIUM"), "r", &mut warn),
            Some(Severity::Medium)
        );
        assert_eq!(score_severity(&text("bogus"), "r", &mut warn), None);
        assert_eq!(warnings.len(), 1);
    }
}
