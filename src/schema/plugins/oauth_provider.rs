//! `oauth-provider`: OAuth 2.1 / OpenID Connect authorization server (needs jwt).

use crate::model::Line;
use crate::schema::field::{
    OnDelete, TableDef, boolean, date, json, number, string, string_array, table,
};
use crate::schema::plugins::{Availability, PluginOptions, PluginSpec, Requires};

pub const SPEC: PluginSpec = PluginSpec {
    id: "oauth-provider",
    summary: "OAuth 2.1 / OpenID Connect authorization server (needs jwt)",
    options: &[],
    requires: Requires::Always(&["jwt"]),
    availability: Availability::Both,
    tables,
};

/// Also 1.7's mcp tables (`@better-auth/mcp` is oauth-provider underneath).
pub(super) fn tables(_opts: &PluginOptions, line: Line) -> Vec<TableDef> {
    match line {
        Line::V1_6 => tables_1_6(),
        Line::V1_7 => tables_1_7(),
    }
}

fn tables_1_7() -> Vec<TableDef> {
    vec![
        table(
            "oauthClient",
            vec![
                string("clientId").unique(),
                string("clientSecret").optional(),
                string("clientDiscoveryId").optional(),
                boolean("disabled").optional().default(false),
                boolean("skipConsent").optional(),
                boolean("enableEndSession").optional(),
                string("subjectType").optional(),
                string_array("scopes").optional(),
                string_array("clientCredentialsScopes").optional(),
                string("userId").optional().index().references("user", "id"),
                date("createdAt").optional(),
                date("updatedAt").optional(),
                string("name").optional(),
                string("uri").optional(),
                string("icon").optional(),
                string_array("contacts").optional(),
                string("tos").optional(),
                string("policy").optional(),
                string("softwareId").optional(),
                string("softwareVersion").optional(),
                string("softwareStatement").optional(),
                string_array("redirectUris"),
                string_array("postLogoutRedirectUris").optional(),
                string("backchannelLogoutUri").optional(),
                boolean("backchannelLogoutSessionRequired").optional(),
                string("tokenEndpointAuthMethod").optional(),
                string("applicationType").optional(),
                string("jwks").optional(),
                string("jwksUri").optional(),
                string_array("grantTypes").optional(),
                string_array("responseTypes").optional(),
                boolean("requirePKCE").optional(),
                boolean("dpopBoundAccessTokens").optional().default(false),
                string("referenceId").optional(),
                json("metadata").optional(),
            ],
        ),
        table(
            "oauthResource",
            vec![
                string("identifier").unique(),
                string("name"),
                number("accessTokenTtl").optional(),
                number("refreshTokenTtl").optional(),
                string("signingAlgorithm").optional(),
                string("signingKeyId").optional(),
                string_array("allowedScopes").optional(),
                json("customClaims").optional(),
                boolean("dpopBoundAccessTokensRequired")
                    .optional()
                    .default(false),
                boolean("disabled").optional().default(false),
                date("createdAt").optional(),
                date("updatedAt").optional(),
                number("policyVersion").optional().default(1),
                json("metadata").optional(),
            ],
        ),
        table(
            "oauthClientResource",
            vec![
                string("clientId")
                    .index()
                    .references("oauthClient", "clientId"),
                string("resourceId")
                    .index()
                    .references("oauthResource", "identifier"),
                json("metadata").optional(),
                date("createdAt").optional(),
            ],
        )
        .unique_index(&["clientId", "resourceId"]),
        table(
            "oauthRefreshToken",
            vec![
                string("token").unique(),
                string("clientId")
                    .index()
                    .references("oauthClient", "clientId"),
                string("sessionId").optional().index().references_on_delete(
                    "session",
                    "id",
                    OnDelete::SetNull,
                ),
                string("userId").index().references("user", "id"),
                string("referenceId").optional(),
                string("authorizationCodeId").optional().index(),
                string_array("resources").optional(),
                string_array("requestedUserInfoClaims").optional(),
                date("expiresAt"),
                date("createdAt"),
                date("revoked").optional(),
                date("rotatedAt").optional(),
                string("rotationReplayResponse").optional(),
                date("rotationReplayExpiresAt").optional(),
                date("authTime").optional(),
                json("confirmation").optional(),
                string_array("scopes"),
            ],
        ),
        table(
            "oauthAccessToken",
            vec![
                string("token").unique(),
                string("clientId")
                    .index()
                    .references("oauthClient", "clientId"),
                string("sessionId").optional().index().references_on_delete(
                    "session",
                    "id",
                    OnDelete::SetNull,
                ),
                string("userId").optional().index().references("user", "id"),
                string("referenceId").optional(),
                string("authorizationCodeId").optional().index(),
                string_array("resources").optional(),
                string_array("requestedUserInfoClaims").optional(),
                string("refreshId")
                    .optional()
                    .index()
                    .references("oauthRefreshToken", "id"),
                date("expiresAt"),
                date("createdAt"),
                date("revoked").optional(),
                json("confirmation").optional(),
                string_array("scopes"),
            ],
        ),
        table(
            "oauthConsent",
            vec![
                string("clientId")
                    .index()
                    .references("oauthClient", "clientId"),
                string("userId").optional().index().references("user", "id"),
                string("referenceId").optional(),
                string_array("resources").optional(),
                string_array("requestedUserInfoClaims").optional(),
                string_array("scopes"),
                date("createdAt"),
                date("updatedAt"),
            ],
        ),
        table("oauthClientAssertion", vec![date("expiresAt")]),
    ]
}

fn tables_1_6() -> Vec<TableDef> {
    vec![
        table(
            "oauthClient",
            vec![
                string("clientId").unique(),
                string("clientSecret").optional(),
                boolean("disabled").optional().default(false),
                boolean("skipConsent").optional(),
                boolean("enableEndSession").optional(),
                string("subjectType").optional(),
                string_array("scopes").optional(),
                string("userId").optional().references("user", "id"),
                date("createdAt").optional(),
                date("updatedAt").optional(),
                string("name").optional(),
                string("uri").optional(),
                string("icon").optional(),
                string_array("contacts").optional(),
                string("tos").optional(),
                string("policy").optional(),
                string("softwareId").optional(),
                string("softwareVersion").optional(),
                string("softwareStatement").optional(),
                string_array("redirectUris"),
                string_array("postLogoutRedirectUris").optional(),
                string("tokenEndpointAuthMethod").optional(),
                string_array("grantTypes").optional(),
                string_array("responseTypes").optional(),
                boolean("public").optional(),
                string("type").optional(),
                boolean("requirePKCE").optional(),
                string("referenceId").optional(),
                json("metadata").optional(),
            ],
        ),
        table(
            "oauthRefreshToken",
            vec![
                string("token"),
                string("clientId").references("oauthClient", "clientId"),
                string("sessionId").optional().references_on_delete(
                    "session",
                    "id",
                    OnDelete::SetNull,
                ),
                string("userId").references("user", "id"),
                string("referenceId").optional(),
                date("expiresAt"),
                date("createdAt"),
                date("revoked").optional(),
                date("authTime").optional(),
                string_array("scopes"),
            ],
        ),
        table(
            "oauthAccessToken",
            vec![
                string("token").unique(),
                string("clientId").references("oauthClient", "clientId"),
                string("sessionId").optional().references_on_delete(
                    "session",
                    "id",
                    OnDelete::SetNull,
                ),
                string("userId").optional().references("user", "id"),
                string("referenceId").optional(),
                string("refreshId")
                    .optional()
                    .references("oauthRefreshToken", "id"),
                date("expiresAt"),
                date("createdAt"),
                string_array("scopes"),
            ],
        ),
        table(
            "oauthConsent",
            vec![
                string("clientId").references("oauthClient", "clientId"),
                string("userId").optional().references("user", "id"),
                string("referenceId").optional(),
                string_array("scopes"),
                date("createdAt"),
                date("updatedAt"),
            ],
        ),
    ]
}
