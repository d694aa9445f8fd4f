//! The period report as one self-contained HTML page: the HTML report's
//! style sheet (`render/html/report.css`) and a few rules of its own, charts
//! as inline SVG ([`crate::svg`]), no script, and a Content-Security-Policy
//! that allows inline styles only.
//!
//! The page is written by hand from the model, and every value reaches it
//! through [`Page::text`] (or [`Page::cell`] …): shown by
//! [`crate::text::untrusted`] (hidden characters made visible, long text
//! cut), then HTML-escaped (`& < > " '`). The only markup written unescaped
//! is this file's own and the charts', whose labels [`crate::svg`] escapes.

use super::model::{
    AuditReport, Compliance, ControlRow, Decisions, Deployment, Security, WaiverRow,
};
use crate::svg::{Bar, BarChart, Colour, Series};
use crate::text::untrusted;
use askama::filters::{Escaper, Html};
use std::io;
use verdict_evidence::Severity;
use verdict_evidence::policy::ControlStatus;
use verdict_gate::Decision;

/// Characters shown of a name, id, path or hash.
const NAME_CHARS: usize = 240;
/// Characters shown of a message, reason or statement.
const TEXT_CHARS: usize = 2000;
/// Controls drawn in the status chart (all are in the table).
const CONTROLS_DRAWN: usize = 40;

const AUDIT_CSS: &str = "
.integrity.pass { color: var(--pass); background: var(--pass-bg); }
.integrity.fail { color: var(--fail); background: var(--fail-bg); }
.figures { display: flex; flex-wrap: wrap; gap: 12px; margin: 8px 0 16px; }
.figure { border: 1px solid var(--line); border-radius: 8px; padding: 8px 14px; min-width: 110px; }
.figure b { display: block; font-size: 22px; }
td.hash, span.hash { max-width: 260px; }
";

pub(super) fn render(report: &AuditReport, out: &mut dyn io::Write) -> io::Result<()> {
    let mut page = Page::default();
    page.write(report);
    out.write_all(page.html.as_bytes())
}

#[derive(Default)]
struct Page {
    html: String,
}

fn shown(text: &str, max: usize) -> String {
    untrusted(text).max_chars(max).to_string()
}

impl Page {
    /// Our own markup.
    fn raw(&mut self, markup: &str) {
        self.html.push_str(markup);
    }

    /// An untrusted value, shown and escaped.
    fn text(&mut self, text: &str, max: usize) {
        // Writing into a String cannot fail.
        let _ = Html.write_escaped_str(&mut self.html, &shown(text, max));
    }

    /// A figure or a word of ours (escaped all the same).
    fn plain(&mut self, text: &str) {
        let _ = Html.write_escaped_str(&mut self.html, text);
    }

    fn cell(&mut self, text: &str) {
        self.raw("<td>");
        self.text(text, NAME_CHARS);
        self.raw("</td>");
    }

    fn cell_long(&mut self, text: &str) {
        self.raw("<td>");
        self.text(text, TEXT_CHARS);
        self.raw("</td>");
    }

    fn cell_opt(&mut self, text: Option<&str>) {
        match text {
            Some(text) => self.cell(text),
            None => self.raw("<td class=\"muted\">—</td>"),
        }
    }

    fn cell_mono(&mut self, text: Option<&str>, class: &str) {
        match text {
            Some(text) => {
                self.raw("<td class=\"");
                self.raw(class);
                self.raw("\">");
                self.text(text, NAME_CHARS);
                self.raw("</td>");
            }
            None => self.raw("<td class=\"muted\">—</td>"),
        }
    }

    /// A commit id: its first 12 characters, the whole id in the tooltip.
    fn cell_commit(&mut self, commit: Option<&str>) {
        match commit {
            Some(commit) => {
                self.raw("<td class=\"hash\" title=\"");
                self.text(commit, NAME_CHARS);
                self.raw("\">");
                self.text(&commit.chars().take(12).collect::<String>(), NAME_CHARS);
                self.raw("</td>");
            }
            None => self.raw("<td class=\"muted\">—</td>"),
        }
    }

    fn num(&mut self, value: u64) {
        self.raw("<td class=\"num\">");
        self.plain(&value.to_string());
        self.raw("</td>");
    }

    fn head(&mut self, columns: &[&str]) {
        self.raw("<table>\n<thead><tr>");
        for column in columns {
            self.raw("<th scope=\"col\">");
            self.plain(column);
            self.raw("</th>");
        }
        self.raw("</tr></thead>\n<tbody>\n");
    }

    fn end_table(&mut self) {
        self.raw("</tbody>\n</table>\n");
    }

    fn note(&mut self, text: &str) {
        self.raw("<p class=\"note\">");
        self.plain(text);
        self.raw("</p>\n");
    }

    fn decision_badge(&mut self, decision: Decision) {
        let (word, class) = decision_word(decision);
        self.raw("<span class=\"badge ");
        self.raw(class);
        self.raw("\">");
        self.raw(word);
        self.raw("</span>");
    }

    fn status_badge(&mut self, status: ControlStatus) {
        let (word, class) = status_word(status);
        self.raw("<span class=\"badge ");
        self.raw(class);
        self.raw("\">");
        self.raw(word);
        self.raw("</span>");
    }

    fn chart(&mut self, title: &str, svg: Option<String>, note: &str) {
        self.raw("<figure class=\"chart-box\">\n<figcaption><strong>");
        self.plain(title);
        self.raw("</strong></figcaption>\n");
        if let Some(svg) = svg {
            self.raw(&svg);
            self.raw("\n");
        }
        self.raw("<p class=\"note\">");
        self.plain(note);
        self.raw("</p>\n</figure>\n");
    }

    fn write(&mut self, report: &AuditReport) {
        self.raw("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n");
        self.raw("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'\"/>\n");
        self.raw("<meta name=\"referrer\" content=\"no-referrer\"/>\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n<meta name=\"generator\" content=\"verdict\"/>\n<title>");
        self.plain("verdict period report ");
        self.text(&report.period.first_day, NAME_CHARS);
        self.plain(" – ");
        self.text(&report.period.last_day, NAME_CHARS);
        self.raw("</title>\n<style>\n");
        self.raw(include_str!("../render/html/report.css"));
        self.raw(AUDIT_CSS);
        self.raw("</style>\n</head>\n<body>\n");
        self.masthead(report);
        self.raw("<main>\n");
        if let Some(security) = &report.security {
            self.security(report, security);
        }
        if let Some(compliance) = &report.compliance {
            self.compliance(report, compliance);
        }
        if let Some(deployments) = &report.deployments {
            self.deployments(deployments);
        }
        self.raw("</main>\n<footer>");
        self.plain("Rendered by verdict from the ledger ");
        self.text(&report.ledger, NAME_CHARS);
        self.plain(&format!(" ({}): runs at or after ", report.format));
        self.text(&report.period.since, NAME_CHARS);
        self.plain(" and before ");
        self.text(&report.period.until, NAME_CHARS);
        self.plain(".");
        self.raw("</footer>\n</body>\n</html>\n");
    }

    fn masthead(&mut self, report: &AuditReport) {
        self.raw("<header class=\"masthead\">\n<p class=\"kicker\">verdict · period report from the audit ledger</p>\n<p class=\"headline\">");
        self.text(&report.period.first_day, NAME_CHARS);
        self.plain(" to ");
        self.text(&report.period.last_day, NAME_CHARS);
        if let Some(repository) = &report.repository {
            self.plain(" · repository ");
            self.text(repository, NAME_CHARS);
        }
        if let Some(environment) = &report.environment {
            self.plain(" · environment ");
            self.text(environment, NAME_CHARS);
        }
        if let Some(framework) = &report.framework {
            self.plain(" · framework ");
            self.text(framework, NAME_CHARS);
        }
        self.raw("</p>\n");
        let integrity = &report.integrity.verify;
        let (word, class) = if integrity.intact {
            ("INTACT", "pass")
        } else {
            ("TAMPERED", "fail")
        };
        self.raw("<div class=\"decision integrity ");
        self.raw(class);
        self.raw("\">\n<p class=\"decision-word\">");
        self.raw(word);
        self.raw("</p>\n<div>\n<p class=\"decision-sentence\">");
        if integrity.intact {
            self.plain(&format!(
                "The ledger verifies: {} records checked, none edited, deleted, inserted or reordered{}.",
                integrity.records,
                if integrity.signatures_checked {
                    ", every signature checked"
                } else {
                    " (signatures not checked)"
                }
            ));
        } else {
            self.plain("The ledger does NOT verify: ");
            self.text(
                integrity.problem.as_deref().unwrap_or("unknown problem"),
                TEXT_CHARS,
            );
            self.plain(if report.integrity.problem_in_period {
                ". The problem lies within this period's records."
            } else {
                ". The problem lies outside this period's records."
            });
        }
        self.raw("</p>\n<p class=\"summary\">");
        self.plain("Head hash ");
        self.raw("<span class=\"hash\">");
        self.text(&integrity.head_hash, NAME_CHARS);
        self.raw("</span></p>\n<p class=\"summary\">");
        self.plain(&runs_sentence(report.runs, &report.decisions));
        if let Some((first, last)) = report.seq_range {
            self.plain(&format!(" Records {first} to {last}."));
        }
        self.raw("</p>\n</div>\n</div>\n</header>\n");
    }

    fn security(&mut self, report: &AuditReport, security: &Security) {
        self.raw("<section id=\"security\">\n<h2>Security summary</h2>\n<div class=\"charts\">\n");
        let unit = report.period.bucket;
        self.chart(
            &format!("Decisions per {unit}"),
            Some(decisions_chart(
                &format!("Decisions per {unit}"),
                &security.decisions,
            )),
            &format!("Every run of the period by the {unit} of its time (UTC)."),
        );
        let vulnerabilities = vulnerabilities_chart(security);
        let drawn = vulnerabilities.is_some();
        self.chart(
            &format!("Open vulnerabilities by severity per {unit}"),
            vulnerabilities,
            &if drawn {
                format!("At the end of each {unit}, the vulnerabilities of the latest run of each repository and branch, summed; counted by builtin:vulnerabilities policies and policies whose every violation names an advisory.")
            } else {
                "No vulnerability policy reported violations in the period.".to_owned()
            },
        );
        let rules = rules_chart(security);
        let drawn = rules.is_some();
        self.chart(
            "Top failing rules",
            rules,
            if drawn {
                "Violations per rule, summed over the period's runs."
            } else {
                "No rule had violations in the period."
            },
        );
        self.raw("</div>\n<h3>Policies that failed most</h3>\n");
        if security.top_policies.is_empty() {
            self.note("No policy failed or had violations in the period.");
        } else {
            self.head(&[
                "Policy",
                "Failed runs",
                "Errored runs",
                "Violations (summed over runs)",
            ]);
            for row in &security.top_policies {
                self.raw("<tr>");
                self.cell(&row.policy);
                self.num(row.failed_runs);
                self.num(row.errored_runs);
                self.num(row.violations);
                self.raw("</tr>\n");
            }
            self.end_table();
        }
        self.raw("<h3>Rules with most violations</h3>\n");
        if security.top_rules.is_empty() {
            self.note("No rule had violations in the period.");
        } else {
            self.head(&["Policy", "Rule", "Violations", "Runs"]);
            for row in &security.top_rules {
                self.raw("<tr>");
                self.cell(&row.policy);
                self.cell_mono(Some(&row.rule), "mono");
                self.num(row.violations);
                self.num(row.runs);
                self.raw("</tr>\n");
            }
            self.end_table();
        }
        self.raw("<h3>New and fixed findings</h3>\n");
        let findings = &security.findings;
        self.raw("<div class=\"figures\"><div class=\"figure\"><b>");
        self.plain(&findings.new.to_string());
        self.raw("</b>new</div><div class=\"figure\"><b>");
        self.plain(&findings.fixed.to_string());
        self.raw("</b>fixed</div></div>\n");
        self.note(
            "A finding is new when a run lists a violation (policy and fingerprint) that the previous run of the same repository and branch did not, fixed when the reverse. The first run of each branch in the period is the reference.",
        );
        if findings.partial {
            self.note("Some runs listed fewer violations than they counted (the gate's detail limit): these figures are a lower bound.");
        }
        if !findings.streams.is_empty() {
            self.head(&[
                "Repository",
                "Branch",
                "Runs",
                "New",
                "Fixed",
                "Open at the last run",
            ]);
            for stream in &findings.streams {
                self.raw("<tr>");
                self.cell_opt(stream.repository.as_deref());
                self.cell_opt(stream.branch.as_deref());
                self.num(stream.runs);
                self.num(stream.new);
                self.num(stream.fixed);
                self.num(stream.open);
                self.raw("</tr>\n");
            }
            self.end_table();
        }
        if !findings.latest_new.is_empty() {
            self.raw("<h3>Latest new findings</h3>\n");
            self.head(&[
                "Record",
                "Time",
                "Repository",
                "Branch",
                "Policy",
                "Rule",
                "Severity",
                "Message",
            ]);
            for change in &findings.latest_new {
                self.raw("<tr>");
                self.num(change.seq);
                self.cell_mono(Some(&change.time), "mono nowrap");
                self.cell_opt(change.repository.as_deref());
                self.cell_opt(change.branch.as_deref());
                self.cell(&change.policy);
                self.cell_mono(Some(&change.rule), "mono");
                self.raw("<td><span class=\"badge ");
                self.raw(severity_class(change.severity));
                self.raw("\">");
                self.raw(change.severity.as_str());
                self.raw("</span></td>");
                self.cell_long(&change.message);
                self.raw("</tr>\n");
            }
            self.end_table();
        }
        self.raw("<h3>Waivers expiring soon</h3>\n");
        if security.expiring_waivers.is_empty() {
            self.note("No waiver expires before or within 30 days after the period.");
        } else {
            self.note("Waivers that expired or expire up to 30 days after the period's last day, as last recorded.");
            self.waivers(&security.expiring_waivers);
        }
        self.raw("</section>\n");
    }

    fn waivers(&mut self, waivers: &[WaiverRow]) {
        self.head(&[
            "Expires",
            "Repository",
            "Policy",
            "Waiver",
            "Owner",
            "Reason",
            "Status",
            "Waived",
            "Last record",
        ]);
        for waiver in waivers {
            self.raw("<tr>");
            self.cell_mono(Some(&waiver.expires), "mono nowrap");
            self.cell_opt(waiver.repository.as_deref());
            self.cell(&waiver.policy);
            self.cell(&waiver.id);
            self.cell(&waiver.owner);
            self.cell_long(&waiver.reason);
            self.raw("<td>");
            self.plain(match waiver.status {
                verdict_gate::document::WaiverStatus::Applied => "applied",
                verdict_gate::document::WaiverStatus::Stale => "stale",
                verdict_gate::document::WaiverStatus::Expired => "expired",
            });
            self.raw("</td>");
            self.num(waiver.matched);
            self.num(waiver.last_seq);
            self.raw("</tr>\n");
        }
        self.end_table();
    }

    fn compliance(&mut self, report: &AuditReport, compliance: &Compliance) {
        self.raw("<section id=\"compliance\">\n<h2>Compliance audit");
        if let Some(framework) = &report.framework {
            self.plain(": ");
            self.text(framework, NAME_CHARS);
        }
        self.raw("</h2>\n<h3>Integrity of the ledger</h3>\n<table class=\"fields\"><tbody>\n");
        let integrity = &report.integrity.verify;
        let rows: Vec<(&str, String)> = vec![
            ("Ledger", report.ledger.clone()),
            (
                "Verify result",
                if integrity.intact {
                    "intact".to_owned()
                } else {
                    format!(
                        "TAMPERED: {}",
                        integrity.problem.as_deref().unwrap_or("unknown problem")
                    )
                },
            ),
            ("Records checked", integrity.records.to_string()),
            ("Head hash", integrity.head_hash.clone()),
            (
                "Signatures",
                if integrity.signatures_checked {
                    "every record's signature checked".to_owned()
                } else {
                    "not checked".to_owned()
                },
            ),
            (
                "Records of the period",
                match report.seq_range {
                    Some((first, last)) => {
                        format!("{} runs, records {first} to {last}", report.runs)
                    }
                    None => "none".to_owned(),
                },
            ),
        ];
        for (label, value) in rows {
            self.raw("<tr><th scope=\"row\">");
            self.plain(label);
            self.raw("</th><td class=\"mono\">");
            self.text(&value, TEXT_CHARS);
            self.raw("</td></tr>\n");
        }
        self.raw("</tbody></table>\n<h3>Controls</h3>\n");
        if compliance.controls.is_empty() {
            self.note("No policy reported a control in the period.");
        } else {
            self.raw("<div class=\"charts\">\n");
            let title = "Control status over the period's runs";
            self.chart(
                title,
                Some(controls_chart(title, &compliance.controls)),
                if compliance.controls.len() > CONTROLS_DRAWN {
                    "Runs per status; the first 40 controls by id are drawn, every one is in the table."
                } else {
                    "Runs per status of each control."
                },
            );
            self.raw("</div>\n");
            self.head(&[
                "Control",
                "Latest",
                "Satisfied",
                "Violated",
                "Not assessed",
                "Attested",
                "Runs",
            ]);
            for (index, control) in compliance.controls.iter().enumerate() {
                self.raw("<tr><td><a href=\"#control-");
                self.plain(&(index + 1).to_string());
                self.raw("\">");
                self.text(&control.control, NAME_CHARS);
                self.raw("</a></td><td>");
                self.status_badge(control.latest);
                self.raw("</td>");
                self.num(control.satisfied);
                self.num(control.violated);
                self.num(control.not_assessed);
                self.num(control.attested);
                self.num(control.runs.len() as u64 + control.runs_not_listed);
                self.raw("</tr>\n");
            }
            self.end_table();
            self.raw("<h3>The runs each control rests on</h3>\n");
            self.note("The latest 20 runs per control, newest first; each record is in the ledger under its sequence number and hash.");
            for (index, control) in compliance.controls.iter().enumerate() {
                self.control_runs(index, control);
            }
        }
        self.raw("<h3>Attestations</h3>\n");
        if compliance.attestations.is_empty() {
            self.note("No attestation was recorded in the period.");
        } else {
            self.head(&[
                "Control",
                "Repository",
                "Statement",
                "By",
                "Date",
                "Expires",
                "Status",
                "Evidence",
                "Last record",
            ]);
            for attestation in &compliance.attestations {
                self.raw("<tr>");
                self.cell(&attestation.control);
                self.cell_opt(attestation.repository.as_deref());
                self.cell_long(&attestation.statement);
                self.cell(&attestation.by);
                self.cell_mono(Some(&attestation.date), "mono nowrap");
                self.cell_mono(Some(&attestation.expires), "mono nowrap");
                self.raw("<td>");
                self.plain(match attestation.status {
                    verdict_gate::document::AttestationStatus::Valid => "valid",
                    verdict_gate::document::AttestationStatus::Expired => "expired",
                });
                if attestation.expiring {
                    self.raw("<br/><span class=\"attestation-note\">");
                    self.plain("expires within 30 days after the period");
                    self.raw("</span>");
                }
                self.raw("</td>");
                // Evidence is shown as text, never as a link: a report of many
                // runs should not carry links a run chose.
                self.cell_opt(attestation.evidence.as_deref());
                self.num(attestation.last_seq);
                self.raw("</tr>\n");
            }
            self.end_table();
        }
        self.raw("<h3>Waivers</h3>\n");
        if compliance.waivers.is_empty() {
            self.note("No waiver was recorded in the period.");
        } else {
            self.waivers(&compliance.waivers);
        }
        self.raw("<h3>Overrides</h3>\n");
        if compliance.overrides.is_empty() {
            self.note("No override was asked for in the period.");
        } else {
            self.head(&[
                "Record",
                "Time",
                "Repository",
                "Environment",
                "Policy",
                "Actor",
                "Reason",
                "Applied",
                "Violations let through",
            ]);
            for item in &compliance.overrides {
                self.raw("<tr>");
                self.num(item.seq);
                self.cell_mono(Some(&item.time), "mono nowrap");
                self.cell_opt(item.repository.as_deref());
                self.cell_opt(item.environment.as_deref());
                self.cell(&item.policy);
                self.cell(&item.actor);
                self.cell_long(&item.reason);
                self.raw("<td>");
                self.plain(if item.applied {
                    "yes"
                } else {
                    "no (the policy did not fail)"
                });
                self.raw("</td>");
                self.num(item.violations);
                self.raw("</tr>\n");
            }
            self.end_table();
        }
        self.raw("</section>\n");
    }

    fn control_runs(&mut self, index: usize, control: &ControlRow) {
        self.raw("<table id=\"control-");
        self.plain(&(index + 1).to_string());
        self.raw("\">\n<caption>");
        self.text(&control.control, NAME_CHARS);
        if control.runs_not_listed > 0 {
            self.plain(&format!(
                " ({} earlier runs not listed)",
                control.runs_not_listed
            ));
        }
        self.raw("</caption>\n<thead><tr><th scope=\"col\">Record</th><th scope=\"col\">Time</th><th scope=\"col\">Repository</th><th scope=\"col\">Policy</th><th scope=\"col\">Status</th><th scope=\"col\">Evidence</th><th scope=\"col\">Commit</th><th scope=\"col\">Record hash</th></tr></thead>\n<tbody>\n");
        for run in &control.runs {
            self.raw("<tr>");
            self.num(run.seq);
            self.cell_mono(Some(&run.time), "mono nowrap");
            self.cell_opt(run.repository.as_deref());
            self.cell(&run.policy);
            self.raw("<td>");
            self.status_badge(run.status);
            self.raw("</td><td>");
            for (n, evidence) in run.evidence.iter().enumerate() {
                if n > 0 {
                    self.raw("<br/>");
                }
                self.text(evidence, NAME_CHARS);
            }
            self.raw("</td>");
            self.cell_commit(run.commit.as_deref());
            self.cell_mono(Some(&run.hash), "hash");
            self.raw("</tr>\n");
        }
        self.end_table();
    }

    fn deployments(&mut self, deployments: &[Deployment]) {
        self.raw("<section id=\"deployments\">\n<h2>Deployment log</h2>\n");
        if deployments.is_empty() {
            self.note("No run of the period had an environment.");
            self.raw("</section>\n");
            return;
        }
        self.note("Every run with an environment, oldest first. Approvals are the result of the builtin:reviews policy when it ran.");
        self.head(&[
            "Record",
            "Time",
            "Repository",
            "Environment",
            "Version",
            "Actor",
            "Decision",
            "Approvals",
            "Overridden",
            "Commit",
        ]);
        for deployment in deployments {
            self.raw("<tr>");
            self.num(deployment.seq);
            self.cell_mono(Some(&deployment.time), "mono nowrap");
            self.cell_opt(deployment.repository.as_deref());
            self.cell(&deployment.environment);
            self.cell_opt(deployment.version.as_deref());
            self.cell_opt(deployment.actor.as_deref());
            self.raw("<td>");
            self.decision_badge(deployment.decision);
            self.raw("</td><td>");
            match &deployment.approvals {
                Some(approvals) => {
                    self.decision_badge(approvals.decision);
                    self.raw(" ");
                    self.text(&approvals.policy, NAME_CHARS);
                    for line in &approvals.detail {
                        self.raw("<br/><span class=\"muted\">");
                        self.text(line, TEXT_CHARS);
                        self.raw("</span>");
                    }
                }
                None => self.raw("<span class=\"muted\">no reviews policy</span>"),
            }
            self.raw("</td><td>");
            self.plain(if deployment.overridden { "yes" } else { "no" });
            self.raw("</td>");
            self.cell_commit(deployment.commit.as_deref());
            self.raw("</tr>\n");
        }
        self.end_table();
        self.raw("</section>\n");
    }
}

pub(super) fn runs_sentence(runs: u64, decisions: &Decisions) -> String {
    format!(
        "{runs} {} in the period: {} passed, {} warned, {} failed, {} errored, {} skipped.",
        if runs == 1 { "run" } else { "runs" },
        decisions.pass,
        decisions.warn,
        decisions.fail,
        decisions.error,
        decisions.skipped
    )
}

fn decision_word(decision: Decision) -> (&'static str, &'static str) {
    match decision {
        Decision::Pass => ("PASS", "pass"),
        Decision::Warn => ("WARN", "warn"),
        Decision::Fail => ("FAIL", "fail"),
        Decision::Error => ("ERROR", "error"),
        Decision::Skipped => ("SKIPPED", "skipped"),
    }
}

fn status_word(status: ControlStatus) -> (&'static str, &'static str) {
    match status {
        ControlStatus::Satisfied => ("satisfied", "pass"),
        ControlStatus::Violated => ("violated", "fail"),
        ControlStatus::NotAssessed => ("not assessed", "skipped"),
        ControlStatus::Attested => ("attested", "attested"),
    }
}

fn severity_class(severity: Severity) -> &'static str {
    match severity {
        Severity::Unknown => "sev-unknown",
        Severity::Critical => "sev-critical",
        Severity::High => "sev-high",
        Severity::Medium => "sev-medium",
        Severity::Low => "sev-low",
        Severity::Info => "sev-info",
    }
}

pub(super) fn severity_colour(severity: Severity) -> Colour {
    match severity {
        Severity::Unknown => Colour::rgb(0x4b, 0x55, 0x63),
        Severity::Critical => Colour::rgb(0x7f, 0x1d, 0x1d),
        Severity::High => Colour::rgb(0xdc, 0x26, 0x26),
        Severity::Medium => Colour::rgb(0xea, 0x8a, 0x0c),
        Severity::Low => Colour::rgb(0xca, 0xb0, 0x08),
        Severity::Info => Colour::rgb(0x60, 0xa5, 0xfa),
    }
}

const PASS: Colour = Colour::rgb(0x16, 0xa3, 0x4a);
const WARN: Colour = Colour::rgb(0xea, 0xb3, 0x08);
const FAIL: Colour = Colour::rgb(0xdc, 0x26, 0x26);
const ERROR: Colour = Colour::rgb(0x7e, 0x22, 0xce);
const SKIPPED: Colour = Colour::rgb(0x9c, 0xa3, 0xaf);
const ATTESTED: Colour = Colour::rgb(0x25, 0x63, 0xeb);

fn decisions_chart(title: &str, buckets: &[super::model::BucketDecisions]) -> String {
    BarChart {
        title: title.to_owned(),
        series: [
            ("pass", PASS),
            ("warn", WARN),
            ("fail", FAIL),
            ("error", ERROR),
            ("skipped", SKIPPED),
        ]
        .into_iter()
        .map(|(name, colour)| Series {
            name: name.to_owned(),
            colour,
        })
        .collect(),
        bars: buckets
            .iter()
            .map(|bucket| {
                let d = &bucket.decisions;
                Bar {
                    label: shown(&bucket.bucket, NAME_CHARS),
                    values: vec![d.pass, d.warn, d.fail, d.error, d.skipped],
                    colour: None,
                }
            })
            .collect(),
    }
    .to_svg()
}

fn vulnerabilities_chart(security: &Security) -> Option<String> {
    let severities: Vec<Severity> = Severity::ALL_DESCENDING
        .into_iter()
        .filter(|severity| {
            security
                .vulnerabilities
                .iter()
                .any(|bucket| bucket.counts.get(severity).copied().unwrap_or(0) > 0)
        })
        .collect();
    if severities.is_empty() {
        return None;
    }
    Some(
        BarChart {
            title: "Open vulnerabilities by severity".to_owned(),
            series: severities
                .iter()
                .map(|severity| Series {
                    name: severity.as_str().to_owned(),
                    colour: severity_colour(*severity),
                })
                .collect(),
            bars: security
                .vulnerabilities
                .iter()
                .map(|bucket| Bar {
                    label: shown(&bucket.bucket, NAME_CHARS),
                    values: severities
                        .iter()
                        .map(|severity| bucket.counts.get(severity).copied().unwrap_or(0))
                        .collect(),
                    colour: None,
                })
                .collect(),
        }
        .to_svg(),
    )
}

fn rules_chart(security: &Security) -> Option<String> {
    if security.top_rules.is_empty() {
        return None;
    }
    Some(
        BarChart {
            title: "Top failing rules".to_owned(),
            series: vec![Series {
                name: "violations".to_owned(),
                colour: FAIL,
            }],
            bars: security
                .top_rules
                .iter()
                .map(|rule| Bar {
                    label: shown(&format!("{}: {}", rule.policy, rule.rule), NAME_CHARS),
                    values: vec![rule.violations],
                    colour: None,
                })
                .collect(),
        }
        .to_svg(),
    )
}

fn controls_chart(title: &str, controls: &[ControlRow]) -> String {
    BarChart {
        title: title.to_owned(),
        series: [
            ("satisfied", PASS),
            ("violated", FAIL),
            ("not assessed", SKIPPED),
            ("attested", ATTESTED),
        ]
        .into_iter()
        .map(|(name, colour)| Series {
            name: name.to_owned(),
            colour,
        })
        .collect(),
        bars: controls
            .iter()
            .take(CONTROLS_DRAWN)
            .map(|control| Bar {
                label: shown(&control.control, NAME_CHARS),
                values: vec![
                    control.satisfied,
                    control.violated,
                    control.not_assessed,
                    control.attested,
                ],
                colour: None,
            })
            .collect(),
    }
    .to_svg()
}
