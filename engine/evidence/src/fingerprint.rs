//! Stable fingerprints for records whose tool gives none.

use sha2::{Digest, Sha256};

/// Lowercase hex sha256 over the parts, each followed by a NUL byte so that
/// `("ab", "c")` and `("a", "bc")` differ.
pub fn of(parts: &[&str]) -> String {
    // The parts are gathered on the stack and hashed in one call: a SARIF
    // result's seven short parts fed one by one (with their separators,
    // fourteen calls) cost more than the two blocks they hash.
    let mut hasher = Sha256::new();
    let mut buffer = [0u8; 512];
    let mut used = 0;
    for part in parts {
        let bytes = part.as_bytes();
        if used + bytes.len() + 1 > buffer.len() {
            hasher.update(&buffer[..used]);
            used = 0;
            if bytes.len() + 1 > buffer.len() {
                hasher.update(bytes);
                hasher.update([0]);
                continue;
            }
        }
        buffer[used..used + bytes.len()].copy_from_slice(bytes);
        buffer[used + bytes.len()] = 0;
        used += bytes.len() + 1;
    }
    hasher.update(&buffer[..used]);
    to_hex(&hasher.finalize())
}

/// Lowercase hex, table-driven: fingerprints are computed once per record,
/// a million times for a large SARIF log, and the generic encoder showed up
/// at 7% of parse time.
pub fn to_hex(bytes: &[u8]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        out.push(char::from(HEX[usize::from(byte >> 4)]));
        out.push(char::from(HEX[usize::from(byte & 0x0f)]));
    }
    out
}

/// Lowercase hex sha256 of bytes (input files, plugins).
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// A region's text with whitespace runs collapsed, so that re-indenting a
/// line does not change the fingerprint of a finding on it.
pub fn normalize_snippet(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_matches_the_hex_crate() {
        let digest = Sha256::digest(b"verdict");
        assert_eq!(to_hex(&digest), hex::encode(digest));
    }

    #[test]
    fn parts_of_any_length_hash_as_their_nul_terminated_concatenation() {
        let long = "x".repeat(700);
        let medium = "y".repeat(300);
        let cases: [&[&str]; 6] = [
            &[],
            &[""],
            &["semgrep", "rule", "src/a.py", "12"],
            &[&long],
            &[&medium, &medium, "z"],
            &["a", &long, "b", &medium, ""],
        ];
        for parts in cases {
            let mut joined = Vec::new();
            for part in parts {
                joined.extend_from_slice(part.as_bytes());
                joined.push(0);
            }
            assert_eq!(of(parts), sha256_hex(&joined), "{parts:?}");
        }
    }

    #[test]
    fn parts_are_separated() {
        assert_ne!(of(&["ab", "c"]), of(&["a", "bc"]));
        assert_eq!(of(&["a"]).len(), 64);
    }

    #[test]
    fn snippet_normalization_ignores_indentation() {
        assert_eq!(
            normalize_snippet("  eval( x )\n"),
            normalize_snippet("eval( x )")
        );
    }
}
