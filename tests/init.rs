//! `rustauth init`: by flags in an empty folder, merging into existing env files,
//! refusing to overwrite rustauth.toml, file modes, and the interactive prompts driven
//! through a real pseudo-terminal.

mod common;

use std::path::Path;

use common::{run_cmd, rustauth_in};
use rustauth::config;
use rustauth::model::Dialect as Provider;
use rustauth::schema::plugins::REGISTRY;
use rustauth::secret;

fn read(dir: &Path, name: &str) -> String {
    std::fs::read_to_string(dir.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// The value of `key` as a dotenv parser reads the file.
fn env_value(dir: &Path, name: &str, key: &str) -> Option<String> {
    dotenvy::from_path_iter(dir.join(name))
        .unwrap()
        .map(Result::unwrap)
        .find(|(k, _)| k == key)
        .map(|(_, v)| v)
}

/// How many times `key` is defined in an env file (however it is written).
fn definitions(text: &str, key: &str) -> usize {
    text.lines()
        .map(|l| l.trim_start().trim_start_matches("export "))
        .filter(|l| {
            l.strip_prefix(key)
                .is_some_and(|r| r.trim_start().starts_with('='))
        })
        .count()
}

#[cfg(unix)]
fn mode(dir: &Path, name: &str) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(dir.join(name))
        .unwrap()
        .permissions()
        .mode()
        & 0o777
}

/// No `.name.rustauth-PID.tmp` is left behind.
fn no_temporary_files(dir: &Path) {
    for e in std::fs::read_dir(dir).unwrap() {
        let name = e.unwrap().file_name().to_string_lossy().into_owned();
        assert!(!name.ends_with(".tmp"), "left behind: {name}");
    }
}

fn loads(dir: &Path) -> config::Config {
    config::parse_str(&read(dir, "rustauth.toml"), "rustauth.toml", None)
        .expect("rustauth.toml loads with rustauth's own loader")
}

#[test]
fn by_flags_in_an_empty_folder() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let url = "postgres://app:pa55word@db.internal:5432/app";
    let o = run_cmd(rustauth_in(d).args([
        "init",
        "--framework",
        "actix-web",
        "--provider",
        "postgres",
        "--database-url",
        url,
        "--plugins",
        "two-factor,organization",
        "--seed-secrets",
    ]));
    assert_eq!(o.code, 0, "{}{}", o.stdout, o.stderr);
    // No terminal: the choices are printed, nothing was asked.
    assert!(o.stdout.contains("framework: actix-web\n"), "{}", o.stdout);
    assert!(o.stdout.contains("adapter: sqlx (default)\n"));
    assert!(o.stdout.contains("provider: postgres\n"));
    assert!(o.stdout.contains("plugins: two-factor, organization\n"));
    assert!(o.stdout.contains("rustauth migrate"), "next steps");
    // The password of the URL is not printed.
    assert!(
        o.stdout.contains("postgres://***:***@db.internal:5432/app"),
        "{}",
        o.stdout
    );
    assert!(!o.stdout.contains("pa55word") && !o.stderr.contains("pa55word"));

    let c = loads(d);
    assert_eq!(c.project.framework.as_deref(), Some("actix-web"));
    assert_eq!(
        c.database
            .adapter
            .map(rustauth::config::adapter::Adapter::name),
        Some("sqlx")
    );
    assert_eq!(c.database.provider, Some(Provider::Postgres));
    assert_eq!(c.database.url_env, "DATABASE_URL");
    assert_eq!(c.security.secret_env, "RUSTAUTH_SECRET");
    assert_eq!(c.plugins.enabled, ["two-factor", "organization"]);

    // .env.example: placeholders only.
    let example = read(d, ".env.example");
    assert_eq!(
        env_value(d, ".env.example", "DATABASE_URL").unwrap(),
        "postgres://USER:PASSWORD@localhost:5432/DATABASE"
    );
    assert_eq!(
        env_value(d, ".env.example", "RUSTAUTH_SECRET").unwrap(),
        secret::INIT_PLACEHOLDER
    );
    assert!(!example.contains("pa55word"));

    // .env: the real URL and a fresh secret that passes the production check.
    assert_eq!(env_value(d, ".env", "DATABASE_URL").unwrap(), url);
    let s = env_value(d, ".env", "RUSTAUTH_SECRET").unwrap();
    assert!(secret::check(&s, true).is_empty());
    assert!(!o.stdout.contains(&s), "the secret is not printed");
    #[cfg(unix)]
    {
        assert_eq!(mode(d, ".env"), 0o600);
        assert_eq!(mode(d, ".env.example") & 0o044, 0o044, "readable example");
    }
    no_temporary_files(d);

    // The written config works with the other commands.
    let o = run_cmd(rustauth_in(d).args(["schema", "print"]));
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(o.stdout.contains("create table \"twoFactor\""));
    assert!(o.stdout.contains("create table \"organization\""));
    assert!(
        o.stdout.contains("timestamptz"),
        "postgres dialect from the config"
    );
    let o = run_cmd(rustauth_in(d).args(["secret", "--check-env", "--production"]));
    assert_eq!(o.code, 0, "{}", o.stdout);
}

#[test]
fn defaults_without_flags_or_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let o = run_cmd(rustauth_in(d).arg("init"));
    assert_eq!(o.code, 0, "{}", o.stderr);
    for line in [
        "framework: axum (default)",
        "provider: sqlite (default)",
        "database URL: sqlite://auth.db (default)",
        "plugins: none (default)",
    ] {
        assert!(o.stdout.contains(line), "{line}: {}", o.stdout);
    }
    let c = loads(d);
    assert_eq!(c.database.provider, Some(Provider::Sqlite));
    assert!(c.plugins.enabled.is_empty());
    assert_eq!(
        env_value(d, ".env", "DATABASE_URL").unwrap(),
        "sqlite://auth.db"
    );
    // Not seeded: the placeholder, which the secret check refuses, and a next step says so.
    assert_eq!(
        env_value(d, ".env", "RUSTAUTH_SECRET").unwrap(),
        secret::INIT_PLACEHOLDER
    );
    assert!(
        o.stdout.contains(
            "replace the placeholder RUSTAUTH_SECRET in .env: `rustauth secret --write` puts a fresh secret in its place"
        ),
        "{}",
        o.stdout
    );
    let o = run_cmd(rustauth_in(d).args(["secret", "--check-env"]));
    assert_eq!(o.code, 3);
    let o = run_cmd(rustauth_in(d).args(["schema", "print"]));
    assert_eq!(o.code, 0, "{}", o.stderr);

    // The next step as printed: the placeholder is replaced where it stands, nothing else
    // of .env changes, and the check passes.
    let before = read(d, ".env");
    let o = run_cmd(rustauth_in(d).args(["secret", "--write"]));
    assert_eq!(o.code, 0, "{}", o.stderr);
    let after = read(d, ".env");
    let fresh = env_value(d, ".env", "RUSTAUTH_SECRET").unwrap();
    assert_eq!(after, before.replace(secret::INIT_PLACEHOLDER, &fresh));
    assert_eq!(definitions(&after, "RUSTAUTH_SECRET"), 1);
    assert!(!o.stdout.contains(&fresh) && !o.stderr.contains(&fresh));
    let o = run_cmd(rustauth_in(d).args(["secret", "--check-env", "--production"]));
    assert_eq!(o.code, 0, "{}", o.stdout);
    no_temporary_files(d);
}

#[test]
fn merges_into_an_existing_env_without_changing_values() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // Every way of writing a key, comments, blank lines, no final newline.
    let existing = "# my settings\n\nexport DATABASE_URL = \"postgres://keep me@localhost/app\"\n  OTHER='two words' # note\nMULTI=\"line one\nRUSTAUTH_SECRET=inside a quoted value\"\n\n# end";
    std::fs::write(d.join(".env"), existing).unwrap();
    let example = "# team example\nSTRIPE_KEY=sk_test_placeholder\n";
    std::fs::write(d.join(".env.example"), example).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(d.join(".env"), std::fs::Permissions::from_mode(0o644)).unwrap();
    }

    let o =
        run_cmd(rustauth_in(d).args(["init", "--yes", "--seed-secrets", "--provider", "mysql"]));
    assert_eq!(o.code, 0, "{}", o.stderr);
    let env = read(d, ".env");
    assert!(env.starts_with(existing), "existing bytes kept:\n{env}");
    assert_eq!(definitions(&env, "DATABASE_URL"), 1, "{env}");
    assert_eq!(
        env_value(d, ".env", "DATABASE_URL").unwrap(),
        "postgres://keep me@localhost/app"
    );
    assert_eq!(env_value(d, ".env", "OTHER").unwrap(), "two words");
    // The key inside MULTI's quoted value did not count: a fresh secret was added.
    let s = env_value(d, ".env", "RUSTAUTH_SECRET").unwrap();
    assert!(secret::check(&s, true).is_empty(), "fresh secret");
    assert!(
        o.stdout.contains("kept DATABASE_URL as it was"),
        "{}",
        o.stdout
    );
    assert!(o.stdout.contains("added RUSTAUTH_SECRET (a fresh secret)"));
    #[cfg(unix)]
    assert_eq!(mode(d, ".env"), 0o600);

    // .env.example: the team's keys kept, ours merged in.
    let ex = read(d, ".env.example");
    assert!(ex.starts_with(example), "{ex}");
    assert_eq!(
        env_value(d, ".env.example", "DATABASE_URL").unwrap(),
        "mysql://USER:PASSWORD@localhost:3306/DATABASE"
    );

    // A second run (forced) changes no value and adds nothing.
    let before = read(d, ".env");
    let o = run_cmd(rustauth_in(d).args(["init", "--yes", "--seed-secrets", "--force"]));
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert_eq!(read(d, ".env"), before);
    assert!(o.stdout.contains("nothing to add"), "{}", o.stdout);
    assert_eq!(read(d, ".env.example"), ex);
}

#[test]
fn an_existing_secret_is_kept_however_it_is_written() {
    for line in [
        "RUSTAUTH_SECRET=mine",
        "export RUSTAUTH_SECRET=mine",
        "RUSTAUTH_SECRET = mine",
        "RUSTAUTH_SECRET=\"mine\"",
        "  RUSTAUTH_SECRET='mine' # comment",
    ] {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let existing = format!("{line}\n");
        std::fs::write(d.join(".env"), &existing).unwrap();
        let o = run_cmd(rustauth_in(d).args(["init", "--seed-secrets"]));
        assert_eq!(o.code, 0, "{line}: {}", o.stderr);
        let env = read(d, ".env");
        assert!(env.starts_with(&existing));
        assert_eq!(definitions(&env, "RUSTAUTH_SECRET"), 1, "{line}:\n{env}");
        assert_eq!(env_value(d, ".env", "RUSTAUTH_SECRET").unwrap(), "mine");
        assert_eq!(definitions(&env, "DATABASE_URL"), 1, "{line}:\n{env}");
    }
}

#[test]
fn refuses_to_overwrite_the_config_without_force() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let mine = "# mine\n[project]\nproduction = true\n";
    std::fs::write(d.join("rustauth.toml"), mine).unwrap();
    let o = run_cmd(rustauth_in(d).args(["init", "--yes", "--seed-secrets"]));
    assert_eq!(o.code, 1);
    assert!(o.stderr.starts_with("error: "), "{}", o.stderr);
    assert!(o.stderr.contains("already exists") && o.stderr.contains("--force"));
    assert_eq!(
        o.stderr
            .lines()
            .filter(|l| !l.starts_with("help: "))
            .count(),
        1
    );
    assert_eq!(read(d, "rustauth.toml"), mine);
    assert!(!d.join(".env").exists() && !d.join(".env.example").exists());

    let o = run_cmd(rustauth_in(d).args(["init", "--yes", "--force", "--plugins", "username"]));
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert_eq!(loads(d).plugins.enabled, ["username"]);
}

#[test]
fn env_file_flags_replace_dotenv() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join(".env.local"), "DATABASE_URL=sqlite://other.db\n").unwrap();
    let o = run_cmd(rustauth_in(d).args([
        "init",
        "--seed-secrets",
        "--env-file",
        ".env.local",
        "--env-file",
        "deploy/.env.staging",
    ]));
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(!d.join(".env").exists(), ".env is not written");
    assert_eq!(
        env_value(d, ".env.local", "DATABASE_URL").unwrap(),
        "sqlite://other.db"
    );
    let a = env_value(d, ".env.local", "RUSTAUTH_SECRET").unwrap();
    let b = env_value(d, "deploy/.env.staging", "RUSTAUTH_SECRET").unwrap();
    assert!(secret::check(&a, true).is_empty() && secret::check(&b, true).is_empty());
    assert_ne!(a, b, "each file gets its own secret");
    #[cfg(unix)]
    {
        assert_eq!(mode(d, ".env.local"), 0o600);
        assert_eq!(mode(d, "deploy/.env.staging"), 0o600);
    }
    // A new file is created from the example: its comments and keys.
    let staging = read(d, "deploy/.env.staging");
    assert!(
        staging.contains("# The database connection URL"),
        "{staging}"
    );
}

#[test]
fn bad_flags_write_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let o = run_cmd(rustauth_in(d).args(["init", "--plugins", "two-factor,two-facter"]));
    assert_eq!(o.code, 1);
    assert!(
        o.stderr
            .contains("unknown plugin id `two-facter` (did you mean `two-factor`?)")
    );
    assert!(o.stderr.contains("valid plugin ids: additional-fields"));
    // A flag's listed values are checked by the command line (exit 2, as everywhere).
    let o = run_cmd(rustauth_in(d).args(["init", "--adapter", "sqlxx"]));
    assert_eq!(o.code, 2);
    assert!(
        o.stderr.contains("a similar value exists: 'sqlx'"),
        "{}",
        o.stderr
    );
    let o = run_cmd(rustauth_in(d).args(["init", "--provider", "oracle"]));
    assert_eq!(o.code, 2);
    assert_eq!(std::fs::read_dir(d).unwrap().count(), 0, "nothing written");
}

#[test]
fn plugins_that_need_another_get_it_first() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let o = run_cmd(rustauth_in(d).args(["init", "--plugins", "oauth-provider"]));
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(o.stdout.contains("oauth-provider needs jwt"));
    assert_eq!(loads(d).plugins.enabled, ["jwt", "oauth-provider"]);
    let o = run_cmd(rustauth_in(d).args(["schema", "print"]));
    assert_eq!(o.code, 0, "{}", o.stderr);
}

/// The prompts, answered through a real pseudo-terminal: axum (default), postgres, a URL,
/// two plugins from the multi-select, and yes to seeding a secret.
#[cfg(unix)]
#[test]
fn interactive_init_through_a_pseudo_terminal() {
    use rexpect::process::WaitStatus;
    use rexpect::session::spawn_command;

    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let mut cmd = common::process();
    cmd.current_dir(d).arg("init").env("TERM", "xterm");
    // Every expectation gives up after 20 s: a broken prompt fails, it does not hang.
    let mut p = spawn_command(cmd, Some(20_000)).expect("spawn in a pty");
    p.process_mut().set_kill_timeout(Some(2_000));

    // One key at a time, as a person types.
    let keys = |p: &mut rexpect::session::PtySession, keys: &str| {
        for k in keys.chars() {
            p.send(&k.to_string()).unwrap();
            p.flush().unwrap();
            std::thread::sleep(std::time::Duration::from_millis(15));
        }
    };

    p.exp_string("Web framework").unwrap();
    keys(&mut p, "\r"); // axum, the first item
    p.exp_string("Database").unwrap();
    keys(&mut p, "j\r"); // sqlite -> postgres
    p.exp_string("Database URL").unwrap();
    // A URL the CLI could not use (an unencoded `#` in the password) is refused at the
    // prompt, with what to do and without the text; then a good one with a password.
    keys(&mut p, "postgres://tty:bad#Pw77@localhost:5432/ttydb\r");
    p.exp_string("percent-encode it as %23").unwrap();
    let url = "postgres://tty:TtyPw4417%40x@localhost:5432/ttydb";
    // The default is offered, not pre-typed: typing replaces it.
    keys(&mut p, url);
    keys(&mut p, "\r");
    // Once entered, the line shows the URL with its password masked.
    p.exp_string("Database URL (goes to .env): postgres://***:***@localhost:5432/ttydb")
        .unwrap();
    let after = p.exp_string("Plugins").unwrap();
    assert!(!after.contains("TtyPw4417"), "{after:?}");
    let org = REGISTRY
        .iter()
        .position(|s| s.id == "organization")
        .unwrap();
    let tf = REGISTRY.iter().position(|s| s.id == "two-factor").unwrap();
    assert!(tf > org);
    keys(&mut p, &"j".repeat(org));
    keys(&mut p, " ");
    keys(&mut p, &"j".repeat(tf - org));
    keys(&mut p, " \r");
    p.exp_string("Put a fresh secret").unwrap();
    keys(&mut p, "y");
    // A confirmation needs Enter: a lone `y` writes nothing yet.
    std::thread::sleep(std::time::Duration::from_millis(400));
    assert!(!d.join("rustauth.toml").exists(), "confirmed without Enter");
    keys(&mut p, "\r");
    p.exp_string("Next steps").unwrap();
    let rest = p.exp_eof().unwrap();
    assert!(!rest.contains("TtyPw4417"), "{rest:?}");
    match p.process().wait().unwrap() {
        WaitStatus::Exited(_, code) => assert_eq!(code, 0),
        other => panic!("init did not exit: {other:?}"),
    }

    let c = loads(d);
    assert_eq!(c.project.framework.as_deref(), Some("axum"));
    assert_eq!(c.database.provider, Some(Provider::Postgres));
    assert_eq!(c.plugins.enabled, ["organization", "two-factor"]);
    assert_eq!(env_value(d, ".env", "DATABASE_URL").unwrap(), url);
    let s = env_value(d, ".env", "RUSTAUTH_SECRET").unwrap();
    assert!(secret::check(&s, true).is_empty(), "seeded");
    assert_eq!(mode(d, ".env"), 0o600);
    assert_eq!(
        env_value(d, ".env.example", "RUSTAUTH_SECRET").unwrap(),
        secret::INIT_PLACEHOLDER
    );
    let o = run_cmd(rustauth_in(d).args(["schema", "print"]));
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(o.stdout.contains("create table \"twoFactor\""));
}

#[test]
fn writes_the_better_auth_line() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let o = run_cmd(rustauth_in(d).args(["init"]));
    assert_eq!(o.code, 0, "{}{}", o.stdout, o.stderr);
    assert!(read(d, "rustauth.toml").contains("better_auth = \"1.7\""));
    assert_eq!(loads(d).project.better_auth, rustauth::model::Line::V1_7);

    let o = run_cmd(rustauth_in(d).args([
        "init",
        "--force",
        "--better-auth",
        "1.6",
        "--plugins",
        "oidc-provider",
    ]));
    assert_eq!(o.code, 0, "{}{}", o.stdout, o.stderr);
    let c = loads(d);
    assert_eq!(c.project.better_auth, rustauth::model::Line::V1_6);
    assert_eq!(c.plugins.enabled, ["oidc-provider"]);

    // A plugin the line lacks is refused before anything is written.
    let before = read(d, "rustauth.toml");
    let o = run_cmd(rustauth_in(d).args(["init", "--force", "--plugins", "oidc-provider"]));
    assert_eq!(o.code, 1, "{}{}", o.stdout, o.stderr);
    assert!(
        o.stderr
            .contains("`oidc-provider` (not a plugin of Better Auth 1.7)"),
        "{}",
        o.stderr
    );
    assert_eq!(read(d, "rustauth.toml"), before);
}

/// Esc at a prompt cancels, Ctrl-C too; either way init exits 1, writes nothing and shows
/// the cursor again (`ESC [?25h`) after the select prompt hid it.
#[cfg(unix)]
#[test]
fn esc_and_ctrl_c_cancel_and_restore_the_cursor() {
    use rexpect::process::WaitStatus;
    use rexpect::session::spawn_command;
    for (key, what) in [("\x1b", "Esc"), ("\x03", "Ctrl-C")] {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let mut cmd = common::process();
        cmd.current_dir(d).arg("init").env("TERM", "xterm");
        let mut p = spawn_command(cmd, Some(20_000)).expect("spawn in a pty");
        p.process_mut().set_kill_timeout(Some(2_000));
        let shown = p.exp_string("Web framework").unwrap();
        std::thread::sleep(std::time::Duration::from_millis(200));
        p.send(key).unwrap();
        p.flush().unwrap();
        let rest = p.exp_eof().unwrap();
        let all = format!("{shown}{rest}");
        assert!(
            rest.contains("init cancelled: nothing was written"),
            "{what}: {all:?}"
        );
        let hidden = all
            .rfind("\x1b[?25l")
            .expect("the select prompt hides the cursor");
        let restored = all.rfind("\x1b[?25h").unwrap_or(0);
        assert!(
            restored > hidden,
            "{what}: the cursor stays hidden: {all:?}"
        );
        match p.process().wait().unwrap() {
            WaitStatus::Exited(_, code) => assert_eq!(code, 1, "{what}"),
            other => panic!("{what}: init did not exit: {other:?}"),
        }
        assert!(
            std::fs::read_dir(d).unwrap().next().is_none(),
            "{what}: wrote files"
        );
    }
}

/// The provider follows the URL; a provider and URL that disagree, or a URL that does not
/// parse, are errors that write nothing; --force rewrites the URL in .env; a fresh project
/// has `project.base_url`, and doctor's base_url check passes.
#[test]
fn the_provider_follows_the_url_and_force_rewrites_it() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let pg = "postgres://app:Secr3tPw@localhost:5432/app";
    let o = run_cmd(
        rustauth_in(d)
            .args(["init", "--yes"])
            .env("DATABASE_URL", pg),
    );
    assert_eq!(o.code, 0, "{}{}", o.stdout, o.stderr);
    assert!(!o.stdout.contains("Secr3tPw") && !o.stderr.contains("Secr3tPw"));
    assert_eq!(loads(d).database.provider, Some(Provider::Postgres));
    assert_eq!(env_value(d, ".env", "DATABASE_URL").unwrap(), pg);
    assert_eq!(
        loads(d).project.base_url.as_deref(),
        Some("http://localhost:3000")
    );
    let o = run_cmd(rustauth_in(d).args(["doctor", "--json"]));
    let v: serde_json::Value = serde_json::from_str(&o.stdout).unwrap();
    let base = v["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "base_url")
        .unwrap();
    assert_eq!(base["status"], "ok", "{base}");

    let before = read(d, "rustauth.toml");
    let env_before = read(d, ".env");
    for (args, needle) in [
        (
            vec![
                "--provider",
                "postgres",
                "--database-url",
                "mysql://root@localhost/x",
            ],
            "--provider postgres disagrees with --database-url, a mysql URL",
        ),
        (
            vec!["--database-url", "garbage"],
            "--database-url: unparseable",
        ),
    ] {
        let mut all = vec!["init", "--yes", "--force"];
        all.extend(args);
        let o = run_cmd(rustauth_in(d).args(&all));
        assert_eq!(o.code, 1, "{all:?}: {}{}", o.stdout, o.stderr);
        assert!(
            o.stderr.starts_with("error: ") && o.stderr.contains(needle),
            "{}",
            o.stderr
        );
        assert_eq!(o.stderr.lines().count(), 1, "{}", o.stderr);
        assert_eq!(
            read(d, "rustauth.toml"),
            before,
            "{all:?} changed the config"
        );
        assert_eq!(read(d, ".env"), env_before, "{all:?} changed .env");
    }
    let o = run_cmd(
        rustauth_in(d)
            .args(["init", "--yes"])
            .env("DATABASE_URL", pg)
            .args(["--force", "--provider", "mysql"]),
    );
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert!(
        o.stderr.contains("disagrees with $DATABASE_URL"),
        "{}",
        o.stderr
    );

    // The URL .env holds: the provider follows it; another --provider is refused without
    // --force (nothing written), and replaces it with --force.
    let o = run_cmd(rustauth_in(d).args(["init", "--yes", "--force"]));
    assert_eq!(o.code, 0, "{}{}", o.stdout, o.stderr);
    assert_eq!(loads(d).database.provider, Some(Provider::Postgres));
    assert_eq!(env_value(d, ".env", "DATABASE_URL").unwrap(), pg);
    let dir2 = tempfile::tempdir().unwrap();
    let d2 = dir2.path();
    std::fs::write(d2.join(".env"), format!("DATABASE_URL={pg}\n")).unwrap();
    let o = run_cmd(rustauth_in(d2).args(["init", "--yes", "--provider", "mysql"]));
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert!(
        o.stderr
            .contains("holds a postgres DATABASE_URL and --provider is mysql"),
        "{}",
        o.stderr
    );
    assert!(!o.stderr.contains("Secr3tPw"));
    assert!(!d2.join("rustauth.toml").exists());
    assert_eq!(read(d2, ".env"), format!("DATABASE_URL={pg}\n"));

    // --force with another provider: the config and the URL in .env follow.
    let o = run_cmd(rustauth_in(d).args(["init", "--yes", "--force", "--provider", "mysql"]));
    assert_eq!(o.code, 0, "{}{}", o.stdout, o.stderr);
    assert!(o.stdout.contains("replaced DATABASE_URL"), "{}", o.stdout);
    assert_eq!(loads(d).database.provider, Some(Provider::Mysql));
    assert_eq!(
        env_value(d, ".env", "DATABASE_URL").unwrap(),
        "mysql://root@localhost:3306/rustauth"
    );
    assert_eq!(definitions(&read(d, ".env"), "DATABASE_URL"), 1);
}

/// Every file under `dir` with its contents, to show that nothing was written.
fn snapshot(dir: &Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                todo.push(p);
            } else {
                let rel = p.strip_prefix(dir).unwrap().display().to_string();
                out.push((rel, std::fs::read_to_string(&p).unwrap()));
            }
        }
    }
    out.sort();
    out
}

/// `info --json`'s `database.provider` and doctor's `database_url` check, run as the next
/// command would be (`args` before the command: `--config …`).
fn next_command_view(d: &Path, args: &[&str]) -> (serde_json::Value, serde_json::Value) {
    let info = run_cmd(rustauth_in(d).args(args).args(["info", "--json"]));
    assert_eq!(info.code, 0, "{}", info.both());
    let info: serde_json::Value = serde_json::from_str(&info.stdout).unwrap();
    let doctor = run_cmd(rustauth_in(d).args(args).args(["doctor", "--json"]));
    let doctor: serde_json::Value = serde_json::from_str(&doctor.stdout).unwrap();
    let check = doctor["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "database_url")
        .unwrap()
        .clone();
    (info["config"]["values"]["database.provider"].clone(), check)
}

/// init reads `DATABASE_URL` where every later command does (the config loader's sources
/// and order): from `.env.local` alone, from `.env.local` over `.env`, and from the
/// config's folder over `--cwd`; the provider it writes is the one `info` then shows and
/// doctor's `database_url` check accepts.
#[test]
fn the_provider_follows_a_url_in_env_local() {
    let pg = "postgres://app:L0calPw9@localhost:5432/app";
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join(".env.local"), format!("DATABASE_URL={pg}\n")).unwrap();
    let o = run_cmd(rustauth_in(d).args(["init", "--yes"]));
    assert_eq!(o.code, 0, "{}", o.both());
    assert!(o.stdout.contains("provider: postgres\n"), "{}", o.stdout);
    assert!(!o.both().contains("L0calPw9"), "{}", o.both());
    assert_eq!(loads(d).database.provider, Some(Provider::Postgres));
    // The password stays in `.env.local` (untouched): `.env`, which may be committed,
    // gets the example URL, which `.env.local` overrides.
    assert_eq!(
        env_value(d, ".env", "DATABASE_URL").unwrap(),
        "postgres://USER:PASSWORD@localhost:5432/DATABASE"
    );
    assert!(!read(d, ".env").contains("L0calPw9"), "{}", read(d, ".env"));
    assert_eq!(read(d, ".env.local"), format!("DATABASE_URL={pg}\n"));
    let (provider, check) = next_command_view(d, &[]);
    assert_eq!(provider, "postgres");
    assert_eq!(check["status"], "ok", "{check}");

    // `.env.local` wins over `.env`, which init merges into and keeps.
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join(".env.local"), format!("DATABASE_URL={pg}\n")).unwrap();
    let mysql = "mysql://root@localhost:3306/app";
    std::fs::write(d.join(".env"), format!("DATABASE_URL={mysql}\n")).unwrap();
    let o = run_cmd(rustauth_in(d).args(["init", "--yes"]));
    assert_eq!(o.code, 0, "{}", o.both());
    assert_eq!(loads(d).database.provider, Some(Provider::Postgres));
    assert_eq!(env_value(d, ".env", "DATABASE_URL").unwrap(), mysql);
    let (provider, check) = next_command_view(d, &[]);
    assert_eq!(provider, "postgres");
    assert_eq!(check["status"], "ok", "{check}");

    // `--config cfg/rustauth.toml`: `cfg/.env` is read before `--cwd`'s files.
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir(d.join("cfg")).unwrap();
    std::fs::write(d.join("cfg/.env"), format!("DATABASE_URL={mysql}\n")).unwrap();
    std::fs::write(d.join(".env.local"), format!("DATABASE_URL={pg}\n")).unwrap();
    let config = ["--config", "cfg/rustauth.toml"];
    let o = run_cmd(rustauth_in(d).args(config).args(["init", "--yes"]));
    assert_eq!(o.code, 0, "{}", o.both());
    assert!(o.stdout.contains("provider: mysql\n"), "{}", o.stdout);
    let (provider, check) = next_command_view(d, &config);
    assert_eq!(provider, "mysql");
    assert_eq!(check["status"], "ok", "{check}");
    assert!(!read(d, ".env").contains("root@"), "{}", read(d, ".env"));

    // An `--env-file` in the config's folder comes before `--cwd`'s `.env.local`: an
    // example URL there would hide the real one, so it gets the real one.
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir(d.join("cfg")).unwrap();
    std::fs::write(d.join(".env.local"), format!("DATABASE_URL={pg}\n")).unwrap();
    let o = run_cmd(
        rustauth_in(d)
            .args(config)
            .args(["init", "--yes", "--env-file", "cfg/.env"]),
    );
    assert_eq!(o.code, 0, "{}", o.both());
    assert_eq!(env_value(d, "cfg/.env", "DATABASE_URL").unwrap(), pg);
    let (provider, check) = next_command_view(d, &config);
    assert_eq!(provider, "postgres");
    assert_eq!(check["status"], "ok", "{check}");
}

/// When the URL every later command would read after init is of another provider than
/// the config init would write, init writes nothing and says what to change.
#[test]
fn init_writes_no_config_the_next_command_rejects() {
    let pg = "postgres://app:R3jectPw@localhost:5432/app";
    let mysql = "mysql://root@localhost:3306/app";
    /// (file, its URL, init's flags, $DATABASE_URL, the error's words)
    type Case<'a> = (&'a str, &'a str, &'a [&'a str], Option<&'a str>, &'a str);
    let cases: &[Case] = &[
        (
            ".env.local",
            pg,
            &["--provider", "mysql"],
            None,
            "--provider mysql disagrees with DATABASE_URL in ",
        ),
        (
            ".env.local",
            pg,
            &["--database-url", mysql],
            None,
            ".env.local holds a postgres DATABASE_URL, which every later command reads, and the config would say mysql: change it there, or pass a postgres --database-url",
        ),
        (
            ".env",
            pg,
            &["--database-url", mysql],
            None,
            ".env holds a postgres DATABASE_URL, which init keeps, and the config would say mysql: pass --force to replace it",
        ),
        (
            ".env.local",
            mysql,
            &["--database-url", mysql],
            Some(pg),
            "$DATABASE_URL is a postgres URL, which every later command reads before any env file, and the config would say mysql",
        ),
    ];
    for (file, url, flags, process, needle) in cases {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::write(d.join(file), format!("DATABASE_URL={url}\n")).unwrap();
        let before = snapshot(d);
        let mut cmd = rustauth_in(d);
        cmd.args(["init", "--yes"]).args(*flags);
        if let Some(v) = process {
            cmd.env("DATABASE_URL", v);
        }
        let o = run_cmd(&mut cmd);
        o.assert_one_line_error(&format!("{file} {flags:?}"));
        assert!(o.stderr.contains(needle), "{needle}\n{}", o.both());
        assert!(o.stderr.contains("nothing was written"), "{}", o.both());
        assert!(!o.both().contains("R3jectPw"), "{}", o.both());
        assert_eq!(snapshot(d), before, "{file} {flags:?}: wrote something");
    }

    // The kept URL with --force is replaced, and then the next command agrees.
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join(".env"), format!("DATABASE_URL={pg}\n")).unwrap();
    let o = run_cmd(rustauth_in(d).args(["init", "--yes", "--force", "--database-url", mysql]));
    assert_eq!(o.code, 0, "{}", o.both());
    assert_eq!(env_value(d, ".env", "DATABASE_URL").unwrap(), mysql);
    let (provider, check) = next_command_view(d, &[]);
    assert_eq!(provider, "mysql");
    assert_eq!(check["status"], "ok", "{check}");
}
