//! Parallel CI jobs appending at once: 8 writers, each with its own
//! connection, 250 appends each. The chain stays intact and every append is
//! recorded exactly once.

use crate::both;
use crate::support::{Fresh, Kind, verdict};
use std::collections::BTreeSet;
use verdict_ledger::{Filter, Ledger};

const WRITERS: u32 = 8;
const APPENDS: u32 = 250;

both!(eight_writers_keep_the_chain_intact, |kind: Kind| {
    let fresh = Fresh::new(kind);
    Ledger::open(&fresh.url).unwrap();
    let receipts: Vec<(u32, u32, verdict_ledger::Receipt)> = std::thread::scope(|scope| {
        let writers: Vec<_> = (0..WRITERS)
            .map(|writer| {
                let url = fresh.url.clone();
                scope.spawn(move || {
                    let mut ledger = Ledger::open(&url).unwrap();
                    (0..APPENDS)
                        .map(|n| {
                            let mut document = verdict(n);
                            document.context.version = Some(format!("writer-{writer}-append-{n}"));
                            (writer, n, ledger.append(&document, None).unwrap())
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        writers
            .into_iter()
            .flat_map(|writer| writer.join().unwrap())
            .collect()
    });
    let total = (WRITERS * APPENDS) as usize;

    // Every receipt has its own seq, 1..=2000, and its hash is the one stored there.
    let seqs: BTreeSet<u64> = receipts.iter().map(|(_, _, receipt)| receipt.seq).collect();
    assert_eq!(seqs.len(), total, "duplicate seqs in receipts");
    assert_eq!(seqs.first().copied(), Some(1));
    assert_eq!(seqs.last().copied(), Some(total as u64));

    let mut ledger = Ledger::open_existing(&fresh.url).unwrap();
    let integrity = ledger.verify(None).unwrap();
    assert_eq!(integrity.problem, None);
    assert_eq!(integrity.records, total as u64);

    let entries = ledger.list(&Filter::default()).unwrap();
    assert_eq!(entries.len(), total);
    let versions: BTreeSet<String> = entries
        .iter()
        .filter_map(|entry| entry.version.clone())
        .collect();
    assert_eq!(
        versions.len(),
        total,
        "an append was lost or recorded twice"
    );
    for (writer, n, receipt) in &receipts {
        let entry = &entries[total - receipt.seq as usize];
        assert_eq!(entry.seq, receipt.seq);
        assert_eq!(entry.hash, receipt.hash);
        assert_eq!(
            entry.version.as_deref(),
            Some(format!("writer-{writer}-append-{n}").as_str())
        );
    }
});
