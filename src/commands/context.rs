//! What every command shares: the global flags and config loading, env-file warnings,
//! plugin-id checks of the command line, the database runtime.

use std::path::PathBuf;

use anyhow::Result;

use crate::config::{self, Loaded};

/// Global flags every command sees.
#[derive(Debug, Clone)]
pub(crate) struct Global {
    pub cwd: PathBuf,
    pub config: Option<PathBuf>,
    /// `--better-auth` of `schema print` / `generate`: wins over `[project] better_auth`.
    pub better_auth: Option<crate::model::Line>,
}

impl Global {
    /// Loads `.env` and the config; `required`: a missing rustauth.toml is an error.
    pub(crate) fn load(&self, required: bool) -> Result<Loaded> {
        let loaded = config::load(
            &self.cwd,
            self.config.as_deref(),
            required,
            self.better_auth,
        )
        .map_err(|e| match e {
            config::ConfigError::Missing { .. } if self.config.is_none() => anyhow::anyhow!(
                "no rustauth.toml in {}; create one with `rustauth init` or pass --config FILE",
                self.cwd.display()
            ),
            other => other.into(),
        })?;
        env_issues(&loaded.env, loaded.config.project.production)?;
        Ok(loaded)
    }
}

/// What the env files hold that the app reads differently (a key defined twice, a file
/// cut short by a line that does not parse): a warning on stderr, an error in production.
pub(crate) fn env_issues(env: &config::Env, production: bool) -> Result<()> {
    if let Some(first) = env.issues.first()
        && production
    {
        anyhow::bail!("{first} (an error in production: project.production = true)");
    }
    for issue in &env.issues {
        crate::output::warn(&issue.to_string());
    }
    Ok(())
}

/// For plugin ids given on the command line: `None` when all are known, else
/// "unknown plugin id `x` (did you mean `y`?)" with the list of valid ids after `; {what};`.
/// A known id that `line` lacks is named with the line.
pub(crate) fn unknown_plugin_ids(
    ids: &[String],
    what: &str,
    line: crate::model::Line,
) -> Option<String> {
    use crate::schema::plugins;
    let unknown: Vec<&String> = ids
        .iter()
        .filter(|i| plugins::find_on(i, line).is_none())
        .collect();
    if unknown.is_empty() {
        return None;
    }
    let valid = plugins::ids(line);
    let named: Vec<String> = unknown
        .iter()
        .map(
            |u| match config::suggest::nearest(u, valid.iter().copied()) {
                _ if plugins::find(u).is_some() => {
                    format!("`{u}` (not a plugin of Better Auth {line})")
                }
                Some(n) => format!("`{u}` (did you mean `{n}`?)"),
                None => format!("`{u}`"),
            },
        )
        .collect();
    Some(format!(
        "unknown plugin id{} {}{what}; valid plugin ids: {}",
        if unknown.len() == 1 { "" } else { "s" },
        named.join(", "),
        valid.join(", ")
    ))
}

/// A single-threaded tokio runtime for the commands that talk to a database.
pub(crate) fn runtime() -> Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?)
}
