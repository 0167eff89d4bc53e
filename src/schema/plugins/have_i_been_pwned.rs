//! `have-i-been-pwned`: Reject passwords found in the Have I Been Pwned breach database.

use crate::model::Line;
use crate::schema::field::TableDef;
use crate::schema::plugins::{Availability, PluginOptions, PluginSpec, Requires};

pub const SPEC: PluginSpec = PluginSpec {
    id: "have-i-been-pwned",
    summary: "Reject passwords found in the Have I Been Pwned breach database",
    options: &[],
    requires: Requires::None,
    availability: Availability::Both,
    tables,
};

fn tables(_opts: &PluginOptions, _line: Line) -> Vec<TableDef> {
    Vec::new()
}
