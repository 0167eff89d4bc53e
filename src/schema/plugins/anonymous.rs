//! `anonymous`: Anonymous sign-in, linkable to a real account later.

use crate::schema::field::{TableDef, boolean, table};
use crate::schema::plugins::{PluginOptions, PluginSpec};

pub const SPEC: PluginSpec = PluginSpec {
    id: "anonymous",
    summary: "Anonymous sign-in, linkable to a real account later",
    options: &[],
    requires: &[],
    tables,
};

fn tables(_opts: &PluginOptions) -> Vec<TableDef> {
    vec![table("user", vec![boolean("isAnonymous").optional()])]
}
