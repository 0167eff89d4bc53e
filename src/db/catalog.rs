//! What introspection found in a live database: plain data, built by the engine modules
//! and read by the planner (which never knows how it was read).

/// A column as the database reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CatalogColumn {
    pub name: String,
    /// The type name as Better Auth's Kysely introspector reports it (postgres `typname`
    /// such as `int4`, mysql `DATA_TYPE` such as `varchar`, sqlite the declared type).
    pub data_type: String,
    pub nullable: bool,
    /// The column has a default or is generated (identity, auto-increment).
    pub has_default: bool,
    /// The most bytes a value can take (MySQL `character_octet_length`), for the index
    /// byte budget; `None` when unbounded or not read.
    pub max_bytes: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CatalogIndex {
    pub name: String,
    pub columns: Vec<String>,
    pub unique: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CatalogForeignKey {
    pub column: String,
    pub ref_table: String,
    pub ref_column: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct CatalogTable {
    pub name: String,
    pub columns: Vec<CatalogColumn>,
    pub indexes: Vec<CatalogIndex>,
    pub foreign_keys: Vec<CatalogForeignKey>,
    /// Whether the table holds at least one row (only read for tables that a plan alters).
    pub has_rows: bool,
}

impl CatalogTable {
    pub(crate) fn column(&self, name: &str) -> Option<&CatalogColumn> {
        self.columns.iter().find(|c| c.name == name)
    }
}

/// The auth tables that exist in the target schema/database.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct Catalog {
    pub tables: Vec<CatalogTable>,
    /// Where the index names the schema declares at table level already exist, in any
    /// table of the schema (index name, table name).
    pub named_indexes: Vec<(String, String)>,
}

impl Catalog {
    /// The table other than `table` that has an index named `name` (case-insensitively).
    pub(crate) fn index_elsewhere(&self, name: &str, table: &str) -> Option<&str> {
        self.named_indexes
            .iter()
            .find(|(i, t)| i.eq_ignore_ascii_case(name) && !t.eq_ignore_ascii_case(table))
            .map(|(_, t)| t.as_str())
    }

    pub(crate) fn table(&self, name: &str) -> Option<&CatalogTable> {
        self.tables.iter().find(|t| t.name == name)
    }

    fn table_mut(&mut self, name: &str) -> Option<&mut CatalogTable> {
        self.tables.iter_mut().find(|t| t.name == name)
    }

    /// Adds a column, creating its table's entry on first sight (introspection reads
    /// columns first, in table order).
    pub(crate) fn add_column(&mut self, table: &str, column: CatalogColumn) {
        if self.table(table).is_none() {
            self.tables.push(CatalogTable {
                name: table.to_string(),
                ..Default::default()
            });
        }
        self.table_mut(table)
            .expect("just ensured")
            .columns
            .push(column);
    }

    /// Adds one column of an index (rows come one per indexed column, in order); indexes
    /// of tables without columns read are ignored.
    pub(crate) fn add_index_column(
        &mut self,
        table: &str,
        index: String,
        unique: bool,
        column: String,
    ) {
        let Some(t) = self.table_mut(table) else {
            return;
        };
        match t.indexes.iter_mut().find(|i| i.name == index) {
            Some(i) => i.columns.push(column),
            None => t.indexes.push(CatalogIndex {
                name: index,
                columns: vec![column],
                unique,
            }),
        }
    }

    pub(crate) fn add_foreign_key(&mut self, table: &str, fk: CatalogForeignKey) {
        if let Some(t) = self.table_mut(table) {
            t.foreign_keys.push(fk);
        }
    }
}

/// One query that returns the position (in `names`) of each given table holding at least
/// one row: `select 0 where exists (select 1 from "a") union all select 1 …`. Only
/// numbers and quoted identifiers: no string literal, so no `sql_mode` (MySQL's
/// `NO_BACKSLASH_ESCAPES`, say) changes what it matches. `table` quotes a name as a table
/// for the engine.
pub(crate) fn rows_query(
    names: &[String],
    table: impl Fn(&str) -> String,
    from_dual: bool,
) -> String {
    let dual = if from_dual { " from dual" } else { "" };
    names
        .iter()
        .enumerate()
        .map(|(i, n)| format!("select {i}{dual} where exists (select 1 from {})", table(n)))
        .collect::<Vec<_>>()
        .join(" union all ")
}

/// The names whose positions [`rows_query`] returned.
pub(crate) fn tables_of<R: sqlx::Row>(
    names: &[String],
    rows: &[R],
) -> std::collections::HashSet<String>
where
    usize: sqlx::ColumnIndex<R>,
    i64: for<'r> sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    i32: for<'r> sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
{
    rows.iter()
        .filter_map(|r| {
            r.try_get::<i64, _>(0)
                .or_else(|_| r.try_get::<i32, _>(0).map(i64::from))
                .ok()
        })
        .filter_map(|i| names.get(usize::try_from(i).ok()?).cloned())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::rows_query;

    #[test]
    fn rows_query_has_no_string_literals() {
        let names = vec!["a\\'b".to_string(), "user".to_string()];
        let q = rows_query(&names, |n| format!("`{}`", n.replace('`', "``")), true);
        assert_eq!(
            q,
            "select 0 from dual where exists (select 1 from `a\\'b`) union all select 1 from dual where exists (select 1 from `user`)"
        );
    }
}
