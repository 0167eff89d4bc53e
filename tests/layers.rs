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

/// The module path of a source file: `[db, postgres]` for src/db/postgres.rs, `[db]` for
/// src/db/mod.rs, `[]` for src/lib.rs.
fn module_path(rel: &Path) -> Vec<String> {
    let mut parts: Vec<String> = rel
        .iter()
        .map(|p| p.to_string_lossy().trim_end_matches(".rs").to_string())
        .collect();
    if parts.last().is_some_and(|l| l == "mod" || l == "lib") {
        parts.pop();
    }
    parts
}

/// The layer-map module of a full module path: `db` for `[db, postgres, …]`,
/// `commands::render` for `[commands, render, …]`, `commands::<name>` for a command,
/// `commands` for the dispatcher, `lib` for the crate root and its items.
fn layer_module(path: &[&str]) -> String {
    let lower = |s: &&str| s.chars().next().is_some_and(char::is_lowercase);
    match path {
        [] => "lib".into(),
        [first, ..] if !lower(first) => "lib".into(),
        ["commands"] => "commands".into(),
        ["commands", s, ..] => match *s {
            "context" | "connect" | "render" | "snapshot" => format!("commands::{s}"),
            s if lower(&s) => "commands::<name>".into(),
            _ => "commands".into(),
        },
        [first, ..] => (*first).to_string(),
    }
}

/// The module a source file belongs to in the layer map.
fn module_of(rel: &Path) -> String {
    let path = module_path(rel);
    layer_module(&path.iter().map(String::as_str).collect::<Vec<_>>())
}

/// The layer-map module a path names, from the file at module path `from`: `crate::…`
/// from the root, each `super::` one level up from the file's module; `None` for a path
/// inside the file's own module (`self::…`, a `super::` that stays in its folder).
fn target_of(path: &str, from: &[String]) -> Option<String> {
    let mut segs: Vec<&str> = path.split("::").filter(|s| !s.is_empty()).collect();
    let mut base: Vec<&str> = match *segs.first()? {
        "crate" => {
            segs.remove(0);
            Vec::new()
        }
        "super" => {
            let mut base: Vec<&str> = from.iter().map(String::as_str).collect();
            while segs.first() == Some(&"super") {
                segs.remove(0);
                base.pop()?;
            }
            base
        }
        _ => return None,
    };
    let own = layer_module(&from.iter().map(String::as_str).collect::<Vec<_>>());
    base.extend(segs);
    let to = layer_module(&base);
    // Within one module (a `super::` inside its folder) is no import between layers;
    // one command file naming another is.
    let other_command =
        own == "commands::<name>" && base.get(1).copied() != from.get(1).map(String::as_str);
    (to != own || other_command).then_some(to)
}

/// The library's source without test code: files named tests.rs, and from the first
/// `#[cfg(test)]` that opens a `mod` on (every test module ends its file).
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
                let code = blank_literals(&std::fs::read_to_string(&p).unwrap());
                let code = match code.find("\n#[cfg(test)]\nmod ") {
                    Some(i) => code[..i].to_string(),
                    None => code,
                };
                out.push((p.strip_prefix(&src).unwrap().to_path_buf(), code));
            }
        }
    }
    out.sort();
    out
}

/// The code with comments, string and char literals blanked (newlines kept, so that
/// line numbers stay): a path inside a string or after `//` is no import.
fn blank_literals(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    let keep_lines = |s: &[char], out: &mut String| {
        for c in s {
            out.push(if *c == '\n' { '\n' } else { ' ' });
        }
    };
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            let end = chars[i..]
                .iter()
                .position(|c| *c == '\n')
                .map_or(chars.len(), |p| i + p);
            keep_lines(&chars[i..end], &mut out);
            i = end;
        } else if c == '/' && next == Some('*') {
            let end = (i + 2..chars.len().saturating_sub(1))
                .find(|&j| chars[j] == '*' && chars[j + 1] == '/')
                .map_or(chars.len(), |j| j + 2);
            keep_lines(&chars[i..end], &mut out);
            i = end;
        } else if c == 'r'
            && matches!(next, Some('"' | '#'))
            && !chars
                .get(i.wrapping_sub(1))
                .is_some_and(|p| p.is_alphanumeric() || *p == '_')
        {
            // A raw string: r"…", r#"…"#.
            let hashes = chars[i + 1..].iter().take_while(|c| **c == '#').count();
            if chars.get(i + 1 + hashes) != Some(&'"') {
                out.push(c);
                i += 1;
                continue;
            }
            let body = i + 2 + hashes;
            let close: String = std::iter::once('"')
                .chain(std::iter::repeat_n('#', hashes))
                .collect();
            let rest: String = chars[body..].iter().collect();
            let end = rest.find(&close).map_or(chars.len(), |p| {
                body + rest[..p].chars().count() + close.chars().count()
            });
            keep_lines(&chars[i..end], &mut out);
            i = end;
        } else if c == '"' {
            let mut j = i + 1;
            while j < chars.len() && chars[j] != '"' {
                j += if chars[j] == '\\' { 2 } else { 1 };
            }
            let end = (j + 1).min(chars.len());
            keep_lines(&chars[i..end], &mut out);
            i = end;
        } else if c == '\''
            && next.is_some()
            && (chars.get(i + 2) == Some(&'\'')
                || (next == Some('\\') && chars[i + 2..].iter().take(10).any(|c| *c == '\'')))
        {
            // A char literal ('x', '\n', '\u{..}'), not a lifetime.
            let end = chars[i + 2..]
                .iter()
                .position(|c| *c == '\'')
                .map_or(chars.len(), |p| i + 3 + p);
            keep_lines(&chars[i..end], &mut out);
            i = end;
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

/// Paths of the form `crate::a::b` / `super::a` in code (literals blanked), with their
/// line numbers. Use trees count one path per leaf, nested lists and lists across lines
/// included; a glob (`crate::*`) or a bare `crate` / `super` names the parent itself.
fn paths(code: &str) -> Vec<(usize, String)> {
    let mut starts = vec![0];
    starts.extend(code.match_indices('\n').map(|(i, _)| i + 1));
    let line_of = |at: usize| starts.partition_point(|&s| s <= at);
    let mut out = Vec::new();
    for start in ["crate", "super"] {
        let mut from = 0;
        while let Some(i) = code[from..].find(start).map(|i| i + from) {
            from = i + start.len();
            let before = code[..i].chars().last();
            let after = code[from..].chars().next();
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':')
                || after.is_some_and(|c| c.is_alphanumeric() || c == '_')
            {
                continue;
            }
            // Not followed by `::`: a path only as `use crate as …` (else `pub(crate)`).
            if after != Some(':') && !code[..i].trim_end().ends_with("use") {
                continue;
            }
            let mut leaves = Vec::new();
            tree(&code[i..], String::new(), &mut leaves);
            for leaf in leaves {
                out.push((line_of(i), leaf));
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

/// The leaves of the path or use tree at the start of `s`, each prefixed by `prefix`.
fn tree(s: &str, prefix: String, out: &mut Vec<String>) {
    let end = s
        .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
        .unwrap_or(s.len());
    let head = s[..end].trim_end_matches(':');
    let path = if prefix.is_empty() {
        head.to_string()
    } else if head.is_empty() || head == "self" {
        prefix.clone()
    } else {
        format!("{prefix}::{head}")
    };
    let rest = &s[end..];
    if s[..end].ends_with("::") && rest.starts_with('{') {
        // A list: split its top level at commas, recurse into each item.
        let mut depth = 0;
        let mut item_start = 1;
        for (j, c) in rest.char_indices() {
            match c {
                '{' => depth += 1,
                '}' | ',' if depth == 1 => {
                    let item = rest[item_start..j].trim_start();
                    if !item.trim().is_empty() {
                        tree(item, path.clone(), out);
                    }
                    item_start = j + 1;
                    if c == '}' {
                        return;
                    }
                }
                '}' => depth -= 1,
                _ => {}
            }
        }
    } else if !path.is_empty() {
        // A path, or a glob (`crate::x::*`): the module it names.
        out.push(path);
    }
}

#[test]
fn imports_go_down_the_layer_map_only() {
    let mut wrong = Vec::new();
    let mut edges: BTreeMap<(String, String), String> = BTreeMap::new();
    for (rel, code) in sources() {
        let from = module_of(&rel);
        let from_path = module_path(&rel);
        for (line, path) in paths(&code) {
            let Some(to) = target_of(&path, &from_path) else {
                continue;
            };
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
fn the_scanner_reads_use_trees_paths_and_skips_literals() {
    let code = blank_literals(
        "use crate::db::{Db, Options};\nuse crate::{\n    config,\n    model::{Line, Dialect},\n    schema::*,\n};\nlet x = crate::plan::live::replan(); // crate::cli\nlet s = \"crate::report\"; let r = r#\"crate::sql\"#;\nuse crate as c;\n",
    );
    let names: Vec<&str> = {
        let p = Box::leak(Box::new(paths(&code)));
        p.iter().map(|(_, s)| s.as_str()).collect()
    };
    assert_eq!(
        names,
        [
            "crate::db::Db",
            "crate::db::Options",
            "crate::config",
            "crate::model::Dialect",
            "crate::model::Line",
            "crate::schema",
            "crate::plan::live::replan",
            "crate",
        ]
    );
    let from = |p: &str| module_path(Path::new(p));
    assert_eq!(
        target_of("crate::commands::render::x", &from("commands/doctor.rs")).as_deref(),
        Some("commands::render")
    );
    assert_eq!(
        target_of("super::migrate::x", &from("commands/doctor.rs")).as_deref(),
        Some("commands::<name>")
    );
    assert_eq!(
        target_of("super::super::plan::x", &from("commands/doctor.rs")).as_deref(),
        Some("plan")
    );
    assert_eq!(
        target_of("super::cli::X", &from("report.rs")).as_deref(),
        Some("cli")
    );
    assert_eq!(
        target_of("super::super::config::X", &from("db/postgres.rs")).as_deref(),
        Some("config")
    );
    assert_eq!(
        target_of("super::history::x", &from("db/postgres.rs")),
        None
    );
    assert_eq!(target_of("super::Step", &from("db/postgres.rs")), None);
    assert_eq!(
        target_of("crate::Item", &from("db/postgres.rs")).as_deref(),
        Some("lib")
    );
    assert_eq!(
        module_of(Path::new("commands/doctor.rs")),
        "commands::<name>"
    );
    assert_eq!(module_of(Path::new("db/postgres.rs")), "db");
    assert_eq!(module_of(Path::new("lib.rs")), "lib");
}
