//! `oauth-proxy`: Proxy OAuth callbacks for preview and development deployments.

use crate::model::Line;
use crate::schema::field::TableDef;
use crate::schema::plugins::{Availability, PluginOptions, PluginSpec, Requires};

pub const SPEC: PluginSpec = PluginSpec {
    id: "oauth-proxy",
    summary: "Proxy OAuth callbacks for preview and development deployments",
    options: &[],
    requires: Requires::None,
    availability: Availability::Both,
    tables,
};

fn tables(_opts: &PluginOptions, _line: Line) -> Vec<TableDef> {
    Vec::new()
}
