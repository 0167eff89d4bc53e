//! Upstream's `matchType`: whether an existing column's type fits a field type, by its
//! per-dialect lists. Used only for warnings, as upstream does.

use crate::model::Dialect;
use crate::model::FieldType;
use crate::sql::Rules;

/// The type families upstream's lists are written for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Family {
    String,
    Number,
    Boolean,
    Date,
    Json,
}

impl Family {
    /// The family of a scalar field type; arrays are matched on their own (`json`).
    fn of(field: &FieldType) -> Option<Family> {
        match field {
            FieldType::Enum(_) | FieldType::String => Some(Family::String),
            FieldType::Number => Some(Family::Number),
            FieldType::Boolean => Some(Family::Boolean),
            FieldType::Date => Some(Family::Date),
            FieldType::Json => Some(Family::Json),
            FieldType::StringArray | FieldType::NumberArray => None,
        }
    }
}

pub(crate) fn match_type(
    column_type: &str,
    field: &FieldType,
    dialect: Dialect,
    rules: Rules,
) -> bool {
    let Some(family) = Family::of(field) else {
        return column_type.to_lowercase().contains("json");
    };
    let normalized = column_type
        .to_lowercase()
        .split('(')
        .next()
        .unwrap_or("")
        .trim()
        .to_string();
    use Family as F;
    let list: &[&str] = match (dialect, family) {
        (Dialect::Postgres, F::String) => &["character varying", "varchar", "text", "uuid"],
        (Dialect::Postgres, F::Number) => &[
            "int4",
            "integer",
            "bigint",
            "smallint",
            "numeric",
            "real",
            "double precision",
        ],
        (Dialect::Postgres, F::Boolean) => &["bool", "boolean"],
        (Dialect::Postgres, F::Date) => &["timestamptz", "timestamp", "date"],
        (Dialect::Postgres, F::Json) => &["json", "jsonb"],
        (Dialect::Mysql, F::String) => &["varchar", "text", "uuid"],
        (Dialect::Mysql, F::Number) => &[
            "integer", "int", "bigint", "smallint", "decimal", "float", "double",
        ],
        (Dialect::Mysql, F::Boolean) => &["boolean", "tinyint"],
        (Dialect::Mysql, F::Date) => &["timestamp", "datetime", "date"],
        (Dialect::Mysql, F::Json) => &["json"],
        (Dialect::Sqlite, F::String | F::Json) => &["text"],
        (Dialect::Sqlite, F::Number) if rules.sqlite_bigint_is_number => {
            &["integer", "real", "bigint"]
        }
        (Dialect::Sqlite, F::Number) => &["integer", "real"],
        (Dialect::Sqlite, F::Boolean) => &["integer", "boolean"],
        (Dialect::Sqlite, F::Date) => &["date", "integer"],
        (Dialect::Mssql, F::String) => &["varchar", "nvarchar", "uniqueidentifier"],
        (Dialect::Mssql, F::Json) => &["varchar", "nvarchar"],
        (Dialect::Mssql, F::Number) => &["int", "bigint", "smallint", "decimal", "float", "double"],
        (Dialect::Mssql, F::Boolean) => &["bit", "smallint"],
        (Dialect::Mssql, F::Date) => &["datetime2", "date", "datetime"],
    };
    list.contains(&normalized.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn upstream_lists_per_family() {
        let r16 = Rules::of(crate::model::Line::V1_6);
        let r17 = Rules::of(crate::model::Line::V1_7);
        assert!(match_type(
            "character varying(255)",
            &FieldType::String,
            Dialect::Postgres,
            r17
        ));
        assert!(!match_type(
            "integer",
            &FieldType::String,
            Dialect::Postgres,
            r17
        ));
        assert!(match_type(
            "jsonb",
            &FieldType::Json,
            Dialect::Postgres,
            r17
        ));
        assert!(!match_type(
            "text",
            &FieldType::StringArray,
            Dialect::Sqlite,
            r17
        ));
        assert!(match_type(
            "json",
            &FieldType::NumberArray,
            Dialect::Mysql,
            r17
        ));
        assert!(match_type(
            "tinyint(1)",
            &FieldType::Boolean,
            Dialect::Mysql,
            r17
        ));
        assert!(match_type(
            "nvarchar",
            &FieldType::Json,
            Dialect::Mssql,
            r17
        ));
        assert!(!match_type(
            "uniqueidentifier",
            &FieldType::Json,
            Dialect::Mssql,
            r17
        ));
        assert!(match_type(
            "uniqueidentifier",
            &FieldType::String,
            Dialect::Mssql,
            r17
        ));
        assert_eq!(
            match_type("bigint", &FieldType::Number, Dialect::Sqlite, r17),
            r17.sqlite_bigint_is_number
        );
        assert_eq!(
            match_type("bigint", &FieldType::Number, Dialect::Sqlite, r16),
            r16.sqlite_bigint_is_number
        );
    }
}
