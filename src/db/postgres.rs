//! PostgreSQL: connect, introspect (pg_catalog, one schema), advisory lock, transactional
//! apply, history.

use std::collections::HashSet;
use std::str::FromStr;
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};
use sqlx::postgres::{PgConnectOptions, PgConnection};
use sqlx::{ConnectOptions, Connection, Executor, Row};

use super::catalog::*;
use super::{ApplyError, DbError, HistoryEntry, HistoryRow, Result, Target};

pub struct Postgres {
    target: Target,
    conn: PgConnection,
    /// The dedicated connection that holds the advisory lock.
    lock_conn: Option<PgConnection>,
    pub schema: String,
    /// Whether the schema exists (tables cannot be created in one that does not).
    schema_exists: bool,
    database: String,
}

impl Postgres {
    fn err(&self, doing: &str, e: sqlx::Error) -> DbError {
        DbError::sqlx(&self.target, doing, e)
    }

    async fn open(target: &Target) -> Result<PgConnection> {
        let opts = PgConnectOptions::from_str(target.url())
            .map_err(|e| {
                DbError(format!(
                    "unparseable database URL: {}",
                    target.driver_message(&e)
                ))
            })?
            .application_name("rustauth");
        opts.connect()
            .await
            .map_err(|e| DbError::sqlx(target, "cannot connect to", e))
    }

    pub async fn connect(target: &Target) -> Result<Postgres> {
        let mut conn = Self::open(target).await?;
        let row = conn
            .fetch_one("select current_database()::text, current_setting('search_path'), (select array_agg(nspname::text) from pg_catalog.pg_namespace), coalesce(pg_catalog.current_schema()::text, 'public')")
            .await
            .map_err(|e| DbError::sqlx(target, "cannot query", e))?;
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
            lock_conn: None,
            schema,
            schema_exists,
            database,
        })
    }

    pub async fn introspect(
        &mut self,
        names: &[String],
        index_names: &[String],
    ) -> Result<Catalog> {
        let names: Vec<String> = names.to_vec();
        let mut catalog = Catalog::default();
        if !index_names.is_empty() {
            // The names as given and lowercased (what an unquoted name becomes): an exact
            // match uses pg_class's name index, so thousands of other tables cost nothing.
            let mut names: Vec<String> = index_names.to_vec();
            names.extend(index_names.iter().map(|n| n.to_lowercase()));
            let rows = sqlx::query(
                "select i.relname::text, t.relname::text from pg_catalog.pg_class i \
                 join pg_catalog.pg_namespace n on n.oid = i.relnamespace \
                 join pg_catalog.pg_index ix on ix.indexrelid = i.oid \
                 join pg_catalog.pg_class t on t.oid = ix.indrelid \
                 where n.nspname = $1 and i.relname = any($2::name[])",
            )
            .bind(&self.schema)
            .bind(&names)
            .fetch_all(&mut self.conn)
            .await
            .map_err(|e| self.err("cannot read the indexes of", e))?;
            for r in rows {
                catalog.named_indexes.push((r.get(0), r.get(1)));
            }
        }
        let cols = sqlx::query(
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
        .await
        .map_err(|e| self.err("cannot read the tables of", e))?;
        let idx = sqlx::query(
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
        .await
        .map_err(|e| self.err("cannot read the indexes of", e))?;
        let fks = sqlx::query(
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
        .await
        .map_err(|e| self.err("cannot read the foreign keys of", e))?;

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

    pub async fn tables_with_rows(&mut self, names: &[String]) -> Result<HashSet<String>> {
        let schema = ident(&self.schema);
        let sql = rows_query(names, literal, |n| format!("{schema}.{}", ident(n)), false);
        let rows = sqlx::query(&sql)
            .fetch_all(&mut self.conn)
            .await
            .map_err(|e| self.err("cannot count rows in", e))?;
        Ok(rows.iter().map(|r| r.get::<String, _>(0)).collect())
    }

    /// The advisory lock key: from "rustauth", the database and the schema.
    fn lock_key(&self) -> i64 {
        let digest =
            Sha256::digest(format!("rustauth\0{}\0{}", self.database, self.schema).as_bytes());
        i64::from_be_bytes(digest[..8].try_into().expect("8 bytes"))
    }

    pub async fn lock(&mut self, timeout: Duration) -> Result<()> {
        let mut conn = Self::open(&self.target).await?;
        let key = self.lock_key();
        let deadline = Instant::now() + timeout;
        loop {
            let got: bool = sqlx::query_scalar("select pg_try_advisory_lock($1)")
                .bind(key)
                .fetch_one(&mut conn)
                .await
                .map_err(|e| self.err("cannot take the migration lock on", e))?;
            if got {
                self.lock_conn = Some(conn);
                return Ok(());
            }
            if Instant::now() >= deadline {
                return Err(DbError(format!(
                    "another rustauth migrate holds the lock on {} (schema \"{}\"); waited {} s (--lock-timeout). Retry when it has finished",
                    self.target.describe(),
                    self.schema,
                    timeout.as_secs()
                )));
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    pub async fn unlock(&mut self) {
        if let Some(mut conn) = self.lock_conn.take() {
            let _ = sqlx::query("select pg_advisory_unlock($1)")
                .bind(self.lock_key())
                .execute(&mut conn)
                .await;
            let _ = conn.close().await;
        }
    }

    pub async fn apply(
        &mut self,
        statements: &[String],
        history: Option<HistoryEntry<'_>>,
    ) -> std::result::Result<(), ApplyError> {
        let total = statements.len();
        let schema = self.schema.clone();
        let target = self.target.clone();
        let fail = |applied: usize, e: sqlx::Error| ApplyError {
            applied,
            total,
            rolled_back: true,
            message: target.driver_message(&e),
        };
        // The 1.7 line's plan creates the schema it names (`database.schema`) first.
        let creates_schema = statements
            .first()
            .is_some_and(|s| s.starts_with("create schema if not exists "));
        if !self.schema_exists && !creates_schema {
            return Err(ApplyError {
                applied: 0,
                total,
                rolled_back: true,
                message: format!(
                    "schema {q} does not exist in database \"{}\"; create it (create schema {q};) or fix database.schema / search_path",
                    self.database,
                    q = ident(&schema)
                ),
            });
        }
        let start = Instant::now();
        let mut tx = self.conn.begin().await.map_err(|e| fail(0, e))?;
        tx.execute(format!("set local search_path to {}", ident(&schema)).as_str())
            .await
            .map_err(|e| fail(0, e))?;
        for (i, s) in statements.iter().enumerate() {
            tx.execute(s.as_str()).await.map_err(|e| fail(i, e))?;
        }
        if let Some(h) = history {
            let table = format!("{}.{}", ident(&schema), ident(h.table));
            tx.execute(
                format!(
                    "create table if not exists {table} (\"id\" bigint generated by default as identity primary key, \"applied_at\" timestamptz not null default now(), \"cli_version\" text not null, \"sha256\" text not null, \"statements\" integer not null, \"duration_ms\" bigint not null, \"sql\" text not null, \"finished\" boolean not null default true)"
                )
                .as_str(),
            )
            .await
            .map_err(|e| fail(total, e))?;
            sqlx::query(&format!(
                "insert into {table} (\"cli_version\", \"sha256\", \"statements\", \"duration_ms\", \"sql\") values ($1, $2, $3, $4, $5)"
            ))
            .bind(env!("CARGO_PKG_VERSION"))
            .bind(h.sha256)
            .bind(total as i32)
            .bind(super::elapsed_ms(start))
            .bind(h.sql)
            .execute(&mut *tx)
            .await
            .map_err(|e| fail(total, e))?;
        }
        tx.commit().await.map_err(|e| fail(total, e))?;
        Ok(())
    }

    pub async fn last_applied(&mut self, table: &str) -> Result<Option<HistoryRow>> {
        let exists: bool = sqlx::query_scalar(
            "select exists (select 1 from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace where n.nspname = $1 and c.relname = $2)",
        )
        .bind(&self.schema)
        .bind(table)
        .fetch_one(&mut self.conn)
        .await
        .map_err(|e| self.err("cannot read the history of", e))?;
        if !exists {
            return Ok(None);
        }
        let row = sqlx::query(&format!(
            "select to_char(\"applied_at\" at time zone 'UTC', 'YYYY-MM-DD HH24:MI:SS'), \"cli_version\", \"sha256\", \"statements\"::bigint, \"duration_ms\" from {}.{} order by \"id\" desc limit 1",
            ident(&self.schema),
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

/// Upstream's rule: the first entry of search_path that is not a variable, quotes
/// stripped; `public` when there is none.
pub fn first_schema(search_path: &str) -> String {
    search_path
        .split(',')
        .map(|s| s.trim().trim_matches(|c| c == '"' || c == '\'').to_string())
        .find(|s| !s.is_empty() && !s.starts_with('$') && !s.starts_with("\\$"))
        .unwrap_or_else(|| "public".into())
}

fn ident(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}

fn literal(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

impl Postgres {
    /// Runs row statements in one transaction, in the target schema.
    pub async fn write_rows(&mut self, stmts: &[super::rows::Stmt]) -> Result<()> {
        let path = format!("set local search_path to {}", ident(&self.schema));
        super::rows::postgres_write(&mut self.conn, &self.target, &path, stmts).await
    }

    /// The first column of a query's rows, as text, in the target schema.
    pub async fn read_texts(&mut self, stmt: &super::rows::Stmt) -> Result<Vec<String>> {
        let path = format!("set local search_path to {}", ident(&self.schema));
        super::rows::postgres_read(&mut self.conn, &self.target, &path, stmt).await
    }
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
