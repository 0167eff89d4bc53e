//! `migrations/<dialect>/`: the core schema as reference migrations, written by
//! `scripts/update-reference-migrations.sh`. These tests fail when a file differs from
//! what the tool says today, and check that sqlx's migrator accepts the folders and runs
//! them: SQLite always, PostgreSQL and MySQL when `RUSTAUTH_TEST_POSTGRES_URL` /
//! `RUSTAUTH_TEST_MYSQL_URL` are set (each in a scratch database, dropped afterwards).

mod common;

use std::path::PathBuf;
use std::str::FromStr;

use sha2::{Digest, Sha256};
use sqlx::migrate::Migrator;

const VERSION: i64 = 20261126000000;
const DIALECTS: [&str; 4] = ["sqlite", "postgres", "mysql", "mssql"];
const CORE_TABLES: [&str; 4] = ["user", "session", "account", "verification"];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn folder(dialect: &str) -> PathBuf {
    root().join("migrations").join(dialect)
}

fn file(dialect: &str) -> PathBuf {
    folder(dialect).join(format!("{VERSION}_rustauth_core.sql"))
}

/// `schema print --dialect D` with no config (run in an empty folder).
fn schema_print(dialect: &str) -> String {
    let cwd = tempfile::tempdir().unwrap();
    let out = common::rustauth_in(cwd.path())
        .args(["schema", "print", "--dialect", dialect])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let s = String::from_utf8(out.stdout).unwrap();
    s.strip_suffix('\n').unwrap_or(&s).to_string()
}

fn sha256_hex(s: &str) -> String {
    Sha256::digest(s.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[test]
fn reference_migrations_match_schema_print() {
    let hint = "run scripts/update-reference-migrations.sh";
    for d in DIALECTS {
        let names: Vec<String> = std::fs::read_dir(folder(d))
            .unwrap_or_else(|e| panic!("migrations/{d}: {e}"))
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(
            names,
            vec![format!("{VERSION}_rustauth_core.sql")],
            "migrations/{d} must hold exactly the core file; {hint}"
        );
        let text = std::fs::read_to_string(file(d)).unwrap();
        let sql = schema_print(d);
        let want = format!("-- rustauth plan sha256:{}\n{sql}\n", sha256_hex(&sql));
        assert!(
            text == want,
            "migrations/{d}/{VERSION}_rustauth_core.sql differs from `schema print --dialect {d}`; {hint}"
        );
        // And the tool agrees with Better Auth 1.6.9 (the parity case of the core schema).
        let golden = std::fs::read_to_string(
            root().join(format!("tests/fixtures/parity/core-{d}/expected.sql")),
        )
        .unwrap();
        assert_eq!(sql, golden, "core-{d}");
    }
}

#[test]
fn update_script_exists_and_is_executable() {
    let script = root().join("scripts/update-reference-migrations.sh");
    let meta = std::fs::metadata(&script).expect("scripts/update-reference-migrations.sh");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert!(meta.permissions().mode() & 0o111 != 0, "not executable");
    }
    let text = std::fs::read_to_string(&script).unwrap();
    assert!(
        text.contains(&format!("VERSION={VERSION}")),
        "the script and this test must agree on the version"
    );
}

/// The migrator sees one migration, with the version and description of the file name.
async fn migrator(dialect: &str) -> Migrator {
    let m = Migrator::new(folder(dialect).as_path())
        .await
        .unwrap_or_else(|e| panic!("sqlx rejects migrations/{dialect}: {e}"));
    let all: Vec<_> = m.iter().collect();
    assert_eq!(all.len(), 1, "migrations/{dialect}");
    assert_eq!(all[0].version, VERSION);
    assert_eq!(all[0].description, "rustauth core");
    m
}

#[tokio::test]
async fn sqlx_runs_the_sqlite_folder() {
    use sqlx::sqlite::{SqliteConnectOptions, SqlitePoolOptions};
    let dir = tempfile::tempdir().unwrap();
    let opts = SqliteConnectOptions::new()
        .filename(dir.path().join("auth.db"))
        .create_if_missing(true)
        .foreign_keys(true);
    let pool = SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(opts)
        .await
        .unwrap();
    let m = migrator("sqlite").await;
    m.run(&pool).await.expect("sqlx applies migrations/sqlite");
    // A second run finds it applied (and its checksum unchanged).
    m.run(&pool).await.expect("idempotent");

    let tables: Vec<String> = sqlx::query_scalar(
        "select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    for t in CORE_TABLES {
        assert!(tables.iter().any(|n| n == t), "{t} in {tables:?}");
    }
    let applied: Vec<(i64, bool)> = sqlx::query_as("select version, success from _sqlx_migrations")
        .fetch_all(&pool)
        .await
        .unwrap();
    assert_eq!(applied, vec![(VERSION, true)]);
    let indexes: i64 = sqlx::query_scalar(
        "select count(*) from sqlite_master where type = 'index' and name like '%_idx'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(
        indexes, 3,
        "session_userId_idx, account_userId_idx, verification_identifier_idx"
    );
    // The schema works: a user with a session, and the foreign key holds.
    sqlx::query(
        "insert into \"user\" (id, name, email, emailVerified, createdAt, updatedAt) values ('u1', 'A', 'a@example.com', 0, '2026-01-01', '2026-01-01')",
    )
    .execute(&pool)
    .await
    .unwrap();
    sqlx::query("insert into session (id, expiresAt, token, createdAt, updatedAt, userId) values ('s1', '2026-01-02', 't', '2026-01-01', '2026-01-01', 'u1')")
        .execute(&pool)
        .await
        .unwrap();
    let orphan = sqlx::query("insert into session (id, expiresAt, token, createdAt, updatedAt, userId) values ('s2', '2026-01-02', 't2', '2026-01-01', '2026-01-01', 'nobody')")
        .execute(&pool)
        .await;
    assert!(orphan.is_err(), "the foreign key to user is enforced");
    pool.close().await;
}

/// The server URL from `var`, or `None` (skip, with the reason printed) when unset and
/// `RUSTAUTH_TEST_REQUIRE_SERVERS` is not `1`.
fn server_url(var: &str) -> Option<String> {
    match std::env::var(var) {
        Ok(url) if !url.is_empty() => Some(url),
        _ if std::env::var("RUSTAUTH_TEST_REQUIRE_SERVERS").as_deref() == Ok("1") => {
            panic!("{var} is not set and RUSTAUTH_TEST_REQUIRE_SERVERS=1")
        }
        _ => {
            common::say_skipped(&format!("{var} is not set (see README.md, Database tests)"));
            None
        }
    }
}

fn scratch_name() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos();
    format!("rustauth_refmig_{}_{nanos}", std::process::id())
}

#[tokio::test]
async fn sqlx_runs_the_postgres_folder() {
    use sqlx::Connection;
    use sqlx::postgres::{PgConnectOptions, PgConnection};
    let Some(url) = server_url("RUSTAUTH_TEST_POSTGRES_URL") else {
        return;
    };
    let admin_opts = PgConnectOptions::from_str(&url).expect("RUSTAUTH_TEST_POSTGRES_URL");
    let mut admin = PgConnection::connect_with(&admin_opts)
        .await
        .unwrap_or_else(|e| panic!("cannot connect to RUSTAUTH_TEST_POSTGRES_URL: {e}"));
    let db = scratch_name();
    sqlx::raw_sql(&format!("create database \"{db}\""))
        .execute(&mut admin)
        .await
        .unwrap();
    let result = async {
        let mut conn = PgConnection::connect_with(&admin_opts.clone().database(&db)).await?;
        migrator("postgres").await.run(&mut conn).await?;
        let tables: Vec<String> = sqlx::query_scalar(
            "select table_name::text from information_schema.tables where table_schema = 'public' order by 1",
        )
        .fetch_all(&mut conn)
        .await?;
        conn.close().await?;
        Ok::<_, Box<dyn std::error::Error>>(tables)
    }
    .await;
    sqlx::raw_sql(&format!("drop database if exists \"{db}\" with (force)"))
        .execute(&mut admin)
        .await
        .unwrap();
    let tables = result.expect("sqlx applies migrations/postgres");
    for t in CORE_TABLES {
        assert!(tables.iter().any(|n| n == t), "{t} in {tables:?}");
    }
}

#[tokio::test]
async fn sqlx_runs_the_mysql_folder() {
    use sqlx::Connection;
    use sqlx::mysql::{MySqlConnectOptions, MySqlConnection};
    let Some(url) = server_url("RUSTAUTH_TEST_MYSQL_URL") else {
        return;
    };
    let admin_opts = MySqlConnectOptions::from_str(&url).expect("RUSTAUTH_TEST_MYSQL_URL");
    let mut admin = MySqlConnection::connect_with(&admin_opts)
        .await
        .unwrap_or_else(|e| panic!("cannot connect to RUSTAUTH_TEST_MYSQL_URL: {e}"));
    let db = scratch_name();
    sqlx::raw_sql(&format!("create database `{db}`"))
        .execute(&mut admin)
        .await
        .unwrap();
    let result = async {
        let mut conn = MySqlConnection::connect_with(&admin_opts.clone().database(&db)).await?;
        migrator("mysql").await.run(&mut conn).await?;
        let tables: Vec<String> = sqlx::query_scalar(
            "select cast(table_name as char) from information_schema.tables where table_schema = database() order by 1",
        )
        .fetch_all(&mut conn)
        .await?;
        conn.close().await?;
        Ok::<_, Box<dyn std::error::Error>>(tables)
    }
    .await;
    sqlx::raw_sql(&format!("drop database if exists `{db}`"))
        .execute(&mut admin)
        .await
        .unwrap();
    let tables = result.expect("sqlx applies migrations/mysql");
    for t in CORE_TABLES {
        assert!(tables.iter().any(|n| n == t), "{t} in {tables:?}");
    }
}

#[tokio::test]
async fn sqlx_reads_the_mssql_folder() {
    // No SQL Server to run it on (sqlx 0.8 has no mssql driver): the folder must still
    // be one that sqlx's migrator reads.
    migrator("mssql").await;
}
