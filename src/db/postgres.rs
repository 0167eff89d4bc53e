//! PostgreSQL: one connection per run. Connect, introspect (pg_catalog, one schema),
//! and `migrate`'s transaction: the migration lock is a transaction-level advisory lock
//! taken in it, the plan is made again under it, the statements and the history row run
//! in it, and `lock_timeout` bounds every wait for a table lock.
//!
//! Works behind PgBouncer in transaction pooling: no startup parameter it rejects (no
//! `extra_float_digits`), no named prepared statements (every bound query is unnamed,
//! `persistent(false)`), and every bound query runs inside a transaction (an unnamed
//! statement is parsed and executed in two round trips, which must reach the same server
//! connection).

use std::collections::HashSet;
use std::str::FromStr;
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};
use sqlx::postgres::{PgArguments, PgConnectOptions, PgConnection, PgRow};
use sqlx::{ConnectOptions, Executor, Postgres as Pg, Row};

use super::catalog::*;
use super::history;
use super::{
    ApplyError, Cause, DbError, Driver, HistoryEntry, HistoryRow, Options, Outcome, Phase, Result,
    Step, Target, Waiting,
};
use crate::model::Engine;

pub(crate) struct Postgres {
    target: Target,
    conn: PgConnection,
    pub schema: String,
    /// Whether the schema exists (tables cannot be created in one that does not).
    schema_exists: bool,
    database: String,
    /// Inside the migration transaction (the lock is held).
    in_tx: bool,
    lock_timeout: Duration,
    /// The auth tables last introspected (to name who holds a lock on them).
    tables: Vec<String>,
    notice: fn(&Waiting<'_>) -> String,
}

/// An unnamed prepared statement (PgBouncer's transaction pooling cannot keep named ones).
fn query(sql: &str) -> sqlx::query::Query<'_, Pg, PgArguments> {
    sqlx::query(sql).persistent(false)
}

/// Whether an error is PostgreSQL's `lock_not_available` (a `lock_timeout` expired).
fn is_lock_timeout(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(d) if d.code().as_deref() == Some("55P03"))
}

/// Whether the server has no connection slot free (`too_many_connections`: the server's
/// or the role's limit).
fn is_too_many_connections(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(d) if d.code().as_deref() == Some("53300"))
}

/// Whether the server answered with an error (as opposed to a lost connection).
fn server_answered(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(_))
}

/// `lock_timeout` for a wait of `d` (0 would mean "wait forever").
fn lock_timeout_ms(d: Duration) -> u128 {
    d.as_millis().max(1)
}

/// Whether the URL's query string names the database (`?dbname=`).
fn query_names_database(url: &str) -> bool {
    url.split_once('?').is_some_and(|(_, q)| {
        q.split('&')
            .any(|kv| kv.strip_prefix("dbname=").is_some_and(|v| !v.is_empty()))
    })
}

impl Postgres {
    fn err(&self, doing: &'static str, e: sqlx::Error) -> DbError {
        DbError::sqlx(&self.target, doing, &e)
    }

    async fn open(target: &Target, timeout: Duration) -> Result<PgConnection> {
        let opts = PgConnectOptions::from_str(target.url())
            .map_err(|e| DbError::bad_url(target, &e))?
            .application_name("rustauth")
            .extra_float_digits(None)
            .statement_cache_capacity(0);
        super::retry_while_full(timeout, is_too_many_connections, || opts.connect())
            .await
            .map_err(|e| {
            let mut err = DbError::sqlx(target, "cannot connect to", &e);
            if let DbError::Failed { detail, .. } = &mut err
                && detail.contains("unsupported startup parameter: options")
            {
                detail.push_str(
                    " (PgBouncer rejects the `options` startup parameter: unset PGOPTIONS and remove options= from the URL)",
                );
            }
            err
        })
    }

    pub(crate) async fn connect(target: &Target, opts: &Options) -> Result<Postgres> {
        // Without a database, PostgreSQL picks the one named after the user: never
        // migrate a database nobody named.
        if target.database().is_none() && !query_names_database(target.url()) {
            return Err(DbError::NoDatabase {
                target: target.describe(),
                example: "postgres://user@host:5432/DATABASE",
            });
        }
        let mut conn = Self::open(target, opts.connect_timeout).await?;
        let row = conn
            .fetch_one("select current_database()::text, current_setting('search_path'), (select array_agg(nspname::text) from pg_catalog.pg_namespace), coalesce(pg_catalog.current_schema()::text, 'public')")
            .await
            .map_err(|e| DbError::sqlx(target, "cannot query", &e))?;
        let database: String = row.get(0);
        let search_path: String = row.get(1);
        let schemas: Vec<String> = row.get(2);
        let schema = match &target.schema {
            Some(s) => s.clone(),
            None if target.current_schema => row.get(3),
            None => first_schema(&search_path),
        };
        let schema_exists = schemas.contains(&schema);
        Ok(Postgres {
            target: target.clone(),
            conn,
            schema,
            schema_exists,
            database,
            in_tx: false,
            lock_timeout: opts.lock_timeout,
            tables: Vec::new(),
            notice: opts.notice,
        })
    }

    /// Opens a read transaction (with `lock_timeout`) unless the migration transaction
    /// is open; returns whether it opened one, for [`Postgres::end_read`].
    async fn begin_read(&mut self) -> Result<bool> {
        if self.in_tx {
            return Ok(false);
        }
        let sql = format!(
            "begin; set local lock_timeout = '{}ms'",
            lock_timeout_ms(self.lock_timeout)
        );
        self.conn
            .execute(sql.as_str())
            .await
            .map_err(|e| self.err("cannot query", e))?;
        Ok(true)
    }

    /// Ends what [`Postgres::begin_read`] opened and words `r`'s error: a lock timeout
    /// (which aborts any transaction, the migration transaction too) names who holds
    /// the lock.
    async fn end_read<T>(
        &mut self,
        own: bool,
        doing: &'static str,
        r: std::result::Result<T, sqlx::Error>,
    ) -> Result<T> {
        match r {
            Ok(v) => {
                if own {
                    self.conn
                        .execute("commit")
                        .await
                        .map_err(|e| self.err(doing, e))?;
                }
                Ok(v)
            }
            Err(e) => {
                if own || self.in_tx {
                    let _ = self.conn.execute("rollback").await;
                    self.in_tx = false;
                }
                if is_lock_timeout(&e) {
                    let holders = self.table_lock_holders().await;
                    return Err(DbError::TableLocked {
                        doing,
                        target: self.target.describe(),
                        holders,
                        secs: self.lock_timeout.as_secs(),
                    });
                }
                Err(self.err(doing, e))
            }
        }
    }

    /// Who holds locks on the auth tables (other sessions), as the server shows it:
    /// `pid 4711 (application_name "psql", 127.0.0.1, transaction open for 41 s) holds
    /// AccessExclusiveLock on "user"`.
    async fn table_lock_holders(&mut self) -> String {
        let fallback = "another session holds it (pg_locks shows which)".to_string();
        let Ok(own) = self.begin_read().await else {
            return fallback;
        };
        let r = query(
            "select a.pid, coalesce(a.application_name, ''), coalesce(host(a.client_addr), 'local'), \
               coalesce(extract(epoch from now() - coalesce(a.xact_start, a.query_start))::bigint, 0), \
               l.mode, c.relname::text \
             from pg_catalog.pg_locks l \
             join pg_catalog.pg_class c on c.oid = l.relation \
             join pg_catalog.pg_namespace n on n.oid = c.relnamespace \
             join pg_catalog.pg_stat_activity a on a.pid = l.pid \
             where l.locktype = 'relation' and l.granted and l.pid <> pg_backend_pid() \
               and n.nspname = $1 and c.relname = any($2) \
             order by a.xact_start nulls last, a.pid limit 5",
        )
        .bind(&self.schema)
        .bind(&self.tables)
        .fetch_all(&mut self.conn)
        .await;
        if own {
            let end = if r.is_ok() { "commit" } else { "rollback" };
            let _ = self.conn.execute(end).await;
        }
        let rows = r.unwrap_or_default();
        if rows.is_empty() {
            return fallback;
        }
        rows.iter()
            .map(|r| {
                format!(
                    "{} holds {} on \"{}\"",
                    describe_session(r),
                    r.get::<String, _>(4),
                    r.get::<String, _>(5)
                )
            })
            .collect::<Vec<_>>()
            .join("; ")
    }

    async fn read_catalog(
        &mut self,
        names: &[String],
        index_names: &[String],
    ) -> std::result::Result<Catalog, sqlx::Error> {
        let names: Vec<String> = names.to_vec();
        let mut catalog = Catalog::default();
        if !index_names.is_empty() {
            // The names as given and lowercased (what an unquoted name becomes): an exact
            // match uses pg_class's name index, so thousands of other tables cost nothing.
            let mut names: Vec<String> = index_names.to_vec();
            names.extend(index_names.iter().map(|n| n.to_lowercase()));
            let rows = query(
                "select i.relname::text, t.relname::text from pg_catalog.pg_class i \
                 join pg_catalog.pg_namespace n on n.oid = i.relnamespace \
                 join pg_catalog.pg_index ix on ix.indexrelid = i.oid \
                 join pg_catalog.pg_class t on t.oid = ix.indrelid \
                 where n.nspname = $1 and i.relname = any($2::name[])",
            )
            .bind(&self.schema)
            .bind(&names)
            .fetch_all(&mut self.conn)
            .await?;
            for r in rows {
                catalog.named_indexes.push((r.get(0), r.get(1)));
            }
        }
        let cols = query(
            "select c.relname::text, a.attname::text, t.typname::text, not a.attnotnull, \
               a.atthasdef or a.attidentity <> '' or a.attgenerated <> '' \
             from pg_catalog.pg_attribute a \
             join pg_catalog.pg_class c on c.oid = a.attrelid \
             join pg_catalog.pg_namespace n on n.oid = c.relnamespace \
             join pg_catalog.pg_type t on t.oid = a.atttypid \
             where n.nspname = $1 and c.relkind in ('r', 'p') and c.relname = any($2) \
               and a.attnum > 0 and not a.attisdropped \
             order by c.relname, a.attnum",
        )
        .bind(&self.schema)
        .bind(&names)
        .fetch_all(&mut self.conn)
        .await?;
        let idx = query(
            "select t.relname::text, i.relname::text, ix.indisunique, \
               array(select a.attname::text from unnest(ix.indkey) with ordinality k(attnum, ord) \
                     join pg_catalog.pg_attribute a on a.attrelid = t.oid and a.attnum = k.attnum \
                     order by k.ord) \
             from pg_catalog.pg_index ix \
             join pg_catalog.pg_class t on t.oid = ix.indrelid \
             join pg_catalog.pg_class i on i.oid = ix.indexrelid \
             join pg_catalog.pg_namespace n on n.oid = t.relnamespace \
             where n.nspname = $1 and t.relname = any($2)",
        )
        .bind(&self.schema)
        .bind(&names)
        .fetch_all(&mut self.conn)
        .await?;
        let fks = query(
            "select c.relname::text, a.attname::text, rc.relname::text, ra.attname::text \
             from pg_catalog.pg_constraint con \
             join pg_catalog.pg_class c on c.oid = con.conrelid \
             join pg_catalog.pg_namespace n on n.oid = c.relnamespace \
             join pg_catalog.pg_class rc on rc.oid = con.confrelid \
             join pg_catalog.pg_attribute a on a.attrelid = con.conrelid and a.attnum = con.conkey[1] \
             join pg_catalog.pg_attribute ra on ra.attrelid = con.confrelid and ra.attnum = con.confkey[1] \
             where con.contype = 'f' and n.nspname = $1 and c.relname = any($2)",
        )
        .bind(&self.schema)
        .bind(&names)
        .fetch_all(&mut self.conn)
        .await?;

        for r in cols {
            let table: String = r.get(0);
            catalog.add_column(
                &table,
                CatalogColumn {
                    name: r.get(1),
                    data_type: r.get(2),
                    nullable: r.get(3),
                    has_default: r.get(4),
                    max_bytes: None,
                },
            );
        }
        for r in idx {
            let table: String = r.get(0);
            let columns: Vec<String> = r.get(3);
            let name: String = r.get(1);
            for column in columns {
                catalog.add_index_column(&table, name.clone(), r.get(2), column);
            }
        }
        for r in fks {
            let table: String = r.get(0);
            catalog.add_foreign_key(
                &table,
                CatalogForeignKey {
                    column: r.get(1),
                    ref_table: r.get(2),
                    ref_column: r.get(3),
                },
            );
        }
        Ok(catalog)
    }

    /// The advisory lock key: from "rustauth", the database and the schema.
    fn lock_key(&self) -> i64 {
        let digest =
            Sha256::digest(format!("rustauth\0{}\0{}", self.database, self.schema).as_bytes());
        i64::from_be_bytes(digest[..8].try_into().expect("8 bytes"))
    }

    /// Opens the migration transaction (`lock_timeout`, `search_path`) and takes the
    /// transaction-level advisory lock in it, polling for up to `timeout`; after a second
    /// of waiting, says who holds it.
    async fn take_lock(&mut self, timeout: Duration) -> Result<()> {
        self.lock_timeout = timeout;
        let sql = format!(
            "begin; set local lock_timeout = '{}ms'; set local search_path to {}",
            lock_timeout_ms(timeout),
            ident(&self.schema)
        );
        self.conn
            .execute(sql.as_str())
            .await
            .map_err(|e| self.err("cannot start the migration on", e))?;
        self.in_tx = true;
        let key = self.lock_key();
        let start = Instant::now();
        let mut announced = false;
        loop {
            let got = sqlx::query_scalar::<_, bool>("select pg_try_advisory_xact_lock($1)")
                .persistent(false)
                .bind(key)
                .fetch_one(&mut self.conn)
                .await;
            match got {
                Ok(true) => return Ok(()),
                Ok(false) => {}
                Err(e) => {
                    self.end_tx().await;
                    return Err(self.err("cannot take the migration lock on", e));
                }
            }
            let waited = start.elapsed();
            if waited >= timeout {
                let holder = self.lock_holder().await;
                self.end_tx().await;
                return Err(DbError::LockHeld {
                    target: self.target.describe(),
                    holder: format!(" (schema \"{}\"{holder})", self.schema),
                    by_writer: false,
                    secs: timeout.as_secs(),
                });
            }
            if !announced && waited >= crate::output::NOTICE_AFTER && crate::output::notices() {
                announced = true;
                let holder = self.lock_holder().await;
                crate::output::notice(&(self.notice)(&Waiting::MigrationLock {
                    target: &self.target.describe(),
                    holder: &holder.replacen(',', "", 1),
                    secs: timeout.as_secs(),
                }));
            }
            tokio::time::sleep(Duration::from_millis(50).min(timeout.saturating_sub(waited))).await;
        }
    }

    /// `, held by pid 4711 (application_name "rustauth", 10.0.0.7, transaction open for
    /// 3 s)`, or "" when the server does not show it. Runs in the migration transaction.
    async fn lock_holder(&mut self) -> String {
        let key = self.lock_key().cast_unsigned();
        let r = query(
            "select a.pid, coalesce(a.application_name, ''), coalesce(host(a.client_addr), 'local'), \
               coalesce(extract(epoch from now() - coalesce(a.xact_start, a.query_start))::bigint, 0) \
             from pg_catalog.pg_locks l join pg_catalog.pg_stat_activity a on a.pid = l.pid \
             where l.locktype = 'advisory' and l.granted and l.objsubid = 1 \
               and l.classid::bigint = $1 and l.objid::bigint = $2 \
               and l.database = (select oid from pg_catalog.pg_database where datname = current_database()) \
             limit 1",
        )
        .bind(i64::from(u32::try_from(key >> 32).expect("the high 32 bits")))
        .bind(i64::from(u32::try_from(key & 0xffff_ffff).expect("the low 32 bits")))
        .fetch_optional(&mut self.conn)
        .await;
        match r {
            Ok(Some(row)) => format!(", held by {}", describe_session(&row)),
            _ => String::new(),
        }
    }

    /// Ends the migration transaction if it is still open (rolling it back), which
    /// releases the lock.
    async fn end_tx(&mut self) {
        if self.in_tx {
            let _ = self.conn.execute("rollback").await;
            self.in_tx = false;
        }
    }

    /// A statement's error, after rolling the migration transaction back: a lock
    /// timeout names who holds the lock.
    async fn statement_error(&mut self, e: sqlx::Error) -> Cause {
        self.end_tx().await;
        if is_lock_timeout(&e) {
            let holders = self.table_lock_holders().await;
            return Cause::LockTimeout {
                secs: self.lock_timeout.as_secs(),
                what: format!("for a table lock: {holders}"),
            };
        }
        Cause::Driver(self.target.driver_message(&e))
    }

    async fn read_last_applied(
        &mut self,
        table: &str,
    ) -> std::result::Result<Option<HistoryRow>, sqlx::Error> {
        let exists: bool = sqlx::query_scalar(
            "select exists (select 1 from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace where n.nspname = $1 and c.relname = $2)",
        )
        .persistent(false)
        .bind(&self.schema)
        .bind(table)
        .fetch_one(&mut self.conn)
        .await?;
        if !exists {
            return Ok(None);
        }
        let table = format!("{}.{}", ident(&self.schema), ident(table));
        let row = query(&history::select_newest(Engine::Postgres, &table, true))
            .fetch_optional(&mut self.conn)
            .await?;
        Ok(row.map(|r| history::read_row(&r).0))
    }

    fn search_path(&self) -> String {
        format!("set local search_path to {}", ident(&self.schema))
    }
}

impl Driver for Postgres {
    fn namespace(&self) -> &str {
        &self.schema
    }

    async fn introspect(&mut self, names: &[String], index_names: &[String]) -> Result<Catalog> {
        self.tables = names.to_vec();
        let own = self.begin_read().await?;
        let r = self.read_catalog(names, index_names).await;
        self.end_read(own, "cannot read the tables of", r).await
    }

    /// Which of the tables hold a row; waits at most the lock timeout for a table
    /// another session holds exclusively.
    async fn tables_with_rows(&mut self, names: &[String]) -> Result<HashSet<String>> {
        let schema = ident(&self.schema);
        let sql = rows_query(names, |n| format!("{schema}.{}", ident(n)), false);
        let own = self.begin_read().await?;
        let r = self.conn.fetch_all(sql.as_str()).await;
        let rows = self.end_read(own, "cannot count rows in", r).await?;
        Ok(tables_of(names, &rows))
    }

    async fn lock(&mut self, timeout: Duration) -> Result<()> {
        self.take_lock(timeout).await
    }

    async fn unlock(&mut self) {
        self.end_tx().await;
    }

    /// Runs the statements and the history row in the migration transaction and commits.
    async fn apply(
        &mut self,
        statements: &[Step],
        history: Option<HistoryEntry<'_>>,
    ) -> std::result::Result<(), ApplyError> {
        let total = statements.len();
        let schema = self.schema.clone();
        let fail = |applied: usize, phase: Phase, outcome: Outcome, cause: Cause| ApplyError {
            applied,
            total,
            outcome,
            phase,
            cause,
        };
        // The 1.7 line's plan creates the schema it names (`database.schema`) first.
        let creates_schema = statements.first().is_some_and(|s| s.creates_schema);
        if !self.schema_exists && !creates_schema {
            self.end_tx().await;
            return Err(fail(
                0,
                Phase::Statement,
                Outcome::RolledBack,
                Cause::Refused(format!(
                    "schema {q} does not exist in database \"{}\"; create it (create schema {q};) or fix database.schema / search_path",
                    self.database,
                    q = ident(&schema)
                )),
            ));
        }
        if !self.in_tx {
            self.take_lock(self.lock_timeout)
                .await
                .map_err(|e| fail(0, Phase::Statement, Outcome::RolledBack, Cause::Db(e)))?;
        }
        let start = Instant::now();
        for (i, s) in statements.iter().enumerate() {
            if let Err(e) = self.conn.execute(s.sql.as_str()).await {
                let cause = self.statement_error(e).await;
                return Err(fail(i, Phase::Statement, Outcome::RolledBack, cause));
            }
        }
        if let Some(h) = history {
            let table = format!("{}.{}", ident(&schema), ident(h.table));
            let mut r = self
                .conn
                .execute(history::create(Engine::Postgres, &table).as_str())
                .await
                .map(|_| ());
            if r.is_ok() {
                r = query(&history::insert(Engine::Postgres, &table))
                    .bind(env!("CARGO_PKG_VERSION"))
                    .bind(h.sha256)
                    .bind(i32::try_from(total).unwrap_or(i32::MAX))
                    .bind(super::elapsed_ms(start))
                    .bind(h.sql)
                    .execute(&mut self.conn)
                    .await
                    .map(|_| ());
            }
            if let Err(e) = r {
                let cause = self.statement_error(e).await;
                return Err(fail(total, Phase::History, Outcome::RolledBack, cause));
            }
        }
        let committed = self.conn.execute("commit").await;
        self.in_tx = false;
        match committed {
            Ok(_) => Ok(()),
            // The server answered: it did not commit (a deferred check, say).
            Err(e) if server_answered(&e) => Err(fail(
                total,
                Phase::Commit,
                Outcome::RolledBack,
                Cause::Driver(self.target.driver_message(&e)),
            )),
            Err(e) => Err(fail(
                total,
                Phase::Commit,
                Outcome::Unknown,
                Cause::Driver(self.target.driver_message(&e)),
            )),
        }
    }

    async fn last_applied(&mut self, table: &str) -> Result<Option<HistoryRow>> {
        let own = self.begin_read().await?;
        let r = self.read_last_applied(table).await;
        self.end_read(own, "cannot read the history of", r).await
    }

    /// Runs row statements in one transaction, in the target schema.
    async fn write_rows(&mut self, stmts: &[super::rows::Stmt]) -> Result<()> {
        let path = self.search_path();
        super::rows::postgres_write(&mut self.conn, &self.target, &path, stmts).await
    }

    /// The first column of a query's rows, as text, in the target schema.
    async fn read_texts(&mut self, stmt: &super::rows::Stmt) -> Result<Vec<String>> {
        let path = self.search_path();
        super::rows::postgres_read(&mut self.conn, &self.target, &path, stmt).await
    }

    async fn close(self) {
        let _ = sqlx::Connection::close(self.conn).await;
    }
}

/// `pid 4711 (application_name "psql", 127.0.0.1, transaction open for 41 s)` from a row
/// of (pid, application_name, client address, seconds).
fn describe_session(r: &PgRow) -> String {
    let app: String = r.get(1);
    let app = if app.is_empty() {
        "no application_name".to_string()
    } else {
        format!("application_name \"{app}\"")
    };
    format!(
        "pid {} ({app}, {}, transaction open for {} s)",
        r.get::<i32, _>(0),
        r.get::<String, _>(2),
        r.get::<i64, _>(3)
    )
}

/// Upstream's rule: the first entry of search_path that is not a variable, quotes
/// stripped; `public` when there is none.
pub(super) fn first_schema(search_path: &str) -> String {
    search_path
        .split(',')
        .map(|s| s.trim().trim_matches(|c| c == '"' || c == '\'').to_string())
        .find(|s| !s.is_empty() && !s.starts_with('$') && !s.starts_with("\\$"))
        .unwrap_or_else(|| "public".into())
}

fn ident(s: &str) -> String {
    history::ident(Engine::Postgres, s)
}

#[cfg(test)]
mod tests {
    use super::first_schema;

    #[test]
    fn search_path_rules() {
        assert_eq!(first_schema("\"$user\", public"), "public");
        assert_eq!(first_schema("\"\\$user\", auth, public"), "auth");
        assert_eq!(first_schema("$user"), "public");
        assert_eq!(first_schema("'app'"), "app");
    }
}
