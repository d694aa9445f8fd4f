//! SARIF 2.1.0 from any tool: results become findings, secrets or
//! vulnerabilities by what the tool and its rules are; failed runs become
//! notices.
//!
//! The file is first scanned for its structure (`sarif/scan.rs`; a large
//! `results` array on all cores), so the rules, artifacts and taxonomies of a
//! run are read before its results wherever they are in the file. Each result
//! is then deserialized on its own into borrowing structs (`sarif/model.rs`)
//! and converted into a compact finding (`sarif/result.rs`); large result
//! arrays are converted on all cores, straight into one vector in file order.
//!
//! SARIF is a container: what a result means is decided by the tool and its
//! rules (`sarif/meaning.rs`, which states the rule). A secret scanner's
//! results become redacted secrets (`sarif/secret.rs`), a dependency
//! scanner's vulnerabilities wherever they name a package and version
//! (`sarif/dependency.rs`), and the file speaks for those kinds
//! ([`Output::kinds`]) even when a run has no results.

mod dependency;
mod meaning;
mod model;
mod notices;
mod result;
mod rules;
mod scan;
mod secret;
pub(crate) mod stream;

use crate::error::{FormatError, line_column};
use crate::formats::{Output, ParseInput};
use crate::sniff::{Shape, Sniff};
use meaning::{Meaning, result_meaning};
use model::{Artifact, Invocation, Str, Tool, ToolComponent};
use rayon::prelude::*;
use rules::RunContext;
use scan::{Member, ScanError, Span};
use serde::Deserialize;
use serde::de::IgnoredAny;
use std::borrow::Cow;
use std::collections::{BTreeSet, HashMap};
use std::sync::{Mutex, PoisonError};
use verdict_evidence::{Finding, Kind, Notice, NoticeKind};

/// What `docs/formats.md` says about the kinds SARIF results become, in one
/// place with the code that decides it (`sarif/meaning.rs`,
/// `sarif/secret.rs`, `sarif/dependency.rs`).
pub(crate) const KINDS_DOC: &str = "\
### What SARIF results become

SARIF is a container; what a result is follows from the tool and its rules.

- **The tool** (`tool.driver` `name`, `fullName`, `informationUri`) is a secret scanner when one of them \
names one (the word `secret`, gitleaks, trufflehog, ggshield/GitGuardian, Nosey Parker, Kingfisher, Talisman, \
Whispers); a dependency scanner when one names Grype, dependency-check, govulncheck (`golang.org/x/vuln`), \
osv-scanner, Snyk Open Source, retire.js, npm audit, pip-audit, cargo-audit or Dependabot; Trivy (one driver for \
several scanners) lets its rules decide; anything else is a code scanner.
- **A rule** means a secret when tagged `secret`, `secrets`, `security/secret(s)`, `secret-detection` or \
`secret-scanning` (whole tags, any case) or named `Secret` (Trivy); a vulnerable package when named \
`OsPackageVulnerability`/`LanguageSpecificPackageVulnerability` (Trivy), listing `purls`, or tagged \
`vulnerability` with a `Package:` in its help; a finding when tagged `misconfiguration` or named `Misconfiguration`.
- **A result** is a secret when its tool is a secret scanner (no rule can change that) or its rule means one; \
else what its rule means; else a vulnerability when its tool is a dependency scanner; else a finding.
- **Secrets** are redacted at once (`****`: SARIF has no field for the value) and fingerprinted from tool, rule, \
path, line and commit, never from the snippet, message or the tool's fingerprints.
- **Vulnerabilities** need a package and its installed version: from the message (`Package:`/`Installed \
Version:`, Grype's `package: NAME, version V`), the artifact's purl properties (dependency-check), the rule's \
`purls` or help (Grype), or govulncheck's `stacks`. Without both, the result stays a finding and the file gets a \
warning notice. Severity is the highest of the tool's severity words and the CVSS band of its highest score; \
a score of 0 is no score; with neither it is `unknown`. The SARIF `level` is not used for them.
- **What a file speaks for**: per run, the tool's kind (secrets, vulnerabilities, findings; nothing for Trivy), \
the kinds its rules mean and the kinds of the records it produced; the union over runs. A secret scanner's \
SARIF with no results still speaks for secrets.
";

/// Result arrays at least this long are converted in parallel.
const PARALLEL_MIN_RESULTS: usize = 4096;

/// The one SARIF version read.
const VERSION: &str = "2.1.0";

pub(crate) fn detect(sniff: &Sniff<'_>) -> bool {
    // SARIF's own top level: a `$schema` naming SARIF, or a `runs` array
    // with a `version` (any version: an unsupported one is then an error
    // that says so, not a generic document). Keys nested in the runs
    // (`tool`, `driver`) never count: a Trivy report's Docker labels can
    // carry them.
    if sniff.shape != Shape::JsonObject {
        return false;
    }
    if sniff
        .string("$schema")
        .is_some_and(|schema| schema.to_ascii_lowercase().contains("sarif"))
    {
        return true;
    }
    sniff
        .value_of_kind("runs", crate::sniff::JsonKind::Array)
        .is_some()
        && sniff
            .value_of_kind("version", crate::sniff::JsonKind::String)
            .is_some()
}

pub(crate) fn parse(input: &ParseInput<'_>, output: &mut Output) -> Result<(), FormatError> {
    parse_bytes(input.bytes, output, &Split::DEFAULT)
}

/// When work on one file is split over cores (parameters, so that tests can
/// check that every split gives what the sequential parse gives).
struct Split {
    /// Result arrays at least this long are converted in parallel.
    parallel_min: usize,
    /// `results` arrays are scanned in waves of stretches this long (with
    /// two tasks a wave), instead of the default sizes.
    scan_chunk: Option<usize>,
}

impl Split {
    const DEFAULT: Split = Split {
        parallel_min: PARALLEL_MIN_RESULTS,
        scan_chunk: None,
    };
}

/// Parses a SARIF log.
fn parse_bytes(bytes: &[u8], output: &mut Output, split: &Split) -> Result<(), FormatError> {
    let parallel_min = split.parallel_min;
    let mut layout =
        Layout::scan(bytes, split.scan_chunk).map_err(|error| syntax_error(bytes, &error))?;
    let runs = top_level(bytes, &layout.top)?;
    // A log without runs says nothing ran: it speaks for no kind.
    output.kinds = Some(Vec::new());
    if runs.of(bytes) == b"null" {
        return Ok(());
    }
    let runs = layout
        .elements(bytes, runs)
        .map_err(|error| shape_error(bytes, &error, "`runs` must be an array"))?;
    // One allocation for every run's findings, instead of growing (and
    // copying) the vector run by run.
    output.evidence.findings.reserve_exact(layout.results);
    let mut warnings = Vec::new();
    let mut kinds = BTreeSet::new();
    for (index, run) in runs.iter().enumerate() {
        let mut sink = RunSink {
            output: &mut *output,
            warnings: &mut warnings,
            kinds: &mut kinds,
        };
        parse_run(bytes, &mut layout, *run, index, &mut sink, parallel_min)?;
    }
    finish(output, kinds, warnings);
    Ok(())
}

/// Checks the top-level members (`version` 2.1.0, each known member once,
/// the others valid JSON) and returns the span of `runs`.
fn top_level(bytes: &[u8], top: &[Member<'_>]) -> Result<Span, FormatError> {
    let mut version = None;
    let mut runs = None;
    for member in top {
        match &*key(bytes, member)? {
            "version" => version = Some(unique(bytes, version, member, "version")?),
            "runs" => runs = Some(unique(bytes, runs, member, "runs")?),
            _ => validate(bytes, member.value, "a top-level property")?,
        }
    }
    let Some(version) = version else {
        return Err(FormatError::new("missing `version`: not a SARIF log"));
    };
    let text: Str<'_> = typed(bytes, version, "`version`")?;
    if &*text != VERSION {
        return Err(at_offset(
            bytes,
            version.start,
            &format!(
                "unsupported SARIF version `{}`: only {VERSION} is read",
                &*text
            ),
        ));
    }
    runs.ok_or_else(|| FormatError::new("missing `runs`"))
}

/// The kinds the log speaks for, and its warnings as notices (each once).
fn finish(output: &mut Output, kinds: BTreeSet<Kind>, warnings: Vec<String>) {
    output.kinds = Some(kinds.into_iter().collect());
    let mut seen = std::collections::HashSet::new();
    for message in warnings {
        if seen.insert(message.clone()) {
            output.evidence.notices.push(Notice {
                source: 0,
                kind: NoticeKind::Warning,
                message,
            });
        }
    }
}

/// The structure of a SARIF log, found in one pass: the top-level members,
/// the `runs` array's elements, each run's members and each `results`
/// array's elements, kept by the offset of the value they belong to.
struct Layout<'a> {
    top: Vec<Member<'a>>,
    objects: HashMap<usize, Vec<Member<'a>>>,
    arrays: HashMap<usize, Vec<Span>>,
    /// Elements of all `results` arrays found.
    results: usize,
}

impl<'a> Layout<'a> {
    fn scan(bytes: &'a [u8], chunk: Option<usize>) -> Result<Layout<'a>, ScanError> {
        let start = scan::skip_whitespace(bytes, 0);
        let mut objects = HashMap::new();
        let mut arrays = HashMap::new();
        let mut count = 0;
        let array_at = |at: usize| bytes.get(at) == Some(&b'[');
        let (top, end) = scan::members_with(bytes, start, |key, at| {
            if key != b"runs" || !array_at(at) {
                return scan::value(bytes, at);
            }
            let (runs, end) = scan::elements_with(bytes, at, |run| {
                if bytes.get(run) != Some(&b'{') {
                    return scan::value(bytes, run);
                }
                let (members, end) = scan::members_with(bytes, run, |key, at| {
                    if key != b"results" || !array_at(at) {
                        return scan::value(bytes, at);
                    }
                    let (results, end) = match chunk {
                        None => scan::elements_parallel(bytes, at)?,
                        Some(chunk) => scan::elements_in_waves(bytes, at, 2, chunk, chunk)?,
                    };
                    count += results.len();
                    arrays.insert(at, results);
                    Ok(Span { start: at, end })
                })?;
                objects.insert(run, members);
                Ok(Span { start: run, end })
            })?;
            arrays.insert(at, runs);
            Ok(Span { start: at, end })
        })?;
        scan::check_trailing(bytes, end)?;
        Ok(Layout {
            top,
            objects,
            arrays,
            results: count,
        })
    }

    /// No structure known yet: everything is scanned when asked for.
    fn empty() -> Layout<'a> {
        Layout {
            top: Vec::new(),
            objects: HashMap::new(),
            arrays: HashMap::new(),
            results: 0,
        }
    }

    /// The elements of the array at `span`, from the scan or scanned now.
    fn elements(&mut self, bytes: &[u8], span: Span) -> Result<Vec<Span>, ScanError> {
        match self.arrays.remove(&span.start) {
            Some(elements) => Ok(elements),
            None => scan::elements(bytes, span.start),
        }
    }

    /// The members of the object at `span`, from the scan or scanned now.
    fn members(&mut self, bytes: &'a [u8], span: Span) -> Result<Vec<Member<'a>>, ScanError> {
        match self.objects.remove(&span.start) {
            Some(members) => Ok(members),
            None => scan::members(bytes, span.start),
        }
    }
}

/// The spans of one run's members that verdict reads.
#[derive(Default)]
struct RunSpans {
    tool: Option<Span>,
    artifacts: Option<Span>,
    taxonomies: Option<Span>,
    invocations: Option<Span>,
    results: Option<Span>,
}

/// Where a run's records, warnings and kinds go.
struct RunSink<'o> {
    output: &'o mut Output,
    warnings: &'o mut Vec<String>,
    /// The kinds the file speaks for, over all runs.
    kinds: &'o mut BTreeSet<Kind>,
}

fn parse_run<'a>(
    bytes: &'a [u8],
    layout: &mut Layout<'a>,
    run: Span,
    index: usize,
    sink: &mut RunSink<'_>,
    parallel_min: usize,
) -> Result<(), FormatError> {
    let members = layout.members(bytes, run).map_err(|error| {
        shape_error(bytes, &error, &format!("`runs[{index}]` must be an object"))
    })?;
    let spans = run_spans(bytes, &members, index)?;
    let context = run_context(bytes, &spans, run, index, sink)?;
    run_invocations(bytes, &spans, index, &context, sink.output)?;
    let results = match spans.results {
        Some(span) if span.of(bytes) != b"null" => span,
        _ => {
            sink.output.evidence.notices.push(Notice {
                source: 0,
                kind: NoticeKind::IncompleteScan,
                message: format!(
                    "`{}` wrote a run without `results`: the tool did not complete its analysis",
                    context.tool
                ),
            });
            return Ok(());
        }
    };
    let elements = layout.elements(bytes, results).map_err(|error| {
        shape_error(
            bytes,
            &error,
            &format!("`runs[{index}].results` must be an array"),
        )
    })?;
    let RunSink {
        output,
        warnings,
        kinds,
    } = sink;
    if !only_findings(&context) {
        return convert_by_meaning(bytes, &context, index, &elements, output, warnings, kinds);
    }
    if !elements.is_empty() {
        kinds.insert(Kind::Findings);
    }
    let mut run_warnings = convert_findings(
        bytes,
        &context,
        index,
        &elements,
        0,
        &mut output.evidence.findings,
        parallel_min,
    )?;
    run_warnings.sort_unstable();
    warnings.extend(run_warnings);
    Ok(())
}

/// A run's members by what verdict reads of them; every other member must be
/// valid JSON, and none may appear twice.
fn run_spans(bytes: &[u8], members: &[Member<'_>], index: usize) -> Result<RunSpans, FormatError> {
    let mut spans = RunSpans::default();
    for member in members {
        let slot = match &*key(bytes, member)? {
            "tool" => &mut spans.tool,
            "artifacts" => &mut spans.artifacts,
            "taxonomies" => &mut spans.taxonomies,
            "invocations" => &mut spans.invocations,
            "results" => &mut spans.results,
            _ => {
                validate(bytes, member.value, &format!("`runs[{index}]`"))?;
                continue;
            }
        };
        let name = String::from_utf8_lossy(member.key).into_owned();
        *slot = Some(unique(
            bytes,
            *slot,
            member,
            &format!("runs[{index}].{name}"),
        )?);
    }
    Ok(spans)
}

/// The run's tool, rules, artifacts and taxonomies, which every result is
/// read against; the log's tool is named after the first run's, and the
/// kinds the run speaks for even without results are recorded.
fn run_context(
    bytes: &[u8],
    spans: &RunSpans,
    run: Span,
    index: usize,
    sink: &mut RunSink<'_>,
) -> Result<RunContext, FormatError> {
    let RunSink {
        output,
        warnings,
        kinds,
    } = sink;
    let at = |name: &str| format!("`runs[{index}].{name}`");
    let Some(tool) = spans.tool else {
        return Err(at_offset(
            bytes,
            run.start,
            &format!("`runs[{index}]` has no `tool`"),
        ));
    };
    let tool: Tool<'_> = typed(bytes, tool, &at("tool"))?;
    if index == 0 {
        let driver = &tool.driver;
        let name = driver.name.as_deref().unwrap_or("unknown");
        output.tool = Some(
            match driver
                .version
                .as_deref()
                .or(driver.semantic_version.as_deref())
            {
                Some(version) => format!("{name} {version}"),
                None => name.to_owned(),
            },
        );
    }
    let mut context = RunContext::new(tool, &mut |warning| warnings.push(warning));
    // What the run speaks for even without results (see `sarif/meaning.rs`).
    kinds.extend(context.tool_meaning.kind());
    kinds.extend(context.rule_meanings().map(Meaning::kind));
    if let Some(span) = spans.artifacts {
        let artifacts: Option<Vec<Artifact<'_>>> = typed(bytes, span, &at("artifacts"))?;
        let artifacts = artifacts.unwrap_or_default();
        let purls_of = |artifact: &Artifact<'_>| -> Vec<String> {
            artifact
                .properties
                .iter()
                .flat_map(|pairs| &pairs.0)
                .filter_map(|(_, value)| value.text())
                .filter(|text| text.starts_with("pkg:"))
                .map(str::to_owned)
                .collect()
        };
        if artifacts
            .iter()
            .any(|artifact| !purls_of(artifact).is_empty())
        {
            context.artifact_purls = artifacts.iter().map(purls_of).collect();
        }
        context.artifacts = artifacts
            .into_iter()
            .map(|artifact| {
                artifact
                    .location
                    .and_then(|l| l.uri)
                    .map(|uri| uri.to_string())
            })
            .collect();
    }
    if let Some(span) = spans.taxonomies {
        let taxonomies: Option<Vec<ToolComponent<'_>>> = typed(bytes, span, &at("taxonomies"))?;
        context.set_taxonomies(taxonomies.unwrap_or_default());
    }
    Ok(context)
}

/// A notice for each invocation that says the tool did not complete.
fn run_invocations(
    bytes: &[u8],
    spans: &RunSpans,
    index: usize,
    context: &RunContext,
    output: &mut Output,
) -> Result<(), FormatError> {
    let Some(span) = spans.invocations else {
        return Ok(());
    };
    let invocations: Option<Vec<Invocation<'_>>> =
        typed(bytes, span, &format!("`runs[{index}].invocations`"))?;
    for invocation in invocations.iter().flatten() {
        if let Some(message) = notices::incomplete_invocation(&context.tool, invocation) {
            output.evidence.notices.push(Notice {
                source: 0,
                kind: NoticeKind::IncompleteScan,
                message,
            });
        }
    }
    Ok(())
}

/// Converts results of a run whose results are all findings, numbered from
/// `first` in the run, into `findings` in order (on all cores from
/// `parallel_min` results). Returns the run's warnings, unsorted.
fn convert_findings(
    bytes: &[u8],
    context: &RunContext,
    index: usize,
    elements: &[Span],
    first: usize,
    findings: &mut Vec<Finding>,
    parallel_min: usize,
) -> Result<Vec<String>, FormatError> {
    // Each result is converted on its own; rayon writes the findings
    // straight into the evidence, in file order, without an intermediate
    // vector. A result that fails leaves a placeholder and its error; the
    // first error in file order is returned, as a sequential parse would.
    // Warnings are rare: a shared list, sorted by the caller so both paths
    // report them in the same order.
    let run_warnings = Mutex::new(Vec::new());
    let first_error: Mutex<Option<(usize, FormatError)>> = Mutex::new(None);
    let warn = |warning: String| {
        run_warnings
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(warning)
    };
    let placeholder = Finding::new(0, context.tool.clone(), context.tool.clone());
    let convert = |interner: &mut result::Interner, (offset, span): (usize, &Span)| {
        let number = first + offset;
        let converted = convert_one(
            bytes,
            context,
            index,
            number,
            *span,
            interner,
            &mut |warning| warn(warning),
        );
        converted.unwrap_or_else(|error| {
            let mut earliest = first_error.lock().unwrap_or_else(PoisonError::into_inner);
            if earliest.as_ref().is_none_or(|(at, _)| number < *at) {
                *earliest = Some((number, error));
            }
            placeholder.clone()
        })
    };
    if elements.len() >= parallel_min {
        findings.par_extend(
            elements
                .par_iter()
                .enumerate()
                .with_min_len(256)
                .map_init(result::Interner::default, convert),
        );
    } else {
        let mut interner = result::Interner::default();
        findings.extend(
            elements
                .iter()
                .enumerate()
                .map(|item| convert(&mut interner, item)),
        );
    }
    if let Some((_, error)) = first_error
        .into_inner()
        .unwrap_or_else(PoisonError::into_inner)
    {
        return Err(error);
    }
    Ok(run_warnings
        .into_inner()
        .unwrap_or_else(PoisonError::into_inner))
}

/// Whether every result of the run is a finding: a code scanner whose
/// rules mean nothing else. Those runs, the large ones, take the parallel
/// path; the others are converted one by one by meaning.
fn only_findings(context: &RunContext) -> bool {
    context.tool_meaning == meaning::ToolMeaning::Code
        && context
            .rule_meanings()
            .all(|meaning| meaning == Meaning::Finding)
}

/// Converts a run's results by what each means: secrets, vulnerabilities
/// (or findings where no package and version is named), findings.
fn convert_by_meaning(
    bytes: &[u8],
    context: &RunContext,
    run: usize,
    elements: &[Span],
    output: &mut Output,
    warnings: &mut Vec<String>,
    kinds: &mut BTreeSet<Kind>,
) -> Result<(), FormatError> {
    let mut interner = result::Interner::default();
    let mut run_warnings = Vec::new();
    let mut unnamed: Vec<String> = Vec::new();
    for (number, span) in elements.iter().enumerate() {
        let at = || format!("`runs[{run}].results[{number}]`");
        let positioned =
            |message: String| at_offset(bytes, span.start, &format!("{}: {message}", at()));
        let parsed = deserialize_result(bytes, run, number, *span)?;
        let rule = result::find_rule(context, &parsed).map_err(positioned)?;
        let meaning = result_meaning(context.tool_meaning, rule.and_then(|rule| rule.meaning));
        let mut warn = |warning: String| run_warnings.push(warning);
        match meaning {
            Meaning::Secret => {
                let secret = secret::secret(context, &parsed, &mut interner).map_err(positioned)?;
                output.evidence.secrets.push(secret);
                kinds.insert(Kind::Secrets);
                continue;
            }
            Meaning::Vulnerability => {
                kinds.insert(Kind::Vulnerabilities);
                let converted =
                    dependency::vulnerability(context, &parsed, &mut interner, &mut warn)
                        .map_err(positioned)?;
                if let Some(vulnerability) = converted {
                    output.evidence.vulnerabilities.push(vulnerability);
                    continue;
                }
                unnamed.push(result::rule_id_of(&parsed, rule, &mut interner).to_string());
            }
            Meaning::Finding => {}
        }
        let finding =
            result::finding(context, parsed, &mut interner, &mut warn).map_err(positioned)?;
        output.evidence.findings.push(finding);
        kinds.insert(Kind::Findings);
    }
    if let Some(first) = unnamed.first() {
        let count = unnamed.len();
        let (results, kept) = if count == 1 {
            (
                "result names",
                "it is kept as a finding, not a vulnerability",
            )
        } else {
            (
                "results name",
                "they are kept as findings, not vulnerabilities",
            )
        };
        run_warnings.push(format!(
            "`{}`: {count} {results} no package and version (first: rule `{first}`): {kept}",
            context.tool
        ));
    }
    run_warnings.sort_unstable();
    warnings.extend(run_warnings);
    Ok(())
}

/// Deserializes the result at `span`, number `number` of run `run`.
fn deserialize_result<'a>(
    bytes: &'a [u8],
    run: usize,
    number: usize,
    span: Span,
) -> Result<model::ResultDef<'a>, FormatError> {
    let at = || format!("`runs[{run}].results[{number}]`");
    if bytes[span.start] != b'{' {
        // serde would read an array as a struct's fields in order.
        let message = format!(
            "{}: expected a result object, found {}",
            at(),
            describe(bytes[span.start])
        );
        return Err(at_offset(bytes, span.start, &message));
    }
    // Checked as UTF-8 once here, the result's strings are not checked one
    // by one again; invalid UTF-8 takes the checking path and its error.
    let parsed = match std::str::from_utf8(span.of(bytes)) {
        Ok(text) => whole_value(serde_json::Deserializer::from_str(text)),
        Err(_) => whole_value(serde_json::Deserializer::from_slice(span.of(bytes))),
    };
    parsed.map_err(|error| json_error(bytes, span.start, &at(), &error))
}

/// The one value `deserializer` holds, and nothing after it.
fn whole_value<'a, R: serde_json::de::Read<'a>, T: Deserialize<'a>>(
    mut deserializer: serde_json::Deserializer<R>,
) -> Result<T, serde_json::Error> {
    T::deserialize(&mut deserializer).and_then(|value| deserializer.end().map(|()| value))
}

/// Converts the result at `span`, number `number` of run `run`.
fn convert_one(
    bytes: &[u8],
    context: &RunContext,
    run: usize,
    number: usize,
    span: Span,
    interner: &mut result::Interner,
    warn: &mut dyn FnMut(String),
) -> Result<Finding, FormatError> {
    let at = || format!("`runs[{run}].results[{number}]`");
    let parsed = deserialize_result(bytes, run, number, span)?;
    result::finding(context, parsed, interner, warn)
        .map_err(|message| at_offset(bytes, span.start, &format!("{}: {message}", at())))
}

/// What kind of JSON value starts with `byte`.
fn describe(byte: u8) -> &'static str {
    match byte {
        b'{' => "an object",
        b'[' => "an array",
        b'"' => "a string",
        b't' | b'f' => "a boolean",
        b'n' => "null",
        _ => "a number",
    }
}

/// A member's key, decoded (escapes are rare, so they take the slow path).
fn key<'a>(bytes: &'a [u8], member: &Member<'a>) -> Result<Cow<'a, str>, FormatError> {
    if member
        .key
        .iter()
        .all(|&b| (0x20..0x7f).contains(&b) && b != b'\\')
    {
        // Plain printable ASCII: valid UTF-8 and nothing to decode.
        return Ok(Cow::Borrowed(
            std::str::from_utf8(member.key).unwrap_or_default(),
        ));
    }
    let start = member.key.as_ptr() as usize - bytes.as_ptr() as usize - 1;
    let span = Span {
        start,
        end: start + member.key.len() + 2,
    };
    let key: Str<'a> = typed(bytes, span, "a key")?;
    Ok(key.0)
}

/// Rejects a second occurrence of a member verdict reads.
fn unique(
    bytes: &[u8],
    previous: Option<Span>,
    member: &Member<'_>,
    name: &str,
) -> Result<Span, FormatError> {
    match previous {
        None => Ok(member.value),
        Some(_) => Err(at_offset(
            bytes,
            member.value.start,
            &format!("duplicate `{name}`"),
        )),
    }
}

/// Deserializes one value of the input, with errors positioned in the file.
fn typed<'a, T: Deserialize<'a>>(
    bytes: &'a [u8],
    span: Span,
    what: &str,
) -> Result<T, FormatError> {
    let mut deserializer = serde_json::Deserializer::from_slice(span.of(bytes));
    T::deserialize(&mut deserializer)
        .and_then(|value| deserializer.end().map(|()| value))
        .map_err(|error| json_error(bytes, span.start, what, &error))
}

/// Checks that a value verdict does not read is valid JSON.
fn validate(bytes: &[u8], span: Span, what: &str) -> Result<(), FormatError> {
    typed::<IgnoredAny>(bytes, span, what).map(|_| ())
}

/// A serde error inside the value at `start`, moved to its place in the file.
fn json_error(bytes: &[u8], start: usize, what: &str, error: &serde_json::Error) -> FormatError {
    let inner = FormatError::json(error);
    let (line, column) = line_column(bytes, start);
    let message = format!("{what}: {}", inner.message);
    match (inner.line, inner.column) {
        (Some(1), Some(inner_column)) => {
            FormatError::new(message).at(line, Some(column + inner_column.saturating_sub(1)))
        }
        (Some(inner_line), inner_column) => {
            FormatError::new(message).at(line + inner_line - 1, inner_column)
        }
        _ => FormatError::new(message).at(line, Some(column)),
    }
}

/// A message at a byte offset.
fn at_offset(bytes: &[u8], offset: usize, message: &str) -> FormatError {
    let (line, column) = line_column(bytes, offset);
    FormatError::new(message).at(line, Some(column))
}

/// A structural problem: serde's own message when the file is not JSON,
/// else the scan's.
fn syntax_error(bytes: &[u8], error: &ScanError) -> FormatError {
    match serde_json::from_slice::<IgnoredAny>(bytes) {
        Err(json) => FormatError::json(&json),
        Ok(_) if error.offset == scan::skip_whitespace(bytes, 0) => {
            at_offset(bytes, error.offset, "expected a SARIF log object")
        }
        Ok(_) => at_offset(bytes, error.offset, error.message),
    }
}

/// A value of the wrong shape where the scan expected an object or array.
fn shape_error(bytes: &[u8], error: &ScanError, expected: &str) -> FormatError {
    at_offset(
        bytes,
        error.offset,
        &format!("{expected}: {}", error.message),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(json: &str, parallel_min: usize) -> Result<Output, FormatError> {
        let split = Split {
            parallel_min,
            scan_chunk: None,
        };
        let mut output = Output::default();
        parse_bytes(json.as_bytes(), &mut output, &split).map(|()| output)
    }

    /// What a parse gives, comparable.
    type Parsed = Result<
        (
            verdict_evidence::Evidence,
            Option<String>,
            Option<Vec<Kind>>,
        ),
        FormatError,
    >;

    fn parse_split(bytes: &[u8], split: &Split) -> Parsed {
        let mut output = Output::default();
        parse_bytes(bytes, &mut output, split)
            .map(|()| (output.evidence, output.tool, output.kinds))
    }

    #[test]
    fn every_split_of_the_corpus_parses_as_the_sequential_parse() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures");
        let mut files = Vec::new();
        for folder in ["corpus/sarif", "bad", "bad/forged-output", "sarif"] {
            let Ok(entries) = fs_err::read_dir(root.join(folder)) else {
                continue;
            };
            for entry in entries {
                let path = entry.unwrap().path();
                if path
                    .extension()
                    .is_some_and(|e| e == "sarif" || e == "json")
                    && path.to_string_lossy().contains("sarif")
                {
                    files.push(path);
                }
            }
        }
        assert!(files.len() >= 30, "{files:?}");
        let sequential = Split {
            parallel_min: usize::MAX,
            scan_chunk: Some(usize::MAX),
        };
        let (mut results, mut errors) = (0, 0);
        for path in &files {
            let bytes = fs_err::read(path).unwrap();
            let expected = parse_split(&bytes, &sequential);
            match &expected {
                Ok((evidence, ..)) => results += evidence.findings.len(),
                Err(_) => errors += 1,
            }
            for split in [
                Split::DEFAULT,
                Split {
                    parallel_min: 1,
                    scan_chunk: Some(1),
                },
                Split {
                    parallel_min: 2,
                    scan_chunk: Some(97),
                },
                Split {
                    parallel_min: 7,
                    scan_chunk: Some(4096),
                },
            ] {
                assert_eq!(parse_split(&bytes, &split), expected, "{}", path.display());
            }
        }
        assert!(
            results > 1000 && errors > 5,
            "{results} findings, {errors} errors"
        );
    }

    #[test]
    fn parallel_and_sequential_paths_agree() {
        let result = r#"{"ruleId":"r","level":"error","message":{"text":"m"},"locations":[{"physicalLocation":{"artifactLocation":{"uri":"a.rs"},"region":{"startLine":3}}}]}"#;
        let results = vec![result; 1000].join(",");
        let json = format!(
            r#"{{"version":"2.1.0","runs":[{{"results":[{results}],"tool":{{"driver":{{"name":"t"}}}}}}]}}"#
        );
        let sequential = parse_str(&json, usize::MAX).unwrap();
        let parallel = parse_str(&json, 1).unwrap();
        assert_eq!(sequential.evidence.findings.len(), 1000);
        assert_eq!(sequential.evidence, parallel.evidence);
        // The first error in file order, whichever task meets it first.
        let bad = json
            .replacen(r#""ruleId":"r""#, r#""ruleId":1"#, 1)
            .replacen(r#""ruleId":"r""#, r#""ruleId":2"#, 400);
        let sequential = parse_str(&bad, usize::MAX).unwrap_err();
        assert_eq!(parse_str(&bad, 1).unwrap_err(), sequential);
        assert!(sequential.message.contains("results[0]"), "{sequential}");
    }

    #[test]
    fn errors_inside_values_carry_file_positions() {
        let json = "{\"version\":\"2.1.0\",\n\"runs\":[{\"tool\":{\"driver\":{\"name\":\"t\"}},\n  \"results\":[{\"ruleId\": 5}]}]}";
        let error = parse_str(json, usize::MAX).unwrap_err();
        assert_eq!(error.line, Some(3));
        assert!(
            error
                .message
                .starts_with("`runs[0].results[0]`: invalid type: integer, expected a string"),
            "{error}"
        );
        assert_eq!(error.column, Some(25), "{error}");
    }

    #[test]
    fn deep_nesting_is_read_without_recursion() {
        let deep = "[".repeat(100_000) + &"]".repeat(100_000);
        let json = format!(
            r#"{{"version":"2.1.0","runs":[{{"tool":{{"driver":{{"name":"t"}}}},"results":[{{"codeFlows":{deep}}}]}}]}}"#
        );
        assert_eq!(
            parse_str(&json, usize::MAX)
                .unwrap()
                .evidence
                .findings
                .len(),
            1
        );
        let typed = format!(
            r#"{{"version":"2.1.0","runs":[{{"tool":{{"driver":{{"name":"t"}}}},"results":[{{"message":{deep}}}]}}]}}"#
        );
        assert!(parse_str(&typed, usize::MAX).is_err());
        let top = "[".repeat(100_000) + &"]".repeat(100_000);
        assert_eq!(
            parse_str(&top, usize::MAX).unwrap_err().message,
            "expected a SARIF log object"
        );
    }

    #[test]
    fn keys_with_escapes_are_decoded() {
        let json =
            r#"{"version":"2.1.0","r\u0075ns":[{"tool":{"driver":{"name":"t"}},"results":[{}]}]}"#;
        assert_eq!(
            parse_str(json, usize::MAX).unwrap().evidence.findings.len(),
            1
        );
    }

    #[test]
    fn schema_or_version_with_runs_detects() {
        let sniff =
            |text: &'static str| Sniff::new(std::path::Path::new("x.json"), text.as_bytes());
        assert!(detect(&sniff(
            r#"{"$schema": "https://json.schemastore.org/sarif-2.1.0.json"}"#
        )));
        assert!(detect(&sniff(r#"{"version": "2.1.0", "runs": []}"#)));
        assert!(!detect(&sniff(r#"{"version": "2.1.0", "results": []}"#)));
        assert!(!detect(&sniff(r#"[{"$schema": "sarif"}]"#)));
    }
}
