//! `.env` / `.env.local` loading without touching the process environment: a variable
//! already set in the process wins, `.env.local` wins over `.env`, and the files beside the
//! config win over those in `--cwd`.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Default)]
pub struct Env {
    /// Values read from files (not the process environment).
    files: HashMap<String, String>,
    /// The files that were read, in load order.
    pub loaded: Vec<PathBuf>,
}

impl Env {
    /// Reads `.env` then `.env.local` from each folder; earlier folders win.
    pub fn load(dirs: &[PathBuf]) -> Env {
        let mut env = Env::default();
        let mut seen = Vec::new();
        for dir in dirs {
            let canon = dir.canonicalize().unwrap_or_else(|_| dir.clone());
            if seen.contains(&canon) {
                continue;
            }
            seen.push(canon);
            let mut layer = HashMap::new();
            for name in [".env", ".env.local"] {
                let file = dir.join(name);
                if let Some(vars) = read_file(&file) {
                    env.loaded.push(file);
                    layer.extend(vars); // .env.local overrides .env
                }
            }
            for (k, v) in layer {
                env.files.entry(k).or_insert(v);
            }
        }
        env
    }

    /// An environment without files (the process environment only).
    pub fn process_only() -> Env {
        Env::default()
    }

    /// The value of a variable: the process environment, then the files.
    pub fn get(&self, name: &str) -> Option<String> {
        match std::env::var(name) {
            Ok(v) => Some(v),
            Err(_) => self.files.get(name).cloned(),
        }
    }

    /// Like [`Env::get`], with empty values treated as unset.
    pub fn get_non_empty(&self, name: &str) -> Option<String> {
        self.get(name).filter(|v| !v.is_empty())
    }
}

fn read_file(path: &Path) -> Option<Vec<(String, String)>> {
    let iter = dotenvy::from_path_iter(path).ok()?;
    Some(iter.filter_map(Result::ok).collect())
}
