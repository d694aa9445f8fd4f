//! An unreachable, read-only or foreign ledger is an error naming the URL,
//! never with its password, and never a receipt.

use crate::support::{Fresh, Kind, postgres_url, verdict, with_database, with_user};
use verdict_ledger::{Ledger, LedgerError};

#[test]
fn an_unreachable_server_is_named_without_its_password() {
    let url = "postgres://verdict:hunter2-secret@127.0.0.1:1/ledger";
    let error = Ledger::open(url).unwrap_err();
    let message = error.to_string();
    assert!(matches!(error, LedgerError::Open { .. }), "{message}");
    assert!(
        message.contains("postgres://verdict:***@127.0.0.1:1/ledger"),
        "{message}"
    );
    assert!(!message.contains("hunter2"), "{message}");
}

#[test]
fn a_wrong_password_is_not_echoed() {
    let url = with_user(&postgres_url(), "verdict", "not-the-password-xyz");
    let message = Ledger::open(&url).unwrap_err().to_string();
    assert!(message.contains("cannot open ledger"), "{message}");
    assert!(!message.contains("not-the-password-xyz"), "{message}");
}

#[test]
fn a_missing_database_is_an_error() {
    let url = with_database(&postgres_url(), "verdict_no_such_database");
    let message = Ledger::open(&url).unwrap_err().to_string();
    assert!(message.contains("verdict_no_such_database"), "{message}");
}

#[test]
fn a_read_only_role_cannot_append_and_gets_no_receipt() {
    let fresh = crate::support::filled(Kind::Postgres, 2);
    let url = fresh.read_only_url("ro-password-123");
    let mut ledger = Ledger::open(&url).unwrap();
    let error = ledger.append(&verdict(3), None).unwrap_err();
    let message = error.to_string();
    assert!(
        matches!(
            error,
            LedgerError::Database {
                action: "append",
                ..
            }
        ),
        "{message}"
    );
    assert!(message.contains("permission denied"), "{message}");
    assert!(message.contains(":***@"), "{message}");
    assert!(!message.contains("ro-password-123"), "{message}");
    // Reading still works, and nothing was recorded.
    let integrity = ledger.verify(None).unwrap();
    assert_eq!((integrity.records, integrity.problem), (2, None));
}

#[test]
fn an_empty_postgres_database_is_not_a_ledger() {
    let fresh = Fresh::new(Kind::Postgres);
    let message = Ledger::open_existing(&fresh.url).unwrap_err().to_string();
    assert!(message.contains("not a verdict ledger"), "{message}");
}

#[test]
fn a_missing_sqlite_file_is_an_error_for_readers() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("absent.db");
    let url = format!("sqlite:{}", path.display());
    let message = Ledger::open_existing(&url).unwrap_err().to_string();
    assert!(
        message.contains("absent.db") && message.contains("no such file"),
        "{message}"
    );
    assert!(!path.exists(), "a reader created the file");
}

#[test]
fn an_sqlite_file_in_a_missing_directory_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!(
        "sqlite:{}",
        dir.path().join("no/such/dir/ledger.db").display()
    );
    let message = Ledger::open(&url).unwrap_err().to_string();
    assert!(
        message.contains("cannot open ledger") && message.contains("no/such/dir"),
        "{message}"
    );
}

#[test]
fn a_file_that_is_not_a_database_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("notes.txt");
    fs_err::write(
        &path,
        "these are not the records you are looking for\n".repeat(200),
    )
    .unwrap();
    let url = format!("sqlite:{}", path.display());
    let message = Ledger::open(&url).unwrap_err().to_string();
    assert!(message.contains("notes.txt"), "{message}");
    assert!(Ledger::open_existing(&url).is_err());
}

#[test]
fn a_newer_schema_is_refused() {
    for kind in [Kind::Sqlite, Kind::Postgres] {
        let fresh = crate::support::filled(kind, 1);
        fresh.tamper("INSERT INTO schema_version (version, applied_at) VALUES (99, 'later')");
        let message = Ledger::open(&fresh.url).unwrap_err().to_string();
        assert!(message.contains("schema version 99"), "{message}");
    }
}

#[test]
fn other_url_schemes_are_refused() {
    let message = Ledger::open("mysql://u:pw-777@h/d")
        .unwrap_err()
        .to_string();
    assert!(
        message.contains("sqlite:PATH") && !message.contains("pw-777"),
        "{message}"
    );
}
