//! `last-login-method`: Remember each user's last sign-in method (in a cookie, optionally in the user table).
//!
//! Without `storeInDatabase` upstream's plugin has no schema at all.

use crate::schema::field::{TableDef, string, table};
use crate::schema::plugins::{OptionSpec, PluginOptions, PluginSpec};

pub const SPEC: PluginSpec = PluginSpec {
    id: "last-login-method",
    summary: "Remember each user's last sign-in method (in a cookie, optionally in the user table)",
    options: &[OptionSpec {
        key: "store_in_database",
        upstream: "storeInDatabase",
        effect: "+ user.lastLoginMethod",
    }],
    requires: &[],
    tables,
};

fn tables(opts: &PluginOptions) -> Vec<TableDef> {
    if !opts.enabled("store_in_database") {
        return Vec::new();
    }
    vec![table("user", vec![string("lastLoginMethod").optional()])]
}
