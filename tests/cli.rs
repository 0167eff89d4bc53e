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
