//! The plugin registry: one file per Better Auth plugin id, each a small piece of data
//! (its tables and fields for its options). Adding a plugin touches its file and
//! [`REGISTRY`], nothing else.

pub mod additional_fields;
pub mod admin;
pub mod anonymous;
pub mod api_key;
pub mod bearer;
pub mod captcha;
pub mod custom_session;
pub mod device_authorization;
pub mod email_otp;
pub mod generic_oauth;
pub mod have_i_been_pwned;
pub mod jwt;
pub mod last_login_method;
pub mod magic_link;
pub mod mcp;
pub mod multi_session;
pub mod oauth_provider;
pub mod oauth_proxy;
pub mod oidc_provider;
pub mod one_tap;
pub mod one_time_token;
pub mod open_api;
pub mod organization;
pub mod passkey;
pub mod phone_number;
pub mod scim;
pub mod siwe;
pub mod sso;
pub mod stripe;
pub mod two_factor;
pub mod username;

use std::collections::BTreeMap;

use crate::schema::field::TableDef;

/// An option of a plugin that changes its schema (`[plugins.<id>] <key> = true`).
#[derive(Debug, Clone, Copy)]
pub struct OptionSpec {
    /// The key in rustauth.toml (`teams`).
    pub key: &'static str,
    /// The Better Auth option it stands for (`teams.enabled`).
    pub upstream: &'static str,
    /// What it adds, for `plugins list` (`+ team, teamMember, invitation.teamId`).
    pub effect: &'static str,
}

/// The schema-changing options a config sets for one plugin (all booleans at 1.6.9).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PluginOptions {
    pub flags: BTreeMap<String, bool>,
}

impl PluginOptions {
    /// Whether the option `key` is set to true.
    pub fn enabled(&self, key: &str) -> bool {
        self.flags.get(key).copied().unwrap_or(false)
    }
}

/// One Better Auth plugin.
#[derive(Debug, Clone, Copy)]
pub struct PluginSpec {
    /// The kebab-case id used in `[plugins] enabled`.
    pub id: &'static str,
    /// One line: what the plugin is for.
    pub summary: &'static str,
    /// Options that change the schema.
    pub options: &'static [OptionSpec],
    /// Plugin ids that must be enabled too, anywhere in the list (upstream refuses to start
    /// without them).
    pub requires: &'static [&'static str],
    /// The tables (new ones, and fields added to existing ones) for these options, in
    /// upstream's declaration order.
    pub tables: fn(&PluginOptions) -> Vec<TableDef>,
}

/// Every plugin id rustauth knows, in alphabetical order.
pub static REGISTRY: &[PluginSpec] = &[
    additional_fields::SPEC,
    admin::SPEC,
    anonymous::SPEC,
    api_key::SPEC,
    bearer::SPEC,
    captcha::SPEC,
    custom_session::SPEC,
    device_authorization::SPEC,
    email_otp::SPEC,
    generic_oauth::SPEC,
    have_i_been_pwned::SPEC,
    jwt::SPEC,
    last_login_method::SPEC,
    magic_link::SPEC,
    mcp::SPEC,
    multi_session::SPEC,
    oauth_provider::SPEC,
    oauth_proxy::SPEC,
    oidc_provider::SPEC,
    one_tap::SPEC,
    one_time_token::SPEC,
    open_api::SPEC,
    organization::SPEC,
    passkey::SPEC,
    phone_number::SPEC,
    scim::SPEC,
    siwe::SPEC,
    sso::SPEC,
    stripe::SPEC,
    two_factor::SPEC,
    username::SPEC,
];

/// The plugin with this id.
pub fn find(id: &str) -> Option<&'static PluginSpec> {
    REGISTRY.iter().find(|p| p.id == id)
}

/// All ids, for error messages.
pub fn ids() -> Vec<&'static str> {
    REGISTRY.iter().map(|p| p.id).collect()
}
