//! The plugin registry: one file per Better Auth plugin id, each a small piece of data
//! (its tables and fields for its options). Adding a plugin touches its file and
//! [`REGISTRY`], nothing else.

pub mod additional_fields;
pub mod admin;
pub mod agent_auth;
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

use crate::model::Line;
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
    /// `true` or `false` (most options), or a string (mcp's `resource` on 1.7).
    pub kind: OptionKind,
    /// The line this option exists on, when only one has it.
    pub only: Option<Line>,
    /// A required option: what to say when it is missing (after "plugin `<id>` at line N
    /// without `[plugins.<id>] <key>` ").
    pub when_missing: Option<&'static str>,
}

/// The TOML type of a plugin option.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OptionKind {
    Flag,
    Text,
}

impl OptionSpec {
    /// A boolean option that both lines have.
    pub const fn flag(key: &'static str, upstream: &'static str, effect: &'static str) -> Self {
        OptionSpec {
            key,
            upstream,
            effect,
            kind: OptionKind::Flag,
            only: None,
            when_missing: None,
        }
    }

    /// A string option that must be set (on its line), with what to say when it is not.
    pub const fn required_text(
        key: &'static str,
        upstream: &'static str,
        effect: &'static str,
        when_missing: &'static str,
    ) -> Self {
        OptionSpec {
            key,
            upstream,
            effect,
            kind: OptionKind::Text,
            only: None,
            when_missing: Some(when_missing),
        }
    }

    /// The message for a config that enables the plugin without this option.
    pub fn missing_message(&self, id: &str, at: &str) -> String {
        format!(
            "plugin `{id}`{at} without `[plugins.{id}] {}` {}",
            self.key,
            self.when_missing.unwrap_or("cannot work")
        )
    }

    /// The same option, only on `line`.
    pub const fn only(mut self, line: Line) -> Self {
        self.only = Some(line);
        self
    }

    /// Whether the option exists on `line`.
    pub fn on(&self, line: Line) -> bool {
        self.only.is_none_or(|l| l == line)
    }
}

/// The schema-changing options a config sets for one plugin.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PluginOptions {
    /// Private: plugin files read options only through [`PluginOptions::enabled`] and
    /// [`PluginOptions::text`], the reads `schema::tests` checks against each spec.
    flags: BTreeMap<String, bool>,
    /// String options (mcp's `resource`).
    text: BTreeMap<String, String>,
}

impl PluginOptions {
    /// Whether the option `key` is set to true.
    pub fn enabled(&self, key: &str) -> bool {
        self.flags.get(key).copied().unwrap_or(false)
    }

    /// A string option's value.
    pub fn text(&self, key: &str) -> Option<&str> {
        self.text.get(key).map(String::as_str)
    }

    /// Sets a true/false option.
    pub fn set_flag(&mut self, key: &str, on: bool) {
        self.flags.insert(key.to_string(), on);
    }

    /// Sets a string option.
    pub fn set_text(&mut self, key: &str, value: &str) {
        self.text.insert(key.to_string(), value.to_string());
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
    pub requires: Requires,
    /// Which lines have the plugin, and what replaces it on the other one.
    pub availability: Availability,
    /// The tables (new ones, and fields added to existing ones) for these options, in
    /// upstream's declaration order.
    pub tables: fn(&PluginOptions, Line) -> Vec<TableDef>,
}

/// The plugins a plugin needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Requires {
    None,
    Always(&'static [&'static str]),
    /// Only on this line (1.7's mcp is oauth-provider underneath, which needs jwt).
    On(Line, &'static [&'static str]),
}

/// Whether a plugin exists on both Better Auth lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Availability {
    Both,
    /// Removed after 1.6; the text names what replaces it.
    Removed {
        replacement: &'static str,
    },
    /// New in 1.7.
    Added,
}

impl PluginSpec {
    /// Whether the plugin exists on `line`.
    pub fn on(&self, line: Line) -> bool {
        match self.availability {
            Availability::Both => true,
            Availability::Removed { .. } => line == Line::V1_6,
            Availability::Added => line == Line::V1_7,
        }
    }

    /// The plugin ids this one needs on `line`.
    pub fn requires(&self, line: Line) -> &'static [&'static str] {
        match self.requires {
            Requires::Always(ids) => ids,
            Requires::On(l, ids) if l == line => ids,
            _ => &[],
        }
    }

    /// The option this plugin cannot do without on `line`, if any.
    pub fn required_text(&self, line: Line) -> Option<&'static OptionSpec> {
        self.options_on(line).find(|o| o.when_missing.is_some())
    }

    /// The options that exist on `line`.
    pub fn options_on(&self, line: Line) -> impl Iterator<Item = &'static OptionSpec> {
        self.options.iter().filter(move |o| o.on(line))
    }
}

/// Every plugin id rustauth knows, in alphabetical order.
pub static REGISTRY: &[PluginSpec] = &[
    additional_fields::SPEC,
    admin::SPEC,
    agent_auth::SPEC,
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

/// The plugin with this id, if `line` has it.
pub fn find_on(id: &str, line: Line) -> Option<&'static PluginSpec> {
    find(id).filter(|p| p.on(line))
}

/// All ids of `line`, for error messages.
pub fn ids(line: Line) -> Vec<&'static str> {
    REGISTRY
        .iter()
        .filter(|p| p.on(line))
        .map(|p| p.id)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every option key a plugin file reads (`opts.enabled("…")`, `opts.text("…")`) is
    /// one its spec declares: a typo in a key would otherwise silently disable the option.
    #[test]
    fn plugin_files_read_only_declared_option_keys() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/schema/plugins");
        let mut checked = 0;
        for spec in REGISTRY {
            let file = dir.join(format!("{}.rs", spec.id.replace('-', "_")));
            let text = std::fs::read_to_string(&file)
                .unwrap_or_else(|e| panic!("{}: {e}", file.display()));
            for reader in ["enabled(\"", "text(\""] {
                for (i, _) in text.match_indices(reader) {
                    let rest = &text[i + reader.len()..];
                    let key = &rest[..rest.find('"').expect("closing quote")];
                    assert!(
                        spec.options.iter().any(|o| o.key == key),
                        "{}: reads option `{key}`, which its spec does not declare",
                        spec.id
                    );
                    checked += 1;
                }
            }
        }
        assert!(checked >= 8, "only {checked} option reads found");
    }
}
