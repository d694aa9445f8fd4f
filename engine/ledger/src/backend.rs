//! The two stores behind one set of operations, and what they share: the
//! next record of the chain and the filter's SQL.

use crate::columns::{Children, Prepared, Stored};
use crate::postgres::Postgres;
use crate::sqlite::Sqlite;
use crate::url::{self, Location};
use crate::{Entry, Filter, LedgerError, Receipt, Record, Signer, chain};
use chrono::{DateTime, SecondsFormat, Utc};
use std::collections::BTreeMap;
use verdict_gate::Decision;

/// An open store.
pub(crate) enum Backend {
    Sqlite(Sqlite),
    Postgres(Box<Postgres>),
}

/// Listing order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Order {
    NewestFirst,
    OldestFirst,
}

macro_rules! dispatch {
    ($self:ident, $store:ident => $call:expr) => {
        match $self {
            Backend::Sqlite($store) => $call,
            Backend::Postgres($store) => $call,
        }
    };
}

impl Backend {
    /// Opens `url`; `create` creates a missing SQLite file and migrates.
    pub fn open(url: &str, create: bool) -> Result<Backend, LedgerError> {
        let redacted = url::redact(url);
        Ok(match url::parse(url)? {
            Location::Sqlite(path) => Backend::Sqlite(Sqlite::open(&path, redacted, create)?),
            Location::Postgres(url) => {
                Backend::Postgres(Box::new(Postgres::open(&url, redacted, create)?))
            }
        })
    }

    pub fn url(&self) -> &str {
        dispatch!(self, store => store.url())
    }

    /// Appends in one transaction serialised on the chain head.
    pub fn append(
        &mut self,
        prepared: &[Prepared],
        signer: Option<&Signer>,
    ) -> Result<Vec<Receipt>, LedgerError> {
        dispatch!(self, store => store.append(prepared, signer))
    }

    /// Starts the read snapshot `verify` walks in.
    pub fn begin_read(&mut self) -> Result<(), LedgerError> {
        dispatch!(self, store => store.begin_read())
    }

    /// Ends the read snapshot.
    pub fn end_read(&mut self) -> Result<(), LedgerError> {
        dispatch!(self, store => store.end_read())
    }

    /// Up to `limit` records after `after`, by seq.
    pub fn page(&mut self, after: i64, limit: i64) -> Result<Vec<Stored>, LedgerError> {
        dispatch!(self, store => store.page(after, limit))
    }

    /// The child rows of records `from..=to`.
    pub fn children(&mut self, from: i64, to: i64) -> Result<BTreeMap<i64, Children>, LedgerError> {
        dispatch!(self, store => store.children(from, to))
    }

    /// The head row: (seq, hash).
    pub fn head(&mut self) -> Result<(i64, String), LedgerError> {
        dispatch!(self, store => store.head())
    }

    /// The seq of the record stored with this hash.
    pub fn seq_of_hash(&mut self, hash: &str) -> Result<Option<i64>, LedgerError> {
        dispatch!(self, store => store.seq_of_hash(hash))
    }

    /// One record.
    pub fn record(&mut self, seq: i64) -> Result<Option<Stored>, LedgerError> {
        let mut page = self.page(seq - 1, 1)?;
        Ok(page.pop().filter(|record| record.seq == seq))
    }

    /// Entries matching a filter.
    pub fn entries(&mut self, filter: &Filter, order: Order) -> Result<Vec<Entry>, LedgerError> {
        let query = Query::of(filter, order, false)?;
        dispatch!(self, store => store.entries(&query))
    }

    /// Records matching a filter, oldest first.
    pub fn records(&mut self, filter: &Filter) -> Result<Vec<Record>, LedgerError> {
        let query = Query::of(filter, Order::OldestFirst, true)?;
        let url = self.url().to_owned();
        let rows: Vec<(Entry, String)> = dispatch!(self, store => store.records(&query))?;
        rows.into_iter()
            .map(|(entry, document)| {
                let verdict =
                    serde_json::from_str(&document).map_err(|error| LedgerError::Corrupt {
                        url: url.clone(),
                        seq: entry.seq,
                        reason: format!("its document is not a verdict document: {error}"),
                    })?;
                Ok(Record { entry, verdict })
            })
            .collect()
    }
}

/// The records following `head` for `prepared`, hashed and signed.
pub(crate) fn next_records(
    head: (i64, String),
    prepared: &[Prepared],
    signer: Option<&Signer>,
) -> Result<Vec<Stored>, LedgerError> {
    let (mut seq, mut prev_hash) = head;
    let recorded_at = Utc::now().to_rfc3339_opts(SecondsFormat::Micros, true);
    let mut records = Vec::with_capacity(prepared.len());
    for item in prepared {
        seq += 1;
        let hash = chain::record_hash(seq, &prev_hash, &recorded_at, &item.columns, &item.document);
        let (signature, key_id) = match signer {
            Some(signer) => (Some(signer.sign(&hash)?), Some(signer.key_id().to_owned())),
            None => (None, None),
        };
        records.push(Stored {
            seq,
            recorded_at: recorded_at.clone(),
            columns: item.columns.clone(),
            document: item.document.clone(),
            prev_hash: std::mem::replace(&mut prev_hash, hash.clone()),
            hash,
            signature,
            key_id,
        });
    }
    Ok(records)
}

/// A value bound to a query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Param {
    Text(String),
    Int(i64),
}

/// A filter as SQL: `where` uses `{}` for each parameter, which each store
/// replaces with its own placeholder syntax.
#[derive(Debug, Clone)]
pub(crate) struct Query {
    pub conditions: Vec<&'static str>,
    pub params: Vec<Param>,
    pub order: Order,
    pub limit: Option<i64>,
    pub with_document: bool,
}

impl Query {
    fn of(filter: &Filter, order: Order, with_document: bool) -> Result<Query, LedgerError> {
        let mut conditions = Vec::new();
        let mut params = Vec::new();
        let mut text = |condition, value: &Option<String>| {
            if let Some(value) = value {
                conditions.push(condition);
                params.push(Param::Text(value.clone()));
            }
        };
        text("repository = {}", &filter.repository);
        text("environment = {}", &filter.environment);
        text("branch = {}", &filter.branch);
        text(
            "decision = {}",
            &filter
                .decision
                .map(|decision: Decision| decision.as_str().to_owned()),
        );
        if let Some(after) = filter.after_seq {
            conditions.push("seq > {}");
            params.push(Param::Int(after.min(i64::MAX as u64) as i64));
        }
        if let Some(since) = &filter.since {
            conditions.push("run_at_unix >= {}");
            params.push(Param::Int(unix(since)?));
        }
        if let Some(until) = &filter.until {
            conditions.push("run_at_unix < {}");
            params.push(Param::Int(unix(until)?));
        }
        Ok(Query {
            conditions,
            params,
            order,
            limit: filter.limit.map(|limit| limit.min(i64::MAX as u64) as i64),
            with_document,
        })
    }

    /// The SQL, with `placeholder(n)` for the n-th parameter (1-based).
    pub fn sql(&self, placeholder: impl Fn(usize) -> String) -> String {
        let columns = if self.with_document {
            format!("{}, document", crate::columns::ENTRY_COLUMNS)
        } else {
            crate::columns::ENTRY_COLUMNS.to_owned()
        };
        let mut sql = format!("SELECT {columns} FROM records");
        for (index, condition) in self.conditions.iter().enumerate() {
            sql.push_str(if index == 0 { " WHERE " } else { " AND " });
            sql.push_str(&condition.replace("{}", &placeholder(index + 1)));
        }
        sql.push_str(match self.order {
            Order::NewestFirst => " ORDER BY seq DESC",
            Order::OldestFirst => " ORDER BY seq",
        });
        if let Some(limit) = self.limit {
            sql.push_str(&format!(" LIMIT {limit}"));
        }
        sql
    }
}

/// Seconds since the epoch of an RFC 3339 time.
fn unix(time: &str) -> Result<i64, LedgerError> {
    DateTime::parse_from_rfc3339(time)
        .map(|time| time.timestamp())
        .map_err(|_| LedgerError::Time {
            value: time.to_owned(),
        })
}

/// A stored decision name back to a [`Decision`].
pub(crate) fn decision(url: &str, seq: i64, name: &str) -> Result<Decision, LedgerError> {
    serde_json::from_value(serde_json::Value::String(name.to_owned())).map_err(|_| {
        LedgerError::Corrupt {
            url: url.to_owned(),
            seq: seq.max(0) as u64,
            reason: "its decision column is not a decision".into(),
        }
    })
}
