//! Better Auth 1.7 behaviour the corpus does not show, through the binary and real
//! databases: existing indexes that conflict with a table-level index the schema declares
//! (upstream refuses, and so do generate and migrate, changing nothing), and index names
//! cut to 63 bytes with upstream's hash.

mod common;

use common::*;

const DEVICE: &str = "[project]\nbetter_auth = \"1.7\"\n[database]\nadapter = \"sqlx\"\n[plugins]\nenabled = [\"device-authorization\"]\n";

/// Migrates the 1.7 device-authorization schema, then swaps its `deviceCode_userCode_uidx`
/// for `replacement`.
fn with_index(db: &ScratchDb, dir: &std::path::Path, replacement: &str) -> std::path::PathBuf {
    let config = write_config(dir, DEVICE);
    let run = run_config(&config, &db.url, &["migrate", "--yes"]);
    assert_eq!(run.code, 0, "{}", run.both());
    let q = |s: &str| db.engine.ident(s);
    let drop = match db.engine {
        Engine::Mysql => format!(
            "drop index {} on {}",
            q("deviceCode_userCode_uidx"),
            q("deviceCode")
        ),
        _ => format!("drop index {}", q("deviceCode_userCode_uidx")),
    };
    db.exec(&drop);
    db.exec(replacement);
    config
}

fn refuses(db: &ScratchDb, config: &std::path::Path, message: &str) {
    let before = db.catalog();
    for args in [&["migrate", "--yes"][..], &["db", "status"][..]] {
        let run = run_config(config, &db.url, args);
        assert_eq!(run.code, 1, "{args:?}: {}", run.both());
        assert!(run.stderr.contains(message), "{args:?}: {}", run.both());
    }
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let run = run_config(
        config,
        &db.url,
        &["generate", "--yes", "--output-dir", out.to_str().unwrap()],
    );
    assert_eq!(run.code, 1, "{}", run.both());
    assert!(run.stderr.contains(message), "{}", run.both());
    assert!(!out.exists(), "generate wrote something");
    assert!(
        catalog_diff(&before, &db.catalog()).is_empty(),
        "the database changed"
    );
}

#[test]
fn an_index_with_the_configured_name_but_other_columns_is_refused() {
    for engine in Engine::ALL {
        let Some(db) = ScratchDb::new(engine) else {
            continue;
        };
        let dir = tempfile::tempdir().unwrap();
        let q = |s: &str| engine.ident(s);
        let config = with_index(
            &db,
            dir.path(),
            &format!(
                "create index {} on {} ({})",
                q("deviceCode_userCode_uidx"),
                q("deviceCode"),
                q("status")
            ),
        );
        refuses(
            &db,
            &config,
            "Database index \"deviceCode_userCode_uidx\" on table \"deviceCode\" does not match the configured fields and uniqueness. Rename or replace the existing index, then run the migration again.",
        );
    }
}

#[test]
fn an_index_name_taken_by_another_table_is_refused_where_names_are_schema_wide() {
    for engine in [Engine::Sqlite, Engine::Postgres] {
        let Some(db) = ScratchDb::new(engine) else {
            continue;
        };
        let dir = tempfile::tempdir().unwrap();
        let q = |s: &str| engine.ident(s);
        let config = with_index(
            &db,
            dir.path(),
            &format!(
                "create unique index {} on {} ({})",
                q("deviceCode_userCode_uidx"),
                q("user"),
                q("email")
            ),
        );
        refuses(
            &db,
            &config,
            "Database index name \"deviceCode_userCode_uidx\" is already used by table \"user\". Index names must be unique across the schema.",
        );
    }
}

#[test]
fn a_missing_table_level_index_is_created_on_an_existing_table() {
    for engine in Engine::ALL {
        let Some(db) = ScratchDb::new(engine) else {
            continue;
        };
        let dir = tempfile::tempdir().unwrap();
        let config = with_index(&db, dir.path(), "select 1");
        let status = run_config(&config, &db.url, &["db", "status", "--check"]);
        assert_eq!(status.code, 3, "{}", status.both());
        let run = run_config(&config, &db.url, &["migrate", "--yes"]);
        assert_eq!(run.code, 0, "{}", run.both());
        assert!(
            run.stdout
                .contains("-> userCode fields in a unique index on deviceCode table."),
            "{}",
            run.both()
        );
        let status = run_config(&config, &db.url, &["db", "status", "--check"]);
        assert_eq!(status.code, 0, "{}", status.both());
    }
}

#[test]
fn long_index_names_are_cut_with_upstreams_hash_on_1_7_only() {
    let dir = tempfile::tempdir().unwrap();
    let body = |line: &str| {
        format!(
            "[project]\nbetter_auth = \"{line}\"\n[plugins]\nenabled = [\"two-factor\"]\n[models.twoFactor]\nmodel_name = \"organizationMembershipInvitation\"\n[models.twoFactor.fields]\nsecret = \"organizationMembershipInvitationCode\"\n"
        )
    };
    for (line, want) in [
        (
            "1.7",
            "create index \"organizationMembershipInvitation_organizationMembe_89d351fb_idx\"",
        ),
        (
            "1.6",
            "create index \"organizationMembershipInvitation_organizationMembershipInvitationCode_idx\"",
        ),
    ] {
        write_config(dir.path(), &body(line));
        let o = run(
            dir.path(),
            None,
            &["schema", "print", "--dialect", "postgres"],
        );
        assert_eq!(o.code, 0, "{}", o.both());
        assert!(o.stdout.contains(want), "{line}: {}", o.stdout);
    }
}
