//! The shared vocabulary at the bottom of the layers: SQL dialects, live engines, the
//! Better Auth line, id strategies, field types and on-delete actions. Imports nothing of
//! the crate.

use std::fmt;

/// An enum whose values have fixed names (config values, flags): `NAMES` in declaration
/// order, `parse` (the exact names only), `name`, `Display`, and serde as the name. An
/// unknown name is serde's `unknown variant` error, which `config` words in its own style.
macro_rules! named {
    ($(#[$meta:meta])* pub enum $T:ident { $($(#[$vmeta:meta])* $V:ident = $name:literal,)+ }) => {
        $(#[$meta])*
        pub enum $T {
            $($(#[$vmeta])* $V,)+
        }

        impl $T {
            pub const NAMES: [&'static str; [$($name),+].len()] = [$($name),+];

            #[allow(dead_code)] // not every enum is listed
            pub const ALL: [$T; [$($name),+].len()] = [$($T::$V),+];

            pub fn parse(s: &str) -> Option<$T> {
                match s {
                    $($name => Some($T::$V),)+
                    _ => None,
                }
            }

            pub fn name(self) -> &'static str {
                match self {
                    $($T::$V => $name,)+
                }
            }
        }

        impl std::fmt::Display for $T {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.name())
            }
        }

        impl serde::Serialize for $T {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.name())
            }
        }

        impl<'de> serde::Deserialize<'de> for $T {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = <String as serde::Deserialize>::deserialize(d)?;
                $T::parse(&s).ok_or_else(|| serde::de::Error::unknown_variant(&s, &$T::NAMES))
            }
        }
    };
}
pub(crate) use named;

named! {
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
    pub enum Dialect {
        Sqlite = "sqlite",
        Postgres = "postgres",
        Mysql = "mysql",
        Mssql = "mssql",
    }
}

named! {
    /// Better Auth `advanced.database.generateId`.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
    pub enum IdStrategy {
        #[default]
        Default = "default",
        Uuid = "uuid",
        Serial = "serial",
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

named! {
    /// The Better Auth line whose schema and SQL rustauth reproduces (`[project] better_auth`).
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
    pub enum Line {
        /// Better Auth 1.6.9.
        V1_6 = "1.6",
        /// The `auth` 1.7.7 CLI with better-auth 1.7.25: the current line, the default.
        #[default]
        V1_7 = "1.7",
    }
}

impl Line {
    /// The upstream versions this line reproduces, for messages and `info`.
    pub fn upstream(self) -> &'static str {
        match self {
            Line::V1_6 => "better-auth 1.6.9",
            Line::V1_7 => "auth 1.7.7 with better-auth 1.7.25",
        }
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

named! {
    /// What happens to a row when the row it references is deleted (the names are the SQL
    /// words).
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
    pub enum OnDelete {
        #[default]
        Cascade = "cascade",
        SetNull = "set null",
        Restrict = "restrict",
        NoAction = "no action",
        SetDefault = "set default",
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
