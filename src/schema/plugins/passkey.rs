//! `passkey`: Passkey (WebAuthn) sign-in.

use crate::model::Line;
use crate::schema::field::{TableDef, boolean, date, number, string, table};
use crate::schema::plugins::{Availability, PluginOptions, PluginSpec, Requires};

pub const SPEC: PluginSpec = PluginSpec {
    id: "passkey",
    summary: "Passkey (WebAuthn) sign-in",
    options: &[],
    requires: Requires::None,
    availability: Availability::Both,
    tables,
};

fn tables(_opts: &PluginOptions, _line: Line) -> Vec<TableDef> {
    vec![table(
        "passkey",
        vec![
            string("name").optional(),
            string("publicKey"),
            string("userId").index().references("user", "id"),
            string("credentialID").index(),
            number("counter"),
            string("deviceType"),
            boolean("backedUp"),
            string("transports").optional(),
            date("createdAt").optional(),
            string("aaguid").optional(),
        ],
    )]
}
