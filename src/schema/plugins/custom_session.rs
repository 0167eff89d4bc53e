//! `custom-session`: Customise the session object returned to clients.

use crate::model::Line;
use crate::schema::field::TableDef;
use crate::schema::plugins::{Availability, PluginOptions, PluginSpec, Requires};

pub const SPEC: PluginSpec = PluginSpec {
    id: "custom-session",
    summary: "Customise the session object returned to clients",
    options: &[],
    requires: Requires::None,
    availability: Availability::Both,
    tables,
};

fn tables(_opts: &PluginOptions, _line: Line) -> Vec<TableDef> {
    Vec::new()
}
