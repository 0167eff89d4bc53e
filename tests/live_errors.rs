//! Bad database input through the binary: each of `migrate --yes`, `db status` and
//! `generate --yes` (live mode) must print one line on stderr (`error: …`), exit 1, never
//! print the password (a distinctive string, checked on both streams), and change
//! nothing (no table in the scratch database, no database created, no file written).
//!
//! * wrong password: MariaDB `root` with a wrong password. The PostgreSQL server of the
//!   tests trusts every local connection (any password is accepted), so the PostgreSQL
//!   variant uses a role that does not exist instead;
//! * unknown host (`*.invalid`), a closed port, a missing database, malformed URLs, mssql
//!   URLs (nothing to connect to: rustauth only writes SQL Server SQL);
//! * a server that accepts the TCP connection and never answers (a local listener that
//!   never reads; no traffic leaves the machine): the command gives up within
//!   `--connect-timeout 2` plus a small margin.

mod common;

use std::net::TcpListener;
use std::path::Path;
use std::time::Duration;

use common::*;

/// The password in every bad URL; it must never be printed.
const PW: &str = "Zq7xRustauthNoSuchPw9";

/// The slack allowed over `--connect-timeout 2` (process start-up on a busy CI machine).
const MARGIN: Duration = Duration::from_millis(1500);

fn write_bare_config(dir: &Path) -> std::path::PathBuf {
    // No provider: the URL decides the engine.
    write_config(dir, "[database]\nadapter = \"sqlx\"\n")
}

const COMMANDS: [&[&str]; 3] = [
    &["migrate", "--yes", "--connect-timeout", "5"],
    &["db", "status", "--connect-timeout", "5"],
    &["generate", "--yes", "--connect-timeout", "5"],
];

/// Runs the three live commands against `url`; checks the error contract and that no
/// migration file was written. `expect` is a fragment the message must hold.
fn assert_rejected(url: &str, what: &str, expect: &str) {
    for args in COMMANDS {
        let tmp = tempfile::tempdir().unwrap();
        let config = write_bare_config(tmp.path());
        let run = run_config(&config, url, args);
        let label = format!("{what}: rustauth {}", args.join(" "));
        run.assert_one_line_error(&label);
        assert!(
            !run.stdout.contains(PW) && !run.stderr.contains(PW),
            "{label}: the password was printed\n{}",
            run.both()
        );
        assert!(
            run.stderr.contains(expect),
            "{label}: expected `{expect}` in the message\n{}",
            run.both()
        );
        let written: Vec<_> = walk(tmp.path())
            .into_iter()
            .filter(|p| p.extension().is_some_and(|e| e == "sql"))
            .collect();
        assert!(written.is_empty(), "{label}: wrote {written:?}");
    }
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    if let Ok(rd) = std::fs::read_dir(dir) {
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                out.extend(walk(&p));
            } else {
                out.push(p);
            }
        }
    }
    out
}

fn assert_empty(db: &ScratchDb, what: &str) {
    let names: Vec<String> = db
        .catalog()
        .names()
        .iter()
        .map(std::string::ToString::to_string)
        .collect();
    assert!(names.is_empty(), "{what}: the database changed: {names:?}");
}

#[test]
fn wrong_password_mysql() {
    let Some(db) = ScratchDb::new(Engine::Mysql) else {
        return;
    };
    let url = with_userinfo(&db.url, &format!("root:{PW}"));
    assert_rejected(&url, "wrong password", "Access denied");
    assert_empty(&db, "wrong password");
}

/// Trust authentication accepts any password, so a role that does not exist stands in
/// for a wrong password.
#[test]
fn unknown_role_postgres() {
    let Some(db) = ScratchDb::new(Engine::Postgres) else {
        return;
    };
    let url = with_userinfo(&db.url, &format!("rustauth_no_such_role:{PW}"));
    assert_rejected(&url, "unknown role", "does not exist");
    assert_empty(&db, "unknown role");
}

#[test]
fn unknown_host() {
    for scheme in ["postgres", "mysql"] {
        let url = format!("{scheme}://root:{PW}@rustauth-no-such-host.invalid:5432/app");
        assert_rejected(&url, &format!("{scheme} unknown host"), "cannot connect to");
    }
}

#[test]
fn closed_port() {
    let port = {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    }; // closed again
    for scheme in ["postgres", "mysql"] {
        let url = format!("{scheme}://root:{PW}@127.0.0.1:{port}/app");
        assert_rejected(&url, &format!("{scheme} closed port"), "cannot connect to");
    }
}

#[test]
fn missing_database() {
    for engine in [Engine::Postgres, Engine::Mysql] {
        // A scratch database proves the server is there (or skips when the variable is unset).
        let Some(scratch) = ScratchDb::new(engine) else {
            continue;
        };
        let server = scratch.server_url().to_string();
        let name = format!("rustauth_t_missing_{:08x}", rand::random::<u32>());
        // A password is accepted by trust auth (PostgreSQL) and by nothing on MariaDB, so
        // only the PostgreSQL variant carries one.
        let url = if engine == Engine::Postgres {
            with_userinfo(&with_database(&server, &name), &format!("postgres:{PW}"))
        } else {
            with_database(&server, &name)
        };
        assert_rejected(&url, &format!("{engine:?} missing database"), &name);
        let mut admin = Conn::open(engine, &server).expect("server");
        let q = match engine {
            Engine::Postgres => {
                format!("select count(*) from pg_database where datname = '{name}'")
            }
            _ => format!(
                "select count(*) from information_schema.schemata where schema_name = '{name}'"
            ),
        };
        assert_eq!(
            admin.int(&q),
            0,
            "{engine:?}: the missing database was created"
        );
        admin.close();
    }
}

#[test]
fn malformed_urls() {
    let cases = [
        (
            format!("postgres://postgres:{PW}@127.0.0.1:notaport/app"),
            "port",
        ),
        (
            format!("postgres//postgres:{PW}@127.0.0.1/app"),
            "unparseable",
        ),
        (PW.to_string(), "unparseable"),
        (format!("mysql://root:{PW}@[::1/app"), "unparseable"),
        (format!("ftp://root:{PW}@127.0.0.1/app"), "unknown scheme"),
        (
            format!("postgres://postgres:{PW}@127.0.0.1:5432/app?sslmode=bogus"),
            "unparseable",
        ),
    ];
    for (url, expect) in cases {
        assert_rejected(&url, &format!("malformed URL {expect}"), expect);
    }
}

#[test]
fn mssql_urls() {
    for scheme in ["mssql", "sqlserver"] {
        let url = format!("{scheme}://sa:{PW}@127.0.0.1:1433/master");
        assert_rejected(&url, &format!("{scheme} URL"), "mssql");
    }
}

/// A listener that accepts connections (the kernel completes the handshake) and never
/// sends a byte. The four runs go in parallel, so the test takes about 2 s.
#[test]
fn silent_server_times_out() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let tmp = tempfile::tempdir().unwrap();
    let config = write_bare_config(tmp.path());
    let runs: [(&str, &[&str]); 4] = [
        ("postgres", &["migrate", "--yes"]),
        ("mysql", &["migrate", "--yes"]),
        ("postgres", &["db", "status"]),
        ("mysql", &["generate", "--yes"]),
    ];
    let start = std::time::Instant::now();
    let children: Vec<_> = runs
        .iter()
        .map(|(scheme, args)| {
            let url = format!("{scheme}://root:{PW}@127.0.0.1:{port}/app");
            let mut all = args.to_vec();
            all.extend(["--connect-timeout", "2"]);
            let label = format!("{scheme} silent server: rustauth {}", all.join(" "));
            (label, spawn_config(&config, &url, &all))
        })
        .collect();
    for (label, child) in children {
        let run = wait_run(child, Duration::from_secs(30));
        run.assert_one_line_error(&label);
        assert!(
            run.stderr.contains("within 2 s"),
            "{label}: expected the connect-timeout message\n{}",
            run.both()
        );
        assert!(!run.stderr.contains(PW) && !run.stdout.contains(PW));
    }
    // Every run ended by now: a bound for each.
    let elapsed = start.elapsed();
    assert!(
        elapsed < Duration::from_secs(2) + MARGIN,
        "the runs took {elapsed:?}, more than --connect-timeout 2 + {MARGIN:?}"
    );
    drop(listener);
}
