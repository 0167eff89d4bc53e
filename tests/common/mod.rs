//! Shared helpers for the integration tests (`mod common;` in a test file).
//!
//! * [`rustauth`] / [`rustauth_in`] / [`run`] / [`run_cmd`]: the real binary, without a
//!   terminal and with a cleared environment ([`clear_env`]): only `PATH` and a `HOME`
//!   that holds nothing are set, so no variable of the developer's shell
//!   (`DATABASE_URL`, `RUSTAUTH_SECRET`, `NO_COLOR`, `CLICOLOR_FORCE`, telemetry, …) can
//!   change a test's outcome; a test that needs a variable sets it on the command.
//!   [`process`] is the same for a `std::process::Command` (spawned runs, pseudo-terminals),
//!   [`cargo_rustauth`] the cargo shim.
//! * [`ScratchDb`]: a database of its own for one test: an empty SQLite file in a
//!   temporary folder, or `rustauth_t_<random>` on the PostgreSQL / MariaDB server of
//!   `RUSTAUTH_TEST_POSTGRES_URL` / `RUSTAUTH_TEST_MYSQL_URL`, dropped at the end. Without
//!   the variable the test prints `skipping: … not set` and passes, unless
//!   `RUSTAUTH_TEST_REQUIRE_SERVERS=1`, which turns the skip into a failure; a variable
//!   that names an unreachable server fails the test.
//! * [`Catalog`]: what a database holds (tables, columns with type / nullability /
//!   default, primary key, indexes, foreign keys), read with plain catalog queries that
//!   share no code with rustauth, and [`expected_catalog`], the same thing computed from
//!   a parity case's `expected.sql`.
//! * [`parity_cases`]: the cases of `tests/fixtures/parity` for a dialect.
//!
//! Every helper is blocking; the sqlx work runs on a runtime of the calling thread.

#![allow(dead_code)]
// A helper module of each test crate: `pub` marks what the test files use.
#![allow(unreachable_pub)]

use std::collections::{BTreeMap, BTreeSet};
use std::future::Future;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::{Duration, Instant};

use assert_cmd::Command;
use sha2::{Digest, Sha256};
use sqlx::mysql::MySqlConnection;
use sqlx::postgres::PgConnection;
use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection};
use sqlx::{ConnectOptions, Connection, Row};

/// The name of rustauth's history table (`database.history_table` default).
pub const HISTORY: &str = "_rustauth_migrations";

/// The first line of every file `generate` writes.
pub const PLAN_HEADER: &str = "-- rustauth plan sha256:";

// ---------------------------------------------------------------------------------------
// The binary
// ---------------------------------------------------------------------------------------

pub fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_rustauth")
}

/// The empty folder every run gets as `HOME` (`<target>/tmp/home`): nothing a
/// developer keeps in their home (`.pgpass`, rustup, shell settings) is seen.
pub fn home() -> PathBuf {
    let home = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("home");
    std::fs::create_dir_all(&home).expect("create the test HOME");
    home
}

/// Clears `cmd`'s environment and sets back only what a run needs: `PATH`, `HOME`
/// ([`home`]) and, when set, `LLVM_PROFILE_FILE` (coverage runs; it changes no outcome).
/// `LANG`, `TERM` and everything else are unset.
pub fn clear_env(cmd: &mut std::process::Command) -> &mut std::process::Command {
    cmd.env_clear().env("HOME", home());
    for keep in ["PATH", "LLVM_PROFILE_FILE"] {
        if let Some(v) = std::env::var_os(keep) {
            cmd.env(keep, v);
        }
    }
    cmd
}

/// `program` with a cleared environment ([`clear_env`]), stdin, stdout and stderr
/// inherited until the caller says otherwise.
fn cleared(program: &str) -> std::process::Command {
    let mut cmd = std::process::Command::new(program);
    clear_env(&mut cmd);
    cmd
}

/// The binary as a `std::process::Command` with a cleared environment ([`clear_env`]),
/// for runs the test spawns itself or drives through a pseudo-terminal.
pub fn process() -> std::process::Command {
    cleared(bin())
}

/// The binary with no terminal (stdin is an empty pipe), a cleared environment
/// ([`clear_env`]) and a timeout of 180 s.
pub fn rustauth() -> Command {
    let mut cmd = Command::from_std(process());
    cmd.write_stdin("").timeout(Duration::from_secs(180));
    cmd
}

/// [`rustauth`] run in `dir`.
pub fn rustauth_in(dir: &Path) -> Command {
    let mut cmd = rustauth();
    cmd.current_dir(dir);
    cmd
}

/// The cargo shim (`cargo-rustauth`), as [`rustauth`] is the binary.
pub fn cargo_rustauth() -> Command {
    let mut cmd = Command::from_std(cleared(env!("CARGO_BIN_EXE_cargo-rustauth")));
    cmd.write_stdin("").timeout(Duration::from_secs(180));
    cmd
}

/// What a run of the binary did.
#[derive(Debug, Clone)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
    pub elapsed: Duration,
}

impl Run {
    /// Both streams, for assertion messages.
    pub fn both(&self) -> String {
        format!(
            "exit {}\n--- stdout\n{}\n--- stderr\n{}",
            self.code, self.stdout, self.stderr
        )
    }

    /// Asserts the error contract: exit 1, exactly one line on stderr starting `error:`.
    pub fn assert_one_line_error(&self, what: &str) {
        assert_eq!(self.code, 1, "{what}: expected exit 1\n{}", self.both());
        // One `error:` line, and at most one `help:` line after it.
        let lines: Vec<&str> = self.stderr.lines().filter(|l| !l.is_empty()).collect();
        let helps = lines
            .iter()
            .skip(1)
            .filter(|l| l.starts_with("help: "))
            .count();
        assert!(
            !lines.is_empty() && helps <= 1 && lines.len() == 1 + helps,
            "{what}: expected one error line (and at most one help line) on stderr\n{}",
            self.both()
        );
        assert!(
            lines[0].starts_with("error:"),
            "{what}: stderr does not start with `error:`\n{}",
            self.both()
        );
    }
}

/// Runs a prepared command (from [`rustauth`], [`rustauth_in`], [`cargo_rustauth`]) to
/// its end. Both streams must be UTF-8.
pub fn run_cmd(cmd: &mut Command) -> Run {
    let start = Instant::now();
    let out = cmd.output().expect("run rustauth");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8(out.stdout).expect("utf-8 stdout"),
        stderr: String::from_utf8(out.stderr).expect("utf-8 stderr"),
        elapsed: start.elapsed(),
    }
}

/// Runs `rustauth <args>` in `cwd` with `DATABASE_URL=<url>` (when given).
pub fn run(cwd: &Path, url: Option<&str>, args: &[&str]) -> Run {
    let mut cmd = rustauth_in(cwd);
    cmd.args(args);
    if let Some(u) = url {
        cmd.env("DATABASE_URL", u);
    }
    run_cmd(&mut cmd)
}

/// `rustauth --config <config> <args>` against `url`, run from the config's folder.
pub fn run_config(config: &Path, url: &str, args: &[&str]) -> Run {
    let cwd = config.parent().expect("config folder");
    let mut all = vec!["--config", config.to_str().expect("utf-8 path")];
    all.extend_from_slice(args);
    run(cwd, Some(url), &all)
}

/// Starts `rustauth --config <config> <args>` against `url` without waiting (stdin
/// closed, stdout and stderr captured).
pub fn spawn_config(config: &Path, url: &str, args: &[&str]) -> std::process::Child {
    process()
        .current_dir(config.parent().expect("config folder"))
        .arg("--config")
        .arg(config)
        .args(args)
        .env("DATABASE_URL", url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn rustauth")
}

/// Waits for a spawned run, killing it after `timeout` (then `code` is -1).
pub fn wait_run(mut child: std::process::Child, timeout: Duration) -> Run {
    use std::io::Read;
    let start = Instant::now();
    let finished = wait_until(timeout, || child.try_wait().ok().flatten().is_some());
    if !finished {
        let _ = child.kill();
    }
    let status = child.wait().expect("wait");
    let (mut stdout, mut stderr) = (String::new(), String::new());
    if let Some(mut o) = child.stdout.take() {
        let _ = o.read_to_string(&mut stdout);
    }
    if let Some(mut e) = child.stderr.take() {
        let _ = e.read_to_string(&mut stderr);
    }
    Run {
        code: if finished {
            status.code().unwrap_or(-1)
        } else {
            -1
        },
        stdout,
        stderr,
        elapsed: start.elapsed(),
    }
}

pub fn sha256_hex(s: &str) -> String {
    Sha256::digest(s.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

// ---------------------------------------------------------------------------------------
// Parity cases
// ---------------------------------------------------------------------------------------

pub fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The Better Auth 1.6.9 parity cases.
pub fn parity_dir() -> PathBuf {
    manifest_dir().join("tests/fixtures/parity")
}

/// The Better Auth 1.7 parity cases (and `parity-1.7-refused`: upstream's generate
/// refuses them).
pub fn parity_1_7_dir() -> PathBuf {
    manifest_dir().join("tests/fixtures/parity-1.7")
}

/// One parity case folder.
#[derive(Debug, Clone)]
pub struct Case {
    pub name: String,
    pub dir: PathBuf,
}

impl Case {
    pub fn config(&self) -> PathBuf {
        self.dir.join("rustauth.toml")
    }
    pub fn read(&self, file: &str) -> Option<String> {
        std::fs::read_to_string(self.dir.join(file)).ok()
    }
    pub fn expected_sql(&self) -> String {
        self.read("expected.sql").expect("expected.sql")
    }
    pub fn before_sql(&self) -> Option<String> {
        self.read("before.sql")
    }
    /// The statements of `blockers.txt` (comment lines and the final `;` dropped).
    pub fn blockers(&self) -> Vec<String> {
        self.read("blockers.txt")
            .unwrap_or_default()
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with("--"))
            .map(|l| l.trim_end_matches(';').to_string())
            .collect()
    }
    /// `[database] schema` of the case's config (a PostgreSQL schema), if set.
    pub fn namespace(&self) -> Option<String> {
        let text = self.read("rustauth.toml")?;
        text.lines().find_map(|l| {
            let v = l.trim().strip_prefix("schema = \"")?;
            Some(v.trim_end_matches('"').to_string())
        })
    }
    /// What upstream 1.7's own migrate said when it refused the plan (`blockers.txt`),
    /// without its `Run npx auth@latest generate …` hint.
    pub fn upstream_refusal(&self) -> Option<String> {
        let text = self.read("blockers.txt")?;
        let line = text
            .lines()
            .find(|l| l.starts_with("-- Better Auth 1.7 migrate"))?;
        let (_, said) = line.split_once("refused (exit 1): ")?;
        Some(
            said.split(" Run npx auth@latest generate")
                .next()
                .unwrap_or(said)
                .to_string(),
        )
    }
    /// The messages of `warnings.txt`, without upstream's `WARN [Better Auth]: ` prefix.
    pub fn warnings(&self) -> Vec<String> {
        self.read("warnings.txt")
            .unwrap_or_default()
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(|l| {
                l.strip_prefix("WARN [Better Auth]: ")
                    .unwrap_or(l)
                    .to_string()
            })
            .collect()
    }
    /// `additional-fields-all-types` references `external_things`, a table Better Auth
    /// does not own.
    pub fn needs_external_things(&self) -> bool {
        self.expected_sql().contains("external_things")
    }
}

/// The 1.6.9 parity cases of a dialect: the fresh ones (no `before.sql`) or the
/// incremental ones.
pub fn parity_cases(dialect: &str, incremental: bool) -> Vec<Case> {
    cases_in(&parity_dir(), dialect, incremental)
}

/// The cases of one corpus folder for a dialect.
pub fn cases_in(root: &Path, dialect: &str, incremental: bool) -> Vec<Case> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(root).expect("a parity fixture folder") {
        let dir = entry.expect("entry").path();
        let Ok(d) = std::fs::read_to_string(dir.join("dialect")) else {
            continue;
        };
        if d.trim() != dialect || dir.join("before.sql").exists() != incremental {
            continue;
        }
        out.push(Case {
            name: dir.file_name().unwrap().to_string_lossy().into_owned(),
            dir,
        });
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

/// The statements of a parity SQL file (`;` + newline separated, final `;` optional).
pub fn statements(sql: &str) -> Vec<String> {
    sql.split(";\n")
        .map(|s| s.trim().trim_end_matches(';').trim())
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

// ---------------------------------------------------------------------------------------
// Engines, servers, scratch databases
// ---------------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
    Mysql,
}

impl Engine {
    pub const ALL: [Engine; 3] = [Engine::Sqlite, Engine::Postgres, Engine::Mysql];

    /// The parity `dialect` name.
    pub fn dialect(self) -> &'static str {
        match self {
            Engine::Sqlite => "sqlite",
            Engine::Postgres => "postgres",
            Engine::Mysql => "mysql",
        }
    }

    pub fn env_var(self) -> Option<&'static str> {
        match self {
            Engine::Sqlite => None,
            Engine::Postgres => Some("RUSTAUTH_TEST_POSTGRES_URL"),
            Engine::Mysql => Some("RUSTAUTH_TEST_MYSQL_URL"),
        }
    }

    /// Quotes an identifier as the engine does.
    pub fn ident(self, s: &str) -> String {
        match self {
            Engine::Mysql => format!("`{}`", s.replace('`', "``")),
            _ => format!("\"{}\"", s.replace('"', "\"\"")),
        }
    }
}

pub fn require_servers() -> bool {
    std::env::var("RUSTAUTH_TEST_REQUIRE_SERVERS").is_ok_and(|v| v == "1")
}

/// Prints why a test skips, or fails it when CI requires the servers.
fn skip(reason: String) -> Option<String> {
    if require_servers() {
        panic!("{reason} (RUSTAUTH_TEST_REQUIRE_SERVERS=1: database tests must not skip)");
    }
    say_skipped(&reason);
    None
}

/// Says on the terminal why a test skips: written to the stderr handle itself, which the
/// test harness does not capture, so a plain `cargo test` shows it.
pub fn say_skipped(reason: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "skipping: {reason}");
}

/// The server URL of an engine from the environment, `None` (printed) to skip.
pub fn server_url(engine: Engine) -> Option<String> {
    let var = engine.env_var()?;
    match std::env::var(var) {
        Ok(u) if !u.trim().is_empty() => Some(u.trim().to_string()),
        _ => skip(format!(
            "{} part of {}: {var} is not set (README.md, Database tests)",
            match engine {
                Engine::Postgres => "the PostgreSQL",
                _ => "the MySQL/MariaDB",
            },
            std::thread::current().name().unwrap_or("a test")
        )),
    }
}

/// PgBouncer in front of the PostgreSQL test server, transaction pooling.
pub const PGBOUNCER_VAR: &str = "RUSTAUTH_TEST_PGBOUNCER_URL";
/// PgBouncer in front of the PostgreSQL test server, session pooling.
pub const PGBOUNCER_SESSION_VAR: &str = "RUSTAUTH_TEST_PGBOUNCER_SESSION_URL";

/// The URL of a PgBouncer ([`PGBOUNCER_VAR`] or [`PGBOUNCER_SESSION_VAR`]) in front of
/// the server of `RUSTAUTH_TEST_POSTGRES_URL` (its databases by name: `* = host=…`),
/// `None` (printed) to skip, as [`server_url`].
pub fn pgbouncer_url(var: &str) -> Option<String> {
    match std::env::var(var) {
        Ok(u) if !u.trim().is_empty() => Some(u.trim().to_string()),
        _ => skip(format!(
            "{var} not set (scripts/pgbouncer.sh starts one; .ci/run does)"
        )),
    }
}

/// Runs a future on this thread's runtime (tokio is built without the multi-threaded
/// scheduler here; each test thread keeps its own connections).
pub fn block_on<F: Future>(f: F) -> F::Output {
    thread_local! {
        static RT: tokio::runtime::Runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("tokio runtime");
    }
    RT.with(|rt| rt.block_on(f))
}

/// `url` with its database (path) replaced by `db`; the query string is kept.
pub fn with_database(url: &str, db: &str) -> String {
    let (scheme, rest) = url.split_once("://").expect("a URL with ://");
    let end = rest.find(['/', '?']).unwrap_or(rest.len());
    let authority = &rest[..end];
    let query = rest[end..]
        .find('?')
        .map(|i| &rest[end + i..])
        .unwrap_or("");
    format!("{scheme}://{authority}/{db}{query}")
}

/// `url` with its user info replaced (`user:password`, or `user`).
pub fn with_userinfo(url: &str, userinfo: &str) -> String {
    let (scheme, rest) = url.split_once("://").expect("a URL with ://");
    let end = rest.find(['/', '?']).unwrap_or(rest.len());
    let authority = &rest[..end];
    let host = authority
        .rsplit_once('@')
        .map(|(_, h)| h)
        .unwrap_or(authority);
    format!("{scheme}://{userinfo}@{host}{}", &rest[end..])
}

/// `url` with its host and port replaced (`host:port`).
pub fn with_hostport(url: &str, hostport: &str) -> String {
    let (scheme, rest) = url.split_once("://").expect("a URL with ://");
    let end = rest.find(['/', '?']).unwrap_or(rest.len());
    let authority = &rest[..end];
    let user = authority.rsplit_once('@').map(|(u, _)| format!("{u}@"));
    format!(
        "{scheme}://{}{hostport}{}",
        user.unwrap_or_default(),
        &rest[end..]
    )
}

/// A connection of one of the three engines (blocking methods).
pub enum Conn {
    Pg(PgConnection),
    My(MySqlConnection),
    Lite(SqliteConnection),
}

impl Conn {
    pub fn open(engine: Engine, url: &str) -> Result<Conn, String> {
        block_on(async {
            let fut = async {
                Ok::<Conn, sqlx::Error>(match engine {
                    Engine::Postgres => Conn::Pg(PgConnection::connect(url).await?),
                    Engine::Mysql => Conn::My(MySqlConnection::connect(url).await?),
                    Engine::Sqlite => Conn::Lite(
                        SqliteConnectOptions::from_str(url)?
                            .create_if_missing(true)
                            .foreign_keys(true)
                            .connect()
                            .await?,
                    ),
                })
            };
            match tokio::time::timeout(Duration::from_secs(15), fut).await {
                Ok(r) => r.map_err(|e| e.to_string()),
                Err(_) => Err("timed out after 15 s".into()),
            }
        })
    }

    pub fn engine(&self) -> Engine {
        match self {
            Conn::Pg(_) => Engine::Postgres,
            Conn::My(_) => Engine::Mysql,
            Conn::Lite(_) => Engine::Sqlite,
        }
    }

    /// Runs SQL as is (text protocol; several statements allowed).
    pub fn try_exec(&mut self, sql: &str) -> Result<(), String> {
        block_on(async {
            let r = match self {
                Conn::Pg(c) => sqlx::raw_sql(sql).execute(c).await.map(|_| ()),
                Conn::My(c) => sqlx::raw_sql(sql).execute(c).await.map(|_| ()),
                Conn::Lite(c) => sqlx::raw_sql(sql).execute(c).await.map(|_| ()),
            };
            r.map_err(|e| e.to_string())
        })
    }

    pub fn exec(&mut self, sql: &str) {
        if let Err(e) = self.try_exec(sql) {
            panic!("{sql}: {e}");
        }
    }

    /// Runs each statement of a parity SQL file.
    pub fn exec_script(&mut self, sql: &str) {
        for s in statements(sql) {
            self.exec(&s);
        }
    }

    /// The first column of the first row, as an integer.
    pub fn int(&mut self, sql: &str) -> i64 {
        block_on(async {
            let r = match self {
                Conn::Pg(c) => sqlx::query(sql).fetch_one(c).await.map(|r| r.get(0)),
                Conn::My(c) => sqlx::query(sql).fetch_one(c).await.map(|r| r.get(0)),
                Conn::Lite(c) => sqlx::query(sql).fetch_one(c).await.map(|r| r.get(0)),
            };
            r.unwrap_or_else(|e| panic!("{sql}: {e}"))
        })
    }

    /// The first column of every row, as text.
    pub fn strings(&mut self, sql: &str) -> Vec<String> {
        block_on(async {
            let r = match self {
                Conn::Pg(c) => sqlx::query(sql)
                    .fetch_all(c)
                    .await
                    .map(|rows| rows.iter().map(|r| r.get(0)).collect()),
                Conn::My(c) => sqlx::query(sql)
                    .fetch_all(c)
                    .await
                    .map(|rows| rows.iter().map(|r| r.get(0)).collect()),
                Conn::Lite(c) => sqlx::query(sql)
                    .fetch_all(c)
                    .await
                    .map(|rows| rows.iter().map(|r| r.get(0)).collect()),
            };
            r.unwrap_or_else(|e| panic!("{sql}: {e}"))
        })
    }

    /// `select count(*) from <table>`.
    pub fn count(&mut self, table: &str) -> i64 {
        let q = format!("select count(*) from {}", self.engine().ident(table));
        self.int(&q)
    }

    /// What the database holds: PostgreSQL in `namespace` (default: `current_schema()`),
    /// MySQL in `DATABASE()`, SQLite in `main`.
    pub fn catalog(&mut self, namespace: Option<&str>) -> Catalog {
        block_on(async {
            match self {
                Conn::Pg(c) => pg_catalog(c, namespace).await,
                Conn::My(c) => mysql_catalog(c).await,
                Conn::Lite(c) => sqlite_catalog(c).await,
            }
        })
        .unwrap_or_else(|e| panic!("reading the catalog: {e}"))
    }

    pub fn close(self) {
        block_on(async {
            let _ = match self {
                Conn::Pg(c) => c.close().await,
                Conn::My(c) => c.close().await,
                Conn::Lite(c) => c.close().await,
            };
        });
    }
}

/// A database of its own for one test, dropped at the end.
pub struct ScratchDb {
    pub engine: Engine,
    /// The database name (the SQLite file for SQLite).
    pub name: String,
    /// The URL to give rustauth.
    pub url: String,
    server: Option<String>,
    _dir: Option<tempfile::TempDir>,
}

impl ScratchDb {
    /// A new, empty database; `None` (with `skipping: …` printed) when the engine's
    /// server is not configured.
    pub fn new(engine: Engine) -> Option<ScratchDb> {
        if engine == Engine::Sqlite {
            let dir = tempfile::tempdir().expect("tempdir");
            let file = dir.path().join("auth.db");
            // An empty file is an empty SQLite database (only `migrate` creates a
            // missing one; the other commands refuse it).
            std::fs::write(&file, b"").expect("create the SQLite file");
            return Some(ScratchDb {
                engine,
                name: file.display().to_string(),
                url: format!("sqlite://{}", file.display()),
                server: None,
                _dir: Some(dir),
            });
        }
        let server = server_url(engine)?;
        let name = format!(
            "rustauth_t_{:08x}{:04x}",
            rand::random::<u32>(),
            std::process::id() & 0xffff
        );
        // A variable that is set but names a server that cannot be reached fails.
        let mut admin = Conn::open(engine, &server).unwrap_or_else(|e| {
            panic!(
                "{} is set, but its server cannot be reached: {e}",
                engine.env_var().unwrap()
            )
        });
        admin.exec(&format!("create database {}", engine.ident(&name)));
        admin.close();
        let url = with_database(&server, &name);
        Some(ScratchDb {
            engine,
            name,
            url,
            server: Some(server),
            _dir: None,
        })
    }

    /// The server URL this database lives on (PostgreSQL / MySQL).
    pub fn server_url(&self) -> &str {
        self.server.as_deref().expect("a server database")
    }

    pub fn conn(&self) -> Conn {
        Conn::open(self.engine, &self.url)
            .unwrap_or_else(|e| panic!("connecting to {}: {e}", self.name))
    }

    /// Empties the database (drops and recreates it; SQLite: removes the file).
    pub fn reset(&self) {
        match self.engine {
            Engine::Sqlite => {
                for suffix in ["", "-journal", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{}{suffix}", self.name));
                }
                std::fs::write(&self.name, b"").expect("create the SQLite file");
            }
            Engine::Postgres => {
                let mut c = self.conn();
                // Every schema a test made (1.7's `database.schema` cases), and public.
                for ns in c.strings(
                    "select nspname::text from pg_catalog.pg_namespace where nspname not like 'pg\\_%' and nspname <> 'information_schema'",
                ) {
                    c.exec(&format!("drop schema {} cascade", Engine::Postgres.ident(&ns)));
                }
                c.exec("create schema public");
                c.close();
            }
            Engine::Mysql => {
                let mut admin = Conn::open(self.engine, self.server_url()).expect("admin");
                let q = self.engine.ident(&self.name);
                admin.exec(&format!("drop database {q}"));
                admin.exec(&format!("create database {q}"));
                admin.close();
            }
        }
    }

    /// Runs each statement of a parity SQL file.
    pub fn exec_script(&self, sql: &str) {
        let mut c = self.conn();
        c.exec_script(sql);
        c.close();
    }

    pub fn exec(&self, sql: &str) {
        let mut c = self.conn();
        c.exec(sql);
        c.close();
    }

    /// The whole catalog (PostgreSQL: `public`, or the search_path's first schema).
    pub fn catalog(&self) -> Catalog {
        self.catalog_in(None)
    }

    pub fn catalog_in(&self, namespace: Option<&str>) -> Catalog {
        let mut c = self.conn();
        let cat = c.catalog(namespace);
        c.close();
        cat
    }

    /// Rows of the history table (0 when it does not exist).
    pub fn history_rows(&self) -> i64 {
        let cat = self.catalog();
        if cat.tables.contains_key(HISTORY) {
            let mut c = self.conn();
            let n = c.count(HISTORY);
            c.close();
            n
        } else {
            0
        }
    }

    /// The sha256 column of every history row, oldest first.
    pub fn history_hashes(&self) -> Vec<String> {
        self.history_hashes_in(None)
    }

    /// The same, for a history table in a PostgreSQL schema.
    pub fn history_hashes_in(&self, namespace: Option<&str>) -> Vec<String> {
        let mut c = self.conn();
        let table = match namespace {
            Some(ns) => format!("{}.{}", self.engine.ident(ns), self.engine.ident(HISTORY)),
            None => self.engine.ident(HISTORY),
        };
        let q = format!(
            "select {} from {table} order by {}",
            self.engine.ident("sha256"),
            self.engine.ident("id")
        );
        let v = c.strings(&q);
        c.close();
        v
    }

    /// `external_things`, the table `additional-fields-all-types` references: `ext_id`
    /// with the type its foreign key has, and a unique key.
    pub fn create_external_things(&self) {
        let sql = match self.engine {
            Engine::Mysql => {
                "create table `external_things` (`ext_id` varchar(36) not null unique)"
            }
            _ => "create table \"external_things\" (\"ext_id\" text not null unique)",
        };
        self.exec(sql);
    }
}

impl Drop for ScratchDb {
    fn drop(&mut self) {
        let Some(server) = &self.server else { return };
        let q = self.engine.ident(&self.name);
        let sql = match self.engine {
            Engine::Postgres => format!("drop database if exists {q} with (force)"),
            _ => format!("drop database if exists {q}"),
        };
        if let Ok(mut admin) = Conn::open(self.engine, server) {
            if let Err(e) = admin.try_exec(&sql) {
                eprintln!("could not drop {}: {e}", self.name);
            }
            admin.close();
        }
    }
}

// ---------------------------------------------------------------------------------------
// Catalogs
// ---------------------------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Column {
    pub name: String,
    /// As the engine reports it: PostgreSQL `typname` (`int4`, `bool`, `timestamptz`),
    /// MySQL `COLUMN_TYPE` (`tinyint(1)`, `varchar(36)`), SQLite the declared type;
    /// lower case.
    pub ty: String,
    pub nullable: bool,
    /// A default, identity or auto_increment.
    pub has_default: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Index {
    /// `None` for an index the engine named itself (inline `unique`, MySQL's index for a
    /// foreign key): only names rustauth chose are compared.
    pub name: Option<String>,
    pub columns: Vec<String>,
    pub unique: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct ForeignKey {
    pub column: String,
    pub ref_table: String,
    pub ref_column: String,
    /// `cascade`, `set null`, `restrict`, `no action`, `set default`.
    pub on_delete: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Table {
    pub columns: Vec<Column>,
    pub primary_key: Vec<String>,
    pub indexes: BTreeSet<Index>,
    pub foreign_keys: BTreeSet<ForeignKey>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Catalog {
    pub tables: BTreeMap<String, Table>,
}

impl Catalog {
    pub fn names(&self) -> Vec<&str> {
        self.tables.keys().map(String::as_str).collect()
    }

    /// The catalog without some tables (the history table, `external_things`, decoys).
    pub fn without(&self, names: &[&str]) -> Catalog {
        Catalog {
            tables: self
                .tables
                .iter()
                .filter(|(n, _)| !names.contains(&n.as_str()))
                .map(|(n, t)| (n.clone(), t.clone()))
                .collect(),
        }
    }

    /// Forgets index names that `expected` does not name (engine-chosen names), and on
    /// MySQL the indexes the engine adds for foreign keys.
    pub fn normalized_against(&self, expected: &Catalog, engine: Engine) -> Catalog {
        let named: BTreeSet<&str> = expected
            .tables
            .values()
            .flat_map(|t| t.indexes.iter().filter_map(|i| i.name.as_deref()))
            .collect();
        let mut out = self.clone();
        for t in out.tables.values_mut() {
            let fk_cols: BTreeSet<String> =
                t.foreign_keys.iter().map(|f| f.column.clone()).collect();
            t.indexes = t
                .indexes
                .iter()
                .filter_map(|i| {
                    let name = i.name.as_deref().filter(|n| named.contains(n));
                    if name.is_none()
                        && engine == Engine::Mysql
                        && !i.unique
                        && i.columns.len() == 1
                        && fk_cols.contains(&i.columns[0])
                    {
                        return None;
                    }
                    Some(Index {
                        name: name.map(str::to_string),
                        ..i.clone()
                    })
                })
                .collect();
        }
        out
    }
}

/// The differences between two catalogs, one line each (empty when equal).
pub fn catalog_diff(expected: &Catalog, actual: &Catalog) -> Vec<String> {
    let mut out = Vec::new();
    for name in expected.tables.keys() {
        if !actual.tables.contains_key(name) {
            out.push(format!("missing table {name}"));
        }
    }
    for name in actual.tables.keys() {
        if !expected.tables.contains_key(name) {
            out.push(format!("unexpected table {name}"));
        }
    }
    for (name, e) in &expected.tables {
        let Some(a) = actual.tables.get(name) else {
            continue;
        };
        if e.columns != a.columns {
            let n = e.columns.len().max(a.columns.len());
            for i in 0..n {
                let (ec, ac) = (e.columns.get(i), a.columns.get(i));
                if ec != ac {
                    out.push(format!(
                        "{name}: column #{i}: expected {ec:?}, found {ac:?}"
                    ));
                }
            }
        }
        if e.primary_key != a.primary_key {
            out.push(format!(
                "{name}: primary key: expected {:?}, found {:?}",
                e.primary_key, a.primary_key
            ));
        }
        for i in e.indexes.difference(&a.indexes) {
            out.push(format!("{name}: missing index {i:?}"));
        }
        for i in a.indexes.difference(&e.indexes) {
            out.push(format!("{name}: unexpected index {i:?}"));
        }
        for f in e.foreign_keys.difference(&a.foreign_keys) {
            out.push(format!("{name}: missing foreign key {f:?}"));
        }
        for f in a.foreign_keys.difference(&e.foreign_keys) {
            out.push(format!("{name}: unexpected foreign key {f:?}"));
        }
    }
    out
}

async fn pg_catalog(c: &mut PgConnection, namespace: Option<&str>) -> Result<Catalog, sqlx::Error> {
    let ns: String = match namespace {
        Some(n) => n.to_string(),
        None => {
            sqlx::query_scalar("select current_schema()::text")
                .fetch_one(&mut *c)
                .await?
        }
    };
    let mut cat = Catalog::default();
    let tables: Vec<String> = sqlx::query_scalar(
        "select c.relname::text from pg_catalog.pg_class c \
         join pg_catalog.pg_namespace n on n.oid = c.relnamespace \
         where n.nspname = $1 and c.relkind in ('r', 'p')",
    )
    .bind(&ns)
    .fetch_all(&mut *c)
    .await?;
    for t in tables {
        cat.tables.insert(t, Table::default());
    }
    let cols = sqlx::query(
        "select c.relname::text, a.attname::text, t.typname::text, not a.attnotnull, \
           (a.atthasdef or a.attidentity <> '') \
         from pg_catalog.pg_attribute a \
         join pg_catalog.pg_class c on c.oid = a.attrelid \
         join pg_catalog.pg_namespace n on n.oid = c.relnamespace \
         join pg_catalog.pg_type t on t.oid = a.atttypid \
         where n.nspname = $1 and c.relkind in ('r', 'p') and a.attnum > 0 and not a.attisdropped \
         order by c.relname, a.attnum",
    )
    .bind(&ns)
    .fetch_all(&mut *c)
    .await?;
    for r in cols {
        let table: String = r.get(0);
        cat.tables.entry(table).or_default().columns.push(Column {
            name: r.get(1),
            ty: r.get::<String, _>(2).to_lowercase(),
            nullable: r.get(3),
            has_default: r.get(4),
        });
    }
    let idx = sqlx::query(
        "select t.relname::text, i.relname::text, ix.indisunique, ix.indisprimary, \
           array(select a.attname::text from unnest(ix.indkey) with ordinality k(attnum, ord) \
                 join pg_catalog.pg_attribute a on a.attrelid = t.oid and a.attnum = k.attnum \
                 order by k.ord) \
         from pg_catalog.pg_index ix \
         join pg_catalog.pg_class t on t.oid = ix.indrelid \
         join pg_catalog.pg_class i on i.oid = ix.indexrelid \
         join pg_catalog.pg_namespace n on n.oid = t.relnamespace \
         where n.nspname = $1",
    )
    .bind(&ns)
    .fetch_all(&mut *c)
    .await?;
    for r in idx {
        let table: String = r.get(0);
        let columns: Vec<String> = r.get(4);
        let Some(t) = cat.tables.get_mut(&table) else {
            continue;
        };
        if r.get::<bool, _>(3) {
            t.primary_key = columns;
        } else {
            t.indexes.insert(Index {
                name: Some(r.get(1)),
                columns,
                unique: r.get(2),
            });
        }
    }
    let fks = sqlx::query(
        "select c.relname::text, a.attname::text, \
           case when rn.nspname = n.nspname then rc.relname::text else rn.nspname::text || '.' || rc.relname::text end, \
           ra.attname::text, con.confdeltype::text \
         from pg_catalog.pg_constraint con \
         join pg_catalog.pg_class c on c.oid = con.conrelid \
         join pg_catalog.pg_namespace n on n.oid = c.relnamespace \
         join pg_catalog.pg_class rc on rc.oid = con.confrelid \
         join pg_catalog.pg_namespace rn on rn.oid = rc.relnamespace \
         join pg_catalog.pg_attribute a on a.attrelid = con.conrelid and a.attnum = con.conkey[1] \
         join pg_catalog.pg_attribute ra on ra.attrelid = con.confrelid and ra.attnum = con.confkey[1] \
         where con.contype = 'f' and n.nspname = $1",
    )
    .bind(&ns)
    .fetch_all(&mut *c)
    .await?;
    for r in fks {
        let table: String = r.get(0);
        let rule: String = r.get(4);
        let on_delete = match rule.as_str() {
            "a" => "no action",
            "r" => "restrict",
            "c" => "cascade",
            "n" => "set null",
            "d" => "set default",
            other => other,
        };
        if let Some(t) = cat.tables.get_mut(&table) {
            t.foreign_keys.insert(ForeignKey {
                column: r.get(1),
                ref_table: r.get(2),
                ref_column: r.get(3),
                on_delete: on_delete.to_string(),
            });
        }
    }
    Ok(cat)
}

async fn mysql_catalog(c: &mut MySqlConnection) -> Result<Catalog, sqlx::Error> {
    let mut cat = Catalog::default();
    let tables: Vec<String> = sqlx::query_scalar(
        "select cast(table_name as char) from information_schema.tables \
         where table_schema = database() and table_type = 'BASE TABLE'",
    )
    .fetch_all(&mut *c)
    .await?;
    for t in tables {
        cat.tables.insert(t, Table::default());
    }
    let cols = sqlx::query(
        "select cast(table_name as char), cast(column_name as char), cast(column_type as char), \
           cast(is_nullable = 'YES' as signed), \
           cast((column_default is not null and upper(cast(column_default as char)) <> 'NULL') \
                or extra like '%auto_increment%' as signed) \
         from information_schema.columns where table_schema = database() \
         order by table_name, ordinal_position",
    )
    .fetch_all(&mut *c)
    .await?;
    for r in cols {
        let table: String = r.get(0);
        cat.tables.entry(table).or_default().columns.push(Column {
            name: r.get(1),
            ty: r.get::<String, _>(2).to_lowercase(),
            nullable: r.get::<i64, _>(3) != 0,
            has_default: r.get::<i64, _>(4) != 0,
        });
    }
    let idx = sqlx::query(
        "select cast(table_name as char), cast(index_name as char), cast(non_unique = 0 as signed), \
           cast(column_name as char) \
         from information_schema.statistics where table_schema = database() \
         order by table_name, index_name, seq_in_index",
    )
    .fetch_all(&mut *c)
    .await?;
    let mut grouped: BTreeMap<(String, String), (bool, Vec<String>)> = BTreeMap::new();
    for r in idx {
        let e = grouped
            .entry((r.get(0), r.get(1)))
            .or_insert_with(|| (r.get::<i64, _>(2) != 0, Vec::new()));
        e.1.push(r.get(3));
    }
    for ((table, name), (unique, columns)) in grouped {
        let Some(t) = cat.tables.get_mut(&table) else {
            continue;
        };
        if name == "PRIMARY" {
            t.primary_key = columns;
        } else {
            t.indexes.insert(Index {
                name: Some(name),
                columns,
                unique,
            });
        }
    }
    let fks = sqlx::query(
        "select cast(k.table_name as char), cast(k.column_name as char), \
           cast(k.referenced_table_name as char), cast(k.referenced_column_name as char), \
           cast(lower(r.delete_rule) as char) \
         from information_schema.key_column_usage k \
         join information_schema.referential_constraints r \
           on r.constraint_schema = k.constraint_schema and r.constraint_name = k.constraint_name \
          and r.table_name = k.table_name \
         where k.table_schema = database() and k.referenced_table_name is not null",
    )
    .fetch_all(&mut *c)
    .await?;
    for r in fks {
        let table: String = r.get(0);
        if let Some(t) = cat.tables.get_mut(&table) {
            t.foreign_keys.insert(ForeignKey {
                column: r.get(1),
                ref_table: r.get(2),
                ref_column: r.get(3),
                on_delete: r.get(4),
            });
        }
    }
    Ok(cat)
}

async fn sqlite_catalog(c: &mut SqliteConnection) -> Result<Catalog, sqlx::Error> {
    let mut cat = Catalog::default();
    let tables: Vec<String> = sqlx::query_scalar(
        "select name from sqlite_master where type = 'table' and name not like 'sqlite_%'",
    )
    .fetch_all(&mut *c)
    .await?;
    for t in tables {
        cat.tables.insert(t, Table::default());
    }
    let cols = sqlx::query(
        "select m.name, p.name, lower(p.type), p.\"notnull\" = 0, p.dflt_value is not null, p.pk \
         from sqlite_master m join pragma_table_info(m.name) p \
         where m.type = 'table' and m.name not like 'sqlite_%' order by m.name, p.cid",
    )
    .fetch_all(&mut *c)
    .await?;
    let mut pks: BTreeMap<String, Vec<(i64, String)>> = BTreeMap::new();
    for r in cols {
        let table: String = r.get(0);
        let name: String = r.get(1);
        let pk: i64 = r.get(5);
        if pk > 0 {
            pks.entry(table.clone())
                .or_default()
                .push((pk, name.clone()));
        }
        cat.tables.entry(table).or_default().columns.push(Column {
            name,
            ty: r.get(2),
            nullable: r.get(3),
            has_default: r.get(4),
        });
    }
    for (table, mut cols) in pks {
        cols.sort();
        if let Some(t) = cat.tables.get_mut(&table) {
            t.primary_key = cols.into_iter().map(|(_, n)| n).collect();
        }
    }
    let idx = sqlx::query(
        "select m.name, il.name, il.\"unique\", ii.name from sqlite_master m \
         join pragma_index_list(m.name) il join pragma_index_info(il.name) ii \
         where m.type = 'table' and m.name not like 'sqlite_%' and il.origin <> 'pk' \
         order by m.name, il.name, ii.seqno",
    )
    .fetch_all(&mut *c)
    .await?;
    let mut grouped: BTreeMap<(String, String), (bool, Vec<String>)> = BTreeMap::new();
    for r in idx {
        let e = grouped
            .entry((r.get(0), r.get(1)))
            .or_insert_with(|| (r.get::<bool, _>(2), Vec::new()));
        e.1.push(r.get::<Option<String>, _>(3).unwrap_or_default());
    }
    for ((table, name), (unique, columns)) in grouped {
        if let Some(t) = cat.tables.get_mut(&table) {
            t.indexes.insert(Index {
                name: Some(name),
                columns,
                unique,
            });
        }
    }
    let fks = sqlx::query(
        "select m.name, fk.\"from\", fk.\"table\", coalesce(fk.\"to\", ''), lower(fk.on_delete) \
         from sqlite_master m join pragma_foreign_key_list(m.name) fk \
         where m.type = 'table' and m.name not like 'sqlite_%'",
    )
    .fetch_all(&mut *c)
    .await?;
    for r in fks {
        let table: String = r.get(0);
        if let Some(t) = cat.tables.get_mut(&table) {
            t.foreign_keys.insert(ForeignKey {
                column: r.get(1),
                ref_table: r.get(2),
                ref_column: r.get(3),
                on_delete: r.get(4),
            });
        }
    }
    Ok(cat)
}

// ---------------------------------------------------------------------------------------
// The catalog a parity SQL file describes
// ---------------------------------------------------------------------------------------

/// The type name the engine reports for a type as written in the SQL.
pub fn reported_type(engine: Engine, written: &str) -> String {
    let w = written.to_lowercase();
    match engine {
        Engine::Postgres => match w.as_str() {
            "boolean" => "bool".into(),
            "integer" => "int4".into(),
            "bigint" => "int8".into(),
            "smallint" => "int2".into(),
            _ if w.starts_with("varchar") => "varchar".into(),
            _ => w,
        },
        Engine::Mysql => match w.as_str() {
            "boolean" => "tinyint(1)".into(),
            "integer" => "int(11)".into(),
            "bigint" => "bigint(20)".into(),
            "json" => "longtext".into(),
            _ => w,
        },
        Engine::Sqlite => w,
    }
}

/// Splits `"name" rest` (or `` `name` rest ``) into the name and the rest.
fn ident(s: &str) -> (String, &str) {
    let s = s.trim_start();
    let q = s.chars().next().expect("an identifier");
    assert!(q == '"' || q == '`', "expected a quoted identifier: {s}");
    let body = &s[1..];
    let end = body
        .find(q)
        .unwrap_or_else(|| panic!("unterminated identifier: {s}"));
    (body[..end].to_string(), &body[end + 1..])
}

/// A table name, maybe qualified with a schema (`"auth"."user"`): the table part.
fn table_ident(s: &str) -> (String, &str) {
    let (first, rest) = ident(s);
    match rest.strip_prefix('.') {
        Some(rest) => ident(rest),
        None => (first, rest),
    }
}

/// Splits a column list on the commas outside parentheses and quotes.
fn split_top_level(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let (mut depth, mut quote, mut cur) = (0i32, None::<char>, String::new());
    for ch in s.chars() {
        match (quote, ch) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '`' | '\'') => quote = Some(ch),
            (None, '(') => depth += 1,
            (None, ')') => depth -= 1,
            (None, ',') if depth == 0 => {
                out.push(std::mem::take(&mut cur));
                continue;
            }
            _ => {}
        }
        cur.push(ch);
    }
    if !cur.trim().is_empty() {
        out.push(cur);
    }
    out
}

struct ParsedColumn {
    column: Column,
    unique: bool,
    primary_key: bool,
    foreign_key: Option<ForeignKey>,
}

fn parse_column(def: &str, engine: Engine) -> ParsedColumn {
    let (name, rest) = ident(def.trim());
    let rest = rest.trim_start();
    let (ty, after) = rest.split_once(' ').unwrap_or((rest, ""));
    let lower = after.to_lowercase();
    let (attrs, refs) = match lower.find("references ") {
        Some(i) => (&lower[..i], Some(&after[i + "references ".len()..])),
        None => (lower.as_str(), None),
    };
    let words: Vec<&str> = attrs.split_whitespace().collect();
    let primary_key = attrs.contains("primary key");
    let foreign_key = refs.map(|r| {
        let (ref_table, r) = table_ident(r);
        let r = r.trim_start().strip_prefix('(').expect("( after the table");
        let (ref_column, r) = ident(r);
        let r = r
            .trim_start()
            .strip_prefix(')')
            .expect(") after the column");
        let on_delete = r
            .trim()
            .to_lowercase()
            .strip_prefix("on delete ")
            .map(|s| s.trim().to_string())
            .unwrap_or_else(|| "no action".into());
        ForeignKey {
            column: name.clone(),
            ref_table,
            ref_column,
            on_delete,
        }
    });
    ParsedColumn {
        column: Column {
            name: name.clone(),
            ty: reported_type(engine, ty),
            nullable: !(attrs.contains("not null") || primary_key),
            has_default: words.contains(&"default")
                || words.contains(&"identity")
                || words.contains(&"auto_increment"),
        },
        unique: words.contains(&"unique"),
        primary_key,
        foreign_key,
    }
}

fn add_column(t: &mut Table, p: ParsedColumn) {
    if p.primary_key {
        t.primary_key.push(p.column.name.clone());
    }
    if p.unique {
        t.indexes.insert(Index {
            name: None,
            columns: vec![p.column.name.clone()],
            unique: true,
        });
    }
    if let Some(f) = p.foreign_key {
        t.foreign_keys.insert(f);
    }
    t.columns.push(p.column);
}

/// Applies the statements of a parity SQL file (`create table`, `alter table … add
/// column`, `create [unique] index`) to `catalog`, as the engine would report the result.
pub fn apply_sql(catalog: &mut Catalog, sql: &str, engine: Engine) {
    for stmt in statements(sql) {
        let lower = stmt.to_lowercase();
        if lower.starts_with("create schema ") {
            continue;
        }
        if let Some(rest) = lower.strip_prefix("create table ") {
            let rest = &stmt[stmt.len() - rest.len()..];
            let (name, body) = table_ident(rest);
            let body = body.trim();
            let inner = body
                .strip_prefix('(')
                .and_then(|b| b.strip_suffix(')'))
                .unwrap_or_else(|| panic!("unexpected create table: {stmt}"));
            let mut t = Table::default();
            for def in split_top_level(inner) {
                add_column(&mut t, parse_column(&def, engine));
            }
            catalog.tables.insert(name, t);
        } else if let Some(rest) = lower.strip_prefix("alter table ") {
            let rest = &stmt[stmt.len() - rest.len()..];
            let (table, r) = table_ident(rest);
            let r = r.trim_start();
            let def = r
                .strip_prefix("add column ")
                .unwrap_or_else(|| panic!("unexpected alter table: {stmt}"));
            let t = catalog
                .tables
                .get_mut(&table)
                .unwrap_or_else(|| panic!("alter of an unknown table: {stmt}"));
            add_column(t, parse_column(def, engine));
        } else if lower.starts_with("create index ") || lower.starts_with("create unique index ") {
            let unique = lower.starts_with("create unique index ");
            let skip = if unique {
                "create unique index ".len()
            } else {
                "create index ".len()
            };
            let (name, r) = ident(&stmt[skip..]);
            let r = r.trim_start();
            assert!(r.to_lowercase().starts_with("on "), "{stmt}");
            let (table, r) = table_ident(&r[3..]);
            let mut r = r.trim().strip_prefix('(').expect("(");
            let mut columns = Vec::new();
            loop {
                let (column, rest) = ident(r.trim_start());
                columns.push(column);
                match rest.trim_start().strip_prefix(',') {
                    Some(more) => r = more,
                    None => break,
                }
            }
            catalog
                .tables
                .get_mut(&table)
                .unwrap_or_else(|| panic!("index on an unknown table: {stmt}"))
                .indexes
                .insert(Index {
                    name: Some(name),
                    columns,
                    unique,
                });
        } else {
            panic!("unexpected statement in a parity SQL file: {stmt}");
        }
    }
}

/// The catalog `sql` builds on an empty database.
pub fn expected_catalog(sql: &str, engine: Engine) -> Catalog {
    let mut c = Catalog::default();
    apply_sql(&mut c, sql, engine);
    c
}

// ---------------------------------------------------------------------------------------
// Data
// ---------------------------------------------------------------------------------------

/// A literal for a column of the reported type: text `'r1'` (every id and every foreign
/// key is `'r1'`, so references hold), `1`, true, a timestamp.
fn literal(engine: Engine, ty: &str) -> String {
    let base = ty.split('(').next().unwrap_or(ty).trim();
    match (engine, base) {
        (Engine::Postgres, "bool") => "true".into(),
        (Engine::Postgres, "int2" | "int4" | "int8" | "numeric" | "float8" | "float4") => {
            "1".into()
        }
        (Engine::Postgres, "timestamptz" | "timestamp" | "date") => "now()".into(),
        (Engine::Postgres, "json" | "jsonb") => "'{}'".into(),
        (Engine::Postgres, "uuid") => "'00000000-0000-0000-0000-000000000001'".into(),
        (Engine::Mysql, "tinyint" | "smallint" | "int" | "bigint" | "integer" | "decimal") => {
            "1".into()
        }
        (Engine::Mysql, "timestamp" | "datetime") => "'2026-01-01 00:00:00'".into(),
        (Engine::Mysql, "date") => "'2026-01-01'".into(),
        (Engine::Mysql, "longtext" | "json") => "'{}'".into(),
        (Engine::Sqlite, "integer" | "bigint" | "real") => "1".into(),
        (Engine::Sqlite, "date") => "'2026-01-01'".into(),
        _ => "'r1'".into(),
    }
}

/// Puts one row in every table of `catalog` (referenced tables first), filling every
/// column that has no default.
pub fn insert_one_row_per_table(conn: &mut Conn, catalog: &Catalog) {
    let engine = conn.engine();
    let mut done: Vec<&str> = Vec::new();
    let mut left: Vec<(&String, &Table)> = catalog.tables.iter().collect();
    while !left.is_empty() {
        let ready = left
            .iter()
            .position(|(name, t)| {
                t.foreign_keys.iter().all(|f| {
                    &f.ref_table == *name
                        || done.contains(&f.ref_table.as_str())
                        || !catalog.tables.contains_key(&f.ref_table)
                })
            })
            .unwrap_or(0);
        let (name, t) = left.remove(ready);
        let cols: Vec<&Column> = t.columns.iter().filter(|c| !c.has_default).collect();
        let sql = format!(
            "insert into {} ({}) values ({})",
            engine.ident(name),
            cols.iter()
                .map(|c| engine.ident(&c.name))
                .collect::<Vec<_>>()
                .join(", "),
            cols.iter()
                .map(|c| literal(engine, &c.ty))
                .collect::<Vec<_>>()
                .join(", ")
        );
        conn.exec(&sql);
        done.push(name);
    }
}

/// Waits until `cond` holds, polling every 50 ms, at most `timeout`.
pub fn wait_until(timeout: Duration, mut cond: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + timeout;
    loop {
        if cond() {
            return true;
        }
        if Instant::now() >= deadline {
            return false;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Writes `rustauth.toml` with `body` into `dir` and returns its path.
pub fn write_config(dir: &Path, body: &str) -> PathBuf {
    let p = dir.join("rustauth.toml");
    std::fs::write(&p, body).expect("write rustauth.toml");
    p
}

// ---------------------------------------------------------------------------------------
// Making a migrate wait
// ---------------------------------------------------------------------------------------

/// Another session's hold on the `user` table that makes a `migrate` altering it wait
/// inside its work: PostgreSQL `lock table "user" in access exclusive mode` (the
/// `alter table` waits inside migrate's transaction); MariaDB an open transaction that
/// has read `user` (the `alter table` waits for the metadata lock); SQLite an open read
/// transaction (migrate runs its statements, then waits at commit for the exclusive
/// lock).
pub struct UserTableHold {
    conn: Conn,
}

impl UserTableHold {
    pub fn take(db: &ScratchDb) -> UserTableHold {
        let mut conn = db.conn();
        match db.engine {
            Engine::Postgres => {
                conn.exec("begin");
                conn.exec("lock table \"user\" in access exclusive mode");
            }
            Engine::Mysql => {
                conn.exec("start transaction");
                conn.count("user");
            }
            Engine::Sqlite => {
                conn.exec("begin");
                conn.count("user");
            }
        }
        UserTableHold { conn }
    }

    pub fn release(mut self) {
        self.conn.exec("rollback");
        self.conn.close();
    }
}

/// Waits (up to 30 s) until a migrate on `db` is held up by a [`UserTableHold`]: seen in
/// `pg_stat_activity` / the processlist, or, on SQLite, by its rollback journal.
pub fn wait_for_held_migrate(db: &ScratchDb) -> bool {
    let timeout = Duration::from_secs(30);
    match db.engine {
        Engine::Sqlite => {
            let journal = format!("{}-journal", db.name);
            let seen = wait_until(timeout, || Path::new(&journal).exists());
            std::thread::sleep(Duration::from_millis(300)); // into its commit
            seen
        }
        Engine::Postgres => {
            let mut w = db.conn();
            let q = format!(
                "select count(*) from pg_stat_activity where datname = '{}' and application_name = 'rustauth' and wait_event_type = 'Lock'",
                db.name
            );
            let seen = wait_until(timeout, || w.int(&q) >= 1);
            w.close();
            seen
        }
        Engine::Mysql => {
            let mut w = db.conn();
            let q = format!(
                "select count(*) from information_schema.processlist where db = '{}' and state like '%metadata lock%'",
                db.name
            );
            let seen = wait_until(timeout, || w.int(&q) >= 1);
            w.close();
            seen
        }
    }
}

/// The database `incr-core-then-two-factor-<dialect>/before.sql` builds (the core
/// tables), and that case: its plan alters `user` and creates `twoFactor`.
pub fn core_before_state(engine: Engine) -> Option<(ScratchDb, Case)> {
    let db = ScratchDb::new(engine)?;
    let case = parity_cases(engine.dialect(), true)
        .into_iter()
        .find(|c| c.name.starts_with("incr-core-then-two-factor-"))
        .expect("incr-core-then-two-factor case");
    db.exec_script(&case.before_sql().unwrap());
    Some((db, case))
}
