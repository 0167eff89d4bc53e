//! `one-time-token`: Single-use tokens that hand a session to another app or domain.

use crate::schema::field::TableDef;
use crate::schema::plugins::{PluginOptions, PluginSpec};

pub const SPEC: PluginSpec = PluginSpec {
    id: "one-time-token",
    summary: "Single-use tokens that hand a session to another app or domain",
    options: &[],
    requires: &[],
    tables,
};

fn tables(_opts: &PluginOptions) -> Vec<TableDef> {
    Vec::new()
}
