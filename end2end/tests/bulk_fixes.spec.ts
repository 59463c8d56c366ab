import { test, expect, Page } from "@playwright/test";
import { signIn } from "./helpers";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

// Fixing a file in the modal rather than in a spreadsheet: a 20,000-row
// export with "N/A" in a third of its phone cells, emails in capitals and
// dates written DD/MM/YYYY is mended with three bulk actions (each counted
// before it is applied), one undo and its redo, then imported whole. The
// partner-leads template takes a file only when every row is valid, so the
// import proves every row was fixed.

const ROWS = 20_000;
const HEADER = "First Name,Last Name,Email,Company,Phone,Meeting date,Partner ID,Partner User ID";

function bigFile(): string {
  const lines = [HEADER];
  for (let i = 1; i <= ROWS; i++) {
    const phone = i % 3 === 0 ? "N/A" : `+1 202 555 ${String(1000 + (i % 9000)).padStart(4, "0")}`;
    const day = String((i % 28) + 1).padStart(2, "0");
    const month = String((i % 12) + 1).padStart(2, "0");
    lines.push(`Lead${i},Bulk,Lead${i}@Bulk.Example,Bulk Co,${phone},${day}/${month}/2025,P-1001,PU-2001`);
  }
  return lines.join("\r\n");
}

// A server of its own, on a fresh database: the 20,000 leads it imports
// would otherwise be the newest leads every other spec lists.
async function privateServer(): Promise<{ origin: string; stop: () => void }> {
  const port = Number(process.env.E2E_PORT ?? 3100) + 4;
  const bin = process.env.CSV_IMPORT_BIN ?? path.join(__dirname, "..", "..", "target", "debug", "csv-import");
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "csv-import-bulk-"));
  const server = spawn(bin, ["serve", "--demo", "--addr", `127.0.0.1:${port}`], {
    cwd: path.join(__dirname, "..", ".."),
    env: {
      ...process.env,
      DATABASE_URL: `sqlite://${path.join(dataDir, "bulk.db")}`,
      LEPTOS_OUTPUT_NAME: process.env.LEPTOS_OUTPUT_NAME ?? "csv-import",
      LEPTOS_SITE_ROOT: process.env.LEPTOS_SITE_ROOT ?? path.join(__dirname, "..", "..", "target", "site"),
      LEPTOS_SITE_PKG_DIR: "pkg",
      RUST_LOG: "warn",
    },
    stdio: "ignore",
  });
  const origin = `http://127.0.0.1:${port}`;
  await expect.poll(async () => (await fetch(`${origin}/healthz`).catch(() => null))?.status, { timeout: 30_000 }).toBe(200);
  return { origin, stop: () => server.kill() };
}

// The registration form with a date field added (the template follows it),
// and the form as it was, to put back.
async function addDateField(page: Page, origin: string): Promise<unknown[]> {
  const answer = await page.request.post(`${origin}/api/get_lead_form`, { form: {} });
  expect(answer.ok()).toBeTruthy();
  const form = await answer.json();
  // The fields an admin edits (the Partner ID and Partner User ID columns always follow them).
  const fields: unknown[] = form.fields;
  const withDate = [...fields, { label: "Meeting date", key: "meeting_date", type: "date", required: false, options: [] }];
  const saved = await page.request.post(`${origin}/api/save_lead_form`, { data: { fields: withDate } });
  expect(saved.ok(), await saved.text()).toBeTruthy();
  return fields;
}

test("a 20,000-row file is fixed in the modal with three bulk actions and an undo, then imported", async ({ page }) => {
  test.setTimeout(300_000);
  page.on("dialog", (d) => d.accept());
  const server = await privateServer();
  try {
    await signIn(page, "admin@acme.test", { origin: server.origin });
    await addDateField(page, server.origin);
    await page.getByRole("link", { name: "Partner leads", exact: true }).first().click();
    await page.waitForURL("**/partner-leads");
    await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true");
    const menu = page.locator("details.menu");
    if ((await menu.getAttribute("open")) === null) await menu.locator("summary", { hasText: "Register lead" }).click();
    await page.getByRole("button", { name: "Import CSV", exact: true }).click();
    const dialog = page.getByRole("dialog");
    await page.locator('dialog input[type="file"]').setInputFiles({ name: "export.csv", mimeType: "text/csv", buffer: Buffer.from(bigFile(), "utf8") });
    await dialog.getByRole("button", { name: "Next: review rows" }).click();
    const summary = dialog.locator(".review-summary");
    await expect(summary).toContainText("20,000 rows");
    await expect(summary).toContainText("20,000 with errors");
    const announce = dialog.locator("#review-announce");
    const undo = dialog.getByRole("button", { name: "Undo", exact: true });
    await expect(undo).toBeDisabled();

    // The fixes the errors offer, with their counts.
    const offers = dialog.locator(".fix-offers");
    await expect(offers).toContainText("Phone: 6,666 errors (not a phone number)");
    await expect(offers).toContainText("Meeting date: 20,000 errors (not a date)");
    // Find and replace counts before it replaces.
    await dialog.locator("#find-replace summary").click();
    await dialog.getByLabel("Find", { exact: true }).fill("n/a");
    await dialog.getByLabel("Whole cell").check();
    await expect(dialog.getByRole("button", { name: "Replace 6,666 cells", exact: true })).toBeEnabled();
    await dialog.locator("#find-replace summary").click();

    // 1. The "N/A" phones emptied.
    await offers.getByRole("button", { name: "Empty 6,666 cells", exact: true }).click();
    await expect(announce).toContainText("6,666 cells changed.");
    await expect(offers).not.toContainText("Phone:");
    await expect(summary).toContainText("20,000 with errors");

    // 2. The dates rewritten from DD/MM/YYYY to the field's format.
    await offers.getByRole("button", { name: "Fix 20,000 dates from DD/MM/YYYY to YYYY-MM-DD", exact: true }).click();
    await expect(announce).toContainText("20,000 cells changed. Now 20,000 valid, 0 with errors.");
    await expect(summary).toContainText("0 with errors");
    await expect(dialog.locator('.cell[data-row="1"][data-column="5"]')).toHaveText("2025-02-02");

    // 3. The emails in lower case, a whole column, counted first.
    await dialog.locator("#column-fix summary").click();
    await dialog.locator("#fix-column").selectOption({ label: "Email" });
    await expect(dialog.locator("#fix-action")).toHaveValue("1");
    const lower = dialog.getByRole("button", { name: "Lower-case 20,000 cells", exact: true });
    await expect(lower).toBeEnabled();
    await lower.click();
    await expect(announce).toContainText("20,000 cells changed.");
    const firstEmail = dialog.locator('.cell[data-row="1"][data-column="2"]');
    await expect(firstEmail).toHaveText("lead1@bulk.example");
    await page.screenshot({ path: "screenshots/bulk-fixes-fixed.png" });

    // One undo (Ctrl+Z on the grid), and its redo (the button).
    await firstEmail.click();
    await page.keyboard.press("Control+z");
    await expect(announce).toContainText("Undone: 20,000 cells changed.");
    await expect(firstEmail).toHaveText("Lead1@Bulk.Example");
    const redo = dialog.getByRole("button", { name: "Redo", exact: true });
    await expect(redo).toBeEnabled();
    await redo.click();
    await expect(announce).toContainText("Redone: 20,000 cells changed.");
    await expect(firstEmail).toHaveText("lead1@bulk.example");
    await expect(redo).toBeDisabled();

    // Every row valid: the whole file imports, fixed.
    const importButton = dialog.getByRole("button", { name: "Import 20,000 rows", exact: true });
    await expect(importButton).toBeEnabled();
    await page.screenshot({ path: "screenshots/bulk-fixes-review.png" });
    await importButton.click();
    await expect(dialog.locator('[data-count="inserted"]')).toHaveText("20,000", { timeout: 240_000 });
    await page.screenshot({ path: "screenshots/bulk-fixes-done.png" });
    await dialog.getByRole("button", { name: "Close", exact: true }).click();
    await expect(page.locator('tr[data-lead="lead20000@bulk.example"]')).toBeVisible();
  } finally {
    server.stop();
  }
});

test("rows are filtered, sorted, edited by keyboard, deleted and added, and the import takes the rows as edited", async ({ page }) => {
  await signIn(page, "admin@acme.test");
  await page.goto("/clients");
  await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true");
  await page.getByRole("button", { name: "Import", exact: true }).click();
  const dialog = page.getByRole("dialog");
  const tag = Math.random().toString(36).slice(2, 8);
  const file = [
    "First Name,Last Name,Email,Phone,Company",
    `Zed,One,zed.${tag}@example.com,,A`, // row 1 valid
    `amy,Two,amy.${tag}@example,,B`, // row 2: the email has no domain
    `Bea,Three,bea.${tag}@example.com,N/A,C`, // row 3: not a phone number
    `Cy,Four,cy.${tag}@example.com,,D`, // row 4 valid
  ].join("\n");
  await page.locator('dialog input[type="file"]').setInputFiles({ name: "rows.csv", mimeType: "text/csv", buffer: Buffer.from(file, "utf8") });
  await dialog.getByRole("button", { name: "Next: review rows" }).click();
  const summary = dialog.locator(".review-summary");
  await expect(summary).toContainText("2 with errors");
  const numbers = dialog.locator(".grid-body .grid-row .row-number");
  const cell = (row: number, column: number) => dialog.locator(`.cell[data-row="${row}"][data-column="${column}"]`);

  // Filter by kind of error, then sort by a column (ignoring case), both ways.
  await dialog.getByLabel("Kind of error").selectOption({ label: "not a phone number" });
  await expect(numbers).toHaveText(["3"]);
  await dialog.getByLabel("Kind of error").selectOption({ label: "Any kind" });
  await dialog.getByLabel("Sort by").selectOption({ label: "First Name" });
  await expect(numbers).toHaveText(["2", "3", "4", "1"]);
  await dialog.getByLabel("Sort order").selectOption("desc");
  await expect(numbers).toHaveText(["1", "4", "3", "2"]);
  await dialog.getByLabel("Sort by").selectOption({ label: "File order" });
  await expect(numbers).toHaveText(["1", "2", "3", "4"]);

  // Every cell is reached by the arrow keys and edited with Enter; Ctrl+Z undoes the edit.
  await cell(1, 0).focus();
  await page.keyboard.press("ArrowRight");
  await expect(cell(1, 1)).toBeFocused();
  await page.keyboard.press("ArrowDown");
  await expect(cell(2, 1)).toBeFocused();
  await page.keyboard.press("Enter");
  await dialog.locator(".cell.editing input").fill("Twice");
  await page.keyboard.press("Enter");
  await expect(cell(2, 1)).toHaveText("Twice");
  await cell(2, 1).focus();
  await page.keyboard.press("Control+z");
  await expect(cell(2, 1)).toHaveText("Two");
  // The cell keeps the focus: the keys go on from there.
  await expect(cell(2, 1)).toBeFocused();

  // Rows ticked one by one, by a Shift+click range and by Shift+Space in a cell are deleted together, and that undone.
  const mark = (row: number) => dialog.getByRole("checkbox", { name: `Select row ${row}`, exact: true });
  await mark(1).click();
  await mark(3).click({ modifiers: ["Shift"] });
  await expect(dialog.locator('.grid-row[aria-selected="true"] .row-number')).toHaveText(["1", "2", "3"]);
  await mark(2).click();
  await expect(mark(2)).not.toBeChecked();
  await expect(dialog.getByRole("button", { name: "Delete 2 selected rows", exact: true })).toBeVisible();
  await cell(4, 0).focus();
  await page.keyboard.press("Shift+Space");
  await expect(mark(4)).toBeChecked();
  await page.screenshot({ path: "screenshots/bulk-fixes-rows-selected.png" });
  await dialog.getByRole("button", { name: "Delete 3 selected rows", exact: true }).click();
  await expect(numbers).toHaveText(["2"]);
  await expect(dialog.getByRole("button", { name: "Clear the selection", exact: true })).toHaveCount(0);
  await dialog.getByRole("button", { name: "Undo", exact: true }).click();
  await expect(numbers).toHaveText(["1", "2", "3", "4"]);
  await expect(dialog.locator('.grid-row[aria-selected="true"]')).toHaveCount(0);

  // Every invalid row deleted at once; a row added and typed in; the selected row deleted, and that undone.
  await dialog.getByRole("button", { name: "Delete 2 invalid rows", exact: true }).click();
  await expect(dialog.locator("#review-announce")).toContainText("2 rows deleted. Now 2 valid, 0 with errors.");
  await expect(numbers).toHaveText(["1", "4"]);
  await dialog.getByRole("button", { name: "Add a row", exact: true }).click();
  const editor = dialog.locator(".cell.editing input");
  await expect(editor).toBeFocused();
  await editor.fill("Dee");
  await editor.press("Enter");
  await expect(numbers).toHaveText(["1", "4", "5"]);
  await expect(summary).toContainText("3 valid");
  await cell(4, 0).click();
  await dialog.getByRole("button", { name: "Delete row 4", exact: true }).click();
  await expect(numbers).toHaveText(["1", "5"]);
  await dialog.getByRole("button", { name: "Undo", exact: true }).click();
  await expect(numbers).toHaveText(["1", "4", "5"]);
  await expect(summary).toContainText("3 rows");
  await page.screenshot({ path: "screenshots/bulk-fixes-rows.png" });

  // The import takes the three rows as they are now.
  await dialog.getByRole("button", { name: "Import 3 rows", exact: true }).click();
  await expect(dialog).toBeHidden();
  const note = page.locator(".notification").last();
  await expect(note).toContainText("finished: 3 imported, 0 skipped.");
});
