//! Database adapters: which ones run SQL, which ones only get guidance.

/// Adapters whose database rustauth migrates (SQL databases).
pub const SQL_ADAPTERS: &[&str] = &[
    "sqlx",
    "kysely",
    "diesel",
    "tokio-postgres",
    "deadpool-postgres",
];
/// Adapters that manage their own schema: rustauth prints guidance and exits 0.
pub const GUIDANCE_ADAPTERS: &[&str] = &["prisma", "drizzle", "mongodb", "memory"];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AdapterKind {
    Sql,
    Guidance,
}

/// Classifies an adapter name; `None` for an unknown one.
pub fn kind(name: &str) -> Option<AdapterKind> {
    if SQL_ADAPTERS.contains(&name) {
        Some(AdapterKind::Sql)
    } else if GUIDANCE_ADAPTERS.contains(&name) {
        Some(AdapterKind::Guidance)
    } else {
        None
    }
}

/// All adapter names, for messages.
pub fn all() -> Vec<&'static str> {
    SQL_ADAPTERS
        .iter()
        .chain(GUIDANCE_ADAPTERS)
        .copied()
        .collect()
}

/// What to do instead, for an adapter that manages its own schema.
pub fn guidance(name: &str) -> String {
    match name {
        "mongodb" | "memory" => format!(
            "The {name} adapter needs no SQL schema: Better Auth creates what it needs at run time. Nothing to generate."
        ),
        _ => format!(
            "rustauth writes SQL only; it does not write {name} schema files. Generate the SQL with `rustauth generate --adapter sqlx --dialect <sqlite|postgres|mysql|mssql>` and apply it with your ORM's migration tooling ({name})."
        ),
    }
}
