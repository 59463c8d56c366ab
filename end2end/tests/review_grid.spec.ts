import { test, expect, Locator, Page } from "@playwright/test";
import { escapeAsksBeforeClosing, signIn } from "./helpers";

// The review grid for values longer than a column: the value bar above the
// grid shows the selected cell's full value (masked for passwords), and
// columns are resized by dragging a handle, by the arrow keys on it, or
// fitted to their widest value by a double click. Counts agree with their
// number ("1 record updated", "Import 1 row").

async function openImport(page: Page, path: string, button: string, name: string, text: string) {
  await page.goto(path);
  await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true");
  await page.getByRole("button", { name: button, exact: true }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog).toBeVisible();
  await page.locator('dialog input[type="file"]').setInputFiles({ name, mimeType: "text/csv", buffer: Buffer.from(text, "utf8") });
  await dialog.getByRole("button", { name: "Next: review rows" }).click();
  await expect(dialog.locator(".review-summary")).toBeVisible();
  return dialog;
}

// Whether a cell's text is cut (wider than the cell shows).
async function isCut(cell: Locator) {
  return cell.locator(".cell-text").evaluate((e) => e.scrollWidth > e.clientWidth);
}

async function headerWidth(dialog: Locator, column: number) {
  return dialog.locator(`.grid-head .cell[data-column="${column}"]`).evaluate((e) => e.getBoundingClientRect().width);
}

const LONG = "jose.munoz.mx7a7j.regional-sales-office.monterrey@example-distribution-partners.com.mx";

test("the value bar shows a cut value in full, and columns resize by drag, keys and double click", async ({ page }) => {
  await signIn(page, "admin@acme.test");
  const file = ["First Name,Last Name,Email,Phone,Company", `José,Muñoz,${LONG},,Northwind`, "Ann,Lee,ann.grid@example.com,,"].join("\r\n");
  const dialog = await openImport(page, "/clients", "Import", "long.csv", file);
  const cell = (row: number, column: number) => dialog.locator(`.cell[data-row="${row}"][data-column="${column}"]`);
  const bar = dialog.locator("#value-bar");
  await expect(bar).toContainText("Select a cell to see its full value here.");
  await expect(cell(1, 2)).toBeVisible();
  expect(await isCut(cell(1, 2))).toBe(true);

  // A click selects the cell: the bar names it and shows all of it.
  await cell(1, 2).click();
  await expect(bar.locator(".value-bar-place")).toHaveText("Row 1, Email");
  await expect(bar.locator("output")).toHaveText(LONG);
  await page.screenshot({ path: "screenshots/grid-value-bar.png" });

  // Keyboard: the handle is focusable; the arrow keys move the column's edge.
  const handle = dialog.getByRole("separator", { name: /^Resize column Email/ });
  await expect(handle).toHaveAttribute("tabindex", "0");
  const before = await headerWidth(dialog, 2);
  await handle.focus();
  await page.keyboard.press("ArrowRight");
  await page.keyboard.press("ArrowRight");
  await expect.poll(() => headerWidth(dialog, 2)).toBeGreaterThan(before + 30);
  await expect(handle).toHaveAttribute("aria-valuenow", String(Math.round(before + 32)));
  await page.keyboard.press("ArrowLeft");
  await expect(handle).toHaveAttribute("aria-valuenow", String(Math.round(before + 16)));

  // Double click: as wide as the widest value in view; nothing is cut.
  await handle.dblclick();
  await expect.poll(() => isCut(cell(1, 2))).toBe(false);
  // The rows follow the header's columns.
  const [head, body] = await Promise.all([
    headerWidth(dialog, 2),
    cell(1, 2).evaluate((e) => e.getBoundingClientRect().width),
  ]);
  expect(Math.abs(head - body)).toBeLessThan(1.5);
  // A column of short values fits narrower than it was: Phone has none, so its header decides.
  const phone = await headerWidth(dialog, 3);
  await dialog.getByRole("separator", { name: /^Resize column Phone/ }).dblclick();
  await expect.poll(() => headerWidth(dialog, 3)).toBeLessThan(phone - 40);
  expect(await dialog.locator('.grid-head .cell[data-column="3"] .head-name').evaluate((e) => e.scrollWidth <= e.clientWidth)).toBe(true);
  await dialog.locator(".grid").evaluate((e) => (e.scrollLeft = 0));
  await page.screenshot({ path: "screenshots/grid-column-fitted.png" });

  // Drag: the edge follows the pointer.
  const fitted = await headerWidth(dialog, 2);
  const box = (await handle.boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width / 2 - 150, box.y + box.height / 2, { steps: 5 });
  await page.mouse.up();
  await expect.poll(() => headerWidth(dialog, 2)).toBeLessThan(fitted - 140);
  expect(await isCut(cell(1, 2))).toBe(true);

  // Editing: the bar shows what is typed, marked as being edited.
  await cell(2, 2).dblclick();
  const input = dialog.getByLabel("Row 2, Email");
  await input.fill("ann.lee.with.a.much.longer.address@example.com");
  await expect(bar.locator(".value-bar-place")).toHaveText("Row 2, Email");
  await expect(bar.locator("output")).toHaveText("ann.lee.with.a.much.longer.address@example.com");
  await expect(bar).toContainText("editing");
  await page.screenshot({ path: "screenshots/grid-value-bar-editing.png" });
  await input.press("Enter");
  await expect(bar).not.toContainText("editing");
  await expect(bar.locator("output")).toHaveText("ann.lee.with.a.much.longer.address@example.com");

  // Left with Escape or Tab, the editor gives the focus back to its cell,
  // not to the page: the keyboard goes on from there.
  for (const key of ["Escape", "Tab"]) {
    await cell(2, 1).focus();
    await page.keyboard.press("Enter");
    await expect(dialog.getByLabel("Row 2, Last Name")).toBeFocused();
    await page.keyboard.press(key);
    await expect(cell(2, 1)).toBeFocused();
  }
  await escapeAsksBeforeClosing(page);
});

test("the value bar masks passwords as the grid does", async ({ page }) => {
  await signIn(page, "admin@acme.test");
  const file = [
    "email_address,initial_password,first_name,last_name,birthdate,gender,tag,external_id",
    "mask.test@example.com,Secret#Pass1915,Mask,Test,19800101,female,,EXT-MASK",
  ].join("\r\n");
  const dialog = await openImport(page, "/accounts", "Import clients", "accounts.csv", file);
  const password = dialog.locator('.cell[data-row="1"][data-column="1"]');
  await password.click();
  await expect(dialog.locator("#value-bar .value-bar-place")).toHaveText("Row 1, initial_password");
  await expect(dialog.locator("#value-bar output")).toHaveText("••••••••");
  await expect(dialog).not.toContainText("Secret#Pass1915");
});

test("counts of one are singular: Import 1 row, 1 record updated", async ({ page }) => {
  await signIn(page, "staff@acme.test");
  const file = ["firstName,lastName,email", "Michael,Browne,michael.brown@acme-clients.test"].join("\r\n");
  const dialog = await openImport(page, "/crm", "Import", "one.csv", file);
  await expect(dialog.locator(".review-summary")).toContainText("1 row");
  await expect(dialog.locator(".review-summary")).not.toContainText("1 rows");
  await dialog.getByRole("button", { name: "Import 1 row", exact: true }).click();
  await expect(dialog.locator('[data-count="updated"]')).toHaveText("1");
  await expect(dialog.locator(".result-headline")).toHaveText("1 record updated, 0 added, 0 unchanged from one.csv.");
  await page.screenshot({ path: "screenshots/crm-one-updated.png" });
});

test("quick key presses are not lost while the grid draws the rows they go to", async ({ page }) => {
  await signIn(page, "admin@acme.test");
  // Every 50th row has a broken email: each Tab jumps past the rows drawn.
  const lines = ["First Name,Last Name,Email,Phone,Company"];
  for (let i = 1; i <= 1000; i++) lines.push(`Quick,Key${i},${i % 50 === 0 ? `quick${i}@example` : `quick${i}@example.com`},,`);
  const dialog = await openImport(page, "/clients", "Import", "quick.csv", lines.join("\r\n"));
  const cell = (row: number, column: number) => dialog.locator(`.cell[data-row="${row}"][data-column="${column}"]`);
  await expect(dialog.locator(".review-summary")).toContainText("20 with errors");

  // Six presses in a row, none waiting for the rows to be drawn.
  await dialog.locator(".grid").evaluate((el) => (el.scrollTop = 47 * 36));
  await cell(50, 2).focus();
  for (let i = 0; i < 6; i++) await page.keyboard.press("Tab");
  await expect(dialog.locator(".cell.invalid:focus")).toHaveAttribute("data-row", "350");
  await expect(dialog.locator("#value-bar .value-bar-place")).toHaveText("Row 350, Email");

  // The arrow keys, as quick, from the first row: each press moves one row.
  await dialog.locator(".grid").evaluate((el) => (el.scrollTop = 0));
  await cell(1, 1).click();
  for (let i = 0; i < 30; i++) await page.keyboard.press("ArrowDown");
  await page.keyboard.press("ArrowRight");
  await expect(dialog.locator(".cell:focus")).toHaveAttribute("data-row", "31");
  await expect(dialog.locator(".cell:focus")).toHaveAttribute("data-column", "2");
});
