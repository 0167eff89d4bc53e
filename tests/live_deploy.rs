//! The deploy path under faults (issue #10), through the binary, on real servers:
//!
//! * PgBouncer (`RUSTAUTH_TEST_PGBOUNCER_URL`, transaction pooling, and
//!   `RUSTAUTH_TEST_PGBOUNCER_SESSION_URL`, session pooling, both with PgBouncer's default
//!   settings; `.ci/run` starts them): 16 concurrent `migrate --yes` all exit 0, exactly
//!   one applies; `db status` and `generate` work through it too;
//! * a role with `CONNECTION LIMIT 1` migrates (one connection per run);
//! * an application transaction that has read `user` and stays open: `migrate --yes
//!   --lock-timeout 3` exits 1 within 3 + 2 s on PostgreSQL and MariaDB, names the
//!   session that holds the lock, changes nothing, and an application query started
//!   meanwhile is not held up longer;
//! * the MySQL insert race: a row inserted after the plan found `user` empty, before the
//!   `alter table … add column … not null`: non-zero exit, no invented value;
//! * PostgreSQL: the migrate's backend terminated while it waits: exit 1, nothing
//!   changed, the rerun applies the plan once; the connection lost during the commit:
//!   "may have committed";
//! * a failure while recording the history row is not counted as a statement;
//! * a MySQL plan left unfinished is finished by the next run (`db status` shows it);
//! * a PostgreSQL URL without a database name is refused; read-only commands never
//!   create a SQLite file; a FIFO in the migrations folder is skipped;
//! * `--verbose` names what a wait waits for.

mod common;

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use common::*;

/// The slack over a timeout (process start-up and planning on a busy CI machine).
const MARGIN: Duration = Duration::from_secs(2);

fn case_named(engine: Engine, prefix: &str) -> Case {
    parity_cases(engine.dialect(), false)
        .into_iter()
        .find(|c| c.name == format!("{prefix}-{}", engine.dialect()))
        .unwrap_or_else(|| panic!("case {prefix}-{}", engine.dialect()))
}

/// `n` concurrent `migrate --yes` of `case` against `url`: all exit 0, exactly one
/// applies, the schema is complete and recorded once.
fn concurrent_migrates(db: &ScratchDb, case: &Case, url: &str, n: usize, what: &str) {
    let children: Vec<_> = (0..n)
        .map(|_| spawn_config(&case.config(), url, &["migrate", "--yes"]))
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
        "{what}: every process must exit 0\n{report}"
    );
    let applied = runs
        .iter()
        .filter(|r| r.stdout.contains("Migration completed"))
        .count();
    assert_eq!(applied, 1, "{what}: exactly one applies\n{report}");
    let expected_sql = case.expected_sql();
    let expected = expected_catalog(&expected_sql, db.engine);
    let actual = db
        .catalog()
        .without(&[HISTORY])
        .normalized_against(&expected, db.engine);
    let diff = catalog_diff(&expected, &actual);
    assert!(
        diff.is_empty(),
        "{what}: schema incomplete:\n  {}",
        diff.join("\n  ")
    );
    assert_eq!(
        db.history_hashes(),
        [sha256_hex(&expected_sql)],
        "{what}: one history row"
    );
}

fn through_pgbouncer(var: &str) {
    let Some(bouncer) = pgbouncer_url(var) else {
        return;
    };
    let Some(db) = ScratchDb::new(Engine::Postgres) else {
        return;
    };
    let url = with_database(&bouncer, &db.name);
    let case = case_named(Engine::Postgres, "core-two-factor-username-organization");
    concurrent_migrates(&db, &case, &url, 16, var);
    let status = run_config(&case.config(), &url, &["db", "status", "--check"]);
    assert_eq!(status.code, 0, "{var}: db status\n{}", status.both());
    assert!(
        status.stdout.contains("Last applied: "),
        "{}",
        status.both()
    );
    let tmp = tempfile::tempdir().unwrap();
    let config = tmp.path().join("rustauth.toml");
    std::fs::copy(case.config(), &config).unwrap();
    let generate = run_config(&config, &url, &["generate", "--yes"]);
    assert_eq!(generate.code, 0, "{var}: generate\n{}", generate.both());
    assert!(
        generate.stdout.contains("already up to date"),
        "{}",
        generate.both()
    );
}

#[test]
fn sixteen_migrates_through_pgbouncer_transaction_pooling() {
    through_pgbouncer(PGBOUNCER_VAR);
}

#[test]
fn sixteen_migrates_through_pgbouncer_session_pooling() {
    through_pgbouncer(PGBOUNCER_SESSION_VAR);
}

/// A role that may hold one connection: it owns the scratch database; afterwards its
/// objects go back to the test user and it is dropped.
struct LimitedRole {
    db_url: String,
    server: String,
    name: String,
}

impl LimitedRole {
    /// A role with `connection limit 1` that owns the scratch database, and the
    /// database's URL as that role.
    fn create(db: &ScratchDb) -> (LimitedRole, String) {
        let role = LimitedRole {
            db_url: db.url.clone(),
            server: db.server_url().to_string(),
            name: format!("rustauth_r_{:08x}", rand::random::<u32>()),
        };
        let mut admin = Conn::open(Engine::Postgres, &role.server).unwrap();
        admin.exec(&format!(
            "create role \"{0}\" login connection limit 1; alter database \"{1}\" owner to \"{0}\"",
            role.name, db.name
        ));
        admin.close();
        let url = with_userinfo(&db.url, &role.name);
        (role, url)
    }
}

/// Opens a connection to `url` on another thread and holds it for `ms`; returns once it
/// is open (join the handle to wait for it to close).
fn hold_connection(engine: Engine, url: &str, ms: u64) -> std::thread::JoinHandle<()> {
    let url = url.to_string();
    let (tx, rx) = std::sync::mpsc::channel();
    let holder = std::thread::spawn(move || {
        let c = Conn::open(engine, &url).unwrap();
        tx.send(()).unwrap();
        std::thread::sleep(Duration::from_millis(ms));
        c.close();
    });
    rx.recv().unwrap();
    holder
}

impl Drop for LimitedRole {
    fn drop(&mut self) {
        if let Ok(mut c) = Conn::open(Engine::Postgres, &self.db_url) {
            let _ = c.try_exec(&format!(
                "reassign owned by \"{0}\" to current_user; drop owned by \"{0}\"",
                self.name
            ));
            c.close();
        }
        if let Ok(mut c) = Conn::open(Engine::Postgres, &self.server) {
            let _ = c.try_exec(&format!("drop role if exists \"{}\"", self.name));
            c.close();
        }
    }
}

#[test]
fn a_role_with_connection_limit_1_migrates_postgres() {
    let Some(db) = ScratchDb::new(Engine::Postgres) else {
        return;
    };
    let (_role, url) = LimitedRole::create(&db);
    let case = case_named(Engine::Postgres, "core-two-factor-username-organization");
    let run = run_config(&case.config(), &url, &["migrate", "--yes"]);
    assert_eq!(run.code, 0, "{}", run.both());
    assert!(run.stdout.contains("Migration completed"), "{}", run.both());
    let again = run_config(&case.config(), &url, &["migrate", "--yes"]);
    assert!(
        again.stdout.contains("No migrations needed."),
        "{}",
        again.both()
    );
    let status = run_config(&case.config(), &url, &["db", "status", "--check"]);
    assert_eq!(status.code, 0, "{}", status.both());
}

/// MariaDB / MySQL: an account with `max_user_connections 1` whose slot another session
/// holds for a moment (error 1226 for `max_user_connections`): the command waits for it.
#[test]
fn a_taken_connection_slot_is_waited_for_mysql() {
    let Some(db) = ScratchDb::new(Engine::Mysql) else {
        return;
    };
    let user = format!("rustauth_u_{:08x}", rand::random::<u32>());
    let mut admin = Conn::open(Engine::Mysql, &db.url).unwrap();
    admin.exec(&format!(
        "create user '{user}'@'%' with max_user_connections 1"
    ));
    admin.exec(&format!("grant all on `{}`.* to '{user}'@'%'", db.name));
    admin.close();
    let url = with_userinfo(&db.url, &user);
    let case = case_named(Engine::Mysql, "core");
    let holder = hold_connection(Engine::Mysql, &url, 600);
    let run = run_config(
        &case.config(),
        &url,
        &["db", "status", "--connect-timeout", "10"],
    );
    holder.join().unwrap();
    if let Ok(mut c) = Conn::open(Engine::Mysql, &db.url) {
        let _ = c.try_exec(&format!("drop user '{user}'@'%'"));
        c.close();
    }
    assert_eq!(
        run.code,
        0,
        "the freed slot was not waited for\n{}",
        run.both()
    );
}

/// While another session holds the role's only connection slot, a command waits for it
/// (up to half the connect timeout, at most 5 s) instead of failing at once: the slot of
/// a command that has just ended is freed a moment later. A slot that stays taken is
/// "too many connections", within that bound.
#[test]
fn a_taken_connection_slot_is_waited_for_postgres() {
    let Some(db) = ScratchDb::new(Engine::Postgres) else {
        return;
    };
    let (_role, url) = LimitedRole::create(&db);
    let case = case_named(Engine::Postgres, "core");

    let holder = hold_connection(Engine::Postgres, &url, 600);
    let run = run_config(
        &case.config(),
        &url,
        &["db", "status", "--connect-timeout", "10"],
    );
    holder.join().unwrap();
    assert_eq!(
        run.code,
        0,
        "the freed slot was not waited for\n{}",
        run.both()
    );

    let holder = hold_connection(Engine::Postgres, &url, 4_000);
    let start = Instant::now();
    let run = run_config(
        &case.config(),
        &url,
        &["db", "status", "--connect-timeout", "2"],
    );
    let took = start.elapsed();
    holder.join().unwrap();
    run.assert_one_line_error("a slot that stays taken");
    assert!(
        run.stderr.contains("too many connections"),
        "{}",
        run.both()
    );
    assert!(
        took >= Duration::from_millis(900) && took < Duration::from_millis(3_500),
        "waited {took:?}, not about half of --connect-timeout 2"
    );
}

/// An application session: an open transaction that has read `user`.
struct AppTransaction {
    conn: Conn,
    /// PostgreSQL: the backend pid; MySQL: the connection id.
    id: i64,
}

impl AppTransaction {
    fn open(db: &ScratchDb) -> AppTransaction {
        let (mut conn, id) = match db.engine {
            Engine::Postgres => {
                let mut c =
                    Conn::open(db.engine, &format!("{}?application_name=app", db.url)).unwrap();
                let id = c.int("select pg_backend_pid()::bigint");
                c.exec("begin");
                (c, id)
            }
            _ => {
                let mut c = db.conn();
                let id = c.int("select cast(connection_id() as signed)");
                c.exec("start transaction");
                (c, id)
            }
        };
        conn.count("user");
        AppTransaction { conn, id }
    }

    fn close(mut self) {
        self.conn.exec("rollback");
        self.conn.close();
    }
}

/// A held table lock is not an outage: `migrate --lock-timeout 3` gives up within
/// 3 + 2 s, names who holds the lock, changes nothing; an application query that came
/// meanwhile queues behind the pending `alter table` at most that long.
fn held_table_lock(engine: Engine) {
    let Some((db, case)) = core_before_state(engine) else {
        return;
    };
    let before = db.catalog();
    let app = AppTransaction::open(&db);
    let child = spawn_config(
        &case.config(),
        &db.url,
        &["migrate", "--yes", "--lock-timeout", "3"],
    );
    let waiting = wait_for_held_migrate(&db);
    if engine == Engine::Postgres {
        let mut w = db.conn();
        let sessions = w.int(&format!(
            "select count(*) from pg_stat_activity where datname = '{}' and application_name = 'rustauth'",
            db.name
        ));
        w.close();
        assert_eq!(sessions, 1, "one connection per run");
    }
    let url = db.url.clone();
    let query = std::thread::spawn(move || {
        let start = Instant::now();
        let mut c = Conn::open(engine, &url).unwrap();
        c.count("user");
        c.close();
        start.elapsed()
    });
    let run = wait_run(child, Duration::from_secs(60));
    let query_took = query.join().unwrap();
    let holder = app.id;
    app.close();

    assert!(waiting, "{engine:?}: migrate never waited\n{}", run.both());
    run.assert_one_line_error(&format!("{engine:?} held table lock"));
    assert!(
        run.elapsed < Duration::from_secs(3) + MARGIN,
        "{engine:?}: took {:?}\n{}",
        run.elapsed,
        run.both()
    );
    let named = match engine {
        Engine::Postgres => format!("pid {holder} (application_name \"app\""),
        _ => format!("connection {holder} ("),
    };
    assert!(
        run.stderr.contains(&named) && run.stderr.contains("--lock-timeout"),
        "{engine:?}: the message must name {named}\n{}",
        run.both()
    );
    assert!(
        query_took < Duration::from_secs(3) + MARGIN,
        "{engine:?}: the application's query waited {query_took:?}"
    );
    let after = db.catalog().without(&[HISTORY]);
    let diff = catalog_diff(&before, &after);
    assert!(
        diff.is_empty(),
        "{engine:?}: changed:\n  {}",
        diff.join("\n  ")
    );

    let rerun = run_config(&case.config(), &db.url, &["migrate", "--yes"]);
    assert_eq!(rerun.code, 0, "{engine:?} rerun\n{}", rerun.both());
    let status = run_config(&case.config(), &db.url, &["db", "status", "--check"]);
    assert_eq!(status.code, 0, "{engine:?}\n{}", status.both());
    assert!(
        !status.stdout.contains("Interrupted"),
        "{engine:?}: the rerun finishes the interrupted plan\n{}",
        status.both()
    );
}

#[test]
fn held_table_lock_postgres() {
    held_table_lock(Engine::Postgres);
}

#[test]
fn held_table_lock_mysql() {
    held_table_lock(Engine::Mysql);
}

/// `user` gets a row after the plan found it empty, before the `alter table … add column
/// … not null` runs: held between the two by a `lock tables … read` on the history
/// table (migrate records its plan there first). MySQL would give the row `''`;
/// rustauth exits non-zero and leaves the table as it was.
#[test]
fn insert_race_invents_nothing_mysql() {
    let Some(db) = ScratchDb::new(Engine::Mysql) else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let core = write_config(tmp.path(), "[database]\nadapter = \"sqlx\"\n");
    let first = run_config(&core, &db.url, &["migrate", "--yes"]);
    assert_eq!(first.code, 0, "{}", first.both());
    let dir = tempfile::tempdir().unwrap();
    let config = write_config(
        dir.path(),
        "[database]\nadapter = \"sqlx\"\n[models.user.additional_fields.tenant]\ntype = \"string\"\nrequired = true\n",
    );

    let mut history = db.conn();
    history.exec(&format!("lock tables `{HISTORY}` read"));
    let child = spawn_config(&config, &db.url, &["migrate", "--yes"]);
    assert!(wait_for_held_migrate(&db), "migrate never waited");
    db.exec(
        "insert into `user` (`id`, `name`, `email`, `emailVerified`, `createdAt`, `updatedAt`) values ('u1', 'n', 'e@example.com', false, now(), now())",
    );
    history.exec("unlock tables");
    history.close();
    let run = wait_run(child, Duration::from_secs(60));
    assert_ne!(run.code, 0, "{}", run.both());
    assert!(
        run.stderr.contains("no value was invented") && run.stderr.contains("tenant"),
        "{}",
        run.both()
    );
    let user = &db.catalog().tables["user"];
    assert!(
        !user.columns.iter().any(|c| c.name == "tenant"),
        "the column stayed: {user:?}"
    );
    let mut c = db.conn();
    assert_eq!(c.count("user"), 1, "the row is kept");
    c.close();

    // The next run sees the row and refuses the column, before changing anything.
    let again = run_config(&config, &db.url, &["migrate", "--yes"]);
    assert_eq!(again.code, 1, "{}", again.both());
    assert!(
        again.stderr.contains("blocked: user.tenant")
            && again.stderr.contains("nothing was changed"),
        "{}",
        again.both()
    );
}

/// The session holding the migration lock is terminated while the migrate waits for a
/// table lock: it is the migrate's only session, so the run fails (it never goes on
/// without its lock), nothing changed; the next run applies the plan, once.
#[test]
fn terminated_backend_postgres() {
    let Some((db, case)) = core_before_state(Engine::Postgres) else {
        return;
    };
    let before = db.catalog();
    let hold = UserTableHold::take(&db);
    let child = spawn_config(&case.config(), &db.url, &["migrate", "--yes"]);
    assert!(wait_for_held_migrate(&db), "migrate never waited");
    // The session that holds the migration lock (an advisory lock) is the one that runs
    // the plan: terminating it ends the run.
    let mut admin = db.conn();
    let terminated = admin.int(
        "select count(*) from (select pg_terminate_backend(pid) from pg_locks where locktype = 'advisory' and granted and database = (select oid from pg_database where datname = current_database())) t",
    );
    admin.close();
    assert_eq!(terminated, 1, "one session holds the migration lock");
    let run = wait_run(child, Duration::from_secs(30));
    hold.release();
    run.assert_one_line_error("terminated backend");
    assert!(
        !run.stdout.contains("Migration completed") && run.stderr.contains("nothing was changed"),
        "{}",
        run.both()
    );
    let diff = catalog_diff(&before, &db.catalog());
    assert!(diff.is_empty(), "changed:\n  {}", diff.join("\n  "));
    let rerun = run_config(&case.config(), &db.url, &["migrate", "--yes"]);
    assert_eq!(rerun.code, 0, "{}", rerun.both());
    assert!(
        rerun.stdout.contains("Migration completed"),
        "{}",
        rerun.both()
    );
    assert_eq!(db.history_rows(), 1);
}

/// A TCP proxy to PostgreSQL that forwards everything until the client sends `commit`
/// after a statement on the history table (the migration's commit): it forwards the
/// commit, drops the answer and closes both sides.
fn commit_cutter(upstream: String) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for client in listener.incoming().flatten() {
            let upstream = upstream.clone();
            std::thread::spawn(move || {
                let Ok(server) = TcpStream::connect(&upstream) else {
                    return;
                };
                let cut = Arc::new(AtomicBool::new(false));
                let (mut from_server, mut to_client) =
                    (server.try_clone().unwrap(), client.try_clone().unwrap());
                let cut_back = cut.clone();
                std::thread::spawn(move || {
                    let mut buf = [0u8; 8192];
                    while let Ok(n) = from_server.read(&mut buf) {
                        if n == 0 || cut_back.load(Ordering::SeqCst) {
                            break;
                        }
                        if to_client.write_all(&buf[..n]).is_err() {
                            break;
                        }
                    }
                });
                let (mut from_client, mut to_server) = (client, server);
                let commit = b"Q\0\0\0\x0bcommit\0";
                let mut seen_history = false;
                let mut buf = [0u8; 8192];
                while let Ok(n) = from_client.read(&mut buf) {
                    if n == 0 {
                        break;
                    }
                    let chunk = &buf[..n];
                    if chunk
                        .windows(HISTORY.len())
                        .any(|w| w == HISTORY.as_bytes())
                    {
                        seen_history = true;
                    }
                    if seen_history && chunk.windows(commit.len()).any(|w| w == commit) {
                        cut.store(true, Ordering::SeqCst);
                        let _ = to_server.write_all(chunk);
                        std::thread::sleep(Duration::from_millis(500));
                        let _ = from_client.shutdown(Shutdown::Both);
                        let _ = to_server.shutdown(Shutdown::Both);
                        return;
                    }
                    if to_server.write_all(chunk).is_err() {
                        break;
                    }
                }
            });
        }
    });
    port
}

/// The connection breaks after the commit was sent: the outcome is unknown, and the
/// message says so instead of "nothing was changed" (here the server did commit).
#[test]
fn commit_outcome_unknown_postgres() {
    let Some(db) = ScratchDb::new(Engine::Postgres) else {
        return;
    };
    let server = db.server_url();
    let authority = server.split_once("://").unwrap().1;
    let authority = authority.split(['/', '?']).next().unwrap();
    let hostport = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let hostport = if hostport.contains(':') {
        hostport.to_string()
    } else {
        format!("{hostport}:5432")
    };
    let port = commit_cutter(hostport);
    let proxied = format!(
        "{}?sslmode=disable",
        with_hostport(&db.url, &format!("127.0.0.1:{port}"))
    );
    let case = case_named(Engine::Postgres, "core");
    let run = run_config(&case.config(), &proxied, &["migrate", "--yes"]);
    run.assert_one_line_error("commit cut");
    assert!(
        run.stderr.contains("the server may have committed")
            && run.stderr.contains("rustauth db status")
            && !run.stderr.contains("nothing was changed"),
        "{}",
        run.both()
    );
    let status = run_config(&case.config(), &db.url, &["db", "status", "--check"]);
    assert_eq!(status.code, 0, "it did commit\n{}", status.both());
}

/// A history table rustauth cannot write to: the failure is named as the history step,
/// never as a statement past the last ("statement 8 of 7"), and nothing changes.
#[test]
fn history_failure_is_not_a_statement() {
    for engine in Engine::ALL {
        let Some(db) = ScratchDb::new(engine) else {
            continue;
        };
        // Readable (an unfinished plan is looked for), but without the columns a plan
        // is recorded with.
        let q = |n: &str| engine.ident(n);
        db.exec(&format!(
            "create table {} ({} integer primary key, {} boolean not null default true, {} text not null)",
            q(HISTORY),
            q("id"),
            q("finished"),
            q("sql")
        ));
        let before = db.catalog();
        let case = case_named(engine, "core");
        let run = run_config(&case.config(), &db.url, &["migrate", "--yes"]);
        run.assert_one_line_error(&format!("{engine:?}"));
        let expected = match engine {
            Engine::Mysql => "before its first statement, while recording the plan",
            _ => "after its 7 statement(s), while recording the plan",
        };
        assert!(
            run.stderr.contains(expected)
                && run.stderr.contains("nothing was changed")
                && !run.stderr.contains("statement 8 of 7"),
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
}

/// A MySQL run killed after its last statement, before it marked its plan finished,
/// leaves an unfinished row (simulated here): `db status` says so, and the next migrate
/// marks it finished, after which `db status` shows it as the last applied plan.
#[test]
fn an_unfinished_plan_is_finished_by_the_next_run_mysql() {
    let Some(db) = ScratchDb::new(Engine::Mysql) else {
        return;
    };
    let case = case_named(Engine::Mysql, "core");
    let run = run_config(&case.config(), &db.url, &["migrate", "--yes"]);
    assert_eq!(run.code, 0, "{}", run.both());
    db.exec(&format!("update `{HISTORY}` set `finished` = false"));
    let status = run_config(&case.config(), &db.url, &["db", "status"]);
    assert!(
        status.stdout.contains("Interrupted: ")
            && status.stdout.contains("Last applied: none recorded"),
        "{}",
        status.both()
    );
    let run = run_config(&case.config(), &db.url, &["migrate", "--yes"]);
    assert_eq!(run.code, 0, "{}", run.both());
    assert!(run.stdout.contains("marked finished"), "{}", run.both());
    let status = run_config(&case.config(), &db.url, &["db", "status", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&status.stdout).unwrap();
    assert_eq!(
        v["interrupted"],
        serde_json::Value::Null,
        "{}",
        status.both()
    );
    assert_eq!(
        v["last_applied"]["sha256"],
        sha256_hex(&case.expected_sql()),
        "{}",
        status.both()
    );
}

/// Without a database name PostgreSQL would use the one named after the user; rustauth
/// refuses, and creates nothing there.
#[test]
fn postgres_url_without_a_database_is_refused() {
    let Some(server) = server_url(Engine::Postgres) else {
        return;
    };
    let url = with_database(&server, "");
    let tmp = tempfile::tempdir().unwrap();
    let config = write_config(tmp.path(), "[database]\nadapter = \"sqlx\"\n");
    let mut c = Conn::open(Engine::Postgres, &server).unwrap();
    let count = "select count(*) from pg_catalog.pg_tables where tablename in ('user', 'session', 'account', 'verification')";
    let tables_before = c.int(count);
    for args in [&["migrate", "--yes"][..], &["db", "status"]] {
        let run = run_config(&config, &url, args);
        run.assert_one_line_error(&format!("{args:?}"));
        assert!(
            run.stderr.contains("names no database") && run.stderr.contains("postgres://"),
            "{}",
            run.both()
        );
    }
    assert_eq!(c.int(count), tables_before, "nothing created");
    c.close();
}

/// `db status`, `migrate --dry-run`, `generate` and `doctor` on a SQLite path that does
/// not exist: an error that says so, and no file.
#[test]
fn read_only_commands_never_create_a_sqlite_file() {
    let tmp = tempfile::tempdir().unwrap();
    let config = write_config(
        tmp.path(),
        "[database]\nadapter = \"sqlx\"\nurl = \"sqlite://auth.db\"\n",
    );
    let file = tmp.path().join("auth.db");
    let runs: [&[&str]; 5] = [
        &["db", "status"],
        &["db", "status", "--check"],
        &["migrate", "--dry-run"],
        &["migrate"],
        &["generate", "--yes"],
    ];
    for args in runs {
        let mut all = vec!["--config", config.to_str().unwrap()];
        all.extend_from_slice(args);
        let run = run(tmp.path(), None, &all);
        run.assert_one_line_error(&format!("{args:?}"));
        if args != ["migrate"] {
            assert!(
                run.stderr.contains("no such database file")
                    && run.stderr.contains("`rustauth migrate` creates it"),
                "{args:?}\n{}",
                run.both()
            );
        }
        assert!(!file.exists(), "{args:?} created {}", file.display());
    }
    let doctor = run(
        tmp.path(),
        None,
        &["--config", config.to_str().unwrap(), "doctor"],
    );
    assert_eq!(doctor.code, 3, "{}", doctor.both());
    assert!(!file.exists(), "doctor created the file");
    let migrate = run(
        tmp.path(),
        None,
        &["--config", config.to_str().unwrap(), "migrate", "--yes"],
    );
    assert_eq!(migrate.code, 0, "{}", migrate.both());
    assert!(file.exists(), "migrate creates it");
}

/// A FIFO named `*.sql` in the migrations folder would block a reader forever; generate
/// reads only regular files.
#[cfg(unix)]
#[test]
fn a_fifo_in_the_migrations_folder_is_skipped() {
    let tmp = tempfile::tempdir().unwrap();
    let config = write_config(tmp.path(), "[database]\nadapter = \"sqlx\"\n");
    let dir = tmp.path().join("migrations");
    std::fs::create_dir_all(&dir).unwrap();
    let fifo = dir.join("00000000000000_fifo.sql");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    let child = spawn_config(&config, "", &["generate", "--dialect", "sqlite", "--yes"]);
    let run = wait_run(child, Duration::from_secs(20));
    assert_eq!(run.code, 0, "{}", run.both());
    assert!(run.stdout.contains("Schema written to"), "{}", run.both());
}

/// `--verbose` on a pipe: a migrate waiting for the migration lock says who holds it
/// (the other migrate's session), once; a connection that hangs is named.
fn verbose_lock_wait(engine: Engine) {
    let Some((db, case)) = core_before_state(engine) else {
        return;
    };
    let hold = UserTableHold::take(&db);
    let first = spawn_config(&case.config(), &db.url, &["migrate", "--yes"]);
    assert!(
        wait_for_held_migrate(&db),
        "{engine:?}: the first was not held"
    );
    let second = run_config(
        &case.config(),
        &db.url,
        &["migrate", "--yes", "--lock-timeout", "3", "-v"],
    );
    hold.release();
    let first = wait_run(first, Duration::from_secs(60));
    assert_eq!(first.code, 0, "{}", first.both());
    assert_eq!(second.code, 1, "{}", second.both());
    let notices: Vec<&str> = second
        .stderr
        .lines()
        .filter(|l| l.starts_with("waiting for the migration lock held by "))
        .collect();
    let holder = match engine {
        Engine::Postgres => "(application_name \"rustauth\"",
        _ => "connection ",
    };
    assert!(
        notices.len() == 1 && notices[0].contains(holder),
        "{engine:?}: one notice naming the holder\n{}",
        second.both()
    );
}

#[test]
fn verbose_lock_wait_postgres() {
    verbose_lock_wait(Engine::Postgres);
}

#[test]
fn verbose_lock_wait_mysql() {
    verbose_lock_wait(Engine::Mysql);
}

#[test]
fn verbose_connect_wait() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let tmp = tempfile::tempdir().unwrap();
    let config = write_config(tmp.path(), "[database]\nadapter = \"sqlx\"\n");
    let url = format!("postgres://u@127.0.0.1:{port}/app");
    let quiet = run_config(&config, &url, &["db", "status", "--connect-timeout", "2"]);
    quiet.assert_one_line_error("without --verbose");
    let loud = run_config(
        &config,
        &url,
        &["db", "status", "--connect-timeout", "2", "--verbose"],
    );
    assert_eq!(loud.code, 1);
    assert!(
        loud.stderr.lines().next().is_some_and(|l| l
            == format!(
                "connecting to postgres database \"app\" on 127.0.0.1:{port} (waiting up to 2 s, --connect-timeout)"
            )),
        "{}",
        loud.both()
    );
    drop(listener);
}

// ---------------------------------------------------------------------------------------
// Names the engine rejects, and renames that collide: refused before anything changes
// ---------------------------------------------------------------------------------------

/// `migrate --yes` with `config` (a rustauth.toml body) on an empty database: exit 1, one
/// line holding `expect`, nothing created (no history table either).
fn refused(engine: Engine, body: &str, expect: &[&str]) {
    let Some(db) = ScratchDb::new(engine) else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let config = write_config(
        tmp.path(),
        &format!("[database]\nadapter = \"sqlx\"\n{body}"),
    );
    let run = run_config(&config, &db.url, &["migrate", "--yes"]);
    let what = format!("{engine:?} {body:?}");
    run.assert_one_line_error(&what);
    for e in expect {
        assert!(
            run.stderr.contains(e),
            "{what}: expected `{e}`\n{}",
            run.both()
        );
    }
    assert!(
        db.catalog().tables.is_empty(),
        "{what}: the database changed: {:?}",
        db.catalog().names()
    );
    let status = run_config(&config, &db.url, &["db", "status", "--check"]);
    assert_ne!(
        status.code,
        0,
        "{what}: db status --check\n{}",
        status.both()
    );
}

fn long(c: char, n: usize) -> String {
    std::iter::repeat_n(c, n).collect()
}

#[test]
fn names_the_engine_rejects_postgres() {
    let e = Engine::Postgres;
    let t70 = long('t', 70);
    refused(
        e,
        &format!("[models.user]\nmodel_name = \"{t70}\"\n"),
        &[
            "table \"ttt",
            "70 bytes",
            "PostgreSQL",
            "[models.user] model_name",
        ],
    );
    // The 1.6 line writes index names whole: session_userId_idx of a 60-byte table name.
    refused(
        e,
        &format!(
            "[project]\nbetter_auth = \"1.6\"\n[models.session]\nmodel_name = \"{}\"\n",
            long('s', 60)
        ),
        &["index \"sss", "71 bytes", "1.7"],
    );
    refused(
        e,
        "[models.verification.fields]\nvalue = \"id\"\n",
        &["column \"id\" (field verification.value)", "duplicates"],
    );
    refused(
        e,
        "[models.verification.fields]\nvalue = \"va\\u0000lue\"\n",
        // The config refuses control characters in any name, before the engine's rules.
        &[
            "`models.verification.fields.value`",
            "must not contain control characters",
        ],
    );
}

#[test]
fn names_the_engine_rejects_mysql() {
    let e = Engine::Mysql;
    refused(
        e,
        &format!("[models.user]\nmodel_name = \"{}\"\n", long('u', 65)),
        &["65 characters", "MySQL/MariaDB", "[models.user] model_name"],
    );
    refused(
        e,
        &format!(
            "[project]\nbetter_auth = \"1.6\"\n[models.session]\nmodel_name = \"{}\"\n",
            long('s', 55)
        ),
        &["index \"sss", "66 characters"],
    );
    refused(
        e,
        &format!("[models.session]\nmodel_name = \"{}\"\n", long('s', 60)),
        &["_ibfk_1", "at most 57"],
    );
    refused(
        e,
        "[models.verification.fields]\nvalue = \"IDENTIFIER\"\n",
        &[
            "column \"IDENTIFIER\" (field verification.value)",
            "case-insensitively",
        ],
    );
    refused(
        e,
        "[models.verification.fields]\nvalue = \"   \"\n",
        &["is blank"],
    );
    let mut many = String::new();
    for i in 0..1020 {
        many.push_str(&format!(
            "[models.verification.additional_fields.f{i}]\ntype = \"string\"\nrequired = false\n"
        ));
    }
    refused(e, &many, &["would have 1026 columns", "at most 1017"]);
}

#[test]
fn names_the_engine_rejects_sqlite() {
    let e = Engine::Sqlite;
    refused(
        e,
        "[models.verification.fields]\nvalue = \"Identifier\"\n",
        &[
            "duplicates",
            "SQLite compares column names case-insensitively",
        ],
    );
    refused(
        e,
        "[models.user]\nmodel_name = \"sqlite_user\"\n",
        &["starts with sqlite_"],
    );
    refused(
        e,
        "[models.verification.fields]\nvalue = \"va\\u0007lue\"\n",
        &[
            "`models.verification.fields.value`",
            "must not contain control characters",
        ],
    );
}

/// Renames that make two things one are config errors on every engine.
#[test]
fn renames_that_collide_are_refused() {
    for engine in Engine::ALL {
        refused(
            engine,
            "[models.user.fields]\nname = \"contact\"\nemail = \"contact\"\n",
            &["fields `name` and `email` of model `user` both use the column \"contact\""],
        );
        refused(
            engine,
            "[models.account]\nmodel_name = \"session\"\n",
            &[
                "models `session` and `account` both use the table \"session\"",
                "[models.account] model_name",
            ],
        );
    }
}
