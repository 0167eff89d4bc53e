//! Edits of the user's files that keep everything the edit does not touch: the
//! `[plugins] enabled` array of rustauth.toml (with `toml_edit`, so comments, order and
//! layout survive), and key merges into `.env`-style files (missing keys appended, nothing
//! else changed). Pure text in, text out: the caller writes the file.

use toml_edit::{Array, DocumentMut, Item, RawString, Table, Value};

/// An edit that could not be made.
#[derive(Debug, thiserror::Error)]
pub enum EditError {
    #[error("{path}: invalid TOML: {message}")]
    Toml { path: String, message: String },
    #[error("{path}: `{key}` must be {what}")]
    Shape {
        path: String,
        key: String,
        what: String,
    },
}

/// The result of an edit of `[plugins] enabled`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PluginsEdit {
    /// The new file text (equal to the input when nothing changed).
    pub text: String,
    /// Ids added or removed, in the order given.
    pub changed: Vec<String>,
    /// Ids that needed nothing (already enabled / not enabled).
    pub unchanged: Vec<String>,
}

/// Appends the ids that `[plugins] enabled` lacks, in the order given; creates the array
/// (and a `[plugins]` table at the end of the file) when there is none. New entries follow
/// the array's layout: one per line in a multi-line array, `, "id"` in a one-line one.
pub fn add_plugins(text: &str, path: &str, ids: &[String]) -> Result<PluginsEdit, EditError> {
    let mut doc = parse(text, path)?;
    let mut changed = Vec::new();
    let mut unchanged = Vec::new();
    {
        let arr = enabled_array(&mut doc, path, true)?.expect("created");
        for id in ids {
            if contains(arr, id) || changed.contains(id) {
                unchanged.push(id.clone());
            } else {
                push_like_neighbours(arr, id);
                changed.push(id.clone());
            }
        }
    }
    let text = if changed.is_empty() {
        text.to_string()
    } else {
        doc.to_string()
    };
    Ok(PluginsEdit {
        text,
        changed,
        unchanged,
    })
}

/// Removes the ids from `[plugins] enabled`. The comment on the line of a removed entry
/// (and comment lines right above it) go with it; everything else stays. `[plugins.<id>]`
/// option tables are kept.
pub fn remove_plugins(text: &str, path: &str, ids: &[String]) -> Result<PluginsEdit, EditError> {
    let mut doc = parse(text, path)?;
    let mut changed = Vec::new();
    let mut unchanged = Vec::new();
    if let Some(arr) = enabled_array(&mut doc, path, false)? {
        for id in ids {
            match position(arr, id) {
                Some(i) => {
                    remove_keeping_neighbours(arr, i);
                    changed.push(id.clone());
                }
                None => unchanged.push(id.clone()),
            }
        }
    } else {
        unchanged.extend(ids.iter().cloned());
    }
    let text = if changed.is_empty() {
        text.to_string()
    } else {
        doc.to_string()
    };
    Ok(PluginsEdit {
        text,
        changed,
        unchanged,
    })
}

fn parse(text: &str, path: &str) -> Result<DocumentMut, EditError> {
    text.parse::<DocumentMut>().map_err(|e| EditError::Toml {
        path: path.to_string(),
        message: crate::output::one_line(&e.to_string()),
    })
}

fn shape(path: &str, key: &str, what: &str) -> EditError {
    EditError::Shape {
        path: path.to_string(),
        key: key.to_string(),
        what: what.to_string(),
    }
}

/// The `plugins.enabled` array, created when `create` and absent.
fn enabled_array<'d>(
    doc: &'d mut DocumentMut,
    path: &str,
    create: bool,
) -> Result<Option<&'d mut Array>, EditError> {
    if doc.get("plugins").is_none() {
        if !create {
            return Ok(None);
        }
        let mut t = Table::new();
        // A blank line before the new header, unless the file is empty.
        if !doc.as_table().is_empty() {
            t.decor_mut().set_prefix("\n");
        }
        doc.insert("plugins", Item::Table(t));
    }
    let plugins = doc
        .get_mut("plugins")
        .expect("present")
        .as_table_like_mut()
        .ok_or_else(|| shape(path, "plugins", "a table"))?;
    if plugins.get("enabled").is_none() {
        if !create {
            return Ok(None);
        }
        plugins.insert("enabled", Item::Value(Value::Array(Array::new())));
        if let Some(t) = doc.get_mut("plugins").and_then(Item::as_table_mut) {
            // `[plugins.x]` alone makes an implicit `[plugins]`; a key needs a header.
            t.set_implicit(false);
            if let Some(first_child) = t
                .iter()
                .filter_map(|(_, item)| item.as_table().and_then(toml_edit::Table::position))
                .min()
            {
                // Put the header before its first sub-table.
                if t.position().is_none_or(|p| p > first_child) {
                    t.set_position(first_child.saturating_sub(1));
                }
            }
        }
    }
    let plugins = doc
        .get_mut("plugins")
        .expect("present")
        .as_table_like_mut()
        .expect("checked");
    match plugins.get_mut("enabled").and_then(Item::as_array_mut) {
        Some(arr) => Ok(Some(arr)),
        None => Err(shape(path, "plugins.enabled", "an array of plugin ids")),
    }
}

fn position(arr: &Array, id: &str) -> Option<usize> {
    arr.iter().position(|v| v.as_str() == Some(id))
}

fn contains(arr: &Array, id: &str) -> bool {
    position(arr, id).is_some()
}

fn raw(s: Option<&RawString>) -> String {
    s.and_then(RawString::as_str).unwrap_or("").to_string()
}

fn prefix_of(v: &Value) -> String {
    raw(v.decor().prefix())
}

/// `(text up to and including the first '\n', the rest)`; `None` without a newline.
fn split_first_line(s: &str) -> Option<(&str, &str)> {
    s.find('\n').map(|i| (&s[..=i], &s[i + 1..]))
}

/// Appends `id` with the decor of the array's last element: on its own line with the same
/// indentation in a multi-line array, after `, ` in a one-line one. A comment that sat
/// after the last element (in the array's trailing text) stays on that element's line.
fn push_like_neighbours(arr: &mut Array, id: &str) {
    let mut v = Value::from(id);
    let last_prefix = arr.iter().last().map(prefix_of);
    match last_prefix {
        None => {
            v.decor_mut().set_prefix("");
            v.decor_mut().set_suffix("");
        }
        Some(p) => match p.rfind('\n') {
            Some(i) => {
                let indent = &p[i + 1..];
                let trailing = raw(Some(arr.trailing()));
                let (head, rest) = match split_first_line(&trailing) {
                    Some((head, rest)) => (head.to_string(), format!("\n{rest}")),
                    None => ("\n".to_string(), trailing.clone()),
                };
                v.decor_mut().set_prefix(format!("{head}{indent}"));
                v.decor_mut().set_suffix("");
                arr.set_trailing(rest);
            }
            None => {
                v.decor_mut().set_prefix(" ");
                v.decor_mut().set_suffix("");
            }
        },
    }
    arr.push_formatted(v);
}

/// Removes element `i`, keeping the line structure of what remains.
fn remove_keeping_neighbours(arr: &mut Array, i: usize) {
    let len = arr.len();
    let p_i = prefix_of(arr.get(i).expect("index in range"));
    if i + 1 < len {
        let p_next = prefix_of(arr.get(i + 1).expect("index in range"));
        let new_prefix = match (split_first_line(&p_i), split_first_line(&p_next)) {
            // One-line layout around the next element: it takes the removed one's place.
            (_, None) => p_i.clone(),
            // The next prefix's first line is the removed element's line comment: drop it;
            // keep the line the removed element started on (a comment of the element
            // before it, or of the `[` line).
            (Some((head, _)), Some((_, rest))) => format!("{head}{rest}"),
            (None, Some((_, rest))) => format!("\n{rest}"),
        };
        arr.get_mut(i + 1)
            .expect("index in range")
            .decor_mut()
            .set_prefix(new_prefix);
        arr.remove(i);
    } else {
        let trailing = raw(Some(arr.trailing()));
        arr.remove(i);
        if arr.is_empty() {
            arr.set_trailing("");
            arr.set_trailing_comma(false);
        } else if let Some((_, rest)) = split_first_line(&trailing) {
            // Drop the removed element's line comment; keep the line break before `]`.
            let head = split_first_line(&p_i).map(|(h, _)| h).unwrap_or("\n");
            arr.set_trailing(format!("{head}{rest}"));
        }
    }
    if i == 0 && !arr.is_empty() {
        // The new first element keeps the layout after `[`.
        let p = prefix_of(arr.get(0).expect("non-empty"));
        if !p.contains('\n') {
            arr.get_mut(0)
                .expect("non-empty")
                .decor_mut()
                .set_prefix(p.trim_start().to_string());
        }
    }
}

/// The permission bits of an existing file (Unix), so that a rewrite keeps them; `None`
/// when it does not exist (or off Unix).
pub fn file_mode(path: &std::path::Path) -> Option<u32> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::metadata(path)
            .ok()
            .map(|m| m.permissions().mode() & 0o7777)
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        None
    }
}

// ---------------------------------------------------------------------------------------
// .env files

/// A key to merge into an env file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvEntry {
    pub key: String,
    pub value: String,
    /// A comment line written above the key (without `# `).
    pub comment: Option<String>,
}

/// The result of [`merge_env`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvMerge {
    pub text: String,
    /// Keys that were appended.
    pub added: Vec<String>,
    /// Keys that were already present (their values untouched).
    pub kept: Vec<String>,
}

/// The keys an env file defines, in order, however they are written: `KEY=v`,
/// `export KEY=v`, `KEY = v`, quoted values (also across lines); comments and blank lines
/// are skipped.
pub fn env_keys(text: &str) -> Vec<String> {
    env_entries(text).into_iter().map(|(k, _)| k).collect()
}

/// Every `KEY=value` of an env file: the key and the byte range of its value as written
/// (quotes included; a trailing ` # comment` of a bare value excluded).
fn env_entries(text: &str) -> Vec<(String, std::ops::Range<usize>)> {
    let mut entries = Vec::new();
    let mut pos = 0;
    while pos < text.len() {
        let line_end = text[pos..]
            .find('\n')
            .map(|i| pos + i)
            .unwrap_or(text.len());
        let line = &text[pos..line_end];
        let mut next = line_end + 1;
        if let Some((key, value_start)) = parse_assignment(line) {
            let vpos = pos + value_start;
            match quoted_value_end(text, vpos) {
                // A quoted value may run over several lines: go on after its closing quote.
                Some(end) => {
                    entries.push((key.to_string(), vpos..end));
                    next = text[end..]
                        .find('\n')
                        .map(|i| end + i + 1)
                        .unwrap_or(text.len());
                }
                None => {
                    let raw = &text[vpos..line_end];
                    let raw = match raw.find(" #").or_else(|| raw.find("\t#")) {
                        Some(i) => &raw[..i],
                        None => raw,
                    };
                    let raw = raw.trim_end();
                    entries.push((key.to_string(), vpos..vpos + raw.len()));
                }
            }
        }
        pos = next;
    }
    entries
}

/// Sets the value of every definition of each key in `values` (written with
/// [`quote_env_value`]); all other text, comments on those lines included, is kept.
/// Keys the text lacks are ignored (see [`merge_env`]).
pub fn set_env_values(text: &str, values: &[(String, String)]) -> String {
    let mut out = text.to_string();
    let mut entries = env_entries(text);
    // Replace from the end so earlier ranges stay valid.
    entries.sort_by_key(|(_, r)| std::cmp::Reverse(r.start));
    for (key, range) in entries {
        if let Some((_, v)) = values.iter().find(|(k, _)| *k == key) {
            out.replace_range(range, &quote_env_value(v));
        }
    }
    out
}

/// `KEY=…` on one line: the key and the byte offset where the value starts.
fn parse_assignment(line: &str) -> Option<(&str, usize)> {
    let trimmed = line.trim_start();
    let mut offset = line.len() - trimmed.len();
    if trimmed.is_empty() || trimmed.starts_with('#') {
        return None;
    }
    let mut rest = trimmed;
    if let Some(after) = rest.strip_prefix("export")
        && after.starts_with([' ', '\t'])
    {
        let t = after.trim_start();
        offset += rest.len() - t.len();
        rest = t;
    }
    let key_len = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '.' || c == '-'))
        .unwrap_or(rest.len());
    let key = &rest[..key_len];
    if key.is_empty() {
        return None;
    }
    let after_key = &rest[key_len..];
    let after_ws = after_key.trim_start_matches([' ', '\t']);
    let after_eq = after_ws.strip_prefix('=')?;
    let value = after_eq.trim_start_matches([' ', '\t']);
    let value_start = offset + key_len + (after_key.len() - value.len());
    Some((key, value_start))
}

/// When the value at `pos` starts with a quote, the byte offset just past its closing
/// quote (or the end of the text when it is never closed).
fn quoted_value_end(text: &str, pos: usize) -> Option<usize> {
    let quote = text[pos..].chars().next()?;
    if quote != '"' && quote != '\'' && quote != '`' {
        return None;
    }
    let mut escaped = false;
    for (i, c) in text[pos + 1..].char_indices() {
        if quote == '"' && !escaped && c == '\\' {
            escaped = true;
            continue;
        }
        if c == quote && !escaped {
            return Some(pos + 1 + i + 1);
        }
        escaped = false;
    }
    Some(text.len())
}

/// Writes a value so that dotenv parsers read it back unchanged: bare when it is plain,
/// else single-quoted (literal), else double-quoted with escapes.
pub fn quote_env_value(v: &str) -> String {
    let plain = v
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "_-.:/@?=&%+~,!*^[]{}()".contains(c));
    if plain {
        v.to_string()
    } else if !v.contains('\'') && !v.contains('\n') {
        format!("'{v}'")
    } else {
        let escaped = v
            .replace('\\', "\\\\")
            .replace('"', "\\\"")
            .replace('\n', "\\n")
            .replace('$', "\\$");
        format!("\"{escaped}\"")
    }
}

/// Where [`set_env_value`] put a value (1-based lines).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EnvSet {
    /// The value of the first definition (the one dotenvy keeps) was replaced.
    Replaced { line: usize },
    /// There was none: `KEY=value` was appended.
    Appended { line: usize },
}

/// Why [`set_env_value`] changed nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum EnvSetError {
    #[error(
        "line {line} does not parse and dotenvy stops reading there, so a definition after it would never be read; fix that line first"
    )]
    Stops { line: usize },
    #[error(
        "rustauth cannot locate its definitions exactly as dotenvy reads them; edit it by hand"
    )]
    NotExact,
}

/// Sets `key` to `value` as dotenvy will read it back: the value of the first definition
/// of `key` (the one dotenvy keeps) is replaced where it stands, every other byte
/// unchanged (the `export`, the spacing, a trailing comment, later definitions); without a
/// definition, `KEY=value` is appended (with the file's line ending).
pub fn set_env_value(text: &str, key: &str, value: &str) -> Result<(String, EnvSet), EnvSetError> {
    let scan = super::dotenv::scan(text);
    if !scan.exact {
        return Err(EnvSetError::NotExact);
    }
    let (out, at) = match scan.of(key).next() {
        Some(d) => {
            let mut out = text.to_string();
            out.replace_range(d.value_span.clone(), &quote_env_value(value));
            (out, EnvSet::Replaced { line: d.line })
        }
        None => {
            if let Some(line) = scan.stop {
                return Err(EnvSetError::Stops { line });
            }
            let eol = if text.contains("\r\n") { "\r\n" } else { "\n" };
            let mut out = text.to_string();
            if !out.is_empty() && !out.ends_with('\n') {
                out.push_str(eol);
            }
            let line = out.matches('\n').count() + 1;
            out.push_str(&format!("{key}={}{eol}", quote_env_value(value)));
            (out, EnvSet::Appended { line })
        }
    };
    // Read back as dotenvy reads it: the value must be the one the app will get, and
    // every other definition must read as before.
    let check = super::dotenv::scan(&out);
    let others = |s: &super::dotenv::Scan| -> Vec<(String, String)> {
        let first = s.definitions.iter().position(|d| d.key == key);
        s.definitions
            .iter()
            .enumerate()
            .filter(|(i, _)| Some(*i) != first)
            .map(|(_, d)| (d.key.clone(), d.value.clone()))
            .collect()
    };
    if check.of(key).next().map(|d| d.value.as_str()) != Some(value)
        || check.stop != scan.stop
        || others(&check) != others(&scan)
    {
        return Err(EnvSetError::NotExact);
    }
    Ok((out, at))
}

/// Appends the entries whose key `existing` lacks; everything already there (values,
/// comments, blank lines, order) is kept byte for byte.
pub fn merge_env(existing: &str, entries: &[EnvEntry]) -> EnvMerge {
    let present = env_keys(existing);
    let mut text = existing.to_string();
    let mut added: Vec<String> = Vec::new();
    let mut kept = Vec::new();
    for e in entries {
        if present.contains(&e.key) {
            kept.push(e.key.clone());
            continue;
        }
        if added.contains(&e.key) {
            continue;
        }
        if !text.is_empty() && !text.ends_with('\n') {
            text.push('\n');
        }
        if added.is_empty() && !text.is_empty() && !text.ends_with("\n\n") {
            text.push('\n');
        }
        if let Some(c) = &e.comment {
            text.push_str(&format!("# {c}\n"));
        }
        text.push_str(&format!("{}={}\n", e.key, quote_env_value(&e.value)));
        added.push(e.key.clone());
    }
    EnvMerge { text, added, kept }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(v: &[&str]) -> Vec<String> {
        v.iter().map(std::string::ToString::to_string).collect()
    }

    #[test]
    fn env_keys_in_every_spelling() {
        let text = "# c\n\nA=1\nexport B=2\n  C = 3\nD=\"two words\"\nE='x'\nF=\"multi\nG=not-a-key\n\"\nexportH=1\n#I=1\nJ\n";
        assert_eq!(env_keys(text), ["A", "B", "C", "D", "E", "F", "exportH"]);
    }

    #[test]
    fn set_values_keeps_the_rest() {
        let text = "# c\nA=old # note\nexport B = \"x y\" # q\nC='z'\nA=2\n";
        let out = set_env_values(
            text,
            &[("A".into(), "new".into()), ("B".into(), "two words".into())],
        );
        assert_eq!(
            out,
            "# c\nA=new # note\nexport B = 'two words' # q\nC='z'\nA=new\n"
        );
    }

    #[test]
    fn set_value_in_place_or_appended() {
        let text = "# top\nexport RUSTAUTH_SECRET = 'change-me' # placeholder\nX=1\nRUSTAUTH_SECRET=second\n";
        let (out, at) = set_env_value(text, "RUSTAUTH_SECRET", "n3w").unwrap();
        assert_eq!(
            out,
            "# top\nexport RUSTAUTH_SECRET = n3w # placeholder\nX=1\nRUSTAUTH_SECRET=second\n"
        );
        assert_eq!(at, EnvSet::Replaced { line: 2 });
        let (out, at) = set_env_value("A=1", "B", "two words").unwrap();
        assert_eq!(out, "A=1\nB='two words'\n");
        assert_eq!(at, EnvSet::Appended { line: 2 });
        let (out, _) = set_env_value("A=1\r\n", "B", "x").unwrap();
        assert_eq!(out, "A=1\r\nB=x\r\n");
        let (out, at) = set_env_value("", "B", "x").unwrap();
        assert_eq!((out.as_str(), at), ("B=x\n", EnvSet::Appended { line: 1 }));
        // A multi-line value is replaced whole.
        let (out, _) = set_env_value("A=\"x\ny\"\nB=2\n", "A", "z").unwrap();
        assert_eq!(out, "A=z\nB=2\n");
        assert_eq!(
            set_env_value("A=1\nnot an assignment\n", "B", "x"),
            Err(EnvSetError::Stops { line: 2 })
        );
        // Before the line that stops dotenvy, a definition is still read: replaced.
        assert!(set_env_value("B=old\nnot an assignment\n", "B", "x").is_ok());
    }

    #[test]
    fn merge_keeps_everything() {
        let text = "# mine\nA=old\n\n# end";
        let m = merge_env(
            text,
            &[
                EnvEntry {
                    key: "A".into(),
                    value: "new".into(),
                    comment: None,
                },
                EnvEntry {
                    key: "B".into(),
                    value: "two words".into(),
                    comment: Some("b".into()),
                },
            ],
        );
        assert_eq!(m.text, "# mine\nA=old\n\n# end\n\n# b\nB='two words'\n");
        assert_eq!(m.added, ["B"]);
        assert_eq!(m.kept, ["A"]);
    }

    #[test]
    fn add_to_one_line_and_multi_line_arrays() {
        let e = add_plugins("[plugins]\nenabled = [\"a\"]\n", "f", &ids(&["b", "a"])).unwrap();
        assert_eq!(e.text, "[plugins]\nenabled = [\"a\", \"b\"]\n");
        assert_eq!(e.changed, ["b"]);
        assert_eq!(e.unchanged, ["a"]);
        let t = "[plugins]\nenabled = [\n  \"a\", # one\n  \"b\",  # two\n]\n";
        let e = add_plugins(t, "f", &ids(&["c"])).unwrap();
        assert_eq!(
            e.text,
            "[plugins]\nenabled = [\n  \"a\", # one\n  \"b\",  # two\n  \"c\",\n]\n"
        );
        let e = add_plugins("", "f", &ids(&["c"])).unwrap();
        assert_eq!(e.text, "[plugins]\nenabled = [\"c\"]\n");
        let e = add_plugins("[project]\nproduction = false\n", "f", &ids(&["c"])).unwrap();
        assert_eq!(
            e.text,
            "[project]\nproduction = false\n\n[plugins]\nenabled = [\"c\"]\n"
        );
    }

    #[test]
    fn remove_keeps_neighbour_comments() {
        let t = "[plugins]\nenabled = [\n  \"a\", # one\n  # about b\n  \"b\",  # two\n  \"c\", # three\n]\n";
        let e = remove_plugins(t, "f", &ids(&["b"])).unwrap();
        assert_eq!(
            e.text,
            "[plugins]\nenabled = [\n  \"a\", # one\n  \"c\", # three\n]\n"
        );
        let e = remove_plugins(t, "f", &ids(&["c"])).unwrap();
        assert_eq!(
            e.text,
            "[plugins]\nenabled = [\n  \"a\", # one\n  # about b\n  \"b\",  # two\n]\n"
        );
        let e = remove_plugins(
            "[plugins]\nenabled = [\"a\", \"b\", \"c\"]\n",
            "f",
            &ids(&["a"]),
        )
        .unwrap();
        assert_eq!(e.text, "[plugins]\nenabled = [\"b\", \"c\"]\n");
        let e = remove_plugins(
            "[plugins]\nenabled = [\"a\", \"b\"]\n",
            "f",
            &ids(&["b", "a"]),
        )
        .unwrap();
        assert_eq!(e.text, "[plugins]\nenabled = []\n");
        let e = remove_plugins("[plugins]\nenabled = [\"a\"]\n", "f", &ids(&["z"])).unwrap();
        assert_eq!(e.unchanged, ["z"]);
    }
}
