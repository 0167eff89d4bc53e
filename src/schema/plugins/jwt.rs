//! `jwt`: JSON Web Tokens for sessions, with the signing keys published as a JWKS.

use crate::model::Line;
use crate::schema::field::{TableDef, date, string, table};
use crate::schema::plugins::{Availability, PluginOptions, PluginSpec, Requires};

pub const SPEC: PluginSpec = PluginSpec {
    id: "jwt",
    summary: "JSON Web Tokens for sessions, with the signing keys published as a JWKS",
    options: &[],
    requires: Requires::None,
    availability: Availability::Both,
    tables,
};

fn tables(_opts: &PluginOptions, line: Line) -> Vec<TableDef> {
    let mut fields = vec![
        string("publicKey"),
        string("privateKey"),
        date("createdAt"),
        date("expiresAt").optional(),
    ];
    if line >= Line::V1_7 {
        fields.extend([string("alg").optional(), string("crv").optional()]);
    }
    vec![table("jwks", fields)]
}
