//! `rustauth info` through the binary: works without a config, `--json` carries the
//! documented keys, values are redacted, variables are reported set/unset only.

mod common;

use std::path::Path;

use serde_json::Value;

const DB_PASSWORD: &str = "Db-pa55word-6c1f0e";
const SECRET: &str = "qV3xR8mT2wL9pZ4kB7nC1dF6hJ0sG5aE";

/// `rustauth info <args>` in `cwd` (cleared environment) with `env` set.
fn info(cwd: &Path, args: &[&str], env: &[(&str, &str)]) -> common::Run {
    let mut cmd = common::rustauth_in(cwd);
    cmd.arg("info").args(args).envs(env.iter().copied());
    common::run_cmd(&mut cmd)
}

fn json(run: &common::Run) -> Value {
    assert_eq!(run.code, 0, "{}", run.both());
    serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("not JSON ({e}):\n{}", run.both()))
}

fn var<'a>(doc: &'a Value, name: &str) -> &'a Value {
    doc["environment"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["name"] == name)
        .unwrap_or_else(|| panic!("{name} not reported"))
}

#[test]
fn json_without_a_config_has_the_documented_keys() {
    let dir = tempfile::tempdir().unwrap();
    let doc = json(&info(dir.path(), &["--json"], &[]));
    assert_eq!(doc["version"], 1);
    assert_eq!(doc["cli"]["name"], "rustauth");
    assert_eq!(doc["cli"]["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(doc["system"]["os"], std::env::consts::OS);
    assert_eq!(doc["system"]["arch"], std::env::consts::ARCH);
    assert!(doc["rust"].get("rustc").is_some());
    assert!(doc["rust"].get("cargo").is_some());
    assert!(doc.get("workspace").is_some());
    assert_eq!(doc["config"]["found"], false);
    assert_eq!(doc["config"]["valid"], true);
    assert!(doc["config"]["error"].is_null());
    assert_eq!(doc["config"]["values"]["database.url_env"], "DATABASE_URL");
    for k in ["enabled", "debug", "endpoint_set"] {
        assert_eq!(doc["telemetry"][k], false, "telemetry.{k}");
    }
    assert_eq!(var(&doc, "DATABASE_URL")["set"], false);
    assert!(var(&doc, "DATABASE_URL")["source"].is_null());
    // The default schema: the four core tables.
    assert_eq!(doc["schema"]["table_count"], 4);
    let tables: Vec<&str> = doc["schema"]["tables"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(tables, ["user", "session", "account", "verification"]);
}

#[test]
fn human_output_without_a_config() {
    let dir = tempfile::tempdir().unwrap();
    let run = info(dir.path(), &[], &[]);
    assert_eq!(run.code, 0, "{}", run.both());
    for line in [
        "rustauth ",
        "System:",
        "Rust:",
        "Workspace:",
        "Config:",
        "Environment:",
        "Telemetry:   off",
        "Schema:",
    ] {
        assert!(
            run.stdout.contains(line),
            "missing {line:?}\n{}",
            run.both()
        );
    }
    assert!(run.stderr.is_empty(), "{}", run.both());
}

#[test]
fn config_values_are_redacted_and_variables_are_set_or_unset() {
    let dir = tempfile::tempdir().unwrap();
    common::write_config(
        dir.path(),
        &format!(
            r#"
[project]
base_url = "https://auth.example.com/api/auth"
[database]
adapter = "sqlx"
provider = "postgres"
url_env = "AUTH_DB_URL"
url = "postgres://app:{DB_PASSWORD}@db.example.com:5432/app?sslmode=require&password={DB_PASSWORD}"
[plugins]
enabled = ["two-factor", "username"]
"#
        ),
    );
    std::fs::write(
        dir.path().join(".env"),
        format!("RUSTAUTH_SECRET={SECRET}\n"),
    )
    .unwrap();
    let env = [(
        "AUTH_DB_URL",
        &*format!("postgres://app:{DB_PASSWORD}@db.example.com/app"),
    )];
    let run = info(dir.path(), &["--json"], &env);
    for text in [&run.stdout, &run.stderr] {
        assert!(
            !text.contains(DB_PASSWORD),
            "password leaked\n{}",
            run.both()
        );
        assert!(!text.contains(SECRET), "secret leaked\n{}", run.both());
    }
    let doc = json(&run);
    let values = &doc["config"]["values"];
    assert_eq!(
        values["database.url"],
        "postgres://***:***@db.example.com:5432/app?sslmode=require&password=***"
    );
    assert_eq!(
        values["project.base_url"],
        "https://auth.example.com/api/auth"
    );
    assert_eq!(values["database.url_env"], "AUTH_DB_URL");
    assert_eq!(
        values["plugins.enabled"],
        serde_json::json!(["two-factor", "username"])
    );
    assert_eq!(var(&doc, "AUTH_DB_URL")["set"], true);
    assert_eq!(var(&doc, "AUTH_DB_URL")["source"], "process");
    assert_eq!(var(&doc, "RUSTAUTH_SECRET")["set"], true);
    assert_eq!(var(&doc, "RUSTAUTH_SECRET")["source"], "file");
    assert_eq!(var(&doc, "BETTER_AUTH_SECRET")["set"], false);
    // Only name/set/source: never a value.
    for v in doc["environment"].as_array().unwrap() {
        let keys: Vec<&String> = v.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["name", "set", "source"]);
    }
    assert_eq!(doc["schema"]["provider"], "postgres");
    assert_eq!(
        doc["schema"]["plugins"],
        serde_json::json!(["two-factor", "username"])
    );
    assert_eq!(doc["schema"]["table_count"], 5);

    // The human form hides the same things.
    let run = info(dir.path(), &[], &env);
    assert_eq!(run.code, 0, "{}", run.both());
    assert!(!run.stdout.contains(DB_PASSWORD) && !run.stdout.contains(SECRET));
    assert!(
        run.stdout
            .contains("postgres://***:***@db.example.com:5432/app"),
        "{}",
        run.both()
    );
    assert!(run.stdout.contains("set (.env file)"), "{}", run.both());
}

#[test]
fn a_broken_config_is_reported_not_fatal() {
    let dir = tempfile::tempdir().unwrap();
    common::write_config(dir.path(), "[databse]\nadapter = \"sqlx\"\n");
    let run = info(dir.path(), &["--json"], &[]);
    let doc = json(&run);
    assert_eq!(doc["config"]["found"], true);
    assert_eq!(doc["config"]["valid"], false);
    let err = doc["config"]["error"].as_str().unwrap();
    assert!(err.contains("databse") && err.contains("line 1"), "{err}");
    assert!(doc["schema"].is_null());
    assert!(doc["config"]["values"].is_null());

    let run = info(dir.path(), &[], &[]);
    assert_eq!(run.code, 0, "{}", run.both());
    assert!(
        run.stdout.contains("Config:      invalid:"),
        "{}",
        run.both()
    );
}

#[test]
fn a_missing_explicit_config_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let doc = json(&info(dir.path(), &["--config", "nope.toml", "--json"], &[]));
    assert_eq!(doc["config"]["found"], false);
    assert_eq!(doc["config"]["valid"], false);
    assert!(
        doc["config"]["error"]
            .as_str()
            .unwrap()
            .contains("nope.toml")
    );
}

#[test]
fn workspace_crates_and_locked_versions() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("Cargo.toml"),
        r#"
[package]
name = "my-app"
version = "0.3.1"
edition = "2021"

[dependencies]
axum = "0.7"
sqlx = { version = "0.8.2", features = ["postgres"] }
db = { package = "diesel", git = "https://user:gh-token-123@github.com/diesel-rs/diesel" }
serde = "1"

[dev-dependencies]
rusqlite = { path = "../rusqlite" }
"#,
    )
    .unwrap();
    std::fs::write(
        dir.path().join("Cargo.lock"),
        r#"
version = 3

[[package]]
name = "axum"
version = "0.7.5"

[[package]]
name = "sqlx"
version = "0.8.6"
"#,
    )
    .unwrap();
    let sub = dir.path().join("src");
    std::fs::create_dir(&sub).unwrap();
    let run = info(&sub, &["--json"], &[]);
    assert!(!run.stdout.contains("gh-token-123"), "{}", run.both());
    let doc = json(&run);
    let w = &doc["workspace"];
    assert_eq!(w["package"]["name"], "my-app");
    assert_eq!(w["package"]["version"], "0.3.1");
    assert!(w["manifest"].as_str().unwrap().ends_with("Cargo.toml"));
    assert!(w["lockfile"].as_str().unwrap().ends_with("Cargo.lock"));
    let find = |key: &str, name: &str| -> Value {
        w[key]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["name"] == name)
            .cloned()
            .unwrap_or_else(|| panic!("{name} not in {key}: {w}"))
    };
    let sqlx = find("database_crates", "sqlx");
    assert_eq!(sqlx["requirement"], "0.8.2");
    assert_eq!(sqlx["locked"], serde_json::json!(["0.8.6"]));
    assert_eq!(find("database_crates", "diesel")["requirement"], "git");
    assert_eq!(find("database_crates", "rusqlite")["requirement"], "path");
    assert_eq!(
        find("frameworks", "axum")["locked"],
        serde_json::json!(["0.7.5"])
    );
    assert!(!w["database_crates"].to_string().contains("serde"));
}

#[test]
fn workspace_inheritance() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("Cargo.toml"),
        "[workspace]\nmembers = [\"app\"]\n[workspace.dependencies]\nsqlx = \"0.8\"\n",
    )
    .unwrap();
    let app = dir.path().join("app");
    std::fs::create_dir(&app).unwrap();
    std::fs::write(
        app.join("Cargo.toml"),
        "[package]\nname = \"app\"\nversion = \"0.1.0\"\n[dependencies]\nsqlx = { workspace = true }\n",
    )
    .unwrap();
    let doc = json(&info(&app, &["--json"], &[]));
    let w = &doc["workspace"];
    assert_eq!(w["package"]["name"], "app");
    assert!(w["root"].as_str().unwrap().ends_with("Cargo.toml"));
    assert_eq!(w["database_crates"][0]["name"], "sqlx");
    assert_eq!(w["database_crates"][0]["requirement"], "0.8");
}

#[test]
fn telemetry_state_is_reported_without_the_endpoint() {
    let dir = tempfile::tempdir().unwrap();
    let endpoint = "http://127.0.0.1:9/collect?key=telemetry-key-77";
    let run = info(
        dir.path(),
        &["--json"],
        &[
            ("RUSTAUTH_TELEMETRY", "1"),
            ("RUSTAUTH_TELEMETRY_ENDPOINT", endpoint),
        ],
    );
    assert!(!run.stdout.contains("telemetry-key-77"), "{}", run.both());
    let doc = json(&run);
    assert_eq!(doc["telemetry"]["enabled"], true);
    assert_eq!(doc["telemetry"]["endpoint_set"], true);
    assert_eq!(var(&doc, "RUSTAUTH_TELEMETRY_ENDPOINT")["set"], true);
}

/// Every key `rustauth.toml.example` sets in the tables info lists shows, with the
/// example's value: the list is the config's own.
#[test]
fn every_key_of_the_example_shows() {
    let example =
        std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("rustauth.toml.example");
    let text = std::fs::read_to_string(&example).unwrap();
    let dir = tempfile::tempdir().unwrap();
    common::write_config(dir.path(), &text);
    let doc = json(&info(dir.path(), &["--json"], &[]));
    let values = doc["config"]["values"].as_object().expect("values");
    let file: toml::Table = text.parse().unwrap();
    let mut checked = 0;
    for table in [
        "project",
        "database",
        "security",
        "rate_limit",
        "secondary_storage",
    ] {
        for (k, v) in file[table].as_table().expect("the example sets the table") {
            if v.is_table() {
                continue;
            }
            let key = format!("{table}.{k}");
            let shown = values.get(&key).unwrap_or_else(|| panic!("{key} missing"));
            match v {
                // (The example's URLs hold no password: shown as they are.)
                toml::Value::String(s) => assert_eq!(shown, s.as_str(), "{key}"),
                toml::Value::Boolean(b) => assert_eq!(shown, b, "{key}"),
                other => panic!("{key}: a new kind of value {other}"),
            }
            checked += 1;
        }
    }
    assert!(checked >= 15, "only {checked} keys in the example");
    assert_eq!(
        values["plugins.enabled"].as_array().map(Vec::len),
        file["plugins"]["enabled"].as_array().map(Vec::len)
    );
}
