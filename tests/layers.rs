//! The layer map of `src/lib.rs` as a test: every `crate::…` / `super::…` path in the
//! library's non-test code names a module of a lower layer (or its own module). An
//! import up or sideways, a circle, or a command importing another command fails here
//! with the file and line.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Each module's layer; a module may import only modules of a lower layer. Modules of one
/// layer are independent of each other. `commands::<name>` is every command file.
const LAYERS: &[(&str, u8)] = &[
    ("model", 0),
    ("exit", 1),
    ("output", 1),
    ("fsutil", 1),
    ("password", 1),
    ("upstream", 1),
    ("url", 1),
    ("redact", 2),
    ("db", 3),
    ("schema", 4),
    ("sql", 5),
    ("config", 6),
    ("plan", 6),
    ("secret", 7),
    ("telemetry", 7),
    ("diagnostics", 8),
    ("report", 8),
    ("cli", 9),
    ("commands::context", 10),
    ("commands::connect", 10),
    ("commands::snapshot", 10),
    ("commands::render", 11),
    ("commands::<name>", 12),
    ("commands", 13),
    ("lib", 14),
];

fn layer(module: &str) -> u8 {
    LAYERS
        .iter()
        .find(|(m, _)| *m == module)
        .map(|(_, l)| *l)
        .unwrap_or_else(|| panic!("module {module} is not in the layer map of tests/layers.rs"))
}

/// The module a source file belongs to: `db` for src/db/postgres.rs, `commands::render`
/// for src/commands/render.rs, `commands::<name>` for a command, `lib` for src/lib.rs.
fn module_of(rel: &Path) -> String {
    let parts: Vec<String> = rel
        .iter()
        .map(|p| p.to_string_lossy().trim_end_matches(".rs").to_string())
        .collect();
    match parts.as_slice() {
        [only] if only == "lib" => "lib".into(),
        [only] => only.clone(),
        [dir, file] if dir == "commands" => match file.as_str() {
            "mod" => "commands".into(),
            "context" | "connect" | "render" | "snapshot" => format!("commands::{file}"),
            _ => "commands::<name>".into(),
        },
        [dir, ..] => dir.clone(),
        [] => unreachable!("a file has a name"),
    }
}

/// The module a path names, from the importing module: `crate::db::Target` → `db`,
/// `super::render::x` in a command → `commands::render`.
fn target_of(path: &str, from: &str, file_dir_is_module: bool) -> Option<String> {
    let mut segs = path.split("::");
    match segs.next()? {
        "crate" => {
            let first = segs.next()?;
            if first == "commands" {
                return Some(match segs.next() {
                    Some(s @ ("context" | "connect" | "render" | "snapshot")) => {
                        format!("commands::{s}")
                    }
                    Some(s) if s.chars().next().is_some_and(char::is_lowercase) => {
                        "commands::<name>".into()
                    }
                    _ => "commands".into(),
                });
            }
            Some(if first.chars().next().is_some_and(char::is_lowercase) {
                first.to_string()
            } else {
                // `crate::Item`: the crate root.
                "lib".to_string()
            })
        }
        "super" if from.starts_with("commands::") => {
            let s = segs.next()?;
            if s == "super" {
                // `super::super::x` from a command: the crate root's `x`.
                let rest: Vec<&str> = segs.collect();
                return target_of(&format!("crate::{}", rest.join("::")), from, false);
            }
            Some(match s {
                "context" | "connect" | "render" | "snapshot" => format!("commands::{s}"),
                _ if s.chars().next().is_some_and(char::is_lowercase) => "commands::<name>".into(),
                _ => "commands".into(),
            })
        }
        // `super::` inside a module's own folder stays inside the module.
        "super" if file_dir_is_module => None,
        _ => None,
    }
}

/// The library's source without test code: files named tests.rs, and everything from
/// a `#[cfg(test)]` at the start of a line on.
fn sources() -> Vec<(PathBuf, String)> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut out = Vec::new();
    let mut stack = vec![src.clone()];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                if p.file_name().is_some_and(|n| n != "bin") {
                    stack.push(p);
                }
            } else if p.extension().is_some_and(|x| x == "rs")
                && p.file_name().is_some_and(|n| n != "tests.rs")
            {
                let text = std::fs::read_to_string(&p).unwrap();
                let code = match text.find("\n#[cfg(test)]") {
                    Some(i) => text[..i].to_string(),
                    None => text,
                };
                out.push((p.strip_prefix(&src).unwrap().to_path_buf(), code));
            }
        }
    }
    out.sort();
    out
}

/// Paths of the form `crate::a::b` / `super::a` in code (comments and doc comments
/// left out), with their line numbers. `use crate::{a, b}` lists count one each, also
/// when they span lines.
fn paths(code: &str) -> Vec<(usize, String)> {
    let mut text = String::new();
    let mut starts = Vec::new();
    for line in code.lines() {
        starts.push(text.len());
        text.push_str(match line.find("//") {
            Some(i) => &line[..i],
            None => line,
        });
        text.push(' ');
    }
    let line_of = |at: usize| starts.partition_point(|&s| s <= at);
    let mut out = Vec::new();
    for start in ["crate::", "super::"] {
        let mut from = 0;
        while let Some(i) = text[from..].find(start).map(|i| i + from) {
            from = i + start.len();
            if text[..i]
                .chars()
                .last()
                .is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':')
            {
                continue;
            }
            let tail = &text[i..];
            let end = tail
                .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
                .unwrap_or(tail.len());
            let path = tail[..end].trim_end_matches(':');
            match tail[end..].strip_prefix('{') {
                Some(list) if tail[..end].ends_with("::") => {
                    let list = &list[..list.find('}').unwrap_or(list.len())];
                    for item in list.split(',') {
                        let item = item.trim().split("::").next().unwrap_or("").trim();
                        if !item.is_empty() && item != "self" {
                            out.push((line_of(i), format!("{path}::{item}")));
                        } else if item == "self" {
                            out.push((line_of(i), path.to_string()));
                        }
                    }
                }
                _ => out.push((line_of(i), path.to_string())),
            }
        }
    }
    out.sort();
    out
}

#[test]
fn imports_go_down_the_layer_map_only() {
    let mut wrong = Vec::new();
    let mut edges: BTreeMap<(String, String), String> = BTreeMap::new();
    for (rel, code) in sources() {
        let from = module_of(&rel);
        let in_own_dir = rel.components().count() > 1;
        for (line, path) in paths(&code) {
            let Some(to) = target_of(&path, &from, in_own_dir) else {
                continue;
            };
            if to == from && to != "commands::<name>" {
                continue;
            }
            edges
                .entry((from.clone(), to.clone()))
                .or_insert_with(|| format!("src/{}:{line}", rel.display()));
            if layer(&to) >= layer(&from) {
                wrong.push(format!(
                    "src/{}:{line}: {from} (layer {}) uses {path} ({to}, layer {})",
                    rel.display(),
                    layer(&from),
                    layer(&to)
                ));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "imports against the layer map:\n{}",
        wrong.join("\n")
    );
    // The map is exercised: the main arrows are there.
    for (from, to) in [
        ("commands::<name>", "commands::connect"),
        ("commands::connect", "plan"),
        ("plan", "db"),
        ("sql", "schema"),
        ("config", "schema"),
        ("db", "model"),
    ] {
        assert!(
            edges.contains_key(&(from.to_string(), to.to_string())),
            "no {from} -> {to} edge found: the scanner misses imports"
        );
    }
}

#[test]
fn the_scanner_reads_use_lists_and_paths() {
    let p = paths(
        "use crate::db::{Db, Options};\nuse crate::{\n    config,\n    model::Line,\n};\nlet x = crate::plan::live::replan(); // crate::cli\n",
    );
    let names: Vec<&str> = p.iter().map(|(_, s)| s.as_str()).collect();
    assert_eq!(
        names,
        [
            "crate::db::Db",
            "crate::db::Options",
            "crate::config",
            "crate::model",
            "crate::plan::live::replan"
        ]
    );
    assert_eq!(
        target_of("crate::commands::render::x", "commands::<name>", false).as_deref(),
        Some("commands::render")
    );
    assert_eq!(
        target_of("super::migrate::x", "commands::<name>", false).as_deref(),
        Some("commands::<name>")
    );
    assert_eq!(
        module_of(Path::new("commands/doctor.rs")),
        "commands::<name>"
    );
    assert_eq!(module_of(Path::new("db/postgres.rs")), "db");
}
