//! `rustauth init` (being written).

use anyhow::{Result, bail};

use super::Global;
use crate::cli::*;
use crate::exit::Exit;

pub fn run(_global: &Global, _args: InitArgs) -> Result<Exit> {
    bail!("not implemented yet")
}
