//! `rustauth check` / `check schema` through the binary, on SQLite, PostgreSQL and
//! MariaDB: upstream's exit codes (0 passed, 1 mismatch, 2 could not check), its sections
//! and wording, and `--json`.

mod common;

use common::*;
use serde_json::Value;

const CONFIG: &str = "[project]\nbetter_auth = \"1.7\"\n[database]\nadapter = \"sqlx\"\n[plugins]\nenabled = [\"two-factor\"]\n";

#[test]
fn passes_then_names_what_is_missing_and_what_rejects_inserts() {
    for engine in Engine::ALL {
        let Some(db) = ScratchDb::new(engine) else {
            continue;
        };
        let dir = tempfile::tempdir().unwrap();
        let config = write_config(dir.path(), CONFIG);
        let run = run_config(&config, &db.url, &["migrate", "--yes"]);
        assert_eq!(run.code, 0, "{}", run.both());

        for args in [&["check"][..], &["check", "schema"][..]] {
            let ok = run_config(&config, &db.url, args);
            assert_eq!(ok.code, 0, "{engine:?} {args:?}: {}", ok.both());
            assert_eq!(
                ok.stdout,
                "Schema check passed against the live database.\n"
            );
            assert_eq!(ok.stderr, "");
        }

        let q = |s: &str| engine.ident(s);
        db.exec(&format!("drop table {}", q("twoFactor")));
        db.exec(&format!(
            "alter table {} add column {} integer not null default 0",
            q("user"),
            q("level")
        ));
        db.exec(&format!(
            "alter table {} add column {} text not null",
            q("session"),
            q("legacyCode")
        ));
        let bad = run_config(&config, &db.url, &["check", "schema"]);
        assert_eq!(bad.code, 1, "{engine:?}: {}", bad.both());
        assert_eq!(bad.stdout, "");
        assert_eq!(
            bad.stderr,
            "Database schema mismatch\n\n  Missing tables\n    twoFactor\n\n  Required columns Better Auth never writes\n    session.legacyCode\n\n  Inserts into session will fail.\n\n  help: Make the listed columns nullable, give them defaults, or remove them.\n        Run `rustauth migrate` to add the missing tables and columns.\n",
            "{engine:?}"
        );

        let json = run_config(&config, &db.url, &["check", "--json"]);
        assert_eq!(json.code, 1, "{}", json.both());
        let v: Value = serde_json::from_str(&json.stdout).expect("json");
        assert_eq!(v["version"], 1);
        assert_eq!(v["ok"], false);
        assert_eq!(v["missing_tables"], serde_json::json!(["twoFactor"]));
        assert_eq!(v["missing_columns"], serde_json::json!([]));
        assert_eq!(
            v["required_columns"],
            serde_json::json!([{ "table": "session", "column": "legacyCode" }])
        );
        // db status --check reports the schema problem too.
        let status = run_config(&config, &db.url, &["db", "status", "--check"]);
        assert_eq!(status.code, 3, "{}", status.both());
        assert!(
            status
                .stdout
                .contains("Schema problem: Column \"legacyCode\" on table \"session\""),
            "{}",
            status.both()
        );
    }
}

#[test]
fn missing_columns_are_listed_one_per_line() {
    let Some(db) = ScratchDb::new(Engine::Postgres) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let config = write_config(dir.path(), CONFIG);
    let run = run_config(&config, &db.url, &["migrate", "--yes"]);
    assert_eq!(run.code, 0, "{}", run.both());
    db.exec("alter table \"twoFactor\" drop column \"lockedUntil\"");
    db.exec("alter table \"user\" drop column \"twoFactorEnabled\"");
    let bad = run_config(&config, &db.url, &["check"]);
    assert_eq!(bad.code, 1, "{}", bad.both());
    assert_eq!(
        bad.stderr,
        "Database schema mismatch\n\n  Missing columns\n    user.twoFactorEnabled\n    twoFactor.lockedUntil\n\n  help: Run `rustauth migrate` to add the missing tables and columns.\n"
    );
}

#[test]
fn what_stops_the_check_exits_2_with_upstreams_words() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let two = |r: &Run, first: &str| {
        assert_eq!(r.code, 2, "{}", r.both());
        assert_eq!(r.stdout, "");
        assert_eq!(r.stderr.lines().next(), Some(first), "{}", r.both());
    };
    // No config.
    two(
        &run(d, None, &["check"]),
        "No Better Auth configuration found. Pass --config to select one.",
    );
    // --cwd that does not exist, or is a file.
    let missing = d.join("nope");
    two(
        &run(d, None, &["--cwd", missing.to_str().unwrap(), "check"]),
        &format!("The directory \"{}\" does not exist.", missing.display()),
    );
    let file = write_config(d, CONFIG);
    two(
        &run(
            d,
            None,
            &["--cwd", file.to_str().unwrap(), "check", "schema"],
        ),
        &format!("The path \"{}\" is not a directory.", file.display()),
    );
    // A config that does not load.
    std::fs::write(&file, "[databse]\n").unwrap();
    two(
        &run(d, None, &["check"]),
        "Could not load the Better Auth configuration.",
    );
    // An adapter without SQL.
    std::fs::write(&file, "[database]\nadapter = \"prisma\"\n").unwrap();
    two(
        &run(d, None, &["check"]),
        "Schema validation is not available for adapter \"prisma\".",
    );
    // A database that cannot be reached; the password is never shown.
    write_config(d, CONFIG);
    let r = run(
        d,
        Some("postgres://app:s3cret-pw@127.0.0.1:1/app"),
        &["check", "--connect-timeout", "3"],
    );
    two(
        &r,
        "Could not validate the schema. Check the auth configuration and database connection.",
    );
    assert!(!r.stderr.contains("s3cret-pw"), "{}", r.stderr);
    let r = run(
        d,
        Some("postgres://app:s3cret-pw@127.0.0.1:1/app"),
        &["check", "--json"],
    );
    assert_eq!(r.code, 2);
    let v: Value = serde_json::from_str(&r.stdout).expect("json");
    assert_eq!(v["ok"], false);
    assert!(
        v["error"]
            .as_str()
            .unwrap()
            .starts_with("Could not validate the schema.")
    );
    assert!(!r.stdout.contains("s3cret-pw"));
}
