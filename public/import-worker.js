// The Web Worker that reads and checks CSV files, so the page never freezes.
// It loads the same wasm as the page and calls its `analyze_file` export.
import init, { analyze_file } from "/pkg/csv-import.js";

const ready = init({ module_or_path: "/pkg/csv-import.wasm" });

self.onmessage = async (event) => {
  const { bytes, template, options } = event.data;
  try {
    await ready;
    const json = analyze_file(bytes, template, options);
    self.postMessage({ ok: true, json });
  } catch (error) {
    self.postMessage({ ok: false, error: String((error && error.message) || error) });
  }
};
