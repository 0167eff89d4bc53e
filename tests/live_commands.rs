//! `migrate`, `db status` and `generate` against live databases, beyond the parity
//! cases: no terminal without `--yes`, `--dry-run`, `db status --check` / `--json` (with
//! the last applied plan and blockers), live `generate` files (name, header, "already
//! written", `--force`, "up to date"), and PostgreSQL's `database.schema` and
//! `search_path` (a table of the same name in another schema does not count).
//!
//! Each test runs on SQLite and, when their test URLs are set, on PostgreSQL and MariaDB,
//! each engine in a database of its own.

mod common;

use std::path::{Path, PathBuf};
use std::time::Duration;

use common::*;
use serde_json::Value;

/// A password PostgreSQL's trust authentication accepts; it must never be printed.
const PW: &str = "Zq7xRustauthStatusPw4";

fn case(engine: Engine, group: &str) -> Case {
    let name = format!("{group}-{}", engine.dialect());
    parity_cases(engine.dialect(), false)
        .into_iter()
        .chain(parity_cases(engine.dialect(), true))
        .find(|c| c.name == name)
        .unwrap_or_else(|| panic!("no parity case {name}"))
}

/// The scratch database's URL; on PostgreSQL with a password (trust auth accepts it), so
/// the output can be checked for it.
fn url_with_password(db: &ScratchDb) -> String {
    match db.engine {
        Engine::Postgres => {
            let user = db
                .url
                .split_once("://")
                .and_then(|(_, r)| r.split_once('@'))
                .map(|(u, _)| u.split(':').next().unwrap_or("postgres").to_string())
                .unwrap_or_else(|| "postgres".into());
            with_userinfo(&db.url, &format!("{user}:{PW}"))
        }
        _ => db.url.clone(),
    }
}

/// Runs `f` for every engine whose database is available, the engines in parallel (a
/// failure on one fails the test and names the engine).
fn each_engine(f: impl Fn(ScratchDb) + Sync) {
    std::thread::scope(|s| {
        let handles: Vec<_> = Engine::ALL
            .into_iter()
            .map(|engine| {
                let f = &f;
                std::thread::Builder::new()
                    .name(format!("{engine:?}"))
                    .spawn_scoped(s, move || {
                        if let Some(db) = ScratchDb::new(engine) {
                            f(db);
                        }
                    })
                    .unwrap()
            })
            .collect();
        let failed: Vec<String> = handles
            .into_iter()
            .zip(Engine::ALL)
            .filter_map(|(h, e)| h.join().is_err().then(|| format!("{e:?}")))
            .collect();
        assert!(failed.is_empty(), "failed on {}", failed.join(", "));
    });
}

#[test]
fn no_terminal_without_yes_exits_1_and_changes_nothing() {
    each_engine(|db| {
        let e = db.engine;
        let c = case(e, "core");
        let run = run_config(&c.config(), &db.url, &["migrate"]);
        run.assert_one_line_error(&format!("{e:?} migrate without --yes"));
        assert!(run.stderr.contains("--yes"), "{e:?}\n{}", run.both());
        assert!(
            run.elapsed < Duration::from_secs(20),
            "{e:?}: took {:?}",
            run.elapsed
        );
        assert!(
            db.catalog().tables.is_empty(),
            "{e:?}: the database changed"
        );

        // generate (live) asks before writing a new file: no terminal, no file.
        let tmp = tempfile::tempdir().unwrap();
        let config = tmp.path().join("rustauth.toml");
        std::fs::copy(c.config(), &config).unwrap();
        let run = run_config(&config, &db.url, &["generate"]);
        run.assert_one_line_error(&format!("{e:?} generate without --yes"));
        assert!(
            sql_files(&tmp.path().join("migrations")).is_empty(),
            "{e:?}: generate wrote a file without --yes"
        );
    });
}

#[test]
fn dry_run_prints_the_plan_and_changes_nothing() {
    each_engine(|db| {
        let e = db.engine;
        let c = case(e, "core");
        for args in [
            &["migrate", "--dry-run"][..],
            &["migrate", "--dry-run", "--yes"],
        ] {
            let run = run_config(&c.config(), &db.url, args);
            assert_eq!(run.code, 0, "{e:?} {args:?}\n{}", run.both());
            assert!(
                run.stdout.contains(&c.expected_sql()),
                "{e:?} {args:?}: the plan's SQL is not printed\n{}",
                run.both()
            );
            assert!(
                run.stderr.contains("Dry run: nothing was changed."),
                "{e:?} {args:?}\n{}",
                run.both()
            );
            assert!(
                db.catalog().tables.is_empty(),
                "{e:?} {args:?}: the database changed"
            );
        }
    });
}

fn status_json(config: &Path, url: &str) -> Value {
    let run = run_config(config, url, &["db", "status", "--json"]);
    assert_eq!(run.code, 0, "db status --json\n{}", run.both());
    serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("db status --json is not JSON ({e})\n{}", run.both()))
}

fn keys(v: &Value) -> Vec<&str> {
    v.as_object()
        .expect("an object")
        .keys()
        .map(String::as_str)
        .collect()
}

#[test]
fn db_status_check_and_json() {
    each_engine(|db| {
        let e = db.engine;
        let c = case(e, "core");
        let url = url_with_password(&db);
        let expected = c.expected_sql();

        let check = run_config(&c.config(), &url, &["db", "status", "--check"]);
        assert_eq!(
            check.code,
            3,
            "{e:?}: pending, --check exits 3\n{}",
            check.both()
        );

        let v = status_json(&c.config(), &url);
        let text = v.to_string();
        assert!(!text.contains(PW), "{e:?}: the password is in the JSON");
        assert_eq!(
            keys(&v),
            [
                "version",
                "database",
                "provider",
                "namespace",
                "up_to_date",
                "pending",
                "blockers",
                "warnings",
                "drift",
                "schema_problems",
                "unsafe_changes",
                "name_errors",
                "last_applied",
                "interrupted",
                "sqlx_files"
            ],
            "{e:?}: top-level keys"
        );
        assert_eq!(v["version"], 1, "{e:?}");
        assert!(v["sqlx_files"].is_null(), "{e:?}: no sqlx here");
        assert_eq!(
            keys(&v["pending"]),
            [
                "tables",
                "columns",
                "indexes",
                "resumed_indexes",
                "statements",
                "sql"
            ],
            "{e:?}: pending keys"
        );
        assert_eq!(v["provider"], e.dialect());
        let namespace = match e {
            Engine::Sqlite => "main",
            Engine::Postgres => "public",
            Engine::Mysql => db.name.as_str(),
        };
        assert_eq!(v["namespace"], namespace, "{e:?}");
        assert_eq!(v["up_to_date"], false);
        assert_eq!(
            v["pending"]["tables"],
            serde_json::json!(["user", "session", "account", "verification"])
        );
        assert_eq!(v["pending"]["sql"], expected.as_str(), "{e:?}: pending.sql");
        assert_eq!(
            v["pending"]["statements"],
            statements(&expected).len(),
            "{e:?}"
        );
        assert_eq!(
            v["pending"]["indexes"],
            serde_json::json!([
                "session_userId_idx",
                "account_userId_idx",
                "verification_identifier_idx"
            ])
        );
        assert_eq!(v["last_applied"], Value::Null, "{e:?}: nothing applied yet");

        let m = run_config(&c.config(), &url, &["migrate", "--yes"]);
        assert_eq!(m.code, 0, "{e:?}\n{}", m.both());
        assert!(!m.stdout.contains(PW) && !m.stderr.contains(PW));

        let check = run_config(&c.config(), &url, &["db", "status", "--check"]);
        assert_eq!(check.code, 0, "{e:?}: up to date\n{}", check.both());
        assert!(
            check.stdout.contains("Up to date"),
            "{e:?}\n{}",
            check.both()
        );

        let v = status_json(&c.config(), &url);
        assert_eq!(v["up_to_date"], true);
        assert_eq!(v["pending"]["statements"], 0);
        assert_eq!(v["pending"]["sql"], "");
        let last = &v["last_applied"];
        assert_eq!(
            keys(last),
            [
                "applied_at",
                "cli_version",
                "sha256",
                "statements",
                "duration_ms"
            ],
            "{e:?}: last_applied keys"
        );
        assert_eq!(last["sha256"], sha256_hex(&expected), "{e:?}");
        assert_eq!(last["statements"], statements(&expected).len(), "{e:?}");
        assert_eq!(last["cli_version"], env!("CARGO_PKG_VERSION"));
        let at = last["applied_at"].as_str().unwrap();
        assert!(
            at.len() == 19 && at.as_bytes()[4] == b'-' && at.as_bytes()[10] == b' ',
            "{e:?}: applied_at {at}"
        );
        assert!(last["duration_ms"].as_i64().is_some_and(|d| d >= 0));

        let text = run_config(&c.config(), &url, &["db", "status"]);
        assert_eq!(text.code, 0);
        assert!(
            text.stdout
                .contains(&format!("sha256 {}", sha256_hex(&expected)))
                && text.stdout.contains("Last applied: "),
            "{e:?}: the text output shows the last applied plan\n{}",
            text.both()
        );
        assert!(!text.stdout.contains(PW));
    });
}

#[test]
fn db_status_reports_blockers() {
    each_engine(|db| {
        let e = db.engine;
        let c = case(e, "incr-missing-columns");
        db.exec_script(&c.before_sql().unwrap());
        let mut conn = db.conn();
        insert_one_row_per_table(&mut conn, &db.catalog());
        conn.close();

        let check = run_config(&c.config(), &db.url, &["db", "status", "--check"]);
        assert_eq!(check.code, 3, "{e:?}\n{}", check.both());
        assert!(
            check.stdout.contains("Blocked: user.emailVerified"),
            "{e:?}\n{}",
            check.both()
        );

        let v = status_json(&c.config(), &db.url);
        let blockers = v["blockers"].as_array().expect("blockers");
        assert_eq!(blockers.len(), 1, "{e:?}: {v:#}");
        let b = &blockers[0];
        assert_eq!(
            keys(b),
            ["table", "column", "statement", "reason", "fix"],
            "{e:?}"
        );
        assert_eq!(b["table"], "user");
        assert_eq!(b["column"], "emailVerified");
        assert_eq!(
            b["statement"],
            c.blockers()[0].as_str(),
            "{e:?}: the statement of blockers.txt"
        );
    });
}

fn sql_files(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.flatten()
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "sql"))
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

fn assert_plan_file(path: &Path, expected: &str, what: &str) {
    let name = path.file_name().unwrap().to_string_lossy();
    assert!(
        name.len() > 27
            && name[14..].starts_with("_rustauth_")
            && name.ends_with(".sql")
            && name[..14].bytes().all(|b| b.is_ascii_digit()),
        "{what}: {name} is not <14 digits>_rustauth_<what>.sql"
    );
    let text = std::fs::read_to_string(path).unwrap();
    let (first, rest) = text.split_once('\n').unwrap();
    let hex = first
        .strip_prefix(PLAN_HEADER)
        .unwrap_or_else(|| panic!("{what}: first line {first:?}"));
    assert!(
        hex.len() == 64 && hex.bytes().all(|b| b.is_ascii_hexdigit()),
        "{what}: {first}"
    );
    assert_eq!(hex, sha256_hex(expected), "{what}: the header's hash");
    assert_eq!(rest, format!("{expected}\n"), "{what}: the SQL");
}

#[test]
fn generate_against_a_live_database() {
    each_engine(|db| {
        let e = db.engine;
        let c = case(e, "core");
        let expected = c.expected_sql();
        let tmp = tempfile::tempdir().unwrap();
        let config = tmp.path().join("rustauth.toml");
        std::fs::copy(c.config(), &config).unwrap();
        let dir = tmp.path().join("migrations"); // database.migrations_dir

        let run = run_config(&config, &db.url, &["generate", "--yes"]);
        assert_eq!(run.code, 0, "{e:?}\n{}", run.both());
        assert!(
            run.stdout.contains("Schema written to"),
            "{e:?}\n{}",
            run.both()
        );
        let files = sql_files(&dir);
        assert_eq!(files.len(), 1, "{e:?}: {files:?}");
        assert_plan_file(&files[0], &expected, &format!("{e:?} first generate"));

        let again = run_config(&config, &db.url, &["generate", "--yes"]);
        assert_eq!(again.code, 0, "{e:?}\n{}", again.both());
        assert!(
            again.stdout.contains("already written"),
            "{e:?}: same plan\n{}",
            again.both()
        );
        assert_eq!(sql_files(&dir), files, "{e:?}: nothing new written");

        // A new file name needs a new second.
        std::thread::sleep(Duration::from_millis(1100));
        let forced = run_config(&config, &db.url, &["generate", "--yes", "--force"]);
        assert_eq!(forced.code, 0, "{e:?}\n{}", forced.both());
        assert!(
            forced.stdout.contains("Schema written to"),
            "{e:?}\n{}",
            forced.both()
        );
        let files = sql_files(&dir);
        assert_eq!(files.len(), 2, "{e:?}: --force writes again: {files:?}");
        assert_plan_file(&files[1], &expected, &format!("{e:?} --force"));
        assert_eq!(db.history_rows(), 0, "{e:?}: generate applies nothing");
        assert!(
            db.catalog().tables.is_empty(),
            "{e:?}: generate changed the database"
        );

        let m = run_config(&config, &db.url, &["migrate", "--yes"]);
        assert_eq!(m.code, 0, "{e:?}\n{}", m.both());
        let done = run_config(&config, &db.url, &["generate", "--yes"]);
        assert_eq!(done.code, 0, "{e:?}\n{}", done.both());
        assert!(
            done.stdout.contains("Your schema is already up to date."),
            "{e:?}\n{}",
            done.both()
        );
        assert_eq!(
            sql_files(&dir).len(),
            2,
            "{e:?}: nothing written when up to date"
        );
    });
}

fn core_expected_postgres() -> Catalog {
    expected_catalog(
        &case(Engine::Postgres, "core").expected_sql(),
        Engine::Postgres,
    )
}

/// `database.schema = "auth"`, with a decoy `public."user"` that must not count.
#[test]
fn postgres_database_schema() {
    let Some(db) = ScratchDb::new(Engine::Postgres) else {
        return;
    };
    db.exec("create schema auth");
    db.exec("create table public.\"user\" (\"id\" integer)");
    let decoy = db.catalog_in(Some("public"));
    let tmp = tempfile::tempdir().unwrap();
    let config = write_config(
        tmp.path(),
        "[database]\nadapter = \"sqlx\"\nprovider = \"postgres\"\nschema = \"auth\"\n",
    );

    let v = status_json(&config, &db.url);
    assert_eq!(v["namespace"], "auth");
    assert_eq!(
        v["pending"]["tables"],
        serde_json::json!(["user", "session", "account", "verification"]),
        "public.\"user\" must not count"
    );

    let m = run_config(&config, &db.url, &["migrate", "--yes"]);
    assert_eq!(m.code, 0, "{}", m.both());
    let expected = core_expected_postgres();
    let auth = db.catalog_in(Some("auth"));
    assert!(
        auth.tables.contains_key(HISTORY),
        "history in the auth schema"
    );
    let diff = catalog_diff(
        &expected,
        &auth
            .without(&[HISTORY])
            .normalized_against(&expected, Engine::Postgres),
    );
    assert!(diff.is_empty(), "auth schema:\n  {}", diff.join("\n  "));
    assert_eq!(db.catalog_in(Some("public")), decoy, "public changed");

    let check = run_config(&config, &db.url, &["db", "status", "--check"]);
    assert_eq!(check.code, 0, "{}", check.both());
}

/// A `database.schema` that does not exist: the 1.7 line's plan creates it first (its
/// `create schema if not exists`), and migrate applies that; the 1.6 line's plan does not,
/// and migrate refuses before its first statement, naming the schema.
#[test]
fn postgres_missing_database_schema() {
    let Some(db) = ScratchDb::new(Engine::Postgres) else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let config = |line: &str, schema: &str| {
        write_config(
            tmp.path(),
            &format!(
                "[project]\nbetter_auth = \"{line}\"\n\n[database]\nadapter = \"sqlx\"\nprovider = \"postgres\"\nschema = \"{schema}\"\n"
            ),
        )
    };

    let old = config("1.6", "auth16");
    let before = db.catalog_in(Some("auth16"));
    let m = run_config(&old, &db.url, &["migrate", "--yes"]);
    m.assert_one_line_error("1.6: a schema that does not exist");
    assert!(
        m.stderr.contains("schema \"auth16\" does not exist"),
        "{}",
        m.both()
    );
    assert_eq!(
        db.catalog_in(Some("auth16")),
        before,
        "1.6 changed something"
    );

    let new = config("1.7", "auth17");
    let m = run_config(&new, &db.url, &["migrate", "--yes"]);
    assert_eq!(m.code, 0, "1.7 creates the schema\n{}", m.both());
    let auth = db.catalog_in(Some("auth17"));
    assert!(auth.tables.contains_key("user"), "{:?}", auth.tables.keys());
    assert!(auth.tables.contains_key(HISTORY), "history in auth17");
    let check = run_config(&new, &db.url, &["db", "status", "--check"]);
    assert_eq!(check.code, 0, "{}", check.both());
}

/// No `database.schema`: the first schema of the search_path (`app`), with decoys of the
/// same names in `public`, the path's second entry.
#[test]
fn postgres_search_path() {
    let Some(db) = ScratchDb::new(Engine::Postgres) else {
        return;
    };
    db.exec("create schema app");
    db.exec(&format!(
        "alter database \"{}\" set search_path = app, public",
        db.name
    ));
    db.exec("create table public.\"user\" (\"id\" integer)");
    db.exec("create table public.\"account\" (\"id\" integer)");
    let decoy = db.catalog_in(Some("public"));
    let c = case(Engine::Postgres, "core");

    let v = status_json(&c.config(), &db.url);
    assert_eq!(v["namespace"], "app");
    assert_eq!(
        v["pending"]["tables"],
        serde_json::json!(["user", "session", "account", "verification"]),
        "the public decoys must not count"
    );
    let m = run_config(&c.config(), &db.url, &["migrate", "--yes"]);
    assert_eq!(m.code, 0, "{}", m.both());
    let expected = core_expected_postgres();
    let app = db.catalog_in(Some("app"));
    let diff = catalog_diff(
        &expected,
        &app.without(&[HISTORY])
            .normalized_against(&expected, Engine::Postgres),
    );
    assert!(diff.is_empty(), "app schema:\n  {}", diff.join("\n  "));
    assert_eq!(db.catalog_in(Some("public")), decoy, "public changed");
    let again = run_config(&c.config(), &db.url, &["migrate", "--yes"]);
    assert!(
        again.stdout.contains("No migrations needed."),
        "{}",
        again.both()
    );
}

/// A history table written before it had a `finished` column (SQLite, PostgreSQL) is
/// still read and written: those engines never record a plan unfinished.
#[test]
fn a_history_table_without_finished_keeps_working() {
    for engine in [Engine::Sqlite, Engine::Postgres] {
        let Some(db) = ScratchDb::new(engine) else {
            continue;
        };
        // The shape earlier builds created, `finished` aside.
        let (id, applied_at) = match engine {
            Engine::Sqlite => (
                "integer primary key autoincrement",
                "text not null default '2026-01-01 00:00:00'",
            ),
            _ => (
                "bigint generated by default as identity primary key",
                "timestamptz not null default '2026-01-01 00:00:00+00'",
            ),
        };
        db.exec(&format!(
            "create table \"{HISTORY}\" (\"id\" {id}, \"applied_at\" {applied_at}, \"cli_version\" text not null, \"sha256\" text not null, \"statements\" integer not null, \"duration_ms\" bigint not null, \"sql\" text not null)"
        ));
        let c = case(engine, "core");
        let m = run_config(&c.config(), &db.url, &["migrate", "--yes"]);
        assert_eq!(m.code, 0, "{engine:?}: migrate\n{}", m.both());
        let s = run_config(&c.config(), &db.url, &["db", "status", "--check"]);
        assert_eq!(s.code, 0, "{engine:?}: db status\n{}", s.both());
        assert!(
            s.stdout
                .contains("Last applied: 2026-01-01 00:00:00 UTC by rustauth "),
            "{engine:?}: {}",
            s.both()
        );
        assert_eq!(db.history_rows(), 1, "{engine:?}");
    }
}
