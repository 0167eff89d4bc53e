//! `admin`: User administration: roles, bans and impersonation.

use crate::model::Line;
use crate::schema::field::{TableDef, boolean, date, string, table};
use crate::schema::plugins::{Availability, PluginOptions, PluginSpec, Requires};

pub const SPEC: PluginSpec = PluginSpec {
    id: "admin",
    summary: "User administration: roles, bans and impersonation",
    options: &[],
    requires: Requires::None,
    availability: Availability::Both,
    tables,
};

fn tables(_opts: &PluginOptions, _line: Line) -> Vec<TableDef> {
    vec![
        table(
            "user",
            vec![
                string("role").optional(),
                boolean("banned").optional().default(false),
                string("banReason").optional(),
                date("banExpires").optional(),
            ],
        ),
        table("session", vec![string("impersonatedBy").optional()]),
    ]
}
