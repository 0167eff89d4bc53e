//! A `migrate --yes` killed with SIGKILL while it waits inside its work, held up by a
//! conflicting lock that another session holds. Before-state: the database
//! `incr-core-then-two-factor-<dialect>/before.sql` builds (core tables); the plan adds
//! `user.twoFactorEnabled` and creates `twoFactor`.
//!
//! * PostgreSQL: another session holds `lock table "user" in access exclusive mode`, so
//!   migrate's `alter table "user"` waits inside its transaction (seen in
//!   `pg_stat_activity`). After the kill and the release, nothing changed; a rerun
//!   completes.
//! * SQLite, twice: another connection holds `begin immediate` (migrate waits for its
//!   write lock), or a read transaction (migrate runs its statements and waits for the
//!   exclusive lock at commit; its rollback journal is on disk). After the kill and the
//!   release, nothing changed; a rerun completes.
//! * MariaDB: another session has read `user` in an open transaction, so migrate's
//!   `alter table` waits for the metadata lock (seen in the processlist). DDL is not
//!   transactional there, so only this is required: a rerun completes.

mod common;

use std::time::Duration;

use common::*;

fn before_state(engine: Engine) -> Option<(ScratchDb, Case)> {
    let db = ScratchDb::new(engine)?;
    let case = parity_cases(engine.dialect(), true)
        .into_iter()
        .find(|c| c.name.starts_with("incr-core-then-two-factor-"))
        .expect("incr-core-then-two-factor case");
    db.exec_script(&case.before_sql().unwrap());
    Some((db, case))
}

/// A rerun applies what is left, records it, and leaves nothing pending.
fn rerun_completes(db: &ScratchDb, case: &Case) {
    let rerun = run_config(
        &case.config(),
        &db.url,
        &["migrate", "--yes", "--lock-timeout", "60"],
    );
    assert_eq!(rerun.code, 0, "rerun\n{}", rerun.both());
    assert!(
        rerun.stdout.contains("Migration completed"),
        "rerun\n{}",
        rerun.both()
    );
    assert_eq!(db.history_rows(), 1, "one history row after the rerun");
    let status = run_config(&case.config(), &db.url, &["db", "status", "--check"]);
    assert_eq!(
        status.code,
        0,
        "nothing pending after the rerun\n{}",
        status.both()
    );
}

fn kill(child: std::process::Child) -> Run {
    let mut child = child;
    let _ = child.kill(); // SIGKILL on Unix
    wait_run(child, Duration::from_secs(10))
}

#[test]
fn killed_while_waiting_postgres() {
    let Some((db, case)) = before_state(Engine::Postgres) else {
        return;
    };
    let before = db.catalog();
    let mut holder = db.conn();
    holder.exec("begin");
    holder.exec("lock table \"user\" in access exclusive mode");

    let child = spawn_config(&case.config(), &db.url, &["migrate", "--yes"]);
    let mut watcher = db.conn();
    let activity = |w: &mut Conn, extra: &str| {
        w.int(&format!(
            "select count(*) from pg_stat_activity where datname = '{}' and application_name = 'rustauth'{extra}",
            db.name
        ))
    };
    let waiting = wait_until(Duration::from_secs(30), || {
        activity(&mut watcher, " and wait_event_type = 'Lock'") >= 1
    });
    let run = kill(child);
    assert!(
        waiting,
        "migrate never waited for the table lock\n{}",
        run.both()
    );

    holder.exec("rollback");
    holder.close();
    // The killed process's sessions end once the server notices the closed sockets.
    assert!(
        wait_until(Duration::from_secs(30), || activity(&mut watcher, "") == 0),
        "the killed migrate's sessions are still there"
    );
    watcher.close();

    let diff = catalog_diff(&before, &db.catalog());
    assert!(
        diff.is_empty(),
        "the killed migrate changed the database:\n  {}",
        diff.join("\n  ")
    );
    rerun_completes(&db, &case);
}

#[test]
fn killed_while_waiting_for_the_write_lock_sqlite() {
    let Some((db, case)) = before_state(Engine::Sqlite) else {
        return;
    };
    let before = db.catalog();
    let mut holder = db.conn();
    holder.exec("begin immediate");

    let mut child = spawn_config(&case.config(), &db.url, &["migrate", "--yes"]);
    // It plans in a few milliseconds, then waits up to --lock-timeout (60 s).
    std::thread::sleep(Duration::from_millis(1500));
    let still_running = child.try_wait().unwrap().is_none();
    let run = kill(child);
    assert!(
        still_running,
        "migrate did not wait for the write lock\n{}",
        run.both()
    );

    holder.exec("rollback");
    holder.close();
    let diff = catalog_diff(&before, &db.catalog());
    assert!(
        diff.is_empty(),
        "the killed migrate changed the database:\n  {}",
        diff.join("\n  ")
    );
    rerun_completes(&db, &case);
}

#[test]
fn killed_while_waiting_to_commit_sqlite() {
    let Some((db, case)) = before_state(Engine::Sqlite) else {
        return;
    };
    let before = db.catalog();
    let journal = format!("{}-journal", db.name);
    let mut holder = db.conn();
    holder.exec("begin");
    assert_eq!(holder.count("user"), 0); // holds a shared lock until rollback

    let mut child = spawn_config(&case.config(), &db.url, &["migrate", "--yes"]);
    // Its statements run inside its transaction (the rollback journal appears); the
    // commit then waits for the shared lock to go.
    let in_tx = wait_until(Duration::from_secs(30), || {
        std::path::Path::new(&journal).exists()
    });
    std::thread::sleep(Duration::from_millis(300));
    let still_running = child.try_wait().unwrap().is_none();
    let run = kill(child);
    assert!(
        in_tx && still_running,
        "migrate did not wait at its commit (journal seen: {in_tx})\n{}",
        run.both()
    );
    assert!(
        std::path::Path::new(&journal).exists(),
        "the killed migrate left no rollback journal: it was not inside its transaction"
    );

    holder.exec("rollback");
    holder.close();
    let diff = catalog_diff(&before, &db.catalog());
    assert!(
        diff.is_empty(),
        "the killed migrate changed the database:\n  {}",
        diff.join("\n  ")
    );
    rerun_completes(&db, &case);
}

#[test]
fn killed_while_waiting_mysql() {
    let Some((db, case)) = before_state(Engine::Mysql) else {
        return;
    };
    let mut holder = db.conn();
    holder.exec("start transaction");
    assert_eq!(holder.count("user"), 0); // holds a metadata lock on `user` until rollback

    let child = spawn_config(&case.config(), &db.url, &["migrate", "--yes"]);
    let mut watcher = db.conn();
    let waiting_query = format!(
        "select count(*) from information_schema.processlist where db = '{}' and state like '%metadata lock%'",
        db.name
    );
    let waiting = wait_until(Duration::from_secs(30), || watcher.int(&waiting_query) >= 1);
    let run = kill(child);
    assert!(
        waiting,
        "migrate never waited for the metadata lock\n{}",
        run.both()
    );
    holder.exec("rollback");
    holder.close();
    watcher.close();
    // The orphaned `alter table` runs once the lock goes (DDL commits implicitly): the
    // rerun finds `user.twoFactorEnabled` there or not, and applies the rest.
    rerun_completes(&db, &case);
}
