//! Signing secrets: generation, the rules a secret must pass, and where it is read from.
//!
//! Pure functions over values: nothing here prints, and no message ever contains the
//! secret's value (not even part of it). `rustauth secret` and `rustauth doctor` both call
//! this layer:
//!
//! ```no_run
//! # let env = rustauth::config::Env::process_only();
//! use rustauth::secret;
//! let production = false;
//! let findings = match secret::resolve_env(&env, "RUSTAUTH_SECRET") {
//!     Some((name, value)) => secret::check_var(&name, &value, production),
//!     None => vec![secret::missing("RUSTAUTH_SECRET")],
//! };
//! let ok = secret::passes(&findings);
//! ```
//!
//! The rules follow Better Auth 1.6.9 (`create-context.ts`, `secret-utils.ts`): its
//! built-in default secret, the 32-character minimum, its entropy estimate
//! (length × log2(distinct characters), 120 bits), and its `BETTER_AUTH_SECRETS` rotation
//! list format `"<version>:<secret>,…"`. Upstream only warns about length and entropy;
//! here they fail in production, and a default or example-looking value always fails.

use std::fmt;

use base64::Engine;
use rand::RngCore;

use crate::config::Env;

/// Random bytes in a generated secret by default (and the minimum).
pub const DEFAULT_BYTES: usize = 32;
/// The fewest random bytes `generate` accepts.
pub const MIN_BYTES: usize = 32;
/// The most random bytes `generate` accepts.
pub const MAX_BYTES: usize = 1024;
/// The shortest secret (in characters) that passes, as upstream.
pub const MIN_LENGTH: usize = 32;
/// The lowest estimated entropy (bits) that passes, as upstream.
pub const MIN_ENTROPY_BITS: f64 = 120.0;

/// Better Auth's built-in default secret (`DEFAULT_SECRET`): public, so worthless.
pub const BETTER_AUTH_DEFAULT_SECRET: &str = "better-auth-secret-12345678901234567890";
/// The placeholder `rustauth init` writes to `.env.example` (and to `.env` when it does
/// not seed a secret).
pub const INIT_PLACEHOLDER: &str = "change-me-run-rustauth-secret";
/// The example value README.md shows for `rustauth secret`.
pub const README_EXAMPLE: &str = "kR2x9vQm4TnW7pLc1bZf8hJd3sYg6uAe0oXiVtNqMwE";

/// Public values that must never be used: upstream's default and the values this project
/// ships in its examples.
pub const KNOWN_DEFAULTS: &[(&str, &str)] = &[
    (
        BETTER_AUTH_DEFAULT_SECRET,
        "Better Auth's built-in default secret",
    ),
    (
        INIT_PLACEHOLDER,
        "the placeholder that `rustauth init` writes to .env.example",
    ),
    (README_EXAMPLE, "the example value from rustauth's README"),
];

/// Words that mark a value as an example rather than a secret (matched case-insensitively).
/// Each is long enough that a random base64url or hex secret does not contain it by chance.
pub const EXAMPLE_MARKERS: &[&str] = &[
    "changeme",
    "change-me",
    "change_me",
    "changethis",
    "change-this",
    "change_this",
    "example",
    "your-secret",
    "your_secret",
    "yoursecret",
    "your-own",
    "placeholder",
    "replaceme",
    "replace-me",
    "replace_me",
    "replace-with",
    "insert-your",
    "insert_your",
    "put-your",
    "supersecret",
    "super-secret",
    "super_secret",
    "secret-here",
    "secret_here",
    "dummy",
    "sample",
    "not-a-real",
    "lorem",
    "12345678",
    "password",
];

/// Rotation-list variables, in the order they are looked up.
pub const ROTATION_VARS: &[&str] = &["RUSTAUTH_SECRETS", "BETTER_AUTH_SECRETS"];
/// Single-secret fallbacks after the rotation lists, as upstream reads them.
pub const FALLBACK_VARS: &[&str] = &["BETTER_AUTH_SECRET", "AUTH_SECRET"];

/// How a generated secret is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// URL-safe base64 without padding (43 characters for 32 bytes).
    Base64Url,
    /// Lowercase hex (64 characters for 32 bytes), as upstream's `auth secret`.
    Hex,
}

/// A secret-layer error (generation only; checks return findings).
#[derive(Debug, thiserror::Error)]
pub enum SecretError {
    #[error("a secret needs at least {MIN_BYTES} random bytes (256 bits); {0} is too few")]
    TooFewBytes(usize),
    #[error("at most {MAX_BYTES} random bytes; {0} is too many")]
    TooManyBytes(usize),
    #[error("the operating system's random source failed: {0}")]
    Random(String),
}

/// Generates a secret: `bytes` random bytes from the operating system, encoded.
pub fn generate(bytes: usize, encoding: Encoding) -> Result<String, SecretError> {
    if bytes < MIN_BYTES {
        return Err(SecretError::TooFewBytes(bytes));
    }
    if bytes > MAX_BYTES {
        return Err(SecretError::TooManyBytes(bytes));
    }
    let mut buf = vec![0u8; bytes];
    rand::rngs::OsRng
        .try_fill_bytes(&mut buf)
        .map_err(|e| SecretError::Random(e.to_string()))?;
    Ok(encode(&buf, encoding))
}

/// Encodes bytes as a secret string.
pub fn encode(bytes: &[u8], encoding: Encoding) -> String {
    match encoding {
        Encoding::Base64Url => base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes),
        Encoding::Hex => hex::encode(bytes),
    }
}

/// Which rule a finding comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Rule {
    /// No variable holds a secret.
    Missing,
    /// The value is empty.
    Empty,
    /// The value is a public default ([`KNOWN_DEFAULTS`]).
    KnownDefault,
    /// The value contains an example word ([`EXAMPLE_MARKERS`]).
    ExampleLooking,
    /// Shorter than [`MIN_LENGTH`] characters.
    TooShort,
    /// Estimated entropy below [`MIN_ENTROPY_BITS`].
    LowEntropy,
    /// A rotation-list entry without `<version>:`.
    RotationMalformed,
    /// A rotation-list version that is not a non-negative integer.
    RotationVersion,
    /// The same version twice in a rotation list.
    RotationDuplicate,
    /// A rotation-list entry with an empty secret.
    RotationEmpty,
    /// An env file holds the secret's variable more than once, or stops parsing (the app
    /// may read another value than the one checked, or none).
    EnvFile,
}

impl Rule {
    /// A stable kebab-case name (for `--json` output).
    pub fn name(self) -> &'static str {
        match self {
            Rule::Missing => "missing",
            Rule::Empty => "empty",
            Rule::KnownDefault => "known-default",
            Rule::ExampleLooking => "example-looking",
            Rule::TooShort => "too-short",
            Rule::LowEntropy => "low-entropy",
            Rule::RotationMalformed => "rotation-malformed",
            Rule::RotationVersion => "rotation-version",
            Rule::RotationDuplicate => "rotation-duplicate",
            Rule::RotationEmpty => "rotation-empty",
            Rule::EnvFile => "env-file",
        }
    }

    /// Length and entropy only warn outside production; every other rule always fails.
    pub fn warns_outside_production(self) -> bool {
        matches!(self, Rule::TooShort | Rule::LowEntropy | Rule::EnvFile)
    }
}

/// Whether a finding fails the check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Warning,
    Error,
}

impl Severity {
    pub fn name(self) -> &'static str {
        match self {
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// One problem with a secret. `message` never contains the value.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    pub rule: Rule,
    /// Already decided for the mode the check ran in (`production` or not).
    pub severity: Severity,
    pub message: String,
}

impl Finding {
    fn new(rule: Rule, production: bool, message: String) -> Finding {
        let severity = if rule.warns_outside_production() && !production {
            Severity::Warning
        } else {
            Severity::Error
        };
        Finding {
            rule,
            severity,
            message,
        }
    }
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.severity.name(), self.message)
    }
}

/// Whether a check passed: no finding of [`Severity::Error`].
pub fn passes(findings: &[Finding]) -> bool {
    findings.iter().all(|f| f.severity != Severity::Error)
}

/// The finding for "no variable holds a secret" (always an error); `secret_env` is the
/// configured variable, named in the message with the fallbacks.
pub fn missing(secret_env: &str) -> Finding {
    Finding::new(
        Rule::Missing,
        true,
        format!(
            "no secret is set: none of {} holds a value (looked in the environment, .env and .env.local); generate one with `rustauth secret`",
            lookup_order(secret_env).join(", ")
        ),
    )
}

/// Findings for what the env files do to the secret's variables (`names`): a variable
/// defined twice in one file (dotenvy keeps the first), a file that stops parsing. A
/// warning, a failure in production.
pub fn env_file_findings(env: &Env, names: &[String], production: bool) -> Vec<Finding> {
    use crate::config::IssueKind;
    env.issues
        .iter()
        .filter(|i| match &i.kind {
            IssueKind::Duplicate { key, .. } => names.contains(key),
            IssueKind::Stops { .. } | IssueKind::Unreadable { .. } => true,
        })
        .map(|i| Finding::new(Rule::EnvFile, production, i.to_string()))
        .collect()
}

/// Upstream's estimate of a string's entropy in bits: length × log2(distinct characters).
/// (Upstream computes `log2(distinct ^ length)`, which is the same until it overflows to
/// infinity for long strings, which pass either way.)
pub fn estimate_entropy(s: &str) -> f64 {
    let mut distinct: Vec<char> = s.chars().collect();
    let len = distinct.len();
    distinct.sort_unstable();
    distinct.dedup();
    if distinct.is_empty() {
        return 0.0;
    }
    len as f64 * (distinct.len() as f64).log2()
}

/// Checks a value given on the command line or by a caller that does not know where it
/// came from: a rotation list when it starts with `<digits>:` (`1:…`), else one secret.
/// For a value read from a variable, prefer [`check_var`], which decides by the name.
pub fn check(value: &str, production: bool) -> Vec<Finding> {
    if looks_like_rotation(value) {
        check_rotation(value, production)
    } else {
        check_single(value, production)
    }
}

/// Checks a value read from the variable `name`: `…SECRETS` variables
/// (`RUSTAUTH_SECRETS`, `BETTER_AUTH_SECRETS`) hold rotation lists and are parsed strictly;
/// any other variable is checked by [`check`].
pub fn check_var(name: &str, value: &str, production: bool) -> Vec<Finding> {
    if is_rotation_var(name) {
        check_rotation(value, production)
    } else {
        check(value, production)
    }
}

/// Checks one secret (not a rotation list).
pub fn check_single(value: &str, production: bool) -> Vec<Finding> {
    strength(value, "the secret", production)
}

/// Checks a rotation list `"<version>:<secret>,…"` (upstream `parseSecretsEnv` and
/// `validateSecretsArray`): every entry must be `<version>:<secret>` with a non-negative
/// integer version, versions must be unique, no secret may be empty; the first entry is
/// the current secret and gets the strength rules of [`check_single`].
pub fn check_rotation(value: &str, production: bool) -> Vec<Finding> {
    if value.trim().is_empty() {
        return vec![Finding::new(
            Rule::Empty,
            production,
            "the rotation list is empty".into(),
        )];
    }
    let mut findings = Vec::new();
    let mut seen: Vec<u64> = Vec::new();
    let mut current: Option<(Option<u64>, &str)> = None;
    for (i, entry) in value.split(',').enumerate() {
        let n = i + 1;
        let entry = entry.trim();
        let Some((version, secret)) = entry.split_once(':') else {
            findings.push(Finding::new(
                Rule::RotationMalformed,
                production,
                format!(
                    "rotation list entry {n} is not `<version>:<secret>` (entries are separated by commas)"
                ),
            ));
            continue;
        };
        let version = version.trim();
        let secret = secret.trim();
        let parsed = if !version.is_empty() && version.bytes().all(|b| b.is_ascii_digit()) {
            version.parse::<u64>().ok()
        } else {
            None
        };
        match parsed {
            None => findings.push(Finding::new(
                Rule::RotationVersion,
                production,
                format!(
                    "rotation list entry {n}: the version before `:` must be a non-negative integer"
                ),
            )),
            Some(v) if seen.contains(&v) => findings.push(Finding::new(
                Rule::RotationDuplicate,
                production,
                format!(
                    "rotation list entry {n}: version {v} appears more than once; each version must be unique"
                ),
            )),
            Some(v) => seen.push(v),
        }
        if secret.is_empty() {
            let which = match parsed {
                Some(v) => format!("version {v}"),
                None => format!("entry {n}"),
            };
            findings.push(Finding::new(
                Rule::RotationEmpty,
                production,
                format!("rotation list: the secret of {which} is empty"),
            ));
        }
        if i == 0 {
            current = Some((parsed, secret));
        }
    }
    if let Some((version, secret)) = current
        && !secret.is_empty()
    {
        let subject = match version {
            Some(v) => format!("the current secret (version {v})"),
            None => "the current secret (entry 1)".to_string(),
        };
        findings.extend(strength(secret, &subject, production));
    }
    findings
}

/// The single-secret rules; `subject` names the secret in messages.
fn strength(value: &str, subject: &str, production: bool) -> Vec<Finding> {
    if value.is_empty() {
        return vec![Finding::new(
            Rule::Empty,
            production,
            format!("{subject} is empty; generate one with `rustauth secret`"),
        )];
    }
    if let Some((_, what)) = KNOWN_DEFAULTS.iter().find(|(v, _)| *v == value) {
        return vec![Finding::new(
            Rule::KnownDefault,
            production,
            format!(
                "{subject} is {what}: it is public, so anyone can forge what it signs; generate one with `rustauth secret`"
            ),
        )];
    }
    let mut findings = Vec::new();
    let lower = value.to_ascii_lowercase();
    if let Some(marker) = EXAMPLE_MARKERS.iter().find(|m| lower.contains(*m)) {
        findings.push(Finding::new(
            Rule::ExampleLooking,
            production,
            format!(
                "{subject} looks like an example value (it contains `{marker}`); generate one with `rustauth secret`"
            ),
        ));
    }
    let len = value.chars().count();
    if len < MIN_LENGTH {
        findings.push(Finding::new(
            Rule::TooShort,
            production,
            format!(
                "{subject} is {len} characters long; use at least {MIN_LENGTH} (`rustauth secret` makes 43)"
            ),
        ));
    }
    let bits = estimate_entropy(value);
    if bits < MIN_ENTROPY_BITS {
        findings.push(Finding::new(
            Rule::LowEntropy,
            production,
            format!(
                "{subject} looks low-entropy: about {} bits by Better Auth's estimate (length × log2 of distinct characters), below {MIN_ENTROPY_BITS}; use a randomly generated secret",
                bits.floor()
            ),
        ));
    }
    findings
}

/// Whether a value starts with `<digits>:` (then it is read as a rotation list).
pub fn looks_like_rotation(value: &str) -> bool {
    match value.trim_start().split_once(':') {
        Some((v, _)) => {
            let v = v.trim();
            !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit())
        }
        None => false,
    }
}

/// Whether the variable `name` holds a rotation list (its name ends in `SECRETS`).
pub fn is_rotation_var(name: &str) -> bool {
    name.to_ascii_uppercase().ends_with("SECRETS")
}

/// The variables looked up for the secret, in order: `secret_env` (the config's
/// `security.secret_env`), then [`ROTATION_VARS`], then [`FALLBACK_VARS`]; no name twice.
pub fn lookup_order(secret_env: &str) -> Vec<String> {
    let mut names: Vec<String> = vec![secret_env.to_string()];
    for n in ROTATION_VARS.iter().chain(FALLBACK_VARS) {
        if !names.iter().any(|x| x == n) {
            names.push((*n).to_string());
        }
    }
    names
}

/// Finds the secret in `env` (the process environment, then `.env`/`.env.local` as
/// [`Env`] loaded them): the first variable of [`lookup_order`] with a non-empty value,
/// as `(variable name, value)`. When none has a value but one is set to the empty string,
/// returns that one with `""` (so the caller can say "empty" rather than "missing");
/// `None` when none is set at all.
pub fn resolve_env(env: &Env, secret_env: &str) -> Option<(String, String)> {
    let names = lookup_order(secret_env);
    let mut empty = None;
    for name in names {
        match env.get(&name) {
            Some(v) if !v.is_empty() => return Some((name, v)),
            Some(_) if empty.is_none() => empty = Some((name, String::new())),
            _ => {}
        }
    }
    empty
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entropy_matches_upstream_formula() {
        assert_eq!(estimate_entropy(""), 0.0);
        assert_eq!(estimate_entropy("aaaa"), 0.0);
        assert_eq!(estimate_entropy("abab"), 4.0);
        let hex: String = (0..64)
            .map(|i| b"0123456789abcdef"[i % 16] as char)
            .collect();
        assert_eq!(estimate_entropy(&hex), 256.0);
    }

    #[test]
    fn generated_secrets_pass_in_production() {
        for _ in 0..200 {
            for enc in [Encoding::Base64Url, Encoding::Hex] {
                let s = generate(32, enc).unwrap();
                assert!(check(&s, true).is_empty(), "{enc:?} secret failed");
            }
        }
    }

    #[test]
    fn rotation_detection() {
        assert!(looks_like_rotation("1:abc"));
        assert!(looks_like_rotation(" 12 :abc,2:x"));
        assert!(!looks_like_rotation("abc:1"));
        assert!(!looks_like_rotation("abc"));
        assert!(is_rotation_var("BETTER_AUTH_SECRETS"));
        assert!(!is_rotation_var("BETTER_AUTH_SECRET"));
    }
}
