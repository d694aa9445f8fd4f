//! Listing, filtering, history and full records.

use crate::both;
use crate::support::{Kind, filled, verdict};
use verdict_gate::Decision;
use verdict_ledger::{Filter, Ledger};

both!(filters_select_and_order_records, |kind: Kind| {
    let fresh = filled(kind, 20);
    let mut ledger = Ledger::open_existing(&fresh.url).unwrap();
    let all = ledger.list(&Filter::default()).unwrap();
    assert_eq!(
        all.iter().map(|e| e.seq).collect::<Vec<_>>(),
        (1..=20).rev().collect::<Vec<_>>()
    );

    let expect = |filter: Filter, predicate: &dyn Fn(u32) -> bool, ledger: &mut Ledger| {
        let got: Vec<u64> = ledger
            .list(&filter)
            .unwrap()
            .iter()
            .map(|e| e.seq)
            .collect();
        let want: Vec<u64> = (1..=20u32)
            .rev()
            .filter(|n| predicate(*n))
            .map(u64::from)
            .collect();
        assert_eq!(got, want, "{filter:?}");
    };
    expect(
        Filter {
            repository: Some("acme/api".into()),
            ..Filter::default()
        },
        &|n| n % 5 == 0,
        &mut ledger,
    );
    expect(
        Filter {
            environment: Some("production".into()),
            ..Filter::default()
        },
        &|n| n % 2 == 0,
        &mut ledger,
    );
    expect(
        Filter {
            branch: Some("main".into()),
            ..Filter::default()
        },
        &|n| n % 4 == 0,
        &mut ledger,
    );
    expect(
        Filter {
            decision: Some(Decision::Fail),
            ..Filter::default()
        },
        &|n| n % 3 == 1,
        &mut ledger,
    );
    // Verdict n runs at 1_793_000_000 + n hours.
    let at = |n: i64| {
        chrono::DateTime::from_timestamp(1_793_000_000 + n * 3600, 0)
            .unwrap()
            .to_rfc3339()
    };
    expect(
        Filter {
            since: Some(at(5)),
            until: Some(at(9)),
            ..Filter::default()
        },
        &|n| (5..9).contains(&n),
        &mut ledger,
    );
    expect(
        Filter {
            environment: Some("production".into()),
            decision: Some(Decision::Pass),
            ..Filter::default()
        },
        &|n| n % 2 == 0 && n % 3 == 0,
        &mut ledger,
    );
    let limited = ledger
        .list(&Filter {
            limit: Some(3),
            ..Filter::default()
        })
        .unwrap();
    assert_eq!(
        limited.iter().map(|e| e.seq).collect::<Vec<_>>(),
        vec![20, 19, 18]
    );

    let bad = ledger.list(&Filter {
        since: Some("last tuesday".into()),
        ..Filter::default()
    });
    assert!(bad.unwrap_err().to_string().contains("last tuesday"));
});

both!(records_carry_the_document_and_columns, |kind: Kind| {
    let fresh = filled(kind, 6);
    let mut ledger = Ledger::open_existing(&fresh.url).unwrap();
    let records = ledger
        .records(&Filter {
            environment: Some("staging".into()),
            ..Filter::default()
        })
        .unwrap();
    assert_eq!(
        records.iter().map(|r| r.entry.seq).collect::<Vec<_>>(),
        vec![1, 3, 5]
    );
    for record in &records {
        assert_eq!(record.verdict, verdict(record.entry.seq as u32));
        assert_eq!(
            record.entry.commit,
            Some(format!("{:040x}", record.entry.seq + 1000))
        );
        assert_eq!(record.entry.event.as_deref(), Some("push"));
        assert_eq!(record.entry.decision, record.verdict.decision);
        assert_eq!(record.entry.now, record.verdict.context.now);
    }
});

both!(exceptions_and_gate_files_are_indexed, |kind: Kind| {
    let fresh = filled(kind, 3);
    let rows: Vec<(String, String, String, i64)> = fresh.query(
        "SELECT kind, subject, who, violations FROM record_exceptions WHERE seq = 3 ORDER BY position",
    );
    assert_eq!(
        rows,
        vec![
            (
                "waiver".into(),
                "vulnerabilities#3".into(),
                "security@acme.example".into(),
                1
            ),
            (
                "override".into(),
                "vulnerabilities".into(),
                "oncall".into(),
                1
            ),
            (
                "attestation".into(),
                "hipaa-164.308(a)(1)(ii)(A)".into(),
                "ciso@acme.example".into(),
                0
            ),
        ]
    );
    let gate: Vec<(String, String, String, i64)> = fresh.query(
        "SELECT role, name, sha256, position FROM record_digests WHERE seq = 3 AND role = 'gate-gate'",
    );
    assert_eq!(
        gate,
        vec![(
            "gate-gate".into(),
            "verdict.toml".into(),
            "ef".repeat(32),
            4
        )]
    );
});

both!(records_page_by_seq, |kind: Kind| {
    let fresh = filled(kind, 10);
    let mut ledger = Ledger::open_existing(&fresh.url).unwrap();
    let mut pages = Vec::new();
    let mut after = None;
    loop {
        let page = ledger
            .records(&Filter {
                environment: Some("production".into()),
                after_seq: after,
                limit: Some(2),
                ..Filter::default()
            })
            .unwrap();
        let Some(last) = page.last() else { break };
        after = Some(last.entry.seq);
        pages.push(
            page.iter()
                .map(|record| record.entry.seq)
                .collect::<Vec<_>>(),
        );
    }
    assert_eq!(pages, vec![vec![2, 4], vec![6, 8], vec![10]]);
});

both!(history_is_the_last_decisions_newest_first, |kind: Kind| {
    let fresh = filled(kind, 12);
    let mut ledger = Ledger::open_existing(&fresh.url).unwrap();
    let history = ledger.history("acme/web", Some("main"), None, 2).unwrap();
    // acme/web on main: n % 4 == 0 and n % 5 != 0 -> 4, 8, 12.
    assert_eq!(
        history.iter().map(|e| e.seq).collect::<Vec<_>>(),
        vec![12, 8]
    );
    let history = ledger
        .history("acme/api", None, Some("production"), 10)
        .unwrap();
    assert_eq!(history.iter().map(|e| e.seq).collect::<Vec<_>>(), vec![10]);
});

both!(hostile_strings_are_stored_verbatim, |kind: Kind| {
    let fresh = crate::support::Fresh::new(kind);
    let mut ledger = Ledger::open(&fresh.url).unwrap();
    let mut document = verdict(1);
    let hostile = "main'; DROP TABLE records; --\u{202e}\n::error::x";
    document.context.branch = Some(hostile.to_owned());
    ledger.append(&document, None).unwrap();
    let entries = ledger
        .list(&Filter {
            branch: Some(hostile.to_owned()),
            ..Filter::default()
        })
        .unwrap();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].branch.as_deref(), Some(hostile));
    assert_eq!(ledger.verify(None).unwrap().problem, None);
});

both!(a_batch_is_one_transaction_in_order, |kind: Kind| {
    let fresh = crate::support::Fresh::new(kind);
    let mut ledger = Ledger::open(&fresh.url).unwrap();
    let receipts = ledger
        .append_batch(&[verdict(1), verdict(2), verdict(3)], None)
        .unwrap();
    assert_eq!(
        receipts.iter().map(|r| r.seq).collect::<Vec<_>>(),
        vec![1, 2, 3]
    );
    let single = ledger.append(&verdict(4), None).unwrap();
    assert_eq!(single.seq, 4);
    let integrity = ledger.verify(None).unwrap();
    assert_eq!(
        (integrity.records, integrity.problem, integrity.head),
        (4, None, single.hash)
    );
});
