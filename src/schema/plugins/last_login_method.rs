//! `last-login-method`: Remember each user's last sign-in method (in a cookie, optionally in the user table).
//!
//! Without `storeInDatabase` upstream's plugin has no schema at all.

use crate::model::Line;
use crate::schema::field::{TableDef, string, table};
use crate::schema::plugins::{Availability, OptionSpec, PluginOptions, PluginSpec, Requires};

pub const SPEC: PluginSpec = PluginSpec {
    id: "last-login-method",
    summary: "Remember each user's last sign-in method (in a cookie, optionally in the user table)",
    options: &[OptionSpec::flag(
        "store_in_database",
        "storeInDatabase",
        "+ user.lastLoginMethod",
    )],
    requires: Requires::None,
    availability: Availability::Both,
    tables,
};

fn tables(opts: &PluginOptions, _line: Line) -> Vec<TableDef> {
    if !opts.enabled("store_in_database") {
        return Vec::new();
    }
    vec![table("user", vec![string("lastLoginMethod").optional()])]
}
