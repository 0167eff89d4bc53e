//! `.env` files through the binary, read as dotenvy (what the Rust app loads them with)
//! reads them: the first definition of a key in a file wins, a line that does not parse
//! ends the file, the process environment wins over files, `.env.local` over `.env`; a key
//! defined twice is a warning naming the file and both lines (an error in production);
//! and `secret --write`, which replaces the secret in place (or appends it), atomically,
//! mode 0600, every other byte unchanged.

mod common;

use std::path::Path;

use common::Run;
use rustauth::secret;

/// `rustauth <args>` in `dir` (cleared environment) with `env` set.
fn run_env(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut cmd = common::rustauth_in(dir);
    cmd.args(args).envs(env.iter().copied());
    common::run_cmd(&mut cmd)
}

fn run(dir: &Path, args: &[&str]) -> Run {
    run_env(dir, args, &[])
}

fn good() -> String {
    secret::generate(32, secret::Encoding::Base64Url).unwrap()
}

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap()
}

#[cfg(unix)]
fn mode(p: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

/// A config whose database URL comes from `APP_DB`, so which definition of `APP_DB` was
/// read shows in which SQLite file `migrate` creates.
fn sqlite_project(dir: &Path, extra: &str) {
    std::fs::write(
        dir.join("rustauth.toml"),
        format!("{extra}[database]\nadapter = \"sqlx\"\nurl_env = \"APP_DB\"\n"),
    )
    .unwrap();
}

#[test]
fn the_first_definition_in_a_file_wins_as_dotenvy_reads_it() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    sqlite_project(d, "");
    std::fs::write(
        d.join(".env"),
        "# two definitions\nAPP_DB=sqlite://first.db\nOTHER=1\nAPP_DB=sqlite://second.db\n",
    )
    .unwrap();
    let o = run(d, &["migrate", "--yes"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(d.join("first.db").exists());
    assert!(!d.join("second.db").exists());
    // The warning names the file and both lines.
    let warning = format!(
        "warning: {} defines APP_DB on lines 2 and 4; dotenvy (what the app loads .env with) keeps the first, line 2,",
        d.join(".env").display()
    );
    assert!(o.stderr.contains(&warning), "{}", o.stderr);
}

#[test]
fn a_key_defined_twice_is_an_error_in_production() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    sqlite_project(d, "[project]\nproduction = true\n");
    std::fs::write(
        d.join(".env"),
        "APP_DB=sqlite://first.db\nAPP_DB=sqlite://second.db\n",
    )
    .unwrap();
    let o = run(d, &["migrate", "--yes"]);
    assert_eq!(o.code, 1, "{}", o.stderr);
    let lines: Vec<&str> = o.stderr.lines().collect();
    assert_eq!(lines.len(), 1, "{}", o.stderr);
    assert!(lines[0].starts_with("error: "), "{}", o.stderr);
    assert!(lines[0].contains("APP_DB on lines 1 and 2"), "{}", o.stderr);
    assert!(lines[0].contains("production"), "{}", o.stderr);
    assert!(!d.join("first.db").exists() && !d.join("second.db").exists());
    // doctor says so too (a failure in production), with the fix.
    let o = run(d, &["doctor", "--json"]);
    assert_eq!(o.code, 3);
    let doc: serde_json::Value = serde_json::from_str(&o.stdout).unwrap();
    let check = doc["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "env_file")
        .unwrap();
    assert_eq!(check["status"], "fail", "{check}");
    assert!(
        check["message"].as_str().unwrap().contains("lines 1 and 2"),
        "{check}"
    );
}

/// The case: init's placeholder, then `rustauth secret >> .env`. dotenvy keeps
/// the placeholder, so the check must fail, whatever the second line holds.
#[test]
fn an_appended_secret_does_not_hide_the_placeholder() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let o = run(d, &["init", "--yes"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let o = run(d, &["secret"]);
    assert_eq!(o.code, 0);
    let mut env = read(&d.join(".env"));
    env.push_str(&o.stdout);
    std::fs::write(d.join(".env"), env).unwrap();
    for production in [false, true] {
        let mut args = vec!["secret", "--check-env"];
        if production {
            args.push("--production");
        }
        let o = run(d, &args);
        assert_eq!(o.code, 3, "{}\n{}", o.stdout, o.stderr);
        assert!(o.stdout.contains("placeholder"), "{}", o.stdout);
        assert!(
            o.stdout.contains("defines RUSTAUTH_SECRET on lines"),
            "{}",
            o.stdout
        );
    }
    let o = run(d, &["doctor", "--json"]);
    let doc: serde_json::Value = serde_json::from_str(&o.stdout).unwrap();
    let status = |id: &str| {
        doc["checks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == id)
            .unwrap()["status"]
            .clone()
    };
    assert_eq!(status("secret"), "fail");
    assert_eq!(status("env_file"), "warn");
}

#[test]
fn the_process_environment_wins_and_env_local_wins_over_env() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    sqlite_project(d, "");
    std::fs::write(d.join(".env"), "APP_DB=sqlite://env.db\n").unwrap();
    std::fs::write(d.join(".env.local"), "APP_DB=sqlite://local.db\n").unwrap();
    let o = run(d, &["migrate", "--yes"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(d.join("local.db").exists() && !d.join("env.db").exists());
    let o = run_env(
        d,
        &["migrate", "--yes"],
        &[("APP_DB", "sqlite://process.db")],
    );
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(d.join("process.db").exists() && !d.join("env.db").exists());
}

#[test]
fn a_line_that_does_not_parse_ends_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    sqlite_project(d, "");
    std::fs::write(
        d.join(".env"),
        "OTHER=1\nnot an assignment\nAPP_DB=sqlite://after.db\n",
    )
    .unwrap();
    let o = run(d, &["migrate", "--yes"]);
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert!(o.stderr.contains("line 2 does not parse"), "{}", o.stderr);
    assert!(o.stderr.contains("no database URL"), "{}", o.stderr);
    assert!(!d.join("after.db").exists());
    // The line's text is never printed (it may hold a secret).
    assert!(!o.stderr.contains("not an assignment"), "{}", o.stderr);
    // secret --write will not append after it: the app would never read it.
    let before = read(&d.join(".env"));
    let o = run(d, &["secret", "--write"]);
    assert_eq!(o.code, 1);
    assert!(o.stderr.contains("line 2 does not parse"), "{}", o.stderr);
    assert_eq!(read(&d.join(".env")), before);
}

/// `secret --write` replaces the first definition where it stands: every other byte of
/// the file stays, the file ends up mode 0600, and the value is never printed.
#[test]
fn secret_write_replaces_in_place() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let text = "# keep me\nDATABASE_URL='sqlite://auth.db'\n\nexport RUSTAUTH_SECRET = \"change-me-run-rustauth-secret\"  # the placeholder\nLAST=1";
    std::fs::write(d.join(".env"), text).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(d.join(".env"), std::fs::Permissions::from_mode(0o644)).unwrap();
    }
    let o = run(d, &["secret", "--write"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let after = read(&d.join(".env"));
    let fresh = dotenvy::from_path_iter(d.join(".env"))
        .unwrap()
        .map(Result::unwrap)
        .find(|(k, _)| k == "RUSTAUTH_SECRET")
        .unwrap()
        .1;
    assert_eq!(
        after,
        text.replace("\"change-me-run-rustauth-secret\"", &fresh)
    );
    assert!(secret::check(&fresh, true).is_empty());
    assert!(!o.stdout.contains(&fresh) && !o.stderr.contains(&fresh));
    assert!(
        o.stdout.contains("replaced the value on line 4"),
        "{}",
        o.stdout
    );
    #[cfg(unix)]
    assert_eq!(mode(&d.join(".env")), 0o600);
    let o = run(d, &["secret", "--check-env", "--production"]);
    assert_eq!(o.code, 0, "{}", o.stdout);
    for e in std::fs::read_dir(d).unwrap() {
        let name = e.unwrap().file_name().to_string_lossy().into_owned();
        assert!(!name.ends_with(".tmp"), "left behind: {name}");
    }
}

#[test]
fn secret_write_appends_creates_and_follows_symlinks() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // Appended to a file without the key (and without a final newline).
    std::fs::write(d.join(".env"), "A=1").unwrap();
    let o = run(d, &["secret", "--write"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let after = read(&d.join(".env"));
    assert!(after.starts_with("A=1\nRUSTAUTH_SECRET="), "{after}");
    assert!(o.stdout.contains("appended on line 2"), "{}", o.stdout);
    // Created when missing, at the given path, mode 0600.
    let o = run(
        d,
        &["secret", "--write", "other/secrets.env", "--format", "hex"],
    );
    assert_eq!(o.code, 0, "{}", o.stderr);
    let created = read(&d.join("other/secrets.env"));
    assert!(created.starts_with("RUSTAUTH_SECRET=") && created.len() == 16 + 64 + 1);
    #[cfg(unix)]
    assert_eq!(mode(&d.join("other/secrets.env")), 0o600);
    // Through a symlink: the target changes, the link stays a link.
    #[cfg(unix)]
    {
        let sub = d.join("linked");
        std::fs::create_dir(&sub).unwrap();
        std::fs::write(d.join("real.env"), "RUSTAUTH_SECRET=old\n").unwrap();
        std::os::unix::fs::symlink("../real.env", sub.join(".env")).unwrap();
        let o = run(&sub, &["secret", "--write"]);
        assert_eq!(o.code, 0, "{}", o.stderr);
        assert!(
            std::fs::symlink_metadata(sub.join(".env"))
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_ne!(read(&d.join("real.env")), "RUSTAUTH_SECRET=old\n");
        assert_eq!(mode(&d.join("real.env")), 0o600);
    }
    // The default file is the one beside the config.
    std::fs::create_dir(d.join("app")).unwrap();
    std::fs::write(
        d.join("app/rustauth.toml"),
        "[security]\nsecret_env = \"MY_APP_SECRET\"\n",
    )
    .unwrap();
    let o = run(d, &["--config", "app/rustauth.toml", "secret", "--write"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(read(&d.join("app/.env")).starts_with("MY_APP_SECRET="));
}

#[test]
fn secret_write_adds_a_version_to_a_rotation_list() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(
        d.join("rustauth.toml"),
        "[security]\nsecret_env = \"RUSTAUTH_SECRETS\"\n",
    )
    .unwrap();
    let old = good();
    std::fs::write(d.join(".env"), format!("RUSTAUTH_SECRETS=3:{old}\n")).unwrap();
    let o = run(d, &["secret", "--write"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let text = read(&d.join(".env"));
    let value = text.trim_end().strip_prefix("RUSTAUTH_SECRETS=").unwrap();
    let (current, rest) = value.split_once(',').unwrap();
    assert!(current.starts_with("4:"), "{value}");
    assert_eq!(rest, format!("3:{old}"));
    let o = run(d, &["secret", "--check-env", "--production"]);
    assert_eq!(o.code, 0, "{}", o.stdout);
    // A malformed list is not touched.
    std::fs::write(d.join(".env"), "RUSTAUTH_SECRETS=no-version\n").unwrap();
    let o = run(d, &["secret", "--write"]);
    assert_eq!(o.code, 1);
    assert_eq!(read(&d.join(".env")), "RUSTAUTH_SECRETS=no-version\n");
    assert!(!o.stderr.contains("no-version"), "{}", o.stderr);
}

#[test]
fn secret_write_conflicts_with_raw_and_checks() {
    let dir = tempfile::tempdir().unwrap();
    for args in [
        &["secret", "--write", "--raw"][..],
        &["secret", "--write", "--check-env"][..],
    ] {
        let o = run(dir.path(), args);
        assert_eq!(o.code, 2, "{args:?}: {}", o.stderr);
    }
    assert!(!dir.path().join(".env").exists());
}
