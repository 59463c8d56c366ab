import { test, expect, Page } from "@playwright/test";
import * as fs from "node:fs";
import * as path from "node:path";
import { signIn } from "./helpers";

// Workbooks in the modal: an .xlsx written by LibreOffice
// (core/tests/fixtures/workbooks/make_workbooks.py) with two sheets, the
// clients under a title, an export date and a blank row. The user picks
// the sheet, sees the header row found, maps, reviews and imports.

const workbook = (name: string) =>
  fs.readFileSync(path.join(__dirname, "..", "..", "core", "tests", "fixtures", "workbooks", name));

async function openImport(page: Page) {
  await page.goto("/clients");
  await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true");
  await page.getByRole("button", { name: "Import", exact: true }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog).toBeVisible();
  return dialog;
}

test("a two-sheet workbook: choose the sheet, see the header found, map, review, import", async ({ page }) => {
  await signIn(page, "admin@acme.test");
  const dialog = await openImport(page);
  await page.locator('dialog input[type="file"]').setInputFiles({
    name: "clients.xlsx",
    mimeType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    buffer: workbook("clients.xlsx"),
  });

  // Which sheet? Each with its rows and first values.
  const choice = dialog.locator("#sheet-choice");
  await expect(choice).toBeVisible();
  await expect(choice.locator("legend")).toHaveText("clients.xlsx has several sheets. Which one holds the rows to import?");
  const options = choice.locator(".sheet-option");
  await expect(options).toHaveCount(2);
  await expect(options.nth(0)).toContainText("Notes");
  await expect(options.nth(0)).toContainText("1 row");
  await expect(options.nth(1)).toContainText("Clients");
  await expect(options.nth(1)).toContainText("6 rows");
  await expect(options.nth(1)).toContainText("starts with Clients export");
  await expect(dialog.locator(".steps li.current")).toContainText("Upload");
  // The sheet with the rows is chosen already, not the notes before it.
  await expect(dialog.getByRole("radio", { name: /Clients/ })).toBeChecked();
  await page.screenshot({ path: "screenshots/workbook-1-sheets.png" });
  await dialog.getByRole("button", { name: "Use this sheet" }).click();

  // The header found on row 4, the title and date above it ignored.
  await expect(dialog.locator(".steps li.current")).toContainText("Map columns");
  const header = dialog.getByLabel("Header row");
  await expect(header).toHaveValue("4");
  await expect(header.locator("option:checked")).toHaveText(/^Row 4: First Name · Last Name · Email/);
  await expect(dialog.locator("#rows-above")).toHaveText("2 rows above the header are ignored.");
  await expect(dialog.getByLabel("Sheet")).toHaveValue("Clients");
  // No encoding or delimiter for a workbook.
  await expect(dialog.getByText("Encoding")).toHaveCount(0);
  await expect(dialog.getByRole("combobox", { name: "Email" })).toHaveValue("email");
  await page.screenshot({ path: "screenshots/workbook-2-mapping.png" });

  // Another header row: the title names no field; back to row 4.
  await header.selectOption("1");
  await expect(dialog.locator("#mapping-problems")).toContainText("First Name");
  await expect(dialog.getByRole("button", { name: "Next: review rows" })).toBeDisabled();
  await dialog.getByLabel("Header row").selectOption("4");
  await expect(dialog.locator("#mapping-problems")).toHaveCount(0);
  await expect(dialog.getByRole("combobox", { name: "Email" })).toHaveValue("email");

  await dialog.getByRole("button", { name: "Next: review rows" }).click();
  await expect(dialog.locator(".review-summary")).toContainText("3 valid");
  await expect(dialog.locator(".review-summary")).toContainText("1 ");
  // The #N/A cell: a clear reason on the cell.
  const bad = dialog.locator(".cell.invalid").first();
  await expect(bad).toContainText("#N/A");
  await bad.focus();
  await expect(page.locator(".cell-reason, .value-bar, [role=tooltip]").filter({ hasText: "spreadsheet error" }).first()).toBeVisible();
  // Rows are numbered as the spreadsheet numbers them.
  await expect(dialog.locator(".grid-row.has-errors .row-number")).toHaveText("7");
  await expect(dialog.locator("#value-bar")).toContainText("Row 7, Email");
  await page.screenshot({ path: "screenshots/workbook-3-review.png" });

  await dialog.getByRole("button", { name: /^Import \d+/ }).click();
  await expect(dialog).toBeHidden();
  // This import's notice (another spec's background import may finish meanwhile).
  const note = page.locator(".notification").filter({ hasText: "Import of clients.xlsx finished" });
  await expect(note).toContainText(/Import of clients\.xlsx finished: 3 imported, 1 skipped\./);
  await page.screenshot({ path: "screenshots/workbook-4-done.png" });
  // The history's error report names the row as the review did.
  const report = await page.request.get(`/imports/${await note.getAttribute("data-import")}/errors.csv`);
  expect(report.status()).toBe(200);
  const lines = (await report.text()).replace(/^\uFEFF/, "").trim().split("\r\n");
  expect(lines).toHaveLength(2);
  expect(lines[1]).toMatch(/^7,.*spreadsheet error/);
  await page.getByRole("searchbox").fill("dee@example.com");
  await expect(page.locator("table.records")).toContainText("Initech");
});

test("a workbook with one sheet goes straight to the mapping", async ({ page }) => {
  await signIn(page, "admin@acme.test");
  await page.goto("/clients");
  // The Clients template, but the accounts workbook has one sheet: no choice asked.
  const dialog = await openImport(page);
  await page.locator('dialog input[type="file"]').setInputFiles({
    name: "accounts.xlsx",
    mimeType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    buffer: workbook("accounts.xlsx"),
  });
  await expect(dialog.locator(".steps li.current")).toContainText("Map columns");
  await expect(dialog.locator("#sheet-choice")).toHaveCount(0);
  await expect(dialog.getByLabel("Header row")).toHaveValue("1");
});

test("a CSV with a title above its header: the header row found and the rows above said to be ignored", async ({ page }) => {
  await signIn(page, "admin@acme.test");
  const dialog = await openImport(page);
  const file = ["Clients of March", "Exported 2024-03-05", "", "First Name;Email", "Ann;ann.title@example.com", "Bob;bob@"].join("\r\n");
  await page.locator('dialog input[type="file"]').setInputFiles({ name: "titled.csv", mimeType: "text/csv", buffer: Buffer.from(file) });
  await expect(dialog.locator(".steps li.current")).toContainText("Map columns");
  const header = dialog.getByLabel("Header row");
  await expect(header).toHaveValue("4");
  await expect(dialog.locator("#rows-above")).toHaveText("2 rows above the header are ignored.");
  // A text file keeps its encoding and delimiter choices; no sheet.
  await expect(dialog.getByLabel("Delimiter")).toBeVisible();
  await expect(dialog.getByLabel("Sheet")).toHaveCount(0);
  await page.screenshot({ path: "screenshots/workbook-5-csv-title.png" });
  await dialog.getByRole("button", { name: "Next: review rows" }).click();
  await expect(dialog.locator(".review-summary")).toContainText("1 valid");
  // Lines stay those of the file: Bob is on line 6, data row 2.
  await expect(dialog.locator(".grid-row.has-errors .row-number")).toHaveText("2");
});
