//! DDL text for the four dialects, as Better Auth 1.6.9's Kysely path compiles it: types,
//! quoting, column modifiers in Kysely's order, and statements joined by `;\n\n` and ended
//! by `;`. Knows no connection.

mod types;

use crate::config::{IdStrategy, Provider};
use crate::schema::{Column, Table};

pub use types::column_type;

/// The type of the `id` column.
pub fn types_id(dialect: Dialect, id: IdStrategy) -> &'static str {
    types::id_type(dialect, id, false)
}

/// A SQL dialect (the same four names as the config's providers).
pub type Dialect = Provider;

/// One DDL statement of a plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ddl {
    CreateTable(Table),
    AddColumn {
        table: String,
        column: Column,
        /// Whether a `unique` column keeps its inline `unique` (not on SQLite, which cannot
        /// add a UNIQUE column: the plan adds a unique index instead).
        inline_unique: bool,
    },
    CreateIndex {
        table: String,
        column: String,
        unique: bool,
    },
}

impl Ddl {
    /// Upstream's index name: `<table>_<column>_idx` or `_uidx` when unique.
    pub fn index_name(table: &str, column: &str, unique: bool) -> String {
        format!("{table}_{column}_{}", if unique { "uidx" } else { "idx" })
    }
}

/// Quotes an identifier: backticks on mysql, double quotes elsewhere.
pub fn quote(dialect: Dialect, name: &str) -> String {
    match dialect {
        Provider::Mysql => format!("`{}`", name.replace('`', "``")),
        _ => format!("\"{}\"", name.replace('"', "\"\"")),
    }
}

/// Renders one statement (without the trailing `;`).
pub fn render_one(ddl: &Ddl, dialect: Dialect, id: IdStrategy) -> String {
    let q = |s: &str| quote(dialect, s);
    match ddl {
        Ddl::CreateTable(t) => {
            let mut cols = vec![id_column(dialect, id)];
            cols.extend(t.columns.iter().map(|c| column_def(c, dialect, id, true)));
            format!("create table {} ({})", q(&t.name), cols.join(", "))
        }
        Ddl::AddColumn {
            table,
            column,
            inline_unique,
        } => {
            let add = if dialect == Provider::Mssql {
                "add"
            } else {
                "add column"
            };
            format!(
                "alter table {} {add} {}",
                q(table),
                column_def(column, dialect, id, *inline_unique)
            )
        }
        Ddl::CreateIndex {
            table,
            column,
            unique,
        } => format!(
            "create {}index {} on {} ({})",
            if *unique { "unique " } else { "" },
            q(&Ddl::index_name(table, column, *unique)),
            q(table),
            q(column)
        ),
    }
}

/// Renders statements as upstream's `compileMigrations`: joined by `;\n\n`, ended by `;`.
/// An empty plan renders as the empty string.
pub fn render(stmts: &[Ddl], dialect: Dialect, id: IdStrategy) -> String {
    if stmts.is_empty() {
        return String::new();
    }
    let parts: Vec<String> = stmts.iter().map(|s| render_one(s, dialect, id)).collect();
    format!("{};", parts.join(";\n\n"))
}

fn id_column(dialect: Dialect, id: IdStrategy) -> String {
    let name = quote(dialect, "id");
    let ty = types::id_type(dialect, id, false);
    let modifiers = match (id, dialect) {
        (IdStrategy::Serial, Provider::Mssql) => "identity not null primary key",
        (IdStrategy::Serial, Provider::Mysql) => "not null primary key auto_increment",
        (IdStrategy::Uuid, Provider::Postgres) => {
            "default pg_catalog.gen_random_uuid() not null primary key"
        }
        _ => "not null primary key",
    };
    format!("{name} {ty} {modifiers}")
}

/// The SQL default of a column: only a date field whose default is a function (`now`)
/// gets one, and not on SQLite (upstream's rule).
pub fn column_default(c: &Column, dialect: Dialect) -> Option<&'static str> {
    if !c.default_now || c.ty != crate::schema::field::FieldType::Date {
        return None;
    }
    match dialect {
        Provider::Mysql => Some("CURRENT_TIMESTAMP(3)"),
        Provider::Postgres | Provider::Mssql => Some("CURRENT_TIMESTAMP"),
        Provider::Sqlite => None,
    }
}

/// A column definition in Kysely's modifier order: type, default, not null, unique,
/// references.
fn column_def(c: &Column, dialect: Dialect, id: IdStrategy, inline_unique: bool) -> String {
    let mut s = format!(
        "{} {}",
        quote(dialect, &c.name),
        column_type(c, dialect, id)
    );
    if let Some(d) = column_default(c, dialect) {
        s.push_str(" default ");
        s.push_str(d);
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
            quote(dialect, &r.table),
            quote(dialect, &r.column),
            r.on_delete.as_sql()
        ));
    }
    s
}
