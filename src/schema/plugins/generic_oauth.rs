//! `generic-oauth`: Any OAuth 2.0 / OpenID Connect provider as a social sign-in.

use crate::model::Line;
use crate::schema::field::TableDef;
use crate::schema::plugins::{Availability, PluginOptions, PluginSpec, Requires};

pub const SPEC: PluginSpec = PluginSpec {
    id: "generic-oauth",
    summary: "Any OAuth 2.0 / OpenID Connect provider as a social sign-in",
    options: &[],
    requires: Requires::None,
    availability: Availability::Both,
    tables,
};

fn tables(_opts: &PluginOptions, _line: Line) -> Vec<TableDef> {
    Vec::new()
}
