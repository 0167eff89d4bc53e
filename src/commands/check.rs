//! `rustauth check` / `rustauth check schema`: Better Auth 1.7's schema check against the
//! live database, with upstream's contract: exit 0 and `Schema check passed against the
//! live database.` on stdout; exit 1 and the mismatch on stderr; exit 2 for every
//! operational error, with upstream's wording (then the cause on a second line).

use std::time::Duration;

use anyhow::Result;
use serde_json::json;

use super::connect::{self, Route};
use super::context::Global;
use crate::cli::CheckArgs;
use crate::config::{self, ConfigError, adapter::Adapter};
use crate::db::Db;
use crate::exit::Exit;
use crate::plan::check::{Findings, TableColumn};

use super::render;

/// The JSON shape's version (README: `check --json`).
const JSON_VERSION: u32 = 1;

/// An operational error: upstream's sentence, and what caused it.
struct Failure {
    headline: String,
    cause: Option<String>,
}

impl Failure {
    fn new(headline: impl Into<String>, cause: Option<String>) -> Failure {
        Failure {
            headline: headline.into(),
            cause,
        }
    }
}

/// Upstream's messages for a `--cwd` that cannot be used (checked before anything else).
pub(crate) fn cwd_failure(dir: &std::path::Path, json: bool) -> Exit {
    let headline = if dir.exists() {
        format!("The path \"{}\" is not a directory.", dir.display())
    } else {
        format!("The directory \"{}\" does not exist.", dir.display())
    };
    report_failure(&Failure::new(headline, None), json)
}

fn report_failure(f: &Failure, json: bool) -> Exit {
    // The causes come from layers that already redact; once more, as every error does.
    let cause = f
        .cause
        .as_deref()
        .map(|c| crate::redact::redact_in_text(c, &[]));
    let f = &Failure {
        headline: f.headline.clone(),
        cause,
    };
    if json {
        let doc = json!({
            "version": JSON_VERSION,
            "ok": false,
            "error": f.headline,
            "cause": f.cause,
        });
        println!("{}", serde_json::to_string_pretty(&doc).unwrap_or_default());
    } else {
        eprintln!("{}", f.headline);
        if let Some(c) = &f.cause {
            eprintln!("caused by: {c}");
        }
    }
    Exit::Usage
}

pub(crate) fn run(global: &Global, args: &CheckArgs) -> Result<Exit> {
    match findings(global, Duration::from_secs(args.connect_timeout)) {
        Err(f) => Ok(report_failure(&f, args.json)),
        Ok((database, f)) => {
            if args.json {
                let cols = |v: &[TableColumn]| {
                    v.iter()
                        .map(|c| json!({ "table": c.table, "column": c.column }))
                        .collect::<Vec<_>>()
                };
                let doc = json!({
                    "version": JSON_VERSION,
                    "ok": f.is_empty(),
                    "database": database,
                    "missing_tables": f.missing_tables,
                    "missing_columns": cols(&f.missing_columns),
                    "required_columns": cols(&f.required_columns),
                });
                println!("{}", serde_json::to_string_pretty(&doc)?);
            } else if f.is_empty() {
                println!("Schema check passed against the live database.");
            } else {
                eprintln!("{}", f.message());
            }
            Ok(if f.is_empty() { Exit::Ok } else { Exit::Error })
        }
    }
}

/// Loads the config, connects, reads the schema's tables and checks them.
fn findings(global: &Global, timeout: Duration) -> Result<(String, Findings), Failure> {
    let loaded =
        config::load(&global.cwd, global.config.as_deref(), true, None).map_err(|e| match e {
            ConfigError::Missing { .. } if global.config.is_none() => Failure::new(
                "No Better Auth configuration found. Pass --config to select one.",
                Some(format!(
                    "no rustauth.toml in {}; create one with `rustauth init`",
                    global.cwd.display()
                )),
            ),
            other => Failure::new(
                "Could not load the Better Auth configuration.",
                Some(other.to_string()),
            ),
        })?;
    let not_validated = |cause: String| {
        Failure::new(
            "Could not validate the schema. Check the auth configuration and database connection.",
            Some(cause),
        )
    };
    let target = match connect::target(&loaded) {
        Ok(Route::Sql(t)) => t,
        Ok(Route::Guidance(_)) => {
            return Err(Failure::new(
                format!(
                    "Schema validation is not available for adapter \"{}\".",
                    loaded.config.database.adapter.map_or("", Adapter::name)
                ),
                Some(format!(
                    "rustauth checks SQL databases only (adapters {})",
                    crate::config::adapter::Adapter::sql_names().join(", ")
                )),
            ));
        }
        Err(e) => return Err(not_validated(render::connect_error(&e, "check"))),
    };
    let schema = loaded.config.schema();
    let names: Vec<String> = schema.tables.iter().map(|t| t.name.clone()).collect();
    let run = async {
        let mut db = Db::connect(&target, &render::read_only(timeout)).await?;
        let catalog = db.introspect(&names, &[]).await;
        db.close().await;
        catalog
    };
    let catalog = super::context::runtime()
        .map_err(|e| not_validated(e.to_string()))?
        .block_on(run)
        .map_err(|e| not_validated(render::db_error(&e)))?;
    Ok((
        target.describe(),
        crate::plan::check::check(&schema, &catalog),
    ))
}
