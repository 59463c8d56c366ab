import { test, expect, Locator, Page } from "@playwright/test";
import { signIn } from "./helpers";

// The import modal, end to end: sign in, open a list page, import a file,
// see the result and the records. Every step is photographed for review.

async function openImport(page: Page, path = "/clients") {
  if (!page.url().endsWith(path)) {
    await page.goto(path);
    await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true");
  }
  await page.getByRole("button", { name: "Import", exact: true }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog).toBeVisible();
  return dialog;
}

async function upload(page: Page, name: string, content: string | Buffer) {
  const buffer = typeof content === "string" ? Buffer.from(content, "utf8") : content;
  await page.locator('dialog input[type="file"]').setInputFiles({ name, mimeType: "text/csv", buffer });
}

// Clients import in the background (seed 004): the modal closes with
// "Import started", and a notification in the top bar says when the job is
// done. Returns that notification.
async function importValidRows(page: Page) {
  const dialog = page.getByRole("dialog");
  const before = await page.locator(".notification").count();
  await dialog.getByRole("button", { name: /^Import \d+/ }).click();
  await expect(dialog).toBeHidden();
  // The page says it started, then, once it ended (maybe at once), how.
  await expect(page.getByRole("status").filter({ hasText: /^Import (started\. Records will appear in the system shortly\.|finished: \d+ inserted)/ })).toBeVisible();
  const note = page.locator(".notification").nth(before);
  await expect(note).toContainText(/finished: \d+ imported, \d+ skipped\./);
  return note;
}

// A count of the finished import, as its notification carries it.
async function count(note: Locator, name: string) {
  return note.getAttribute(`data-${name}`);
}

// The skipped rows and their reasons: the import's error report (CSV).
async function errorReport(page: Page, note: Locator) {
  const id = await note.getAttribute("data-import");
  const response = await page.request.get(`/imports/${id}/errors.csv`);
  expect(response.status()).toBe(200);
  return await response.text();
}

const unique = () => Math.random().toString(36).slice(2, 8);

test("happy path: import the sample file and see the records", async ({ page }) => {
  await signIn(page, "admin@acme.test");
  const dialog = await openImport(page);
  await page.screenshot({ path: "screenshots/step1-upload.png" });
  const tag = unique();
  const file = [
    "First Name,Last Name,Email,Phone,Company",
    `Ann,Lee,ann.${tag}@example.com,+1 415 555 0101,Northwind`,
    `Bruno,Díaz,bruno.${tag}@example.es,+34 912 345 678,Contoso Ibérica`,
    `Chloé,Martin,chloe.${tag}@example.fr,,`,
  ].join("\r\n");
  await upload(page, "clients.csv", file);
  await expect(dialog.getByRole("table")).toBeVisible();
  await expect(dialog.locator(".steps li.current")).toContainText("Map columns");
  await page.screenshot({ path: "screenshots/step2-mapping.png" });
  await dialog.getByRole("button", { name: "Next: review rows" }).click();
  await expect(dialog.locator(".review-summary")).toContainText("3 valid");
  await page.screenshot({ path: "screenshots/step3-review.png" });
  const note = await importValidRows(page);
  expect(await count(note, "inserted")).toBe("3");
  expect(await count(note, "skipped")).toBe("0");
  await expect(note).toContainText("Import of clients.csv finished: 3 imported, 0 skipped.");
  await page.screenshot({ path: "screenshots/step5-result.png" });
  await page.getByRole("searchbox").fill(tag);
  await expect(page.locator("table.records tbody tr")).toHaveCount(3);
  await expect(page.locator("table.records")).toContainText("Chloé");
});

test("errors are flagged by cell; a fixed cell is checked again; valid rows import", async ({ page }) => {
  await signIn(page, "admin@acme.test");
  const dialog = await openImport(page);
  const tag = unique();
  const file = [
    "First Name,Last Name,Email,Phone,Company",
    `Ann,Lee,ann.${tag}@example.com,,Northwind`, // row 1 valid
    `Bob,Ray,bob.${tag}@example,,`, // row 2 bad email
    `Ann,Twice,ANN.${tag}@example.com,,`, // row 3 duplicate of row 1
    `=HYPERLINK("x"),Evil,eve.${tag}@example.com,,`, // row 4 formula
    `,Nameless,nobody.${tag}@example.com,,`, // row 5 missing required first name
    `Dan,Ok,dan.${tag}@example.com,,`, // row 6 valid
  ].join("\n");
  await upload(page, "errors.csv", file);
  await dialog.getByRole("button", { name: "Next: review rows" }).click();
  await expect(dialog.locator(".review-summary")).toContainText("2 valid");
  await expect(dialog.locator(".review-summary")).toContainText("4 with errors");

  const cell = (row: number, column: number) => dialog.locator(`.cell[data-row="${row}"][data-column="${column}"]`);
  await expect(cell(2, 2)).toHaveClass(/invalid/);
  await expect(cell(2, 2)).toHaveAttribute("title", /domain/);
  await expect(cell(3, 2)).toHaveAttribute("title", /Same Email as row 1/);
  await expect(cell(4, 0)).toHaveAttribute("title", /formula/);
  await expect(cell(5, 0)).toHaveAttribute("title", /required/);
  // The reason shows on keyboard focus too.
  await cell(2, 2).focus();
  await expect(cell(2, 2).locator(".cell-reason")).toBeVisible();
  await page.screenshot({ path: "screenshots/step3-review-errors.png" });

  // Fix row 2's email in place.
  await cell(2, 2).press("Enter");
  const editor = dialog.locator(".cell.editing input");
  await editor.fill(`bob.${tag}@example.com`);
  await editor.press("Enter");
  await expect(cell(2, 2)).not.toHaveClass(/invalid/);
  await expect(dialog.locator(".review-summary")).toContainText("3 valid");

  // Only rows with errors.
  await dialog.getByLabel("Show only rows with errors").check();
  await expect(dialog.locator(".grid-body .grid-row")).toHaveCount(3);

  const note = await importValidRows(page);
  expect(await count(note, "inserted")).toBe("3");
  expect(await count(note, "skipped")).toBe("3");
  const skipped = await errorReport(page, note);
  expect(skipped).toMatch(/^3,/m);
  expect(skipped).toMatch(/^4,/m);
  expect(skipped).toMatch(/^5,/m);
  expect(skipped).toContain("formula");
});

test("importing the same file again updates instead of duplicating", async ({ page }) => {
  await signIn(page, "admin@acme.test");
  const tag = unique();
  const first = `First Name,Email,Phone\nRita,rita.${tag}@example.com,+1 202 555 0100\nSam,sam.${tag}@example.com,\n`;
  let dialog = await openImport(page);
  await upload(page, "again.csv", first);
  await dialog.getByRole("button", { name: "Next: review rows" }).click();
  const firstNote = await importValidRows(page);
  expect(await count(firstNote, "inserted")).toBe("2");

  const second = `First Name,Email,Phone\nRita,rita.${tag}@example.com,+1 202 555 0199\nSam,sam.${tag}@example.com,\n`;
  dialog = await openImport(page);
  await upload(page, "again.csv", second);
  await dialog.getByRole("button", { name: "Next: review rows" }).click();
  const note = await importValidRows(page);
  expect(await count(note, "inserted")).toBe("0");
  expect(await count(note, "updated")).toBe("1");
  expect(await count(note, "unchanged")).toBe("1");
  await page.getByRole("searchbox").fill(tag);
  await expect(page.locator("table.records tbody tr")).toHaveCount(2);
  await expect(page.locator("table.records")).toContainText("0199");
});

test("other header names, order and an extra column map; a changed mapping is honoured", async ({ page }) => {
  await signIn(page, "admin@acme.test");
  const dialog = await openImport(page);
  const tag = unique();
  const file = `E-mail Address;Surname;Given Name;Favourite colour;Organisation\nkim.${tag}@example.com;Park;Kim;green;Initech\n`;
  await upload(page, "crm-export.csv", file);
  const row = (header: string) => dialog.locator("table.mapping tr", { has: page.locator(`th:text-is("${header}")`) });
  await expect(row("E-mail Address").locator("select")).toHaveValue("email");
  await expect(row("Surname").locator("select")).toHaveValue("last_name");
  await expect(row("Given Name").locator("select")).toHaveValue("first_name");
  await expect(row("Favourite colour").locator("select")).toHaveValue("");
  await expect(row("Organisation").locator("select")).toHaveValue("company");
  // The user decides the colour is the company after all.
  await row("Organisation").locator("select").selectOption("");
  await row("Favourite colour").locator("select").selectOption("company");
  await dialog.getByRole("button", { name: "Next: review rows" }).click();
  const note = await importValidRows(page);
  expect(await count(note, "inserted")).toBe("1");
  await page.getByRole("searchbox").fill(tag);
  await expect(page.locator("table.records tbody tr")).toHaveCount(1);
  await expect(page.locator("table.records")).toContainText("green");
  await expect(page.locator("table.records")).not.toContainText("Initech");
});

test("a Windows-1252 semicolon export imports with its accents intact", async ({ page }) => {
  await signIn(page, "admin@acme.test");
  const dialog = await openImport(page);
  const tag = unique();
  const text = `Prénom;Nom;Email;Société\r\nZoé;Müller;zoe.${tag}@example.fr;Crème Brûlée SARL\r\nJosé;Nuñez;jose.${tag}@example.es;Señor Café\r\n`;
  await upload(page, "excel.csv", Buffer.from(text, "latin1"));
  await expect(dialog.locator(".file-settings")).toContainText("windows-1252");
  await expect(dialog.locator(".file-settings")).toContainText("semicolon");
  // French headers map by their French synonyms, with no manual step.
  const row = (header: string) => dialog.locator("table.mapping tr", { has: page.locator(`th:text-is("${header}")`) });
  await expect(row("Prénom").locator("select")).toHaveValue("first_name");
  await expect(row("Nom").locator("select")).toHaveValue("last_name");
  await expect(row("Société").locator("select")).toHaveValue("company");
  await expect(dialog.locator("#mapping-problems")).toHaveCount(0);
  await dialog.getByRole("button", { name: "Next: review rows" }).click();
  const note = await importValidRows(page);
  expect(await count(note, "inserted")).toBe("2");
  await page.getByRole("searchbox").fill(tag);
  await expect(page.locator("table.records")).toContainText("Zoé");
  await expect(page.locator("table.records")).toContainText("Müller");
  await expect(page.locator("table.records")).toContainText("Crème Brûlée SARL");
});

test("a header row whose quote never closes sends the user back to the file with the line to fix", async ({ page }) => {
  await signIn(page, "admin@acme.test");
  const dialog = await openImport(page);
  await upload(page, "broken-header.csv", 'First Name,"Last Name,Email\nAda,Lovelace,ada@example.com\n');
  const alert = dialog.getByRole("alert");
  await expect(alert).toContainText(/quote/i);
  await expect(alert).toContainText(/line 1/i);
  // Still on the first step: nothing to map until the file is fixed.
  await expect(dialog.locator('input[type="file"]')).toBeAttached();
  await expect(dialog.locator("table.mapping")).toHaveCount(0);
});

test("preview mode sends no row data", async ({ page }) => {
  const bodies: string[] = [];
  page.on("request", (request) => {
    const body = request.postData();
    if (body) bodies.push(`${request.url()} ${body}`);
  });
  await page.goto("/check");
  await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true");
  await page.locator('button[data-template="clients"]').click();
  const dialog = page.getByRole("dialog");
  const secret = `secret-${unique()}`;
  await upload(page, "private.csv", `First Name,Email\n${secret},${secret}@example.com\nbad,not-an-email\n`);
  await dialog.getByRole("button", { name: "Next: review rows" }).click();
  await expect(dialog.locator(".review-summary")).toContainText("1 with errors");
  await expect(dialog.getByRole("button", { name: /^Import/ })).toHaveCount(0);
  await expect(dialog).toContainText("nothing of this file was sent");
  for (const body of bodies) expect(body).not.toContain(secret);
});

test("a viewer cannot import, in the page or by calling the server", async ({ page }) => {
  await signIn(page, "viewer@acme.test");
  const button = page.getByRole("button", { name: "Import", exact: true });
  await expect(button).toBeDisabled();
  await expect(page.locator("#import-blocked-reason")).toContainText("viewer");
  // The server function is a public endpoint: calling it directly is refused too.
  const response = await page.request.post("/api/start_import", {
    data: { import: { template: "clients", file_name: "x.csv", total_rows: 1, skipped: [] } },
  });
  expect(response.status()).toBe(403);
  const batch = await page.request.post("/api/commit_batch", {
    data: { batch: { import_id: "not-mine", seq: 0, rows: [] } },
  });
  expect([403, 404]).toContain(batch.status());
});

test("the sign-in page lists the demo accounts and refuses a wrong password", async ({ page }) => {
  await page.goto("/sign-in");
  await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true");
  await expect(page.locator(".demo-accounts")).toContainText("viewer@acme.test");
  await page.getByLabel("Email").fill("admin@acme.test");
  await page.getByLabel("Password").fill("wrong");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert")).toContainText("Email or password is wrong");
  await page.screenshot({ path: "screenshots/sign-in.png" });
});
