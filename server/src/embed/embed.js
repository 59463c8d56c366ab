// csv-import for any web page: the <csv-import> element and CsvImport.open().
//
//   <script type="module" src="https://app.example.com/csv-import/embed.js"></script>
//   <csv-import template="clients" workspace="acme" mode="import" lang="fr">Import clients</csv-import>
//
// The element shows a button (its text is the element's content) that opens
// the import modal. It loads the wasm itself, from where this file is served.
// Events (they bubble, and cross shadow roots):
//   csv-import:complete  detail: { importId, template, fileName, state, job,
//                                  totalRows, inserted, updated, unchanged, skipped }
//   csv-import:cancel    detail: { template, mode }  (closed without importing)
//   csv-import:close     detail: { template, mode }  (the modal closed)
//   csv-import:error     detail: { message }        (the importer could not start or open:
//                                                   an unknown template, another workspace,
//                                                   no session; the modal says so too)
//   csv-import:rows      detail: { template, fileName, seq, rows, last, waitUntil(promise) }
//                        mode="deliver" only: a batch of valid rows for the page to store
//                        itself; the next batch waits for the promises given to waitUntil
//                        (and for onRows); a rejection stops the import with its message.
// mode="deliver" and mode="preview" take the page's own template as JSON
// (element.schema = {...}, or a schema attribute): nothing is sent to the
// importer's server, and no sign-in is needed.
// Everything renders in a shadow root: the page's styles do not reach it and
// its styles do not reach the page. Theme it with --csv-import-* custom
// properties, and theme="dark" | "auto" | "light" (see EMBEDDING.md). It is
// sized from its own font size (--csv-import-font-size, else the browser's
// default), not from the page's root font size.

const BASE = new URL(".", import.meta.url).href;
const ORIGIN = new URL(BASE).origin;

let loading = null;

/** The wasm module, loaded once per page. */
function load() {
  if (!loading) {
    loading = (async () => {
      sendCredentials();
      const module = await import(BASE + "pkg/csv-import-embed.js");
      await module.default({ module_or_path: BASE + "pkg/csv-import-embed_bg.wasm" });
      return module;
    })();
    loading.catch(() => {
      loading = null;
    });
  }
  return loading;
}

/**
 * On a page of another origin, the importer's requests to its server carry
 * the user's cookies (the server answers only origins on its allow-list).
 * Only requests under the importer's own address are changed, and only
 * those that left credentials at their default: a request that says
 * `credentials: "omit"` keeps it.
 */
function sendCredentials() {
  if (ORIGIN === location.origin || window.__csvImportCredentials) return;
  window.__csvImportCredentials = true;
  const pageFetch = window.fetch;
  window.fetch = function (input, init) {
    const url = input instanceof Request ? input.url : String(input instanceof URL ? input.href : input);
    if (url.startsWith(BASE) && (init == null || init.credentials == null)) {
      if (input instanceof Request) {
        if (input.credentials === "same-origin") return pageFetch.call(this, new Request(input, { credentials: "include" }), init);
      } else {
        return pageFetch.call(this, input, { ...init, credentials: "include" });
      }
    }
    return pageFetch.call(this, input, init);
  };
}

const SHADOW = `
  <link rel="stylesheet" href="${BASE}pkg/csv-import.css">
  <link rel="stylesheet" href="${BASE}embed.css">
  <div class="csv-import-root" part="root" style="visibility: hidden">
    <button type="button" class="csv-import-launch" part="button"><slot></slot></button>
    <div class="csv-import-mount"></div>
  </div>`;

class CsvImportElement extends HTMLElement {
  static observedAttributes = ["lang"];

  constructor() {
    super();
    this.attachShadow({ mode: "open" }).innerHTML = SHADOW;
    this._button = this.shadowRoot.querySelector(".csv-import-launch");
    this._mount = this.shadowRoot.querySelector(".csv-import-mount");
    this._mounted = null;
    this._button.addEventListener("click", () => this.open());
    // Shown once its own styles are in, never half-styled.
    const root = this.shadowRoot.querySelector(".csv-import-root");
    const sheets = [...this.shadowRoot.querySelectorAll("link[rel=stylesheet]")].map(
      (link) =>
        new Promise((done) => {
          link.addEventListener("load", done);
          link.addEventListener("error", done);
        }),
    );
    Promise.all(sheets).then(() => root.style.removeProperty("visibility"));
  }

  connectedCallback() {
    if (!this.textContent.trim() && !this._button.querySelector(".csv-import-default")) {
      const label = document.createElement("span");
      label.className = "csv-import-default";
      label.textContent = this.getAttribute("lang")?.toLowerCase().startsWith("fr") ? "Importer" : "Import";
      this._button.replaceChildren(label);
    }
    if (this.hasAttribute("no-button")) this._button.hidden = true;
    // Start loading early: the first click then opens at once.
    load().catch(() => {});
  }

  disconnectedCallback() {
    this.close();
  }

  /** The page's own template (the server's format, as JSON), if any. */
  get schema() {
    if (this._schema) return this._schema;
    const text = this.getAttribute("schema");
    return text ? JSON.parse(text) : null;
  }

  set schema(value) {
    this._schema = value || null;
  }

  /** The options the element's attributes give. */
  options() {
    const mode = (this.getAttribute("mode") || "import").trim();
    const schema = this.schema;
    return {
      template: (this.getAttribute("template") || (schema && schema.name) || "").trim(),
      schema,
      workspace: this.getAttribute("workspace") || null,
      mode,
      lang: this.getAttribute("lang") || null,
      title: this.getAttribute("title") || null,
      base: BASE,
    };
  }

  /** Open the modal. Resolves with the result, or null when closed without importing. */
  async open() {
    if (this._mounted) return this._pending;
    const options = this.options();
    let settle;
    this._pending = new Promise((resolve) => (settle = resolve));
    // Kept for close(): a modal closed by the page still settles and tells.
    this._settle = settle;
    this._about = { template: options.template, mode: options.mode };
    let result = null;
    try {
      if (!options.template) throw new Error('<csv-import> needs a template attribute, e.g. template="clients", or a schema.');
      // A modal dialog under a hidden element would not show, yet would
      // block the page until Escape.
      if (typeof this.checkVisibility === "function" && !this.checkVisibility()) {
        throw new Error("The page hides the <csv-import> element (display: none on it or around it), so the importer cannot show.");
      }
      const module = await load();
      // Closed by the page while the importer was loading: told already.
      if (this._settle !== settle) return this._pending;
      this._mounted = module.mount_import(this._mount, JSON.stringify(options), (kind, json) => {
        const detail = JSON.parse(json);
        const about = { template: options.template, mode: options.mode };
        if (kind === "rows") {
          // The page stores the rows: wait for whoever takes them.
          const waits = [];
          detail.waitUntil = (promise) => waits.push(promise);
          if (typeof this.onRows === "function") waits.push(this.onRows(detail));
          this.dispatch("csv-import:rows", detail);
          return Promise.all(waits);
        }
        if (kind === "complete") {
          result = detail;
          this.dispatch("csv-import:complete", detail);
        } else if (kind === "error") {
          // The modal says why too; the page hears it and may act.
          this.dispatch("csv-import:error", detail);
        } else if (kind === "cancel") {
          this.dispatch("csv-import:cancel", about);
        } else if (kind === "close") {
          // Unmount after the current event has been handled.
          queueMicrotask(() => {
            this._settle = null;
            this.close();
            this.dispatch("csv-import:close", about);
            settle(result);
          });
        }
      });
    } catch (error) {
      this._mounted = null;
      this._settle = null;
      const message = String((error && error.message) || error);
      this.dispatch("csv-import:error", { message });
      settle(null);
    }
    return this._pending;
  }

  /**
   * Close the modal without asking (also when the element leaves the page).
   * The page hears csv-import:cancel and csv-import:close, and open()'s
   * promise settles with null, as when the user closes it.
   */
  close() {
    const mounted = this._mounted;
    const settle = this._settle;
    this._mounted = null;
    this._settle = null;
    if (mounted) mounted.free();
    if (settle) {
      this.dispatch("csv-import:cancel", this._about);
      this.dispatch("csv-import:close", this._about);
      settle(null);
    }
  }

  dispatch(type, detail) {
    this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
  }
}

if (!customElements.get("csv-import")) {
  customElements.define("csv-import", CsvImportElement);
}

/**
 * Open the importer without writing the element in the page:
 *   const result = await CsvImport.open({ template: "clients", workspace: "acme", mode: "import", lang: "en" });
 * Resolves with the result (as in csv-import:complete) or null. Listeners
 * for the events may be passed as onComplete, onCancel, onClose. The page's
 * own template goes in `schema` (for mode "preview" or "deliver"); in mode
 * "deliver", `onRows(batch)` takes each batch of valid rows and returns a
 * promise: the next batch waits for it, and a rejection stops the import. `theme` is
 * "light", "dark" or "auto" (the element's theme attribute), or custom
 * properties ({"--csv-import-accent": "#0b6e4f"}), which may name the
 * scheme too: {theme: "dark", "--csv-import-accent": "#7fd6b5"}.
 */
export const CsvImport = {
  async open({ template, schema, workspace, mode, lang, title, onComplete, onCancel, onClose, onRows, theme } = {}) {
    const element = document.createElement("csv-import");
    if (schema) element.schema = schema;
    if (onRows) element.onRows = onRows;
    const { theme: scheme, ...properties } = typeof theme === "string" ? { theme } : theme || {};
    for (const [name, value] of Object.entries({ template, workspace, mode, lang, title, theme: scheme })) {
      if (value != null) element.setAttribute(name, value);
    }
    element.setAttribute("no-button", "");
    for (const [name, value] of Object.entries(properties)) element.style.setProperty(name, value);
    if (onComplete) element.addEventListener("csv-import:complete", (e) => onComplete(e.detail));
    if (onCancel) element.addEventListener("csv-import:cancel", (e) => onCancel(e.detail));
    if (onClose) element.addEventListener("csv-import:close", (e) => onClose(e.detail));
    document.body.append(element);
    try {
      return await element.open();
    } finally {
      element.remove();
    }
  },
};

window.CsvImport = CsvImport;
export default CsvImport;
