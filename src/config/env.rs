//! `.env` / `.env.local` loading without touching the process environment, with
//! dotenvy's semantics ([`super::dotenv`]): the first definition of a key in a file wins,
//! a line that does not parse ends the file, a variable already set in the process wins
//! over every file, `.env.local` wins over `.env`, and the files beside the config win
//! over those in `--cwd`. What the app would read differently from what a glance at the
//! file suggests (a key defined twice, a file cut short) is kept as an [`EnvIssue`].

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};

use super::dotenv;

#[derive(Debug, Clone, Default)]
pub struct Env {
    /// Values read from files (not the process environment), with the file.
    files: HashMap<String, (String, PathBuf)>,
    /// The files that were read, in load order.
    pub loaded: Vec<PathBuf>,
    /// What in those files the app reads differently from how it looks.
    pub issues: Vec<EnvIssue>,
}

/// A problem of one env file. Messages name the file, keys and lines, never a value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvIssue {
    pub file: PathBuf,
    pub kind: IssueKind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IssueKind {
    /// A key defined more than once; the lines of every definition (0: unknown).
    Duplicate { key: String, lines: Vec<usize> },
    /// dotenvy stops reading at this line (it does not parse; 0: unknown).
    Stops { line: usize },
    /// The file exists but cannot be read (dotenvy gives the app none of it).
    Unreadable { reason: String },
}

impl fmt::Display for EnvIssue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let file = self.file.display();
        match &self.kind {
            IssueKind::Duplicate { key, lines } if lines.iter().all(|l| *l > 0) => {
                let nums: Vec<String> = lines.iter().map(usize::to_string).collect();
                let (last, rest) = nums.split_last().expect("two or more");
                write!(
                    f,
                    "{file} defines {key} on lines {} and {last}; dotenvy (what the app loads .env with) keeps the first, line {}, and ignores the other{}: remove {}",
                    rest.join(", "),
                    lines[0],
                    if lines.len() > 2 { "s" } else { "" },
                    if lines.len() > 2 { "them" } else { "it" }
                )
            }
            IssueKind::Duplicate { key, lines } => write!(
                f,
                "{file} defines {key} {} times; dotenvy (what the app loads .env with) keeps the first and ignores the others: remove them",
                lines.len()
            ),
            IssueKind::Stops { line } if *line > 0 => write!(
                f,
                "{file} line {line} does not parse; dotenvy stops reading there, so the app gets nothing from that line on (rustauth neither): fix the line"
            ),
            IssueKind::Stops { .. } => write!(
                f,
                "{file} has a line that does not parse; dotenvy stops reading there: fix the line"
            ),
            IssueKind::Unreadable { reason } => write!(
                f,
                "{file} cannot be read ({reason}); the app gets none of it"
            ),
        }
    }
}

impl Env {
    /// Reads `.env` then `.env.local` from each folder; earlier folders win.
    pub fn load(dirs: &[PathBuf]) -> Env {
        Env::load_as_if(dirs, &[])
    }

    /// [`Env::load`] as it will be once each `(path, text)` of `written` is written: those
    /// files are read from the text given instead of the disk (`init` checks what every
    /// later command will read before it writes).
    pub fn load_as_if(dirs: &[PathBuf], written: &[(PathBuf, String)]) -> Env {
        let mut env = Env::default();
        let mut seen = Vec::new();
        for dir in dirs {
            let canon = dir.canonicalize().unwrap_or_else(|_| dir.clone());
            if seen.contains(&canon) {
                continue;
            }
            seen.push(canon);
            let mut layer: HashMap<String, (String, PathBuf)> = HashMap::new();
            for name in [".env", ".env.local"] {
                let file = dir.join(name);
                let read = match written.iter().find(|(p, _)| same_file(p, &file)) {
                    Some((_, text)) => Some(Ok(dotenv::scan(text))),
                    None => read_file(&file),
                };
                let Some(read) = read else {
                    continue;
                };
                match read {
                    Ok(scan) => {
                        env.loaded.push(file.clone());
                        for (key, lines) in scan.duplicates() {
                            env.issues.push(EnvIssue {
                                file: file.clone(),
                                kind: IssueKind::Duplicate { key, lines },
                            });
                        }
                        if let Some(line) = scan.stop {
                            env.issues.push(EnvIssue {
                                file: file.clone(),
                                kind: IssueKind::Stops { line },
                            });
                        }
                        let mut vars: HashMap<String, (String, PathBuf)> = HashMap::new();
                        for d in scan.definitions {
                            // The first definition in a file wins, as dotenvy loads it.
                            vars.entry(d.key).or_insert((d.value, file.clone()));
                        }
                        layer.extend(vars); // .env.local overrides .env
                    }
                    Err(reason) => env.issues.push(EnvIssue {
                        file: file.clone(),
                        kind: IssueKind::Unreadable { reason },
                    }),
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
            Err(_) => self.files.get(name).map(|(v, _)| v.clone()),
        }
    }

    /// Like [`Env::get`], with empty values treated as unset.
    pub fn get_non_empty(&self, name: &str) -> Option<String> {
        self.get(name).filter(|v| !v.is_empty())
    }

    /// The file a variable's value comes from (`None`: the process, or unset).
    pub fn file_of(&self, name: &str) -> Option<&Path> {
        if std::env::var_os(name).is_some() {
            return None;
        }
        self.files.get(name).map(|(_, f)| f.as_path())
    }
}

/// Whether two paths name one file, whether it exists yet or not (symlinks resolved).
pub fn same_file(a: &Path, b: &Path) -> bool {
    fn canonical(p: &Path) -> PathBuf {
        p.canonicalize()
            .unwrap_or_else(|_| match (p.parent(), p.file_name()) {
                (Some(dir), Some(name)) => dir
                    .canonicalize()
                    .unwrap_or_else(|_| dir.to_path_buf())
                    .join(name),
                _ => p.to_path_buf(),
            })
    }
    a == b || canonical(a) == canonical(b)
}

/// `None` when there is no such file; `Err` (why) when it exists but cannot be read.
/// Bytes that are not UTF-8 end the file where they start, as dotenvy's reader does.
fn read_file(path: &Path) -> Option<Result<dotenv::Scan, String>> {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return None,
        Err(e) if e.kind() == std::io::ErrorKind::IsADirectory || path.is_dir() => return None,
        Err(e) => return Some(Err(e.kind().to_string())),
    };
    Some(Ok(match String::from_utf8(bytes) {
        Ok(text) => dotenv::scan(&text),
        Err(e) => {
            let bytes = e.as_bytes();
            let valid = e.utf8_error().valid_up_to();
            let cut = bytes[..valid]
                .iter()
                .rposition(|b| *b == b'\n')
                .map_or(0, |i| i + 1);
            let text = std::str::from_utf8(&bytes[..cut]).expect("valid prefix");
            let mut scan = dotenv::scan(text);
            if scan.stop.is_none() {
                scan.stop = Some(if scan.exact {
                    text.matches('\n').count() + 1
                } else {
                    0
                });
            }
            scan
        }
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn load_as_if_reads_the_given_text_in_place_of_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path().to_path_buf();
        std::fs::write(d.join(".env"), "RA_T_AS_IF=disk\nRA_T_ONLY_DISK=1\n").unwrap();
        let dirs = [d.clone()];
        assert_eq!(Env::load(&dirs).get("RA_T_AS_IF").as_deref(), Some("disk"));
        // A file that exists, named by another spelling of its path.
        let other = d.join(".").join(".env");
        let env = Env::load_as_if(&dirs, &[(other, "RA_T_AS_IF=text\n".into())]);
        assert_eq!(env.get("RA_T_AS_IF").as_deref(), Some("text"));
        assert_eq!(
            env.get("RA_T_ONLY_DISK"),
            None,
            "the text replaces the file"
        );
        // A file that does not exist yet, with `.env.local`'s precedence.
        let env = Env::load_as_if(&dirs, &[(d.join(".env.local"), "RA_T_AS_IF=new\n".into())]);
        assert_eq!(env.get("RA_T_AS_IF").as_deref(), Some("new"));
        assert_eq!(
            env.file_of("RA_T_AS_IF"),
            Some(d.join(".env.local").as_path())
        );
    }

    #[test]
    fn same_file_resolves_paths_that_exist_or_not() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::write(d.join("a"), "").unwrap();
        assert!(same_file(&d.join("a"), &d.join("./a")));
        assert!(same_file(&d.join("new"), &d.join(".").join("new")));
        assert!(!same_file(&d.join("a"), &d.join("new")));
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(d.join("a"), d.join("link")).unwrap();
            assert!(same_file(&d.join("link"), &d.join("a")));
        }
    }
}
