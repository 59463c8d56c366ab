import { test, expect } from "@playwright/test";
import { signIn } from "./helpers";
import { spawn } from "node:child_process";
import { createServer, Server } from "node:http";
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { AddressInfo } from "node:net";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

// A host's own template, read from `serve --templates DIR`, whose rows go to
// the host's server by webhook: a user imports a file with it through the
// modal, and the receiver (which checks every signature, as EMBEDDING.md
// shows) gets each valid row once, normalised; the invalid row stays behind.

const secretBytes = randomBytes(24);
const SECRET = `whsec_${secretBytes.toString("base64")}`;

type Received = { id: string; rows: { row: number; values: Record<string, string | null> }[] };

// The host's receiver: signature checked, a batch id applied once.
function receiver(): Promise<{ url: string; received: Received[]; forged: number; server: Server }> {
  const received: Received[] = [];
  const state = { forged: 0 };
  const server = createServer(async (req, res) => {
    let body = "";
    for await (const chunk of req) body += chunk;
    const id = String(req.headers["webhook-id"] ?? "");
    const ts = String(req.headers["webhook-timestamp"] ?? "");
    const expected = createHmac("sha256", secretBytes).update(`${id}.${ts}.${body}`).digest();
    const signed = String(req.headers["webhook-signature"] ?? "")
      .split(" ")
      .some((s) => {
        const given = Buffer.from(s.replace(/^v1,/, ""), "base64");
        return s.startsWith("v1,") && given.length === expected.length && timingSafeEqual(given, expected);
      });
    if (!signed) {
      state.forged++;
      res.writeHead(401).end();
      return;
    }
    if (!received.some((r) => r.id === id)) received.push({ id, rows: JSON.parse(body).data.rows });
    res.writeHead(200, { "content-type": "application/json" }).end("{}");
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}/rows`,
        received,
        get forged() {
          return state.forged;
        },
        server,
      });
    }),
  );
}

function template(url: string): string {
  return `name = "host-contacts"
label = "Host contacts"
description = "Contacts the host application keeps in its own database."
destination = "webhook"
key = ["email"]

[[fields]]
key = "email"
label = "Email"
type = "email"
required = true
unique = true

[[fields]]
key = "name"
label = "Full name"
required = true
synonyms = ["Name", "Nom"]

[webhook]
url = "${url}"
`;
}

test("a host template from --templates DIR imports through the modal into the host's webhook", async ({ page }) => {
  test.setTimeout(120_000);
  const hook = await receiver();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "csv-import-host-"));
  fs.mkdirSync(path.join(dir, "templates"));
  fs.writeFileSync(path.join(dir, "templates", "contacts.toml"), template(hook.url));
  const port = Number(process.env.E2E_PORT ?? 3100) + 5;
  const bin = process.env.CSV_IMPORT_BIN ?? path.join(__dirname, "..", "..", "target", "debug", "csv-import");
  const server = spawn(bin, ["serve", "--demo", "--addr", `127.0.0.1:${port}`, "--templates", path.join(dir, "templates")], {
    cwd: path.join(__dirname, "..", ".."),
    env: {
      ...process.env,
      DATABASE_URL: `sqlite://${path.join(dir, "host.db")}`,
      CSV_IMPORT_WEBHOOK_SECRET: SECRET,
      LEPTOS_OUTPUT_NAME: process.env.LEPTOS_OUTPUT_NAME ?? "csv-import",
      LEPTOS_SITE_ROOT: process.env.LEPTOS_SITE_ROOT ?? path.join(__dirname, "..", "..", "target", "site"),
      LEPTOS_SITE_PKG_DIR: "pkg",
      RUST_LOG: "warn",
    },
    stdio: "ignore",
  });
  const origin = `http://127.0.0.1:${port}`;
  try {
    await expect.poll(async () => (await fetch(`${origin}/healthz`).catch(() => null))?.status, { timeout: 30_000 }).toBe(200);
    await signIn(page, "admin@acme.test", { origin });
    // The host's page opens the importer for its template by name.
    await page.evaluate(async () => {
      const { CsvImport } = await import("/csv-import/embed.js");
      (window as unknown as { done: Promise<unknown> }).done = CsvImport.open({ template: "host-contacts" });
    });
    const dialog = page.getByRole("dialog", { name: /Host contacts/ });
    await expect(dialog).toBeVisible();
    const file = [
      "Email,Name",
      "Ann.Lee@Example.com,Ann Lee",
      "bruno@example.es,Bruno Díaz",
      "not-an-email,Nobody",
      "chloe@example.fr,Chloé Martin",
    ].join("\r\n");
    await dialog.locator('input[type="file"]').setInputFiles({ name: "contacts.csv", mimeType: "text/csv", buffer: Buffer.from(file, "utf8") });
    const next = dialog.getByRole("button", { name: "Next: review rows" });
    const summary = dialog.locator(".review-summary");
    await Promise.race([next.waitFor(), summary.waitFor()]);
    if (await next.isVisible()) await next.click();
    await expect(summary).toContainText("3 valid");
    await expect(summary).toContainText("1 with errors");
    await dialog.getByRole("button", { name: "Import 3 valid rows, skip 1", exact: true }).click();
    await expect(dialog.locator('[data-count="inserted"]')).toHaveText("3", { timeout: 60_000 });
    await page.screenshot({ path: "screenshots/host-webhook-done.png" });

    // Each valid row reached the host once, normalised; nothing unsigned was sent.
    const rows = hook.received.flatMap((r) => r.rows);
    expect(rows.map((r) => r.values.email).sort()).toEqual(["ann.lee@example.com", "bruno@example.es", "chloe@example.fr"]);
    expect(rows.find((r) => r.values.email === "chloe@example.fr")).toMatchObject({ row: 4, values: { name: "Chloé Martin" } });
    expect(hook.forged).toBe(0);
  } finally {
    server.kill();
    hook.server.close();
  }
});
