//! `rustauth info` (being written).

use anyhow::{Result, bail};

use super::Global;
use crate::cli::*;
use crate::exit::Exit;

pub fn run(_global: &Global, _args: InfoArgs) -> Result<Exit> {
    bail!("not implemented yet")
}
