//! `agent-auth` (`@better-auth/agent-auth`, Better Auth 1.7 only): hosts, agents, their
//! capability grants and approval requests.

use crate::model::Line;
use crate::schema::field::{TableDef, date, number, string, table};
use crate::schema::plugins::{Availability, PluginOptions, PluginSpec, Requires};

pub const SPEC: PluginSpec = PluginSpec {
    id: "agent-auth",
    summary: "AI agent identities: hosts, agents, capability grants and approval requests",
    options: &[],
    requires: Requires::None,
    availability: Availability::Added,
    tables,
};

fn tables(_opts: &PluginOptions, _line: Line) -> Vec<TableDef> {
    vec![
        table(
            "agentHost",
            vec![
                string("name").optional(),
                string("userId").optional().index().references("user", "id"),
                string("defaultCapabilities").optional(),
                string("publicKey").optional(),
                string("kid").optional().index(),
                string("jwksUrl").optional(),
                string("enrollmentTokenHash").optional().index(),
                date("enrollmentTokenExpiresAt").optional(),
                string("status").index().default("active"),
                date("activatedAt").optional(),
                date("expiresAt").optional(),
                date("lastUsedAt").optional(),
                date("createdAt"),
                date("updatedAt"),
            ],
        ),
        table(
            "agent",
            vec![
                string("name"),
                string("userId").optional().index().references("user", "id"),
                string("hostId").index().references("agentHost", "id"),
                string("status").index().default("active"),
                string("mode").default("delegated"),
                string("publicKey"),
                string("kid").optional().index(),
                string("jwksUrl").optional(),
                date("lastUsedAt").optional(),
                date("activatedAt").optional(),
                date("expiresAt").optional(),
                string("metadata").optional(),
                date("createdAt"),
                date("updatedAt"),
            ],
        ),
        table(
            "agentCapabilityGrant",
            vec![
                string("agentId").index().references("agent", "id"),
                string("capability").index(),
                string("deniedBy").optional().references("user", "id"),
                string("grantedBy")
                    .optional()
                    .index()
                    .references("user", "id"),
                date("expiresAt").optional(),
                date("createdAt"),
                date("updatedAt"),
                string("status").index().default("active"),
                string("reason").optional(),
                string("constraints").optional(),
            ],
        ),
        table(
            "approvalRequest",
            vec![
                string("method"),
                string("agentId")
                    .optional()
                    .index()
                    .references("agent", "id"),
                string("hostId")
                    .optional()
                    .index()
                    .references("agentHost", "id"),
                string("userId").optional().index().references("user", "id"),
                string("capabilities").optional(),
                string("status").index().default("pending"),
                string("userCodeHash").optional(),
                string("loginHint").optional(),
                string("bindingMessage").optional(),
                string("clientNotificationToken").optional(),
                string("clientNotificationEndpoint").optional(),
                string("deliveryMode").optional(),
                number("interval"),
                date("lastPolledAt").optional(),
                date("expiresAt"),
                date("createdAt"),
                date("updatedAt"),
            ],
        ),
    ]
}
