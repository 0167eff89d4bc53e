//! Planning against a live database: connect, introspect what the plan needs, diff. It
//! knows no config: the commands resolve the target (`commands::connect`).

use crate::db::{Db, DbError, Options, Target};
use crate::model::Dialect;
use crate::schema::Schema;

use super::{Plan, PlanError, diff};

/// A connected database with the target schema and the plan against it.
pub(crate) struct Live {
    pub target: Target,
    pub db: Db,
    pub schema: Schema,
    pub plan: Plan,
}

/// Why a live plan could not be made: the database failed, or upstream refuses the plan.
#[derive(Debug, thiserror::Error)]
pub(crate) enum LiveError {
    #[error(transparent)]
    Plan(#[from] PlanError),
    #[error(transparent)]
    Db(#[from] DbError),
}

/// Connects to `target` and plans `schema` against it; `resume`: the history table to
/// finish an interrupted plan from (see [`replan`]).
pub(crate) async fn connect_and_plan(
    target: Target,
    schema: Schema,
    resume: Option<&str>,
    opts: &Options,
) -> Result<Live, LiveError> {
    let mut db = Db::open(&target, opts).await?;
    let plan = match replan(&mut db, &schema, resume).await {
        Ok(plan) => plan,
        Err(e) => {
            db.close().await;
            return Err(e);
        }
    };
    Ok(Live {
        target,
        db,
        schema,
        plan,
    })
}

/// Introspects and diffs again (after the lock is taken, say). Row counts are read only
/// for tables that would get a NOT NULL column, in one extra round trip. `resume`: the
/// history table, to finish the indexes of a plan that stopped half-way (MySQL).
pub(crate) async fn replan(
    db: &mut Db,
    schema: &Schema,
    resume: Option<&str>,
) -> Result<Plan, LiveError> {
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
pub(crate) fn name_error(plan: &Plan) -> Option<String> {
    let first = plan.name_errors.first()?;
    Some(match plan.name_errors.len() {
        1 => first.clone(),
        n => format!("{first} (and {} more name problem(s))", n - 1),
    })
}
