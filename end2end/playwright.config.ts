import { defineConfig } from "@playwright/test";
import * as os from "node:os";
import * as path from "node:path";
import * as fs from "node:fs";

// The server under test: the debug binary `make test` builds, on its own
// port, with a fresh SQLite file per run.
const port = Number(process.env.E2E_PORT ?? 3100);
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "csv-import-e2e-"));
const bin = process.env.CSV_IMPORT_BIN ?? path.join(__dirname, "..", "target", "debug", "csv-import");

export default defineConfig({
  testDir: "./tests",
  timeout: 60_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [["list"]],
  outputDir: "./test-results",
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    acceptDownloads: true,
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-quic",
        "--no-first-run",
      ],
    },
  },
  webServer: {
    // Demo mode (opt-in): the specs sign in with the demo accounts.
    command: `${bin} serve --demo --addr 127.0.0.1:${port}`,
    cwd: path.join(__dirname, ".."),
    url: `http://127.0.0.1:${port}/healthz`,
    timeout: 60_000,
    reuseExistingServer: false,
    env: {
      DATABASE_URL: `sqlite://${path.join(dataDir, "e2e.db")}`,
      LEPTOS_OUTPUT_NAME: process.env.LEPTOS_OUTPUT_NAME ?? "csv-import",
      LEPTOS_SITE_ROOT: process.env.LEPTOS_SITE_ROOT ?? path.join(__dirname, "..", "target", "site"),
      LEPTOS_SITE_PKG_DIR: "pkg",
      // The partner portal of embed.spec.ts is served on the next port, the
      // page of deliver.spec.ts four ports on.
      CSV_IMPORT_ALLOWED_ORIGINS: `http://127.0.0.1:${port + 1},http://127.0.0.1:${port + 4}`,
      RUST_LOG: "warn",
    },
  },
});
