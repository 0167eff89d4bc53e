//! `passkey`: Passkey (WebAuthn) sign-in.

use crate::schema::field::{TableDef, boolean, date, number, string, table};
use crate::schema::plugins::{PluginOptions, PluginSpec};

pub const SPEC: PluginSpec = PluginSpec {
    id: "passkey",
    summary: "Passkey (WebAuthn) sign-in",
    options: &[],
    requires: &[],
    tables,
};

fn tables(_opts: &PluginOptions) -> Vec<TableDef> {
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
