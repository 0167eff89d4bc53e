//! Planning against a live database: resolve the target, connect, introspect what the
//! plan needs, diff.

use crate::config::{Loaded, adapter};
use crate::db::{Db, DbError, Options, Target};
use crate::model::Dialect;
use crate::schema::Schema;

use super::{Plan, PlanError, diff};

/// A connected database with the target schema and the plan against it.
pub struct Live {
    pub target: Target,
    pub db: Db,
    pub schema: Schema,
    pub plan: Plan,
}

/// Why a live plan could not be made, beyond database errors.
#[derive(Debug, thiserror::Error)]
pub enum LiveError {
    /// The adapter manages its own schema: print this and exit 0.
    #[error("{0}")]
    Guidance(String),
    #[error("{0}")]
    Failed(String),
}

impl From<DbError> for LiveError {
    fn from(e: DbError) -> Self {
        LiveError::Failed(e.0)
    }
}

/// Checks the adapter and resolves the target database of a config.
pub fn target(loaded: &Loaded, command: &str) -> Result<Target, LiveError> {
    let config = &loaded.config;
    match config.database.adapter.as_deref() {
        None => {
            return Err(LiveError::Failed(format!(
                "database.adapter is not set in {}; set it to one of: {}",
                config
                    .path
                    .as_ref()
                    .map(|p| p.display().to_string())
                    .unwrap_or_else(|| "rustauth.toml".into()),
                adapter::all().join(", ")
            )));
        }
        Some(a) => match adapter::kind(a) {
            None => {
                return Err(LiveError::Failed(format!(
                    "unknown adapter `{a}` in database.adapter; supported adapters: {}",
                    adapter::all().join(", ")
                )));
            }
            Some(adapter::AdapterKind::Guidance) => {
                return Err(LiveError::Guidance(adapter::guidance(a)));
            }
            Some(adapter::AdapterKind::Sql) => {}
        },
    }
    if config.database.provider == Some(Dialect::Mssql) {
        return Err(LiveError::Failed(format!(
            "`rustauth {command}` does not support mssql: rustauth writes SQL Server SQL only; use `rustauth generate --dialect mssql` and apply the file with your SQL Server tooling"
        )));
    }
    let target = target_from_config(config, &loaded.env, &config.base_dir(&loaded.cwd))?;
    if config.project.better_auth >= crate::model::Line::V1_7
        && config.database.schema.is_some()
        && target.provider != Dialect::Postgres
    {
        return Err(LiveError::Failed(format!(
            "database.schema: {}",
            crate::schema::schema_name_error(target.provider)
        )));
    }
    if target.provider == Dialect::Mssql {
        return Err(LiveError::Failed(format!(
            "`rustauth {command}` does not support mssql URLs: rustauth writes SQL Server SQL only; use `rustauth generate --dialect mssql`"
        )));
    }
    Ok(target)
}

/// Which plan to make.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlanKind {
    /// Upstream's plan only (what `generate` writes).
    Upstream,
    /// Upstream's plan, plus the missing indexes of a plan that stopped half-way (MySQL),
    /// from the history table: what `migrate`, `db status` and `doctor` act on.
    FinishInterrupted,
}

/// Connects and plans; `command` names the command in messages.
pub async fn connect_and_plan(
    loaded: &Loaded,
    command: &str,
    kind: PlanKind,
    opts: &Options,
) -> Result<Live, LiveError> {
    let target = target(loaded, command)?;
    let schema = loaded.config.schema();
    let mut db = Db::open(&target, opts).await?;
    let plan = replan(&mut db, &schema, resume_from(loaded, kind)).await?;
    Ok(Live {
        target,
        db,
        schema,
        plan,
    })
}

/// The history table to finish an interrupted plan from, for this kind of plan.
pub fn resume_from(loaded: &Loaded, kind: PlanKind) -> Option<&str> {
    let history = loaded.config.database.history_table.as_str();
    (kind == PlanKind::FinishInterrupted && !history.is_empty()).then_some(history)
}

/// Introspects and diffs again (after the lock is taken, say). Row counts are read only
/// for tables that would get a NOT NULL column, in one extra round trip. `resume`: the
/// history table, to finish the indexes of a plan that stopped half-way (MySQL).
pub async fn replan(db: &mut Db, schema: &Schema, resume: Option<&str>) -> Result<Plan, LiveError> {
    let dialect = db.provider();
    let rules = crate::sql::Rules::of(schema.line);
    let names: Vec<String> = schema.tables.iter().map(|t| t.name.clone()).collect();
    let index_names: Vec<String> = schema
        .tables
        .iter()
        .flat_map(|t| {
            t.indexes.iter().map(|i| {
                crate::sql::index_name(&t.name, &i.columns, i.unique, rules.truncate_index_names)
            })
        })
        .collect();
    let mut catalog = db.introspect(&names, &index_names).await?;
    let unfinished = match resume {
        Some(table) => db.unfinished_plan(table).await?,
        None => None,
    };
    let finish = |plan: Result<Plan, PlanError>, catalog: &crate::db::Catalog| {
        let mut plan = plan.map_err(|e| LiveError::Failed(e.to_string()))?;
        if let Some(sql) = &unfinished {
            plan.resume_indexes(schema, catalog, sql);
        }
        Ok::<Plan, LiveError>(plan)
    };
    let mut plan = finish(diff(schema, &catalog, dialect), &catalog)?;
    plan.interrupted = unfinished.is_some();
    if !plan.is_empty() {
        plan.name_errors =
            super::limits::check(&plan.statements, schema, &catalog, dialect, resume);
    }
    let row_checks: Vec<String> = plan
        .added
        .iter()
        .filter(|(table, cols)| {
            let t = schema.table(table).expect("planned table is in the schema");
            cols.iter().any(|c| t.column(c).is_some_and(|c| c.required))
        })
        .map(|(t, _)| t.clone())
        .collect();
    // SQLite refuses such a column whatever the rows; the 1.7 line still names the
    // populated tables (its unsafe changes).
    if row_checks.is_empty() || (dialect == Dialect::Sqlite && !rules.diagnostics_1_7) {
        return Ok(plan);
    }
    db.read_row_presence(&mut catalog, &row_checks).await?;
    let mut again = finish(diff(schema, &catalog, dialect), &catalog)?;
    again.interrupted = plan.interrupted;
    again.name_errors = plan.name_errors;
    Ok(again)
}

/// The first name problem of a plan as one line (with how many more there are).
pub fn name_error(plan: &Plan) -> Option<String> {
    let first = plan.name_errors.first()?;
    Some(match plan.name_errors.len() {
        1 => first.clone(),
        n => format!("{first} (and {} more name problem(s))", n - 1),
    })
}

/// The database a config names: the URL in the variable `database.url_env` names, else
/// `database.url`; it must agree with `database.provider`. `base`: the folder relative
/// SQLite paths are relative to.
pub fn target_from_config(
    config: &crate::config::Config,
    env: &crate::config::Env,
    base: &std::path::Path,
) -> Result<Target, DbError> {
    let var = &config.database.url_env;
    let (url, source) = match env.get_non_empty(var) {
        Some(u) => (u, format!("${var}")),
        None => match &config.database.url {
            Some(u) if !u.is_empty() => (u.clone(), "database.url".to_string()),
            _ => {
                return Err(DbError(format!(
                    "no database URL: set {var} (database.url_env) in the environment or .env, or database.url in rustauth.toml"
                )));
            }
        },
    };
    let target = Target::parse(&url, base).map_err(|e| DbError(format!("{source}: {e}")))?;
    if let Some(p) = config.database.provider
        && p != target.provider
    {
        return Err(DbError(format!(
            "database.provider is {p} but {source} is a {} URL; make them agree",
            target.provider
        )));
    }
    Ok(target.with_schema(
        config.database.schema.clone(),
        config.project.better_auth >= crate::model::Line::V1_7,
    ))
}
