//! What can go wrong on a live database, as data. Each message is one line without a
//! password and names no command-line flag: the commands add what to do
//! (`commands::render`), and pick the exit code from the variant.

use super::Target;

/// A database error.
#[derive(Debug, thiserror::Error)]
pub(crate) enum DbError {
    /// The driver rejects the URL's options.
    #[error("unparseable database URL: {0}")]
    BadUrl(String),
    /// A SQLite file that does not exist, for a command that creates nothing.
    #[error("no such database file {file}")]
    NoSuchFile { file: String },
    /// A server URL without a database (the server would pick one nobody named).
    #[error("{target} names no database")]
    NoDatabase {
        target: String,
        /// A URL of the engine's shape, with `DATABASE` where the name goes.
        example: &'static str,
    },
    /// The connection did not complete within the connect timeout.
    #[error("could not connect to {target} within {secs} s")]
    ConnectTimeout { target: String, secs: u64 },
    /// Another migrate (or, on SQLite, another writer) holds the migration lock.
    #[error(
        "another rustauth migrate{} holds the lock on {target}{holder}; waited {secs} s",
        if *.by_writer { " (or another writer)" } else { "" }
    )]
    LockHeld {
        target: String,
        /// Who holds it, as the server shows it: `, held by …`, ` (schema "s", held by …)`, or "".
        holder: String,
        /// SQLite: any writer holds the same lock.
        by_writer: bool,
        secs: u64,
    },
    /// A table lock another session holds outlasted the lock timeout.
    #[error("{doing} {target}: waited {secs} s for a table lock: {holders}; nothing was changed")]
    TableLocked {
        doing: &'static str,
        target: String,
        holders: String,
        secs: u64,
    },
    /// A statement or the connection failed: what was being done, and the driver's words.
    #[error("{doing} {target}: {detail}")]
    Failed {
        doing: &'static str,
        target: String,
        detail: String,
    },
}

impl DbError {
    /// Wraps an sqlx error with what was being done, scrubbing secrets from its text.
    pub(crate) fn sqlx(target: &Target, doing: &'static str, e: &sqlx::Error) -> DbError {
        DbError::Failed {
            doing,
            target: target.describe(),
            detail: target.driver_message(e),
        }
    }

    /// A failure the engine words itself (no driver error behind it).
    pub(crate) fn failed(target: &Target, doing: &'static str, detail: &str) -> DbError {
        DbError::Failed {
            doing,
            target: target.describe(),
            detail: detail.to_string(),
        }
    }

    /// An unparseable URL, as the driver words it.
    pub(crate) fn bad_url(target: &Target, e: &dyn std::fmt::Display) -> DbError {
        DbError::BadUrl(target.driver_message(e))
    }
}

/// A wait that has lasted a second: what [`super::Options::notice`] words for the user.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Waiting<'a> {
    /// Connecting.
    Connect { target: &'a str, secs: u64 },
    /// SQLite's write lock (another migrate or any writer).
    WriteLock { target: &'a str, secs: u64 },
    /// The migration lock another migrate holds; `holder`: ` held by …` or "".
    MigrationLock {
        target: &'a str,
        holder: &'a str,
        secs: u64,
    },
}

impl Waiting<'_> {
    /// The wait in plain words (no flag): `connecting to … (waiting up to 10 s)`. The
    /// commands use [`Waiting::describe_with`] to name the option that bounds it.
    pub(crate) fn describe_with(&self, bound_by: Option<&str>) -> String {
        let by = |secs: u64| match bound_by {
            Some(flag) => format!("up to {secs} s, {flag}"),
            None => format!("up to {secs} s"),
        };
        match *self {
            Waiting::Connect { target, secs } => {
                format!("connecting to {target} (waiting {})", by(secs))
            }
            Waiting::WriteLock { target, secs } => format!(
                "waiting for the write lock on {target}, which another rustauth migrate or another writer holds ({})",
                by(secs)
            ),
            Waiting::MigrationLock {
                target,
                holder,
                secs,
            } => format!(
                "waiting for the migration lock{holder} on {target} ({})",
                by(secs)
            ),
        }
    }

    /// Whether the wait is bounded by the connect timeout (else the lock timeout).
    pub(crate) fn is_connect(&self) -> bool {
        matches!(self, Waiting::Connect { .. })
    }
}

/// The default wording of a wait notice: without a flag.
pub(crate) fn plain_notice(w: &Waiting<'_>) -> String {
    w.describe_with(None)
}
