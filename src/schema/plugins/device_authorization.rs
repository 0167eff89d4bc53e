//! `device-authorization`: OAuth 2.0 device authorization grant (RFC 8628).

use crate::model::Line;
use crate::schema::field::{TableDef, date, number, string, table};
use crate::schema::plugins::{Availability, PluginOptions, PluginSpec, Requires};

pub const SPEC: PluginSpec = PluginSpec {
    id: "device-authorization",
    summary: "OAuth 2.0 device authorization grant (RFC 8628)",
    options: &[],
    requires: Requires::None,
    availability: Availability::Both,
    tables,
};

fn tables(_opts: &PluginOptions, line: Line) -> Vec<TableDef> {
    let code = table(
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
    );
    // 1.7 declares table-level unique indexes on both codes.
    vec![match line {
        Line::V1_6 => code,
        Line::V1_7 => code
            .unique_index(&["deviceCode"])
            .unique_index(&["userCode"]),
    }]
}
