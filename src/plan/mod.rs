//! The plan: what a database lacks of the target schema, as upstream's `getMigrations`
//! computes it, put in an order that executes (parity rules A to C), with upstream's type
//! warnings, drift that upstream ignores, and blockers (statements that would fail or
//! invent data on a database in use).

pub mod live;
mod types;

use crate::config::Provider;
use crate::db::Catalog;
use crate::schema::{Column, Schema, Table};
use crate::sql::{self, Ddl, Dialect};

pub use types::match_type;

/// A statement the plan must not run, with why and how to fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Blocker {
    pub table: String,
    pub column: String,
    /// The statement as it would run.
    pub statement: String,
    pub reason: String,
    pub fix: String,
}

/// What `migrate` would do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    pub dialect: Dialect,
    /// Statements in executable order.
    pub statements: Vec<Ddl>,
    /// Tables to create, in statement order.
    pub created: Vec<String>,
    /// Columns to add, per existing table, in schema order.
    pub added: Vec<(String, Vec<String>)>,
    /// Upstream's warnings (type mismatches), worded as upstream words them.
    pub warnings: Vec<String>,
    /// Drift upstream ignores (nullability, missing indexes or unique constraints).
    pub drift: Vec<String>,
    pub blockers: Vec<Blocker>,
    /// Indexes finished for a plan that stopped half-way (names), beyond upstream.
    pub resumed: Vec<String>,
}

impl Plan {
    pub fn is_empty(&self) -> bool {
        self.statements.is_empty()
    }

    /// Finishes an interrupted plan (MySQL commits each statement, so a failed or killed
    /// migrate can leave new tables without their indexes, which upstream's diff never
    /// plans again): every declared index whose table and column exist, that the database
    /// lacks, and that the unfinished plan's SQL creates, is added after the others.
    pub fn resume_indexes(&mut self, schema: &Schema, catalog: &Catalog, unfinished_sql: &str) {
        for table in &schema.tables {
            let Some(existing) = catalog.table(&table.name) else {
                continue;
            };
            for c in table.columns.iter().filter(|c| c.index) {
                let name = Ddl::index_name(&table.name, &c.name, c.unique);
                if existing.column(&c.name).is_none()
                    || existing.indexes.iter().any(|i| i.name == name)
                {
                    continue;
                }
                let stmt = Ddl::CreateIndex {
                    table: table.name.clone(),
                    column: c.name.clone(),
                    unique: c.unique,
                };
                if self.statements.contains(&stmt)
                    || !unfinished_sql.contains(&sql::render_one(&stmt, self.dialect, schema.id))
                {
                    continue;
                }
                self.statements.push(stmt);
                self.resumed.push(name);
                let prefix = format!("Column {}.{} should be", table.name, c.name);
                self.drift.retain(|d| !d.starts_with(&prefix));
            }
        }
    }

    /// The plan's SQL as upstream's `compileMigrations` joins it.
    pub fn sql(&self, schema: &Schema) -> String {
        sql::render(&self.statements, self.dialect, schema.id)
    }
}

/// The plan for an empty database: every table.
pub fn fresh(schema: &Schema, dialect: Dialect) -> Plan {
    diff(schema, &Catalog::default(), dialect)
}

/// Diffs the target schema against what the database has.
pub fn diff(schema: &Schema, catalog: &Catalog, dialect: Dialect) -> Plan {
    let mut alters = Vec::new();
    let mut added_indexes = Vec::new();
    let mut added = Vec::new();
    let mut to_create: Vec<&Table> = Vec::new();
    let mut warnings = Vec::new();
    let mut drift = Vec::new();
    let mut blockers = Vec::new();

    for table in &schema.tables {
        let Some(existing) = catalog.table(&table.name) else {
            to_create.push(table);
            continue;
        };
        let mut cols = Vec::new();
        for c in &table.columns {
            match existing.column(&c.name) {
                None => {
                    cols.push(c.name.clone());
                    // Rule C: SQLite cannot add a UNIQUE column; a unique index does it.
                    let inline_unique = dialect != Provider::Sqlite;
                    let stmt = Ddl::AddColumn {
                        table: table.name.clone(),
                        column: c.clone(),
                        inline_unique,
                    };
                    if let Some(b) = blocker(&stmt, table, c, existing.has_rows, dialect, schema) {
                        blockers.push(b);
                    }
                    alters.push(stmt);
                    if c.index || (c.unique && !inline_unique) {
                        // Rule A: indexes after every column and table.
                        added_indexes.push(Ddl::CreateIndex {
                            table: table.name.clone(),
                            column: c.name.clone(),
                            unique: c.unique,
                        });
                    }
                }
                Some(col) => {
                    if !match_type(&col.data_type, &c.ty, dialect) {
                        warnings.push(format!(
                            "Field {} in table {} has a different type in the database. Expected {} but got {}.",
                            c.name, table.name, c.ty, col.data_type
                        ));
                    }
                    if c.required && col.nullable {
                        drift.push(format!(
                            "Column {}.{} is nullable in the database but required in the schema.",
                            table.name, c.name
                        ));
                    } else if !c.required && !col.nullable {
                        drift.push(format!(
                            "Column {}.{} is NOT NULL in the database but optional in the schema.",
                            table.name, c.name
                        ));
                    }
                    let single = |unique: bool| {
                        existing.indexes.iter().any(|i| {
                            i.columns.len() == 1 && i.columns[0] == c.name && (i.unique || !unique)
                        })
                    };
                    // The fix is named as SQL, but never planned: upstream ignores this drift.
                    let missing_index = |unique: bool| {
                        sql::render_one(
                            &Ddl::CreateIndex {
                                table: table.name.clone(),
                                column: c.name.clone(),
                                unique,
                            },
                            dialect,
                            schema.id,
                        )
                    };
                    if c.unique && !single(true) {
                        drift.push(format!(
                            "Column {}.{} should be unique, but the database has no unique constraint or index on it; to add one: {};",
                            table.name,
                            c.name,
                            missing_index(true)
                        ));
                    } else if c.index && !single(false) {
                        drift.push(format!(
                            "Column {}.{} should be indexed, but the database has no index on it; to add it: {};",
                            table.name,
                            c.name,
                            missing_index(c.unique)
                        ));
                    }
                }
            }
        }
        if !cols.is_empty() {
            added.push((table.name.clone(), cols));
        }
    }

    // Rule B: tables after the tables they reference (stable topological order).
    let created_names: Vec<&str> = to_create.iter().map(|t| t.name.as_str()).collect();
    let mut ordered: Vec<&Table> = Vec::new();
    let mut left: Vec<&Table> = to_create.clone();
    while !left.is_empty() {
        let ready = left.iter().position(|t| {
            t.columns.iter().all(|c| match &c.references {
                Some(r) if r.table != t.name && created_names.contains(&r.table.as_str()) => {
                    ordered.iter().any(|o| o.name == r.table)
                }
                _ => true,
            })
        });
        ordered.push(left.remove(ready.unwrap_or(0)));
    }

    let mut statements = alters;
    let mut table_indexes = Vec::new();
    // Upstream collects the indexes of new tables in its own (unsorted) table order.
    for t in &to_create {
        for c in &t.columns {
            if c.index {
                table_indexes.push(Ddl::CreateIndex {
                    table: t.name.clone(),
                    column: c.name.clone(),
                    unique: c.unique,
                });
            }
        }
    }
    statements.extend(ordered.iter().map(|t| Ddl::CreateTable((*t).clone())));
    statements.extend(added_indexes);
    statements.extend(table_indexes);

    Plan {
        dialect,
        statements,
        created: ordered.iter().map(|t| t.name.clone()).collect(),
        added,
        warnings,
        drift,
        blockers,
        resumed: Vec::new(),
    }
}

/// Whether adding `c` to an existing table cannot succeed or would invent data.
fn blocker(
    stmt: &Ddl,
    table: &Table,
    c: &Column,
    has_rows: bool,
    dialect: Dialect,
    schema: &Schema,
) -> Option<Blocker> {
    if !c.required {
        return None;
    }
    let has_default = c.default_now
        && c.ty == crate::schema::field::FieldType::Date
        && dialect != Provider::Sqlite;
    if has_default {
        return None;
    }
    let statement = sql::render_one(stmt, dialect, schema.id);
    let (reason, blocked) = match dialect {
        Provider::Sqlite => (
            "SQLite cannot add a NOT NULL column without a default to an existing table"
                .to_string(),
            true,
        ),
        Provider::Postgres | Provider::Mssql => (
            format!(
                "table {} has rows, and a NOT NULL column without a default cannot be added to it",
                table.name
            ),
            has_rows,
        ),
        Provider::Mysql => (
            format!(
                "table {} has rows, and MySQL/MariaDB would fill the new NOT NULL column with invented values",
                table.name
            ),
            has_rows,
        ),
    };
    blocked.then(|| Blocker {
        table: table.name.clone(),
        column: c.name.clone(),
        statement,
        reason,
        fix: format!(
            "add {}.{} yourself (nullable, or with a default and a backfill), then run migrate again",
            table.name, c.name
        ),
    })
}

#[cfg(test)]
mod tests;
