//! The files workflow with sqlx's own migrator (issue 13): `rustauth generate` writes
//! `<version>_rustauth_<what>.sql` into `migrations/` (sqlx's default source), next to the
//! app's own migrations; `sqlx::migrate::Migrator` applies them all; after a plugin is
//! added, the next file holds only the difference; `db status --check` is 0 at the end; and
//! `rustauth migrate` refuses a database whose `_sqlx_migrations` records rustauth files.

mod common;

use std::path::{Path, PathBuf};

use common::*;

/// The `.sql` file names in `dir`, sorted.
fn sql_files(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.ends_with(".sql"))
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

/// Applies every migration of `dir` with sqlx's migrator, as `sqlx migrate run` and
/// `sqlx::migrate!()` do.
fn sqlx_run(db: &ScratchDb, dir: &Path) -> Result<(), String> {
    let dir = dir.to_path_buf();
    let mut conn = db.conn();
    block_on(async move {
        let migrator = sqlx::migrate::Migrator::new(dir)
            .await
            .map_err(|e| e.to_string())?;
        let r = match &mut conn {
            Conn::Pg(c) => migrator.run(c).await,
            Conn::My(c) => migrator.run(c).await,
            Conn::Lite(c) => migrator.run(c).await,
        };
        r.map_err(|e| e.to_string())
    })
}

/// `^\d{14}_rustauth_<what>\.sql$`.
fn is_rustauth_file(name: &str, what: &str) -> bool {
    name.len() > 14
        && name[..14].bytes().all(|b| b.is_ascii_digit())
        && name[14..] == format!("_rustauth_{what}.sql")
}

fn workflow(engine: Engine) {
    let Some(db) = ScratchDb::new(engine) else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let config = write_config(
        tmp.path(),
        &format!(
            "[project]\nbetter_auth = \"1.7\"\n\n[database]\nadapter = \"sqlx\"\nprovider = \"{}\"\n",
            engine.dialect()
        ),
    );
    let migrations = tmp.path().join("migrations");
    std::fs::create_dir_all(&migrations).unwrap();
    // The app's own migration, before and beside rustauth's.
    std::fs::write(
        migrations.join("20000101000000_app_posts.sql"),
        "create table posts (id integer primary key, title text);\n",
    )
    .unwrap();

    let r = run_config(&config, &db.url, &["generate", "--yes"]);
    assert_eq!(r.code, 0, "first generate\n{}", r.both());
    let files = sql_files(&migrations);
    assert_eq!(files.len(), 2, "{files:?}");
    assert!(is_rustauth_file(&files[1], "init"), "{files:?}");
    sqlx_run(&db, &migrations).unwrap_or_else(|e| panic!("sqlx run 1 ({files:?}): {e}"));
    let r = run_config(&config, &db.url, &["db", "status", "--check"]);
    assert_eq!(r.code, 0, "status after the first file\n{}", r.both());
    assert!(r.stdout.contains("Managed by sqlx:"), "{}", r.both());

    let r = run_config(&config, &db.url, &["plugins", "add", "two-factor"]);
    assert_eq!(r.code, 0, "plugins add\n{}", r.both());
    let r = run_config(&config, &db.url, &["db", "status", "--check"]);
    assert_eq!(r.code, 3, "status with two-factor pending\n{}", r.both());
    // sqlx applies this database's files: the way forward is a new file, not migrate.
    assert!(
        r.stdout.contains(
            "Managed by sqlx: _sqlx_migrations records 1 rustauth file(s) (rustauth init)"
        ),
        "{}",
        r.both()
    );
    assert!(
        r.stderr
            .trim_end()
            .ends_with("run `rustauth generate` and `sqlx migrate run`"),
        "{}",
        r.both()
    );
    let r = run_config(&config, &db.url, &["db", "status", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).expect("db status --json");
    assert_eq!(v["version"], 1);
    assert_eq!(v["sqlx_files"], serde_json::json!(["rustauth init"]));
    let r = run_config(&config, &db.url, &["doctor", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).expect("doctor --json");
    let schema = v["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "schema")
        .expect("a schema check");
    assert!(
        schema["fix"].as_str().unwrap().contains("sqlx migrate run"),
        "{schema}"
    );
    let r = run_config(&config, &db.url, &["generate", "--yes"]);
    assert_eq!(r.code, 0, "second generate\n{}", r.both());
    let files = sql_files(&migrations);
    assert_eq!(files.len(), 3, "{files:?}");
    assert!(is_rustauth_file(&files[2], "add_two_factor"), "{files:?}");
    let second = std::fs::read_to_string(migrations.join(&files[2])).unwrap();
    assert!(
        !second.contains("create table \"user\"") && !second.contains("create table `user`"),
        "the second file creates user again:\n{second}"
    );
    sqlx_run(&db, &migrations).unwrap_or_else(|e| panic!("sqlx run 2 ({files:?}): {e}"));

    let r = run_config(&config, &db.url, &["db", "status", "--check"]);
    assert_eq!(
        r.code,
        0,
        "status after sqlx applied everything\n{}",
        r.both()
    );
    let r = run_config(&config, &db.url, &["generate", "--yes"]);
    assert_eq!(r.code, 0, "{}", r.both());
    assert!(
        r.stdout.contains("Your schema is already up to date."),
        "{}",
        r.both()
    );
    assert_eq!(sql_files(&migrations).len(), 3);
    // sqlx's migrator applies nothing more: a second run is a no-op.
    sqlx_run(&db, &migrations).unwrap_or_else(|e| panic!("sqlx run 3: {e}"));

    // The other workflow on this database is refused, naming both ways out.
    let before = db.catalog();
    for args in [&["migrate", "--yes"][..], &["migrate", "--dry-run"][..]] {
        let r = run_config(&config, &db.url, args);
        r.assert_one_line_error("migrate on a sqlx-managed database");
        for needle in [
            "_sqlx_migrations",
            "rustauth init, rustauth add two factor",
            "sqlx migrate run",
            "delete those rows",
        ] {
            assert!(r.stderr.contains(needle), "{needle}: {}", r.both());
        }
    }
    assert_eq!(
        db.catalog(),
        before,
        "a refused migrate changed the database"
    );
    assert_eq!(db.history_rows(), 0, "a refused migrate wrote history");
}

#[test]
fn sqlx_applies_generated_files_sqlite() {
    workflow(Engine::Sqlite);
}

#[test]
fn sqlx_applies_generated_files_postgres() {
    workflow(Engine::Postgres);
}

#[test]
fn sqlx_applies_generated_files_mysql() {
    workflow(Engine::Mysql);
}

/// A database migrated by `rustauth migrate` only (an unrelated `_sqlx_migrations` of the
/// app included) keeps migrating: only rows of rustauth files count.
#[test]
fn migrate_ignores_the_apps_own_sqlx_rows() {
    let Some(db) = ScratchDb::new(Engine::Sqlite) else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let config = write_config(
        tmp.path(),
        "[database]\nadapter = \"sqlx\"\nprovider = \"sqlite\"\n",
    );
    let app: PathBuf = tmp.path().join("app-migrations");
    std::fs::create_dir_all(&app).unwrap();
    std::fs::write(
        app.join("20000101000000_app_posts.sql"),
        "create table posts (id integer primary key);\n",
    )
    .unwrap();
    sqlx_run(&db, &app).unwrap();
    let r = run_config(&config, &db.url, &["migrate", "--yes"]);
    assert_eq!(r.code, 0, "{}", r.both());
    let r = run_config(&config, &db.url, &["db", "status", "--check"]);
    assert_eq!(r.code, 0, "{}", r.both());
    assert!(!r.stdout.contains("Managed by sqlx"), "{}", r.both());
}
