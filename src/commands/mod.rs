//! One file per command: read flags, call the layers, print, pick the exit code. What
//! they share is below them: `context` (the global flags, loading, the runtime),
//! `connect` (config to database), `render` (error words), `snapshot` (generate's
//! snapshots). This file only dispatches.

pub(crate) mod check;
pub(crate) mod completions;
pub(crate) mod connect;
pub(crate) mod context;
pub(crate) mod create_admin;
pub(crate) mod db_status;
pub(crate) mod doctor;
pub(crate) mod generate;
pub(crate) mod info;
pub(crate) mod init;
pub(crate) mod migrate;
pub(crate) mod plugins;
pub(crate) mod render;
pub(crate) mod schema;
pub(crate) mod secret;
pub(crate) mod snapshot;

use anyhow::Result;

use crate::cli::{Cli, Command, DbCommand, LineArg, PluginsCommand, SchemaCommand};
use crate::exit::Exit;

pub(crate) use context::Global;

pub(crate) fn dispatch(cli: Cli) -> Result<Exit> {
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
