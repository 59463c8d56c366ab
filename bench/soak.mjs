// `make soak`: load and fault figures of the server, on SQLite and on
// PostgreSQL, against the binary given with --bin, over loopback only.
//
//   concurrent  20 importers commit clients batches for --seconds (60):
//               rows/s, batch latency p50/p95/max, errors, and whether the
//               rows stored equal the rows the server acknowledged
//   mixed       3 client-account importers (argon2 per row) and 6 clients
//               importers, with 4 readers listing records, for --mixed-seconds
//               (30): 500s and read latency p50/p95
//   kill        a 100,000-row background import, the server killed with
//               SIGKILL while the job runs (which commits while the rows are
//               sent: the kill may come mid-upload, and the client sends again
//               what was not acknowledged, as the page does), started again;
//               three times: rows expected / found / doubled
//   logins      128 concurrent sign-ins with unknown emails from one address
//               (behind a trusted proxy): the server's memory (VmRSS) before
//               and after, its peak (VmHWM), answers by status; then whether
//               the real user can sign in from elsewhere, and from there
//
// Usage: node bench/soak.mjs --bin target/release/csv-import
//          [--databases sqlite,postgres] [--only concurrent,mixed,kill,logins]
//          [--seconds 60] [--mixed-seconds 30] [--kill-rows 100000]
//          [--postgres postgres://postgres@127.0.0.1:5432/test] [--port 3400]
// Prints `name: value` lines, each name suffixed with the database.
// Every loop is bounded in count and time; nothing leaves 127.0.0.1.

import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const args = Object.fromEntries(
  process.argv.slice(2).reduce((pairs, arg, i, all) => {
    if (arg.startsWith("--")) pairs.push([arg.slice(2), all[i + 1]]);
    return pairs;
  }, []),
);
const bin = path.resolve(args.bin ?? "target/release/csv-import");
const databases = (args.databases ?? "sqlite,postgres").split(",");
const only = args.only ? new Set(args.only.split(",")) : null;
const wanted = (name) => !only || only.has(name);
const seconds = Number(args.seconds ?? 60);
const mixedSeconds = Number(args["mixed-seconds"] ?? 30);
const killRows = Number(args["kill-rows"] ?? 100_000);
const pgBase = args.postgres ?? process.env.SOAK_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const port = Number(args.port ?? 3400);
const host = "127.0.0.1";
const base = `http://${host}:${port}`;
const password = "Soak-password-1";

// The clients of the soak's own workspace (SQLite may also hold the demo's).
const soakClients = "clients c JOIN workspaces w ON w.id = c.workspace_id AND w.slug = 'soak'";

const print = (name, value) => console.log(`${name}: ${value}`);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const percentile = (sorted, p) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : NaN);
const ms = (x) => (Number.isFinite(x) ? `${Math.round(x)} ms` : "n/a");

// --- Databases -------------------------------------------------------------

/// A fresh database: a SQLite file, or a PostgreSQL schema of its own.
function freshDatabase(kind) {
  if (kind === "sqlite") {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "csv-import-soak-"));
    const file = path.join(dir, "soak.db");
    return {
      kind,
      url: `sqlite://${file}`,
      query: (sql) => run("sqlite3", [file, sql]),
      drop: () => fs.rmSync(dir, { recursive: true, force: true }),
    };
  }
  const schema = `soak_${process.pid}_${Date.now()}`;
  run("psql", [pgBase, "-qc", `CREATE SCHEMA ${schema}`]);
  const separator = pgBase.includes("?") ? "&" : "?";
  return {
    kind,
    url: `${pgBase}${separator}options=-c%20search_path%3D${schema}`,
    query: (sql) => run("psql", [pgBase, "-qAtc", `SET search_path TO ${schema}; ${sql}`]),
    drop: () => run("psql", [pgBase, "-qc", `DROP SCHEMA ${schema} CASCADE`]),
  };
}

function run(command, argv, env = {}) {
  const result = spawnSync(command, argv, { encoding: "utf8", env: { ...process.env, ...env } });
  if (result.status !== 0) throw new Error(`${command} ${argv.join(" ")}: ${result.stderr || result.stdout}`);
  return result.stdout.trim();
}

/// A workspace with an admin, created with the binary's own `user add`.
function addAdmin(db, email) {
  run(bin, ["user", "add", "--email", email, "--name", "Soak", "--workspace", "soak", "--role", "admin", "--database-url", db.url], {
    CSV_IMPORT_PASSWORD: password,
  });
}

// --- The server ------------------------------------------------------------

async function startServer(db, extraArgs = []) {
  const server = spawn(bin, ["serve", "--addr", `${host}:${port}`, ...extraArgs], {
    env: {
      ...process.env,
      DATABASE_URL: db.url,
      RUST_LOG: "warn",
      CSV_IMPORT_JOB_POLL_MS: "100",
      // A job whose process died is claimed again after this long.
      CSV_IMPORT_JOB_STALE_SECS: "3",
    },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let log = "";
  server.stderr.on("data", (chunk) => {
    log = (log + chunk).slice(-20_000);
  });
  server.log = () => log;
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`the server stopped: ${log}`);
    try {
      if ((await fetch(`${base}/healthz`)).ok) return server;
    } catch {}
    await sleep(100);
  }
  server.kill("SIGKILL");
  throw new Error("the server did not answer /healthz within 60 s");
}

async function stopServer(server, signal = "SIGTERM") {
  if (server.exitCode !== null) return;
  const done = new Promise((resolve) => server.once("exit", resolve));
  server.kill(signal);
  await Promise.race([done, sleep(10_000)]);
  if (server.exitCode === null && server.signalCode === null) server.kill("SIGKILL");
}

function memory(pid) {
  const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = (key) => Number(status.match(new RegExp(`${key}:\\s+(\\d+)`))?.[1] ?? NaN);
  return { rss: kb("VmRSS") / 1024, peak: kb("VmHWM") / 1024 };
}

// --- HTTP ------------------------------------------------------------------

async function call(name, body, cookie, { form = false, from = null } = {}) {
  const started = performance.now();
  const headers = { accept: "application/json", origin: base };
  if (cookie) headers.cookie = cookie;
  // The client's address, as a reverse proxy reports it (the server trusts
  // it only when started with --trust-forwarded).
  if (from) headers["x-forwarded-for"] = from;
  let payload;
  if (form) {
    headers["content-type"] = "application/x-www-form-urlencoded";
    payload = new URLSearchParams(body).toString();
  } else {
    headers["content-type"] = "application/json";
    payload = JSON.stringify(body);
  }
  try {
    const reply = await fetch(`${base}/api/${name}`, { method: "POST", headers, body: payload, signal: AbortSignal.timeout(120_000) });
    const text = await reply.text();
    let json = null;
    try {
      json = JSON.parse(text);
    } catch {}
    return { status: reply.status, json, text, cookie: reply.headers.get("set-cookie"), ms: performance.now() - started };
  } catch (error) {
    return { status: 0, json: null, text: String(error), cookie: null, ms: performance.now() - started };
  }
}

async function signIn(email) {
  const reply = await call("login", { email, password }, null, { form: true });
  if (reply.status !== 200) throw new Error(`sign-in of ${email}: ${reply.status} ${reply.text}`);
  return reply.cookie.split(";")[0];
}

// The import's id, and the most rows a batch may have (as the page, the
// kill scenario sends batches of that size).
async function startImport(cookie, template, fileName, totalRows) {
  const reply = await call("start_import", { import: { template, file_name: fileName, total_rows: totalRows, skipped: [] } }, cookie);
  if (reply.status !== 200) throw new Error(`start_import: ${reply.status} ${reply.text}`);
  return { id: reply.json.import_id, maxBatchRows: reply.json.max_batch_rows };
}

// Rows as the browser sends them: one value per template field, in order.
const clientRow = (tag, i) => ({ row: i + 1, values: [`First${i}`, "Soak", `c${i}.${tag}@soak.test`, null, "Soak Ltd"] });
const accountRow = (tag, i) => ({
  row: i + 1,
  values: [`a${i}.${tag}@soak.test`, `Pw-${tag}-${i}!x`, `First${i}`, "Soak", null, null, null, null],
});

/// Commits `batches` batches of `size` rows of one import; latencies and
/// counts go into `stats`. Stops early at `deadline`.
async function importLoop(cookie, template, tag, batches, size, stats, deadline, rowOf = clientRow) {
  const { id } = await startImport(cookie, template, `${tag}.csv`, batches * size);
  for (let seq = 0; seq < batches && Date.now() < deadline; seq++) {
    const rows = Array.from({ length: size }, (_, k) => rowOf(tag, seq * size + k));
    const reply = await call("commit_batch", { batch: { import_id: id, seq, rows } }, cookie);
    stats.latencies.push(reply.ms);
    if (reply.status === 200) {
      stats.acknowledged += reply.json.inserted + reply.json.updated + reply.json.unchanged;
      stats.skipped += reply.json.skipped?.length ?? 0;
    } else {
      stats.errors.set(reply.status, (stats.errors.get(reply.status) ?? 0) + 1);
      if (!stats.firstError) stats.firstError = `${reply.status} ${reply.text.slice(0, 200)}`;
    }
  }
  await call("finish_import", { import_id: id, cancelled: "false" }, cookie, { form: true });
}

const newStats = () => ({ latencies: [], acknowledged: 0, skipped: 0, errors: new Map(), firstError: null });
const errorText = (stats) =>
  stats.errors.size ? [...stats.errors].map(([status, n]) => `${n}x${status || "no answer"}`).join(", ") + ` (first: ${stats.firstError})` : "0";

// --- Scenarios -------------------------------------------------------------

async function concurrent(db) {
  addAdmin(db, "admin@soak.test");
  const server = await startServer(db);
  try {
    const cookie = await signIn("admin@soak.test");
    const stats = newStats();
    const started = Date.now();
    const deadline = started + seconds * 1000;
    const importers = Array.from({ length: 20 }, async (_, worker) => {
      for (let round = 0; Date.now() < deadline && round < 10_000; round++) {
        await importLoop(cookie, "clients", `w${worker}r${round}`, 10, 500, stats, deadline);
      }
    });
    await Promise.all(importers);
    const elapsed = (Date.now() - started) / 1000;
    const stored = Number(db.query(`SELECT COUNT(*) FROM ${soakClients}`));
    const sorted = stats.latencies.sort((a, b) => a - b);
    const s = db.kind;
    print(`soak_concurrent_rows_per_s_${s}`, Math.round(stats.acknowledged / elapsed));
    print(`soak_concurrent_batch_ms_${s}`, `p50 ${ms(percentile(sorted, 50))}, p95 ${ms(percentile(sorted, 95))}, max ${ms(sorted.at(-1))} (${sorted.length} batches)`);
    print(`soak_concurrent_errors_${s}`, errorText(stats));
    print(`soak_concurrent_stored_vs_acknowledged_${s}`, `${stored} / ${stats.acknowledged}${stored === stats.acknowledged ? " (equal)" : " (DIFFERENT)"}`);
  } finally {
    await stopServer(server);
  }
}

async function mixed(db) {
  addAdmin(db, "admin@soak.test");
  const server = await startServer(db);
  try {
    const cookie = await signIn("admin@soak.test");
    const writes = newStats();
    const reads = newStats();
    const deadline = Date.now() + mixedSeconds * 1000;
    const importer = (template, rowOf, size) => async (_, worker) => {
      for (let round = 0; Date.now() < deadline && round < 10_000; round++) {
        await importLoop(cookie, template, `${template}${worker}r${round}`, 4, size, writes, deadline, rowOf);
      }
    };
    const reader = async () => {
      for (let i = 0; Date.now() < deadline && i < 100_000; i++) {
        const name = i % 2 ? "list_client_accounts" : "list_records";
        const body = i % 2 ? { search: "" } : { entity: "clients", search: "", page: "0" };
        const reply = await call(name, body, cookie, { form: true });
        reads.latencies.push(reply.ms);
        if (reply.status !== 200) {
          reads.errors.set(reply.status, (reads.errors.get(reply.status) ?? 0) + 1);
          if (!reads.firstError) reads.firstError = `${reply.status} ${reply.text.slice(0, 200)}`;
        }
        await sleep(50);
      }
    };
    await Promise.all([
      ...Array.from({ length: 3 }, importer("client-accounts", accountRow, 100)),
      ...Array.from({ length: 6 }, importer("clients", clientRow, 500)),
      ...Array.from({ length: 4 }, reader),
    ]);
    const sorted = reads.latencies.sort((a, b) => a - b);
    const s = db.kind;
    const count500 = (stats) => stats.errors.get(500) ?? 0;
    print(`soak_mixed_500s_${s}`, `${count500(writes) + count500(reads)} (writes: ${errorText(writes)}; reads: ${errorText(reads)})`);
    print(`soak_mixed_read_ms_${s}`, `p50 ${ms(percentile(sorted, 50))}, p95 ${ms(percentile(sorted, 95))}, max ${ms(sorted.at(-1))} (${sorted.length} reads)`);
    print(`soak_mixed_rows_committed_${s}`, writes.acknowledged);
  } finally {
    await stopServer(server);
  }
}

async function kill(db) {
  addAdmin(db, "admin@soak.test");
  const s = db.kind;
  for (let attempt = 1; attempt <= 3; attempt++) {
    let server = await startServer(db);
    const tag = `k${attempt}`;
    const before = Number(db.query(`SELECT COUNT(*) FROM ${soakClients}`));
    try {
      const cookie = await signIn("admin@soak.test");
      const { id, maxBatchRows: size } = await startImport(cookie, "clients", `${tag}.csv`, killRows);
      // A call sent again until the server answers it (a dead server does
      // not): what the page does with a batch that got no answer.
      const untilAnswered = async (what, send) => {
        for (const until = Date.now() + 600_000; Date.now() < until; await sleep(200)) {
          const reply = await send();
          if (reply.status === 200) return;
          if (reply.status !== 0 && reply.status < 500) throw new Error(`${what}: ${reply.status} ${reply.text}`);
        }
        throw new Error(`${what}: no answer for 10 minutes`);
      };
      let sendingAtKill = null;
      const upload = (async () => {
        for (let seq = 0; seq * size < killRows; seq++) {
          const n = Math.min(size, killRows - seq * size);
          const rows = Array.from({ length: n }, (_, k) => clientRow(tag, seq * size + k));
          await untilAnswered(`stage_batch ${seq}`, () => call("stage_batch", { batch: { import_id: id, seq, rows } }, cookie));
        }
        await untilAnswered("queue_import", () => call("queue_import", { import_id: id }, cookie, { form: true }));
        return true;
      })();
      upload.then(() => (sendingAtKill ??= false), () => {});
      // Kill once the job has committed some rows, at a different point each time.
      const killAt = before + Math.round((killRows * attempt) / 4);
      const until = Date.now() + 300_000;
      while (Date.now() < until && Number(db.query(`SELECT COUNT(*) FROM ${soakClients}`)) < killAt) await sleep(50);
      server.kill("SIGKILL");
      await new Promise((resolve) => (server.exitCode !== null || server.signalCode !== null ? resolve() : server.once("exit", resolve)));
      sendingAtKill ??= true;
      const atKill = Number(db.query(`SELECT COUNT(*) FROM ${soakClients}`)) - before;
      server = await startServer(db);
      await upload;
      const end = Date.now() + 600_000;
      let state = "";
      while (Date.now() < end) {
        state = db.query(`SELECT state FROM import_jobs WHERE import_id = '${id}'`);
        if (state === "done" || state === "failed") break;
        await sleep(200);
      }
      const found = Number(db.query(`SELECT COUNT(*) FROM ${soakClients} WHERE c.email LIKE '%.${tag}@soak.test'`));
      const distinct = Number(db.query(`SELECT COUNT(DISTINCT c.email) FROM ${soakClients} WHERE c.email LIKE '%.${tag}@soak.test'`));
      print(
        `soak_kill${attempt}_${s}`,
        `expected ${killRows}, found ${found}, doubled ${found - distinct}, killed at ${atKill} rows ` +
          `(${sendingAtKill ? "while the rows were still sent" : "after the upload"}), job ${state}, batches of ${size} rows`,
      );
    } finally {
      await stopServer(server);
    }
  }
}

async function logins(db) {
  addAdmin(db, "admin@soak.test");
  // Behind a proxy: the burst comes from one address, the rightful user
  // from another.
  const server = await startServer(db, ["--trust-forwarded"]);
  const attacker = "203.0.113.7";
  try {
    // One real sign-in first, so lazily built state is not counted as growth.
    await signIn("admin@soak.test");
    await sleep(500);
    const before = memory(server.pid);
    const started = performance.now();
    const replies = await Promise.all(
      Array.from({ length: 128 }, (_, i) => call("login", { email: `nobody${i}@soak.test`, password: "wrong-password" }, null, { form: true, from: attacker })),
    );
    const elapsed = performance.now() - started;
    const after = memory(server.pid);
    const statuses = new Map();
    for (const reply of replies) statuses.set(reply.status, (statuses.get(reply.status) ?? 0) + 1);
    const s = db.kind;
    print(
      `soak_logins_memory_mb_${s}`,
      `rss ${before.rss.toFixed(1)} -> ${after.rss.toFixed(1)}, peak ${after.peak.toFixed(1)} (grew ${(after.peak - before.rss).toFixed(1)})`,
    );
    print(`soak_logins_answers_${s}`, `${[...statuses].map(([status, n]) => `${n}x${status || "no answer"}`).join(", ")} in ${Math.round(elapsed)} ms`);
    // The burst locks out neither the user it names nor one elsewhere.
    const rightful = await call("login", { email: "admin@soak.test", password }, null, { form: true, from: "198.51.100.20" });
    print(`soak_logins_rightful_user_after_${s}`, rightful.status);
    const fromAttacker = await call("login", { email: "admin@soak.test", password }, null, { form: true, from: attacker });
    print(`soak_logins_burst_address_after_${s}`, fromAttacker.status);
  } finally {
    await stopServer(server);
  }
}

// --- Main ------------------------------------------------------------------

const scenarios = { concurrent, mixed, kill, logins };
let failed = false;
for (const kind of databases) {
  for (const [name, scenario] of Object.entries(scenarios)) {
    if (!wanted(name)) continue;
    console.error(`== ${name} on ${kind}`);
    let db = null;
    try {
      db = freshDatabase(kind);
      await scenario(db);
    } catch (error) {
      failed = true;
      print(`soak_${name}_${kind}`, `n/a (${String(error.message ?? error).split("\n")[0].slice(0, 200)})`);
    }
    // Each scenario's database goes once its figures are printed.
    try {
      db?.drop();
    } catch {}
  }
}
process.exit(failed ? 1 : 0);
