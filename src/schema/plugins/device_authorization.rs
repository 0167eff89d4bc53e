//! `device-authorization`: OAuth 2.0 device authorization grant (RFC 8628).

use crate::schema::field::{TableDef, date, number, string, table};
use crate::schema::plugins::{PluginOptions, PluginSpec};

pub const SPEC: PluginSpec = PluginSpec {
    id: "device-authorization",
    summary: "OAuth 2.0 device authorization grant (RFC 8628)",
    options: &[],
    requires: &[],
    tables,
};

fn tables(_opts: &PluginOptions) -> Vec<TableDef> {
    vec![table(
        "deviceCode",
        vec![
            string("deviceCode"),
            string("userCode"),
            string("userId").optional(),
            date("expiresAt"),
            string("status"),
            date("lastPolledAt").optional(),
            number("pollingInterval").optional(),
            string("clientId").optional(),
            string("scope").optional(),
        ],
    )]
}
