//! Better Auth 1.6.9's core models (`getAuthTables`): user, session, account,
//! verification, and rateLimit when rate limits are stored in the database.

use super::field::*;

pub fn user() -> TableDef {
    table(
        "user",
        vec![
            string("name").sortable(),
            string("email").unique().sortable(),
            boolean("emailVerified").default(false),
            string("image").optional(),
            date("createdAt").default_now(),
            date("updatedAt").default_now(),
        ],
    )
}

pub fn session() -> TableDef {
    table(
        "session",
        vec![
            date("expiresAt"),
            string("token").unique(),
            date("createdAt").default_now(),
            date("updatedAt"),
            string("ipAddress").optional(),
            string("userAgent").optional(),
            string("userId").references("user", "id").index(),
        ],
    )
}

pub fn account() -> TableDef {
    table(
        "account",
        vec![
            string("accountId"),
            string("providerId"),
            string("userId").references("user", "id").index(),
            string("accessToken").optional(),
            string("refreshToken").optional(),
            string("idToken").optional(),
            date("accessTokenExpiresAt").optional(),
            date("refreshTokenExpiresAt").optional(),
            string("scope").optional(),
            string("password").optional(),
            date("createdAt").default_now(),
            date("updatedAt"),
        ],
    )
}

pub fn verification() -> TableDef {
    table(
        "verification",
        vec![
            string("identifier").index(),
            string("value"),
            date("expiresAt"),
            date("createdAt").default_now(),
            date("updatedAt").default_now(),
        ],
    )
}

/// `rateLimit` (its `lastRequest` default is `() => Date.now()`, a number: no SQL default).
pub fn rate_limit() -> TableDef {
    table(
        "rateLimit",
        vec![
            string("key").unique(),
            number("count"),
            number("lastRequest").bigint().default_now(),
        ],
    )
}

/// The keys of the core models, in upstream order.
pub const CORE_KEYS: [&str; 4] = ["user", "session", "account", "verification"];
