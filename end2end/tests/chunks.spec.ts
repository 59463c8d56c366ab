import { test, expect, Request } from "@playwright/test";
import { signIn } from "./helpers";

// The page's wasm is cut into chunks: a page fetches its own view's chunk
// (and what it shares with others), not the import modal's nor the other
// pages'; the modal's chunk comes when a user first presses Import, with a
// loading text while it arrives, and the modal then works as before.

// `cargo leptos build --split` names a chunk after the lazy function it
// holds: `split_<function>_<hash>.wasm`, a page's view being `__<page>_view`.
const chunk = (url: string) => new URL(url).pathname.match(/\/pkg\/split_(.+?)_\d+\.wasm$/)?.[1];

test("a page loads its own chunk, and the modal's chunk comes with the first Import", async ({ page, browser }) => {
  // A signed-in user opens /clients in a browser that has nothing cached.
  await signIn(page, "admin@acme.test");
  const state = await page.context().storageState();
  const fresh = await browser.newContext({ storageState: state });
  const user = await fresh.newPage();
  const fetched: string[] = [];
  user.on("request", (request: Request) => {
    const name = chunk(request.url());
    if (name) fetched.push(name);
  });

  await user.goto("/clients");
  await expect(user.locator("body")).toHaveAttribute("data-hydrated", "true");
  await user.waitForLoadState("networkidle");
  expect(fetched.filter((name) => name.endsWith("_view") && name.startsWith("__"))).toEqual(["__clients_view"]);
  expect(fetched.some((name) => name.startsWith("modal_view"))).toBe(false);

  // The Import button works once hydrated, and brings the modal's chunk;
  // on a slow network the user is told it is coming.
  let release = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  await user.route(/\/pkg\/split_modal_view_\d+\.wasm$/, async (route) => {
    await held;
    await route.continue();
  });
  await user.getByRole("button", { name: "Import", exact: true }).click();
  const loading = user.locator(".modal-loading");
  await expect(loading).toHaveText("Loading…");
  await user.screenshot({ path: "screenshots/chunks-modal-loading.png" });
  release();
  const dialog = user.getByRole("dialog");
  await expect(dialog).toBeVisible();
  await expect(dialog.getByRole("heading", { name: "Import Clients" })).toBeVisible();
  await expect(loading).toHaveCount(0);
  expect(fetched.some((name) => name.startsWith("modal_view"))).toBe(true);

  // A page reached by the navigation fetches its own chunk then.
  await dialog.getByRole("button", { name: "Close dialog" }).click();
  await expect(dialog).toBeHidden();
  await user.getByRole("link", { name: "Tags" }).click();
  await user.waitForURL("**/tags");
  await expect(user.locator('tr[data-tag="vip"]')).toBeVisible();
  expect(fetched).toContain("__tags_view");
  await fresh.close();
});
