//! `jwt`: JSON Web Tokens for sessions, with the signing keys published as a JWKS.

use crate::schema::field::{TableDef, date, string, table};
use crate::schema::plugins::{PluginOptions, PluginSpec};

pub const SPEC: PluginSpec = PluginSpec {
    id: "jwt",
    summary: "JSON Web Tokens for sessions, with the signing keys published as a JWKS",
    options: &[],
    requires: &[],
    tables,
};

fn tables(_opts: &PluginOptions) -> Vec<TableDef> {
    vec![table(
        "jwks",
        vec![
            string("publicKey"),
            string("privateKey"),
            date("createdAt"),
            date("expiresAt").optional(),
        ],
    )]
}
