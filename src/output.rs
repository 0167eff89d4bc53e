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
