//! `oidc-provider`: OpenID Connect provider (the older one; see oauth-provider).

use crate::model::Line;
use crate::schema::field::{TableDef, boolean, date, string, table};
use crate::schema::plugins::{Availability, PluginOptions, PluginSpec, Requires};

pub const SPEC: PluginSpec = PluginSpec {
    id: "oidc-provider",
    summary: "OpenID Connect provider (the older one; see oauth-provider)",
    options: &[],
    requires: Requires::None,
    availability: Availability::Removed {
        replacement: "`oauth-provider`",
    },
    tables,
};

/// Also mcp's tables: upstream's mcp plugin declares this same schema object.
pub(super) fn tables(_opts: &PluginOptions, _line: Line) -> Vec<TableDef> {
    vec![
        table(
            "oauthApplication",
            vec![
                string("name"),
                string("icon").optional(),
                string("metadata").optional(),
                string("clientId").unique(),
                string("clientSecret").optional(),
                string("redirectUrls"),
                string("type"),
                boolean("disabled").optional().default(false),
                string("userId").optional().index().references("user", "id"),
                date("createdAt"),
                date("updatedAt"),
            ],
        ),
        table(
            "oauthAccessToken",
            vec![
                string("accessToken").unique(),
                string("refreshToken").unique(),
                date("accessTokenExpiresAt"),
                date("refreshTokenExpiresAt"),
                string("clientId")
                    .index()
                    .references("oauthApplication", "clientId"),
                string("userId").optional().index().references("user", "id"),
                string("scopes"),
                date("createdAt"),
                date("updatedAt"),
            ],
        ),
        table(
            "oauthConsent",
            vec![
                string("clientId")
                    .index()
                    .references("oauthApplication", "clientId"),
                string("userId").index().references("user", "id"),
                string("scopes"),
                date("createdAt"),
                date("updatedAt"),
                boolean("consentGiven"),
            ],
        ),
    ]
}
