// Runs the real Better Auth runtime against a database (one created by rustauth) and
// exercises the plugin set of tests/runtime/<line>/rustauth.toml through auth.api.*.
//
//   LINE=1.7|1.6 (default 1.7)   which npm project under tests/runtime/ to load Better Auth from
//   RUNTIME_DB=sqlite:/path/file.db | sqlite://rel.db | postgres://… | mysql://…
//   SCENARIO=full (default)      sign up, sign in, session, 2FA enable + verify, org, team,
//                                api key, jwt; prints one JSON line, exit 0
//   SCENARIO=admin-login         ADMIN_EMAIL / ADMIN_PASSWORD: sign in, then admin listUsers
//                                must list that user
//   SCENARIO=seed-admin          ADMIN_EMAIL / ADMIN_PASSWORD: sign that user up through
//                                Better Auth and give it role "admin" (through Better Auth's
//                                own adapter), for testing admin-login on any engine
//   SCENARIO=upstream-migrate    reference only: create/upgrade the schema with Better Auth's
//                                own getMigrations(options).runMigrations()
//   SCENARIO=sql                 SQL=<one statement>: run it on RUNTIME_DB with the same driver
//                                (for test set-up: create/drop scratch databases, drop a column)
//
// On failure: one JSON line {"ok":false,...} on stdout, the message (Better Auth's error
// text, e.g. "Database schema mismatch ...") on stderr, exit 1. Exit 2: bad input.
// Run it with the Node printed by tests/runtime/setup.sh (Better Auth 1.7 needs >= 22.12).

import { createHmac, randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const LINE = process.env.LINE || "1.7";
const SCENARIO = process.env.SCENARIO || "full";
const SECRET = "3f9c1a7e5b2d8f4a6c0e9b1d7a3f5c8e2b4d6f8a0c1e3b5d7f9a2c4e6b8d0f1a";

function usage(msg) {
  console.error(`scenario.mjs: ${msg}`);
  process.exit(2);
}
if (!["1.7", "1.6"].includes(LINE)) usage(`LINE must be 1.7 or 1.6, not ${JSON.stringify(LINE)}`);
const SCENARIOS = ["full", "admin-login", "seed-admin", "upstream-migrate", "sql"];
if (!SCENARIOS.includes(SCENARIO)) usage(`SCENARIO must be one of ${SCENARIOS.join(", ")}, not ${JSON.stringify(SCENARIO)}`);
const RUNTIME_DB = process.env.RUNTIME_DB;
if (!RUNTIME_DB) usage("RUNTIME_DB is not set (sqlite:/path/file.db | postgres://… | mysql://…)");

// Every package comes from the line's own node_modules.
const lineDir = join(here, LINE);
const lineRequire = createRequire(join(lineDir, "package.json"));
async function load(spec) {
  let path;
  try {
    path = lineRequire.resolve(spec);
  } catch (e) {
    usage(`cannot resolve ${spec} from ${lineDir} (run tests/runtime/setup.sh): ${e.message}`);
  }
  return import(pathToFileURL(path).href);
}
const version = (pkg) =>
  JSON.parse(readFileSync(join(lineDir, "node_modules", pkg, "package.json"), "utf8")).version;

async function openDatabase(url) {
  if (url.startsWith("sqlite:")) {
    let file = url.slice("sqlite:".length);
    if (file.startsWith("//")) file = file.slice(2);
    file = file.split("?")[0];
    if (!file) usage("RUNTIME_DB sqlite: needs a file path");
    const { default: Database } = await load("better-sqlite3");
    // fileMustExist: a wrong path must not silently become a fresh, empty database.
    // upstream-migrate may create it.
    const db = new Database(resolve(file), { fileMustExist: !["upstream-migrate", "sql"].includes(SCENARIO) });
    return { dialect: "sqlite", db, close: async () => db.close() };
  }
  if (/^postgres(ql)?:\/\//.test(url)) {
    const { default: pg } = await load("pg");
    const db = new pg.Pool({ connectionString: url, max: 4 });
    return { dialect: "postgres", db, close: () => db.end() };
  }
  if (/^(mysql|mariadb):\/\//.test(url)) {
    const mysql = await load("mysql2/promise");
    const db = mysql.createPool({ uri: url.replace(/^mariadb:/, "mysql:"), connectionLimit: 4 });
    return { dialect: "mysql", db, close: () => db.end() };
  }
  usage(`RUNTIME_DB has an unknown scheme: ${url}`);
}

async function buildOptions(database) {
  const { twoFactor, jwt, organization, username, admin } = await load("better-auth/plugins");
  const { apiKey } = await load("@better-auth/api-key");
  return {
    database,
    secret: SECRET,
    baseURL: "http://localhost:3000",
    emailAndPassword: { enabled: true },
    telemetry: { enabled: false },
    // Better Auth's logger to stderr, so stdout carries only the JSON line.
    logger: { log: (level, message, ...args) => console.error(`[better-auth ${level}]`, message, ...args) },
    // 1.7: advanced.database.validateSchema stays at its default (on): a missing table
    // or column makes requests fail with "Database schema mismatch".
    plugins: [twoFactor(), jwt(), organization({ teams: { enabled: true } }), username(), admin(), apiKey()],
  };
}

// --- reporting -------------------------------------------------------------------------
const report = { ok: false, line: LINE, betterAuth: null, scenario: SCENARIO, dialect: null, steps: [] };
let currentStep = "init";

function errorText(e) {
  if (!e) return String(e);
  const parts = [];
  const body = e.body && typeof e.body === "object" ? e.body : null;
  if (body?.message) parts.push(body.message);
  if (e.message && e.message !== body?.message) parts.push(e.message);
  if (body?.code) parts.push(`code ${body.code}`);
  if (e.status !== undefined || e.statusCode !== undefined) parts.push(`status ${e.status ?? e.statusCode}`);
  let cause = e.cause;
  for (let i = 0; cause && i < 4; i++, cause = cause.cause) parts.push(`cause: ${cause.message ?? cause}`);
  return parts.join(" | ") || String(e);
}

function fail(message, e) {
  report.ok = false;
  report.failedStep = currentStep;
  report.error = e ? errorText(e) : message;
  console.log(JSON.stringify(report));
  console.error(`scenario ${SCENARIO} (Better Auth ${report.betterAuth ?? LINE}, ${report.dialect ?? "?"}) failed at step ${currentStep}: ${report.error}`);
  if (e?.stack && process.env.SCENARIO_DEBUG) console.error(e.stack);
}

async function step(name, fn) {
  currentStep = name;
  const value = await fn();
  report.steps.push(name);
  return value;
}

function need(cond, what) {
  if (!cond) throw new Error(`unexpected response: ${what}`);
}

// --- cookies (the session cookie rotates on 2FA verification) ---------------------------
const jar = new Map();
function absorb(headers) {
  const list = headers?.getSetCookie?.() ?? [];
  for (const line of list) {
    const [pair, ...attrs] = line.split(";");
    const eq = pair.indexOf("=");
    const name = pair.slice(0, eq).trim();
    const value = pair.slice(eq + 1).trim();
    const expired = attrs.some((a) => /^\s*max-age\s*=\s*0\s*$/i.test(a));
    if (!value || expired) jar.delete(name);
    else jar.set(name, value);
  }
}
function cookieHeaders() {
  return new Headers({ cookie: [...jar].map(([k, v]) => `${k}=${v}`).join("; ") });
}
async function call(fn, args) {
  const { headers, response } = await fn({ ...args, returnHeaders: true });
  absorb(headers);
  return response;
}

// --- TOTP (RFC 6238, SHA-1, 6 digits, 30 s) from the otpauth:// URI -----------------------
function base32Decode(s) {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = 0, value = 0;
  const out = [];
  for (const ch of s.replace(/=+$/, "").toUpperCase()) {
    const idx = alphabet.indexOf(ch);
    if (idx < 0) throw new Error(`bad base32 character ${ch}`);
    value = (value << 5) | idx;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 255);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}
function totp(uri) {
  const u = new URL(uri);
  const key = base32Decode(u.searchParams.get("secret"));
  const digits = Number(u.searchParams.get("digits") || 6);
  const period = Number(u.searchParams.get("period") || 30);
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(Date.now() / 1000 / period)));
  const h = createHmac("sha1", key).update(counter).digest();
  const off = h[h.length - 1] & 15;
  const n = ((h[off] & 127) << 24) | (h[off + 1] << 16) | (h[off + 2] << 8) | h[off + 3];
  return String(n % 10 ** digits).padStart(digits, "0");
}

// --- scenarios -------------------------------------------------------------------------
async function full(auth) {
  const tag = `${Date.now().toString(36)}${randomBytes(3).toString("hex")}`;
  const email = process.env.SCENARIO_EMAIL || `runtime-${tag}@example.com`;
  const password = process.env.SCENARIO_PASSWORD || "correct-horse-battery-staple-42";
  const uname = `rt_${tag}`;

  const signUp = await step("signUpEmail", () =>
    call(auth.api.signUpEmail, { body: { email, password, name: "Runtime Test", username: uname } }));
  need(signUp?.user?.id, "signUpEmail returned no user");
  report.userId = signUp.user.id;

  jar.clear();
  const signIn = await step("signInEmail", () => call(auth.api.signInEmail, { body: { email, password } }));
  need(signIn?.user?.id === report.userId, "signInEmail returned another user");
  need(jar.size > 0, "signInEmail set no session cookie");

  await step("signInUsername", async () => {
    const r = await auth.api.signInUsername({ body: { username: uname, password } });
    need(r?.user?.id === report.userId, "signInUsername returned another user");
  });

  await step("getSession", async () => {
    const s = await auth.api.getSession({ headers: cookieHeaders() });
    need(s?.user?.id === report.userId, "getSession returned no session for the signed-in user");
    need(s.user.username === uname.toLowerCase(), `getSession user.username is ${s.user.username}`);
    need(s.user.role === "user", `getSession user.role is ${s.user.role} (admin default "user")`);
  });

  const enabled = await step("twoFactor.enable", () =>
    call(auth.api.enableTwoFactor, { body: { password }, headers: cookieHeaders() }));
  need(enabled?.totpURI && enabled.backupCodes?.length, "enableTwoFactor returned no totpURI/backupCodes");

  await step("twoFactor.verifyTotp", async () => {
    await call(auth.api.verifyTOTP, { body: { code: totp(enabled.totpURI) }, headers: cookieHeaders() });
    const s = await auth.api.getSession({ headers: cookieHeaders() });
    need(s?.user?.twoFactorEnabled === true, "user.twoFactorEnabled is not true after verifyTOTP");
  });

  const org = await step("organization.create", () =>
    auth.api.createOrganization({ body: { name: `Org ${tag}`, slug: `org-${tag}` }, headers: cookieHeaders() }));
  need(org?.id, "createOrganization returned no id");
  report.organizationId = org.id;

  const team = await step("organization.createTeam", () =>
    auth.api.createTeam({ body: { name: `Team ${tag}`, organizationId: org.id }, headers: cookieHeaders() }));
  need(team?.id, "createTeam returned no id");
  report.teamId = team.id;

  await step("organization.listTeams", async () => {
    const teams = await auth.api.listOrganizationTeams({ query: { organizationId: org.id }, headers: cookieHeaders() });
    need(Array.isArray(teams) && teams.some((t) => t.id === team.id), "listOrganizationTeams misses the team");
  });

  const key = await step("apiKey.create", () =>
    auth.api.createApiKey({ body: { name: `key-${tag}` }, headers: cookieHeaders() }));
  need(key?.key && key.id, "createApiKey returned no key");
  report.apiKeyId = key.id;

  await step("apiKey.verify", async () => {
    const v = await auth.api.verifyApiKey({ body: { key: key.key } });
    need(v?.valid === true, `verifyApiKey: ${JSON.stringify(v?.error ?? v)}`);
  });

  await step("jwt.getToken", async () => {
    const t = await auth.api.getToken({ headers: cookieHeaders() });
    need(typeof t?.token === "string" && t.token.split(".").length === 3, "getToken returned no JWT");
    report.jwtLength = t.token.length;
  });

  await step("jwt.getJwks", async () => {
    const jwks = await auth.api.getJwks();
    need(jwks?.keys?.length >= 1, "getJwks returned no key");
  });
}

async function adminLogin(auth) {
  const email = process.env.ADMIN_EMAIL;
  const password = process.env.ADMIN_PASSWORD;
  if (!email || !password) usage("SCENARIO=admin-login needs ADMIN_EMAIL and ADMIN_PASSWORD");

  const signIn = await step("signInEmail", () => call(auth.api.signInEmail, { body: { email, password } }));
  need(!signIn?.twoFactorRedirect, "signInEmail asks for a second factor (twoFactorEnabled admin)");
  need(signIn?.user?.id, "signInEmail returned no user");
  report.userId = signIn.user.id;

  await step("admin.listUsers", async () => {
    const r = await auth.api.listUsers({
      query: { filterField: "email", filterOperator: "eq", filterValue: email.toLowerCase(), limit: 10 },
      headers: cookieHeaders(),
    });
    need(Array.isArray(r?.users), "listUsers returned no users array");
    need(r.users.some((u) => u.id === report.userId && u.email === email.toLowerCase()),
      `listUsers does not list ${email} (got ${r.users.length} users)`);
    report.listedUsers = r.users.length;
    report.total = r.total;
  });
}

async function seedAdmin(auth) {
  const email = process.env.ADMIN_EMAIL;
  const password = process.env.ADMIN_PASSWORD;
  if (!email || !password) usage("SCENARIO=seed-admin needs ADMIN_EMAIL and ADMIN_PASSWORD");
  const signUp = await step("signUpEmail", () =>
    auth.api.signUpEmail({ body: { email, password, name: "Runtime Admin" } }));
  need(signUp?.user?.id, "signUpEmail returned no user");
  report.userId = signUp.user.id;
  await step("promoteAdmin", async () => {
    const ctx = await auth.$context;
    const u = await ctx.internalAdapter.updateUser(signUp.user.id, { role: "admin" });
    need(u?.role === "admin", "updateUser did not set role admin");
  });
}

async function upstreamMigrate(options) {
  const { getMigrations } = await load("better-auth/db/migration");
  const { toBeCreated, toBeAdded, runMigrations } = await step("getMigrations", () => getMigrations(options));
  report.toBeCreated = toBeCreated.map((t) => t.table);
  report.toBeAdded = toBeAdded.map((t) => `${t.table}(${Object.keys(t.fields).join(",")})`);
  await step("runMigrations", () => runMigrations());
}

// --- main ------------------------------------------------------------------------------
let conn;
let code = 0;
try {
  report.betterAuth = version("better-auth");
  conn = await openDatabase(RUNTIME_DB);
  report.dialect = conn.dialect;
  if (SCENARIO === "sql") {
    const sql = process.env.SQL;
    if (!sql) usage("SCENARIO=sql needs SQL");
    await step("sql", async () => {
      if (conn.dialect === "sqlite") conn.db.exec(sql);
      else await conn.db.query(sql);
    });
  } else if (SCENARIO === "upstream-migrate") {
    await upstreamMigrate(await buildOptions(conn.db));
  } else {
    const { betterAuth } = await load("better-auth");
    const auth = betterAuth(await buildOptions(conn.db));
    await { full, "admin-login": adminLogin, "seed-admin": seedAdmin }[SCENARIO](auth);
  }
  report.ok = true;
  console.log(JSON.stringify(report));
} catch (e) {
  fail(e?.message ?? String(e), e);
  code = 1;
} finally {
  try {
    await conn?.close();
  } catch {}
}
process.exit(code);
