//! `rustauth schema print`: the whole target schema for an empty database.

use anyhow::Result;
use serde_json::{Value, json};

use super::context::Global;
use crate::cli::{SchemaFormat, SchemaPrintArgs};
use crate::exit::Exit;
use crate::model::{Dialect, IdStrategy};
use crate::schema::{self, Schema};
use crate::sql;

pub(crate) fn print(global: &Global, args: SchemaPrintArgs) -> Result<Exit> {
    let loaded = global.load(false)?;
    let dialect = args
        .dialect
        .map(crate::cli::DialectArg::provider)
        .or(loaded.config.database.provider)
        .unwrap_or(Dialect::Sqlite);
    let schema = loaded.config.schema();
    if schema.namespace.is_some() && dialect != Dialect::Postgres {
        anyhow::bail!(schema::schema_name_error(dialect));
    }
    let format = if args.json {
        SchemaFormat::Json
    } else {
        args.format
    };
    match format {
        SchemaFormat::Sql => {
            let plan = crate::plan::fresh(&schema, dialect);
            println!("{}", plan.sql(&schema));
        }
        SchemaFormat::Json => {
            println!(
                "{}",
                serde_json::to_string_pretty(&to_json(&schema, dialect))?
            );
        }
    }
    Ok(Exit::Ok)
}

/// The resolved model as JSON (the shape README.md documents).
pub(crate) fn to_json(schema: &Schema, dialect: Dialect) -> Value {
    let tables: Vec<Value> = schema
        .tables
        .iter()
        .map(|t| {
            let mut columns = vec![json!({
                "name": crate::schema::ID,
                "field": crate::schema::ID,
                "type": sql::id_type(dialect, schema.id),
                "nullable": false,
                "primary_key": true,
                "unique": false,
                "index": Value::Null,
                "default": id_default(dialect, schema.id),
                "references": Value::Null,
            })];
            columns.extend(t.columns.iter().map(|c| {
                json!({
                    "name": c.name,
                    "field": c.key,
                    "type": sql::column_type(c, sql::index_string_length(t, &c.name, dialect), dialect, schema.id),
                    "nullable": !c.required,
                    "primary_key": false,
                    "unique": c.unique,
                    "index": if c.index {
                        json!({ "name": sql::index_name(&t.name, std::slice::from_ref(&c.name), c.unique, sql::Rules::of(schema.line).truncate_index_names), "unique": c.unique })
                    } else {
                        Value::Null
                    },
                    "default": sql::column_default(c, dialect),
                    "references": c.references.as_ref().map(|r| json!({
                        "table": r.table,
                        "column": r.column,
                        "on_delete": r.on_delete.name(),
                    })),
                })
            }));
            json!({ "name": t.name, "model": t.key, "columns": columns })
        })
        .collect();
    json!({
        "version": 1,
        "dialect": dialect.name(),
        "generate_id": schema.id.name(),
        "tables": tables,
    })
}

fn id_default(dialect: Dialect, id: IdStrategy) -> Value {
    match (dialect, id) {
        (Dialect::Postgres, IdStrategy::Uuid) => json!("pg_catalog.gen_random_uuid()"),
        (_, IdStrategy::Serial) => json!("identity"),
        _ => Value::Null,
    }
}
