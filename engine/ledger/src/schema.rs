//! The schema, as versioned migrations shared by SQLite and PostgreSQL.
//!
//! Each migration is applied once, in order, inside the transaction that
//! records its version in `schema_version`. Migrations are append-only: a
//! released one is never edited.

/// The migrations, `(version, SQL)`, in order. The SQL is plain enough for
/// both backends (BIGINT, TEXT, no engine-specific types).
pub(crate) const MIGRATIONS: &[(i64, &str)] = &[(1, V1)];

/// The newest schema version this release knows.
pub(crate) const LATEST: i64 = 1;

/// Creates the version table (the one statement run before a migration
/// transaction reads it).
pub(crate) const VERSION_TABLE: &str = "CREATE TABLE IF NOT EXISTS schema_version (
    version BIGINT PRIMARY KEY,
    applied_at TEXT NOT NULL
)";

const V1: &str = "
CREATE TABLE ledger_head (
    id BIGINT PRIMARY KEY CHECK (id = 1),
    seq BIGINT NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO ledger_head (id, seq, hash)
    VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
CREATE TABLE records (
    seq BIGINT PRIMARY KEY,
    recorded_at TEXT NOT NULL,
    run_at TEXT NOT NULL,
    run_at_unix BIGINT NOT NULL,
    repository TEXT,
    commit_id TEXT,
    branch TEXT,
    target_branch TEXT,
    environment TEXT,
    version TEXT,
    actor TEXT,
    event TEXT,
    decision TEXT NOT NULL,
    document TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL,
    signature TEXT,
    key_id TEXT
);
CREATE INDEX records_run_at ON records (run_at_unix);
CREATE INDEX records_repository ON records (repository, seq);
CREATE INDEX records_environment ON records (environment, seq);
CREATE INDEX records_hash ON records (hash);
CREATE TABLE record_policies (
    seq BIGINT NOT NULL,
    position BIGINT NOT NULL,
    policy TEXT NOT NULL,
    decision TEXT NOT NULL,
    violations BIGINT NOT NULL,
    PRIMARY KEY (seq, position)
);
CREATE INDEX record_policies_policy ON record_policies (policy, decision);
CREATE TABLE record_digests (
    seq BIGINT NOT NULL,
    position BIGINT NOT NULL,
    role TEXT NOT NULL,
    name TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    PRIMARY KEY (seq, position)
);
CREATE INDEX record_digests_sha256 ON record_digests (sha256);
CREATE TABLE record_exceptions (
    seq BIGINT NOT NULL,
    position BIGINT NOT NULL,
    kind TEXT NOT NULL,
    subject TEXT NOT NULL,
    policy TEXT,
    who TEXT NOT NULL,
    reason TEXT NOT NULL,
    expires TEXT,
    status TEXT NOT NULL,
    violations BIGINT NOT NULL,
    PRIMARY KEY (seq, position)
);
CREATE INDEX record_exceptions_kind ON record_exceptions (kind, expires);
";

/// Whether a ledger at `version` (0: no ledger tables) can be used; `create`
/// allows migrating it.
pub(crate) fn check_version(
    url: &str,
    version: i64,
    create: bool,
) -> Result<(), crate::LedgerError> {
    let reason = if version > LATEST {
        format!(
            "its schema version {version} is newer than this release knows ({LATEST}); upgrade verdict"
        )
    } else if !create && version == 0 {
        "not a verdict ledger (no schema_version table)".to_owned()
    } else if !create && version < LATEST {
        format!("its schema version {version} is older than {LATEST}; append to it once to migrate")
    } else {
        return Ok(());
    };
    Err(crate::LedgerError::Schema {
        url: url.to_owned(),
        reason,
    })
}
