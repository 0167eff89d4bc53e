//! `siwe`: Sign-In with Ethereum (EIP-4361).

use crate::model::Line;
use crate::schema::field::{TableDef, boolean, date, number, string, table};
use crate::schema::plugins::{Availability, PluginOptions, PluginSpec, Requires};

pub const SPEC: PluginSpec = PluginSpec {
    id: "siwe",
    summary: "Sign-In with Ethereum (EIP-4361)",
    options: &[],
    requires: Requires::None,
    availability: Availability::Both,
    tables,
};

fn tables(_opts: &PluginOptions, _line: Line) -> Vec<TableDef> {
    vec![table(
        "walletAddress",
        vec![
            string("userId").index().references("user", "id"),
            string("address"),
            number("chainId"),
            boolean("isPrimary").default(false),
            date("createdAt"),
        ],
    )]
}
