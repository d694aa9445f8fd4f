//! The organisation's ledger: PostgreSQL. Appends lock the one-row
//! `ledger_head` (`SELECT … FOR UPDATE`) inside their transaction, so
//! writers from any number of runners extend the chain one at a time.

use crate::backend::{self, Param, Query};
use crate::columns::{
    Children, Columns, DigestRow, ExceptionRow, PolicyRow, Prepared, RECORD_COLUMNS, Stored,
};
use crate::schema::{LATEST, MIGRATIONS, VERSION_TABLE};
use crate::{Entry, LedgerError, Receipt, Signer};
use postgres::types::ToSql;
use postgres::{Client, NoTls, Row, Statement};
use std::collections::BTreeMap;
use std::time::Duration;

/// How long connecting may take when the URL does not say.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// The advisory lock key that serialises migrations ("verdict" in ASCII).
const MIGRATION_LOCK: i64 = 0x0076_6572_6469_6374;

/// An open PostgreSQL ledger.
pub(crate) struct Postgres {
    client: Client,
    url: String,
    statements: Option<Statements>,
}

/// The append statements, prepared once per connection.
struct Statements {
    head: Statement,
    record: Statement,
    policies: Statement,
    digests: Statement,
    exceptions: Statement,
    update_head: Statement,
}

fn database_error<'a>(
    url: &'a str,
    action: &'static str,
) -> impl Fn(postgres::Error) -> LedgerError + 'a {
    move |error| LedgerError::Database {
        url: url.to_owned(),
        action,
        cause: cause(&error),
    }
}

/// The driver's message with the server's detail, never the connection
/// parameters.
fn cause(error: &postgres::Error) -> String {
    match error.as_db_error() {
        Some(db) => db.message().to_owned(),
        None => {
            let mut text = error.to_string();
            let mut source = std::error::Error::source(error);
            while let Some(inner) = source {
                let message = inner.to_string();
                if !text.contains(&message) {
                    text.push_str(": ");
                    text.push_str(&message);
                }
                source = inner.source();
            }
            text
        }
    }
}

impl Postgres {
    pub fn open(url: &str, redacted: String, create: bool) -> Result<Postgres, LedgerError> {
        let open_error = |cause: String| LedgerError::Open {
            url: redacted.clone(),
            cause,
        };
        let mut config: postgres::Config = url
            .parse()
            .map_err(|error: postgres::Error| open_error(cause(&error)))?;
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(CONNECT_TIMEOUT);
        }
        let client = config
            .connect(NoTls)
            .map_err(|error| open_error(cause(&error)))?;
        let mut postgres = Postgres {
            client,
            url: redacted,
            statements: None,
        };
        postgres.migrate(create)?;
        Ok(postgres)
    }

    pub fn url(&self) -> &str {
        &self.url
    }

    fn version(&mut self) -> Result<i64, LedgerError> {
        let error = database_error(&self.url, "read the schema version");
        let exists: bool = self
            .client
            .query_one("SELECT to_regclass('schema_version') IS NOT NULL", &[])
            .and_then(|row| row.try_get(0))
            .map_err(&error)?;
        if !exists {
            return Ok(0);
        }
        self.client
            .query_one("SELECT COALESCE(MAX(version), 0) FROM schema_version", &[])
            .and_then(|row| row.try_get(0))
            .map_err(&error)
    }

    fn migrate(&mut self, create: bool) -> Result<(), LedgerError> {
        let version = self.version()?;
        crate::schema::check_version(&self.url, version, create)?;
        if version >= LATEST {
            return Ok(());
        }
        let error = database_error(&self.url, "migrate the schema");
        let mut transaction = self.client.transaction().map_err(&error)?;
        transaction
            .execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])
            .map_err(&error)?;
        transaction.batch_execute(VERSION_TABLE).map_err(&error)?;
        let current: i64 = transaction
            .query_one("SELECT COALESCE(MAX(version), 0) FROM schema_version", &[])
            .and_then(|row| row.try_get(0))
            .map_err(&error)?;
        for (version, sql) in MIGRATIONS.iter().filter(|(version, _)| *version > current) {
            transaction.batch_execute(sql).map_err(&error)?;
            transaction
                .execute(
                    "INSERT INTO schema_version (version, applied_at) VALUES ($1, $2)",
                    &[version, &chrono::Utc::now().to_rfc3339()],
                )
                .map_err(&error)?;
        }
        transaction.commit().map_err(&error)
    }

    fn statements(&mut self) -> Result<&Statements, LedgerError> {
        if self.statements.is_none() {
            let error = database_error(&self.url, "prepare an append");
            let client = &mut self.client;
            let statements = Statements {
                head: client
                    .prepare("SELECT seq, hash FROM ledger_head WHERE id = 1 FOR UPDATE")
                    .map_err(&error)?,
                record: client
                    .prepare(&format!(
                        "INSERT INTO records ({RECORD_COLUMNS}) VALUES \
                         ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)"
                    ))
                    .map_err(&error)?,
                policies: client
                    .prepare(
                        "INSERT INTO record_policies (seq, position, policy, decision, violations) \
                         SELECT $1, p, pol, d, v \
                         FROM unnest($2::bigint[], $3::text[], $4::text[], $5::bigint[]) AS t(p, pol, d, v)",
                    )
                    .map_err(&error)?,
                digests: client
                    .prepare(
                        "INSERT INTO record_digests (seq, position, role, name, sha256) \
                         SELECT $1, p, r, n, s \
                         FROM unnest($2::bigint[], $3::text[], $4::text[], $5::text[]) AS t(p, r, n, s)",
                    )
                    .map_err(&error)?,
                exceptions: client
                    .prepare(
                        "INSERT INTO record_exceptions (seq, position, kind, subject, policy, who, \
                         reason, expires, status, violations) \
                         SELECT $1, p, k, s, pol, w, r, e, st, v \
                         FROM unnest($2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], \
                         $7::text[], $8::text[], $9::text[], $10::bigint[]) AS t(p, k, s, pol, w, r, e, st, v)",
                    )
                    .map_err(&error)?,
                update_head: client
                    .prepare("UPDATE ledger_head SET seq = $1, hash = $2 WHERE id = 1")
                    .map_err(&error)?,
            };
            self.statements = Some(statements);
        }
        self.statements
            .as_ref()
            .ok_or_else(|| LedgerError::Internal("append statements not prepared".into()))
    }

    pub fn append(
        &mut self,
        prepared: &[Prepared],
        signer: Option<&Signer>,
    ) -> Result<Vec<Receipt>, LedgerError> {
        self.statements()?;
        let Postgres {
            client,
            url,
            statements,
        } = self;
        let statements = statements
            .as_ref()
            .ok_or_else(|| LedgerError::Internal("append statements not prepared".into()))?;
        let error = database_error(url, "append");
        let mut transaction = client.transaction().map_err(&error)?;
        let head = transaction
            .query_one(&statements.head, &[])
            .map_err(&error)?;
        let head: (i64, String) = (
            head.try_get(0).map_err(&error)?,
            head.try_get(1).map_err(&error)?,
        );
        let records = backend::next_records(head, prepared, signer)?;
        for (record, item) in records.iter().zip(prepared) {
            let c = &record.columns;
            transaction
                .execute(
                    &statements.record,
                    &[
                        &record.seq,
                        &record.recorded_at,
                        &c.run_at,
                        &c.run_at_unix,
                        &c.repository,
                        &c.commit,
                        &c.branch,
                        &c.target_branch,
                        &c.environment,
                        &c.version,
                        &c.actor,
                        &c.event,
                        &c.decision,
                        &record.document,
                        &record.prev_hash,
                        &record.hash,
                        &record.signature,
                        &record.key_id,
                    ],
                )
                .map_err(&error)?;
            let policies = &item.children.policies;
            if !policies.is_empty() {
                let positions: Vec<i64> = (0..policies.len() as i64).collect();
                let ids: Vec<&str> = policies.iter().map(|p| p.policy.as_str()).collect();
                let decisions: Vec<&str> = policies.iter().map(|p| p.decision.as_str()).collect();
                let violations: Vec<i64> = policies.iter().map(|p| p.violations).collect();
                transaction
                    .execute(
                        &statements.policies,
                        &[&record.seq, &positions, &ids, &decisions, &violations],
                    )
                    .map_err(&error)?;
            }
            let digests = &item.children.digests;
            if !digests.is_empty() {
                let positions: Vec<i64> = (0..digests.len() as i64).collect();
                let roles: Vec<&str> = digests.iter().map(|d| d.role.as_str()).collect();
                let names: Vec<&str> = digests.iter().map(|d| d.name.as_str()).collect();
                let sha256s: Vec<&str> = digests.iter().map(|d| d.sha256.as_str()).collect();
                transaction
                    .execute(
                        &statements.digests,
                        &[&record.seq, &positions, &roles, &names, &sha256s],
                    )
                    .map_err(&error)?;
            }
            let exceptions = &item.children.exceptions;
            if !exceptions.is_empty() {
                let positions: Vec<i64> = (0..exceptions.len() as i64).collect();
                let text = |field: fn(&ExceptionRow) -> &str| -> Vec<&str> {
                    exceptions.iter().map(field).collect()
                };
                let policies: Vec<Option<&str>> =
                    exceptions.iter().map(|e| e.policy.as_deref()).collect();
                let expires: Vec<Option<&str>> =
                    exceptions.iter().map(|e| e.expires.as_deref()).collect();
                let violations: Vec<i64> = exceptions.iter().map(|e| e.violations).collect();
                transaction
                    .execute(
                        &statements.exceptions,
                        &[
                            &record.seq,
                            &positions,
                            &text(|e| &e.kind),
                            &text(|e| &e.subject),
                            &policies,
                            &text(|e| &e.who),
                            &text(|e| &e.reason),
                            &expires,
                            &text(|e| &e.status),
                            &violations,
                        ],
                    )
                    .map_err(&error)?;
            }
        }
        if let Some(last) = records.last() {
            transaction
                .execute(&statements.update_head, &[&last.seq, &last.hash])
                .map_err(&error)?;
        }
        transaction.commit().map_err(&error)?;
        Ok(records
            .into_iter()
            .map(|record| Receipt {
                seq: record.seq as u64,
                hash: record.hash,
            })
            .collect())
    }

    pub fn begin_read(&mut self) -> Result<(), LedgerError> {
        self.client
            .batch_execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            .map_err(database_error(&self.url, "start a read"))
    }

    pub fn end_read(&mut self) -> Result<(), LedgerError> {
        self.client
            .batch_execute("COMMIT")
            .map_err(database_error(&self.url, "end a read"))
    }

    pub fn page(&mut self, after: i64, limit: i64) -> Result<Vec<Stored>, LedgerError> {
        let error = database_error(&self.url, "read records");
        let rows = self
            .client
            .query(
                &format!(
                    "SELECT {RECORD_COLUMNS} FROM records WHERE seq > $1 ORDER BY seq LIMIT $2"
                ),
                &[&after, &limit],
            )
            .map_err(&error)?;
        rows.iter()
            .map(stored)
            .collect::<Result<_, _>>()
            .map_err(&error)
    }

    pub fn children(&mut self, from: i64, to: i64) -> Result<BTreeMap<i64, Children>, LedgerError> {
        let mut children: BTreeMap<i64, Children> = BTreeMap::new();
        let error = database_error(&self.url, "read per-policy rows");
        for row in self
            .client
            .query(
                "SELECT seq, policy, decision, violations FROM record_policies \
                 WHERE seq >= $1 AND seq <= $2 ORDER BY seq, position",
                &[&from, &to],
            )
            .map_err(&error)?
        {
            let seq: i64 = row.try_get(0).map_err(&error)?;
            children.entry(seq).or_default().policies.push(PolicyRow {
                policy: row.try_get(1).map_err(&error)?,
                decision: row.try_get(2).map_err(&error)?,
                violations: row.try_get(3).map_err(&error)?,
            });
        }
        let error = database_error(&self.url, "read sha256 rows");
        for row in self
            .client
            .query(
                "SELECT seq, role, name, sha256 FROM record_digests \
                 WHERE seq >= $1 AND seq <= $2 ORDER BY seq, position",
                &[&from, &to],
            )
            .map_err(&error)?
        {
            let seq: i64 = row.try_get(0).map_err(&error)?;
            children.entry(seq).or_default().digests.push(DigestRow {
                role: row.try_get(1).map_err(&error)?,
                name: row.try_get(2).map_err(&error)?,
                sha256: row.try_get(3).map_err(&error)?,
            });
        }
        let error = database_error(&self.url, "read exception rows");
        for row in self
            .client
            .query(
                "SELECT seq, kind, subject, policy, who, reason, expires, status, violations \
                 FROM record_exceptions WHERE seq >= $1 AND seq <= $2 ORDER BY seq, position",
                &[&from, &to],
            )
            .map_err(&error)?
        {
            let seq: i64 = row.try_get(0).map_err(&error)?;
            children
                .entry(seq)
                .or_default()
                .exceptions
                .push(ExceptionRow {
                    kind: row.try_get(1).map_err(&error)?,
                    subject: row.try_get(2).map_err(&error)?,
                    policy: row.try_get(3).map_err(&error)?,
                    who: row.try_get(4).map_err(&error)?,
                    reason: row.try_get(5).map_err(&error)?,
                    expires: row.try_get(6).map_err(&error)?,
                    status: row.try_get(7).map_err(&error)?,
                    violations: row.try_get(8).map_err(&error)?,
                });
        }
        Ok(children)
    }

    pub fn head(&mut self) -> Result<(i64, String), LedgerError> {
        let error = database_error(&self.url, "read the head");
        let row = self
            .client
            .query_one("SELECT seq, hash FROM ledger_head WHERE id = 1", &[])
            .map_err(&error)?;
        Ok((
            row.try_get(0).map_err(&error)?,
            row.try_get(1).map_err(&error)?,
        ))
    }

    pub fn seq_of_hash(&mut self, hash: &str) -> Result<Option<i64>, LedgerError> {
        let error = database_error(&self.url, "look up a hash");
        let row = self
            .client
            .query_one("SELECT MIN(seq) FROM records WHERE hash = $1", &[&hash])
            .map_err(&error)?;
        row.try_get(0).map_err(&error)
    }

    pub fn entries(&mut self, query: &Query) -> Result<Vec<Entry>, LedgerError> {
        let rows = self.select(query)?;
        rows.iter().map(|row| entry(&self.url, row)).collect()
    }

    pub fn records(&mut self, query: &Query) -> Result<Vec<(Entry, String)>, LedgerError> {
        let rows = self.select(query)?;
        let error = database_error(&self.url, "query");
        rows.iter()
            .map(|row| Ok((entry(&self.url, row)?, row.try_get(15).map_err(&error)?)))
            .collect()
    }

    fn select(&mut self, query: &Query) -> Result<Vec<Row>, LedgerError> {
        let sql = query.sql(|n| format!("${n}"));
        let params: Vec<Box<dyn ToSql + Sync>> = query
            .params
            .iter()
            .map(|param| -> Box<dyn ToSql + Sync> {
                match param {
                    Param::Text(text) => Box::new(text.clone()),
                    Param::Int(int) => Box::new(*int),
                }
            })
            .collect();
        let params: Vec<&(dyn ToSql + Sync)> = params.iter().map(|param| param.as_ref()).collect();
        self.client
            .query(&sql, &params)
            .map_err(database_error(&self.url, "query"))
    }
}

/// A [`Stored`] from a row of [`RECORD_COLUMNS`].
fn stored(row: &Row) -> Result<Stored, postgres::Error> {
    Ok(Stored {
        seq: row.try_get(0)?,
        recorded_at: row.try_get(1)?,
        columns: Columns {
            run_at: row.try_get(2)?,
            run_at_unix: row.try_get(3)?,
            repository: row.try_get(4)?,
            commit: row.try_get(5)?,
            branch: row.try_get(6)?,
            target_branch: row.try_get(7)?,
            environment: row.try_get(8)?,
            version: row.try_get(9)?,
            actor: row.try_get(10)?,
            event: row.try_get(11)?,
            decision: row.try_get(12)?,
        },
        document: row.try_get(13)?,
        prev_hash: row.try_get(14)?,
        hash: row.try_get(15)?,
        signature: row.try_get(16)?,
        key_id: row.try_get(17)?,
    })
}

/// An [`Entry`] from a row of `ENTRY_COLUMNS`.
fn entry(url: &str, row: &Row) -> Result<Entry, LedgerError> {
    let error = database_error(url, "query");
    let seq: i64 = row.try_get(0).map_err(&error)?;
    let decision: String = row.try_get(12).map_err(&error)?;
    Ok(Entry {
        seq: seq.max(0) as u64,
        recorded_at: row.try_get(1).map_err(&error)?,
        now: row.try_get(2).map_err(&error)?,
        repository: row.try_get(4).map_err(&error)?,
        commit: row.try_get(5).map_err(&error)?,
        branch: row.try_get(6).map_err(&error)?,
        target_branch: row.try_get(7).map_err(&error)?,
        environment: row.try_get(8).map_err(&error)?,
        version: row.try_get(9).map_err(&error)?,
        actor: row.try_get(10).map_err(&error)?,
        event: row.try_get(11).map_err(&error)?,
        decision: backend::decision(url, seq, &decision)?,
        hash: row.try_get(13).map_err(&error)?,
        key_id: row.try_get(14).map_err(&error)?,
    })
}
