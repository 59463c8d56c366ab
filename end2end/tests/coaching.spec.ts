import { test, expect, Page } from "@playwright/test";
import { signIn } from "./helpers";

// Seed 000: an admin imports leads and the coaches they may see from the
// Coaches page; unknown users and bad emails are flagged before anything is
// imported; the valid rows import; the page shows each lead's coaches.

async function openCoaches(page: Page) {
  await page.getByRole("link", { name: "Coaches" }).click();
  await page.waitForURL("**/coaches");
  await expect(page.getByRole("heading", { name: "Coaches" })).toBeVisible();
  await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true");
}

async function uploadLeads(page: Page, name: string, text: string) {
  await page.getByRole("button", { name: "Import leads" }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog).toBeVisible();
  await page.locator('dialog input[type="file"]').setInputFiles({ name, mimeType: "text/csv", buffer: Buffer.from(text, "utf8") });
  await dialog.getByRole("button", { name: "Next: review rows" }).click();
  return dialog;
}

// Several coaches per lead, a lead with no coach, one coach who is no user
// of the workspace (row 5) and one malformed email (row 6).
const FILE = [
  "Lead Email,Coach Email",
  "dana.lead@example.com,coach.amy@example.com",
  "Dana.Lead@example.com,coach.ben@example.com",
  "eli.lead@example.com,coach.amy@example.com",
  "eli.lead@example.com,coach.ben@example.com",
  "eli.lead@example.com,coach.ghost@example.com",
  "coach.ben@example.com,amy@@example",
  "coach.ben@example.com,",
].join("\r\n");

test("an admin imports leads and coaches; unknown users and bad emails are flagged", async ({ page }) => {
  const referenceBodies: string[] = [];
  page.on("request", (request) => {
    if (request.url().includes("/api/check_references")) referenceBodies.push(request.postData() ?? "");
  });
  await signIn(page, "admin@acme.test");
  await openCoaches(page);
  await expect(page.locator(".notice")).toContainText("No leads yet");

  const dialog = await uploadLeads(page, "kickup-leads.csv", FILE);
  const cell = (row: number, column: number) => dialog.locator(`.cell[data-row="${row}"][data-column="${column}"]`);
  await expect(cell(5, 1)).toHaveClass(/invalid/);
  await expect(cell(5, 1)).toHaveAttribute("title", /coach\.ghost@example\.com is not a user of this workspace\. Invite them first/);
  await expect(cell(6, 1)).toHaveClass(/invalid/);
  await expect(cell(6, 1)).toHaveAttribute("title", /@/);
  await expect(dialog.locator(".review-summary")).toContainText("5 valid");
  await expect(dialog.locator(".review-summary")).toContainText("2 with errors");
  await cell(5, 1).focus();
  await expect(cell(5, 1).locator(".cell-reason")).toBeVisible();
  await page.screenshot({ path: "screenshots/coaching-review.png" });

  // Only distinct values went to the server, one call per field, never rows.
  expect(referenceBodies.length).toBeGreaterThanOrEqual(2);
  for (const body of referenceBodies) {
    const sent = JSON.parse(body);
    expect(Object.keys(sent).sort()).toEqual(["field", "template", "values"]);
    expect(new Set(sent.values).size).toBe(sent.values.length);
  }
  const leadCall = referenceBodies.map((b) => JSON.parse(b)).find((b) => b.field === "lead_email");
  expect(leadCall.values.sort()).toEqual(["coach.ben@example.com", "dana.lead@example.com", "eli.lead@example.com"]);

  await dialog.getByRole("button", { name: "Import 5 valid rows, skip 2" }).click();
  await expect(dialog.locator(".result-counts")).toBeVisible();
  await expect(dialog.locator('[data-count="inserted"]')).toHaveText("5");
  await expect(dialog.locator('[data-count="skipped"]')).toHaveText("2");
  const skipped = dialog.locator(".skipped-rows");
  await expect(skipped).toContainText("Row 5");
  await expect(skipped).toContainText("coach.ghost@example.com is not a user of this workspace");
  await expect(skipped).toContainText("Row 6");
  await expect(dialog.locator(".result-headline")).toContainText("Imported 5 rows from kickup-leads.csv");
  await page.screenshot({ path: "screenshots/coaching-result.png" });
  await dialog.getByRole("button", { name: "Close", exact: true }).click();
  await expect(dialog).toBeHidden();

  const lead = (email: string) => page.locator(`tr[data-lead="${email}"]`);
  await expect(lead("dana.lead@example.com").locator(".coaches li")).toHaveText([/coach\.amy@example\.com/, /coach\.ben@example\.com/]);
  await expect(lead("eli.lead@example.com").locator(".coaches li")).toHaveText([/coach\.amy@example\.com/, /coach\.ben@example\.com/]);
  await expect(lead("coach.ben@example.com")).toContainText("No coach yet");
  await expect(page.locator("table.coaching")).not.toContainText("coach.ghost");
  await page.screenshot({ path: "screenshots/coaching-page.png" });
  await page.getByRole("searchbox").fill("eli.lead");
  await expect(page.locator("table.coaching tbody tr")).toHaveCount(1);
  await expect(lead("eli.lead@example.com")).toBeVisible();
  await page.getByRole("searchbox").fill("");
  await expect(page.locator("table.coaching tbody tr")).toHaveCount(3);

  // The same file again adds nothing and removes nothing.
  const again = await uploadLeads(page, "kickup-leads.csv", FILE);
  await expect(again.locator(".review-summary")).toContainText("5 valid");
  await again.getByRole("button", { name: "Import 5 valid rows, skip 2" }).click();
  await expect(again.locator('[data-count="unchanged"]')).toHaveText("5");
  await expect(again.locator('[data-count="inserted"]')).toHaveText("0");
  await page.screenshot({ path: "screenshots/coaching-reimport.png" });
  await again.getByRole("button", { name: "Close", exact: true }).click();
  await expect(page.locator("table.coaching tbody tr")).toHaveCount(3);
  await expect(lead("dana.lead@example.com").locator(".coaches li")).toHaveCount(2);
});

test("staff see why they cannot import leads, and the server refuses them too", async ({ page }) => {
  await signIn(page, "staff@acme.test");
  await openCoaches(page);
  const button = page.getByRole("button", { name: "Import leads" });
  await expect(button).toBeDisabled();
  await expect(page.locator("#import-blocked-reason")).toContainText("staff");
  await expect(page.locator("#import-blocked-reason")).toContainText("Manage coaching");
  await page.screenshot({ path: "screenshots/coaching-staff.png" });
  const check = await page.request.post("/api/check_references", {
    data: { template: "coaching-leads", field: "coach_email", values: ["coach.amy@example.com"] },
  });
  expect(check.status()).toBe(403);
  const start = await page.request.post("/api/start_import", {
    data: { import: { template: "coaching-leads", file_name: "x.csv", total_rows: 1, skipped: [] } },
  });
  expect(start.status()).toBe(403);
});

test("checking a coaching file in preview asks the server nothing", async ({ page }) => {
  const calls: string[] = [];
  page.on("request", (request) => {
    if (request.url().includes("/api/check_references")) calls.push(request.url());
  });
  await page.goto("/check");
  await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true");
  await page.locator('button[data-template="coaching-leads"]').click();
  const dialog = page.getByRole("dialog");
  await page.locator('dialog input[type="file"]').setInputFiles({ name: "leads.csv", mimeType: "text/csv", buffer: Buffer.from(FILE, "utf8") });
  await dialog.getByRole("button", { name: "Next: review rows" }).click();
  await expect(dialog.locator("#references-not-checked")).toContainText("not checked in a preview");
  await expect(dialog.locator(".review-summary")).toContainText("6 valid");
  expect(calls).toEqual([]);
});
