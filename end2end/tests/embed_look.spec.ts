import { test, expect, Page, Locator } from "@playwright/test";
import { signIn } from "./helpers";
import AxeBuilder from "@axe-core/playwright";
import * as http from "node:http";

// How the embedded modal looks on host pages that do not expect it:
// - pages whose root font size is huge (48px) or the common 62.5% get the
//   same modal as a plain page (the modal is sized from its own font size);
// - theme="dark" (and theme="auto" on a dark system) gives a dark modal that
//   passes axe-core's colour contrast at every step; without the attribute
//   the modal stays light; the portal's own modal follows the system.
// The host pages are served from the next port, on the server's allow-list.

const port = Number(process.env.E2E_PORT ?? 3100);
const importer = `http://127.0.0.1:${port}`;
const host = `http://127.0.0.1:${port + 1}`;

// A host page: ?root=48px sets `html { font-size }`, ?theme=dark the
// element's theme attribute, ?dark=1 a dark page around it.
function hostPage(url: URL): string {
  const root = url.searchParams.get("root");
  const theme = url.searchParams.get("theme");
  const dark = url.searchParams.get("dark") === "1";
  return `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Host</title>
  <style>
    ${root ? `html { font-size: ${root}; }` : ""}
    ${dark ? "body { background: #0d1117; color: #e6edf3; }" : ""}
    body { font-family: sans-serif; margin: 2rem; }
  </style>
  <script type="module" src="${importer}/csv-import/embed.js"></script>
</head>
<body>
  <h1>Host page</h1>
  <csv-import template="clients" workspace="acme"${theme ? ` theme="${theme}"` : ""}>Import clients</csv-import>
</body>
</html>`;
}

let server: http.Server;
test.beforeAll(async () => {
  server = http.createServer((req, res) => {
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    res.end(hostPage(new URL(req.url ?? "/", host)));
  });
  await new Promise<void>((resolve) => server.listen(port + 1, "127.0.0.1", () => resolve()));
});
test.afterAll(async () => {
  server?.close();
});

const unique = () => Math.random().toString(36).slice(2, 8);

function clientsFile() {
  const tag = unique();
  return Buffer.from(
    [
      "First Name,Last Name,Email,Phone,Company",
      `Ann,Lee,ann.${tag}@example.com,+1 415 555 0101,Northwind`,
      `Dan,,not-an-email,,`,
    ].join("\r\n"),
    "utf8",
  );
}

async function openModal(page: Page, query: string): Promise<Locator> {
  await page.goto(`${host}/${query}`);
  await page.getByRole("button", { name: "Import clients", exact: true }).click();
  const dialog = page.getByRole("dialog", { name: "Import Clients" });
  await expect(dialog).toBeVisible();
  return dialog;
}

const px = (locator: Locator, property: string) =>
  locator.evaluate((el, p) => parseFloat(getComputedStyle(el).getPropertyValue(p)), property);

// The sizes that showed the host's root font size leaking in.
async function measure(page: Page, query: string, shot: string) {
  const dialog = await openModal(page, query);
  const title = await px(dialog.locator(".modal-header h2"), "font-size");
  const step = await px(dialog.locator(".steps li").first(), "font-size");
  const launch = await px(page.locator("csv-import .csv-import-launch"), "font-size");
  await dialog.locator('input[type="file"]').setInputFiles({ name: "clients.csv", mimeType: "text/csv", buffer: clientsFile() });
  await expect(dialog.locator(".steps li.current")).toContainText("Map columns");
  const box = await dialog.evaluate((el) => el.getBoundingClientRect().right);
  const selects = await dialog.locator("select").evaluateAll((list) => list.map((s) => s.getBoundingClientRect().right));
  await page.screenshot({ path: `screenshots/${shot}-mapping.png` });
  await dialog.getByRole("button", { name: "Next: review rows" }).click();
  await expect(dialog.locator(".review-summary")).toContainText("1 valid");
  const cell = await px(dialog.locator('[role="gridcell"]').first(), "font-size");
  // The row numbers' column: 4.5em of the modal's size.
  const numbers = await dialog.locator(".grid-head .cell").first().evaluate((el) => el.getBoundingClientRect().width);
  await page.screenshot({ path: `screenshots/${shot}-review.png` });
  return { title, step, cell, launch, numbers, box, selects };
}

test("the host page's root font size does not reach the modal", async ({ page }) => {
  await page.setViewportSize({ width: 1366, height: 900 });
  await signIn(page, "admin@acme.test", { origin: importer });
  const plain = await measure(page, "", "embed-root-plain");
  // The browser's default size: 16px, as the title's 1.25em and the grid's 0.875em say.
  expect(plain).toMatchObject({ title: 20, cell: 14, numbers: 72 });
  for (const [root, shot] of [["48px", "embed-root-48px"], ["62.5%", "embed-root-62"]]) {
    const hostile = await measure(page, `?root=${encodeURIComponent(root)}`, shot);
    const { title, step, cell, launch, numbers } = hostile;
    expect({ title, step, cell, launch, numbers }, `html { font-size: ${root} }`).toEqual({
      title: plain.title,
      step: plain.step,
      cell: plain.cell,
      launch: plain.launch,
      numbers: plain.numbers,
    });
    expect(hostile.selects.length, "the mapping step has its selects").toBeGreaterThan(2);
    for (const right of hostile.selects) expect(right, `a select inside the dialog (${root})`).toBeLessThanOrEqual(hostile.box);
  }
  // --csv-import-font-size is the one way to change it.
  await page.goto(`${host}/?root=48px`);
  await page.locator("csv-import").evaluate((el: HTMLElement) => el.style.setProperty("--csv-import-font-size", "20px"));
  await page.getByRole("button", { name: "Import clients", exact: true }).click();
  const dialog = page.getByRole("dialog", { name: "Import Clients" });
  expect(await px(dialog.locator(".modal-header h2"), "font-size")).toBe(25);
});

// No colour-contrast (or other serious) violation in the open dialog.
async function expectContrast(page: Page, what: string) {
  const results = await new AxeBuilder({ page }).include("csv-import").analyze();
  const bad = results.violations.filter((v) => v.id === "color-contrast" || v.impact === "serious" || v.impact === "critical");
  expect(bad.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`), what).toEqual([]);
}

// The relative luminance of a computed `rgb(...)` colour, 0 (black) to 1.
const luminance = (locator: Locator, property: string) =>
  locator.evaluate((el, p) => {
    // Computed light-dark() colours come back as rgb(); read them through a canvas to be safe.
    const ctx = document.createElement("canvas").getContext("2d")!;
    ctx.fillStyle = getComputedStyle(el).getPropertyValue(p);
    ctx.fillRect(0, 0, 1, 1);
    const [r, g, b] = Array.from(ctx.getImageData(0, 0, 1, 1).data).map((c) => {
      const v = c / 255;
      return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  }, property);

test("theme=\"dark\" gives a dark modal with enough contrast at every step", async ({ page }) => {
  await signIn(page, "admin@acme.test", { origin: importer });
  const dialog = await openModal(page, "?theme=dark&dark=1");
  expect(await luminance(dialog, "background-color"), "a dark dialog").toBeLessThan(0.05);
  expect(await luminance(dialog, "color"), "light text").toBeGreaterThan(0.6);
  await page.screenshot({ path: "screenshots/embed-dark-upload.png" });
  await expectContrast(page, "upload (dark)");

  await dialog.locator('input[type="file"]').setInputFiles({ name: "clients.csv", mimeType: "text/csv", buffer: clientsFile() });
  await expect(dialog.locator(".steps li.current")).toContainText("Map columns");
  // Native controls are dark too.
  expect(await dialog.locator("select").first().evaluate((el) => getComputedStyle(el).colorScheme)).toContain("dark");
  await page.screenshot({ path: "screenshots/embed-dark-mapping.png" });
  await expectContrast(page, "mapping (dark)");

  await dialog.getByRole("button", { name: "Next: review rows" }).click();
  await expect(dialog.locator(".review-summary")).toContainText("1 valid");
  // The invalid cell's reason, shown on focus, is checked too.
  await dialog.locator('[role="gridcell"].invalid').first().focus();
  await page.screenshot({ path: "screenshots/embed-dark-review.png" });
  await expectContrast(page, "review (dark)");
});

test("theme=\"auto\" follows the system; without a theme the modal stays light", async ({ browser }) => {
  const context = await browser.newContext({ colorScheme: "dark" });
  const page = await context.newPage();
  try {
    await signIn(page, "admin@acme.test", { origin: importer });
    const auto = await openModal(page, "?theme=auto&dark=1");
    expect(await luminance(auto, "background-color"), "auto on a dark system").toBeLessThan(0.05);
    await expectContrast(page, "upload (auto, dark system)");

    const plain = await openModal(page, "?dark=1");
    expect(await luminance(plain, "background-color"), "no theme: light").toBeGreaterThan(0.9);

    // The option of CsvImport.open names the theme as well.
    await page.goto(`${host}/?dark=1`);
    // Not awaited: open() resolves when the modal closes.
    await page.evaluate((url) => {
      import(url).then((m) => m.CsvImport.open({ template: "clients", theme: "dark" }));
    }, `${importer}/csv-import/embed.js`);
    const opened = page.getByRole("dialog", { name: "Import Clients" });
    await expect(opened).toBeVisible();
    expect(await luminance(opened, "background-color"), "CsvImport.open({theme: \"dark\"})").toBeLessThan(0.05);

    // The portal's own modal follows the system.
    await page.goto(`${importer}/clients`);
    await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true");
    await page.getByRole("button", { name: "Import", exact: true }).click();
    const portal = page.getByRole("dialog");
    await expect(portal).toBeVisible();
    expect(await luminance(portal, "background-color"), "the portal's modal on a dark system").toBeLessThan(0.05);
    await page.screenshot({ path: "screenshots/portal-dark-upload.png" });
    const results = await new AxeBuilder({ page }).include("dialog.import-modal").analyze();
    const bad = results.violations.filter((v) => v.id === "color-contrast" || v.impact === "serious" || v.impact === "critical");
    expect(bad.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`)).toEqual([]);
  } finally {
    await context.close();
  }
});
