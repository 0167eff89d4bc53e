//! Row statements with bound parameters (what `create-admin` writes): one transaction of
//! statements, and a one-column read. The SQL text comes from above (`sql::rows`); this
//! module only binds and runs it, the same way on every engine.

use sqlx::Connection;

use super::{DbError, Result, Target};

/// A bound parameter. Dates travel as text in the engine's format (the statement casts
/// them where the engine needs it); booleans are 0/1 on SQLite.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Param {
    Text(String),
    Bool(bool),
    Int(i64),
    Null,
}

/// One statement and its parameters, in placeholder order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Stmt {
    pub sql: String,
    pub params: Vec<Param>,
}

/// Binds `params` to a query of any engine.
macro_rules! bind_all {
    ($q:expr, $params:expr, $bool_as_int:expr) => {{
        let mut q = $q;
        for p in $params {
            q = match p {
                Param::Text(s) => q.bind(s.clone()),
                Param::Bool(b) if $bool_as_int => q.bind(i64::from(*b)),
                Param::Bool(b) => q.bind(*b),
                Param::Int(n) => q.bind(*n),
                Param::Null => q.bind(Option::<String>::None),
            };
        }
        q
    }};
}

/// Runs `stmts` in one transaction (`prelude` first, inside it), and reads the first column
/// of `read` as text: the engines share this body.
macro_rules! rows_impl {
    ($conn:expr, $target:expr, $prelude:expr, $bool_as_int:expr, $stmts:expr) => {{
        let target: &Target = $target;
        let fail = |doing: &'static str, e: sqlx::Error| DbError::sqlx(target, doing, &e);
        let mut tx = $conn
            .begin()
            .await
            .map_err(|e| fail("cannot write to", e))?;
        for p in $prelude {
            sqlx::query(p)
                .persistent(false)
                .execute(&mut *tx)
                .await
                .map_err(|e| fail("cannot write to", e))?;
        }
        for s in $stmts {
            // Unnamed statements (PgBouncer's transaction pooling shares server sessions).
            bind_all!(
                sqlx::query(&s.sql).persistent(false),
                &s.params,
                $bool_as_int
            )
            .execute(&mut *tx)
            .await
            .map_err(|e| fail("cannot write to", e))?;
        }
        tx.commit().await.map_err(|e| fail("cannot write to", e))
    }};
}

macro_rules! read_impl {
    ($conn:expr, $target:expr, $prelude:expr, $bool_as_int:expr, $stmt:expr) => {{
        let target: &Target = $target;
        let stmt: &Stmt = $stmt;
        let fail = |e: sqlx::Error| DbError::sqlx(target, "cannot read", &e);
        let mut tx = $conn.begin().await.map_err(fail)?;
        for p in $prelude {
            sqlx::query(p)
                .persistent(false)
                .execute(&mut *tx)
                .await
                .map_err(fail)?;
        }
        let rows = bind_all!(
            sqlx::query_scalar::<_, Option<String>>(&stmt.sql).persistent(false),
            &stmt.params,
            $bool_as_int
        )
        .fetch_all(&mut *tx)
        .await
        .map_err(fail)?;
        tx.commit().await.map_err(fail)?;
        Ok(rows.into_iter().flatten().collect())
    }};
}

pub(super) async fn sqlite_write(
    conn: &mut sqlx::SqliteConnection,
    target: &Target,
    stmts: &[Stmt],
) -> Result<()> {
    rows_impl!(conn, target, std::iter::empty::<&str>(), true, stmts)
}

pub(super) async fn sqlite_read(
    conn: &mut sqlx::SqliteConnection,
    target: &Target,
    stmt: &Stmt,
) -> Result<Vec<String>> {
    read_impl!(conn, target, std::iter::empty::<&str>(), true, stmt)
}

/// `search_path`: the statement that puts the target schema first.
pub(super) async fn postgres_write(
    conn: &mut sqlx::PgConnection,
    target: &Target,
    search_path: &str,
    stmts: &[Stmt],
) -> Result<()> {
    rows_impl!(conn, target, [search_path], false, stmts)
}

pub(super) async fn postgres_read(
    conn: &mut sqlx::PgConnection,
    target: &Target,
    search_path: &str,
    stmt: &Stmt,
) -> Result<Vec<String>> {
    read_impl!(conn, target, [search_path], false, stmt)
}

pub(super) async fn mysql_write(
    conn: &mut sqlx::MySqlConnection,
    target: &Target,
    stmts: &[Stmt],
) -> Result<()> {
    // Dates are written as UTC text.
    rows_impl!(conn, target, ["set time_zone = '+00:00'"], false, stmts)
}

pub(super) async fn mysql_read(
    conn: &mut sqlx::MySqlConnection,
    target: &Target,
    stmt: &Stmt,
) -> Result<Vec<String>> {
    read_impl!(conn, target, std::iter::empty::<&str>(), false, stmt)
}
