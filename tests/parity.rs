//! Better Auth 1.6.9 parity: one named test per fresh case of `tests/fixtures/parity`
//! (a copy of the shared parity cases). Each runs the real binary:
//!
//! * `schema print --config <case>/rustauth.toml --dialect <d>` must print `expected.sql`
//!   byte for byte (one trailing newline allowed) and exit 0;
//! * `generate --adapter sqlx --dialect <d> --output <tmp>/out.sql --yes` must write
//!   `-- rustauth plan sha256:<sha256 of the SQL>` and then the same SQL.
//!
//! The cases are listed by a declarative macro (`group => dialects`), so each is its own
//! test (`core::sqlite`, `plugin_two_factor::mysql`, …) that can be run and reported
//! alone; `every_fresh_case_has_a_test` fails when a fresh case folder is added without a
//! line here (or a line names a folder that does not exist). Incremental cases (with
//! `before.sql`) are for the live-database tests and are not listed here.

mod common;

use std::path::{Path, PathBuf};

use common::{PLAN_HEADER, rustauth};
use sha2::{Digest, Sha256};

fn cases_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/parity")
}

/// Strips one trailing newline, as the parity check allows.
fn trim_one_newline(s: &str) -> &str {
    s.strip_suffix('\n').unwrap_or(s)
}

/// Shows where two long single-line-ish SQL texts first differ.
fn first_difference(expected: &str, got: &str) -> String {
    let at = expected
        .bytes()
        .zip(got.bytes())
        .position(|(a, b)| a != b)
        .unwrap_or(expected.len().min(got.len()));
    let from = at.saturating_sub(60);
    let snip = |s: &str| {
        let end = (at + 60).min(s.len());
        String::from_utf8_lossy(&s.as_bytes()[from.min(s.len())..end]).into_owned()
    };
    format!(
        "first difference at byte {at} (expected {} bytes, got {}):\n  expected: …{}…\n  got:      …{}…",
        expected.len(),
        got.len(),
        snip(expected),
        snip(got)
    )
}

fn check_case(name: &str, dialect: &str) {
    let dir = cases_dir().join(name);
    assert!(dir.is_dir(), "no case folder {}", dir.display());
    assert!(
        !dir.join("before.sql").exists(),
        "{name} is incremental (has before.sql): not a schema print case"
    );
    let recorded = std::fs::read_to_string(dir.join("dialect")).expect("dialect file");
    assert_eq!(recorded.trim(), dialect, "{name}: dialect file disagrees");
    let expected = std::fs::read_to_string(dir.join("expected.sql")).expect("expected.sql");
    assert!(
        !expected.is_empty(),
        "{name}: a fresh case must expect some SQL"
    );
    let config = dir.join("rustauth.toml");

    // schema print
    let out = rustauth()
        .current_dir(&dir)
        .args(["schema", "print", "--config"])
        .arg(&config)
        .args(["--dialect", dialect])
        .output()
        .expect("run rustauth");
    let stdout = String::from_utf8(out.stdout).expect("utf-8 stdout");
    assert!(
        out.status.success(),
        "{name}: schema print exited {:?}: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    let got = trim_one_newline(&stdout);
    assert!(
        got == expected,
        "{name}: schema print differs from expected.sql; {}",
        first_difference(&expected, got)
    );

    // generate --adapter sqlx --dialect D --output FILE --yes
    let tmp = tempfile::tempdir().expect("tempdir");
    let target = tmp.path().join("tmp/out.sql");
    let out = rustauth()
        .current_dir(tmp.path())
        .args(["generate", "--config"])
        .arg(&config)
        .args(["--adapter", "sqlx", "--dialect", dialect, "--output"])
        .arg(&target)
        .arg("--yes")
        .output()
        .expect("run rustauth");
    assert!(
        out.status.success(),
        "{name}: generate exited {:?}: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    let written = std::fs::read_to_string(&target).expect("generate wrote --output");
    let (header, body) = written
        .split_once('\n')
        .expect("a header line, then the SQL");
    let hash = header
        .strip_prefix(PLAN_HEADER)
        .unwrap_or_else(|| panic!("{name}: first line `{header}` is not the plan header"));
    let body = trim_one_newline(body);
    assert!(
        body == expected,
        "{name}: generate wrote other SQL than expected.sql; {}",
        first_difference(&expected, body)
    );
    let digest: String = Sha256::digest(body.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(hash, digest, "{name}: the header's hash is not the SQL's");
}

/// `cases! { group => [dialect, …], … }`: a module per group, a `#[test]` per dialect,
/// running the case folder `<group with - for _>-<dialect>`; and `LISTED`, every name.
macro_rules! cases {
    ($($group:ident => [$($dialect:ident),+ $(,)?]),+ $(,)?) => {
        $(
            #[allow(non_snake_case)]
            mod $group {
                $(
                    #[test]
                    fn $dialect() {
                        let name = format!(
                            "{}-{}",
                            stringify!($group).replace('_', "-"),
                            stringify!($dialect)
                        );
                        super::check_case(&name, stringify!($dialect));
                    }
                )+
            }
        )+
        /// `(group ident, dialect)` of every listed case.
        const LISTED: &[(&str, &str)] = &[$($((stringify!($group), stringify!($dialect)),)+)+];
    };
}

cases! {
    core => [sqlite, postgres, mysql, mssql],
    core_uuid => [sqlite, postgres, mysql, mssql],
    core_serial => [sqlite, postgres, mysql, mssql],
    plugin_additional_fields => [sqlite, postgres, mysql, mssql],
    plugin_admin => [sqlite, postgres, mysql, mssql],
    plugin_anonymous => [sqlite, postgres, mysql, mssql],
    plugin_api_key => [sqlite, postgres, mysql, mssql],
    plugin_bearer => [sqlite, postgres, mysql, mssql],
    plugin_captcha => [sqlite, postgres, mysql, mssql],
    plugin_custom_session => [sqlite, postgres, mysql, mssql],
    plugin_device_authorization => [sqlite, postgres, mysql, mssql],
    plugin_email_otp => [sqlite, postgres, mysql, mssql],
    plugin_generic_oauth => [sqlite, postgres, mysql, mssql],
    plugin_have_i_been_pwned => [sqlite, postgres, mysql, mssql],
    plugin_jwt => [sqlite, postgres, mysql, mssql],
    plugin_last_login_method => [sqlite, postgres, mysql, mssql],
    plugin_magic_link => [sqlite, postgres, mysql, mssql],
    plugin_mcp => [sqlite, postgres, mysql, mssql],
    plugin_multi_session => [sqlite, postgres, mysql, mssql],
    plugin_oauth_provider => [sqlite, postgres, mysql, mssql],
    plugin_oauth_proxy => [sqlite, postgres, mysql, mssql],
    plugin_oidc_provider => [sqlite, postgres, mysql, mssql],
    plugin_one_tap => [sqlite, postgres, mysql, mssql],
    plugin_one_time_token => [sqlite, postgres, mysql, mssql],
    plugin_open_api => [sqlite, postgres, mysql, mssql],
    plugin_organization => [sqlite, postgres, mysql, mssql],
    plugin_passkey => [sqlite, postgres, mysql, mssql],
    plugin_phone_number => [sqlite, postgres, mysql, mssql],
    plugin_scim => [sqlite, postgres, mysql, mssql],
    plugin_siwe => [sqlite, postgres, mysql, mssql],
    plugin_sso => [sqlite, postgres, mysql, mssql],
    plugin_stripe => [sqlite, postgres, mysql, mssql],
    plugin_two_factor => [sqlite, postgres, mysql, mssql],
    plugin_username => [sqlite, postgres, mysql, mssql],
    variant_organization_teams => [sqlite, postgres, mysql, mssql],
    variant_organization_dynamic_access_control => [sqlite, postgres, mysql, mssql],
    variant_stripe_subscription => [sqlite, postgres, mysql, mssql],
    variant_last_login_method_store_in_database => [sqlite, postgres, mysql, mssql],
    variant_scim_provider_ownership => [sqlite, postgres, mysql, mssql],
    variant_sso_domain_verification => [sqlite, postgres, mysql, mssql],
    rate_limit_database => [sqlite, postgres, mysql, mssql],
    secondary_storage => [sqlite, postgres, mysql, mssql],
    custom_names => [sqlite, postgres, mysql, mssql],
    additional_fields_all_types => [sqlite, postgres, mysql, mssql],
    merge_two_plugins_same_table => [sqlite, postgres, mysql, mssql],
    core_two_factor_username_organization => [sqlite, postgres, mysql, mssql],
}

#[test]
fn every_fresh_case_has_a_test() {
    let mut on_disk: Vec<String> = std::fs::read_dir(cases_dir())
        .expect("tests/fixtures/parity")
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.is_dir() && !p.join("before.sql").exists())
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    on_disk.sort();
    let mut listed: Vec<String> = LISTED
        .iter()
        .map(|(g, d)| format!("{}-{d}", g.replace('_', "-")))
        .collect();
    listed.sort();
    let missing: Vec<_> = on_disk.iter().filter(|n| !listed.contains(n)).collect();
    let stale: Vec<_> = listed.iter().filter(|n| !on_disk.contains(n)).collect();
    assert!(
        missing.is_empty() && stale.is_empty(),
        "fresh case folders without a test: {missing:?}; tests without a fresh case folder: {stale:?}"
    );
    // The fixtures are a copy of the shared parity cases: at 1.6.9, 46 groups x 4 dialects.
    assert_eq!(listed.len(), 184);
}

/// `tests/fixtures/extra`: configurations the shared golden set does not cover (plugin
/// renames, additional fields on plugin models, option combinations, plugin orders, id
/// strategies with plugins, …), each with the SQL that Better Auth 1.6.9's
/// `getMigrations` produced on an empty database (rules A–C applied). One test runs them
/// all and names every case that differs.
#[test]
fn extra_upstream_cases() {
    fresh_cases_of(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/extra"),
        200,
    );
}

/// `tests/fixtures/parity-1.7`: the Better Auth 1.7 corpus (`auth` 1.7.7 with better-auth
/// 1.7.25), every fresh case through `schema print`; the incremental ones run against real
/// databases in `live_incremental`.
#[test]
fn better_auth_1_7_fresh_cases() {
    fresh_cases_of(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/parity-1.7"),
        189,
    );
}

/// Every fresh case (no `before.sql`) under `root`: `schema print` prints `expected.sql`.
fn fresh_cases_of(root: &Path, at_least: usize) {
    let mut names: Vec<String> = std::fs::read_dir(root)
        .expect("a fixture folder")
        .flatten()
        .filter(|e| {
            e.path().join("rustauth.toml").is_file() && !e.path().join("before.sql").exists()
        })
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert!(
        names.len() >= at_least,
        "only {} cases found in {}",
        names.len(),
        root.display()
    );
    let mut failures = Vec::new();
    for name in &names {
        let dir = root.join(name);
        let dialect = std::fs::read_to_string(dir.join("dialect")).expect("dialect");
        let expected = std::fs::read_to_string(dir.join("expected.sql")).expect("expected.sql");
        let out = rustauth()
            .args(["schema", "print", "--config"])
            .arg(dir.join("rustauth.toml"))
            .args(["--dialect", dialect.trim()])
            .output()
            .expect("run rustauth");
        let stdout = String::from_utf8_lossy(&out.stdout);
        let got = trim_one_newline(&stdout);
        if !out.status.success() {
            failures.push(format!(
                "{name}: exit {:?}: {}",
                out.status.code(),
                String::from_utf8_lossy(&out.stderr).trim()
            ));
        } else if got != expected {
            failures.push(format!("{name}: {}", first_difference(&expected, got)));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases differ:\n{}",
        failures.len(),
        names.len(),
        failures.join("\n")
    );
}
