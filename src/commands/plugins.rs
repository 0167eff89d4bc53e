//! `rustauth plugins list | add ID… | remove ID…`: the plugin registry, and edits of
//! `[plugins] enabled` that keep the rest of rustauth.toml byte for byte.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use serde_json::{Value, json};

use super::context::Global;
use crate::cli::{PluginIdsArgs, PluginsListArgs};
use crate::config::{self, Config, edit};
use crate::exit::Exit;
use crate::fsutil::DirLock;
use crate::schema::plugins;

use crate::schema::Impact;

/// What enabling `spec` (after the plugins it needs) adds to `config` without other plugins.
fn plugin_impact(config: &Config, spec: &plugins::PluginSpec) -> Impact {
    let mut base = config.clone();
    let line = config.project.better_auth;
    base.plugins.enabled = spec
        .requires(line)
        .iter()
        .map(std::string::ToString::to_string)
        .collect();
    let mut with = base.clone();
    with.plugins.enabled.push(spec.id.to_string());
    Impact::between(&base.schema(), &with.schema())
}

pub(crate) fn list(global: &Global, args: PluginsListArgs) -> Result<Exit> {
    let loaded = global.load(false)?;
    let config = &loaded.config;
    let line = config.project.better_auth;
    let specs: Vec<&plugins::PluginSpec> =
        plugins::REGISTRY.iter().filter(|p| p.on(line)).collect();
    let has_config = config.path.is_some();
    let enabled = |id: &str| config.plugins.enabled.iter().any(|e| e == id);
    let option_value = |id: &str, key: &str| {
        config
            .plugins
            .options
            .get(id)
            .map(|o| match o.text(key) {
                // A text option is a URL (mcp's `resource`): shown as redaction allows.
                Some(t) => json!(crate::redact::redact_value(key, t)),
                None => json!(o.enabled(key)),
            })
            .unwrap_or(json!(false))
    };

    if args.json {
        let list: Vec<Value> = specs
            .iter()
            .map(|spec| {
                let impact = plugin_impact(config, spec);
                json!({
                    "id": spec.id,
                    "summary": spec.summary,
                    "enabled": enabled(spec.id),
                    "requires": spec.requires(line),
                    "adds": {
                        "tables": impact.tables.iter().map(|(t, cols)| json!({
                            "name": t,
                            "columns": cols,
                        })).collect::<Vec<_>>(),
                        "columns": impact.columns.iter().map(|(t, c)| json!({
                            "table": t,
                            "column": c,
                        })).collect::<Vec<_>>(),
                    },
                    "options": spec.options_on(line).map(|o| json!({
                        "key": o.key,
                        "upstream": o.upstream,
                        "effect": o.effect,
                        "value": option_value(spec.id, o.key),
                    })).collect::<Vec<_>>(),
                })
            })
            .collect();
        let out = json!({
            "version": 1,
            "config": config.path.as_ref().map(|p| p.display().to_string()),
            "better_auth": line.name(),
            "plugins": list,
        });
        print_out(&format!("{}\n", serde_json::to_string_pretty(&out)?))?;
        return Ok(Exit::Ok);
    }

    let width = specs.iter().map(|s| s.id.len()).max().unwrap_or(0);
    let mut out = String::new();
    match &config.path {
        Some(p) => out.push_str(&format!(
            "{} plugins of Better Auth {line}; * = enabled in {} (names follow its renames and options)\n",
            specs.len(),
            p.display()
        )),
        None => out.push_str(&format!(
            "{} plugins of Better Auth {line} (no rustauth.toml here: create one with `rustauth init`)\n",
            specs.len()
        )),
    }
    for spec in specs {
        let mark = if has_config && enabled(spec.id) {
            "*"
        } else {
            " "
        };
        out.push_str(&format!("{mark} {:width$}  {}\n", spec.id, spec.summary));
        let impact = plugin_impact(config, spec);
        if impact.is_empty() {
            out.push_str("      adds nothing to the schema\n");
        }
        for part in impact.parts("adds") {
            out.push_str(&format!("      {part}\n"));
        }
        for req in spec.requires(line) {
            out.push_str(&format!("      needs {req} enabled too\n"));
        }
        for o in spec.options_on(line) {
            out.push_str(&format!(
                "      option [plugins.{}] {} = {} (Better Auth {}): {}\n",
                spec.id,
                o.key,
                option_value(spec.id, o.key),
                o.upstream,
                o.effect
            ));
        }
    }
    print_out(&out)?;
    Ok(Exit::Ok)
}

/// Prints to stdout; a closed pipe (`| head`) is not an error.
pub(crate) fn print_out(text: &str) -> Result<()> {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|_| stdout.flush())
    {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(anyhow::Error::new(e).context("cannot write to stdout"))
        }
        _ => Ok(()),
    }
}

/// Checks that every id is known (else an error listing the valid ids) and removes
/// duplicates, keeping the first.
fn known_ids(ids: &[String], line: crate::model::Line) -> Result<Vec<String>> {
    if let Some(message) = super::context::unknown_plugin_ids(ids, "; nothing changed", line) {
        bail!(message);
    }
    let mut out: Vec<String> = Vec::new();
    for id in ids {
        if !out.contains(id) {
            out.push(id.clone());
        }
    }
    Ok(out)
}

/// The config file to edit, locked (its folder, so that concurrent edits take turns),
/// then its text and its parsed form, read under the lock.
fn read_config(global: &Global) -> Result<(PathBuf, String, Config, Vec<DirLock>)> {
    let path = config::locate(&global.cwd, global.config.as_deref())?.ok_or_else(|| {
        anyhow::anyhow!(
            "no rustauth.toml in {}; create one with `rustauth init` or pass --config FILE",
            global.cwd.display()
        )
    })?;
    let lock = crate::fsutil::lock_dirs_of(&[&path])?;
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("cannot read {}", path.display()))?;
    let config = config::parse_str(&text, &path.display().to_string(), None)?;
    Ok((path, text, config, lock))
}

/// Writes the edited config atomically, keeping the file's permissions and writing
/// through a symlink to its target.
fn write_config(path: &Path, text: &str) -> Result<()> {
    let target = crate::fsutil::resolve_link(path);
    crate::fsutil::write_atomic(&target, text.as_bytes(), edit::file_mode(&target))
}

pub(crate) fn add(global: &Global, args: PluginIdsArgs) -> Result<Exit> {
    let (path, text, before, _lock) = read_config(global)?;
    let line = before.project.better_auth;
    let ids = known_ids(&args.ids, line)?;
    let name = path.display().to_string();

    // Plugins that others need go in first (Better Auth refuses to start otherwise).
    let mut wanted: Vec<String> = Vec::new();
    for id in &ids {
        let spec = plugins::find(id).expect("checked");
        for &req in spec.requires(line) {
            let have = before.plugins.enabled.iter().any(|e| e == req);
            if !have && !wanted.iter().any(|w| w == req) {
                println!("{id} needs {req} enabled too: adding {req}");
                wanted.push(req.to_string());
            }
        }
        if !wanted.contains(id) {
            wanted.push(id.clone());
        }
    }

    let e = edit::add_plugins(&text, &name, &wanted)?;
    for id in &e.unchanged {
        println!("{id} is already enabled in {name}; nothing to do");
    }
    if e.changed.is_empty() {
        return Ok(Exit::Ok);
    }
    let after = config::parse_str(&e.text, &name, None)
        .context("the edited config does not load; nothing was written")?;
    write_config(&path, &e.text)?;
    println!("enabled {} in {name}", e.changed.join(", "));
    let impact = Impact::between(&before.schema(), &after.schema());
    if impact.is_empty() {
        println!("schema: no change (nothing to migrate)");
    } else {
        println!(
            "schema: {} — run `rustauth migrate`",
            impact.describe("adds")
        );
    }
    Ok(Exit::Ok)
}

pub(crate) fn remove(global: &Global, args: PluginIdsArgs) -> Result<Exit> {
    let (path, text, before, _lock) = read_config(global)?;
    let line = before.project.better_auth;
    let ids = known_ids(&args.ids, line)?;
    let name = path.display().to_string();

    // A plugin that stays may not lose one it needs.
    for staying in before.plugins.enabled.iter().filter(|e| !ids.contains(e)) {
        let spec = plugins::find(staying).expect("validated by the loader");
        if let Some(req) = spec
            .requires(line)
            .iter()
            .find(|r| ids.iter().any(|i| i == *r))
        {
            bail!(
                "cannot remove {req}: {staying} needs it (Better Auth refuses to start without it); remove both with `rustauth plugins remove {staying} {req}`; nothing changed"
            );
        }
    }

    let e = edit::remove_plugins(&text, &name, &ids)?;
    for id in &e.unchanged {
        println!("{id} is not enabled in {name}; nothing to do");
    }
    if e.changed.is_empty() {
        return Ok(Exit::Ok);
    }
    let after = config::parse_str(&e.text, &name, None)
        .context("the edited config does not load; nothing was written")?;
    write_config(&path, &e.text)?;
    println!("disabled {} in {name}", e.changed.join(", "));
    for id in &e.changed {
        if after.plugins.options.contains_key(id) {
            println!("kept the [plugins.{id}] options (unused while {id} is disabled)");
        }
    }
    let unused = Impact::between(&after.schema(), &before.schema());
    if unused.is_empty() {
        println!("schema: no change");
    } else {
        println!(
            "schema: no longer needs {} — `rustauth migrate` never drops anything: the data stays until you drop it yourself",
            unused.describe("")
        );
    }
    Ok(Exit::Ok)
}
