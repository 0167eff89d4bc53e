//! `rustauth doctor` through the binary: every check, exit codes 0 / 3 / 1, `--json`
//! shape, `--production`, `.env` modes, and a live PostgreSQL (pending plan fails, after
//! migrate passes). PostgreSQL tests read `RUSTAUTH_TEST_POSTGRES_URL` and skip with a
//! printed reason when it is unset; each creates and drops its own database.

mod common;

use std::path::Path;

use common::{Engine, Run, ScratchDb};
use serde_json::Value;

/// A secret that passes the rules (43 characters, high entropy, no example words).
const SECRET: &str = "Xq7vN2pL9wR4tK8mZ3bH6jD1fS5gC0yAeUiOoPlMnBv";

const CHECK_IDS: [&str; 11] = [
    "config",
    "better_auth",
    "adapter",
    "database_url",
    "database",
    "schema",
    "drift",
    "secret",
    "base_url",
    "env_file",
    "migrations_dir",
];

/// Runs `rustauth doctor <args>` in `cwd` (cleared environment) with `env` set.
fn doctor(cwd: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut cmd = common::rustauth_in(cwd);
    cmd.arg("doctor").args(args).envs(env.iter().copied());
    common::run_cmd(&mut cmd)
}

fn json(run: &Run) -> Value {
    let doc: Value = serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}):\n{}", run.both()));
    assert_eq!(doc["version"], 1);
    let checks = doc["checks"].as_array().expect("checks");
    let ids: Vec<&str> = checks.iter().map(|c| c["id"].as_str().unwrap()).collect();
    assert_eq!(ids, CHECK_IDS, "{}", run.both());
    for c in checks {
        let keys: Vec<&String> = c.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["id", "title", "status", "message", "fix"], "{c}");
        let status = c["status"].as_str().unwrap();
        assert!(["ok", "warn", "fail", "skip"].contains(&status), "{c}");
        // A failure or warning always says what to do, on one line.
        if status == "fail" || status == "warn" {
            let fix = c["fix"].as_str().unwrap_or_else(|| panic!("no fix: {c}"));
            assert!(!fix.is_empty() && !fix.contains('\n'), "{c}");
        }
        assert!(!c["message"].as_str().unwrap().contains('\n'), "{c}");
    }
    let count = |s: &str| checks.iter().filter(|c| c["status"] == s).count();
    for s in ["ok", "warn", "fail", "skip"] {
        assert_eq!(doc["summary"][s], count(s), "summary.{s}");
    }
    assert_eq!(doc["ok"], count("fail") == 0);
    assert_eq!(
        run.code,
        if count("fail") == 0 { 0 } else { 3 },
        "{}",
        run.both()
    );
    doc
}

fn status<'a>(doc: &'a Value, id: &str) -> &'a str {
    check(doc, id)["status"].as_str().unwrap()
}

fn check<'a>(doc: &'a Value, id: &str) -> &'a Value {
    doc["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .unwrap()
}

fn write_env(dir: &Path, body: &str, mode: u32) {
    let p = dir.join(".env");
    std::fs::write(&p, body).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(mode)).unwrap();
    }
    #[cfg(not(unix))]
    let _ = mode;
}

/// A project on SQLite with everything in place but the tables.
fn sqlite_project(dir: &Path) {
    common::write_config(
        dir,
        r#"
[project]
base_url = "http://localhost:3000/api/auth"
[database]
adapter = "sqlx"
provider = "sqlite"
url = "sqlite://auth.db"
"#,
    );
    write_env(dir, &format!("RUSTAUTH_SECRET={SECRET}\n"), 0o600);
    std::fs::create_dir_all(dir.join("migrations")).unwrap();
}

#[test]
fn without_a_config_it_reports_what_is_missing() {
    let dir = tempfile::tempdir().unwrap();
    let run = doctor(dir.path(), &["--json"], &[]);
    let doc = json(&run);
    assert_eq!(run.code, 3);
    assert_eq!(status(&doc, "config"), "fail");
    assert!(
        check(&doc, "config")["fix"]
            .as_str()
            .unwrap()
            .contains("rustauth init")
    );
    assert_eq!(status(&doc, "adapter"), "skip");
    assert_eq!(status(&doc, "database_url"), "fail");
    assert_eq!(status(&doc, "database"), "skip");
    assert_eq!(status(&doc, "secret"), "fail");
    assert_eq!(status(&doc, "env_file"), "ok");
    assert_eq!(doc["production"], false);

    // The human form: one line per check, a fix under each failure, exit 3.
    let run = doctor(dir.path(), &[], &[]);
    assert_eq!(run.code, 3, "{}", run.both());
    for id in CHECK_IDS {
        assert!(
            run.stdout.contains(&format!(" {id} ")),
            "{id}\n{}",
            run.both()
        );
    }
    assert!(
        run.stdout.contains("fix: run `rustauth init`"),
        "{}",
        run.both()
    );
    assert!(run.stderr.is_empty(), "{}", run.both());
}

#[test]
fn a_broken_config_fails_and_the_rest_still_runs() {
    let dir = tempfile::tempdir().unwrap();
    common::write_config(dir.path(), "[database]\nadaptr = \"sqlx\"\n");
    write_env(dir.path(), &format!("RUSTAUTH_SECRET={SECRET}\n"), 0o600);
    let doc = json(&doctor(dir.path(), &["--json"], &[]));
    let c = check(&doc, "config");
    assert_eq!(c["status"], "fail");
    assert!(c["message"].as_str().unwrap().contains("adaptr"), "{c}");
    assert_eq!(status(&doc, "secret"), "ok");
}

#[test]
fn sqlite_project_pending_then_ready() {
    let dir = tempfile::tempdir().unwrap();
    sqlite_project(dir.path());

    // No database file yet: doctor says so and does not create it.
    let doc = json(&doctor(dir.path(), &["--json"], &[]));
    assert_eq!(status(&doc, "database"), "fail");
    assert!(
        !dir.path().join("auth.db").exists(),
        "doctor created the database"
    );

    // An empty database: the plan is pending.
    std::fs::write(dir.path().join("auth.db"), b"").unwrap();
    let doc = json(&doctor(dir.path(), &["--json"], &[]));
    assert_eq!(status(&doc, "database"), "ok", "{doc}");
    let schema = check(&doc, "schema");
    assert_eq!(schema["status"], "fail");
    assert!(
        schema["message"]
            .as_str()
            .unwrap()
            .contains("user, session, account, verification"),
        "{schema}"
    );
    assert!(schema["fix"].as_str().unwrap().contains("rustauth migrate"));

    // After migrate everything passes: exit 0.
    let m = common::run(dir.path(), None, &["migrate", "--yes"]);
    assert_eq!(m.code, 0, "{}", m.both());
    let run = doctor(dir.path(), &["--json"], &[]);
    let doc = json(&run);
    assert_eq!(run.code, 0, "{}", run.both());
    for id in CHECK_IDS {
        assert_eq!(status(&doc, id), "ok", "{id}: {doc}");
    }
    let run = doctor(dir.path(), &[], &[]);
    assert_eq!(run.code, 0, "{}", run.both());
    assert!(
        run.stdout
            .contains("11 ok, 0 warning(s), 0 failure(s), 0 skipped"),
        "{}",
        run.both()
    );
}

#[test]
fn a_world_readable_env_warns_and_fails_in_production() {
    let dir = tempfile::tempdir().unwrap();
    sqlite_project(dir.path());
    let m = common::run(dir.path(), None, &["migrate", "--yes"]);
    assert_eq!(m.code, 0, "{}", m.both());
    write_env(dir.path(), &format!("RUSTAUTH_SECRET={SECRET}\n"), 0o644);

    let doc = json(&doctor(dir.path(), &["--json"], &[]));
    let c = check(&doc, "env_file");
    assert_eq!(c["status"], "warn", "{c}");
    assert!(c["message"].as_str().unwrap().contains("0644"), "{c}");
    assert!(c["fix"].as_str().unwrap().starts_with("chmod 600 "), "{c}");
    assert_eq!(doc["ok"], true);

    // --production: the warning is a failure, and so is the local http base_url.
    let run = doctor(dir.path(), &["--json", "--production"], &[]);
    let doc = json(&run);
    assert_eq!(run.code, 3);
    assert_eq!(doc["production"], true);
    assert_eq!(status(&doc, "env_file"), "fail");
    assert_eq!(status(&doc, "base_url"), "fail");

    // A 0640 file is readable by the group: a warning too.
    write_env(dir.path(), &format!("RUSTAUTH_SECRET={SECRET}\n"), 0o640);
    let doc = json(&doctor(dir.path(), &["--json"], &[]));
    assert_eq!(status(&doc, "env_file"), "warn");
}

#[test]
fn production_from_the_config_and_base_url_rules() {
    let dir = tempfile::tempdir().unwrap();
    sqlite_project(dir.path());
    let m = common::run(dir.path(), None, &["migrate", "--yes"]);
    assert_eq!(m.code, 0, "{}", m.both());
    let config = |base_url: &str, production: bool| {
        common::write_config(
            dir.path(),
            &format!(
                "[project]\nbase_url = \"{base_url}\"\nproduction = {production}\n[database]\nadapter = \"sqlx\"\nurl = \"sqlite://auth.db\"\n"
            ),
        );
    };
    config("https://auth.example.com/api/auth", true);
    let doc = json(&doctor(dir.path(), &["--json"], &[]));
    assert_eq!(doc["production"], true);
    assert_eq!(status(&doc, "base_url"), "ok");

    config("http://auth.example.com/api/auth", true);
    let doc = json(&doctor(dir.path(), &["--json"], &[]));
    assert_eq!(status(&doc, "base_url"), "fail");

    config("https://localhost:3000/api/auth", true);
    let doc = json(&doctor(dir.path(), &["--json"], &[]));
    assert_eq!(status(&doc, "base_url"), "fail");

    config("http://auth.example.com/api/auth", false);
    let doc = json(&doctor(dir.path(), &["--json"], &[]));
    assert_eq!(status(&doc, "base_url"), "warn");

    config("not a url", false);
    let doc = json(&doctor(dir.path(), &["--json"], &[]));
    assert_eq!(status(&doc, "base_url"), "fail");
}

#[test]
fn adapter_and_secret_findings() {
    let dir = tempfile::tempdir().unwrap();
    common::write_config(dir.path(), "[database]\nurl = \"sqlite://auth.db\"\n");
    let doc = json(&doctor(
        dir.path(),
        &["--json"],
        &[("RUSTAUTH_SECRET", "short")],
    ));
    assert_eq!(status(&doc, "adapter"), "fail");
    assert!(
        check(&doc, "adapter")["fix"]
            .as_str()
            .unwrap()
            .contains("adapter = \"sqlx\"")
    );
    assert_eq!(status(&doc, "database"), "skip");
    assert_eq!(status(&doc, "migrations_dir"), "skip");
    let secret = check(&doc, "secret");
    assert_ne!(secret["status"], "ok", "{secret}");
    assert!(
        !secret["message"].as_str().unwrap().contains("short"),
        "{secret}"
    );

    // An unknown adapter is a config error (at load time, for every command).
    common::write_config(dir.path(), "[database]\nadapter = \"mongo\"\n");
    let doc = json(&doctor(dir.path(), &["--json"], &[]));
    assert_eq!(status(&doc, "config"), "fail");
    let message = check(&doc, "config")["message"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        message.ends_with(
            "`database.adapter` at line 2: unknown value `mongo`; did you mean `mongodb`?"
        ),
        "{message}"
    );
    assert_eq!(status(&doc, "adapter"), "skip");

    // A guidance adapter: no database checks.
    common::write_config(dir.path(), "[database]\nadapter = \"prisma\"\n");
    let doc = json(&doctor(
        dir.path(),
        &["--json"],
        &[("RUSTAUTH_SECRET", SECRET)],
    ));
    assert_eq!(status(&doc, "adapter"), "ok");
    for id in [
        "database_url",
        "database",
        "schema",
        "drift",
        "migrations_dir",
    ] {
        assert_eq!(status(&doc, id), "skip", "{id}");
    }
}

#[test]
fn an_unreachable_server_fails_within_the_timeout_and_hides_the_password() {
    let dir = tempfile::tempdir().unwrap();
    common::write_config(dir.path(), "[database]\nadapter = \"sqlx\"\n");
    // Port 1 on the loopback: nothing listens there.
    let url = "postgres://app:Unreach-pw-41x@127.0.0.1:1/app";
    let run = doctor(
        dir.path(),
        &["--json", "--connect-timeout", "3"],
        &[("DATABASE_URL", url), ("RUSTAUTH_SECRET", SECRET)],
    );
    assert!(!run.stdout.contains("Unreach-pw-41x") && !run.stderr.contains("Unreach-pw-41x"));
    let doc = json(&run);
    assert_eq!(run.code, 3);
    assert_eq!(status(&doc, "database_url"), "ok");
    assert!(
        check(&doc, "database_url")["message"]
            .as_str()
            .unwrap()
            .contains("postgres://***:***@127.0.0.1:1/app")
    );
    assert_eq!(status(&doc, "database"), "fail");
    assert_eq!(status(&doc, "schema"), "skip");
    assert!(run.elapsed.as_secs() < 10, "took {:?}", run.elapsed);
}

#[test]
fn doctor_itself_cannot_run_exits_1() {
    let dir = tempfile::tempdir().unwrap();
    let run = doctor(dir.path(), &["--cwd", "no/such/folder"], &[]);
    run.assert_one_line_error("doctor --cwd missing");
}

#[test]
fn postgres_pending_plan_fails_then_migrate_makes_it_pass() {
    let Some(db) = ScratchDb::new(Engine::Postgres) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    common::write_config(
        dir.path(),
        "[project]\nbase_url = \"http://localhost:3000/api/auth\"\n[database]\nadapter = \"sqlx\"\nprovider = \"postgres\"\n[plugins]\nenabled = [\"two-factor\"]\n",
    );
    write_env(dir.path(), &format!("RUSTAUTH_SECRET={SECRET}\n"), 0o600);
    std::fs::create_dir_all(dir.path().join("migrations")).unwrap();
    let env = [("DATABASE_URL", db.url.as_str())];

    let doc = json(&doctor(dir.path(), &["--json"], &env));
    assert_eq!(status(&doc, "database"), "ok", "{doc}");
    let schema = check(&doc, "schema");
    assert_eq!(schema["status"], "fail", "{schema}");
    assert!(
        schema["message"].as_str().unwrap().contains("twoFactor"),
        "{schema}"
    );
    assert_eq!(doc["ok"], false);

    let m = common::run(dir.path(), Some(&db.url), &["migrate", "--yes"]);
    assert_eq!(m.code, 0, "{}", m.both());
    let run = doctor(dir.path(), &["--json"], &env);
    let doc = json(&run);
    assert_eq!(run.code, 0, "{}", run.both());
    for id in CHECK_IDS {
        assert_eq!(status(&doc, id), "ok", "{id}: {doc}");
    }

    // Drift: a nullable column that should be NOT NULL is a warning, not a failure.
    db.exec("alter table \"user\" alter column \"name\" drop not null");
    let doc = json(&doctor(dir.path(), &["--json"], &env));
    assert_eq!(status(&doc, "schema"), "ok");
    assert_eq!(status(&doc, "drift"), "warn", "{doc}");
    assert_eq!(doc["ok"], true);
    let doc = json(&doctor(dir.path(), &["--json", "--production"], &env));
    assert_eq!(status(&doc, "drift"), "fail");
}

/// A PostgreSQL URL without a database: the database check says so and its fix names
/// the missing part (not "check that the server runs").
#[test]
fn postgres_url_without_a_database_names_the_fix() {
    let Some(db) = ScratchDb::new(Engine::Postgres) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    common::write_config(dir.path(), "[database]\nadapter = \"sqlx\"\n");
    let url = db.server_url().trim_end_matches('/').to_string();
    let url = match url.rsplit_once('/') {
        Some((server, _db)) if server.contains("://") && server.len() > "postgres://".len() => {
            server.to_string()
        }
        _ => url,
    };
    let doc = json(&doctor(
        dir.path(),
        &["--json", "--connect-timeout", "5"],
        &[("DATABASE_URL", &url), ("RUSTAUTH_SECRET", SECRET)],
    ));
    let c = check(&doc, "database");
    assert_eq!(c["status"], "fail", "{doc}");
    assert!(
        c["message"]
            .as_str()
            .unwrap()
            .ends_with("names no database"),
        "{c}"
    );
    assert!(
        c["fix"]
            .as_str()
            .unwrap()
            .starts_with("add the database name to the URL (postgres://"),
        "{c}"
    );
}

#[test]
fn postgres_wrong_password_fails_without_echoing_it() {
    let Some(db) = ScratchDb::new(Engine::Postgres) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    common::write_config(dir.path(), "[database]\nadapter = \"sqlx\"\n");
    let bad = common::with_userinfo(&db.url, "rustauth_nobody:Wr0ng-pass-9k2");
    let run = doctor(
        dir.path(),
        &["--json", "--connect-timeout", "5"],
        &[("DATABASE_URL", &bad), ("RUSTAUTH_SECRET", SECRET)],
    );
    assert!(
        !run.stdout.contains("Wr0ng-pass-9k2") && !run.stderr.contains("Wr0ng-pass-9k2"),
        "{}",
        run.both()
    );
    let doc = json(&run);
    assert_eq!(status(&doc, "database"), "fail", "{doc}");
}

#[test]
fn the_better_auth_line_must_be_the_one_the_project_installs() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let check = |r: &Run| -> Value {
        let doc = json(r);
        doc["checks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == "better_auth")
            .unwrap()
            .clone()
    };
    std::fs::write(
        d.join("rustauth.toml"),
        "[project]\nbetter_auth = \"1.6\"\n[database]\nadapter = \"sqlx\"\nurl = \"sqlite://auth.db\"\n",
    )
    .unwrap();
    // Nothing installed: nothing to disagree with.
    let c = check(&doctor(d, &["--json"], &[]));
    assert_eq!(c["status"], "ok", "{c}");
    // A package.json one folder up asks for 1.7: a failure naming the key.
    let app = d.join("app");
    std::fs::create_dir(&app).unwrap();
    std::fs::rename(d.join("rustauth.toml"), app.join("rustauth.toml")).unwrap();
    std::fs::write(
        d.join("package.json"),
        r#"{"dependencies": {"better-auth": "^1.7.25"}}"#,
    )
    .unwrap();
    let r = doctor(&app, &["--json"], &[]);
    assert_eq!(r.code, 3, "{}", r.both());
    let c = check(&r);
    assert_eq!(c["status"], "fail", "{c}");
    assert!(
        c["message"]
            .as_str()
            .unwrap()
            .contains("better-auth ^1.7.25"),
        "{c}"
    );
    assert!(
        c["fix"]
            .as_str()
            .unwrap()
            .starts_with("set `better_auth = \"1.7\"` in [project]"),
        "{c}"
    );
    // The installed package wins over package.json, and agrees.
    let pkg = app.join("node_modules/better-auth");
    std::fs::create_dir_all(&pkg).unwrap();
    std::fs::write(
        pkg.join("package.json"),
        r#"{"name": "better-auth", "version": "1.6.9"}"#,
    )
    .unwrap();
    let c = check(&doctor(&app, &["--json"], &[]));
    assert_eq!(c["status"], "ok", "{c}");
    // info shows both.
    let out = common::rustauth_in(&app)
        .args(["info", "--json"])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["better_auth"]["line"], "1.6");
    assert_eq!(v["better_auth"]["installed"]["version"], "1.6.9");
    assert_eq!(v["better_auth"]["agrees"], true);
}

/// A column Better Auth never writes that rejects every insert fails the schema check,
/// as it fails `db status --check` and makes migrate refuse (1.7).
#[test]
fn a_schema_problem_fails_the_schema_check() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(
        d.join("rustauth.toml"),
        "[project]\nbetter_auth = \"1.7\"\n[database]\nadapter = \"sqlx\"\nurl = \"sqlite://auth.db\"\n",
    )
    .unwrap();
    let m = common::run(d, None, &["migrate", "--yes"]);
    assert_eq!(m.code, 0, "{}", m.both());
    let url = format!("sqlite://{}", d.join("auth.db").display());
    let mut c = common::Conn::open(common::Engine::Sqlite, &url).unwrap();
    c.exec("drop table \"verification\"");
    c.exec("create table \"verification\" (\"id\" text not null primary key, \"identifier\" text not null, \"value\" text not null, \"expiresAt\" date not null, \"createdAt\" date not null, \"updatedAt\" date not null, \"legacy\" text not null)");
    c.exec("create index \"verification_identifier_idx\" on \"verification\" (\"identifier\")");
    c.close();
    let run = doctor(d, &["--json"], &[]);
    let doc = json(&run);
    assert_eq!(status(&doc, "schema"), "fail", "{doc}");
    assert!(
        run.stdout
            .contains("Column \\\"legacy\\\" on table \\\"verification\\\""),
        "{}",
        run.stdout
    );
}
