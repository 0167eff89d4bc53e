//! Offline `generate --dialect D` is incremental (issue 13): each file has a snapshot
//! beside it (`<version>_rustauth_<what>.json`), the next offline generate writes only the
//! difference from the last one, an edited or deleted file of the chain is an error that
//! names it, and the files apply with sqlx's own migrator; the incremental SQL is the plan
//! the live path makes for a database that ran the earlier files.

mod common;

use std::path::Path;

use common::*;

fn names(dir: &Path, ext: &str) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.ends_with(ext))
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

fn project(provider: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let config = write_config(
        tmp.path(),
        &format!("[database]\nadapter = \"sqlx\"\nprovider = \"{provider}\"\n"),
    );
    (tmp, config)
}

fn gen_offline(config: &Path, dialect: &str, extra: &[&str]) -> Run {
    let mut args = vec!["generate", "--dialect", dialect];
    args.extend_from_slice(extra);
    run_config(config, "", &args)
}

/// The SQL of a plan file, without its header line.
fn body(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap();
    let (header, rest) = text.split_once('\n').unwrap();
    assert!(header.starts_with(PLAN_HEADER), "{header}");
    rest.strip_suffix('\n').unwrap().to_string()
}

#[test]
fn offline_generate_writes_only_the_difference() {
    for dialect in ["sqlite", "postgres", "mysql", "mssql"] {
        let (tmp, config) = project("sqlite");
        let m = tmp.path().join("migrations");
        let r = gen_offline(&config, dialect, &[]);
        assert_eq!(r.code, 0, "{dialect}: {}", r.both());
        let sql = names(&m, ".sql");
        assert_eq!(sql.len(), 1, "{sql:?}");
        assert!(sql[0].ends_with("_rustauth_init.sql"), "{sql:?}");
        assert_eq!(names(&m, ".json"), vec![sql[0].replace(".sql", ".json")]);
        // The first file is the whole schema, byte for byte what schema print shows.
        let print = run_config(&config, "", &["schema", "print", "--dialect", dialect]);
        assert_eq!(body(&m.join(&sql[0])), print.stdout.trim_end_matches('\n'));

        // Nothing changed: nothing written.
        let r = gen_offline(&config, dialect, &[]);
        assert_eq!(r.code, 0, "{}", r.both());
        assert_eq!(r.stdout.trim(), "Your schema is already up to date.");
        assert_eq!(names(&m, ".sql").len(), 1);

        let r = run_config(&config, "", &["plugins", "add", "two-factor"]);
        assert_eq!(r.code, 0, "{}", r.both());
        let r = gen_offline(&config, dialect, &[]);
        assert_eq!(r.code, 0, "{dialect}: {}", r.both());
        let sql = names(&m, ".sql");
        assert_eq!(sql.len(), 2, "{sql:?}");
        assert!(sql[1].ends_with("_rustauth_add_two_factor.sql"), "{sql:?}");
        let second = body(&m.join(&sql[1]));
        assert!(
            second.contains("twoFactor")
                && !second.contains("create table \"user\"")
                && !second.contains("create table `user`")
                && !second.contains("create table [user]"),
            "{dialect}: {second}"
        );
        assert!(second.contains("twoFactorEnabled"), "{second}");

        // Columns only: add_columns; then up to date again.
        std::fs::write(
            &config,
            std::fs::read_to_string(&config).unwrap()
                + "\n[models.user.additional_fields.tenant]\ntype = \"string\"\nrequired = false\n",
        )
        .unwrap();
        let r = gen_offline(&config, dialect, &[]);
        assert_eq!(r.code, 0, "{dialect}: {}", r.both());
        let sql = names(&m, ".sql");
        assert!(sql[2].ends_with("_rustauth_add_columns.sql"), "{sql:?}");
        assert!(body(&m.join(&sql[2])).contains("tenant"));
        let r = gen_offline(&config, dialect, &[]);
        assert_eq!(
            r.stdout.trim(),
            "Your schema is already up to date.",
            "{}",
            r.both()
        );

        // --from-scratch: the whole schema again.
        let r = gen_offline(&config, dialect, &["--from-scratch"]);
        assert_eq!(r.code, 0, "{}", r.both());
        let sql = names(&m, ".sql");
        assert_eq!(sql.len(), 4);
        let print = run_config(&config, "", &["schema", "print", "--dialect", dialect]);
        assert_eq!(body(&m.join(&sql[3])), print.stdout.trim_end_matches('\n'));
    }
}

#[test]
fn an_edited_or_deleted_file_is_an_error_naming_it() {
    let (tmp, config) = project("postgres");
    let m = tmp.path().join("migrations");
    assert_eq!(gen_offline(&config, "postgres", &[]).code, 0);
    run_config(&config, "", &["plugins", "add", "two-factor"]);
    assert_eq!(gen_offline(&config, "postgres", &[]).code, 0);
    run_config(&config, "", &["plugins", "add", "organization"]);
    let sql = names(&m, ".sql");
    let first = m.join(&sql[0]);
    let original = std::fs::read_to_string(&first).unwrap();

    std::fs::write(&first, original.clone() + "-- my edit\n").unwrap();
    let r = gen_offline(&config, "postgres", &[]);
    r.assert_one_line_error("edited file");
    assert!(
        r.stderr.contains(&sql[0]) && r.stderr.contains("edited"),
        "{}",
        r.both()
    );
    assert!(r.stderr.contains("--from-scratch"), "{}", r.both());
    assert_eq!(names(&m, ".sql").len(), 2, "nothing written");

    std::fs::remove_file(&first).unwrap();
    let r = gen_offline(&config, "postgres", &[]);
    r.assert_one_line_error("deleted file");
    assert!(
        r.stderr.contains(&sql[0]) && r.stderr.contains("missing"),
        "{}",
        r.both()
    );

    std::fs::write(&first, &original).unwrap();
    // An edited earlier snapshot counts too.
    let snap = m.join(sql[0].replace(".sql", ".json"));
    let s = std::fs::read_to_string(&snap).unwrap();
    std::fs::write(&snap, s.replace("\"user\"", "\"users\"")).unwrap();
    let r = gen_offline(&config, "postgres", &[]);
    r.assert_one_line_error("edited snapshot");
    std::fs::write(&snap, &s).unwrap();

    // Another dialect into the same folder.
    let r = gen_offline(&config, "mysql", &[]);
    r.assert_one_line_error("other dialect");
    assert!(
        r.stderr.contains("is for postgres, not mysql"),
        "{}",
        r.both()
    );

    // Restored: the chain goes on.
    let r = gen_offline(&config, "postgres", &[]);
    assert_eq!(r.code, 0, "{}", r.both());
    let sql = names(&m, ".sql");
    assert!(
        sql[2].ends_with("_rustauth_add_organization.sql"),
        "{sql:?}"
    );
}

/// A rustauth plan no snapshot records (a live generate wrote it) is not built upon.
#[test]
fn a_plan_without_snapshot_is_not_built_upon() {
    let (tmp, config) = project("sqlite");
    let m = tmp.path().join("migrations");
    assert_eq!(gen_offline(&config, "sqlite", &[]).code, 0);
    let json = names(&m, ".json");
    std::fs::remove_file(m.join(&json[0])).unwrap();
    let r = gen_offline(&config, "sqlite", &[]);
    r.assert_one_line_error("no snapshot");
    assert!(r.stderr.contains("no snapshot"), "{}", r.both());
    assert_eq!(names(&m, ".sql").len(), 1);
}

/// The offline chain applied by sqlx's migrator builds the schema (`db status --check` 0),
/// and its incremental file is exactly the plan the live path makes on the database the
/// first file built.
fn offline_chain_on(engine: Engine) {
    let Some(db) = ScratchDb::new(engine) else {
        return;
    };
    let (tmp, config) = project(engine.dialect());
    let m = tmp.path().join("migrations");
    assert_eq!(gen_offline(&config, engine.dialect(), &[]).code, 0);
    let mut conn = db.conn();
    let migrate = |conn: &mut Conn| {
        let dir = m.clone();
        block_on(async move {
            let migrator = sqlx::migrate::Migrator::new(dir).await.unwrap();
            match conn {
                Conn::Pg(c) => migrator.run(c).await,
                Conn::My(c) => migrator.run(c).await,
                Conn::Lite(c) => migrator.run(c).await,
            }
            .map_err(|e| e.to_string())
        })
    };
    migrate(&mut conn).unwrap();
    run_config(
        &config,
        "",
        &["plugins", "add", "two-factor", "organization"],
    );
    let status = run_config(&config, &db.url, &["db", "status", "--json"]);
    let live: serde_json::Value =
        serde_json::from_str(&status.stdout).unwrap_or_else(|_| panic!("{}", status.both()));
    let r = gen_offline(&config, engine.dialect(), &[]);
    assert_eq!(r.code, 0, "{}", r.both());
    let sql = names(&m, ".sql");
    assert!(
        sql[1].ends_with("_rustauth_add_two_factor_organization.sql"),
        "{sql:?}"
    );
    assert_eq!(
        body(&m.join(&sql[1])),
        live["pending"]["sql"].as_str().unwrap(),
        "the offline increment differs from the live plan"
    );
    migrate(&mut conn).unwrap();
    conn.close();
    let r = run_config(&config, &db.url, &["db", "status", "--check"]);
    assert_eq!(r.code, 0, "{}", r.both());
}

#[test]
fn offline_chain_applies_with_sqlx_sqlite() {
    offline_chain_on(Engine::Sqlite);
}

#[test]
fn offline_chain_applies_with_sqlx_postgres() {
    offline_chain_on(Engine::Postgres);
}

#[test]
fn offline_chain_applies_with_sqlx_mysql() {
    offline_chain_on(Engine::Mysql);
}
