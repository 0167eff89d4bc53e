//! `phone-number`: Sign-in and verification with a phone number and OTP.

use crate::model::Line;
use crate::schema::field::{TableDef, boolean, string, table};
use crate::schema::plugins::{Availability, PluginOptions, PluginSpec, Requires};

pub const SPEC: PluginSpec = PluginSpec {
    id: "phone-number",
    summary: "Sign-in and verification with a phone number and OTP",
    options: &[],
    requires: Requires::None,
    availability: Availability::Both,
    tables,
};

fn tables(_opts: &PluginOptions, _line: Line) -> Vec<TableDef> {
    vec![table(
        "user",
        vec![
            string("phoneNumber").optional().unique().sortable(),
            boolean("phoneNumberVerified").optional(),
        ],
    )]
}
