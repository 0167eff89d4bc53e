//! `rustauth completions <shell>`: every shell gets a script; bash, zsh and fish load it
//! and complete a subcommand from it, where the shell is installed (else the test says
//! why it skipped). PowerShell and elvish complete the same values as the others, each
//! at its option or command; `pwsh` and `elvish` parse their script where installed.

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command as Process;

use rustauth::schema::plugins::REGISTRY;

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
        let how = match shell {
            "pwsh" => "PowerShell 7, e.g. `dotnet tool install --global PowerShell`".to_string(),
            _ => format!("apt-get install {shell}"),
        };
        common::say_skipped(&format!(
            "{shell} is not installed ({how} to run this test)"
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
        for value in [
            "two-factor",
            "agent-auth",
            "oidc-provider",
            "deadpool-postgres",
            "mssql",
            "1.7",
        ] {
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

// ------------------------------------------------------------ PowerShell and elvish

/// `(key, values)` of every line of `text` between the line `start` and the next line
/// `end`, read by `line`; panics when the block is missing.
fn block<'a>(
    text: &'a str,
    start: &str,
    end: &str,
    line: impl Fn(&'a str) -> Option<(String, Vec<String>)>,
) -> BTreeMap<String, Vec<String>> {
    let lines: Vec<&str> = text.lines().collect();
    let from = lines
        .iter()
        .position(|l| *l == start)
        .unwrap_or_else(|| panic!("no line {start:?}"));
    let mut out = BTreeMap::new();
    for l in &lines[from + 1..] {
        if *l == end {
            return out;
        }
        let (key, values) = line(l).unwrap_or_else(|| panic!("unreadable line {l:?}"));
        assert!(out.insert(key.clone(), values).is_none(), "{key} twice");
    }
    panic!("{start:?} is not closed by {end:?}")
}

/// `'a', 'b'` or `'a' 'b'` → `[a, b]`.
fn quoted_list(text: &str, separator: &str) -> Vec<String> {
    text.split(separator)
        .map(|v| {
            v.strip_prefix('\'')
                .and_then(|v| v.strip_suffix('\''))
                .unwrap_or_else(|| panic!("not quoted: {v:?} in {text:?}"))
                .to_string()
        })
        .collect()
}

/// The PowerShell script's value tables: option values by `path;--option`, positional
/// values by command path.
fn powershell_values() -> (BTreeMap<String, Vec<String>>, BTreeMap<String, Vec<String>>) {
    let s = script("powershell");
    let options = block(
        &s,
        "    $rustauthOptionValues = switch -CaseSensitive -Exact (\"$command;$rustauthPrevious\") {",
        "    }",
        |l| {
            let (key, rest) = l.strip_prefix("        '")?.split_once("' { ")?;
            let values = rest.strip_suffix("; break }")?;
            Some((key.to_string(), quoted_list(values, ", ")))
        },
    );
    let positionals = block(
        &s,
        "    $rustauthPositionalValues = switch -CaseSensitive -Regex ($command) {",
        "    }",
        |l| {
            let (pattern, rest) = l.strip_prefix("        '^")?.split_once("(;|$)' { ")?;
            let (path, rest) = rest.strip_prefix("$command = '")?.split_once("'; ")?;
            // The pattern matches the command and what follows it, and nothing else.
            assert_eq!(pattern, path, "{l}");
            let values = rest.strip_suffix("; break }")?;
            Some((path.to_string(), quoted_list(values, ", ")))
        },
    );
    (options, positionals)
}

/// The elvish script's value tables, as [`powershell_values`].
fn elvish_values() -> (BTreeMap<String, Vec<String>>, BTreeMap<String, Vec<String>>) {
    let s = script("elvish");
    let options = block(&s, "    var rustauth-option-values = [", "    ]", |l| {
        let (key, rest) = l.strip_prefix("        &'")?.split_once("'=[")?;
        Some((key.to_string(), quoted_list(rest.strip_suffix(']')?, " ")))
    });
    let positionals = block(&s, "    var rustauth-positional-values = [", "    ]", |l| {
        let (path, rest) = l.strip_prefix("        ['")?.split_once("' [")?;
        Some((path.to_string(), quoted_list(rest.strip_suffix("]]")?, " ")))
    });
    (options, positionals)
}

fn strings(values: &[&str]) -> Vec<String> {
    values
        .iter()
        .map(std::string::ToString::to_string)
        .collect()
}

/// What each option and command completes, the same in both scripts.
fn check_values(
    shell: &str,
    (options, positionals): (BTreeMap<String, Vec<String>>, BTreeMap<String, Vec<String>>),
) {
    let ids: Vec<String> = REGISTRY.iter().map(|p| p.id.to_string()).collect();
    assert!(ids.iter().any(|i| i == "two-factor"));
    let adapters = strings(&rustauth::config::adapter::Adapter::NAMES);
    let dialects = strings(&["sqlite", "postgres", "mysql", "mssql"]);
    let lines = strings(&["1.6", "1.7"]);
    let colors = strings(&["auto", "always", "never"]);
    let expected: &[(&str, &Vec<String>)] = &[
        ("rustauth;init;--plugins", &ids),
        ("rustauth;init;--adapter", &adapters),
        ("rustauth;generate;--adapter", &adapters),
        ("rustauth;generate;--dialect", &dialects),
        ("rustauth;schema;print;--dialect", &dialects),
        (
            "rustauth;init;--provider",
            &strings(&["sqlite", "postgres", "mysql"]),
        ),
        (
            "rustauth;init;--framework",
            &strings(&["axum", "actix-web", "rocket", "other"]),
        ),
        ("rustauth;init;--better-auth", &lines),
        ("rustauth;generate;--better-auth", &lines),
        ("rustauth;schema;print;--better-auth", &lines),
        ("rustauth;schema;print;--format", &strings(&["sql", "json"])),
        ("rustauth;secret;--format", &strings(&["base64url", "hex"])),
        ("rustauth;--color", &colors),
        ("rustauth;migrate;--color", &colors),
        ("rustauth;plugins;add;--color", &colors),
    ];
    for (key, values) in expected {
        assert_eq!(options.get(*key), Some(*values), "{shell}: {key}");
    }
    // Options without listed values, and options a command does not have, complete none.
    for key in [
        "rustauth;generate;--output",
        "rustauth;migrate;--dialect",
        "rustauth;plugins;add;--plugins",
        "rustauth;secret;--bytes",
    ] {
        assert!(!options.contains_key(key), "{shell}: {key}");
    }
    // No deprecated spelling anywhere.
    assert!(!options.keys().any(|k| k.ends_with(";--y")), "{shell}");
    let shells = strings(&["bash", "elvish", "fish", "powershell", "zsh"]);
    let expected: BTreeMap<String, Vec<String>> = [
        ("rustauth;plugins;add".to_string(), ids.clone()),
        ("rustauth;plugins;remove".to_string(), ids),
        ("rustauth;completions".to_string(), shells),
    ]
    .into();
    assert_eq!(positionals, expected, "{shell}");
}

#[test]
fn powershell_completes_values_at_their_option_and_command() {
    check_values("powershell", powershell_values());
    // The tables sit after clap_complete's `$command` and before its candidates; the
    // values join the candidates before they are filtered.
    let s = script("powershell");
    let at = |needle: &str| {
        s.find(needle)
            .unwrap_or_else(|| panic!("no {needle:?} in the PowerShell script"))
    };
    let order = [
        at("    }) -join ';'\n"),
        at("    $rustauthOptionValues = switch"),
        at("    $rustauthPositionalValues = switch"),
        at("    $completions = @(switch ($command) {"),
        at("    foreach ($value in $rustauthValues) {"),
        at("    $completions.Where{"),
    ];
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{order:?}");
}

#[test]
fn elvish_completes_values_at_their_option_and_command() {
    check_values("elvish", elvish_values());
    let s = script("elvish");
    let tail = &s[s.find("    var rustauth-option-values = [").unwrap()..];
    assert!(
        tail.contains("$rustauth-option-values[$command';'$words[-2]]"),
        "option values by the word before"
    );
    // clap_complete's candidates are still offered, once, after the positional values.
    assert_eq!(s.matches("$completions[$command]").count(), 1);
    assert!(
        tail.find("for site $rustauth-positional-values").unwrap()
            < tail.find("$completions[$command]").unwrap()
    );
    assert!(s.ends_with("    }\n}\n"), "{tail}");
}

#[test]
fn pwsh_parses_the_script_and_completes_values() {
    if !installed("pwsh") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let file = script_file("powershell", dir.path());
    let f = file.to_str().unwrap().replace('\'', "''");
    let bin = Path::new(common::bin())
        .parent()
        .unwrap()
        .to_str()
        .unwrap()
        .replace('\'', "''");
    let complete = |line: &str| {
        format!(
            "(TabExpansion2 -inputScript '{line}' -cursorColumn {}).CompletionMatches | ForEach-Object {{ '{line}: ' + $_.CompletionText }}",
            line.len()
        )
    };
    let out = shell_output(
        "pwsh",
        dir.path(),
        &[
            "-NoProfile",
            "-NonInteractive",
            "-Command",
            &format!(
                "$errors = $null; [System.Management.Automation.Language.Parser]::ParseFile('{f}', [ref]$null, [ref]$errors) | Out-Null; if ($errors.Count) {{ $errors | ForEach-Object {{ $_.ToString() }}; exit 1 }}; $env:PATH = '{bin}' + [IO.Path]::PathSeparator + $env:PATH; . '{f}'; {}; {}; {}",
                complete("rustauth plugins add two"),
                complete("rustauth generate --dialect "),
                complete("rustauth migrate --"),
            ),
        ],
    );
    assert!(
        out.contains("rustauth plugins add two: two-factor\n"),
        "{out}"
    );
    for d in ["sqlite", "postgres", "mysql", "mssql"] {
        assert!(
            out.contains(&format!("rustauth generate --dialect : {d}\n")),
            "{out}"
        );
    }
    assert!(out.contains("rustauth migrate --: --yes\n"), "{out}");
    assert!(!out.contains("rustauth migrate --: --y\n"), "{out}");
}

#[test]
fn elvish_compiles_the_script() {
    if !installed("elvish") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let file = script_file("elvish", dir.path());
    shell_output(
        "elvish",
        dir.path(),
        &["-norc", "-compileonly", file.to_str().unwrap()],
    );
}
