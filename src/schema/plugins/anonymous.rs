//! `anonymous`: Anonymous sign-in, linkable to a real account later.

use crate::model::Line;
use crate::schema::field::{TableDef, boolean, table};
use crate::schema::plugins::{Availability, PluginOptions, PluginSpec, Requires};

pub const SPEC: PluginSpec = PluginSpec {
    id: "anonymous",
    summary: "Anonymous sign-in, linkable to a real account later",
    options: &[],
    requires: Requires::None,
    availability: Availability::Both,
    tables,
};

fn tables(_opts: &PluginOptions, _line: Line) -> Vec<TableDef> {
    vec![table(
        "user",
        vec![boolean("isAnonymous").optional().default(false)],
    )]
}
