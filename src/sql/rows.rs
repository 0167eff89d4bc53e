//! Row statements in each dialect's syntax (placeholders, casts, identifier quoting): what
//! `create-admin` inserts, updates and reads. Values are bound, never spliced.

use crate::db::rows::{Param, Stmt};
use crate::model::{Dialect, FieldType};

use super::Style;

/// A value and how the statement must read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Value {
    pub param: Param,
    /// The field's type: PostgreSQL casts dates and JSON from their text.
    pub ty: Option<FieldType>,
    /// A PostgreSQL cast that wins over the type's (`uuid` for uuid ids).
    pub pg_cast: Option<&'static str>,
}

impl Value {
    pub(crate) fn text(s: impl Into<String>) -> Value {
        Value {
            param: Param::Text(s.into()),
            ty: None,
            pg_cast: None,
        }
    }

    pub(crate) fn typed(param: Param, ty: &FieldType) -> Value {
        Value {
            param,
            ty: Some(ty.clone()),
            pg_cast: None,
        }
    }

    /// A value PostgreSQL reads through `::<cast>`.
    pub(crate) fn cast(param: Param, cast: &'static str) -> Value {
        Value {
            param,
            ty: None,
            pg_cast: Some(cast),
        }
    }
}

/// Builds one statement: numbered placeholders on PostgreSQL, `?` elsewhere.
struct Builder<'a> {
    style: &'a Style<'a>,
    params: Vec<Param>,
}

impl Builder<'_> {
    fn placeholder(&mut self, v: Value) -> String {
        self.params.push(v.param);
        if self.style.dialect != Dialect::Postgres {
            return "?".into();
        }
        let n = self.params.len();
        if let Some(cast) = v.pg_cast {
            return format!("${n}::{cast}");
        }
        match v.ty {
            Some(FieldType::Date) => format!("${n}::timestamptz"),
            Some(FieldType::Json | FieldType::StringArray | FieldType::NumberArray) => {
                format!("${n}::jsonb")
            }
            _ => format!("${n}"),
        }
    }

    fn finish(self, sql: String) -> Stmt {
        Stmt {
            sql,
            params: self.params,
        }
    }
}

/// `cast(<expr> as text)`, in the dialect's spelling.
fn as_text(style: &Style<'_>, expr: &str) -> String {
    match style.dialect {
        Dialect::Mysql => format!("cast({expr} as char)"),
        _ => format!("cast({expr} as text)"),
    }
}

/// `insert into <table> (<cols>) values (…)`.
pub(crate) fn insert(style: &Style<'_>, table: &str, cols: Vec<(String, Value)>) -> Stmt {
    let mut b = Builder {
        style,
        params: Vec::new(),
    };
    let names: Vec<String> = cols.iter().map(|(c, _)| style.quote(c)).collect();
    let values: Vec<String> = cols.into_iter().map(|(_, v)| b.placeholder(v)).collect();
    let sql = format!(
        "insert into {} ({}) values ({})",
        style.table(table),
        names.join(", "),
        values.join(", ")
    );
    b.finish(sql)
}

/// `insert into <table> (<cols>, <from_cols>) select <values>, <from exprs> from <from>
/// where <key> = <value>`: a row that takes columns of another row (an account takes its
/// user's id, whatever the id strategy made it). `from_cols`: (column, source column,
/// whether the source is read as text).
pub(crate) fn insert_from(
    style: &Style<'_>,
    table: &str,
    cols: Vec<(String, Value)>,
    from_cols: &[(&str, &str, bool)],
    from: &str,
    key: (&str, Value),
) -> Stmt {
    let mut b = Builder {
        style,
        params: Vec::new(),
    };
    let mut names: Vec<String> = cols.iter().map(|(c, _)| style.quote(c)).collect();
    let mut values: Vec<String> = cols.into_iter().map(|(_, v)| b.placeholder(v)).collect();
    for (col, source, text) in from_cols {
        names.push(style.quote(col));
        let q = style.quote(source);
        values.push(if *text { as_text(style, &q) } else { q });
    }
    let key_col = style.quote(key.0);
    let key_value = b.placeholder(key.1);
    let sql = format!(
        "insert into {} ({}) select {} from {} where {key_col} = {key_value}",
        style.table(table),
        names.join(", "),
        values.join(", "),
        style.table(from)
    );
    b.finish(sql)
}

/// `update <table> set … where <conditions>`.
pub(crate) fn update(
    style: &Style<'_>,
    table: &str,
    set: Vec<(String, Value)>,
    conditions: Vec<(String, Value)>,
) -> Stmt {
    let mut b = Builder {
        style,
        params: Vec::new(),
    };
    let sets: Vec<String> = set
        .into_iter()
        .map(|(c, v)| format!("{} = {}", style.quote(&c), b.placeholder(v)))
        .collect();
    let wheres: Vec<String> = conditions
        .into_iter()
        .map(|(c, v)| format!("{} = {}", style.quote(&c), b.placeholder(v)))
        .collect();
    let sql = format!(
        "update {} set {} where {}",
        style.table(table),
        sets.join(", "),
        wheres.join(" and ")
    );
    b.finish(sql)
}

/// `select cast(<column> as text) from <table> where <conditions>`; without a column,
/// the row count.
pub(crate) fn select_text(
    style: &Style<'_>,
    table: &str,
    column: Option<&str>,
    conditions: Vec<(String, Value)>,
) -> Stmt {
    let mut b = Builder {
        style,
        params: Vec::new(),
    };
    let what = match column {
        Some(c) => as_text(style, &style.quote(c)),
        None => as_text(style, "count(*)"),
    };
    let mut sql = format!("select {what} from {}", style.table(table));
    if !conditions.is_empty() {
        let wheres: Vec<String> = conditions
            .into_iter()
            .map(|(c, v)| format!("{} = {}", style.quote(&c), b.placeholder(v)))
            .collect();
        sql.push_str(&format!(" where {}", wheres.join(" and ")));
    }
    b.finish(sql)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::IdStrategy;

    fn style(dialect: Dialect) -> Style<'static> {
        Style {
            dialect,
            id: IdStrategy::Default,
            namespace: None,
        }
    }

    #[test]
    fn placeholders_and_casts_per_dialect() {
        let cols = || {
            vec![
                ("email".to_string(), Value::text("a@b.c")),
                (
                    "createdAt".to_string(),
                    Value::typed(
                        Param::Text("2026-01-01T00:00:00.000Z".into()),
                        &FieldType::Date,
                    ),
                ),
            ]
        };
        let pg = insert(&style(Dialect::Postgres), "user", cols());
        assert_eq!(
            pg.sql,
            "insert into \"user\" (\"email\", \"createdAt\") values ($1, $2::timestamptz)"
        );
        let my = insert(&style(Dialect::Mysql), "user", cols());
        assert_eq!(
            my.sql,
            "insert into `user` (`email`, `createdAt`) values (?, ?)"
        );
        assert_eq!(my.params.len(), 2);
        let acc = insert_from(
            &style(Dialect::Sqlite),
            "account",
            vec![("providerId".into(), Value::text("credential"))],
            &[("userId", "id", false), ("accountId", "id", true)],
            "user",
            ("email", Value::text("a@b.c")),
        );
        assert_eq!(
            acc.sql,
            "insert into \"account\" (\"providerId\", \"userId\", \"accountId\") select ?, \"id\", cast(\"id\" as text) from \"user\" where \"email\" = ?"
        );
        let count = select_text(&style(Dialect::Mysql), "user", None, vec![]);
        assert_eq!(count.sql, "select cast(count(*) as char) from `user`");
    }
}
