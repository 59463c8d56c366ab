import { test, expect, Page } from "@playwright/test";
import { signIn } from "./helpers";
import * as fs from "node:fs";

// Seed 004: Data management → choose a type → sample → upload, map,
// validate → Import → "Import started…" → a notification without reload →
// the records. Duplicate emails against existing records are flagged.

async function openDataPage(page: Page) {
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Data management" }).click();
  await page.waitForURL("**/data");
  await expect(page.getByRole("heading", { name: "Data management" })).toBeVisible();
}

async function upload(page: Page, name: string, content: string) {
  await page.locator('dialog input[type="file"]').setInputFiles({ name, mimeType: "text/csv", buffer: Buffer.from(content, "utf8") });
}

const unique = () => Math.random().toString(36).slice(2, 8);

test("Data management: leads sample, mapping, background import, notification, records", async ({ page }) => {
  await signIn(page, "admin@acme.test");
  await openDataPage(page);
  await page.getByRole("radio", { name: "Leads" }).check();

  // The sample file of the chosen type.
  const downloading = page.waitForEvent("download");
  await page.getByRole("link", { name: "Download leads sample CSV" }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toBe("leads-sample.csv");
  const sample = fs.readFileSync(await download.path(), "utf8");
  expect(sample.split(/\r?\n/)[0]).toBe("First Name,Last Name,Email,Phone,Company,Source,Status");
  await page.screenshot({ path: "screenshots/background-data-page.png" });

  // An export from another tool: other headers, one column to map by hand,
  // an extra column, and one bad row.
  const tag = unique();
  const file = [
    "Given Name;Surname;E-mail;Mobile;Organisation;How we met;Lead Status;Notes",
    `Amélie;Dubois;amelie.${tag}@example.fr;+33 6 12 34 56 78;Café Lumière;Trade fair;open;met at booth 4`,
    `Jonas;Weber;jonas.${tag}@example.de;+49 151 2345 6789;Weber GmbH;Trade fair;working;`,
    `Sofía;Ruiz;sofia.${tag}@example.es;;"Ruiz, Hijos y Cía";Website;qualified;`,
    `Liam;O'Brien;liam.${tag}@example.ie;+353 1 234 5678;;Referral;new;call back`,
    `Bad;Row;not-an-email.${tag};;;Website;new;`,
    `Mei;Chen;mei.${tag}@example.com;+1 415 555 0199;Lotus Labs;Webinar;lost;`,
  ].join("\r\n");
  await page.getByRole("button", { name: "Import leads" }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog).toBeVisible();
  await upload(page, `fair-${tag}.csv`, file);
  await expect(dialog.locator(".steps li.current")).toContainText("Map columns");
  const row = (header: string) => dialog.locator("table.mapping tr", { has: page.locator(`th:text-is("${header}")`) });
  await expect(row("Given Name").locator("select")).toHaveValue("first_name");
  await expect(row("E-mail").locator("select")).toHaveValue("email");
  await expect(row("Lead Status").locator("select")).toHaveValue("status");
  await expect(row("How we met").locator("select")).toHaveValue("");
  // Validate the mapping: the user maps the source column by hand.
  await row("How we met").locator("select").selectOption("source");
  await page.screenshot({ path: "screenshots/background-mapping.png" });
  await dialog.getByRole("button", { name: "Next: review rows" }).click();
  await expect(dialog.locator(".review-summary")).toContainText("5 valid");
  await expect(dialog.locator(".review-summary")).toContainText("1 with errors");

  // The page is not told the import ended until it has said it started.
  let tell!: () => void;
  const told = new Promise<void>((resolve) => (tell = resolve));
  for (const endpoint of ["**/api/wait_for_import*", "**/api/import_notifications*"]) {
    await page.route(endpoint, async (route) => {
      await told;
      await route.continue();
    });
  }
  await dialog.getByRole("button", { name: "Import 5 valid rows, skip 1" }).click();
  await expect(dialog).toBeHidden();
  const banner = page.locator("p[role=status]", { hasText: /^Import (started|finished)/ });
  await expect(banner).toHaveText("Import started. Records will appear in the system shortly. Open Leads");
  await page.screenshot({ path: "screenshots/background-started.png" });
  tell();

  // The notification arrives without a reload, and the page's own line says how it ended.
  const note = page.locator(".notifications .notification").first();
  await expect(banner).toHaveText("Import finished: 5 inserted, 0 updated, 0 unchanged, 1 skipped. Open Leads");
  await expect(note).toHaveText(new RegExp(`Import of fair-${tag}\\.csv finished: 5 imported, 1 skipped\\.`));
  await expect(page.locator(".notifications")).toHaveAttribute("aria-live", "polite");
  await expect(note.getByRole("link", { name: "See imports" })).toHaveAttribute("href", "/imports");
  await page.screenshot({ path: "screenshots/background-notification.png" });

  // The records are there, with the mapped source and normalised status.
  await page.getByRole("link", { name: "Open Leads" }).click();
  await page.waitForURL("**/leads");
  await page.getByRole("searchbox").fill(tag);
  const table = page.locator("table.records");
  await expect(table.locator("tbody tr")).toHaveCount(5);
  await expect(table).toContainText("Amélie");
  await expect(table).toContainText("Ruiz, Hijos y Cía");
  await expect(table.locator("tr", { hasText: "Jonas" })).toContainText("Trade fair");
  await expect(table.locator("tr", { hasText: "Jonas" })).toContainText("contacted");
  await expect(table.locator("tr", { hasText: "Mei" })).toContainText("unqualified");
  await expect(table).not.toContainText("not-an-email");
  await page.screenshot({ path: "screenshots/background-records.png" });

  // The Imports page: the background import, done, with its error report.
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Imports" }).click();
  const entry = page.locator("table.imports tr", { hasText: `fair-${tag}.csv` });
  await expect(entry.locator("td[data-state]")).toHaveText("done");
  const reportDownload = page.waitForEvent("download");
  await entry.getByRole("link", { name: /Error report/ }).click();
  const report = fs.readFileSync(await (await reportDownload).path(), "utf8");
  expect(report).toContain("row,reasons");
  expect(report).toMatch(/^5,.*not-an-email/m);
  await page.screenshot({ path: "screenshots/background-imports.png" });
});

test("an email that already exists is flagged: the row will update the record", async ({ page }) => {
  await signIn(page, "admin@acme.test");
  await openDataPage(page);
  await page.getByRole("radio", { name: "Leads" }).check();
  await page.getByRole("button", { name: "Import leads" }).click();
  const dialog = page.getByRole("dialog");
  const tag = unique();
  // hiro.tanaka@example.jp is a lead of the demo workspace already.
  const file = [
    "First Name,Last Name,Email,Company,Status",
    "Hiro,Tanaka,Hiro.Tanaka@example.jp,Kumo Systems,qualified",
    `Nora,Quinn,nora.${tag}@example.com,Quinn & Co,new`,
  ].join("\n");
  await upload(page, "existing.csv", file);
  await dialog.getByRole("button", { name: "Next: review rows" }).click();
  await expect(dialog.locator(".review-summary")).toContainText("2 valid");
  await expect(dialog.locator(".review-summary")).toContainText("1 row matches an existing record and will update it");
  const cell = (r: number, c: number) => dialog.locator(`.cell[data-row="${r}"][data-column="${c}"]`);
  await expect(cell(1, 2)).toHaveClass(/exists/);
  await expect(cell(1, 2)).not.toHaveClass(/invalid/);
  await expect(cell(1, 2)).toHaveAttribute("title", /existing record/);
  await expect(cell(2, 2)).not.toHaveClass(/exists/);
  await page.screenshot({ path: "screenshots/background-existing.png" });

  await dialog.getByRole("button", { name: "Import 2 rows" }).click();
  const note = page.locator(".notifications .notification", { hasText: "existing.csv" });
  await expect(note).toContainText("finished: 2 imported, 0 skipped.");
  expect(await note.getAttribute("data-updated")).toBe("1");
  expect(await note.getAttribute("data-inserted")).toBe("1");
});

test("preview mode asks nothing about existing records", async ({ page }) => {
  await signIn(page, "admin@acme.test");
  const calls: string[] = [];
  page.on("request", (request) => {
    if (request.url().includes("/api/existing_values")) calls.push(request.url());
  });
  await page.goto("/check");
  await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true");
  await page.locator('button[data-template="leads"]').click();
  const dialog = page.getByRole("dialog");
  // A check imports nothing: the template's words about its import are not shown.
  await expect(dialog.locator(".expected-columns")).toBeVisible();
  await expect(dialog).not.toContainText("runs in the background");
  await upload(page, "private.csv", "First Name,Email\nHiro,hiro.tanaka@example.jp\n");
  await dialog.getByRole("button", { name: "Next: review rows" }).click();
  await expect(dialog.locator(".review-summary")).toContainText("1 valid");
  await page.waitForTimeout(500);
  await expect(dialog.locator(".review-summary")).not.toContainText("existing");
  expect(calls).toEqual([]);
});

test("a big background import sends its next batches while the server takes one, and loses none", async ({ page }) => {
  // 36,000 rows read, checked and sent from a debug build: more than the default minute.
  test.setTimeout(120_000);
  await signIn(page, "admin@acme.test");
  await openDataPage(page);
  await page.getByRole("radio", { name: "Leads" }).check();
  // The staging answers held back, as from a busy server, until the test has
  // seen six waiting and let them go: the page goes on sending, up to six
  // batches waiting at once and never more. Held by count rather than for a
  // fixed time, so a slow machine reading the file slowly still gets there;
  // released by the test, so the count is never read after it has drained.
  const batches = 8;
  let waiting = 0;
  let most = 0;
  let released = false;
  const seqs: number[] = [];
  await page.route("**/api/stage_batch", async (route) => {
    waiting += 1;
    most = Math.max(most, waiting);
    const body = JSON.parse(route.request().postData() || "{}");
    seqs.push(body.batch.seq);
    const reply = await route.fetch();
    const held = Date.now();
    while (!released && Date.now() - held < 30_000) await new Promise((r) => setTimeout(r, 50));
    waiting -= 1;
    await route.fulfill({ response: reply });
  });
  const tag = unique();
  const rows = 36_000;
  const lines = ["First Name,Last Name,Email,Status"];
  for (let i = 1; i <= rows; i++) lines.push(`Lead${i},Batch,lead${i}.${tag}@example.com,new`);
  await page.getByRole("button", { name: "Import leads" }).click();
  const dialog = page.getByRole("dialog");
  await upload(page, `ahead-${tag}.csv`, lines.join("\n"));
  await dialog.getByRole("button", { name: "Next: review rows" }).click();
  await expect(dialog.locator(".review-summary")).toContainText("36,000 valid");
  await dialog.getByRole("button", { name: /^Import 36,000 rows/ }).click();
  // While the batches are sent, the progress says how far it is.
  await expect(dialog.locator("#progress-label")).toBeVisible();
  await expect.poll(() => most, { timeout: 25_000 }).toBe(6);
  await page.screenshot({ path: "screenshots/background-sending.png" });
  released = true;
  const note = page.locator(".notifications .notification", { hasText: `ahead-${tag}.csv` });
  await expect(note).toContainText("finished: 36,000 imported, 0 skipped.", { timeout: 60_000 });
  expect(most).toBe(6);
  expect([...seqs].sort((a, b) => a - b)).toEqual([...Array(batches).keys()]);
  // The last row of the last batch is there.
  await page.getByRole("link", { name: "Open Leads" }).click();
  await page.waitForURL("**/leads");
  await page.getByRole("searchbox").fill(`lead36000.${tag}`);
  await expect(page.locator("table.records tbody tr")).toHaveCount(1);
  await expect(page.locator("table.records")).toContainText("Lead36000");
});

test("a background import that stops on a refused batch keeps the batches the server acknowledged", async ({ page }) => {
  test.setTimeout(90_000);
  await signIn(page, "admin@acme.test");
  await openDataPage(page);
  await page.getByRole("radio", { name: "Leads" }).check();
  // The first batch is refused by the server (a row that is not in the
  // file), once the two after it, sent meanwhile, are acknowledged. The job
  // commits in the file's order, so they wait staged until the end.
  let answered = 0;
  await page.route("**/api/stage_batch", async (route) => {
    const body = JSON.parse(route.request().postData() || "{}");
    if (body.batch.seq !== 0) {
      const reply = await route.fetch();
      answered += 1;
      await route.fulfill({ response: reply });
      return;
    }
    const held = Date.now();
    while (answered < 2 && Date.now() - held < 30_000) await new Promise((r) => setTimeout(r, 50));
    body.batch.rows[0].row = 999_999;
    await route.continue({ postData: JSON.stringify(body) });
  });
  const tag = unique();
  const lines = ["First Name,Last Name,Email,Status"];
  for (let i = 1; i <= 12_000; i++) lines.push(`Kept${i},Batch,kept${i}.${tag}@example.com,new`);
  await page.getByRole("button", { name: "Import leads" }).click();
  const dialog = page.getByRole("dialog");
  await upload(page, `stopped-${tag}.csv`, lines.join("\n"));
  await dialog.getByRole("button", { name: "Next: review rows" }).click();
  await dialog.getByRole("button", { name: /^Import 12,000 rows/ }).click();
  await expect(dialog.getByRole("alert")).toContainText("The import stopped with 7,000 of 12,000 rows saved");
  // They were: the job commits the two acknowledged batches, then ends the import.
  const note = page.locator(".notifications .notification", { hasText: `stopped-${tag}.csv` });
  await expect(note).toContainText("finished: 7,000 imported", { timeout: 30_000 });
  const count = await page.request.post("/api/list_records", { form: { entity: "leads", search: `.${tag}@`, page: "0" } });
  expect((await count.json()).total).toBe(7_000);
});

test("behind a proxy with a lower body limit, the batches refused in flight go again in halves, every row once", async ({ page }) => {
  test.setTimeout(120_000);
  await signIn(page, "admin@acme.test");
  await openDataPage(page);
  await page.getByRole("radio", { name: "Leads" }).check();
  // Batches of 1,000 rows, so that six are in flight when the first is refused.
  await page.route("**/api/start_import", async (route) => {
    const response = await route.fetch();
    await route.fulfill({ response, json: { ...(await response.json()), max_batch_rows: 1_000 } });
  });
  // The proxy takes a little over half of what the first batch weighs. Its
  // refusals are held until six batches are in flight, as when the proxy
  // answers slower than the page sends.
  let limit = 0;
  let refused = 0;
  let most = 0;
  const passed: { seq: number; rows: number }[] = [];
  await page.route("**/api/stage_batch", async (route) => {
    const body = route.request().postData() ?? "";
    limit ||= Math.floor(body.length * 0.6);
    if (body.length > limit) {
      refused += 1;
      most = Math.max(most, refused);
      const held = Date.now();
      while (most < 6 && Date.now() - held < 20_000) await new Promise((r) => setTimeout(r, 50));
      await route.fulfill({ status: 413, contentType: "text/html", body: "<html><body><h1>413 Request Entity Too Large</h1></body></html>" });
      return;
    }
    const batch = JSON.parse(body).batch;
    passed.push({ seq: batch.seq, rows: batch.rows.length });
    await route.continue();
  });
  const tag = unique();
  const rows = 12_000;
  const lines = ["First Name,Last Name,Email,Status"];
  for (let i = 1; i <= rows; i++) lines.push(`Lead${i},Proxy,lead${i}.${tag}@example.com,new`);
  await page.getByRole("button", { name: "Import leads" }).click();
  const dialog = page.getByRole("dialog");
  await upload(page, `proxy-${tag}.csv`, lines.join("\n"));
  await dialog.getByRole("button", { name: "Next: review rows" }).click();
  await expect(dialog.locator(".review-summary")).toContainText("12,000 valid");
  await dialog.getByRole("button", { name: /^Import 12,000 rows/ }).click();
  const note = page.locator(".notifications .notification", { hasText: `proxy-${tag}.csv` });
  await expect(note).toContainText("finished: 12,000 imported, 0 skipped.", { timeout: 60_000 });
  // The six batches in flight were refused, and only they: cut in halves, they all went through.
  expect(refused).toBe(6);
  // Each sequence number saved once, none missing, every row in one of them.
  expect(passed.map((b) => b.seq).sort((a, b) => a - b)).toEqual([...Array(passed.length).keys()]);
  expect(passed.reduce((sum, b) => sum + b.rows, 0)).toBe(rows);
  await page.getByRole("link", { name: "Open Leads" }).click();
  await page.waitForURL("**/leads");
  await page.getByRole("searchbox").fill(`.${tag}@`);
  await expect(page.locator(".pager")).toContainText("12000 records");
});
