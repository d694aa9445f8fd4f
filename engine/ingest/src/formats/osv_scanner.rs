//! osv-scanner: `osv-scanner --format json` results, one record per advisory group.
//!
//! osv-scanner lists, per scanned source (`results[].source`), the vulnerable
//! packages with every OSV entry that matched, and `groups` that say which of
//! those entries are the same advisory under different ids (a GHSA and a
//! PYSEC, say). One [`Vulnerability`] is made per group, not per entry: the
//! group's first id is the id, its other ids and every alias of its entries
//! are aliases. Entries that no group names are kept as groups of their own.
//!
//! - `target` is the source path; `package`, `version` and `ecosystem` come
//!   from the package. For a `git` source (no package name) the package is the
//!   repository URL of the entries' GIT ranges, else the source path, and the
//!   version is the commit.
//! - Fixed versions are the `fixed` events of the entries' `affected` ranges
//!   for this package (same name and ecosystem, ignoring an ecosystem suffix
//!   such as `Debian:11`), in file order without duplicates. GIT ranges give
//!   commits, not versions, so they count only for a `git` source.
//! - Severity comes from the group's `max_severity` (a CVSS score) when
//!   present; else from the highest `database_specific.severity` word of its
//!   entries (`HIGH`, `MODERATE`…); else from the highest score of their
//!   CVSS v3/v4 vectors; else `unknown` (the database gave no rating, and
//!   verdict does not invent one). `cvss_score` is `max_severity` or the
//!   highest vector score, whichever is known. Words and vectors that cannot
//!   be read yield a warning notice and are not used.
//! - The advisory kind is `malicious` when any id or alias of the group is a
//!   `MAL-` id (OSV's malicious-packages database), else `withdrawn` when
//!   every entry of the group carries a `withdrawn` date, else
//!   `vulnerability`. A malicious report is never informational in effect.

use crate::error::FormatError;
use crate::formats::cargo_audit::cvss_score;
use crate::formats::{Output, ParseInput};
use crate::sniff::{Shape, Sniff};
use serde::Deserialize;
use serde::de::IgnoredAny;
use std::borrow::Cow;
use verdict_evidence::{AdvisoryKind, Notice, NoticeKind, Severity, Vulnerability, cvss_band};

const TOOL: &str = "osv-scanner";

pub(crate) fn detect(sniff: &Sniff<'_>) -> bool {
    // `{"results": [{"source": …, "packages": […]}, …], …}`; a scan that
    // found nothing is `{"results": []}`.
    if sniff.shape != Shape::JsonObject {
        return false;
    }
    let Some(results) = sniff.value_of_kind("results", crate::sniff::JsonKind::Array) else {
        return false;
    };
    match results.first_element() {
        Some(first) => {
            let keys = first.keys();
            keys.iter().any(|key| key == "source") && keys.iter().any(|key| key == "packages")
        }
        None => results.is_empty_array() && sniff.keys().count() == 1,
    }
}

pub(crate) fn parse(input: &ParseInput<'_>, output: &mut Output) -> Result<(), FormatError> {
    let report: Report<'_> =
        serde_json::from_slice(input.bytes).map_err(|e| FormatError::json(&e))?;
    output.tool = Some(String::from(TOOL));
    for result in &report.results {
        for package in &result.packages {
            for group in groups_of(package) {
                let record = group_record(
                    &result.source,
                    package,
                    &group,
                    &mut output.evidence.notices,
                );
                output.evidence.vulnerabilities.push(record);
            }
        }
    }
    Ok(())
}

/// A group of a package's OSV entries: its ids, the entries found for them,
/// and what the group itself says.
struct Grouped<'p, 'a> {
    ids: Vec<&'p str>,
    aliases: Vec<&'p str>,
    max_severity: Option<&'p str>,
    entries: Vec<&'p Osv<'a>>,
}

/// The package's groups, plus one group per entry that no group names.
fn groups_of<'p, 'a>(package: &'p Package<'a>) -> Vec<Grouped<'p, 'a>> {
    let mut groups: Vec<Grouped<'p, 'a>> = package
        .groups
        .iter()
        .filter(|group| !group.ids.is_empty())
        .map(|group| Grouped {
            ids: group.ids.iter().map(AsRef::as_ref).collect(),
            aliases: group.aliases.iter().map(AsRef::as_ref).collect(),
            max_severity: group
                .max_severity
                .as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty()),
            entries: group
                .ids
                .iter()
                .flat_map(|id| {
                    package
                        .vulnerabilities
                        .iter()
                        .filter(move |osv| osv.id == *id)
                })
                .collect(),
        })
        .collect();
    for osv in &package.vulnerabilities {
        if !groups
            .iter()
            .any(|group| group.ids.contains(&osv.id.as_ref()))
        {
            groups.push(Grouped {
                ids: vec![osv.id.as_ref()],
                aliases: Vec::new(),
                max_severity: None,
                entries: vec![osv],
            });
        }
    }
    groups
}

fn group_record(
    source: &Source<'_>,
    package: &Package<'_>,
    group: &Grouped<'_, '_>,
    notices: &mut Vec<Notice>,
) -> Vulnerability {
    let id = group.ids[0];
    let info = &package.package;
    let git_repo = group
        .entries
        .iter()
        .flat_map(|osv| &osv.affected)
        .flat_map(|affected| &affected.ranges)
        .find_map(|range| range.repo.as_deref());
    let name = if !info.name.is_empty() {
        info.name.as_ref()
    } else {
        git_repo.unwrap_or(source.path.as_ref())
    };
    let version = if info.version.is_empty() {
        info.commit.as_deref()
    } else {
        Some(info.version.as_ref())
    };
    let mut aliases: Vec<String> = group.ids[1..]
        .iter()
        .chain(&group.aliases)
        .map(|s| (*s).to_owned())
        .collect();
    aliases.extend(
        group
            .entries
            .iter()
            .flat_map(|osv| osv.aliases.iter().map(|alias| alias.to_string())),
    );
    let (severity, cvss_score) = severity_of(id, group, notices);
    let title = group
        .entries
        .iter()
        .find(|osv| osv.id == id)
        .into_iter()
        .chain(&group.entries)
        .find_map(|osv| {
            osv.summary
                .as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
        });
    let kind = advisory_kind(group, &aliases);
    let mut cwes: Vec<String> = Vec::new();
    for osv in &group.entries {
        let Some(Words::List(list)) = osv
            .database_specific
            .as_ref()
            .and_then(|db| db.cwe_ids.as_ref())
        else {
            continue;
        };
        for word in list {
            if let Word::Text(cwe) = word
                && !cwe.trim().is_empty()
                && !cwes.iter().any(|known| known == cwe.trim())
            {
                cwes.push(cwe.trim().to_owned());
            }
        }
    }
    Vulnerability {
        kind,
        cwes,
        aliases,
        ecosystem: (!info.ecosystem.is_empty()).then(|| info.ecosystem.to_string()),
        version: version.map(str::to_owned),
        fixed_versions: fixed_versions(info, group),
        severity,
        cvss_score,
        title: title.map(str::to_owned),
        target: Some(source.path.to_string()),
        ..Vulnerability::new(0, TOOL, id, name)
    }
    .with_fingerprint()
}

/// What the group's advisory is (see the module docs).
fn advisory_kind(group: &Grouped<'_, '_>, aliases: &[String]) -> AdvisoryKind {
    let is_malicious = |id: &str| id.trim_start().starts_with("MAL-");
    if group.ids.iter().copied().any(is_malicious)
        || aliases.iter().any(|alias| is_malicious(alias))
    {
        AdvisoryKind::Malicious
    } else if !group.entries.is_empty()
        && group.entries.iter().all(|osv| {
            osv.withdrawn
                .as_deref()
                .is_some_and(|date| !date.trim().is_empty())
        })
    {
        AdvisoryKind::Withdrawn
    } else {
        AdvisoryKind::Vulnerability
    }
}

fn severity_of(
    id: &str,
    group: &Grouped<'_, '_>,
    notices: &mut Vec<Notice>,
) -> (Severity, Option<f64>) {
    let mut warn = |message: String| {
        notices.push(Notice {
            source: 0,
            kind: NoticeKind::Warning,
            message,
        });
    };
    let mut vector_score: Option<f64> = None;
    for osv in &group.entries {
        for entry in &osv.severity {
            if !matches!(entry.kind.as_ref(), "CVSS_V3" | "CVSS_V4") {
                continue;
            }
            match cvss_score(&entry.score) {
                Ok(score) => {
                    vector_score = Some(vector_score.map_or(score, |best| best.max(score)))
                }
                Err(message) => warn(format!(
                    "`{}`: {message}: not used for its severity",
                    osv.id
                )),
            }
        }
    }
    if let Some(max) = group.max_severity {
        match max.parse::<f64>() {
            Ok(score) if (0.0..=10.0).contains(&score) => return (cvss_band(score), Some(score)),
            _ => warn(format!(
                "`{id}`: `max_severity` `{max}` is not a CVSS score: not used for its severity"
            )),
        }
    }
    let mut word_severity: Option<Severity> = None;
    for osv in &group.entries {
        let Some(Word::Text(word)) = osv
            .database_specific
            .as_ref()
            .and_then(|db| db.severity.as_ref())
        else {
            continue;
        };
        match Severity::from_tool_word(word) {
            Some(severity) => word_severity = word_severity.max(Some(severity)),
            None => warn(format!(
                "`{}`: unknown severity word `{word}`: not used for its severity",
                osv.id
            )),
        }
    }
    let severity = match (word_severity, vector_score) {
        (Some(severity), _) => severity,
        (None, Some(score)) => cvss_band(score),
        (None, None) => Severity::Unknown,
    };
    (severity, vector_score)
}

fn fixed_versions(info: &PackageInfo<'_>, group: &Grouped<'_, '_>) -> Vec<String> {
    let base = |ecosystem: &str| ecosystem.split(':').next().unwrap_or_default().to_owned();
    let mut fixed: Vec<String> = Vec::new();
    for osv in &group.entries {
        for affected in &osv.affected {
            let applies = match &affected.package {
                Some(of) => of.name == info.name && base(&of.ecosystem) == base(&info.ecosystem),
                // Entries about a repository at a commit name no package.
                None => info.name.is_empty(),
            };
            if !applies {
                continue;
            }
            // A package's fixes are versions: GIT ranges (commits) count only
            // for a repository scanned at a commit.
            let ranges = affected
                .ranges
                .iter()
                .filter(|range| (range.kind == "GIT") == info.name.is_empty());
            for event in ranges.flat_map(|range| &range.events) {
                if let Some(version) = &event.fixed
                    && !fixed.iter().any(|known| known == version)
                {
                    fixed.push(version.to_string());
                }
            }
        }
    }
    fixed
}

#[derive(Deserialize)]
#[serde(expecting = "an osv-scanner report object")]
struct Report<'a> {
    #[serde(borrow)]
    results: Vec<ScanResult<'a>>,
}

#[derive(Deserialize)]
struct ScanResult<'a> {
    #[serde(borrow)]
    source: Source<'a>,
    #[serde(borrow, default)]
    packages: Vec<Package<'a>>,
}

#[derive(Deserialize)]
struct Source<'a> {
    #[serde(borrow)]
    path: Cow<'a, str>,
}

#[derive(Deserialize)]
struct Package<'a> {
    #[serde(borrow)]
    package: PackageInfo<'a>,
    #[serde(borrow, default)]
    vulnerabilities: Vec<Osv<'a>>,
    #[serde(borrow, default)]
    groups: Vec<Group<'a>>,
}

#[derive(Deserialize)]
struct PackageInfo<'a> {
    #[serde(borrow, default)]
    name: Cow<'a, str>,
    #[serde(borrow, default)]
    version: Cow<'a, str>,
    #[serde(borrow, default)]
    ecosystem: Cow<'a, str>,
    #[serde(borrow, default)]
    commit: Option<Cow<'a, str>>,
}

#[derive(Deserialize)]
struct Group<'a> {
    #[serde(borrow)]
    ids: Vec<Cow<'a, str>>,
    #[serde(borrow, default)]
    aliases: Vec<Cow<'a, str>>,
    #[serde(borrow, default)]
    max_severity: Option<Cow<'a, str>>,
}

#[derive(Deserialize)]
struct Osv<'a> {
    #[serde(borrow)]
    id: Cow<'a, str>,
    #[serde(borrow, default)]
    aliases: Vec<Cow<'a, str>>,
    #[serde(borrow, default)]
    summary: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    withdrawn: Option<Cow<'a, str>>,
    #[serde(borrow, default, deserialize_with = "null_as_empty")]
    severity: Vec<SeverityEntry<'a>>,
    #[serde(borrow, default, deserialize_with = "null_as_empty")]
    affected: Vec<Affected<'a>>,
    #[serde(borrow, default)]
    database_specific: Option<DatabaseSpecific<'a>>,
}

#[derive(Deserialize)]
struct SeverityEntry<'a> {
    #[serde(borrow, rename = "type")]
    kind: Cow<'a, str>,
    #[serde(borrow)]
    score: Cow<'a, str>,
}

#[derive(Deserialize)]
struct Affected<'a> {
    #[serde(borrow, default)]
    package: Option<AffectedPackage<'a>>,
    #[serde(borrow, default, deserialize_with = "null_as_empty")]
    ranges: Vec<Range<'a>>,
}

#[derive(Deserialize)]
struct AffectedPackage<'a> {
    #[serde(borrow, default)]
    ecosystem: Cow<'a, str>,
    #[serde(borrow, default)]
    name: Cow<'a, str>,
}

#[derive(Deserialize)]
struct Range<'a> {
    #[serde(borrow, default, rename = "type")]
    kind: Cow<'a, str>,
    #[serde(borrow, default)]
    repo: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    events: Vec<Event<'a>>,
}

#[derive(Deserialize)]
struct Event<'a> {
    #[serde(borrow, default)]
    fixed: Option<Cow<'a, str>>,
}

/// `database_specific` is free-form; only a string `severity` is read.
#[derive(Deserialize)]
struct DatabaseSpecific<'a> {
    #[serde(borrow, default)]
    severity: Option<Word<'a>>,
    /// GitHub's `cwe_ids` (`["CWE-200"]`); anything else is ignored.
    #[serde(borrow, default)]
    cwe_ids: Option<Words<'a>>,
}

/// A list of words, or anything else (ignored).
#[derive(Deserialize)]
#[serde(untagged)]
enum Words<'a> {
    List(#[serde(borrow)] Vec<Word<'a>>),
    Other(IgnoredAny),
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Word<'a> {
    Text(#[serde(borrow)] Cow<'a, str>),
    Other(IgnoredAny),
}

/// OSV writers emit `null` for some empty lists.
fn null_as_empty<'de, D, T>(deserializer: D) -> Result<Vec<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    Ok(Option::<Vec<T>>::deserialize(deserializer)?.unwrap_or_default())
}
