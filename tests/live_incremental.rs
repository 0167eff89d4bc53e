//! The incremental parity cases (`incr-*` and `upgrade-*`, with `before.sql`) of both
//! Better Auth lines against real databases: SQLite always, PostgreSQL and MariaDB when
//! their test URLs are set. One test per engine and line; every failing case is listed by
//! name.
//!
//! Per case, on the database `before.sql` builds:
//! * `generate --yes` writes `-- rustauth plan sha256:<sha256>` and then exactly
//!   `expected.sql` (nothing, and "Your schema is already up to date.", when it is empty),
//!   with upstream's type warnings (`warnings.txt`) on stderr;
//! * `db status --check` exits 3 when there is a plan, 0 when there is none;
//! * with one row in every table, `migrate --yes` refuses exactly the cases that have a
//!   `blockers.txt` (exit 1, the blocked statements named, upstream 1.7's own refusal
//!   text where it has one, the catalog and the rows unchanged, no history table); on
//!   PostgreSQL and MariaDB the same plan then applies once the tables are empty (the
//!   blockers are about rows), except a 1.7 schema problem, which rows do not cause;
//! * 1.7 `refused/` cases: generate and migrate exit 1 with upstream's message, nothing
//!   written or changed;
//! * the others apply, and the result equals a twin database where `before.sql` and then
//!   `expected.sql` were run statement by statement; a second run has nothing to do.

mod common;

use std::path::{Path, PathBuf};

use common::*;

/// `generate --yes` with a copy of the case's config in `dir`, output in `dir/out`.
fn generate(dir: &Path, case: &Case, url: &str) -> (Run, Vec<PathBuf>) {
    let config = dir.join("rustauth.toml");
    std::fs::copy(case.config(), &config).expect("copy rustauth.toml");
    let out = dir.join("out");
    let run = run_config(
        &config,
        url,
        &["generate", "--yes", "--output-dir", out.to_str().unwrap()],
    );
    let mut files: Vec<PathBuf> = std::fs::read_dir(&out)
        .map(|rd| rd.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    files.sort();
    (run, files)
}

fn is_versioned_name(p: &Path) -> bool {
    let name = p.file_name().unwrap().to_string_lossy();
    name.len() > "20260101000000_rustauth_.sql".len()
        && name[14..].starts_with("_rustauth_")
        && name.ends_with(".sql")
        && name[..14].bytes().all(|b| b.is_ascii_digit())
}

fn check_generate(db: &ScratchDb, case: &Case) -> Result<(), String> {
    let expected = case.expected_sql();
    let tmp = tempfile::tempdir().unwrap();
    let (run, files) = generate(tmp.path(), case, &db.url);
    if run.code != 0 {
        return Err(format!("generate failed\n{}", run.both()));
    }
    for w in case.warnings() {
        if !run.stderr.contains(&w) {
            return Err(format!(
                "generate did not warn `{w}` (warnings.txt)\n{}",
                run.both()
            ));
        }
    }
    if expected.is_empty() {
        if !run.stdout.contains("Your schema is already up to date.") || !files.is_empty() {
            return Err(format!(
                "expected \"Your schema is already up to date.\" and no file; files: {files:?}\n{}",
                run.both()
            ));
        }
        return Ok(());
    }
    let [file] = files.as_slice() else {
        return Err(format!(
            "expected one file, found {files:?}\n{}",
            run.both()
        ));
    };
    if !is_versioned_name(file) {
        return Err(format!(
            "{} is not <14 digits>_rustauth_<what>.sql",
            file.display()
        ));
    }
    let text = std::fs::read_to_string(file).unwrap();
    let want = format!("{PLAN_HEADER}{}\n{expected}\n", sha256_hex(&expected));
    if text != want {
        return Err(format!(
            "generate wrote something else than the header and expected.sql:\n--- expected\n{want}\n--- written\n{text}"
        ));
    }
    Ok(())
}

/// Deletes every row, referencing tables first.
fn delete_all_rows(conn: &mut Conn, catalog: &Catalog) {
    let mut left: Vec<&String> = catalog.tables.keys().collect();
    while !left.is_empty() {
        // A table no other remaining table references.
        let i = left
            .iter()
            .position(|name| {
                !left.iter().any(|other| {
                    other != name
                        && catalog.tables[*other]
                            .foreign_keys
                            .iter()
                            .any(|f| &f.ref_table == *name)
                })
            })
            .unwrap_or(0);
        let name = left.remove(i);
        conn.exec(&format!("delete from {}", conn.engine().ident(name)));
    }
}

fn check_case(db: &ScratchDb, twin: &ScratchDb, case: &Case) -> Result<(), String> {
    let before = case.before_sql().unwrap();
    let ns = case.namespace();
    let ns = ns.as_deref();
    let expected = case.expected_sql();
    db.exec_script(&before);

    check_generate(db, case)?;

    let refusal = case.upstream_refusal();
    let schema_problem = refusal
        .as_deref()
        .is_some_and(|r| r.starts_with("The database has"));
    let status = run_config(&case.config(), &db.url, &["db", "status", "--check"]);
    let want_status = if expected.is_empty() && !schema_problem {
        0
    } else {
        3
    };
    if status.code != want_status {
        return Err(format!(
            "db status --check: expected exit {want_status}\n{}",
            status.both()
        ));
    }

    // One row in every table.
    let mut conn = db.conn();
    if let Some(ns) = ns {
        conn.exec(&format!("set search_path to {}", conn.engine().ident(ns)));
    }
    let cat0 = db.catalog_in(ns);
    insert_one_row_per_table(&mut conn, &cat0);
    // before.sql may hold rows of its own (a populated before-state).
    let rows: Vec<(String, i64)> = cat0
        .tables
        .keys()
        .map(|t| (t.clone(), conn.count(t)))
        .collect();
    let migrate = run_config(&case.config(), &db.url, &["migrate", "--yes"]);
    let blockers = case.blockers();

    if !blockers.is_empty() || refusal.is_some() {
        if migrate.code != 1 {
            return Err(format!(
                "migrate --yes must refuse (blockers.txt)\n{}",
                migrate.both()
            ));
        }
        for b in &blockers {
            if !migrate.stderr.contains(b.as_str()) {
                return Err(format!(
                    "the refusal does not name the blocked statement `{b}`\n{}",
                    migrate.both()
                ));
            }
        }
        if let Some(r) = &refusal {
            let said = migrate.stderr.lines().collect::<Vec<_>>().join(" ");
            if !said.contains(r.as_str()) {
                return Err(format!(
                    "the refusal does not say what upstream 1.7's migrate says:\n  {r}\n{}",
                    migrate.both()
                ));
            }
        }
        let last = migrate.stderr.lines().last().unwrap_or("");
        if !last.starts_with("error: refusing to migrate") || !last.contains("nothing was changed")
        {
            return Err(format!(
                "the last line should be the refusal\n{}",
                migrate.both()
            ));
        }
        let cat1 = db.catalog_in(ns);
        let diff = catalog_diff(&cat0, &cat1);
        if !diff.is_empty() {
            return Err(format!(
                "a refused migrate changed the database:\n  {}",
                diff.join("\n  ")
            ));
        }
        for (t, n) in &rows {
            if conn.count(t) != *n {
                return Err(format!("a refused migrate changed the rows of {t}"));
            }
        }
        if db.engine != Engine::Sqlite && !schema_problem {
            // The blockers are about rows: with empty tables the plan applies.
            delete_all_rows(&mut conn, &cat0);
            let again = run_config(&case.config(), &db.url, &["migrate", "--yes"]);
            if again.code != 0 || !again.stdout.contains("Migration completed") {
                return Err(format!(
                    "with empty tables, migrate --yes should apply the plan\n{}",
                    again.both()
                ));
            }
        }
        conn.close();
        return Ok(());
    }
    conn.close();

    if expected.is_empty() {
        if migrate.code != 0 || !migrate.stdout.contains("No migrations needed.") {
            return Err(format!(
                "expected \"No migrations needed.\"\n{}",
                migrate.both()
            ));
        }
        if db.history_rows() != 0 {
            return Err("nothing to do, yet a history row was written".into());
        }
        return Ok(());
    }
    if migrate.code != 0 || !migrate.stdout.contains("Migration completed") {
        return Err(format!("migrate --yes failed\n{}", migrate.both()));
    }
    if db.history_hashes_in(ns) != [sha256_hex(&expected)] {
        return Err(format!(
            "history: expected one row with the sha256 of expected.sql, found {:?}",
            db.history_hashes_in(ns)
        ));
    }
    // The twin: before.sql, then expected.sql as written.
    twin.exec_script(&before);
    twin.exec_script(&expected);
    let want = twin.catalog_in(ns);
    let got = db.catalog_in(ns).without(&[HISTORY]);
    let diff = catalog_diff(&want, &got);
    if !diff.is_empty() {
        return Err(format!(
            "after migrate the database differs from before.sql + expected.sql:\n  {}",
            diff.join("\n  ")
        ));
    }
    let second = run_config(&case.config(), &db.url, &["migrate", "--yes"]);
    if second.code != 0 || !second.stdout.contains("No migrations needed.") {
        return Err(format!(
            "a second migrate --yes should have nothing to do\n{}",
            second.both()
        ));
    }
    let status = run_config(&case.config(), &db.url, &["db", "status", "--check"]);
    if status.code != 0 {
        return Err(format!(
            "after migrate, db status --check should be 0\n{}",
            status.both()
        ));
    }
    Ok(())
}

fn all_incremental_cases(engine: Engine, root: &Path, count: usize) {
    let Some(db) = ScratchDb::new(engine) else {
        return;
    };
    let Some(twin) = ScratchDb::new(engine) else {
        return;
    };
    let cases = cases_in(root, engine.dialect(), true);
    assert_eq!(
        cases.len(),
        count,
        "incremental {} cases: {:?}",
        engine.dialect(),
        cases.iter().map(|c| &c.name).collect::<Vec<_>>()
    );
    let mut failures = Vec::new();
    for (i, case) in cases.iter().enumerate() {
        if i > 0 {
            db.reset();
            twin.reset();
        }
        if let Err(e) = check_case(&db, &twin, case) {
            failures.push(format!("{}: {e}", case.name));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} incremental {} cases failed:\n\n{}",
        failures.len(),
        cases.len(),
        engine.dialect(),
        failures.join("\n\n")
    );
}

#[test]
fn incremental_cases_sqlite() {
    all_incremental_cases(Engine::Sqlite, &parity_dir(), 5);
}

#[test]
fn incremental_cases_postgres() {
    all_incremental_cases(Engine::Postgres, &parity_dir(), 5);
}

#[test]
fn incremental_cases_mysql() {
    all_incremental_cases(Engine::Mysql, &parity_dir(), 5);
}

#[test]
fn incremental_cases_1_7_sqlite() {
    all_incremental_cases(Engine::Sqlite, &parity_1_7_dir(), 11);
}

#[test]
fn incremental_cases_1_7_postgres() {
    all_incremental_cases(Engine::Postgres, &parity_1_7_dir(), 13);
}

#[test]
fn incremental_cases_1_7_mysql() {
    all_incremental_cases(Engine::Mysql, &parity_1_7_dir(), 10);
}

/// Upstream 1.7 refuses these plans (`error.txt`): so do generate and migrate, writing
/// and changing nothing.
fn refused_cases(engine: Engine) {
    let Some(db) = ScratchDb::new(engine) else {
        return;
    };
    let root = manifest_dir().join("tests/fixtures/parity-1.7-refused");
    let mut failures = Vec::new();
    let cases = cases_in(&root, engine.dialect(), true);
    for (i, case) in cases.iter().enumerate() {
        if i > 0 {
            db.reset();
        }
        db.exec_script(&case.before_sql().unwrap());
        let error = case.read("error.txt").expect("error.txt");
        let before = db.catalog();
        let tmp = tempfile::tempdir().unwrap();
        let (run, files) = generate(tmp.path(), case, &db.url);
        if run.code != 1 || !run.stderr.contains(error.trim()) || !files.is_empty() {
            failures.push(format!(
                "{}: generate must exit 1 with error.txt and write nothing; files {files:?}\n{}",
                case.name,
                run.both()
            ));
        }
        let migrate = run_config(&case.config(), &db.url, &["migrate", "--yes"]);
        if migrate.code != 1 || !migrate.stderr.contains(error.trim()) {
            failures.push(format!(
                "{}: migrate must exit 1 with error.txt\n{}",
                case.name,
                migrate.both()
            ));
        }
        let diff = catalog_diff(&before, &db.catalog());
        if !diff.is_empty() {
            failures.push(format!("{}: the database changed: {diff:?}", case.name));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn refused_cases_mysql() {
    refused_cases(Engine::Mysql);
}
