//! `magic-link`: Passwordless sign-in with a link sent by email.

use crate::model::Line;
use crate::schema::field::TableDef;
use crate::schema::plugins::{Availability, PluginOptions, PluginSpec, Requires};

pub const SPEC: PluginSpec = PluginSpec {
    id: "magic-link",
    summary: "Passwordless sign-in with a link sent by email",
    options: &[],
    requires: Requires::None,
    availability: Availability::Both,
    tables,
};

fn tables(_opts: &PluginOptions, _line: Line) -> Vec<TableDef> {
    Vec::new()
}
