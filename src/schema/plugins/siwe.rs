//! `siwe`: Sign-In with Ethereum (EIP-4361).

use crate::schema::field::{TableDef, boolean, date, number, string, table};
use crate::schema::plugins::{PluginOptions, PluginSpec};

pub const SPEC: PluginSpec = PluginSpec {
    id: "siwe",
    summary: "Sign-In with Ethereum (EIP-4361)",
    options: &[],
    requires: &[],
    tables,
};

fn tables(_opts: &PluginOptions) -> Vec<TableDef> {
    vec![table(
        "walletAddress",
        vec![
            string("userId").index().references("user", "id"),
            string("address"),
            number("chainId"),
            boolean("isPrimary"),
            date("createdAt"),
        ],
    )]
}
