//! What each engine accepts as a name, checked on a plan before its first statement runs,
//! so that a name the server would reject (or, PostgreSQL, cut silently) is a config
//! error instead of a half-applied migration:
//!
//! * every engine: no blank name, no control character (NUL included);
//! * PostgreSQL: at most 63 bytes (longer names are cut silently, so the next run never
//!   finds what the first one created);
//! * MySQL / MariaDB: at most 64 characters, no trailing space, only characters of the
//!   Basic Multilingual Plane; the name InnoDB gives a foreign key (`<table>_ibfk_<n>`)
//!   within 64 characters;
//! * SQLite: no table or index name starting with `sqlite_`;
//! * column names unique in a table, case-insensitively on MySQL and SQLite (PostgreSQL
//!   compares quoted names exactly), new columns against the existing ones too;
//! * index names unique where the engine needs it (the schema on PostgreSQL and SQLite,
//!   the table on MySQL), among the indexes the plan creates;
//! * at most 1600 columns a table on PostgreSQL, 1017 on MySQL / MariaDB (InnoDB), 2000
//!   on SQLite.
//!
//! Index names come from the plan, so the line's rule applies: the 1.7 line cuts names
//! over 63 bytes with a hash, the 1.6 line does not.

use std::collections::HashMap;

use crate::db::Catalog;
use crate::model::Dialect;
use crate::schema::Schema;
use crate::sql::Ddl;

/// The most columns a table may have.
pub(crate) fn max_columns(dialect: Dialect) -> Option<usize> {
    match dialect {
        Dialect::Postgres => Some(1600),
        Dialect::Mysql => Some(1017),
        Dialect::Sqlite => Some(2000),
        Dialect::Mssql => None,
    }
}

/// What a name is, for the message: where in rustauth.toml it comes from.
enum Origin<'a> {
    Table { model: &'a str },
    Column { model: &'a str, field: &'a str },
    Index { table: &'a str },
    Schema,
    History,
}

/// A name as messages show it: control characters escaped (a NUL is shown as `\0`).
fn shown(name: &str) -> String {
    name.escape_debug().to_string()
}

impl Origin<'_> {
    fn what(&self, name: &str) -> String {
        let name = shown(name);
        match self {
            Origin::Table { model } => format!("table \"{name}\" (model {model})"),
            Origin::Column { model, field } => {
                format!("column \"{name}\" (field {model}.{field})")
            }
            Origin::Index { table } => format!("index \"{name}\" on table \"{}\"", shown(table)),
            Origin::Schema => format!("schema \"{name}\" (database.schema)"),
            Origin::History => format!("history table \"{name}\" (database.history_table)"),
        }
    }

    fn fix(&self) -> String {
        match self {
            Origin::Table { model } => format!("set another [models.{model}] model_name"),
            Origin::Column { model, field } => {
                format!("set another column name for {field} in [models.{model}.fields]")
            }
            Origin::Index { .. } => "shorten the table or column names it is made of (the 1.7 line, `[project] better_auth = \"1.7\"`, cuts long index names with a hash)".into(),
            Origin::Schema => "set another database.schema".into(),
            Origin::History => "set another database.history_table".into(),
        }
    }
}

/// Why the engine rejects `name`, if it does.
fn name_rule(name: &str, dialect: Dialect, origin: &Origin<'_>) -> Option<String> {
    if name.trim().is_empty() {
        return Some("is blank, and no engine accepts a blank name".into());
    }
    if let Some(c) = name.chars().find(|c| c.is_control()) {
        return Some(format!(
            "contains the control character U+{:04X}, which names must not hold",
            c as u32
        ));
    }
    match dialect {
        Dialect::Postgres if name.len() > 63 => Some(format!(
            "is {} bytes long, and PostgreSQL keeps at most 63 bytes of a name (it would cut it silently)",
            name.len()
        )),
        Dialect::Mysql if name.chars().count() > 64 => Some(format!(
            "is {} characters long, and MySQL/MariaDB names are at most 64",
            name.chars().count()
        )),
        Dialect::Mysql if name.ends_with(' ') => {
            Some("ends with a space, which MySQL/MariaDB names must not".into())
        }
        Dialect::Mysql if name.chars().any(|c| c as u32 > 0xFFFF) => Some(
            "has a character outside the Basic Multilingual Plane, which MySQL/MariaDB names must not".into(),
        ),
        Dialect::Sqlite
            if matches!(origin, Origin::Table { .. } | Origin::Index { .. } | Origin::History)
                && name.to_ascii_lowercase().starts_with("sqlite_") =>
        {
            Some("starts with sqlite_, which SQLite reserves for itself".into())
        }
        _ => None,
    }
}

/// How the engine compares column (and MySQL index) names.
fn fold(name: &str, dialect: Dialect) -> String {
    match dialect {
        Dialect::Mysql => name.to_lowercase(),
        Dialect::Sqlite => name.to_ascii_lowercase(),
        _ => name.to_string(),
    }
}

fn message(origin: &Origin<'_>, name: &str, rule: &str, dialect: Dialect) -> String {
    let engine = engine(dialect);
    let on = if rule.contains(engine) {
        String::new()
    } else {
        format!(" ({engine})")
    };
    format!("{} {rule}{on}; {}", origin.what(name), origin.fix())
}

fn engine(dialect: Dialect) -> &'static str {
    match dialect {
        Dialect::Postgres => "PostgreSQL",
        Dialect::Mysql => "MySQL/MariaDB",
        Dialect::Sqlite => "SQLite",
        Dialect::Mssql => "SQL Server",
    }
}

/// Every name problem of `statements` (the plan, in order) on `dialect`, worded for the
/// user: what, which rule, the fix. `history`: the history table the run creates, if any.
pub(crate) fn check(
    statements: &[Ddl],
    schema: &Schema,
    catalog: &Catalog,
    dialect: Dialect,
    history: Option<&str>,
) -> Vec<String> {
    let mut problems = Vec::new();
    if dialect == Dialect::Mssql {
        return problems;
    }
    let model_of = |table: &str| {
        schema
            .table(table)
            .map(|t| t.key.clone())
            .unwrap_or_else(|| table.to_string())
    };
    let name = |origin: Origin<'_>, n: &str, problems: &mut Vec<String>| {
        if let Some(rule) = name_rule(n, dialect, &origin) {
            problems.push(message(&origin, n, &rule, dialect));
        }
    };
    if let Some(h) = history {
        name(Origin::History, h, &mut problems);
    }
    // Columns each table will have (folded), for duplicates and counts.
    let mut columns: HashMap<String, Vec<String>> = HashMap::new();
    let mut index_names: HashMap<String, String> = HashMap::new();
    for s in statements {
        match s {
            Ddl::CreateSchema(ns) => name(Origin::Schema, ns, &mut problems),
            Ddl::CreateTable(t) => {
                name(Origin::Table { model: &t.key }, &t.name, &mut problems);
                let mut seen = vec![fold(crate::schema::ID, dialect)];
                let mut foreign_keys = 0;
                for c in &t.columns {
                    let origin = Origin::Column {
                        model: &t.key,
                        field: &c.key,
                    };
                    name(origin, &c.name, &mut problems);
                    let folded = fold(&c.name, dialect);
                    if seen.contains(&folded) {
                        problems.push(duplicate(&t.key, &c.key, &c.name, &t.name, dialect));
                    }
                    seen.push(folded);
                    foreign_keys += usize::from(c.references.is_some());
                }
                if let Some(p) = foreign_key_name(&t.name, &t.key, foreign_keys, dialect) {
                    problems.push(p);
                }
                columns.insert(t.name.clone(), seen);
            }
            Ddl::AddColumn { table, column, .. } => {
                let model = model_of(table);
                let origin = Origin::Column {
                    model: &model,
                    field: &column.key,
                };
                name(origin, &column.name, &mut problems);
                let seen = columns.entry(table.clone()).or_insert_with(|| {
                    catalog
                        .table(table)
                        .map(|t| t.columns.iter().map(|c| fold(&c.name, dialect)).collect())
                        .unwrap_or_default()
                });
                let folded = fold(&column.name, dialect);
                if seen.contains(&folded) {
                    problems.push(duplicate(&model, &column.key, &column.name, table, dialect));
                }
                seen.push(folded);
                if column.references.is_some() {
                    let existing = catalog.table(table).map_or(0, |t| t.foreign_keys.len());
                    if let Some(p) = foreign_key_name(table, &model, existing + 1, dialect) {
                        problems.push(p);
                    }
                }
            }
            Ddl::CreateIndex {
                name: index, table, ..
            } => {
                name(Origin::Index { table }, index, &mut problems);
                let (index, table) = (&shown(index), &shown(table));
                // PostgreSQL and SQLite: one namespace for the schema; MySQL: per table.
                let key = match dialect {
                    Dialect::Mysql => format!("{table}\0{}", fold(index, dialect)),
                    _ => fold(index, dialect),
                };
                if let Some(other) = index_names.insert(key, table.clone()) {
                    problems.push(format!(
                        "index \"{index}\" on table \"{table}\" has the name of another index the plan creates on table \"{other}\" ({}: index names must be unique{}); rename one of the tables or columns it is made of",
                        engine(dialect),
                        if dialect == Dialect::Mysql { " in a table" } else { " in the schema" }
                    ));
                }
            }
        }
    }
    if let Some(max) = max_columns(dialect) {
        let mut tables: Vec<(&String, &Vec<String>)> = columns.iter().collect();
        tables.sort();
        for (table, cols) in tables {
            if cols.len() > max {
                let table = shown(table);
                problems.push(format!(
                    "table \"{table}\" (model {}) would have {} columns, and {} allows at most {max} a table; remove additional fields from [models.{}.additional_fields]",
                    model_of(&table),
                    cols.len(),
                    engine(dialect),
                    model_of(&table)
                ));
            }
        }
    }
    problems
}

fn duplicate(model: &str, field: &str, column: &str, table: &str, dialect: Dialect) -> String {
    let how = match dialect {
        Dialect::Mysql | Dialect::Sqlite => {
            format!(
                "{} compares column names case-insensitively",
                engine(dialect)
            )
        }
        _ => engine(dialect).to_string(),
    };
    format!(
        "column \"{}\" (field {model}.{field}) duplicates a column table \"{}\" already has ({how}); set another column name for {field} in [models.{model}.fields]",
        shown(column),
        shown(table)
    )
}

/// MySQL / InnoDB names the n-th foreign key of a table `<table>_ibfk_<n>`, which must fit
/// in 64 characters too.
fn foreign_key_name(table: &str, model: &str, count: usize, dialect: Dialect) -> Option<String> {
    if dialect != Dialect::Mysql || count == 0 {
        return None;
    }
    let longest = shown(&format!("{table}_ibfk_{count}"));
    let len = longest.chars().count();
    (len > 64 && table.chars().count() <= 64).then(|| {
        format!(
            "table \"{}\" (model {model}) is too long for the name MySQL/MariaDB give its foreign key (\"{longest}\", {len} characters; at most 64); set a [models.{model}] model_name of at most {} characters",
            shown(table),
            64 - (len - table.chars().count())
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::catalog::{CatalogColumn, CatalogTable};

    fn schema() -> Schema {
        crate::config::Config::default().schema()
    }

    fn fresh(schema: &Schema, dialect: Dialect) -> Vec<Ddl> {
        crate::plan::fresh(schema, dialect).statements
    }

    #[test]
    fn the_default_schema_passes_everywhere() {
        let s = schema();
        for d in [Dialect::Postgres, Dialect::Mysql, Dialect::Sqlite] {
            let p = check(
                &fresh(&s, d),
                &s,
                &Catalog::default(),
                d,
                Some("_rustauth_migrations"),
            );
            assert!(p.is_empty(), "{d:?}: {p:?}");
        }
    }

    #[test]
    fn lengths_per_engine() {
        let mut s = schema();
        s.tables[0].name = "u".repeat(64);
        let pg = check(
            &fresh(&s, Dialect::Postgres),
            &s,
            &Catalog::default(),
            Dialect::Postgres,
            None,
        );
        assert!(
            pg[0].contains("is 64 bytes long") && pg[0].contains("[models.user] model_name"),
            "{pg:?}"
        );
        let my = check(
            &fresh(&s, Dialect::Mysql),
            &s,
            &Catalog::default(),
            Dialect::Mysql,
            None,
        );
        // 64 characters fit MySQL, but its indexes' names (1.7: cut to 63) are fine too.
        assert!(my.iter().all(|p| !p.contains("table \"uuu")), "{my:?}");
        // A multi-byte name: 40 characters, 80 bytes.
        s.tables[0].name = "é".repeat(40);
        let pg = check(
            &fresh(&s, Dialect::Postgres),
            &s,
            &Catalog::default(),
            Dialect::Postgres,
            None,
        );
        assert!(pg[0].contains("80 bytes"), "{pg:?}");
        let my = check(
            &fresh(&s, Dialect::Mysql),
            &s,
            &Catalog::default(),
            Dialect::Mysql,
            None,
        );
        assert!(my.is_empty(), "{my:?}");
    }

    #[test]
    fn control_characters_and_blanks() {
        let mut s = schema();
        s.tables[1].columns[0].name = "to\0ken".into();
        s.tables[2].columns[0].name = "  ".into();
        let p = check(
            &fresh(&s, Dialect::Sqlite),
            &s,
            &Catalog::default(),
            Dialect::Sqlite,
            None,
        );
        assert!(
            p.iter()
                .any(|m| m.contains("U+0000") && m.contains("[models.session.fields]")),
            "{p:?}"
        );
        assert!(p.iter().any(|m| m.contains("is blank")), "{p:?}");
    }

    #[test]
    fn case_insensitive_duplicates_on_mysql_and_sqlite() {
        let mut s = schema();
        s.tables[0].columns[0].name = "ID".into();
        for d in [Dialect::Mysql, Dialect::Sqlite] {
            let p = check(&fresh(&s, d), &s, &Catalog::default(), d, None);
            assert!(
                p.iter().any(|m| m.contains("case-insensitively")),
                "{d:?}: {p:?}"
            );
        }
        let p = check(
            &fresh(&s, Dialect::Postgres),
            &s,
            &Catalog::default(),
            Dialect::Postgres,
            None,
        );
        assert!(p.is_empty(), "{p:?}");
    }

    #[test]
    fn added_columns_meet_existing_ones() {
        let s = schema();
        let user = s.table("user").unwrap();
        let mut catalog = Catalog::default();
        catalog.tables.push(CatalogTable {
            name: "user".into(),
            columns: vec![CatalogColumn {
                name: "EMAIL".into(),
                data_type: "text".into(),
                nullable: true,
                has_default: false,
                max_bytes: None,
            }],
            ..Default::default()
        });
        let add = Ddl::AddColumn {
            table: "user".into(),
            column: user.column("email").unwrap().clone(),
            inline_unique: false,
            static_default: false,
            index_length: None,
        };
        let p = check(
            std::slice::from_ref(&add),
            &s,
            &catalog,
            Dialect::Mysql,
            None,
        );
        assert_eq!(p.len(), 1, "{p:?}");
        assert!(check(&[add], &s, &catalog, Dialect::Postgres, None).is_empty());
    }

    #[test]
    fn foreign_key_names_on_mysql() {
        let mut s = schema();
        let session = s.tables.iter_mut().find(|t| t.key == "session").unwrap();
        session.name = "s".repeat(58);
        let p = check(
            &fresh(&s, Dialect::Mysql),
            &s,
            &Catalog::default(),
            Dialect::Mysql,
            None,
        );
        assert!(
            p.iter()
                .any(|m| m.contains("_ibfk_1") && m.contains("at most 57")),
            "{p:?}"
        );
    }

    #[test]
    fn column_counts() {
        let mut s = schema();
        let extra = s.tables[3].columns[0].clone();
        for i in 0..1017 {
            let mut c = extra.clone();
            c.name = format!("c{i}");
            c.index = false;
            c.unique = false;
            s.tables[3].columns.push(c);
        }
        let p = check(
            &fresh(&s, Dialect::Mysql),
            &s,
            &Catalog::default(),
            Dialect::Mysql,
            None,
        );
        assert!(p.iter().any(|m| m.contains("at most 1017")), "{p:?}");
        let p = check(
            &fresh(&s, Dialect::Postgres),
            &s,
            &Catalog::default(),
            Dialect::Postgres,
            None,
        );
        assert!(p.is_empty(), "{p:?}");
    }

    #[test]
    fn index_names_on_the_1_6_line() {
        let mut config = crate::config::Config::default();
        config.project.better_auth = crate::model::Line::V1_6;
        let mut s = config.schema();
        let session = s.tables.iter_mut().find(|t| t.key == "session").unwrap();
        session.name = "s".repeat(60);
        let p = check(
            &fresh(&s, Dialect::Postgres),
            &s,
            &Catalog::default(),
            Dialect::Postgres,
            None,
        );
        assert!(
            p.iter()
                .any(|m| m.starts_with("index \"sss") && m.contains("1.7")),
            "{p:?}"
        );
    }
}
