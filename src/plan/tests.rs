use super::*;
use crate::config::Config;
use crate::db::catalog::{CatalogColumn, CatalogTable};

fn core() -> Schema {
    Config::default().schema()
}

#[test]
fn fresh_plan_creates_core_tables_in_order() {
    let plan = fresh(&core(), Dialect::Postgres);
    assert_eq!(plan.created, ["user", "session", "account", "verification"]);
    assert!(plan.added.is_empty());
}

#[test]
fn missing_column_is_added_and_sqlite_unique_becomes_an_index() {
    let schema = core();
    let user = schema.table("user").unwrap();
    let mut catalog = Catalog::default();
    for t in &schema.tables {
        let mut ct = CatalogTable {
            name: t.name.clone(),
            ..Default::default()
        };
        ct.columns.push(CatalogColumn {
            name: "id".into(),
            data_type: "text".into(),
            nullable: false,
            has_default: false,
            max_bytes: None,
        });
        for c in &t.columns {
            if t.name == "user" && c.name == "email" {
                continue;
            }
            ct.columns.push(CatalogColumn {
                name: c.name.clone(),
                data_type: "text".into(),
                nullable: !c.required,
                has_default: false,
                max_bytes: None,
            });
        }
        catalog.tables.push(ct);
    }
    assert!(user.column("email").unwrap().unique);
    let plan = diff(&schema, &catalog, Dialect::Sqlite).unwrap();
    assert_eq!(
        plan.added,
        [("user".to_string(), vec!["email".to_string()])]
    );
    let sql = plan.sql(&schema);
    assert_eq!(
        sql,
        "alter table \"user\" add column \"email\" text not null;\n\ncreate unique index \"user_email_uidx\" on \"user\" (\"email\");"
    );
    // SQLite cannot add a NOT NULL column to an existing table.
    assert_eq!(plan.blockers.len(), 1);
}

/// Every table and column of the schema, without any index.
fn catalog_without_indexes(schema: &Schema) -> Catalog {
    let mut catalog = Catalog::default();
    for t in &schema.tables {
        let mut ct = CatalogTable {
            name: t.name.clone(),
            ..Default::default()
        };
        for c in &t.columns {
            ct.columns.push(CatalogColumn {
                name: c.name.clone(),
                data_type: "text".into(),
                nullable: !c.required,
                has_default: false,
                max_bytes: None,
            });
        }
        catalog.tables.push(ct);
    }
    catalog
}

#[test]
fn an_interrupted_plan_gets_its_missing_indexes_and_nothing_else() {
    let schema = core();
    let catalog = catalog_without_indexes(&schema);
    let mut plan = diff(&schema, &catalog, Dialect::Mysql).unwrap();
    assert!(
        plan.is_empty(),
        "upstream's diff plans no index of an existing column"
    );
    assert!(plan.drift.iter().any(|d| {
        d.to_string()
            .starts_with("Column verification.identifier should be indexed")
    }));

    let unfinished = "create table `verification` (`id` varchar(36) not null primary key);\n\ncreate index `verification_identifier_idx` on `verification` (`identifier`);";
    plan.resume_indexes(&schema, &catalog, unfinished);
    assert_eq!(plan.resumed, ["verification_identifier_idx"]);
    assert_eq!(
        plan.sql(&schema),
        "create index `verification_identifier_idx` on `verification` (`identifier`);"
    );
    assert!(
        !plan
            .drift
            .iter()
            .any(|d| d.column == "identifier" && d.kind.is_index())
    );

    // An index the interrupted plan did not create is left to the drift notes.
    let mut other = diff(&schema, &catalog, Dialect::Mysql).unwrap();
    other.resume_indexes(&schema, &catalog, "create table `x` (`id` integer);");
    assert!(other.is_empty() && other.resumed.is_empty());
}
