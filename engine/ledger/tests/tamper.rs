//! Every kind of tampering is detected, and verify names the record.

use crate::both;
use crate::support::{Kind, filled};
use verdict_ledger::{Ledger, ProblemKind, Signer};

const SEED: &str = "4f8d1b0c5e0d6a7b2c3e9f101112131415161718191a1b1c1d1e1f2021222324";

/// Verifies and returns the first problem's (seq, kind).
fn first_problem(url: &str) -> (u64, ProblemKind, String) {
    let integrity = Ledger::open_existing(url).unwrap().verify(None).unwrap();
    let problem = integrity.problem.expect("a problem is found");
    assert_eq!(
        integrity.records,
        problem.seq - 1,
        "records checked before the problem"
    );
    (problem.seq, problem.kind, problem.detail)
}

both!(an_intact_ledger_verifies, |kind: Kind| {
    let fresh = filled(kind, 5);
    let mut ledger = Ledger::open_existing(&fresh.url).unwrap();
    let integrity = ledger.verify(None).unwrap();
    assert_eq!(integrity.problem, None);
    assert_eq!(integrity.records, 5);
    let last = ledger.list(&verdict_ledger::Filter::default()).unwrap()[0].clone();
    assert_eq!(last.seq, 5);
    assert_eq!(integrity.head, last.hash);
});

both!(an_empty_ledger_verifies_at_genesis, |kind: Kind| {
    let fresh = filled(kind, 0);
    let integrity = Ledger::open_existing(&fresh.url)
        .unwrap()
        .verify(None)
        .unwrap();
    assert_eq!(integrity.problem, None);
    assert_eq!(integrity.records, 0);
    assert_eq!(integrity.head, verdict_ledger::GENESIS);
});

both!(an_edited_document_is_named, |kind: Kind| {
    let fresh = filled(kind, 5);
    fresh.tamper(
        "UPDATE records SET document = replace(document, '\"fail\"', '\"pass\"') WHERE seq = 4",
    );
    let (seq, kind, _) = first_problem(&fresh.url);
    assert_eq!((seq, kind), (4, ProblemKind::Edited));
});

both!(an_edited_column_is_named, |kind: Kind| {
    let fresh = filled(kind, 5);
    fresh.tamper("UPDATE records SET actor = 'someone-else' WHERE seq = 2");
    let (seq, kind, _) = first_problem(&fresh.url);
    assert_eq!((seq, kind), (2, ProblemKind::Edited));
});

both!(an_edited_index_row_is_named, |kind: Kind| {
    let fresh = filled(kind, 5);
    fresh.tamper("UPDATE record_policies SET decision = 'pass' WHERE seq = 4 AND position = 0");
    let (seq, kind, detail) = first_problem(&fresh.url);
    assert_eq!((seq, kind), (4, ProblemKind::Edited));
    assert!(detail.contains("index rows"), "{detail}");
});

both!(an_edited_waiver_row_is_named, |kind: Kind| {
    let fresh = filled(kind, 5);
    fresh.tamper("UPDATE record_exceptions SET who = 'nobody' WHERE seq = 2 AND kind = 'waiver'");
    let (seq, kind, detail) = first_problem(&fresh.url);
    assert_eq!((seq, kind), (2, ProblemKind::Edited));
    assert!(detail.contains("index rows"), "{detail}");
});

both!(a_deleted_record_is_named, |kind: Kind| {
    let fresh = filled(kind, 5);
    fresh.tamper("DELETE FROM records WHERE seq = 3; DELETE FROM record_policies WHERE seq = 3; DELETE FROM record_digests WHERE seq = 3");
    let (seq, kind, _) = first_problem(&fresh.url);
    assert_eq!((seq, kind), (3, ProblemKind::Deleted));
});

both!(a_deleted_and_renumbered_record_is_named, |kind: Kind| {
    let fresh = filled(kind, 6);
    fresh.tamper(
        "DELETE FROM records WHERE seq = 3;
         UPDATE records SET seq = -seq WHERE seq > 3;
         UPDATE records SET seq = -seq - 1 WHERE seq < 0;
         UPDATE ledger_head SET seq = 5;",
    );
    let (seq, kind, detail) = first_problem(&fresh.url);
    assert_eq!((seq, kind), (3, ProblemKind::Deleted), "{detail}");
});

both!(a_deleted_last_record_is_named, |kind: Kind| {
    let fresh = filled(kind, 5);
    fresh.tamper("DELETE FROM records WHERE seq = 5");
    let (seq, kind, _) = first_problem(&fresh.url);
    assert_eq!((seq, kind), (5, ProblemKind::Deleted));
});

both!(an_inserted_record_is_named, |kind: Kind| {
    let fresh = filled(kind, 5);
    fresh.tamper(
        "UPDATE records SET seq = -seq WHERE seq >= 3;
         UPDATE records SET seq = -seq + 1 WHERE seq < 0;
         INSERT INTO records (seq, recorded_at, run_at, run_at_unix, decision, document, prev_hash, hash)
           SELECT 3, recorded_at, run_at, run_at_unix, 'pass', document, prev_hash, hash FROM records WHERE seq = 2;
         UPDATE ledger_head SET seq = 6;",
    );
    let (seq, kind, detail) = first_problem(&fresh.url);
    assert_eq!((seq, kind), (3, ProblemKind::Inserted), "{detail}");
});

both!(a_record_added_at_the_end_is_named, |kind: Kind| {
    let fresh = filled(kind, 4);
    fresh.tamper(
        "INSERT INTO records (seq, recorded_at, run_at, run_at_unix, decision, document, prev_hash, hash)
           SELECT 5, recorded_at, run_at, run_at_unix, 'pass', document, hash, hash FROM records WHERE seq = 4;",
    );
    let (seq, kind, detail) = first_problem(&fresh.url);
    assert_eq!((seq, kind), (5, ProblemKind::Inserted), "{detail}");
});

both!(swapped_records_are_named, |kind: Kind| {
    let fresh = filled(kind, 6);
    fresh.tamper(
        "UPDATE records SET seq = -1 WHERE seq = 3;
         UPDATE records SET seq = 3 WHERE seq = 4;
         UPDATE records SET seq = 4 WHERE seq = -1;",
    );
    let (seq, kind, detail) = first_problem(&fresh.url);
    assert_eq!((seq, kind), (3, ProblemKind::Reordered), "{detail}");
});

both!(signatures_are_checked, |kind: Kind| {
    let fresh = crate::support::Fresh::new(kind);
    let signer = Signer::from_hex_seed(SEED).unwrap();
    let mut ledger = Ledger::open(&fresh.url).unwrap();
    for n in 1..=4 {
        let receipt = ledger
            .append(&crate::support::verdict(n), Some(&signer))
            .unwrap();
        assert_eq!(receipt.seq, u64::from(n));
    }
    let key = signer.verifying_key();
    let integrity = ledger.verify(Some(&key)).unwrap();
    assert_eq!((integrity.records, integrity.problem), (4, None));
    assert!(integrity.signatures_checked);

    // Another key: the first record is named.
    let other = Signer::from_hex_seed(&"42".repeat(32))
        .unwrap()
        .verifying_key();
    let problem = ledger.verify(Some(&other)).unwrap().problem.unwrap();
    assert_eq!((problem.seq, problem.kind), (1, ProblemKind::BadSignature));

    // A signature moved from another record.
    fresh.tamper("UPDATE records SET signature = (SELECT signature FROM records WHERE seq = 4) WHERE seq = 2");
    let problem = ledger.verify(Some(&key)).unwrap().problem.unwrap();
    assert_eq!((problem.seq, problem.kind), (2, ProblemKind::BadSignature));

    // A removed signature.
    fresh.tamper("UPDATE records SET signature = NULL WHERE seq = 1");
    let problem = ledger.verify(Some(&key)).unwrap().problem.unwrap();
    assert_eq!((problem.seq, problem.kind), (1, ProblemKind::BadSignature));
    assert!(problem.detail.contains("not signed"), "{}", problem.detail);
});

both!(unsigned_records_fail_a_keyed_verify, |kind: Kind| {
    let fresh = filled(kind, 2);
    let key = Signer::from_hex_seed(SEED).unwrap().verifying_key();
    let problem = Ledger::open_existing(&fresh.url)
        .unwrap()
        .verify(Some(&key))
        .unwrap()
        .problem
        .unwrap();
    assert_eq!((problem.seq, problem.kind), (1, ProblemKind::BadSignature));
});
