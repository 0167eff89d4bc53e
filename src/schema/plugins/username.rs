//! `username`: Sign-in with a username.

use crate::model::Line;
use crate::schema::field::{TableDef, string, table};
use crate::schema::plugins::{Availability, PluginOptions, PluginSpec, Requires};

pub const SPEC: PluginSpec = PluginSpec {
    id: "username",
    summary: "Sign-in with a username",
    options: &[],
    requires: Requires::None,
    availability: Availability::Both,
    tables,
};

fn tables(_opts: &PluginOptions, _line: Line) -> Vec<TableDef> {
    vec![table(
        "user",
        vec![
            string("username").optional().unique().sortable(),
            string("displayUsername").optional(),
        ],
    )]
}
