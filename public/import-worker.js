// The Web Worker that reads, checks and keeps an import's file, so the page
// never freezes and never holds the rows. It loads its own wasm, the engine
// without the page's UI (worker/src/lib.rs), and calls its exports: begin_file,
// feed_file, rows_read, finish_file, handle and release.
//
// Message protocol. Every message from the page has a numeric `id` and a
// `type`; every answer carries the same `id`. Messages are handled one at a
// time, in order.
//
//   page -> worker  { id, type: "analyze", file, template, options, chunkSize? }
//       file: a File (or Blob), read here in slices of `chunkSize` bytes
//       (default 4 MiB) with file.slice(a, b).arrayBuffer(): the whole file
//       is never copied. template, options: JSON strings (the template, and
//       app::analysis::CheckOptions). Replaces any file read before.
//   worker -> page  { id, type: "progress", phase, bytesRead, totalBytes, rows, percent }
//       phase: "reading" (bytes of the file read, 0-50%, before its first
//       rows), "parsing" (the same, once rows were parsed: each slice is
//       decoded and its rows parsed as it comes) or "checking" (rows
//       checked, 50-100%). percent: 0-100.
//   worker -> page  { id, type: "done", ok: true, json, wasmMemoryBytes, rows, millis, stages }
//       json: the file's summary (app::analysis::Summary: counts, columns,
//       file errors, numbers of the rows with errors; never the rows).
//       wasmMemoryBytes: the wasm memory's size now; it only grows, so it is
//       the peak memory of the worker's wasm. rows: data rows read.
//       millis: time from the first slice to the summary. stages: where
//       it went, in milliseconds: `read` (waiting for the file's slices),
//       `feed` (copying them into the wasm, decoding, parsing and storing
//       the rows), `check` (mapping and checking the rows, the summary).
//   page -> worker  { id, type: "request", json }
//       json: an app::analysis::Request (tagged by "type": "check", "rows",
//       "edit", "error_report", "references", "key_values", "existing",
//       "skipped", "start_commit", "next_batch") about the file read last.
//   worker -> page  { id, type: "reply", ok: true, json }
//       json: the answer (see Request's variants).
//   worker -> page  { id, type: "done" | "reply", ok: false, error }
//       error: why it failed, for a person.
//
// Cancel: the page terminates the worker (Worker.terminate()), which stops
// it at once whatever it is doing and frees its memory; it then starts a
// new one for the next file.

// Paths are relative to this file, so that it works wherever csv-import is
// mounted (`/` or, say, `/csv-import/`).
import init, { begin_file, feed_file, finish_file, handle, release, rows_read } from "./pkg/csv-import-worker.js";

const ready = init({ module_or_path: new URL("./pkg/csv-import-worker_bg.wasm", import.meta.url) });
const CHUNK = 4 * 1024 * 1024;

// One message at a time: a request waits for the file being read.
let queue = Promise.resolve();

self.onmessage = (event) => {
  const message = event.data;
  queue = queue.then(() => run(message));
};

async function run(message) {
  const { id, type } = message;
  try {
    const wasm = await ready;
    if (type === "analyze") {
      await analyze(id, message, wasm);
    } else if (type === "request") {
      const json = handle(message.json);
      self.postMessage({ id, type: "reply", ok: true, json });
      // What a change replaced is freed once its answer is on its way.
      release();
    } else {
      throw new Error(`unknown message type ${type}`);
    }
  } catch (error) {
    const answer = type === "analyze" ? "done" : "reply";
    self.postMessage({ id, type: answer, ok: false, error: String((error && error.message) || error) });
  }
}

async function analyze(id, { file, template, options, chunkSize }, wasm) {
  const started = performance.now();
  const size = file.size;
  const step = Math.max(1, chunkSize || CHUNK);
  let rows = 0;
  const progress = (phase, rowsSoFar, percent, bytesRead) => {
    self.postMessage({ id, type: "progress", phase, bytesRead, totalBytes: size, rows: rowsSoFar, percent });
  };
  const stages = { read: 0, feed: 0, check: 0 };
  begin_file(template, options, size);
  progress("reading", 0, 0, 0);
  for (let at = 0; at < size; at += step) {
    const end = Math.min(size, at + step);
    let mark = performance.now();
    const bytes = new Uint8Array(await file.slice(at, end).arrayBuffer());
    stages.read += performance.now() - mark;
    mark = performance.now();
    const readable = feed_file(bytes);
    stages.feed += performance.now() - mark;
    rows = rows_read();
    progress(rows > 0 ? "parsing" : "reading", rows, (50 * end) / size, end);
    // A file that is not text (a workbook, an image) is refused from its first bytes.
    if (!readable) break;
  }
  const mark = performance.now();
  const json = finish_file((rowsSoFar, fraction) => {
    rows = rowsSoFar;
    progress("checking", rowsSoFar, 50 + 50 * fraction, size);
  });
  stages.check = performance.now() - mark;
  self.postMessage({
    id,
    type: "done",
    ok: true,
    json,
    rows,
    wasmMemoryBytes: wasm.memory.buffer.byteLength,
    millis: performance.now() - started,
    stages,
  });
}
