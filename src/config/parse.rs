//! The rustauth.toml reader. Serde structs are the only list of keys: `[project]`,
//! `[database]` and `[security]` deserialize into their `Config` types, the other tables
//! into the raw structs below, all `deny_unknown_fields`; plugin ids and option keys are
//! the plugin registry's. The file's order is kept (plugin order and additional-field order
//! are output order). Every error names the dotted key and its line: serde's errors carry a
//! span, which the parsed document turns into the key (toml_edit is read here only for
//! that and for the checks of every key and string; edits are `edit.rs`). After
//! deserializing, the checks that look across keys (the Better Auth line, plugins, model
//! fields, references) build the [`Config`].

use std::ops::Range;

use indexmap::IndexMap;
use serde::{Deserialize, Deserializer, de::Error as _};
use toml_edit::{ImDocument, Item, TableLike, Value};

use super::suggest::hint;
use super::*;
use crate::model::{FieldType, Line, Literal, OnDelete};
use crate::schema::plugins::{self, PluginOptions};

const FIELD_TYPES: &[&str] = &[
    "string", "number", "boolean", "date", "json", "string[]", "number[]",
];

/// The whole file. A missing table is its defaults.
#[derive(Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
struct RawConfig {
    project: Table<ProjectConfig>,
    database: Table<DatabaseConfig>,
    security: Table<SecurityConfig>,
    rate_limit: Table<RawRateLimit>,
    secondary_storage: Table<SecondaryStorageConfig>,
    /// `enabled` and the `[plugins.<id>]` option tables, checked against the registry.
    plugins: IndexMap<String, toml::Value>,
    models: IndexMap<String, Table<RawModel>>,
}

/// A TOML table holding `T` (serde alone would also build a struct from an array).
#[derive(Default)]
struct Table<T>(T);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Table<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct OnlyMaps<T>(std::marker::PhantomData<T>);
        impl<'de, T: Deserialize<'de>> serde::de::Visitor<'de> for OnlyMaps<T> {
            type Value = T;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a table")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
                T::deserialize(serde::de::value::MapAccessDeserializer::new(map))
            }
        }
        d.deserialize_any(OnlyMaps(std::marker::PhantomData))
            .map(Table)
    }
}

#[derive(Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
struct RawRateLimit {
    storage: RateLimitStorage,
    #[serde(deserialize_with = "name")]
    model_name: Option<String>,
    /// Keys: the fields of the `rateLimit` table.
    fields: IndexMap<String, Column>,
}

/// `[models.<key>]`.
#[derive(Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
struct RawModel {
    model_name: Option<Column>,
    /// Keys: the model's fields (checked after deserializing: additional fields count).
    fields: IndexMap<String, Column>,
    additional_fields: IndexMap<String, Table<RawField>>,
}

/// `[models.<key>.additional_fields.<name>]`.
#[derive(Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
struct RawField {
    /// A type name or an array of strings (an enum).
    #[serde(rename = "type")]
    ty: Option<toml::Value>,
    #[serde(deserialize_with = "name")]
    field_name: Option<String>,
    required: Option<bool>,
    unique: bool,
    index: bool,
    sortable: bool,
    bigint: bool,
    /// `"now"` for a date, or a string, integer or boolean literal (anything else is not
    /// a static default: ignored).
    default: Option<toml::Value>,
    references: Option<Table<RawReference>>,
    // Runtime-only attributes: accepted for compatibility, checked for type.
    #[serde(rename = "input")]
    _input: Option<bool>,
    #[serde(rename = "returned")]
    _returned: Option<bool>,
}

#[derive(Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
struct RawReference {
    #[serde(deserialize_with = "name")]
    model: Option<String>,
    #[serde(deserialize_with = "name")]
    field: Option<String>,
    on_delete: OnDelete,
}

// The checks of single values, as serde errors: the message is what follows "`key` at
// line N" (see `Parser::serde_error`).

/// A name (a table, column, folder, adapter…): a string that is not blank. Control
/// characters are refused for every string by [`Parser::check_text`].
pub(super) fn name<'de, D: Deserializer<'de>, T: From<String>>(d: D) -> Result<T, D::Error> {
    let s = String::deserialize(d)?;
    if s.trim().is_empty() {
        return Err(D::Error::custom(" must not be empty"));
    }
    Ok(s.into())
}

/// A name from a fixed list (`database.adapter`): not blank, then one of the list.
pub(super) fn listed_name<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    d: D,
) -> Result<Option<T>, D::Error> {
    let s: String = name(d)?;
    T::deserialize(serde::de::IntoDeserializer::into_deserializer(s)).map(Some)
}

/// A column or table name in `fields` and `model_name`: a string that is not empty.
struct Column(String);

impl<'de> Deserialize<'de> for Column {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        if s.is_empty() {
            return Err(D::Error::custom(" must not be empty"));
        }
        Ok(Column(s))
    }
}

pub(super) fn url_env<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    var_name(d, "DATABASE_URL")
}

pub(super) fn secret_env<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    var_name(d, "RUSTAUTH_SECRET")
}

/// A key that names an environment variable (`url_env`, `secret_env`): it must match
/// `[A-Za-z_][A-Za-z0-9_]*`. The value is never echoed: a URL or a secret put here by
/// mistake would otherwise be printed by every message that names the variable.
fn var_name<'de, D: Deserializer<'de>>(d: D, example: &str) -> Result<String, D::Error> {
    let s = String::deserialize(d)?;
    if is_var_name(&s) && !looks_random(&s) {
        return Ok(s);
    }
    let what = if s.is_empty() {
        "it is empty"
    } else if s.contains("://") || (s.contains('@') && s.contains(':')) {
        "the value looks like a URL (the URL itself belongs in that variable, in the environment or .env)"
    } else if looks_random(&s) || s.chars().count() >= 16 {
        "the value looks like a secret (the secret itself belongs in that variable, in the environment or .env)"
    } else {
        "the value is not a variable name (letters, digits and `_`, not starting with a digit)"
    };
    Err(D::Error::custom(format!(
        " must name an environment variable such as {example}; {what}"
    )))
}

/// Parses the text of a rustauth.toml; `path` is only used in messages. `line`: the
/// Better Auth line given on the command line, which wins over `[project] better_auth`.
pub fn parse_str(text: &str, path: &str, line: Option<Line>) -> Result<Config, ConfigError> {
    let error = |message| ConfigError::Invalid {
        path: path.to_string(),
        message,
    };
    let doc = ImDocument::parse(text).map_err(|e| {
        let (line, col) = e.span().map(|s| line_col(text, s.start)).unwrap_or((1, 1));
        let msg = e.message().lines().next().unwrap_or("").trim().to_string();
        error(format!("invalid TOML at line {line}, column {col}: {msg}"))
    })?;
    let p = Parser {
        text,
        path,
        doc,
        line_override: line,
    };
    p.check_text(p.doc.as_table(), "")?;
    let raw: RawConfig = toml::from_str(text).map_err(|e| p.serde_error(&e))?;
    p.config(raw)
}

fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before.len() - before.rfind('\n').map(|i| i + 1).unwrap_or(0) + 1;
    (line, col)
}

struct Parser<'a> {
    text: &'a str,
    path: &'a str,
    /// The parsed document: where each key is.
    doc: ImDocument<&'a str>,
    line_override: Option<Line>,
}

type R<T> = Result<T, ConfigError>;

impl Parser<'_> {
    fn error(&self, message: String) -> ConfigError {
        ConfigError::Invalid {
            path: self.path.to_string(),
            message,
        }
    }

    fn at_span(&self, span: Option<Range<usize>>) -> String {
        match span {
            Some(s) => format!(" at line {}", line_col(self.text, s.start).0),
            None => String::new(),
        }
    }

    /// The key and the item at `path` in the document.
    fn item(&self, path: &[&str]) -> Option<(&toml_edit::Key, &Item)> {
        let (last, parents) = path.split_last()?;
        let mut table: &dyn TableLike = self.doc.as_table();
        for k in parents {
            table = table.get(k)?.as_table_like()?;
        }
        table.get_key_value(last)
    }

    /// " at line N" for the value at `path` (or its key, for a table with no header).
    fn at(&self, path: &[&str]) -> String {
        self.at_span(
            self.item(path)
                .and_then(|(k, i)| i.span().or_else(|| k.span())),
        )
    }

    /// " at line N" for element `i` of the array at `path`.
    fn at_element(&self, path: &[&str], i: usize) -> String {
        self.at_span(
            self.item(path)
                .and_then(|(_, a)| a.as_array()?.get(i)?.span()),
        )
    }

    /// The dotted key whose key or value is at `span`.
    fn key_at(&self, span: &Range<usize>) -> Option<String> {
        fn find(table: &dyn TableLike, prefix: &str, span: &Range<usize>) -> Option<String> {
            for (k, item) in table.iter() {
                let here = format!("{}{k}", dotted(prefix));
                let key = table.key(k).expect("key exists");
                if key.span().as_ref() == Some(span) || item.span().as_ref() == Some(span) {
                    return Some(here);
                }
                let found = match item {
                    Item::ArrayOfTables(a) => a.iter().find_map(|t| find(t, &here, span)),
                    _ => item.as_table_like().and_then(|t| find(t, &here, span)),
                };
                if found.is_some() {
                    return found;
                }
            }
            None
        }
        find(self.doc.as_table(), "", span)
    }

    /// A serde error in this file's words: the dotted key, its line, and what is wrong
    /// (an unknown key with the nearest known one, a wrong type, an unknown value).
    fn serde_error(&self, e: &toml::de::Error) -> ConfigError {
        let m = e.message();
        let span = e.span();
        let key = span
            .as_ref()
            .and_then(|s| self.key_at(s))
            .unwrap_or_default();
        let at = self.at_span(span);
        self.error(
            if let Some((field, names)) = serde_names(m, "unknown field `") {
                format!("unknown key `{key}`{at}{}", hint(field, &names))
            } else if let Some((value, names)) = serde_names(m, "unknown variant `") {
                // A URL or a secret pasted into the wrong key is not echoed.
                let leaf = key.rsplit('.').next().unwrap_or(&key);
                let (shown, near) = if crate::redact::redact_value(leaf, value) == value
                    && value.chars().count() < 40
                {
                    (format!(" `{value}`"), hint(value, &names))
                } else {
                    (
                        String::new(),
                        format!("; expected one of: {}", names.join(", ")),
                    )
                };
                format!("`{key}`{at}: unknown value{shown}{near}")
            } else if let Some((_, expected)) = m
                .strip_prefix("invalid type: ")
                .and_then(|r| r.rsplit_once(", expected "))
            {
                let what = match expected {
                    "a boolean" => "true or false",
                    e if e == "a map" || e.starts_with("struct ") => "a table",
                    e => e,
                };
                format!("`{key}`{at} must be {what}")
            } else {
                // The checks above (`name`, `var_name`, …) say what follows the key.
                format!("`{key}`{at}{m}")
            },
        )
    }

    /// Every key and every string value of the file: no control characters (a newline
    /// in a name would split every line that prints it), no empty keys. The values are
    /// never echoed; `default` values (literals, not names) may hold any text.
    fn check_text(&self, table: &dyn TableLike, prefix: &str) -> R<()> {
        for (k, item) in table.iter() {
            let key = table.key(k).expect("key exists");
            if k.is_empty() || k.chars().any(char::is_control) {
                let what = if k.is_empty() {
                    "is empty"
                } else {
                    "contains a control character"
                };
                let under = if prefix.is_empty() {
                    "at the top level".to_string()
                } else {
                    format!("under `{prefix}`")
                };
                return Err(self.error(format!(
                    "a key {under}{} {what}; keys are names",
                    self.at_span(key.span())
                )));
            }
            let here = format!("{}{k}", dotted(prefix));
            match item {
                Item::Table(t) => self.check_text(t, &here)?,
                Item::ArrayOfTables(a) => {
                    for t in a {
                        self.check_text(t, &here)?;
                    }
                }
                Item::Value(v) if k != "default" => {
                    self.check_value(v, &here, item.span().or_else(|| key.span()))?;
                }
                _ => {}
            }
        }
        Ok(())
    }

    fn check_value(&self, v: &Value, here: &str, span: Option<Range<usize>>) -> R<()> {
        match v {
            Value::String(s) if s.value().chars().any(char::is_control) => {
                Err(self.error(format!(
                    "`{here}`{} must not contain control characters (a newline, a tab, …)",
                    self.at_span(v.span().or(span))
                )))
            }
            Value::Array(a) => {
                for e in a {
                    self.check_value(e, here, span.clone())?;
                }
                Ok(())
            }
            Value::InlineTable(t) => self.check_text(t, here),
            _ => Ok(()),
        }
    }

    fn config(&self, raw: RawConfig) -> R<Config> {
        let mut project = raw.project.0;
        if let Some(line) = self.line_override {
            project.better_auth = line;
        }
        let line = project.better_auth;
        let database = raw.database.0;
        if line >= Line::V1_7
            && database.schema.is_some()
            && let Some(provider) = database.provider.filter(|p| *p != Dialect::Postgres)
        {
            return Err(self.error(format!(
                "`database.schema`{}: {}",
                self.at(&["database", "schema"]),
                crate::schema::schema_name_error(provider)
            )));
        }
        let rl = raw.rate_limit.0;
        let known = crate::schema::known_field_keys("rateLimit");
        let known: Vec<&str> = known.iter().map(String::as_str).collect();
        if let Some(k) = first_unknown(&rl.fields, &known) {
            return Err(self.error(format!(
                "unknown key `rate_limit.fields.{k}`{}{}",
                self.at(&["rate_limit", "fields", k]),
                hint(k, &known)
            )));
        }
        let rate_limit = RateLimitConfig {
            storage: rl.storage,
            model_name: rl.model_name,
            fields: columns(rl.fields),
        };
        let plugins = self.plugins(&raw.plugins, line)?;
        let known = crate::schema::known_model_keys();
        let known: Vec<&str> = known.iter().map(String::as_str).collect();
        let mut models = IndexMap::new();
        for (key, m) in raw.models {
            if !known.contains(&key.as_str()) {
                return Err(self.error(format!(
                    "unknown model `models.{key}`{}{}",
                    self.at(&["models", &key]),
                    hint(&key, &known)
                )));
            }
            let m = self.model(&key, m.0)?;
            models.insert(key, m);
        }
        Ok(Config {
            path: None,
            project,
            database,
            security: raw.security.0,
            rate_limit,
            secondary_storage: raw.secondary_storage.0,
            plugins,
            models,
        })
    }

    /// The message for a plugin id that exists, but not on `line`.
    fn plugin_not_on_line(&self, spec: &plugins::PluginSpec, at: &str, line: Line) -> ConfigError {
        let id = spec.id;
        self.error(match spec.availability {
            plugins::Availability::Removed { replacement } => format!(
                "plugin `{id}`{at} was removed in Better Auth 1.7; use {replacement} instead (or set `better_auth = \"1.6\"` in `[project]`)"
            ),
            _ => format!(
                "plugin `{id}`{at} is new in Better Auth 1.7 and does not exist on the {line} line; set `better_auth = \"1.7\"` in `[project]` to use it"
            ),
        })
    }

    fn plugins(&self, t: &IndexMap<String, toml::Value>, line: Line) -> R<PluginsConfig> {
        let ids = plugins::ids(line);
        let mut out = PluginsConfig::default();
        for (k, item) in t.iter().filter(|(k, _)| *k != "enabled") {
            let at = self.at(&["plugins", k]);
            let Some(spec) = plugins::find(k) else {
                let hint_text = match suggest::nearest(k, ids.iter().copied()) {
                    Some(n) => format!("; did you mean `{n}`?"),
                    None => format!("; valid plugin ids: {}", ids.join(", ")),
                };
                return Err(self.error(format!(
                    "unknown key `plugins.{k}`{at}: not a plugin id{hint_text}"
                )));
            };
            if !spec.on(line) {
                return Err(self.plugin_not_on_line(spec, &at, line));
            }
            let Some(opts) = item.as_table() else {
                return Err(self.error(format!("`plugins.{k}`{at} must be a table of options")));
            };
            let prefix = format!("plugins.{k}");
            let allowed: Vec<&str> = spec.options_on(line).map(|o| o.key).collect();
            let mut po = PluginOptions::default();
            for (ok, value) in opts {
                let at = self.at(&["plugins", k, ok]);
                let Some(o) = spec.options.iter().find(|o| o.key == ok) else {
                    return Err(self.error(if allowed.is_empty() {
                        format!(
                            "unknown key `{prefix}.{ok}`{at}: plugin `{k}` has no options that change the schema"
                        )
                    } else {
                        format!("unknown key `{prefix}.{ok}`{at}{}", hint(ok, &allowed))
                    }));
                };
                if !o.on(line) {
                    return Err(self.error(match o.only {
                        Some(Line::V1_7) => format!(
                            "`{prefix}.{ok}`{at} is new in Better Auth 1.7 and does not exist on the {line} line; set `better_auth = \"1.7\"` in `[project]` to use it"
                        ),
                        _ => format!(
                            "`{prefix}.{ok}`{at} was removed in Better Auth 1.7 ({}); remove the key (or set `better_auth = \"1.6\"` in `[project]`)",
                            o.effect
                        ),
                    }));
                }
                let wrong = |what: &str| self.error(format!("`{prefix}.{ok}`{at} must {what}"));
                match (o.kind, value) {
                    (plugins::OptionKind::Flag, toml::Value::Boolean(b)) => {
                        po.set_flag(ok, *b);
                    }
                    (plugins::OptionKind::Flag, _) => return Err(wrong("be true or false")),
                    (plugins::OptionKind::Text, toml::Value::String(s)) if s.trim().is_empty() => {
                        return Err(wrong("not be empty"));
                    }
                    (plugins::OptionKind::Text, toml::Value::String(s)) => {
                        po.set_text(ok, s);
                    }
                    (plugins::OptionKind::Text, _) => return Err(wrong("be a string")),
                }
            }
            out.options.insert(k.clone(), po);
        }
        let Some(item) = t.get("enabled") else {
            return Ok(out);
        };
        let path = ["plugins", "enabled"];
        let at_list = self.at(&path);
        let Some(arr) = item.as_array() else {
            return Err(self.error(format!(
                "`plugins.enabled`{at_list} must be an array of plugin ids"
            )));
        };
        for (i, v) in arr.iter().enumerate() {
            let at = self.at_element(&path, i);
            let Some(id) = v.as_str() else {
                return Err(self.error(format!(
                    "`plugins.enabled`{at} must hold strings (plugin ids)"
                )));
            };
            match plugins::find(id) {
                None => {
                    let near = suggest::nearest(id, ids.iter().copied())
                        .map(|n| format!(" (did you mean `{n}`?)"))
                        .unwrap_or_default();
                    return Err(self.error(format!(
                        "unknown plugin id `{id}` in `plugins.enabled`{at}{near}; valid plugin ids: {}",
                        ids.join(", ")
                    )));
                }
                Some(spec) if !spec.on(line) => {
                    return Err(self.plugin_not_on_line(spec, &at, line));
                }
                Some(_) => {}
            }
            if out.enabled.iter().any(|e| e == id) {
                return Err(self.error(format!(
                    "plugin `{id}` is listed twice in `plugins.enabled`{at}; remove one"
                )));
            }
            // A plugin's required string options (mcp's `resource` on 1.7).
            if let Some(missing) = plugins::find(id)
                .expect("checked")
                .required_text(line)
                .filter(|o| out.options.get(id).and_then(|p| p.text(o.key)).is_none())
            {
                return Err(self.error(missing.missing_message(id, &at)));
            }
            out.enabled.push(id.to_string());
        }
        for id in &out.enabled {
            let spec = plugins::find(id).expect("checked");
            // Upstream looks the required plugin up in the whole list: order is free.
            for &req in spec.requires(line) {
                if !out.enabled.iter().any(|e| e == req) {
                    return Err(self.error(format!(
                        "plugin `{id}` needs `{req}` enabled too (Better Auth refuses to start without it); add \"{req}\" to `plugins.enabled`{at_list}"
                    )));
                }
            }
        }
        Ok(out)
    }

    fn model(&self, key: &str, m: RawModel) -> R<ModelConfig> {
        let mut additional_fields = IndexMap::new();
        for (name, f) in m.additional_fields {
            let f = self.additional_field(&["models", key, "additional_fields", &name], f.0)?;
            additional_fields.insert(name, f);
        }
        let mut known = crate::schema::known_field_keys(key);
        known.extend(additional_fields.keys().cloned());
        let known: Vec<&str> = known.iter().map(String::as_str).collect();
        if let Some(fk) = first_unknown(&m.fields, &known) {
            return Err(self.error(format!(
                "unknown field `models.{key}.fields.{fk}`{}: model `{key}` has no field `{fk}`{}",
                self.at(&["models", key, "fields", fk]),
                hint(fk, &known)
            )));
        }
        Ok(ModelConfig {
            model_name: m.model_name.map(|c| c.0),
            fields: columns(m.fields),
            additional_fields,
        })
    }

    fn additional_field(&self, path: &[&str], f: RawField) -> R<AdditionalField> {
        let p = path.join(".");
        let at_type = || self.at(&[path, &["type"]].concat());
        let ty = match f.ty {
            None => {
                return Err(self.error(format!(
                    "`{p}`{} has no `type`; set one of: {}, or an array of strings (an enum)",
                    self.at(path),
                    FIELD_TYPES.join(", ")
                )));
            }
            Some(toml::Value::String(s)) => match s.as_str() {
                "string" => FieldType::String,
                "number" => FieldType::Number,
                "boolean" => FieldType::Boolean,
                "date" => FieldType::Date,
                "json" => FieldType::Json,
                "string[]" => FieldType::StringArray,
                "number[]" => FieldType::NumberArray,
                other => {
                    return Err(self.error(format!(
                        "`{p}.type`{}: unknown type `{other}`{} (or an array of strings for an enum)",
                        at_type(),
                        hint(other, FIELD_TYPES)
                    )));
                }
            },
            Some(toml::Value::Array(a)) => {
                let Some(values) = a
                    .into_iter()
                    .map(|v| match v {
                        toml::Value::String(s) => Some(s),
                        _ => None,
                    })
                    .collect::<Option<Vec<String>>>()
                else {
                    return Err(self.error(format!(
                        "`{p}.type`{}: an enum must be an array of strings",
                        at_type()
                    )));
                };
                if values.is_empty() {
                    return Err(self.error(format!(
                        "`{p}.type`{}: an enum needs at least one value",
                        at_type()
                    )));
                }
                FieldType::Enum(values)
            }
            Some(_) => {
                return Err(self.error(format!(
                    "`{p}.type`{} must be a type name or an array of strings",
                    at_type()
                )));
            }
        };
        let (default_now, default) = match f.default {
            Some(toml::Value::String(s)) if s == "now" && ty == FieldType::Date => (true, None),
            Some(toml::Value::String(s)) => (false, Some(Literal::Str(s))),
            Some(toml::Value::Integer(n)) => (false, Some(Literal::Int(n))),
            Some(toml::Value::Boolean(b)) => (false, Some(Literal::Bool(b))),
            _ => (false, None),
        };
        let references = match f.references {
            None => None,
            Some(Table(r)) => {
                let model = r.model.ok_or_else(|| {
                    self.error(format!(
                        "`{p}.references`{} needs a `model` (a Better Auth model key or a table name)",
                        self.at(&[path, &["references"]].concat())
                    ))
                })?;
                Some(AdditionalReference {
                    model,
                    field: r.field.unwrap_or_else(|| "id".into()),
                    on_delete: r.on_delete,
                })
            }
        };
        Ok(AdditionalField {
            ty,
            field_name: f.field_name,
            required: f.required.unwrap_or(true),
            unique: f.unique,
            index: f.index,
            sortable: f.sortable,
            bigint: f.bigint,
            default_now,
            default,
            references,
        })
    }
}

/// The first key of `fields` that is not in `known`.
fn first_unknown<'f>(fields: &'f IndexMap<String, Column>, known: &[&str]) -> Option<&'f str> {
    fields
        .keys()
        .map(String::as_str)
        .find(|k| !known.contains(k))
}

fn columns(fields: IndexMap<String, Column>) -> IndexMap<String, String> {
    fields.into_iter().map(|(k, c)| (k, c.0)).collect()
}

/// Serde's `unknown field `x`, expected one of `a`, `b`` (or `unknown variant …`): the
/// word and the names it expected.
fn serde_names<'m>(message: &'m str, prefix: &str) -> Option<(&'m str, Vec<&'m str>)> {
    let rest = message.strip_prefix(prefix)?;
    if let Some((word, expected)) = rest.rsplit_once("`, expected ") {
        let expected = expected.strip_prefix("one of ").unwrap_or(expected);
        let names = expected
            .split(", ")
            .flat_map(|n| n.split(" or "))
            .map(|n| n.trim_matches('`'))
            .collect();
        return Some((word, names));
    }
    let (word, _) = rest.rsplit_once("`, there are no ")?;
    Some((word, Vec::new()))
}

/// `[A-Za-z_][A-Za-z0-9_]*`: a name every shell and dotenv parser accepts.
pub(super) fn is_var_name(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Whether a would-be variable name reads like a random string (a secret pasted in the
/// wrong key) rather than words: at least 16 characters, and either the character class
/// (lower, upper, digit) changes at 30 % or more of the neighbouring characters within
/// the `_`-separated parts (random base64: about 64 %; `UPPER_SNAKE` names: none; long
/// camelCase words: about 25 %), or the parts that mix letters and digits are at least
/// 30 % digits (hex). Names such as `MY_APP_DATABASE_URL`, `myApplicationDatabaseUrl`
/// or `DATABASE_URL_20240101` stay names.
pub(super) fn looks_random(s: &str) -> bool {
    if s.chars().count() < 16 {
        return false;
    }
    let class = |c: char| {
        if c.is_ascii_digit() {
            0
        } else if c.is_ascii_uppercase() {
            1
        } else {
            2
        }
    };
    let (mut pairs, mut changes, mut mixed_len, mut mixed_digits) = (0, 0, 0, 0);
    for part in s.split('_').filter(|p| !p.is_empty()) {
        let chars: Vec<char> = part.chars().collect();
        for w in chars.windows(2) {
            pairs += 1;
            if class(w[0]) != class(w[1]) {
                changes += 1;
            }
        }
        let digits = chars.iter().filter(|c| c.is_ascii_digit()).count();
        if digits > 0 && digits < chars.len() {
            mixed_len += chars.len();
            mixed_digits += digits;
        }
    }
    (pairs > 0 && changes * 100 >= pairs * 30)
        || (mixed_len >= 16 && mixed_digits * 10 >= mixed_len * 3)
}

fn dotted(prefix: &str) -> String {
    if prefix.is_empty() {
        String::new()
    } else {
        format!("{prefix}.")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Config {
        parse_str(text, "rustauth.toml", None).unwrap_or_else(|e| panic!("{e}"))
    }

    /// The message of the error `text` gives, without the file name.
    fn error(text: &str) -> String {
        let e = parse_str(text, "f.toml", None).expect_err("an error");
        e.to_string()
            .strip_prefix("f.toml: ")
            .expect("names the file")
            .to_string()
    }

    #[test]
    fn an_empty_file_is_the_defaults() {
        let c = parse("");
        assert_eq!(c, Config::default());
        assert_eq!(c.project.better_auth, Line::V1_7);
        assert_eq!(c.database.url_env, "DATABASE_URL");
        assert_eq!(c.database.migrations_dir, "migrations");
        assert_eq!(c.database.history_table, "_rustauth_migrations");
        assert_eq!(c.security.secret_env, "RUSTAUTH_SECRET");
        // Empty tables are their defaults too.
        assert_eq!(
            parse(
                "[project]\n[database]\n[security]\n[rate_limit]\n[secondary_storage]\n[plugins]\n[models]\n"
            ),
            Config::default()
        );
    }

    #[test]
    fn unknown_keys_name_the_dotted_key_its_line_and_the_nearest_key() {
        assert_eq!(
            error("[project]\nframework = \"axum\"\n\n[databse]\n"),
            "unknown key `databse` at line 4; did you mean `database`?"
        );
        assert_eq!(
            error("[database]\nurl_envv = \"X\"\n"),
            "unknown key `database.url_envv` at line 2; did you mean `url_env`?"
        );
        // Nothing close: the keys of that table, in the file format's order.
        assert_eq!(
            error("[security]\nzzzzzzzz = 1\n"),
            "unknown key `security.zzzzzzzz` at line 2; expected one of: secret_env"
        );
        assert_eq!(
            error("[models.user.additional_fields.x]\ntype = \"string\"\nunique_ = true\n"),
            "unknown key `models.user.additional_fields.x.unique_` at line 3; did you mean `unique`?"
        );
        assert_eq!(
            error(
                "[models.user.additional_fields.x]\nreferences = { model = \"user\", fild = \"id\" }\n"
            ),
            "unknown key `models.user.additional_fields.x.references.fild` at line 2; did you mean `field`?"
        );
        assert_eq!(
            error("[rate_limit.fields]\nlastRequst = \"l\"\n"),
            "unknown key `rate_limit.fields.lastRequst` at line 2; did you mean `lastRequest`?"
        );
        assert_eq!(
            error("[models.usr]\n"),
            "unknown model `models.usr` at line 1; did you mean `user`?"
        );
    }

    #[test]
    fn wrong_types_name_the_key_and_its_line() {
        assert_eq!(
            error("[database]\nprovider = 3\n"),
            "`database.provider` at line 2 must be a string"
        );
        assert_eq!(
            error("\n[project]\nproduction = \"yes\"\n"),
            "`project.production` at line 3 must be true or false"
        );
        assert_eq!(
            error("database = 1\n"),
            "`database` at line 1 must be a table"
        );
        // An array is no table (serde alone would build a struct from one).
        assert_eq!(
            error("rate_limit = []\n"),
            "`rate_limit` at line 1 must be a table"
        );
        assert_eq!(
            error("[models.user]\nfields = { email = 1 }\n"),
            "`models.user.fields.email` at line 2 must be a string"
        );
        // A dotted key makes a table without a header: the line is its key's.
        assert_eq!(
            error("[database]\nadapter.x = 1\n"),
            "`database.adapter` at line 2 must be a string"
        );
        assert_eq!(
            error("[plugins]\nenabled = [\n  \"jwt\",\n  3,\n]\n"),
            "`plugins.enabled` at line 4 must hold strings (plugin ids)"
        );
    }

    #[test]
    fn unknown_values_suggest_and_never_echo_urls() {
        assert_eq!(
            error("[database]\ngenerate_id = \"uuidv7\"\n"),
            "`database.generate_id` at line 2: unknown value `uuidv7`; did you mean `uuid`?"
        );
        assert_eq!(
            error("[database]\nprovider = \"postgres://u:hunter2@h/db\"\n"),
            "`database.provider` at line 2: unknown value; expected one of: sqlite, postgres, mysql, mssql"
        );
        assert_eq!(
            error(
                "[models.user.additional_fields.b]\ntype = \"string\"\nreferences = { model = \"user\", on_delete = \"cascades\" }\n"
            ),
            "`models.user.additional_fields.b.references.on_delete` at line 3: unknown value `cascades`; did you mean `cascade`?"
        );
    }

    #[test]
    fn better_auth_lines() {
        assert_eq!(
            parse("[project]\nbetter_auth = \"1.6\"\n")
                .project
                .better_auth,
            Line::V1_6
        );
        assert_eq!(
            parse("[project]\nbetter_auth = \"1.7\"\n")
                .project
                .better_auth,
            Line::V1_7
        );
        assert_eq!(
            error("[project]\nbetter_auth = \"1.8\"\n"),
            "`project.better_auth` at line 2: unknown value `1.8`; did you mean `1.6`?"
        );
        assert_eq!(
            error("[project]\nbetter_auth = 1.7\n"),
            "`project.better_auth` at line 2 must be a string"
        );
        // The command line's line wins over the file's, for the checks too.
        let text = "[project]\nbetter_auth = \"1.7\"\n[plugins]\nenabled = [\"oidc-provider\"]\n";
        let c = parse_str(text, "f.toml", Some(Line::V1_6)).unwrap();
        assert_eq!(c.project.better_auth, Line::V1_6);
        assert!(parse_str(text, "f.toml", None).is_err());
    }

    #[test]
    fn plugin_and_additional_field_order_is_the_files() {
        let c = parse(
            "[plugins]\nenabled = [\"username\", \"admin\", \"jwt\", \"bearer\"]\n\
             [plugins.organization]\nteams = true\n[plugins.two-factor]\n\
             [models.user.additional_fields.zeta]\ntype = \"string\"\n\
             [models.user.additional_fields.alpha]\ntype = \"number\"\nrequired = false\n\
             [models.user.additional_fields.mid]\ntype = [\"a\", \"b\"]\n",
        );
        assert_eq!(c.plugins.enabled, ["username", "admin", "jwt", "bearer"]);
        assert_eq!(
            c.plugins.options.keys().collect::<Vec<_>>(),
            ["organization", "two-factor"]
        );
        assert!(c.plugins.options["organization"].enabled("teams"));
        let user = &c.models["user"];
        assert_eq!(
            user.additional_fields.keys().collect::<Vec<_>>(),
            ["zeta", "alpha", "mid"]
        );
        let alpha = &user.additional_fields["alpha"];
        assert_eq!(
            (alpha.ty.clone(), alpha.required),
            (FieldType::Number, false)
        );
        assert_eq!(
            user.additional_fields["mid"].ty,
            FieldType::Enum(vec!["a".into(), "b".into()])
        );
        // Defaults of an additional field.
        let zeta = &user.additional_fields["zeta"];
        assert!(zeta.required && !zeta.unique && !zeta.index && zeta.references.is_none());
    }

    #[test]
    fn the_adapter_is_one_of_the_list_when_the_file_loads() {
        use crate::config::adapter::Adapter;
        for (name, adapter) in [
            ("sqlx", Adapter::Sqlx),
            ("tokio-postgres", Adapter::TokioPostgres),
            ("prisma", Adapter::Prisma),
            ("memory", Adapter::Memory),
        ] {
            let c = parse(&format!("[database]\nadapter = \"{name}\"\n"));
            assert_eq!(c.database.adapter, Some(adapter));
            assert_eq!(adapter.is_sql(), adapter.guidance().is_none());
        }
        assert!(Adapter::Diesel.is_sql() && !Adapter::Drizzle.is_sql());
        assert_eq!(parse("").database.adapter, None);
        assert_eq!(
            error("[database]\nadapter = \"sqlz\"\n"),
            "`database.adapter` at line 2: unknown value `sqlz`; did you mean `sqlx`?"
        );
        assert_eq!(
            error("[database]\nadapter = \"\"\n"),
            "`database.adapter` at line 2 must not be empty"
        );
        assert_eq!(
            error("[database]\nadapter = true\n"),
            "`database.adapter` at line 2 must be a string"
        );
    }

    #[test]
    fn serde_messages_are_read_as_serde_writes_them() {
        assert_eq!(
            serde_names(
                "unknown field `x`, expected one of `a`, `b`, `c`",
                "unknown field `"
            ),
            Some(("x", vec!["a", "b", "c"]))
        );
        assert_eq!(
            serde_names(
                "unknown variant `1.8`, expected `1.6` or `1.7`",
                "unknown variant `"
            ),
            Some(("1.8", vec!["1.6", "1.7"]))
        );
        assert_eq!(
            serde_names("unknown field `x`, expected `a`", "unknown field `"),
            Some(("x", vec!["a"]))
        );
        assert_eq!(
            serde_names("unknown field `x`, there are no fields", "unknown field `"),
            Some(("x", vec![]))
        );
        // A value with the separator in it.
        assert_eq!(
            serde_names(
                "unknown variant `a`, expected b`, expected `c` or `d`",
                "unknown variant `"
            ),
            Some(("a`, expected b", vec!["c", "d"]))
        );
    }

    #[test]
    fn variable_names() {
        for ok in [
            "DATABASE_URL",
            "RUSTAUTH_SECRET",
            "_X",
            "database_url",
            "databaseUrl",
            "MY_VERY_LONG_APPLICATION_DATABASE_URL",
            "DATABASE_URL_20240101",
            "AUTH_SECRET_V2_2024",
            "myApplicationDatabaseUrl",
            "POSTGRES_PRIMARY_URL_EU_WEST_1",
        ] {
            assert!(is_var_name(ok) && !looks_random(ok), "{ok}");
        }
        for bad in ["", "1X", "A-B", "A B", "postgres://u:p@h/db", "X\n", "É"] {
            assert!(!is_var_name(bad), "{bad:?}");
        }
        assert!(looks_random("Sx4CanaryK9pQ2wR7tY5uI8oP3aS6dF1gH0jKzXcVbN"));
    }

    /// No secret `rustauth secret` generates is taken for a variable name.
    #[test]
    fn generated_secrets_are_not_names() {
        use crate::secret::{Encoding, generate};
        for _ in 0..300 {
            for enc in [Encoding::Base64Url, Encoding::Hex] {
                let s = generate(32, enc).unwrap();
                assert!(!is_var_name(&s) || looks_random(&s), "{s}");
            }
        }
    }
}
