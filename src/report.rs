//! The plan report that `migrate`, `generate`, `db status` and `doctor` share: upstream's
//! warnings and rustauth's drift notes, the 1.7 diagnostics, upstream's summary lines, the
//! blockers, and the plan's hash and the header line of the files generate writes.

use sha2::{Digest, Sha256};

use crate::plan::{Blocker, Plan};

/// The first line of every file generate writes, before the plan's SHA-256.
pub(crate) const PLAN_HEADER: &str = "-- rustauth plan sha256:";

/// The SHA-256 of a plan's SQL, in hex (what the history table and file headers record).
pub(crate) fn sha256_hex(s: &str) -> String {
    hex::encode(Sha256::digest(s.as_bytes()))
}

/// Upstream's warnings and rustauth's drift notes, on stderr.
pub(crate) fn print_notes(plan: &Plan) {
    for w in &plan.warnings {
        crate::output::warn(w);
    }
    for d in &plan.drift {
        crate::output::warn(&format!("drift: {d}"));
    }
}

/// The 1.7 line's diagnostics, worded as upstream's generate prints them: columns that
/// reject every insert, and changes that corrupt a populated database.
pub(crate) fn print_diagnostics(plan: &Plan) {
    if crate::output::quiet() {
        return;
    }
    let n = plan.schema_problems.len();
    if n > 0 {
        eprintln!(
            "⚠ {n} {} every insert Better Auth makes. No migration fixes this.",
            if n == 1 {
                "column rejects"
            } else {
                "columns reject"
            }
        );
        for p in &plan.schema_problems {
            eprintln!("-> {p}");
        }
    }
    let n = plan.unsafe_changes.len();
    if n > 0 {
        eprintln!(
            "⚠ {n} {} a populated database.",
            if n == 1 {
                "change in this schema corrupts"
            } else {
                "changes in this schema corrupt"
            }
        );
        for c in &plan.unsafe_changes {
            eprintln!("-> {c}");
        }
        eprintln!(
            "The generated script carries the same warning. Fix the reported columns before you run it."
        );
    }
}

/// Upstream's summary: `-> a, b fields on t table.`
pub(crate) fn print_summary(plan: &Plan) {
    if crate::output::quiet() {
        return;
    }
    println!("The migration will affect the following:");
    for line in summary_lines(plan) {
        println!("{line}");
    }
}

pub(crate) fn summary_lines(plan: &Plan) -> Vec<String> {
    let mut out = Vec::new();
    for s in &plan.statements {
        if let crate::sql::Ddl::CreateTable(t) = s {
            let cols: Vec<&str> = t.columns.iter().map(|c| c.name.as_str()).collect();
            out.push(format!(
                "-> {} fields on {} table.",
                cols.join(", "),
                t.name
            ));
        }
    }
    for (table, cols) in &plan.added {
        out.push(format!("-> {} fields on {} table.", cols.join(", "), table));
    }
    for s in &plan.statements {
        if let crate::sql::Ddl::CreateIndex {
            name,
            table,
            columns,
            unique,
            ..
        } = s
            && plan.indexes.iter().any(|(t, n)| t == table && n == name)
        {
            let how = if *unique {
                "fields in a unique index on"
            } else {
                "fields indexed on"
            };
            out.push(format!("-> {} {how} {table} table.", columns.join(", ")));
        }
    }
    for name in &plan.resumed {
        out.push(format!(
            "-> index {name}, left unfinished by an interrupted migrate."
        ));
    }
    out
}

pub(crate) fn print_blockers(blockers: &[Blocker]) {
    for b in blockers {
        eprintln!(
            "blocked: {}.{}: {}; {} ({})",
            b.table, b.column, b.reason, b.fix, b.statement
        );
    }
}
