//! What one schema has that another lacks, by resolved table and column name (what
//! `plugins` and `generate` tell the user a change adds).

use super::Schema;

/// What a change of configuration adds to the target schema.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Impact {
    /// New tables, with their columns (`id` first).
    pub tables: Vec<(String, Vec<String>)>,
    /// New columns on tables that already exist, as `(table, column)`.
    pub columns: Vec<(String, String)>,
}

impl Impact {
    /// What `after` has that `before` lacks (tables and columns, by resolved name).
    pub fn between(before: &Schema, after: &Schema) -> Impact {
        let mut impact = Impact::default();
        for t in &after.tables {
            match before.table(&t.name) {
                None => {
                    let cols = t.column_names().map(str::to_string).collect();
                    impact.tables.push((t.name.clone(), cols));
                }
                Some(old) => {
                    for c in &t.columns {
                        if old.column(&c.name).is_none() {
                            impact.columns.push((t.name.clone(), c.name.clone()));
                        }
                    }
                }
            }
        }
        impact
    }

    pub fn is_empty(&self) -> bool {
        self.tables.is_empty() && self.columns.is_empty()
    }

    /// `["adds table twoFactor", "adds column user.twoFactorEnabled"]` for verb `adds`
    /// (`tables a, b` and `columns t.x, t.y` when there are several).
    pub fn parts(&self, verb: &str) -> Vec<String> {
        let verb = if verb.is_empty() {
            String::new()
        } else {
            format!("{verb} ")
        };
        let mut parts = Vec::new();
        if !self.tables.is_empty() {
            let names: Vec<&str> = self.tables.iter().map(|(t, _)| t.as_str()).collect();
            parts.push(format!(
                "{verb}table{} {}",
                if names.len() == 1 { "" } else { "s" },
                names.join(", ")
            ));
        }
        if !self.columns.is_empty() {
            let names: Vec<String> = self
                .columns
                .iter()
                .map(|(t, c)| format!("{t}.{c}"))
                .collect();
            parts.push(format!(
                "{verb}column{} {}",
                if names.len() == 1 { "" } else { "s" },
                names.join(", ")
            ));
        }
        parts
    }

    /// [`Impact::parts`] joined by `; `.
    pub fn describe(&self, verb: &str) -> String {
        self.parts(verb).join("; ")
    }
}
