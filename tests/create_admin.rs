//! `rustauth create-admin` through the binary on SQLite, PostgreSQL and MariaDB: the rows
//! Better Auth's admin plugin writes (checked here row by row; `tests/runtime` signs in
//! with them on the real runtime), existing emails, `--force`, and bad input changing
//! nothing. The password never appears in any output.

mod common;

use std::path::Path;

use common::*;

const PASSWORD: &str = "Tr0ub4dor&3-horse";

fn config(dir: &Path, extra: &str) -> std::path::PathBuf {
    write_config(
        dir,
        &format!(
            "[project]\nbetter_auth = \"1.7\"\n[database]\nadapter = \"sqlx\"\n{extra}[plugins]\nenabled = [\"admin\", \"username\"]\n"
        ),
    )
}

/// `create-admin` with the password on stdin.
fn create(config: &Path, url: &str, password: &str, args: &[&str]) -> Run {
    let mut cmd = rustauth();
    cmd.current_dir(config.parent().unwrap())
        .env("DATABASE_URL", url)
        .args([
            "--config",
            config.to_str().unwrap(),
            "create-admin",
            "--password-stdin",
        ])
        .args(args)
        .write_stdin(format!("{password}\n"));
    let out = cmd.output().unwrap();
    let run = Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        elapsed: std::time::Duration::ZERO,
    };
    assert!(
        !run.both().contains(password),
        "the password was printed: {}",
        run.both()
    );
    run
}

fn one(db: &ScratchDb, sql: &str) -> String {
    let mut c = db.conn();
    let v = c.strings(sql);
    c.close();
    assert_eq!(v.len(), 1, "{sql}: {v:?}");
    v.into_iter().next().unwrap()
}

#[test]
fn writes_the_user_and_its_credential_account() {
    for engine in Engine::ALL {
        let Some(db) = ScratchDb::new(engine) else {
            continue;
        };
        let dir = tempfile::tempdir().unwrap();
        let cfg = config(dir.path(), "");
        assert_eq!(run_config(&cfg, &db.url, &["migrate", "--yes"]).code, 0);
        let r = create(
            &cfg,
            &db.url,
            PASSWORD,
            &[
                "--email",
                "Root@Example.COM",
                "--name",
                "Root",
                "--data",
                "{\"username\": \"root\"}",
            ],
        );
        assert_eq!(r.code, 0, "{engine:?}: {}", r.both());
        assert!(
            r.stdout
                .starts_with("Admin user created successfully.\nUser ID: "),
            "{}",
            r.stdout
        );
        assert!(
            r.stdout.ends_with("Email: root@example.com\nRole: admin\n"),
            "{}",
            r.stdout
        );

        let q = |s: &str| engine.ident(s);
        let text = |col: &str| match engine {
            Engine::Mysql => format!("cast({} as char)", q(col)),
            _ => format!("cast({} as text)", q(col)),
        };
        let user = |col: &str| one(&db, &format!("select {} from {}", text(col), q("user")));
        let id = user("id");
        assert_eq!(id.len(), 32, "Better Auth's default id: {id}");
        assert!(id.bytes().all(|b| b.is_ascii_alphanumeric()));
        assert_eq!(user("email"), "root@example.com");
        assert_eq!(user("name"), "Root");
        assert_eq!(user("role"), "admin");
        assert_eq!(user("username"), "root");
        assert!(
            ["1", "true"].contains(&user("emailVerified").as_str()),
            "{}",
            user("emailVerified")
        );
        assert!(
            ["0", "false"].contains(&user("banned").as_str()),
            "admin's default"
        );
        let account = |col: &str| one(&db, &format!("select {} from {}", text(col), q("account")));
        assert_eq!(account("providerId"), "credential");
        assert_eq!(account("accountId"), id);
        assert_eq!(account("userId"), id);
        assert!(rustauth::password::verify(PASSWORD, &account("password")));
        if engine == Engine::Sqlite {
            // The runtime's own format on SQLite.
            let created = user("createdAt");
            assert_eq!(created.len(), "2026-01-01T00:00:00.000Z".len(), "{created}");
            assert!(created.ends_with('Z') && created.contains('T'));
        }

        // The same email again: refused without --force, nothing changed.
        let again = create(
            &cfg,
            &db.url,
            "another-password",
            &["--email", "root@example.com", "--yes"],
        );
        assert_eq!(again.code, 1, "{}", again.both());
        assert!(again.stderr.contains("already exists") && again.stderr.contains("--force"));
        assert!(rustauth::password::verify(PASSWORD, &account("password")));
        // --force: role and password updated, still one user and one account.
        let forced = create(
            &cfg,
            &db.url,
            "another-password",
            &[
                "--email",
                "root@example.com",
                "--force",
                "--role",
                "superadmin",
            ],
        );
        assert_eq!(forced.code, 0, "{}", forced.both());
        assert!(
            forced
                .stdout
                .starts_with("Admin user updated successfully.")
        );
        assert_eq!(user("role"), "superadmin");
        assert_eq!(user("id"), id);
        assert!(rustauth::password::verify(
            "another-password",
            &account("password")
        ));

        // Another admin while users exist: needs --yes without a terminal.
        let second = create(&cfg, &db.url, PASSWORD, &["--email", "two@example.com"]);
        assert_eq!(second.code, 1, "{}", second.both());
        assert!(second.stderr.contains("pass --yes"), "{}", second.both());
        assert_eq!(
            one(
                &db,
                &format!("select {} from {}", text_count(engine), q("user"))
            ),
            "1"
        );
    }
}

fn text_count(engine: Engine) -> &'static str {
    match engine {
        Engine::Mysql => "cast(count(*) as char)",
        _ => "cast(count(*) as text)",
    }
}

#[test]
fn serial_and_uuid_ids_on_postgres() {
    let Some(db) = ScratchDb::new(Engine::Postgres) else {
        return;
    };
    for (strategy, email) in [("serial", "s@example.com"), ("uuid", "u@example.com")] {
        db.reset();
        let dir = tempfile::tempdir().unwrap();
        let cfg = config(dir.path(), &format!("generate_id = \"{strategy}\"\n"));
        assert_eq!(run_config(&cfg, &db.url, &["migrate", "--yes"]).code, 0);
        let r = create(&cfg, &db.url, PASSWORD, &["--email", email]);
        assert_eq!(r.code, 0, "{strategy}: {}", r.both());
        let id = one(&db, "select id::text from \"user\"");
        assert_eq!(one(&db, "select \"userId\"::text from account"), id);
        assert_eq!(one(&db, "select \"accountId\" from account"), id);
        assert!(
            r.stdout.contains(&format!("User ID: {id}\n")),
            "{}",
            r.stdout
        );
        let forced = create(
            &cfg,
            &db.url,
            "second-password",
            &["--email", email, "--force"],
        );
        assert_eq!(forced.code, 0, "{strategy}: {}", forced.both());
        assert!(rustauth::password::verify(
            "second-password",
            &one(&db, "select password from account")
        ));
    }
}

#[test]
fn bad_input_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let db = d.join("auth.db");
    let url = format!("sqlite://{}", db.display());
    // Without the admin plugin.
    let plain = write_config(
        d,
        "[database]\nadapter = \"sqlx\"\n[plugins]\nenabled = [\"username\"]\n",
    );
    assert_eq!(run_config(&plain, &url, &["migrate", "--yes"]).code, 0);
    let r = create(&plain, &url, PASSWORD, &["--email", "a@example.com"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("the admin plugin is required"),
        "{}",
        r.stderr
    );

    let cfg = config(d, "");
    assert_eq!(run_config(&cfg, &url, &["migrate", "--yes"]).code, 0);
    for (password, args, says) in [
        (
            PASSWORD,
            &["--email", "not-an-email"][..],
            "invalid email address",
        ),
        ("x7q2", &["--email", "a@example.com"][..], "too short"),
        (
            PASSWORD,
            &["--email", "a@example.com", "--data", "[1]"][..],
            "--data must be a JSON object",
        ),
        (
            PASSWORD,
            &["--email", "a@example.com", "--data", "{oops"][..],
            "--data must be valid JSON",
        ),
        (
            PASSWORD,
            &["--email", "a@example.com", "--data", "{\"username\": 7}"][..],
            "`username` must be a string",
        ),
    ] {
        let r = create(&cfg, &url, password, args);
        assert_eq!(r.code, 1, "{args:?}: {}", r.both());
        assert!(r.stderr.contains(says), "{args:?}: {}", r.stderr);
        assert!(r.stderr.contains("nothing was written"), "{}", r.stderr);
    }
    // No password source and no terminal.
    let r = run(d, Some(&url), &["create-admin", "--email", "a@example.com"]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("--password-stdin"), "{}", r.stderr);
    // --password works, with a warning that argv is visible.
    let r = run(
        d,
        Some(&url),
        &[
            "create-admin",
            "--email",
            "a@example.com",
            "--password",
            PASSWORD,
        ],
    );
    assert_eq!(r.code, 0, "{}", r.both());
    assert!(
        r.stderr.contains("warning: --password is visible"),
        "{}",
        r.stderr
    );
    assert!(!r.stdout.contains(PASSWORD) && !r.stderr.contains(PASSWORD));
}
