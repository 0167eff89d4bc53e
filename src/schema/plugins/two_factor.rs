//! `two-factor`: Two-factor authentication: TOTP, OTP and backup codes.

use crate::schema::field::{TableDef, boolean, string, table};
use crate::schema::plugins::{PluginOptions, PluginSpec};

pub const SPEC: PluginSpec = PluginSpec {
    id: "two-factor",
    summary: "Two-factor authentication: TOTP, OTP and backup codes",
    options: &[],
    requires: &[],
    tables,
};

fn tables(_opts: &PluginOptions) -> Vec<TableDef> {
    vec![
        table("user", vec![boolean("twoFactorEnabled").optional()]),
        table(
            "twoFactor",
            vec![
                string("secret").index(),
                string("backupCodes"),
                string("userId").index().references("user", "id"),
                boolean("verified").optional(),
            ],
        ),
    ]
}
