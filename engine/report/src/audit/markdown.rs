//! The period report as Markdown (a wiki page, an issue, a step summary).
//!
//! Every value goes through [`crate::render::markdown::escape`]: shown by
//! [`crate::text::untrusted`] on one line, then with HTML and Markdown
//! syntax escaped (so a value can neither open a tag, a link or an image,
//! nor end a table cell, nor mention anyone). Every line starts with text of
//! ours (`#`, `|`, `-`, a word).

use super::html::runs_sentence;
use super::model::{AuditReport, Compliance, Deployment, Security, WaiverRow};
use crate::render::markdown::escape;
use std::fmt::Write as _;
use std::io;
use verdict_evidence::policy::ControlStatus;
use verdict_gate::document::{AttestationStatus, WaiverStatus};

const NAME_CHARS: usize = 240;
const TEXT_CHARS: usize = 500;

pub(super) fn render(report: &AuditReport, out: &mut dyn io::Write) -> io::Result<()> {
    let mut md = String::new();
    // Writing into a String cannot fail.
    let _ = write(&mut md, report);
    out.write_all(md.as_bytes())
}

fn e(text: &str) -> String {
    escape(text, NAME_CHARS)
}

fn opt(text: Option<&str>) -> String {
    text.map(e).unwrap_or_else(|| "—".to_owned())
}

fn write(md: &mut String, report: &AuditReport) -> std::fmt::Result {
    writeln!(
        md,
        "# verdict period report: {} to {}",
        e(&report.period.first_day),
        e(&report.period.last_day)
    )?;
    writeln!(md)?;
    let mut scope = vec![format!("Ledger {}", e(&report.ledger))];
    if let Some(repository) = &report.repository {
        scope.push(format!("repository {}", e(repository)));
    }
    if let Some(environment) = &report.environment {
        scope.push(format!("environment {}", e(environment)));
    }
    if let Some(framework) = &report.framework {
        scope.push(format!("framework {}", e(framework)));
    }
    writeln!(md, "{}\\.", scope.join(" · "))?;
    writeln!(md)?;
    let integrity = &report.integrity.verify;
    if integrity.intact {
        writeln!(
            md,
            "**Ledger intact**: {} records checked, head hash {}{}\\.",
            integrity.records,
            e(&integrity.head_hash),
            if integrity.signatures_checked {
                ", every signature checked"
            } else {
                " \\(signatures not checked\\)"
            }
        )?;
    } else {
        writeln!(
            md,
            "**Ledger TAMPERED**: {}; {} records intact before it, up to hash {}\\. The problem lies {} this period's records\\.",
            escape(
                integrity.problem.as_deref().unwrap_or("unknown problem"),
                TEXT_CHARS
            ),
            integrity.records,
            e(&integrity.head_hash),
            if report.integrity.problem_in_period {
                "within"
            } else {
                "outside"
            }
        )?;
    }
    writeln!(md)?;
    writeln!(
        md,
        "{}",
        runs_sentence(report.runs, &report.decisions).replace('.', "\\.")
    )?;
    if let Some(security) = &report.security {
        write_security(md, report, security)?;
    }
    if let Some(compliance) = &report.compliance {
        write_compliance(md, compliance)?;
    }
    if let Some(deployments) = &report.deployments {
        write_deployments(md, deployments)?;
    }
    Ok(())
}

fn write_security(md: &mut String, report: &AuditReport, security: &Security) -> std::fmt::Result {
    writeln!(md, "\n## Security summary\n")?;
    writeln!(md, "### Decisions per {}\n", report.period.bucket)?;
    writeln!(
        md,
        "| {} | pass | warn | fail | error | skipped |",
        report.period.bucket
    )?;
    writeln!(md, "|---|---:|---:|---:|---:|---:|")?;
    for bucket in &security.decisions {
        let d = &bucket.decisions;
        writeln!(
            md,
            "| {} | {} | {} | {} | {} | {} |",
            e(&bucket.bucket),
            d.pass,
            d.warn,
            d.fail,
            d.error,
            d.skipped
        )?;
    }
    writeln!(md, "\n### Policies that failed most\n")?;
    if security.top_policies.is_empty() {
        writeln!(md, "No policy failed or had violations in the period\\.")?;
    } else {
        writeln!(md, "| Policy | Failed runs | Errored runs | Violations |")?;
        writeln!(md, "|---|---:|---:|---:|")?;
        for row in &security.top_policies {
            writeln!(
                md,
                "| {} | {} | {} | {} |",
                e(&row.policy),
                row.failed_runs,
                row.errored_runs,
                row.violations
            )?;
        }
    }
    writeln!(md, "\n### Rules with most violations\n")?;
    if security.top_rules.is_empty() {
        writeln!(md, "No rule had violations in the period\\.")?;
    } else {
        writeln!(md, "| Policy | Rule | Violations | Runs |")?;
        writeln!(md, "|---|---|---:|---:|")?;
        for row in &security.top_rules {
            writeln!(
                md,
                "| {} | {} | {} | {} |",
                e(&row.policy),
                e(&row.rule),
                row.violations,
                row.runs
            )?;
        }
    }
    let findings = &security.findings;
    writeln!(md, "\n### New and fixed findings\n")?;
    writeln!(
        md,
        "{} new, {} fixed between consecutive runs of the same repository and branch{}\\.",
        findings.new,
        findings.fixed,
        if findings.partial {
            " \\(a lower bound: some runs listed fewer violations than they counted\\)"
        } else {
            ""
        }
    )?;
    if !findings.streams.is_empty() {
        writeln!(
            md,
            "\n| Repository | Branch | Runs | New | Fixed | Open at the last run |"
        )?;
        writeln!(md, "|---|---|---:|---:|---:|---:|")?;
        for stream in &findings.streams {
            writeln!(
                md,
                "| {} | {} | {} | {} | {} | {} |",
                opt(stream.repository.as_deref()),
                opt(stream.branch.as_deref()),
                stream.runs,
                stream.new,
                stream.fixed,
                stream.open
            )?;
        }
    }
    writeln!(
        md,
        "\n### Open vulnerabilities by severity per {}\n",
        report.period.bucket
    )?;
    writeln!(
        md,
        "| {} | critical | high | medium | low | info | unknown |",
        report.period.bucket
    )?;
    writeln!(md, "|---|---:|---:|---:|---:|---:|---:|")?;
    for bucket in &security.vulnerabilities {
        let count = |severity| bucket.counts.get(&severity).copied().unwrap_or(0);
        use verdict_evidence::Severity::*;
        writeln!(
            md,
            "| {} | {} | {} | {} | {} | {} | {} |",
            e(&bucket.bucket),
            count(Critical),
            count(High),
            count(Medium),
            count(Low),
            count(Info),
            count(Unknown)
        )?;
    }
    writeln!(md, "\n### Waivers expiring soon\n")?;
    if security.expiring_waivers.is_empty() {
        writeln!(
            md,
            "No waiver expires before or within 30 days after the period\\."
        )?;
    } else {
        write_waivers(md, &security.expiring_waivers)?;
    }
    Ok(())
}

fn write_waivers(md: &mut String, waivers: &[WaiverRow]) -> std::fmt::Result {
    writeln!(
        md,
        "| Expires | Repository | Policy | Waiver | Owner | Reason | Status | Waived | Last record |"
    )?;
    writeln!(md, "|---|---|---|---|---|---|---|---:|---:|")?;
    for waiver in waivers {
        writeln!(
            md,
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            e(&waiver.expires),
            opt(waiver.repository.as_deref()),
            e(&waiver.policy),
            e(&waiver.id),
            e(&waiver.owner),
            escape(&waiver.reason, TEXT_CHARS),
            match waiver.status {
                WaiverStatus::Applied => "applied",
                WaiverStatus::Stale => "stale",
                WaiverStatus::Expired => "expired",
            },
            waiver.matched,
            waiver.last_seq
        )?;
    }
    Ok(())
}

fn status(status: ControlStatus) -> &'static str {
    match status {
        ControlStatus::Satisfied => "satisfied",
        ControlStatus::Violated => "**violated**",
        ControlStatus::NotAssessed => "not assessed",
        ControlStatus::Attested => "attested",
    }
}

fn write_compliance(md: &mut String, compliance: &Compliance) -> std::fmt::Result {
    writeln!(md, "\n## Compliance audit\n")?;
    writeln!(md, "### Controls\n")?;
    if compliance.controls.is_empty() {
        writeln!(md, "No policy reported a control in the period\\.")?;
    } else {
        writeln!(
            md,
            "| Control | Latest | Satisfied | Violated | Not assessed | Attested | Latest runs \\(record, commit\\) |"
        )?;
        writeln!(md, "|---|---|---:|---:|---:|---:|---|")?;
        for control in &compliance.controls {
            let runs: Vec<String> = control
                .runs
                .iter()
                .take(5)
                .map(|run| {
                    format!(
                        "\\#{} {} {}",
                        run.seq,
                        status(run.status),
                        run.commit
                            .as_deref()
                            .map(|commit| e(&commit.chars().take(12).collect::<String>()))
                            .unwrap_or_default()
                    )
                })
                .collect();
            let more = control.runs.len().saturating_sub(5) as u64 + control.runs_not_listed;
            writeln!(
                md,
                "| {} | {} | {} | {} | {} | {} | {}{} |",
                e(&control.control),
                status(control.latest),
                control.satisfied,
                control.violated,
                control.not_assessed,
                control.attested,
                runs.join("; "),
                if more > 0 {
                    format!("; and {more} earlier")
                } else {
                    String::new()
                }
            )?;
        }
    }
    writeln!(md, "\n### Attestations\n")?;
    if compliance.attestations.is_empty() {
        writeln!(md, "No attestation was recorded in the period\\.")?;
    } else {
        writeln!(
            md,
            "| Control | Repository | Statement | By | Date | Expires | Status | Evidence |"
        )?;
        writeln!(md, "|---|---|---|---|---|---|---|---|")?;
        for attestation in &compliance.attestations {
            writeln!(
                md,
                "| {} | {} | {} | {} | {} | {}{} | {} | {} |",
                e(&attestation.control),
                opt(attestation.repository.as_deref()),
                escape(&attestation.statement, TEXT_CHARS),
                e(&attestation.by),
                e(&attestation.date),
                e(&attestation.expires),
                if attestation.expiring {
                    " \\(soon\\)"
                } else {
                    ""
                },
                match attestation.status {
                    AttestationStatus::Valid => "valid",
                    AttestationStatus::Expired => "expired",
                },
                opt(attestation.evidence.as_deref())
            )?;
        }
    }
    writeln!(md, "\n### Waivers\n")?;
    if compliance.waivers.is_empty() {
        writeln!(md, "No waiver was recorded in the period\\.")?;
    } else {
        write_waivers(md, &compliance.waivers)?;
    }
    writeln!(md, "\n### Overrides\n")?;
    if compliance.overrides.is_empty() {
        writeln!(md, "No override was asked for in the period\\.")?;
    } else {
        writeln!(
            md,
            "| Record | Time | Repository | Policy | Actor | Reason | Applied |"
        )?;
        writeln!(md, "|---:|---|---|---|---|---|---|")?;
        for item in &compliance.overrides {
            writeln!(
                md,
                "| {} | {} | {} | {} | {} | {} | {} |",
                item.seq,
                e(&item.time),
                opt(item.repository.as_deref()),
                e(&item.policy),
                e(&item.actor),
                escape(&item.reason, TEXT_CHARS),
                if item.applied { "yes" } else { "no" }
            )?;
        }
    }
    Ok(())
}

fn write_deployments(md: &mut String, deployments: &[Deployment]) -> std::fmt::Result {
    writeln!(md, "\n## Deployment log\n")?;
    if deployments.is_empty() {
        writeln!(md, "No run of the period had an environment\\.")?;
        return Ok(());
    }
    writeln!(
        md,
        "| Record | Time | Repository | Environment | Version | Actor | Decision | Approvals | Overridden |"
    )?;
    writeln!(md, "|---:|---|---|---|---|---|---|---|---|")?;
    for deployment in deployments {
        let approvals = match &deployment.approvals {
            Some(approvals) => format!("{} {}", approvals.decision.as_str(), e(&approvals.policy)),
            None => "—".to_owned(),
        };
        writeln!(
            md,
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            deployment.seq,
            e(&deployment.time),
            opt(deployment.repository.as_deref()),
            e(&deployment.environment),
            opt(deployment.version.as_deref()),
            opt(deployment.actor.as_deref()),
            deployment.decision.as_str(),
            approvals,
            if deployment.overridden { "yes" } else { "no" }
        )?;
    }
    Ok(())
}
