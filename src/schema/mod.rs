//! The auth schema model: Better Auth 1.6.9's tables for a configuration, resolved the
//! way upstream's `getAuthTables` + `getSchema` do (plugin merge order, renames,
//! additional fields, references). Knows no SQL.

pub mod core;
pub mod field;
mod impact;
pub mod options;
pub mod plugins;

use indexmap::IndexMap;

use crate::model::IdStrategy;
pub use impact::Impact;

use crate::model::{Line, Literal};
use field::{FieldDef, FieldType, IndexDef, OnDelete, Reference, TableDef};
use options::{
    AdditionalField, ModelConfig, PluginsConfig, RateLimitConfig, RateLimitStorage,
    SecondaryStorageConfig,
};

/// A resolved foreign key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnRef {
    /// The referenced table's name (after renames), or the name as given for a table
    /// Better Auth does not own.
    pub table: String,
    /// The referenced column's name (after renames).
    pub column: String,
    pub on_delete: OnDelete,
    /// The reference declares `field = "id"`: the column takes the id type.
    pub to_id: bool,
}

/// A resolved column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    /// The logical field key (`emailVerified`).
    pub key: String,
    /// The column name (`email_verified` after a rename).
    pub name: String,
    pub ty: FieldType,
    pub required: bool,
    pub unique: bool,
    pub index: bool,
    pub sortable: bool,
    pub bigint: bool,
    pub default_now: bool,
    /// A static default (see [`FieldDef::default`]).
    pub default: Option<Literal>,
    pub references: Option<ColumnRef>,
}

/// A resolved table-level index: column names, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableIndex {
    pub columns: Vec<String>,
    pub unique: bool,
}

/// A resolved table: `id` is implicit and always first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    /// The model key (`user`, `twoFactor`).
    pub key: String,
    /// The table name (after renames).
    pub name: String,
    /// Upstream's `order` (core tables 1..4); others sort after, in declaration order.
    pub order: Option<u32>,
    pub columns: Vec<Column>,
    /// Table-level indexes (upstream's `indexes`), after the field-level ones.
    pub indexes: Vec<TableIndex>,
}

/// The implicit primary key every table has first: its name, and its field.
pub const ID: &str = "id";

impl Table {
    /// A declared column (the implicit [`ID`] is none).
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }

    /// Every column name in table order: [`ID`] first, then the declared ones.
    pub fn column_names(&self) -> impl Iterator<Item = &str> {
        std::iter::once(ID).chain(self.columns.iter().map(|c| c.name.as_str()))
    }

    /// Whether the table has a column of this name, [`ID`] included.
    pub fn has_column(&self, name: &str) -> bool {
        name == ID || self.column(name).is_some()
    }
}

/// Upstream 1.7's refusal of `database.schemaName` (rustauth's `database.schema`) on a
/// dialect other than PostgreSQL.
pub fn schema_name_error(dialect: crate::model::Dialect) -> String {
    format!(
        "`database.schemaName` is only supported on PostgreSQL, but the configured database type is \"{dialect}\"."
    )
}

/// What a schema is resolved from (what a configuration's `schema_options` gives).
#[derive(Debug, Clone, Copy)]
pub struct Options<'a> {
    pub line: Line,
    pub id: IdStrategy,
    /// `database.schema`: qualifies names on the 1.7 line (PostgreSQL).
    pub namespace: Option<&'a str>,
    pub plugins: &'a PluginsConfig,
    pub models: &'a IndexMap<String, ModelConfig>,
    pub rate_limit: &'a RateLimitConfig,
    pub secondary_storage: &'a SecondaryStorageConfig,
}

/// The target schema for a configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Schema {
    pub line: Line,
    pub id: IdStrategy,
    /// PostgreSQL schema the tables live in, on the 1.7 line (`database.schema`): names
    /// are qualified with it.
    pub namespace: Option<String>,
    pub tables: Vec<Table>,
}

impl Schema {
    pub fn table(&self, name: &str) -> Option<&Table> {
        self.tables.iter().find(|t| t.name == name)
    }
}

/// A model as `getAuthTables` returns it: fields by logical key, in order.
#[derive(Debug, Clone)]
struct AuthTable {
    model_name: String,
    fields: IndexMap<String, FieldDef>,
    order: Option<u32>,
    indexes: Vec<IndexDef>,
}

/// What the enabled plugins declare for one model key, merged in plugin order.
struct PluginTable {
    fields: IndexMap<String, FieldDef>,
    model_name: String,
    indexes: Vec<IndexDef>,
}

/// Inserts or replaces `f` by key; a replaced field keeps the earlier one's position
/// (JavaScript object spread semantics).
fn merge_field(fields: &mut IndexMap<String, FieldDef>, f: FieldDef) {
    fields.insert(f.key.clone(), f);
}

fn additional_to_def(key: &str, a: &AdditionalField) -> FieldDef {
    FieldDef {
        key: key.to_string(),
        field_name: a.field_name.clone(),
        ty: a.ty.clone(),
        required: a.required,
        unique: a.unique,
        index: a.index,
        sortable: a.sortable,
        bigint: a.bigint,
        default_now: a.default_now,
        default: a.default.clone(),
        references: a.references.as_ref().map(|r| Reference {
            model: r.model.clone(),
            field: r.field.clone(),
            on_delete: r.on_delete,
        }),
    }
}

/// Every table definition of any configuration: the core models, `rateLimit`, and every
/// table of every plugin with all of its options on.
fn every_table_def() -> Vec<TableDef> {
    let mut defs = vec![
        core::user(),
        core::session(),
        core::account(),
        core::verification(),
        core::rate_limit(),
    ];
    for line in Line::ALL {
        for spec in plugins::REGISTRY.iter().filter(|p| p.on(line)) {
            let mut opts = plugins::PluginOptions::default();
            for o in spec.options_on(line) {
                match o.kind {
                    plugins::OptionKind::Flag => {
                        opts.set_flag(o.key, true);
                    }
                    plugins::OptionKind::Text => {
                        opts.set_text(o.key, "");
                    }
                }
            }
            defs.extend((spec.tables)(&opts, line));
        }
    }
    defs
}

/// Every model key a config may name in `[models.<key>]`.
pub fn known_model_keys() -> Vec<String> {
    let mut keys: Vec<String> = Vec::new();
    for t in every_table_def() {
        if !keys.contains(&t.key) {
            keys.push(t.key);
        }
    }
    keys
}

/// Every field key a model has in any configuration, for checking `[models.<key>.fields]`.
pub fn known_field_keys(model: &str) -> Vec<String> {
    let mut keys: Vec<String> = Vec::new();
    for f in every_table_def()
        .into_iter()
        .filter(|t| t.key == model)
        .flat_map(|t| t.fields)
    {
        if !keys.contains(&f.key) {
            keys.push(f.key);
        }
    }
    keys
}

/// Upstream `getAuthTables`: core tables with plugin and additional fields, then plugin
/// tables in order of first appearance, then rateLimit.
fn auth_tables(config: &Options<'_>) -> IndexMap<String, AuthTable> {
    let model = |key: &str| config.models.get(key);
    // `optional`: the defining plugin makes its additional fields nullable
    // (see `TableDef::additional_fields_optional`).
    let additional = |key: &str, fields: &mut IndexMap<String, FieldDef>, optional: bool| {
        if let Some(m) = model(key) {
            for (name, a) in &m.additional_fields {
                let mut def = additional_to_def(name, a);
                def.required &= !optional;
                merge_field(fields, def);
            }
        }
    };

    // Plugin schemas, merged by model key in plugin order. A plugin table's additional
    // fields are part of the definition of the plugin that defines it in full (upstream:
    // organization's `schema.<model>.additionalFields`), so they follow that plugin's
    // fields, before fields that later plugins add and after those of earlier ones.
    let line = config.line;
    let mut plugin_tables: IndexMap<String, PluginTable> = IndexMap::new();
    let mut with_additional: Vec<String> = Vec::new();
    for id in &config.plugins.enabled {
        let Some(spec) = plugins::find_on(id, line) else {
            continue;
        };
        let opts = config.plugins.options.get(id).cloned().unwrap_or_default();
        for TableDef {
            key,
            model_name,
            fields,
            indexes,
            extension,
            additional_fields_optional,
        } in (spec.tables)(&opts, line)
        {
            let entry = plugin_tables
                .entry(key.clone())
                .or_insert_with(|| PluginTable {
                    fields: IndexMap::new(),
                    model_name: key.clone(),
                    indexes: Vec::new(),
                });
            for f in fields {
                merge_field(&mut entry.fields, f);
            }
            entry.model_name = model_name.unwrap_or_else(|| key.clone());
            // Two plugins declaring one table (1.7's mcp is oauth-provider underneath)
            // declare its indexes once.
            for index in indexes {
                if !entry.indexes.contains(&index) {
                    entry.indexes.push(index);
                }
            }
            if !extension
                && !core::CORE_KEYS.contains(&key.as_str())
                && !with_additional.contains(&key)
            {
                additional(&key, &mut entry.fields, additional_fields_optional);
                with_additional.push(key);
            }
        }
    }
    // Tables only extended (no plugin defines them in full) take them last.
    for (key, entry) in &mut plugin_tables {
        if !core::CORE_KEYS.contains(&key.as_str()) && !with_additional.contains(key) {
            additional(key, &mut entry.fields, false);
        }
    }

    let mut out: IndexMap<String, AuthTable> = IndexMap::new();
    let secondary = &config.secondary_storage;
    for (i, def) in [
        core::user(),
        core::session(),
        core::account(),
        core::verification(),
    ]
    .into_iter()
    .enumerate()
    {
        let keep = match def.key.as_str() {
            "session" => !secondary.enabled || secondary.store_session_in_database,
            "verification" => !secondary.enabled || secondary.store_verification_in_database,
            _ => true,
        };
        let key = def.key.clone();
        let mut fields: IndexMap<String, FieldDef> = IndexMap::new();
        for f in def.fields {
            merge_field(&mut fields, f);
        }
        if let Some(pt) = plugin_tables.get(&key) {
            for f in pt.fields.values() {
                merge_field(&mut fields, f.clone());
            }
        }
        additional(&key, &mut fields, false);
        if keep {
            out.insert(
                key.clone(),
                AuthTable {
                    model_name: key,
                    fields,
                    order: Some(u32::try_from(i + 1).expect("a handful of core tables")),
                    indexes: def.indexes,
                },
            );
        }
    }
    for (key, pt) in plugin_tables {
        if core::CORE_KEYS.contains(&key.as_str()) {
            continue;
        }
        out.insert(
            key,
            AuthTable {
                model_name: pt.model_name,
                fields: pt.fields,
                order: None,
                indexes: pt.indexes,
            },
        );
    }
    if config.rate_limit.storage == RateLimitStorage::Database {
        let def = core::rate_limit();
        let mut fields: IndexMap<String, FieldDef> = IndexMap::new();
        for mut f in def.fields {
            if let Some(col) = config.rate_limit.fields.get(&f.key) {
                f.field_name = Some(col.clone());
            }
            merge_field(&mut fields, f);
        }
        additional("rateLimit", &mut fields, false);
        out.insert(
            "rateLimit".into(),
            AuthTable {
                model_name: config
                    .rate_limit
                    .model_name
                    .clone()
                    .unwrap_or_else(|| "rateLimit".into()),
                fields,
                order: None,
                indexes: def.indexes,
            },
        );
    }

    // Renames from [models.<key>]: model name, and column names of every field.
    for (key, table) in &mut out {
        let Some(m) = model(key) else { continue };
        if let Some(name) = &m.model_name {
            table.model_name = name.clone();
        }
        for (fkey, f) in &mut table.fields {
            if let Some(col) = m.fields.get(fkey) {
                let explicit = m
                    .additional_fields
                    .get(fkey)
                    .and_then(|a| a.field_name.as_ref());
                if explicit.is_none() {
                    f.field_name = Some(col.clone());
                }
            }
        }
    }
    out
}

/// Renames that make two things one: two fields of a model on one column, or two models
/// on one table. Upstream would merge them silently (or fail half-way in the database);
/// rustauth refuses the config. The error names both and the fix.
pub fn rename_collisions(config: &Options<'_>) -> Result<(), String> {
    let tables = auth_tables(config);
    let mut table_of: IndexMap<&str, &str> = IndexMap::new();
    for (key, t) in &tables {
        if let Some(other) = table_of.insert(&t.model_name, key) {
            let renamed = if config
                .models
                .get(key)
                .and_then(|m| m.model_name.as_ref())
                .is_some()
            {
                key.as_str()
            } else {
                other
            };
            return Err(format!(
                "models `{other}` and `{key}` both use the table \"{}\"; a table holds one model: set another [models.{renamed}] model_name",
                t.model_name
            ));
        }
        let mut column_of: IndexMap<&str, &str> = IndexMap::new();
        for (fkey, f) in &t.fields {
            if let Some(other) = column_of.insert(f.column(), fkey) {
                return Err(format!(
                    "fields `{other}` and `{fkey}` of model `{key}` both use the column \"{}\" of table \"{}\"; a column holds one field: map one of them to another column in [models.{key}.fields] (or its additional field's field_name)",
                    f.column(),
                    t.model_name
                ));
            }
        }
    }
    Ok(())
}

/// Resolves `model.field` of a reference to `table.column` as upstream's
/// `getReferencePath` does; a model Better Auth does not own is used verbatim.
fn reference_path(
    tables: &IndexMap<String, AuthTable>,
    model: &str,
    field: &str,
) -> (String, String) {
    let key = if tables.contains_key(model) {
        Some(model.to_string())
    } else {
        tables
            .iter()
            .find(|(_, t)| t.model_name == model)
            .map(|(k, _)| k.clone())
    };
    let Some(key) = key else {
        return (model.to_string(), field.to_string());
    };
    let table = &tables[&key];
    if field == ID || field == "_id" {
        return (table.model_name.clone(), ID.into());
    }
    let f = table.fields.get(field).or_else(|| {
        table
            .fields
            .values()
            .find(|f| f.field_name.as_deref() == Some(field))
    });
    match f {
        Some(f) => (table.model_name.clone(), f.column().to_string()),
        None => (model.to_string(), field.to_string()),
    }
}

/// Resolves the target schema of a configuration (upstream `getSchema`, then tables
/// ordered as `getMigrations` orders them).
pub fn resolve(config: &Options<'_>) -> Schema {
    let tables = auth_tables(config);
    let mut schema: IndexMap<String, Table> = IndexMap::new();
    for (key, t) in &tables {
        let mut columns: IndexMap<String, Column> = IndexMap::new();
        for f in t.fields.values() {
            let references = f.references.as_ref().map(|r| {
                // getSchema swaps a model key for its model name first.
                let model = tables
                    .get(&r.model)
                    .map(|rt| rt.model_name.clone())
                    .unwrap_or_else(|| r.model.clone());
                let (table, column) = reference_path(&tables, &model, &r.field);
                ColumnRef {
                    table,
                    column,
                    on_delete: r.on_delete,
                    to_id: r.field == ID,
                }
            });
            let name = f.column().to_string();
            columns.insert(
                name.clone(),
                Column {
                    key: f.key.clone(),
                    name,
                    ty: f.ty.clone(),
                    required: f.required,
                    unique: f.unique,
                    index: f.index,
                    sortable: f.sortable,
                    bigint: f.bigint,
                    default_now: f.default_now,
                    default: f.default.clone(),
                    references,
                },
            );
        }
        let indexes: Vec<TableIndex> = t
            .indexes
            .iter()
            .map(|i| TableIndex {
                columns: i
                    .fields
                    .iter()
                    .map(|k| {
                        t.fields
                            .get(k)
                            .map_or(k.as_str(), |f| f.column())
                            .to_string()
                    })
                    .collect(),
                unique: i.unique,
            })
            .collect();
        match schema.get_mut(&t.model_name) {
            Some(existing) => {
                // Two models with one table name: fields merge, the first one's place.
                let mut merged: IndexMap<String, Column> = existing
                    .columns
                    .drain(..)
                    .map(|c| (c.name.clone(), c))
                    .collect();
                merged.extend(columns);
                existing.columns = merged.into_values().collect();
                existing.indexes.extend(indexes);
            }
            None => {
                schema.insert(
                    t.model_name.clone(),
                    Table {
                        key: key.clone(),
                        name: t.model_name.clone(),
                        order: t.order,
                        columns: columns.into_values().collect(),
                        indexes,
                    },
                );
            }
        }
    }
    let mut tables: Vec<Table> = schema.into_values().collect();
    // getMigrations inserts each table before the first one of a higher order: a stable
    // sort by order, tables without one last.
    tables.sort_by_key(|t| t.order.unwrap_or(u32::MAX));
    let line = config.line;
    Schema {
        line,
        id: config.id,
        namespace: config
            .namespace
            .map(str::to_string)
            .filter(|_| line == Line::V1_7),
        tables,
    }
}

#[cfg(test)]
mod tests;
