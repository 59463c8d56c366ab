import { test, expect, Page } from "@playwright/test";
import { signIn } from "./helpers";
import AxeBuilder from "@axe-core/playwright";
import * as fs from "node:fs";
import * as http from "node:http";
import * as os from "node:os";
import { spawn } from "node:child_process";
import * as path from "node:path";

// csv-import embedded in pages it does not own:
// - the plain-HTML partner portal (server/examples/partner-portal.html), with
//   its own aggressive CSS, served from another origin (the next port, which
//   playwright.config.ts puts on the server's allow-list);
// - the same page from an origin that is not on the list;
// - the Leptos host page (/examples/leptos-host), which uses only the
//   public CsvImport component;
// - the example axum app with its own sign-in (server/examples/existing_app.rs,
//   built by `cargo build -p csv-import --examples`), which mounts it at /csv-import.

const port = Number(process.env.E2E_PORT ?? 3100);
const importer = `http://127.0.0.1:${port}`;
const portalPage = fs.readFileSync(path.join(__dirname, "..", "..", "server", "examples", "partner-portal.html"), "utf8");

// The example page, as is, pointed at the server under test.
function servePortal(onPort: number): Promise<http.Server> {
  const html = portalPage.replaceAll("http://127.0.0.1:3000/csv-import/", `${importer}/csv-import/`);
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    res.end(html);
  });
  return new Promise((resolve) => server.listen(onPort, "127.0.0.1", () => resolve(server)));
}

let allowed: http.Server;
let other: http.Server;
test.beforeAll(async () => {
  allowed = await servePortal(port + 1);
  other = await servePortal(port + 2);
});
test.afterAll(async () => {
  allowed?.close();
  other?.close();
});

const unique = () => Math.random().toString(36).slice(2, 8);

function clientsFile(tag: string) {
  return Buffer.from(
    [
      "First Name,Last Name,Email,Phone,Company",
      `Ann,Lee,ann.${tag}@example.com,+1 415 555 0101,Northwind`,
      `Bruno,Díaz,bruno.${tag}@example.es,+34 912 345 678,Contoso Ibérica`,
      `Chloé,Martin,chloe.${tag}@example.fr,,`,
      `Dan,,not-an-email,,`,
    ].join("\r\n"),
    "utf8",
  );
}

// The portal page, once its module has loaded embed.js (CsvImport and the
// element defined).
async function openPortal(page: Page) {
  await page.goto(`http://127.0.0.1:${port + 1}/`);
  await page.waitForFunction(() => (window as any).CsvImport && customElements.get("csv-import"));
}

// No serious or critical accessibility violations in the open dialog.
async function expectAccessible(page: Page, what: string) {
  const results = await new AxeBuilder({ page }).include("csv-import").analyze();
  const bad = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(bad.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`), what).toEqual([]);
}

test("a partner portal on another origin imports through <csv-import>", async ({ page }) => {
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  await signIn(page, "admin@acme.test", { origin: importer });
  await page.goto(`http://127.0.0.1:${port + 1}/`);

  const launch = page.getByRole("button", { name: "Import clients", exact: true });
  await expect(launch).toBeVisible();
  // The theme (custom properties) applies; the portal's button rules do not.
  const look = await launch.evaluate((el) => {
    const s = getComputedStyle(el);
    return { background: s.backgroundColor, font: s.fontFamily, transform: s.textTransform, border: s.borderTopStyle };
  });
  expect(look.background).toBe("rgb(11, 110, 79)");
  expect(look.font).toContain("Georgia");
  expect(look.transform).toBe("none");
  expect(look.border).not.toBe("dashed");
  // And the importer's styles leave the portal's own button alone.
  const portalButton = await page.locator("#check-fr").evaluate((el) => getComputedStyle(el).backgroundColor);
  expect(portalButton).toBe("rgb(255, 105, 180)");
  await page.screenshot({ path: "screenshots/embed-portal.png", fullPage: true });

  await launch.click();
  const dialog = page.getByRole("dialog", { name: "Import Clients" });
  await expect(dialog).toBeVisible();
  // The portal hides every dialog and input; not this one.
  expect(await dialog.evaluate((el) => getComputedStyle(el).display)).not.toBe("none");
  expect(await dialog.evaluate((el) => getComputedStyle(el).fontFamily)).toContain("Georgia");
  await page.screenshot({ path: "screenshots/embed-portal-upload.png" });
  await expectAccessible(page, "upload step");

  await dialog.locator('input[type="file"]').setInputFiles({ name: "clients.csv", mimeType: "text/csv", buffer: clientsFile(unique()) });
  await expect(dialog.locator(".steps li.current")).toContainText("Map columns");
  await page.screenshot({ path: "screenshots/embed-portal-mapping.png" });
  await expectAccessible(page, "mapping step");
  await dialog.getByRole("button", { name: "Next: review rows" }).click();
  await expect(dialog.locator(".review-summary")).toContainText("3 valid");
  await page.screenshot({ path: "screenshots/embed-portal-review.png" });
  await expectAccessible(page, "review step");

  const completed = page.evaluate(
    () => new Promise((resolve) => document.addEventListener("csv-import:complete", (e) => resolve((e as CustomEvent).detail), { once: true })),
  );
  await dialog.getByRole("button", { name: /^Import \d+/ }).click();
  const result = (await completed) as Record<string, unknown>;
  expect(result).toMatchObject({ template: "clients", inserted: 3, updated: 0, skipped: 1, totalRows: 4 });
  expect(String(result.importId)).toMatch(/\S+/);
  await expect(page.locator("#log")).toContainText(`Import ${result.importId}: 3 new, 0 updated, 0 unchanged, 1 skipped.`);
  await expect(page.getByRole("dialog")).toHaveCount(0);
  await page.screenshot({ path: "screenshots/embed-portal-done.png", fullPage: true });

  // The import is the signed-in user's, in the csv-import server's history.
  const imports = await page.request.post(`${importer}/api/list_imports`, { headers: { accept: "application/json" } });
  const list = await imports.json();
  expect(list[0]).toMatchObject({ id: result.importId, user_email: "admin@acme.test" });
  expect(errors).toEqual([]);
});

test("CsvImport.open checks a file in French and tells the page it was closed", async ({ page }) => {
  await signIn(page, "admin@acme.test", { origin: importer });
  await page.goto(`http://127.0.0.1:${port + 1}/`);
  const cancelled = page.evaluate(
    () => new Promise((resolve) => document.addEventListener("csv-import:cancel", (e) => resolve((e as CustomEvent).detail), { once: true })),
  );
  await page.locator("#check-fr").click();
  const dialog = page.getByRole("dialog", { name: "Vérifier un fichier : Clients" });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByRole("button", { name: "Fermer la fenêtre" })).toBeVisible();
  await expect(dialog.getByRole("list", { name: "Étapes" })).toBeVisible();
  await expect(dialog).toContainText("Glissez-déposez votre fichier CSV ici");
  await dialog.locator('input[type="file"]').setInputFiles({ name: "clients.csv", mimeType: "text/csv", buffer: clientsFile(unique()) });
  await expect(dialog.getByRole("columnheader", { name: "Colonne de votre fichier" })).toBeVisible();
  await expect(dialog.locator(".file-settings")).toContainText("Détecté : virgule");
  await expect(dialog.locator(".file-settings")).toContainText("Point-virgule ;");
  await dialog.getByRole("button", { name: "Suivant : vérifier les lignes" }).click();
  await expect(dialog.locator(".review-summary")).toContainText("3 valides");
  // The Next button went with its step: the focus stays in the dialog.
  await expect(dialog.locator(".modal-body")).toBeFocused();
  await expect(dialog.locator(".review-summary")).toContainText("1 avec erreurs");
  // The engine's own reasons are French too, in the grid and its tooltip.
  const invalid = dialog.locator('[role="gridcell"].invalid').first();
  await expect(invalid).toHaveAttribute("title", "« not-an-email » n’a pas de @. Écrivez l’adresse complète, p. ex. nom@example.com.");
  await expect(dialog).toContainText("Aperçu seulement : rien de ce fichier n’a été envoyé.");
  await page.screenshot({ path: "screenshots/embed-portal-preview-fr.png" });
  let asked = "";
  page.once("dialog", (d) => {
    asked = d.message();
    d.accept();
  });
  await dialog.getByRole("button", { name: "Fermer la fenêtre" }).click();
  await expect.poll(() => asked).toContain("Fermer l’import ?");
  expect(await cancelled).toMatchObject({ template: "clients", mode: "preview" });
  // The focus goes back to the page's button that opened the importer.
  await expect(page.locator("#check-fr")).toBeFocused();
  await expect(page.locator("#log")).toContainText("Closed without importing (clients).");
  await expect(page.locator("#log")).toContainText("Check finished.");
});

test("a page's own template in import mode checks files only, whatever name it takes", async ({ page }) => {
  await signIn(page, "admin@acme.test", { origin: importer });
  await openPortal(page);
  // The server's "clients" with two fields swapped: importing its rows in
  // the page's order would store each first name as a last name.
  await page.evaluate(() => {
    const fields = [
      { key: "last_name", label: "Last Name" },
      { key: "first_name", label: "First Name", required: true },
      { key: "email", label: "Email", type: "email" },
    ];
    (window as any).CsvImport.open({ mode: "import", workspace: "acme", schema: { name: "clients", label: "Host schema", fields } });
  });
  const dialog = page.getByRole("dialog");
  await expect(dialog).toBeVisible();
  await dialog.locator('input[type="file"]').setInputFiles({ name: "clients.csv", mimeType: "text/csv", buffer: clientsFile(unique()) });
  await dialog.getByRole("button", { name: "Next: review rows" }).click();
  await expect(dialog.locator("#preview-only")).toContainText('This server imports only with its own templates; the template "clients" checks files without importing them.');
  await expect(dialog.getByRole("button", { name: /^Import / })).toHaveCount(0);
});

test("a page that closes the importer itself hears it closed, and its promise settles", async ({ page }) => {
  await signIn(page, "admin@acme.test", { origin: importer });
  await openPortal(page);
  const heard = await page.evaluate(async () => {
    const events: string[] = [];
    const element = document.createElement("csv-import") as HTMLElement & { open(): Promise<unknown>; close(): void };
    element.setAttribute("template", "clients");
    element.setAttribute("no-button", "");
    for (const kind of ["cancel", "close"]) element.addEventListener(`csv-import:${kind}`, () => events.push(kind));
    document.body.append(element);
    const shown = () => new Promise((done) => setTimeout(done, 1000));
    const first = element.open();
    await shown();
    element.close();
    const closed = await first;
    // Taken off the page while open: the same.
    const second = element.open();
    await shown();
    element.remove();
    return { closed, removed: await second, events };
  });
  expect(heard).toEqual({ closed: null, removed: null, events: ["cancel", "close", "cancel", "close"] });
  await expect(page.getByRole("dialog")).toHaveCount(0);
});

test("a page that hides the importer is told, and is not blocked by an unseen dialog", async ({ page }) => {
  await signIn(page, "admin@acme.test", { origin: importer });
  await openPortal(page);
  const outcome = await page.evaluate(async () => {
    const style = document.createElement("style");
    style.textContent = "csv-import { display: none !important; }";
    document.head.append(style);
    let message = "";
    document.addEventListener("csv-import:error", (e) => (message = (e as CustomEvent).detail.message), { once: true });
    const result = await (window as any).CsvImport.open({ template: "clients", workspace: "acme" });
    return { result, message };
  });
  expect(outcome.result).toBeNull();
  expect(outcome.message).toContain("The page hides the <csv-import> element");
  await expect(page.locator("dialog[open]")).toHaveCount(0);
  await page.locator("#check-fr").click({ trial: true });
});

test("a page of an origin not on the allow-list cannot load the importer", async ({ page }) => {
  await signIn(page, "admin@acme.test", { origin: importer });
  const failures: string[] = [];
  page.on("pageerror", (e) => failures.push(String(e)));
  await page.goto(`http://127.0.0.1:${port + 2}/`);
  await expect.poll(() => failures.length).toBeGreaterThan(0);
  expect(await page.evaluate(() => customElements.get("csv-import") === undefined)).toBe(true);
  // Nor can it post to the server with the user's cookies.
  const status = await page.evaluate(async (url) => {
    try {
      const r = await fetch(url, {
        method: "POST",
        credentials: "include",
        mode: "no-cors",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: "name=clients",
      });
      return r.type;
    } catch (e) {
      return String(e);
    }
  }, `${importer}/csv-import/api/get_template`);
  // An opaque answer: the page learns nothing; the server refused it (403, checked in server/tests/embed.rs).
  expect(status).toBe("opaque");
});

test("wrong workspace: the importer says so instead of importing elsewhere", async ({ page }) => {
  await signIn(page, "admin@globex.test", { origin: importer });
  await page.goto(`http://127.0.0.1:${port + 1}/`);
  const failed = page.evaluate(
    () => new Promise((resolve) => document.addEventListener("csv-import:error", (e) => resolve((e as CustomEvent).detail), { once: true })),
  );
  await page.getByRole("button", { name: "Import clients", exact: true }).click();
  const dialog = page.getByRole("dialog", { name: "The importer cannot open" });
  await expect(dialog).toContainText('You are signed in to the workspace "globex", not "acme".');
  // The page hears it too, and may act on it.
  expect(((await failed) as { message: string }).message).toContain('You are signed in to the workspace "globex", not "acme".');
  await dialog.getByRole("button", { name: "Close", exact: true }).click();
  await expect(page.getByRole("dialog")).toHaveCount(0);
});

test("a Leptos host page mounts CsvImport and hears its callbacks", async ({ page }) => {
  await signIn(page, "admin@acme.test", { origin: importer });
  await page.goto(`${importer}/examples/leptos-host`);
  await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true");

  // Preview in French, closed without importing: on_cancel, then on_close.
  await page.getByRole("button", { name: "Vérifier un fichier (preview, French)" }).click();
  const preview = page.getByRole("dialog", { name: "Vérifier une liste de clients" });
  await expect(preview).toBeVisible();
  await preview.getByRole("button", { name: "Fermer la fenêtre" }).click();
  await expect(page.getByRole("dialog")).toHaveCount(0);
  await expect(page.locator(".host-cancelled")).toHaveText("Closed without importing (1).");

  // An import: on_complete with the counts and the import id.
  await page.getByRole("button", { name: "Import clients", exact: true }).click();
  const dialog = page.getByRole("dialog", { name: "Import Clients" });
  await expect(dialog).toBeVisible();
  await dialog.locator('input[type="file"]').setInputFiles({ name: "clients.csv", mimeType: "text/csv", buffer: clientsFile(unique()) });
  await dialog.getByRole("button", { name: "Next: review rows" }).click();
  await expect(dialog.locator(".review-summary")).toContainText("3 valid");
  await dialog.getByRole("button", { name: /^Import \d+/ }).click();
  const result = page.locator(".host-result");
  await expect(result).toContainText("finished: 3 new, 0 updated, 0 unchanged, 1 skipped.");
  const id = await result.getAttribute("data-import");
  const summary = await page.request.post(`${importer}/api/get_import`, {
    headers: { accept: "application/json" },
    form: { import_id: id ?? "" },
  });
  expect(await summary.json()).toMatchObject({ id, inserted: 3, skipped: 1 });
  await page.screenshot({ path: "screenshots/embed-leptos-host.png" });
  // The cancel counter did not move: an import is not a cancel.
  await expect(page.locator(".host-cancelled")).toHaveText("Closed without importing (1).");
});

test("an existing axum app (server/examples/existing_app.rs) mounts the importer with its own sign-in", async ({ page }) => {
  const server = process.env.CSV_IMPORT_BIN ?? path.join(__dirname, "..", "..", "target", "debug", "csv-import");
  const bin = path.join(path.dirname(server), "examples", "existing_app");
  expect(fs.existsSync(bin), "build it first: cargo build -p csv-import --examples").toBe(true);
  const appPort = port + 3;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "csv-import-host-"));
  const host = spawn(bin, [], {
    env: {
      ...process.env,
      ADDR: `127.0.0.1:${appPort}`,
      DATABASE_URL: `sqlite://${path.join(dataDir, "host.db")}`,
      LEPTOS_SITE_ROOT: process.env.LEPTOS_SITE_ROOT ?? path.join(__dirname, "..", "..", "target", "site"),
      RUST_LOG: "warn",
    },
    stdio: "ignore",
  });
  try {
    await expect.poll(async () => (await fetch(`http://127.0.0.1:${appPort}/`).catch(() => null))?.status, { timeout: 20_000 }).toBe(200);
    await page.goto(`http://127.0.0.1:${appPort}/`);
    // The portal's own sign-in; csv-import never asks for a password.
    await page.getByRole("button", { name: "Sign in as Alice Admin" }).click();
    await expect(page.getByText("Signed in as Alice Admin.")).toBeVisible();
    await page.getByRole("button", { name: "Import clients", exact: true }).click();
    const dialog = page.getByRole("dialog", { name: "Import Clients" });
    await expect(dialog).toBeVisible();
    await dialog.locator('input[type="file"]').setInputFiles({ name: "clients.csv", mimeType: "text/csv", buffer: clientsFile(unique()) });
    await dialog.getByRole("button", { name: "Next: review rows" }).click();
    await expect(dialog.locator(".review-summary")).toContainText("3 valid");
    await dialog.getByRole("button", { name: /^Import \d+/ }).click();
    await expect(page.locator("#result")).toHaveText("Imported: 3 new, 0 updated.");
    await page.screenshot({ path: "screenshots/embed-existing-app.png" });
  } finally {
    host.kill();
  }
});
