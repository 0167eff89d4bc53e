//! Local files under concurrent and hostile use, through the real binary run N times in
//! parallel: `plugins add` keeps every id, `generate` gives N plans N files with N names
//! (and one plan one file), `init` and `secret --write` never lose or double a line;
//! every write goes through symlinks; temporary files of a killed run are removed by the
//! next run, and none is left behind.

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use common::Run;

/// Starts `rustauth <args>` in `dir` (cleared environment) without waiting.
fn spawn(dir: &Path, args: &[&str]) -> Child {
    common::process()
        .current_dir(dir)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn rustauth")
}

/// Runs every command at once (all started before any is waited for).
fn in_parallel(dir: &Path, commands: &[Vec<String>]) -> Vec<Run> {
    let children: Vec<Child> = commands
        .iter()
        .map(|c| {
            let args: Vec<&str> = c.iter().map(String::as_str).collect();
            spawn(dir, &args)
        })
        .collect();
    children
        .into_iter()
        .map(|c| common::wait_run(c, Duration::from_secs(120)))
        .collect()
}

fn run(dir: &Path, args: &[&str]) -> Run {
    common::wait_run(spawn(dir, args), Duration::from_secs(120))
}

fn no_temporary_files(dir: &Path) {
    for e in std::fs::read_dir(dir).unwrap() {
        let name = e.unwrap().file_name().to_string_lossy().into_owned();
        assert!(
            !name.ends_with(".tmp"),
            "left behind in {}: {name}",
            dir.display()
        );
    }
}

fn enabled(dir: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(dir.join("rustauth.toml")).unwrap();
    rustauth::config::parse_str(&text, "rustauth.toml", None)
        .unwrap()
        .plugins
        .enabled
}

/// Fourteen `plugins add` of different ids at once: every one is in the file after.
#[test]
fn concurrent_plugins_add_keeps_every_id() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(
        d.join("rustauth.toml"),
        "# mine\n[database]\nadapter = \"sqlx\"\n\n[plugins]\nenabled = []\n",
    )
    .unwrap();
    let ids = [
        "username",
        "admin",
        "anonymous",
        "api-key",
        "bearer",
        "email-otp",
        "magic-link",
        "multi-session",
        "one-tap",
        "one-time-token",
        "passkey",
        "phone-number",
        "siwe",
        "two-factor",
    ];
    let commands: Vec<Vec<String>> = ids
        .iter()
        .map(|id| vec!["plugins".into(), "add".into(), id.to_string()])
        .collect();
    for r in in_parallel(d, &commands) {
        assert_eq!(r.code, 0, "{}", r.both());
        assert!(r.stdout.contains("enabled "), "{}", r.both());
    }
    let got: BTreeSet<String> = enabled(d).into_iter().collect();
    let want: BTreeSet<String> = ids.iter().map(std::string::ToString::to_string).collect();
    assert_eq!(got, want);
    assert!(
        std::fs::read_to_string(d.join("rustauth.toml"))
            .unwrap()
            .starts_with("# mine\n")
    );
    // And as many removes at once: none is left.
    let commands: Vec<Vec<String>> = ids
        .iter()
        .map(|id| vec!["plugins".into(), "remove".into(), id.to_string()])
        .collect();
    for r in in_parallel(d, &commands) {
        assert_eq!(r.code, 0, "{}", r.both());
    }
    assert!(enabled(d).is_empty());
    no_temporary_files(d);
}

/// The SQL `generate --dialect sqlite` writes for a config with `plugin` enabled.
fn plan_of(dir: &Path) -> String {
    let r = run(
        dir,
        &[
            "schema",
            "print",
            "--dialect",
            "sqlite",
            "--config",
            "rustauth.toml",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.both());
    r.stdout
}

/// Six different whole-schema plans (`--from-scratch`) into one folder at once: six files,
/// six names, each holding its plan; the same six again: nothing new (each is already
/// written).
#[test]
fn concurrent_generate_of_different_plans_gives_one_file_each() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("migrations");
    let plugins = [
        "username",
        "admin",
        "anonymous",
        "api-key",
        "bearer",
        "two-factor",
    ];
    let mut configs: Vec<PathBuf> = Vec::new();
    for p in plugins {
        let c = dir.path().join(p);
        std::fs::create_dir(&c).unwrap();
        std::fs::write(
            c.join("rustauth.toml"),
            format!("[database]\nadapter = \"sqlx\"\n[plugins]\nenabled = [\"{p}\"]\n"),
        )
        .unwrap();
        configs.push(c);
    }
    let generate = |c: &Path| -> Child {
        spawn(
            c,
            &[
                "generate",
                "--dialect",
                "sqlite",
                "--from-scratch",
                "--output-dir",
                out.to_str().unwrap(),
            ],
        )
    };
    for round in 0..2 {
        let children: Vec<Child> = configs.iter().map(|c| generate(c)).collect();
        let runs: Vec<Run> = children
            .into_iter()
            .map(|c| common::wait_run(c, Duration::from_secs(120)))
            .collect();
        let mut reported = BTreeSet::new();
        for r in &runs {
            assert_eq!(r.code, 0, "{}", r.both());
            if round == 0 {
                let name = r
                    .stdout
                    .trim()
                    .strip_prefix("Schema written to ")
                    .unwrap_or_else(|| panic!("{}", r.both()))
                    .to_string();
                assert!(reported.insert(name.clone()), "{name} reported twice");
            } else {
                assert!(r.stdout.contains("already written"), "{}", r.both());
            }
        }
        let files: Vec<PathBuf> = std::fs::read_dir(&out)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "sql"))
            .collect();
        assert_eq!(files.len(), plugins.len(), "{files:?}");
        // Each with its snapshot.
        for f in &files {
            assert!(f.with_extension("json").is_file(), "{f:?} has no snapshot");
        }
        if round == 0 {
            let on_disk: BTreeSet<String> = files.iter().map(|f| f.display().to_string()).collect();
            assert_eq!(on_disk, reported);
        }
    }
    // Each file holds one of the plans, and every plan is there.
    let mut bodies: BTreeSet<String> = BTreeSet::new();
    for f in std::fs::read_dir(&out).unwrap() {
        let path = f.unwrap().path();
        if path.extension().is_some_and(|e| e == "json") {
            continue;
        }
        let text = std::fs::read_to_string(path).unwrap();
        let (header, body) = text.split_once('\n').unwrap();
        let body = body.strip_suffix('\n').unwrap();
        assert_eq!(
            header,
            format!("{}{}", common::PLAN_HEADER, common::sha256_hex(body))
        );
        bodies.insert(body.to_string());
    }
    let plans: BTreeSet<String> = configs
        .iter()
        .map(|c| plan_of(c).trim_end_matches('\n').to_string())
        .collect();
    assert_eq!(bodies, plans);
    no_temporary_files(&out);
}

/// The same plan six times at once: one file (and its snapshot), and five runs that find
/// the schema up to date with it.
#[test]
fn concurrent_generate_of_one_plan_writes_it_once() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("rustauth.toml"), "[database]\nadapter = \"sqlx\"\n").unwrap();
    let commands: Vec<Vec<String>> = (0..6)
        .map(|_| {
            ["generate", "--dialect", "postgres", "--output-dir", "m"]
                .iter()
                .map(std::string::ToString::to_string)
                .collect()
        })
        .collect();
    let runs = in_parallel(d, &commands);
    let written = runs
        .iter()
        .filter(|r| r.stdout.contains("Schema written"))
        .count();
    let already = runs
        .iter()
        .filter(|r| r.stdout.contains("Your schema is already up to date."))
        .count();
    assert!(runs.iter().all(|r| r.code == 0), "{runs:?}");
    assert_eq!((written, already), (1, 5), "{runs:?}");
    assert_eq!(std::fs::read_dir(d.join("m")).unwrap().count(), 2);
}

/// A name taken by someone else (a file that is no rustauth plan) moves the new plan to
/// the next version; nothing is overwritten.
#[test]
fn generate_never_takes_an_existing_name() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let m = d.join("m");
    std::fs::create_dir(&m).unwrap();
    // Far in the future: the next version is one past it.
    std::fs::write(m.join("99990101000000_theirs.sql"), "-- not ours\n").unwrap();
    std::fs::write(
        m.join("99990101000001_rustauth_init.sql"),
        "-- not ours either\n",
    )
    .unwrap();
    let r = run(
        d,
        &[
            "generate",
            "--adapter",
            "sqlx",
            "--dialect",
            "sqlite",
            "--output-dir",
            "m",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.both());
    assert!(
        r.stdout.contains("99990101000002_rustauth_init.sql"),
        "{}",
        r.both()
    );
    assert_eq!(
        std::fs::read_to_string(m.join("99990101000001_rustauth_init.sql")).unwrap(),
        "-- not ours either\n"
    );
}

/// Four `init` at once in one folder: one writes, the others refuse; each key is in .env
/// once.
#[test]
fn concurrent_init_writes_once() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let commands: Vec<Vec<String>> = (0..4)
        .map(|_| vec!["init".into(), "--yes".into(), "--seed-secrets".into()])
        .collect();
    let runs = in_parallel(d, &commands);
    let ok = runs.iter().filter(|r| r.code == 0).count();
    assert_eq!(ok, 1, "{runs:?}");
    for r in runs.iter().filter(|r| r.code != 0) {
        assert_eq!(r.code, 1);
        assert!(r.stderr.contains("already exists"), "{}", r.both());
    }
    let env = std::fs::read_to_string(d.join(".env")).unwrap();
    for key in ["DATABASE_URL", "RUSTAUTH_SECRET"] {
        let n = rustauth::config::dotenv::scan(&env).of(key).count();
        assert_eq!(n, 1, "{key}:\n{env}");
    }
    no_temporary_files(d);
}

/// Eight `secret --write` at once: `.env` still holds the key once, the other lines as
/// they were, and the value is one of the eight.
#[test]
fn concurrent_secret_write_keeps_the_file_whole() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let before = "A=1\nRUSTAUTH_SECRET=old\nB='two words'\n";
    std::fs::write(d.join(".env"), before).unwrap();
    let commands: Vec<Vec<String>> = (0..8)
        .map(|_| vec!["secret".into(), "--write".into()])
        .collect();
    for r in in_parallel(d, &commands) {
        assert_eq!(r.code, 0, "{}", r.both());
    }
    let after = std::fs::read_to_string(d.join(".env")).unwrap();
    let scan = rustauth::config::dotenv::scan(&after);
    assert_eq!(scan.of("RUSTAUTH_SECRET").count(), 1, "{after}");
    let value = &scan.of("RUSTAUTH_SECRET").next().unwrap().value;
    assert_eq!(after, before.replace("=old", &format!("={value}")));
    no_temporary_files(d);
}

/// `generate --output <symlink> --yes` writes the link's target; the link stays.
#[cfg(unix)]
#[test]
fn generate_writes_through_a_symlink() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir(d.join("real")).unwrap();
    std::fs::write(d.join("real/auth.sql"), "old\n").unwrap();
    std::os::unix::fs::symlink("real/auth.sql", d.join("auth.sql")).unwrap();
    let r = run(
        d,
        &[
            "generate",
            "--adapter",
            "sqlx",
            "--dialect",
            "sqlite",
            "--output",
            "auth.sql",
            "--yes",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.both());
    assert!(
        std::fs::symlink_metadata(d.join("auth.sql"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
    let text = std::fs::read_to_string(d.join("real/auth.sql")).unwrap();
    assert!(text.starts_with(common::PLAN_HEADER), "{text}");
    // A dangling link: its target is created, the link kept.
    std::os::unix::fs::symlink("real/new.sql", d.join("new.sql")).unwrap();
    let r = run(
        d,
        &[
            "generate",
            "--adapter",
            "sqlx",
            "--dialect",
            "sqlite",
            "--output",
            "new.sql",
            "--yes",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.both());
    assert!(
        std::fs::symlink_metadata(d.join("new.sql"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert!(d.join("real/new.sql").is_file());
    no_temporary_files(d);
    no_temporary_files(&d.join("real"));
}

/// `init` and `plugins add` write through symlinked files too.
#[cfg(unix)]
#[test]
fn init_and_plugins_write_through_symlinks() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let shared = d.join("shared");
    let app = d.join("app");
    std::fs::create_dir(&shared).unwrap();
    std::fs::create_dir(&app).unwrap();
    std::fs::write(shared.join("env"), "KEEP=1\n").unwrap();
    std::os::unix::fs::symlink("../shared/env", app.join(".env")).unwrap();
    let r = run(&app, &["init", "--yes"]);
    assert_eq!(r.code, 0, "{}", r.both());
    assert!(
        std::fs::symlink_metadata(app.join(".env"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
    let env = std::fs::read_to_string(shared.join("env")).unwrap();
    assert!(
        env.starts_with("KEEP=1\n") && env.contains("RUSTAUTH_SECRET="),
        "{env}"
    );
    // The config moved behind a link: plugins add edits the target.
    std::fs::rename(app.join("rustauth.toml"), shared.join("rustauth.toml")).unwrap();
    std::os::unix::fs::symlink("../shared/rustauth.toml", app.join("rustauth.toml")).unwrap();
    let r = run(&app, &["plugins", "add", "username"]);
    assert_eq!(r.code, 0, "{}", r.both());
    assert!(
        std::fs::symlink_metadata(app.join("rustauth.toml"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert!(
        std::fs::read_to_string(shared.join("rustauth.toml"))
            .unwrap()
            .contains("\"username\"")
    );
    no_temporary_files(&app);
    no_temporary_files(&shared);
}

/// The id of a process that has exited (so a temp file named after it is stale).
fn dead_pid() -> u32 {
    let mut child = Command::new("true").spawn().expect("run true");
    let pid = child.id();
    child.wait().unwrap();
    pid
}

/// A killed run's temporary files (`.env`'s holds the password) are removed by the next
/// run that writes in that folder; a live process's are left alone.
#[test]
fn stale_temporary_files_are_removed() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let dead = dead_pid();
    let stale_env = d.join(format!(".env.rustauth-{dead}.tmp"));
    let stale_config = d.join(format!(".rustauth.toml.rustauth-{dead}.tmp"));
    std::fs::write(&stale_env, "DATABASE_URL=postgres://u:pw@h/db\n").unwrap();
    std::fs::write(&stale_config, "[database]\n").unwrap();
    // This test process is alive: its file is somebody's write in progress.
    let live = d.join(format!(".env.rustauth-{}.tmp", std::process::id()));
    std::fs::write(&live, "x").unwrap();
    let r = run(d, &["init", "--yes"]);
    assert_eq!(r.code, 0, "{}", r.both());
    assert!(!stale_env.exists() && !stale_config.exists());
    assert!(live.exists());
    std::fs::remove_file(&live).unwrap();
    no_temporary_files(d);
    // generate's folder, and secret --write's, are cleaned the same way.
    let m = d.join("m");
    std::fs::create_dir(&m).unwrap();
    let stale_sql = m.join(format!(".1_rustauth.sql.rustauth-{dead}.tmp"));
    std::fs::write(&stale_sql, "x").unwrap();
    let r = run(
        d,
        &[
            "generate",
            "--adapter",
            "sqlx",
            "--dialect",
            "sqlite",
            "--output-dir",
            "m",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.both());
    assert!(!stale_sql.exists());
    std::fs::write(&stale_env, "RUSTAUTH_SECRET=x\n").unwrap();
    let r = run(d, &["secret", "--write"]);
    assert_eq!(r.code, 0, "{}", r.both());
    assert!(!stale_env.exists());
}
