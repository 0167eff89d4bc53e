//! The one URL parser: what redaction ([`crate::redact`]) shows of a URL and what a
//! connection ([`crate::db::Target`]) dials both come from [`ParsedUrl::parse`], so a
//! message can never describe a different host than the one the driver reads.
//!
//! Rules (README.md, "Database URLs"):
//! * `sqlite:`, `sqlite3:` and `file:` URLs are a path and an optional query (split at the
//!   first `?`, as sqlx does; a `#` belongs to the path); an `@` in them is refused (it is
//!   a URL with user info written under the wrong scheme).
//! * Any other URL is `scheme://[userinfo@]hosts[/path][?query][#fragment]`. The user info
//!   ends at the last `@` of the URL (it may hold `@` and `:`; the first `:` separates user
//!   and password). An unencoded `/`, `?` or `#` before that `@` is an error: the driver
//!   (WHATWG URL rules) ends the host part there and would dial a "host" made of the user
//!   name and the start of the password. A `%` in the user info that does not start a
//!   `%XX` escape is an error too (the driver would decode what follows it).
//! * Whitespace and control characters are refused (a space in a file path is allowed).
//!
//! Errors ([`UrlError`]) name the character and its escape, never any part of the value.
//!
//! Hand-written rather than the `url` crate on purpose: a WHATWG parser accepts
//! `postgres://app:20241#Spring@db/x` as host `app`, port 20241 and a fragment, which is
//! exactly the misreading this parser exists to refuse; it also rejects libpq's
//! multi-host URLs, which redaction must still be able to show.

/// URL schemes whose body is a file path (no user info, no host).
pub(crate) const FILE_SCHEMES: &[&str] = &["sqlite", "sqlite3", "file"];

/// Why a URL does not parse. The message never contains any part of the URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub(crate) enum UrlError {
    #[error("it is empty")]
    Empty,
    #[error("it contains whitespace or a control character")]
    Whitespace,
    #[error("it does not start with a scheme such as postgres://")]
    NoScheme,
    #[error("it has no `//` and host after the scheme")]
    NoAuthority,
    #[error(
        "the user name or password holds an unencoded `{ch}`: percent-encode it as {escape} (an `@` after the host is written %40)",
        escape = escape(*.ch)
    )]
    Reserved { ch: char },
    #[error(
        "the user name or password holds a `%` that does not start a %XX escape: write it as %25"
    )]
    Percent,
    #[error("the host is not a valid host name or [IPv6] address")]
    Host,
    #[error("the port is not a number from 0 to 65535")]
    Port,
    #[error("a file URL cannot hold `@`")]
    FileAt,
}

/// `%XX` for an ASCII character.
pub(crate) fn escape(c: char) -> String {
    let mut buf = [0u8; 4];
    c.encode_utf8(&mut buf)
        .bytes()
        .map(|b| format!("%{b:02X}"))
        .collect()
}

/// A URL split into its parts, each as written (still percent-encoded).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ParsedUrl<'a> {
    pub scheme: &'a str,
    /// Between `//` and the last `@`; `None` without an `@` (and for file URLs).
    pub userinfo: Option<&'a str>,
    /// `host[:port]` entries separated by commas (libpq multi-host); `None` for file
    /// URLs, `Some("")` for `postgres:///db`.
    pub hosts: Option<&'a str>,
    /// After the hosts (or, for file URLs, after `scheme:`), up to `?` or `#`.
    pub path: &'a str,
    pub query: Option<&'a str>,
    pub fragment: Option<&'a str>,
}

impl<'a> ParsedUrl<'a> {
    /// Parses `s` (not trimmed: leading or trailing whitespace is an error).
    pub(crate) fn parse(s: &'a str) -> Result<ParsedUrl<'a>, UrlError> {
        if s.is_empty() {
            return Err(UrlError::Empty);
        }
        if s.chars().any(char::is_control) {
            return Err(UrlError::Whitespace);
        }
        let colon = s.find(':').ok_or(UrlError::NoScheme)?;
        let scheme = &s[..colon];
        let mut chars = scheme.chars();
        if !chars.next().is_some_and(|c| c.is_ascii_alphabetic())
            || !chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        {
            return Err(UrlError::NoScheme);
        }
        let rest = &s[colon + 1..];
        if FILE_SCHEMES.contains(&scheme.to_ascii_lowercase().as_str()) {
            // sqlite:auth.db, sqlite://./auth.db, sqlite::memory:, file:/x.db?mode=ro
            if rest.chars().any(|c| c.is_whitespace() && c != ' ') {
                return Err(UrlError::Whitespace);
            }
            if rest.contains('@') {
                return Err(UrlError::FileAt);
            }
            // As sqlx reads them: the path runs to the first `?` (a `#` is part of the
            // file name).
            let (path, query) = split_once_opt(rest, '?');
            return Ok(ParsedUrl {
                scheme,
                userinfo: None,
                hosts: None,
                path,
                query,
                fragment: None,
            });
        }
        if s.chars().any(char::is_whitespace) {
            return Err(UrlError::Whitespace);
        }
        let r = rest.strip_prefix("//").ok_or(UrlError::NoAuthority)?;
        let (userinfo, after) = match r.rfind('@') {
            Some(at) => (Some(&r[..at]), &r[at + 1..]),
            None => (None, r),
        };
        if let Some(ui) = userinfo {
            if let Some(ch) = ui.chars().find(|c| matches!(c, '/' | '?' | '#')) {
                return Err(UrlError::Reserved { ch });
            }
            if !valid_escapes(ui) {
                return Err(UrlError::Percent);
            }
        }
        let end = after.find(['/', '?', '#']).unwrap_or(after.len());
        let (hosts, tail) = after.split_at(end);
        validate_hosts(hosts)?;
        let (before_fragment, fragment) = split_once_opt(tail, '#');
        let (path, query) = split_once_opt(before_fragment, '?');
        Ok(ParsedUrl {
            scheme,
            userinfo,
            hosts: Some(hosts),
            path,
            query,
            fragment,
        })
    }

    /// Whether this is a `sqlite:` / `file:` URL (a path).
    pub(crate) fn is_file(&self) -> bool {
        self.hosts.is_none()
    }

    /// The password as written (before the first `:` is the user).
    pub(crate) fn password(&self) -> Option<&'a str> {
        self.userinfo
            .and_then(|u| u.split_once(':'))
            .map(|(_, p)| p)
    }

    /// The query's `name=value` pairs, decoded as the drivers decode them
    /// (`application/x-www-form-urlencoded`: `+` is a space, then `%XX`).
    pub(crate) fn query_pairs(&self) -> Vec<(String, String)> {
        self.query
            .unwrap_or("")
            .split('&')
            .filter(|p| !p.is_empty())
            .map(|p| {
                let (k, v) = p.split_once('=').unwrap_or((p, ""));
                (form_decode(k), form_decode(v))
            })
            .collect()
    }

    /// The single `(host, port)` of the URL (host as written; IPv6 with its brackets);
    /// `None` for file URLs, an empty host list or several hosts.
    pub(crate) fn host_port(&self) -> Option<(&'a str, Option<u16>)> {
        let hosts = self.hosts?;
        if hosts.is_empty() || hosts.contains(',') {
            return None;
        }
        let (host, port) = split_host_port(hosts);
        Some((host, port.and_then(|p| p.parse().ok())))
    }
}

fn split_once_opt(s: &str, c: char) -> (&str, Option<&str>) {
    match s.split_once(c) {
        Some((a, b)) => (a, Some(b)),
        None => (s, None),
    }
}

/// Every `%` starts a `%XX` escape.
fn valid_escapes(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            if i + 2 >= b.len() || !(b[i + 1].is_ascii_hexdigit() && b[i + 2].is_ascii_hexdigit()) {
                return false;
            }
            i += 3;
        } else {
            i += 1;
        }
    }
    true
}

/// `host` and the text after its `:` (IPv6 `[…]` kept whole).
fn split_host_port(hp: &str) -> (&str, Option<&str>) {
    if hp.starts_with('[') {
        match hp.find(']') {
            Some(close) => {
                let (h, after) = hp.split_at(close + 1);
                (h, after.strip_prefix(':'))
            }
            None => (hp, None),
        }
    } else {
        match hp.rsplit_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (hp, None),
        }
    }
}

/// `host[:port]` entries separated by commas; empty is allowed
/// (`postgres:///db?host=/run/postgresql`).
fn validate_hosts(hosts: &str) -> Result<(), UrlError> {
    if hosts.is_empty() {
        return Ok(());
    }
    for hp in hosts.split(',') {
        let (host, port) = split_host_port(hp);
        let host_ok = if let Some(inner) = host.strip_prefix('[') {
            let Some(v6) = inner.strip_suffix(']') else {
                return Err(UrlError::Host);
            };
            // After `]` only `:port` may follow.
            if hp.len() > host.len() && !hp[host.len()..].starts_with(':') {
                return Err(UrlError::Host);
            }
            !v6.is_empty()
                && v6
                    .chars()
                    .all(|c| c.is_ascii_hexdigit() || matches!(c, ':' | '.' | '%'))
        } else {
            !host.is_empty()
                && host
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | '~' | '%'))
        };
        if !host_ok {
            return Err(UrlError::Host);
        }
        if let Some(p) = port
            && (p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()) || p.parse::<u16>().is_err())
        {
            return Err(UrlError::Port);
        }
    }
    Ok(())
}

/// Decodes `%XX` escapes (invalid ones are kept as written; invalid UTF-8 replaced).
pub(crate) fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && i + 2 < b.len()
            && let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2]))
        {
            out.push(h * 16 + l);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Form decoding (`+` is a space), as query strings are read by the drivers.
pub(crate) fn form_decode(s: &str) -> String {
    percent_decode(&s.replace('+', " "))
}

fn hex(c: u8) -> Option<u8> {
    (c as char)
        .to_digit(16)
        .map(|d| u8::try_from(d).expect("a hex digit is below 16"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts() {
        let u = ParsedUrl::parse("postgres://app:p%40ss@db.example:5433/app?sslmode=require#x")
            .unwrap();
        assert_eq!(u.scheme, "postgres");
        assert_eq!(u.userinfo, Some("app:p%40ss"));
        assert_eq!(u.password(), Some("p%40ss"));
        assert_eq!(u.hosts, Some("db.example:5433"));
        assert_eq!(u.host_port(), Some(("db.example", Some(5433))));
        assert_eq!(u.path, "/app");
        assert_eq!(u.query, Some("sslmode=require"));
        assert_eq!(u.fragment, Some("x"));
    }

    #[test]
    fn userinfo_ends_at_the_last_at() {
        let u = ParsedUrl::parse("mysql://root:a@b:c@host:3306/db").unwrap();
        assert_eq!(u.userinfo, Some("root:a@b:c"));
        assert_eq!(u.password(), Some("a@b:c"));
        assert_eq!(u.host_port(), Some(("host", Some(3306))));
    }

    #[test]
    fn reserved_characters_in_the_password_are_named() {
        for (url, ch) in [
            ("postgres://app:20241#Spring@127.0.0.1:5432/x", '#'),
            ("postgres://app:20241?Spring@127.0.0.1:5432/x", '?'),
            ("postgres://app:20241/Spring@127.0.0.1:5432/x", '/'),
            ("postgres://a/pp:pw@h/x", '/'),
        ] {
            let e = ParsedUrl::parse(url).unwrap_err();
            assert_eq!(e, UrlError::Reserved { ch }, "{url}");
            let msg = e.to_string();
            assert!(msg.contains(&format!("`{ch}`")), "{msg}");
            assert!(msg.contains(&escape(ch)), "{msg}");
            assert!(!msg.contains("20241") && !msg.contains("Spring"), "{msg}");
        }
        assert_eq!(escape('#'), "%23");
        assert_eq!(escape('/'), "%2F");
        assert_eq!(escape('?'), "%3F");
    }

    #[test]
    fn stray_percent_in_the_password() {
        assert_eq!(
            ParsedUrl::parse("postgres://u:50%off@h/db"),
            Err(UrlError::Percent)
        );
        assert_eq!(
            ParsedUrl::parse("postgres://u:ab%2@h/db"),
            Err(UrlError::Percent)
        );
        assert_eq!(
            ParsedUrl::parse("postgres://u:ab%@h/db"),
            Err(UrlError::Percent)
        );
        assert!(ParsedUrl::parse("postgres://u:50%25off@h/db").is_ok());
    }

    #[test]
    fn hosts_and_ports() {
        for ok in [
            "postgres://h1:5432,h2:5433/app",
            "postgres://[::1]:5432/app",
            "postgresql:///app?host=/var/run/postgresql",
            "mssql://sql.example.com:1433/auth",
        ] {
            assert!(ParsedUrl::parse(ok).is_ok(), "{ok}");
        }
        assert_eq!(
            ParsedUrl::parse("postgres://db:notaport/app"),
            Err(UrlError::Port)
        );
        assert_eq!(
            ParsedUrl::parse("postgres://db:70000/app"),
            Err(UrlError::Port)
        );
        assert_eq!(
            ParsedUrl::parse("postgres://[zz::1]/app"),
            Err(UrlError::Host)
        );
        assert_eq!(
            ParsedUrl::parse("postgres://[::1]x/app"),
            Err(UrlError::Host)
        );
        assert_eq!(
            ParsedUrl::parse("postgres://[::1]:5/app")
                .unwrap()
                .host_port(),
            Some(("[::1]", Some(5)))
        );
    }

    #[test]
    fn file_urls() {
        let u = ParsedUrl::parse("sqlite://./data/auth.db?mode=rwc").unwrap();
        assert!(u.is_file());
        assert_eq!(u.path, "//./data/auth.db");
        assert_eq!(u.query, Some("mode=rwc"));
        assert!(ParsedUrl::parse("sqlite:///srv/my app/auth.db").is_ok());
        assert!(ParsedUrl::parse("sqlite::memory:").is_ok());
        let u = ParsedUrl::parse("sqlite://my#file.db?mode=ro").unwrap();
        assert_eq!(
            (u.path, u.query, u.fragment),
            ("//my#file.db", Some("mode=ro"), None)
        );
        assert_eq!(
            ParsedUrl::parse("sqlite://alice:pw@db"),
            Err(UrlError::FileAt)
        );
    }

    #[test]
    fn not_urls() {
        for (s, e) in [
            ("", UrlError::Empty),
            ("user:hunter22", UrlError::NoAuthority),
            ("alice:hunter22@db.example.com/app", UrlError::NoAuthority),
            ("./auth.db", UrlError::NoScheme),
            ("host=db password=x", UrlError::NoScheme),
            ("postgres://host=db password=x", UrlError::Whitespace),
            ("postgres://u:p w@h/db", UrlError::Whitespace),
            ("postgres://u:p\n@h/db", UrlError::Whitespace),
            ("9x://h", UrlError::NoScheme),
        ] {
            assert_eq!(ParsedUrl::parse(s), Err(e), "{s:?}");
        }
    }

    #[test]
    fn query_pairs_are_form_decoded() {
        let u = ParsedUrl::parse("postgres://h/db?host=%2Ftmp&application_name=a+b&x").unwrap();
        assert_eq!(
            u.query_pairs(),
            [
                ("host".to_string(), "/tmp".to_string()),
                ("application_name".to_string(), "a b".to_string()),
                ("x".to_string(), String::new()),
            ]
        );
    }

    #[test]
    fn decoding() {
        assert_eq!(percent_decode("p%40ss%3Aw"), "p@ss:w");
        assert_eq!(percent_decode("50%off"), "50%off");
        assert_eq!(form_decode("a+b%2B"), "a b+");
    }
}
