//! Sixteen `rustauth migrate --yes` processes started together on one fresh database, on
//! each engine (SQLite always; PostgreSQL and MariaDB when their test URLs are set): all
//! exit 0, exactly one applies the plan, the schema is complete, and the history table
//! has exactly one row.

mod common;

use std::time::Duration;

use common::*;

const PROCESSES: usize = 16;

fn concurrent_migrates(engine: Engine) {
    let Some(db) = ScratchDb::new(engine) else {
        return;
    };
    let case = parity_cases(engine.dialect(), false)
        .into_iter()
        .find(|c| c.name.starts_with("core-two-factor-username-organization-"))
        .expect("core-two-factor-username-organization case");
    let children: Vec<_> = (0..PROCESSES)
        .map(|_| spawn_config(&case.config(), &db.url, &["migrate", "--yes"]))
        .collect();
    let runs: Vec<Run> = children
        .into_iter()
        .map(|c| wait_run(c, Duration::from_secs(120)))
        .collect();
    let report = runs
        .iter()
        .enumerate()
        .map(|(i, r)| format!("process {i}: {}", r.both()))
        .collect::<Vec<_>>()
        .join("\n");
    assert!(
        runs.iter().all(|r| r.code == 0),
        "every process must exit 0\n{report}"
    );
    let applied = runs
        .iter()
        .filter(|r| r.stdout.contains("Migration completed"))
        .count();
    assert_eq!(applied, 1, "exactly one process applies the plan\n{report}");
    assert!(
        runs.iter()
            .filter(|r| !r.stdout.contains("Migration completed"))
            .all(|r| r.stdout.contains("No migrations needed")),
        "the others find nothing to do\n{report}"
    );

    let expected_sql = case.expected_sql();
    let expected = expected_catalog(&expected_sql, engine);
    let actual = db
        .catalog()
        .without(&[HISTORY])
        .normalized_against(&expected, engine);
    let diff = catalog_diff(&expected, &actual);
    assert!(
        diff.is_empty(),
        "schema incomplete:\n  {}",
        diff.join("\n  ")
    );
    assert_eq!(
        db.history_hashes(),
        [sha256_hex(&expected_sql)],
        "the history table must have exactly one row"
    );
}

#[test]
fn sixteen_concurrent_migrates_sqlite() {
    concurrent_migrates(Engine::Sqlite);
}

#[test]
fn sixteen_concurrent_migrates_postgres() {
    concurrent_migrates(Engine::Postgres);
}

#[test]
fn sixteen_concurrent_migrates_mysql() {
    concurrent_migrates(Engine::Mysql);
}

/// PostgreSQL and MariaDB: while one migrate holds the migration lock (it is itself held
/// up inside its work by another session, see `UserTableHold`), a second one with `--lock-timeout 1` gives up
/// after about a second: exit 1, one line naming the lock, nothing changed by it. Once
/// the hold goes, the first one completes.
fn second_migrate_times_out_on_the_lock(engine: Engine) {
    let Some((db, case)) = core_before_state(engine) else {
        return;
    };
    let hold = UserTableHold::take(&db);
    let first = spawn_config(&case.config(), &db.url, &["migrate", "--yes"]);
    let held = wait_for_held_migrate(&db);
    let second = run_config(
        &case.config(),
        &db.url,
        &["migrate", "--yes", "--lock-timeout", "1"],
    );
    hold.release();
    let first = wait_run(first, Duration::from_secs(60));
    assert!(
        held,
        "{engine:?}: the first migrate was not held up\n{}",
        first.both()
    );
    second.assert_one_line_error(&format!("{engine:?} second migrate"));
    assert!(
        second.stderr.contains("holds the lock") && second.stderr.contains("--lock-timeout"),
        "{engine:?}\n{}",
        second.both()
    );
    assert!(
        second.elapsed >= Duration::from_millis(900) && second.elapsed < Duration::from_secs(10),
        "{engine:?}: the second migrate took {:?}",
        second.elapsed
    );
    assert_eq!(
        first.code,
        0,
        "{engine:?}: the first migrate\n{}",
        first.both()
    );
    assert!(
        first.stdout.contains("Migration completed"),
        "{}",
        first.both()
    );
    assert_eq!(db.history_rows(), 1, "{engine:?}");
}

/// SQLite: the migration lock is the database's write lock. Another writer holds it
/// (`begin immediate`); `--lock-timeout 1` gives up after about a second, then a migrate
/// after the release completes. (A first migrate held at its commit, as on the other
/// engines, would hold SQLite's PENDING lock, which stops the second one's reads too.)
#[test]
fn second_migrate_times_out_on_the_lock_sqlite() {
    let Some((db, case)) = core_before_state(Engine::Sqlite) else {
        return;
    };
    let mut writer = db.conn();
    writer.exec("begin immediate");
    let second = run_config(
        &case.config(),
        &db.url,
        &["migrate", "--yes", "--lock-timeout", "1"],
    );
    writer.exec("rollback");
    writer.close();
    second.assert_one_line_error("sqlite second migrate");
    assert!(
        second.stderr.contains("holds the lock") && second.stderr.contains("--lock-timeout"),
        "{}",
        second.both()
    );
    assert!(
        second.elapsed >= Duration::from_millis(900) && second.elapsed < Duration::from_secs(10),
        "took {:?}",
        second.elapsed
    );
    let after = run_config(&case.config(), &db.url, &["migrate", "--yes"]);
    assert_eq!(after.code, 0, "{}", after.both());
    assert_eq!(db.history_rows(), 1);
}

#[test]
fn second_migrate_times_out_on_the_lock_postgres() {
    second_migrate_times_out_on_the_lock(Engine::Postgres);
}

#[test]
fn second_migrate_times_out_on_the_lock_mysql() {
    second_migrate_times_out_on_the_lock(Engine::Mysql);
}
