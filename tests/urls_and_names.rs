//! Database URLs and the names in the config, through the binary:
//! * one URL parser: a password with an unencoded `#`, `?` or `/` (or a stray `%`) is an
//!   error naming the character and its escape, with no part of the user info, in every
//!   command; messages name the host and database the driver dials (a live PostgreSQL
//!   reached through the query's `host`/`port`/`dbname` proves it);
//! * keys that name a variable hold a name: a URL or a secret there is a config error that
//!   does not echo it; no control characters or empty names anywhere; SQL in a message is
//!   quoted with the dialect's quoting; `--config` says what a path is.

mod common;

use std::path::Path;

use common::{Engine, Run, ScratchDb};

fn run_in(dir: &Path, url: Option<&str>, args: &[&str]) -> Run {
    common::run(dir, url, args)
}

fn project(dir: &Path, text: &str) {
    std::fs::write(dir.join("rustauth.toml"), text).unwrap();
}

const PG_CONFIG: &str = "[database]\nadapter = \"sqlx\"\nprovider = \"postgres\"\n";

#[test]
fn reserved_characters_in_a_password_are_named_never_shown() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    project(d, PG_CONFIG);
    for (c, escape) in [('#', "%23"), ('?', "%3F"), ('/', "%2F")] {
        let url = format!("postgres://app:20241{c}Spring@127.0.0.1:5432/x");
        for args in [
            &["db", "status", "--connect-timeout", "2"][..],
            &["migrate", "--yes", "--connect-timeout", "2"][..],
            &["generate", "--yes", "--connect-timeout", "2"][..],
        ] {
            let r = run_in(d, Some(&url), args);
            r.assert_one_line_error(&format!("{c} {args:?}"));
            assert!(
                r.stderr.contains(&format!("unencoded `{c}`")) && r.stderr.contains(escape),
                "{}",
                r.both()
            );
            for part in ["app:", "20241", "Spring"] {
                assert!(!r.stderr.contains(part), "{part}: {}", r.both());
            }
        }
        let r = run_in(d, Some(&url), &["doctor", "--connect-timeout", "2"]);
        assert_eq!(r.code, 3, "{}", r.both());
        let line = r
            .stdout
            .lines()
            .find(|l| l.contains("database_url"))
            .unwrap();
        assert!(line.contains("fail") && line.contains(escape), "{line}");
        assert!(!r.stdout.contains("20241") && !r.stdout.contains("Spring"));
    }
    // A `%` that starts no escape.
    let r = run_in(
        d,
        Some("postgres://app:50%off@127.0.0.1:5432/x"),
        &["db", "status"],
    );
    r.assert_one_line_error("stray %");
    assert!(
        r.stderr.contains("%25") && !r.stderr.contains("50%off"),
        "{}",
        r.both()
    );
}

/// `@` and `:` in a password are fine unencoded: the last `@` ends the user info, and the
/// message names the host after it.
#[test]
fn at_and_colon_in_a_password_name_the_real_host() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    project(d, PG_CONFIG);
    let r = run_in(
        d,
        Some("postgres://app:p@ss:w0rd@127.0.0.1:1/x"),
        &["db", "status", "--connect-timeout", "2"],
    );
    r.assert_one_line_error("unreachable");
    assert!(
        r.stderr.contains("postgres database \"x\" on 127.0.0.1:1"),
        "{}",
        r.both()
    );
    assert!(!r.stderr.contains("p@ss") && !r.stderr.contains("w0rd"));
    // The query's host and port are what the driver dials, and what is named.
    let r = run_in(
        d,
        Some("postgres://app:pw@127.0.0.1:5432/x?host=127.0.0.2&port=1"),
        &["db", "status", "--connect-timeout", "2"],
    );
    assert!(
        r.stderr.contains("postgres database \"x\" on 127.0.0.2:1"),
        "{}",
        r.both()
    );
}

/// Against a live server, reached only through the query's `host`, `port` and `dbname`
/// (the URL's own host, port and path are wrong): migrate works, and names that database.
#[test]
fn messages_name_what_the_driver_dials() {
    let Some(db) = ScratchDb::new(Engine::Postgres) else {
        return;
    };
    let server = db.server_url();
    let rest = server.split_once("://").unwrap().1;
    let authority = rest.split(['/', '?']).next().unwrap();
    let (userinfo, hostport) = authority
        .rsplit_once('@')
        .unwrap_or(("postgres", authority));
    let (host, port) = hostport.rsplit_once(':').unwrap_or((hostport, "5432"));
    let url = format!(
        "postgres://{userinfo}@wrong-host.invalid:1/wrongdb?host={host}&port={port}&dbname={}",
        db.name
    );
    let dir = tempfile::tempdir().unwrap();
    project(dir.path(), PG_CONFIG);
    let r = run_in(dir.path(), Some(&url), &["migrate", "--yes"]);
    assert_eq!(r.code, 0, "{}", r.both());
    let named = format!("postgres database \"{}\" on {host}:{port}", db.name);
    assert!(r.stdout.contains(&named), "{named}\n{}", r.both());
    assert!(db.catalog().tables.contains_key("user"));
}

#[test]
fn name_keys_hold_names_and_never_echo_a_value() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let secret = "Sx4CanaryK9pQ2wR7tY5uI8oP3aS6dF1gH0jKzXcVbN";
    let cases = [
        (
            "[database]\nurl_env = \"postgres://u:pw9731@h/db\"\n",
            "`database.url_env` at line 2 must name an environment variable such as DATABASE_URL; the value looks like a URL",
            "pw9731",
        ),
        (
            &format!("[security]\nsecret_env = \"{secret}\"\n")[..],
            "`security.secret_env` at line 2 must name an environment variable such as RUSTAUTH_SECRET; the value looks like a secret",
            "Sx4Canary",
        ),
        (
            "[security]\nsecret_env = \"my-secret!\"\n",
            "`security.secret_env` at line 2 must name an environment variable such as RUSTAUTH_SECRET; the value is not a variable name",
            "my-secret",
        ),
        (
            "[database]\nurl_env = \"\"\n",
            "`database.url_env` at line 2 must name an environment variable such as DATABASE_URL; it is empty",
            "\"\"",
        ),
    ];
    for (config, message, needle) in cases {
        project(d, config);
        for args in [
            &["migrate", "--yes"][..],
            &["secret"][..],
            &["secret", "--check-env"][..],
            &["schema", "print"][..],
        ] {
            let r = run_in(d, None, args);
            r.assert_one_line_error(&format!("{config:?} {args:?}"));
            assert!(r.stderr.contains(message), "{message}\n{}", r.both());
            assert!(
                !r.stderr.contains(needle) && !r.stdout.contains(needle),
                "{}",
                r.both()
            );
        }
        // info and doctor report the broken config without the value.
        for args in [&["info"][..], &["info", "--json"][..], &["doctor"][..]] {
            let r = run_in(d, None, args);
            assert!(r.code == 0 || r.code == 3, "{}", r.both());
            assert!(
                !r.stderr.contains(needle) && !r.stdout.contains(needle),
                "{}",
                r.both()
            );
        }
    }
}

#[test]
fn names_reject_control_characters_and_empty_strings() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for (config, message) in [
        (
            "[database]\nschema = \"a\\nb\"\n",
            "`database.schema` at line 2 must not contain control characters",
        ),
        (
            "[database]\nmigrations_dir = \"\"\n",
            "`database.migrations_dir` at line 2 must not be empty",
        ),
        (
            "[database]\nadapter = \"sql\\tx\"\n",
            "`database.adapter` at line 2 must not contain control characters",
        ),
        (
            "[models.user]\nmodel_name = \"users\\r\"\n",
            "`models.user.model_name` at line 2 must not contain control characters",
        ),
        (
            "[models.user.additional_fields.\"x\\ny\"]\ntype = \"string\"\n",
            "a key under `models.user.additional_fields` at line 1 contains a control character",
        ),
        (
            "[models.user.additional_fields.\"\"]\ntype = \"string\"\n",
            "a key under `models.user.additional_fields` at line 1 is empty",
        ),
        (
            "[models.user.additional_fields.role]\ntype = \"string\"\nfield_name = \" \"\n",
            "`models.user.additional_fields.role.field_name` at line 3 must not be empty",
        ),
        (
            "[models.user]\nfields = { email = \"e\\u0000\" }\n",
            "`models.user.fields.email` at line 2 must not contain control characters",
        ),
    ] {
        project(d, config);
        let r = run_in(d, None, &["schema", "print"]);
        r.assert_one_line_error(config);
        assert!(r.stderr.contains(message), "{message}\n{}", r.both());
    }
}

#[test]
fn config_paths_say_what_they_are() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir(d.join("folder")).unwrap();
    let mut cases = vec![
        ("folder".to_string(), "is a directory".to_string()),
        ("missing.toml".to_string(), "does not exist".to_string()),
    ];
    #[cfg(unix)]
    {
        let fifo = d.join("fifo");
        let ok = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .is_ok_and(|s| s.success());
        assert!(ok, "mkfifo");
        cases.push(("fifo".into(), "is not a regular file (a FIFO)".into()));
        cases.push((
            "/dev/null".into(),
            "is not a regular file (a character device)".into(),
        ));
        std::os::unix::fs::symlink("nowhere.toml", d.join("dangling.toml")).unwrap();
        cases.push((
            "dangling.toml".into(),
            "is a symlink to a file that does not exist".into(),
        ));
    }
    for (path, what) in cases {
        for args in [&["schema", "print"][..], &["migrate", "--yes"][..]] {
            let mut all = vec!["--config", path.as_str()];
            all.extend_from_slice(args);
            let r = run_in(d, None, &all);
            r.assert_one_line_error(&path);
            assert!(r.stderr.contains(&what), "{path}: {}", r.both());
        }
    }
    // The default rustauth.toml as a folder is no "missing config" either.
    std::fs::create_dir(d.join("rustauth.toml")).unwrap();
    let r = run_in(d, None, &["migrate", "--yes"]);
    r.assert_one_line_error("default folder");
    assert!(
        r.stderr.contains("rustauth.toml is a directory"),
        "{}",
        r.both()
    );
}

/// The fix for a missing PostgreSQL schema quotes the name as PostgreSQL does.
#[test]
fn sql_in_messages_is_quoted() {
    let Some(db) = ScratchDb::new(Engine::Postgres) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    project(
        dir.path(),
        "[project]\nbetter_auth = \"1.6\"\n[database]\nadapter = \"sqlx\"\nschema = 's\"; drop table x; --'\n",
    );
    let r = run_in(dir.path(), Some(&db.url), &["migrate", "--yes"]);
    r.assert_one_line_error("missing schema");
    assert!(
        r.stderr
            .contains("create it (create schema \"s\"\"; drop table x; --\";)"),
        "{}",
        r.both()
    );
}
