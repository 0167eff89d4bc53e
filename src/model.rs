//! The shared vocabulary at the bottom of the layers: SQL dialects, live engines, the
//! Better Auth line, id strategies, field types and on-delete actions. Imports nothing of
//! the crate.

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Dialect {
    Sqlite,
    Postgres,
    Mysql,
    Mssql,
}

impl Dialect {
    pub const NAMES: [&'static str; 4] = ["sqlite", "postgres", "mysql", "mssql"];

    pub fn parse(s: &str) -> Option<Dialect> {
        Some(match s {
            "sqlite" => Dialect::Sqlite,
            "postgres" => Dialect::Postgres,
            "mysql" => Dialect::Mysql,
            "mssql" => Dialect::Mssql,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            Dialect::Sqlite => "sqlite",
            Dialect::Postgres => "postgres",
            Dialect::Mysql => "mysql",
            Dialect::Mssql => "mssql",
        }
    }
}

impl fmt::Display for Dialect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Better Auth `advanced.database.generateId`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum IdStrategy {
    #[default]
    Default,
    Uuid,
    Serial,
}

impl IdStrategy {
    pub const NAMES: [&'static str; 3] = ["default", "uuid", "serial"];
    pub fn parse(s: &str) -> Option<IdStrategy> {
        Some(match s {
            "default" => IdStrategy::Default,
            "uuid" => IdStrategy::Uuid,
            "serial" => IdStrategy::Serial,
            _ => return None,
        })
    }
    pub fn name(self) -> &'static str {
        match self {
            IdStrategy::Default => "default",
            IdStrategy::Uuid => "uuid",
            IdStrategy::Serial => "serial",
        }
    }
}

/// A database rustauth connects to (SQL Server is text only: there is no `Engine` for it,
/// so a live command cannot reach one by construction).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Engine {
    Sqlite,
    Postgres,
    Mysql,
}

impl Engine {
    /// The SQL dialect this engine speaks.
    pub fn dialect(self) -> Dialect {
        match self {
            Engine::Sqlite => Dialect::Sqlite,
            Engine::Postgres => Dialect::Postgres,
            Engine::Mysql => Dialect::Mysql,
        }
    }

    pub fn name(self) -> &'static str {
        self.dialect().name()
    }
}

impl fmt::Display for Engine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl Dialect {
    /// The engine that runs this dialect live, if rustauth connects to it.
    pub fn engine(self) -> Option<Engine> {
        match self {
            Dialect::Sqlite => Some(Engine::Sqlite),
            Dialect::Postgres => Some(Engine::Postgres),
            Dialect::Mysql => Some(Engine::Mysql),
            Dialect::Mssql => None,
        }
    }
}

/// The Better Auth line whose schema and SQL rustauth reproduces (`[project] better_auth`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub enum Line {
    /// Better Auth 1.6.9.
    V1_6,
    /// The `auth` 1.7.7 CLI with better-auth 1.7.25: the current line, the default.
    #[default]
    V1_7,
}

impl Line {
    pub const NAMES: [&'static str; 2] = ["1.6", "1.7"];
    pub const ALL: [Line; 2] = [Line::V1_6, Line::V1_7];

    pub fn parse(s: &str) -> Option<Line> {
        match s {
            "1.6" => Some(Line::V1_6),
            "1.7" => Some(Line::V1_7),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Line::V1_6 => "1.6",
            Line::V1_7 => "1.7",
        }
    }

    /// The upstream versions this line reproduces, for messages and `info`.
    pub fn upstream(self) -> &'static str {
        match self {
            Line::V1_6 => "better-auth 1.6.9",
            Line::V1_7 => "auth 1.7.7 with better-auth 1.7.25",
        }
    }
}

impl fmt::Display for Line {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The type of a field, as Better Auth's `DBFieldType`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldType {
    String,
    Number,
    Boolean,
    Date,
    Json,
    StringArray,
    NumberArray,
    /// An enum: a list of allowed string values (stored as `text` on every dialect).
    Enum(Vec<String>),
}

impl FieldType {
    /// A string or an enum (what an index byte budget counts as a string).
    pub fn is_string_like(&self) -> bool {
        matches!(self, FieldType::String | FieldType::Enum(_))
    }

    /// The name Better Auth uses in messages (`string`, `number[]`, …).
    pub fn upstream_name(&self) -> String {
        match self {
            FieldType::String => "string".into(),
            FieldType::Number => "number".into(),
            FieldType::Boolean => "boolean".into(),
            FieldType::Date => "date".into(),
            FieldType::Json => "json".into(),
            FieldType::StringArray => "string[]".into(),
            FieldType::NumberArray => "number[]".into(),
            // JavaScript prints an array with `${}` as its items joined by commas.
            FieldType::Enum(values) => values.join(","),
        }
    }
}

impl fmt::Display for FieldType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.upstream_name())
    }
}

/// What happens to a row when the row it references is deleted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnDelete {
    Cascade,
    SetNull,
    Restrict,
    NoAction,
    SetDefault,
}

impl OnDelete {
    pub const ALL: [&'static str; 5] = [
        "cascade",
        "set null",
        "restrict",
        "no action",
        "set default",
    ];

    pub fn parse(s: &str) -> Option<OnDelete> {
        Some(match s {
            "cascade" => OnDelete::Cascade,
            "set null" => OnDelete::SetNull,
            "restrict" => OnDelete::Restrict,
            "no action" => OnDelete::NoAction,
            "set default" => OnDelete::SetDefault,
            _ => return None,
        })
    }

    pub fn as_sql(self) -> &'static str {
        match self {
            OnDelete::Cascade => "cascade",
            OnDelete::SetNull => "set null",
            OnDelete::Restrict => "restrict",
            OnDelete::NoAction => "no action",
            OnDelete::SetDefault => "set default",
        }
    }
}

/// A static default value (upstream's `defaultValue` when it is not a function).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Literal {
    Bool(bool),
    Int(i64),
    Str(String),
}

impl From<bool> for Literal {
    fn from(b: bool) -> Self {
        Literal::Bool(b)
    }
}

impl From<i64> for Literal {
    fn from(n: i64) -> Self {
        Literal::Int(n)
    }
}

impl From<i32> for Literal {
    fn from(n: i32) -> Self {
        Literal::Int(i64::from(n))
    }
}

impl From<&str> for Literal {
    fn from(s: &str) -> Self {
        Literal::Str(s.to_string())
    }
}
