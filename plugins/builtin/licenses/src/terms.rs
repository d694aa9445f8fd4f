//! License terms of the configuration (`allow`, `deny`, exception
//! `licenses`) and how they match the requirements of an SPDX expression.
//!
//! A term names a license whatever its `-only`, `-or-later` or `+` suffix:
//! `GPL-2.0-only` in a list matches `GPL-2.0`, `GPL-2.0-only`, `GPL-2.0+` and
//! `GPL-2.0-or-later`, so a deprecated spelling (which Trivy writes) cannot
//! slip past a deny list. In an allow list a later version of the same
//! license also satisfies an "or later" requirement (`GPL-3.0-only` allows
//! `GPL-2.0-or-later`). A term without `WITH` matches the license with any
//! exception (exceptions only add permissions); a term with `WITH` matches
//! that exception only.

use spdx::{Expression, LicenseItem, LicenseReq, Licensee, ParseMode};
use verdict_policy_sdk::Error;

/// One configured license, with or without an exception.
#[derive(Debug)]
pub struct Term {
    req: LicenseReq,
}

impl Term {
    /// Parses a term of the configuration key `key`.
    pub fn parse(key: &str, text: &str, mode: ParseMode) -> Result<Term, Error> {
        Licensee::parse_mode(text.trim(), mode)
            .map(|licensee| Term {
                req: licensee.into_req(),
            })
            .map_err(|error| {
                Error::new(format!(
                    "`{key}`: `{text}` is not an SPDX license id (optionally `WITH` an exception): {}",
                    error.reason
                ))
            })
    }

    /// Whether the term names the license of `req` (see the module docs).
    pub fn names(&self, req: &LicenseReq) -> bool {
        self.same_addition(req)
            && match (&self.req.license, &req.license) {
                (LicenseItem::Spdx { id: term, .. }, LicenseItem::Spdx { id, .. }) => {
                    stem(term.name) == stem(id.name)
                }
                (LicenseItem::Other(term), LicenseItem::Other(other)) => term == other,
                _ => false,
            }
    }

    /// Whether the term allows `req`: it names its license, or `req` says
    /// "or later" and the term is a later version of the same license.
    pub fn allows(&self, req: &LicenseReq) -> bool {
        if self.names(req) {
            return true;
        }
        match (&self.req.license, &req.license) {
            (
                LicenseItem::Spdx { id: term, .. },
                LicenseItem::Spdx {
                    id,
                    or_later: explicit,
                },
            ) if self.same_addition(req) && (*explicit || says_or_later(id.name)) => {
                later_version(stem(term.name), stem(id.name))
            }
            _ => false,
        }
    }

    fn same_addition(&self, req: &LicenseReq) -> bool {
        self.req.addition.is_none() || self.req.addition == req.addition
    }
}

/// Parses a component's license entry.
pub fn expression(text: &str, mode: ParseMode) -> Result<Expression, String> {
    Expression::parse_mode(text, mode).map_err(|error| error.reason.to_string())
}

/// The parse mode: strict SPDX with deprecated ids (`GPL-2.0` and `GPL-2.0+`
/// are still valid, precise ids), or the crate's lax mode.
pub fn mode(lax: bool) -> ParseMode {
    if lax {
        ParseMode::LAX
    } else {
        ParseMode {
            allow_deprecated: true,
            allow_postfix_plus_on_gpl: true,
            ..ParseMode::STRICT
        }
    }
}

/// A license id without `-only`, `-or-later` or `+`.
fn stem(name: &str) -> &str {
    name.strip_suffix("-only")
        .or_else(|| name.strip_suffix("-or-later"))
        .or_else(|| name.strip_suffix('+'))
        .unwrap_or(name)
}

fn says_or_later(name: &str) -> bool {
    name.ends_with("-or-later") || name.ends_with('+')
}

/// Whether `term` is a later version of the license `required`
/// (`GPL-3.0` of `GPL-2.0`): same name up to a trailing version, and a
/// greater version.
fn later_version(term: &str, required: &str) -> bool {
    let split = |stem: &str| {
        stem.rsplit_once('-')
            .filter(|(_, version)| {
                !version.is_empty() && version.chars().all(|c| c == '.' || c.is_ascii_digit())
            })
            .map(|(family, version)| (family.to_owned(), version_parts(version)))
    };
    match (split(term), split(required)) {
        (Some((term_family, term_version)), Some((family, version))) => {
            term_family == family && term_version > version
        }
        _ => false,
    }
}

fn version_parts(version: &str) -> Vec<u32> {
    version
        .split('.')
        .map(|part| part.parse().unwrap_or(0))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn term(text: &str) -> Term {
        Term::parse("allow", text, mode(false)).unwrap()
    }

    fn reqs(text: &str) -> Vec<LicenseReq> {
        expression(text, mode(false))
            .unwrap()
            .requirements()
            .map(|r| r.req.clone())
            .collect()
    }

    #[test]
    fn suffixes_and_deprecated_spellings_name_the_same_license() {
        for component in [
            "GPL-2.0",
            "GPL-2.0-only",
            "GPL-2.0+",
            "GPL-2.0-or-later",
            "GPL-2.0-only WITH Classpath-exception-2.0",
        ] {
            assert!(
                term("GPL-2.0-only").names(&reqs(component)[0]),
                "{component}"
            );
        }
        assert!(!term("GPL-2.0-only").names(&reqs("GPL-3.0-only")[0]));
        assert!(!term("GPL-2.0-only").names(&reqs("LGPL-2.0-only")[0]));
    }

    #[test]
    fn a_later_version_allows_an_or_later_requirement_only() {
        assert!(term("GPL-3.0-only").allows(&reqs("GPL-2.0-or-later")[0]));
        assert!(term("GPL-3.0-only").allows(&reqs("GPL-2.0+")[0]));
        assert!(term("Apache-2.0").allows(&reqs("Apache-1.1+")[0]));
        assert!(!term("GPL-3.0-only").allows(&reqs("GPL-2.0-only")[0]));
        assert!(!term("GPL-2.0-only").allows(&reqs("GPL-3.0-or-later")[0]));
        assert!(!term("LGPL-3.0-only").allows(&reqs("GPL-2.0-or-later")[0]));
    }

    #[test]
    fn a_term_with_an_exception_matches_that_exception_only() {
        let classpath = term("GPL-2.0-only WITH Classpath-exception-2.0");
        assert!(classpath.names(&reqs("GPL-2.0-only WITH Classpath-exception-2.0")[0]));
        assert!(!classpath.names(&reqs("GPL-2.0-only")[0]));
        assert!(!classpath.names(&reqs("GPL-2.0-only WITH GCC-exception-2.0")[0]));
    }

    #[test]
    fn license_refs_match_exactly() {
        assert!(term("LicenseRef-Proprietary").names(&reqs("LicenseRef-Proprietary")[0]));
        assert!(!term("LicenseRef-Proprietary").names(&reqs("LicenseRef-Other")[0]));
        assert!(!term("MIT").names(&reqs("LicenseRef-MIT")[0]));
    }

    #[test]
    fn strict_mode_refuses_what_lax_mode_guesses() {
        assert!(expression("Apache 2.0", mode(false)).is_err());
        assert!(expression("MIT/Apache-2.0", mode(false)).is_err());
        assert!(expression("MIT/Apache-2.0", mode(true)).is_ok());
        assert!(Term::parse("deny", "MIT OR Apache-2.0", mode(false)).is_err());
        assert!(Term::parse("deny", "Not-A-License", mode(false)).is_err());
    }
}
