//! Control matrices of compliance policies (HIPAA first) and the
//! attestations of controls no machine can check.

use super::{Badge, anchor, long, short};
use verdict_evidence::policy::ControlStatus;
use verdict_gate::document::{AttestationRecord, AttestationStatus, PolicyReport, Verdict};

pub(crate) struct Matrix {
    pub(crate) anchor: String,
    pub(crate) id: String,
    pub(crate) plugin: String,
    pub(crate) tally: String,
    pub(crate) rows: Vec<ControlRow>,
}

pub(crate) struct ControlRow {
    pub(crate) control: String,
    pub(crate) status: Badge,
    pub(crate) evidence: Vec<String>,
    /// What an attestation says about the control, with its link.
    pub(crate) attestation: Option<(String, Link)>,
}

pub(crate) struct AttestationRow {
    pub(crate) control: String,
    pub(crate) statement: String,
    pub(crate) by: String,
    pub(crate) date: String,
    pub(crate) expires: String,
    pub(crate) status: Badge,
    pub(crate) evidence: Link,
}

/// Text, and a URL to link it to when it is a plain `http(s)` URL.
pub(crate) struct Link {
    pub(crate) text: String,
    pub(crate) href: Option<String>,
}

pub(crate) fn matrices(verdict: &Verdict) -> Vec<Matrix> {
    let mut matrices: Vec<(bool, Matrix)> = verdict
        .policies
        .iter()
        .enumerate()
        .filter(|(_, policy)| !policy.controls.is_empty())
        .map(|(index, policy)| (!is_hipaa(policy), matrix(verdict, index, policy)))
        .collect();
    // HIPAA first; otherwise configuration order (the sort is stable).
    matrices.sort_by_key(|(later, _)| *later);
    matrices.into_iter().map(|(_, matrix)| matrix).collect()
}

fn is_hipaa(policy: &PolicyReport) -> bool {
    let hipaa = |text: &str| text.to_ascii_lowercase().contains("hipaa");
    hipaa(&policy.id) || hipaa(&policy.plugin)
}

fn matrix(verdict: &Verdict, index: usize, policy: &PolicyReport) -> Matrix {
    let mut counts = [0u64; 4];
    let rows = policy
        .controls
        .iter()
        .map(|result| {
            counts[status_index(result.status)] += 1;
            ControlRow {
                control: short(&result.control),
                status: status_badge(result.status),
                evidence: result.evidence.iter().map(|e| long(e)).collect(),
                attestation: attestation_of(verdict, &result.control),
            }
        })
        .collect();
    let total = policy.controls.len();
    Matrix {
        anchor: format!("controls-{}", anchor(index)),
        id: short(&policy.id),
        plugin: short(&policy.plugin),
        tally: format!(
            "{total} {}: {} satisfied, {} violated, {} not assessed, {} attested.",
            if total == 1 { "control" } else { "controls" },
            counts[0],
            counts[1],
            counts[2],
            counts[3]
        ),
        rows,
    }
}

fn status_index(status: ControlStatus) -> usize {
    match status {
        ControlStatus::Satisfied => 0,
        ControlStatus::Violated => 1,
        ControlStatus::NotAssessed => 2,
        ControlStatus::Attested => 3,
    }
}

fn status_badge(status: ControlStatus) -> Badge {
    let (word, class) = match status {
        ControlStatus::Satisfied => ("satisfied", "pass"),
        ControlStatus::Violated => ("violated", "fail"),
        ControlStatus::NotAssessed => ("not assessed", "skipped"),
        ControlStatus::Attested => ("attested", "attested"),
    };
    Badge { word, class }
}

/// The attestation of a control, the one in force first, else the last
/// expired one (which is why a control is not assessed).
fn attestation_of(verdict: &Verdict, control: &str) -> Option<(String, Link)> {
    let of_control = || verdict.attestations.iter().filter(|a| a.control == control);
    let attestation = of_control()
        .find(|a| a.status == AttestationStatus::Valid)
        .or_else(|| of_control().next_back())?;
    let said = match attestation.status {
        AttestationStatus::Valid => format!(
            "Attested by {} on {}, in force until {}: {}",
            short(&attestation.by),
            short(&attestation.date),
            short(&attestation.expires),
            long(&attestation.statement)
        ),
        AttestationStatus::Expired => format!(
            "Attestation by {} expired on {}: the control is not assessed until it is attested again.",
            short(&attestation.by),
            short(&attestation.expires)
        ),
    };
    Some((said, evidence_link(attestation)))
}

pub(crate) fn attestations(verdict: &Verdict) -> Vec<AttestationRow> {
    verdict
        .attestations
        .iter()
        .map(|attestation| AttestationRow {
            control: short(&attestation.control),
            statement: long(&attestation.statement),
            by: short(&attestation.by),
            date: short(&attestation.date),
            expires: short(&attestation.expires),
            status: match attestation.status {
                AttestationStatus::Valid => Badge {
                    word: "in force",
                    class: "pass",
                },
                AttestationStatus::Expired => Badge {
                    word: "expired",
                    class: "fail",
                },
            },
            evidence: evidence_link(attestation),
        })
        .collect()
}

fn evidence_link(attestation: &AttestationRecord) -> Link {
    match &attestation.evidence {
        None => Link {
            text: String::new(),
            href: None,
        },
        Some(evidence) => Link {
            text: short(evidence),
            href: web_url(evidence).map(str::to_owned),
        },
    }
}

/// The text when it is a plain `http://` or `https://` URL: a scheme verdict
/// allows, a host, and nothing a browser would quietly drop or reinterpret
/// (whitespace, control, hidden or non-ASCII characters, backslashes).
/// Anything else (`javascript:`, `data:`, relative paths) stays text.
pub(crate) fn web_url(text: &str) -> Option<&str> {
    let lower = text
        .get(..8)
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    let rest = if lower.starts_with("https://") {
        &text[8..]
    } else if lower.starts_with("http://") {
        &text[7..]
    } else {
        return None;
    };
    let plain = text
        .chars()
        .all(|c| c.is_ascii_graphic() && c != '\\' && c != '<' && c != '>' && c != '"');
    let has_host = rest
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphanumeric() || c == '[');
    (plain && has_host && text.len() <= 2048).then_some(text)
}

#[cfg(test)]
mod tests {
    use super::web_url;

    #[test]
    fn only_plain_web_urls_become_links() {
        for url in [
            "https://wiki.example.com/risk-analysis-2026.pdf",
            "HTTP://example.com/a?b=c&d=e#f",
            "https://[::1]:8443/x",
        ] {
            assert_eq!(web_url(url), Some(url), "{url}");
        }
        for text in [
            "javascript:alert(1)",
            "JavaScript:alert(1)",
            " https://example.com",
            "https://example.com/a b",
            "https://example.com/\u{202e}fdp.exe",
            "https:///evil",
            "https://",
            "http:\\\\evil.example",
            "https://ex\"ample.com",
            "data:text/html,<script>alert(1)</script>",
            "//evil.example/x",
            "docs/risk.pdf",
            "https://exämple.com",
            "http",
        ] {
            assert_eq!(web_url(text), None, "{text:?}");
        }
    }
}
