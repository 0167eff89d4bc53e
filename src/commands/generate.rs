//! `rustauth generate`: the SQL that brings a database to the target schema, written to a
//! versioned file. With `--dialect` (or `--adapter … --dialect …`): for an empty database,
//! without connecting. Without: the plan against the live database.

use std::path::{Path, PathBuf};

use anyhow::{Result, bail};

use super::context::Global;
use crate::cli::GenerateArgs;
use crate::config::adapter::Adapter;
use crate::exit::Exit;
use crate::fsutil::{NewFileError, write_atomic};
use crate::model::Dialect;

pub(crate) use crate::report::PLAN_HEADER;
use crate::report::sha256_hex;
use crate::telemetry::RunOutcome;

/// What `generate --json` reports: the last outcome and the file written.
/// What a run did, for `--json`: its outcome and the file it wrote.
struct Report {
    outcome: std::cell::Cell<RunOutcome>,
    file: std::cell::RefCell<Option<PathBuf>>,
}

impl Report {
    fn written(&self, path: &Path) {
        *self.file.borrow_mut() = Some(path.to_path_buf());
        crate::output::say(&format!("Schema written to {}", path.display()));
    }
}

pub(crate) fn run(global: &Global, args: GenerateArgs) -> Result<Exit> {
    crate::output::set_json(args.json);
    let json = args.json;
    let report = Report {
        outcome: std::cell::Cell::new(RunOutcome::Failed),
        file: std::cell::RefCell::new(None),
    };
    let exit = run_inner(global, args, &report)?;
    if json {
        let (outcome, file) = (report.outcome.get(), report.file.take());
        let doc = serde_json::json!({
            "version": 1,
            "outcome": outcome.name(),
            "file": file.as_ref().map(|p| p.display().to_string()),
            "sha256": file
                .as_ref()
                .and_then(|p| crate::fsutil::first_line(p))
                .and_then(|l| l.strip_prefix(PLAN_HEADER).map(str::to_string)),
        });
        println!("{}", serde_json::to_string_pretty(&doc)?);
    }
    Ok(exit)
}

fn run_inner(global: &Global, args: GenerateArgs, report: &Report) -> Result<Exit> {
    let yes = args.yes.given();
    let loaded = global.load(false)?;
    let adapter = args.adapter.or(loaded.config.database.adapter);
    let track = |outcome: RunOutcome| {
        report.outcome.set(outcome);
        let event = crate::telemetry::CLI_GENERATE;
        crate::telemetry::send_with_adapter(event, outcome, &loaded.config, adapter);
    };
    if let Some(guidance) = adapter.and_then(Adapter::guidance) {
        crate::output::say(&guidance);
        track(RunOutcome::UnsupportedAdapter);
        return Ok(Exit::Ok);
    }
    let schema = loaded.config.schema();

    if let Some(d) = args.dialect
        && args.output.is_none()
    {
        let dialect = d.provider();
        if schema.namespace.is_some() && dialect != Dialect::Postgres {
            bail!(crate::schema::schema_name_error(dialect));
        }
        let dir = match &args.output_dir {
            Some(d) => absolute(&loaded.cwd, d),
            None => loaded
                .config
                .base_dir(&loaded.cwd)
                .join(&loaded.config.database.migrations_dir),
        };
        return offline_versioned(
            &loaded.config,
            &args,
            &schema,
            dialect,
            &dir,
            &track,
            report,
        );
    }
    let live_mode = args.dialect.is_none();
    let (sql, what) = match args.dialect {
        Some(d) => {
            let dialect = d.provider();
            if schema.namespace.is_some() && dialect != Dialect::Postgres {
                bail!(crate::schema::schema_name_error(dialect));
            }
            (
                crate::plan::fresh(&schema, dialect).sql(&schema),
                "init".to_string(),
            )
        }
        None => {
            if loaded.config.path.is_none() {
                bail!(
                    "no rustauth.toml in {}: pass --adapter sqlx --dialect <{}> for SQL without a database, or create a config with `rustauth init`",
                    loaded.cwd.display(),
                    Dialect::NAMES.join("|")
                );
            }
            live_sql(&loaded, &args)?
        }
    };

    if sql.is_empty() {
        crate::output::say("Your schema is already up to date.");
        track(RunOutcome::NoChanges);
        return Ok(Exit::Ok);
    }
    let hash = sha256_hex(&sql);
    let header = format!("{PLAN_HEADER}{hash}");
    let contents = format!("{header}\n{sql}\n");
    let file_name = |version: &str| file_name(version, &what);

    let base = loaded.config.base_dir(&loaded.cwd);
    // A folder for a new versioned file, or the --output file.
    let (target, versioned_dir) = match (&args.output, &args.output_dir) {
        (Some(file), _) => (absolute(&loaded.cwd, file), None),
        (None, dir) => {
            let dir = match dir {
                Some(d) => absolute(&loaded.cwd, d),
                None => base.join(&loaded.config.database.migrations_dir),
            };
            if !args.force
                && let Some(existing) = file_with_header(&dir, &header)
            {
                crate::output::say(&format!(
                    "The plan is already written in {} (same sha256); nothing written. Pass --force to write it again.",
                    existing.display()
                ));
                track(RunOutcome::NoChanges);
                return Ok(Exit::Ok);
            }
            (dir.join(file_name(&next_version(&dir))), Some(dir))
        }
    };
    if target.is_dir() {
        bail!(
            "--output {} is a folder; pass a file path, or use --output-dir",
            target.display()
        );
    }
    // A new versioned file never overwrites anything (a taken name moves to the next
    // version under the lock below): only --output can overwrite.
    let existed = versioned_dir.is_none() && target.exists();
    if !existed && live_mode && !yes {
        match crate::output::confirm(
            &format!(
                "Do you want to generate the schema to {}?",
                target.display()
            ),
            true,
        ) {
            Some(true) => {}
            Some(false) => {
                eprintln!("Schema generation aborted: nothing written.");
                track(RunOutcome::Aborted);
                return Ok(Exit::Error);
            }
            None => bail!(
                "no terminal to confirm on: pass --yes to write {} without a prompt",
                target.display()
            ),
        }
    }
    if existed && !yes {
        match crate::output::confirm(
            &format!("{} already exists. Overwrite it?", target.display()),
            false,
        ) {
            Some(true) => {}
            Some(false) => {
                eprintln!("Schema generation aborted: nothing written.");
                track(RunOutcome::Aborted);
                return Ok(Exit::Error);
            }
            None => bail!(
                "{} already exists; pass --yes to overwrite it without a prompt",
                target.display()
            ),
        }
    }
    // The folder is locked and read again: concurrent generates take turns, the same
    // plan is written once, and different plans get different names.
    let written = match versioned_dir {
        Some(dir) => {
            let _lock = crate::fsutil::lock_dir(&dir)?;
            if !args.force
                && let Some(existing) = file_with_header(&dir, &header)
            {
                crate::output::say(&format!(
                    "The plan is already written in {} (same sha256); nothing written. Pass --force to write it again.",
                    existing.display()
                ));
                track(RunOutcome::NoChanges);
                return Ok(Exit::Ok);
            }
            create_versioned(&dir, &file_name, contents.as_bytes())?
        }
        None => {
            let _lock = crate::fsutil::lock_dirs_of(&[&target])?;
            if !existed && target.exists() && !yes {
                bail!(
                    "{} was created by someone else meanwhile; pass --yes to overwrite it; nothing written",
                    target.display()
                );
            }
            write_atomic(&target, contents.as_bytes(), None)?;
            target
        }
    };
    report.written(&written);
    track(if existed {
        RunOutcome::Overwritten
    } else {
        RunOutcome::Generated
    });
    Ok(Exit::Ok)
}

/// An offline generate into a folder: under the folder's lock, the plan from the last
/// snapshot there (the whole schema without one, or with `--from-scratch`), its file, and
/// the snapshot of where it leads.
fn offline_versioned(
    config: &crate::config::Config,
    args: &GenerateArgs,
    schema: &crate::schema::Schema,
    dialect: Dialect,
    dir: &Path,
    track: &dyn Fn(RunOutcome),
    report: &Report,
) -> Result<Exit> {
    use super::snapshot;
    let _lock = crate::fsutil::lock_dir(dir)?;
    let base = if args.from_scratch {
        None
    } else {
        snapshot::last(dir, dialect)?
    };
    let plan = match &base {
        None => crate::plan::fresh(schema, dialect),
        Some(b) => {
            crate::plan::diff(schema, &b.catalog, dialect).map_err(|e| anyhow::anyhow!("{e}"))?
        }
    };
    let sql = plan.sql(schema);
    if sql.is_empty() {
        crate::output::say("Your schema is already up to date.");
        track(RunOutcome::NoChanges);
        return Ok(Exit::Ok);
    }
    let what = match &base {
        None => "init".to_string(),
        Some(_) => plan_what(config, schema, &plan),
    };
    let header = format!("{PLAN_HEADER}{}", sha256_hex(&sql));
    let contents = format!("{header}\n{sql}\n");
    if !args.force
        && let Some(existing) = file_with_header(dir, &header)
    {
        crate::output::say(&format!(
            "The plan is already written in {} (same sha256); nothing written. Pass --force to write it again.",
            existing.display()
        ));
        track(RunOutcome::NoChanges);
        return Ok(Exit::Ok);
    }
    let written = create_versioned(dir, &|v| file_name(v, &what), contents.as_bytes())?;
    let name_of = |p: &Path| {
        p.file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned()
    };
    let mut files = Vec::new();
    if let Some(b) = &base {
        files.extend(b.files.iter().cloned());
        files.push((name_of(&b.path), snapshot::sha256_of(&b.path)?));
    }
    files.push((name_of(&written), sha256_hex(&contents)));
    let catalog = snapshot::after(base.as_ref().map(|b| &b.catalog), schema, dialect);
    let json_path = written.with_extension("json");
    match crate::fsutil::write_new(
        &json_path,
        snapshot::to_json(&catalog, dialect, &files).as_bytes(),
        None,
    ) {
        Ok(()) => {}
        Err(NewFileError::Exists) => bail!(
            "{} exists already, so the snapshot of {} could not be written: move it away and delete {}, then run generate again",
            json_path.display(),
            written.display(),
            written.display()
        ),
        Err(NewFileError::Other(e)) => return Err(e),
    }
    report.written(&written);
    track(RunOutcome::Generated);
    Ok(Exit::Ok)
}

/// The name of a new migration file for a version: `<version>_rustauth_<what>.sql`, which
/// sqlx reads as version `<version>`, description `rustauth <what>`.
fn file_name(version: &str, what: &str) -> String {
    format!("{version}_rustauth_{what}.sql")
}

/// What a plan does, for its file name: `init` when it creates the `user` table (the
/// first plan of a database); else `add_<plugin>` for the enabled plugins whose tables or
/// columns it creates (`add_two_factor`, `add_two_factor_organization`; `add_plugins`
/// beyond three); else `add_tables`, `add_columns` or `add_indexes`.
fn plan_what(
    config: &crate::config::Config,
    schema: &crate::schema::Schema,
    plan: &crate::plan::Plan,
) -> String {
    let user = schema.tables.iter().find(|t| t.key == "user");
    if user.is_some_and(|u| plan.created.contains(&u.name)) {
        return "init".into();
    }
    let mut plugins = Vec::new();
    for id in &config.plugins.enabled {
        let mut without = config.clone();
        without.plugins.enabled.retain(|p| p != id);
        let impact = crate::schema::Impact::between(&without.schema(), schema);
        let touched = impact.tables.iter().any(|(t, _)| plan.created.contains(t))
            || impact.columns.iter().any(|(t, c)| {
                plan.added
                    .iter()
                    .any(|(pt, cols)| pt == t && cols.contains(c))
            });
        if touched {
            plugins.push(
                id.chars()
                    .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
                    .collect::<String>(),
            );
        }
    }
    match plugins.len() {
        0 if !plan.created.is_empty() => "add_tables".into(),
        0 if !plan.added.is_empty() => "add_columns".into(),
        0 => "add_indexes".into(),
        1..=3 => format!("add_{}", plugins.join("_")),
        _ => "add_plugins".into(),
    }
}

/// Creates a new file `dir/<file_name(version)>` with create-new semantics, starting at
/// [`next_version`]: a name that is taken (by a concurrent run, by anyone) moves to the
/// next version, so a file is never overwritten and two runs never report one name.
/// Call it with the folder locked ([`crate::fsutil::lock_dir`]).
fn create_versioned(
    dir: &Path,
    file_name: &dyn Fn(&str) -> String,
    contents: &[u8],
) -> Result<PathBuf> {
    let first = next_version(dir);
    let mut version: u64 = first.parse().unwrap_or(0);
    for _ in 0..10_000 {
        let path = dir.join(file_name(&version.to_string()));
        // The snapshot beside it needs its name free too.
        if std::fs::symlink_metadata(path.with_extension("json")).is_ok() {
            version += 1;
            continue;
        }
        match crate::fsutil::write_new(&path, contents, None) {
            Ok(()) => return Ok(path),
            Err(NewFileError::Exists) => version += 1,
            Err(NewFileError::Other(e)) => return Err(e),
        }
    }
    bail!(
        "no free migration file name in {} after 10000 versions from {first}",
        dir.display()
    )
}

/// The plan's SQL against the configured database (warnings on stderr), and what it does
/// (for the file name).
fn live_sql(loaded: &crate::config::Loaded, args: &GenerateArgs) -> Result<(String, String)> {
    use super::connect::{self, Route};
    let opts =
        super::render::read_only(std::time::Duration::from_secs(args.connect.connect_timeout));
    super::context::runtime()?.block_on(async {
        match connect::connect_and_plan(loaded, connect::PlanKind::Upstream, &opts).await {
            Ok(Route::Sql(l)) => {
                crate::report::print_notes(&l.plan);
                for n in &l.plan.name_errors {
                    crate::output::warn(&format!(
                        "{} would reject this plan, and `rustauth migrate` refuses it: {n}",
                        l.target.describe()
                    ));
                }
                crate::report::print_diagnostics(&l.plan);
                if !l.plan.blockers.is_empty() {
                    crate::output::warn(&format!(
                        "`rustauth migrate` will refuse this plan as it stands: {} statement(s) cannot run safely on {}",
                        l.plan.blockers.len(),
                        l.target.describe()
                    ));
                    crate::report::print_blockers(&l.plan.blockers);
                }
                let what = plan_what(&loaded.config, &l.schema, &l.plan);
                l.db.close().await;
                Ok((l.plan.script(&l.schema), what))
            }
            Ok(Route::Guidance(msg)) => bail!("{msg}"),
            Err(e) => bail!(super::render::connect_error(&e, "generate")),
        }
    })
}

/// `YYYYMMDDHHMMSS` in UTC: a version `sqlx migrate` accepts.
pub(crate) fn timestamp() -> String {
    let now = time::OffsetDateTime::now_utc();
    let fmt = time::macros::format_description!("[year][month][day][hour][minute][second]");
    now.format(&fmt).unwrap_or_else(|_| "00000000000000".into())
}

/// The version of a new file in `dir`: now (`YYYYMMDDHHMMSS`), or one past the highest
/// version already there (of a `.sql` file or a snapshot), so two plans written in one
/// second never share a name and a new file always sorts after the others (as sqlx
/// applies them).
fn next_version(dir: &Path) -> String {
    let now = timestamp();
    let highest = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            let version = name.split('_').next()?.to_string();
            ((name.ends_with(".sql") || name.ends_with(".json"))
                && !version.is_empty()
                && version.bytes().all(|b| b.is_ascii_digit()))
            .then(|| version.parse::<u64>().ok())
            .flatten()
        })
        .max();
    match (now.parse::<u64>(), highest) {
        (Ok(n), Some(h)) if h >= n => (h + 1).to_string(),
        _ => now,
    }
}

fn absolute(cwd: &Path, p: &Path) -> PathBuf {
    if p.is_absolute() {
        p.to_path_buf()
    } else {
        cwd.join(p)
    }
}

/// A `.sql` file in `dir` whose first line is `header`. Only regular files (symbolic
/// links to them included) are opened: a FIFO or device named `*.sql` would block.
fn file_with_header(dir: &Path, header: &str) -> Option<PathBuf> {
    use std::io::BufRead;
    let entries = std::fs::read_dir(dir).ok()?;
    for entry in entries.flatten() {
        let path = entry.path();
        if path.extension().is_some_and(|e| e == "sql")
            && let Some(f) = crate::fsutil::open_regular(&path)
        {
            let mut first = String::new();
            if std::io::BufReader::new(f).read_line(&mut first).is_ok()
                && first.trim_end() == header
            {
                return Some(path);
            }
        }
    }
    None
}
