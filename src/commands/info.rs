//! `rustauth info`: the CLI, the system, the Rust toolchain, the Cargo workspace around
//! `--cwd`, the config (redacted), which relevant variables are set, and the target
//! schema. Works without a config, and with a broken one (it says what is wrong).
//! `--json` prints the shape README.md documents ("`info --json`").

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::Result;
use serde_json::{Value, json};

use super::context::Global;
use crate::cli::InfoArgs;
use crate::config::{Config, Env};
use crate::diagnostics::{ConfigState, secret_vars};
use crate::exit::Exit;
use crate::redact::redact_value;

/// Bumped when a key of `info --json` is removed or changes meaning (adding keys does not).
pub(crate) const JSON_VERSION: u32 = 1;

/// Database crates `info` looks for in the workspace.
const DATABASE_CRATES: &[&str] = &[
    "sqlx",
    "diesel",
    "diesel-async",
    "sea-orm",
    "tokio-postgres",
    "deadpool-postgres",
    "bb8-postgres",
    "postgres",
    "rusqlite",
    "libsql",
    "mysql",
    "mysql_async",
    "tiberius",
];
/// Web frameworks `info` looks for in the workspace.
const FRAMEWORK_CRATES: &[&str] = &[
    "axum",
    "actix-web",
    "rocket",
    "poem",
    "warp",
    "salvo",
    "loco-rs",
    "leptos",
    "dioxus",
];

pub(crate) fn run(global: &Global, args: InfoArgs) -> Result<Exit> {
    let state = ConfigState::load(&global.cwd, global.config.as_deref(), global.better_auth);
    let report = collect(global, &state);
    // What the env files hold that the app reads differently: reported, never fatal.
    for issue in &state.env.issues {
        crate::output::warn(&issue.to_string());
    }
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print_human(&report);
    }
    Ok(Exit::Ok)
}

/// Every variable `info` reports (set/unset and where from, never the value).
fn relevant_vars(config: Option<&Config>) -> Vec<String> {
    let defaults = Config::default();
    let c = config.unwrap_or(&defaults);
    let mut names = vec![c.database.url_env.clone()];
    if !names.iter().any(|n| n == "DATABASE_URL") {
        names.push("DATABASE_URL".into());
    }
    names.extend(secret_vars(&c.security.secret_env));
    for n in [
        "BETTER_AUTH_URL",
        crate::telemetry::ENV_ENABLED,
        crate::telemetry::ENV_DEBUG,
        crate::telemetry::ENV_ENDPOINT,
        "DO_NOT_TRACK",
        "NO_COLOR",
    ] {
        names.push(n.to_string());
    }
    let mut seen = Vec::new();
    names.retain(|n| {
        let new = !seen.contains(n);
        seen.push(n.clone());
        new
    });
    names
}

/// `{"name", "set", "source"}` for a variable: `source` is `process` or `file`.
fn var_state(env: &Env, name: &str) -> Value {
    let process = std::env::var_os(name).is_some();
    let set = env.get(name).is_some();
    json!({
        "name": name,
        "set": set,
        "source": if process { json!("process") } else if set { json!("file") } else { Value::Null },
    })
}

/// Builds the whole `info --json` document.
pub(crate) fn collect(global: &Global, state: &ConfigState) -> Value {
    let config = state.config();
    let telemetry = crate::telemetry::Settings::from_env();
    json!({
        "version": JSON_VERSION,
        "cli": { "name": "rustauth", "version": env!("CARGO_PKG_VERSION") },
        "system": {
            "os": std::env::consts::OS,
            "arch": std::env::consts::ARCH,
            "family": std::env::consts::FAMILY,
        },
        "rust": {
            "rustc": tool_version("rustc", &global.cwd),
            "cargo": tool_version("cargo", &global.cwd),
        },
        "workspace": workspace(&global.cwd),
        "config": config_json(state),
        "environment": relevant_vars(config)
            .iter()
            .map(|n| var_state(&state.env, n))
            .collect::<Vec<_>>(),
        "telemetry": {
            "enabled": telemetry.enabled,
            "debug": telemetry.debug,
            "endpoint_set": telemetry.endpoint.is_some(),
        },
        "schema": config.map(schema_json).unwrap_or(Value::Null),
        "better_auth": better_auth_json(global, config),
    })
}

/// The Better Auth line of the config (or the default without one) and the Better Auth
/// the project installs, when a `package.json` says.
fn better_auth_json(global: &Global, config: Option<&Config>) -> Value {
    let line = config.map_or_else(crate::model::Line::default, |c| c.project.better_auth);
    let dir = config.map_or_else(|| global.cwd.clone(), |c| c.base_dir(&global.cwd));
    let installed = crate::upstream::installed_better_auth(&dir);
    json!({
        "line": line.name(),
        "matches": line.upstream(),
        "installed": installed.as_ref().map(|i| json!({
            "version": i.version,
            "source": i.source.display().to_string(),
            "exact": i.exact,
            "line": i.line().map(crate::model::Line::name),
        })),
        "agrees": installed.as_ref().map(|i| i.line() == Some(line)),
    })
}

fn config_json(state: &ConfigState) -> Value {
    let values = state.config().map(config_values);
    json!({
        "found": state.path.as_ref().is_some_and(|p| p.is_file()),
        "path": state.path.as_ref().map(|p| p.display().to_string()),
        "valid": state.error.is_none(),
        "error": state.error,
        "values": values.map(|v| Value::Object(v.into_iter().collect())).unwrap_or(Value::Null),
    })
}

/// Every key of the config's tables whose value is not a table itself (renames and the
/// models are not shown), as a dotted name with its value as it may be shown. The keys
/// come from the config's own serialization: a new key shows without a change here.
fn config_values(c: &Config) -> BTreeMap<String, Value> {
    let mut m = BTreeMap::new();
    let Ok(Value::Object(tables)) = serde_json::to_value(c) else {
        return m;
    };
    for (table, keys) in tables {
        let Value::Object(keys) = keys else { continue };
        for (k, v) in keys {
            let v = match v {
                Value::Object(_) => continue,
                Value::String(s) => json!(redact_value(&k, &s)),
                v => v,
            };
            m.insert(format!("{table}.{k}"), v);
        }
    }
    m
}

fn schema_json(c: &Config) -> Value {
    let schema = c.schema();
    json!({
        "provider": c.database.provider.map(crate::model::Dialect::name),
        "generate_id": schema.id.name(),
        "plugins": c.plugins.enabled,
        "table_count": schema.tables.len(),
        "tables": schema.tables.iter().map(|t| json!({
            "name": t.name,
            "model": t.key,
            "columns": t.columns.len() + 1,
        })).collect::<Vec<_>>(),
    })
}

/// `rustc --version` / `cargo --version` run in `cwd` (so a rust-toolchain file there
/// counts), never installing a toolchain, and given up after a few seconds.
fn tool_version(tool: &str, cwd: &Path) -> Value {
    let child = Command::new(tool)
        .arg("--version")
        .current_dir(cwd)
        .env("RUSTUP_AUTO_INSTALL", "0")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn();
    let Ok(mut child) = child else {
        return Value::Null;
    };
    let start = Instant::now();
    loop {
        match child.try_wait() {
            Ok(Some(status)) if status.success() => break,
            Ok(Some(_)) | Err(_) => return Value::Null,
            Ok(None) if start.elapsed() > Duration::from_secs(5) => {
                let _ = child.kill();
                let _ = child.wait();
                return Value::Null;
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(20)),
        }
    }
    let mut out = String::new();
    if let Some(mut stdout) = child.stdout.take() {
        use std::io::Read;
        let _ = stdout.read_to_string(&mut out);
    }
    let line = out.lines().next().unwrap_or("").trim();
    if line.is_empty() {
        Value::Null
    } else {
        json!(line)
    }
}

/// The Cargo package around `cwd` and the database crates and web frameworks it uses, read
/// from Cargo.toml and Cargo.lock (no `cargo metadata`: it may resolve or download).
fn workspace(cwd: &Path) -> Value {
    let Some(manifest) =
        find_up(cwd, |d| d.join("Cargo.toml").is_file()).map(|d| d.join("Cargo.toml"))
    else {
        return Value::Null;
    };
    let Some(doc) = read_toml(&manifest) else {
        return json!({
            "manifest": manifest.display().to_string(),
            "error": "Cargo.toml is not valid TOML",
        });
    };
    let manifest_dir = manifest.parent().unwrap_or(cwd).to_path_buf();
    // The workspace root: this manifest if it has [workspace], else the nearest parent
    // manifest that has one.
    let root = if doc.get("workspace").is_some() {
        Some((manifest.clone(), doc.clone()))
    } else {
        let mut found = None;
        let mut dir = manifest_dir.parent();
        while let Some(d) = dir {
            let m = d.join("Cargo.toml");
            if let Some(t) = m.is_file().then(|| read_toml(&m)).flatten()
                && t.get("workspace").is_some()
            {
                found = Some((m, t));
                break;
            }
            dir = d.parent();
        }
        found
    };
    let ws_deps = root
        .as_ref()
        .and_then(|(_, t)| t.get("workspace")?.get("dependencies")?.as_table().cloned())
        .unwrap_or_default();
    let lock_dir = root
        .as_ref()
        .and_then(|(m, _)| m.parent().map(Path::to_path_buf))
        .unwrap_or_else(|| manifest_dir.clone());
    let lockfile = lock_dir.join("Cargo.lock");
    let locked = read_lock(&lockfile);

    let package = doc.get("package").map(|p| {
        json!({
            "name": p.get("name").and_then(|v| v.as_str()),
            "version": p.get("version").and_then(|v| v.as_str()),
        })
    });
    // Dependencies: the package's own sections, or the workspace's for a virtual manifest.
    let mut reqs: BTreeMap<String, String> = BTreeMap::new();
    let mut collect_table = |t: &toml::Table| {
        for (key, spec) in t {
            let name = spec
                .get("package")
                .and_then(|v| v.as_str())
                .unwrap_or(key)
                .to_string();
            let req = requirement(spec, key, &ws_deps);
            reqs.entry(name).or_insert(req);
        }
    };
    for section in ["dependencies", "dev-dependencies", "build-dependencies"] {
        if let Some(t) = doc.get(section).and_then(|v| v.as_table()) {
            collect_table(t);
        }
    }
    if let Some(targets) = doc.get("target").and_then(|v| v.as_table()) {
        for t in targets.values() {
            for section in ["dependencies", "dev-dependencies", "build-dependencies"] {
                if let Some(t) = t.get(section).and_then(|v| v.as_table()) {
                    collect_table(t);
                }
            }
        }
    }
    if doc.get("package").is_none() {
        collect_table(&ws_deps);
    }
    let crates = |names: &[&str]| -> Vec<Value> {
        names
            .iter()
            .filter_map(|n| {
                let req = reqs.get(*n)?;
                Some(json!({
                    "name": n,
                    "requirement": req,
                    "locked": locked.get(*n).cloned().unwrap_or_default(),
                }))
            })
            .collect()
    };
    json!({
        "manifest": manifest.display().to_string(),
        "root": root.as_ref().map(|(m, _)| m.display().to_string()),
        "lockfile": lockfile.is_file().then(|| lockfile.display().to_string()),
        "package": package,
        "database_crates": crates(DATABASE_CRATES),
        "frameworks": crates(FRAMEWORK_CRATES),
    })
}

/// A dependency's version requirement as written; `path` and `git` dependencies say only
/// that (a git URL may carry a token).
fn requirement(spec: &toml::Value, key: &str, ws_deps: &toml::Table) -> String {
    match spec {
        toml::Value::String(s) => s.clone(),
        toml::Value::Table(t) => {
            if t.get("workspace").and_then(toml::Value::as_bool) == Some(true) {
                return ws_deps
                    .get(key)
                    .map(|s| requirement(s, key, &toml::Table::new()))
                    .unwrap_or_else(|| "workspace".into());
            }
            if let Some(v) = t.get("version").and_then(|v| v.as_str()) {
                v.to_string()
            } else if t.contains_key("git") {
                "git".into()
            } else if t.contains_key("path") {
                "path".into()
            } else {
                "*".into()
            }
        }
        _ => "*".into(),
    }
}

fn read_toml(path: &Path) -> Option<toml::Table> {
    std::fs::read_to_string(path)
        .ok()?
        .parse::<toml::Table>()
        .ok()
}

/// Package name → locked versions, from a Cargo.lock.
fn read_lock(path: &Path) -> BTreeMap<String, Vec<String>> {
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let Some(doc) = read_toml(path) else {
        return out;
    };
    if let Some(pkgs) = doc.get("package").and_then(|v| v.as_array()) {
        for p in pkgs {
            if let (Some(n), Some(v)) = (
                p.get("name").and_then(|v| v.as_str()),
                p.get("version").and_then(|v| v.as_str()),
            ) {
                out.entry(n.to_string()).or_default().push(v.to_string());
            }
        }
    }
    out
}

fn find_up(start: &Path, pred: impl Fn(&Path) -> bool) -> Option<PathBuf> {
    let mut dir = Some(start);
    while let Some(d) = dir {
        if pred(d) {
            return Some(d.to_path_buf());
        }
        dir = d.parent();
    }
    None
}

fn print_human(r: &Value) {
    let s = |v: &Value| v.as_str().unwrap_or("").to_string();
    println!("rustauth {}", s(&r["cli"]["version"]));
    println!(
        "System:      {} {}",
        s(&r["system"]["os"]),
        s(&r["system"]["arch"])
    );
    let or_missing = |v: &Value, what: &str| {
        v.as_str()
            .map(str::to_string)
            .unwrap_or_else(|| format!("{what} not found"))
    };
    let ba = &r["better_auth"];
    let installed = match ba["installed"]["version"].as_str() {
        Some(v) => format!(
            "; the project installs better-auth {v} ({}){}",
            s(&ba["installed"]["source"]),
            if ba["agrees"] == false {
                ", another line"
            } else {
                ""
            }
        ),
        None => String::new(),
    };
    println!(
        "Better Auth: line {} ({}){installed}",
        s(&ba["line"]),
        s(&ba["matches"])
    );
    println!("Rust:        {}", or_missing(&r["rust"]["rustc"], "rustc"));
    println!("Cargo:       {}", or_missing(&r["rust"]["cargo"], "cargo"));

    let w = &r["workspace"];
    if w.is_null() {
        println!("Workspace:   no Cargo.toml in this folder or above");
    } else if let Some(e) = w["error"].as_str() {
        println!("Workspace:   {} ({e})", s(&w["manifest"]));
    } else {
        let pkg = match w["package"]["name"].as_str() {
            Some(n) => format!("{n} {}", w["package"]["version"].as_str().unwrap_or(""))
                .trim_end()
                .to_string(),
            None => "virtual workspace".into(),
        };
        println!("Workspace:   {pkg} ({})", s(&w["manifest"]));
        for (label, key) in [
            ("databases", "database_crates"),
            ("frameworks", "frameworks"),
        ] {
            let list: Vec<String> = w[key]
                .as_array()
                .map(|a| a.iter().map(crate_line).collect())
                .unwrap_or_default();
            let shown = if list.is_empty() {
                "none found".to_string()
            } else {
                list.join(", ")
            };
            println!("  {label:<11}{shown}");
        }
    }

    let c = &r["config"];
    match (c["path"].as_str(), c["error"].as_str()) {
        (_, Some(e)) => println!("Config:      invalid: {e}"),
        (Some(p), None) => println!("Config:      {p}"),
        (None, None) => {
            println!("Config:      none (no rustauth.toml; `rustauth init` creates one)");
        }
    }
    if let Some(values) = c["values"].as_object() {
        let width = values.keys().map(String::len).max().unwrap_or(0) + 2;
        for (k, v) in values {
            let shown = match v {
                Value::Null => "(not set)".to_string(),
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            println!("  {k:<width$}{shown}");
        }
    }

    println!("Environment:");
    if let Some(vars) = r["environment"].as_array() {
        for v in vars {
            let state = if v["set"].as_bool() == Some(true) {
                match v["source"].as_str() {
                    Some("file") => "set (.env file)",
                    _ => "set",
                }
            } else {
                "unset"
            };
            println!("  {:<28}{state}", s(&v["name"]));
        }
    }
    let t = &r["telemetry"];
    println!(
        "Telemetry:   {}",
        if t["enabled"].as_bool() == Some(true) {
            if t["debug"].as_bool() == Some(true) {
                "on (debug: printed, not sent)"
            } else if t["endpoint_set"].as_bool() == Some(true) {
                "on"
            } else {
                "on, but no endpoint (nothing is sent)"
            }
        } else {
            "off"
        }
    );
    let sc = &r["schema"];
    if sc.is_null() {
        println!("Schema:      unavailable (the config did not load)");
    } else {
        let tables: Vec<String> = sc["tables"]
            .as_array()
            .map(|a| a.iter().map(|t| s(&t["name"])).collect())
            .unwrap_or_default();
        let plugins: Vec<String> = sc["plugins"]
            .as_array()
            .map(|a| a.iter().map(s).collect())
            .unwrap_or_default();
        println!(
            "Schema:      {} tables ({}); generate_id {}",
            tables.len(),
            tables.join(", "),
            s(&sc["generate_id"])
        );
        println!(
            "Plugins:     {}",
            if plugins.is_empty() {
                "none".to_string()
            } else {
                plugins.join(", ")
            }
        );
    }
}

fn crate_line(c: &Value) -> String {
    let name = c["name"].as_str().unwrap_or("");
    let req = c["requirement"].as_str().unwrap_or("");
    let locked: Vec<&str> = c["locked"]
        .as_array()
        .map(|a| a.iter().filter_map(|v| v.as_str()).collect())
        .unwrap_or_default();
    if locked.is_empty() {
        format!("{name} {req}")
    } else {
        format!("{name} {req} (locked {})", locked.join(", "))
    }
}
