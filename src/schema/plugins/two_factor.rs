//! `two-factor`: Two-factor authentication: TOTP, OTP and backup codes.

use crate::model::Line;
use crate::schema::field::{TableDef, boolean, date, number, string, table};
use crate::schema::plugins::{Availability, PluginOptions, PluginSpec, Requires};

pub const SPEC: PluginSpec = PluginSpec {
    id: "two-factor",
    summary: "Two-factor authentication: TOTP, OTP and backup codes",
    options: &[],
    requires: Requires::None,
    availability: Availability::Both,
    tables,
};

fn tables(_opts: &PluginOptions, line: Line) -> Vec<TableDef> {
    let mut two_factor = vec![
        string("secret").index(),
        string("backupCodes"),
        string("userId").index().references("user", "id"),
        boolean("verified").optional().default(true),
    ];
    if line >= Line::V1_7 {
        two_factor.extend([
            number("failedVerificationCount").optional().default(0),
            date("lockedUntil").optional(),
        ]);
    }
    vec![
        table(
            "user",
            vec![boolean("twoFactorEnabled").optional().default(false)],
        ),
        table("twoFactor", two_factor),
    ]
}
