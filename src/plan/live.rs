//! Planning against a live database: resolve the target, connect, introspect what the
//! plan needs, diff.

use crate::config::{Loaded, adapter::Adapter};
use crate::db::{Db, DbError, Options, Target, TargetError};
use crate::model::{Dialect, Engine};
use crate::schema::Schema;

use super::{Plan, PlanError, diff};

/// A connected database with the target schema and the plan against it.
pub struct Live {
    pub target: Target,
    pub db: Db,
    pub schema: Schema,
    pub plan: Plan,
}

/// What a live command does for the configured adapter: connect (SQL adapters), or print
/// guidance and exit 0 (an adapter that manages its own schema). Decided before
/// connecting; it is no error.
pub enum Route<T> {
    Sql(T),
    Guidance(String),
}

/// Why a live plan could not be made. The messages name config keys, never flags: the
/// commands add what to do.
#[derive(Debug, thiserror::Error)]
pub enum LiveError {
    #[error("database.adapter is not set in {file}")]
    NoAdapter { file: String },
    /// `database.provider = "mssql"`.
    #[error("does not support mssql: rustauth writes SQL Server SQL only")]
    MssqlProvider,
    /// The URL is an mssql one.
    #[error("does not support mssql URLs: rustauth writes SQL Server SQL only")]
    MssqlUrl,
    /// `database.schema` on an engine without schemas (the 1.7 line).
    #[error("database.schema: {0}")]
    SchemaNotSupported(String),
    #[error(
        "no database URL: set {var} (database.url_env) in the environment or .env, or database.url in rustauth.toml"
    )]
    NoUrl { var: String },
    #[error("{source_name}: {detail}")]
    BadUrl { source_name: String, detail: String },
    #[error("database.provider is {provider} but {source_name} is a {url} URL")]
    ProviderMismatch {
        provider: Dialect,
        source_name: String,
        url: Dialect,
    },
    #[error(transparent)]
    Plan(#[from] PlanError),
    #[error(transparent)]
    Db(#[from] DbError),
}

/// Checks the adapter and resolves the target database of a config.
pub fn target(loaded: &Loaded) -> Result<Route<Target>, LiveError> {
    let config = &loaded.config;
    match config.database.adapter.map(Adapter::guidance) {
        None => {
            return Err(LiveError::NoAdapter {
                file: config
                    .path
                    .as_ref()
                    .map(|p| p.display().to_string())
                    .unwrap_or_else(|| "rustauth.toml".into()),
            });
        }
        Some(Some(guidance)) => return Ok(Route::Guidance(guidance)),
        Some(None) => {}
    }
    if config.database.provider == Some(Dialect::Mssql) {
        return Err(LiveError::MssqlProvider);
    }
    let target = target_from_config(config, &loaded.env, &config.base_dir(&loaded.cwd))?;
    if config.project.better_auth >= crate::model::Line::V1_7
        && config.database.schema.is_some()
        && target.engine != Engine::Postgres
    {
        return Err(LiveError::SchemaNotSupported(
            crate::schema::schema_name_error(target.dialect()),
        ));
    }
    Ok(Route::Sql(target))
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

/// Connects and plans (or routes to the adapter's guidance).
pub async fn connect_and_plan(
    loaded: &Loaded,
    kind: PlanKind,
    opts: &Options,
) -> Result<Route<Live>, LiveError> {
    let target = match target(loaded)? {
        Route::Sql(t) => t,
        Route::Guidance(g) => return Ok(Route::Guidance(g)),
    };
    let schema = loaded.config.schema();
    let mut db = Db::open(&target, opts).await?;
    let plan = replan(&mut db, &schema, resume_from(loaded, kind)).await?;
    Ok(Route::Sql(Live {
        target,
        db,
        schema,
        plan,
    }))
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
    let dialect = db.dialect();
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
        let mut plan = plan?;
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
) -> Result<Target, LiveError> {
    let var = &config.database.url_env;
    let (url, source_name) = match env.get_non_empty(var) {
        Some(u) => (u, format!("${var}")),
        None => match &config.database.url {
            Some(u) if !u.is_empty() => (u.clone(), "database.url".to_string()),
            _ => return Err(LiveError::NoUrl { var: var.clone() }),
        },
    };
    let mismatch = |url: Dialect| match config.database.provider {
        Some(provider) if provider != url => Some(LiveError::ProviderMismatch {
            provider,
            source_name: source_name.clone(),
            url,
        }),
        _ => None,
    };
    let target = match Target::parse(&url, base) {
        Ok(t) => t,
        Err(TargetError::NotConnectable(d)) => {
            return Err(mismatch(d).unwrap_or(LiveError::MssqlUrl));
        }
        Err(TargetError::Unparseable(detail)) => {
            return Err(LiveError::BadUrl {
                source_name,
                detail,
            });
        }
    };
    if let Some(e) = mismatch(target.dialect()) {
        return Err(e);
    }
    Ok(target.with_schema(
        config.database.schema.clone(),
        config.project.better_auth >= crate::model::Line::V1_7,
    ))
}
