//! Telemetry through the binary against a local HTTP listener on 127.0.0.1: the body's
//! shape, no secrets in it, the opt-out honoured, debug printing instead of sending, and a
//! dead endpoint that does not slow the command by more than the 2 s timeout.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::sync::mpsc;
use std::time::Duration;

use common::Run;
use serde_json::Value;

const DB_PASSWORD: &str = "Tele-db-pw-5521";
const SECRET: &str = "Xq7vN2pL9wR4tK8mZ3bH6jD1fS5gC0yAeUiOoPlMnBv";

/// One request as the listener received it.
struct Request {
    head: String,
    body: String,
}

/// A listener on 127.0.0.1 that answers 200 to each request and hands the requests over.
fn collector() -> (String, mpsc::Receiver<Request>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        // Bounded: a test never sends more than a few requests.
        for stream in listener.incoming().take(8) {
            let Ok(stream) = stream else { continue };
            if let Some(req) = read_request(stream)
                && tx.send(req).is_err()
            {
                return;
            }
        }
    });
    (format!("http://{addr}/v1/events"), rx)
}

fn read_request(mut stream: TcpStream) -> Option<Request> {
    stream.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    let mut reader = BufReader::new(stream.try_clone().ok()?);
    let mut head = String::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            break;
        }
        if line == "\r\n" {
            break;
        }
        head.push_str(&line);
    }
    let len = head
        .lines()
        .find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.eq_ignore_ascii_case("content-length")
                .then(|| v.trim().parse::<usize>().ok())?
        })
        .unwrap_or(0);
    let mut body = vec![0; len];
    reader.read_exact(&mut body).ok()?;
    let _ = stream.write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\nconnection: close\r\n\r\n");
    Some(Request {
        head,
        body: String::from_utf8_lossy(&body).into_owned(),
    })
}

/// A project whose config and .env hold a database password, a secret and a base_url.
fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    common::write_config(
        dir.path(),
        &format!(
            r#"
[project]
base_url = "https://auth.secret-host.example/api/auth"
[database]
adapter = "sqlx"
provider = "postgres"
url = "postgres://app:{DB_PASSWORD}@db.secret-host.example:5432/app"
[plugins]
enabled = ["two-factor", "organization"]
[models.user]
fields = {{ email = "email_address" }}
"#
        ),
    );
    std::fs::write(
        dir.path().join(".env"),
        format!("RUSTAUTH_SECRET={SECRET}\n"),
    )
    .unwrap();
    dir
}

/// `rustauth generate --adapter sqlx --dialect postgres --output out.sql --yes` in `dir`.
fn generate(dir: &Path, env: &[(&str, &str)]) -> Run {
    let mut cmd = common::rustauth();
    cmd.current_dir(dir).args([
        "generate",
        "--adapter",
        "sqlx",
        "--dialect",
        "postgres",
        "--output",
        "out.sql",
        "--yes",
    ]);
    cmd.envs(env.iter().copied());
    common::run_cmd(&mut cmd)
}

fn assert_clean(text: &str, dir: &Path) {
    for bad in [
        DB_PASSWORD,
        SECRET,
        "secret-host",
        "api/auth",
        "postgres://",
        "email_address",
        "rustauth.toml",
        "out.sql",
        &dir.display().to_string(),
    ] {
        assert!(!text.contains(bad), "{bad:?} in the event: {text}");
    }
}

#[test]
fn event_body_shape_and_nothing_identifying() {
    let dir = project();
    let (endpoint, rx) = collector();
    let env = [
        ("RUSTAUTH_TELEMETRY", "1"),
        ("RUSTAUTH_TELEMETRY_ENDPOINT", &*endpoint),
    ];
    let run = generate(dir.path(), &env);
    assert_eq!(run.code, 0, "{}", run.both());
    let req = rx.recv_timeout(Duration::from_secs(5)).expect("an event");
    assert!(
        req.head.starts_with("POST /v1/events HTTP/1.1"),
        "{}",
        req.head
    );
    assert!(
        req.head
            .to_ascii_lowercase()
            .contains("content-type: application/json"),
        "{}",
        req.head
    );
    let e: Value = serde_json::from_str(&req.body).expect("JSON body");
    assert_eq!(e["type"], "cli_generate");
    let id = e["anonymousId"].as_str().unwrap();
    assert_eq!(id.len(), 32);
    assert!(id.bytes().all(|b| b.is_ascii_hexdigit()));
    let p = &e["payload"];
    assert_eq!(p["outcome"], "generated");
    assert_eq!(p["cli"]["name"], "rustauth");
    assert_eq!(p["cli"]["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(p["system"]["os"], std::env::consts::OS);
    let c = &p["config"];
    assert_eq!(c["adapter"], "sqlx");
    assert_eq!(c["provider"], "postgres");
    assert_eq!(
        c["plugins"],
        serde_json::json!(["two-factor", "organization"])
    );
    assert_eq!(c["generate_id"], "default");
    assert_eq!(c["counts"]["plugins"], 2);
    assert_eq!(c["counts"]["renamed_fields"], 1);
    assert!(c["counts"]["tables"].as_u64().unwrap() >= 8, "{c}");
    let keys: Vec<&String> = e.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["type", "anonymousId", "payload"]);
    assert_clean(&req.body, dir.path());

    // A second run overwrites the file: that outcome, and a different anonymous id.
    let run2 = generate(dir.path(), &env);
    assert_eq!(run2.code, 0, "{}", run2.both());
    let e2: Value =
        serde_json::from_str(&rx.recv_timeout(Duration::from_secs(5)).unwrap().body).unwrap();
    assert_eq!(e2["payload"]["outcome"], "overwritten");
    assert_ne!(e2["anonymousId"], e["anonymousId"]);
}

#[test]
fn sending_does_not_change_the_output() {
    let dir = project();
    let (endpoint, rx) = collector();
    let off = generate(dir.path(), &[]);
    let on = generate(
        dir.path(),
        &[
            ("RUSTAUTH_TELEMETRY", "true"),
            ("RUSTAUTH_TELEMETRY_ENDPOINT", &*endpoint),
        ],
    );
    assert_eq!(
        (off.code, &off.stdout, &off.stderr),
        (on.code, &on.stdout, &on.stderr)
    );
    assert!(on.stderr.is_empty(), "{}", on.both());
    rx.recv_timeout(Duration::from_secs(5)).expect("an event");
}

#[test]
fn opt_out_and_default_off_send_nothing() {
    let dir = project();
    let (endpoint, rx) = collector();
    for enabled in [None, Some("0"), Some("false"), Some("yes"), Some("")] {
        let mut env = vec![("RUSTAUTH_TELEMETRY_ENDPOINT", endpoint.as_str())];
        if let Some(v) = enabled {
            env.push(("RUSTAUTH_TELEMETRY", v));
        }
        let run = generate(dir.path(), &env);
        assert_eq!(run.code, 0, "{}", run.both());
        assert!(run.stderr.is_empty(), "{}", run.both());
    }
    // DO_NOT_TRACK wins over an opt-in.
    let run = generate(
        dir.path(),
        &[
            ("RUSTAUTH_TELEMETRY", "1"),
            ("DO_NOT_TRACK", "1"),
            ("RUSTAUTH_TELEMETRY_ENDPOINT", &*endpoint),
        ],
    );
    assert_eq!(run.code, 0, "{}", run.both());
    assert!(
        rx.recv_timeout(Duration::from_millis(1500)).is_err(),
        "an event was sent without an opt-in"
    );
}

#[test]
fn no_endpoint_sends_nothing_and_prints_nothing() {
    let dir = project();
    let run = generate(dir.path(), &[("RUSTAUTH_TELEMETRY", "1")]);
    assert_eq!(run.code, 0, "{}", run.both());
    assert!(run.stderr.is_empty(), "{}", run.both());
}

#[test]
fn debug_prints_one_json_line_instead_of_sending() {
    let dir = project();
    let (endpoint, rx) = collector();
    let run = generate(
        dir.path(),
        &[
            ("RUSTAUTH_TELEMETRY", "1"),
            ("RUSTAUTH_TELEMETRY_DEBUG", "1"),
            ("RUSTAUTH_TELEMETRY_ENDPOINT", &*endpoint),
        ],
    );
    assert_eq!(run.code, 0, "{}", run.both());
    let lines: Vec<&str> = run.stderr.lines().collect();
    assert_eq!(lines.len(), 1, "{}", run.both());
    let e: Value = serde_json::from_str(lines[0]).expect("one JSON line");
    assert_eq!(e["type"], "cli_generate");
    assert_eq!(e["payload"]["outcome"], "generated");
    assert_clean(lines[0], dir.path());
    assert!(
        rx.recv_timeout(Duration::from_millis(1000)).is_err(),
        "debug also sent"
    );

    // Debug without the opt-in says that it is off, and sends nothing.
    let run = generate(dir.path(), &[("RUSTAUTH_TELEMETRY_DEBUG", "1")]);
    assert_eq!(run.code, 0, "{}", run.both());
    assert!(run.stderr.contains("telemetry: off"), "{}", run.both());
}

#[test]
fn unsupported_adapter_outcome() {
    let dir = project();
    let (endpoint, rx) = collector();
    let mut cmd = common::rustauth();
    cmd.current_dir(dir.path())
        .args(["generate", "--adapter", "prisma"])
        .env("RUSTAUTH_TELEMETRY", "1")
        .env("RUSTAUTH_TELEMETRY_ENDPOINT", &endpoint);
    let out = cmd.output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let e: Value =
        serde_json::from_str(&rx.recv_timeout(Duration::from_secs(5)).unwrap().body).unwrap();
    assert_eq!(e["payload"]["outcome"], "unsupported_adapter");
    assert_eq!(e["payload"]["config"]["adapter"], "prisma");
}

#[test]
fn a_dead_endpoint_costs_at_most_the_timeout() {
    let dir = project();
    let baseline = generate(dir.path(), &[]);
    assert_eq!(baseline.code, 0, "{}", baseline.both());

    // A listener that accepts connections (the kernel completes the handshake) and never
    // answers: the command waits the 2 s timeout at most.
    let silent = TcpListener::bind("127.0.0.1:0").unwrap();
    let silent_url = format!("http://{}/", silent.local_addr().unwrap());
    // A port that accepts nothing (bound, then closed): refused at once.
    let closed_url = {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}/", l.local_addr().unwrap())
    };
    for url in [&silent_url, &closed_url, &"not a url".to_string()] {
        let run = generate(
            dir.path(),
            &[
                ("RUSTAUTH_TELEMETRY", "1"),
                ("RUSTAUTH_TELEMETRY_ENDPOINT", url),
            ],
        );
        assert_eq!(run.code, 0, "{url}: {}", run.both());
        assert_eq!(run.stdout, baseline.stdout, "{url}");
        assert!(
            run.stderr.is_empty(),
            "{url}: errors are swallowed\n{}",
            run.both()
        );
        // The 2 s timeout, and slack for a loaded machine.
        let limit = baseline.elapsed + Duration::from_millis(3500);
        assert!(
            run.elapsed <= limit,
            "{url}: took {:?} (baseline {:?})",
            run.elapsed,
            baseline.elapsed
        );
    }
    drop(silent);
}

/// The 1.7 line's refusals have outcomes of their own: `unsafe_change` (a required column
/// without a default on a table with rows) and `schema_problem` (a column Better Auth never
/// writes rejects every insert).
#[test]
fn refusal_outcomes_of_the_1_7_line() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let url = format!("sqlite://{}", d.join("auth.db").display());
    let config = |extra: &str| {
        common::write_config(
            d,
            &format!("[project]\nbetter_auth = \"1.7\"\n[database]\nadapter = \"sqlx\"\n{extra}"),
        )
    };
    let migrate = || {
        let mut cmd = common::rustauth();
        cmd.current_dir(d)
            .env("DATABASE_URL", &url)
            .env("RUSTAUTH_TELEMETRY", "1")
            .env("RUSTAUTH_TELEMETRY_DEBUG", "1")
            .args(["migrate", "--yes"]);
        let out = cmd.output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        let event = stderr
            .lines()
            .find_map(|l| serde_json::from_str::<Value>(l).ok())
            .unwrap_or_else(|| panic!("no event: {stderr}"));
        (
            out.status.code(),
            event["payload"]["outcome"].as_str().unwrap().to_string(),
        )
    };
    config("");
    assert_eq!(migrate(), (Some(0), "migrated".to_string()));
    let mut c = common::Conn::open(common::Engine::Sqlite, &url).unwrap();
    c.exec("insert into \"user\" (\"id\", \"name\", \"email\", \"emailVerified\", \"createdAt\", \"updatedAt\") values ('u1', 'A', 'a@example.com', 0, '2026-01-01', '2026-01-01')");
    c.close();
    config("[models.user.additional_fields.tenant]\ntype = \"string\"\n");
    assert_eq!(migrate(), (Some(1), "unsafe_change".to_string()));
    config("");
    // A NOT NULL column without a default on an existing table needs a rebuilt table on
    // SQLite: make one with the same columns plus `legacy`.
    let mut c = common::Conn::open(common::Engine::Sqlite, &url).unwrap();
    c.exec("drop table \"verification\"");
    c.exec("create table \"verification\" (\"id\" text not null primary key, \"identifier\" text not null, \"value\" text not null, \"expiresAt\" date not null, \"createdAt\" date not null, \"updatedAt\" date not null, \"legacy\" text not null)");
    c.exec("create index \"verification_identifier_idx\" on \"verification\" (\"identifier\")");
    c.close();
    assert_eq!(migrate(), (Some(1), "schema_problem".to_string()));
}
