//! Bad config input and `generate`'s file handling, through the real binary.
//!
//! Every config error must exit 1 with exactly one line on stderr (`error: …`) that says
//! what is wrong and where, print nothing on stdout and write no file: checked for both
//! `schema print` and `generate` (which would otherwise write a migration file).

mod common;

use std::path::{Path, PathBuf};

use common::{Run, run_cmd, rustauth};

/// Every file under `dir`, relative, sorted.
fn files(dir: &Path) -> Vec<String> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<String>) {
        for e in std::fs::read_dir(dir).expect("read_dir") {
            let p = e.expect("entry").path();
            if p.is_dir() {
                walk(root, &p, out);
            } else {
                out.push(p.strip_prefix(root).unwrap().display().to_string());
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}

/// Writes `toml` as `rustauth.toml` in a fresh folder, runs `schema print` and `generate`
/// (offline, default output folder) against it, and checks both fail the same way: exit
/// 1, nothing on stdout, one `error:` line on stderr containing every `needle`, no file
/// written. Returns that line.
fn rejects(toml: &str, needles: &[&str]) -> String {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("rustauth.toml"), toml).expect("write config");

    let print = run_cmd(rustauth().current_dir(dir.path()).args([
        "schema",
        "print",
        "--config",
        "rustauth.toml",
    ]));
    let generate = run_cmd(rustauth().current_dir(dir.path()).args([
        "generate",
        "--config",
        "rustauth.toml",
        "--adapter",
        "sqlx",
        "--dialect",
        "sqlite",
    ]));
    let mut line = None;
    for (what, r) in [("schema print", &print), ("generate", &generate)] {
        assert_eq!(
            r.code, 1,
            "{what}: exit code; stdout: {} stderr: {}",
            r.stdout, r.stderr
        );
        assert_eq!(r.stdout, "", "{what}: nothing on stdout");
        // One `error:` line, and a `help:` line when the message says what to do.
        let lines: Vec<&str> = r.stderr.lines().collect();
        assert!(
            lines.len() == 1 || (lines.len() == 2 && lines[1].starts_with("help: ")),
            "{what}: one error line (and at most one help line) on stderr, got {:?}",
            r.stderr
        );
        assert!(
            lines[0].starts_with("error: "),
            "{what}: `error: ` prefix: {}",
            lines[0]
        );
        let text = r.stderr.trim_end();
        for n in needles {
            assert!(
                text.contains(n),
                "{what}: stderr should contain {n:?}: {text}"
            );
        }
        line = Some(text.to_string());
    }
    assert_eq!(
        files(dir.path()),
        vec!["rustauth.toml".to_string()],
        "nothing may be written"
    );
    line.unwrap()
}

#[test]
fn unknown_top_level_key_names_key_line_and_suggestion() {
    rejects(
        "[project]\nframework = \"axum\"\n\n[databse]\nprovider = \"sqlite\"\n",
        &[
            "rustauth.toml",
            "unknown key `databse`",
            "line 4",
            "did you mean `database`?",
        ],
    );
}

#[test]
fn unknown_nested_key_names_the_dotted_key() {
    rejects(
        "[database]\nprovider = \"sqlite\"\nurl_envv = \"X\"\n",
        &[
            "unknown key `database.url_envv`",
            "line 3",
            "did you mean `url_env`?",
        ],
    );
    rejects(
        "[models.user.additional_fields.x]\ntype = \"string\"\nunique_ = true\n",
        &[
            "unknown key `models.user.additional_fields.x.unique_`",
            "line 3",
        ],
    );
    rejects(
        "[models.user]\nmodel_name = \"users\"\nfields = { emial = \"email_address\" }\n",
        &[
            "unknown field `models.user.fields.emial`",
            "line 3",
            "did you mean `email`?",
        ],
    );
    rejects(
        "[models.twoFactor.fields]\nsecrett = \"s\"\n",
        &[
            "unknown field `models.twoFactor.fields.secrett`",
            "line 2",
            "did you mean `secret`?",
        ],
    );
    rejects(
        "[models.usr]\nmodel_name = \"x\"\n",
        &[
            "unknown model `models.usr`",
            "line 1",
            "did you mean `user`?",
        ],
    );
}

#[test]
fn unknown_plugin_id_lists_the_valid_ones() {
    let line = rejects(
        "[plugins]\nenabled = [\"two-factor\", \"organisation\"]\n",
        &[
            "unknown plugin id `organisation`",
            "line 2",
            "did you mean `organization`?",
            "valid plugin ids:",
        ],
    );
    // All 31 ids of the 1.7 line (the default) are listed.
    for id in [
        "additional-fields",
        "admin",
        "agent-auth",
        "anonymous",
        "api-key",
        "bearer",
        "captcha",
        "custom-session",
        "device-authorization",
        "email-otp",
        "generic-oauth",
        "have-i-been-pwned",
        "jwt",
        "last-login-method",
        "magic-link",
        "mcp",
        "multi-session",
        "oauth-provider",
        "oauth-proxy",
        "one-tap",
        "one-time-token",
        "open-api",
        "organization",
        "passkey",
        "phone-number",
        "scim",
        "siwe",
        "sso",
        "stripe",
        "two-factor",
        "username",
    ] {
        assert!(line.contains(id), "valid ids should include {id}: {line}");
    }
    assert!(!line.contains("oidc-provider"), "{line}");
    // The 1.6 line lists its own: oidc-provider, and no agent-auth.
    let line = rejects(
        "[project]\nbetter_auth = \"1.6\"\n[plugins]\nenabled = [\"organisation\"]\n",
        &["unknown plugin id `organisation`", "oidc-provider"],
    );
    assert!(!line.contains("agent-auth"), "{line}");
    // Also a `[plugins.<id>]` table for an unknown id.
    rejects(
        "[plugins.two-factors]\n",
        &[
            "`plugins.two-factors`",
            "line 1",
            "did you mean `two-factor`?",
        ],
    );
}

#[test]
fn unknown_plugin_option() {
    rejects(
        "[plugins]\nenabled = [\"organization\"]\n\n[plugins.organization]\nteam = true\n",
        &[
            "unknown key `plugins.organization.team`",
            "line 5",
            "did you mean `teams`?",
        ],
    );
    rejects(
        "[plugins.two-factor]\nfoo = true\n",
        &[
            "unknown key `plugins.two-factor.foo`",
            "line 2",
            "no options that change the schema",
        ],
    );
}

#[test]
fn malformed_toml_names_line_and_column() {
    rejects(
        "[database]\nprovider = \"sqlite\n",
        &["invalid TOML at line 2, column 19"],
    );
    rejects("[database\n", &["invalid TOML at line 1, column"]);
}

#[test]
fn wrong_value_types() {
    rejects(
        "[database]\nprovider = 3\n",
        &["`database.provider`", "line 2", "must be a string"],
    );
    rejects(
        "\n[project]\nproduction = \"yes\"\n",
        &["`project.production`", "line 3", "must be true or false"],
    );
    rejects(
        "[plugins]\nenabled = \"two-factor\"\n",
        &[
            "`plugins.enabled`",
            "line 2",
            "must be an array of plugin ids",
        ],
    );
    rejects(
        "[plugins]\nenabled = [\"jwt\", 3]\n",
        &["`plugins.enabled`", "must hold strings"],
    );
    rejects(
        "[plugins.organization]\nteams = \"yes\"\n",
        &[
            "`plugins.organization.teams`",
            "line 2",
            "must be true or false",
        ],
    );
    rejects(
        "[models.user.additional_fields.x]\ntype = \"string\"\nrequired = \"no\"\n",
        &[
            "`models.user.additional_fields.x.required`",
            "line 3",
            "must be true or false",
        ],
    );
    rejects("database = 1\n", &["`database`", "must be a table"]);
    rejects(
        "[models.user]\nfields = { email = 1 }\n",
        &["`models.user.fields.email`", "must be a string"],
    );
}

#[test]
fn unknown_values() {
    rejects(
        "[database]\nprovider = \"oracle\"\n",
        &[
            "`database.provider`",
            "line 2",
            "unknown value `oracle`",
            "sqlite, postgres, mysql, mssql",
        ],
    );
    rejects(
        "[database]\ngenerate_id = \"uuidv7\"\n",
        &[
            "`database.generate_id`",
            "unknown value `uuidv7`",
            "did you mean `uuid`?",
        ],
    );
    rejects(
        "[models.user.additional_fields.boss]\ntype = \"string\"\nreferences = { model = \"user\", on_delete = \"cascades\" }\n",
        &[
            "`models.user.additional_fields.boss.references.on_delete`",
            "line 3",
            "unknown value `cascades`",
            "did you mean `cascade`?",
        ],
    );
    rejects(
        "[models.user.additional_fields.x]\ntype = \"strin\"\n",
        &[
            "`models.user.additional_fields.x.type`",
            "line 2",
            "unknown type `strin`",
            "did you mean `string`?",
        ],
    );
    rejects(
        "[models.user.additional_fields.x]\nrequired = false\n",
        &["`models.user.additional_fields.x`", "has no `type`"],
    );
    rejects(
        "[rate_limit]\nstorage = \"redis\"\n",
        &["`rate_limit.storage`", "unknown value `redis`"],
    );
}

/// `database.adapter` is checked when the config loads, for every command (before, only
/// the commands that connect said an adapter was unknown).
#[test]
fn unknown_adapter_is_a_config_error() {
    rejects(
        "[database]\nadapter = \"mongo\"\n",
        &["`database.adapter` at line 2: unknown value `mongo`; did you mean `mongodb`?"],
    );
    let line = rejects(
        "[project]\nproduction = false\n[database]\nadapter = \"sequelize\"\n",
        &[
            "`database.adapter` at line 4: unknown value `sequelize`; expected one of: sqlx, kysely, diesel, tokio-postgres, deadpool-postgres, prisma, drizzle, mongodb, memory",
        ],
    );
    assert!(!line.contains("did you mean"), "{line}");
    rejects(
        "[database]\nadapter = \" \"\n",
        &["`database.adapter` at line 2 must not be empty"],
    );
}

#[test]
fn missing_config_file_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    for args in [
        &["schema", "print", "--config", "nope.toml"][..],
        &[
            "generate",
            "--config",
            "nope.toml",
            "--adapter",
            "sqlx",
            "--dialect",
            "sqlite",
        ][..],
    ] {
        let r = run_cmd(rustauth().current_dir(dir.path()).args(args));
        assert_eq!(r.code, 1, "{args:?}: {}", r.stderr);
        assert_eq!(r.stdout, "");
        assert_eq!(
            r.stderr
                .lines()
                .filter(|l| !l.starts_with("help: "))
                .count(),
            1,
            "{}",
            r.stderr
        );
        assert!(r.stderr.contains("nope.toml"), "{}", r.stderr);
        assert!(r.stderr.contains("does not exist"), "{}", r.stderr);
    }
    assert!(files(dir.path()).is_empty());
}

#[test]
fn duplicate_plugin() {
    rejects(
        "[plugins]\nenabled = [\"jwt\", \"two-factor\", \"jwt\"]\n",
        &["plugin `jwt` is listed twice", "line 2"],
    );
}

#[test]
fn oauth_provider_needs_jwt() {
    for enabled in [
        "[\"oauth-provider\"]",
        "[\"two-factor\", \"oauth-provider\"]",
    ] {
        rejects(
            &format!("[plugins]\nenabled = {enabled}\n"),
            &["`oauth-provider` needs `jwt`", "line 2"],
        );
    }
    // jwt anywhere in the list loads, as upstream (it looks jwt up in the whole list).
    for enabled in [
        "[\"jwt\", \"oauth-provider\"]",
        "[\"oauth-provider\", \"jwt\"]",
    ] {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("rustauth.toml"),
            format!("[plugins]\nenabled = {enabled}\n"),
        )
        .unwrap();
        let r = run_cmd(rustauth().current_dir(dir.path()).args(["schema", "print"]));
        assert_eq!(r.code, 0, "{}", r.stderr);
        assert!(r.stdout.contains("create table \"oauthClient\""));
    }
}

fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn example_config_loads() {
    let example = manifest_dir().join("rustauth.toml.example");
    let dir = tempfile::tempdir().unwrap();
    let r = run_cmd(
        rustauth()
            .current_dir(dir.path())
            .args(["schema", "print", "--config"])
            .arg(&example),
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stderr, "");
    // The file is read, not skipped: its plugins, options and additional fields show.
    for needle in [
        "create table \"twoFactor\"",
        "create table \"team\"",
        "\"role\" text",
        "\"invitedBy\" text references \"user\" (\"id\") on delete set null",
        "\"loginCount\" bigint",
    ] {
        assert!(r.stdout.contains(needle), "missing {needle}");
    }
    // Every key the example sets is accepted for every dialect, in both output formats.
    for dialect in ["sqlite", "postgres", "mysql", "mssql"] {
        for format in ["sql", "json"] {
            let r = run_cmd(
                rustauth()
                    .current_dir(dir.path())
                    .args(["schema", "print", "--config"])
                    .arg(&example)
                    .args(["--dialect", dialect, "--format", format]),
            );
            assert_eq!(r.code, 0, "{dialect} {format}: {}", r.stderr);
        }
    }
    assert!(files(dir.path()).is_empty());
}

#[test]
fn example_config_sets_every_top_level_section() {
    // A new section in the loader without a line in the example would fail here.
    let text = std::fs::read_to_string(manifest_dir().join("rustauth.toml.example")).unwrap();
    for section in [
        "[project]",
        "[database]",
        "[security]",
        "[rate_limit]",
        "[secondary_storage]",
        "[plugins]",
        "[models.user]",
        "[models.user.additional_fields.",
    ] {
        assert!(
            text.contains(section),
            "rustauth.toml.example lacks {section}"
        );
    }
}

// ---------------------------------------------------------------- generate behaviours

fn generate(dir: &Path, extra: &[&str]) -> Run {
    run_cmd(rustauth().current_dir(dir).arg("generate").args(extra))
}

#[test]
fn generate_prisma_and_drizzle_print_guidance() {
    let dir = tempfile::tempdir().unwrap();
    for adapter in ["prisma", "drizzle"] {
        for extra in [&[][..], &["--dialect", "postgres"][..]] {
            let r = generate(dir.path(), &[&["--adapter", adapter][..], extra].concat());
            assert_eq!(r.code, 0, "{adapter}: {}", r.stderr);
            assert!(
                r.stdout.contains(adapter),
                "guidance names the adapter: {}",
                r.stdout
            );
            assert!(
                r.stdout.contains("--adapter sqlx --dialect"),
                "guidance says what to run: {}",
                r.stdout
            );
        }
    }
    assert!(files(dir.path()).is_empty(), "guidance writes nothing");
}

#[test]
fn generate_unknown_adapter_or_dialect_lists_valid_ones() {
    // A value a flag lists is checked by the command line: a usage error (exit 2), as
    // for `schema print --dialect`, naming the valid values.
    let dir = tempfile::tempdir().unwrap();
    let r = generate(
        dir.path(),
        &["--adapter", "sequelize", "--dialect", "sqlite"],
    );
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .starts_with("error: invalid value 'sequelize' for '--adapter <ADAPTER>'"),
        "{}",
        r.stderr
    );
    for name in [
        "sqlx",
        "kysely",
        "diesel",
        "tokio-postgres",
        "deadpool-postgres",
        "prisma",
        "drizzle",
        "mongodb",
        "memory",
    ] {
        assert!(r.stderr.contains(name), "{name}: {}", r.stderr);
    }
    for args in [
        &["generate", "--adapter", "sqlx", "--dialect", "oracle"][..],
        &["schema", "print", "--dialect", "oracle"][..],
    ] {
        let r = run_cmd(rustauth().current_dir(dir.path()).args(args));
        assert_eq!(r.code, 2, "{args:?}");
        assert!(
            r.stderr
                .contains("invalid value 'oracle' for '--dialect <DIALECT>'")
                && r.stderr
                    .contains("[possible values: sqlite, postgres, mysql, mssql]"),
            "{}",
            r.stderr
        );
    }
    // The spellings people bring from elsewhere still work.
    for alias in ["pg", "postgresql", "mariadb", "sqlserver"] {
        let r = run_cmd(rustauth().current_dir(dir.path()).args([
            "schema",
            "print",
            "--dialect",
            alias,
        ]));
        assert_eq!(r.code, 0, "{alias}: {}", r.stderr);
    }
    assert!(files(dir.path()).is_empty());
}

#[test]
fn generate_never_prompts_without_a_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("auth.sql");
    std::fs::write(&out, "keep me\n").unwrap();
    let r = generate(
        dir.path(),
        &[
            "--adapter",
            "sqlx",
            "--dialect",
            "sqlite",
            "--output",
            "auth.sql",
        ],
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(
        r.stderr
            .lines()
            .filter(|l| !l.starts_with("help: "))
            .count(),
        1,
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("already exists"), "{}", r.stderr);
    assert!(r.stderr.contains("--yes"), "{}", r.stderr);
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "keep me\n");
    assert_eq!(files(dir.path()), vec!["auth.sql"]);

    // --yes overwrites.
    let r = generate(
        dir.path(),
        &[
            "--adapter",
            "sqlx",
            "--dialect",
            "sqlite",
            "--output",
            "auth.sql",
            "--yes",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(text.starts_with("-- rustauth plan sha256:"), "{text}");
    assert!(text.contains("create table \"user\""));
    assert_eq!(
        files(dir.path()),
        vec!["auth.sql"],
        "no temporary file left"
    );
}

#[test]
fn generate_short_y_overwrites_and_deprecated_double_dash_y_warns() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("auth.sql");
    std::fs::write(&out, "old\n").unwrap();
    let r = generate(
        dir.path(),
        &[
            "--adapter",
            "sqlx",
            "--dialect",
            "mysql",
            "--output",
            "auth.sql",
            "-y",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!r.stderr.contains("deprecated"), "{}", r.stderr);
    assert!(std::fs::read_to_string(&out).unwrap().contains('`'));

    std::fs::write(&out, "old\n").unwrap();
    let r = generate(
        dir.path(),
        &[
            "--adapter",
            "sqlx",
            "--dialect",
            "postgres",
            "--output",
            "auth.sql",
            "--y",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains("`--y` is deprecated") && r.stderr.contains("--yes"),
        "{}",
        r.stderr
    );
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(text.contains("timestamptz"), "postgres SQL written: {text}");
}

/// `YYYYMMDDHHMMSS` now, in UTC.
fn now_stamp() -> String {
    let fmt = time::macros::format_description!("[year][month][day][hour][minute][second]");
    time::OffsetDateTime::now_utc().format(&fmt).unwrap()
}

/// `^\d{14}_rustauth_init\.sql$` (an offline generate writes the whole schema: `init`)
fn is_migration_name(name: &str) -> bool {
    name.len() == 14 + "_rustauth_init.sql".len()
        && name[..14].bytes().all(|b| b.is_ascii_digit())
        && &name[14..] == "_rustauth_init.sql"
}

#[test]
fn migration_name_format() {
    assert!(is_migration_name("20261126214230_rustauth_init.sql"));
    assert!(!is_migration_name("2026112621423_rustauth_init.sql"));
    assert!(!is_migration_name("2026112621423x_rustauth_init.sql"));
    assert!(!is_migration_name("20261126214230_rustauth_init.sql.bak"));
}

#[test]
fn generate_default_path_is_migrations_dir_with_a_utc_timestamp() {
    // Without a config: <cwd>/migrations.
    let dir = tempfile::tempdir().unwrap();
    let before = now_stamp();
    let r = generate(dir.path(), &["--adapter", "sqlx", "--dialect", "sqlite"]);
    let after = now_stamp();
    assert_eq!(r.code, 0, "{}", r.stderr);
    let written = files(dir.path());
    // The SQL and its snapshot beside it.
    assert_eq!(written.len(), 2, "{written:?}");
    assert_eq!(
        written[0].replace(".json", ".sql"),
        written[1],
        "{written:?}"
    );
    let (folder, name) = written[1].rsplit_once('/').unwrap();
    assert_eq!(folder, "migrations");
    assert!(is_migration_name(name), "{name}");
    assert!(
        before.as_str() <= &name[..14] && &name[..14] <= after.as_str(),
        "{name} is not between {before} and {after}"
    );
    assert!(r.stdout.contains(name), "says where: {}", r.stdout);

    // With a config: its migrations_dir, relative to the config's folder (not --cwd).
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("app")).unwrap();
    std::fs::write(
        dir.path().join("app/rustauth.toml"),
        "[database]\nadapter = \"sqlx\"\nprovider = \"postgres\"\nmigrations_dir = \"db/auth\"\n",
    )
    .unwrap();
    let r = generate(
        dir.path(),
        &["--config", "app/rustauth.toml", "--dialect", "postgres"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let written = files(dir.path());
    assert_eq!(written.len(), 3, "{written:?}");
    let sql = written.iter().find(|f| f.ends_with(".sql")).unwrap();
    let (folder, name) = sql.rsplit_once('/').unwrap();
    assert_eq!(folder, "app/db/auth");
    assert!(is_migration_name(name), "{name}");

    // --output-dir instead.
    let r = generate(
        dir.path(),
        &[
            "--config",
            "app/rustauth.toml",
            "--dialect",
            "mysql",
            "--output-dir",
            "elsewhere",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let here: Vec<_> = files(dir.path())
        .into_iter()
        .filter(|f| f.starts_with("elsewhere/") && f.ends_with(".sql"))
        .collect();
    assert_eq!(here.len(), 1, "{here:?}");
    assert!(is_migration_name(here[0].trim_start_matches("elsewhere/")));
}

#[test]
fn generate_same_plan_writes_nothing_unless_forced() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("migrations");
    let args = ["--adapter", "sqlx", "--dialect", "sqlite", "--from-scratch"];
    let r = generate(dir.path(), &args);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let sqls = |d: &Path| -> Vec<String> {
        files(d)
            .into_iter()
            .filter(|f| f.ends_with(".sql"))
            .collect()
    };
    let first = sqls(&folder);
    assert_eq!(first.len(), 1);
    // Detection is by the plan's hash, not by the file name.
    let old = folder.join("20000101000000_rustauth_init.sql");
    std::fs::rename(folder.join(&first[0]), &old).unwrap();
    let content = std::fs::read_to_string(&old).unwrap();

    let r = generate(dir.path(), &args);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains("20000101000000_rustauth_init.sql"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("--force"), "{}", r.stdout);
    assert_eq!(sqls(&folder), vec!["20000101000000_rustauth_init.sql"]);

    // --force writes it again, in a new file.
    let r = generate(dir.path(), &[&args[..], &["--force"]].concat());
    assert_eq!(r.code, 0, "{}", r.stderr);
    let now = sqls(&folder);
    assert_eq!(now.len(), 2, "{now:?}");
    let new = now.iter().find(|n| !n.starts_with("2000")).unwrap();
    assert!(is_migration_name(new));
    assert_eq!(std::fs::read_to_string(folder.join(new)).unwrap(), content);

    // Another plan (another dialect) is not the same plan: written beside it.
    let other = tempfile::tempdir().unwrap();
    std::fs::write(
        other.path().join("20000101000000_rustauth_init.sql"),
        &content,
    )
    .unwrap();
    let r = generate(
        dir.path(),
        &[
            "--adapter",
            "sqlx",
            "--dialect",
            "postgres",
            "--from-scratch",
            "--output-dir",
            other.path().to_str().unwrap(),
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("Schema written"), "{}", r.stdout);
    assert_eq!(sqls(other.path()).len(), 2);
}

#[test]
fn cargo_shim_runs_the_same_cli() {
    let dir = tempfile::tempdir().unwrap();
    let direct =
        run_cmd(
            rustauth()
                .current_dir(dir.path())
                .args(["schema", "print", "--dialect", "mssql"]),
        );
    assert_eq!(direct.code, 0);
    // cargo runs `cargo-rustauth rustauth …`
    for args in [
        &["rustauth", "schema", "print", "--dialect", "mssql"][..],
        &["schema", "print", "--dialect", "mssql"][..],
    ] {
        let shim = run_cmd(common::cargo_rustauth().current_dir(dir.path()).args(args));
        assert_eq!(shim.code, 0, "{args:?}: {}", shim.stderr);
        assert_eq!(shim.stdout, direct.stdout, "{args:?}");
    }
    // Errors keep their exit codes through the shim.
    let shim = run_cmd(common::cargo_rustauth().current_dir(dir.path()).args([
        "rustauth",
        "schema",
        "print",
        "--dialect",
        "oracle",
    ]));
    assert_eq!(shim.code, 2, "{}", shim.stderr);
}

// ---------------------------------------------------------------- .env precedence

/// Through the library (no command prints env values yet): process env > .env.local >
/// .env, and the files beside `--config` before those in `--cwd`.
#[test]
fn dotenv_precedence() {
    let cwd = tempfile::tempdir().unwrap();
    let cfg = tempfile::tempdir().unwrap();
    std::fs::write(cfg.path().join("rustauth.toml"), "").unwrap();
    // PATH is always set in the process: it must win over both files.
    let path = std::env::var("PATH").expect("PATH is set");
    std::fs::write(
        cwd.path().join(".env"),
        "PATH=from-dotenv\nRA_T_ONLY_ENV=env\nRA_T_BOTH=env\nRA_T_CWD_VS_CFG=cwd\n",
    )
    .unwrap();
    std::fs::write(
        cwd.path().join(".env.local"),
        "PATH=from-dotenv-local\nRA_T_BOTH=local\nRA_T_ONLY_LOCAL=local\n",
    )
    .unwrap();
    std::fs::write(cfg.path().join(".env"), "RA_T_CWD_VS_CFG=cfg\n").unwrap();

    let loaded = rustauth::config::load(cwd.path(), None, false, None).unwrap();
    assert_eq!(loaded.env.get("PATH").as_deref(), Some(path.as_str()));
    assert_eq!(loaded.env.get("RA_T_ONLY_ENV").as_deref(), Some("env"));
    assert_eq!(loaded.env.get("RA_T_ONLY_LOCAL").as_deref(), Some("local"));
    assert_eq!(loaded.env.get("RA_T_BOTH").as_deref(), Some("local"));
    assert_eq!(loaded.env.get("RA_T_CWD_VS_CFG").as_deref(), Some("cwd"));
    assert_eq!(loaded.env.get("RA_T_NOWHERE"), None);

    // With --config elsewhere: its folder's files first.
    let config = cfg.path().join("rustauth.toml");
    let loaded = rustauth::config::load(cwd.path(), Some(&config), true, None).unwrap();
    assert_eq!(loaded.env.get("RA_T_CWD_VS_CFG").as_deref(), Some("cfg"));
    assert_eq!(loaded.env.get("RA_T_BOTH").as_deref(), Some("local"));
    assert_eq!(loaded.env.get("PATH").as_deref(), Some(path.as_str()));
}

#[test]
fn better_auth_line_must_be_one_of_the_two() {
    rejects(
        "[project]\nbetter_auth = \"1.8\"\n",
        &["project.better_auth", "line 2", "unknown value `1.8`"],
    );
    rejects(
        "[project]\nbetter_auth = 1.7\n",
        &["project.better_auth", "must be a string"],
    );
}

#[test]
fn what_better_auth_1_7_removed_is_an_error_naming_the_replacement() {
    rejects(
        "[plugins]\nenabled = [\"oidc-provider\"]\n",
        &[
            "plugin `oidc-provider` at line 2 was removed in Better Auth 1.7",
            "use `oauth-provider` instead",
            "better_auth = \"1.6\"",
        ],
    );
    rejects(
        "[project]\nbetter_auth = \"1.7\"\n[plugins]\nenabled = [\"jwt\", \"mcp\"]\n",
        &[
            "plugin `mcp` at line 4 without `[plugins.mcp] resource`",
            "Better Auth 1.7 removed",
            "oauth-provider",
        ],
    );
    rejects(
        "[plugins]\nenabled = [\"scim\"]\n[plugins.scim]\nprovider_ownership = true\n",
        &[
            "`plugins.scim.provider_ownership` at line 4 was removed in Better Auth 1.7",
            "remove the key",
        ],
    );
    // 1.7's mcp is oauth-provider underneath: it needs jwt.
    rejects(
        "[plugins]\nenabled = [\"mcp\"]\n[plugins.mcp]\nresource = \"https://api.example.com/mcp\"\n",
        &["plugin `mcp` needs `jwt` enabled too"],
    );
}

#[test]
fn what_only_better_auth_1_7_has_is_an_error_on_the_1_6_line() {
    let head = "[project]\nbetter_auth = \"1.6\"\n";
    rejects(
        &format!("{head}[plugins]\nenabled = [\"agent-auth\"]\n"),
        &[
            "plugin `agent-auth` at line 4 is new in Better Auth 1.7",
            "better_auth = \"1.7\"",
        ],
    );
    rejects(
        &format!(
            "{head}[plugins]\nenabled = [\"scim\"]\n[plugins.scim]\nmanaged_connections = true\n"
        ),
        &["`plugins.scim.managed_connections` at line 6 is new in Better Auth 1.7"],
    );
    rejects(
        &format!("{head}[plugins]\nenabled = [\"mcp\"]\n[plugins.mcp]\nresource = \"x\"\n"),
        &["`plugins.mcp.resource` at line 6 is new in Better Auth 1.7"],
    );
}

#[test]
fn the_command_line_line_wins_over_the_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("rustauth.toml"),
        "[project]\nbetter_auth = \"1.7\"\n[plugins]\nenabled = [\"jwt\"]\n",
    )
    .unwrap();
    let sql = |line: &str| {
        let o = run_cmd(rustauth().current_dir(dir.path()).args([
            "schema",
            "print",
            "--dialect",
            "postgres",
            "--better-auth",
            line,
        ]));
        assert_eq!(o.code, 0, "{}", o.stderr);
        o.stdout
    };
    assert!(sql("1.7").contains("\"alg\" text"));
    assert!(!sql("1.6").contains("\"alg\""));
    // A bad value is a usage error (exit 2), as for every other enum flag.
    let o = run_cmd(rustauth().current_dir(dir.path()).args([
        "schema",
        "print",
        "--better-auth",
        "2.0",
    ]));
    assert_eq!(o.code, 2, "{}", o.stderr);
}

#[test]
fn a_postgres_schema_is_refused_on_other_dialects_of_the_1_7_line() {
    rejects(
        "[database]\nprovider = \"mysql\"\nschema = \"auth\"\n",
        &[
            "`database.schemaName` is only supported on PostgreSQL, but the configured database type is \"mysql\".",
        ],
    );
}
