//! One advisory reported by several tools, or under several ids, for the same
//! package and version counts once.
//!
//! Records are grouped by package (case-insensitive) and version, then by
//! shared ids: two records whose ids and aliases (compared without regard to
//! case) overlap are one advisory, and so, transitively, are records linked
//! through a third (`CVE-1` ~ `GHSA-x` ~ `PYSEC-y`).

use std::collections::HashMap;
use verdict_policy_sdk::Vulnerability;

/// Records of one advisory on one installed package.
pub struct Group {
    /// The records, in evidence order.
    pub members: Vec<Vulnerability>,
    /// Every id and alias of the members, uppercase.
    pub ids: Vec<String>,
}

impl Group {
    /// The id to show: the first CVE id among the members' primary ids, else
    /// the first member's id.
    pub fn primary_id(&self) -> &str {
        self.members
            .iter()
            .map(|v| v.id.as_str())
            .find(|id| id.to_ascii_uppercase().starts_with("CVE-"))
            .unwrap_or(&self.members[0].id)
    }

    /// The members' other primary ids, deduplicated, in order.
    pub fn other_ids(&self) -> Vec<&str> {
        let primary = self.primary_id();
        let mut others: Vec<&str> = Vec::new();
        for member in &self.members {
            let id = member.id.as_str();
            if !id.eq_ignore_ascii_case(primary)
                && !others.iter().any(|o| o.eq_ignore_ascii_case(id))
            {
                others.push(id);
            }
        }
        others
    }

    /// The tools that reported it, deduplicated, in order.
    pub fn tools(&self) -> Vec<&str> {
        let mut tools: Vec<&str> = Vec::new();
        for member in &self.members {
            if !tools.contains(&member.tool.as_str()) {
                tools.push(&member.tool);
            }
        }
        tools
    }
}

fn ids_of(vulnerability: &Vulnerability) -> Vec<String> {
    std::iter::once(&vulnerability.id)
        .chain(&vulnerability.aliases)
        .map(|id| id.trim().to_ascii_uppercase())
        .filter(|id| !id.is_empty())
        .collect()
}

/// Groups records in evidence order (a group sits where its first member was).
pub fn group(vulnerabilities: impl IntoIterator<Item = Vulnerability>) -> Vec<Group> {
    let mut groups: Vec<Option<Group>> = Vec::new();
    // Package and version -> indexes of their groups.
    let mut buckets: HashMap<(String, Option<String>), Vec<usize>> = HashMap::new();
    for vulnerability in vulnerabilities {
        let ids = ids_of(&vulnerability);
        let key = (
            vulnerability.package.to_lowercase(),
            vulnerability.version.clone(),
        );
        let bucket = buckets.entry(key).or_default();
        let linked: Vec<usize> = bucket
            .iter()
            .copied()
            .filter(|&index| {
                groups[index]
                    .as_ref()
                    .is_some_and(|group| group.ids.iter().any(|id| ids.contains(id)))
            })
            .collect();
        match linked.split_first() {
            None => {
                bucket.push(groups.len());
                groups.push(Some(Group {
                    members: vec![vulnerability],
                    ids,
                }));
            }
            Some((&first, rest)) => {
                let mut merged = groups[first].take().expect("live group");
                for &index in rest {
                    let other = groups[index].take().expect("live group");
                    merged.members.extend(other.members);
                    merged.ids.extend(other.ids);
                }
                bucket.retain(|index| !rest.contains(index));
                merged.members.push(vulnerability);
                merged.ids.extend(ids);
                merged.ids.sort();
                merged.ids.dedup();
                groups[first] = Some(merged);
            }
        }
    }
    groups.into_iter().flatten().collect()
}
