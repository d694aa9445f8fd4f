//! The parts of SARIF 2.1.0 that verdict reads, as borrowing serde types.
//!
//! Strings borrow from the input where they have no escapes, and every part
//! not named here is skipped by serde without being built. Optional arrays
//! are `Option<Vec<_>>` because producers write `null` for "none".

use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use std::borrow::Cow;
use std::fmt;

/// `run.tool`.
#[derive(Deserialize)]
#[serde(expecting = "a tool object")]
pub(super) struct Tool<'a> {
    #[serde(borrow)]
    pub driver: ToolComponent<'a>,
    #[serde(borrow, default)]
    pub extensions: Option<Vec<ToolComponent<'a>>>,
}

/// `tool.driver`, `tool.extensions[]` and `run.taxonomies[]`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", expecting = "a tool component object")]
pub(super) struct ToolComponent<'a> {
    #[serde(borrow, default)]
    pub name: Option<Str<'a>>,
    #[serde(borrow, default)]
    pub guid: Option<Str<'a>>,
    #[serde(borrow, default)]
    pub version: Option<Str<'a>>,
    #[serde(borrow, default)]
    pub semantic_version: Option<Str<'a>>,
    #[serde(borrow, default)]
    pub full_name: Option<Str<'a>>,
    #[serde(borrow, default)]
    pub information_uri: Option<Str<'a>>,
    #[serde(borrow, default)]
    pub rules: Option<Vec<ReportingDescriptor<'a>>>,
    #[serde(borrow, default)]
    pub taxa: Option<Vec<ReportingDescriptor<'a>>>,
}

/// A rule (`reportingDescriptor`), or a taxon of a taxonomy.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", expecting = "a rule object")]
pub(super) struct ReportingDescriptor<'a> {
    #[serde(borrow, default)]
    pub id: Option<Str<'a>>,
    #[serde(borrow, default)]
    pub name: Option<Str<'a>>,
    #[serde(borrow, default)]
    pub short_description: Option<MultiformatMessage<'a>>,
    #[serde(borrow, default)]
    pub help: Option<MultiformatMessage<'a>>,
    #[serde(borrow, default)]
    pub help_uri: Option<Str<'a>>,
    #[serde(borrow, default)]
    pub message_strings: Option<Pairs<'a, MultiformatMessage<'a>>>,
    #[serde(borrow, default)]
    pub default_configuration: Option<Configuration<'a>>,
    #[serde(borrow, default)]
    pub properties: Option<PropertyBag<'a>>,
    #[serde(borrow, default)]
    pub relationships: Option<Vec<Relationship<'a>>>,
}

/// `text` and `markdown` of a message string.
#[derive(Deserialize)]
#[serde(expecting = "a message string object")]
pub(super) struct MultiformatMessage<'a> {
    #[serde(borrow, default)]
    pub text: Option<Str<'a>>,
    #[serde(borrow, default)]
    pub markdown: Option<Str<'a>>,
}

/// `reportingConfiguration`: only its level matters here.
#[derive(Deserialize)]
#[serde(expecting = "a configuration object")]
pub(super) struct Configuration<'a> {
    #[serde(borrow, default)]
    pub level: Option<Str<'a>>,
}

/// `reportingDescriptorRelationship`.
#[derive(Deserialize)]
#[serde(expecting = "a relationship object")]
pub(super) struct Relationship<'a> {
    #[serde(borrow)]
    pub target: DescriptorReference<'a>,
}

/// `reportingDescriptorReference`: a rule or taxon named by id and/or index.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", expecting = "a descriptor reference object")]
pub(super) struct DescriptorReference<'a> {
    #[serde(borrow, default)]
    pub id: Option<Str<'a>>,
    #[serde(default)]
    pub index: Option<i64>,
    #[serde(borrow, default)]
    pub tool_component: Option<ComponentReference<'a>>,
}

/// `toolComponentReference`.
#[derive(Deserialize)]
#[serde(expecting = "a tool component reference object")]
pub(super) struct ComponentReference<'a> {
    #[serde(borrow, default)]
    pub name: Option<Str<'a>>,
    #[serde(default)]
    pub index: Option<i64>,
    #[serde(borrow, default)]
    pub guid: Option<Str<'a>>,
}

/// The property bag keys verdict reads.
///
/// `tags` and `security-severity` have types SARIF consumers agree on; the
/// other keys are tools' own (dependency-check's `severity` and CVSS
/// scores, Grype's `purls`, gitleaks' `commit`), so a value of another type
/// is ignored rather than an error.
#[derive(Deserialize)]
#[serde(expecting = "a property bag object")]
pub(super) struct PropertyBag<'a> {
    #[serde(borrow, default)]
    pub tags: Option<Vec<Str<'a>>>,
    #[serde(borrow, default, rename = "security-severity")]
    pub security_severity: Option<Score<'a>>,
    #[serde(borrow, default)]
    pub severity: Option<Loose<'a>>,
    #[serde(borrow, default, rename = "cvssv3_baseSeverity")]
    pub cvssv3_severity: Option<Loose<'a>>,
    #[serde(borrow, default, rename = "cvssv2_severity")]
    pub cvssv2_severity: Option<Loose<'a>>,
    #[serde(borrow, default, rename = "cvssv3_baseScore")]
    pub cvssv3_score: Option<Loose<'a>>,
    #[serde(borrow, default, rename = "cvssv2_score")]
    pub cvssv2_score: Option<Loose<'a>>,
    #[serde(borrow, default)]
    pub purls: Option<LooseList<'a>>,
    #[serde(borrow, default)]
    pub commit: Option<Loose<'a>>,
}

/// A free-form property value: a string or a number is kept, anything else
/// is checked and skipped.
pub(super) enum Loose<'a> {
    Text(Str<'a>),
    Number(f64),
    Other,
}

impl Loose<'_> {
    /// The value as text, when it is a non-empty string.
    pub fn text(&self) -> Option<&str> {
        match self {
            Loose::Text(text) if !text.trim().is_empty() => Some(text.trim()),
            _ => None,
        }
    }

    /// The value as a finite number, when it is one or a numeric string.
    pub fn number(&self) -> Option<f64> {
        match self {
            Loose::Number(number) => Some(*number),
            Loose::Text(text) => text.trim().parse::<f64>().ok(),
            Loose::Other => None,
        }
        .filter(|number| number.is_finite())
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Loose<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct LooseVisitor;
        impl<'de> Visitor<'de> for LooseVisitor {
            type Value = Loose<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("any value")
            }
            fn visit_borrowed_str<E: de::Error>(self, value: &'de str) -> Result<Self::Value, E> {
                Ok(Loose::Text(Str(Cow::Borrowed(value))))
            }
            fn visit_str<E: de::Error>(self, value: &str) -> Result<Self::Value, E> {
                Ok(Loose::Text(Str(Cow::Owned(value.to_owned()))))
            }
            fn visit_f64<E: de::Error>(self, value: f64) -> Result<Self::Value, E> {
                Ok(Loose::Number(value))
            }
            fn visit_u64<E: de::Error>(self, value: u64) -> Result<Self::Value, E> {
                Ok(Loose::Number(value as f64))
            }
            fn visit_i64<E: de::Error>(self, value: i64) -> Result<Self::Value, E> {
                Ok(Loose::Number(value as f64))
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
                Ok(Loose::Other)
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(Loose::Other)
            }
            fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                while seq.next_element::<de::IgnoredAny>()?.is_some() {}
                Ok(Loose::Other)
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                while map
                    .next_entry::<de::IgnoredAny, de::IgnoredAny>()?
                    .is_some()
                {}
                Ok(Loose::Other)
            }
        }
        deserializer.deserialize_any(LooseVisitor)
    }
}

/// A free-form list of values (any other value reads as an empty list).
pub(super) struct LooseList<'a>(pub Vec<Loose<'a>>);

impl<'de: 'a, 'a> Deserialize<'de> for LooseList<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ListVisitor<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for ListVisitor<'a> {
            type Value = LooseList<'a>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("any value")
            }
            fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut values = Vec::new();
                while let Some(value) = seq.next_element::<Loose<'a>>()? {
                    values.push(value);
                }
                Ok(LooseList(values))
            }
            fn visit_borrowed_str<E: de::Error>(self, value: &'de str) -> Result<Self::Value, E> {
                Ok(LooseList(vec![Loose::Text(Str(Cow::Borrowed(value)))]))
            }
            fn visit_str<E: de::Error>(self, value: &str) -> Result<Self::Value, E> {
                Ok(LooseList(vec![Loose::Text(Str(Cow::Owned(
                    value.to_owned(),
                )))]))
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
                Ok(LooseList(Vec::new()))
            }
            fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
                Ok(LooseList(Vec::new()))
            }
            fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
                Ok(LooseList(Vec::new()))
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
                Ok(LooseList(Vec::new()))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(LooseList(Vec::new()))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                while map
                    .next_entry::<de::IgnoredAny, de::IgnoredAny>()?
                    .is_some()
                {}
                Ok(LooseList(Vec::new()))
            }
        }
        deserializer.deserialize_any(ListVisitor(std::marker::PhantomData))
    }
}

/// `security-severity`: a number, a numeric string, or (Semgrep) a word.
pub(super) enum Score<'a> {
    Number(f64),
    Text(Str<'a>),
}

impl Score<'_> {
    /// The score as a finite number, when it is one or a numeric string.
    pub fn number(&self) -> Option<f64> {
        match self {
            Score::Number(number) => Some(*number),
            Score::Text(text) => text.trim().parse::<f64>().ok(),
        }
        .filter(|number| number.is_finite())
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Score<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ScoreVisitor;
        impl<'de> Visitor<'de> for ScoreVisitor {
            type Value = Score<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a score as a number or a string")
            }
            fn visit_f64<E: de::Error>(self, value: f64) -> Result<Self::Value, E> {
                Ok(Score::Number(value))
            }
            fn visit_u64<E: de::Error>(self, value: u64) -> Result<Self::Value, E> {
                Ok(Score::Number(value as f64))
            }
            fn visit_i64<E: de::Error>(self, value: i64) -> Result<Self::Value, E> {
                Ok(Score::Number(value as f64))
            }
            fn visit_borrowed_str<E: de::Error>(self, value: &'de str) -> Result<Self::Value, E> {
                Ok(Score::Text(Str(Cow::Borrowed(value))))
            }
            fn visit_str<E: de::Error>(self, value: &str) -> Result<Self::Value, E> {
                Ok(Score::Text(Str(Cow::Owned(value.to_owned()))))
            }
        }
        deserializer.deserialize_any(ScoreVisitor)
    }
}

/// A JSON object kept as key/value pairs in input order, without building a map.
pub(super) struct Pairs<'a, V>(pub Vec<(Str<'a>, V)>);

impl<'de: 'a, 'a, V: Deserialize<'de>> Deserialize<'de> for Pairs<'a, V> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct PairsVisitor<'a, V>(std::marker::PhantomData<(&'a (), V)>);
        impl<'de: 'a, 'a, V: Deserialize<'de>> Visitor<'de> for PairsVisitor<'a, V> {
            type Value = Pairs<'a, V>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut pairs = Vec::with_capacity(map.size_hint().unwrap_or(2));
                while let Some(key) = map.next_key::<Str<'a>>()? {
                    pairs.push((key, map.next_value::<V>()?));
                }
                Ok(Pairs(pairs))
            }
        }
        deserializer.deserialize_map(PairsVisitor(std::marker::PhantomData))
    }
}

/// A JSON string that borrows from the input unless it has escapes.
pub(super) struct Str<'a>(pub Cow<'a, str>);

impl std::ops::Deref for Str<'_> {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Str<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct StrVisitor;
        impl<'de> Visitor<'de> for StrVisitor {
            type Value = Str<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: de::Error>(self, value: &'de str) -> Result<Self::Value, E> {
                Ok(Str(Cow::Borrowed(value)))
            }
            fn visit_str<E: de::Error>(self, value: &str) -> Result<Self::Value, E> {
                Ok(Str(Cow::Owned(value.to_owned())))
            }
        }
        deserializer.deserialize_str(StrVisitor)
    }
}

/// `run.artifacts[]`: the location, and the properties where
/// dependency-check names the artifact's package URLs (`"id1": "pkg:…"`).
#[derive(Deserialize)]
#[serde(expecting = "an artifact object")]
pub(super) struct Artifact<'a> {
    #[serde(borrow, default)]
    pub location: Option<ArtifactLocation<'a>>,
    #[serde(borrow, default)]
    pub properties: Option<Pairs<'a, Loose<'a>>>,
}

/// `artifactLocation`.
#[derive(Deserialize)]
#[serde(expecting = "an artifact location object")]
pub(super) struct ArtifactLocation<'a> {
    #[serde(borrow, default)]
    pub uri: Option<Str<'a>>,
    #[serde(default)]
    pub index: Option<i64>,
}

/// `run.invocations[]`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", expecting = "an invocation object")]
pub(super) struct Invocation<'a> {
    #[serde(default)]
    pub execution_successful: Option<bool>,
    #[serde(default)]
    pub exit_code: Option<i64>,
    #[serde(borrow, default)]
    pub exit_code_description: Option<Str<'a>>,
    #[serde(borrow, default)]
    pub exit_signal_name: Option<Str<'a>>,
    #[serde(borrow, default)]
    pub tool_execution_notifications: Option<Vec<Notification<'a>>>,
    #[serde(borrow, default)]
    pub tool_configuration_notifications: Option<Vec<Notification<'a>>>,
}

/// A tool notification.
#[derive(Deserialize)]
#[serde(expecting = "a notification object")]
pub(super) struct Notification<'a> {
    #[serde(borrow, default)]
    pub level: Option<Str<'a>>,
    #[serde(borrow, default)]
    pub message: Option<Message<'a>>,
}

/// A `message` object.
#[derive(Deserialize)]
#[serde(expecting = "a message object")]
pub(super) struct Message<'a> {
    #[serde(borrow, default)]
    pub text: Option<Str<'a>>,
    #[serde(borrow, default)]
    pub markdown: Option<Str<'a>>,
    #[serde(borrow, default)]
    pub id: Option<Str<'a>>,
    #[serde(borrow, default)]
    pub arguments: Option<Vec<Str<'a>>>,
}

/// One element of `run.results`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", expecting = "a result object")]
pub(super) struct ResultDef<'a> {
    #[serde(borrow, default)]
    pub rule_id: Option<Str<'a>>,
    #[serde(default)]
    pub rule_index: Option<i64>,
    #[serde(borrow, default)]
    pub rule: Option<DescriptorReference<'a>>,
    #[serde(borrow, default)]
    pub kind: Option<Str<'a>>,
    #[serde(borrow, default)]
    pub level: Option<Str<'a>>,
    #[serde(borrow, default)]
    pub message: Option<Message<'a>>,
    #[serde(borrow, default)]
    pub locations: Option<FirstPhysical<'a>>,
    #[serde(borrow, default)]
    pub partial_fingerprints: Option<Pairs<'a, Str<'a>>>,
    #[serde(borrow, default)]
    pub fingerprints: Option<Pairs<'a, Str<'a>>>,
    #[serde(borrow, default)]
    pub suppressions: Option<Vec<Suppression<'a>>>,
    #[serde(borrow, default)]
    pub baseline_state: Option<Str<'a>>,
    #[serde(borrow, default)]
    pub properties: Option<PropertyBag<'a>>,
    #[serde(borrow, default)]
    pub taxa: Option<Vec<DescriptorReference<'a>>>,
    #[serde(borrow, default)]
    pub stacks: Option<Vec<Stack<'a>>>,
}

/// `result.stacks[]`: govulncheck names the module of each frame.
#[derive(Deserialize)]
#[serde(expecting = "a stack object")]
pub(super) struct Stack<'a> {
    #[serde(borrow, default)]
    pub frames: Option<Vec<StackFrame<'a>>>,
}

/// `stackFrame`: only the module is read.
#[derive(Deserialize)]
#[serde(expecting = "a stack frame object")]
pub(super) struct StackFrame<'a> {
    #[serde(borrow, default)]
    pub module: Option<Str<'a>>,
}

/// `result.locations`, of which only the first physical location is kept;
/// the others are checked and skipped without being built.
pub(super) struct FirstPhysical<'a>(pub Option<PhysicalLocation<'a>>);

impl<'de: 'a, 'a> Deserialize<'de> for FirstPhysical<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct FirstVisitor<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for FirstVisitor<'a> {
            type Value = FirstPhysical<'a>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an array of locations")
            }
            fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut first = None;
                while first.is_none() {
                    match seq.next_element::<LocationDef<'a>>()? {
                        Some(location) => first = location.physical_location,
                        None => return Ok(FirstPhysical(None)),
                    }
                }
                while seq.next_element::<de::IgnoredAny>()?.is_some() {}
                Ok(FirstPhysical(first))
            }
        }
        deserializer.deserialize_seq(FirstVisitor(std::marker::PhantomData))
    }
}

/// A `location`: only its physical part is read.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", expecting = "a location object")]
pub(super) struct LocationDef<'a> {
    #[serde(borrow, default)]
    pub physical_location: Option<PhysicalLocation<'a>>,
}

/// `physicalLocation`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", expecting = "a physical location object")]
pub(super) struct PhysicalLocation<'a> {
    #[serde(borrow, default)]
    pub artifact_location: Option<ArtifactLocation<'a>>,
    #[serde(borrow, default)]
    pub region: Option<Region<'a>>,
}

/// `region`: lines and the snippet.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", expecting = "a region object")]
pub(super) struct Region<'a> {
    #[serde(default)]
    pub start_line: Option<i64>,
    #[serde(default)]
    pub end_line: Option<i64>,
    #[serde(borrow, default)]
    pub snippet: Option<ArtifactContent<'a>>,
}

/// `artifactContent`: only the text.
#[derive(Deserialize)]
#[serde(expecting = "an artifact content object")]
pub(super) struct ArtifactContent<'a> {
    #[serde(borrow, default)]
    pub text: Option<Str<'a>>,
}

/// A `suppression`: only its status counts.
#[derive(Deserialize)]
#[serde(expecting = "a suppression object")]
pub(super) struct Suppression<'a> {
    #[serde(borrow, default)]
    pub status: Option<Str<'a>>,
}
