// The browser figures of `make bench`, in headless Chromium against the
// release build of the server (a fresh SQLite file, the demo accounts):
//
//   browser_rows_per_s_wasm      drop the 1M-row file into the Clients import
//                                modal, until the review step shows its counts
//   max_main_thread_task_ms      the longest main-thread task meanwhile
//                                (PerformanceObserver, type "longtask")
//   peak_worker_memory_mb        the worker's wasm memory at its last message
//   browser_rows_per_s_papaparse Papa Parse in a Web Worker plus the same
//                                rules in plain JavaScript, same file, same
//                                browser (bench/papaparse-worker.js)
//   browser_vs_papaparse_ratio   the two rates
//   worker_read_ms, worker_parse_store_ms, worker_check_ms
//                                where the worker's time went for the 1M
//                                file: waiting for the file's slices; copying
//                                them into wasm, decoding, parsing, storing;
//                                mapping and checking the rows
//   e2e_5000_rows_ms             drop a 5,000-row file to the "finished"
//                                notification, as the page shows it (the
//                                clients template imports in the background)
//   e2e_1m_rows_s                the same for the 1M-row file (both in a
//                                Chromium that Playwright leaves alone while
//                                the import runs: see launchDetachable)
//   bundle_gzip_kb               JS, wasm and CSS the Clients page, its import
//                                modal and the worker download, gzipped
//                                (level 9): the three below
//   bundle_page_gzip_kb          of which the page's first load: a signed-in
//                                user opens /clients in a fresh browser (the
//                                page's wasm, the chunks of the page shown,
//                                JS and CSS), until the network is idle
//   bundle_modal_gzip_kb         of which what pressing Import adds (the
//                                modal's chunks)
//   bundle_worker_gzip_kb        of which the import worker's (its script and
//                                the engine's wasm), fetched as the modal opens
//   bundle_embed_gzip_kb         what a host's page downloads for the embedded
//                                importer before the worker: embed.js and
//                                embed.css, the importer's own wasm and JS
//                                (without the demo portal) and its CSS
//   browser_xlsx_100k_review_ms  drop the 100,000-row .xlsx (written by
//                                LibreOffice from the 100k file) until the
//                                review step shows its counts
//   browser_xlsx_max_main_thread_task_ms  the longest main-thread task meanwhile
//   bulk_fix_1m_rows_browser_ms  the review's date fix on a million rows
//                                (bulk-1000000.csv, written here), from the
//                                click until the review announces it
//   bulk_undo_1m_rows_browser_ms its undo, the same way
//
// Usage: node bench/browser.mjs --bin <csv-import> --site <target/site>
//          --data <folder with clients-5000.csv and clients-1000000.csv>
//          [--port 3210] [--only wasm,papaparse,bulk,e2e5k,e2e1m,xlsx]
// Prints `name: value` lines (`name: n/a (reason)` for what failed).
// BENCH_E2E_WATCHED=1 keeps Playwright attached during the end-to-end runs.
//
// It waits on what a user sees (step names, counts, notifications), not on
// the modal's internals.

import { createRequire } from "node:module";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as zlib from "node:zlib";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "..");
const require = createRequire(path.join(root, "end2end", "package.json"));
const { chromium } = require("playwright-core");
const papaPath = require.resolve("papaparse/papaparse.min.js");

const args = Object.fromEntries(
  process.argv.slice(2).reduce((pairs, arg, i, all) => {
    if (arg.startsWith("--")) pairs.push([arg.slice(2), all[i + 1]]);
    return pairs;
  }, []),
);
const bin = path.resolve(args.bin ?? path.join(root, "target", "release", "csv-import"));
const site = path.resolve(args.site ?? path.join(root, "target", "site"));
const data = path.resolve(args.data ?? path.join(root, "target", "bench-data"));
const port = Number(args.port ?? 3210);
const only = args.only ? new Set(args.only.split(",")) : null;
const wanted = (name) => !only || only.has(name);
const base = `http://127.0.0.1:${port}`;
const bigFile = path.join(data, "clients-1000000.csv");
const smallFile = path.join(data, "clients-5000.csv");
const xlsxFile = path.join(data, "clients-100000.xlsx");

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// Ends a child process and waits for it to exit, at most `ms`.
async function stop(child, ms) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  await Promise.race([exited, sleep(ms)]);
}

const results = new Map();
const result = (name, value) => {
  results.set(name, value);
  console.log(`  ${name}: ${value}`);
};
const na = (name, reason) => result(name, `n/a (${String(reason).split("\n")[0].slice(0, 800)})`);
const dataRows = (file) => {
  // Lines minus the header; the generator quotes no line breaks.
  const bytes = fs.readFileSync(file);
  let lines = 0;
  for (const b of bytes) if (b === 10) lines++;
  return lines - 1;
};

// --- The server ------------------------------------------------------------

async function startServer() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "csv-import-bench-"));
  const server = spawn(bin, ["serve", "--demo", "--addr", `127.0.0.1:${port}`], {
    cwd: root,
    env: {
      ...process.env,
      DATABASE_URL: `sqlite://${path.join(dir, "bench.db")}`,
      LEPTOS_OUTPUT_NAME: "csv-import",
      LEPTOS_SITE_ROOT: site,
      LEPTOS_SITE_PKG_DIR: "pkg",
      LEPTOS_ENV: "PROD",
      RUST_LOG: "warn",
    },
    stdio: ["ignore", "inherit", "inherit"],
  });
  for (let i = 0; i < 600; i++) {
    try {
      const reply = await fetch(`${base}/healthz`);
      if (reply.ok) return { server, dir };
    } catch {}
    if (server.exitCode !== null) throw new Error(`the server exited with ${server.exitCode}`);
    await sleep(100);
  }
  throw new Error("the server did not answer /healthz within 60 s");
}

// --- In the page, before any script of the app -----------------------------

function initScript() {
  window.__bench = { longTasks: [], workerMemory: 0, measuredMemory: 0, maxGap: 0 };
  // Long tasks are only reported from 50 ms up: a 10 ms timer whose lateness
  // is the longest stretch the main thread was busy says how far below.
  let last = performance.now();
  const tick = () => {
    const now = performance.now();
    window.__bench.maxGap = Math.max(window.__bench.maxGap, now - last - 10);
    last = now;
    setTimeout(tick, 10);
  };
  setTimeout(tick, 10);
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.__bench.longTasks.push({ start: e.startTime, duration: e.duration });
    }).observe({ type: "longtask", buffered: true });
  } catch {}
  // Read what the import worker says about its memory, without changing
  // what it does: its own `wasmMemoryBytes`, and the wasm memory size the
  // benchmark's wrapper of the worker script adds (`benchWasmMemoryBytes`).
  const Base = window.Worker;
  window.Worker = class extends Base {
    constructor(...a) {
      super(...a);
      this.addEventListener("message", (event) => {
        const m = event.data;
        if (m && typeof m === "object") {
          if (typeof m.wasmMemoryBytes === "number") window.__bench.workerMemory = Math.max(window.__bench.workerMemory, m.wasmMemoryBytes);
          if (m.type === "done" && m.stages) window.__bench.stages = { ...m.stages, millis: m.millis };
          if (typeof m.benchWasmMemoryBytes === "number") window.__bench.measuredMemory = Math.max(window.__bench.measuredMemory, m.benchWasmMemoryBytes);
          if (m.benchRequest) (window.__bench.requests ||= []).push(m.benchRequest);
        }
      });
    }
  };
}

// Prepended to the import worker's script (served through page.route): it
// keeps the wasm instance's memory and adds its size in bytes to every
// message the worker posts. Wasm memory only grows, so the last size is the
// peak.
const WORKER_PRELUDE = `
const __benchInstantiate = WebAssembly.instantiate;
const __benchInstantiateStreaming = WebAssembly.instantiateStreaming;
let __benchMemory = null;
const __benchKeep = (r) => { const i = r && (r.instance || r); if (i && i.exports && i.exports.memory) __benchMemory = i.exports.memory; return r; };
WebAssembly.instantiate = (...a) => __benchInstantiate.apply(WebAssembly, a).then(__benchKeep);
if (__benchInstantiateStreaming) WebAssembly.instantiateStreaming = (...a) => __benchInstantiateStreaming.apply(WebAssembly, a).then(__benchKeep);
const __benchPost = self.postMessage.bind(self);
// Each request's time in the worker: from when it was taken up (its
// arrival, or the answer before it, as requests are handled in order) to
// its answer; named by its JSON's first key.
const __benchAsked = new Map();
let __benchLastAnswer = 0;
self.addEventListener("message", (event) => {
  const m = event.data;
  if (m && m.type === "request") __benchAsked.set(m.id, { at: Date.now(), what: String(m.json).split('"type":"')[1]?.split('"')[0] || "?" });
});
self.postMessage = (m, ...rest) => {
  if (__benchMemory && m && typeof m === "object" && !Array.isArray(m) && !ArrayBuffer.isView(m) && !(m instanceof ArrayBuffer)) {
    m = Object.assign({}, m, { benchWasmMemoryBytes: __benchMemory.buffer.byteLength });
  }
  if (m && m.type === "reply" && __benchAsked.has(m.id)) {
    const asked = __benchAsked.get(m.id);
    __benchAsked.delete(m.id);
    const now = Date.now();
    const start = Math.max(asked.at, __benchLastAnswer);
    __benchLastAnswer = now;
    m = Object.assign({}, m, { benchRequest: { what: asked.what, start, end: now } });
  }
  return __benchPost(m, ...rest);
};
`;

async function newPage(browser, options) {
  const context = await browser.newContext({ baseURL: base });
  return { context, page: await preparePage(context, options) };
}

// A new page of `context` with the benchmark's script, and the worker's
// script wrapped when asked.
async function preparePage(context, { wrapWorker = false } = {}) {
  await context.addInitScript(initScript);
  const page = await context.newPage();
  page.setDefaultTimeout(120_000);
  if (wrapWorker) {
    await page.route("**/import-worker.js", async (route) => {
      const reply = await route.fetch();
      const body = await reply.text();
      // Module workers hoist their imports; the prelude runs before init().
      const imports = body.match(/^(import[^;]*;\s*)+/m);
      const text = imports && body.startsWith(imports[0])
        ? imports[0] + WORKER_PRELUDE + body.slice(imports[0].length)
        : WORKER_PRELUDE + body;
      await route.fulfill({ response: reply, body: text, headers: { ...reply.headers(), "content-length": String(Buffer.byteLength(text)) } });
    });
  }
  return page;
}

// Signs in as the demo admin, landing on /clients.
async function signIn(page) {
  await page.goto(`${base}/sign-in`);
  await page.locator('body[data-hydrated="true"]').waitFor();
  await page.getByLabel("Email").fill("admin@acme.test");
  await page.getByLabel("Password").fill("demo-password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL("**/clients");
}

async function signInAndOpenImport(page) {
  await signIn(page);
  await page.locator('body[data-hydrated="true"]').waitFor();
  await page.getByRole("button", { name: "Import", exact: true }).click();
  const dialog = page.getByRole("dialog");
  await dialog.waitFor();
  return dialog;
}

// The page's long tasks (50 ms and more), in ms since `started` (a
// Date.now() of the benchmark: the page's epoch clock is the same).
async function pageBusy(page, started) {
  const tasks = await page.evaluate(() =>
    window.__bench.longTasks.map((t) => ({ start: performance.timeOrigin + t.start, duration: t.duration })),
  );
  return tasks.map((t) => ({ start: Math.round(t.start - started), end: Math.round(t.start + t.duration - started) }));
}

// Gives the file `input` (a locator, in a shadow root or not) `file` by its
// path, as Playwright does for a browser it started; its own
// `setInputFiles` sends the file's bytes instead to a browser it connected
// to, and refuses above 50 MB.
async function chooseFile(page, input, file) {
  await input.evaluate((element) => {
    window.__benchFileInput = element;
  });
  const cdp = await page.context().newCDPSession(page);
  try {
    const { result } = await cdp.send("Runtime.evaluate", { expression: "window.__benchFileInput" });
    if (!result.objectId) throw new Error("the modal's file input was not found");
    await cdp.send("DOM.setFileInputFiles", { files: [path.resolve(file)], objectId: result.objectId });
  } finally {
    await cdp.detach().catch(() => {});
  }
}

// From the file to the review step's counts; milliseconds.
async function dropAndReview(page, dialog, file, rows, timeout) {
  const started = Date.now();
  await chooseFile(page, dialog.locator('input[type="file"]'), file);
  const next = dialog.getByRole("button", { name: "Next: review rows", exact: true });
  const summary = dialog.locator(".review-summary");
  // The modal may go straight to the review when the mapping is certain.
  await Promise.race([next.waitFor({ timeout }), summary.waitFor({ timeout })]);
  if (await next.isVisible()) await next.click();
  await summary.filter({ hasText: "valid" }).waitFor({ timeout });
  return Date.now() - started;
}

// --- Measurements ----------------------------------------------------------

async function measureWasm(browser) {
  const rows = dataRows(bigFile);
  const { context, page } = await newPage(browser, { wrapWorker: true });
  try {
    const dialog = await signInAndOpenImport(page);
    await page.evaluate(() => {
      window.__bench.longTasks = [];
      window.__bench.maxGap = 0;
    });
    const ms = await dropAndReview(page, dialog, bigFile, rows, 600_000);
    // Let the last tasks of the review's first render be observed.
    await page.waitForTimeout(500);
    const bench = await page.evaluate(() => window.__bench);
    const summary = (await dialog.locator(".review-summary").innerText()).replace(/\s+/g, " ");
    console.log(`  (1M rows: review after ${ms} ms; ${summary})`);
    const stages = bench.stages;
    if (stages) {
      const share = (v) => `${Math.round(v)} ms (${Math.round((100 * v) / stages.millis)}%)`;
      const rest = stages.millis - stages.read - stages.feed - stages.check;
      console.log(
        `  (the worker's ${Math.round(stages.millis)} ms: waiting for the file's slices ${share(stages.read)}, ` +
          `copying into wasm, decoding, parsing and storing ${share(stages.feed)}, ` +
          `mapping and checking ${share(stages.check)}, progress messages and the rest ${share(rest)})`,
      );
      result("worker_read_ms", Math.round(stages.read));
      result("worker_parse_store_ms", Math.round(stages.feed));
      result("worker_check_ms", Math.round(stages.check));
    }
    result("browser_rows_per_s_wasm", Math.round(rows / (ms / 1000)));
    const longest = bench.longTasks.reduce((m, t) => Math.max(m, t.duration), 0);
    console.log(
      `  (${bench.longTasks.length} long tasks of 50 ms or more; the main thread's longest busy stretch by a 10 ms timer: ${Math.round(bench.maxGap)} ms)`,
    );
    // With no long task reported, the timer's figure (every task is shorter).
    result("max_main_thread_task_ms", Math.round(bench.longTasks.length > 0 ? longest : Math.max(0, bench.maxGap)));
    const bytes = bench.workerMemory || bench.measuredMemory;
    if (bytes > 0) {
      if (!bench.workerMemory) console.log("  (worker memory: wasm memory size read by the benchmark's worker wrapper)");
      result("peak_worker_memory_mb", (bytes / 1048576).toFixed(1));
    } else {
      na("peak_worker_memory_mb", "the worker reported no memory");
    }
    return rows / (ms / 1000);
  } finally {
    await context.close();
  }
}

// The 100,000-row workbook: read whole in the worker (a workbook cannot be
// read in slices), then checked like a CSV file.
async function measureWorkbook(browser) {
  const { context, page } = await newPage(browser, { wrapWorker: true });
  try {
    const dialog = await signInAndOpenImport(page);
    await page.evaluate(() => {
      window.__bench.longTasks = [];
      window.__bench.maxGap = 0;
    });
    const ms = await dropAndReview(page, dialog, xlsxFile, 100_000, 600_000);
    await page.waitForTimeout(500);
    const bench = await page.evaluate(() => window.__bench);
    const summary = (await dialog.locator(".review-summary").innerText()).replace(/\s+/g, " ");
    console.log(`  (100k-row .xlsx: review after ${ms} ms; ${summary})`);
    result("browser_xlsx_100k_review_ms", ms);
    const longest = bench.longTasks.reduce((m, t) => Math.max(m, t.duration), 0);
    result("browser_xlsx_max_main_thread_task_ms", Math.round(bench.longTasks.length > 0 ? longest : Math.max(0, bench.maxGap)));
  } finally {
    await context.close();
  }
}

// The review's bulk fixes on a million rows, in the browser: the file of
// app/examples/bench_bulk_fix.rs (emails in capitals, "N/A" in a third of
// the phones, every date DD/MM/YYYY) checked against the same template,
// given as JSON to CsvImport.open; then the date fix the errors offer and
// its undo, each from the click until the review announces the cells
// changed (the worker has checked the rows again and the counts follow).
const bulkSchema = {
  name: "people",
  label: "People",
  fields: [
    { key: "name", required: true },
    { key: "email", type: "email", unique: true },
    { key: "phone", type: "phone" },
    { key: "born", type: "date" },
  ],
};

function bulkFile(rows) {
  const file = path.join(data, `bulk-${rows}.csv`);
  if (!fs.existsSync(file)) {
    const lines = ["name,email,phone,born"];
    const pad = (n) => String(n).padStart(2, "0");
    for (let i = 0; i < rows; i++) {
      const phone = i % 3 === 0 ? "N/A" : `+1 202 555 ${String(1000 + (i % 9000)).padStart(4, "0")}`;
      lines.push(`P${i},P${i}@Example.COM,${phone},${pad((i % 28) + 1)}/${pad((i % 12) + 1)}/19${pad(i % 100)}`);
    }
    fs.writeFileSync(file, lines.join("\n") + "\n");
  }
  return file;
}

async function measureBulkFix(browser) {
  const rows = 1_000_000;
  const file = bulkFile(rows);
  const { context, page } = await newPage(browser);
  try {
    await page.goto("/sign-in");
    await page.locator('body[data-hydrated="true"]').waitFor();
    await page.evaluate(async (schema) => {
      const { CsvImport } = await import("/csv-import/embed.js");
      CsvImport.open({ schema, mode: "deliver", onRows: async () => {} });
    }, bulkSchema);
    const dialog = page.getByRole("dialog");
    await dialog.waitFor();
    const reviewMs = await dropAndReview(page, dialog, file, rows, 600_000);
    const announce = dialog.locator("#review-announce");
    const fix = dialog.locator(".fix-offers").getByRole("button", { name: /^Fix 1,000,000 dates from DD\/MM\/YYYY/ });
    await fix.waitFor({ timeout: 300_000 });
    let started = Date.now();
    await fix.click();
    await announce.filter({ hasText: "1,000,000 cells changed." }).waitFor({ timeout: 600_000 });
    const fixMs = Date.now() - started;
    const summary = (await dialog.locator(".review-summary").innerText()).replace(/\s+/g, " ");
    const undo = dialog.getByRole("button", { name: "Undo", exact: true });
    started = Date.now();
    await undo.click();
    await announce.filter({ hasText: "Undone: 1,000,000 cells changed." }).waitFor({ timeout: 600_000 });
    const undoMs = Date.now() - started;
    console.log(`  (bulk file: review after ${reviewMs} ms; after the date fix: ${summary})`);
    result("bulk_fix_1m_rows_browser_ms", fixMs);
    result("bulk_undo_1m_rows_browser_ms", undoMs);
  } finally {
    await context.close();
  }
}

async function measurePapaparse(browser) {
  const rows = dataRows(bigFile);
  const { context, page } = await newPage(browser);
  try {
    await page.route("**/__bench/papaparse.html", (route) =>
      route.fulfill({
        contentType: "text/html",
        body: `<!doctype html><meta charset="utf-8"><title>Papa Parse</title>
<input type="file" id="file">
<script>
  window.done = null;
  const worker = new Worker("/__bench/papaparse-worker.js");
  worker.onmessage = (event) => { window.done = event.data; };
  document.getElementById("file").addEventListener("change", (event) => {
    worker.postMessage({ file: event.target.files[0] });
  });
</script>`,
      }),
    );
    await page.route("**/__bench/papaparse.min.js", (route) =>
      route.fulfill({ contentType: "text/javascript", body: fs.readFileSync(papaPath) }),
    );
    await page.route("**/__bench/papaparse-worker.js", (route) =>
      route.fulfill({ contentType: "text/javascript", body: fs.readFileSync(path.join(here, "papaparse-worker.js")) }),
    );
    await page.goto("/__bench/papaparse.html");
    const started = Date.now();
    await page.locator("#file").setInputFiles(bigFile);
    await page.waitForFunction(() => window.done !== null, null, { timeout: 600_000, polling: 50 });
    const ms = Date.now() - started;
    const done = await page.evaluate(() => window.done);
    if (done.error) throw new Error(done.error);
    console.log(`  (Papa Parse: ${done.rows} rows, ${done.valid} valid, ${done.invalid} invalid in ${ms} ms)`);
    if (done.rows !== rows) throw new Error(`Papa Parse read ${done.rows} rows, not ${rows}`);
    result("browser_rows_per_s_papaparse", Math.round(rows / (ms / 1000)));
    return rows / (ms / 1000);
  } finally {
    await context.close();
  }
}

// --- A browser the benchmark lets go of --------------------------------------

// Playwright copies the body of every request a page sends into its own
// process (Chromium encodes each into a DevTools event, in base64). While an
// import uploads its batches that is CPU taken from the page and the server
// on the same cores: 200 bodies of 400 KB were sent in 3.7 to 4.1 s with
// Playwright attached and in 0.9 to 1.1 s without. So the end-to-end figures
// are of a browser nobody watches: Chromium started here with a DevTools
// port, Playwright connected to set the import up, gone while it runs
// (`BENCH_E2E_WATCHED=1` keeps it, to compare), back to read the page
// (the notice's time, by the page's own clock; the batches', by the page's
// resource timing).
const chromiumPath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const chromiumArgs = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-quic",
  "--no-first-run",
];
const watched = process.env.BENCH_E2E_WATCHED === "1";

// What Playwright passes to a Chromium it launches that bears on speed:
// the same here, so that only the watching differs.
const playwrightSwitches = [
  "--disable-field-trial-config",
  "--disable-background-timer-throttling",
  "--disable-backgrounding-occluded-windows",
  "--disable-renderer-backgrounding",
  "--disable-ipc-flooding-protection",
  "--disable-hang-monitor",
  "--disable-back-forward-cache",
  "--disable-breakpad",
  "--disable-extensions",
  "--disable-dev-shm-usage",
  "--no-default-browser-check",
];

async function launchDetachable() {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), "csv-import-bench-chromium-"));
  const switches = [...chromiumArgs, ...playwrightSwitches, "--headless", "--remote-debugging-port=0", `--user-data-dir=${profile}`];
  const proc = spawn(chromiumPath, [...switches, "about:blank"], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  const close = async () => {
    await stop(proc, 5_000);
    // Chromium's helpers may still be writing its profile: a second try,
    // then it is left to the system's temporary folder.
    for (const wait of [0, 1_000]) {
      await sleep(wait);
      try {
        fs.rmSync(profile, { recursive: true, force: true });
        return;
      } catch {}
    }
  };
  try {
    const endpoint = await new Promise((resolve, reject) => {
      let text = "";
      const timer = setTimeout(() => reject(new Error("Chromium gave no DevTools address within 30 s")), 30_000);
      proc.stderr.on("data", (chunk) => {
        if (text === null) return;
        text += chunk;
        const found = /DevTools listening on (ws:\/\/\S+)/.exec(text);
        if (found) {
          text = null;
          clearTimeout(timer);
          resolve(found[1]);
        }
      });
      proc.on("exit", (code) => reject(new Error(`Chromium exited with ${code}`)));
    });
    return { endpoint, close };
  } catch (e) {
    await close();
    throw e;
  }
}

// Drop to the "finished" notification; milliseconds.
async function measureEndToEnd(file, timeout) {
  const rows = dataRows(file);
  const chrome = await launchDetachable();
  let browser = await chromium.connectOverCDP(chrome.endpoint);
  try {
    const context = browser.contexts()[0];
    let page = await preparePage(context, { wrapWorker: true });
    const dialog = await signInAndOpenImport(page);
    const before = await page.locator(".notification").count();
    // Every server call from the drop on, by the page's resource timing (it
    // keeps counting while nobody watches): the batches tell the server's
    // time from the page's.
    await page.evaluate(() => {
      window.__bench.api = [];
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) {
          const api = /\/api\/([a-z_]+)$/.exec(e.name);
          if (api) window.__bench.api.push({ what: api[1], start: performance.timeOrigin + e.startTime, end: performance.timeOrigin + e.responseEnd });
        }
      }).observe({ type: "resource" });
    });
    const started = Date.now();
    await dropAndReview(page, dialog, file, rows, timeout);
    const reviewedMs = Date.now() - started;
    // When the page shows the notice, by the page's clock.
    await page.evaluate((before) => {
      window.__bench.noticeAt = null;
      const seen = () => {
        const note = document.querySelectorAll(".notification")[before];
        if (window.__bench.noticeAt === null && note && /finished: [\d,]+ imported, [\d,]+ skipped\./.test(note.textContent)) {
          window.__bench.noticeAt = Date.now();
        }
      };
      new MutationObserver(seen).observe(document.body, { childList: true, subtree: true, characterData: true });
    }, before);
    const cookie = (await context.cookies(base)).map((c) => `${c.name}=${c.value}`).join("; ");
    await dialog.getByRole("button", { name: /^Import \d/ }).click();
    if (!watched) {
      await browser.close();
      browser = null;
    }
    // When the server has the import done (its history says so), polled
    // every 50 ms; the page learns it at its next notification poll.
    let doneMs = null;
    while (doneMs === null && Date.now() - started < timeout) {
      const reply = await fetch(`${base}/api/list_imports`, {
        method: "POST",
        headers: { cookie, "content-type": "application/x-www-form-urlencoded" },
        body: "",
      }).catch(() => null);
      const list = reply && reply.ok ? await reply.json().catch(() => null) : null;
      const latest = Array.isArray(list) ? list[0] : null;
      if (latest && latest.file_name === path.basename(file) && latest.state === "done") doneMs = Date.now() - started;
      else await sleep(50);
    }
    if (!browser) {
      // Back only once the page has had time to show the notice (it polls
      // four times a second), so that attaching to it does not delay that.
      await sleep(1_500);
      browser = await chromium.connectOverCDP(chrome.endpoint);
      page = browser.contexts()[0].pages().find((p) => p.url().startsWith(base));
      if (!page) throw new Error("the page was gone when the benchmark came back to it");
    }
    const note = page.locator(".notification").nth(before);
    try {
      await note.filter({ hasText: /finished: [\d,]+ imported, [\d,]+ skipped\./ }).waitFor({ timeout: Math.max(10_000, timeout - (Date.now() - started)) });
    } catch (e) {
      // What the user saw instead, for whoever reads the failure.
      const shot = path.join(root, "target", "bench-e2e-failure.png");
      await page.screenshot({ path: shot }).catch(() => {});
      const seen = (await page.locator("body").innerText().catch(() => "")).replace(/\s+/g, " ").slice(0, 600);
      throw new Error(`${e.message.split("\n")[0]}; the page said: ${seen} (screenshot ${shot})`);
    }
    const noticedMs = Date.now() - started;
    const noticeAt = await page.evaluate(() => window.__bench.noticeAt);
    const ms = noticeAt === null ? noticedMs : Math.min(noticedMs, noticeAt - started);
    const calls = (await page.evaluate(() => window.__bench.api)).filter((c) => c.start >= started);
    const batches = calls.filter((c) => c.what === "stage_batch" || c.what === "commit_batch");
    // A background import's job commits while the rows are sent: the last
    // batch's answer is the end of the upload.
    const uploadedMs = batches.length > 0 ? Math.round(Math.max(...batches.map((b) => b.end)) - started) : null;
    const firstBatchMs = batches.length > 0 ? Math.round(Math.min(...batches.map((b) => b.start)) - started) : null;
    if (batches.length > 0) {
      const inRequests = batches.reduce((sum, b) => sum + (b.end - b.start), 0);
      const span = Math.max(...batches.map((b) => b.end)) - Math.min(...batches.map((b) => b.start));
      console.log(
        `  (${path.basename(file)}: ${batches.length} batches sent over ${Math.round(span)} ms, ` +
          `${Math.round(inRequests)} ms of it waiting for the server's answers)`,
      );
    }
    const startImport = calls.find((c) => c.what === "start_import");
    if (startImport) {
      const sent = Math.round(startImport.start - started);
      console.log(`  (${path.basename(file)}: start_import sent after ${sent} ms, answered in ${Math.round(startImport.end - startImport.start)} ms)`);
      // What the worker did between the review and start_import.
      const requests = (await page.evaluate(() => window.__bench.requests || []))
        .filter((r) => r.end - started > reviewedMs - 1000 && r.start - started < sent)
        .map((r) => `${r.what} ${r.start - started}-${r.end - started} ms`);
      console.log(`  (${path.basename(file)}: the worker's requests until then: ${requests.join(", ") || "none"})`);
      // And the page's own long tasks (50 ms and more) in that time.
      const busy = (await pageBusy(page, started))
        .filter((t) => t.end > reviewedMs - 1000 && t.start < sent + 200)
        .map((t) => `${t.start}-${t.end} ms`);
      console.log(`  (${path.basename(file)}: the page busy until then: ${busy.join(", ") || "never 50 ms at a time"})`);
    }
    if (batches.length <= 2) {
      // A small file: every step from the drop to the notice, the
      // worker's and the server's, to see where the waits are.
      const requests = await page.evaluate(() => window.__bench.requests || []);
      const steps = requests
        .map((r) => ({ what: r.what, start: r.start - started, end: r.end - started }))
        .concat((await pageBusy(page, started)).map((t) => ({ what: "page busy", ...t })))
        .concat(calls.map((c) => ({ what: `${c.what} (server)`, start: Math.round(c.start - started), end: Math.round(c.end - started) })))
        .filter((r) => r.end > 0)
        .sort((a, b) => a.start - b.start)
        .map((r) => `${r.what} ${r.start}-${r.end}`);
      console.log(`  (${path.basename(file)}: from the drop on, in ms (reviewed at ${reviewedMs}): ${steps.join(", ")})`);
    }
    const watcher = watched ? "Playwright attached throughout" : "Playwright away from the click until after the notice";
    console.log(`  (${path.basename(file)}: ${(await note.innerText()).replace(/\s+/g, " ").trim()} after ${ms} ms (Playwright noticed it after ${noticedMs}); reviewed after ${reviewedMs} ms; first batch sent after ${firstBatchMs} ms; last batch answered after ${uploadedMs} ms; done on the server after ${doneMs} ms; ${watcher})`);
    return ms;
  } finally {
    if (browser) await browser.close().catch(() => {});
    await chrome.close();
  }
}

// Gzipped kilobytes of what the Clients page downloads on its first load
// in a fresh browser (signed in), then when its Import button is pressed,
// by part: page, modal, worker.
async function measureFirstLoad(browser) {
  const signing = await newPage(browser);
  await signIn(signing.page);
  const storageState = await signing.context.storageState();
  await signing.context.close();
  const context = await browser.newContext({ baseURL: base, storageState });
  try {
    const page = await context.newPage();
    page.setDefaultTimeout(120_000);
    let phase = "page";
    const files = [];
    page.on("response", (response) => {
      const url = new URL(response.url());
      if (url.origin !== base || !/\.(js|mjs|wasm|css)$/.test(url.pathname)) return;
      const part = url.pathname.includes("import-worker") ? "worker" : phase;
      files.push(response.body().then((body) => ({ name: url.pathname, part, body }), () => null));
    });
    await page.goto("/clients");
    await page.locator('body[data-hydrated="true"]').waitFor();
    await page.waitForLoadState("networkidle");
    phase = "modal";
    await page.getByRole("button", { name: "Import", exact: true }).click();
    await page.getByRole("dialog").waitFor();
    await page.waitForLoadState("networkidle");
    await page.waitForTimeout(500);
    const kb = { page: 0, modal: 0, worker: 0 };
    const seen = new Set();
    for (const file of (await Promise.all(files)).filter(Boolean).sort((a, b) => a.name.localeCompare(b.name))) {
      if (seen.has(file.name)) continue;
      seen.add(file.name);
      const gz = zlib.gzipSync(file.body, { level: 9 }).length;
      console.log(`  (bundle, ${file.part}: ${file.name}: ${file.body.length} bytes, ${gz} gzipped)`);
      kb[file.part] += gz / 1024;
    }
    return kb;
  } finally {
    await context.close();
  }
}

// Gzipped kilobytes of what `embed.js` loads into a host's page, as the
// server sends it.
async function embedKb() {
  let kb = 0;
  for (const name of ["embed.js", "embed.css", "pkg/csv-import-embed.js", "pkg/csv-import-embed_bg.wasm", "pkg/csv-import.css"]) {
    const reply = await fetch(`${base}/csv-import/${name}`);
    if (!reply.ok) throw new Error(`${name}: ${reply.status}`);
    const body = Buffer.from(await reply.arrayBuffer());
    const gz = zlib.gzipSync(body, { level: 9 }).length;
    console.log(`  (embed ${name}: ${body.length} bytes, ${gz} gzipped)`);
    kb += gz / 1024;
  }
  return kb;
}

// --- Main ------------------------------------------------------------------

const { server, dir: serverDir } = await startServer();
const browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
try {
  let wasm = null;
  let papa = null;
  if (wanted("wasm")) {
    try {
      const kb = await measureFirstLoad(browser);
      if (kb.worker === 0) throw new Error("the modal did not load its worker");
      result("bundle_gzip_kb", (kb.page + kb.modal + kb.worker).toFixed(1));
      result("bundle_page_gzip_kb", kb.page.toFixed(1));
      result("bundle_modal_gzip_kb", kb.modal.toFixed(1));
      result("bundle_worker_gzip_kb", kb.worker.toFixed(1));
    } catch (e) {
      for (const name of ["bundle_gzip_kb", "bundle_page_gzip_kb", "bundle_modal_gzip_kb", "bundle_worker_gzip_kb"]) na(name, e.message);
    }
    try {
      wasm = await measureWasm(browser);
    } catch (e) {
      for (const name of ["browser_rows_per_s_wasm", "max_main_thread_task_ms", "peak_worker_memory_mb"]) na(name, e.message);
    }
  }
  if (wanted("wasm")) {
    try {
      result("bundle_embed_gzip_kb", (await embedKb()).toFixed(1));
    } catch (e) {
      na("bundle_embed_gzip_kb", e.message);
    }
  }
  if (wanted("papaparse")) {
    try {
      papa = await measurePapaparse(browser);
    } catch (e) {
      na("browser_rows_per_s_papaparse", e.message);
    }
  }
  if (wasm && papa) result("browser_vs_papaparse_ratio", (wasm / papa).toFixed(2));
  else if (wanted("wasm") || wanted("papaparse")) na("browser_vs_papaparse_ratio", "a rate is missing");
  if (wanted("xlsx")) {
    const naBoth = (reason) => {
      for (const name of ["browser_xlsx_100k_review_ms", "browser_xlsx_max_main_thread_task_ms"]) na(name, reason);
    };
    if (!fs.existsSync(xlsxFile)) {
      naBoth(`no ${xlsxFile} (make bench writes it with LibreOffice)`);
    } else {
      try {
        await measureWorkbook(browser);
      } catch (e) {
        naBoth(e.message);
      }
    }
  }
  if (wanted("bulk")) {
    try {
      await measureBulkFix(browser);
    } catch (e) {
      for (const name of ["bulk_fix_1m_rows_browser_ms", "bulk_undo_1m_rows_browser_ms"]) na(name, e.message);
    }
  }
  if (wanted("e2e5k")) {
    try {
      result("e2e_5000_rows_ms", await measureEndToEnd(smallFile, 120_000));
    } catch (e) {
      na("e2e_5000_rows_ms", e.message);
    }
  }
  if (wanted("e2e1m")) {
    try {
      result("e2e_1m_rows_s", ((await measureEndToEnd(bigFile, Number(process.env.BENCH_E2E_TIMEOUT_MS ?? 1_500_000))) / 1000).toFixed(1));
    } catch (e) {
      na("e2e_1m_rows_s", e.message);
    }
  }
} finally {
  await browser.close();
  // The server's database (400 MB after the million rows) goes with it.
  await stop(server, 10_000);
  fs.rmSync(serverDir, { recursive: true, force: true });
}
const out = args.out;
if (out) fs.writeFileSync(out, [...results].map(([k, v]) => `${k}: ${v}\n`).join(""));
