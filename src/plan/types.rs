//! Upstream's `matchType`: whether an existing column's type fits a field type, by its
//! per-dialect lists. Used only for warnings, as upstream does.

use crate::model::Dialect;
use crate::model::FieldType;
use crate::sql::Rules;

pub fn match_type(column_type: &str, field: &FieldType, dialect: Dialect, rules: Rules) -> bool {
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
        (Dialect::Postgres, "string") => &["character varying", "varchar", "text", "uuid"],
        (Dialect::Postgres, "number") => &[
            "int4",
            "integer",
            "bigint",
            "smallint",
            "numeric",
            "real",
            "double precision",
        ],
        (Dialect::Postgres, "boolean") => &["bool", "boolean"],
        (Dialect::Postgres, "date") => &["timestamptz", "timestamp", "date"],
        (Dialect::Postgres, _) => &["json", "jsonb"],
        (Dialect::Mysql, "string") => &["varchar", "text", "uuid"],
        (Dialect::Mysql, "number") => &[
            "integer", "int", "bigint", "smallint", "decimal", "float", "double",
        ],
        (Dialect::Mysql, "boolean") => &["boolean", "tinyint"],
        (Dialect::Mysql, "date") => &["timestamp", "datetime", "date"],
        (Dialect::Mysql, _) => &["json"],
        (Dialect::Sqlite, "string") => &["text"],
        (Dialect::Sqlite, "number") if rules.sqlite_bigint_is_number => {
            &["integer", "real", "bigint"]
        }
        (Dialect::Sqlite, "number") => &["integer", "real"],
        (Dialect::Sqlite, "boolean") => &["integer", "boolean"],
        (Dialect::Sqlite, "date") => &["date", "integer"],
        (Dialect::Sqlite, _) => &["text"],
        (Dialect::Mssql, "string") => &["varchar", "nvarchar", "uniqueidentifier"],
        (Dialect::Mssql, "number") => &["int", "bigint", "smallint", "decimal", "float", "double"],
        (Dialect::Mssql, "boolean") => &["bit", "smallint"],
        (Dialect::Mssql, "date") => &["datetime2", "date", "datetime"],
        (Dialect::Mssql, _) => &["varchar", "nvarchar"],
    };
    list.contains(&normalized.as_str())
}
