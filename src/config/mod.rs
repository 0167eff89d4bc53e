//! `rustauth.toml` and the environment: types, loading, validation with good errors.
//! The contract is `shared/design/CONFIG.md`; README.md documents it for users.

pub mod adapter;
pub mod dotenv;
pub mod edit;
mod env;
mod parse;
pub mod suggest;

use std::path::{Path, PathBuf};

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

pub use env::{Env, EnvIssue, IssueKind, same_file};
pub use parse::parse_str;

use crate::model::{Dialect, IdStrategy, Line};
pub use crate::schema::options::{
    AdditionalField, AdditionalReference, ModelConfig, PluginsConfig, RateLimitConfig,
    RateLimitStorage, SecondaryStorageConfig,
};

/// The default config file name, looked up in `--cwd`.
pub const FILE_NAME: &str = "rustauth.toml";

/// A config error: always names the file, and the line where there is one.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{path}: {message}")]
    Invalid { path: String, message: String },
    #[error("cannot read {path}: {source}")]
    Read {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("config file {path} does not exist; pass an existing file to --config")]
    Missing { path: String },
    /// The path exists but is no regular file: `what` says what it is.
    #[error("config file {path} {what}; pass a rustauth.toml file to --config")]
    NotAFile { path: String, what: String },
}

// `[project]`, `[database]` and `[security]` are read from rustauth.toml as they are: their
// fields are the file's keys (see `parse`), with the defaults of their `Default`.

#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct ProjectConfig {
    /// `better_auth`: the upstream line whose schema and SQL are reproduced.
    pub better_auth: Line,
    #[serde(deserialize_with = "parse::name")]
    pub framework: Option<String>,
    pub base_url: Option<String>,
    pub base_path: Option<String>,
    pub production: bool,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct DatabaseConfig {
    #[serde(deserialize_with = "parse::listed_name")]
    pub adapter: Option<adapter::Adapter>,
    pub provider: Option<Dialect>,
    #[serde(deserialize_with = "parse::url_env")]
    pub url_env: String,
    pub url: Option<String>,
    #[serde(deserialize_with = "parse::name")]
    pub migrations_dir: String,
    #[serde(deserialize_with = "parse::name")]
    pub schema: Option<String>,
    pub generate_id: IdStrategy,
    pub history_table: String,
}

impl Default for DatabaseConfig {
    fn default() -> Self {
        DatabaseConfig {
            adapter: None,
            provider: None,
            url_env: "DATABASE_URL".into(),
            url: None,
            migrations_dir: "migrations".into(),
            schema: None,
            generate_id: IdStrategy::Default,
            history_table: "_rustauth_migrations".into(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct SecurityConfig {
    #[serde(deserialize_with = "parse::secret_env")]
    pub secret_env: String,
}

impl Default for SecurityConfig {
    fn default() -> Self {
        SecurityConfig {
            secret_env: "RUSTAUTH_SECRET".into(),
        }
    }
}

/// The whole configuration, with defaults filled in. It serializes as the file's tables
/// (what `info` shows), without the models.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Config {
    /// The file it came from; `None` when no file was found (all defaults).
    #[serde(skip)]
    pub path: Option<PathBuf>,
    pub project: ProjectConfig,
    pub database: DatabaseConfig,
    pub security: SecurityConfig,
    pub rate_limit: RateLimitConfig,
    pub secondary_storage: SecondaryStorageConfig,
    pub plugins: PluginsConfig,
    #[serde(skip)]
    pub models: IndexMap<String, ModelConfig>,
}

impl Config {
    /// What the schema is resolved from (`schema::resolve`).
    pub fn schema_options(&self) -> crate::schema::Options<'_> {
        crate::schema::Options {
            line: self.project.better_auth,
            id: self.database.generate_id,
            namespace: self.database.schema.as_deref(),
            plugins: &self.plugins,
            models: &self.models,
            rate_limit: &self.rate_limit,
            secondary_storage: &self.secondary_storage,
        }
    }

    /// The target schema of this configuration.
    pub fn schema(&self) -> crate::schema::Schema {
        crate::schema::resolve(&self.schema_options())
    }

    /// The folder the config's relative paths are relative to: the config's folder, or
    /// `cwd` when there is no file.
    pub fn base_dir(&self, cwd: &Path) -> PathBuf {
        match self.path.as_ref().and_then(|p| p.parent()) {
            Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
            _ => cwd.to_path_buf(),
        }
    }
}

/// Where the config is, and what was loaded with it.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub config: Config,
    pub env: Env,
    pub cwd: PathBuf,
}

/// Finds the config file: `--config`, else `rustauth.toml` in `cwd`. `None` when the
/// default file does not exist; an explicit `--config` that does not exist is an error.
/// A path that exists but is not a regular file (a directory, a FIFO, a device, a
/// broken symlink) is an error that says what it is, also for the default
/// `rustauth.toml`; nothing is opened (reading a FIFO would block).
pub fn locate(cwd: &Path, explicit: Option<&Path>) -> Result<Option<PathBuf>, ConfigError> {
    let p = match explicit {
        Some(p) if p.is_absolute() => p.to_path_buf(),
        Some(p) => cwd.join(p),
        None => cwd.join(FILE_NAME),
    };
    let path = || p.display().to_string();
    match std::fs::metadata(&p) {
        Ok(m) if m.is_file() => Ok(Some(p)),
        Ok(m) => Err(ConfigError::NotAFile {
            path: path(),
            what: not_a_file(&m),
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            if std::fs::symlink_metadata(&p).is_ok() {
                Err(ConfigError::NotAFile {
                    path: path(),
                    what: "is a symlink to a file that does not exist".into(),
                })
            } else if explicit.is_some() {
                Err(ConfigError::Missing { path: path() })
            } else {
                Ok(None)
            }
        }
        Err(source) => Err(ConfigError::Read {
            path: path(),
            source,
        }),
    }
}

/// What a path that is not a regular file is: "is a directory", "is not a regular file
/// (a FIFO)", …
fn not_a_file(m: &std::fs::Metadata) -> String {
    if m.is_dir() {
        return "is a directory".into();
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let t = m.file_type();
        let kind = if t.is_fifo() {
            "a FIFO"
        } else if t.is_char_device() {
            "a character device"
        } else if t.is_block_device() {
            "a block device"
        } else if t.is_socket() {
            "a socket"
        } else {
            "a special file"
        };
        format!("is not a regular file ({kind})")
    }
    #[cfg(not(unix))]
    {
        "is not a regular file".into()
    }
}

/// The folders whose `.env` and `.env.local` commands read, earlier ones winning: the
/// config's folder, then `cwd` (the process environment wins over both; [`Env::load`]).
pub fn env_dirs(config_path: Option<&Path>, cwd: &Path) -> Vec<PathBuf> {
    let mut dirs = Vec::new();
    if let Some(dir) = config_path.and_then(Path::parent) {
        dirs.push(dir.to_path_buf());
    }
    dirs.push(cwd.to_path_buf());
    dirs
}

/// Loads `.env` files and the config. `required`: a missing file is an error (commands
/// that need a config); otherwise a missing file gives the defaults.
/// `line`: a Better Auth line given on the command line (wins over the file's).
pub fn load(
    cwd: &Path,
    explicit: Option<&Path>,
    required: bool,
    line: Option<Line>,
) -> Result<Loaded, ConfigError> {
    let path = locate(cwd, explicit)?;
    let env = Env::load(&env_dirs(path.as_deref(), cwd));
    let config = match &path {
        Some(p) => {
            let text = std::fs::read_to_string(p).map_err(|source| ConfigError::Read {
                path: p.display().to_string(),
                source,
            })?;
            let mut c = parse_str(&text, &p.display().to_string(), line)?;
            c.path = Some(p.clone());
            crate::schema::rename_collisions(&c.schema_options()).map_err(|message| {
                ConfigError::Invalid {
                    path: p.display().to_string(),
                    message,
                }
            })?;
            c
        }
        None if required => {
            return Err(ConfigError::Missing {
                path: cwd.join(FILE_NAME).display().to_string(),
            });
        }
        None => {
            let mut c = Config::default();
            c.project.better_auth = line.unwrap_or_default();
            c
        }
    };
    Ok(Loaded {
        config,
        env,
        cwd: cwd.to_path_buf(),
    })
}
