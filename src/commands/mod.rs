//! One file per command: read flags, call the layers, print, pick the exit code.

pub mod generate;
pub mod schema;

use std::path::PathBuf;

use anyhow::Result;

use crate::cli::{Cli, Command, SchemaCommand};
use crate::config::{self, Loaded};
use crate::exit::Exit;

/// Global flags every command sees.
#[derive(Debug, Clone)]
pub struct Global {
    pub cwd: PathBuf,
    pub config: Option<PathBuf>,
}

impl Global {
    /// Loads `.env` and the config; `required`: a missing rustauth.toml is an error.
    pub fn load(&self, required: bool) -> Result<Loaded> {
        let loaded =
            config::load(&self.cwd, self.config.as_deref(), required).map_err(|e| match e {
                config::ConfigError::Missing { .. } if self.config.is_none() => anyhow::anyhow!(
                    "no rustauth.toml in {}; create one with `rustauth init` or pass --config FILE",
                    self.cwd.display()
                ),
                other => other.into(),
            })?;
        Ok(loaded)
    }
}

pub fn dispatch(cli: Cli) -> Result<Exit> {
    let cwd = match cli.cwd {
        Some(dir) => {
            let dir = if dir.is_absolute() {
                dir
            } else {
                std::env::current_dir()?.join(dir)
            };
            if !dir.is_dir() {
                anyhow::bail!("--cwd {}: no such folder", dir.display());
            }
            dir
        }
        None => std::env::current_dir()?,
    };
    let global = Global {
        cwd,
        config: cli.config,
    };
    match cli.command {
        Command::Schema(SchemaCommand::Print(args)) => schema::print(&global, args),
        Command::Generate(args) => generate::run(&global, args),
    }
}
