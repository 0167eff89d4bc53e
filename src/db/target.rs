//! Which database to talk to: the URL (from the variable named by `database.url_env`,
//! else `database.url`), its engine, and a description that never holds the password.

use std::path::Path;

use super::DbError;
use crate::config::{Config, Env};
use crate::model::Dialect;

/// A database to connect to. The URL is private: only [`Target::describe`] is printed.
#[derive(Clone)]
pub struct Target {
    pub provider: Dialect,
    url: String,
    /// PostgreSQL: `database.schema`.
    pub schema: Option<String>,
    /// PostgreSQL without `database.schema`: the schema is `current_schema()` (the 1.7
    /// line) rather than the first real entry of `search_path` (1.6.9).
    pub current_schema: bool,
    host: Option<String>,
    port: Option<String>,
    database: Option<String>,
    /// Strings that must never be printed (the password, raw and decoded).
    secrets: Vec<String>,
}

impl std::fmt::Debug for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.describe())
    }
}

const SCHEMES: &str = "sqlite://, postgres://, mysql:// (or mariadb://), mssql://";

impl Target {
    /// Resolves the URL of a config. `base` is the folder relative SQLite paths are
    /// relative to.
    pub fn from_config(config: &Config, env: &Env, base: &Path) -> Result<Target, DbError> {
        let var = &config.database.url_env;
        let (url, source) = match env.get_non_empty(var) {
            Some(u) => (u, format!("${var}")),
            None => match &config.database.url {
                Some(u) if !u.is_empty() => (u.clone(), "database.url".to_string()),
                _ => {
                    return Err(DbError(format!(
                        "no database URL: set {var} (database.url_env) in the environment or .env, or database.url in rustauth.toml"
                    )));
                }
            },
        };
        let target = Target::parse(&url, base).map_err(|e| DbError(format!("{source}: {e}")))?;
        if let Some(p) = config.database.provider
            && p != target.provider
        {
            return Err(DbError(format!(
                "database.provider is {p} but {source} is a {} URL; make them agree",
                target.provider
            )));
        }
        Ok(Target {
            schema: config.database.schema.clone(),
            current_schema: config.project.better_auth >= crate::model::Line::V1_7,
            ..target
        })
    }

    /// Parses a URL; errors never echo it.
    pub fn parse(url: &str, base: &Path) -> Result<Target, String> {
        let Some((scheme, rest)) = url.split_once(':') else {
            return Err(format!("unparseable database URL (expected {SCHEMES})"));
        };
        let provider = match scheme.to_ascii_lowercase().as_str() {
            "sqlite" => Dialect::Sqlite,
            "postgres" | "postgresql" => Dialect::Postgres,
            "mysql" | "mariadb" => Dialect::Mysql,
            "mssql" | "sqlserver" => Dialect::Mssql,
            _ => {
                return Err(format!(
                    "unparseable database URL: unknown scheme (expected {SCHEMES})"
                ));
            }
        };
        if provider == Dialect::Sqlite {
            let path = rest.trim_start_matches("//");
            let (file, query) = match path.split_once('?') {
                Some((f, q)) => (f, Some(q)),
                None => (path, None),
            };
            if file.is_empty() {
                return Err("unparseable database URL: sqlite URL without a file (sqlite://path/to/auth.db)".into());
            }
            let url = if file == ":memory:" || Path::new(file).is_absolute() {
                url.to_string()
            } else {
                let abs = base.join(file);
                match query {
                    Some(q) => format!("sqlite://{}?{q}", abs.display()),
                    None => format!("sqlite://{}", abs.display()),
                }
            };
            let shown = url.trim_start_matches("sqlite:").trim_start_matches("//");
            let shown = shown.split('?').next().unwrap_or("").to_string();
            return Ok(Target {
                provider,
                url,
                schema: None,
                current_schema: true,
                host: None,
                port: None,
                database: Some(shown),
                secrets: Vec::new(),
            });
        }
        let Some(rest) = rest.strip_prefix("//") else {
            return Err(format!("unparseable database URL (expected {SCHEMES})"));
        };
        let before_query = rest.split(['?', '#']).next().unwrap_or("");
        let hostpart = match before_query.rfind('@') {
            Some(i) => &before_query[i + 1..],
            None => before_query,
        };
        let secrets = crate::redact::url_secrets(url);
        let (hostport, database) = match hostpart.split_once('/') {
            Some((h, d)) => (h, (!d.is_empty()).then(|| crate::redact::percent_decode(d))),
            None => (hostpart, None),
        };
        let (host, port) = if let Some(stripped) = hostport.strip_prefix('[') {
            match stripped.split_once(']') {
                Some((h, p)) => (h.to_string(), p.strip_prefix(':').map(str::to_string)),
                None => return Err("unparseable database URL: bad IPv6 host".into()),
            }
        } else {
            match hostport.rsplit_once(':') {
                Some((h, p)) => (h.to_string(), Some(p.to_string())),
                None => (hostport.to_string(), None),
            }
        };
        if let Some(p) = &port
            && p.parse::<u16>().is_err()
        {
            return Err("unparseable database URL: the port is not a number".into());
        }
        let url = if scheme.eq_ignore_ascii_case("mariadb") {
            format!("mysql:{rest_all}", rest_all = &url[scheme.len() + 1..])
        } else {
            url.to_string()
        };
        Ok(Target {
            provider,
            url,
            schema: None,
            current_schema: true,
            host: (!host.is_empty()).then_some(host),
            port,
            database,
            secrets,
        })
    }

    /// The URL to connect with. Never print it.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The database name (or the SQLite file).
    pub fn database(&self) -> Option<&str> {
        self.database.as_deref()
    }

    /// `postgres database "app" on db.internal:5432`, `sqlite database /srv/auth.db`.
    pub fn describe(&self) -> String {
        match self.provider {
            Dialect::Sqlite => {
                format!("sqlite database {}", self.database.as_deref().unwrap_or(""))
            }
            p => {
                let host = self.host.as_deref().unwrap_or("localhost");
                let at = match &self.port {
                    Some(port) => format!("{host}:{port}"),
                    None => host.to_string(),
                };
                match &self.database {
                    Some(db) => format!("{p} database \"{db}\" on {at}"),
                    None => format!("{p} server {at}"),
                }
            }
        }
    }

    /// A driver's error as one line: repeated prefixes folded (`error with configuration:
    /// error with configuration: …`), secrets scrubbed.
    pub fn driver_message(&self, e: &dyn std::fmt::Display) -> String {
        let text = crate::one_line(&e.to_string());
        let mut parts: Vec<&str> = Vec::new();
        for part in text.split(": ") {
            if parts.last() != Some(&part) {
                parts.push(part);
            }
        }
        self.scrub(&parts.join(": "))
    }

    /// Removes every known secret from a text (a driver's error message, say).
    pub fn scrub(&self, text: &str) -> String {
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
        assert_eq!(t.describe(), "mysql database \"db\" on host");
        assert!(!t.scrub("x a@b y").contains("a@b"));
    }

    #[test]
    fn relative_sqlite_paths_resolve_against_base() {
        let t = Target::parse("sqlite://auth.db", Path::new("/srv/app")).unwrap();
        assert_eq!(t.url(), "sqlite:///srv/app/auth.db");
        assert_eq!(t.describe(), "sqlite database /srv/app/auth.db");
    }

    #[test]
    fn bad_urls_are_not_echoed() {
        let e = Target::parse("nonsense-secret", Path::new("/")).unwrap_err();
        assert!(!e.contains("nonsense-secret"));
        let e = Target::parse("postgres://u:pw@h:port/db", Path::new("/")).unwrap_err();
        assert!(!e.contains("pw"));
        assert!(
            Target::parse("mariadb://root@127.0.0.1/x", Path::new("/"))
                .unwrap()
                .url()
                .starts_with("mysql://")
        );
    }
}
