//! The embedded ledger: one SQLite file in WAL mode. Appends take the write
//! lock up front (`BEGIN IMMEDIATE`) and wait for it up to [`BUSY_TIMEOUT`].

use crate::backend::{self, Param, Query};
use crate::columns::{
    Children, Columns, DigestRow, ExceptionRow, PolicyRow, Prepared, RECORD_COLUMNS, Stored,
};
use crate::schema::{LATEST, MIGRATIONS, VERSION_TABLE};
use crate::{Entry, LedgerError, Receipt, Signer};
use rusqlite::{Connection, OpenFlags, OptionalExtension, Row, TransactionBehavior, params};
use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

/// How long a writer waits for another writer's lock.
const BUSY_TIMEOUT: Duration = Duration::from_secs(60);

/// An open SQLite ledger.
pub(crate) struct Sqlite {
    connection: Connection,
    url: String,
}

impl Sqlite {
    pub fn open(path: &Path, url: String, create: bool) -> Result<Sqlite, LedgerError> {
        let open_error = |cause: String| LedgerError::Open {
            url: url.clone(),
            cause,
        };
        if !create && !path.is_file() {
            return Err(open_error("no such file".into()));
        }
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let flags = if create {
            flags | OpenFlags::SQLITE_OPEN_CREATE
        } else {
            flags
        };
        let connection = Connection::open_with_flags(path, flags)
            .or_else(|error| {
                if create {
                    return Err(error);
                }
                Connection::open_with_flags(
                    path,
                    OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
                )
            })
            .map_err(|error| open_error(error.to_string()))?;
        connection
            .busy_timeout(BUSY_TIMEOUT)
            .map_err(|error| open_error(error.to_string()))?;
        let mut sqlite = Sqlite {
            connection,
            url: url.clone(),
        };
        if create {
            sqlite
                .wal()
                .map_err(|error| open_error(error.to_string()))?;
        }
        sqlite.migrate(create)?;
        Ok(sqlite)
    }

    pub fn url(&self) -> &str {
        &self.url
    }

    fn error(&self, action: &'static str) -> impl Fn(rusqlite::Error) -> LedgerError + '_ {
        move |error| LedgerError::Database {
            url: self.url.clone(),
            action,
            cause: error.to_string(),
        }
    }

    /// WAL mode (readers never block the writer) and full sync (a committed
    /// record survives a power loss).
    fn wal(&mut self) -> rusqlite::Result<()> {
        let mode: String = self
            .connection
            .query_row("PRAGMA journal_mode", [], |row| row.get(0))?;
        if !mode.eq_ignore_ascii_case("wal") {
            let deadline = std::time::Instant::now() + BUSY_TIMEOUT;
            loop {
                match self
                    .connection
                    .query_row("PRAGMA journal_mode = WAL", [], |row| {
                        row.get::<_, String>(0)
                    }) {
                    Ok(_) => break,
                    Err(error)
                        if error.sqlite_error_code() == Some(rusqlite::ErrorCode::DatabaseBusy)
                            && std::time::Instant::now() < deadline =>
                    {
                        std::thread::sleep(Duration::from_millis(20));
                    }
                    Err(error) => return Err(error),
                }
            }
        }
        self.connection.pragma_update(None, "synchronous", "FULL")
    }

    /// The schema version, 0 when the file has no ledger tables.
    fn version(&self) -> Result<i64, LedgerError> {
        let has_table: bool = self
            .connection
            .query_row(
                "SELECT COUNT(*) > 0 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'",
                [],
                |row| row.get(0),
            )
            .map_err(self.error("read the schema version"))?;
        if !has_table {
            return Ok(0);
        }
        self.connection
            .query_row(
                "SELECT COALESCE(MAX(version), 0) FROM schema_version",
                [],
                |row| row.get(0),
            )
            .map_err(self.error("read the schema version"))
    }

    fn migrate(&mut self, create: bool) -> Result<(), LedgerError> {
        let version = self.version()?;
        crate::schema::check_version(&self.url, version, create)?;
        if version >= LATEST {
            return Ok(());
        }
        let url = self.url.clone();
        let error = |error: rusqlite::Error| LedgerError::Database {
            url: url.clone(),
            action: "migrate the schema",
            cause: error.to_string(),
        };
        let transaction = self
            .connection
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(error)?;
        transaction.execute_batch(VERSION_TABLE).map_err(error)?;
        let current: i64 = transaction
            .query_row(
                "SELECT COALESCE(MAX(version), 0) FROM schema_version",
                [],
                |row| row.get(0),
            )
            .map_err(error)?;
        for (version, sql) in MIGRATIONS.iter().filter(|(version, _)| *version > current) {
            transaction.execute_batch(sql).map_err(error)?;
            transaction
                .execute(
                    "INSERT INTO schema_version (version, applied_at) VALUES (?1, ?2)",
                    params![version, chrono::Utc::now().to_rfc3339()],
                )
                .map_err(error)?;
        }
        transaction.commit().map_err(error)
    }

    pub fn append(
        &mut self,
        prepared: &[Prepared],
        signer: Option<&Signer>,
    ) -> Result<Vec<Receipt>, LedgerError> {
        let url = self.url.clone();
        let error = |error: rusqlite::Error| LedgerError::Database {
            url: url.clone(),
            action: "append",
            cause: error.to_string(),
        };
        let transaction = self
            .connection
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(error)?;
        let head: (i64, String) = transaction
            .query_row(
                "SELECT seq, hash FROM ledger_head WHERE id = 1",
                [],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .map_err(error)?;
        let records = backend::next_records(head, prepared, signer)?;
        {
            let mut insert = transaction
                .prepare_cached(&format!(
                    "INSERT INTO records ({RECORD_COLUMNS}) VALUES \
                     (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)"
                ))
                .map_err(error)?;
            let mut policy = transaction
                .prepare_cached(
                    "INSERT INTO record_policies (seq, position, policy, decision, violations) \
                     VALUES (?1, ?2, ?3, ?4, ?5)",
                )
                .map_err(error)?;
            let mut digest = transaction
                .prepare_cached(
                    "INSERT INTO record_digests (seq, position, role, name, sha256) \
                     VALUES (?1, ?2, ?3, ?4, ?5)",
                )
                .map_err(error)?;
            let mut exception = transaction
                .prepare_cached(
                    "INSERT INTO record_exceptions (seq, position, kind, subject, policy, who, \
                     reason, expires, status, violations) \
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                )
                .map_err(error)?;
            for (record, item) in records.iter().zip(prepared) {
                let c = &record.columns;
                insert
                    .execute(params![
                        record.seq,
                        record.recorded_at,
                        c.run_at,
                        c.run_at_unix,
                        c.repository,
                        c.commit,
                        c.branch,
                        c.target_branch,
                        c.environment,
                        c.version,
                        c.actor,
                        c.event,
                        c.decision,
                        record.document,
                        record.prev_hash,
                        record.hash,
                        record.signature,
                        record.key_id,
                    ])
                    .map_err(error)?;
                for (position, row) in item.children.policies.iter().enumerate() {
                    policy
                        .execute(params![
                            record.seq,
                            position as i64,
                            row.policy,
                            row.decision,
                            row.violations
                        ])
                        .map_err(error)?;
                }
                for (position, row) in item.children.exceptions.iter().enumerate() {
                    exception
                        .execute(params![
                            record.seq,
                            position as i64,
                            row.kind,
                            row.subject,
                            row.policy,
                            row.who,
                            row.reason,
                            row.expires,
                            row.status,
                            row.violations
                        ])
                        .map_err(error)?;
                }
                for (position, row) in item.children.digests.iter().enumerate() {
                    digest
                        .execute(params![
                            record.seq,
                            position as i64,
                            row.role,
                            row.name,
                            row.sha256
                        ])
                        .map_err(error)?;
                }
            }
        }
        if let Some(last) = records.last() {
            transaction
                .execute(
                    "UPDATE ledger_head SET seq = ?1, hash = ?2 WHERE id = 1",
                    params![last.seq, last.hash],
                )
                .map_err(error)?;
        }
        transaction.commit().map_err(error)?;
        Ok(records
            .into_iter()
            .map(|record| Receipt {
                seq: record.seq as u64,
                hash: record.hash,
            })
            .collect())
    }

    pub fn begin_read(&mut self) -> Result<(), LedgerError> {
        self.connection
            .execute_batch("BEGIN DEFERRED")
            .map_err(self.error("start a read"))
    }

    pub fn end_read(&mut self) -> Result<(), LedgerError> {
        self.connection
            .execute_batch("COMMIT")
            .map_err(self.error("end a read"))
    }

    pub fn page(&mut self, after: i64, limit: i64) -> Result<Vec<Stored>, LedgerError> {
        let mut statement = self
            .connection
            .prepare_cached(&format!(
                "SELECT {RECORD_COLUMNS} FROM records WHERE seq > ?1 ORDER BY seq LIMIT ?2"
            ))
            .map_err(self.error("read records"))?;
        let rows = statement
            .query_map(params![after, limit], stored)
            .map_err(self.error("read records"))?;
        rows.collect::<Result<_, _>>()
            .map_err(self.error("read records"))
    }

    pub fn children(&mut self, from: i64, to: i64) -> Result<BTreeMap<i64, Children>, LedgerError> {
        let mut children: BTreeMap<i64, Children> = BTreeMap::new();
        let mut statement = self
            .connection
            .prepare_cached(
                "SELECT seq, policy, decision, violations FROM record_policies \
                 WHERE seq >= ?1 AND seq <= ?2 ORDER BY seq, position",
            )
            .map_err(self.error("read per-policy rows"))?;
        let mut rows = statement
            .query(params![from, to])
            .map_err(self.error("read per-policy rows"))?;
        while let Some(row) = rows.next().map_err(self.error("read per-policy rows"))? {
            let read = || -> rusqlite::Result<(i64, PolicyRow)> {
                Ok((
                    row.get(0)?,
                    PolicyRow {
                        policy: row.get(1)?,
                        decision: row.get(2)?,
                        violations: row.get(3)?,
                    },
                ))
            };
            let (seq, policy) = read().map_err(self.error("read per-policy rows"))?;
            children.entry(seq).or_default().policies.push(policy);
        }
        drop(rows);
        drop(statement);
        let mut statement = self
            .connection
            .prepare_cached(
                "SELECT seq, role, name, sha256 FROM record_digests \
                 WHERE seq >= ?1 AND seq <= ?2 ORDER BY seq, position",
            )
            .map_err(self.error("read sha256 rows"))?;
        let mut rows = statement
            .query(params![from, to])
            .map_err(self.error("read sha256 rows"))?;
        while let Some(row) = rows.next().map_err(self.error("read sha256 rows"))? {
            let read = || -> rusqlite::Result<(i64, String, String, String)> {
                Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?))
            };
            let (seq, role, name, sha256) = read().map_err(self.error("read sha256 rows"))?;
            children
                .entry(seq)
                .or_default()
                .digests
                .push(DigestRow { role, name, sha256 });
        }
        drop(rows);
        drop(statement);
        let mut statement = self
            .connection
            .prepare_cached(
                "SELECT seq, kind, subject, policy, who, reason, expires, status, violations \
                 FROM record_exceptions WHERE seq >= ?1 AND seq <= ?2 ORDER BY seq, position",
            )
            .map_err(self.error("read exception rows"))?;
        let mut rows = statement
            .query(params![from, to])
            .map_err(self.error("read exception rows"))?;
        while let Some(row) = rows.next().map_err(self.error("read exception rows"))? {
            let read = || -> rusqlite::Result<(i64, ExceptionRow)> {
                Ok((
                    row.get(0)?,
                    ExceptionRow {
                        kind: row.get(1)?,
                        subject: row.get(2)?,
                        policy: row.get(3)?,
                        who: row.get(4)?,
                        reason: row.get(5)?,
                        expires: row.get(6)?,
                        status: row.get(7)?,
                        violations: row.get(8)?,
                    },
                ))
            };
            let (seq, exception) = read().map_err(self.error("read exception rows"))?;
            children.entry(seq).or_default().exceptions.push(exception);
        }
        Ok(children)
    }

    pub fn head(&mut self) -> Result<(i64, String), LedgerError> {
        self.connection
            .query_row(
                "SELECT seq, hash FROM ledger_head WHERE id = 1",
                [],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .map_err(self.error("read the head"))
    }

    pub fn seq_of_hash(&mut self, hash: &str) -> Result<Option<i64>, LedgerError> {
        self.connection
            .query_row(
                "SELECT MIN(seq) FROM records WHERE hash = ?1",
                [hash],
                |row| row.get(0),
            )
            .optional()
            .map(Option::flatten)
            .map_err(self.error("look up a hash"))
    }

    pub fn entries(&mut self, query: &Query) -> Result<Vec<Entry>, LedgerError> {
        let url = self.url.clone();
        self.select(query, |row| entry(&url, row))
    }

    pub fn records(&mut self, query: &Query) -> Result<Vec<(Entry, String)>, LedgerError> {
        let url = self.url.clone();
        self.select(query, |row| Ok((entry(&url, row)?, row.get(15)?)))
    }

    fn select<T>(
        &mut self,
        query: &Query,
        read: impl Fn(&Row<'_>) -> rusqlite::Result<T>,
    ) -> Result<Vec<T>, LedgerError> {
        let sql = query.sql(|n| format!("?{n}"));
        let params: Vec<Box<dyn rusqlite::ToSql>> = query
            .params
            .iter()
            .map(|param| -> Box<dyn rusqlite::ToSql> {
                match param {
                    Param::Text(text) => Box::new(text.clone()),
                    Param::Int(int) => Box::new(*int),
                }
            })
            .collect();
        let mut statement = self.connection.prepare(&sql).map_err(self.error("query"))?;
        let rows = statement
            .query_map(rusqlite::params_from_iter(params.iter()), read)
            .map_err(self.error("query"))?;
        rows.collect::<Result<_, _>>().map_err(self.error("query"))
    }
}

/// A [`Stored`] from a row of [`RECORD_COLUMNS`].
fn stored(row: &Row<'_>) -> rusqlite::Result<Stored> {
    Ok(Stored {
        seq: row.get(0)?,
        recorded_at: row.get(1)?,
        columns: Columns {
            run_at: row.get(2)?,
            run_at_unix: row.get(3)?,
            repository: row.get(4)?,
            commit: row.get(5)?,
            branch: row.get(6)?,
            target_branch: row.get(7)?,
            environment: row.get(8)?,
            version: row.get(9)?,
            actor: row.get(10)?,
            event: row.get(11)?,
            decision: row.get(12)?,
        },
        document: row.get(13)?,
        prev_hash: row.get(14)?,
        hash: row.get(15)?,
        signature: row.get(16)?,
        key_id: row.get(17)?,
    })
}

/// An [`Entry`] from a row of `ENTRY_COLUMNS`.
fn entry(url: &str, row: &Row<'_>) -> rusqlite::Result<Entry> {
    let seq: i64 = row.get(0)?;
    let decision: String = row.get(12)?;
    let decision = backend::decision(url, seq, &decision).map_err(|error| {
        rusqlite::Error::FromSqlConversionFailure(12, rusqlite::types::Type::Text, Box::new(error))
    })?;
    Ok(Entry {
        seq: seq.max(0) as u64,
        recorded_at: row.get(1)?,
        now: row.get(2)?,
        repository: row.get(4)?,
        commit: row.get(5)?,
        branch: row.get(6)?,
        target_branch: row.get(7)?,
        environment: row.get(8)?,
        version: row.get(9)?,
        actor: row.get(10)?,
        event: row.get(11)?,
        decision,
        hash: row.get(13)?,
        key_id: row.get(14)?,
    })
}
