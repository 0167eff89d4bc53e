//! MySQL / MariaDB: connect, introspect (information_schema of `DATABASE()`), GET_LOCK,
//! statement-by-statement apply (DDL commits implicitly), history.

use std::collections::HashSet;
use std::str::FromStr;
use std::time::{Duration, Instant};

use sqlx::mysql::{MySqlConnectOptions, MySqlConnection};
use sqlx::{ConnectOptions, Executor, Row};

use super::catalog::*;
use super::{ApplyError, DbError, HistoryEntry, HistoryRow, Result, Target};

pub struct Mysql {
    target: Target,
    conn: MySqlConnection,
    pub database: String,
    locked: bool,
}

impl Mysql {
    fn err(&self, doing: &str, e: sqlx::Error) -> DbError {
        DbError::sqlx(&self.target, doing, e)
    }

    pub async fn connect(target: &Target) -> Result<Mysql> {
        let opts = MySqlConnectOptions::from_str(target.url()).map_err(|e| {
            DbError(format!(
                "unparseable database URL: {}",
                target.driver_message(&e)
            ))
        })?;
        let mut conn = opts
            .connect()
            .await
            .map_err(|e| DbError::sqlx(target, "cannot connect to", e))?;
        let database: Option<String> = sqlx::query_scalar("select database()")
            .fetch_one(&mut conn)
            .await
            .map_err(|e| DbError::sqlx(target, "cannot query", e))?;
        let Some(database) = database else {
            return Err(DbError(format!(
                "{} names no database; add one to the URL (mysql://user@host:3306/DATABASE)",
                target.describe()
            )));
        };
        Ok(Mysql {
            target: target.clone(),
            conn,
            database,
            locked: false,
        })
    }

    fn in_list(n: usize) -> String {
        vec!["?"; n].join(", ")
    }

    pub async fn introspect(
        &mut self,
        names: &[String],
        _index_names: &[String],
    ) -> Result<Catalog> {
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

    pub async fn tables_with_rows(&mut self, names: &[String]) -> Result<HashSet<String>> {
        let sql = rows_query(names, literal, ident, true);
        let rows = sqlx::query(&sql)
            .fetch_all(&mut self.conn)
            .await
            .map_err(|e| self.err("cannot count rows in", e))?;
        Ok(rows.iter().map(|r| r.get::<String, _>(0)).collect())
    }

    /// GET_LOCK names are limited to 64 characters.
    fn lock_name(&self) -> String {
        let mut name = format!("rustauth:{}", self.database);
        name.truncate(64);
        name
    }

    pub async fn lock(&mut self, timeout: Duration) -> Result<()> {
        let got: Option<i64> = sqlx::query_scalar("select get_lock(?, ?)")
            .bind(self.lock_name())
            .bind(timeout.as_secs() as i64)
            .fetch_one(&mut self.conn)
            .await
            .map_err(|e| self.err("cannot take the migration lock on", e))?;
        match got {
            Some(1) => {
                self.locked = true;
                Ok(())
            }
            Some(_) => Err(DbError(format!(
                "another rustauth migrate holds the lock on {}; waited {} s (--lock-timeout). Retry when it has finished",
                self.target.describe(),
                timeout.as_secs()
            ))),
            None => Err(DbError(format!(
                "cannot take the migration lock on {}: GET_LOCK returned NULL",
                self.target.describe()
            ))),
        }
    }

    pub async fn unlock(&mut self) {
        if self.locked {
            let _ = sqlx::query("select release_lock(?)")
                .bind(self.lock_name())
                .execute(&mut self.conn)
                .await;
            self.locked = false;
        }
    }

    /// Statement by statement (MySQL commits each DDL statement). With a history table
    /// the plan is recorded first, unfinished, and marked finished at the end: a plan
    /// that stops half-way stays visible to the next run, which finishes its indexes
    /// (see `Db::unfinished_plan`).
    pub async fn apply(
        &mut self,
        statements: &[String],
        history: Option<HistoryEntry<'_>>,
    ) -> std::result::Result<(), ApplyError> {
        let total = statements.len();
        let start = Instant::now();
        let mut row_id = None;
        if let Some(h) = &history {
            let table = ident(h.table);
            let res: std::result::Result<u64, sqlx::Error> = async {
                self.conn
                    .execute(
                        format!(
                            "create table if not exists {table} (`id` bigint not null auto_increment primary key, `applied_at` timestamp(3) not null default current_timestamp(3), `cli_version` varchar(64) not null, `sha256` char(64) not null, `statements` integer not null, `duration_ms` bigint not null, `sql` longtext not null, `finished` boolean not null default true)"
                        )
                        .as_str(),
                    )
                    .await?;
                let done = sqlx::query(&format!(
                    "insert into {table} (`cli_version`, `sha256`, `statements`, `duration_ms`, `sql`, `finished`) values (?, ?, ?, 0, ?, false)"
                ))
                .bind(env!("CARGO_PKG_VERSION"))
                .bind(h.sha256)
                .bind(total as i32)
                .bind(h.sql)
                .execute(&mut self.conn)
                .await?;
                Ok(done.last_insert_id())
            }
            .await;
            match res {
                Ok(id) => row_id = Some(id),
                Err(e) => {
                    return Err(ApplyError {
                        applied: 0,
                        total,
                        rolled_back: false,
                        message: format!(
                            "cannot record the plan in {}: {}",
                            h.table,
                            self.target.driver_message(&e)
                        ),
                    });
                }
            }
        }
        for (i, s) in statements.iter().enumerate() {
            if let Err(e) = self.conn.execute(s.as_str()).await {
                return Err(ApplyError {
                    applied: i,
                    total,
                    rolled_back: false,
                    message: self.target.driver_message(&e),
                });
            }
        }
        if let (Some(h), Some(id)) = (history, row_id) {
            let res = sqlx::query(&format!(
                "update {} set `finished` = true, `duration_ms` = ? where `id` = ?",
                ident(h.table)
            ))
            .bind(super::elapsed_ms(start))
            .bind(id)
            .execute(&mut self.conn)
            .await;
            if let Err(e) = res {
                return Err(ApplyError {
                    applied: total,
                    total,
                    rolled_back: false,
                    message: format!(
                        "the plan was applied, but marking it finished in {} failed: {}",
                        h.table,
                        self.target.driver_message(&e)
                    ),
                });
            }
        }
        Ok(())
    }

    /// The SQL of the newest plan in the history table, when it did not finish.
    pub async fn unfinished_plan(&mut self, table: &str) -> Result<Option<String>> {
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

    pub async fn last_applied(&mut self, table: &str) -> Result<Option<HistoryRow>> {
        if !self.history_exists(table).await? {
            return Ok(None);
        }
        let row = sqlx::query(&format!(
            "select date_format(`applied_at`, '%Y-%m-%d %H:%i:%s'), `cli_version`, `sha256`, cast(`statements` as signed), `duration_ms` from {} where `finished` order by `id` desc limit 1",
            ident(table)
        ))
        .fetch_optional(&mut self.conn)
        .await
        .map_err(|e| self.err("cannot read the history of", e))?;
        Ok(row.map(|r| HistoryRow {
            applied_at: r.get(0),
            cli_version: r.get(1),
            sha256: r.get(2),
            statements: r.get(3),
            duration_ms: r.get(4),
        }))
    }
}

fn ident(s: &str) -> String {
    format!("`{}`", s.replace('`', "``"))
}

fn literal(s: &str) -> String {
    format!("'{}'", s.replace('\\', "\\\\").replace('\'', "''"))
}

impl Mysql {
    /// Runs row statements in one transaction.
    pub async fn write_rows(&mut self, stmts: &[super::rows::Stmt]) -> Result<()> {
        super::rows::mysql_write(&mut self.conn, &self.target, stmts).await
    }

    /// The first column of a query's rows, as text.
    pub async fn read_texts(&mut self, stmt: &super::rows::Stmt) -> Result<Vec<String>> {
        super::rows::mysql_read(&mut self.conn, &self.target, stmt).await
    }
}
