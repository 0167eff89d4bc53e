//! `rustauth secret`: generation, every check rule in both modes, the stdin form,
//! `--check-env` lookup order, rotation lists, exit codes, and that a checked value never
//! appears in any output.

mod common;

use std::path::Path;

use base64::Engine;
use common::{Run, run_cmd, rustauth_in};
use rustauth::secret;

fn check(dir: &Path, value: &str, production: bool) -> Run {
    let mut cmd = rustauth_in(dir);
    cmd.args(["secret", "--check", value]);
    if production {
        cmd.arg("--production");
    }
    run_cmd(&mut cmd)
}

fn assert_not_leaked(out: &Run, value: &str) {
    assert!(!value.is_empty());
    assert!(
        !out.stdout.contains(value) && !out.stderr.contains(value),
        "the value leaked:\n{}\n{}",
        out.stdout,
        out.stderr
    );
}

fn good() -> String {
    secret::generate(32, secret::Encoding::Base64Url).unwrap()
}

#[test]
fn generates_base64url_32_bytes_by_default() {
    let dir = tempfile::tempdir().unwrap();
    let a = run_cmd(rustauth_in(dir.path()).arg("secret"));
    assert_eq!(a.code, 0, "{}", a.stderr);
    let line = a.stdout.strip_suffix('\n').unwrap();
    let value = line.strip_prefix("RUSTAUTH_SECRET=").expect(line);
    assert_eq!(value.len(), 43);
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(value)
        .expect("URL-safe base64 without padding");
    assert_eq!(bytes.len(), 32);
    // The hint is one line on stderr.
    assert_eq!(
        a.stderr
            .lines()
            .filter(|l| !l.starts_with("help: "))
            .count(),
        1,
        "{}",
        a.stderr
    );
    assert!(a.stderr.starts_with("hint: "));
    let b = run_cmd(rustauth_in(dir.path()).arg("secret"));
    assert_ne!(a.stdout, b.stdout, "two secrets must differ");
}

#[test]
fn raw_hex_and_byte_counts() {
    let dir = tempfile::tempdir().unwrap();
    let o = run_cmd(rustauth_in(dir.path()).args(["secret", "--raw", "--format", "hex"]));
    assert_eq!(o.code, 0);
    let v = o.stdout.trim_end();
    assert_eq!(v.len(), 64);
    assert!(
        v.bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
    );
    assert_eq!(o.stderr, "", "--raw prints the value alone");

    let o = run_cmd(
        rustauth_in(dir.path()).args(["secret", "--raw", "--bytes", "48", "--format", "hex"]),
    );
    assert_eq!(o.stdout.trim_end().len(), 96);
    let o = run_cmd(rustauth_in(dir.path()).args(["secret", "--raw", "--bytes", "48"]));
    assert_eq!(o.stdout.trim_end().len(), 64);
}

#[test]
fn fewer_than_32_bytes_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let o = run_cmd(rustauth_in(dir.path()).args(["secret", "--bytes", "31"]));
    assert_eq!(o.code, 2);
    assert!(o.stderr.contains("at least 32"), "{}", o.stderr);
    assert_eq!(o.stdout, "");
}

#[test]
fn generation_and_check_flags_do_not_mix() {
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(
        run_cmd(rustauth_in(dir.path()).args(["secret", "--production"])).code,
        2
    );
    assert_eq!(
        run_cmd(rustauth_in(dir.path()).args(["secret", "--raw", "--check", "x"])).code,
        2
    );
    assert_eq!(
        run_cmd(rustauth_in(dir.path()).args(["secret", "--check", "x", "--check-env"])).code,
        2
    );
}

#[test]
fn names_the_configured_variable() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("rustauth.toml"),
        "[security]\nsecret_env = \"MY_SECRET\"\n",
    )
    .unwrap();
    let o = run_cmd(rustauth_in(dir.path()).arg("secret"));
    assert!(o.stdout.starts_with("MY_SECRET="), "{}", o.stdout);
}

#[test]
fn generated_and_better_auth_style_secrets_pass_in_production() {
    let dir = tempfile::tempdir().unwrap();
    for format in ["base64url", "hex"] {
        let v = run_cmd(rustauth_in(dir.path()).args(["secret", "--raw", "--format", format]));
        let v = v.stdout.trim_end();
        let o = check(dir.path(), v, true);
        assert_eq!(o.code, 0, "{format}: {}", o.stdout);
        assert!(o.stdout.contains("secret check passed"));
        assert_not_leaked(&o, v);
    }
    // A 64-character hex secret as Better Auth's `auth secret` prints it.
    let hex = "7c2f0e9a4b1d8c3f6a5e2b9d0c7f4a1e8b3d6c9f2a5e0b7d4c1f8a3e6b9d2c5f";
    let o = check(dir.path(), hex, true);
    assert_eq!(o.code, 0, "{}", o.stdout);
    assert_not_leaked(&o, hex);
}

/// Each rule: a value that breaks it alone, the message, and the exit codes in
/// development and in production.
#[test]
fn every_rule_has_its_message_and_exit_codes() {
    let dir = tempfile::tempdir().unwrap();
    let cases: Vec<(&str, String, &str, i32, i32)> = vec![
        (
            "known default (Better Auth)",
            secret::BETTER_AUTH_DEFAULT_SECRET.to_string(),
            "Better Auth's built-in default secret",
            3,
            3,
        ),
        (
            "known default (init placeholder)",
            secret::INIT_PLACEHOLDER.to_string(),
            "the placeholder that `rustauth init` writes",
            3,
            3,
        ),
        (
            "known default (README)",
            secret::README_EXAMPLE.to_string(),
            "the example value from rustauth's README",
            3,
            3,
        ),
        (
            "example-looking",
            format!("changeme-{}", good()),
            "looks like an example value (it contains `changeme`)",
            3,
            3,
        ),
        (
            "example-looking (case-insensitive)",
            format!("{}-Your-Secret", good()),
            "looks like an example value (it contains `your-secret`)",
            3,
            3,
        ),
        (
            "too short (31 distinct characters: entropy is fine)",
            "abcdefghijklmnopqrstuvwxyzABCDE".to_string(),
            "is 31 characters long; use at least 32",
            0,
            3,
        ),
        (
            "low entropy (80 characters, 2 distinct)",
            "ab".repeat(40),
            "looks low-entropy: about 80 bits",
            0,
            3,
        ),
    ];
    for (name, value, message, dev, prod) in cases {
        for (production, want) in [(false, dev), (true, prod)] {
            let o = check(dir.path(), &value, production);
            assert_eq!(
                o.code, want,
                "{name} (production: {production}): {}",
                o.stdout
            );
            assert!(
                o.stdout.contains(message),
                "{name}: wanted {message:?} in\n{}",
                o.stdout
            );
            let tag = if want == 0 { "warn: " } else { "fail: " };
            assert!(o.stdout.contains(tag), "{name}: {}", o.stdout);
            assert_not_leaked(&o, &value);
        }
    }
}

#[test]
fn length_and_entropy_fail_together_only_in_production() {
    let dir = tempfile::tempdir().unwrap();
    let o = check(dir.path(), "short", false);
    assert_eq!(o.code, 0);
    assert!(o.stdout.contains("passed") && o.stdout.contains("2 warnings"));
    let o = check(dir.path(), "short", true);
    assert_eq!(o.code, 3);
    assert_eq!(o.stdout.matches("fail: ").count(), 2, "{}", o.stdout);
}

#[test]
fn empty_value_fails_in_both_modes() {
    let dir = tempfile::tempdir().unwrap();
    for production in [false, true] {
        let o = check(dir.path(), "", production);
        assert_eq!(o.code, 3);
        assert!(o.stdout.contains("the secret is empty"), "{}", o.stdout);
    }
}

#[test]
fn project_production_in_the_config_makes_warnings_fail() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("rustauth.toml"),
        "[project]\nproduction = true\n",
    )
    .unwrap();
    let o = check(dir.path(), "abcdefghijklmnopqrstuvwxyzABCDE", false);
    assert_eq!(o.code, 3, "{}", o.stdout);
    assert!(o.stdout.contains("production: every finding fails"));
}

#[test]
fn a_broken_config_is_an_error_not_a_failed_check() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("rustauth.toml"), "[project\n").unwrap();
    let o = check(dir.path(), &good(), false);
    assert_eq!(o.code, 1);
    assert!(o.stderr.starts_with("error: "));
}

#[test]
fn reads_the_value_from_stdin() {
    let dir = tempfile::tempdir().unwrap();
    let v = good();
    let o = run_cmd(
        rustauth_in(dir.path())
            .args(["secret", "--check", "-", "--production"])
            .write_stdin(format!("{v}\n")),
    );
    assert_eq!(o.code, 0, "{}", o.stdout);
    assert!(o.stdout.contains("from stdin"));
    assert_not_leaked(&o, &v);

    // The final line break is not part of the value; everything else is.
    let v = secret::BETTER_AUTH_DEFAULT_SECRET;
    let o = run_cmd(
        rustauth_in(dir.path())
            .args(["secret", "--check", "-"])
            .write_stdin(format!("{v}\r\n")),
    );
    assert_eq!(o.code, 3, "{}", o.stdout);
    assert!(o.stdout.contains("built-in default"));
    assert_not_leaked(&o, v);

    let o = run_cmd(
        rustauth_in(dir.path())
            .args(["secret", "--check", "-", "--production"])
            .write_stdin("tooshort"),
    );
    assert_eq!(o.code, 3);
    assert!(o.stdout.contains("is 8 characters long"), "{}", o.stdout);
}

#[test]
fn check_env_reads_dotenv_files_then_the_fallbacks() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();

    // Nothing anywhere.
    let o = run_cmd(rustauth_in(d).args(["secret", "--check-env"]));
    assert_eq!(o.code, 3);
    assert!(o.stdout.contains("no secret is set"), "{}", o.stdout);
    assert!(o.stdout.contains(
        "RUSTAUTH_SECRET, RUSTAUTH_SECRETS, BETTER_AUTH_SECRETS, BETTER_AUTH_SECRET, AUTH_SECRET"
    ));

    // .env holds a good one.
    let v = good();
    std::fs::write(d.join(".env"), format!("# local\nRUSTAUTH_SECRET={v}\n")).unwrap();
    let o = run_cmd(rustauth_in(d).args(["secret", "--check-env", "--production"]));
    assert_eq!(o.code, 0, "{}", o.stdout);
    assert!(o.stdout.contains("RUSTAUTH_SECRET"));
    assert_not_leaked(&o, &v);

    // .env.local wins over .env.
    std::fs::write(
        d.join(".env.local"),
        format!("RUSTAUTH_SECRET={}\n", secret::BETTER_AUTH_DEFAULT_SECRET),
    )
    .unwrap();
    let o = run_cmd(rustauth_in(d).args(["secret", "--check-env"]));
    assert_eq!(o.code, 3, "{}", o.stdout);
    assert_not_leaked(&o, secret::BETTER_AUTH_DEFAULT_SECRET);

    // The process environment wins over both files.
    let w = good();
    let o = run_cmd(
        rustauth_in(d)
            .args(["secret", "--check-env", "--production"])
            .env("RUSTAUTH_SECRET", &w),
    );
    assert_eq!(o.code, 0, "{}", o.stdout);
    assert_not_leaked(&o, &w);
}

#[test]
fn check_env_falls_back_in_upstream_order() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let v = good();
    // BETTER_AUTH_SECRET is used when the configured variable is absent...
    let o = run_cmd(
        rustauth_in(d)
            .args(["secret", "--check-env", "--production"])
            .env("BETTER_AUTH_SECRET", &v)
            .env("AUTH_SECRET", "weak"),
    );
    assert_eq!(o.code, 0, "{}", o.stdout);
    assert!(o.stdout.contains("for BETTER_AUTH_SECRET"), "{}", o.stdout);
    // ...after the rotation lists...
    let o = run_cmd(
        rustauth_in(d)
            .args(["secret", "--check-env", "--production"])
            .env("BETTER_AUTH_SECRET", &v)
            .env("BETTER_AUTH_SECRETS", "weak"),
    );
    assert_eq!(o.code, 3, "{}", o.stdout);
    assert!(o.stdout.contains("BETTER_AUTH_SECRETS (a rotation list)"));
    // ...and the configured variable comes first; an empty one counts as unset.
    std::fs::write(
        d.join("rustauth.toml"),
        "[security]\nsecret_env = \"MY_SECRET\"\n",
    )
    .unwrap();
    let o = run_cmd(
        rustauth_in(d)
            .args(["secret", "--check-env"])
            .env("MY_SECRET", "")
            .env("AUTH_SECRET", secret::BETTER_AUTH_DEFAULT_SECRET),
    );
    assert_eq!(o.code, 3);
    assert!(o.stdout.contains("for AUTH_SECRET"), "{}", o.stdout);
    let o = run_cmd(
        rustauth_in(d)
            .args(["secret", "--check-env"])
            .env("MY_SECRET", ""),
    );
    assert_eq!(o.code, 3);
    assert!(o.stdout.contains("the secret is empty"), "{}", o.stdout);
    assert!(o.stdout.contains("for MY_SECRET"), "{}", o.stdout);
}

#[test]
fn rotation_lists() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let (a, b) = (good(), good());

    let ok = format!("2:{a}, 1:{b}");
    let o = check(d, &ok, true);
    assert_eq!(o.code, 0, "{}", o.stdout);
    assert_not_leaked(&o, &a);
    assert_not_leaked(&o, &b);

    let cases: Vec<(String, &str)> = vec![
        (
            format!("1:{a},v2:{b}"),
            "entry 2: the version before `:` must be a non-negative integer",
        ),
        (
            format!("1:{a},1:{b}"),
            "entry 2: version 1 appears more than once",
        ),
        (format!("1:{a},2:"), "the secret of version 2 is empty"),
        (format!("1:{a},{b}"), "entry 2 is not `<version>:<secret>`"),
        (format!("1:{a},"), "entry 2 is not `<version>:<secret>`"),
    ];
    for (value, message) in &cases {
        for production in [false, true] {
            let o = check(d, value, production);
            assert_eq!(o.code, 3, "{value}: {}", o.stdout);
            assert!(o.stdout.contains(message), "{message}: {}", o.stdout);
            assert_not_leaked(&o, &a);
            assert_not_leaked(&o, &b);
        }
    }

    // The current (first) secret gets the strength rules; older ones do not.
    let o = check(d, &format!("3:short,2:{a}"), false);
    assert_eq!(o.code, 0, "{}", o.stdout);
    assert!(
        o.stdout
            .contains("the current secret (version 3) is 5 characters long")
    );
    let o = check(d, &format!("3:short,2:{a}"), true);
    assert_eq!(o.code, 3);
    let o = check(d, &format!("3:{a},2:short"), true);
    assert_eq!(o.code, 0, "{}", o.stdout);
    let o = check(
        d,
        &format!("1:{},2:{a}", secret::BETTER_AUTH_DEFAULT_SECRET),
        false,
    );
    assert_eq!(o.code, 3);
    assert!(
        o.stdout
            .contains("the current secret (version 1) is Better Auth's")
    );
}

#[test]
fn rotation_variables_are_parsed_strictly() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let a = good();
    for var in ["RUSTAUTH_SECRETS", "BETTER_AUTH_SECRETS"] {
        // A bare secret in a rotation variable is malformed (as upstream).
        let o = run_cmd(rustauth_in(d).args(["secret", "--check-env"]).env(var, &a));
        assert_eq!(o.code, 3, "{var}: {}", o.stdout);
        assert!(o.stdout.contains("entry 1 is not `<version>:<secret>`"));
        assert_not_leaked(&o, &a);
        // A negative version is not a non-negative integer.
        let o = run_cmd(
            rustauth_in(d)
                .args(["secret", "--check-env"])
                .env(var, format!("-1:{a}")),
        );
        assert_eq!(o.code, 3);
        assert!(o.stdout.contains("must be a non-negative integer"));
        let o = run_cmd(
            rustauth_in(d)
                .args(["secret", "--check-env", "--production"])
                .env(var, format!("1:{a}")),
        );
        assert_eq!(o.code, 0, "{}", o.stdout);
        assert!(o.stdout.contains(&format!("{var} (a rotation list)")));
    }
}
