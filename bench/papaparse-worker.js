// The comparison side of the browser benchmark: Papa Parse (from npm) in a
// Web Worker, plus the rules of the built-in `clients` template
// (templates/clients.toml) written in plain JavaScript, applied to every row
// as csv-import's engine applies them: headers mapped by name, cells trimmed,
// formula and HTML-tag checks, `first_name` required, lengths, email syntax
// (lowercased when it has capitals), phone syntax (7 to 15 digits, spaces
// tidied), unique emails ignoring case, and the normalised rows kept, as the
// modal keeps them for its grid.
//
// Message in: { file } (a File). Message out: { rows, valid, invalid, ms }.

importScripts("/__bench/papaparse.min.js");

const FIELDS = [
  { key: "first_name", header: "first name", required: true, max: 100, kind: "text" },
  { key: "last_name", header: "last name", max: 100, kind: "text" },
  { key: "email", header: "email", unique: true, kind: "email" },
  { key: "phone", header: "phone", kind: "phone" },
  { key: "company", header: "company", max: 200, kind: "text" },
];

const TRIGGERS = new Set(["=", "+", "-", "@"]);

function dangerous(raw, kind) {
  const first = raw[0];
  const plainStart = first !== undefined && !/\s/.test(first) && !TRIGGERS.has(first);
  if (kind !== "phone" && !plainStart) {
    const lead = raw.replace(/^ +/, "")[0];
    if (lead !== undefined && (TRIGGERS.has(lead) || lead === "\t" || lead === "\r")) {
      return `starts with '${lead}', which a spreadsheet would run as a formula`;
    }
    const trimmed = raw.trimStart()[0];
    if (trimmed !== undefined && TRIGGERS.has(trimmed)) {
      return `starts with '${trimmed}', which a spreadsheet would run as a formula`;
    }
  }
  if (raw.includes("<") && /<[a-zA-Z\/!?]/.test(raw)) {
    return "contains an HTML tag";
  }
  return null;
}

const LOCAL = /^[A-Za-z0-9.!#$%&'*+\/=?^_`{|}~-]+$/;

// The email as stored (lowercased if it has capitals), or null if invalid.
function email(s) {
  const at = s.indexOf("@");
  if (at <= 0 || !LOCAL.test(s.slice(0, at))) return null;
  const domain = s.slice(at + 1);
  const labels = domain.split(".");
  if (labels.length < 2) return null;
  for (const label of labels) {
    if (label.length === 0 || label.length > 63) return null;
    if (label[0] === "-" || label[label.length - 1] === "-") return null;
    if (!/^[A-Za-z0-9-]+$/.test(label)) return null;
  }
  return /[A-Z]/.test(s) ? s.toLowerCase() : s;
}

// The phone as stored (white space tidied), or null if invalid.
function phone(s) {
  const letter = s.search(/[A-Za-z]/);
  const main = letter >= 0 ? s.slice(0, letter) : s;
  const extension = letter >= 0 ? s.slice(letter) : null;
  if (extension !== null && !/^(x|ext\.?|extension)\s*\d{1,10}$/i.test(extension)) return null;
  let digits = 0;
  let open = false;
  for (let i = 0; i < main.length; i++) {
    const c = main[i];
    if (c >= "0" && c <= "9") digits++;
    else if (c === "+") {
      if (i !== 0) return null;
    } else if (c === "(") {
      if (open) return null;
      open = true;
    } else if (c === ")") {
      if (!open) return null;
      open = false;
    } else if (c === "-" || c === "." || c === "/") {
      if (i === 0) return null;
    } else if (!/\s/.test(c)) return null;
  }
  if (open || digits < 7 || digits > 15) return null;
  return /\s\s|[^\S ]/.test(s) ? s.split(/\s+/).filter(Boolean).join(" ") : s;
}

self.onmessage = (event) => {
  const started = performance.now();
  const { file } = event.data;
  let columns = null; // field index -> column index
  const seen = new Map();
  const kept = [];
  let rows = 0;
  let valid = 0;
  let invalid = 0;
  let errors = 0;

  function checkRow(cells) {
    rows++;
    const values = new Array(FIELDS.length);
    const problems = [];
    for (let f = 0; f < FIELDS.length; f++) {
      const field = FIELDS[f];
      const raw = columns[f] >= 0 ? cells[columns[f]] ?? "" : "";
      const s = raw.trim();
      if (s === "") {
        if (field.required) problems.push(`${field.key}: required`);
        values[f] = null;
        continue;
      }
      const danger = dangerous(raw, field.kind);
      if (danger) {
        problems.push(`${field.key}: ${danger}`);
        continue;
      }
      let value = s;
      if (field.kind === "email") value = email(s);
      else if (field.kind === "phone") value = phone(s);
      if (value === null) {
        problems.push(`${field.key}: invalid ${field.kind}`);
        continue;
      }
      if (field.max && [...value].length > field.max) {
        problems.push(`${field.key}: longer than ${field.max}`);
        continue;
      }
      values[f] = value;
    }
    {
      // As the engine does: the first row with a value holds it, even if
      // the row is invalid for another reason.
      for (let f = 0; f < FIELDS.length; f++) {
        if (!FIELDS[f].unique || values[f] === null || values[f] === undefined) continue;
        const key = values[f].toLowerCase();
        const first = seen.get(key);
        if (first !== undefined) problems.push(`${FIELDS[f].key}: same as row ${first}`);
        else seen.set(key, rows);
      }
    }
    if (problems.length === 0) {
      valid++;
      kept.push(values);
    } else {
      invalid++;
      errors += problems.length;
    }
  }

  Papa.parse(file, {
    skipEmptyLines: true,
    chunk(results) {
      let data = results.data;
      if (columns === null) {
        const headers = data[0].map((h) => h.trim().toLowerCase());
        columns = FIELDS.map((f) => headers.indexOf(f.header));
        data = data.slice(1);
      }
      for (const cells of data) checkRow(cells);
    },
    complete() {
      self.postMessage({ rows, valid, invalid, errors, kept: kept.length, ms: performance.now() - started });
    },
    error(err) {
      self.postMessage({ error: String(err) });
    },
  });
};
