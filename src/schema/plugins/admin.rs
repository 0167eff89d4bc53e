//! `admin`: User administration: roles, bans and impersonation.

use crate::schema::field::{TableDef, boolean, date, string, table};
use crate::schema::plugins::{PluginOptions, PluginSpec};

pub const SPEC: PluginSpec = PluginSpec {
    id: "admin",
    summary: "User administration: roles, bans and impersonation",
    options: &[],
    requires: &[],
    tables,
};

fn tables(_opts: &PluginOptions) -> Vec<TableDef> {
    vec![
        table(
            "user",
            vec![
                string("role").optional(),
                boolean("banned").optional(),
                string("banReason").optional(),
                date("banExpires").optional(),
            ],
        ),
        table("session", vec![string("impersonatedBy").optional()]),
    ]
}
