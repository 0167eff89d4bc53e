//! Upstream's `matchType`: whether an existing column's type fits a field type, by its
//! per-dialect lists. Used only for warnings, as upstream does.

use crate::config::Provider;
use crate::schema::field::FieldType;

pub fn match_type(column_type: &str, field: &FieldType, dialect: Provider) -> bool {
    if matches!(field, FieldType::StringArray | FieldType::NumberArray) {
        return column_type.to_lowercase().contains("json");
    }
    let normalized = column_type
        .to_lowercase()
        .split('(')
        .next()
        .unwrap_or("")
        .trim()
        .to_string();
    let kind = match field {
        FieldType::Enum(_) | FieldType::String => "string",
        FieldType::Number => "number",
        FieldType::Boolean => "boolean",
        FieldType::Date => "date",
        FieldType::Json => "json",
        FieldType::StringArray | FieldType::NumberArray => unreachable!(),
    };
    let list: &[&str] = match (dialect, kind) {
        (Provider::Postgres, "string") => &["character varying", "varchar", "text", "uuid"],
        (Provider::Postgres, "number") => &[
            "int4",
            "integer",
            "bigint",
            "smallint",
            "numeric",
            "real",
            "double precision",
        ],
        (Provider::Postgres, "boolean") => &["bool", "boolean"],
        (Provider::Postgres, "date") => &["timestamptz", "timestamp", "date"],
        (Provider::Postgres, _) => &["json", "jsonb"],
        (Provider::Mysql, "string") => &["varchar", "text", "uuid"],
        (Provider::Mysql, "number") => &[
            "integer", "int", "bigint", "smallint", "decimal", "float", "double",
        ],
        (Provider::Mysql, "boolean") => &["boolean", "tinyint"],
        (Provider::Mysql, "date") => &["timestamp", "datetime", "date"],
        (Provider::Mysql, _) => &["json"],
        (Provider::Sqlite, "string") => &["text"],
        (Provider::Sqlite, "number") => &["integer", "real"],
        (Provider::Sqlite, "boolean") => &["integer", "boolean"],
        (Provider::Sqlite, "date") => &["date", "integer"],
        (Provider::Sqlite, _) => &["text"],
        (Provider::Mssql, "string") => &["varchar", "nvarchar", "uniqueidentifier"],
        (Provider::Mssql, "number") => &["int", "bigint", "smallint", "decimal", "float", "double"],
        (Provider::Mssql, "boolean") => &["bit", "smallint"],
        (Provider::Mssql, "date") => &["datetime2", "date", "datetime"],
        (Provider::Mssql, _) => &["varchar", "nvarchar"],
    };
    list.contains(&normalized.as_str())
}
