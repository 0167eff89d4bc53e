//! `api-key`: API keys with per-key rate limits, quotas and permissions.

use crate::schema::field::{TableDef, boolean, date, number, string, table};
use crate::schema::plugins::{PluginOptions, PluginSpec};

pub const SPEC: PluginSpec = PluginSpec {
    id: "api-key",
    summary: "API keys with per-key rate limits, quotas and permissions",
    options: &[],
    requires: &[],
    tables,
};

fn tables(_opts: &PluginOptions) -> Vec<TableDef> {
    vec![table(
        "apikey",
        vec![
            string("configId").index(),
            string("name").optional(),
            string("start").optional(),
            string("referenceId").index(),
            string("prefix").optional(),
            string("key").index(),
            number("refillInterval").optional(),
            number("refillAmount").optional(),
            date("lastRefillAt").optional(),
            boolean("enabled").optional(),
            boolean("rateLimitEnabled").optional(),
            number("rateLimitTimeWindow").optional(),
            number("rateLimitMax").optional(),
            number("requestCount").optional(),
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
