//! `oauth-proxy`: Proxy OAuth callbacks for preview and development deployments.

use crate::schema::field::TableDef;
use crate::schema::plugins::{PluginOptions, PluginSpec};

pub const SPEC: PluginSpec = PluginSpec {
    id: "oauth-proxy",
    summary: "Proxy OAuth callbacks for preview and development deployments",
    options: &[],
    requires: &[],
    tables,
};

fn tables(_opts: &PluginOptions) -> Vec<TableDef> {
    Vec::new()
}
