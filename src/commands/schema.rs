//! `rustauth schema print`: the whole target schema for an empty database.

use anyhow::Result;
use serde_json::{Value, json};

use super::Global;
use crate::cli::{SchemaFormat, SchemaPrintArgs};
use crate::config::{IdStrategy, Provider};
use crate::exit::Exit;
use crate::schema::{self, Schema};
use crate::sql::{self, Ddl};

pub fn print(global: &Global, args: SchemaPrintArgs) -> Result<Exit> {
    let loaded = global.load(false)?;
    let dialect = args
        .dialect
        .map(|d| d.provider())
        .or(loaded.config.database.provider)
        .unwrap_or(Provider::Sqlite);
    let schema = schema::resolve(&loaded.config);
    match args.format {
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
pub fn to_json(schema: &Schema, dialect: Provider) -> Value {
    let tables: Vec<Value> = schema
        .tables
        .iter()
        .map(|t| {
            let mut columns = vec![json!({
                "name": "id",
                "field": "id",
                "type": sql::types_id(dialect, schema.id),
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
                    "type": sql::column_type(c, dialect, schema.id),
                    "nullable": !c.required,
                    "primary_key": false,
                    "unique": c.unique,
                    "index": if c.index {
                        json!({ "name": Ddl::index_name(&t.name, &c.name, c.unique), "unique": c.unique })
                    } else {
                        Value::Null
                    },
                    "default": sql::column_default(c, dialect),
                    "references": c.references.as_ref().map(|r| json!({
                        "table": r.table,
                        "column": r.column,
                        "on_delete": r.on_delete.as_sql(),
                    })),
                })
            }));
            json!({ "name": t.name, "model": t.key, "columns": columns })
        })
        .collect();
    json!({
        "dialect": dialect.name(),
        "generate_id": schema.id.name(),
        "tables": tables,
    })
}

fn id_default(dialect: Provider, id: IdStrategy) -> Value {
    match (dialect, id) {
        (Provider::Postgres, IdStrategy::Uuid) => json!("pg_catalog.gen_random_uuid()"),
        (_, IdStrategy::Serial) => json!("identity"),
        _ => Value::Null,
    }
}
