//! `rustauth migrate`: apply what the database lacks of the target schema, under a lock,
//! re-planned once the lock is held, all-or-nothing where the engine allows it.

use std::time::Duration;

use anyhow::{Result, bail};

use super::connect::{self, Route};
use super::context::Global;
use crate::cli::MigrateArgs;
use crate::db::{ApplyError, Options, Outcome, Phase};
use crate::exit::Exit;
use crate::plan::Plan;
use crate::plan::live;

use super::render;
use crate::report::{print_blockers, print_notes, print_summary};
use crate::telemetry::RunOutcome;

pub(crate) fn run(global: &Global, args: MigrateArgs) -> Result<Exit> {
    let yes = args.yes.given();
    crate::output::set_json(args.json);
    let loaded = global.load(true)?;
    let last_outcome = std::cell::Cell::new(RunOutcome::Failed);
    let track = |outcome: RunOutcome| {
        last_outcome.set(outcome);
        crate::telemetry::send(crate::telemetry::CLI_MIGRATE, outcome, &loaded.config);
    };
    let history_table = loaded.config.database.history_table.as_str();
    super::context::runtime()?.block_on(async {
        let opts = Options {
            connect_timeout: Duration::from_secs(args.connect.connect_timeout),
            lock_timeout: Duration::from_secs(args.lock_timeout),
            // Only a run that may apply creates a missing SQLite file.
            create: !args.dry_run && (yes || crate::output::interactive()),
            notice: render::notice,
        };
        let mut live = match connect::connect_and_plan(&loaded, connect::PlanKind::FinishInterrupted, &opts).await {
            Ok(Route::Sql(l)) => l,
            Ok(Route::Guidance(msg)) => {
                crate::output::say(&msg);
                track(RunOutcome::UnsupportedAdapter);
                return Ok(Exit::Ok);
            }
            Err(e) => bail!(render::connect_error(&e, "migrate")),
        };
        let mut applied = false;
        let result = async {
        if let Some(files) = live.db.sqlx_recorded().await {
            track(RunOutcome::Failed);
            bail!(
                "refusing to migrate {}: its _sqlx_migrations table records {} rustauth file(s) applied by sqlx ({}), so `rustauth generate` files manage this database; apply new ones with `sqlx migrate run` (after `rustauth generate`), or, to let `rustauth migrate` manage it instead, delete those rows from _sqlx_migrations and the files from the migrations folder; nothing was changed",
                live.target.describe(),
                files.len(),
                files.join(", ")
            );
        }
        let plan = &live.plan;
        print_notes(plan);
        if let Some(e) = live::name_error(plan) {
            track(RunOutcome::Failed);
            bail!(
                "refusing to migrate {}: {e}; nothing was changed",
                live.target.describe()
            );
        }
        if let Some(outcome) = refuse_diagnostics(plan) {
            track(outcome);
            if outcome == RunOutcome::SchemaProblem {
                bail!(
                    "refusing to migrate {}: {} column(s) reject every insert Better Auth makes (see above); nothing was changed",
                    live.target.describe(),
                    plan.schema_problems.len()
                );
            }
        }
        // An empty plan with an interrupted one in the history table still takes the
        // lock, to mark that one finished (MySQL).
        let finish_interrupted = plan.interrupted && !args.dry_run;
        if plan.is_empty() && !finish_interrupted {
            crate::output::say("No migrations needed.");
            track(RunOutcome::NoChanges);
            return Ok(Exit::Ok);
        }
        let expect_empty = plan.is_empty();
        if !expect_empty {
            print_summary(plan);
        }
        if !plan.blockers.is_empty() {
            print_blockers(&plan.blockers);
            if args.dry_run {
                crate::output::say(&plan.sql(&live.schema));
            }
            bail!(
                "refusing to migrate {}: {} statement(s) of the plan cannot run safely (see above); nothing was changed",
                live.target.describe(),
                plan.blockers.len()
            );
        }
        if args.dry_run {
            crate::output::say(&plan.sql(&live.schema));
            if !crate::output::quiet() {
                eprintln!("Dry run: nothing was changed.");
            }
            track(RunOutcome::DryRun);
            return Ok(Exit::Ok);
        }
        if !yes && !expect_empty {
            match crate::output::confirm("Are you sure you want to run these migrations?", false) {
                Some(true) => {}
                Some(false) => {
                    crate::output::say("Migration cancelled.");
                    track(RunOutcome::Aborted);
                    return Ok(Exit::Ok);
                }
                None => bail!("no terminal to confirm on: pass --yes to apply without a prompt"),
            }
        }

        if let Err(e) = live.db.lock(opts.lock_timeout).await {
            track(RunOutcome::Failed);
            bail!(render::db_error(&e));
        }
        let outcome = apply_locked(&mut live, history_table, expect_empty).await;
        live.db.unlock().await;
        // After the lock is released: sending never holds it.
        match &outcome {
            Ok(Applied::Yes) => {
                applied = true;
                track(RunOutcome::Migrated);
            }
            Ok(Applied::AlreadyDone) => track(RunOutcome::NoChanges),
            Err(_) => track(RunOutcome::Failed),
        }
        outcome.map(|_| Exit::Ok)
        }
        .await;
        if !applied {
            // A run that changed nothing leaves no SQLite file it created behind.
            live.db.discard_created().await;
        }
        live.db.close().await;
        if args.json && result.is_ok() {
            let plan = &live.plan;
            let doc = serde_json::json!({
                "version": 1,
                "outcome": last_outcome.get().name(),
                "database": live.target.describe(),
                "plan": {
                    "tables": plan.created,
                    "columns": plan.added.iter().flat_map(|(t, cols)| cols.iter().map(move |c| serde_json::json!({"table": t, "column": c}))).collect::<Vec<_>>(),
                    "statements": plan.statements.len(),
                    "sql": plan.sql(&live.schema),
                },
                "warnings": plan.warnings,
                "drift": plan.drift.iter().map(ToString::to_string).collect::<Vec<_>>(),
            });
            println!("{}", serde_json::to_string_pretty(&doc)?);
        }
        result
    })
}

/// Whether the plan was applied by this process.
enum Applied {
    Yes,
    /// Nothing to apply: another process applied it while this one waited for the lock
    /// (or only an interrupted plan was left to mark finished).
    AlreadyDone,
}

/// Under the lock: plan again (another deploy may have migrated meanwhile), refuse what
/// cannot run, apply, record. `expect_empty`: the plan before the lock was empty (only an
/// interrupted plan of the history table was left to mark finished).
async fn apply_locked(
    live: &mut live::Live,
    history_table: &str,
    expect_empty: bool,
) -> Result<Applied> {
    let resume = (!history_table.is_empty()).then_some(history_table);
    let plan = match live::replan(&mut live.db, &live.schema, resume).await {
        Ok(p) => p,
        Err(e) => bail!(render::plan_error(&e)),
    };
    let changed = "the plan changed while waiting for the lock and cannot run safely";
    if let Some(e) = live::name_error(&plan) {
        bail!(
            "refusing to migrate {}: {e}; nothing was changed",
            live.target.describe()
        );
    }
    if refuse_diagnostics(&plan).is_some() {
        print_blockers(&plan.blockers);
        bail!(
            "refusing to migrate {}: {changed}; nothing was changed",
            live.target.describe()
        );
    }
    if plan.is_empty() {
        let finished = match resume {
            Some(table) if plan.interrupted => match live.db.finish_interrupted(table).await {
                Ok(n) => n,
                Err(e) => bail!(render::db_error(&e)),
            },
            _ => 0,
        };
        if finished > 0 {
            println!(
                "No migrations needed: the schema is complete; the interrupted plan in {history_table} is marked finished."
            );
        } else if expect_empty {
            println!("No migrations needed.");
        } else {
            crate::output::say(
                "No migrations needed (another rustauth migrate has just applied the plan).",
            );
        }
        return Ok(Applied::AlreadyDone);
    }
    if !plan.blockers.is_empty() {
        print_blockers(&plan.blockers);
        bail!(
            "refusing to migrate {}: {changed}; nothing was changed",
            live.target.describe()
        );
    }
    if expect_empty {
        print_summary(&plan);
    }
    let steps = plan.steps(&live.schema);
    let sql = plan.sql(&live.schema);
    let sha = crate::report::sha256_hex(&sql);
    let history = (!history_table.is_empty()).then_some(crate::db::HistoryEntry {
        table: history_table,
        sha256: &sha,
        sql: &sql,
    });
    let target = live.target.describe();
    let started = std::time::Instant::now();
    match live.db.apply(&steps, history).await {
        Ok(()) => {
            crate::output::say(&format!(
                "Migration completed: {} statement(s) applied to {target} in {} ms.",
                steps.len(),
                started.elapsed().as_millis()
            ));
            Ok(Applied::Yes)
        }
        Err(e) => bail!(apply_error(&e, &target, history_table)),
    }
}

/// One line for a failed apply: where it stopped and what that left behind.
fn apply_error(e: &ApplyError, target: &str, history_table: &str) -> String {
    let (applied, total, msg) = (e.applied, e.total, &render::cause(&e.cause));
    match (e.outcome, e.phase) {
        (Outcome::Unknown, _) => format!(
            "the connection to {target} failed while the migration was committing: {msg}; the server may have committed; run `rustauth db status` to see whether the plan was applied"
        ),
        (Outcome::RolledBack, Phase::Statement) => format!(
            "migration failed at statement {} of {total} on {target}: {msg}; everything was rolled back, nothing was changed",
            applied + 1
        ),
        (Outcome::RolledBack, Phase::History) if applied == 0 => format!(
            "migration failed on {target} before its first statement, while recording the plan in {history_table}: {msg}; nothing was changed"
        ),
        (Outcome::RolledBack, Phase::History) => format!(
            "migration failed on {target} after its {total} statement(s), while recording the plan in {history_table}: {msg}; everything was rolled back, nothing was changed"
        ),
        (Outcome::RolledBack, Phase::Commit) => format!(
            "migration failed at the commit on {target}: {msg}; the server rolled everything back, nothing was changed"
        ),
        (Outcome::Partial, Phase::Statement) => format!(
            "migration failed on {target} at statement {} of {total}: {applied} of {total} statement(s) applied before the error: {msg}; fix the cause and run migrate again (it plans from what is there now)",
            applied + 1
        ),
        (Outcome::Partial, _) => format!(
            "migration on {target}: all {total} statement(s) applied, but {msg}; run migrate again to record it"
        ),
    }
}

/// The 1.7 line's refusals, worded as upstream's migrate words them, before anything runs:
/// a change that corrupts a populated table, then columns that reject every insert.
/// Returns the telemetry outcome when it refuses (an unsafe change is also a blocker,
/// which the caller reports with its statement).
fn refuse_diagnostics(plan: &Plan) -> Option<RunOutcome> {
    if let Some(change) = plan.unsafe_changes.first() {
        eprintln!("The migration was refused, and nothing ran.");
        eprintln!("{change}");
        eprintln!("Run `rustauth generate` to read the statements without executing them.");
        return Some(RunOutcome::UnsafeChange);
    }
    let n = plan.schema_problems.len();
    if n > 0 {
        eprintln!(
            "The database has {n} {} Better Auth cannot write to. Nothing ran.",
            if n == 1 { "column" } else { "columns" }
        );
        for p in &plan.schema_problems {
            eprintln!("-> {p}");
        }
        return Some(RunOutcome::SchemaProblem);
    }
    None
}
