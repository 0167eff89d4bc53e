//! Better Auth 1.7's schema check (`auth check schema`, and the runtime's
//! `validateSchema`): what the database lacks for Better Auth to work — missing tables,
//! missing columns — and columns Better Auth never writes that reject every insert.
//! Types, nullability drift and indexes are not part of it, as upstream.

use crate::db::Catalog;
use crate::schema::Schema;

/// A column, by table and column name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TableColumn {
    pub table: String,
    pub column: String,
}

/// What the check found, in schema order (columns in the database's order).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Findings {
    pub missing_tables: Vec<String>,
    pub missing_columns: Vec<TableColumn>,
    /// NOT NULL, no default, not generated, and not a field of the schema.
    pub required_columns: Vec<TableColumn>,
}

impl Findings {
    pub(crate) fn is_empty(&self) -> bool {
        self.missing_tables.is_empty()
            && self.missing_columns.is_empty()
            && self.required_columns.is_empty()
    }

    /// Upstream's mismatch message (`formatSchemaMismatch`), with `rustauth migrate` in
    /// the help line.
    pub(crate) fn message(&self) -> String {
        let mut sections = vec!["Database schema mismatch".to_string()];
        if !self.missing_tables.is_empty() {
            sections.push(format!(
                "  Missing tables\n    {}",
                self.missing_tables.join(", ")
            ));
        }
        let list = |cols: &[TableColumn]| {
            cols.iter()
                .map(|c| format!("    {}.{}", c.table, c.column))
                .collect::<Vec<_>>()
                .join("\n")
        };
        if !self.missing_columns.is_empty() {
            sections.push(format!(
                "  Missing columns\n{}",
                list(&self.missing_columns)
            ));
        }
        if !self.required_columns.is_empty() {
            sections.push(format!(
                "  Required columns Better Auth never writes\n{}",
                list(&self.required_columns)
            ));
            let mut tables: Vec<&str> = Vec::new();
            for c in &self.required_columns {
                if !tables.contains(&c.table.as_str()) {
                    tables.push(&c.table);
                }
            }
            sections.push(format!("  Inserts into {} will fail.", tables.join(", ")));
        }
        let mut help = Vec::new();
        if !self.required_columns.is_empty() {
            help.push("Make the listed columns nullable, give them defaults, or remove them.");
        }
        if !self.missing_tables.is_empty() || !self.missing_columns.is_empty() {
            help.push("Run `rustauth migrate` to add the missing tables and columns.");
        }
        sections.push(format!("  help: {}", help.join("\n        ")));
        if self.required_columns.iter().any(|c| c.column == "issuer") {
            sections.push(
                "  note: If this column came from Better Auth 1.7.0 through 1.7.2,\n        follow the upgrade guide before removing it:\n        https://www.better-auth.com/docs/guides/1-7-upgrade-guide"
                    .to_string(),
            );
        }
        sections.join("\n\n")
    }
}

/// Columns of existing schema tables that Better Auth never writes and that reject every
/// insert: not `id`, not a column of the schema, NOT NULL, no default, not generated.
pub(crate) fn required_columns(schema: &Schema, catalog: &Catalog) -> Vec<TableColumn> {
    let mut out = Vec::new();
    for table in &schema.tables {
        let Some(existing) = catalog.table(&table.name) else {
            continue;
        };
        for col in &existing.columns {
            if !table.has_column(&col.name) && !col.nullable && !col.has_default {
                out.push(TableColumn {
                    table: table.name.clone(),
                    column: col.name.clone(),
                });
            }
        }
    }
    out
}

/// The schema check of `schema` against what the database has.
pub(crate) fn check(schema: &Schema, catalog: &Catalog) -> Findings {
    let mut f = Findings {
        required_columns: required_columns(schema, catalog),
        ..Findings::default()
    };
    for table in &schema.tables {
        let Some(existing) = catalog.table(&table.name) else {
            f.missing_tables.push(table.name.clone());
            continue;
        };
        for name in table.column_names() {
            if existing.column(name).is_none() {
                f.missing_columns.push(TableColumn {
                    table: table.name.clone(),
                    column: name.to_string(),
                });
            }
        }
    }
    f
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tc(t: &str, c: &str) -> TableColumn {
        TableColumn {
            table: t.into(),
            column: c.into(),
        }
    }

    #[test]
    fn the_message_is_upstreams() {
        let f = Findings {
            missing_tables: vec!["twoFactor".into(), "jwks".into()],
            missing_columns: vec![tc("user", "twoFactorEnabled"), tc("user", "role")],
            required_columns: vec![tc("user", "legacyCode"), tc("ssoProvider", "issuer")],
        };
        assert_eq!(
            f.message(),
            "Database schema mismatch\n\n  Missing tables\n    twoFactor, jwks\n\n  Missing columns\n    user.twoFactorEnabled\n    user.role\n\n  Required columns Better Auth never writes\n    user.legacyCode\n    ssoProvider.issuer\n\n  Inserts into user, ssoProvider will fail.\n\n  help: Make the listed columns nullable, give them defaults, or remove them.\n        Run `rustauth migrate` to add the missing tables and columns.\n\n  note: If this column came from Better Auth 1.7.0 through 1.7.2,\n        follow the upgrade guide before removing it:\n        https://www.better-auth.com/docs/guides/1-7-upgrade-guide"
        );
        let only_required = Findings {
            required_columns: vec![tc("user", "legacyCode")],
            ..Findings::default()
        };
        assert_eq!(
            only_required.message(),
            "Database schema mismatch\n\n  Required columns Better Auth never writes\n    user.legacyCode\n\n  Inserts into user will fail.\n\n  help: Make the listed columns nullable, give them defaults, or remove them."
        );
    }
}
