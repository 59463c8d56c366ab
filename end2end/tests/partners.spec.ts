import { test, expect, Page } from "@playwright/test";
import { signIn } from "./helpers";
import * as fs from "node:fs";

// Seed 001: partner leads. An admin finds the Partner ID and the Partner
// User IDs on the Partners page, registers leads with "Register lead" →
// "Import CSV"; a file with any invalid row is rejected whole with every
// error shown at once; a lead already registered is a warning the user
// decides on; imported leads wait as Pending until an admin approves or
// rejects them. A partner's user finds their team's IDs under Team members
// and imports for their own partner only. The registration form decides
// the import's columns.

async function openPartnerLeads(page: Page) {
  await page.getByRole("link", { name: "Partner leads", exact: true }).first().click();
  await page.waitForURL("**/partner-leads");
  await expect(page.getByRole("heading", { name: "Partner leads" })).toBeVisible();
  await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true");
}

async function openRegisterMenu(page: Page) {
  const menu = page.locator("details.menu");
  if ((await menu.getAttribute("open")) === null) await menu.locator("summary", { hasText: "Register lead" }).click();
}

async function importCsv(page: Page, name: string, text: string) {
  await openRegisterMenu(page);
  await page.getByRole("button", { name: "Import CSV", exact: true }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog).toBeVisible();
  await page.locator('dialog input[type="file"]').setInputFiles({ name, mimeType: "text/csv", buffer: Buffer.from(text, "utf8") });
  await dialog.getByRole("button", { name: "Next: review rows" }).click();
  await expect(dialog.locator(".review-summary")).toBeVisible();
  return dialog;
}

const HEADER = "First Name,Last Name,Email,Company,Phone,Partner ID,Partner User ID";

// Row 2 names a user of another partner, row 3 has no email, row 4 is a
// lead registered already (a warning, not an error), row 5 an unknown partner.
const WITH_ERRORS = [
  HEADER,
  "Ada,Lovelace,ada.lovelace@analytical.example,Analytical Engines,+44 20 7946 0011,P-1001,PU-2001",
  "Alan,Turing,alan.turing@bletchley.example,Bletchley Labs,+44 20 7946 0958,P-1001,PU-2003",
  "Grace,Hopper,,Cobol Systems,+1 202 555 0143,P-1001,PU-2002",
  "Linus,Torvalds,linus.t@example.net,Kernel Works,,P-1001,PU-2002",
  "Katherine,Johnson,katherine.johnson@langley.example,Langley Research,,P-9999,PU-2001",
].join("\r\n");

const FIXED = [
  HEADER,
  "Ada,Lovelace,ada.lovelace@analytical.example,Analytical Engines,+44 20 7946 0011,P-1001,PU-2001",
  "Alan,Turing,alan.turing@bletchley.example,Bletchley Labs,+44 20 7946 0958,P-1002,PU-2003",
  "Grace,Hopper,grace.hopper@cobol.example,Cobol Systems,+1 202 555 0143,P-1001,PU-2002",
  "Linus,Torvalds,linus.t@example.net,Kernel Works,,P-1001,PU-2002",
  "Katherine,Johnson,katherine.johnson@langley.example,Langley Research,,P-1001,PU-2001",
].join("\r\n");

test("an admin finds the IDs, a file with errors is rejected whole, the fixed file imports as Pending and is reviewed", async ({ page }) => {
  page.on("dialog", (d) => d.accept());
  const pairBodies: string[] = [];
  page.on("request", (request) => {
    if (request.url().includes("/api/check_combinations")) pairBodies.push(request.postData() ?? "");
  });
  await signIn(page, "admin@acme.test");

  // Partners tab → the partner → its ID, and its users' IDs at the bottom.
  await page.getByRole("link", { name: "Partners", exact: true }).click();
  await page.waitForURL("**/partners");
  await expect(page.locator('tr[data-partner="P-1001"]')).toContainText("Northwind Partners");
  await expect(page.locator('tr[data-partner="P-1001"] code.id')).toHaveText("P-1001");
  await page.screenshot({ path: "screenshots/partners-list.png" });
  await page.getByRole("link", { name: "Northwind Partners" }).click();
  await page.waitForURL("**/partners/P-1001");
  await expect(page.locator("#partner-id")).toHaveText("P-1001");
  await expect(page.getByRole("heading", { name: "Partner users" })).toBeVisible();
  await expect(page.locator('tr[data-partner-user="PU-2001"]')).toContainText("Nora North");
  await expect(page.locator('tr[data-partner-user="PU-2002"]')).toContainText("Omar Ortiz");
  await page.screenshot({ path: "screenshots/partner-details.png", fullPage: true });

  // Leads tab → Register lead → Import CSV: every error at once, nothing importable.
  await openPartnerLeads(page);
  await expect(page.locator('tr[data-lead="margaret.h@example.org"] .state')).toHaveText("Pending");
  const dialog = await importCsv(page, "partner-leads.csv", WITH_ERRORS);
  const cell = (row: number, column: number) => dialog.locator(`.cell[data-row="${row}"][data-column="${column}"]`);
  await expect(cell(3, 2)).toHaveClass(/invalid/);
  await expect(cell(5, 5)).toHaveClass(/invalid/);
  await expect(cell(5, 5)).toHaveAttribute("title", /no partner with the ID "P-9999"/);
  // The pair the server refused is a cell error like any other: marked,
  // counted, reached by Tab, kept by the filter, in the error report.
  await expect(cell(2, 6)).toHaveClass(/invalid/);
  await expect(cell(2, 6)).toHaveAttribute("title", /Partner user PU-2003 belongs to partner P-1002, not P-1001\./);
  await expect(cell(2, 5)).not.toHaveClass(/invalid/);
  await expect(dialog.locator("#pair-errors")).toHaveCount(0);
  await expect(dialog.locator(".review-summary")).toContainText("2 valid");
  await expect(dialog.locator(".review-summary")).toContainText("3 with errors");
  await expect(dialog.locator("#reject-reason")).toContainText("only when every row is valid");
  const fix = dialog.getByRole("button", { name: "Fix 3 rows to import this file", exact: true });
  await expect(fix).toBeDisabled();
  await fix.scrollIntoViewIfNeeded();
  await dialog.locator(".modal-footer").screenshot({ path: "screenshots/partner-leads-fix-button.png" });
  // From a cell of row 1, Tab goes to the next error: the refused pair of row 2.
  await cell(1, 0).click();
  await page.keyboard.press("Tab");
  await expect(cell(2, 6)).toBeFocused();
  await expect(dialog.locator("#value-bar output")).toHaveText("PU-2003");
  await expect(cell(2, 6).locator(".cell-reason")).toContainText("belongs to partner P-1002");
  await page.screenshot({ path: "screenshots/partner-leads-pair-cell.png" });
  const download = page.waitForEvent("download");
  await dialog.getByRole("button", { name: "Download error report (CSV)" }).click();
  const report = fs.readFileSync((await (await download).path())!, "utf8");
  const line = report.split(/\r?\n/).find((l) => l.startsWith("Alan,Turing,"));
  expect(line).toContain("Partner User ID: Partner user PU-2003 belongs to partner P-1002, not P-1001.");
  await dialog.getByLabel("Show only rows with errors").check();
  await expect(dialog.locator(".grid-body .row-number").first()).toHaveText("2");
  await expect(dialog.locator(".grid-body [role=row]")).toHaveCount(3);
  await dialog.getByLabel("Show only rows with errors").uncheck();
  await expect(dialog.locator("#duplicate-warning")).toContainText("1 row has the email of a lead already registered");
  await page.screenshot({ path: "screenshots/partner-leads-rejected.png" });
  await dialog.locator("#duplicate-warning").scrollIntoViewIfNeeded();
  await dialog.locator("#duplicate-warning").screenshot({ path: "screenshots/partner-leads-duplicate.png" });
  // Only distinct pairs went to the server, never rows.
  expect(pairBodies.length).toBeGreaterThanOrEqual(1);
  const sent = JSON.parse(pairBodies[pairBodies.length - 1]);
  // The template, the fields, the pairs and the modal's language (for the messages), nothing else.
  expect(Object.keys(sent).sort()).toEqual(["combinations", "fields", "lang", "template"]);
  expect(sent.fields).toEqual(["partner_id", "partner_user_id"]);
  expect(sent.lang).toBe("en");
  expect(sent.combinations).toContainEqual(["P-1001", "PU-2003"]);
  expect(new Set(sent.combinations.map((p: string[]) => p.join("|"))).size).toBe(sent.combinations.length);
  await dialog.getByRole("button", { name: "Close dialog" }).click();
  await expect(dialog).toBeHidden();
  await expect(page.locator('tr[data-lead="ada.lovelace@analytical.example"]')).toHaveCount(0);

  // The fixed file: the duplicate needs the user's word, then all five import as Pending.
  const fixed = await importCsv(page, "partner-leads.csv", FIXED);
  await expect(fixed.locator(".review-summary")).toContainText("5 valid");
  await expect(fixed.locator(".review-summary")).toContainText("0 with errors");
  await expect(fixed.locator(".cell.invalid")).toHaveCount(0);
  const importButton = fixed.getByRole("button", { name: "Import 5 rows", exact: true });
  await expect(fixed.locator("#duplicate-warning")).toBeVisible();
  await expect(importButton).toBeDisabled();
  await fixed.getByLabel("Import the already registered leads anyway").check();
  await expect(importButton).toBeEnabled();
  await importButton.click();
  await expect(fixed.locator('[data-count="inserted"]')).toHaveText("5");
  await expect(fixed.locator('[data-count="skipped"]')).toHaveText("0");
  await fixed.getByRole("button", { name: "Close", exact: true }).click();
  await expect(page.locator(".success")).toContainText("5 leads imported. They are Pending until an admin approves them.");
  const lead = (email: string) => page.locator(`tr[data-lead="${email}"]`);
  await expect(lead("ada.lovelace@analytical.example").locator(".state")).toHaveText("Pending");
  await expect(lead("alan.turing@bletchley.example")).toContainText("Contoso Resellers");
  await expect(lead("alan.turing@bletchley.example")).toContainText("PU-2003");
  await expect(page.locator('tr[data-lead="linus.t@example.net"]')).toHaveCount(2);
  await expect(page.locator("#pending-count")).toHaveText("6 waiting for review");

  // The admin approves one and rejects another.
  await page.getByRole("button", { name: "Approve ada.lovelace@analytical.example" }).click();
  await expect(lead("ada.lovelace@analytical.example").locator(".state")).toHaveText("Approved");
  await page.getByRole("button", { name: "Reject katherine.johnson@langley.example" }).click();
  await expect(lead("katherine.johnson@langley.example").locator(".state")).toHaveText("Rejected");
  await expect(page.locator("#pending-count")).toHaveText("4 waiting for review");
  await page.screenshot({ path: "screenshots/partner-leads-review.png", fullPage: true });
  await page.getByRole("button", { name: "Pending", exact: true }).click();
  await expect(lead("ada.lovelace@analytical.example")).toHaveCount(0);
  await expect(lead("grace.hopper@cobol.example")).toBeVisible();
});

test("a partner's user finds their team's IDs and imports for their own partner only", async ({ page }) => {
  page.on("dialog", (d) => d.accept());
  // A partner's user lands on Partner leads.
  await signIn(page, "partner@northwind.test", { home: "**/partner-leads" });
  await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true");
  // The navigation shows the partner pages only, not pages that would refuse them.
  const nav = page.getByRole("navigation", { name: "Main" });
  await expect(nav.getByRole("link")).toHaveText(["Partner leads", "Team members", "Check a file"]);
  await nav.getByRole("link", { name: "Team members" }).click();
  await page.waitForURL("**/team");
  await expect(page.getByRole("heading", { name: "Team members" })).toBeVisible();
  await expect(page.locator('tr[data-partner-user="PU-2001"]')).toContainText("you");
  await expect(page.locator("#partner-id")).toHaveText("P-1001");
  await page.screenshot({ path: "screenshots/partner-team.png" });

  await openPartnerLeads(page);
  // Only their partner's leads, with their state; no review buttons.
  await expect(page.locator('tr[data-lead="margaret.h@example.org"]')).toHaveCount(0);
  await expect(page.locator('tr[data-lead="ada.lovelace@analytical.example"] .state')).toHaveText("Approved");
  await expect(page.getByRole("button", { name: /^Approve .+@/ })).toHaveCount(0);

  const dialog = await importCsv(
    page,
    "my-leads.csv",
    [
      HEADER,
      "Hedy,Lamarr,hedy@spread.example,Spread Spectrum,,P-1001,PU-2001",
      "Barbara,Liskov,barbara@clu.example,CLU Labs,,P-1002,PU-2003",
      "Radia,Perlman,radia@stp.example,STP Labs,,P-1001,PU-2003",
      "Frances,Allen,frances@ptran.example,PTRAN,,P-1001,PU-2099",
    ].join("\r\n"),
  );
  const partnerCell = dialog.locator('.cell[data-row="2"][data-column="5"]');
  await expect(partnerCell).toHaveClass(/invalid/);
  await expect(partnerCell).toHaveAttribute("title", /You may import leads only for your own partner, P-1001/);
  // Another partner's user and an ID that exists nowhere read the same:
  // a partner's user learns nothing beyond their own team.
  for (const [row, user] of [["3", "PU-2003"], ["4", "PU-2099"]]) {
    const userCell = dialog.locator(`.cell[data-row="${row}"][data-column="6"]`);
    await expect(userCell).toHaveClass(/invalid/);
    await expect(userCell).toHaveAttribute("title", new RegExp(`Partner user ${user} is not on the team of P-1001`));
  }
  await expect(dialog.getByRole("button", { name: "Fix 3 rows to import this file", exact: true })).toBeDisabled();
  await dialog.getByRole("button", { name: "Close dialog" }).click();

  const own = await importCsv(page, "my-leads.csv", [HEADER, "Hedy,Lamarr,hedy@spread.example,Spread Spectrum,,P-1001,PU-2001"].join("\r\n"));
  await own.getByRole("button", { name: "Import 1 row", exact: true }).click();
  await expect(own.locator('[data-count="inserted"]')).toHaveText("1");
  await own.getByRole("button", { name: "Close", exact: true }).click();
  await expect(page.locator('tr[data-lead="hedy@spread.example"] .state')).toHaveText("Pending");
});

test("the registration form decides the sample file and the required columns", async ({ page }) => {
  page.on("dialog", (d) => d.accept());
  await signIn(page, "admin@acme.test");
  await page.goto("/lead-form");
  await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true");
  await expect(page.locator("tr.form-field")).toHaveCount(7);
  await page.getByRole("button", { name: "Add field", exact: true }).click();
  const added = page.locator("tr.form-field").nth(5);
  await added.getByLabel("Label").fill("Budget band");
  await added.getByLabel("Type").selectOption("select");
  await added.getByLabel("Options").fill("Small, Medium, Large");
  await added.getByLabel("Required").check();
  await page.getByRole("button", { name: "Save form", exact: true }).click();
  await expect(page.locator(".success")).toContainText("Form saved");
  await expect(page.locator("tr.form-field").nth(5).getByLabel("Key")).toHaveValue("budget_band");
  await page.screenshot({ path: "screenshots/lead-form.png", fullPage: true });

  // The sample file (Download CSV template) follows the form.
  const sample = await page.request.get("/templates/partner-leads/sample.csv");
  const text = await sample.text();
  expect(text.split("\r\n")[0]).toBe("First name,Last name,Email,Company,Phone,Budget band,Partner ID,Partner User ID");
  expect(text.split("\r\n")[1]).toContain(",Small,P-1001,PU-2001");

  // A file without the new required column cannot go on.
  await openPartnerLeads(page);
  await openRegisterMenu(page);
  await page.getByRole("button", { name: "Import CSV", exact: true }).click();
  const dialog = page.getByRole("dialog");
  await page.locator('dialog input[type="file"]').setInputFiles({
    name: "old.csv",
    mimeType: "text/csv",
    buffer: Buffer.from([HEADER, "Ada,Lovelace,ada2@analytical.example,,,P-1001,PU-2001"].join("\r\n"), "utf8"),
  });
  await expect(dialog.locator("#mapping-problems")).toContainText("Budget band");
  await expect(dialog.getByRole("button", { name: "Next: review rows" })).toBeDisabled();
});
