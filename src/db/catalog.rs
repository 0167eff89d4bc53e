//! What introspection found in a live database: plain data, built by the engine modules
//! and read by the planner (which never knows how it was read).

/// A column as the database reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogColumn {
    pub name: String,
    /// The type name as Better Auth's Kysely introspector reports it (postgres `typname`
    /// such as `int4`, mysql `DATA_TYPE` such as `varchar`, sqlite the declared type).
    pub data_type: String,
    pub nullable: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogIndex {
    pub name: String,
    pub columns: Vec<String>,
    pub unique: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogForeignKey {
    pub column: String,
    pub ref_table: String,
    pub ref_column: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CatalogTable {
    pub name: String,
    pub columns: Vec<CatalogColumn>,
    pub indexes: Vec<CatalogIndex>,
    pub foreign_keys: Vec<CatalogForeignKey>,
    /// Whether the table holds at least one row (only read for tables that a plan alters).
    pub has_rows: bool,
}

impl CatalogTable {
    pub fn column(&self, name: &str) -> Option<&CatalogColumn> {
        self.columns.iter().find(|c| c.name == name)
    }
}

/// The auth tables that exist in the target schema/database.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Catalog {
    pub tables: Vec<CatalogTable>,
}

impl Catalog {
    pub fn table(&self, name: &str) -> Option<&CatalogTable> {
        self.tables.iter().find(|t| t.name == name)
    }
}
