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
    // MySQL records a plan before running it: the killed one stays, and the rerun, which
    // completes what it began, marks it finished.
    let rows = if db.engine == Engine::Mysql { 2 } else { 1 };
    assert_eq!(db.history_rows(), rows, "history rows after the rerun");
    if db.engine == Engine::Mysql {
        let mut c = db.conn();
        let unfinished = c.int(&format!(
            "select count(*) from `{HISTORY}` where not `finished`"
        ));
        c.close();
        assert_eq!(unfinished, 0, "the killed run's plan is marked finished");
    }
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
    let Some((db, case)) = core_before_state(Engine::Postgres) else {
        return;
    };
    let before = db.catalog();
    let hold = UserTableHold::take(&db);
    let child = spawn_config(&case.config(), &db.url, &["migrate", "--yes"]);
    let waiting = wait_for_held_migrate(&db);
    let run = kill(child);
    assert!(
        waiting,
        "migrate never waited for the table lock\n{}",
        run.both()
    );
    hold.release();

    // The killed process's sessions end once the server notices the closed sockets.
    let mut watcher = db.conn();
    let q = format!(
        "select count(*) from pg_stat_activity where datname = '{}' and application_name = 'rustauth'",
        db.name
    );
    assert!(
        wait_until(Duration::from_secs(30), || watcher.int(&q) == 0),
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
    let Some((db, case)) = core_before_state(Engine::Sqlite) else {
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
    let Some((db, case)) = core_before_state(Engine::Sqlite) else {
        return;
    };
    let before = db.catalog();
    let hold = UserTableHold::take(&db);
    let mut child = spawn_config(&case.config(), &db.url, &["migrate", "--yes"]);
    // Its statements run inside its transaction (the rollback journal appears); the
    // commit then waits for the shared lock to go.
    let in_tx = wait_for_held_migrate(&db);
    let still_running = child.try_wait().unwrap().is_none();
    let run = kill(child);
    assert!(
        in_tx && still_running,
        "migrate did not wait at its commit (journal seen: {in_tx})\n{}",
        run.both()
    );
    assert!(
        std::path::Path::new(&format!("{}-journal", db.name)).exists(),
        "the killed migrate left no rollback journal: it was not inside its transaction"
    );
    hold.release();
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
    let Some((db, case)) = core_before_state(Engine::Mysql) else {
        return;
    };
    let hold = UserTableHold::take(&db);
    let child = spawn_config(&case.config(), &db.url, &["migrate", "--yes"]);
    let waiting = wait_for_held_migrate(&db);
    let run = kill(child);
    assert!(
        waiting,
        "migrate never waited for the metadata lock\n{}",
        run.both()
    );
    hold.release();
    // The orphaned `alter table` runs once the lock goes (DDL commits implicitly): the
    // rerun finds `user.twoFactorEnabled` there or not, and applies the rest.
    rerun_completes(&db, &case);
}

/// A statement that fails in the middle of the plan (an index name already taken by a
/// decoy table: index names are per schema on PostgreSQL and per database on SQLite):
/// the transaction is rolled back, nothing changes, one line says where it failed.
fn failed_statement_rolls_back(engine: Engine) {
    let Some(db) = ScratchDb::new(engine) else {
        return;
    };
    db.exec("create table decoy (x integer)");
    db.exec("create index \"session_userId_idx\" on decoy (x)");
    let before = db.catalog();
    let c = parity_cases(engine.dialect(), false)
        .into_iter()
        .find(|c| c.name == format!("core-{}", engine.dialect()))
        .unwrap();
    let run = run_config(&c.config(), &db.url, &["migrate", "--yes"]);
    run.assert_one_line_error(&format!("{engine:?} failing statement"));
    assert!(
        run.stderr.contains("at statement 5 of 7") && run.stderr.contains("rolled back"),
        "{engine:?}\n{}",
        run.both()
    );
    let diff = catalog_diff(&before, &db.catalog());
    assert!(
        diff.is_empty(),
        "{engine:?}: changed:\n  {}",
        diff.join("\n  ")
    );
}

#[test]
fn failed_statement_rolls_back_postgres() {
    failed_statement_rolls_back(Engine::Postgres);
}

#[test]
fn failed_statement_rolls_back_sqlite() {
    failed_statement_rolls_back(Engine::Sqlite);
}

/// A MariaDB user that may create tables but not indexes.
struct LimitedUser {
    server: String,
    name: String,
}

impl Drop for LimitedUser {
    fn drop(&mut self) {
        if let Ok(mut c) = Conn::open(Engine::Mysql, &self.server) {
            let _ = c.try_exec(&format!("drop user if exists '{}'@'%'", self.name));
            c.close();
        }
    }
}

/// MariaDB commits each DDL statement: a failure in the middle leaves the statements
/// before it applied. The one-line error says how many, the history table keeps the plan
/// as unfinished, and a rerun (with the privilege) applies the rest, indexes included.
#[test]
fn failed_statement_mysql_reports_what_was_applied() {
    let Some(db) = ScratchDb::new(Engine::Mysql) else {
        return;
    };
    let user = LimitedUser {
        server: db.server_url().to_string(),
        name: format!("rustauth_u_{:08x}", rand::random::<u32>()),
    };
    let pw = "Zq7xLimitedUserPw2";
    let mut admin = Conn::open(Engine::Mysql, &user.server).unwrap();
    admin.exec(&format!(
        "create user '{}'@'%' identified by '{pw}'",
        user.name
    ));
    // No INDEX (nor ALTER) privilege: `create index` fails after the tables.
    admin.exec(&format!(
        "grant select, insert, create, references on `{}`.* to '{}'@'%'",
        db.name, user.name
    ));
    admin.close();
    let limited = with_userinfo(&db.url, &format!("{}:{pw}", user.name));
    let c = parity_cases("mysql", false)
        .into_iter()
        .find(|c| c.name == "core-mysql")
        .unwrap();

    let run = run_config(&c.config(), &limited, &["migrate", "--yes"]);
    run.assert_one_line_error("limited user");
    assert!(
        run.stderr
            .contains("4 of 7 statement(s) applied before the error")
            && run.stderr.contains("run migrate again"),
        "{}",
        run.both()
    );
    assert!(!run.stderr.contains(pw) && !run.stdout.contains(pw));
    assert_eq!(
        db.catalog().names(),
        [HISTORY, "account", "session", "user", "verification"],
        "the history table and the four tables before the failing index"
    );
    assert_eq!(
        db.history_rows(),
        1,
        "the plan is recorded before it runs, unfinished"
    );

    // The rerun (with the privilege) exits 0 and reaches the whole schema: the tables
    // exist now, so upstream's diff plans nothing, but the interrupted plan's indexes
    // that are missing are finished from the history table.
    let rerun = run_config(&c.config(), &db.url, &["migrate", "--yes"]);
    assert_eq!(rerun.code, 0, "{}", rerun.both());
    assert!(
        rerun.stdout.contains(
            "-> index verification_identifier_idx, left unfinished by an interrupted migrate."
        ),
        "{}",
        rerun.both()
    );
    let expected = expected_catalog(&c.expected_sql(), Engine::Mysql);
    let actual = db
        .catalog()
        .without(&[HISTORY])
        .normalized_against(&expected, Engine::Mysql);
    let diff = catalog_diff(&expected, &actual);
    assert!(
        diff.is_empty(),
        "the rerun left the schema incomplete:\n  {}\n{}",
        diff.join("\n  "),
        rerun.both()
    );
    let again = run_config(&c.config(), &db.url, &["migrate", "--yes"]);
    assert!(
        again.stdout.contains("No migrations needed."),
        "{}",
        again.both()
    );
}
