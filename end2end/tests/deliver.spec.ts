import { test, expect, Page } from "@playwright/test";
import * as http from "node:http";

// Browser delivery: a page on another origin gives the importer its own
// template (as JSON) and takes the valid rows itself, batch by batch, with
// back-pressure. Nobody signs in, and nothing reaches the importer's server
// but its static files.

const port = Number(process.env.E2E_PORT ?? 3100);
const importer = `http://127.0.0.1:${port}`;
// The origin the test server's allow-list has for pages that embed it.
const hostPort = port + 4;

const page_html = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Contacts</title></head>
<body>
  <h1>Contacts</h1>
  <button id="open" type="button">Import contacts</button>
  <p id="log"></p>
  <script type="module">
    import { CsvImport } from "${importer}/csv-import/embed.js";
    const schema = {
      name: "contacts",
      label: "Contacts",
      fields: [
        { key: "email", label: "Email", type: "email", required: true, unique: true },
        { key: "name", label: "Name", required: true },
        { key: "since", label: "Customer since", type: "date", formats: ["DD/MM/YYYY"] },
      ],
    };
    window.stored = [];
    window.batches = [];
    window.busy = 0;
    window.mostAtOnce = 0;
    window.failAt = null;
    document.getElementById("open").addEventListener("click", async () => {
      const result = await CsvImport.open({
        schema,
        mode: "deliver",
        lang: "en",
        // A slow store: the next batch must wait for this one.
        onRows: async (batch) => {
          window.busy += 1;
          window.mostAtOnce = Math.max(window.mostAtOnce, window.busy);
          await new Promise((done) => setTimeout(done, 150));
          window.busy -= 1;
          if (batch.seq === window.failAt) throw new Error("The contacts store is full.");
          window.batches.push({ seq: batch.seq, count: batch.rows.length, last: batch.last, template: batch.template, fileName: batch.fileName });
          window.stored.push(...batch.rows);
        },
      });
      window.result = result;
      document.getElementById("log").textContent = result ? "Stored " + result.inserted + " contacts." : "Nothing stored.";
    });
  </script>
</body>
</html>`;

let host: http.Server;
test.beforeAll(async () => {
  host = http.createServer((_req, res) => {
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    res.end(page_html);
  });
  await new Promise<void>((resolve) => host.listen(hostPort, "127.0.0.1", () => resolve()));
});
test.afterAll(() => host?.close());

function contactsFile(rows: number) {
  const lines = ["Email,Name,Customer since"];
  for (let i = 1; i <= rows; i++) {
    // Row 7 has no @; the others are valid, emails in capitals, dates in the French order.
    const email = i === 7 ? "not-an-email" : `Person.${i}@Example.COM`;
    lines.push(`${email},Person ${i},0${1 + (i % 9)}/12/2025`);
  }
  return Buffer.from(lines.join("\r\n"), "utf8");
}

async function openAndReview(page: Page, rows: number) {
  await page.goto(`http://127.0.0.1:${hostPort}/`);
  await page.locator("#open").click();
  const dialog = page.getByRole("dialog", { name: "Import Contacts" });
  await expect(dialog).toBeVisible();
  // The sample file is made in the browser from the page's template.
  const sample = dialog.getByRole("link", { name: /sample/i });
  await expect(sample).toHaveAttribute("href", /^data:text\/csv;charset=utf-8,Email%2CName%2CCustomer%20since/);
  await dialog.locator('input[type="file"]').setInputFiles({ name: "contacts.csv", mimeType: "text/csv", buffer: contactsFile(rows) });
  await expect(dialog.locator(".steps li.current")).toContainText("Map columns");
  await dialog.getByRole("button", { name: "Next: review rows" }).click();
  await expect(dialog.locator(".review-summary")).toContainText(`${(rows - 1).toLocaleString("en-US")} valid`);
  return dialog;
}

test("a page takes the valid rows itself, batch by batch, and nothing goes to the importer's server", async ({ page }) => {
  const calls: string[] = [];
  page.on("request", (r) => {
    if (r.url().startsWith(importer) && !/\/csv-import\/(embed\.(js|css)|import-worker\.js|pkg\/)/.test(r.url())) calls.push(r.url());
  });
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(String(e)));

  const dialog = await openAndReview(page, 1_200);
  await page.screenshot({ path: "screenshots/deliver-review.png" });
  await dialog.getByRole("button", { name: /^Import 1,199 valid rows/ }).click();
  await expect(dialog.locator(".result-headline")).toContainText("1,199");
  await expect(dialog.locator('[data-count="skipped"]')).toHaveText("1");
  await expect(dialog.locator(".skipped-rows")).toContainText("Row 7");
  await page.screenshot({ path: "screenshots/deliver-done.png" });
  await dialog.getByRole("button", { name: "Close", exact: true }).click();
  await expect(page.locator("#log")).toHaveText("Stored 1199 contacts.");

  const got = await page.evaluate(() => ({
    batches: (window as any).batches,
    stored: (window as any).stored,
    mostAtOnce: (window as any).mostAtOnce,
    result: (window as any).result,
  }));
  expect(got.batches.map((b: any) => [b.seq, b.count, b.last])).toEqual([
    [0, 500, false],
    [1, 500, false],
    [2, 199, true],
  ]);
  expect(got.batches[0]).toMatchObject({ template: "contacts", fileName: "contacts.csv" });
  expect(got.mostAtOnce).toBe(1);
  expect(got.stored.length).toBe(1_199);
  // Normalised values, by field key, with the file's row number.
  expect(got.stored[0]).toEqual({ row: 1, email: "person.1@example.com", name: "Person 1", since: "2025-12-02" });
  expect(got.stored.some((r: any) => r.row === 7)).toBe(false);
  expect(got.result).toMatchObject({ template: "contacts", inserted: 1_199, skipped: 1, totalRows: 1_200 });
  expect(calls).toEqual([]);
  expect(errors).toEqual([]);
});

test("a page that cannot store a batch stops the import with its own message", async ({ page }) => {
  const dialog = await openAndReview(page, 1_200);
  await page.evaluate(() => ((window as any).failAt = 1));
  await dialog.getByRole("button", { name: /^Import 1,199 valid rows/ }).click();
  await expect(dialog.getByRole("alert")).toContainText("The page took 500 rows and then stopped the import: The contacts store is full.");
  const stored = await page.evaluate(() => (window as any).stored.length);
  expect(stored).toBe(500);
});
