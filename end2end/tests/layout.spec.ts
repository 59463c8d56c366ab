import { test, expect, Page } from "@playwright/test";
import { signIn } from "./helpers";

// What a new user trips over in the portal's lists:
// - no list page is wider than a 1,024 px window, and no table sticks out;
// - dates and times are shown in the reader's language and time zone, on
//   one line, with the stored value in <time datetime> and on hover;
// - the import modal is usable on a 390 px phone;
// - a partner's user is sent to "Team members", as their menu calls it.

const unique = () => Math.random().toString(36).slice(2, 8);

// The admin's list pages (a partner's own are checked below).
const LIST_PAGES = ["/clients", "/leads", "/companies", "/crm", "/accounts", "/coaches", "/partners", "/partners/P-1001", "/partner-leads", "/imports", "/tags"];

async function expectWithinWindow(page: Page, path: string) {
  await page.goto(path);
  await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true");
  await expect(page.locator('main [aria-busy="true"]')).toHaveCount(0);
  const sizes = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    inner: window.innerWidth,
    tables: Array.from(document.querySelectorAll("main table")).map((t) => Math.ceil(t.getBoundingClientRect().right)),
  }));
  expect(sizes.scroll, `${path}: the page is no wider than the window`).toBeLessThanOrEqual(sizes.inner);
  for (const right of sizes.tables) expect(right, `${path}: the table ends inside the window`).toBeLessThanOrEqual(sizes.inner);
  return sizes.tables.length;
}

// Client accounts with birthdates, and an import in the history (with a long file name).
async function importClientAccounts(page: Page) {
  await page.goto("/accounts");
  await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true");
  const sample = await (await page.request.get("/templates/client-accounts/sample.csv")).text();
  const tag = unique();
  const file = sample.replaceAll("@example.com", `.${tag}@example.com`);
  await page.getByRole("button", { name: "Import clients" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.locator('input[type="file"]').setInputFiles({
    name: `client-accounts-export-from-the-old-system-${tag}.csv`,
    mimeType: "text/csv",
    buffer: Buffer.from(file, "utf8"),
  });
  await dialog.getByRole("button", { name: "Next: review rows" }).click();
  await dialog.getByRole("button", { name: /^Import \d+/ }).click();
  await expect(dialog.locator(".result-headline")).toBeVisible({ timeout: 30_000 });
  await dialog.getByRole("button", { name: "Close", exact: true }).first().click();
  await expect(page.getByRole("dialog")).toHaveCount(0);
}

test("every list page fits a 1,024 px window", async ({ page }) => {
  await page.setViewportSize({ width: 1366, height: 800 });
  await signIn(page, "admin@acme.test");
  await importClientAccounts(page);
  await page.setViewportSize({ width: 1024, height: 768 });
  let tables = 0;
  for (const path of LIST_PAGES) {
    tables += await expectWithinWindow(page, path);
    if (path === "/crm" || path === "/imports" || path === "/accounts") {
      await page.screenshot({ path: `screenshots/layout-1024${path.replaceAll("/", "-")}.png`, fullPage: true });
    }
  }
  expect(tables, "the pages had tables to measure").toBeGreaterThanOrEqual(9);
});

test("dates and times are in the reader's locale and time zone, on one line", async ({ browser }) => {
  // India is UTC+5:30: the minutes shown differ from the stored UTC ones.
  const context = await browser.newContext({ locale: "fr-FR", timezoneId: "Asia/Kolkata", viewport: { width: 1024, height: 768 } });
  const page = await context.newPage();
  try {
    await signIn(page, "admin@acme.test");
    for (const path of ["/crm", "/imports", "/partner-leads", "/accounts"]) {
      await page.goto(path);
      await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true");
      const times = page.locator("main table time");
      if (path !== "/accounts" && path !== "/imports") await expect(times.first()).toBeVisible();
      // Formatted once hydrated: no ISO text left.
      await expect(times.filter({ hasText: /\d{4}-\d{2}-\d{2}/ })).toHaveCount(0);
      const shown = await times.evaluateAll((list) =>
        list.map((t) => ({
          datetime: t.getAttribute("datetime") ?? "",
          title: t.getAttribute("title") ?? "",
          text: (t.textContent ?? "").replace(/\s/g, " "),
          lines: t.getClientRects().length,
          height: t.getBoundingClientRect().height,
          lineHeight: parseFloat(getComputedStyle(t).lineHeight) || 24,
        })),
      );
      for (const t of shown) {
        expect(t.title, `${path}: the stored value on hover`).toBe(t.datetime);
        expect(t.lines, `${path}: "${t.text}" on one line`).toBe(1);
        expect(t.height, `${path}: "${t.text}" on one line`).toBeLessThan(t.lineHeight * 1.5);
        if (t.datetime.length > 10) {
          // The time in Kolkata, 24-hour as French writes it.
          const local = new Date(new Date(t.datetime).getTime() + 330 * 60_000);
          const hhmm = `${String(local.getUTCHours()).padStart(2, "0")}:${String(local.getUTCMinutes()).padStart(2, "0")}`;
          expect(t.text, `${path}: ${t.datetime} in Asia/Kolkata`).toContain(hhmm);
        } else {
          // A birthdate is the same day everywhere: 1981-11-20 is "20 nov. 1981".
          const [year, , day] = t.datetime.split("-");
          expect(t.text, `${path}: ${t.datetime}`).toMatch(new RegExp(`^${Number(day)} \\S+ ${year}$`));
        }
      }
      if (path === "/crm") {
        expect(shown.length).toBeGreaterThanOrEqual(3);
        await page.screenshot({ path: "screenshots/layout-crm-fr.png" });
      }
    }
  } finally {
    await context.close();
  }
});

test("the import modal is usable on a 390 px phone", async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await signIn(page, "admin@acme.test");
  await page.getByRole("button", { name: "Import", exact: true }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog).toBeVisible();
  const fits = async (step: string) => {
    const m = await dialog.evaluate((el) => {
      const r = el.getBoundingClientRect();
      return {
        left: r.left,
        right: r.right,
        scroll: el.scrollWidth,
        client: el.clientWidth,
        page: document.documentElement.scrollWidth,
        inner: window.innerWidth,
        // Controls wider than the dialog would need a sideways scroll to reach.
        controls: Array.from(el.querySelectorAll("button, select, input:not([type=file])"))
          .filter((c) => (c as HTMLElement).offsetParent !== null && !c.closest(".grid"))
          .map((c) => Math.ceil(c.getBoundingClientRect().right)),
      };
    });
    expect(m.left, `${step}: the dialog starts on screen`).toBeGreaterThanOrEqual(0);
    expect(m.right, `${step}: the dialog ends on screen`).toBeLessThanOrEqual(m.inner);
    expect(m.scroll, `${step}: nothing in the dialog sticks out sideways`).toBeLessThanOrEqual(m.client);
    expect(m.page, `${step}: the page does not scroll sideways`).toBeLessThanOrEqual(m.inner);
    for (const right of m.controls) expect(right, `${step}: every control is on screen`).toBeLessThanOrEqual(m.inner);
  };
  await fits("upload");
  await page.screenshot({ path: "screenshots/layout-390-upload.png" });
  const tag = unique();
  const file = ["First Name,Last Name,Email,Phone,Company", `Ann,Lee,ann.${tag}@example.com,+1 415 555 0101,Northwind`, "Dan,,not-an-email,,"].join("\n");
  await dialog.locator('input[type="file"]').setInputFiles({ name: "clients.csv", mimeType: "text/csv", buffer: Buffer.from(file) });
  await expect(dialog.locator(".steps li.current")).toContainText("Map columns");
  await fits("mapping");
  await page.screenshot({ path: "screenshots/layout-390-mapping.png" });
  await dialog.getByRole("button", { name: "Next: review rows" }).click();
  await expect(dialog.locator(".review-summary")).toContainText("1 valid");
  await fits("review");
  await page.screenshot({ path: "screenshots/layout-390-review.png" });
});

test("a partner's user is sent to Team members, an admin to Partners", async ({ page }) => {
  await signIn(page, "partner@northwind.test", { home: "**/partner-leads" });
  const hint = page.locator("main p.hint").filter({ hasText: "Partner User ID" }).first();
  await expect(hint.getByRole("link")).toHaveText("Team members");
  await expect(hint).not.toContainText("Partners");
  await page.screenshot({ path: "screenshots/partner-leads-hint.png" });
  await hint.getByRole("link", { name: "Team members" }).click();
  await page.waitForURL("**/team");
  await expect(page.getByRole("heading", { name: "Team members" })).toBeVisible();
  await page.setViewportSize({ width: 1024, height: 768 });
  for (const path of ["/partner-leads", "/team"]) await expectWithinWindow(page, path);

  await page.context().clearCookies();
  await signIn(page, "admin@acme.test");
  await page.goto("/partner-leads");
  await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true");
  const adminHint = page.locator("main p.hint").filter({ hasText: "Partner User ID" }).first();
  await expect(adminHint.getByRole("link")).toHaveText("Partners");
  await expect(adminHint.getByRole("link")).toHaveAttribute("href", "/partners");
});
