//! `rustauth secret` (being written).

use anyhow::{Result, bail};

use super::Global;
use crate::cli::*;
use crate::exit::Exit;

pub fn run(_global: &Global, _args: SecretArgs) -> Result<Exit> {
    bail!("not implemented yet")
}
