//! `rustauth completions <shell>`: a completion script for bash, zsh, fish, PowerShell or
//! elvish on stdout (clap_complete). README.md has the install line for each shell.
//!
//! clap_complete's bash, zsh and fish scripts complete the values an argument's parser
//! lists (plugin ids, adapters, dialects, Better Auth lines, shells); its PowerShell and
//! elvish scripts complete subcommands and options only. For those two the values are
//! added here, read from the same place (`possible_values()` of each argument's parser,
//! hidden values left out): the value of the option before the word being completed, and
//! of a command's first positional argument that lists values.

use anyhow::Result;
use clap::CommandFactory;
use clap_complete::Shell;

use crate::cli::{Cli, CompletionsArgs};
use crate::exit::Exit;

pub(crate) fn run(args: CompletionsArgs) -> Result<Exit> {
    let script = script(args.shell, Cli::command());
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(script.as_bytes())
        .and_then(|_| stdout.flush())
    {
        // A closed pipe (`| head`) is not an error.
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(anyhow::Error::new(e).context("cannot write to stdout"))
        }
        _ => Ok(Exit::Ok),
    }
}

/// The completion script of `cmd` for `shell`, as `rustauth`.
fn script(shell: Shell, mut cmd: clap::Command) -> String {
    let mut out = Vec::new();
    // Builds `cmd` (global options propagated to every subcommand) before generating.
    clap_complete::generate(shell, &mut cmd, "rustauth", &mut out);
    let script = String::from_utf8(out).expect("clap_complete writes UTF-8");
    match shell {
        Shell::PowerShell => powershell(&script, &Sites::of(&cmd)),
        Shell::Elvish => elvish(&script, &Sites::of(&cmd)),
        _ => script,
    }
}

/// Where values complete: keyed by the command path as both scripts spell it
/// (`rustauth;plugins;add`).
#[derive(Debug, Default)]
struct Sites {
    /// `(path, option spelling, values)`: `--dialect` and every visible alias or short.
    options: Vec<(String, String, Vec<String>)>,
    /// `(path, values)` of the first positional argument that lists values, longest
    /// path first (so that a path is matched before its parent's).
    positionals: Vec<(String, Vec<String>)>,
}

impl Sites {
    /// The sites of a built command.
    fn of(cmd: &clap::Command) -> Sites {
        let mut sites = Sites::default();
        let root = cmd.get_bin_name().unwrap_or(cmd.get_name()).to_string();
        sites.walk(cmd, &root);
        sites
            .positionals
            .sort_by(|a, b| b.0.len().cmp(&a.0.len()).then(a.0.cmp(&b.0)));
        sites
    }

    fn walk(&mut self, cmd: &clap::Command, path: &str) {
        let mut positional = false;
        for arg in cmd.get_arguments() {
            if arg.is_hide_set() || !arg.get_num_args().is_some_and(|n| n.takes_values()) {
                continue;
            }
            let values: Vec<String> = arg
                .get_value_parser()
                .possible_values()
                .into_iter()
                .flatten()
                .filter(|v| !v.is_hide_set())
                .map(|v| v.get_name().to_string())
                .collect();
            if values.is_empty() {
                continue;
            }
            if arg.is_positional() {
                if !positional {
                    positional = true;
                    self.positionals.push((path.to_string(), values));
                }
                continue;
            }
            let longs = arg.get_long_and_visible_aliases().unwrap_or_default();
            let shorts = arg.get_short_and_visible_aliases().unwrap_or_default();
            let spellings = longs
                .iter()
                .map(|l| format!("--{l}"))
                .chain(shorts.iter().map(|s| format!("-{s}")));
            for spelling in spellings {
                self.options
                    .push((path.to_string(), spelling, values.clone()));
            }
        }
        for sub in cmd.get_subcommands() {
            for name in sub.get_name_and_visible_aliases() {
                self.walk(sub, &format!("{path};{name}"));
            }
        }
    }
}

/// A single-quoted string for PowerShell and elvish (both double a `'`).
fn quoted(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// `s` as a literal in a .NET regular expression.
fn regex_literal(s: &str) -> String {
    s.chars()
        .flat_map(|c| {
            let special = !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | ';'));
            special.then_some('\\').into_iter().chain([c])
        })
        .collect()
}

/// clap_complete's PowerShell script with the values: before its `switch ($command)`, the
/// values of the option before the cursor (`$rustauthOptionValues`) and of the command's
/// positional argument (`$rustauthPositionalValues`, which also moves `$command` back to
/// the command when values were already typed); after it, an option's values replace the
/// candidates, a positional argument's join them.
fn powershell(script: &str, sites: &Sites) -> String {
    const AFTER_COMMAND: &str = "    }) -join ';'\n";
    const BEFORE_FILTER: &str = "    $completions.Where{";
    let mut values = String::from(
        "
    # Values (rustauth): the option before the word being completed, and the first
    # positional argument of the command.
    $rustauthPrevious = ''
    foreach ($rustauthElement in $commandElements) {
        if ($rustauthElement.Extent.EndOffset -lt $cursorPosition) {
            $rustauthPrevious = $rustauthElement.Extent.Text
        }
    }
    $rustauthOptionValues = switch -CaseSensitive -Exact (\"$command;$rustauthPrevious\") {
",
    );
    for (path, option, list) in &sites.options {
        let list: Vec<String> = list.iter().map(|v| quoted(v)).collect();
        values.push_str(&format!(
            "        {} {{ {}; break }}\n",
            quoted(&format!("{path};{option}")),
            list.join(", ")
        ));
    }
    values.push_str(
        "    }
    $rustauthPositionalValues = switch -CaseSensitive -Regex ($command) {
",
    );
    for (path, list) in &sites.positionals {
        let list: Vec<String> = list.iter().map(|v| quoted(v)).collect();
        values.push_str(&format!(
            "        {} {{ $command = {}; {}; break }}\n",
            quoted(&format!("^{}(;|$)", regex_literal(path))),
            quoted(path),
            list.join(", ")
        ));
    }
    values.push_str("    }\n");
    let join = "    $rustauthValues = @()
    if ($null -ne $rustauthOptionValues) {
        $completions = @()
        $rustauthValues = @($rustauthOptionValues)
    } elseif ($null -ne $rustauthPositionalValues) {
        $rustauthValues = @($rustauthPositionalValues)
    }
    foreach ($value in $rustauthValues) {
        $completions += [CompletionResult]::new($value, $value, [CompletionResultType]::ParameterValue, $value)
    }

";
    let at = script
        .find(AFTER_COMMAND)
        .expect("clap_complete's PowerShell script computes $command")
        + AFTER_COMMAND.len();
    let filter = script
        .find(BEFORE_FILTER)
        .expect("clap_complete's PowerShell script filters $completions");
    format!(
        "{}{values}{}{join}{}",
        &script[..at],
        &script[at..filter],
        &script[filter..]
    )
}

/// clap_complete's elvish script with the values: in place of its last line
/// (`$completions[$command]`), the values of the option before the word being completed
/// when it lists any (they alone are offered); else those of the command's positional
/// argument (`$command` moved back to the command when values were already typed) and
/// the command's own candidates.
fn elvish(script: &str, sites: &Sites) -> String {
    const LAST: &str = "    $completions[$command]\n}\n";
    let list = |values: &[String]| {
        let v: Vec<String> = values.iter().map(|v| quoted(v)).collect();
        format!("[{}]", v.join(" "))
    };
    let mut values = String::from(
        "    # Values (rustauth): the option before the word being completed, and the first
    # positional argument of the command.
    var rustauth-option-values = [
",
    );
    for (path, option, v) in &sites.options {
        values.push_str(&format!(
            "        &{}={}\n",
            quoted(&format!("{path};{option}")),
            list(v)
        ));
    }
    values.push_str("    ]\n    var rustauth-positional-values = [\n");
    for (path, v) in &sites.positionals {
        values.push_str(&format!("        [{} {}]\n", quoted(path), list(v)));
    }
    values.push_str(
        "    ]
    if (and (> (count $words) 2) (has-key $rustauth-option-values $command';'$words[-2])) {
        for value $rustauth-option-values[$command';'$words[-2]] {
            edit:complex-candidate $value
        }
    } else {
        for site $rustauth-positional-values {
            var rustauth-path = $site[0]
            if (or (==s $command $rustauth-path) (str:has-prefix $command $rustauth-path';')) {
                set command = $rustauth-path
                for value $site[1] {
                    edit:complex-candidate $value
                }
                break
            }
        }
        $completions[$command]
    }
}
",
    );
    let at = script
        .rfind(LAST)
        .expect("clap_complete's elvish script ends with $completions[$command]");
    assert_eq!(at + LAST.len(), script.len(), "the last line");
    format!("{}{values}", &script[..at])
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A command with an option, a positional argument and a nested command that list
    /// values (one of them hidden), a hidden argument and a flag.
    fn sample() -> clap::Command {
        use clap::{Arg, ArgAction, Command};
        Command::new("tool")
            .arg(
                Arg::new("color")
                    .long("color")
                    .short('c')
                    .global(true)
                    .value_parser(["auto", "never"]),
            )
            .subcommand(
                Command::new("add")
                    .arg(Arg::new("ids").num_args(1..).value_parser(
                        clap::builder::PossibleValuesParser::new([
                            clap::builder::PossibleValue::new("one"),
                            clap::builder::PossibleValue::new("old").hide(true),
                        ]),
                    ))
                    .arg(
                        Arg::new("secret")
                            .long("secret")
                            .hide(true)
                            .value_parser(["x"]),
                    )
                    .arg(Arg::new("yes").long("yes").action(ArgAction::SetTrue))
                    .subcommand(Command::new("more").arg(Arg::new("n").value_parser(["two"]))),
            )
    }

    #[test]
    fn sites_are_read_from_the_parsers() {
        let mut cmd = sample();
        cmd.set_bin_name("tool");
        cmd.build();
        let s = Sites::of(&cmd);
        let v = |xs: &[&str]| {
            xs.iter()
                .map(std::string::ToString::to_string)
                .collect::<Vec<_>>()
        };
        for path in ["tool", "tool;add", "tool;add;more"] {
            for opt in ["--color", "-c"] {
                assert!(
                    s.options
                        .contains(&(path.into(), opt.into(), v(&["auto", "never"]))),
                    "{path} {opt}: {s:?}"
                );
            }
        }
        assert!(
            !s.options
                .iter()
                .any(|o| o.1 == "--secret" || o.1 == "--yes")
        );
        assert_eq!(
            s.positionals,
            [
                ("tool;add;more".to_string(), v(&["two"])),
                ("tool;add".to_string(), v(&["one"])),
            ]
        );
    }

    #[test]
    fn regex_literals_escape_what_is_special() {
        assert_eq!(regex_literal("rustauth;db;status"), "rustauth;db;status");
        assert_eq!(regex_literal("a.b+c"), "a\\.b\\+c");
    }
}
