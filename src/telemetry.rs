//! Opt-in telemetry, never in the way: off unless `RUSTAUTH_TELEMETRY` is `1`/`true`,
//! sent only when `RUSTAUTH_TELEMETRY_ENDPOINT` names where to, with a 2 s budget, errors
//! swallowed. `RUSTAUTH_TELEMETRY_DEBUG=1` prints each event as one JSON line on stderr
//! instead of sending it. README.md ("Telemetry") documents the event shape.
//!
//! An event carries an anonymous snapshot of the config (adapter, provider, plugin ids,
//! generate_id, counts) and nothing else of the project: never a URL, a secret, the
//! base_url, a hostname, a file path or an environment variable's value. The anonymous id
//! is random for each run (upstream hashes the base URL and package name; a hash of
//! `http://localhost:3000` is no secret, so we do not).

use std::sync::mpsc;
use std::time::Duration;

use serde_json::{Value, json};

use crate::config::{Config, adapter::Adapter};

/// `1`/`true` opts in; anything else (and `0`/`false`, a hard opt-out) keeps it off.
pub(crate) const ENV_ENABLED: &str = "RUSTAUTH_TELEMETRY";
/// `1`/`true`: print events on stderr instead of sending them.
pub(crate) const ENV_DEBUG: &str = "RUSTAUTH_TELEMETRY_DEBUG";
/// Where events are POSTed; unset: nothing is sent.
pub(crate) const ENV_ENDPOINT: &str = "RUSTAUTH_TELEMETRY_ENDPOINT";
/// The longest a command waits for an event to be delivered.
pub(crate) const TIMEOUT: Duration = Duration::from_secs(2);

/// The two events the CLI sends (upstream's names).
pub(crate) const CLI_GENERATE: &str = "cli_generate";
pub(crate) const CLI_MIGRATE: &str = "cli_migrate";

/// The telemetry settings, read from the process environment (not from `.env`: a file
/// in the project never turns telemetry on).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Settings {
    pub enabled: bool,
    pub debug: bool,
    pub endpoint: Option<String>,
}

impl Settings {
    pub(crate) fn from_env() -> Settings {
        let var = |k: &str| std::env::var(k).ok();
        Settings {
            enabled: truthy(var(ENV_ENABLED).as_deref()) && !do_not_track(),
            debug: truthy(var(ENV_DEBUG).as_deref()),
            endpoint: var(ENV_ENDPOINT).filter(|e| !e.trim().is_empty()),
        }
    }
}

fn truthy(v: Option<&str>) -> bool {
    matches!(
        v.map(|s| s.trim().to_ascii_lowercase()).as_deref(),
        Some("1" | "true")
    )
}

/// The cross-tool `DO_NOT_TRACK=1` convention is honoured as an opt-out too.
fn do_not_track() -> bool {
    truthy(std::env::var("DO_NOT_TRACK").ok().as_deref())
}

/// What a `generate` or `migrate` run came to: telemetry's `outcome`, and the
/// `outcome` key of their `--json`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RunOutcome {
    Generated,
    Overwritten,
    Migrated,
    NoChanges,
    DryRun,
    Aborted,
    UnsupportedAdapter,
    /// 1.7: migrate refused a change that corrupts a populated table.
    UnsafeChange,
    /// 1.7: migrate refused columns that reject every insert.
    SchemaProblem,
    Failed,
}

impl RunOutcome {
    pub(crate) fn name(self) -> &'static str {
        match self {
            RunOutcome::Generated => "generated",
            RunOutcome::Overwritten => "overwritten",
            RunOutcome::Migrated => "migrated",
            RunOutcome::NoChanges => "no_changes",
            RunOutcome::DryRun => "dry_run",
            RunOutcome::Aborted => "aborted",
            RunOutcome::UnsupportedAdapter => "unsupported_adapter",
            RunOutcome::UnsafeChange => "unsafe_change",
            RunOutcome::SchemaProblem => "schema_problem",
            RunOutcome::Failed => "failed",
        }
    }
}

/// Sends `event` (`cli_generate`, `cli_migrate`) with `outcome` and an anonymous snapshot of `config`. Never fails, never
/// prints (unless `RUSTAUTH_TELEMETRY_DEBUG` is on), never waits more than [`TIMEOUT`].
pub(crate) fn send(event: &str, outcome: RunOutcome, config: &Config) {
    send_with_adapter(event, outcome, config, None);
}

/// Like [`send`], for a command whose adapter came from a flag (`generate --adapter`)
/// rather than the config (adapters are a fixed list: the name is sent).
pub(crate) fn send_with_adapter(
    event: &str,
    outcome: RunOutcome,
    config: &Config,
    adapter: Option<Adapter>,
) {
    let settings = Settings::from_env();
    if !settings.enabled {
        if settings.debug {
            eprintln!(
                "telemetry: off ({ENV_ENABLED} is not 1 or true); {} not sent",
                token(event)
            );
        }
        return;
    }
    let body = build_event(event, outcome, config, adapter);
    if settings.debug {
        eprintln!("{body}");
        return;
    }
    if let Some(endpoint) = settings.endpoint {
        let _ = post(&endpoint, body.to_string());
    }
}

/// The event as it is sent: `{"type", "anonymousId", "payload": {"outcome", "config",
/// "cli", "system"}}`.
pub(crate) fn build_event(
    event: &str,
    outcome: RunOutcome,
    config: &Config,
    adapter: Option<Adapter>,
) -> Value {
    json!({
        "type": token(event),
        "anonymousId": anonymous_id(),
        "payload": {
            "outcome": outcome.name(),
            "config": snapshot(config, adapter),
            "cli": { "name": "rustauth", "version": env!("CARGO_PKG_VERSION") },
            "system": { "os": std::env::consts::OS, "arch": std::env::consts::ARCH },
        },
    })
}

/// The anonymous config snapshot: names from fixed lists, booleans and counts only.
pub(crate) fn snapshot(config: &Config, adapter_override: Option<Adapter>) -> Value {
    let adapter = adapter_override
        .or(config.database.adapter)
        .map(Adapter::name);
    let schema = config.schema();
    let plugin_ids: Vec<&str> = config
        .plugins
        .enabled
        .iter()
        .map(|id| crate::schema::plugins::find(id).map_or("other", |p| p.id))
        .collect();
    let renamed_fields: usize = config.models.values().map(|m| m.fields.len()).sum();
    let additional_fields: usize = config
        .models
        .values()
        .map(|m| m.additional_fields.len())
        .sum();
    json!({
        "adapter": adapter,
        "provider": config.database.provider.map(super::model::Dialect::name),
        "plugins": plugin_ids,
        "generate_id": config.database.generate_id.name(),
        "rate_limit_storage": config.rate_limit.storage.name(),
        "secondary_storage": config.secondary_storage.enabled,
        "production": config.project.production,
        "counts": {
            "plugins": config.plugins.enabled.len(),
            "tables": schema.tables.len(),
            "models": config.models.len(),
            "renamed_fields": renamed_fields,
            "additional_fields": additional_fields,
        },
    })
}

/// Event and outcome names are identifiers; anything else is sent as `other`.
fn token(s: &str) -> &str {
    if !s.is_empty()
        && s.len() <= 40
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
    {
        s
    } else {
        "other"
    }
}

fn anonymous_id() -> String {
    use rand::RngCore;
    let mut bytes = [0u8; 16];
    rand::thread_rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// POSTs `body` as JSON on a worker thread and waits at most [`TIMEOUT`] for it: name
/// resolution cannot be interrupted, so the wait is bounded here rather than trusted to
/// the client. A thread still waiting when the command ends dies with the process.
fn post(endpoint: &str, body: String) -> Result<(), String> {
    let endpoint = endpoint.to_string();
    let (tx, rx) = mpsc::channel();
    std::thread::Builder::new()
        .name("rustauth-telemetry".into())
        .spawn(move || {
            let agent: ureq::Agent = ureq::Agent::config_builder()
                .timeout_global(Some(TIMEOUT))
                .http_status_as_error(false)
                .user_agent(concat!("rustauth/", env!("CARGO_PKG_VERSION")))
                .build()
                .into();
            let result = agent
                .post(&endpoint)
                .header("content-type", "application/json")
                .send(body)
                .map(|_| ())
                .map_err(|e| e.to_string());
            let _ = tx.send(result);
        })
        .map_err(|e| e.to_string())?;
    rx.recv_timeout(TIMEOUT)
        .map_err(|_| "timed out".to_string())?
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> Config {
        crate::config::parse_str(
            r#"
[project]
base_url = "https://auth.example.com/api/auth"
[database]
adapter = "sqlx"
provider = "postgres"
url = "postgres://alice:hunter22@db.example.com/app"
[plugins]
enabled = ["two-factor"]
"#,
            "rustauth.toml",
            None,
        )
        .unwrap()
    }

    #[test]
    fn event_shape_and_nothing_identifying() {
        let e = build_event("cli_generate", RunOutcome::Generated, &config(), None);
        assert_eq!(e["type"], "cli_generate");
        assert_eq!(e["payload"]["outcome"], "generated");
        let c = &e["payload"]["config"];
        assert_eq!(c["adapter"], "sqlx");
        assert_eq!(c["provider"], "postgres");
        assert_eq!(c["plugins"], json!(["two-factor"]));
        assert_eq!(c["generate_id"], "default");
        assert_eq!(c["counts"]["plugins"], 1);
        assert!(c["counts"]["tables"].as_u64().unwrap() >= 5);
        assert_eq!(e["anonymousId"].as_str().unwrap().len(), 32);
        let text = e.to_string();
        for bad in [
            "hunter22",
            "alice",
            "example.com",
            "rustauth.toml",
            "api/auth",
        ] {
            assert!(!text.contains(bad), "{bad} in {text}");
        }
    }

    #[test]
    fn unknown_names_are_other() {
        let e = build_event(
            "/home/me/x",
            RunOutcome::NoChanges,
            &config(),
            Some(Adapter::Prisma),
        );
        assert_eq!(e["type"], "other");
        assert_eq!(e["payload"]["outcome"], "no_changes");
        assert_eq!(e["payload"]["config"]["adapter"], "prisma");
        assert_eq!(token("cli_migrate"), "cli_migrate");
        assert_eq!(token("Cli Migrate"), "other");
    }

    #[test]
    fn truthy_values() {
        assert!(truthy(Some("1")));
        assert!(truthy(Some("TRUE")));
        assert!(!truthy(Some("0")));
        assert!(!truthy(Some("false")));
        assert!(!truthy(Some("yes")));
        assert!(!truthy(None));
    }
}
