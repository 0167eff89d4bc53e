//! `sso`: Enterprise single sign-on through OIDC and SAML providers.
//!
//! Upstream's `modelName`/`fields` options (defaults `ssoProvider` and the field keys) are
//! `[models.ssoProvider]` in rustauth.toml.

use crate::schema::field::{TableDef, boolean, string, table};
use crate::schema::plugins::{OptionSpec, PluginOptions, PluginSpec};

pub const SPEC: PluginSpec = PluginSpec {
    id: "sso",
    summary: "Enterprise single sign-on through OIDC and SAML providers",
    options: &[OptionSpec {
        key: "domain_verification",
        upstream: "domainVerification.enabled",
        effect: "+ ssoProvider.domainVerified",
    }],
    requires: &[],
    tables,
};

fn tables(opts: &PluginOptions) -> Vec<TableDef> {
    let mut fields = vec![
        string("issuer"),
        string("oidcConfig").optional(),
        string("samlConfig").optional(),
        // `required` is unset upstream: NOT NULL.
        string("userId").references("user", "id"),
        string("providerId").unique(),
        string("organizationId").optional(),
        string("domain"),
    ];
    if opts.enabled("domain_verification") {
        fields.push(boolean("domainVerified").optional());
    }
    vec![table("ssoProvider", fields)]
}
