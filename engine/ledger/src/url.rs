//! Ledger URLs: `sqlite:PATH` or `postgres://…` / `postgresql://…`, and
//! their redacted form for messages.

use crate::LedgerError;
use std::path::PathBuf;

/// Where a ledger lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Location {
    /// An SQLite file.
    Sqlite(PathBuf),
    /// A PostgreSQL connection URL, as given.
    Postgres(String),
}

/// Parses a ledger URL.
pub(crate) fn parse(url: &str) -> Result<Location, LedgerError> {
    if let Some(path) = url.strip_prefix("sqlite:") {
        let path = path.strip_prefix("//").unwrap_or(path);
        if path.is_empty() {
            return Err(LedgerError::Url {
                url: redact(url),
                reason: "`sqlite:` needs a file path, e.g. `sqlite:verdict-ledger.db`".into(),
            });
        }
        return Ok(Location::Sqlite(PathBuf::from(path)));
    }
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        return Ok(Location::Postgres(url.to_owned()));
    }
    Err(LedgerError::Url {
        url: redact(url),
        reason: "expected `sqlite:PATH`, `postgres://…` or `postgresql://…`".into(),
    })
}

/// The URL with any password replaced by `***`: the one in the user-info
/// part (`user:password@host`) and any `password=` query parameter. Every
/// message naming a ledger uses this form.
///
/// Conservative with malformed URLs: the user info runs to the *last* `@`,
/// so a password with an unescaped `/`, `?`, `#` or `@` is still hidden (at
/// worst more than the password is).
pub fn redact(url: &str) -> String {
    let Some(scheme_end) = url.find("://") else {
        return url.to_owned();
    };
    let rest_start = scheme_end + 3;
    let rest = &url[rest_start..];
    let mut out = String::with_capacity(url.len());
    out.push_str(&url[..rest_start]);
    let remainder = match rest.rfind('@') {
        Some(at) => {
            let userinfo = &rest[..at];
            match userinfo.find(':') {
                Some(colon) => {
                    out.push_str(&userinfo[..colon]);
                    out.push_str(":***");
                }
                None => out.push_str(userinfo),
            }
            &rest[at..]
        }
        None => rest,
    };
    match remainder.find('?') {
        Some(query_start) => {
            out.push_str(&remainder[..=query_start]);
            let query = &remainder[query_start + 1..];
            let (query, fragment) = match query.find('#') {
                Some(hash) => (&query[..hash], &query[hash..]),
                None => (query, ""),
            };
            let params: Vec<String> = query
                .split('&')
                .map(|param| match param.split_once('=') {
                    Some((key, _)) if key.eq_ignore_ascii_case("password") => format!("{key}=***"),
                    _ => param.to_owned(),
                })
                .collect();
            out.push_str(&params.join("&"));
            out.push_str(fragment);
        }
        None => out.push_str(remainder),
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_redacted() {
        assert_eq!(
            redact("postgres://ci:s3cr3t@db.example:5432/ledger"),
            "postgres://ci:***@db.example:5432/ledger"
        );
        assert_eq!(
            redact("postgresql://ci:p%40ss:w@rd@db/ledger?sslmode=require"),
            "postgresql://ci:***@db/ledger?sslmode=require"
        );
        assert_eq!(
            redact("postgres://db/ledger?user=ci&password=s3cr3t&application_name=x"),
            "postgres://db/ledger?user=ci&password=***&application_name=x"
        );
        assert_eq!(redact("postgres://ci@db/ledger"), "postgres://ci@db/ledger");
        // Unescaped delimiters in the password still hide it.
        for url in [
            "postgres://ci:pa/ss@db/ledger",
            "postgres://ci:pa?ss@db/ledger",
            "postgres://ci:pa#ss@db/ledger",
            "postgres://ci:pa@ss@db/ledger",
        ] {
            assert_eq!(redact(url), "postgres://ci:***@db/ledger", "{url}");
        }
        assert_eq!(redact("sqlite:ledger.db"), "sqlite:ledger.db");
    }

    #[test]
    fn urls_parse_or_name_the_accepted_forms() {
        assert_eq!(
            parse("sqlite:a/b.db").expect("sqlite"),
            Location::Sqlite(PathBuf::from("a/b.db"))
        );
        assert_eq!(
            parse("sqlite:///tmp/x.db").expect("sqlite"),
            Location::Sqlite(PathBuf::from("/tmp/x.db"))
        );
        assert!(matches!(
            parse("postgresql://h/d").expect("pg"),
            Location::Postgres(_)
        ));
        let error = parse("mysql://u:hunter2@h/d").expect_err("unsupported");
        let message = error.to_string();
        assert!(message.contains("sqlite:PATH"), "{message}");
        assert!(!message.contains("hunter2"), "{message}");
        assert!(parse("sqlite:").is_err());
    }
}
