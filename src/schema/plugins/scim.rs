//! `scim`: SCIM 2.0 user provisioning from identity providers. Better Auth 1.7 replaced
//! 1.6.9's one `scimProvider` table by seven (and three more for managed connections).

use crate::model::Line;
use crate::schema::field::{TableDef, boolean, date, number, string, table};
use crate::schema::plugins::{Availability, OptionSpec, PluginOptions, PluginSpec, Requires};

pub const SPEC: PluginSpec = PluginSpec {
    id: "scim",
    summary: "SCIM 2.0 user provisioning from identity providers",
    options: &[
        OptionSpec::flag(
            "provider_ownership",
            "providerOwnership.enabled",
            "+ scimProvider.userId",
        )
        .only(Line::V1_6),
        OptionSpec::flag(
            "managed_connections",
            "managedConnections",
            "+ scimManagedConnection, scimManagedCredential, scimManagedConnectionEvent",
        )
        .only(Line::V1_7),
    ],
    requires: Requires::None,
    availability: Availability::Both,
    tables,
};

fn tables(opts: &PluginOptions, line: Line) -> Vec<TableDef> {
    if line == Line::V1_6 {
        let mut fields = vec![
            string("providerId").unique(),
            string("scimToken").unique(),
            string("organizationId").optional(),
        ];
        if opts.enabled("provider_ownership") {
            // Upstream declares no reference to `user` here: a plain optional string.
            fields.push(string("userId").optional());
        }
        return vec![table("scimProvider", fields)];
    }
    let mut tables = Vec::new();
    if opts.enabled("managed_connections") {
        tables.extend(managed_connection_tables());
    }
    tables.extend([
        table(
            "scimConnectionBinding",
            vec![
                string("connectionId").index(),
                string("connectionKey").unique(),
                string("provisioningDomainId"),
                date("createdAt"),
                date("decommissionedAt").optional(),
                string("decommissionStatus").default("active"),
                string("decommissionCursorUserId").optional(),
                number("decommissionReconciledUserCount").default(0),
                number("decommissionBatchCount").default(0),
                number("decommissionRevision").default(0),
                date("decommissionCompletedAt").optional(),
                string("decommissionLeaseId").optional(),
                date("decommissionLeaseExpiresAt").optional(),
            ],
        ),
        table(
            "scimIdentityTombstone",
            vec![
                string("connectionId").index(),
                string("provisioningDomainId").index(),
                string("externalId"),
                string("externalIdKey").unique(),
                string("userId").index().references("user", "id"),
                string("profile"),
                date("deletedAt"),
            ],
        ),
        table(
            "scimSubject",
            vec![
                string("userId").unique().references("user", "id"),
                string("profileSourceId").optional().index(),
                number("revision"),
                date("createdAt"),
                date("updatedAt"),
            ],
        ),
        table(
            "scimUser",
            vec![
                string("connectionId").index(),
                string("provisioningDomainId").index(),
                string("userId").index().references("user", "id"),
                string("connectionUserKey").unique(),
                string("userName"),
                string("userNameKey").unique(),
                string("primaryEmail"),
                string("workEmailValueIndex"),
                string("emailValueIndex"),
                string("displayName"),
                string("formattedName"),
                string("givenName").optional(),
                string("familyName").optional(),
                string("serializedEmails"),
                string("serializedAttributes").optional(),
                string("externalId").optional(),
                string("externalIdKey").optional().unique(),
                boolean("active"),
                string("orderKey").unique(),
                date("createdAt"),
                date("updatedAt"),
            ],
        ),
        table(
            "scimProjectionGrant",
            vec![
                string("connectionId").index(),
                string("provisioningDomainId").index(),
                string("scimUserId").index().references("scimUser", "id"),
                string("userId").index().references("user", "id"),
                string("sourceKind"),
                string("sourceId"),
                string("sourceValue").optional(),
                string("role"),
                string("grantKey").unique(),
                date("createdAt"),
                date("updatedAt"),
            ],
        ),
        table(
            "scimGroup",
            vec![
                string("connectionId").index(),
                string("provisioningDomainId").index(),
                number("revision").default(0),
                string("displayName"),
                string("displayNameKey").unique(),
                string("externalId").optional(),
                string("externalIdKey").optional().unique(),
                string("orderKey").unique(),
                date("createdAt"),
                date("updatedAt"),
            ],
        ),
        table(
            "scimGroupMember",
            vec![
                string("connectionId").index(),
                string("groupId").index().references("scimGroup", "id"),
                string("scimUserId").index().references("scimUser", "id"),
                string("membershipKey").unique(),
                date("createdAt"),
            ],
        ),
    ]);
    tables
}

/// `managedConnections`: declared before the other tables.
fn managed_connection_tables() -> Vec<TableDef> {
    vec![
        table(
            "scimManagedConnection",
            vec![
                string("creationRequestId").unique(),
                string("connectionId").unique(),
                string("provisioningDomainId").index(),
                string("status"),
                number("revision"),
                date("createdAt"),
                string("createdBy"),
                date("decommissionStartedAt").optional(),
                string("decommissionStartedBy").optional(),
                date("decommissionedAt").optional(),
                string("decommissionedBy").optional(),
            ],
        ),
        table(
            "scimManagedCredential",
            vec![
                string("connectionRecordId")
                    .index()
                    .references("scimManagedConnection", "id"),
                string("credentialId").unique(),
                string("tokenDigest"),
                string("hashVersion"),
                string("activeSlotKey").unique(),
                string("status"),
                string("serializedScopes"),
                date("expiresAt"),
                date("createdAt"),
                string("createdBy"),
                date("lastUsedAt").optional(),
                date("revokedAt").optional(),
                string("revokedBy").optional(),
                date("decommissionedAt").optional(),
            ],
        ),
        table(
            "scimManagedConnectionEvent",
            vec![
                string("connectionRecordId")
                    .index()
                    .references("scimManagedConnection", "id"),
                string("eventKey").unique(),
                number("sequence"),
                string("type"),
                string("actorId"),
                string("credentialId").optional(),
                date("createdAt"),
            ],
        ),
    ]
}
