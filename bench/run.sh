#!/usr/bin/env bash
# `make bench`: every benchmark of csv-import in one run, then a summary of
# `name: value` lines (BENCHMARKS.md says what each one is and how it went).
#
# 1. the data: clients files of 5k, 10k, 100k and 1M rows, about 5% invalid,
#    written once under target/bench-data by core's benchmark generator;
# 2. native: core's pipeline next to a bare csv parse (core/benches/pipeline.rs);
# 3. commit: the server's commit path next to sqlite3 .import and psql \copy
#    on the same rows, into a plain table and into the real clients table
#    (server/examples/bench_commit.rs, release build);
# 4. review: bulk fixes, undo and redo on 1M rows in the worker's session,
#    natively (engine/examples/bench_bulk_fix.rs, release build);
# 5. browser: the release site in headless Chromium (bench/browser.mjs).
#
# Environment: BENCH_COMMIT_FILE (default the 100k file), BENCH_DATABASE_URL
# (PostgreSQL, default postgres://postgres@127.0.0.1:5432/test), BENCH_PORT
# (default 3210), BENCH_SKIP_SITE_BUILD=1 to use an existing release build.
set -uo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
target="${CARGO_TARGET_DIR:-$root/target}"
data="$target/bench-data"
out="$(mktemp -d "${TMPDIR:-/tmp}/csv-import-bench.XXXXXX")"
trap 'rm -rf "$out"' EXIT

step() { printf '\n== %s\n' "$*"; }

step "data: $data"
CSV_IMPORT_BENCH_DATA="$data" cargo bench -q -p csv-import-core --bench pipeline || echo "data generation failed"

step "native: cargo bench -p csv-import-core --bench pipeline"
cargo bench -q -p csv-import-core --bench pipeline 2>&1 | tee "$out/native.txt" || true

step "workbook: the 100,000-row file as an .xlsx written by LibreOffice, read and checked natively"
xlsx="$data/clients-100000.xlsx"
if [ ! -f "$xlsx" ] && command -v soffice >/dev/null && [ -f "$data/clients-100000.csv" ]; then
  soffice -env:UserInstallation=file://"$out"/lo --headless --convert-to xlsx --outdir "$data" "$data/clients-100000.csv" >/dev/null 2>&1 || true
fi
if [ -f "$xlsx" ]; then
  CSV_IMPORT_BENCH_XLSX="$xlsx" cargo bench -q -p csv-import-core --bench workbook 2>&1 | tee "$out/workbook.txt" || true
else
  echo "no .xlsx (LibreOffice: apt-get install libreoffice-calc)" | tee "$out/workbook-failed.txt"
fi

step "commit: server commit path vs sqlite3 .import and psql \\copy"
commit_file="${BENCH_COMMIT_FILE:-$data/clients-100000.csv}"
if cargo build -q --release -p csv-import --example bench_commit; then
  "$target/release/examples/bench_commit" "$commit_file" 2>&1 | tee "$out/commit.txt" || true
else
  echo "the commit benchmark did not build" | tee "$out/commit.txt"
fi

step "review: bulk fixes on 1,000,000 rows in the worker's session (native)"
if cargo build -q --release -p csv-import-engine --example bench_bulk_fix; then
  "$target/release/examples/bench_bulk_fix" 1000000 2>&1 | tee "$out/bulk.txt" || true
else
  echo "the bulk fix benchmark did not build" | tee "$out/bulk.txt"
fi

step "browser: make build-site-release (cargo leptos build --split --release and the worker), then Chromium"
site_ok=1
if [ "${BENCH_SKIP_SITE_BUILD:-}" != 1 ]; then
  make --no-print-directory build-site-release || site_ok=0
fi
if [ "$site_ok" = 1 ] && [ -x "$target/release/csv-import" ]; then
  node bench/browser.mjs --bin "$target/release/csv-import" --site "$target/site" --data "$data" \
    --port "${BENCH_PORT:-3210}" --out "$out/browser.txt" || true
else
  echo "the release site did not build" > "$out/browser-failed.txt"
fi

# The figure `name` from the outputs, or `n/a (why)`.
figure() {
  local name="$1" why="$2" line
  line="$(cat "$out"/*.txt 2>/dev/null | grep -E "^${name}: " | tail -n 1)"
  if [ -n "$line" ]; then echo "$line"; else echo "$name: n/a ($why)"; fi
}

step "summary ($(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo), $(date -u +%Y-%m-%dT%H:%MZ))"
browser_why="the browser benchmark did not run"
[ -f "$out/browser-failed.txt" ] && browser_why="the release site did not build"
figure native_validate_over_parse "the native benchmark failed"
for name in workbook_open_ms workbook_rows_ms workbook_check_ms workbook_rows_per_s_native; do
  figure "$name" "no .xlsx was written (LibreOffice missing?)"
done
for name in browser_rows_per_s_wasm browser_rows_per_s_papaparse browser_vs_papaparse_ratio \
  worker_read_ms worker_parse_store_ms worker_check_ms max_main_thread_task_ms peak_worker_memory_mb; do
  figure "$name" "$browser_why"
done
for name in commit_rows_per_s_sqlite sqlite_import_rows_per_s commit_vs_bulk_sqlite bulk_key_index_vs_plain_sqlite \
  sqlite_import_indexed_rows_per_s commit_vs_bulk_indexed_sqlite commit_vs_bulk_indexed_batched_sqlite \
  recommit_rows_per_s_sqlite \
  commit_rows_per_s_postgres postgres_copy_rows_per_s commit_vs_bulk_postgres bulk_key_index_vs_plain_postgres \
  postgres_copy_indexed_rows_per_s commit_vs_bulk_indexed_postgres commit_vs_bulk_indexed_batched_postgres \
  recommit_rows_per_s_postgres \
  job_rows_per_s_sqlite job_rows_per_s_postgres wire_json_mb wire_json_decode_s; do
  figure "$name" "the commit benchmark failed"
done
for name in bulk_fix_1m_rows_ms bulk_offers_ms bulk_undo_ms; do
  figure "$name" "the bulk fix benchmark failed"
done
for name in bulk_fix_1m_rows_browser_ms bulk_undo_1m_rows_browser_ms \
  e2e_5000_rows_ms e2e_1m_rows_s bundle_gzip_kb bundle_page_gzip_kb bundle_modal_gzip_kb bundle_worker_gzip_kb bundle_embed_gzip_kb browser_xlsx_100k_review_ms browser_xlsx_max_main_thread_task_ms; do
  figure "$name" "$browser_why"
done
