import { test, expect, Page } from "@playwright/test";
import { signIn } from "./helpers";
import * as fs from "node:fs";

// Seed 003: staff export the CRM clients, edit the file and import it back:
// rows with an ID update those clients (no duplicates); a file of more than
// 5,000 rows is refused at upload, before anything is sent.

async function openCrm(page: Page) {
  await page.getByRole("link", { name: "CRM clients" }).click();
  await page.waitForURL("**/crm");
  await expect(page.getByRole("heading", { name: "CRM clients" })).toBeVisible();
  await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true");
}

async function upload(page: Page, name: string, text: string) {
  await page.getByRole("button", { name: "Import", exact: true }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog).toBeVisible();
  await page.locator('dialog input[type="file"]').setInputFiles({ name, mimeType: "text/csv", buffer: Buffer.from(text, "utf8") });
  return dialog;
}

test("staff export CRM clients, edit the file and import it back as updates", async ({ page }) => {
  await signIn(page, "staff@acme.test");
  await openCrm(page);
  const rows = page.locator("table.crm tbody tr");
  await expect(rows).toHaveCount(3);
  await page.screenshot({ path: "screenshots/crm-page.png" });

  const downloading = page.waitForEvent("download");
  await page.getByRole("link", { name: "Export" }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(/^crm-clients.*\.csv$/);
  const exported = fs.readFileSync(await download.path(), "utf8").replace(/^\uFEFF/, "");
  const lines = exported.split("\r\n").filter((l) => l !== "");
  expect(lines[0]).toBe("ID,firstName,lastName,middleName,email,username,project,desk,active,type,created");
  expect(lines).toHaveLength(4);
  for (const line of lines.slice(1)) expect(line).toMatch(/^[0-9a-f]{24},/);

  // Edit: John's last name, Emma's email.
  const cells = lines.map((l) => l.split(","));
  const john = cells.findIndex((c) => c[4] === "john.doe@acme-clients.test");
  const emma = cells.findIndex((c) => c[4] === "emma.smith@acme-clients.test");
  cells[john][2] = "Doe-Smith";
  cells[emma][4] = "emma.jones@acme-clients.test";
  const edited = cells.map((c) => c.join(",")).join("\r\n") + "\r\n";

  const dialog = await upload(page, "crm-clients-edited.csv", edited);
  await dialog.getByRole("button", { name: "Next: review rows" }).click();
  await expect(dialog.locator(".review-summary")).toContainText("3 valid");
  await dialog.getByRole("button", { name: "Import 3 rows" }).click();
  await expect(dialog.locator(".result-counts")).toBeVisible();
  await expect(dialog.locator('[data-count="updated"]')).toHaveText("2");
  await expect(dialog.locator('[data-count="inserted"]')).toHaveText("0");
  await expect(dialog.locator('[data-count="unchanged"]')).toHaveText("1");
  await expect(dialog.locator(".result-headline")).toContainText("2 records updated, 0 added");
  await page.screenshot({ path: "screenshots/crm-result.png" });
  await dialog.getByRole("button", { name: "Close", exact: true }).click();
  await expect(dialog).toBeHidden();

  await expect(page.locator("p.success[role=status]")).toContainText("2 clients updated, 0 added");
  await expect(rows).toHaveCount(3);
  await expect(page.locator('tr[data-email="john.doe@acme-clients.test"] .client-name')).toHaveText("John Doe-Smith");
  await expect(page.locator('tr[data-email="emma.jones@acme-clients.test"]')).toBeVisible();
  await expect(page.locator('tr[data-email="emma.smith@acme-clients.test"]')).toHaveCount(0);
  await page.screenshot({ path: "screenshots/crm-updated.png" });
});

test("a file of 5,001 rows is refused at upload, and no row is sent", async ({ page }) => {
  const sent: string[] = [];
  page.on("request", (request) => {
    const url = request.url();
    if (/\/api\/(start_import|commit_batch|check_references)/.test(url)) sent.push(url);
  });
  await signIn(page, "staff@acme.test");
  await openCrm(page);
  const lines = ["ID,firstName,lastName,middleName,email,username,project,desk,active,type,created"];
  for (let i = 1; i <= 5001; i++) lines.push(`,First${i},Last${i},,client${i}@example.com,,,,,,`);
  const dialog = await upload(page, "too-many.csv", lines.join("\r\n"));
  const alert = dialog.getByRole("alert");
  await expect(alert).toContainText("5001 rows");
  await expect(alert).toContainText("at most 5000");
  await expect(dialog.getByRole("button", { name: "Next: review rows" })).toHaveCount(0);
  await page.screenshot({ path: "screenshots/crm-too-many.png" });
  expect(sent).toEqual([]);
});
