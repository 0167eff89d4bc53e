//! The command line: clap types and help text only.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "rustauth",
    version,
    about = "Database and secret work for auth stacks that follow Better Auth 1.6.9",
    propagate_version = true
)]
pub struct Cli {
    /// Run as if started in this folder (config, .env and relative paths resolve here).
    #[arg(long, global = true, value_name = "DIR")]
    pub cwd: Option<PathBuf>,

    /// The config file (default: rustauth.toml in --cwd).
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print the target auth schema for an empty database, without a database.
    #[command(subcommand)]
    Schema(SchemaCommand),
    /// Write the SQL that brings a database to the target schema.
    Generate(GenerateArgs),
    /// Apply what the database lacks of the target schema (never destructive).
    Migrate(MigrateArgs),
    /// Database commands.
    #[command(subcommand)]
    Db(DbCommand),
    /// Generate a signing secret, or check one.
    Secret(SecretArgs),
    /// Create rustauth.toml, .env.example and .env.
    Init(InitArgs),
    /// List, add or remove Better Auth plugins.
    #[command(subcommand)]
    Plugins(PluginsCommand),
    /// Print a shell completion script.
    Completions(CompletionsArgs),
    /// Print the CLI, toolchain, workspace and config (secrets redacted).
    Info(InfoArgs),
    /// Check that the project is ready to run: config, database, schema, secret.
    Doctor(DoctorArgs),
}

#[derive(Debug, Subcommand)]
pub enum SchemaCommand {
    /// Print the whole schema as SQL or JSON.
    Print(SchemaPrintArgs),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DialectArg {
    Sqlite,
    #[value(alias = "postgresql", alias = "pg")]
    Postgres,
    #[value(alias = "mariadb")]
    Mysql,
    #[value(alias = "sqlserver")]
    Mssql,
}

impl DialectArg {
    pub fn provider(self) -> crate::model::Dialect {
        use crate::model::Dialect;
        match self {
            DialectArg::Sqlite => Dialect::Sqlite,
            DialectArg::Postgres => Dialect::Postgres,
            DialectArg::Mysql => Dialect::Mysql,
            DialectArg::Mssql => Dialect::Mssql,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SchemaFormat {
    Sql,
    Json,
}

/// `--better-auth`: the Better Auth line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LineArg {
    #[value(name = "1.6")]
    V1_6,
    #[value(name = "1.7")]
    V1_7,
}

impl LineArg {
    pub fn line(self) -> crate::model::Line {
        match self {
            LineArg::V1_6 => crate::model::Line::V1_6,
            LineArg::V1_7 => crate::model::Line::V1_7,
        }
    }
}

#[derive(Debug, Args)]
pub struct SchemaPrintArgs {
    /// The Better Auth line (default: `[project] better_auth`, else 1.7).
    #[arg(long, value_enum, value_name = "LINE")]
    pub better_auth: Option<LineArg>,
    /// The SQL dialect (default: the config's provider, else sqlite).
    #[arg(long, value_enum)]
    pub dialect: Option<DialectArg>,
    /// `sql` (what generate writes for an empty database) or `json` (the resolved model).
    #[arg(long, value_enum, default_value = "sql")]
    pub format: SchemaFormat,
}

/// `-y/--yes`, and the deprecated `--y`.
#[derive(Debug, Args, Clone, Copy)]
pub struct YesArgs {
    /// Do not ask for confirmation.
    #[arg(short = 'y', long = "yes")]
    pub yes: bool,
    /// Deprecated spelling of --yes.
    #[arg(long = "y", hide = true)]
    pub y_deprecated: bool,
}

impl YesArgs {
    /// Whether the user said yes; warns on stderr about the deprecated spelling.
    pub fn given(self) -> bool {
        if self.y_deprecated {
            eprintln!("warning: `--y` is deprecated; use `-y` or `--yes`");
        }
        self.yes || self.y_deprecated
    }
}

#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// The adapter: kysely or sqlx write SQL; prisma and drizzle print guidance.
    #[arg(long)]
    pub adapter: Option<String>,
    /// Write the SQL for an empty database of this dialect, without connecting.
    #[arg(long)]
    pub dialect: Option<String>,
    /// The file to write (default: <migrations_dir>/<YYYYMMDDHHMMSS>_rustauth.sql).
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// The folder to write the timestamped file in (default: database.migrations_dir).
    #[arg(long, value_name = "DIR", conflicts_with = "output")]
    pub output_dir: Option<PathBuf>,
    /// Write even when a file in the folder already holds the same plan.
    #[arg(long)]
    pub force: bool,
    /// The Better Auth line (default: `[project] better_auth`, else 1.7).
    #[arg(long, value_enum, value_name = "LINE")]
    pub better_auth: Option<LineArg>,
    #[command(flatten)]
    pub yes: YesArgs,
    #[command(flatten)]
    pub connect: ConnectArgs,
}

/// How long to wait for a database.
#[derive(Debug, Args, Clone, Copy)]
pub struct ConnectArgs {
    /// Seconds to wait for the database connection.
    #[arg(long, value_name = "SECONDS", default_value_t = 10)]
    pub connect_timeout: u64,
    /// Say what a wait of over a second waits for (the connection, the migration lock)
    /// also when stderr is not a terminal.
    #[arg(short = 'v', long)]
    pub verbose: bool,
}

#[derive(Debug, Args)]
pub struct MigrateArgs {
    #[command(flatten)]
    pub yes: YesArgs,
    /// Print the SQL and change nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Seconds to wait for a lock: the migration lock of another rustauth migrate, and
    /// each table lock another session holds (PostgreSQL lock_timeout, MySQL
    /// lock_wait_timeout, SQLite's busy timeout).
    #[arg(long, value_name = "SECONDS", default_value_t = 60)]
    pub lock_timeout: u64,
    #[command(flatten)]
    pub connect: ConnectArgs,
}

#[derive(Debug, Subcommand)]
pub enum DbCommand {
    /// What the database lacks of the target schema, and the last applied plan.
    Status(DbStatusArgs),
}

#[derive(Debug, Args)]
pub struct DbStatusArgs {
    /// Print JSON (the shape README.md documents).
    #[arg(long)]
    pub json: bool,
    /// Exit 3 when anything is pending or blocked (for CI).
    #[arg(long)]
    pub check: bool,
    #[command(flatten)]
    pub connect: ConnectArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SecretFormat {
    Base64url,
    Hex,
}

#[derive(Debug, Args)]
#[command(group = clap::ArgGroup::new("checking").args(["check", "check_env"]))]
pub struct SecretArgs {
    /// Random bytes in a generated secret (at least 32).
    #[arg(long, value_name = "N", default_value_t = 32, value_parser = parse_secret_bytes,
          conflicts_with = "checking")]
    pub bytes: usize,
    /// The encoding of a generated secret.
    #[arg(
        long,
        value_enum,
        default_value = "base64url",
        conflicts_with = "checking"
    )]
    pub format: SecretFormat,
    /// Print the value alone (no `NAME=`).
    #[arg(long, conflicts_with = "checking")]
    pub raw: bool,
    /// Check this value instead of generating one; `-` reads it from stdin (keeps it out
    /// of shell history).
    #[arg(long, value_name = "VALUE", allow_hyphen_values = true)]
    pub check: Option<String>,
    /// Check the configured secret variable (after .env/.env.local loading), else
    /// RUSTAUTH_SECRETS, BETTER_AUTH_SECRETS, BETTER_AUTH_SECRET, AUTH_SECRET.
    #[arg(long)]
    pub check_env: bool,
    /// Fail on every finding, length and entropy too (also `project.production = true`).
    #[arg(long, requires = "checking")]
    pub production: bool,
}

fn parse_secret_bytes(s: &str) -> Result<usize, String> {
    let n: usize = s
        .parse()
        .map_err(|_| format!("`{s}` is not a number of bytes"))?;
    if n < crate::secret::MIN_BYTES {
        return Err(format!(
            "a secret needs at least {} random bytes (256 bits)",
            crate::secret::MIN_BYTES
        ));
    }
    if n > crate::secret::MAX_BYTES {
        return Err(format!("at most {} random bytes", crate::secret::MAX_BYTES));
    }
    Ok(n)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Framework {
    Axum,
    #[value(name = "actix-web")]
    ActixWeb,
    Rocket,
    Other,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum InitProvider {
    Sqlite,
    Postgres,
    Mysql,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// The web framework (informational).
    #[arg(long, value_enum)]
    pub framework: Option<Framework>,
    /// The database adapter (default sqlx).
    #[arg(long)]
    pub adapter: Option<String>,
    /// The database (default sqlite).
    #[arg(long, value_enum)]
    pub provider: Option<InitProvider>,
    /// The database URL to put in .env.
    #[arg(long, value_name = "URL")]
    pub database_url: Option<String>,
    /// Plugin ids to enable, comma-separated.
    #[arg(long, value_delimiter = ',', value_name = "ID,ID")]
    pub plugins: Option<Vec<String>>,
    /// Put a fresh secret in .env where the key is new.
    #[arg(long)]
    pub seed_secrets: bool,
    /// Overwrite an existing rustauth.toml.
    #[arg(long)]
    pub force: bool,
    /// Merge the env keys into these files instead of .env (repeatable).
    #[arg(long = "env-file", value_name = "PATH")]
    pub env_file: Vec<PathBuf>,
    #[command(flatten)]
    pub yes: YesArgs,
}

#[derive(Debug, Subcommand)]
pub enum PluginsCommand {
    /// Every plugin id with what it adds to the schema.
    List(PluginsListArgs),
    /// Enable plugins in rustauth.toml.
    Add(PluginIdsArgs),
    /// Disable plugins in rustauth.toml.
    Remove(PluginIdsArgs),
}

#[derive(Debug, Args)]
pub struct PluginsListArgs {
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct PluginIdsArgs {
    /// Plugin ids (see `rustauth plugins list`).
    #[arg(required = true, value_name = "ID")]
    pub ids: Vec<String>,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Args)]
pub struct InfoArgs {
    /// Print JSON (the shape README.md documents).
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct DoctorArgs {
    /// Print JSON (the shape README.md documents).
    #[arg(long)]
    pub json: bool,
    /// Turn warnings into failures (also `project.production = true`).
    #[arg(long)]
    pub production: bool,
    #[command(flatten)]
    pub connect: ConnectArgs,
}
