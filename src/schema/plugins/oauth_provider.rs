//! `oauth-provider`: OAuth 2.1 / OpenID Connect authorization server (needs jwt).

use crate::schema::field::{OnDelete, TableDef, boolean, date, json, string, string_array, table};
use crate::schema::plugins::{PluginOptions, PluginSpec};

pub const SPEC: PluginSpec = PluginSpec {
    id: "oauth-provider",
    summary: "OAuth 2.1 / OpenID Connect authorization server (needs jwt)",
    options: &[],
    requires: &["jwt"],
    tables,
};

fn tables(_opts: &PluginOptions) -> Vec<TableDef> {
    vec![
        table(
            "oauthClient",
            vec![
                string("clientId").unique(),
                string("clientSecret").optional(),
                boolean("disabled").optional(),
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
