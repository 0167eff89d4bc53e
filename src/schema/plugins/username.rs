//! `username`: Sign-in with a username.

use crate::schema::field::{TableDef, string, table};
use crate::schema::plugins::{PluginOptions, PluginSpec};

pub const SPEC: PluginSpec = PluginSpec {
    id: "username",
    summary: "Sign-in with a username",
    options: &[],
    requires: &[],
    tables,
};

fn tables(_opts: &PluginOptions) -> Vec<TableDef> {
    vec![table(
        "user",
        vec![
            string("username").optional().unique().sortable(),
            string("displayUsername").optional(),
        ],
    )]
}
