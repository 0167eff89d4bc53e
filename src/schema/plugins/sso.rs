//! `sso`: Enterprise single sign-on through OIDC and SAML providers.
//!
//! Upstream's `modelName`/`fields` options (defaults `ssoProvider` and the field keys) are
//! `[models.ssoProvider]` in rustauth.toml.

use crate::model::Line;
use crate::schema::field::{TableDef, boolean, string, table};
use crate::schema::plugins::{Availability, OptionSpec, PluginOptions, PluginSpec, Requires};

pub const SPEC: PluginSpec = PluginSpec {
    id: "sso",
    summary: "Enterprise single sign-on through OIDC and SAML providers",
    options: &[OptionSpec::flag(
        "domain_verification",
        "domainVerification.enabled",
        "+ ssoProvider.domainVerified",
    )],
    requires: Requires::None,
    availability: Availability::Both,
    tables,
};

fn tables(opts: &PluginOptions, _line: Line) -> Vec<TableDef> {
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
