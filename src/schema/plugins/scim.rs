//! `scim`: SCIM 2.0 user provisioning from identity providers.

use crate::schema::field::{TableDef, string, table};
use crate::schema::plugins::{OptionSpec, PluginOptions, PluginSpec};

pub const SPEC: PluginSpec = PluginSpec {
    id: "scim",
    summary: "SCIM 2.0 user provisioning from identity providers",
    options: &[OptionSpec {
        key: "provider_ownership",
        upstream: "providerOwnership.enabled",
        effect: "+ scimProvider.userId",
    }],
    requires: &[],
    tables,
};

fn tables(opts: &PluginOptions) -> Vec<TableDef> {
    let mut fields = vec![
        string("providerId").unique(),
        string("scimToken").unique(),
        string("organizationId").optional(),
    ];
    if opts.enabled("provider_ownership") {
        // Upstream declares no reference to `user` here: a plain optional string.
        fields.push(string("userId").optional());
    }
    vec![table("scimProvider", fields)]
}
