import { test, expect } from "@playwright/test";
import * as fs from "node:fs";

const templates = [
  "coaching-leads",
  "partner-leads",
  "client-accounts",
  "crm-clients",
  "clients",
  "leads",
  "companies",
];

test("the home page lists every template and hydrates", async ({ page }) => {
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(m.text());
  });
  await page.goto("/");
  await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true");
  for (const name of templates) {
    await expect(page.locator(`[data-template="${name}"]`)).toBeVisible();
  }
  const coaching = page.locator('[data-template="coaching-leads"]');
  await expect(coaching.locator(".required-columns")).toContainText("Lead Email");

  // The optional columns toggle is wasm at work: it only opens once hydrated.
  const optional = coaching.locator(".optional-columns");
  await expect(optional).toBeHidden();
  const toggle = coaching.getByRole("button", { name: "Show optional columns" });
  await toggle.click();
  await expect(optional).toBeVisible();
  await expect(optional).toContainText("Coach Email");
  await expect(coaching.getByRole("button", { name: "Hide optional columns" })).toHaveAttribute("aria-expanded", "true");

  await page.screenshot({ path: "screenshots/home.png", fullPage: true });
  expect(errors).toEqual([]);
});

test("a sample CSV downloads with the template's header", async ({ page }) => {
  await page.goto("/");
  await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true");
  const card = page.locator('[data-template="client-accounts"]');
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    card.getByRole("link", { name: "Download sample CSV" }).click(),
  ]);
  expect(download.suggestedFilename()).toBe("client-accounts-sample.csv");
  const text = fs.readFileSync(await download.path(), "utf8");
  const lines = text.trim().split(/\r\n/);
  expect(lines[0]).toBe(
    "email_address,initial_password,first_name,last_name,birthdate,gender,tag,tag,external_id,attribute:Program Start Date",
  );
  expect(lines.length).toBeGreaterThan(1);
});

test("an unknown template's sample is a clear 404", async ({ request }) => {
  const response = await request.get("/templates/nope/sample.csv");
  expect(response.status()).toBe(404);
  expect(await response.text()).toContain("No template is named");
});
