//! Which Better Auth the application installs: `node_modules/better-auth/package.json`
//! (the installed version), else the `better-auth` dependency of a `package.json`, in the
//! config's folder or the nearest folder above it that has one. `info` and `doctor`
//! compare it with the config's `[project] better_auth`.

use std::path::{Path, PathBuf};

use crate::model::Line;

/// A Better Auth version found on disk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Installed {
    /// `1.7.25`, or the requirement as written (`^1.7.25`) when only `package.json` says.
    pub version: String,
    /// The file it was read from.
    pub source: PathBuf,
    /// Whether `version` is the installed package's (not a requirement).
    pub exact: bool,
}

impl Installed {
    /// The line the version belongs to (`None` for another line, such as 1.5 or 2.0).
    pub(crate) fn line(&self) -> Option<Line> {
        let v = self
            .version
            .trim_start_matches(|c: char| !c.is_ascii_digit());
        let mut parts = v.split('.');
        match (parts.next(), parts.next()) {
            (Some("1"), Some(minor)) => Line::parse(&format!(
                "1.{}",
                minor
                    .split(|c: char| !c.is_ascii_digit())
                    .next()
                    .unwrap_or("")
            )),
            _ => None,
        }
    }
}

fn read_json(path: &Path) -> Option<serde_json::Value> {
    serde_json::from_str(&std::fs::read_to_string(path).ok()?).ok()
}

/// The Better Auth the project around `start` installs, if any.
pub(crate) fn installed_better_auth(start: &Path) -> Option<Installed> {
    let mut dir = Some(start);
    while let Some(d) = dir {
        let installed = d.join("node_modules/better-auth/package.json");
        if let Some(v) = read_json(&installed)
            .as_ref()
            .and_then(|j| j["version"].as_str().map(str::to_string))
        {
            return Some(Installed {
                version: v,
                source: installed,
                exact: true,
            });
        }
        let manifest = d.join("package.json");
        if let Some(j) = read_json(&manifest) {
            for section in ["dependencies", "devDependencies", "peerDependencies"] {
                if let Some(v) = j[section]["better-auth"].as_str() {
                    return Some(Installed {
                        version: v.to_string(),
                        source: manifest,
                        exact: false,
                    });
                }
            }
        }
        dir = d.parent();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(v: &str) -> Installed {
        Installed {
            version: v.into(),
            source: PathBuf::new(),
            exact: false,
        }
    }

    #[test]
    fn versions_map_to_lines() {
        assert_eq!(at("1.7.25").line(), Some(Line::V1_7));
        assert_eq!(at("^1.7.0").line(), Some(Line::V1_7));
        assert_eq!(at("~1.6.9").line(), Some(Line::V1_6));
        assert_eq!(at("1.6.9-beta.1").line(), Some(Line::V1_6));
        assert_eq!(at("1.5.3").line(), None);
        assert_eq!(at("2.0.0").line(), None);
        assert_eq!(at("latest").line(), None);
    }
}
