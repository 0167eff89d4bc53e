//! What `info` and `doctor` both need: the config as they see it (loaded, or why not,
//! with the environment), and the scrubbing of every known secret from their messages.

use std::path::{Path, PathBuf};

use crate::config::{self, Config, Env, Loaded};
use crate::model::Line;
use crate::redact::{self, redact_in_text};

/// The config as `info` and `doctor` see it: loaded, or why not, with the environment
/// (`.env` files read even when the config is broken).
pub(crate) struct ConfigState {
    pub loaded: Option<Loaded>,
    /// The file that was found (or named by `--config`), whether or not it loaded.
    pub path: Option<PathBuf>,
    /// Why the config did not load (redacted, one line).
    pub error: Option<String>,
    pub env: Env,
}

impl ConfigState {
    /// `explicit`: `--config`; `line`: `--better-auth`.
    pub(crate) fn load(cwd: &Path, explicit: Option<&Path>, line: Option<Line>) -> ConfigState {
        let path = config::locate(cwd, explicit).ok().flatten();
        match config::load(cwd, explicit, false, line) {
            Ok(loaded) => ConfigState {
                path: loaded.config.path.clone(),
                env: loaded.env.clone(),
                loaded: Some(loaded),
                error: None,
            },
            Err(e) => {
                let mut dirs = Vec::new();
                if let Some(dir) = path.as_ref().and_then(|p| p.parent()) {
                    dirs.push(dir.to_path_buf());
                }
                dirs.push(cwd.to_path_buf());
                let env = Env::load(&dirs);
                let message = crate::output::one_line(&e.to_string());
                let error = scrub(&message, None, &env);
                ConfigState {
                    loaded: None,
                    path: path.or_else(|| {
                        explicit.map(|p| {
                            if p.is_absolute() {
                                p.to_path_buf()
                            } else {
                                cwd.join(p)
                            }
                        })
                    }),
                    error: Some(error),
                    env,
                }
            }
        }
    }

    pub(crate) fn config(&self) -> Option<&Config> {
        self.loaded.as_ref().map(|l| &l.config)
    }
}

/// The variables whose values must never be printed for this config: the database URL
/// variable, `database.url`, and every secret variable, with the secret parts of URLs.
pub(crate) fn known_secrets(config: Option<&Config>, env: &Env) -> Vec<String> {
    let defaults = Config::default();
    let c = config.unwrap_or(&defaults);
    let mut out = Vec::new();
    let mut urls = Vec::new();
    if let Some(u) = env.get_non_empty(&c.database.url_env) {
        urls.push(u);
    }
    if let Some(u) = env.get_non_empty("DATABASE_URL") {
        urls.push(u);
    }
    if let Some(u) = c.database.url.clone().filter(|u| !u.is_empty()) {
        urls.push(u);
    }
    for u in &urls {
        out.extend(redact::url_secrets(u));
    }
    for name in secret_vars(&c.security.secret_env) {
        if let Some(v) = env.get_non_empty(&name) {
            out.push(v.clone());
            // Rotation lists: each secret alone too.
            for part in v.split(',') {
                out.push(part.split_once(':').map_or(part, |(_, s)| s).to_string());
                out.push(part.to_string());
            }
        }
    }
    out.retain(|s| !s.is_empty());
    out
}

/// Scrubs a message of every known secret (and URL user info, `password=` pairs).
pub(crate) fn scrub(text: &str, config: Option<&Config>, env: &Env) -> String {
    let secrets = known_secrets(config, env);
    let refs: Vec<&str> = secrets.iter().map(String::as_str).collect();
    redact_in_text(text, &refs)
}

/// The secret variables, in lookup order (`security.secret_env` first).
pub(crate) fn secret_vars(secret_env: &str) -> Vec<String> {
    crate::secret::lookup_order(secret_env)
}
