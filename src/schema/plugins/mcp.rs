//! `mcp`: OAuth provider for Model Context Protocol (MCP) clients.

use crate::schema::plugins::PluginSpec;

pub const SPEC: PluginSpec = PluginSpec {
    id: "mcp",
    summary: "OAuth provider for Model Context Protocol (MCP) clients",
    options: &[],
    requires: &[],
    // Upstream's mcp plugin declares oidc-provider's schema object (it imports it).
    tables: super::oidc_provider::tables,
};
