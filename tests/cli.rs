//! The command line itself: clap's own consistency checks, `-V`, and the cargo shim's name.

mod common;

use clap::CommandFactory;

#[test]
fn the_command_definition_is_consistent() {
    rustauth::cli::Cli::command().debug_assert();
}

#[test]
fn version_names_the_commit() {
    let o = common::rustauth().arg("-V").output().unwrap();
    assert!(o.status.success());
    let line = String::from_utf8(o.stdout).unwrap();
    let rest = line
        .strip_prefix(&format!("rustauth {} (", env!("CARGO_PKG_VERSION")))
        .unwrap_or_else(|| panic!("{line}"));
    let commit = rest.trim_end().strip_suffix(')').unwrap();
    let hash = commit.strip_suffix("+dirty").unwrap_or(commit);
    assert!(
        hash == "unknown" || (hash.len() == 12 && hash.bytes().all(|b| b.is_ascii_hexdigit())),
        "{line}"
    );
}

#[test]
fn the_cargo_shim_calls_itself_cargo_rustauth() {
    let o = common::cargo_rustauth()
        .args(["rustauth", "--help"])
        .output()
        .unwrap();
    assert!(o.status.success());
    let help = String::from_utf8(o.stdout).unwrap();
    assert!(
        help.contains("Usage: cargo rustauth [OPTIONS] <COMMAND>"),
        "{help}"
    );
    let o = common::cargo_rustauth()
        .args(["rustauth", "schema", "print", "--nope"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("Usage: cargo rustauth schema print"));
}

/// Variables a developer may have set that would change what the binary does.
const DIRTY: &[(&str, &str)] = &[
    (
        "DATABASE_URL",
        "postgres://dev:Dirty-pw-5521@db.invalid:5432/dev",
    ),
    ("RUSTAUTH_SECRET", "dirty-secret-from-the-developer-shell"),
    ("BETTER_AUTH_SECRET", "dirty-better-auth-secret"),
    ("AUTH_SECRET", "dirty-auth-secret"),
    ("BETTER_AUTH_URL", "http://dirty.invalid"),
    ("RUSTAUTH_TELEMETRY", "1"),
    ("RUSTAUTH_TELEMETRY_DEBUG", "1"),
    ("DO_NOT_TRACK", "1"),
    ("NO_COLOR", "1"),
    ("CLICOLOR_FORCE", "1"),
];

/// Set in the re-run test process only.
const MARK: &str = "RUSTAUTH_TEST_DIRTY_ENVIRONMENT";

/// `info --json`'s `environment` list as `name → set`.
fn reported(stdout: &str) -> Vec<(String, bool)> {
    let v: serde_json::Value = serde_json::from_str(stdout).expect("info --json");
    v["environment"]
        .as_array()
        .expect("environment")
        .iter()
        .map(|e| {
            (
                e["name"].as_str().unwrap().to_string(),
                e["set"].as_bool().unwrap(),
            )
        })
        .collect()
}

/// A developer's variables never reach a run through `common`: this test runs itself
/// again in a test process whose environment has every variable of `DIRTY` set (the test
/// process's own environment is not changed, so no other test sees them), and there
/// `info --json` reports none of them set, `secret --check-env` finds no secret, and
/// neither `CLICOLOR_FORCE` nor `NO_COLOR` changes the colours. A variable set on the
/// command still arrives.
#[test]
fn common_runs_the_binary_in_a_cleared_environment() {
    const NAME: &str = "common_runs_the_binary_in_a_cleared_environment";
    if std::env::var_os(MARK).is_none() {
        let me = std::env::current_exe().unwrap();
        let o = std::process::Command::new(me)
            .args([NAME, "--exact", "--nocapture", "--test-threads=1"])
            .env(MARK, "1")
            .envs(DIRTY.iter().copied())
            .output()
            .unwrap();
        let out = format!(
            "{}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        );
        assert!(o.status.success(), "{out}");
        // The inner run did run (a filter that matched nothing would pass too).
        assert!(out.contains("test result: ok. 1 passed"), "{out}");
        assert!(
            out.contains("inner run: checked in a dirty environment"),
            "{out}"
        );
        return;
    }
    // The re-run: the test process itself has the developer's variables.
    for (k, v) in DIRTY {
        assert_eq!(std::env::var(k).as_deref(), Ok(*v), "{k} not set here");
    }
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();

    // Without the cleared environment the binary sees them (so the checks below can fail):
    // info reports every one but CLICOLOR_FORCE, which colours the error labels once
    // NO_COLOR is out of the way.
    let inherited = std::process::Command::new(common::bin())
        .current_dir(d)
        .args(["info", "--json"])
        .output()
        .unwrap();
    let seen = reported(&String::from_utf8(inherited.stdout).unwrap());
    for (k, _) in DIRTY.iter().filter(|(k, _)| *k != "CLICOLOR_FORCE") {
        assert!(
            seen.iter().any(|(n, set)| n == k && *set),
            "{k}: info does not report it even when inherited: {seen:?}"
        );
    }
    let no_config = ["schema", "print", "--config", "missing.toml"];
    let inherited = std::process::Command::new(common::bin())
        .current_dir(d)
        .args(no_config)
        .env_remove("NO_COLOR")
        .output()
        .unwrap();
    assert!(
        inherited.stderr.contains(&0x1b),
        "CLICOLOR_FORCE does not colour"
    );

    let info = common::run_cmd(common::rustauth_in(d).args(["info", "--json"]));
    assert_eq!(info.code, 0, "{}", info.both());
    let seen = reported(&info.stdout);
    assert!(seen.len() >= DIRTY.len() - 1, "{seen:?}");
    assert!(seen.iter().all(|(_, set)| !set), "seen: {seen:?}");

    // No secret from the environment: check-env finds none (exit 3).
    let check = common::run_cmd(common::rustauth_in(d).args(["secret", "--check-env"]));
    assert_eq!(check.code, 3, "{}", check.both());
    assert!(!check.both().contains("dirty"), "{}", check.both());

    // No CLICOLOR_FORCE: the error is plain. No NO_COLOR: forced colour set on the
    // command does colour it.
    let plain = common::run_cmd(common::rustauth_in(d).args(no_config));
    assert!(plain.stderr.starts_with("error: "), "{}", plain.both());
    let forced = common::run_cmd(
        common::rustauth_in(d)
            .args(no_config)
            .env("CLICOLOR_FORCE", "1"),
    );
    assert!(forced.stderr.contains('\x1b'), "{}", forced.both());

    // A variable the test sets on the command does arrive.
    let set = common::run_cmd(
        common::rustauth_in(d)
            .args(["info", "--json"])
            .env("DATABASE_URL", "sqlite://set.db"),
    );
    let seen = reported(&set.stdout);
    assert!(
        seen.contains(&("DATABASE_URL".to_string(), true)),
        "{seen:?}"
    );
    assert!(
        seen.contains(&("RUSTAUTH_SECRET".to_string(), false)),
        "{seen:?}"
    );
    println!("inner run: checked in a dirty environment");
}
