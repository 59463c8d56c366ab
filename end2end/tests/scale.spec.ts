import { test, expect, Page } from "@playwright/test";
import { signIn } from "./helpers";

// Counts as the modal shows them: grouped by thousands (1,400).
const n = (count: number) => count.toLocaleString("en-US");

// Big files: the worker reads them in chunks with progress and a Cancel
// that works at any moment; the review grid fetches only the rows in view;
// the import streams batches, survives a dropped connection without losing
// or repeating a row, and can be cancelled half-way.

async function openImport(page: Page, path: string) {
  if (!page.url().endsWith(path)) {
    await page.goto(path);
    await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true");
  }
  await page.getByRole("button", { name: "Import", exact: true }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog).toBeVisible();
  return dialog;
}

async function upload(page: Page, name: string, text: string) {
  await page.locator('dialog input[type="file"]').setInputFiles({ name, mimeType: "text/csv", buffer: Buffer.from(text, "utf8") });
}

const unique = () => Math.random().toString(36).slice(2, 8);

// Clients (template `clients`): every 20th row has a bad email.
function clientsFile(rows: number, tag: string) {
  const lines = ["First Name,Last Name,Email,Phone,Company"];
  for (let i = 1; i <= rows; i++) {
    const email = i % 20 === 0 ? `broken${i}.${tag}@example` : `c${i}.${tag}@example.com`;
    lines.push(`Zoë${i},Ñúñez,${email},+1 415 555 ${String(i % 10000).padStart(4, "0")},Société ${i % 97}`);
  }
  return lines.join("\r\n") + "\r\n";
}

// CRM clients (template `crm-clients`, committed batch by batch), all valid.
function crmFile(rows: number, tag: string) {
  const lines = ["ID,firstName,lastName,middleName,email,username,project,desk,active,type,created"];
  for (let i = 1; i <= rows; i++) lines.push(`,First${i},Last${i},,crm${i}.${tag}@example.com,,,,,,`);
  return lines.join("\r\n") + "\r\n";
}

// The server answers how many rows a batch may carry (5,000 for CRM
// clients, which takes at most 5,000 rows a file): ask for 500, as a
// server may, so that a file of a few thousand rows goes in several batches.
async function batchesOf500(page: Page) {
  await page.route("**/api/start_import", async (route) => {
    const response = await route.fetch();
    const body = await response.json();
    await route.fulfill({ response, json: { ...body, max_batch_rows: 500 } });
  });
}

// The emails of the workspace's CRM clients with this tag, from the export (the database).
async function crmEmails(page: Page, tag: string) {
  const response = await page.request.get("/crm/export.csv");
  expect(response.status()).toBe(200);
  const text = await response.text();
  return text.split(/\r?\n/).map((line) => line.split(",")[4]).filter((email) => email && email.includes(`.${tag}@`));
}

async function openCrm(page: Page) {
  await page.goto("/crm");
  await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true");
  await page.getByRole("button", { name: "Import", exact: true }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog).toBeVisible();
  return dialog;
}

test("reading a big file shows its progress, and Cancel stops it at once", async ({ page }) => {
  await signIn(page, "admin@acme.test");
  const dialog = await openImport(page, "/clients");
  // Every text the progress shows, kept as it changes: a phase may last
  // less than the assertion's polling interval.
  await page.evaluate(() => {
    const seen: string[] = ((window as any).__progressTexts = []);
    new MutationObserver(() => {
      const text = document.querySelector("#read-progress")?.textContent;
      if (text && seen[seen.length - 1] !== text) seen.push(text);
    }).observe(document.body, { subtree: true, childList: true, characterData: true });
  });
  await upload(page, "big.csv", clientsFile(300_000, unique()));
  const progress = dialog.locator("#read-progress");
  await expect(progress).toBeVisible();
  await expect(progress.locator("progress")).toHaveAttribute("value", /\d/);
  // Rows are parsed as the file's slices arrive, and counted while reading.
  const shown = () => page.evaluate(() => (window as any).__progressTexts as string[]);
  await expect.poll(async () => (await shown()).some((t) => /Reading rows… [\d,]+ rows/.test(t))).toBe(true);
  await page.screenshot({ path: "screenshots/scale-reading.png" });
  await progress.getByRole("button", { name: "Cancel reading", exact: true }).click();
  await expect(dialog.getByRole("alert")).toContainText("Reading big.csv was cancelled");
  await expect(progress).toHaveCount(0);
  await expect(dialog.locator(".steps li.current")).toContainText("Upload");
  // The next file is read by a fresh worker.
  const tag = unique();
  await upload(page, "small.csv", clientsFile(40, tag));
  await expect(dialog.locator(".steps li.current")).toContainText("Map columns");
  await dialog.getByRole("button", { name: "Next: review rows" }).click();
  await expect(dialog.locator(".review-summary")).toContainText("38 valid");
  await expect(dialog.locator(".review-summary")).toContainText("2 with errors");
});

test("multibyte characters cut between the worker's chunks come out whole", async ({ page }) => {
  await signIn(page, "admin@acme.test");
  await page.goto("/clients");
  await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true");
  // The worker's protocol, driven directly with 3-byte slices.
  const answer = await page.evaluate(async () => {
    const text = "First Name,Last Name,Email\r\nZoë,Győr 🎉,zoe@example.com\r\nJosé,日本語,jose@example.com\r\n";
    const file = new Blob([text]);
    const worker = new Worker("/import-worker.js", { type: "module" });
    const call = (message: object) =>
      new Promise<any>((resolve) => {
        worker.onmessage = (e) => {
          if (e.data.type !== "progress") resolve(e.data);
        };
        worker.postMessage(message);
      });
    // The template as the modal sends it: from the server function.
    const response = await fetch("/api/get_template", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "name=clients",
    });
    const access = await response.json();
    const done = await call({
      id: 1,
      type: "analyze",
      file,
      chunkSize: 3,
      template: JSON.stringify(access.template ?? access),
      options: JSON.stringify({ encoding: null, delimiter: null, overrides: [], now: "2026-01-01T00:00:00Z" }),
    });
    const rows = await call({ id: 2, type: "request", json: JSON.stringify({ type: "rows", rows: [1, 2] }) });
    worker.terminate();
    return { done, rows: JSON.parse(rows.json) };
  });
  expect(answer.done.ok).toBe(true);
  expect(answer.done.wasmMemoryBytes).toBeGreaterThan(0);
  const summary = JSON.parse(answer.done.json);
  expect(summary.report.rows.valid).toBe(2);
  expect(answer.rows[0].cells).toEqual(["Zoë", "Győr 🎉", "zoe@example.com"]);
  expect(answer.rows[1].cells).toEqual(["José", "日本語", "jose@example.com"]);
});

test("a dropped connection during the import resumes: no row lost, none twice", async ({ page }) => {
  await signIn(page, "staff@acme.test");
  const dialog = await openCrm(page);
  const tag = unique();
  const rows = 1_400; // three batches
  await batchesOf500(page);
  await upload(page, "resume.csv", crmFile(rows, tag));
  await dialog.getByRole("button", { name: "Next: review rows" }).click();
  await expect(dialog.locator(".review-summary")).toContainText(`${n(rows)} valid`);
  // The second batch reaches the server and is saved, but its answer is lost;
  // then the connection is down for the next try as well.
  let dropped = 0;
  await page.route("**/api/commit_batch", async (route) => {
    const body = route.request().postData() ?? "";
    if (/"seq":1\b/.test(body) && dropped < 2) {
      dropped += 1;
      if (dropped === 1) await route.fetch();
      await route.abort("internetdisconnected");
      return;
    }
    await route.continue();
  });
  await dialog.getByRole("button", { name: `Import ${n(rows)} rows`, exact: true }).click();
  await expect(dialog.locator("#reconnecting")).toContainText("reconnecting");
  await page.screenshot({ path: "screenshots/scale-reconnecting.png" });
  await expect(dialog.locator(".result-counts")).toBeVisible({ timeout: 60_000 });
  expect(dropped).toBe(2);
  await expect(dialog.locator('[data-count="inserted"]')).toHaveText(n(rows));
  const emails = await crmEmails(page, tag);
  expect(emails).toHaveLength(rows);
  expect(new Set(emails).size).toBe(rows);
});

// A proxy's own HTML page for a body over its limit, as nginx answers.
const PROXY_413 = {
  status: 413,
  contentType: "text/html",
  body: "<html><head><title>413 Request Entity Too Large</title></head><body><h1>413 Request Entity Too Large</h1><hr>nginx</body></html>",
};

test("a proxy with a lower body limit than the server's: the refused batch goes again in halves, every row saved once", async ({ page }) => {
  await signIn(page, "staff@acme.test");
  const dialog = await openCrm(page);
  const tag = unique();
  const rows = 1_400; // three batches of 500 at first
  await batchesOf500(page);
  await upload(page, "proxy.csv", crmFile(rows, tag));
  await dialog.getByRole("button", { name: "Next: review rows" }).click();
  await expect(dialog.locator(".review-summary")).toContainText(`${n(rows)} valid`);
  // The proxy takes half of what the first batch weighs.
  let limit = 0;
  let refused = 0;
  const passed: { seq: number; rows: number; bytes: number }[] = [];
  await page.route("**/api/commit_batch", async (route) => {
    const body = route.request().postData() ?? "";
    limit ||= Math.floor(body.length / 2);
    if (body.length > limit) {
      refused += 1;
      await route.fulfill(PROXY_413);
      return;
    }
    const batch = JSON.parse(body).batch;
    passed.push({ seq: batch.seq, rows: batch.rows.length, bytes: body.length });
    await route.continue();
  });
  await dialog.getByRole("button", { name: `Import ${n(rows)} rows`, exact: true }).click();
  await expect(dialog.locator(".result-headline")).toBeVisible({ timeout: 30_000 });
  await expect(dialog.locator('[data-count="inserted"]')).toHaveText(n(rows));
  await expect(dialog.getByRole("alert")).toHaveCount(0);
  await page.screenshot({ path: "screenshots/scale-proxy-smaller-batches.png" });
  // Only the first batch met the limit: the rest were read from the worker at the new size.
  expect(refused).toBe(1);
  expect(passed.every((b) => b.bytes <= limit)).toBe(true);
  // The sequence numbers stay whole: 0, 1, 2, ... each once.
  expect(passed.map((b) => b.seq)).toEqual(passed.map((_, i) => i));
  expect(passed.reduce((sum, b) => sum + b.rows, 0)).toBe(rows);
  const emails = await crmEmails(page, tag);
  expect(emails).toHaveLength(rows);
  expect(new Set(emails).size).toBe(rows);
});

test("a proxy that refuses even one row as too large stops the import, saying what to raise", async ({ page }) => {
  await signIn(page, "staff@acme.test");
  const dialog = await openCrm(page);
  const tag = unique();
  const rows = 1_400;
  await batchesOf500(page);
  await upload(page, "proxy.csv", crmFile(rows, tag));
  await dialog.getByRole("button", { name: "Next: review rows" }).click();
  await expect(dialog.locator(".review-summary")).toContainText(`${n(rows)} valid`);
  let refused = 0;
  const sizes: number[] = [];
  await page.route("**/api/commit_batch", async (route) => {
    refused += 1;
    sizes.push(JSON.parse(route.request().postData() ?? "{}").batch.rows.length);
    await route.fulfill(PROXY_413);
  });
  await dialog.getByRole("button", { name: `Import ${n(rows)} rows`, exact: true }).click();
  // Halved down to one row, then stopped; not retried as a lost connection would be.
  const alert = dialog.getByRole("alert");
  await expect(alert).toContainText("refused the rows as too large", { timeout: 15_000 });
  await expect(alert).toContainText("client_max_body_size 8m");
  await expect(alert).toContainText("The import stopped before any row was saved");
  expect(await alert.textContent()).not.toContain("..");
  await expect(dialog.locator("#reconnecting")).toHaveCount(0);
  expect(sizes[0]).toBe(500);
  expect(sizes.at(-1)).toBe(1);
  // Each try smaller than the one before, about half: some log2(500) tries, not minutes of them.
  sizes.slice(1).forEach((size, i) => expect(size).toBeLessThan(sizes[i]));
  expect(refused).toBeLessThan(20);
  await page.screenshot({ path: "screenshots/scale-proxy-too-large.png" });
  expect(await crmEmails(page, tag)).toHaveLength(0);
});

test("a file with ten thousand invalid rows imports its valid ones: the reasons go to the server in parts", async ({ page }) => {
  test.setTimeout(120_000);
  await signIn(page, "admin@acme.test");
  const dialog = await openImport(page, "/clients");
  const tag = unique();
  const [rows, invalid] = [12_000, 10_000];
  const lines = ["First Name,Last Name,Email"];
  for (let i = 1; i <= rows; i++) {
    lines.push(i <= invalid ? `Bad${i},Row,not-an-email-${i}.${tag}` : `Good${i},Row,good${i}.${tag}@example.com`);
  }
  // A request carries at most 512 KiB of reasons: more than that follow the start.
  const parts: number[] = [];
  await page.route("**/api/skip_rows", async (route) => {
    parts.push(route.request().postData()?.length ?? 0);
    await route.continue();
  });
  await upload(page, `many-invalid-${tag}.csv`, lines.join("\r\n"));
  await dialog.getByRole("button", { name: "Next: review rows" }).click();
  await expect(dialog.locator(".review-summary")).toContainText(`${n(invalid)} with errors`);
  await dialog.getByRole("button", { name: `Import ${n(rows - invalid)} valid rows, skip ${n(invalid)}`, exact: true }).click();
  const note = page.locator(".notifications .notification", { hasText: `many-invalid-${tag}.csv` });
  await expect(note).toContainText(`finished: ${n(rows - invalid)} imported, ${n(invalid)} skipped.`, { timeout: 60_000 });
  expect(parts.length).toBeGreaterThan(0);
  expect(parts.every((bytes) => bytes <= 600 * 1024)).toBe(true);
  // The error report lists every skipped row, once.
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Imports" }).click();
  const entry = page.locator("table.imports tr", { hasText: `many-invalid-${tag}.csv` });
  const reportDownload = page.waitForEvent("download");
  await entry.getByRole("link", { name: /Error report/ }).click();
  const report = (await import("node:fs")).readFileSync(await (await reportDownload).path(), "utf8");
  const reported = report.split(/\r?\n/).slice(1).filter((line) => /^\d+,/.test(line)).map((line) => Number(line.split(",")[0]));
  expect(reported).toHaveLength(invalid);
  expect(new Set(reported).size).toBe(invalid);
});

test("an import cancelled half-way keeps the saved batches, each once", async ({ page }) => {
  await signIn(page, "staff@acme.test");
  const dialog = await openCrm(page);
  const tag = unique();
  const rows = 4_000;
  await batchesOf500(page);
  await upload(page, "cancel.csv", crmFile(rows, tag));
  await dialog.getByRole("button", { name: "Next: review rows" }).click();
  await expect(dialog.locator(".review-summary")).toContainText(`${n(rows)} valid`);
  // Each batch takes a moment, so there is time to cancel between two.
  await page.route("**/api/commit_batch", async (route) => {
    await new Promise((resolve) => setTimeout(resolve, 400));
    await route.continue();
  });
  await dialog.getByRole("button", { name: `Import ${n(rows)} rows`, exact: true }).click();
  await expect(dialog.locator("#progress-label")).toContainText(/Importing… [1-9][\d,]* of 4,000 rows saved/);
  await expect(dialog.locator("#progress-rate")).toContainText("rows/s");
  await page.screenshot({ path: "screenshots/scale-importing.png" });
  await dialog.getByRole("button", { name: "Cancel import", exact: true }).click();
  await expect(dialog.locator(".result-headline")).toContainText("Import cancelled");
  const inserted = Number((await dialog.locator('[data-count="inserted"]').textContent())?.replaceAll(",", ""));
  expect(inserted).toBeGreaterThan(0);
  expect(inserted).toBeLessThan(rows);
  expect(inserted % 500).toBe(0);
  const emails = await crmEmails(page, tag);
  expect(emails).toHaveLength(inserted);
  expect(new Set(emails).size).toBe(inserted);
});

test("a 200,000-row file goes through the whole modal", async ({ page }) => {
  test.setTimeout(600_000);
  await signIn(page, "admin@acme.test");
  const dialog = await openImport(page, "/clients");
  const tag = unique();
  const rows = 200_000;
  const invalid = rows / 20;
  const started = Date.now();
  await upload(page, "two-hundred-thousand.csv", clientsFile(rows, tag));
  await expect(dialog.locator(".steps li.current")).toContainText("Map columns", { timeout: 300_000 });
  const read = Date.now() - started;
  await dialog.getByRole("button", { name: "Next: review rows" }).click();
  const summary = dialog.locator(".review-summary");
  await expect(summary).toContainText(`${n(rows)} rows`);
  await expect(summary).toContainText(`${n(rows - invalid)} valid`);
  await expect(summary).toContainText(`${n(invalid)} with errors`);
  console.log(`200k rows: read and checked in ${read} ms`);

  // The grid scrolls to the last row: fetched from the worker when in view.
  const grid = dialog.locator(".grid");
  await grid.evaluate((el) => (el.scrollTop = el.scrollHeight));
  const cell = (row: number, column: number) => dialog.locator(`.cell[data-row="${row}"][data-column="${column}"]`);
  await expect(cell(rows, 2)).toHaveAttribute("title", /domain/);
  await expect(dialog.locator(".grid-body .grid-row").first()).toBeVisible();
  await page.screenshot({ path: "screenshots/scale-200k-bottom.png" });

  // Only the rows with errors: instant, and an edit there fixes one.
  await dialog.getByLabel("Show only rows with errors").check();
  await expect(cell(20, 2)).toHaveClass(/invalid/);
  await cell(20, 2).press("Enter");
  const editor = dialog.locator(".cell.editing input");
  await editor.fill(`fixed.${tag}@example.com`);
  await editor.press("Enter");
  await expect(summary).toContainText(`${n(invalid - 1)} with errors`);
  await expect(cell(20, 2)).toHaveCount(0);
  // Tab goes from one invalid cell to the next (every 20th row), on past
  // the rows drawn: the grid scrolls and fetches them.
  await cell(40, 2).focus();
  for (let i = 0; i < 40; i++) await page.keyboard.press("Tab");
  await expect(dialog.locator(".cell.invalid:focus")).toHaveAttribute("data-row", "840");
  await page.screenshot({ path: "screenshots/scale-200k-errors.png" });

  await dialog.getByRole("button", { name: /^Import [\d,]+ valid rows/ }).click();
  await expect(page.getByRole("status").filter({ hasText: /^Import (started|finished)\b/ })).toBeVisible({ timeout: 400_000 });
  console.log(`200k rows: uploaded after ${Date.now() - started} ms`);
  // The server's job commits every valid row (and the specs after this one
  // do not wait behind it).
  const note = page.locator(".notification").filter({ hasText: "Import of two-hundred-thousand.csv finished" });
  await expect(note).toContainText(`${n(rows - invalid + 1)} imported`, { timeout: 400_000 });
  console.log(`200k rows: committed after ${Date.now() - started} ms`);
});
