//! `phone-number`: Sign-in and verification with a phone number and OTP.

use crate::schema::field::{TableDef, boolean, string, table};
use crate::schema::plugins::{PluginOptions, PluginSpec};

pub const SPEC: PluginSpec = PluginSpec {
    id: "phone-number",
    summary: "Sign-in and verification with a phone number and OTP",
    options: &[],
    requires: &[],
    tables,
};

fn tables(_opts: &PluginOptions) -> Vec<TableDef> {
    vec![table(
        "user",
        vec![
            string("phoneNumber").optional().unique().sortable(),
            boolean("phoneNumberVerified").optional(),
        ],
    )]
}
