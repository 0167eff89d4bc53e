//! The leak test: every command of the CLI, the failing ones included (wrong user and
//! password, unreachable host, unparseable URL, broken config, bad usage), run with a known
//! secret and a known database password in the environment, in `.env` and in the config;
//! neither may appear in stdout or stderr, in any spelling (raw, percent-encoded) or in
//! part. Also with the values in the wrong keys (a URL in `database.url_env`, the secret
//! in `security.secret_env`) and with passwords that hold each of `# ? / @ : %` unencoded,
//! in each place a URL is read from. Runs without servers; with
//! `RUSTAUTH_TEST_POSTGRES_URL` it also runs every command against a live database of its
//! own.

mod common;

use std::path::Path;

use common::{Engine, Run, ScratchDb};

/// The database password: characters that need percent-encoding, around a unique core.
const DB_PASSWORD: &str = "LeakPw7731@:x/y%z";
const DB_PASSWORD_ENCODED: &str = "LeakPw7731%40%3Ax%2Fy%25z";
/// The signing secret (passes the secret rules, so every code path runs).
const SECRET: &str = "Sx4CanaryK9pQ2wR7tY5uI8oP3aS6dF1gH0jKzXcVbN";
/// What must never be printed, whole or in part.
const NEEDLES: &[&str] = &[
    DB_PASSWORD,
    DB_PASSWORD_ENCODED,
    "LeakPw7731",
    "7731@",
    "x/y%z",
    SECRET,
    "Sx4Canar",
    PASSWORD_TAIL,
];
/// The part after the reserved character in the raw-password scenarios (a driver that
/// cut the URL at that character would take it for a port, a path or a fragment).
const PASSWORD_TAIL: &str = "Qz8Tail";
/// The characters that need care in a password: the three that end the host part for
/// the driver, and three that are legal or must be escaped.
const RESERVED: &[char] = &['#', '?', '/', '@', ':', '%'];

fn run(dir: &Path, args: &[&str], env: &[(&str, &str)], stdin: &str) -> Run {
    // A cleared environment: the test sets every variable a secret could come from.
    let mut cmd = common::rustauth_in(dir);
    cmd.args(args).write_stdin(stdin.to_string());
    // Telemetry on, in debug mode: the event is printed, so it is checked too.
    cmd.env("RUSTAUTH_TELEMETRY", "1")
        .env("RUSTAUTH_TELEMETRY_DEBUG", "1");
    cmd.envs(env.iter().copied());
    common::run_cmd(&mut cmd)
}

/// Every command line of the CLI; `{out}` is a file name to write to.
fn commands() -> Vec<Vec<&'static str>> {
    let lines: &[&[&str]] = &[
        &["--help"],
        &["--version"],
        &["schema", "print"],
        &["schema", "print", "--dialect", "postgres"],
        &["schema", "print", "--format", "json"],
        &[
            "generate",
            "--adapter",
            "sqlx",
            "--dialect",
            "postgres",
            "--output",
            "offline.sql",
            "--yes",
        ],
        &["generate", "--adapter", "prisma"],
        &[
            "generate",
            "--yes",
            "--output",
            "live.sql",
            "--connect-timeout",
            "5",
        ],
        &["generate", "--yes", "--connect-timeout", "5"],
        &["migrate", "--dry-run", "--connect-timeout", "5"],
        &["migrate", "--yes", "--connect-timeout", "5"],
        &["migrate", "--yes", "--connect-timeout", "5"],
        &["migrate", "--connect-timeout", "5"],
        &["db", "status", "--connect-timeout", "5"],
        &["db", "status", "--json", "--connect-timeout", "5"],
        &["db", "status", "--check", "--connect-timeout", "5"],
        &["secret"],
        &["secret", "--raw", "--format", "hex"],
        &["secret", "--check-env"],
        &["secret", "--check-env", "--production"],
        &["secret", "--check", SECRET],
        &["secret", "--check", DB_PASSWORD],
        &["secret", "--check", "-"],
        &["secret", "--write", "written.env"],
        &["plugins", "list"],
        &["plugins", "list", "--json"],
        &["plugins", "add", "username"],
        &["plugins", "remove", "username"],
        &["plugins", "add", "no-such-plugin"],
        &["completions", "bash"],
        &["info"],
        &["info", "--json"],
        &["doctor", "--connect-timeout", "5"],
        &["doctor", "--json", "--connect-timeout", "5"],
        &["doctor", "--production", "--connect-timeout", "5"],
        &["no-such-command"],
        &["migrate", "--no-such-flag"],
        &["init", "--yes"],
        &["--config", "missing.toml", "migrate", "--yes"],
    ];
    lines.iter().map(|l| l.to_vec()).collect()
}

/// The needles a run printed, as `what: needle (stream)` lines.
fn leaks(what: &str, run: &Run) -> Vec<String> {
    let mut found = Vec::new();
    for (stream, text) in [("stdout", &run.stdout), ("stderr", &run.stderr)] {
        for needle in NEEDLES {
            if text.contains(needle) {
                let line = text.lines().find(|l| l.contains(needle)).unwrap_or("");
                found.push(format!("{what}: {needle:?} on {stream}: {line}"));
            }
        }
    }
    found
}

/// A project folder: rustauth.toml with `database.url` holding `config_url` (plus
/// `extra` lines in `[database]`, and a `[security]` table), and `.env` with the secret
/// (and `DATABASE_URL` when given).
fn project(config_url: &str, env_url: Option<&str>, extra: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    common::write_config(
        dir.path(),
        &format!(
            "[project]\nbase_url = \"http://localhost:3000/api/auth\"\n[database]\nadapter = \"sqlx\"\nprovider = \"postgres\"\nurl = {}\n{extra}[plugins]\nenabled = [\"two-factor\"]\n",
            toml_str(config_url)
        ),
    );
    let mut env = format!("RUSTAUTH_SECRET={SECRET}\n");
    if let Some(u) = env_url {
        env.push_str(&format!("DATABASE_URL={u}\n"));
    }
    std::fs::write(dir.path().join(".env"), env).unwrap();
    dir
}

/// A TOML basic string.
fn toml_str(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

/// Prints how many command runs were checked so far (`cargo test --test leak --
/// --nocapture` shows the total after the last test).
fn report_runs() {
    eprintln!(
        "leak test: {} command runs checked against {} needles",
        RUNS.load(std::sync::atomic::Ordering::Relaxed),
        NEEDLES.len()
    );
}

/// How many command runs the leak tests checked (each against every needle).
static RUNS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// Runs every command in a fresh project; what a run printed of a needle goes to `found`.
fn every_command(
    found: &mut Vec<String>,
    scenario: &str,
    config_url: &str,
    env_url: Option<&str>,
    process_url: Option<&str>,
) -> Vec<(String, i32)> {
    every_command_with(found, scenario, config_url, env_url, process_url, "")
}

/// [`every_command`] with `extra` lines in the config's `[database]` table.
fn every_command_with(
    found: &mut Vec<String>,
    scenario: &str,
    config_url: &str,
    env_url: Option<&str>,
    process_url: Option<&str>,
    extra: &str,
) -> Vec<(String, i32)> {
    let mut codes = Vec::new();
    let dir = project(config_url, env_url, extra);
    let mut env: Vec<(&str, &str)> = vec![("BETTER_AUTH_SECRET", SECRET)];
    if let Some(u) = process_url {
        env.push(("DATABASE_URL", u));
    }
    for args in commands() {
        let stdin = if args.last() == Some(&"-") {
            SECRET
        } else {
            ""
        };
        let r = run(dir.path(), &args, &env, stdin);
        RUNS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        found.extend(leaks(
            &format!("[{scenario}] rustauth {}", args.join(" ")),
            &r,
        ));
        assert!(
            r.code >= 0,
            "[{scenario}] {args:?} was killed\n{}",
            r.both()
        );
        codes.push((args.join(" "), r.code));
    }
    // The same commands with a broken config (fail closed, still nothing printed).
    common::write_config(
        dir.path(),
        &format!(
            "[database]\nurl = {}\n{extra}adaptr = 1\n",
            toml_str(config_url)
        ),
    );
    for args in commands() {
        let r = run(dir.path(), &args, &env, "");
        RUNS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let what = format!("[{scenario}, broken config] rustauth {}", args.join(" "));
        found.extend(leaks(&what, &r));
    }
    codes
}

/// `init --database-url <url>` prints the URL it writes to .env: masked, whatever its form.
fn init_with_url(found: &mut Vec<String>, scenario: &str, url: &str) {
    let fresh = tempfile::tempdir().unwrap();
    let env = [("BETTER_AUTH_SECRET", SECRET)];
    let init: [&[&str]; 2] = [
        &[
            "init",
            "--yes",
            "--provider",
            "postgres",
            "--database-url",
            url,
            "--seed-secrets",
        ],
        &[
            "init",
            "--yes",
            "--force",
            "--provider",
            "postgres",
            "--database-url",
            url,
        ],
    ];
    for args in init {
        let r = run(fresh.path(), args, &env, "");
        RUNS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        found.extend(leaks(
            &format!("[{scenario}] rustauth {}", args[..3].join(" ")),
            &r,
        ));
    }
}

fn url(userinfo_password: &str, host: &str, db: &str) -> String {
    format!("postgres://app:{userinfo_password}@{host}/{db}")
}

#[test]
fn no_command_prints_a_secret_or_a_database_password() {
    let mut found = Vec::new();
    // Unreachable host (nothing listens on port 1), password in every place.
    let unreachable = url(DB_PASSWORD_ENCODED, "127.0.0.1:1", "app");
    every_command(
        &mut found,
        "unreachable, process env",
        &unreachable,
        None,
        Some(&unreachable),
    );
    every_command(
        &mut found,
        "unreachable, .env",
        &unreachable,
        Some(&unreachable),
        None,
    );
    every_command(
        &mut found,
        "unreachable, config only",
        &unreachable,
        None,
        None,
    );
    // The password written raw (unencoded `@`, `:` and `/`): an unparseable URL.
    let raw = url(DB_PASSWORD, "127.0.0.1:1", "app");
    every_command(&mut found, "raw password", &raw, None, Some(&raw));
    // A password in the query string, and a libpq conninfo string.
    let query =
        format!("postgres://127.0.0.1:1/app?sslmode=disable&password={DB_PASSWORD_ENCODED}");
    every_command(&mut found, "query password", &query, None, Some(&query));
    let conninfo = format!("host=127.0.0.1 port=1 user=app password={DB_PASSWORD_ENCODED}");
    every_command(&mut found, "conninfo", &conninfo, None, Some(&conninfo));
    // A host name that does not resolve.
    let unknown = url(DB_PASSWORD_ENCODED, "no-such-host.invalid:5432", "app");
    every_command(&mut found, "unknown host", &unknown, None, Some(&unknown));
    report_runs();
    assert!(
        found.is_empty(),
        "{} leak(s):\n{}",
        found.len(),
        found.join("\n")
    );
}

/// Values in the keys that name variables: a URL in `database.url_env`, the secret in
/// `security.secret_env` (the config is refused, and its error does not echo the value).
#[test]
fn no_command_prints_a_value_put_in_a_name_key() {
    let mut found = Vec::new();
    let unreachable = url(DB_PASSWORD_ENCODED, "127.0.0.1:1", "app");
    for (scenario, extra) in [
        (
            "URL in url_env",
            format!("url_env = {}\n", toml_str(&unreachable)),
        ),
        (
            "raw URL in url_env",
            format!(
                "url_env = {}\n",
                toml_str(&url(DB_PASSWORD, "127.0.0.1:1", "app"))
            ),
        ),
        (
            "secret in secret_env",
            format!("[security]\nsecret_env = \"{SECRET}\"\n[database]\n"),
        ),
    ] {
        let codes = every_command_with(
            &mut found,
            scenario,
            &unreachable,
            Some(&unreachable),
            Some(&unreachable),
            &extra,
        );
        // The config is refused, so the commands that need it fail (and say why).
        let migrate = codes
            .iter()
            .find(|(c, _)| c.starts_with("migrate --yes"))
            .unwrap();
        assert_eq!(migrate.1, 1, "[{scenario}] {codes:?}");
    }
    report_runs();
    assert!(
        found.is_empty(),
        "{} leak(s):\n{}",
        found.len(),
        found.join("\n")
    );
}

/// A password holding each of `# ? / @ : %` unencoded, in the process environment, in
/// `.env` and in `database.url`: the URL is refused (`#`, `?`, `/`, a stray `%`) or read
/// with the last `@` ending the user info (`@`, `:`), and nothing of the password shows.
#[test]
fn no_command_prints_a_password_with_reserved_characters() {
    let mut found = Vec::new();
    for &c in RESERVED {
        let password = format!("LeakPw7731{c}{PASSWORD_TAIL}");
        let raw = url(&password, "127.0.0.1:1", "app");
        every_command(
            &mut found,
            &format!("`{c}`, process env"),
            &raw,
            None,
            Some(&raw),
        );
        every_command(&mut found, &format!("`{c}`, .env"), &raw, Some(&raw), None);
        every_command(&mut found, &format!("`{c}`, config only"), &raw, None, None);
        init_with_url(&mut found, &format!("`{c}`"), &raw);
    }
    report_runs();
    assert!(
        found.is_empty(),
        "{} leak(s):\n{}",
        found.len(),
        found.join("\n")
    );
}

#[test]
fn no_command_prints_them_against_a_live_postgres() {
    let Some(db) = ScratchDb::new(Engine::Postgres) else {
        return;
    };
    let mut found = Vec::new();
    // The right database, with the password in the URL (the server may or may not ask
    // for it; either way it must not be printed).
    let good = common::with_userinfo(
        &db.url,
        &format!("{}:{DB_PASSWORD_ENCODED}", pg_user(&db.url)),
    );
    let codes = every_command(&mut found, "live", &good, None, Some(&good));
    // The success paths ran: the plan was applied, then found up to date.
    let code = |cmd: &str| -> Vec<i32> {
        codes
            .iter()
            .filter(|(c, _)| c == cmd)
            .map(|(_, x)| *x)
            .collect()
    };
    assert_eq!(
        code("migrate --yes --connect-timeout 5"),
        [0, 0],
        "{codes:?}"
    );
    assert_eq!(
        code("db status --check --connect-timeout 5"),
        [0],
        "{codes:?}"
    );
    assert_eq!(code("doctor --json --connect-timeout 5"), [0], "{codes:?}");
    // A password with raw `@` and `:` (the last `@` ends the user info): it connects.
    let raw = common::with_userinfo(
        &db.url,
        &format!("{}:LeakPw7731@:{PASSWORD_TAIL}", pg_user(&db.url)),
    );
    let codes = every_command(&mut found, "live, raw @ and :", &raw, None, Some(&raw));
    assert!(
        codes
            .iter()
            .any(|(c, x)| c == "db status --check --connect-timeout 5" && *x == 0),
        "{codes:?}"
    );
    // A user that does not exist, with the password: authentication fails.
    let wrong = common::with_userinfo(&db.url, &format!("rustauth_nobody:{DB_PASSWORD_ENCODED}"));
    every_command(
        &mut found,
        "wrong user and password",
        &wrong,
        None,
        Some(&wrong),
    );
    // A database that does not exist.
    let missing = common::with_database(&good, "rustauth_no_such_db");
    every_command(
        &mut found,
        "missing database",
        &missing,
        None,
        Some(&missing),
    );
    report_runs();
    assert!(
        found.is_empty(),
        "{} leak(s):\n{}",
        found.len(),
        found.join("\n")
    );
}

/// The user of a URL (`postgres` when it has none).
fn pg_user(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let authority = rest.split(['/', '?']).next().unwrap_or("");
    match authority.rsplit_once('@') {
        Some((userinfo, _)) => userinfo.split(':').next().unwrap_or("postgres").to_string(),
        None => "postgres".to_string(),
    }
}

#[test]
fn init_does_not_print_the_database_password() {
    let mut found = Vec::new();
    init_with_url(
        &mut found,
        "encoded",
        &url(DB_PASSWORD_ENCODED, "127.0.0.1:1", "app"),
    );
    init_with_url(&mut found, "raw", &url(DB_PASSWORD, "127.0.0.1:1", "app"));
    init_with_url(
        &mut found,
        "query password",
        &format!("postgres://127.0.0.1:1/app?sslmode=disable&password={DB_PASSWORD_ENCODED}"),
    );
    init_with_url(
        &mut found,
        "conninfo",
        &format!("host=127.0.0.1 port=1 user=app password={DB_PASSWORD_ENCODED}"),
    );
    report_runs();
    assert!(
        found.is_empty(),
        "{} leak(s):\n{}",
        found.len(),
        found.join("\n")
    );
}
