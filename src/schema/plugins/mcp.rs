//! `mcp`: OAuth provider for Model Context Protocol (MCP) clients. On the 1.6 line it is
//! better-auth/plugins' mcp, which declares oidc-provider's schema object; on 1.7 it is
//! `@better-auth/mcp`, oauth-provider with MCP defaults (its `resource` is required and
//! changes no SQL; like oauth-provider it needs jwt).

use crate::model::Line;
use crate::schema::field::TableDef;
use crate::schema::plugins::{Availability, OptionSpec, PluginOptions, PluginSpec, Requires};

pub const SPEC: PluginSpec = PluginSpec {
    id: "mcp",
    summary: "OAuth provider for Model Context Protocol (MCP) clients",
    options: &[OptionSpec::required_text(
        "resource",
        "resource",
        "the protected resource URL (no schema change)",
        "is Better Auth 1.6's mcp, which Better Auth 1.7 removed; use `oauth-provider` instead, or set `resource` for @better-auth/mcp (or set `better_auth = \"1.6\"` in `[project]`)",
    )
    .only(Line::V1_7)],
    requires: Requires::On(Line::V1_7, &["jwt"]),
    availability: Availability::Both,
    tables,
};

fn tables(opts: &PluginOptions, line: Line) -> Vec<TableDef> {
    match line {
        Line::V1_6 => super::oidc_provider::tables(opts, line),
        Line::V1_7 => super::oauth_provider::tables(opts, line),
    }
}
