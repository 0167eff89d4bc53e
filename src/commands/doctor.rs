//! `rustauth doctor` (being written).

use anyhow::{Result, bail};

use super::Global;
use crate::cli::*;
use crate::exit::Exit;

pub fn run(_global: &Global, _args: DoctorArgs) -> Result<Exit> {
    bail!("not implemented yet")
}
