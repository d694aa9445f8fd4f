//! The `allowed_signers` file of `ssh-keygen(1)` (section ALLOWED SIGNERS), as git's
//! `gpg.ssh.allowedSignersFile` uses it.
//!
//! One entry a line: `principals [options] keytype base64-key [comment]`. Principals are a
//! comma-separated list of patterns (`*`, `?`, `!` negation). Options: `namespaces="…"` (a
//! pattern list the signature's namespace must match), `valid-after=` and `valid-before=`
//! (`YYYYMMDD[HHMM[SS]][Z]`), and `cert-authority`. Empty lines and lines starting with `#` are
//! ignored.

use ssh_key::PublicKey;

/// A parsed allowed-signers file.
#[derive(Debug, Default)]
pub struct AllowedSigners {
    pub(super) entries: Vec<Entry>,
}

/// One line of the file.
#[derive(Debug)]
pub(super) struct Entry {
    /// 1-based line number, for reasons.
    pub(super) line: usize,
    /// The principals field as written (a comma-separated pattern list).
    pub(super) principals: String,
    /// `namespaces="…"`, as written.
    pub(super) namespaces: Option<String>,
    /// `valid-after`, seconds since the epoch.
    pub(super) valid_after: Option<i64>,
    /// `valid-before`, seconds since the epoch.
    pub(super) valid_before: Option<i64>,
    /// `cert-authority`: the key signs certificates, it does not sign commits itself.
    pub(super) cert_authority: bool,
    /// The public key.
    pub(super) key: PublicKey,
}

impl AllowedSigners {
    /// Parses the file's text; an error is the 1-based line and what is wrong with it.
    pub(super) fn parse(text: &str) -> Result<AllowedSigners, (usize, String)> {
        let mut entries = Vec::new();
        for (index, raw) in text.lines().enumerate() {
            let line = raw.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            entries.push(entry(index + 1, line).map_err(|message| (index + 1, message))?);
        }
        Ok(AllowedSigners { entries })
    }
}

/// Parses one non-empty, non-comment line.
fn entry(number: usize, line: &str) -> Result<Entry, String> {
    let (principals, rest) = field(line)?;
    if principals.is_empty() {
        return Err("no principals".to_owned());
    }
    let rest = rest.trim_start();
    let (mut namespaces, mut valid_after, mut valid_before) = (None, None, None);
    let mut cert_authority = false;
    // Options come first when the next word is not a key type.
    let key_text = if is_key_type(rest) {
        rest
    } else {
        let (options, after) = field(rest)?;
        for option in split_options(&options)? {
            let (name, value) = match option.split_once('=') {
                Some((name, value)) => (name, Some(unquote(value))),
                None => (option.as_str(), None),
            };
            match (name.to_ascii_lowercase().as_str(), value) {
                ("cert-authority", None) => cert_authority = true,
                ("namespaces", Some(value)) => namespaces = Some(value),
                ("valid-after", Some(value)) => valid_after = Some(time(&value)?),
                ("valid-before", Some(value)) => valid_before = Some(time(&value)?),
                _ => return Err(format!("unknown or malformed option `{option}`")),
            }
        }
        after.trim_start()
    };
    let key = PublicKey::from_openssh(key_text)
        .map_err(|error| format!("cannot read the public key: {error}"))?;
    Ok(Entry {
        line: number,
        principals,
        namespaces,
        valid_after,
        valid_before,
        cert_authority,
        key,
    })
}

/// Whether `text` starts with an SSH public key type (`ssh-ed25519`, `ecdsa-sha2-…`, `sk-…`).
fn is_key_type(text: &str) -> bool {
    ["ssh-", "ecdsa-", "sk-"]
        .iter()
        .any(|prefix| text.starts_with(prefix))
}

/// The first whitespace-delimited field of `text` (double quotes keep spaces), and the rest.
fn field(text: &str) -> Result<(String, &str), String> {
    let mut quoted = false;
    for (index, character) in text.char_indices() {
        match character {
            '"' => quoted = !quoted,
            ' ' | '\t' if !quoted => return Ok((text[..index].to_owned(), &text[index..])),
            _ => {}
        }
    }
    if quoted {
        return Err("unterminated quote".to_owned());
    }
    Ok((text.to_owned(), ""))
}

/// Splits an options field on commas outside double quotes.
fn split_options(options: &str) -> Result<Vec<String>, String> {
    let mut parts = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    for character in options.chars() {
        match character {
            '"' => {
                quoted = !quoted;
                current.push(character);
            }
            ',' if !quoted => parts.push(std::mem::take(&mut current)),
            _ => current.push(character),
        }
    }
    parts.push(current);
    if parts.iter().any(String::is_empty) {
        return Err(format!("empty option in `{options}`"));
    }
    Ok(parts)
}

/// A value without its surrounding double quotes.
fn unquote(value: &str) -> String {
    value
        .strip_prefix('"')
        .and_then(|value| value.strip_suffix('"'))
        .unwrap_or(value)
        .to_owned()
}

/// `YYYYMMDD[HHMM[SS]][Z]` as seconds since the epoch. Times are read as UTC with or without the
/// `Z` (ssh-keygen reads a time without `Z` in the machine's time zone, which is UTC on CI
/// runners; write the `Z` to be unambiguous).
fn time(value: &str) -> Result<i64, String> {
    let malformed = || format!("`{value}` is not a time of the form YYYYMMDD[HHMM[SS]][Z]");
    let digits = value.strip_suffix(['Z', 'z']).unwrap_or(value);
    if !digits.bytes().all(|byte| byte.is_ascii_digit()) || ![8, 12, 14].contains(&digits.len()) {
        return Err(malformed());
    }
    let number = |range: std::ops::Range<usize>| -> i64 {
        digits
            .get(range)
            .map_or(0, |text| text.parse().unwrap_or(0))
    };
    let (year, month, day) = (number(0..4), number(4..6), number(6..8));
    let (hour, minute, second) = (number(8..10), number(10..12), number(12..14));
    if !(1..=12).contains(&month)
        || !(1..=31).contains(&day)
        || hour > 23
        || minute > 59
        || second > 59
    {
        return Err(malformed());
    }
    Ok(days_from_civil(year, month, day) * 86_400 + hour * 3_600 + minute * 60 + second)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let day_of_year = (153 * (month + if month > 2 { -3 } else { 9 }) + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// Whether `text` matches the comma-separated pattern list `patterns` as OpenSSH's
/// `match_pattern_list` does: some positive pattern matches and no `!` pattern does.
pub(super) fn matches_list(text: &str, patterns: &str) -> bool {
    let mut matched = false;
    for pattern in patterns.split(',') {
        match pattern.strip_prefix('!') {
            Some(negated) if glob(text.as_bytes(), negated.as_bytes()) => return false,
            Some(_) => {}
            None => matched |= glob(text.as_bytes(), pattern.as_bytes()),
        }
    }
    matched
}

/// `*` (any run) and `?` (any one character) matching of a whole string.
fn glob(text: &[u8], pattern: &[u8]) -> bool {
    match pattern.split_first() {
        None => text.is_empty(),
        Some((b'*', rest)) => (0..=text.len()).any(|skip| glob(&text[skip..], rest)),
        Some((b'?', rest)) => !text.is_empty() && glob(&text[1..], rest),
        Some((character, rest)) => text.first() == Some(character) && glob(&text[1..], rest),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str =
        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl";

    #[test]
    fn reads_principals_options_and_key() {
        let text = format!(
            "# comment\n\nalice@example.com,*@ops.example.com namespaces=\"git,file\",valid-after=20240101,valid-before=\"20250101000000Z\" {KEY} alice\n"
        );
        let signers = AllowedSigners::parse(&text).unwrap();
        let entry = &signers.entries[0];
        assert_eq!(entry.line, 3);
        assert_eq!(entry.principals, "alice@example.com,*@ops.example.com");
        assert_eq!(entry.namespaces.as_deref(), Some("git,file"));
        assert_eq!(entry.valid_after, Some(1_704_067_200));
        assert_eq!(entry.valid_before, Some(1_735_689_600));
        assert!(!entry.cert_authority);
    }

    #[test]
    fn errors_name_the_line() {
        let text = format!("a@example.com {KEY}\nb@example.com bogus-option {KEY}\n");
        let (line, message) = AllowedSigners::parse(&text).unwrap_err();
        assert_eq!(line, 2);
        assert!(message.contains("bogus-option"), "{message}");
        let (line, message) =
            AllowedSigners::parse("a@example.com ssh-ed25519 AAAA\n").unwrap_err();
        assert_eq!(line, 1);
        assert!(message.contains("public key"), "{message}");
        let (_, message) =
            AllowedSigners::parse(&format!("a valid-before=2024 {KEY}\n")).unwrap_err();
        assert!(message.contains("YYYYMMDD"), "{message}");
    }

    #[test]
    fn pattern_lists_match_like_openssh() {
        assert!(matches_list("a@example.com", "b@example.com,*@example.com"));
        assert!(matches_list("a@example.com", "?@example.com"));
        assert!(!matches_list("ab@example.com", "?@example.com"));
        assert!(!matches_list("a@example.com", "*@example.com,!a@*"));
        assert!(!matches_list("a@example.org", "*@example.com"));
        assert!(matches_list("git", "git,file"));
    }
}
