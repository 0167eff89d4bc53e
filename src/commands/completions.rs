//! `rustauth completions` (being written).

use anyhow::{Result, bail};

use crate::cli::CompletionsArgs;
use crate::exit::Exit;

pub fn run(_args: CompletionsArgs) -> Result<Exit> {
    bail!("not implemented yet")
}
