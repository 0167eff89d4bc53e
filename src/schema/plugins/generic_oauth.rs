//! `generic-oauth`: Any OAuth 2.0 / OpenID Connect provider as a social sign-in.

use crate::schema::field::TableDef;
use crate::schema::plugins::{PluginOptions, PluginSpec};

pub const SPEC: PluginSpec = PluginSpec {
    id: "generic-oauth",
    summary: "Any OAuth 2.0 / OpenID Connect provider as a social sign-in",
    options: &[],
    requires: &[],
    tables,
};

fn tables(_opts: &PluginOptions) -> Vec<TableDef> {
    Vec::new()
}
