//! One file per command: read flags, call the layers, print, pick the exit code.

pub mod check;
pub mod completions;
pub(crate) mod connect;
pub mod create_admin;
pub mod db_status;
pub mod doctor;
pub mod generate;
pub mod info;
pub mod init;
pub mod migrate;
pub mod plugins;
pub(crate) mod render;
pub mod schema;
pub mod secret;
pub mod snapshot;

use std::path::PathBuf;

use anyhow::Result;

use crate::cli::{Cli, Command, DbCommand, LineArg, PluginsCommand, SchemaCommand};
use crate::config::{self, Loaded};
use crate::exit::Exit;

/// Global flags every command sees.
#[derive(Debug, Clone)]
pub struct Global {
    pub cwd: PathBuf,
    pub config: Option<PathBuf>,
    /// `--better-auth` of `schema print` / `generate`: wins over `[project] better_auth`.
    pub better_auth: Option<crate::model::Line>,
}

impl Global {
    /// Loads `.env` and the config; `required`: a missing rustauth.toml is an error.
    pub fn load(&self, required: bool) -> Result<Loaded> {
        let loaded = config::load(
            &self.cwd,
            self.config.as_deref(),
            required,
            self.better_auth,
        )
        .map_err(|e| match e {
            config::ConfigError::Missing { .. } if self.config.is_none() => anyhow::anyhow!(
                "no rustauth.toml in {}; create one with `rustauth init` or pass --config FILE",
                self.cwd.display()
            ),
            other => other.into(),
        })?;
        env_issues(&loaded.env, loaded.config.project.production)?;
        Ok(loaded)
    }
}

/// What the env files hold that the app reads differently (a key defined twice, a file
/// cut short by a line that does not parse): a warning on stderr, an error in production.
pub fn env_issues(env: &config::Env, production: bool) -> Result<()> {
    if let Some(first) = env.issues.first()
        && production
    {
        anyhow::bail!("{first} (an error in production: project.production = true)");
    }
    for issue in &env.issues {
        crate::output::warn(&issue.to_string());
    }
    Ok(())
}

/// For plugin ids given on the command line: `None` when all are known, else
/// "unknown plugin id `x` (did you mean `y`?)" with the list of valid ids after `; {what};`.
/// A known id that `line` lacks is named with the line.
pub fn unknown_plugin_ids(ids: &[String], what: &str, line: crate::model::Line) -> Option<String> {
    use crate::schema::plugins;
    let unknown: Vec<&String> = ids
        .iter()
        .filter(|i| plugins::find_on(i, line).is_none())
        .collect();
    if unknown.is_empty() {
        return None;
    }
    let valid = plugins::ids(line);
    let named: Vec<String> = unknown
        .iter()
        .map(
            |u| match config::suggest::nearest(u, valid.iter().copied()) {
                _ if plugins::find(u).is_some() => {
                    format!("`{u}` (not a plugin of Better Auth {line})")
                }
                Some(n) => format!("`{u}` (did you mean `{n}`?)"),
                None => format!("`{u}`"),
            },
        )
        .collect();
    Some(format!(
        "unknown plugin id{} {}{what}; valid plugin ids: {}",
        if unknown.len() == 1 { "" } else { "s" },
        named.join(", "),
        valid.join(", ")
    ))
}

/// A single-threaded tokio runtime for the commands that talk to a database.
pub fn runtime() -> Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?)
}

pub fn dispatch(cli: Cli) -> Result<Exit> {
    crate::output::set_verbose(cli.verbose);
    crate::output::set_quiet(cli.quiet);
    let cwd = match cli.cwd {
        Some(dir) => {
            let dir = if dir.is_absolute() {
                dir
            } else {
                std::env::current_dir()?.join(dir)
            };
            if !dir.is_dir() {
                if let Command::Check(args) = &cli.command {
                    return Ok(check::cwd_failure(&dir, args.json));
                }
                anyhow::bail!("--cwd {}: no such folder", dir.display());
            }
            dir
        }
        None => std::env::current_dir()?,
    };
    let mut global = Global {
        cwd,
        config: cli.config,
        better_auth: None,
    };
    match cli.command {
        Command::Schema(SchemaCommand::Print(args)) => {
            global.better_auth = args.better_auth.map(LineArg::line);
            schema::print(&global, args)
        }
        Command::Generate(args) => {
            global.better_auth = args.better_auth.map(LineArg::line);
            generate::run(&global, args)
        }
        Command::Migrate(args) => migrate::run(&global, args),
        Command::Db(DbCommand::Status(args)) => db_status::run(&global, args),
        Command::Secret(args) => secret::run(&global, args),
        Command::Init(args) => init::run(&global, args),
        Command::Plugins(PluginsCommand::List(args)) => plugins::list(&global, args),
        Command::Plugins(PluginsCommand::Add(args)) => plugins::add(&global, args),
        Command::Plugins(PluginsCommand::Remove(args)) => plugins::remove(&global, args),
        Command::Completions(args) => completions::run(args),
        Command::Info(args) => info::run(&global, args),
        Command::Doctor(args) => doctor::run(&global, args),
        Command::Check(args) => check::run(&global, &args),
        Command::CreateAdmin(args) => create_admin::run(&global, args),
    }
}
