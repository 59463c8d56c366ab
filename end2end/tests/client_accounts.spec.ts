import { test, expect, Page } from "@playwright/test";
import { signIn } from "./helpers";
import * as fs from "node:fs";

// Seed 002: an admin creates a tag, imports client accounts with temporary
// passwords (masked in the review), a weak password, an unknown tag and an
// impossible birthdate are flagged; the valid rows import, no invitation is
// sent, and an imported client can sign in with their initial password.

// Row 3: a weak password; row 4: a tag nobody created; row 5: 30 February.
const FILE = [
  "email_address,initial_password,first_name,last_name,birthdate,gender,tag,tag,external_id,attribute:Program Start Date",
  "Ada.Lovelace@example.com,Analytical#1815,Ada,Lovelace,19811120,female,vip,gold,EXT-0001,20240717",
  "charles.babbage@example.com,Difference!1791,Charles,Babbage,19751226,male,newsletter,,EXT-0002,20240801",
  "grace.hopper@example.com,password1,Grace,Hopper,19061209,female,,,EXT-0003,",
  "alan.turing@example.com,Enigma$1912x,Alan,Turing,19120623,male,platinum,,EXT-0004,",
  "emmy.noether@example.com,Algebra%1882,Emmy,Noether,19810230,female,,,EXT-0005,",
].join("\r\n");

const PASSWORDS = ["Analytical#1815", "Difference!1791", "password1", "Enigma$1912x", "Algebra%1882"];

test("an admin imports client accounts with temporary passwords", async ({ page }) => {
  await signIn(page, "admin@acme.test");

  // A tag first: `gold` is made here, `platinum` is not.
  await page.getByRole("link", { name: "Tags" }).click();
  await page.waitForURL("**/tags");
  await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true");
  await expect(page.locator('tr[data-tag="vip"]')).toBeVisible();
  await page.getByLabel("New tag").fill("gold");
  await page.getByRole("button", { name: "Add tag" }).click();
  await expect(page.locator('tr[data-tag="gold"]')).toBeVisible();
  await page.screenshot({ path: "screenshots/accounts-tags.png" });

  await page.getByRole("link", { name: "Client accounts" }).click();
  await page.waitForURL("**/accounts");
  await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true");
  await page.getByRole("button", { name: "Import clients" }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog).toBeVisible();
  await page.locator('dialog input[type="file"]').setInputFiles({ name: "clients.csv", mimeType: "text/csv", buffer: Buffer.from(FILE, "utf8") });
  await dialog.getByRole("button", { name: "Next: review rows" }).click();

  await expect(dialog.locator(".review-summary")).toContainText("2 valid");
  await expect(dialog.locator(".review-summary")).toContainText("3 with errors");
  const cell = (row: number, column: number) => dialog.locator(`.cell[data-row="${row}"][data-column="${column}"]`);
  await expect(cell(3, 1)).toHaveClass(/invalid/);
  await expect(cell(4, 6)).toHaveClass(/invalid/);
  await expect(cell(4, 6)).toHaveAttribute("title", /platinum/);
  await expect(cell(5, 4)).toHaveClass(/invalid/);
  // Passwords are masked in the grid.
  for (const password of PASSWORDS) await expect(dialog).not.toContainText(password);
  await expect(cell(1, 1)).toContainText("••••");
  await page.screenshot({ path: "screenshots/accounts-review.png" });

  // The error report has the reasons, never a password.
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    dialog.getByRole("button", { name: "Download error report (CSV)" }).click(),
  ]);
  const report = fs.readFileSync(await download.path(), "utf8");
  expect(report).toContain("platinum");
  for (const password of PASSWORDS) expect(report).not.toContain(password);

  await dialog.getByRole("button", { name: "Import 2 valid rows, skip 3" }).click();
  await expect(dialog.locator('[data-count="inserted"]')).toHaveText("2");
  await expect(dialog).toContainText("No invitation was sent");
  await page.screenshot({ path: "screenshots/accounts-result.png" });
  await dialog.getByRole("button", { name: "Close", exact: true }).click();
  await expect(dialog).toBeHidden();
  await expect(page.locator(".success")).toContainText("No invitation was sent");

  const ada = page.locator('tr[data-account="ada.lovelace@example.com"]');
  await expect(ada).toContainText("gold, vip");
  await expect(ada).toContainText("Program Start Date");
  await expect(ada).toContainText("20240717");
  // Dates in the reader's locale, the ISO date on hover.
  await expect(ada.locator('time[datetime="1981-11-20"]')).toHaveAttribute("title", "1981-11-20");
  await expect(page.locator("table.accounts tbody tr")).toHaveCount(2);
  for (const password of PASSWORDS) await expect(page.locator("body")).not.toContainText(password);
  await page.screenshot({ path: "screenshots/accounts-page.png" });

  // The imported client signs in with the initial password, not another.
  const login = async (password: string) => {
    const answer = await page.request.post("/api/client_login", {
      form: { workspace: "acme", email: "ada.lovelace@example.com", password },
    });
    expect(answer.status()).toBe(200);
    return answer.json();
  };
  expect(await login("Analytical#1815")).toBe(true);
  expect(await login("Analytical#1816")).toBe(false);
});
