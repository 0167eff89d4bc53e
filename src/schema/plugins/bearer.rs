//! `bearer`: Authenticate with a bearer token instead of the session cookie.

use crate::schema::field::TableDef;
use crate::schema::plugins::{PluginOptions, PluginSpec};

pub const SPEC: PluginSpec = PluginSpec {
    id: "bearer",
    summary: "Authenticate with a bearer token instead of the session cookie",
    options: &[],
    requires: &[],
    tables,
};

fn tables(_opts: &PluginOptions) -> Vec<TableDef> {
    Vec::new()
}
