//! Live databases: connect, introspect into a [`Catalog`], lock, apply, history.
//! One file per engine; this module picks the engine and keeps every error one line and
//! free of passwords.

pub(crate) mod catalog;
mod error;
mod history;
mod mysql;
mod postgres;
pub(crate) mod rows;
mod sqlite;
pub(crate) mod target;

use std::time::Duration;

pub(crate) use catalog::Catalog;
pub(crate) use error::{DbError, Waiting, plain_notice};
pub(crate) use target::{Target, TargetError};

use crate::model::{Dialect, Engine};

pub(crate) type Result<T> = std::result::Result<T, DbError>;

/// One row of the history table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct HistoryRow {
    pub applied_at: String,
    pub cli_version: String,
    pub sha256: String,
    pub statements: i64,
    pub duration_ms: i64,
}

/// What `apply` records in the history table.
#[derive(Debug, Clone)]
pub(crate) struct HistoryEntry<'a> {
    pub table: &'a str,
    pub sha256: &'a str,
    pub sql: &'a str,
}

/// What a failed apply left behind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// Nothing: the transaction was rolled back (PostgreSQL, SQLite), or nothing had run.
    RolledBack,
    /// `applied` statements stay applied (MySQL commits each DDL statement).
    Partial,
    /// The connection failed while the commit was under way: the server may have
    /// committed, or not.
    Unknown,
}

/// Where a failed apply stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Phase {
    /// At statement `applied + 1` of the plan.
    Statement,
    /// After the statements: recording the plan in the history table.
    History,
    /// At the commit.
    Commit,
}

/// A failure while applying: how far it got.
#[derive(Debug, thiserror::Error)]
#[error("{cause}")]
pub(crate) struct ApplyError {
    /// Plan statements that ran before the failure.
    pub applied: usize,
    pub total: usize,
    pub outcome: Outcome,
    pub phase: Phase,
    pub cause: Cause,
}

/// Why an apply failed.
#[derive(Debug, thiserror::Error)]
pub(crate) enum Cause {
    /// The driver's words (scrubbed).
    #[error("{0}")]
    Driver(String),
    /// A lock wait ran out; `what`: which lock, and who holds it.
    #[error("waited {secs} s {what}")]
    LockTimeout { secs: u64, what: String },
    /// Connecting, locking or a check before the first statement failed.
    #[error(transparent)]
    Db(#[from] DbError),
    /// rustauth stopped itself before the first statement (a missing schema): the
    /// message says what and what to do.
    #[error("{0}")]
    Refused(String),
    /// MySQL: a row appeared in a table the plan found empty, so the NOT NULL column it
    /// adds has no value for it; the column was dropped again (`undone` says whether).
    #[error(
        "table {table} got a row after the plan found it empty, and the new NOT NULL column {column} has no value for it ({cause}); {undone}: no value was invented"
    )]
    RowAppeared {
        table: String,
        column: String,
        cause: Box<Cause>,
        undone: String,
    },
}

/// One statement of a plan as [`Db::apply`] runs it.
#[derive(Debug, Clone)]
pub(crate) struct Step {
    /// The statement as the plan shows it (and `generate` writes it).
    pub sql: String,
    /// The statement creates the schema the tables go in (`database.schema`, 1.7).
    pub creates_schema: bool,
    /// MySQL / MariaDB: how to add a NOT NULL column without a default without filling
    /// rows the plan did not see (the other engines run `sql`).
    pub guarded: Option<GuardedAdd>,
}

/// MySQL / MariaDB fill a NOT NULL column added without a default with invented values
/// (`''`, `0`) for every row, also rows inserted after the plan found the table empty.
/// So the column is added nullable, then made NOT NULL under strict mode, which fails
/// when a row holds NULL; the column is then dropped again.
#[derive(Debug, Clone)]
pub(crate) struct GuardedAdd {
    pub table: String,
    pub column: String,
    pub add_nullable: String,
    pub tighten: String,
    pub undo: String,
}

/// How to open a database.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Options {
    /// Bounds the connection (a server that accepts and never answers included).
    pub connect_timeout: Duration,
    /// Bounds every wait for a lock: the migration lock, and each table lock
    /// (PostgreSQL `lock_timeout`, MySQL `lock_wait_timeout`, SQLite's busy timeout).
    pub lock_timeout: Duration,
    /// SQLite: create a missing file (only `migrate` does).
    pub create: bool,
    /// Words a wait that has lasted a second (printed as a notice): the commands name
    /// the option that bounds it.
    pub notice: fn(&Waiting<'_>) -> String,
}

impl Options {
    /// For commands that only read: nothing created, locks waited for as long as the
    /// connection.
    pub(crate) fn read_only(connect_timeout: Duration) -> Options {
        Options {
            connect_timeout,
            lock_timeout: connect_timeout,
            create: false,
            notice: plain_notice,
        }
    }
}

/// What each engine implements; [`Db`] holds the plumbing they share and dispatches.
/// Defaults cover what only some engines have (history of a plan that stopped half-way:
/// MySQL; a file this run created: SQLite).
pub(crate) trait Driver {
    /// Where the tables live: the PostgreSQL schema, the MySQL database, or `main`.
    fn namespace(&self) -> &str;

    /// Reads the given tables (see [`Db::introspect`]).
    async fn introspect(&mut self, names: &[String], index_names: &[String]) -> Result<Catalog>;

    /// Which of the given (existing) tables hold a row, in one round trip.
    async fn tables_with_rows(
        &mut self,
        names: &[String],
    ) -> Result<std::collections::HashSet<String>>;

    /// Takes the migration lock (see [`Db::lock`]).
    async fn lock(&mut self, timeout: Duration) -> Result<()>;

    /// Releases the lock (rolling back a transaction still open).
    async fn unlock(&mut self);

    /// Runs the statements and records them (see [`Db::apply`]).
    async fn apply(
        &mut self,
        statements: &[Step],
        history: Option<HistoryEntry<'_>>,
    ) -> std::result::Result<(), ApplyError>;

    /// The last finished plan of the history table, if the table exists.
    async fn last_applied(&mut self, table: &str) -> Result<Option<HistoryRow>>;

    /// The SQL of the newest plan when it did not finish.
    async fn unfinished_plan(&mut self, _table: &str) -> Result<Option<String>> {
        Ok(None)
    }

    /// Marks unfinished plans finished; how many there were.
    async fn finish_interrupted(&mut self, _table: &str) -> Result<u64> {
        Ok(0)
    }

    /// The newest plan when it did not finish.
    async fn interrupted(&mut self, _table: &str) -> Result<Option<HistoryRow>> {
        Ok(None)
    }

    /// Removes the file this run created while it is still empty.
    async fn discard_created(&mut self) {}

    /// Runs row statements in one transaction.
    async fn write_rows(&mut self, stmts: &[rows::Stmt]) -> Result<()>;

    /// The first column of a query's rows, as text (NULLs left out).
    async fn read_texts(&mut self, stmt: &rows::Stmt) -> Result<Vec<String>>;

    /// Ends the session the way the protocol says (a terminate message), so that the
    /// server frees its connection slot before the next command connects.
    async fn close(self);
}

/// Runs `connect` again, for up to half the connect timeout (at most 5 s), while the
/// server answers that no connection slot is free (`is_full`): the slot a command that
/// just ended held is freed a moment after it exits, and a role with a connection limit
/// of 1 runs `migrate` then `db status` back to back in deploy scripts.
pub(crate) async fn retry_while_full<T, F, Fut>(
    timeout: Duration,
    is_full: fn(&sqlx::Error) -> bool,
    mut connect: F,
) -> std::result::Result<T, sqlx::Error>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = std::result::Result<T, sqlx::Error>>,
{
    let start = std::time::Instant::now();
    let budget = (timeout / 2).min(Duration::from_secs(5));
    loop {
        match connect().await {
            Err(e) if is_full(&e) && start.elapsed() < budget => {
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            r => return r,
        }
    }
}

/// An open connection to one of the three engines.
pub(crate) enum Db {
    Sqlite(sqlite::Sqlite),
    Postgres(postgres::Postgres),
    Mysql(mysql::Mysql),
}

/// `each!(self, d => d.method(..))`: the same call on whichever engine is open.
macro_rules! each {
    ($db:expr, $d:ident => $call:expr) => {
        match $db {
            Db::Sqlite($d) => $call,
            Db::Postgres($d) => $call,
            Db::Mysql($d) => $call,
        }
    };
}

impl Db {
    /// Connects for reading within `timeout` (also for a host that never answers);
    /// never creates a SQLite file.
    pub(crate) async fn connect(target: &Target, opts: &Options) -> Result<Db> {
        Db::open(
            target,
            &Options {
                create: false,
                ..*opts
            },
        )
        .await
    }

    /// Connects within `opts.connect_timeout`; after a second of waiting, says so (see
    /// [`crate::output::notices`]).
    pub(crate) async fn open(target: &Target, opts: &Options) -> Result<Db> {
        let timeout = opts.connect_timeout;
        let fut = async {
            Ok(match target.engine {
                Engine::Sqlite => Db::Sqlite(sqlite::Sqlite::connect(target, opts).await?),
                Engine::Postgres => Db::Postgres(postgres::Postgres::connect(target, opts).await?),
                Engine::Mysql => Db::Mysql(mysql::Mysql::connect(target, opts).await?),
            })
        };
        let describe = target.describe();
        let fut = crate::output::announce_slow(tokio::time::timeout(timeout, fut), || {
            (opts.notice)(&Waiting::Connect {
                target: &describe,
                secs: timeout.as_secs(),
            })
        });
        match fut.await {
            Ok(r) => r,
            Err(_) => Err(DbError::ConnectTimeout {
                target: target.describe(),
                secs: timeout.as_secs(),
            }),
        }
    }

    pub(crate) fn engine(&self) -> Engine {
        match self {
            Db::Sqlite(_) => Engine::Sqlite,
            Db::Postgres(_) => Engine::Postgres,
            Db::Mysql(_) => Engine::Mysql,
        }
    }

    /// The SQL dialect of the open engine.
    pub(crate) fn dialect(&self) -> Dialect {
        self.engine().dialect()
    }

    /// Where the tables live: the PostgreSQL schema, the MySQL database, or `main`.
    pub(crate) fn namespace(&self) -> &str {
        each!(self, d => d.namespace())
    }

    /// Reads the given tables (by name) in a constant number of round trips; tables that
    /// do not exist are absent from the catalog.
    /// `index_names`: table-level index names the schema declares, looked up in every
    /// table of the schema (SQLite, PostgreSQL: index names are schema-wide there).
    pub(crate) async fn introspect(
        &mut self,
        names: &[String],
        index_names: &[String],
    ) -> Result<Catalog> {
        if names.is_empty() {
            return Ok(Catalog::default());
        }
        each!(self, d => d.introspect(names, index_names).await)
    }

    /// Marks [`catalog::CatalogTable::has_rows`] for the given existing tables, in one
    /// round trip.
    pub(crate) async fn read_row_presence(
        &mut self,
        catalog: &mut Catalog,
        tables: &[String],
    ) -> Result<()> {
        let checks: Vec<String> = tables
            .iter()
            .filter(|n| catalog.table(n).is_some())
            .cloned()
            .collect();
        if checks.is_empty() {
            return Ok(());
        }
        let with_rows = each!(self, d => d.tables_with_rows(&checks).await)?;
        for t in &mut catalog.tables {
            t.has_rows = with_rows.contains(&t.name);
        }
        Ok(())
    }

    /// Takes the migration lock, waiting up to `timeout` for another rustauth migrate.
    /// SQLite: `BEGIN IMMEDIATE`; PostgreSQL: a transaction-level advisory lock taken
    /// in the migration transaction (both stay open for [`Db::apply`], which plans again
    /// and runs in them); MySQL: `GET_LOCK`. After a second of waiting, the connection's
    /// [`Options::notice`] words the wait.
    pub(crate) async fn lock(&mut self, timeout: Duration) -> Result<()> {
        each!(self, d => d.lock(timeout).await)
    }

    /// SQLite: removes the file this run created (it was missing), when it is still
    /// empty: a migrate that applied nothing leaves nothing behind.
    pub(crate) async fn discard_created(&mut self) {
        each!(self, d => d.discard_created().await);
    }

    /// Releases the lock (and, on SQLite, rolls back a transaction still open).
    pub(crate) async fn unlock(&mut self) {
        each!(self, d => d.unlock().await);
    }

    /// Runs the statements and records them in the history table: all or nothing on
    /// PostgreSQL and SQLite; statement by statement on MySQL (DDL commits implicitly).
    pub(crate) async fn apply(
        &mut self,
        statements: &[Step],
        history: Option<HistoryEntry<'_>>,
    ) -> std::result::Result<(), ApplyError> {
        each!(self, d => d.apply(statements, history).await)
    }

    /// The SQL of the newest plan in the history table when it did not finish: only MySQL
    /// applies statement by statement, so only there can a plan stop half-way.
    pub(crate) async fn unfinished_plan(&mut self, table: &str) -> Result<Option<String>> {
        each!(self, d => d.unfinished_plan(table).await)
    }

    /// MySQL: marks every unfinished plan of the history table finished, once a later
    /// run has left nothing to apply (it completed what they began). Returns how many.
    pub(crate) async fn finish_interrupted(&mut self, table: &str) -> Result<u64> {
        each!(self, d => d.finish_interrupted(table).await)
    }

    /// The newest plan of the history table when it did not finish (MySQL).
    pub(crate) async fn interrupted(&mut self, table: &str) -> Result<Option<HistoryRow>> {
        each!(self, d => d.interrupted(table).await)
    }

    /// The last applied plan in the history table, if the table exists.
    pub(crate) async fn last_applied(&mut self, table: &str) -> Result<Option<HistoryRow>> {
        each!(self, d => d.last_applied(table).await)
    }

    /// Runs row statements (inserts, updates) in one transaction.
    pub(crate) async fn write_rows(&mut self, stmts: &[rows::Stmt]) -> Result<()> {
        each!(self, d => d.write_rows(stmts).await)
    }

    /// The first column of a query's rows, as text (NULLs left out).
    pub(crate) async fn read_texts(&mut self, stmt: &rows::Stmt) -> Result<Vec<String>> {
        each!(self, d => d.read_texts(stmt).await)
    }

    /// Ends the session cleanly (see [`Driver::close`]).
    pub(crate) async fn close(self) {
        each!(self, d => d.close().await);
    }

    /// The descriptions of the rustauth files (`<version>_rustauth_<what>.sql`, which sqlx
    /// records as `rustauth <what>`) that sqlx's migrator has recorded in `_sqlx_migrations`
    /// of the database, or `None` when there are none (or no such table). A database whose
    /// auth schema the files manage is not migrated a second way.
    pub(crate) async fn sqlx_recorded(&mut self) -> Option<Vec<String>> {
        use rows::Stmt;
        let exists = match self.engine() {
            Engine::Sqlite => {
                "select name from sqlite_master where type = 'table' and name = '_sqlx_migrations'"
            }
            Engine::Postgres => {
                "select table_name::text from information_schema.tables where table_schema = current_schema() and table_name = '_sqlx_migrations'"
            }
            Engine::Mysql => {
                "select table_name from information_schema.tables where table_schema = database() and table_name = '_sqlx_migrations'"
            }
        };
        let stmt = |sql: &str| Stmt {
            sql: sql.to_string(),
            params: Vec::new(),
        };
        if self.read_texts(&stmt(exists)).await.ok()?.is_empty() {
            return None;
        }
        let rows = self
            .read_texts(&stmt(
                "select description from _sqlx_migrations where description like 'rustauth%' order by version",
            ))
            .await
            .ok()?;
        (!rows.is_empty()).then_some(rows)
    }
}

/// Milliseconds since `start`.
pub(crate) fn elapsed_ms(start: std::time::Instant) -> i64 {
    i64::try_from(start.elapsed().as_millis()).unwrap_or(i64::MAX)
}
