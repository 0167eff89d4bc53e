//! MySQL / MariaDB: connect, introspect (information_schema of `DATABASE()`, bound
//! parameters only), GET_LOCK, statement-by-statement apply (DDL commits implicitly)
//! with `lock_wait_timeout` bounding every metadata-lock wait, history.

use std::collections::HashSet;
use std::str::FromStr;
use std::time::{Duration, Instant};

use sqlx::mysql::{MySqlConnectOptions, MySqlConnection, MySqlDatabaseError, MySqlRow};
use sqlx::{ConnectOptions, Executor, Row};

use super::catalog::*;
use super::history;
use super::{
    ApplyError, Cause, DbError, Driver, GuardedAdd, HistoryEntry, HistoryRow, Options, Outcome,
    Phase, Result, Step, Target, Waiting,
};
use crate::model::Engine;

pub(crate) struct Mysql {
    target: Target,
    conn: MySqlConnection,
    pub database: String,
    locked: bool,
    lock_timeout: Duration,
    notice: fn(&Waiting<'_>) -> String,
}

/// The server's error number (1205: lock wait timeout; 1138: invalid use of NULL).
fn error_number(e: &sqlx::Error) -> Option<u16> {
    match e {
        sqlx::Error::Database(d) => d
            .try_downcast_ref::<MySqlDatabaseError>()
            .map(MySqlDatabaseError::number),
        _ => None,
    }
}

const LOCK_WAIT_TIMEOUT: u16 = 1205;

/// Why a statement of the plan failed.
enum StepError {
    Sql(sqlx::Error),
    /// A guarded add found a row it would have had to invent a value for.
    Refused(Cause),
}

/// `lock_wait_timeout` in seconds (1 to a year, as the server accepts).
fn timeout_secs(d: Duration) -> u64 {
    d.as_secs().clamp(1, 31_536_000)
}

/// `connection 12 (root@10.0.0.7:50112, for 41 s)` from a row of (id, user, host, seconds).
fn describe_session(r: &MySqlRow) -> String {
    let id: i64 = r
        .try_get::<i64, _>(0)
        .or_else(|_| {
            r.try_get::<u64, _>(0)
                .map(|v| i64::try_from(v).unwrap_or(i64::MAX))
        })
        .unwrap_or(0);
    let user: String = r.try_get(1).unwrap_or_default();
    let host: String = r.try_get(2).unwrap_or_default();
    let secs: i64 = r
        .try_get::<i64, _>(3)
        .or_else(|_| {
            r.try_get::<u64, _>(3)
                .map(|v| i64::try_from(v).unwrap_or(i64::MAX))
        })
        .unwrap_or(0);
    if user.is_empty() {
        format!("connection {id} (for {secs} s)")
    } else {
        format!("connection {id} ({user}@{host}, for {secs} s)")
    }
}

impl Mysql {
    fn err(&self, doing: &'static str, e: sqlx::Error) -> DbError {
        DbError::sqlx(&self.target, doing, &e)
    }

    pub(crate) async fn connect(target: &Target, opts: &Options) -> Result<Mysql> {
        let my_opts = MySqlConnectOptions::from_str(target.url())
            .map_err(|e| DbError::bad_url(target, &e))?;
        let full = |e: &sqlx::Error| match error_number(e) {
            // 1040: the server's max_connections; 1203: max_user_connections.
            Some(1040 | 1203) => true,
            // 1226: an account's resource limit; only its connection limit frees up
            // (max_questions, max_connections_per_hour and the like last the hour).
            Some(1226) => {
                matches!(e, sqlx::Error::Database(d) if d.message().contains("max_user_connections"))
            }
            _ => false,
        };
        let mut conn = super::retry_while_full(opts.connect_timeout, full, || my_opts.connect())
            .await
            .map_err(|e| DbError::sqlx(target, "cannot connect to", &e))?;
        let secs = timeout_secs(opts.lock_timeout);
        conn.execute(
            format!("set session lock_wait_timeout = {secs}, innodb_lock_wait_timeout = {secs}")
                .as_str(),
        )
        .await
        .map_err(|e| DbError::sqlx(target, "cannot configure the session on", &e))?;
        let database: Option<String> = sqlx::query_scalar("select database()")
            .fetch_one(&mut conn)
            .await
            .map_err(|e| DbError::sqlx(target, "cannot query", &e))?;
        let Some(database) = database else {
            return Err(DbError::NoDatabase {
                target: target.describe(),
                example: "mysql://user@host:3306/DATABASE",
            });
        };
        Ok(Mysql {
            target: target.clone(),
            conn,
            database,
            locked: false,
            lock_timeout: opts.lock_timeout,
            notice: opts.notice,
        })
    }

    fn in_list(n: usize) -> String {
        vec!["?"; n].join(", ")
    }

    /// Other sessions' open transactions, as the server shows them: they hold the
    /// metadata locks a DDL statement waits for.
    async fn open_transactions(&mut self) -> String {
        let rows = sqlx::query(
            "select t.trx_mysql_thread_id, coalesce(cast(p.user as char), ''), coalesce(cast(p.host as char), ''), \
               timestampdiff(second, t.trx_started, now()) \
             from information_schema.innodb_trx t \
             left join information_schema.processlist p on p.id = t.trx_mysql_thread_id \
             where t.trx_mysql_thread_id <> connection_id() order by t.trx_started limit 5",
        )
        .fetch_all(&mut self.conn)
        .await
        .unwrap_or_default();
        if rows.is_empty() {
            return "another session holds it (SHOW PROCESSLIST shows which)".into();
        }
        let list: Vec<String> = rows.iter().map(describe_session).collect();
        format!("held by an open transaction of {}", list.join(", "))
    }

    /// Who holds the migration lock: `, held by connection 12 (…)`, or "".
    async fn lock_holder(&mut self) -> String {
        let row = sqlx::query(
            "select p.id, cast(p.user as char), cast(p.host as char), p.time from information_schema.processlist p where p.id = is_used_lock(?)",
        )
        .bind(self.lock_name())
        .fetch_optional(&mut self.conn)
        .await;
        match row {
            Ok(Some(r)) => format!(", held by {}", describe_session(&r)),
            _ => String::new(),
        }
    }

    /// GET_LOCK names are limited to 64 characters.
    fn lock_name(&self) -> String {
        let mut name = format!("rustauth:{}", self.database);
        name.truncate(64);
        name
    }

    async fn get_lock(&mut self, secs: u64) -> Result<Option<i64>> {
        sqlx::query_scalar("select get_lock(?, ?)")
            .bind(self.lock_name())
            .bind(i64::try_from(secs).unwrap_or(i64::MAX))
            .fetch_one(&mut self.conn)
            .await
            .map_err(|e| self.err("cannot take the migration lock on", e))
    }

    /// Strict mode (a NULL in a column made NOT NULL is an error, not an invented value),
    /// backslashes as escapes (as the statements are written).
    async fn strict_mode(&mut self) -> std::result::Result<(), sqlx::Error> {
        let mode: String = sqlx::query_scalar("select cast(@@session.sql_mode as char)")
            .fetch_one(&mut self.conn)
            .await?;
        let mut modes: Vec<&str> = mode
            .split(',')
            .filter(|m| !m.is_empty() && !m.eq_ignore_ascii_case("NO_BACKSLASH_ESCAPES"))
            .collect();
        if !modes
            .iter()
            .any(|m| m.eq_ignore_ascii_case("STRICT_ALL_TABLES"))
        {
            modes.push("STRICT_ALL_TABLES");
        }
        sqlx::query("set session sql_mode = ?")
            .bind(modes.join(","))
            .execute(&mut self.conn)
            .await?;
        Ok(())
    }

    /// Adds the column nullable, then makes it NOT NULL (strict mode: a row that has no
    /// value fails it); on that failure drops the column again. `Err` is the message.
    async fn guarded_add(&mut self, g: &GuardedAdd) -> std::result::Result<(), StepError> {
        self.conn
            .execute(g.add_nullable.as_str())
            .await
            .map_err(StepError::Sql)?;
        let Err(e) = self.conn.execute(g.tighten.as_str()).await else {
            return Ok(());
        };
        let cause = self.statement_error(e).await;
        let undone = match self.conn.execute(g.undo.as_str()).await {
            Ok(_) => "the column was dropped again".to_string(),
            Err(u) => format!(
                "dropping the column again failed too ({}); drop it yourself ({})",
                self.target.driver_message(&u),
                g.undo
            ),
        };
        Err(StepError::Refused(Cause::RowAppeared {
            table: g.table.clone(),
            column: g.column.clone(),
            cause: Box::new(cause),
            undone,
        }))
    }

    /// A statement's error: a lock wait timeout names the open transactions.
    async fn statement_error(&mut self, e: sqlx::Error) -> Cause {
        if error_number(&e) == Some(LOCK_WAIT_TIMEOUT) {
            let holders = self.open_transactions().await;
            return Cause::LockTimeout {
                secs: self.lock_timeout.as_secs(),
                what: format!("for a table's metadata lock, {holders}"),
            };
        }
        Cause::Driver(self.target.driver_message(&e))
    }

    async fn history_exists(&mut self, table: &str) -> Result<bool> {
        let exists: i64 = sqlx::query_scalar(
            "select count(*) from information_schema.tables where table_schema = database() and table_name = ?",
        )
        .bind(table)
        .fetch_one(&mut self.conn)
        .await
        .map_err(|e| self.err("cannot read the history of", e))?;
        Ok(exists > 0)
    }
}

impl Driver for Mysql {
    fn namespace(&self) -> &str {
        &self.database
    }

    async fn introspect(&mut self, names: &[String], _index_names: &[String]) -> Result<Catalog> {
        let mut catalog = Catalog::default();
        if names.is_empty() {
            return Ok(catalog);
        }
        let list = Self::in_list(names.len());
        let sql = format!(
            "select cast(table_name as char), cast(column_name as char), cast(data_type as char), is_nullable = 'YES', \
               column_default is not null or extra like '%auto_increment%', cast(character_octet_length as signed) \
             from information_schema.columns where table_schema = database() and table_name in ({list}) \
             order by table_name, ordinal_position"
        );
        let mut q = sqlx::query(&sql);
        for n in names {
            q = q.bind(n);
        }
        let cols = q
            .fetch_all(&mut self.conn)
            .await
            .map_err(|e| self.err("cannot read the tables of", e))?;
        let sql = format!(
            "select cast(table_name as char), cast(index_name as char), non_unique = 0, cast(column_name as char) \
             from information_schema.statistics where table_schema = database() and table_name in ({list}) \
             order by table_name, index_name, seq_in_index"
        );
        let mut q = sqlx::query(&sql);
        for n in names {
            q = q.bind(n);
        }
        let idx = q
            .fetch_all(&mut self.conn)
            .await
            .map_err(|e| self.err("cannot read the indexes of", e))?;
        let sql = format!(
            "select cast(table_name as char), cast(column_name as char), cast(referenced_table_name as char), cast(referenced_column_name as char) \
             from information_schema.key_column_usage where table_schema = database() and referenced_table_name is not null and table_name in ({list})"
        );
        let mut q = sqlx::query(&sql);
        for n in names {
            q = q.bind(n);
        }
        let fks = q
            .fetch_all(&mut self.conn)
            .await
            .map_err(|e| self.err("cannot read the foreign keys of", e))?;

        let flag = |r: &sqlx::mysql::MySqlRow, i: usize| {
            r.try_get::<i64, _>(i)
                .or_else(|_| r.try_get::<bool, _>(i).map(i64::from))
                .unwrap_or(0)
                != 0
        };
        for r in cols {
            let table: String = r.get(0);
            catalog.add_column(
                &table,
                CatalogColumn {
                    name: r.get(1),
                    data_type: r.get(2),
                    nullable: flag(&r, 3),
                    has_default: flag(&r, 4),
                    max_bytes: r
                        .try_get::<Option<i64>, _>(5)
                        .ok()
                        .flatten()
                        .and_then(|b| u64::try_from(b).ok()),
                },
            );
        }
        for r in idx {
            let table: String = r.get(0);
            catalog.add_index_column(&table, r.get(1), flag(&r, 2), r.get(3));
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

    async fn tables_with_rows(&mut self, names: &[String]) -> Result<HashSet<String>> {
        let sql = rows_query(names, ident, true);
        let rows = match self.conn.fetch_all(sql.as_str()).await {
            Ok(rows) => rows,
            Err(e) if error_number(&e) == Some(LOCK_WAIT_TIMEOUT) => {
                let holders = self.open_transactions().await;
                return Err(DbError::TableLocked {
                    doing: "cannot count rows in",
                    target: self.target.describe(),
                    holders,
                    secs: self.lock_timeout.as_secs(),
                });
            }
            Err(e) => return Err(self.err("cannot count rows in", e)),
        };
        Ok(tables_of(names, &rows))
    }

    /// `GET_LOCK`, waiting up to `timeout`; after a second of waiting, says who holds it.
    async fn lock(&mut self, timeout: Duration) -> Result<()> {
        let secs = timeout.as_secs();
        let first = secs.min(crate::output::NOTICE_AFTER.as_secs());
        let mut got = self.get_lock(first).await?;
        if got == Some(0) && secs > first {
            if crate::output::notices() {
                let holder = self.lock_holder().await;
                crate::output::notice(&(self.notice)(&Waiting::MigrationLock {
                    target: &self.target.describe(),
                    holder: &holder.replacen(',', "", 1),
                    secs,
                }));
            }
            got = self.get_lock(secs - first).await?;
        }
        match got {
            Some(1) => {
                self.locked = true;
                Ok(())
            }
            Some(_) => {
                let holder = self.lock_holder().await;
                Err(DbError::LockHeld {
                    target: self.target.describe(),
                    holder,
                    by_writer: false,
                    secs,
                })
            }
            None => Err(DbError::failed(
                &self.target,
                "cannot take the migration lock on",
                "GET_LOCK returned NULL",
            )),
        }
    }

    async fn unlock(&mut self) {
        if self.locked {
            let _ = sqlx::query("select release_lock(?)")
                .bind(self.lock_name())
                .execute(&mut self.conn)
                .await;
            self.locked = false;
        }
    }

    /// Statement by statement (MySQL commits each DDL statement). With a history table
    /// the plan is recorded first, unfinished, and marked finished at the end (with every
    /// older unfinished plan: this one completed what they began). A plan that stops
    /// half-way stays visible to the next run, which finishes its indexes (see
    /// `Db::unfinished_plan`). The session runs in strict mode without
    /// `NO_BACKSLASH_ESCAPES`, so the statements mean what they say whatever the server's
    /// `sql_mode`.
    async fn apply(
        &mut self,
        statements: &[Step],
        history: Option<HistoryEntry<'_>>,
    ) -> std::result::Result<(), ApplyError> {
        let total = statements.len();
        let start = Instant::now();
        // Nothing stays applied only when the failure comes before the first statement.
        let fail = |applied: usize, phase: Phase, outcome: Outcome, cause: Cause| ApplyError {
            applied,
            total,
            outcome,
            phase,
            cause,
        };
        if let Err(e) = self.strict_mode().await {
            return Err(fail(
                0,
                Phase::Statement,
                Outcome::RolledBack,
                Cause::Driver(format!(
                    "cannot set the session's sql_mode: {}",
                    self.target.driver_message(&e)
                )),
            ));
        }
        let mut row_id = None;
        if let Some(h) = &history {
            let table = ident(h.table);
            let res: std::result::Result<u64, sqlx::Error> = async {
                self.conn
                    .execute(history::create(Engine::Mysql, &table).as_str())
                    .await?;
                let done = sqlx::query(&history::insert(Engine::Mysql, &table))
                    .bind(env!("CARGO_PKG_VERSION"))
                    .bind(h.sha256)
                    .bind(i32::try_from(total).unwrap_or(i32::MAX))
                    .bind(0_i64)
                    .bind(h.sql)
                    .bind(false)
                    .execute(&mut self.conn)
                    .await?;
                Ok(done.last_insert_id())
            }
            .await;
            match res {
                Ok(id) => row_id = Some(id),
                Err(e) => {
                    let cause = self.statement_error(e).await;
                    return Err(fail(0, Phase::History, Outcome::RolledBack, cause));
                }
            }
        }
        for (i, s) in statements.iter().enumerate() {
            let r = match &s.guarded {
                None => self
                    .conn
                    .execute(s.sql.as_str())
                    .await
                    .map(|_| ())
                    .map_err(StepError::Sql),
                Some(g) => self.guarded_add(g).await,
            };
            let cause = match r {
                Ok(()) => continue,
                Err(StepError::Sql(e)) => self.statement_error(e).await,
                Err(StepError::Refused(c)) => c,
            };
            return Err(fail(i, Phase::Statement, Outcome::Partial, cause));
        }
        if let (Some(h), Some(id)) = (history, row_id) {
            let table = ident(h.table);
            let mut res = sqlx::query(&format!(
                "update {table} set `finished` = true, `duration_ms` = ? where `id` = ?"
            ))
            .bind(super::elapsed_ms(start))
            .bind(id)
            .execute(&mut self.conn)
            .await
            .map(|_| ());
            if res.is_ok() {
                res = sqlx::query(&format!(
                    "update {table} set `finished` = true where not `finished` and `id` < ?"
                ))
                .bind(id)
                .execute(&mut self.conn)
                .await
                .map(|_| ());
            }
            if let Err(e) = res {
                return Err(fail(
                    total,
                    Phase::History,
                    Outcome::Partial,
                    Cause::Driver(format!(
                        "marking it finished in {} failed: {}",
                        h.table,
                        self.target.driver_message(&e)
                    )),
                ));
            }
        }
        Ok(())
    }

    /// Marks every unfinished plan finished; how many there were.
    async fn finish_interrupted(&mut self, table: &str) -> Result<u64> {
        if !self.history_exists(table).await? {
            return Ok(0);
        }
        let done = sqlx::query(&format!(
            "update {} set `finished` = true where not `finished`",
            ident(table)
        ))
        .execute(&mut self.conn)
        .await
        .map_err(|e| self.err("cannot update the history of", e))?;
        Ok(done.rows_affected())
    }

    /// The newest plan of the history table, when it did not finish.
    async fn interrupted(&mut self, table: &str) -> Result<Option<HistoryRow>> {
        if !self.history_exists(table).await? {
            return Ok(None);
        }
        let sql = history::select_newest(Engine::Mysql, &ident(table), false);
        let row = sqlx::query(&sql)
            .fetch_optional(&mut self.conn)
            .await
            .map_err(|e| self.err("cannot read the history of", e))?;
        Ok(row
            .map(|r| history::read_row(&r))
            .and_then(|(row, finished)| (!finished).then_some(row)))
    }

    /// The SQL of the newest plan in the history table, when it did not finish.
    async fn unfinished_plan(&mut self, table: &str) -> Result<Option<String>> {
        if !self.history_exists(table).await? {
            return Ok(None);
        }
        let row: Option<(bool, String)> = sqlx::query_as(&format!(
            "select `finished`, `sql` from {} order by `id` desc limit 1",
            ident(table)
        ))
        .fetch_optional(&mut self.conn)
        .await
        .map_err(|e| self.err("cannot read the history of", e))?;
        Ok(row.and_then(|(finished, sql)| (!finished).then_some(sql)))
    }

    async fn last_applied(&mut self, table: &str) -> Result<Option<HistoryRow>> {
        if !self.history_exists(table).await? {
            return Ok(None);
        }
        let sql = history::select_newest(Engine::Mysql, &ident(table), true);
        let row = sqlx::query(&sql)
            .fetch_optional(&mut self.conn)
            .await
            .map_err(|e| self.err("cannot read the history of", e))?;
        Ok(row.map(|r| history::read_row(&r).0))
    }

    /// Runs row statements in one transaction.
    async fn write_rows(&mut self, stmts: &[super::rows::Stmt]) -> Result<()> {
        super::rows::mysql_write(&mut self.conn, &self.target, stmts).await
    }

    /// The first column of a query's rows, as text.
    async fn read_texts(&mut self, stmt: &super::rows::Stmt) -> Result<Vec<String>> {
        super::rows::mysql_read(&mut self.conn, &self.target, stmt).await
    }

    async fn close(self) {
        let _ = sqlx::Connection::close(self.conn).await;
    }
}

fn ident(s: &str) -> String {
    history::ident(Engine::Mysql, s)
}
