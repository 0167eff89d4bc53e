//! Printing helpers shared by commands: prompts that never block without a terminal.

use std::io::IsTerminal;

/// Whether stdin and stderr are terminals (a prompt can be answered).
pub(crate) fn interactive() -> bool {
    std::io::stdin().is_terminal() && std::io::stderr().is_terminal()
}

/// Asks a yes/no question on a terminal; `None` when there is no terminal to ask on.
pub(crate) fn confirm(question: &str, default: bool) -> Option<bool> {
    if !interactive() {
        return None;
    }
    dialoguer::Confirm::new()
        .with_prompt(question)
        .default(default)
        .interact()
        .ok()
}

static VERBOSE: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// `--verbose`: progress notices also when stderr is not a terminal.
pub(crate) fn set_verbose(on: bool) {
    VERBOSE.store(on, std::sync::atomic::Ordering::Relaxed);
}

/// Whether progress notices (what a long wait waits for) are printed: when stderr is a
/// terminal, or with `--verbose`.
pub(crate) fn notices() -> bool {
    !quiet()
        && (VERBOSE.load(std::sync::atomic::Ordering::Relaxed) || std::io::stderr().is_terminal())
}

/// How long a wait lasts before its notice is printed.
pub(crate) const NOTICE_AFTER: std::time::Duration = std::time::Duration::from_secs(1);

/// Prints one progress notice on stderr (see [`notices`]).
pub(crate) fn notice(message: &str) {
    if notices() {
        eprintln!("{message}");
    }
}

/// Awaits `fut`; when it is still pending after [`NOTICE_AFTER`], prints `message()` once
/// (see [`notices`]) and goes on waiting.
pub(crate) async fn announce_slow<F: std::future::Future>(
    fut: F,
    message: impl FnOnce() -> String,
) -> F::Output {
    let mut fut = std::pin::pin!(fut);
    tokio::select! {
        out = &mut fut => return out,
        _ = tokio::time::sleep(NOTICE_AFTER) => notice(&message()),
    }
    fut.await
}

static JSON: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// `--json`: the command prints one JSON document on stdout; its human lines are left out.
pub(crate) fn set_json(on: bool) {
    JSON.store(on, std::sync::atomic::Ordering::Relaxed);
    if on {
        set_quiet(true);
    }
}

/// Whether `--json` is on.
pub(crate) fn json() -> bool {
    JSON.load(std::sync::atomic::Ordering::Relaxed)
}

/// A human result line on stdout (left out under `--json`).
pub(crate) fn say(line: &str) {
    if !JSON.load(std::sync::atomic::Ordering::Relaxed) {
        println!("{line}");
    }
}

static QUIET: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// `-q/--quiet`: no notices, warnings or summaries; results and errors only.
pub(crate) fn set_quiet(on: bool) {
    QUIET.store(on, std::sync::atomic::Ordering::Relaxed);
}

pub(crate) fn quiet() -> bool {
    QUIET.load(std::sync::atomic::Ordering::Relaxed)
}

/// 0 auto, 1 always, 2 never (`--color`).
static COLOR: std::sync::atomic::AtomicU8 = std::sync::atomic::AtomicU8::new(0);

/// When labels are coloured (`--color`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Color {
    Auto,
    Always,
    Never,
}

pub(crate) fn set_color(choice: Color) {
    let v = match choice {
        Color::Auto => 0,
        Color::Always => 1,
        Color::Never => 2,
    };
    COLOR.store(v, std::sync::atomic::Ordering::Relaxed);
}

/// Whether labels on stderr are coloured: `--color always`; never with `--color never`;
/// by default on a terminal unless `NO_COLOR` is set (any value) or `CLICOLOR=0`, and
/// always with `CLICOLOR_FORCE` set (not `0`).
pub(crate) fn color_stderr() -> bool {
    match COLOR.load(std::sync::atomic::Ordering::Relaxed) {
        1 => true,
        2 => false,
        _ => {
            let set = |v: &str| std::env::var_os(v).is_some_and(|x| !x.is_empty());
            if set("NO_COLOR") {
                return false;
            }
            if std::env::var_os("CLICOLOR_FORCE").is_some_and(|x| !x.is_empty() && x != "0") {
                return true;
            }
            if std::env::var_os("CLICOLOR").is_some_and(|x| x == "0") {
                return false;
            }
            std::io::stderr().is_terminal()
        }
    }
}

/// A label (`error:`, `warning:`, `help:`) as clap styles its own: bold red, bold yellow,
/// bold cyan, when colours are on.
fn label(text: &str, color: anstyle::AnsiColor) -> String {
    if color_stderr() {
        let style = anstyle::Style::new().bold().fg_color(Some(color.into()));
        format!("{style}{text}{style:#}")
    } else {
        text.to_string()
    }
}

/// A warning on stderr (`warning: …`), unless `--quiet`.
pub(crate) fn warn(message: &str) {
    if !quiet() {
        eprintln!(
            "{} {message}",
            label("warning:", anstyle::AnsiColor::Yellow)
        );
    }
}

/// Verbs that open the "what to do" part of a message (`…; pass --yes to …`).
const HINT_VERBS: &[&str] = &[
    "add", "apply", "backfill", "change", "check", "chmod", "choose", "create", "delete", "drop",
    "edit", "export", "fix", "give", "install", "make", "pass", "point", "put", "remove", "rename",
    "restore", "run", "serve", "set", "start", "try", "unset", "use",
];

/// Splits a message into what failed and what to do: at the first `; <verb> …` (or
/// `, then <verb>`) whose verb is a fix. Suffixes such as `; nothing was written` stay
/// with what failed.
pub(crate) fn split_hint(message: &str) -> (String, Option<String>) {
    let mut search = 0;
    while let Some(i) = message[search..].find("; ").map(|i| i + search) {
        let rest = &message[i + 2..];
        let word = rest
            .split(|c: char| !c.is_ascii_alphabetic())
            .next()
            .unwrap_or("");
        if HINT_VERBS.contains(&word) {
            let mut what = message[..i].to_string();
            let mut hint = rest.to_string();
            // A closing "nothing was changed/written" belongs to what happened.
            for tail in [
                "; nothing was changed",
                "; nothing was written",
                "; nothing changed",
            ] {
                if let Some(h) = hint.strip_suffix(tail) {
                    what.push_str(tail);
                    hint = h.to_string();
                }
            }
            return (what, Some(hint));
        }
        search = i + 2;
    }
    (message.to_string(), None)
}

/// Prints an error as `error: <what>` and, when the message says what to do, a `help:`
/// line, coloured like clap's on a terminal.
pub(crate) fn error(message: &str) {
    let (what, hint) = split_hint(message);
    eprintln!("{} {what}", label("error:", anstyle::AnsiColor::Red));
    if let Some(h) = hint {
        eprintln!("{} {h}", label("help:", anstyle::AnsiColor::Cyan));
    }
}

/// Folds a message onto one line.
pub(crate) fn one_line(s: &str) -> String {
    s.split('\n')
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::split_hint;

    #[test]
    fn hints_split_off_at_a_fix() {
        assert_eq!(
            split_hint("no terminal to confirm on: pass --yes to apply without a prompt"),
            (
                "no terminal to confirm on: pass --yes to apply without a prompt".into(),
                None
            )
        );
        assert_eq!(
            split_hint("x already exists; pass --force to overwrite it"),
            (
                "x already exists".into(),
                Some("pass --force to overwrite it".into())
            )
        );
        assert_eq!(
            split_hint("a user exists; pass --force to update it; nothing was written"),
            (
                "a user exists; nothing was written".into(),
                Some("pass --force to update it".into())
            )
        );
        assert_eq!(
            split_hint(
                "refusing to migrate db: 1 statement(s) cannot run safely; nothing was changed"
            ),
            (
                "refusing to migrate db: 1 statement(s) cannot run safely; nothing was changed"
                    .into(),
                None
            )
        );
    }
}
