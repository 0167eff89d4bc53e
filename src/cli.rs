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
}

#[derive(Debug, Subcommand)]
pub enum SchemaCommand {
    /// Print the whole schema as SQL or JSON.
    Print(SchemaPrintArgs),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DialectArg {
    Sqlite,
    Postgres,
    Mysql,
    Mssql,
}

impl DialectArg {
    pub fn provider(self) -> crate::config::Provider {
        use crate::config::Provider;
        match self {
            DialectArg::Sqlite => Provider::Sqlite,
            DialectArg::Postgres => Provider::Postgres,
            DialectArg::Mysql => Provider::Mysql,
            DialectArg::Mssql => Provider::Mssql,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SchemaFormat {
    Sql,
    Json,
}

#[derive(Debug, Args)]
pub struct SchemaPrintArgs {
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
    #[command(flatten)]
    pub yes: YesArgs,
}
