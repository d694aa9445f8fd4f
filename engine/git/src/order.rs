//! The deterministic order of a commit list: children before parents, newest first.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};

use verdict_evidence::Commit;

/// Sorts `commits` as `git rev-list --date-order` does: no parent before all its children
/// (within the list), otherwise by committer time, newest first. Ties go to the smaller id, so
/// the order never depends on the walk.
pub(crate) fn date_order(commits: Vec<Commit>) -> Vec<Commit> {
    let index: HashMap<&str, usize> = commits
        .iter()
        .enumerate()
        .map(|(position, commit)| (commit.id.as_str(), position))
        .collect();
    // How many children of each commit, within the list, are still to be emitted.
    let mut pending_children = vec![0_usize; commits.len()];
    for commit in &commits {
        for parent in &commit.parents {
            if let Some(&position) = index.get(parent.as_str()) {
                pending_children[position] += 1;
            }
        }
    }
    let mut ready: BinaryHeap<(i64, Reverse<&str>, usize)> = pending_children
        .iter()
        .enumerate()
        .filter(|(_, pending)| **pending == 0)
        .map(|(position, _)| key(&commits, position))
        .collect();
    let mut order = Vec::with_capacity(commits.len());
    while let Some((_, _, position)) = ready.pop() {
        order.push(position);
        for parent in &commits[position].parents {
            if let Some(&parent_position) = index.get(parent.as_str()) {
                pending_children[parent_position] -= 1;
                if pending_children[parent_position] == 0 {
                    ready.push(key(&commits, parent_position));
                }
            }
        }
    }
    // A cycle is impossible in git (ids are hashes of the parents), so every commit is emitted.
    debug_assert_eq!(order.len(), commits.len());
    drop(index);
    let mut slots: Vec<Option<Commit>> = commits.into_iter().map(Some).collect();
    order
        .into_iter()
        .filter_map(|position| slots[position].take())
        .collect()
}

fn key(commits: &[Commit], position: usize) -> (i64, Reverse<&str>, usize) {
    (
        commits[position].time,
        Reverse(commits[position].id.as_str()),
        position,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn commit(id: &str, parents: &[&str], time: i64) -> Commit {
        Commit {
            id: id.to_owned(),
            parents: parents.iter().map(|parent| (*parent).to_owned()).collect(),
            author_name: String::new(),
            author_email: String::new(),
            committer_name: String::new(),
            committer_email: String::new(),
            time,
            message: String::new(),
            signature: None,
            signature_check: Default::default(),
        }
    }

    fn ids(commits: &[Commit]) -> Vec<&str> {
        commits.iter().map(|commit| commit.id.as_str()).collect()
    }

    #[test]
    fn children_come_before_parents_even_when_clocks_disagree() {
        // `b` claims to be older than its parent `a`.
        let sorted = date_order(vec![commit("a", &["base"], 200), commit("b", &["a"], 100)]);
        assert_eq!(ids(&sorted), ["b", "a"]);
    }

    #[test]
    fn branches_interleave_by_time_and_ties_go_to_the_smaller_id() {
        let sorted = date_order(vec![
            commit("m", &["x", "y"], 50),
            commit("x", &["r"], 30),
            commit("y", &["r"], 40),
            commit("z", &["r"], 40),
            commit("r", &[], 10),
            commit("n", &["m", "z"], 60),
        ]);
        assert_eq!(ids(&sorted), ["n", "m", "y", "z", "x", "r"]);
    }
}
