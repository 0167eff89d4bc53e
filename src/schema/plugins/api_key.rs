//! `api-key`: API keys with per-key rate limits, quotas and permissions.

use crate::model::Line;
use crate::schema::field::{TableDef, boolean, date, number, string, table};
use crate::schema::plugins::{Availability, PluginOptions, PluginSpec, Requires};

pub const SPEC: PluginSpec = PluginSpec {
    id: "api-key",
    summary: "API keys with per-key rate limits, quotas and permissions",
    options: &[],
    requires: Requires::None,
    availability: Availability::Both,
    tables,
};

fn tables(_opts: &PluginOptions, _line: Line) -> Vec<TableDef> {
    vec![table(
        "apikey",
        vec![
            string("configId").index().default("default"),
            string("name").optional(),
            string("start").optional(),
            string("referenceId").index(),
            string("prefix").optional(),
            string("key").index(),
            number("refillInterval").optional(),
            number("refillAmount").optional(),
            date("lastRefillAt").optional(),
            boolean("enabled").optional().default(true),
            boolean("rateLimitEnabled").optional().default(true),
            number("rateLimitTimeWindow").optional().default(86_400_000),
            number("rateLimitMax").optional().default(10),
            number("requestCount").optional().default(0),
            number("remaining").optional(),
            date("lastRequest").optional(),
            date("expiresAt").optional(),
            date("createdAt"),
            date("updatedAt"),
            string("permissions").optional(),
            string("metadata").optional(),
        ],
    )]
}
