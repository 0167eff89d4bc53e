//! `rustauth plugins list | add | remove`: the registry listing (text and JSON), edits of
//! `[plugins] enabled` that keep every byte outside the array, no-ops, unknown ids,
//! requirements, and the schema impact messages.

mod common;

use std::path::Path;

use common::{Run, run_cmd, rustauth_in};
use rustauth::model::Line;
use rustauth::schema::plugins::REGISTRY;
use serde_json::Value;

/// A config the user has commented and laid out by hand.
const COMMENTED: &str = r#"# Our auth config.   (trailing spaces on purpose)   
[project]
framework = "axum"   # we use axum

[database]
adapter = "sqlx"
provider = "sqlite"    # local dev
url = "sqlite://auth.db"

# Plugins: keep in sync with src/auth.rs
[plugins]
enabled = [
    "username",      # sign-in by name
    # admin tools:
    "admin",
]   # end of list

# Organization options
[plugins.organization]
teams = true   # we need teams

[models.user]
model_name = "users"
"#;

/// `(text before the array, text after it)`: the array is `enabled = [` … its `]`.
fn outside_array(text: &str) -> (&str, &str) {
    let start = text.find("enabled = [").expect("enabled array") + "enabled = [".len();
    let end = start + text[start..].find("\n]").expect("closing bracket") + 2;
    (&text[..start], &text[end..])
}

fn write(dir: &Path, text: &str) {
    std::fs::write(dir.join("rustauth.toml"), text).unwrap();
}

fn read(dir: &Path) -> String {
    std::fs::read_to_string(dir.join("rustauth.toml")).unwrap()
}

fn enabled(dir: &Path) -> Vec<String> {
    rustauth::config::parse_str(&read(dir), "rustauth.toml", None)
        .expect("the edited file loads")
        .plugins
        .enabled
}

#[test]
fn list_without_a_config_shows_every_plugin_and_its_schema() {
    let dir = tempfile::tempdir().unwrap();
    let o = run_cmd(rustauth_in(dir.path()).args(["plugins", "list"]));
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(
        o.stdout.starts_with("31 plugins of Better Auth 1.7 "),
        "{}",
        o.stdout
    );
    for spec in REGISTRY.iter().filter(|p| p.on(Line::V1_7)) {
        assert!(
            o.stdout
                .lines()
                .any(|l| l.trim_start().starts_with(&format!("{} ", spec.id))),
            "{} missing",
            spec.id
        );
    }
    assert!(
        !o.stdout.lines().any(|l| l.starts_with('*')),
        "nothing is enabled"
    );
    let block = |id: &str| -> String {
        let lines: Vec<&str> = o.stdout.lines().collect();
        let i = lines
            .iter()
            .position(|l| l[2..].starts_with(&format!("{id} ")))
            .unwrap();
        lines[i + 1..]
            .iter()
            .take_while(|l| l.starts_with("      "))
            .map(|l| l.trim())
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(
        block("two-factor"),
        "adds table twoFactor\nadds column user.twoFactorEnabled"
    );
    assert_eq!(block("bearer"), "adds nothing to the schema");
    assert!(block("oauth-provider").contains("needs jwt enabled too"));
    assert!(
        block("organization").contains(
            "option [plugins.organization] teams = false (Better Auth teams.enabled): + team"
        ),
        "{}",
        block("organization")
    );
}

#[test]
fn list_marks_enabled_plugins_and_follows_options_and_renames() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), COMMENTED);
    let o = run_cmd(rustauth_in(dir.path()).args(["plugins", "list"]));
    assert_eq!(o.code, 0, "{}", o.stderr);
    let marked: Vec<&str> = o
        .stdout
        .lines()
        .filter(|l| l.starts_with("* "))
        .map(|l| l[2..].split_whitespace().next().unwrap())
        .collect();
    assert_eq!(marked, ["admin", "username"]);

    let o = run_cmd(rustauth_in(dir.path()).args(["plugins", "list", "--json"]));
    assert_eq!(o.code, 0, "{}", o.stderr);
    let v: Value = serde_json::from_str(&o.stdout).unwrap();
    assert!(v["config"].as_str().unwrap().ends_with("rustauth.toml"));
    let list = v["plugins"].as_array().unwrap();
    assert_eq!(v["better_auth"], "1.7");
    assert_eq!(v["version"], 1);
    assert_eq!(
        list.len(),
        REGISTRY.iter().filter(|p| p.on(Line::V1_7)).count()
    );
    let get = |id: &str| list.iter().find(|p| p["id"] == id).unwrap();
    assert_eq!(get("username")["enabled"], true);
    assert_eq!(get("two-factor")["enabled"], false);
    // Columns on `user` follow the rename to `users`.
    assert_eq!(
        get("two-factor")["adds"]["columns"],
        serde_json::json!([{ "table": "users", "column": "twoFactorEnabled" }])
    );
    assert_eq!(get("two-factor")["adds"]["tables"][0]["name"], "twoFactor");
    assert_eq!(
        get("two-factor")["adds"]["tables"][0]["columns"],
        serde_json::json!([
            "id",
            "secret",
            "backupCodes",
            "userId",
            "verified",
            "failedVerificationCount",
            "lockedUntil"
        ])
    );
    // teams = true in the config: the team tables are part of what organization adds.
    let org = get("organization");
    let tables: Vec<&str> = org["adds"]["tables"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert!(
        tables.contains(&"team") && tables.contains(&"teamMember"),
        "{tables:?}"
    );
    assert_eq!(org["options"][0]["key"], "teams");
    assert_eq!(org["options"][0]["value"], true);
    assert_eq!(
        get("oauth-provider")["requires"],
        serde_json::json!(["jwt"])
    );
}

#[test]
fn add_keeps_every_byte_outside_the_array() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), COMMENTED);
    let o = run_cmd(rustauth_in(dir.path()).args(["plugins", "add", "two-factor"]));
    assert_eq!(o.code, 0, "{}", o.stderr);
    let after = read(dir.path());
    assert_eq!(outside_array(&after), outside_array(COMMENTED), "{after}");
    // The array keeps its entries, comments and layout; the new id gets its own line.
    assert!(
        after.contains(
            "enabled = [\n    \"username\",      # sign-in by name\n    # admin tools:\n    \"admin\",\n    \"two-factor\",\n]   # end of list\n"
        ),
        "{after}"
    );
    assert_eq!(enabled(dir.path()), ["username", "admin", "two-factor"]);
    assert!(
        o.stdout.contains(
            "schema: adds table twoFactor; adds column users.twoFactorEnabled — run `rustauth migrate`"
        ),
        "{}",
        o.stdout
    );
    // `schema print` works on the edited file.
    let o = run_cmd(rustauth_in(dir.path()).args(["schema", "print"]));
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(o.stdout.contains("create table \"twoFactor\""));
}

#[test]
fn add_to_a_one_line_array_and_to_a_file_without_one() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "[plugins]\nenabled = [\"admin\"] # mine\n");
    let o = run_cmd(rustauth_in(dir.path()).args(["plugins", "add", "organization", "two-factor"]));
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert_eq!(
        read(dir.path()),
        "[plugins]\nenabled = [\"admin\", \"organization\", \"two-factor\"] # mine\n"
    );
    assert!(
        o.stdout
            .contains("adds tables organization, member, invitation, twoFactor")
    );
    assert!(
        o.stdout
            .contains("adds columns user.twoFactorEnabled, session.activeOrganizationId"),
        "{}",
        o.stdout
    );

    let head = "# no plugins yet\n[database]\nprovider = \"postgres\"  # prod\n";
    write(dir.path(), head);
    let o = run_cmd(rustauth_in(dir.path()).args(["plugins", "add", "username"]));
    assert_eq!(o.code, 0, "{}", o.stderr);
    let after = read(dir.path());
    assert!(after.starts_with(head), "{after}");
    assert_eq!(enabled(dir.path()), ["username"]);
}

#[test]
fn add_an_enabled_id_is_a_no_op_that_says_so() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), COMMENTED);
    let o = run_cmd(rustauth_in(dir.path()).args(["plugins", "add", "admin", "username"]));
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(
        o.stdout.contains("admin is already enabled"),
        "{}",
        o.stdout
    );
    assert!(o.stdout.contains("username is already enabled"));
    assert!(!o.stdout.contains("schema:"));
    assert_eq!(read(dir.path()), COMMENTED);
}

#[test]
fn remove_keeps_every_byte_outside_the_array() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), COMMENTED);
    let o = run_cmd(rustauth_in(dir.path()).args(["plugins", "remove", "admin"]));
    assert_eq!(o.code, 0, "{}", o.stderr);
    let after = read(dir.path());
    assert_eq!(outside_array(&after), outside_array(COMMENTED), "{after}");
    assert!(
        after
            .contains("enabled = [\n    \"username\",      # sign-in by name\n]   # end of list\n"),
        "{after}"
    );
    assert_eq!(enabled(dir.path()), ["username"]);
    assert!(o.stdout.contains("disabled admin"));
    assert!(
        o.stdout.contains(
            "no longer needs columns users.role, users.banned, users.banReason, users.banExpires, session.impersonatedBy"
        ),
        "{}",
        o.stdout
    );
    assert!(o.stdout.contains("never drops"));

    // Remove the first entry too: an empty array, the rest of the file untouched.
    let o = run_cmd(rustauth_in(dir.path()).args(["plugins", "remove", "username"]));
    assert_eq!(o.code, 0, "{}", o.stderr);
    let after = read(dir.path());
    assert!(after.contains("enabled = []   # end of list\n"), "{after}");
    let (before_arr, _) = outside_array(COMMENTED);
    assert!(after.starts_with(before_arr.trim_end_matches('[')));
    assert!(after.ends_with(outside_array(COMMENTED).1));
    assert!(enabled(dir.path()).is_empty());
}

#[test]
fn remove_an_absent_id_is_a_no_op_that_says_so() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), COMMENTED);
    let o = run_cmd(rustauth_in(dir.path()).args(["plugins", "remove", "organization"]));
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(
        o.stdout.contains("organization is not enabled"),
        "{}",
        o.stdout
    );
    assert_eq!(read(dir.path()), COMMENTED);
}

#[test]
fn unknown_ids_are_an_error_that_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), COMMENTED);
    for cmd in ["add", "remove"] {
        let o = run_cmd(rustauth_in(dir.path()).args(["plugins", cmd, "two-factor", "two-facter"]));
        assert_eq!(o.code, 1, "{cmd}");
        assert!(
            o.stderr
                .starts_with("error: unknown plugin id `two-facter`"),
            "{}",
            o.stderr
        );
        assert!(o.stderr.contains("did you mean `two-factor`?"));
        assert!(
            o.stderr
                .contains("valid plugin ids: additional-fields, admin, agent-auth,")
        );
        assert_eq!(
            o.stderr
                .lines()
                .filter(|l| !l.starts_with("help: "))
                .count(),
            1
        );
        assert_eq!(read(dir.path()), COMMENTED, "{cmd} changed the file");
    }
}

#[test]
fn requirements_are_added_first_and_protected() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "[plugins]\nenabled = []\n");
    let o = run_cmd(rustauth_in(dir.path()).args(["plugins", "add", "oauth-provider"]));
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(o.stdout.contains("oauth-provider needs jwt"));
    assert_eq!(enabled(dir.path()), ["jwt", "oauth-provider"]);

    let before = read(dir.path());
    let o = run_cmd(rustauth_in(dir.path()).args(["plugins", "remove", "jwt"]));
    assert_eq!(o.code, 1);
    assert!(
        o.stderr
            .contains("cannot remove jwt: oauth-provider needs it")
    );
    assert_eq!(read(dir.path()), before);

    let o = run_cmd(rustauth_in(dir.path()).args(["plugins", "remove", "jwt", "oauth-provider"]));
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(enabled(dir.path()).is_empty());
}

#[test]
fn needs_a_valid_config() {
    let dir = tempfile::tempdir().unwrap();
    let o = run_cmd(rustauth_in(dir.path()).args(["plugins", "add", "admin"]));
    assert_eq!(o.code, 1);
    assert!(o.stderr.contains("rustauth init"), "{}", o.stderr);
    assert!(!dir.path().join("rustauth.toml").exists());

    let broken = "[plugins]\nenabled = [\"admin\"\n";
    write(dir.path(), broken);
    let o = run_cmd(rustauth_in(dir.path()).args(["plugins", "add", "username"]));
    assert_eq!(o.code, 1);
    assert_eq!(read(dir.path()), broken);
}

#[cfg(unix)]
#[test]
fn keeps_the_file_mode_and_leaves_no_temporary_file() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), COMMENTED);
    let path = dir.path().join("rustauth.toml");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
    let o = run_cmd(rustauth_in(dir.path()).args(["plugins", "add", "jwt"]));
    assert_eq!(o.code, 0, "{}", o.stderr);
    let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o640);
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["rustauth.toml"]);
}

#[test]
fn list_shows_the_plugins_and_options_of_the_configs_line() {
    let dir = tempfile::tempdir().unwrap();
    let ids = |o: &Run| -> Vec<String> {
        o.stdout
            .lines()
            .skip(1)
            .filter(|l| !l.starts_with("      "))
            .map(|l| l[2..].split_whitespace().next().unwrap().to_string())
            .collect()
    };
    write(dir.path(), "[project]\nbetter_auth = \"1.6\"\n");
    let o = run_cmd(rustauth_in(dir.path()).args(["plugins", "list"]));
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(
        o.stdout.starts_with("31 plugins of Better Auth 1.6;"),
        "{}",
        o.stdout
    );
    let on_1_6 = ids(&o);
    assert!(on_1_6.iter().any(|i| i == "oidc-provider"));
    assert!(!on_1_6.iter().any(|i| i == "agent-auth"));
    assert!(
        o.stdout
            .contains("option [plugins.scim] provider_ownership")
    );
    assert!(!o.stdout.contains("managed_connections"));

    write(dir.path(), "[project]\nbetter_auth = \"1.7\"\n");
    let o = run_cmd(rustauth_in(dir.path()).args(["plugins", "list"]));
    assert_eq!(o.code, 0, "{}", o.stderr);
    let on_1_7 = ids(&o);
    assert!(!on_1_7.iter().any(|i| i == "oidc-provider"));
    assert!(on_1_7.iter().any(|i| i == "agent-auth"));
    assert!(
        o.stdout
            .contains("option [plugins.scim] managed_connections")
    );
    assert!(!o.stdout.contains("provider_ownership"));
    // 1.7's mcp is oauth-provider underneath: it needs jwt.
    assert!(o.stdout.contains("needs jwt enabled too"));
}
