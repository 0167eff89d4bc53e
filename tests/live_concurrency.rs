//! Eight `rustauth migrate --yes` processes started together on one fresh database, on
//! each engine (SQLite always; PostgreSQL and MariaDB when their test URLs are set): all
//! exit 0, exactly one applies the plan, the schema is complete, and the history table
//! has exactly one row.

mod common;

use std::time::Duration;

use common::*;

const PROCESSES: usize = 8;

fn eight_concurrent_migrates(engine: Engine) {
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
fn eight_concurrent_migrates_sqlite() {
    eight_concurrent_migrates(Engine::Sqlite);
}

#[test]
fn eight_concurrent_migrates_postgres() {
    eight_concurrent_migrates(Engine::Postgres);
}

#[test]
fn eight_concurrent_migrates_mysql() {
    eight_concurrent_migrates(Engine::Mysql);
}
