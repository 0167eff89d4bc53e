//! `rustauth completions <shell>`: every shell gets a script; bash, zsh and fish load it
//! and complete a subcommand from it, where the shell is installed (else the test says
//! why it skipped).

mod common;

use std::path::Path;
use std::process::Command as Process;

fn script(shell: &str) -> String {
    let o = common::rustauth()
        .args(["completions", shell])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{shell}");
    assert!(
        o.stderr.is_empty(),
        "{shell}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout).unwrap()
}

/// Writes the script for `shell` into a temporary folder.
fn script_file(shell: &str, dir: &Path) -> std::path::PathBuf {
    let path = dir.join(format!("rustauth.{shell}"));
    std::fs::write(&path, script(shell)).unwrap();
    path
}

fn installed(shell: &str) -> bool {
    let found = Process::new(shell)
        .arg("--version")
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    if !found {
        common::say_skipped(&format!(
            "{shell} is not installed (apt-get install {shell} to run this test)"
        ));
    }
    found
}

/// Runs `shell args…` in `dir` with HOME there (no user config), and returns stdout.
fn shell_output(shell: &str, dir: &Path, args: &[&str]) -> String {
    let o = Process::new(shell)
        .args(args)
        .current_dir(dir)
        .env("HOME", dir)
        .env("XDG_CONFIG_HOME", dir)
        .env("XDG_DATA_HOME", dir)
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "{shell} {args:?} failed: {}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout).unwrap()
}

#[test]
fn every_shell_gets_its_script() {
    for (shell, marker) in [
        ("bash", "complete -F _rustauth"),
        ("zsh", "#compdef rustauth"),
        ("fish", "complete -c rustauth"),
        ("powershell", "Register-ArgumentCompleter"),
        ("elvish", "edit:completion:arg-completer[rustauth]"),
    ] {
        let s = script(shell);
        assert!(s.contains(marker), "{shell}: no {marker:?}");
        for sub in ["secret", "init", "plugins", "completions", "migrate"] {
            assert!(s.contains(sub), "{shell}: no {sub}");
        }
    }
}

#[test]
fn an_unknown_shell_is_a_usage_error() {
    let o = common::rustauth()
        .args(["completions", "tcsh"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn bash_loads_the_script_and_completes() {
    if !installed("bash") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let file = script_file("bash", dir.path());
    let f = file.to_str().unwrap();
    shell_output("bash", dir.path(), &["-n", f]);
    let out = shell_output(
        "bash",
        dir.path(),
        &[
            "--norc",
            "-c",
            &format!(
                r#"source '{f}'
complete -p rustauth
COMP_WORDS=(rustauth se); COMP_CWORD=1; COMP_LINE="rustauth se"; COMP_POINT=${{#COMP_LINE}}
_rustauth rustauth se rustauth
echo "words: ${{COMPREPLY[*]}}"
COMP_WORDS=(rustauth plugins ""); COMP_CWORD=2; COMP_LINE="rustauth plugins "; COMP_POINT=${{#COMP_LINE}}
_rustauth rustauth "" plugins
echo "plugins: ${{COMPREPLY[*]}}""#
            ),
        ],
    );
    assert!(out.contains("-F _rustauth rustauth"), "{out}");
    assert!(out.contains("words: secret\n"), "{out}");
    let plugins = out.lines().find(|l| l.starts_with("plugins: ")).unwrap();
    for sub in ["list", "add", "remove"] {
        assert!(plugins.split_whitespace().any(|w| w == sub), "{out}");
    }
}

#[test]
fn zsh_loads_the_script() {
    if !installed("zsh") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let file = script_file("zsh", dir.path());
    let f = file.to_str().unwrap();
    shell_output("zsh", dir.path(), &["-n", f]);
    let out = shell_output(
        "zsh",
        dir.path(),
        &[
            "-f",
            "-c",
            &format!(
                "autoload -U compinit && compinit -u -D && source '{f}' && print -r -- \"registered: $_comps[rustauth]\" && (( $+functions[_rustauth] )) && print defined"
            ),
        ],
    );
    assert!(out.contains("registered: _rustauth\n"), "{out}");
    assert!(out.contains("defined"), "{out}");
}

#[test]
fn fish_loads_the_script_and_completes() {
    if !installed("fish") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let file = script_file("fish", dir.path());
    let f = file.to_str().unwrap();
    shell_output("fish", dir.path(), &["--no-execute", f]);
    let out = shell_output(
        "fish",
        dir.path(),
        &[
            "--no-config",
            "-c",
            &format!(
                "source '{f}'; complete -C 'rustauth se'; complete -C 'rustauth secret --che'"
            ),
        ],
    );
    assert!(out.lines().any(|l| l.starts_with("secret\t")), "{out}");
    assert!(out.lines().any(|l| l.starts_with("--check\t")), "{out}");
    assert!(out.lines().any(|l| l.starts_with("--check-env\t")), "{out}");
}

/// Values complete too: plugin ids (`plugins add/remove`, `init --plugins`), adapters,
/// dialects and Better Auth lines; the deprecated `--y` is offered nowhere.
#[test]
fn values_complete_and_deprecated_flags_do_not() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let s = script(shell);
        // clap_complete's PowerShell and elvish scripts complete subcommands and flags,
        // not values.
        let values: &[&str] = if matches!(shell, "bash" | "zsh" | "fish") {
            &[
                "two-factor",
                "agent-auth",
                "oidc-provider",
                "deadpool-postgres",
                "mssql",
                "1.7",
            ]
        } else {
            &[]
        };
        for value in values {
            assert!(s.contains(value), "{shell}: no {value}");
        }
        assert!(
            !s.split(|c: char| c.is_whitespace() || c == '\'' || c == '"' || c == '[')
                .any(|w| w == "--y"),
            "{shell} offers --y"
        );
    }
    if !installed("bash") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let file = script_file("bash", dir.path());
    let f = file.to_str().unwrap();
    let out = shell_output(
        "bash",
        dir.path(),
        &[
            "--norc",
            "-c",
            &format!(
                r#"source '{f}'
COMP_WORDS=(rustauth plugins add two); COMP_CWORD=3; COMP_LINE="rustauth plugins add two"; COMP_POINT=${{#COMP_LINE}}
_rustauth rustauth two add
echo "ids: ${{COMPREPLY[*]}}"
COMP_WORDS=(rustauth generate --dialect ""); COMP_CWORD=3; COMP_LINE="rustauth generate --dialect "; COMP_POINT=${{#COMP_LINE}}
_rustauth rustauth "" --dialect
echo "dialects: ${{COMPREPLY[*]}}"
COMP_WORDS=(rustauth migrate --); COMP_CWORD=2; COMP_LINE="rustauth migrate --"; COMP_POINT=${{#COMP_LINE}}
_rustauth rustauth -- migrate
echo "flags: ${{COMPREPLY[*]}}""#
            ),
        ],
    );
    assert!(out.contains("ids: two-factor\n"), "{out}");
    let dialects = out.lines().find(|l| l.starts_with("dialects: ")).unwrap();
    for d in ["sqlite", "postgres", "mysql", "mssql"] {
        assert!(dialects.split_whitespace().any(|w| w == d), "{out}");
    }
    let flags = out.lines().find(|l| l.starts_with("flags: ")).unwrap();
    assert!(flags.split_whitespace().any(|w| w == "--yes"), "{out}");
    assert!(!flags.split_whitespace().any(|w| w == "--y"), "{out}");
}
