//! Which database to talk to: the URL (from the variable named by `database.url_env`,
//! else `database.url`), its engine, and a description that never holds the password.

use std::path::Path;

use crate::model::{Dialect, Engine};
use crate::url::{ParsedUrl, UrlError, percent_decode};

/// A database to connect to. The URL is private: only [`Target::describe`] is printed.
#[derive(Clone)]
pub(crate) struct Target {
    /// The engine: never mssql (rustauth writes SQL Server SQL, it never connects).
    pub engine: Engine,
    url: String,
    /// PostgreSQL: `database.schema`.
    pub schema: Option<String>,
    /// PostgreSQL without `database.schema`: the schema is `current_schema()` (the 1.7
    /// line) rather than the first real entry of `search_path` (1.6.9).
    pub current_schema: bool,
    /// What the driver dials, as it reads the URL.
    endpoint: Endpoint,
    /// Strings that must never be printed (the password, raw and decoded).
    secrets: Vec<String>,
}

/// Where a connection goes.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Endpoint {
    /// A SQLite file (absolute, or `:memory:`).
    File(String),
    /// `host:port`, or the socket path, and the database (when the URL or the
    /// environment names one).
    Server {
        at: String,
        database: Option<String>,
    },
}

/// Control characters escaped (a database name may hold a percent-encoded newline).
fn printable(s: &str) -> String {
    if s.chars().any(char::is_control) {
        s.chars()
            .map(|c| {
                if c.is_control() {
                    c.escape_default().to_string()
                } else {
                    c.to_string()
                }
            })
            .collect()
    } else {
        s.to_string()
    }
}

/// What sqlx's `PgConnectOptions` dials for a URL: `PGHOSTADDR`/`PGHOST`, `PGPORT` and
/// `PGDATABASE` (else a local socket or `localhost`, port 5432) as defaults; the URL's
/// host, port and path over them; then the query's `host`, `hostaddr`, `port` and
/// `dbname`, in their order.
fn postgres_endpoint(
    u: &ParsedUrl,
    env: &dyn Fn(&str) -> Option<String>,
    exists: &dyn Fn(&Path) -> bool,
) -> Result<Endpoint, String> {
    let default_port = env("PGPORT")
        .and_then(|p| p.parse::<u16>().ok())
        .unwrap_or(5432);
    let mut host = env("PGHOSTADDR")
        .or_else(|| env("PGHOST"))
        .unwrap_or_else(|| {
            // sqlx's default_host: a local socket folder when it has the server's socket.
            ["/var/run/postgresql", "/private/tmp", "/tmp"]
                .iter()
                .find(|d| exists(&Path::new(d).join(format!(".s.PGSQL.{default_port}"))))
                .map_or_else(|| "localhost".to_string(), std::string::ToString::to_string)
        });
    let mut port = default_port;
    let mut database = env("PGDATABASE");
    let hosts = u.hosts.unwrap_or("");
    if hosts.contains(',') {
        return Err(
            "unparseable database URL: several hosts (h1,h2) are not supported; name one host"
                .into(),
        );
    }
    if let Some((h, p)) = u.host_port() {
        if !h.is_empty() {
            let decoded = percent_decode(h);
            host = if decoded.starts_with('/') {
                decoded
            } else {
                h.to_string()
            };
        }
        if let Some(p) = p {
            port = p;
        }
    }
    let path = u.path.trim_start_matches('/');
    if !path.is_empty() {
        database = Some(percent_decode(path));
    }
    for (k, v) in u.query_pairs() {
        match k.as_str() {
            "host" | "hostaddr" => host = v,
            "port" => {
                port = v.parse().map_err(|_| {
                    "unparseable database URL: the port in the query is not a number from 0 to 65535".to_string()
                })?;
            }
            "dbname" => database = Some(v),
            _ => {}
        }
    }
    let at = if host.starts_with('/') {
        format!("{host} (socket, port {port})")
    } else {
        format!("{host}:{port}")
    };
    Ok(Endpoint::Server { at, database })
}

/// What sqlx's `MySqlConnectOptions` dials: the URL's host (default `localhost`) and
/// port (default 3306), or the query's `socket`; the path is the database.
fn mysql_endpoint(u: &ParsedUrl, provider: Dialect) -> Result<Endpoint, String> {
    let hosts = u.hosts.unwrap_or("");
    if hosts.contains(',') {
        return Err(
            "unparseable database URL: several hosts (h1,h2) are not supported; name one host"
                .into(),
        );
    }
    let default_port = if provider == Dialect::Mssql {
        1433
    } else {
        3306
    };
    let (mut host, mut port) = ("localhost".to_string(), default_port);
    if let Some((h, p)) = u.host_port() {
        if !h.is_empty() {
            host = h.to_string();
        }
        if let Some(p) = p {
            port = p;
        }
    }
    let mut at = format!("{host}:{port}");
    if provider == Dialect::Mysql {
        for (k, v) in u.query_pairs() {
            if k == "socket" {
                at = format!("{v} (socket)");
            }
        }
    }
    let path = u.path.trim_start_matches('/');
    let database = (!path.is_empty()).then(|| percent_decode(path));
    Ok(Endpoint::Server { at, database })
}

impl std::fmt::Debug for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.describe())
    }
}

const SCHEMES: &str = "sqlite://, postgres://, mysql:// (or mariadb://), mssql://";

/// Why a URL names no database rustauth can connect to. Neither variant echoes the URL.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum TargetError {
    #[error("{0}")]
    Unparseable(String),
    /// A well-formed URL of a dialect rustauth writes SQL for and never connects to.
    #[error("a {0} URL: rustauth writes {0} SQL only and connects to no {0} database")]
    NotConnectable(Dialect),
}

impl Target {
    /// The SQL dialect of the engine.
    pub(crate) fn dialect(&self) -> Dialect {
        self.engine.dialect()
    }

    /// The PostgreSQL schema the tables live in (`database.schema`), and whether without
    /// one it is `current_schema()` (the 1.7 line) rather than upstream 1.6.9's first
    /// real entry of `search_path`.
    pub(crate) fn with_schema(self, schema: Option<String>, current_schema: bool) -> Target {
        Target {
            schema,
            current_schema,
            ..self
        }
    }

    /// Parses a URL with the one URL parser ([`crate::url`]); errors never echo it.
    pub(crate) fn parse(url: &str, base: &Path) -> Result<Target, TargetError> {
        Target::parse_url(url, base).map_err(TargetError::Unparseable)?
    }

    fn parse_url(url: &str, base: &Path) -> Result<Result<Target, TargetError>, String> {
        let parsed = ParsedUrl::parse(url).map_err(|e| match e {
            UrlError::NoScheme | UrlError::NoAuthority => {
                format!("unparseable database URL (expected {SCHEMES})")
            }
            e => format!("unparseable database URL: {e}"),
        })?;
        let scheme = parsed.scheme;
        let provider = match scheme.to_ascii_lowercase().as_str() {
            "sqlite" => Engine::Sqlite,
            "postgres" | "postgresql" => Engine::Postgres,
            "mysql" | "mariadb" => Engine::Mysql,
            "mssql" | "sqlserver" => {
                // Checked as a server URL all the same, so that a malformed one says so.
                mysql_endpoint(&parsed, Dialect::Mssql)?;
                return Ok(Err(TargetError::NotConnectable(Dialect::Mssql)));
            }
            _ => {
                return Err(format!(
                    "unparseable database URL: unknown scheme (expected {SCHEMES})"
                ));
            }
        };
        if provider == Engine::Sqlite {
            // As sqlx reads it: `sqlite://` or `sqlite:` off, the file up to the first `?`,
            // percent-decoded.
            let file = parsed.path.strip_prefix("//").unwrap_or(parsed.path);
            if file.is_empty() {
                return Err("unparseable database URL: sqlite URL without a file (sqlite://path/to/auth.db)".into());
            }
            let decoded = percent_decode(file);
            let (url, shown) = if file == ":memory:" || Path::new(&decoded).is_absolute() {
                (url.to_string(), decoded)
            } else {
                let abs = base.join(&decoded).display().to_string();
                // Written back so that sqlx decodes it to the same path.
                let encoded = abs.replace('%', "%25").replace('?', "%3F");
                let url = match parsed.query {
                    Some(q) => format!("sqlite://{encoded}?{q}"),
                    None => format!("sqlite://{encoded}"),
                };
                (url, abs)
            };
            return Ok(Ok(Target {
                engine: provider,
                url,
                schema: None,
                current_schema: true,
                endpoint: Endpoint::File(shown),
                secrets: Vec::new(),
            }));
        }
        if parsed.is_file() {
            return Err(format!("unparseable database URL (expected {SCHEMES})"));
        }
        let mut secrets = crate::redact::url_secrets(url);
        let endpoint = match provider {
            Engine::Postgres => {
                if let Ok(p) = std::env::var("PGPASSWORD")
                    && !p.is_empty()
                {
                    secrets.push(p);
                }
                postgres_endpoint(&parsed, &|k| std::env::var(k).ok(), &|p| p.exists())?
            }
            Engine::Sqlite | Engine::Mysql => mysql_endpoint(&parsed, Dialect::Mysql)?,
        };
        let url = if scheme.eq_ignore_ascii_case("mariadb") {
            format!("mysql:{rest_all}", rest_all = &url[scheme.len() + 1..])
        } else {
            url.to_string()
        };
        Ok(Ok(Target {
            engine: provider,
            url,
            schema: None,
            current_schema: true,
            endpoint,
            secrets,
        }))
    }

    /// The URL to connect with. Never print it.
    pub(crate) fn url(&self) -> &str {
        &self.url
    }

    /// The database name (or the SQLite file).
    pub(crate) fn database(&self) -> Option<&str> {
        match &self.endpoint {
            Endpoint::File(f) => Some(f),
            Endpoint::Server { database, .. } => database.as_deref(),
        }
    }

    /// `postgres database "app" on db.internal:5432`, `sqlite database /srv/auth.db`:
    /// the host, port (or socket) and database the driver dials, never the user info.
    pub(crate) fn describe(&self) -> String {
        match &self.endpoint {
            Endpoint::File(f) => format!("sqlite database {}", printable(f)),
            Endpoint::Server { at, database } => {
                let p = self.engine;
                let at = printable(at);
                match database {
                    Some(db) => format!("{p} database \"{}\" on {at}", printable(db)),
                    None => format!("{p} server {at}"),
                }
            }
        }
    }

    /// A driver's error as one line: repeated prefixes folded (`error with configuration:
    /// error with configuration: …`), secrets scrubbed.
    pub(crate) fn driver_message(&self, e: &dyn std::fmt::Display) -> String {
        let text = crate::output::one_line(&e.to_string());
        let mut parts: Vec<&str> = Vec::new();
        for part in text.split(": ") {
            if parts.last() != Some(&part) {
                parts.push(part);
            }
        }
        self.scrub(&parts.join(": "))
    }

    /// Removes every known secret from a text (a driver's error message, say).
    pub(crate) fn scrub(&self, text: &str) -> String {
        let secrets: Vec<&str> = self.secrets.iter().map(String::as_str).collect();
        crate::redact::redact_in_text(text, &secrets)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn describes_without_password() {
        let t = Target::parse(
            "postgres://user:p%40ss@db.example:5433/app?sslmode=require",
            Path::new("/"),
        )
        .unwrap();
        assert_eq!(t.describe(), "postgres database \"app\" on db.example:5433");
        assert_eq!(
            t.scrub("failed for p@ss and p%40ss"),
            "failed for [redacted] and [redacted]"
        );
    }

    #[test]
    fn at_sign_in_password() {
        let t = Target::parse("mysql://root:a@b@host/db", Path::new("/")).unwrap();
        assert_eq!(t.describe(), "mysql database \"db\" on host:3306");
        assert!(!t.scrub("x a@b y").contains("a@b"));
    }

    #[test]
    fn reserved_characters_in_the_password_are_refused() {
        for (url, ch, escape) in [
            ("postgres://app:20241#Spring@127.0.0.1:5432/x", '#', "%23"),
            ("postgres://app:20241?Spring@127.0.0.1:5432/x", '?', "%3F"),
            ("mysql://app:20241/Spring@127.0.0.1:3306/x", '/', "%2F"),
        ] {
            let e = Target::parse(url, Path::new("/")).unwrap_err().to_string();
            assert!(e.contains(&format!("`{ch}`")) && e.contains(escape), "{e}");
            for part in ["app", "20241", "Spring"] {
                assert!(!e.contains(part), "{e}");
            }
        }
    }

    /// The host, port and database the driver dials, as sqlx reads the URL.
    #[test]
    fn names_what_the_driver_dials() {
        let no_env = |_: &str| None;
        let no_socket = |_: &Path| false;
        let pg = |url: &str, env: &dyn Fn(&str) -> Option<String>| {
            postgres_endpoint(&ParsedUrl::parse(url).unwrap(), env, &no_socket).unwrap()
        };
        let server = |at: &str, db: Option<&str>| Endpoint::Server {
            at: at.into(),
            database: db.map(str::to_string),
        };
        assert_eq!(
            pg("postgres://u:p@a:1/one?host=b&port=2&dbname=two", &no_env),
            server("b:2", Some("two"))
        );
        assert_eq!(
            pg("postgres://u:p@a/one%2Fx", &no_env),
            server("a:5432", Some("one/x"))
        );
        assert_eq!(
            pg("postgres:///app?host=%2Frun%2Fpg", &no_env),
            server("/run/pg (socket, port 5432)", Some("app"))
        );
        let env = |k: &str| match k {
            "PGHOST" => Some("envhost".to_string()),
            "PGPORT" => Some("6000".to_string()),
            "PGDATABASE" => Some("envdb".to_string()),
            _ => None,
        };
        assert_eq!(
            pg("postgres://", &env),
            server("envhost:6000", Some("envdb"))
        );
        assert_eq!(pg("postgres://h/d", &env), server("h:6000", Some("d")));
        let socket = |p: &Path| p == Path::new("/var/run/postgresql/.s.PGSQL.5432");
        assert_eq!(
            postgres_endpoint(
                &ParsedUrl::parse("postgres:///x").unwrap(),
                &no_env,
                &socket
            )
            .unwrap(),
            server("/var/run/postgresql (socket, port 5432)", Some("x"))
        );
        let t = Target::parse("mysql://r@h/db?socket=/tmp/my.sock", Path::new("/")).unwrap();
        assert_eq!(
            t.describe(),
            "mysql database \"db\" on /tmp/my.sock (socket)"
        );
        let t = Target::parse("postgres://h/a%0Ab", Path::new("/")).unwrap();
        assert!(!t.describe().contains('\n'), "{}", t.describe());
        assert!(Target::parse("postgres://h1,h2/db", Path::new("/")).is_err());
    }

    #[test]
    fn relative_sqlite_paths_resolve_against_base() {
        let t = Target::parse("sqlite://auth.db", Path::new("/srv/app")).unwrap();
        assert_eq!(t.url(), "sqlite:///srv/app/auth.db");
        assert_eq!(t.describe(), "sqlite database /srv/app/auth.db");
    }

    #[test]
    fn sqlite_files_as_sqlx_reads_them() {
        let t = Target::parse("sqlite://my%20app/a#b.db?mode=rwc", Path::new("/srv/x?y")).unwrap();
        assert_eq!(t.describe(), "sqlite database /srv/x?y/my app/a#b.db");
        assert_eq!(t.url(), "sqlite:///srv/x%3Fy/my app/a#b.db?mode=rwc");
        let t = Target::parse("sqlite:///abs/auth.db", Path::new("/srv")).unwrap();
        assert_eq!(t.database(), Some("/abs/auth.db"));
        let t = Target::parse("sqlite:rel.db", Path::new("/srv")).unwrap();
        assert_eq!(t.database(), Some("/srv/rel.db"));
    }

    #[test]
    fn bad_urls_are_not_echoed() {
        let e = Target::parse("nonsense-secret", Path::new("/"))
            .unwrap_err()
            .to_string();
        assert!(!e.contains("nonsense-secret"));
        let e = Target::parse("postgres://u:pw@h:port/db", Path::new("/"))
            .unwrap_err()
            .to_string();
        assert!(!e.contains("pw"));
        assert!(
            Target::parse("mariadb://root@127.0.0.1/x", Path::new("/"))
                .unwrap()
                .url()
                .starts_with("mysql://")
        );
    }
}
