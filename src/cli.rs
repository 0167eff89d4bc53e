//! The command line: clap types and help text only.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::config::adapter::Adapter;

/// The adapters `--adapter` takes (a bad one is a usage error, exit 2, as for every
/// value a flag lists).
fn adapter_parser() -> impl clap::builder::TypedValueParser<Value = Adapter> {
    use clap::builder::TypedValueParser;
    clap::builder::PossibleValuesParser::new(Adapter::NAMES)
        .map(|s| Adapter::parse(&s).expect("one of the listed names"))
}

/// Plugin ids, for completions: any string is accepted here (the commands say what is
/// wrong with an unknown id, with a suggestion and the valid ids of the config's line).
#[derive(Clone)]
struct PluginIdHints;

impl clap::builder::TypedValueParser for PluginIdHints {
    type Value = String;

    fn parse_ref(
        &self,
        _cmd: &clap::Command,
        _arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<String, clap::Error> {
        Ok(value.to_string_lossy().into_owned())
    }

    fn possible_values(
        &self,
    ) -> Option<Box<dyn Iterator<Item = clap::builder::PossibleValue> + '_>> {
        Some(Box::new(
            crate::schema::plugins::REGISTRY
                .iter()
                .map(|p| clap::builder::PossibleValue::new(p.id)),
        ))
    }
}

/// `rustauth -V`: the version and the commit it was built from.
pub const VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (",
    env!("RUSTAUTH_COMMIT"),
    ")"
);

#[derive(Debug, Parser)]
#[command(
    name = "rustauth",
    version = VERSION,
    about = "Database and secret work for auth stacks that follow Better Auth (1.7 and 1.6)",
    propagate_version = true
)]
pub struct Cli {
    /// Run as if started in this folder (config, .env and relative paths resolve here).
    #[arg(long, global = true, value_name = "DIR")]
    pub cwd: Option<PathBuf>,

    /// The config file (default: rustauth.toml in --cwd).
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Print only results and errors: no progress notices, warnings or summaries.
    #[arg(short = 'q', long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,

    /// Say what a wait of over a second waits for (the connection, the migration lock)
    /// also when stderr is not a terminal.
    #[arg(short = 'v', long, global = true)]
    pub verbose: bool,

    /// Colour the `error:`, `warning:` and `help:` labels: auto (a terminal, unless
    /// NO_COLOR is set or CLICOLOR=0), always, never.
    #[arg(
        long,
        global = true,
        value_enum,
        value_name = "WHEN",
        default_value = "auto"
    )]
    pub color: ColorChoice,

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
    /// Better Auth's schema check against the live database (exit 0 passed, 1 mismatch,
    /// 2 could not check; as `auth check`).
    Check(CheckArgs),
    /// Create an administrator (needs the admin plugin): a user and its password account,
    /// written as Better Auth writes them.
    CreateAdmin(CreateAdminArgs),
}

#[derive(Debug, Args)]
pub struct CreateAdminArgs {
    /// The administrator's email (asked on a terminal when absent).
    #[arg(long, value_name = "EMAIL")]
    pub email: Option<String>,
    /// Read the password from standard input (one line).
    #[arg(long, conflicts_with = "password")]
    pub password_stdin: bool,
    /// The password on the command line: visible to other users (ps, shell history);
    /// prefer --password-stdin or the prompt.
    #[arg(long, value_name = "PASSWORD")]
    pub password: Option<String>,
    /// The user's name.
    #[arg(long, default_value = "Admin")]
    pub name: String,
    /// The admin plugin role to give.
    #[arg(long, default_value = "admin")]
    pub role: String,
    /// More user fields, as a JSON object (additional fields, plugin fields).
    #[arg(long, value_name = "JSON")]
    pub data: Option<String>,
    /// Leave emailVerified false.
    #[arg(long)]
    pub no_email_verified: bool,
    /// The email exists already: make that user an administrator and set its password.
    #[arg(long)]
    pub force: bool,
    #[command(flatten)]
    pub yes: YesArgs,
    #[command(flatten)]
    pub connect: ConnectArgs,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(subcommand)]
    pub what: Option<CheckCommand>,
    /// Print the findings as JSON (the shape README.md documents).
    #[arg(long, global = true)]
    pub json: bool,
    /// Seconds to wait for the database connection.
    #[arg(long, value_name = "SECONDS", default_value_t = 10, global = true)]
    pub connect_timeout: u64,
}

#[derive(Debug, Clone, Copy, Subcommand)]
pub enum CheckCommand {
    /// Check that the database can hold what Better Auth writes (the same as `check`).
    Schema,
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

/// `--color`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
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
    /// The same as `--format json`.
    #[arg(long)]
    pub json: bool,
}

/// `-y/--yes`. The deprecated `--y` is read as `--yes` before parsing
/// ([`deprecated_spellings`]), so that help and completions never offer it.
#[derive(Debug, Args, Clone, Copy)]
pub struct YesArgs {
    /// Do not ask for confirmation.
    #[arg(short = 'y', long = "yes")]
    pub yes: bool,
}

impl YesArgs {
    /// Whether the user said yes.
    pub fn given(self) -> bool {
        self.yes
    }
}

/// Rewrites upstream's deprecated `--y` to `--yes`, with a warning on stderr.
pub fn deprecated_spellings<T: Into<std::ffi::OsString>>(
    args: impl IntoIterator<Item = T>,
) -> Vec<std::ffi::OsString> {
    let mut warned = false;
    let mut after_separator = false;
    args.into_iter()
        .map(Into::into)
        .map(|a| {
            if a == "--" {
                after_separator = true;
            }
            if !after_separator && a == "--y" {
                if !warned {
                    eprintln!("warning: `--y` is deprecated; use `-y` or `--yes`");
                    warned = true;
                }
                return "--yes".into();
            }
            a
        })
        .collect()
}

#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// The adapter: kysely or sqlx write SQL; prisma and drizzle print guidance.
    #[arg(long, value_parser = adapter_parser(), hide_possible_values = true)]
    pub adapter: Option<Adapter>,
    /// Write the SQL for an empty database of this dialect, without connecting.
    #[arg(long, value_enum)]
    pub dialect: Option<DialectArg>,
    /// The file to write (default: <migrations_dir>/<YYYYMMDDHHMMSS>_rustauth_<what>.sql).
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// The folder to write the timestamped file in (default: database.migrations_dir).
    #[arg(long, value_name = "DIR", conflicts_with = "output")]
    pub output_dir: Option<PathBuf>,
    /// Write even when a file in the folder already holds the same plan.
    #[arg(long)]
    pub force: bool,
    /// Print the outcome as one JSON document (`outcome`, `file`, `sha256`).
    #[arg(long)]
    pub json: bool,
    /// With --dialect: write the whole schema, not the difference from the last snapshot
    /// in the migrations folder.
    #[arg(long, requires = "dialect")]
    pub from_scratch: bool,
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
}

#[derive(Debug, Args)]
pub struct MigrateArgs {
    #[command(flatten)]
    pub yes: YesArgs,
    /// Print the SQL and change nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Print the outcome as one JSON document (README: `migrate --json`).
    #[arg(long)]
    pub json: bool,
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
    /// Put the new secret in an env file instead of printing it (default: `.env` beside
    /// the config): the variable's definition is replaced in place, or appended;
    /// atomically, mode 0600, every other byte unchanged.
    #[arg(long, value_name = "FILE", num_args = 0..=1, conflicts_with_all = ["checking", "raw"])]
    pub write: Option<Option<PathBuf>>,
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
    /// With --check / --check-env: print the findings as one JSON document.
    #[arg(long, requires = "checking")]
    pub json: bool,
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
    #[arg(long, value_parser = adapter_parser(), hide_possible_values = true)]
    pub adapter: Option<Adapter>,
    /// The database (default sqlite).
    #[arg(long, value_enum)]
    pub provider: Option<InitProvider>,
    /// The database URL to put in .env.
    #[arg(long, value_name = "URL")]
    pub database_url: Option<String>,
    /// Plugin ids to enable, comma-separated.
    #[arg(long, value_delimiter = ',', value_name = "ID,ID", value_parser = PluginIdHints, hide_possible_values = true)]
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
    /// The Better Auth line to write in `[project] better_auth` (default 1.7).
    #[arg(long, value_enum, value_name = "LINE")]
    pub better_auth: Option<LineArg>,
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
    #[arg(required = true, value_name = "ID", value_parser = PluginIdHints, hide_possible_values = true)]
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
