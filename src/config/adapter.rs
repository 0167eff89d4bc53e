//! Database adapters: which ones run SQL, which ones only get guidance.

crate::model::named! {
    /// `database.adapter` and `--adapter`: the SQL adapters, whose databases rustauth
    /// migrates, then those that manage their own schema (rustauth prints guidance and
    /// exits 0).
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub enum Adapter {
        Sqlx = "sqlx",
        Kysely = "kysely",
        Diesel = "diesel",
        TokioPostgres = "tokio-postgres",
        DeadpoolPostgres = "deadpool-postgres",
        Prisma = "prisma",
        Drizzle = "drizzle",
        Mongodb = "mongodb",
        Memory = "memory",
    }
}

impl Adapter {
    /// What to do instead, for an adapter that manages its own schema; `None` for one
    /// whose SQL database rustauth migrates.
    pub fn guidance(self) -> Option<String> {
        let name = self.name();
        match self {
            Adapter::Sqlx
            | Adapter::Kysely
            | Adapter::Diesel
            | Adapter::TokioPostgres
            | Adapter::DeadpoolPostgres => None,
            Adapter::Mongodb | Adapter::Memory => Some(format!(
                "The {name} adapter needs no SQL schema: Better Auth creates what it needs at run time. Nothing to generate."
            )),
            Adapter::Prisma | Adapter::Drizzle => Some(format!(
                "rustauth writes SQL only; it does not write {name} schema files. Generate the SQL with `rustauth generate --adapter sqlx --dialect <sqlite|postgres|mysql|mssql>` and apply it with your ORM's migration tooling ({name})."
            )),
        }
    }

    /// Whether rustauth migrates this adapter's database.
    pub fn is_sql(self) -> bool {
        self.guidance().is_none()
    }

    /// The names of the SQL adapters, for messages.
    pub fn sql_names() -> Vec<&'static str> {
        Adapter::ALL
            .into_iter()
            .filter(|a| a.is_sql())
            .map(Adapter::name)
            .collect()
    }
}
