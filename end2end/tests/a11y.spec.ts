import { test, expect, Page } from "@playwright/test";
import { escapeAsksBeforeClosing, signIn } from "./helpers";
import AxeBuilder from "@axe-core/playwright";

// The import modal for keyboard and screen-reader users: axe-core finds no
// serious or critical violation at any step, and a whole import is done with
// the keyboard only (the file is picked through the keyboard-opened chooser).

async function expectAccessible(page: Page, step: string) {
  const results = await new AxeBuilder({ page }).include("dialog.import-modal").analyze();
  const bad = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(bad.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`), step).toEqual([]);
}

// The focused element's text or accessible name.
async function focused(page: Page) {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    // Past the last control, Tab goes to the browser's own controls (body).
    if (!el || el === document.body) return { name: "", inDialog: true };
    const label = (el as HTMLInputElement).labels?.[0]?.innerText;
    const name = (el.getAttribute("aria-label") || label || el.innerText || (el as HTMLInputElement).value || "").trim();
    return { name, inDialog: !!el.closest("dialog.import-modal") };
  });
}

// Press Tab until the focused control's name matches; fails if it is never reached.
async function tabTo(page: Page, name: RegExp) {
  for (let i = 0; i < 80; i++) {
    await page.keyboard.press("Tab");
    const now = await focused(page);
    expect(now.inDialog, `focus stays in the dialog (at "${now.name}")`).toBe(true);
    if (name.test(now.name)) return;
  }
  throw new Error(`${name} is not reachable with Tab`);
}

// Tab to "Choose a file" and press Space: the browser's file chooser opens.
// On a cold first page the press has once been lost; it is tried up to
// three times, always from the keyboard.
async function chooseFileWithKeyboard(page: Page) {
  for (let attempt = 1; ; attempt++) {
    await tabTo(page, /^Choose a file$/);
    const chooser = page.waitForEvent("filechooser", { timeout: 10_000 });
    await page.keyboard.press("Space");
    try {
      return await chooser;
    } catch (error) {
      if (attempt === 3) throw error;
    }
  }
}

const unique = () => Math.random().toString(36).slice(2, 8);

test("the modal passes axe at every step and imports with the keyboard only", async ({ page }) => {
  await signIn(page, "admin@acme.test");
  await page.getByRole("button", { name: "Import", exact: true }).focus();
  await page.keyboard.press("Enter");
  const dialog = page.getByRole("dialog");
  await expect(dialog).toBeVisible();
  expect((await focused(page)).inDialog, "opening moves the focus into the dialog").toBe(true);
  await expectAccessible(page, "upload");

  const tag = unique();
  const file = Buffer.from(
    ["First Name,Last Name,Email", `Kim,Ode,kim.${tag}@example.com`, `Lou,Paz,lou.${tag}@example.com`, `Max,,bad-email`].join("\n"),
  );
  const chooser = await chooseFileWithKeyboard(page);
  await chooser.setFiles({ name: "keyboard.csv", mimeType: "text/csv", buffer: file });
  await expect(dialog.locator(".steps li.current")).toContainText("Map columns");
  await expectAccessible(page, "mapping");

  await tabTo(page, /^Next: review rows$/);
  await page.keyboard.press("Enter");
  await expect(dialog.locator(".review-summary")).toContainText("2 valid");
  await expectAccessible(page, "review");
  await page.screenshot({ path: "screenshots/a11y-review.png" });

  await tabTo(page, /^Import \d+/);
  await page.keyboard.press("Enter");
  await expect(dialog).toBeHidden();
  await expect(page.getByRole("status").filter({ hasText: /^Import (started|finished)\b/ })).toBeVisible();
});

test("closing the file chooser without a file leaves the modal open", async ({ page }) => {
  await signIn(page, "admin@acme.test");
  await page.getByRole("button", { name: "Import", exact: true }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog).toBeVisible();
  // A chooser closed without a file: the browser fires a `cancel` that
  // bubbles from the file input up to the dialog, as Escape's does there.
  // (Playwright's chooser cannot be closed empty, so the event is fired as
  // the browser fires it.)
  await page.locator('dialog input[type="file"]').dispatchEvent("cancel", { bubbles: true });
  await page.waitForTimeout(300);
  await expect(dialog).toBeVisible();
  await expect(dialog.locator(".steps li.current")).toContainText("Upload");

  // The user changes their mind and picks a file: the import goes on.
  const chooser = page.waitForEvent("filechooser");
  await dialog.getByText("Choose a file").click();
  await (await chooser).setFiles({ name: "b.csv", mimeType: "text/csv", buffer: Buffer.from("First Name\nAda\n") });
  await expect(dialog.locator(".steps li.current")).toContainText("Map columns");
});

test("Escape asks before closing a modal with work in it, and closes an empty one", async ({ page }) => {
  await signIn(page, "admin@acme.test");
  const open = async () => {
    await page.getByRole("button", { name: "Import", exact: true }).focus();
    await page.keyboard.press("Enter");
    await expect(page.getByRole("dialog")).toBeVisible();
  };
  await open();
  await page.keyboard.press("Escape");
  await expect(page.getByRole("dialog")).toHaveCount(0);
  // The focus is back on the button that opened it.
  await expect(page.getByRole("button", { name: "Import", exact: true })).toBeFocused();

  await open();
  await page
    .locator('dialog input[type="file"]')
    .setInputFiles({ name: "a.csv", mimeType: "text/csv", buffer: Buffer.from("First Name\nAda\n") });
  await expect(page.getByRole("dialog").locator(".steps li.current")).toContainText("Map columns");
  await escapeAsksBeforeClosing(page);
  await expect(page.getByRole("dialog")).toBeVisible();
  await expectAccessible(page, "after a dismissed close");
});
