//! `rustauth completions <shell>`: every shell gets a script; bash, zsh and fish load it
//! and complete a subcommand from it, where the shell is installed (else the test says
//! why it skipped).

use std::path::Path;
use std::process::Command as Process;

use assert_cmd::Command;

fn script(shell: &str) -> String {
    let o = Command::cargo_bin("rustauth")
        .unwrap()
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
        println!("skipped: {shell} is not installed (apt-get install {shell} to run this test)");
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
    let o = Command::cargo_bin("rustauth")
        .unwrap()
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
