//! `custom-session`: Customise the session object returned to clients.

use crate::schema::field::TableDef;
use crate::schema::plugins::{PluginOptions, PluginSpec};

pub const SPEC: PluginSpec = PluginSpec {
    id: "custom-session",
    summary: "Customise the session object returned to clients",
    options: &[],
    requires: &[],
    tables,
};

fn tables(_opts: &PluginOptions) -> Vec<TableDef> {
    Vec::new()
}
