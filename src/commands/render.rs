//! How the commands word the typed errors of the layers below: the message, and what to
//! do (which flag to pass, which key to set), split later into `error:` and `help:`.

use std::time::Duration;

use crate::config::adapter::Adapter;
use crate::db::{Cause, DbError, Options, Waiting};
use crate::plan::live::LiveError;

use super::connect::ConnectError;

/// The flag that bounds a wait.
fn bound_by(w: &Waiting<'_>) -> &'static str {
    if w.is_connect() {
        "--connect-timeout"
    } else {
        "--lock-timeout"
    }
}

/// A wait notice, naming the flag that bounds the wait.
pub(crate) fn notice(w: &Waiting<'_>) -> String {
    w.describe_with(Some(bound_by(w)))
}

/// How read-only commands open a database: nothing created, locks waited for as long
/// as the connection, wait notices naming the flag.
pub(crate) fn read_only(connect_timeout: Duration) -> Options {
    Options {
        notice,
        ..Options::read_only(connect_timeout)
    }
}

/// A database error with what to do.
pub(crate) fn db_error(e: &DbError) -> String {
    match e {
        DbError::NoSuchFile { .. } => {
            format!("{e}; `rustauth migrate` creates it (or fix the path in the URL)")
        }
        DbError::NoDatabase { example, .. } => format!("{e}; add one to the URL ({example})"),
        // Their messages end with the wait: the flag that bounds it follows.
        DbError::ConnectTimeout { .. } => {
            format!("{e} (--connect-timeout); check the host, port and network")
        }
        DbError::LockHeld { .. } => format!("{e} (--lock-timeout). Retry when it has finished"),
        DbError::TableLocked {
            doing,
            target,
            holders,
            secs,
        } => format!(
            "{doing} {target}: waited {secs} s (--lock-timeout) for a table lock: {holders}; nothing was changed. Retry when that transaction has ended"
        ),
        DbError::BadUrl(_) | DbError::Failed { .. } => e.to_string(),
    }
}

/// Why an apply failed, with the flag a lock wait depends on.
pub(crate) fn cause(c: &Cause) -> String {
    match c {
        Cause::LockTimeout { secs, what } => format!("waited {secs} s (--lock-timeout) {what}"),
        Cause::Db(e) => db_error(e),
        // The same message, with the inner cause worded here.
        Cause::RowAppeared {
            table,
            column,
            cause: inner,
            undone,
        } => Cause::RowAppeared {
            table: table.clone(),
            column: column.clone(),
            cause: Box::new(Cause::Driver(cause(inner))),
            undone: undone.clone(),
        }
        .to_string(),
        Cause::Driver(_) | Cause::Refused(_) => c.to_string(),
    }
}

/// A live plan's error with what to do.
pub(crate) fn plan_error(e: &LiveError) -> String {
    match e {
        LiveError::Db(d) => db_error(d),
        LiveError::Plan(_) => e.to_string(),
    }
}

/// Why a command cannot reach or plan its database, with what to do; `command` names
/// the command (`db status`).
pub(crate) fn connect_error(e: &ConnectError, command: &str) -> String {
    match e {
        ConnectError::NoAdapter { .. } => {
            format!("{e}; set it to one of: {}", Adapter::NAMES.join(", "))
        }
        ConnectError::MssqlProvider => format!(
            "`rustauth {command}` {e}; use `rustauth generate --dialect mssql` and apply the file with your SQL Server tooling"
        ),
        ConnectError::MssqlUrl => {
            format!("`rustauth {command}` {e}; use `rustauth generate --dialect mssql`")
        }
        ConnectError::ProviderMismatch { .. } => format!("{e}; make them agree"),
        ConnectError::Live(l) => plan_error(l),
        ConnectError::SchemaNotSupported(_)
        | ConnectError::NoUrl { .. }
        | ConnectError::BadUrl { .. } => e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_are_named_here_not_below() {
        let e = DbError::ConnectTimeout {
            target: "postgres server h:5432".into(),
            secs: 3,
        };
        assert!(!e.to_string().contains("--"));
        assert_eq!(
            db_error(&e),
            "could not connect to postgres server h:5432 within 3 s (--connect-timeout); check the host, port and network"
        );
        let held = DbError::LockHeld {
            target: "sqlite database /a.db".into(),
            holder: String::new(),
            by_writer: true,
            secs: 4,
        };
        assert_eq!(
            db_error(&held),
            "another rustauth migrate (or another writer) holds the lock on sqlite database /a.db; waited 4 s (--lock-timeout). Retry when it has finished"
        );
        let w = Waiting::MigrationLock {
            target: "t",
            holder: "",
            secs: 5,
        };
        assert_eq!(
            notice(&w),
            "waiting for the migration lock on t (up to 5 s, --lock-timeout)"
        );
        assert_eq!(
            crate::db::plain_notice(&w),
            "waiting for the migration lock on t (up to 5 s)"
        );
        let c = Cause::LockTimeout {
            secs: 2,
            what: "for a table lock: pid 1".into(),
        };
        assert_eq!(c.to_string(), "waited 2 s for a table lock: pid 1");
        assert_eq!(
            cause(&c),
            "waited 2 s (--lock-timeout) for a table lock: pid 1"
        );
        // A cause inside a cause is worded the same way.
        let row = Cause::RowAppeared {
            table: "user".into(),
            column: "role".into(),
            cause: Box::new(c),
            undone: "the column was dropped again".into(),
        };
        assert!(!row.to_string().contains("--"), "{row}");
        assert!(
            cause(&row).contains(
                "(waited 2 s (--lock-timeout) for a table lock: pid 1); the column was dropped again: no value was invented"
            ),
            "{}",
            cause(&row)
        );
    }
}
