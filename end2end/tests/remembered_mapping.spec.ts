import { test, expect, Page } from "@playwright/test";
import { signIn } from "./helpers";

// A mapping that learns: the column choices a user confirms are remembered
// for the template in the workspace, by the file's headers, and the next
// file with the same headers is mapped "as last time"; an admin may forget
// them.

async function openWithFile(page: Page, file: string) {
  await page.getByRole("button", { name: "Import", exact: true }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog).toBeVisible();
  await page.locator('dialog input[type="file"]').setInputFiles({ name: "contacts.csv", mimeType: "text/csv", buffer: Buffer.from(file, "utf8") });
  await expect(dialog.locator("table")).toBeVisible();
  return dialog;
}

test("the second file with the same headers is mapped as last time, and an admin can forget it", async ({ page }) => {
  page.on("dialog", (d) => d.accept());
  await signIn(page, "admin@acme.test");
  const tag = Math.random().toString(36).slice(2, 8);
  // A header that says nothing the template knows: "Q1" is mapped by hand.
  const file = ["Q1,Kontakt,Bemerkung", `Ann,ann.${tag}@example.com,x`, `Bob,bob.${tag}@example.com,y`].join("\n");
  let dialog = await openWithFile(page, file);
  const row = (header: string) => dialog.locator("tr", { has: page.locator("th", { hasText: header }) });
  await expect(row("Q1").locator(".match-kind")).toHaveText("ignored");
  await row("Q1").locator("select").selectOption("first_name");
  await expect(row("Q1").locator(".match-kind")).toHaveText("your choice");
  await dialog.getByRole("button", { name: "Next: review rows" }).click();
  await expect(dialog.locator(".review-summary")).toContainText("2 valid");
  await dialog.getByRole("button", { name: "Close dialog" }).click();
  await expect(dialog).toBeHidden();

  // The same headers again: as last time, with nothing to do.
  dialog = await openWithFile(page, file);
  await expect(row("Q1").locator(".match-kind")).toHaveText("as last time");
  await expect(row("Q1").locator("select")).toHaveValue("first_name");
  await page.screenshot({ path: "screenshots/remembered-mapping.png" });

  // An admin forgets them: the column is guessed again (and so ignored).
  await dialog.getByRole("button", { name: "Forget remembered mappings", exact: true }).click();
  await expect(row("Q1").locator(".match-kind")).toHaveText("ignored");
  await dialog.getByRole("button", { name: "Close dialog" }).click();
});
