//! The rustauth.toml reader: walks a span-keeping TOML document so that every error can
//! name the key and its line, rejects unknown keys with a suggestion, and keeps the file's
//! order (plugin order and additional-field order are output order).

use std::ops::Range;

use indexmap::IndexMap;
use toml_edit::{ImDocument, Item, Key, TableLike, Value};

use super::suggest::hint;
use super::*;
use crate::model::{Dialect, FieldType, Line, Literal, OnDelete};
use crate::schema::plugins::{self, PluginOptions};

const TOP_KEYS: &[&str] = &[
    "project",
    "database",
    "security",
    "rate_limit",
    "secondary_storage",
    "plugins",
    "models",
];
const PROJECT_KEYS: &[&str] = &[
    "better_auth",
    "framework",
    "base_url",
    "base_path",
    "production",
];
const DATABASE_KEYS: &[&str] = &[
    "adapter",
    "provider",
    "url_env",
    "url",
    "migrations_dir",
    "schema",
    "generate_id",
    "history_table",
];
const SECURITY_KEYS: &[&str] = &["secret_env"];
const RATE_LIMIT_KEYS: &[&str] = &["storage", "model_name", "fields"];
const RATE_LIMIT_FIELDS: &[&str] = &["key", "count", "lastRequest"];
const SECONDARY_KEYS: &[&str] = &[
    "enabled",
    "store_session_in_database",
    "store_verification_in_database",
];
const MODEL_KEYS: &[&str] = &["model_name", "fields", "additional_fields"];
const FIELD_KEYS: &[&str] = &[
    "type",
    "field_name",
    "required",
    "unique",
    "index",
    "sortable",
    "bigint",
    "default",
    "references",
    "input",
    "returned",
];
const REFERENCE_KEYS: &[&str] = &["model", "field", "on_delete"];
const FIELD_TYPES: &[&str] = &[
    "string", "number", "boolean", "date", "json", "string[]", "number[]",
];

/// Parses the text of a rustauth.toml; `path` is only used in messages. `line`: the
/// Better Auth line given on the command line, which wins over `[project] better_auth`.
pub fn parse_str(text: &str, path: &str, line: Option<Line>) -> Result<Config, ConfigError> {
    let p = Parser {
        text,
        path,
        line_override: line,
    };
    let doc = ImDocument::parse(text).map_err(|e| {
        let (line, col) = e.span().map(|s| p.line_col(s.start)).unwrap_or((1, 1));
        let msg = e.message().lines().next().unwrap_or("").trim().to_string();
        p.error(format!("invalid TOML at line {line}, column {col}: {msg}"))
    })?;
    p.config(doc.as_table())
}

struct Parser<'a> {
    text: &'a str,
    path: &'a str,
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

    fn line_col(&self, offset: usize) -> (usize, usize) {
        let before = &self.text[..offset.min(self.text.len())];
        let line = before.matches('\n').count() + 1;
        let col = before.len() - before.rfind('\n').map(|i| i + 1).unwrap_or(0) + 1;
        (line, col)
    }

    fn at(&self, span: Option<Range<usize>>) -> String {
        match span {
            Some(s) => format!(" at line {}", self.line_col(s.start).0),
            None => String::new(),
        }
    }

    fn key_at(&self, key: &Key) -> String {
        self.at(key.span())
    }

    /// Rejects keys of `table` that are not in `allowed`; `prefix` is the dotted path.
    fn check_keys(&self, table: &dyn TableLike, prefix: &str, allowed: &[&str]) -> R<()> {
        for (k, _) in table.iter() {
            if !allowed.contains(&k) {
                let key = table.key(k).expect("key exists");
                return Err(self.error(format!(
                    "unknown key `{}{k}`{}{}",
                    dotted(prefix),
                    self.key_at(key),
                    hint(k, allowed)
                )));
            }
        }
        Ok(())
    }

    fn table<'t>(
        &self,
        parent: &'t dyn TableLike,
        key: &str,
        prefix: &str,
    ) -> R<Option<&'t dyn TableLike>> {
        match parent.get(key) {
            None => Ok(None),
            Some(item) => match item.as_table_like() {
                Some(t) => Ok(Some(t)),
                None => Err(self.error(format!(
                    "`{}{key}`{} must be a table",
                    dotted(prefix),
                    self.at(item.span())
                ))),
            },
        }
    }

    fn value<'t>(
        &self,
        parent: &'t dyn TableLike,
        key: &str,
    ) -> Option<(&'t Value, Option<Range<usize>>)> {
        let item = parent.get(key)?;
        let span = item
            .span()
            .or_else(|| parent.key(key).and_then(|k| k.span()));
        match item {
            Item::Value(v) => Some((v, span)),
            _ => None,
        }
    }

    fn string(&self, parent: &dyn TableLike, key: &str, prefix: &str) -> R<Option<String>> {
        match parent.get(key) {
            None => Ok(None),
            Some(_) => match self.value(parent, key) {
                Some((Value::String(s), _)) => Ok(Some(s.value().clone())),
                other => Err(self.error(format!(
                    "`{}{key}`{} must be a string",
                    dotted(prefix),
                    self.at(other
                        .and_then(|o| o.1)
                        .or_else(|| parent.key(key).and_then(|k| k.span())))
                ))),
            },
        }
    }

    /// A name (a table, column, folder, adapter…): a string that is not empty. Control
    /// characters are refused for every string by [`Parser::check_text`].
    fn name(&self, parent: &dyn TableLike, key: &str, prefix: &str) -> R<Option<String>> {
        let s = self.string(parent, key, prefix)?;
        if s.as_deref().is_some_and(|s| s.trim().is_empty()) {
            return Err(self.error(format!(
                "`{}{key}`{} must not be empty",
                dotted(prefix),
                self.at(parent.get(key).and_then(|i| i.span()))
            )));
        }
        Ok(s)
    }

    /// A key that names an environment variable (`url_env`, `secret_env`): it must match
    /// `[A-Za-z_][A-Za-z0-9_]*`. The value is never echoed: a URL or a secret put here by
    /// mistake would otherwise be printed by every message that names the variable.
    fn var_name(
        &self,
        parent: &dyn TableLike,
        key: &str,
        prefix: &str,
        example: &str,
    ) -> R<Option<String>> {
        let Some(s) = self.string(parent, key, prefix)? else {
            return Ok(None);
        };
        if is_var_name(&s) && !looks_random(&s) {
            return Ok(Some(s));
        }
        let what = if s.is_empty() {
            "it is empty".to_string()
        } else if s.contains("://") || (s.contains('@') && s.contains(':')) {
            "the value looks like a URL (the URL itself belongs in that variable, in the environment or .env)".to_string()
        } else if looks_random(&s) || s.chars().count() >= 16 {
            "the value looks like a secret (the secret itself belongs in that variable, in the environment or .env)".to_string()
        } else {
            "the value is not a variable name (letters, digits and `_`, not starting with a digit)"
                .to_string()
        };
        Err(self.error(format!(
            "`{}{key}`{} must name an environment variable such as {example}; {what}",
            dotted(prefix),
            self.at(parent.get(key).and_then(|i| i.span()))
        )))
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
                    self.key_at(key)
                )));
            }
            let here = format!("{}{k}", dotted(prefix));
            match item {
                Item::Table(t) => self.check_text(t, &here)?,
                Item::ArrayOfTables(a) => {
                    for t in a.iter() {
                        self.check_text(t, &here)?;
                    }
                }
                Item::Value(v) if k != "default" => {
                    self.check_value(v, &here, item.span().or_else(|| key.span()))?
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
                    self.at(v.span().or(span))
                )))
            }
            Value::Array(a) => {
                for e in a.iter() {
                    self.check_value(e, here, span.clone())?;
                }
                Ok(())
            }
            Value::InlineTable(t) => self.check_text(t, here),
            _ => Ok(()),
        }
    }

    fn bool(&self, parent: &dyn TableLike, key: &str, prefix: &str) -> R<Option<bool>> {
        match parent.get(key) {
            None => Ok(None),
            Some(_) => match self.value(parent, key) {
                Some((Value::Boolean(b), _)) => Ok(Some(*b.value())),
                other => Err(self.error(format!(
                    "`{}{key}`{} must be true or false",
                    dotted(prefix),
                    self.at(other
                        .and_then(|o| o.1)
                        .or_else(|| parent.key(key).and_then(|k| k.span())))
                ))),
            },
        }
    }

    /// A string that must be one of `names`.
    fn choice(
        &self,
        parent: &dyn TableLike,
        key: &str,
        prefix: &str,
        names: &[&str],
    ) -> R<Option<String>> {
        let Some(s) = self.string(parent, key, prefix)? else {
            return Ok(None);
        };
        if names.contains(&s.as_str()) {
            return Ok(Some(s));
        }
        let span = parent.get(key).and_then(|i| i.span());
        // A URL or a secret pasted into the wrong key is not echoed.
        let shown = crate::redact::redact_value(key, &s);
        let (shown, near) = if shown == s && s.chars().count() < 40 {
            (format!(" `{s}`"), hint(&s, names))
        } else {
            (
                String::new(),
                format!("; expected one of: {}", names.join(", ")),
            )
        };
        Err(self.error(format!(
            "`{}{key}`{}: unknown value{shown}{near}",
            dotted(prefix),
            self.at(span),
        )))
    }

    /// A table of string -> string (field renames).
    fn string_map(
        &self,
        parent: &dyn TableLike,
        key: &str,
        prefix: &str,
        allowed: Option<&[&str]>,
    ) -> R<IndexMap<String, String>> {
        let mut out = IndexMap::new();
        let Some(t) = self.table(parent, key, prefix)? else {
            return Ok(out);
        };
        let here = format!("{}{key}", dotted(prefix));
        if let Some(allowed) = allowed {
            self.check_keys(t, &here, allowed)?;
        }
        for (k, _) in t.iter() {
            let v = self.string(t, k, &here)?.expect("present key has a value");
            if v.is_empty() {
                return Err(self.error(format!(
                    "`{here}.{k}`{} must not be empty",
                    self.at(t.key(k).and_then(|k| k.span()))
                )));
            }
            out.insert(k.to_string(), v);
        }
        Ok(out)
    }

    fn config(&self, root: &dyn TableLike) -> R<Config> {
        self.check_text(root, "")?;
        self.check_keys(root, "", TOP_KEYS)?;
        let mut c = Config::default();

        if let Some(t) = self.table(root, "project", "")? {
            let p = "project";
            self.check_keys(t, p, PROJECT_KEYS)?;
            if let Some(s) = self.choice(t, "better_auth", p, &Line::NAMES)? {
                c.project.better_auth = Line::parse(&s).expect("checked");
            }
            c.project.framework = self.name(t, "framework", p)?;
            c.project.base_url = self.string(t, "base_url", p)?;
            c.project.base_path = self.string(t, "base_path", p)?;
            c.project.production = self.bool(t, "production", p)?.unwrap_or(false);
        }

        if let Some(line) = self.line_override {
            c.project.better_auth = line;
        }
        let line = c.project.better_auth;

        if let Some(t) = self.table(root, "database", "")? {
            let p = "database";
            self.check_keys(t, p, DATABASE_KEYS)?;
            let d = &mut c.database;
            d.adapter = self.name(t, "adapter", p)?;
            if let Some(s) = self.choice(t, "provider", p, &Dialect::NAMES)? {
                d.provider = Dialect::parse(&s);
            }
            if let Some(s) = self.var_name(t, "url_env", p, "DATABASE_URL")? {
                d.url_env = s;
            }
            d.url = self.string(t, "url", p)?;
            if let Some(s) = self.name(t, "migrations_dir", p)? {
                d.migrations_dir = s;
            }
            d.schema = self.name(t, "schema", p)?;
            if let Some(s) = self.choice(t, "generate_id", p, &IdStrategy::NAMES)? {
                d.generate_id = IdStrategy::parse(&s).unwrap_or_default();
            }
            if let Some(s) = self.string(t, "history_table", p)? {
                d.history_table = s;
            }
            if line >= Line::V1_7
                && d.schema.is_some()
                && let Some(provider) = d.provider.filter(|p| *p != Dialect::Postgres)
            {
                return Err(self.error(format!(
                    "`database.schema`{}: {}",
                    self.at(t.get("schema").and_then(|i| i.span())),
                    crate::schema::schema_name_error(provider)
                )));
            }
        }

        if let Some(t) = self.table(root, "security", "")? {
            self.check_keys(t, "security", SECURITY_KEYS)?;
            if let Some(s) = self.var_name(t, "secret_env", "security", "RUSTAUTH_SECRET")? {
                c.security.secret_env = s;
            }
        }

        if let Some(t) = self.table(root, "rate_limit", "")? {
            let p = "rate_limit";
            self.check_keys(t, p, RATE_LIMIT_KEYS)?;
            if let Some(s) = self.choice(t, "storage", p, &RateLimitStorage::NAMES)? {
                c.rate_limit.storage = RateLimitStorage::parse(&s).unwrap_or_default();
            }
            c.rate_limit.model_name = self.name(t, "model_name", p)?;
            c.rate_limit.fields = self.string_map(t, "fields", p, Some(RATE_LIMIT_FIELDS))?;
        }

        if let Some(t) = self.table(root, "secondary_storage", "")? {
            let p = "secondary_storage";
            self.check_keys(t, p, SECONDARY_KEYS)?;
            let s = &mut c.secondary_storage;
            s.enabled = self.bool(t, "enabled", p)?.unwrap_or(false);
            s.store_session_in_database = self
                .bool(t, "store_session_in_database", p)?
                .unwrap_or(false);
            s.store_verification_in_database = self
                .bool(t, "store_verification_in_database", p)?
                .unwrap_or(false);
        }

        if let Some(t) = self.table(root, "plugins", "")? {
            c.plugins = self.plugins(t, line)?;
        }

        if let Some(t) = self.table(root, "models", "")? {
            let known = crate::schema::known_model_keys();
            let known: Vec<&str> = known.iter().map(String::as_str).collect();
            for (key, _) in t.iter() {
                if !known.contains(&key) {
                    return Err(self.error(format!(
                        "unknown model `models.{key}`{}{}",
                        self.key_at(t.key(key).expect("key exists")),
                        hint(key, &known)
                    )));
                }
                let prefix = format!("models.{key}");
                let m = self.table(t, key, "models")?.expect("key exists");
                c.models
                    .insert(key.to_string(), self.model(m, &prefix, key)?);
            }
        }
        Ok(c)
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

    fn plugins(&self, t: &dyn TableLike, line: Line) -> R<PluginsConfig> {
        let ids = plugins::ids(line);
        let mut out = PluginsConfig::default();
        for (k, item) in t.iter() {
            if k == "enabled" {
                continue;
            }
            let key = t.key(k).expect("key exists");
            let Some(spec) = plugins::find(k) else {
                let hint_text = match suggest::nearest(k, ids.iter().copied()) {
                    Some(n) => format!("; did you mean `{n}`?"),
                    None => format!("; valid plugin ids: {}", ids.join(", ")),
                };
                return Err(self.error(format!(
                    "unknown key `plugins.{k}`{}: not a plugin id{hint_text}",
                    self.key_at(key)
                )));
            };
            if !spec.on(line) {
                return Err(self.plugin_not_on_line(spec, &self.key_at(key), line));
            }
            let Some(opts) = item.as_table_like() else {
                return Err(self.error(format!(
                    "`plugins.{k}`{} must be a table of options",
                    self.key_at(key)
                )));
            };
            let prefix = format!("plugins.{k}");
            let allowed: Vec<&str> = spec.options_on(line).map(|o| o.key).collect();
            let mut po = PluginOptions::default();
            for (ok, _) in opts.iter() {
                let okey = opts.key(ok).expect("key exists");
                let Some(o) = spec.options.iter().find(|o| o.key == ok) else {
                    if allowed.is_empty() {
                        return Err(self.error(format!(
                            "unknown key `{prefix}.{ok}`{}: plugin `{k}` has no options that change the schema",
                            self.key_at(okey)
                        )));
                    }
                    self.check_keys(opts, &prefix, &allowed)?;
                    unreachable!("check_keys rejects the unknown key");
                };
                if !o.on(line) {
                    return Err(self.error(match o.only {
                        Some(Line::V1_7) => format!(
                            "`{prefix}.{ok}`{} is new in Better Auth 1.7 and does not exist on the {line} line; set `better_auth = \"1.7\"` in `[project]` to use it",
                            self.key_at(okey)
                        ),
                        _ => format!(
                            "`{prefix}.{ok}`{} was removed in Better Auth 1.7 ({}); remove the key (or set `better_auth = \"1.6\"` in `[project]`)",
                            self.key_at(okey),
                            o.effect
                        ),
                    }));
                }
                match o.kind {
                    plugins::OptionKind::Flag => {
                        let v = self.bool(opts, ok, &prefix)?.expect("present");
                        po.flags.insert(ok.to_string(), v);
                    }
                    plugins::OptionKind::Text => {
                        let v = self.string(opts, ok, &prefix)?.expect("present");
                        if v.trim().is_empty() {
                            return Err(self.error(format!(
                                "`{prefix}.{ok}`{} must not be empty",
                                self.key_at(okey)
                            )));
                        }
                        po.text.insert(ok.to_string(), v);
                    }
                }
            }
            out.options.insert(k.to_string(), po);
        }
        let Some(item) = t.get("enabled") else {
            return Ok(out);
        };
        let span = item.span();
        let Some(Value::Array(arr)) = item.as_value() else {
            return Err(self.error(format!(
                "`plugins.enabled`{} must be an array of plugin ids",
                self.at(span)
            )));
        };
        for v in arr.iter() {
            let vspan = v.span();
            let Value::String(s) = v else {
                return Err(self.error(format!(
                    "`plugins.enabled`{} must hold strings (plugin ids)",
                    self.at(vspan)
                )));
            };
            let id = s.value();
            match plugins::find(id) {
                None => {
                    let near = suggest::nearest(id, ids.iter().copied())
                        .map(|n| format!(" (did you mean `{n}`?)"))
                        .unwrap_or_default();
                    return Err(self.error(format!(
                        "unknown plugin id `{id}` in `plugins.enabled`{}{near}; valid plugin ids: {}",
                        self.at(vspan),
                        ids.join(", ")
                    )));
                }
                Some(spec) if !spec.on(line) => {
                    return Err(self.plugin_not_on_line(spec, &self.at(vspan), line));
                }
                Some(_) => {}
            }
            if out.enabled.iter().any(|e| e == id) {
                return Err(self.error(format!(
                    "plugin `{id}` is listed twice in `plugins.enabled`{}; remove one",
                    self.at(vspan)
                )));
            }
            // A plugin's required string options (mcp's `resource` on 1.7).
            if let Some(missing) = plugins::find(id)
                .expect("checked")
                .required_text(line)
                .filter(|o| out.options.get(id).and_then(|p| p.text(o.key)).is_none())
            {
                return Err(self.error(missing.missing_message(id, &self.at(vspan))));
            }
            out.enabled.push(id.clone());
        }
        for id in &out.enabled {
            let spec = plugins::find(id).expect("checked");
            // Upstream looks the required plugin up in the whole list: order is free.
            for &req in spec.requires(line) {
                if !out.enabled.iter().any(|e| e == req) {
                    return Err(self.error(format!(
                        "plugin `{id}` needs `{req}` enabled too (Better Auth refuses to start without it); add \"{req}\" to `plugins.enabled`{}",
                        self.at(span.clone())
                    )));
                }
            }
        }
        Ok(out)
    }

    fn model(&self, t: &dyn TableLike, prefix: &str, key: &str) -> R<ModelConfig> {
        self.check_keys(t, prefix, MODEL_KEYS)?;
        let mut m = ModelConfig {
            model_name: self.string(t, "model_name", prefix)?,
            fields: self.string_map(t, "fields", prefix, None)?,
            ..ModelConfig::default()
        };
        if m.model_name.as_deref() == Some("") {
            return Err(self.error(format!(
                "`{prefix}.model_name`{} must not be empty",
                self.at(t.get("model_name").and_then(|i| i.span()))
            )));
        }
        if let Some(af) = self.table(t, "additional_fields", prefix)? {
            let here = format!("{prefix}.additional_fields");
            for (name, _) in af.iter() {
                let fp = format!("{here}.{name}");
                let ft = self.table(af, name, &here)?.expect("key exists");
                let key_span = af.key(name).and_then(|k| k.span());
                m.additional_fields
                    .insert(name.to_string(), self.additional_field(ft, &fp, key_span)?);
            }
        }
        if let Some(ft) = self.table(t, "fields", prefix)? {
            let mut known = crate::schema::known_field_keys(key);
            known.extend(m.additional_fields.keys().cloned());
            let known: Vec<&str> = known.iter().map(String::as_str).collect();
            for (fk, _) in ft.iter() {
                if !known.contains(&fk) {
                    return Err(self.error(format!(
                        "unknown field `{prefix}.fields.{fk}`{}: model `{key}` has no field `{fk}`{}",
                        self.key_at(ft.key(fk).expect("key exists")),
                        hint(fk, &known)
                    )));
                }
            }
        }
        Ok(m)
    }

    fn additional_field(
        &self,
        t: &dyn TableLike,
        p: &str,
        key_span: Option<Range<usize>>,
    ) -> R<AdditionalField> {
        self.check_keys(t, p, FIELD_KEYS)?;
        let ty = match self.value(t, "type") {
            None => {
                return Err(self.error(format!(
                    "`{p}`{} has no `type`; set one of: {}, or an array of strings (an enum)",
                    self.at(key_span),
                    FIELD_TYPES.join(", ")
                )));
            }
            Some((Value::String(s), span)) => match s.value().as_str() {
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
                        self.at(span),
                        hint(other, FIELD_TYPES)
                    )));
                }
            },
            Some((Value::Array(a), span)) => {
                let mut values = Vec::new();
                for v in a.iter() {
                    match v {
                        Value::String(s) => values.push(s.value().clone()),
                        _ => {
                            return Err(self.error(format!(
                                "`{p}.type`{}: an enum must be an array of strings",
                                self.at(span)
                            )));
                        }
                    }
                }
                if values.is_empty() {
                    return Err(self.error(format!(
                        "`{p}.type`{}: an enum needs at least one value",
                        self.at(span)
                    )));
                }
                FieldType::Enum(values)
            }
            Some((_, span)) => {
                return Err(self.error(format!(
                    "`{p}.type`{} must be a type name or an array of strings",
                    self.at(span)
                )));
            }
        };
        let (default_now, default) = match self.value(t, "default") {
            Some((Value::String(s), _)) if s.value() == "now" && ty == FieldType::Date => {
                (true, None)
            }
            Some((Value::String(s), _)) => (false, Some(Literal::Str(s.value().clone()))),
            Some((Value::Integer(n), _)) => (false, Some(Literal::Int(*n.value()))),
            Some((Value::Boolean(b), _)) => (false, Some(Literal::Bool(*b.value()))),
            _ => (false, None),
        };
        let references = match self.table(t, "references", p)? {
            None => None,
            Some(r) => {
                let rp = format!("{p}.references");
                self.check_keys(r, &rp, REFERENCE_KEYS)?;
                let model = self.name(r, "model", &rp)?.ok_or_else(|| {
                    self.error(format!(
                        "`{rp}`{} needs a `model` (a Better Auth model key or a table name)",
                        self.at(t.get("references").and_then(|i| i.span()))
                    ))
                })?;
                let field = self.name(r, "field", &rp)?.unwrap_or_else(|| "id".into());
                let on_delete = match self.choice(r, "on_delete", &rp, &OnDelete::ALL)? {
                    Some(s) => OnDelete::parse(&s).expect("checked"),
                    None => OnDelete::Cascade,
                };
                Some(AdditionalReference {
                    model,
                    field,
                    on_delete,
                })
            }
        };
        // Runtime-only attributes: accepted for compatibility, checked for type.
        self.bool(t, "input", p)?;
        self.bool(t, "returned", p)?;
        Ok(AdditionalField {
            ty,
            field_name: self.name(t, "field_name", p)?,
            required: self.bool(t, "required", p)?.unwrap_or(true),
            unique: self.bool(t, "unique", p)?.unwrap_or(false),
            index: self.bool(t, "index", p)?.unwrap_or(false),
            sortable: self.bool(t, "sortable", p)?.unwrap_or(false),
            bigint: self.bool(t, "bigint", p)?.unwrap_or(false),
            default_now,
            default,
            references,
        })
    }
}

/// `[A-Za-z_][A-Za-z0-9_]*`: a name every shell and dotenv parser accepts.
pub fn is_var_name(s: &str) -> bool {
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
pub fn looks_random(s: &str) -> bool {
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
