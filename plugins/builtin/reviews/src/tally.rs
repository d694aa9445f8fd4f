//! Which approvals of a pull request count, and what is missing.
//!
//! Reviews are read in the order the document lists them (GitHub and GitLab
//! list them oldest first). Each reviewer's latest *decisive* review counts:
//! `approved`, `changes-requested` or `dismissed`; a later comment does not
//! withdraw an approval (as on GitHub) and a pending review is not
//! submitted. An approval counts unless it is the author's own, from a
//! listed bot, from a reviewer the forge could not name, or stale (under
//! `dismiss-stale`: given on another commit than the head, or on none
//! recorded).

use crate::codeowners::CodeOwners;
use crate::{Config, same_login};
use std::collections::BTreeMap;
use verdict_policy_sdk::{PullRequest, ReviewState, Violation};

/// The reviews of one pull request, sorted out.
pub struct Tally {
    /// Logins whose approval counts, in review order.
    pub approvers: Vec<String>,
    /// Approvals that do not count, each with why.
    pub not_counted: Vec<String>,
    /// Logins whose latest decisive review asks for changes.
    pub changes_requested: Vec<String>,
}

fn short(commit: &str) -> &str {
    commit.get(..7).unwrap_or(commit)
}

impl Tally {
    /// Sorts out the reviews of `pr` under `config`.
    pub fn of(pr: &PullRequest, config: &Config) -> Tally {
        // The latest decisive review of each reviewer, in the order of those reviews.
        let mut latest: Vec<(&str, ReviewState, Option<&str>)> = Vec::new();
        for review in &pr.reviews {
            if !matches!(
                review.state,
                ReviewState::Approved | ReviewState::ChangesRequested | ReviewState::Dismissed
            ) {
                continue;
            }
            let entry = (
                review.author.as_str(),
                review.state,
                review.commit.as_deref(),
            );
            latest.retain(|(login, _, _)| !same_login(login, &review.author));
            latest.push(entry);
        }
        let mut tally = Tally {
            approvers: Vec::new(),
            not_counted: Vec::new(),
            changes_requested: Vec::new(),
        };
        for (login, state, commit) in latest {
            match state {
                ReviewState::ChangesRequested => tally.changes_requested.push(login.to_owned()),
                ReviewState::Approved => match not_counted_because(pr, config, login, commit) {
                    Some(why) => tally.not_counted.push(format!("`{login}` ({why})")),
                    None => tally.approvers.push(login.to_owned()),
                },
                _ => {}
            }
        }
        tally
    }

    /// The message of an `approvals` violation: what is needed, who
    /// approved, how many more, and which approvals did not count.
    pub fn shortfall_message(&self, pr: &PullRequest, required: u32, why: &str) -> String {
        let have = self.approvers.len();
        let mut message = format!(
            "pull request #{} needs {required} approval{} from people other than its author `{}` \
             ({why}) and has {have}",
            pr.number,
            if required == 1 { "" } else { "s" },
            pr.author
        );
        if !self.approvers.is_empty() {
            message.push_str(&format!(" ({})", quoted(&self.approvers)));
        }
        let missing = required as usize - have;
        message.push_str(&format!(
            ": {missing} more approval{} missing",
            if missing == 1 { "" } else { "s" }
        ));
        if !self.not_counted.is_empty() {
            message.push_str(&format!("; not counted: {}", self.not_counted.join(", ")));
        }
        if !self.changes_requested.is_empty() {
            message.push_str(&format!(
                "; changes requested by {}",
                quoted(&self.changes_requested)
            ));
        }
        message
    }

    /// One `code-owners` violation per set of owners none of whom approved,
    /// naming the owners and the paths they own.
    pub fn code_owner_violations(
        &self,
        pr: &PullRequest,
        owners: &CodeOwners,
        paths: &[String],
        teams: &BTreeMap<String, Vec<String>>,
    ) -> Vec<Violation> {
        // Owner sets in first-path order, with their paths.
        let mut missing: Vec<(&[String], Vec<&str>)> = Vec::new();
        for path in paths {
            let path_owners = owners.owners(path);
            if path_owners.is_empty() || self.owner_approved(path_owners, teams) {
                continue;
            }
            match missing.iter_mut().find(|(set, _)| *set == path_owners) {
                Some((_, paths)) => paths.push(path),
                None => missing.push((path_owners, vec![path])),
            }
        }
        missing
            .into_iter()
            .map(|(set, paths)| {
                let shown: Vec<String> = paths.iter().take(3).map(|p| format!("`{p}`")).collect();
                let more = paths.len().saturating_sub(3);
                let mut message = format!(
                    "pull request #{}: {}{} need{} an approval from a code owner: {}",
                    pr.number,
                    shown.join(", "),
                    if more > 0 {
                        format!(" and {more} more")
                    } else {
                        String::new()
                    },
                    if paths.len() == 1 { "s" } else { "" },
                    if set.len() == 1 {
                        format!("`{}`", set[0])
                    } else {
                        format!("one of {}", quoted(set))
                    }
                );
                let unmapped: Vec<&String> = set
                    .iter()
                    .filter(|owner| is_group(owner) && team_members(owner, teams).is_none())
                    .collect();
                if !unmapped.is_empty() {
                    let names: Vec<String> = unmapped.iter().map(|o| format!("`{o}`")).collect();
                    message.push_str(&format!(
                        " ({} not in `teams`, so no approval can be matched to {})",
                        names.join(", "),
                        if unmapped.len() == 1 { "it" } else { "them" }
                    ));
                }
                Violation::new("code-owners", message)
                    .subject(format!("pull-request-{}:{}", pr.number, set.join(" ")))
                    .build()
            })
            .collect()
    }

    /// Whether a counted approver is one of `owners`: a `@login`, or a
    /// member (per `teams`) of a team or e-mail owner.
    fn owner_approved(&self, owners: &[String], teams: &BTreeMap<String, Vec<String>>) -> bool {
        owners.iter().any(|owner| {
            if is_group(owner) {
                team_members(owner, teams).is_some_and(|members| {
                    members
                        .iter()
                        .any(|member| self.approvers.iter().any(|a| same_login(a, member)))
                })
            } else {
                self.approvers.iter().any(|a| same_login(a, owner))
            }
        })
    }
}

/// Why an approval by `login` on `commit` does not count, if it does not.
fn not_counted_because(
    pr: &PullRequest,
    config: &Config,
    login: &str,
    commit: Option<&str>,
) -> Option<String> {
    if login.trim().is_empty() {
        return Some("reviewer unknown to the forge".to_owned());
    }
    if same_login(login, &pr.author) {
        return Some("the author".to_owned());
    }
    if let Some(bot) = config
        .bots
        .iter()
        .find(|bot| same_login(bot.login(), login))
    {
        return Some(match bot.reason() {
            Some(reason) => format!("listed in `bots`: {reason}"),
            None => "listed in `bots`".to_owned(),
        });
    }
    if config.dismiss_stale {
        return match (commit, pr.head_commit.as_deref()) {
            (Some(given), Some(head)) if given.eq_ignore_ascii_case(head) => None,
            (Some(given), Some(head)) => Some(format!(
                "stale: given on {}, head is {}",
                short(given),
                short(head)
            )),
            (None, _) => Some("stale: no commit recorded".to_owned()),
            (Some(given), None) => Some(format!("stale: given on {}, head unknown", short(given))),
        };
    }
    None
}

/// A team (`@org/team`) or e-mail owner, which the document cannot resolve.
fn is_group(owner: &str) -> bool {
    owner.contains('/') || !owner.starts_with('@')
}

/// The logins `teams` lists for a team or e-mail owner, found with or
/// without the leading `@`, case-insensitively.
fn team_members<'t>(owner: &str, teams: &'t BTreeMap<String, Vec<String>>) -> Option<&'t [String]> {
    teams
        .iter()
        .find(|(name, _)| same_login(name, owner))
        .map(|(_, members)| members.as_slice())
}

fn quoted(logins: &[String]) -> String {
    logins
        .iter()
        .map(|login| format!("`{login}`"))
        .collect::<Vec<_>>()
        .join(", ")
}
