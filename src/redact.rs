//! Redaction: the one place that decides what of a URL, a config value or a piece of text
//! may be shown. Every command's output and every error goes through these functions.
//!
//! Rules (README.md, "Redaction"):
//! * A database URL keeps its scheme, host(s), port(s), path (the database) and its
//!   non-secret query parameters. User info becomes `***:***@`, secret-looking query
//!   parameters (`password`, `sslpassword`, `token`, `key`, …) become `***`, a fragment is
//!   dropped. A value that does not parse is never echoed: it becomes `unparseable URL`.
//! * A config or environment value whose key ends with secret, secrets, password, token,
//!   key, url, dsn or uri (case-insensitive) is shown as `[redacted]`, or, for the URL
//!   kinds, redacted as a URL.
//!
//! URLs are split by [`crate::url::ParsedUrl`], the parser connections use too: what a
//! message shows of a URL is what the driver reads, and a URL it refuses (an unencoded
//! `/`, `?` or `#` in the password, …) is never echoed.

use crate::url::{ParsedUrl, form_decode, percent_decode};

/// What a secret value is replaced with.
pub(crate) const REDACTED: &str = "[redacted]";
/// What a URL that does not parse is shown as (never the value itself).
pub(crate) const UNPARSEABLE: &str = "unparseable URL";
/// What user info becomes in a redacted URL.
const USERINFO_MASK: &str = "***:***@";
/// What a secret query parameter's value becomes.
const PARAM_MASK: &str = "***";
/// Secrets shorter than this are not scrubbed from free text by [`redact_in_text`]
/// (replacing every `ab` in a message would make it unreadable and protect nothing).
pub(crate) const MIN_SCRUB_LEN: usize = 3;

/// Key endings that mark a value as secret (compared case-insensitively).
const SECRET_KEY_SUFFIXES: &[&str] = &[
    "secret",
    "secrets",
    "password",
    "passwords",
    "passwd",
    "pwd",
    "token",
    "tokens",
    "key",
    "keys",
    "credential",
    "credentials",
    "url",
    "urls",
    "dsn",
    "uri",
];
/// Key endings whose values are URLs (redacted as URLs rather than hidden whole).
const URL_KEY_SUFFIXES: &[&str] = &["url", "urls", "dsn", "uri"];
/// Parts of a query parameter name that make its value secret (case-insensitive).
const SECRET_PARAM_PARTS: &[&str] = &[
    "pass",
    "pwd",
    "secret",
    "token",
    "key",
    "auth",
    "credential",
    "signature",
    "sig",
];

/// Whether a config key or environment variable name holds a secret: it ends with secret,
/// secrets, password, token, key, url, dsn or uri (and a few plurals and spellings of
/// those), case-insensitively. `DATABASE_URL`, `apiKey`, `RUSTAUTH_SECRETS` are secret;
/// `url_env` and `secret_env` (which name a variable) are not.
pub(crate) fn is_secret_key(key: &str) -> bool {
    let k = key.trim().to_ascii_lowercase();
    SECRET_KEY_SUFFIXES.iter().any(|s| k.ends_with(s))
}

fn is_url_key(key: &str) -> bool {
    let k = key.trim().to_ascii_lowercase();
    URL_KEY_SUFFIXES.iter().any(|s| k.ends_with(s))
}

/// A config or environment value as it may be shown: URL keys (`*url`, `*dsn`, `*uri`) go
/// through [`redact_url`], other secret keys become `[redacted]`, and any other value that
/// looks like a URL (`scheme://…`) is still redacted as a URL. An empty value stays empty.
pub(crate) fn redact_value(key: &str, value: &str) -> String {
    if value.is_empty() {
        return String::new();
    }
    if is_url_key(key) {
        redact_url(value)
    } else if is_secret_key(key) {
        REDACTED.to_string()
    } else if value.contains("://") || (value.contains('@') && value.contains(':')) {
        redact_url(value)
    } else {
        value.to_string()
    }
}

/// A URL as it may be shown: scheme, hosts, ports, path and non-secret query parameters
/// kept; user info `***:***@`; secret query values `***`; the fragment dropped. Anything
/// that does not parse (no scheme, whitespace, an `@` outside the user info, a bad port,
/// a bare `user:pass`) is `unparseable URL`.
pub(crate) fn redact_url(url: &str) -> String {
    match ParsedUrl::parse(url.trim()) {
        Ok(p) => render(&p),
        Err(_) => UNPARSEABLE.to_string(),
    }
}

/// The secret parts of a URL, to hand to [`redact_in_text`]: the password (as written and
/// percent-decoded) and the values of secret query parameters. Works on
/// URLs that do not parse too (it takes everything between `://` and the last `@`).
pub(crate) fn url_secrets(url: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut push = |s: &str| {
        for v in [s.to_string(), percent_decode(s), form_decode(s)] {
            if !v.is_empty() && !out.contains(&v) {
                out.push(v);
            }
        }
    };
    let url = url.trim();
    match ParsedUrl::parse(url) {
        Ok(p) => {
            // The password only: a user name (`postgres`) is no secret, and scrubbing it
            // from free text would mangle every message that names the engine.
            if let Some(password) = p.password() {
                push(password);
            }
            for pair in p.query.unwrap_or("").split('&') {
                if let Some((k, v)) = pair.split_once('=')
                    && is_secret_param(&form_decode(k))
                {
                    push(v);
                }
            }
        }
        Err(_) => {
            // Unparseable: everything between `://` and the last `@` after the first `:`,
            // and its pieces between unencoded `/`, `?` and `#` (what a misreading driver
            // would have taken for a port or a path).
            if let Some(start) = url.find("://").map(|i| i + 3)
                && let Some(at) = url[start..].rfind('@').map(|i| start + i)
                && let Some((_, password)) = url[start..at].split_once(':')
            {
                push(password);
                for piece in password.split(['/', '?', '#']) {
                    if piece.chars().count() >= MIN_SCRUB_LEN {
                        push(piece);
                    }
                }
            }
            if let Some((_, query)) = url.split_once('?') {
                let query = query.split('#').next().unwrap_or("");
                for pair in query.split(['&', ';']) {
                    if let Some((k, v)) = pair.split_once('=')
                        && is_secret_param(k)
                    {
                        push(v);
                    }
                }
            }
        }
    }
    out
}

/// Scrubs free text (an error message, a driver's output): every occurrence of a known
/// secret (as given, percent-encoded and percent-decoded; those of at least
/// [`MIN_SCRUB_LEN`] characters) becomes `[redacted]`, every `scheme://…` in it is
/// replaced by its [`redact_url`] form, and `password=…`-style pairs (libpq conninfo
/// strings, query strings) get their value masked. Safe on any string.
pub(crate) fn redact_in_text(text: &str, secrets: &[&str]) -> String {
    let mut variants: Vec<String> = Vec::new();
    for s in secrets {
        let forms = [
            s.to_string(),
            percent_decode(s),
            percent_encode(s, |_| true),
            percent_encode_lower(s),
            // What a person writes in a URL: only the characters that must be escaped.
            percent_encode(s, |b| matches!(b, b'@' | b'/' | b'?' | b'#' | b'%' | b' ')),
            percent_encode(s, |b| {
                matches!(b, b'@' | b'/' | b'?' | b'#' | b'%' | b' ' | b':')
            }),
        ];
        for v in forms {
            if v.chars().count() >= MIN_SCRUB_LEN && !variants.contains(&v) {
                variants.push(v);
            }
        }
    }
    // Longest first, so that a secret containing another is replaced whole.
    variants.sort_by_key(|v| std::cmp::Reverse(v.len()));
    let mut out = text.to_string();
    for v in &variants {
        if out.contains(v.as_str()) {
            out = out.replace(v.as_str(), REDACTED);
        }
    }
    let out = redact_urls_in_text(&out);
    redact_pairs_in_text(&out)
}

fn is_secret_param(name: &str) -> bool {
    let k = percent_decode(name).to_ascii_lowercase();
    SECRET_PARAM_PARTS.iter().any(|p| k.contains(p)) || is_secret_key(&k)
}

/// A `name=value` pair in free text whose value is masked: the name contains a secret word
/// (`password`, `token`, `secret`, `key`, …). Names that only end with url/dsn/uri are left
/// alone: their URL values are redacted as URLs.
fn is_secret_pair_name(name: &str) -> bool {
    let k = percent_decode(name).to_ascii_lowercase();
    SECRET_PARAM_PARTS.iter().any(|p| k.contains(p))
}

/// A parsed URL as it may be shown: user info masked, secret query values masked, the
/// fragment dropped.
fn render(p: &ParsedUrl) -> String {
    let mut out = String::from(p.scheme);
    out.push(':');
    if let Some(hosts) = p.hosts {
        out.push_str("//");
        if p.userinfo.is_some() {
            out.push_str(USERINFO_MASK);
        }
        out.push_str(hosts);
    }
    out.push_str(p.path);
    if let Some(q) = p.query {
        out.push('?');
        out.push_str(&redact_query(q));
    }
    out
}

fn redact_query(q: &str) -> String {
    q.split('&')
        .map(|pair| match pair.split_once('=') {
            Some((k, _)) if is_secret_param(k) => format!("{k}={PARAM_MASK}"),
            _ => pair.to_string(),
        })
        .collect::<Vec<_>>()
        .join("&")
}

/// Replaces every `scheme://…` token in `text` by its redacted form.
fn redact_urls_in_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find("://") {
        // The scheme: the run of scheme characters before `://`.
        let start = rest[..i]
            .char_indices()
            .rev()
            .take_while(|(_, c)| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
            .last()
            .map(|(j, _)| j)
            .unwrap_or(i);
        let after = &rest[i + 3..];
        let len = after
            .find(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | '`' | '<' | '>'))
            .unwrap_or(after.len());
        let mut end = i + 3 + len;
        // Punctuation that ends a sentence is not part of the URL.
        while end > i + 3 && rest[..end].ends_with(['.', ',', ';', ':', ')', ']', '}']) {
            end -= 1;
        }
        out.push_str(&rest[..start]);
        if start == i {
            // No scheme before `://`: not a URL; keep the separator, scrub the rest.
            out.push_str("://");
            rest = &rest[i + 3..];
            continue;
        }
        out.push_str(&redact_url(&rest[start..end]));
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// Masks the value of `name=value` pairs whose name is secret-looking (`password=…`,
/// `sslpassword=…`, `token=…`), as libpq conninfo strings and query strings write them.
fn redact_pairs_in_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(eq) = rest.find('=') {
        let name_start = rest[..eq]
            .char_indices()
            .rev()
            .take_while(|(_, c)| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '%'))
            .last()
            .map(|(j, _)| j)
            .unwrap_or(eq);
        let name = &rest[name_start..eq];
        out.push_str(&rest[..=eq]);
        let value = &rest[eq + 1..];
        if !name.is_empty() && is_secret_pair_name(name) {
            let quoted = value.starts_with(['\'', '"']);
            let len = if quoted {
                let q = value.as_bytes()[0] as char;
                value[1..].find(q).map(|j| j + 2).unwrap_or(value.len())
            } else {
                value
                    .find(|c: char| c.is_whitespace() || matches!(c, '&' | ';' | ',' | '"' | '\''))
                    .unwrap_or(value.len())
            };
            if len > 0 {
                out.push_str(PARAM_MASK);
            }
            rest = &value[len..];
        } else {
            rest = value;
        }
    }
    out.push_str(rest);
    out
}

/// Like `percent_encode(s, |_| true)` with lower-case hex digits.
fn percent_encode_lower(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02x}"));
        }
    }
    out
}

/// Percent-encodes every byte outside RFC 3986's unreserved characters for which
/// `escape` says so (non-ASCII bytes always).
fn percent_encode(s: &str, escape: impl Fn(u8) -> bool) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        let unreserved = b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~');
        if unreserved || (b.is_ascii() && !escape(b)) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postgres_url_with_user_info() {
        assert_eq!(
            redact_url("postgres://alice:s3cret@db.example.com:5432/app"),
            "postgres://***:***@db.example.com:5432/app"
        );
    }

    #[test]
    fn password_with_raw_at_signs() {
        let r = redact_url("postgres://alice:p@ss@w0rd@db.example.com:5432/app");
        assert_eq!(r, "postgres://***:***@db.example.com:5432/app");
        assert!(!r.contains("ss@w0rd"));
    }

    #[test]
    fn password_percent_encoded() {
        let r = redact_url("postgres://alice:p%40ss%3Aw0rd@db.example.com/app");
        assert_eq!(r, "postgres://***:***@db.example.com/app");
        assert!(!r.contains("%40"));
    }

    #[test]
    fn password_with_colons() {
        assert_eq!(
            redact_url("mysql://root:pa:ss:wd@127.0.0.1:3306/auth"),
            "mysql://***:***@127.0.0.1:3306/auth"
        );
    }

    #[test]
    fn user_without_password() {
        assert_eq!(
            redact_url("postgres://postgres@127.0.0.1:5432/test"),
            "postgres://***:***@127.0.0.1:5432/test"
        );
    }

    #[test]
    fn query_passwords_masked_others_kept() {
        assert_eq!(
            redact_url(
                "postgres://db.internal/app?sslmode=require&password=hunter22&application_name=web&sslpassword=k3y&api_token=t0k"
            ),
            "postgres://db.internal/app?sslmode=require&password=***&application_name=web&sslpassword=***&api_token=***"
        );
        assert_eq!(
            redact_url("mysql://h/db?ssl-key=/etc/k.pem&charset=utf8mb4"),
            "mysql://h/db?ssl-key=***&charset=utf8mb4"
        );
        // A percent-encoded parameter name is still recognised.
        assert_eq!(
            redact_url("postgres://h/db?pass%77ord=x"),
            "postgres://h/db?pass%77ord=***"
        );
    }

    #[test]
    fn urls_without_user_info_kept() {
        for u in [
            "postgres://127.0.0.1:5432/test",
            "postgres://localhost/app?sslmode=disable",
            "mysql://db.example.com:3306/auth",
            "postgresql:///app?host=/var/run/postgresql",
            "postgres://h1:5432,h2:5433/app?target_session_attrs=read-write",
            "postgres://[::1]:5432/app",
            "mssql://sql.example.com:1433/auth",
        ] {
            assert_eq!(redact_url(u), u, "{u}");
        }
    }

    #[test]
    fn sqlite_paths_kept() {
        for u in [
            "sqlite://auth.db",
            "sqlite:auth.db",
            "sqlite::memory:",
            "sqlite:///var/lib/app/auth.db",
            "sqlite://./data/auth.db?mode=rwc",
            "file:auth.db?mode=ro",
        ] {
            assert_eq!(redact_url(u), u, "{u}");
        }
        // SQLCipher-style key in the query.
        assert_eq!(
            redact_url("sqlite://auth.db?key=abcdef"),
            "sqlite://auth.db?key=***"
        );
    }

    #[test]
    fn fragment_dropped() {
        assert_eq!(
            redact_url("postgres://u:p@h/db#frag"),
            "postgres://***:***@h/db"
        );
    }

    #[test]
    fn unparseable_never_echoed() {
        for u in [
            "",
            "   ",
            "not a url",
            "user:hunter22",
            "alice:hunter22@db.example.com/app",
            "host=localhost user=alice password=hunter22",
            "postgres://alice:12/hunter22@db/app", // unencoded `/` in the password
            "postgres://alice:hun?ter22@db/app",   // unencoded `?`
            "postgres://alice:1#hunter22@db/app",  // unencoded `#`
            "postgres://alice:hunter 22@db/app",
            "postgres://db:notaport/app",
            "postgres://db:123456/app",
            "jdbc:postgresql://alice:hunter22@db/app",
            "sqlite://alice:hunter22@db",
            "./auth.db",
            "postgres://[zz::1]/app",
        ] {
            assert_eq!(redact_url(u), UNPARSEABLE, "{u:?}");
        }
    }

    #[test]
    fn secret_keys() {
        for k in [
            "secret",
            "RUSTAUTH_SECRET",
            "RUSTAUTH_SECRETS",
            "BETTER_AUTH_SECRETS",
            "db_password",
            "PGPASSWORD",
            "apiKey",
            "api_key",
            "GITHUB_TOKEN",
            "DATABASE_URL",
            "base_url",
            "SENTRY_DSN",
            "MONGODB_URI",
            "database.url",
        ] {
            assert!(is_secret_key(k), "{k}");
        }
        for k in [
            "url_env",
            "secret_env",
            "provider",
            "adapter",
            "base_path",
            "HOME",
        ] {
            assert!(!is_secret_key(k), "{k}");
        }
    }

    #[test]
    fn values_by_key() {
        assert_eq!(redact_value("RUSTAUTH_SECRET", "abc"), REDACTED);
        assert_eq!(redact_value("db_password", "abc"), REDACTED);
        assert_eq!(
            redact_value("DATABASE_URL", "postgres://u:p@h:5432/db"),
            "postgres://***:***@h:5432/db"
        );
        assert_eq!(redact_value("DATABASE_URL", "garbage p@ss"), UNPARSEABLE);
        assert_eq!(
            redact_value("base_url", "https://auth.example.com/api/auth"),
            "https://auth.example.com/api/auth"
        );
        assert_eq!(redact_value("url_env", "DATABASE_URL"), "DATABASE_URL");
        assert_eq!(redact_value("provider", "postgres"), "postgres");
        // A URL under an innocent key is still redacted.
        assert_eq!(
            redact_value("comment", "postgres://u:p@h/db"),
            "postgres://***:***@h/db"
        );
        assert_eq!(redact_value("DATABASE_URL", ""), "");
    }

    #[test]
    fn secrets_of_urls() {
        let s = url_secrets("postgres://alice:p%40ss@h/db?sslpassword=zz9&mode=x");
        assert!(s.contains(&"p%40ss".to_string()));
        assert!(s.contains(&"p@ss".to_string()));
        assert!(s.contains(&"zz9".to_string()));
        assert!(!s.contains(&"x".to_string()));
        assert!(!s.iter().any(|v| v.contains("alice")));
        assert!(url_secrets("postgres://postgres@127.0.0.1/test").is_empty());
        // Unparseable URLs still give their password.
        let s = url_secrets("postgres://alice:12/hunter22@db/app");
        assert!(s.iter().any(|v| v.contains("12/hunter22")));
    }

    #[test]
    fn text_scrubbed() {
        let url = "postgres://alice:hunter%4022@db.example.com:5432/app";
        let msg = format!(
            "error: cannot connect to {url}: password authentication failed for user \"alice\" (password hunter@22)"
        );
        let secrets = url_secrets(url);
        let refs: Vec<&str> = secrets.iter().map(String::as_str).collect();
        let out = redact_in_text(&msg, &refs);
        assert!(!out.contains("hunter"), "{out}");
        assert!(
            out.contains("postgres://***:***@db.example.com:5432/app:"),
            "{out}"
        );
    }

    #[test]
    fn text_urls_without_known_secrets() {
        let out = redact_in_text(
            "connecting to 'mysql://root:toor99@10.0.0.1:3306/x' failed",
            &[],
        );
        assert_eq!(
            out,
            "connecting to 'mysql://***:***@10.0.0.1:3306/x' failed"
        );
        let out = redact_in_text("bad url postgres://a:12/sekrit@h/db here", &[]);
        assert!(!out.contains("sekrit"), "{out}");
    }

    #[test]
    fn text_conninfo_pairs() {
        let out = redact_in_text(
            "invalid DSN host=db user=alice password=hunter22 sslpassword='x y' dbname=app",
            &[],
        );
        assert_eq!(
            out,
            "invalid DSN host=db user=alice password=*** sslpassword=*** dbname=app"
        );
    }

    #[test]
    fn text_secret_encodings() {
        let out = redact_in_text("a p%40ss:w b p@ss:w c", &["p@ss:w"]);
        assert_eq!(out, "a [redacted] b [redacted] c");
        assert_eq!(
            redact_in_text("x P%40ss%3aw y", &["P@ss:w"]),
            "x [redacted] y"
        );
        // Too short to scrub.
        assert_eq!(redact_in_text("ab cd", &["ab", ""]), "ab cd");
    }

    #[test]
    fn text_robust_on_odd_input() {
        for t in [
            "",
            "://",
            "a://",
            "=",
            "password=",
            "x:// y",
            "é://ü=ß",
            "password='open",
        ] {
            let _ = redact_in_text(t, &["secret-value"]);
        }
        assert_eq!(redact_in_text("password=", &[]), "password=");
        assert_eq!(
            redact_in_text("set DATABASE_URL=postgres://u:pw@h/db now", &[]),
            "set DATABASE_URL=postgres://***:***@h/db now"
        );
        assert_eq!(
            redact_in_text("RUSTAUTH_SECRET=abc123 and API_TOKEN=xyz", &[]),
            "RUSTAUTH_SECRET=*** and API_TOKEN=***"
        );
    }
}
