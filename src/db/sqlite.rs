//! SQLite: connect (only `migrate` creates a missing file), introspect (pragmas),
//! `BEGIN IMMEDIATE` as the lock, transactional apply, history.

use std::collections::HashSet;
use std::str::FromStr;
use std::time::{Duration, Instant};

use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection};
use sqlx::{ConnectOptions, Executor, Row};

use super::catalog::*;
use super::history;
use super::{
    ApplyError, Cause, DbError, Driver, HistoryEntry, HistoryRow, Options, Outcome, Phase, Result,
    Step, Target, Waiting,
};
use crate::model::Engine;

pub(crate) struct Sqlite {
    target: Target,
    conn: SqliteConnection,
    in_tx: bool,
    /// The file this run created (it did not exist).
    created: Option<std::path::PathBuf>,
    notice: fn(&Waiting<'_>) -> String,
}

impl Sqlite {
    fn err(&self, doing: &'static str, e: sqlx::Error) -> DbError {
        DbError::sqlx(&self.target, doing, &e)
    }

    /// A read waits up to the lock timeout for another writer to finish. A missing file
    /// is created only with `opts.create`; otherwise it is an error that says so.
    pub(crate) async fn connect(target: &Target, opts: &Options) -> Result<Sqlite> {
        let file = target.database().unwrap_or("");
        let in_memory = file == ":memory:" || target.url().contains("mode=memory");
        if !opts.create && !in_memory && !std::path::Path::new(file).exists() {
            return Err(DbError::NoSuchFile {
                file: file.to_string(),
            });
        }
        let created = (opts.create && !in_memory && !std::path::Path::new(file).exists())
            .then(|| std::path::PathBuf::from(file));
        let busy = opts.lock_timeout;
        let sqlite_opts = SqliteConnectOptions::from_str(target.url())
            .map_err(|e| DbError::bad_url(target, &e))?
            .create_if_missing(opts.create)
            .busy_timeout(busy)
            .foreign_keys(true);
        let conn = sqlite_opts
            .connect()
            .await
            .map_err(|e| DbError::sqlx(target, "cannot open", &e))?;
        Ok(Sqlite {
            target: target.clone(),
            conn,
            in_tx: false,
            created,
            notice: opts.notice,
        })
    }

    fn in_list(n: usize) -> String {
        vec!["?"; n].join(", ")
    }
}

impl Driver for Sqlite {
    fn namespace(&self) -> &str {
        "main"
    }

    async fn introspect(&mut self, names: &[String], index_names: &[String]) -> Result<Catalog> {
        let mut catalog = Catalog::default();
        if !index_names.is_empty() {
            let sql = format!(
                "select name, tbl_name from sqlite_master where type = 'index' and lower(name) in ({})",
                Self::in_list(index_names.len())
            );
            let mut q = sqlx::query(&sql);
            for n in index_names {
                q = q.bind(n.to_lowercase());
            }
            for r in q
                .fetch_all(&mut self.conn)
                .await
                .map_err(|e| self.err("cannot read the indexes of", e))?
            {
                catalog.named_indexes.push((r.get(0), r.get(1)));
            }
        }
        let list = Self::in_list(names.len());
        let queries = [
            format!(
                "select m.name, p.name, p.type, p.\"notnull\" = 0, p.dflt_value is not null or (p.pk = 1 and lower(p.type) = 'integer') \
                 from sqlite_master m join pragma_table_info(m.name) p \
                 where m.type = 'table' and m.name in ({list}) order by m.name, p.cid"
            ),
            format!(
                "select m.name, il.name, il.\"unique\", ii.name from sqlite_master m join pragma_index_list(m.name) il \
                 join pragma_index_info(il.name) ii where m.type = 'table' and m.name in ({list}) order by m.name, il.seq, ii.seqno"
            ),
            format!(
                "select m.name, fk.\"from\", fk.\"table\", coalesce(fk.\"to\", 'id') from sqlite_master m join pragma_foreign_key_list(m.name) fk \
                 where m.type = 'table' and m.name in ({list})"
            ),
        ];
        let mut results = Vec::new();
        for sql in &queries {
            let mut q = sqlx::query(sql);
            for n in names {
                q = q.bind(n);
            }
            results.push(
                q.fetch_all(&mut self.conn)
                    .await
                    .map_err(|e| self.err("cannot read the tables of", e))?,
            );
        }
        for r in &results[0] {
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
        for r in &results[1] {
            let table: String = r.get(0);
            // An index on an expression has no column name.
            if let Some(column) = r.get::<Option<String>, _>(3) {
                catalog.add_index_column(&table, r.get(1), r.get(2), column);
            }
        }
        for r in &results[2] {
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
        let sql = rows_query(names, ident, false);
        let rows = sqlx::query(&sql)
            .fetch_all(&mut self.conn)
            .await
            .map_err(|e| self.err("cannot count rows in", e))?;
        Ok(tables_of(names, &rows))
    }

    /// `BEGIN IMMEDIATE` takes the write lock; the busy timeout is the lock timeout.
    async fn lock(&mut self, timeout: Duration) -> Result<()> {
        let notice = self.notice;
        self.conn
            .execute(format!("pragma busy_timeout = {}", timeout.as_millis()).as_str())
            .await
            .map_err(|e| self.err("cannot configure", e))?;
        let describe = self.target.describe();
        let begin = crate::output::announce_slow(self.conn.execute("begin immediate"), || {
            notice(&Waiting::WriteLock {
                target: &describe,
                secs: timeout.as_secs(),
            })
        });
        match begin.await {
            Ok(_) => {
                self.in_tx = true;
                Ok(())
            }
            Err(e) if is_busy(&e) => Err(DbError::LockHeld {
                target: self.target.describe(),
                holder: String::new(),
                by_writer: true,
                secs: timeout.as_secs(),
            }),
            Err(e) => Err(self.err("cannot take the write lock on", e)),
        }
    }

    async fn discard_created(&mut self) {
        let Some(path) = self.created.take() else {
            return;
        };
        if self.in_tx {
            let _ = self.conn.execute("rollback").await;
            self.in_tx = false;
        }
        if std::fs::metadata(&path).is_ok_and(|m| m.len() == 0) {
            let _ = std::fs::remove_file(&path);
        }
    }

    async fn unlock(&mut self) {
        if self.in_tx {
            let _ = self.conn.execute("rollback").await;
            self.in_tx = false;
        }
    }

    async fn apply(
        &mut self,
        statements: &[Step],
        history: Option<HistoryEntry<'_>>,
    ) -> std::result::Result<(), ApplyError> {
        let total = statements.len();
        let fail = |applied: usize, phase: Phase, message: String| ApplyError {
            applied,
            total,
            outcome: Outcome::RolledBack,
            phase,
            cause: Cause::Driver(message),
        };
        if !self.in_tx {
            self.conn
                .execute("begin immediate")
                .await
                .map_err(|e| fail(0, Phase::Statement, self.target.driver_message(&e)))?;
            self.in_tx = true;
        }
        let start = Instant::now();
        let result: std::result::Result<(), (usize, Phase, sqlx::Error)> = async {
            for (i, s) in statements.iter().enumerate() {
                self.conn
                    .execute(s.sql.as_str())
                    .await
                    .map_err(|e| (i, Phase::Statement, e))?;
            }
            if let Some(h) = &history {
                let table = history::ident(Engine::Sqlite, h.table);
                let in_history = |e| (total, Phase::History, e);
                self.conn
                    .execute(history::create(Engine::Sqlite, &table).as_str())
                    .await
                    .map_err(in_history)?;
                sqlx::query(&history::insert(Engine::Sqlite, &table))
                    .bind(env!("CARGO_PKG_VERSION"))
                    .bind(h.sha256)
                    .bind(i64::try_from(total).unwrap_or(i64::MAX))
                    .bind(super::elapsed_ms(start))
                    .bind(h.sql)
                    .execute(&mut self.conn)
                    .await
                    .map_err(in_history)?;
            }
            self.conn
                .execute("commit")
                .await
                .map_err(|e| (total, Phase::Commit, e))?;
            Ok(())
        }
        .await;
        match result {
            Ok(()) => {
                self.in_tx = false;
                Ok(())
            }
            Err((applied, phase, e)) => {
                let _ = self.conn.execute("rollback").await;
                self.in_tx = false;
                Err(fail(applied, phase, self.target.driver_message(&e)))
            }
        }
    }

    async fn last_applied(&mut self, table: &str) -> Result<Option<HistoryRow>> {
        let exists: i64 = sqlx::query_scalar(
            "select count(*) from sqlite_master where type = 'table' and name = ?",
        )
        .bind(table)
        .fetch_one(&mut self.conn)
        .await
        .map_err(|e| self.err("cannot read the history of", e))?;
        if exists == 0 {
            return Ok(None);
        }
        let table = history::ident(Engine::Sqlite, table);
        let row = sqlx::query(&history::select_newest(Engine::Sqlite, &table, true))
            .fetch_optional(&mut self.conn)
            .await
            .map_err(|e| self.err("cannot read the history of", e))?;
        Ok(row.map(|r| history::read_row(&r).0))
    }

    async fn write_rows(&mut self, stmts: &[super::rows::Stmt]) -> Result<()> {
        super::rows::sqlite_write(&mut self.conn, &self.target, stmts).await
    }

    async fn read_texts(&mut self, stmt: &super::rows::Stmt) -> Result<Vec<String>> {
        super::rows::sqlite_read(&mut self.conn, &self.target, stmt).await
    }

    async fn close(self) {
        let _ = sqlx::Connection::close(self.conn).await;
    }
}

fn is_busy(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::Database(d) => {
            let msg = d.message().to_ascii_lowercase();
            msg.contains("locked") || msg.contains("busy")
        }
        _ => false,
    }
}

fn ident(s: &str) -> String {
    history::ident(Engine::Sqlite, s)
}
