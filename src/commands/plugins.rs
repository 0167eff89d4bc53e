//! `rustauth plugins` (being written).

use anyhow::{Result, bail};

use super::Global;
use crate::cli::*;
use crate::exit::Exit;

pub fn list(_global: &Global, _args: PluginsListArgs) -> Result<Exit> {
    bail!("not implemented yet")
}

pub fn add(_global: &Global, _args: PluginIdsArgs) -> Result<Exit> {
    bail!("not implemented yet")
}

pub fn remove(_global: &Global, _args: PluginIdsArgs) -> Result<Exit> {
    bail!("not implemented yet")
}
