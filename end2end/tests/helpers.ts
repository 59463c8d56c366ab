import { expect, Page } from "@playwright/test";

// Shared by the specs: sign in as a demo account (every one has the password
// "demo-password") and wait until the page the sign-in lands on is hydrated.
export async function signIn(page: Page, email: string, { origin = "", home = "**/clients" } = {}) {
  await page.goto(`${origin}/sign-in`);
  await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill("demo-password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(home);
  await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true");
}

// Press Escape in an import modal with work in it: it asks before closing
// (the question is dismissed, so the modal stays).
export async function escapeAsksBeforeClosing(page: Page) {
  let asked = "";
  page.once("dialog", (d) => {
    asked = d.message();
    d.dismiss();
  });
  await page.keyboard.press("Escape");
  await expect.poll(() => asked).toContain("Close the import?");
}
