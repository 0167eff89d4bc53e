//! DDL text for the four dialects, as Better Auth's Kysely path compiles it: types,
//! quoting, column modifiers in Kysely's order, and statements joined by `;\n\n` and ended
//! by `;`. Knows no connection. What differs between the Better Auth lines is data: the
//! statement carries it (names, inline `unique`, a static default, a `where`), decided by
//! the planner from [`Rules`].

mod index;
pub(crate) mod rows;
mod types;

use crate::model::{Dialect, FieldType, IdStrategy, Line, Literal};
use crate::schema::{Column, Schema, Table};

pub(crate) use index::{index_name, index_string_length};
pub(crate) use types::column_type;

/// How one Better Auth line writes its DDL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Rules {
    /// A static default is written on `alter table … add column` (never in `create table`).
    pub alter_static_defaults: bool,
    /// `alter table … add column` keeps an inline `unique` (except on SQLite, which cannot
    /// add a UNIQUE column); otherwise a unique index follows.
    pub alter_inline_unique: bool,
    /// A unique and indexed field of a new table also gets a `_uidx` index.
    pub create_unique_index_for_unique_field: bool,
    /// Index names longer than 63 bytes are cut with a hash.
    pub truncate_index_names: bool,
    /// SQL Server: a unique index on an optional added column skips NULLs.
    pub mssql_filtered_unique: bool,
    /// Upstream warns about a nullable column for a required field, reports schema
    /// problems and unsafe changes, and reads existing indexes.
    pub diagnostics_1_7: bool,
    /// SQLite's `BIGINT` matches a number field.
    pub sqlite_bigint_is_number: bool,
}

impl Rules {
    pub(crate) fn of(line: Line) -> Rules {
        match line {
            Line::V1_6 => Rules {
                alter_static_defaults: false,
                alter_inline_unique: true,
                create_unique_index_for_unique_field: true,
                truncate_index_names: false,
                mssql_filtered_unique: false,
                diagnostics_1_7: false,
                sqlite_bigint_is_number: false,
            },
            Line::V1_7 => Rules {
                alter_static_defaults: true,
                alter_inline_unique: false,
                create_unique_index_for_unique_field: false,
                truncate_index_names: true,
                mssql_filtered_unique: true,
                diagnostics_1_7: true,
                sqlite_bigint_is_number: true,
            },
        }
    }
}

/// What rendering needs besides the statement: the dialect, the id strategy and the
/// PostgreSQL schema that qualifies table names.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Style<'a> {
    pub dialect: Dialect,
    pub id: IdStrategy,
    pub namespace: Option<&'a str>,
}

impl<'a> Style<'a> {
    pub(crate) fn of(schema: &'a Schema, dialect: Dialect) -> Style<'a> {
        Style {
            dialect,
            id: schema.id,
            namespace: schema.namespace.as_deref(),
        }
    }

    /// A quoted identifier.
    pub(crate) fn quote(&self, name: &str) -> String {
        quote(self.dialect, name)
    }

    /// A quoted table name, qualified with the schema when there is one.
    pub(crate) fn table(&self, name: &str) -> String {
        match self.namespace {
            Some(ns) => format!("{}.{}", self.quote(ns), self.quote(name)),
            None => self.quote(name),
        }
    }
}

/// One DDL statement of a plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Ddl {
    /// `create schema if not exists` (1.7, `database.schema` on PostgreSQL).
    CreateSchema(String),
    CreateTable(Table),
    AddColumn {
        table: String,
        column: Column,
        /// Whether a `unique` column keeps its inline `unique`.
        inline_unique: bool,
        /// Whether its static default is written.
        static_default: bool,
        /// The `varchar` length a table-level index gives it (MySQL, SQL Server).
        index_length: Option<u32>,
    },
    CreateIndex {
        name: String,
        table: String,
        columns: Vec<String>,
        unique: bool,
        /// SQL Server: `where "<column>" is not null`.
        where_not_null: bool,
    },
}

impl Ddl {
    /// The index this statement creates, if it creates one.
    pub(crate) fn index(&self) -> Option<&str> {
        match self {
            Ddl::CreateIndex { name, .. } => Some(name),
            _ => None,
        }
    }
}

/// Quotes an identifier: backticks on mysql, double quotes elsewhere.
pub(crate) fn quote(dialect: Dialect, name: &str) -> String {
    match dialect {
        Dialect::Mysql => format!("`{}`", name.replace('`', "``")),
        _ => format!("\"{}\"", name.replace('"', "\"\"")),
    }
}

/// Renders one statement (without the trailing `;`).
pub(crate) fn render_one(ddl: &Ddl, style: &Style<'_>) -> String {
    let dialect = style.dialect;
    match ddl {
        Ddl::CreateSchema(name) => format!("create schema if not exists {}", style.quote(name)),
        Ddl::CreateTable(t) => {
            let mut cols = vec![id_column(dialect, style.id)];
            cols.extend(t.columns.iter().map(|c| {
                let ty = column_type(
                    c,
                    index_string_length(t, &c.name, dialect),
                    dialect,
                    style.id,
                );
                column_def(c, &ty, style, true, false)
            }));
            format!(
                "create table {} ({})",
                style.table(&t.name),
                cols.join(", ")
            )
        }
        Ddl::AddColumn {
            table,
            column,
            inline_unique,
            static_default,
            index_length,
        } => {
            let add = if dialect == Dialect::Mssql {
                "add"
            } else {
                "add column"
            };
            let ty = column_type(column, *index_length, dialect, style.id);
            format!(
                "alter table {} {add} {}",
                style.table(table),
                column_def(column, &ty, style, *inline_unique, *static_default)
            )
        }
        Ddl::CreateIndex {
            name,
            table,
            columns,
            unique,
            where_not_null,
        } => {
            let cols: Vec<String> = columns.iter().map(|c| style.quote(c)).collect();
            let mut s = format!(
                "create {}index {} on {} ({})",
                if *unique { "unique " } else { "" },
                style.quote(name),
                style.table(table),
                cols.join(", ")
            );
            if *where_not_null {
                for c in columns {
                    s.push_str(&format!(" where {} is not null", style.quote(c)));
                }
            }
            s
        }
    }
}

/// MySQL / MariaDB: an added NOT NULL column without a default, as three statements
/// that never invent a value: add it nullable, make it NOT NULL (under strict mode that
/// fails when a row holds NULL), and drop it again (the undo). `None` for any other
/// statement or dialect.
pub(crate) fn mysql_guarded_add(ddl: &Ddl, style: &Style<'_>) -> Option<[String; 3]> {
    let Ddl::AddColumn {
        table,
        column,
        static_default: with_static,
        index_length,
        ..
    } = ddl
    else {
        return None;
    };
    let dialect = style.dialect;
    let has_default = column_default(column, dialect).is_some()
        || (*with_static && static_default(column, dialect).is_some());
    if dialect != Dialect::Mysql || !column.required || has_default {
        return None;
    }
    let mut nullable = ddl.clone();
    if let Ddl::AddColumn { column, .. } = &mut nullable {
        column.required = false;
    }
    let ty = column_type(column, *index_length, dialect, style.id);
    let (t, c) = (style.table(table), style.quote(&column.name));
    Some([
        render_one(&nullable, style),
        format!("alter table {t} modify column {c} {ty} not null"),
        format!("alter table {t} drop column {c}"),
    ])
}

/// Renders statements as upstream's `compileMigrations`: joined by `;\n\n`, ended by `;`.
/// An empty plan renders as the empty string.
pub(crate) fn render(stmts: &[Ddl], style: &Style<'_>) -> String {
    if stmts.is_empty() {
        return String::new();
    }
    let parts: Vec<String> = stmts.iter().map(|s| render_one(s, style)).collect();
    format!("{};", parts.join(";\n\n"))
}

/// The type of the `id` column.
pub(crate) fn id_type(dialect: Dialect, id: IdStrategy) -> &'static str {
    types::id_type(dialect, id, false)
}

fn id_column(dialect: Dialect, id: IdStrategy) -> String {
    let name = quote(dialect, crate::schema::ID);
    let ty = types::id_type(dialect, id, false);
    let modifiers = match (id, dialect) {
        (IdStrategy::Serial, Dialect::Mssql) => "identity not null primary key",
        (IdStrategy::Serial, Dialect::Mysql) => "not null primary key auto_increment",
        (IdStrategy::Uuid, Dialect::Postgres) => {
            "default pg_catalog.gen_random_uuid() not null primary key"
        }
        _ => "not null primary key",
    };
    format!("{name} {ty} {modifiers}")
}

/// The SQL default a column gets in `create table`: only a date field whose default is a
/// function (`now`), and not on SQLite (upstream's rule).
pub(crate) fn column_default(c: &Column, dialect: Dialect) -> Option<&'static str> {
    if !c.default_now || c.ty != FieldType::Date {
        return None;
    }
    match dialect {
        Dialect::Mysql => Some("CURRENT_TIMESTAMP(3)"),
        Dialect::Postgres | Dialect::Mssql => Some("CURRENT_TIMESTAMP"),
        Dialect::Sqlite => None,
    }
}

/// The static default an added column gets on the 1.7 line: a string, number or boolean
/// field's `defaultValue`, except on an optional unique field.
pub(crate) fn static_default(c: &Column, dialect: Dialect) -> Option<String> {
    let value = c.default.as_ref()?;
    let typed = matches!(
        c.ty,
        FieldType::String | FieldType::Number | FieldType::Boolean
    );
    if !typed || (c.unique && !c.required) {
        return None;
    }
    Some(literal(value, dialect))
}

/// A literal as Kysely writes an immediate value.
pub(crate) fn literal(value: &Literal, dialect: Dialect) -> String {
    match value {
        Literal::Bool(b) => match dialect {
            Dialect::Sqlite | Dialect::Mssql => if *b { "1" } else { "0" }.to_string(),
            Dialect::Postgres | Dialect::Mysql => b.to_string(),
        },
        Literal::Int(n) => n.to_string(),
        Literal::Str(s) => {
            let escaped = match dialect {
                Dialect::Mysql => s.replace('\\', "\\\\").replace('\'', "''"),
                _ => s.replace('\'', "''"),
            };
            format!("'{escaped}'")
        }
    }
}

/// A column definition in Kysely's modifier order: type, default, not null, unique,
/// references.
fn column_def(
    c: &Column,
    ty: &str,
    style: &Style<'_>,
    inline_unique: bool,
    with_static_default: bool,
) -> String {
    let dialect = style.dialect;
    let mut s = format!("{} {ty}", style.quote(&c.name));
    if let Some(d) = column_default(c, dialect) {
        s.push_str(" default ");
        s.push_str(d);
    } else if let Some(d) = static_default(c, dialect).filter(|_| with_static_default) {
        s.push_str(" default ");
        s.push_str(&d);
    }
    if c.required {
        s.push_str(" not null");
    }
    if c.unique && inline_unique {
        s.push_str(" unique");
    }
    if let Some(r) = &c.references {
        s.push_str(&format!(
            " references {} ({}) on delete {}",
            style.table(&r.table),
            style.quote(&r.column),
            r.on_delete.name()
        ));
    }
    s
}
