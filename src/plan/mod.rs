//! The plan: what a database lacks of the target schema, as upstream's `getMigrations`
//! computes it for the schema's Better Auth line, in an order that executes (parity rules A
//! to C on the 1.6 line; the 1.7 line's own order needs none), with upstream's warnings,
//! drift that upstream ignores, blockers (statements that would fail or invent data on a
//! database in use), and on the 1.7 line upstream's unsafe changes and schema problems.

pub(crate) mod check;
pub(crate) mod limits;
pub(crate) mod live;
mod types;

use crate::db::Catalog;
use crate::model::{Dialect, FieldType};
use crate::schema::{Column, Schema, Table};
use crate::sql::{self, Ddl, Rules, Style};

pub(crate) use types::match_type;

/// A statement the plan must not run, with why and how to fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Blocker {
    pub table: String,
    pub column: String,
    /// The statement as it would run.
    pub statement: String,
    pub reason: String,
    pub fix: String,
}

/// Why no plan can be made: upstream refuses it before writing or running anything.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum PlanError {
    /// An existing index has the name of one the schema declares, but other columns or
    /// uniqueness; or its name is taken by another table; or it cannot be created on an
    /// existing MySQL/SQL Server column. The text is upstream's.
    #[error("{0}")]
    Index(String),
}

/// A difference between a column in the database and in the schema that no plan fixes
/// (upstream ignores it); its text says what to do by hand.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Drift {
    pub table: String,
    pub column: String,
    pub kind: DriftKind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum DriftKind {
    /// Nullable in the database, required in the schema (the 1.6 line; 1.7 warns itself).
    Nullable,
    /// NOT NULL in the database, optional in the schema.
    NotNull,
    /// Unique in the schema, without a unique constraint or index; `fix` adds one.
    NoUnique { fix: String },
    /// Indexed in the schema, without an index; `fix` adds it.
    NoIndex { fix: String },
}

impl DriftKind {
    /// A missing index, which finishing an interrupted plan may add.
    pub(crate) fn is_index(&self) -> bool {
        matches!(self, DriftKind::NoUnique { .. } | DriftKind::NoIndex { .. })
    }
}

impl std::fmt::Display for Drift {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (table, column) = (&self.table, &self.column);
        match &self.kind {
            DriftKind::Nullable => write!(
                f,
                "Column {table}.{column} is nullable in the database but required in the schema."
            ),
            DriftKind::NotNull => write!(
                f,
                "Column {table}.{column} is NOT NULL in the database but optional in the schema."
            ),
            DriftKind::NoUnique { fix } => write!(
                f,
                "Column {table}.{column} should be unique, but the database has no unique constraint or index on it; to add one: {fix};"
            ),
            DriftKind::NoIndex { fix } => write!(
                f,
                "Column {table}.{column} should be indexed, but the database has no index on it; to add it: {fix};"
            ),
        }
    }
}

/// What `migrate` would do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Plan {
    pub dialect: Dialect,
    /// Statements in executable order.
    pub statements: Vec<Ddl>,
    /// Tables to create, in statement order.
    pub created: Vec<String>,
    /// Columns to add, per existing table, in schema order.
    pub added: Vec<(String, Vec<String>)>,
    /// Table-level indexes to create on existing tables (table, index name).
    pub indexes: Vec<(String, String)>,
    /// Upstream's warnings, worded as upstream words them.
    pub warnings: Vec<String>,
    /// Drift upstream ignores (nullability, missing indexes or unique constraints).
    pub drift: Vec<Drift>,
    pub blockers: Vec<Blocker>,
    /// 1.7: upstream's messages for changes that corrupt a populated database (generate
    /// writes them as a banner; migrate refuses).
    pub unsafe_changes: Vec<String>,
    /// 1.7: columns Better Auth never writes that reject every insert (migrate refuses).
    pub schema_problems: Vec<String>,
    /// Indexes finished for a plan that stopped half-way (names), beyond upstream.
    pub resumed: Vec<String>,
    /// Names of the plan the engine would reject (see [`limits`]): `migrate` refuses the
    /// plan before its first statement.
    pub name_errors: Vec<String>,
    /// The history table holds a plan that stopped half-way (MySQL).
    pub interrupted: bool,
}

impl Plan {
    pub(crate) fn is_empty(&self) -> bool {
        self.statements.is_empty()
    }

    /// Finishes an interrupted plan (MySQL commits each statement, so a failed or killed
    /// migrate can leave new tables without their indexes, which upstream's diff never
    /// plans again): every field index of the schema whose table and column exist, that
    /// the database lacks, and that the unfinished plan's SQL creates, is added after the
    /// others.
    pub(crate) fn resume_indexes(
        &mut self,
        schema: &Schema,
        catalog: &Catalog,
        unfinished_sql: &str,
    ) {
        let rules = Rules::of(schema.line);
        let style = Style::of(schema, self.dialect);
        for table in &schema.tables {
            let Some(existing) = catalog.table(&table.name) else {
                continue;
            };
            for c in table.columns.iter().filter(|c| c.index || c.unique) {
                let stmt = field_index(table, c, c.unique, rules, self.dialect);
                let name = stmt.index().expect("an index").to_string();
                if existing.column(&c.name).is_none()
                    || existing.indexes.iter().any(|i| i.name == name)
                    || self.statements.contains(&stmt)
                    || !unfinished_sql.contains(&sql::render_one(&stmt, &style))
                {
                    continue;
                }
                self.statements.push(stmt);
                self.resumed.push(name);
                self.drift.retain(|d| {
                    !(d.table == table.name && d.column == c.name && d.kind.is_index())
                });
            }
        }
    }

    /// The statements as [`crate::db::Db::apply`] runs them.
    pub(crate) fn steps(&self, schema: &Schema) -> Vec<crate::db::Step> {
        let style = Style::of(schema, self.dialect);
        self.statements
            .iter()
            .map(|s| crate::db::Step {
                sql: sql::render_one(s, &style),
                creates_schema: matches!(s, Ddl::CreateSchema(_)),
                guarded: sql::mysql_guarded_add(s, &style).map(|[add_nullable, tighten, undo]| {
                    let Ddl::AddColumn { table, column, .. } = s else {
                        unreachable!("only an added column is guarded")
                    };
                    crate::db::GuardedAdd {
                        table: table.clone(),
                        column: column.name.clone(),
                        add_nullable,
                        tighten,
                        undo,
                    }
                }),
            })
            .collect()
    }

    /// The plan's SQL as upstream's `compileMigrations` joins it.
    pub(crate) fn sql(&self, schema: &Schema) -> String {
        sql::render(&self.statements, &Style::of(schema, self.dialect))
    }

    /// What generate writes: the plan, after upstream's "DO NOT RUN" banner when it has
    /// unsafe changes (1.7).
    pub(crate) fn script(&self, schema: &Schema) -> String {
        let sql = self.sql(schema);
        if self.unsafe_changes.is_empty() || sql.is_empty() {
            return sql;
        }
        let rule = format!("-- {}", "-".repeat(77));
        let mut lines = vec![
            rule.clone(),
            "-- DO NOT RUN THIS SCRIPT AS IT IS.".to_string(),
            "-- Applying it to a populated database corrupts the rows it touches:".to_string(),
        ];
        for change in &self.unsafe_changes {
            lines.push("--".into());
            lines.push(format!("-- {change}"));
        }
        lines.push(rule);
        lines.push(sql);
        lines.join("\n")
    }
}

/// The plan for an empty database: every table.
pub(crate) fn fresh(schema: &Schema, dialect: Dialect) -> Plan {
    diff(schema, &Catalog::default(), dialect)
        .expect("an empty database has no index to conflict with")
}

/// The index of one field: `_uidx` when `unique`.
fn field_index(table: &Table, c: &Column, unique: bool, rules: Rules, dialect: Dialect) -> Ddl {
    Ddl::CreateIndex {
        name: sql::index_name(
            &table.name,
            std::slice::from_ref(&c.name),
            unique,
            rules.truncate_index_names,
        ),
        table: table.name.clone(),
        columns: vec![c.name.clone()],
        unique,
        where_not_null: unique
            && !c.required
            && rules.mssql_filtered_unique
            && dialect == Dialect::Mssql,
    }
}

/// Diffs the target schema against what the database has.
pub(crate) fn diff(
    schema: &Schema,
    catalog: &Catalog,
    dialect: Dialect,
) -> Result<Plan, PlanError> {
    let rules = Rules::of(schema.line);
    let style = Style::of(schema, dialect);
    let mut alters = Vec::new();
    let mut added_indexes = Vec::new();
    let mut table_level = Vec::new();
    let mut planned_table_level = Vec::new();
    let mut added = Vec::new();
    let mut to_create: Vec<&Table> = Vec::new();
    let mut warnings = Vec::new();
    let mut drift = Vec::new();
    let mut blockers = Vec::new();
    let mut unsafe_changes = Vec::new();
    let mut schema_problems = Vec::new();

    for table in &schema.tables {
        let existing = catalog.table(&table.name);
        // Table-level indexes (1.7): checked before the table's fields, as upstream does.
        for index in &table.indexes {
            let name = sql::index_name(
                &table.name,
                &index.columns,
                index.unique,
                rules.truncate_index_names,
            );
            if let Some(found) = existing.and_then(|e| {
                e.indexes
                    .iter()
                    .find(|i| i.name.eq_ignore_ascii_case(&name))
            }) {
                if found.unique != index.unique || found.columns != index.columns {
                    return Err(PlanError::Index(format!(
                        "Database index \"{name}\" on table \"{}\" does not match the configured fields and uniqueness. Rename or replace the existing index, then run the migration again.",
                        table.name
                    )));
                }
                continue;
            }
            if matches!(dialect, Dialect::Sqlite | Dialect::Postgres)
                && let Some(other) = catalog.index_elsewhere(&name, &table.name)
            {
                return Err(PlanError::Index(format!(
                    "Database index name \"{name}\" is already used by table \"{other}\". Index names must be unique across the schema."
                )));
            }
            if let Some(e) = existing
                && matches!(dialect, Dialect::Mysql | Dialect::Mssql)
            {
                check_index_fits(table, e, &index.columns, &name, dialect)?;
            }
            if existing.is_some() {
                planned_table_level.push((table.name.clone(), name.clone()));
            }
            table_level.push(Ddl::CreateIndex {
                name,
                table: table.name.clone(),
                columns: index.columns.clone(),
                unique: index.unique,
                where_not_null: false,
            });
        }
        let Some(existing) = existing else {
            to_create.push(table);
            continue;
        };
        let mut cols = Vec::new();
        for c in &table.columns {
            match existing.column(&c.name) {
                None => {
                    cols.push(c.name.clone());
                    let inline_unique = rules.alter_inline_unique && dialect != Dialect::Sqlite;
                    let stmt = Ddl::AddColumn {
                        table: table.name.clone(),
                        column: c.clone(),
                        inline_unique,
                        static_default: rules.alter_static_defaults,
                        index_length: sql::index_string_length(table, &c.name, dialect),
                    };
                    let has_default = sql::column_default(c, dialect).is_some()
                        || (rules.alter_static_defaults
                            && sql::static_default(c, dialect).is_some());
                    if c.required && !has_default && rules.diagnostics_1_7 && existing.has_rows {
                        unsafe_changes.push(unsafe_change(table, c));
                    }
                    if let Some(b) = blocker(
                        &stmt,
                        table,
                        c,
                        has_default,
                        existing.has_rows,
                        rules,
                        &style,
                    ) {
                        blockers.push(b);
                    }
                    alters.push(stmt);
                    if c.index || (c.unique && !inline_unique) {
                        // Rule A: indexes after every column and table.
                        added_indexes.push(field_index(table, c, c.unique, rules, dialect));
                    }
                }
                Some(col) => {
                    let drift_of = |kind| Drift {
                        table: table.name.clone(),
                        column: c.name.clone(),
                        kind,
                    };
                    if rules.diagnostics_1_7 && c.required && col.nullable {
                        warnings.push(format!(
                            "Column \"{}\" on table \"{}\" stays nullable while the schema declares the field required, so existing rows can still hold null. Backfill every row for this column and enforce NOT NULL to remove the drift.",
                            c.name, table.name
                        ));
                    }
                    if !match_type(&col.data_type, &c.ty, dialect, rules) {
                        warnings.push(format!(
                            "Field {} in table {} has a different type in the database. Expected {} but got {}.",
                            c.name, table.name, c.ty, col.data_type
                        ));
                    }
                    if c.required && col.nullable {
                        if !rules.diagnostics_1_7 {
                            drift.push(drift_of(DriftKind::Nullable));
                        }
                    } else if !c.required && !col.nullable {
                        drift.push(drift_of(DriftKind::NotNull));
                    }
                    let single = |unique: bool| {
                        existing.indexes.iter().any(|i| {
                            i.columns.len() == 1 && i.columns[0] == c.name && (i.unique || !unique)
                        })
                    };
                    // The fix is named as SQL, but never planned: upstream ignores this drift.
                    let missing_index = |unique: bool| {
                        sql::render_one(&field_index(table, c, unique, rules, dialect), &style)
                    };
                    if c.unique && !single(true) {
                        drift.push(drift_of(DriftKind::NoUnique {
                            fix: missing_index(true),
                        }));
                    } else if c.index && !single(false) {
                        drift.push(drift_of(DriftKind::NoIndex {
                            fix: missing_index(c.unique),
                        }));
                    }
                }
            }
        }
        if !cols.is_empty() {
            added.push((table.name.clone(), cols));
        }
    }

    if rules.diagnostics_1_7 {
        for c in check::required_columns(schema, catalog) {
            let mut text = format!(
                "Column \"{0}\" on table \"{1}\" is required but Better Auth never writes it, so every insert into \"{1}\" fails. Drop the column, make it nullable, or give it a database default.",
                c.column, c.table
            );
            if c.column == "issuer" {
                text.push_str(" If this column came from Better Auth 1.7.0 through 1.7.2, follow the upgrade guide before removing it: https://www.better-auth.com/docs/guides/1-7-upgrade-guide");
            }
            schema_problems.push(text);
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

    let mut statements = Vec::new();
    if let Some(ns) = &schema.namespace
        && !to_create.is_empty()
    {
        statements.push(Ddl::CreateSchema(ns.clone()));
    }
    statements.extend(alters);
    let mut table_indexes = Vec::new();
    // Upstream collects the indexes of new tables in its own (unsorted) table order.
    for t in &to_create {
        for c in &t.columns {
            if c.index && (rules.create_unique_index_for_unique_field || !c.unique) {
                table_indexes.push(field_index(t, c, c.unique, rules, dialect));
            }
        }
    }
    statements.extend(ordered.iter().map(|t| Ddl::CreateTable((*t).clone())));
    statements.extend(added_indexes);
    statements.extend(table_indexes);
    statements.extend(table_level);

    Ok(Plan {
        dialect,
        statements,
        created: ordered.iter().map(|t| t.name.clone()).collect(),
        added,
        indexes: planned_table_level,
        warnings,
        drift,
        blockers,
        unsafe_changes,
        schema_problems,
        resumed: Vec::new(),
        name_errors: Vec::new(),
        interrupted: false,
    })
}

/// Upstream 1.7's message for a required column without a default added to a table that
/// has rows.
fn unsafe_change(table: &Table, c: &Column) -> String {
    let text_detail = if c.ty == FieldType::String {
        " For a text column, every existing row ends up with the same empty string."
    } else {
        ""
    };
    format!(
        "Cannot add required column \"{}\" to populated table \"{}\": the schema declares no default value, so existing rows have no value to backfill. MySQL accepts this statement instead of rejecting it and fills every existing row with an implicit default for the column type, reporting a successful migration over corrupted data.{text_detail} Add the column as nullable, backfill a correct value for every row, then make it NOT NULL.",
        c.name, table.name
    )
}

/// MySQL and SQL Server: an index on an existing table must fit the engine's index-key
/// budget with the columns as they are (upstream's `assertExistingTableIndexFits`).
fn check_index_fits(
    table: &Table,
    existing: &crate::db::catalog::CatalogTable,
    columns: &[String],
    name: &str,
    dialect: Dialect,
) -> Result<(), PlanError> {
    let (budget, per_char, engine) = match dialect {
        Dialect::Mysql => (3072_u64, 4_u64, "MySQL"),
        _ => (1700, 1, "SQL Server"),
    };
    let mut required = 0_u64;
    for column in columns {
        let Some(field) = table.column(column) else {
            continue;
        };
        if !field.ty.is_string_like() {
            required += 16;
            continue;
        }
        let Some(col) = existing.column(column) else {
            let len = sql::index_string_length(table, column, dialect).unwrap_or(0);
            required += u64::from(len) * per_char;
            continue;
        };
        match col.max_bytes.filter(|b| *b > 0) {
            Some(b) => required += b,
            None => {
                return Err(PlanError::Index(format!(
                    "Cannot create database index \"{name}\" on existing table \"{}\" because column \"{column}\" is not bounded for {engine}. Change it to a bounded string column, resolve oversized values, then run the migration again.",
                    table.name
                )));
            }
        }
    }
    if required > budget {
        return Err(PlanError::Index(format!(
            "Cannot create database index \"{name}\" on existing table \"{}\" because its columns can exceed {engine}'s {budget}-byte index-key limit. Bound the indexed string columns to the generated schema lengths, resolve oversized values, then run the migration again.",
            table.name
        )));
    }
    Ok(())
}

/// Whether adding `c` to an existing table cannot succeed or would invent data.
fn blocker(
    stmt: &Ddl,
    table: &Table,
    c: &Column,
    has_default: bool,
    has_rows: bool,
    rules: Rules,
    style: &Style<'_>,
) -> Option<Blocker> {
    if !c.required || has_default {
        return None;
    }
    let statement = sql::render_one(stmt, style);
    let (reason, blocked) = match style.dialect {
        Dialect::Sqlite => (
            "SQLite cannot add a NOT NULL column without a default to an existing table"
                .to_string(),
            true,
        ),
        _ if rules.diagnostics_1_7 => (unsafe_change(table, c), has_rows),
        Dialect::Postgres | Dialect::Mssql => (
            format!(
                "table {} has rows, and a NOT NULL column without a default cannot be added to it",
                table.name
            ),
            has_rows,
        ),
        Dialect::Mysql => (
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
