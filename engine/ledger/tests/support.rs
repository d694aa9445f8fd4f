//! Fresh ledgers on both backends, verdict documents, and raw SQL access to
//! tamper with what the ledger wrote.

use std::sync::atomic::{AtomicU32, Ordering};
use verdict_gate::document::Verdict;

/// Which store a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Sqlite,
    Postgres,
}

/// A fresh, empty ledger location; removed when dropped.
pub struct Fresh {
    pub kind: Kind,
    /// The ledger URL.
    pub url: String,
    /// The PostgreSQL database's name (for cleanup and extra roles).
    database: Option<String>,
    _dir: Option<tempfile::TempDir>,
}

/// The server URL the PostgreSQL tests use. Unset is a failure, never a
/// skip: the tests claim a real server ran.
pub fn postgres_url() -> String {
    match std::env::var("VERDICT_TEST_POSTGRES_URL") {
        Ok(url) if !url.is_empty() => url,
        _ => panic!(
            "VERDICT_TEST_POSTGRES_URL is unset: the PostgreSQL ledger tests need a real server. \
             Start one and export its URL with:\n    \
             export VERDICT_TEST_POSTGRES_URL=\"$(.ci/postgres)\"\n\
             (.ci/postgres installs PostgreSQL if missing, starts it and creates the `verdict` role)"
        ),
    }
}

/// `url` with its database name replaced.
pub fn with_database(url: &str, database: &str) -> String {
    let (base, query) = match url.find('?') {
        Some(index) => (&url[..index], &url[index..]),
        None => (url, ""),
    };
    let scheme_end = base.find("://").expect("a URL") + 3;
    let path_start = base[scheme_end..]
        .find('/')
        .map(|index| index + scheme_end)
        .unwrap_or(base.len());
    format!("{}/{database}{query}", &base[..path_start])
}

/// `url` with other credentials.
pub fn with_user(url: &str, user: &str, password: &str) -> String {
    let scheme_end = url.find("://").expect("a URL") + 3;
    let at = url.find('@').expect("credentials in the URL");
    format!("{}{user}:{password}{}", &url[..scheme_end], &url[at..])
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

impl Fresh {
    pub fn new(kind: Kind) -> Fresh {
        match kind {
            Kind::Sqlite => {
                let dir = tempfile::tempdir().expect("temp dir");
                let url = format!("sqlite:{}", dir.path().join("ledger.db").display());
                Fresh {
                    kind,
                    url,
                    database: None,
                    _dir: Some(dir),
                }
            }
            Kind::Postgres => {
                let admin = postgres_url();
                let database = format!(
                    "verdict_test_{}_{}_{}",
                    std::process::id(),
                    COUNTER.fetch_add(1, Ordering::SeqCst),
                    std::time::SystemTime::now()
                        .duration_since(std::time::UNIX_EPOCH)
                        .expect("clock")
                        .subsec_nanos()
                );
                let mut client = postgres::Client::connect(&admin, postgres::NoTls)
                    .expect("connect to VERDICT_TEST_POSTGRES_URL");
                client
                    .batch_execute(&format!("CREATE DATABASE {database}"))
                    .expect("create a test database");
                Fresh {
                    kind,
                    url: with_database(&admin, &database),
                    database: Some(database),
                    _dir: None,
                }
            }
        }
    }

    /// Runs SQL on the ledger directly, as someone with write access to the
    /// database (not through the ledger) would.
    pub fn tamper(&self, sql: &str) {
        match self.kind {
            Kind::Sqlite => {
                let path = self.url.strip_prefix("sqlite:").expect("sqlite URL");
                let connection = rusqlite::Connection::open(path).expect("open the file");
                connection.execute_batch(sql).expect("tamper");
            }
            Kind::Postgres => {
                let mut client =
                    postgres::Client::connect(&self.url, postgres::NoTls).expect("connect");
                client.batch_execute(sql).expect("tamper");
            }
        }
    }

    /// Rows of four columns (text, text, text, integer), read directly.
    pub fn query(&self, sql: &str) -> Vec<(String, String, String, i64)> {
        match self.kind {
            Kind::Sqlite => {
                let path = self.url.strip_prefix("sqlite:").expect("sqlite URL");
                let connection = rusqlite::Connection::open(path).expect("open the file");
                let mut statement = connection.prepare(sql).expect("prepare");
                statement
                    .query_map([], |row| {
                        Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?))
                    })
                    .expect("query")
                    .collect::<Result<_, _>>()
                    .expect("rows")
            }
            Kind::Postgres => {
                let mut client =
                    postgres::Client::connect(&self.url, postgres::NoTls).expect("connect");
                client
                    .query(sql, &[])
                    .expect("query")
                    .iter()
                    .map(|row| (row.get(0), row.get(1), row.get(2), row.get(3)))
                    .collect()
            }
        }
    }

    /// A role that may only read this database; returns its URL.
    pub fn read_only_url(&self, password: &str) -> String {
        let database = self.database.as_ref().expect("a PostgreSQL ledger");
        let role = format!("{database}_ro");
        self.tamper(&format!(
            "CREATE ROLE {role} LOGIN PASSWORD '{password}';
             GRANT CONNECT ON DATABASE {database} TO {role};
             GRANT USAGE ON SCHEMA public TO {role};
             GRANT SELECT ON ALL TABLES IN SCHEMA public TO {role};"
        ));
        with_user(&self.url, &role, password)
    }
}

impl Drop for Fresh {
    fn drop(&mut self) {
        if let Some(database) = &self.database
            && let Ok(mut client) = postgres::Client::connect(&postgres_url(), postgres::NoTls)
        {
            // One statement per call: DROP DATABASE cannot run inside the
            // implicit transaction of a multi-statement query.
            let _ =
                client.batch_execute(&format!("DROP DATABASE IF EXISTS {database} WITH (FORCE)"));
            let _ = client.batch_execute(&format!("DROP ROLE IF EXISTS {database}_ro"));
        }
    }
}

/// A verdict document; `n` varies its run. Built from JSON so that fields
/// the document gains later keep their defaults.
pub fn verdict(n: u32) -> Verdict {
    let decision = match n % 3 {
        0 => "pass",
        1 => "fail",
        _ => "warn",
    };
    let environment = if n.is_multiple_of(2) {
        "production"
    } else {
        "staging"
    };
    let now_unix = 1_793_000_000 + i64::from(n) * 3600;
    let now = chrono::DateTime::from_timestamp(now_unix, 0)
        .expect("time")
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    serde_json::from_value(serde_json::json!({
        "format": "verdict/v1",
        "verdict_version": "0.1.0",
        "decision": decision,
        "context": {
            "environment": environment,
            "branch": if n.is_multiple_of(4) { "main" } else { "feature/x" },
            "event": "push",
            "version": format!("1.{n}.0"),
            "now": now,
            "now_unix": now_unix,
            "actor": "ci-bot",
            "repository": if n.is_multiple_of(5) { "acme/api" } else { "acme/web" },
        },
        "summary": {"policies": 2, "passed": 1, "warned": 0, "failed": 1, "errored": 0, "skipped": 0, "violations": 1},
        "inputs": [
            {"path": "trivy.json", "format": "trivy", "sha256": format!("{:064x}", n), "records": 3},
            {"path": ".", "format": "git", "sha256": format!("{:040x}", n + 1000), "records": 1},
        ],
        "policies": [
            {"id": "vulnerabilities", "plugin": "builtin:vulnerabilities", "plugin_sha256": "ab".repeat(32),
             "enforcement": "hard", "decision": decision, "duration_ms": 0,
             "violations": [{"rule": "critical", "message": "CVE-2026-0001 in openssl", "severity": "critical", "fingerprint": "f1"}]},
            {"id": "secrets", "plugin": "builtin:secrets", "plugin_sha256": "cd".repeat(32),
             "enforcement": "hard", "decision": "pass", "duration_ms": 0, "violations": []},
        ],
        "gate_files": [{"role": "gate", "path": "verdict.toml", "sha256": "ef".repeat(32)}],
        "waivers": [{"id": format!("vulnerabilities#{n}"), "policy": "vulnerabilities", "fingerprint": "f1",
                     "reason": "no fix upstream", "owner": "security@acme.example", "expires": "2026-12-31",
                     "status": "applied", "matched": 1}],
        "overrides": [{"policy": "vulnerabilities", "reason": "hotfix", "actor": "oncall", "applied": n % 2 == 1, "violations": 1}],
        "attestations": [{"control": "hipaa-164.308(a)(1)(ii)(A)", "statement": "risk analysis done",
                          "by": "ciso@acme.example", "date": "2026-10-01", "expires": "2027-10-01", "status": "valid"}],
    }))
    .expect("a verdict document")
}

/// A ledger with `count` records (verdicts 1..=count), one append each.
pub fn filled(kind: Kind, count: u32) -> Fresh {
    let fresh = Fresh::new(kind);
    let mut ledger = verdict_ledger::Ledger::open(&fresh.url).expect("open");
    for n in 1..=count {
        ledger.append(&verdict(n), None).expect("append");
    }
    fresh
}
