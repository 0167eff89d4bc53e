//! Exit codes: one place. README.md documents them.

/// The outcome of a command, as a process exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Exit {
    /// 0: done.
    Ok = 0,
    /// 1: an error (bad config, unreachable database, refused plan, …).
    Error = 1,
    /// 2: bad command-line usage (clap).
    Usage = 2,
    /// 3: a check failed (`secret --check`, `db status --check`, `doctor`).
    CheckFailed = 3,
}

impl Exit {
    pub(crate) fn code(self) -> i32 {
        self as i32
    }
}
