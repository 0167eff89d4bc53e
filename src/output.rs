//! Printing helpers shared by commands: prompts that never block without a terminal.

use std::io::IsTerminal;

/// Whether stdin and stderr are terminals (a prompt can be answered).
pub fn interactive() -> bool {
    std::io::stdin().is_terminal() && std::io::stderr().is_terminal()
}

/// Asks a yes/no question on a terminal; `None` when there is no terminal to ask on.
pub fn confirm(question: &str, default: bool) -> Option<bool> {
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
pub fn set_verbose(on: bool) {
    VERBOSE.store(on, std::sync::atomic::Ordering::Relaxed);
}

/// Whether progress notices (what a long wait waits for) are printed: when stderr is a
/// terminal, or with `--verbose`.
pub fn notices() -> bool {
    VERBOSE.load(std::sync::atomic::Ordering::Relaxed) || std::io::stderr().is_terminal()
}

/// How long a wait lasts before its notice is printed.
pub const NOTICE_AFTER: std::time::Duration = std::time::Duration::from_secs(1);

/// Prints one progress notice on stderr (see [`notices`]).
pub fn notice(message: &str) {
    if notices() {
        eprintln!("{message}");
    }
}

/// Awaits `fut`; when it is still pending after [`NOTICE_AFTER`], prints `message()` once
/// (see [`notices`]) and goes on waiting.
pub async fn announce_slow<F: std::future::Future>(
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
