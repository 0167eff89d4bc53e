//! `have-i-been-pwned`: Reject passwords found in the Have I Been Pwned breach database.

use crate::schema::field::TableDef;
use crate::schema::plugins::{PluginOptions, PluginSpec};

pub const SPEC: PluginSpec = PluginSpec {
    id: "have-i-been-pwned",
    summary: "Reject passwords found in the Have I Been Pwned breach database",
    options: &[],
    requires: &[],
    tables,
};

fn tables(_opts: &PluginOptions) -> Vec<TableDef> {
    Vec::new()
}
