//! `rustauth db status`: what the database lacks of the target schema, blockers, warnings,
//! drift, and the last applied plan. `--check` exits 3 when anything is pending.

use std::time::Duration;

use anyhow::{Result, bail};
use serde_json::{Value, json};

use super::connect::{self, Route};
use super::context::Global;
use crate::cli::DbStatusArgs;
use crate::exit::Exit;

use super::render;
use crate::sql::Ddl;

pub(crate) fn run(global: &Global, args: DbStatusArgs) -> Result<Exit> {
    let loaded = global.load(true)?;
    super::context::runtime()?.block_on(async {
        let opts = render::read_only(Duration::from_secs(args.connect.connect_timeout));
        let mut live = match connect::connect_and_plan(&loaded, connect::PlanKind::FinishInterrupted, &opts).await {
            Ok(Route::Sql(l)) => l,
            Ok(Route::Guidance(msg)) => {
                println!("{msg}");
                return Ok(Exit::Ok);
            }
            Err(e) => bail!(render::connect_error(&e, "db status")),
        };
        let history_table = loaded.config.database.history_table.clone();
        let history = if history_table.is_empty() {
            Ok((None, None))
        } else {
            match live.db.last_applied(&history_table).await {
                Ok(last) => live
                    .db
                    .interrupted(&history_table)
                    .await
                    .map(|i| (last, i)),
                Err(e) => Err(e),
            }
        };
        // Files `rustauth generate` wrote and sqlx applied manage this database.
        let sqlx_files = live.db.sqlx_recorded().await;
        let (dialect, namespace) = (live.db.dialect(), live.db.namespace().to_string());
        // Everything is read: the connection slot is freed before the output (or error).
        live.db.close().await;
        let (last, interrupted) = match history {
            Ok(h) => h,
            Err(e) => bail!(render::db_error(&e)),
        };
        let plan = &live.plan;
        let indexes: Vec<String> = plan
            .statements
            .iter()
            .filter_map(|s| match s {
                Ddl::CreateIndex { name, .. } => Some(name.clone()),
                _ => None,
            })
            .collect();
        let pending = !plan.is_empty();
        if args.json {
            let doc = json!({
                "version": 1,
                "database": live.target.describe(),
                "provider": dialect.name(),
                "namespace": namespace,
                "up_to_date": !pending,
                "pending": {
                    "tables": plan.created,
                    "columns": plan.added.iter().flat_map(|(t, cols)| cols.iter().map(move |c| json!({"table": t, "column": c}))).collect::<Vec<_>>(),
                    "indexes": indexes,
                    "resumed_indexes": plan.resumed,
                    "statements": plan.statements.len(),
                    "sql": plan.sql(&live.schema),
                },
                "blockers": plan.blockers.iter().map(|b| json!({
                    "table": b.table, "column": b.column, "statement": b.statement, "reason": b.reason, "fix": b.fix,
                })).collect::<Vec<_>>(),
                "warnings": plan.warnings,
                "drift": plan.drift.iter().map(ToString::to_string).collect::<Vec<_>>(),
                "schema_problems": plan.schema_problems,
                "unsafe_changes": plan.unsafe_changes,
                "name_errors": plan.name_errors,
                "last_applied": last.as_ref().map(|h| json!({
                    "applied_at": h.applied_at,
                    "cli_version": h.cli_version,
                    "sha256": h.sha256,
                    "statements": h.statements,
                    "duration_ms": h.duration_ms,
                })).unwrap_or(Value::Null),
                "interrupted": interrupted.as_ref().map(|h| json!({
                    "applied_at": h.applied_at,
                    "cli_version": h.cli_version,
                    "sha256": h.sha256,
                    "statements": h.statements,
                })).unwrap_or(Value::Null),
                "sqlx_files": sqlx_files,
            });
            println!("{}", serde_json::to_string_pretty(&doc)?);
        } else {
            println!("Database: {} ({namespace})", live.target.describe());
            if let Some(files) = &sqlx_files {
                println!(
                    "Managed by sqlx: _sqlx_migrations records {} rustauth file(s) ({}); apply new ones with `rustauth generate` and `sqlx migrate run` (`rustauth migrate` refuses this database)",
                    files.len(),
                    files.join(", ")
                );
            }
            if pending {
                println!(
                    "Pending: {} table(s), {} column(s), {} index(es) in {} statement(s):",
                    plan.created.len(),
                    plan.added.iter().map(|(_, c)| c.len()).sum::<usize>(),
                    indexes.len(),
                    plan.statements.len()
                );
                for line in crate::report::summary_lines(plan) {
                    println!("  {line}");
                }
                for i in &indexes {
                    println!("  -> index {i}.");
                }
            } else {
                println!("Up to date: nothing to apply.");
            }
            for b in &plan.blockers {
                println!("Blocked: {}.{}: {}; {}", b.table, b.column, b.reason, b.fix);
            }
            for p in &plan.schema_problems {
                println!("Schema problem: {p}");
            }
            for n in &plan.name_errors {
                println!("Invalid name: {n}");
            }
            for w in &plan.warnings {
                println!("Warning: {w}");
            }
            for d in &plan.drift {
                println!("Drift: {d}");
            }
            match &last {
                Some(h) => println!(
                    "Last applied: {} UTC by rustauth {} ({} statement(s), {} ms, sha256 {})",
                    h.applied_at, h.cli_version, h.statements, h.duration_ms, h.sha256
                ),
                None => println!("Last applied: none recorded"),
            }
            if let Some(h) = &interrupted {
                println!(
                    "Interrupted: the plan started {} UTC by rustauth {} ({} statement(s), sha256 {}) did not finish; run `rustauth migrate` to complete it",
                    h.applied_at, h.cli_version, h.statements, h.sha256
                );
            }
        }
        if args.check
            && (pending
                || !plan.blockers.is_empty()
                || !plan.schema_problems.is_empty()
                || !plan.name_errors.is_empty())
        {
            eprintln!("{}", check_line(plan, indexes.len(), sqlx_files.is_some()));
            return Ok(Exit::CheckFailed);
        }
        Ok(Exit::Ok)
    })
}

/// The one stderr line of a failing `--check`: what is pending and what stands in the way.
/// `sqlx`: sqlx applies this database's rustauth files, so the fix is a new file.
fn check_line(plan: &crate::plan::Plan, indexes: usize, sqlx: bool) -> String {
    let apply = if sqlx {
        "run `rustauth generate` and `sqlx migrate run`"
    } else {
        "run `rustauth migrate`"
    };
    let count =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let mut parts = Vec::new();
    if !plan.created.is_empty() {
        parts.push(count(plan.created.len(), "table", "tables"));
    }
    let columns: usize = plan.added.iter().map(|(_, c)| c.len()).sum();
    if columns > 0 {
        parts.push(count(columns, "column", "columns"));
    }
    if indexes > 0 {
        parts.push(count(indexes, "index", "indexes"));
    }
    let mut line = if plan.statements.is_empty() {
        "nothing pending".to_string()
    } else {
        format!(
            "{} pending: {}",
            count(plan.statements.len(), "statement", "statements"),
            parts.join(", ")
        )
    };
    let mut stops = Vec::new();
    if !plan.blockers.is_empty() {
        stops.push(count(
            plan.blockers.len(),
            "blocked statement",
            "blocked statements",
        ));
    }
    if !plan.schema_problems.is_empty() {
        stops.push(count(
            plan.schema_problems.len(),
            "schema problem",
            "schema problems",
        ));
    }
    if !plan.name_errors.is_empty() {
        stops.push(count(
            plan.name_errors.len(),
            "invalid name",
            "invalid names",
        ));
    }
    if !stops.is_empty() {
        line.push_str(&format!(", {} (see above)", stops.join(", ")));
    }
    if stops.is_empty() {
        line.push_str(&format!("; {apply}"));
    } else {
        line.push_str(&format!("; fix what is listed, then {apply}"));
    }
    line
}
