//! Output conventions through the binary: `error:` + `help:` lines (coloured only when
//! asked or on a terminal), global `-q`, `--color`, `NO_COLOR`, a failing `db status
//! --check`'s one line, the completion line's duration, and `migrate --json`.

mod common;

use common::*;
use serde_json::Value;

fn sqlite_project() -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    write_config(
        dir.path(),
        "[project]\nbetter_auth = \"1.7\"\n[database]\nadapter = \"sqlx\"\n[plugins]\nenabled = [\"two-factor\"]\n",
    );
    let url = format!("sqlite://{}", dir.path().join("auth.db").display());
    (dir, url)
}

#[test]
fn errors_say_what_failed_and_what_to_do_on_two_lines() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("auth.sql"), "old\n").unwrap();
    let args = [
        "generate",
        "--adapter",
        "sqlx",
        "--dialect",
        "sqlite",
        "--output",
        "auth.sql",
    ];
    let r = run(dir.path(), None, &args);
    assert_eq!(r.code, 1);
    let out = format!("{}/auth.sql", dir.path().display());
    assert_eq!(
        r.stderr,
        format!("error: {out} already exists\nhelp: pass --yes to overwrite it without a prompt\n")
    );
    // Colours: never on a pipe by default; `--color always` paints the labels as clap does.
    let mut with = vec!["--color", "always"];
    with.extend(args);
    let r = run(dir.path(), None, &with);
    assert!(
        r.stderr.starts_with("\u{1b}[1m\u{1b}[31merror:\u{1b}[0m "),
        "{:?}",
        r.stderr
    );
    assert!(
        r.stderr
            .contains("\u{1b}[1m\u{1b}[36mhelp:\u{1b}[0m pass --yes"),
        "{:?}",
        r.stderr
    );
    // NO_COLOR wins over a terminal, `--color never` over everything.
    let mut cmd = rustauth();
    cmd.current_dir(dir.path()).env("NO_COLOR", "1").args(args);
    let o = cmd.output().unwrap();
    assert!(!String::from_utf8_lossy(&o.stderr).contains('\u{1b}'));
}

#[test]
fn quiet_leaves_results_and_errors_only() {
    let (dir, url) = sqlite_project();
    let loud = run(dir.path(), Some(&url), &["migrate", "--yes"]);
    assert_eq!(loud.code, 0, "{}", loud.both());
    assert!(
        loud.stdout
            .contains("The migration will affect the following:")
    );
    let last = loud.stdout.lines().last().unwrap();
    let (head, ms) = last.rsplit_once(" in ").unwrap();
    assert!(
        head.starts_with("Migration completed: 10 statement(s) applied to sqlite database"),
        "{last}"
    );
    assert!(
        ms.strip_suffix(" ms.").unwrap().parse::<u64>().is_ok(),
        "{last}"
    );

    // -q: a new column to add, no summary, just the result line.
    write_config(
        dir.path(),
        "[project]\nbetter_auth = \"1.7\"\n[database]\nadapter = \"sqlx\"\n[plugins]\nenabled = [\"two-factor\", \"username\"]\n",
    );
    let q = run(dir.path(), Some(&url), &["-q", "migrate", "--yes"]);
    assert_eq!(q.code, 0, "{}", q.both());
    assert_eq!(q.stdout.lines().count(), 1, "{}", q.both());
    assert!(
        q.stdout.starts_with("Migration completed: 3 statement(s)"),
        "{}",
        q.both()
    );
    assert_eq!(q.stderr, "");
    // -q and -v contradict each other.
    assert_eq!(
        run(dir.path(), Some(&url), &["-q", "-v", "migrate"]).code,
        2
    );
}

#[test]
fn a_failing_db_status_check_says_why_on_one_line() {
    let (dir, url) = sqlite_project();
    assert_eq!(run(dir.path(), Some(&url), &["migrate", "--yes"]).code, 0);
    write_config(
        dir.path(),
        "[project]\nbetter_auth = \"1.7\"\n[database]\nadapter = \"sqlx\"\n[plugins]\nenabled = [\"two-factor\", \"username\", \"jwt\"]\n",
    );
    let r = run(dir.path(), Some(&url), &["db", "status", "--check"]);
    assert_eq!(r.code, 3, "{}", r.both());
    assert_eq!(
        r.stderr,
        "4 statements pending: 1 table, 2 columns, 1 index; run `rustauth migrate`\n"
    );
    assert_eq!(run(dir.path(), Some(&url), &["migrate", "--yes"]).code, 0);
    let r = run(dir.path(), Some(&url), &["db", "status", "--check"]);
    assert_eq!((r.code, r.stderr.as_str()), (0, ""), "{}", r.both());
}

#[test]
fn migrate_json_is_one_document() {
    let (dir, url) = sqlite_project();
    let r = run(dir.path(), Some(&url), &["migrate", "--yes", "--json"]);
    assert_eq!(r.code, 0, "{}", r.both());
    let v: Value = serde_json::from_str(&r.stdout).expect("one JSON document on stdout");
    assert_eq!(v["version"], 1);
    assert_eq!(v["outcome"], "migrated");
    assert_eq!(v["plan"]["statements"], 10);
    assert_eq!(v["plan"]["tables"][4], "twoFactor");
    assert!(
        v["plan"]["sql"]
            .as_str()
            .unwrap()
            .starts_with("create table \"user\"")
    );
    let again = run(dir.path(), Some(&url), &["migrate", "--yes", "--json"]);
    let v: Value = serde_json::from_str(&again.stdout).unwrap();
    assert_eq!(v["outcome"], "no_changes");
    let dry = run(dir.path(), Some(&url), &["migrate", "--dry-run", "--json"]);
    let v: Value = serde_json::from_str(&dry.stdout).unwrap();
    assert_eq!(v["outcome"], "no_changes");
    // schema print --json is --format json.
    let a = run(dir.path(), None, &["schema", "print", "--json"]);
    let b = run(dir.path(), None, &["schema", "print", "--format", "json"]);
    assert_eq!(a.stdout, b.stdout);
    let v: serde_json::Value = serde_json::from_str(&a.stdout).expect("schema print --json");
    assert_eq!(v["version"], 1);
}

#[test]
fn secret_check_json() {
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = rustauth();
    cmd.current_dir(dir.path())
        .env("RUSTAUTH_SECRET", "change-me-run-rustauth-secret")
        .args(["secret", "--check-env", "--json"]);
    let o = cmd.output().unwrap();
    assert_eq!(o.status.code(), Some(3));
    let text = String::from_utf8(o.stdout).unwrap();
    assert!(
        !text.contains("change-me"),
        "the value is never shown: {text}"
    );
    let v: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["version"], 1);
    assert_eq!(v["ok"], false);
    assert_eq!(v["source"], "RUSTAUTH_SECRET");
    assert!(
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["severity"] == "fail")
    );
    // --json needs a check to report on.
    let o = rustauth()
        .current_dir(dir.path())
        .args(["secret", "--json"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn generate_json_names_the_file_and_its_hash() {
    let dir = tempfile::tempdir().unwrap();
    let args = [
        "generate",
        "--adapter",
        "sqlx",
        "--dialect",
        "postgres",
        "--json",
    ];
    let r = run(dir.path(), None, &args);
    assert_eq!(r.code, 0, "{}", r.both());
    let v: Value = serde_json::from_str(&r.stdout).expect("one JSON document");
    assert_eq!(v["version"], 1);
    assert_eq!(v["outcome"], "generated");
    let file = std::path::PathBuf::from(v["file"].as_str().unwrap());
    assert!(
        file.file_name()
            .unwrap()
            .to_string_lossy()
            .ends_with("_rustauth_init.sql")
    );
    let text = std::fs::read_to_string(&file).unwrap();
    let sha = v["sha256"].as_str().unwrap();
    assert!(
        text.starts_with(&format!("-- rustauth plan sha256:{sha}\n")),
        "{text}"
    );
    let again = run(dir.path(), None, &args);
    let v: Value = serde_json::from_str(&again.stdout).unwrap();
    assert_eq!(v["outcome"], "no_changes");
    assert!(v["file"].is_null());
}
