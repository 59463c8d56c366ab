# csv-import: the two commands a newcomer needs are `make run` and `make test`.
# Every target installs what it needs first, and skips what is already there.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

CARGO_LEPTOS_VERSION := 0.3.10
WASM_BINDGEN_VERSION := $(shell awk '/^name = "wasm-bindgen"$$/ {getline; gsub(/"/, "", $$3); print $$3; exit}' Cargo.lock)
CARGO_BIN := $(HOME)/.cargo/bin
TARGET_DIR := $(or $(CARGO_TARGET_DIR),$(CURDIR)/target)
NODE_BIN := $(CURDIR)/end2end/node_modules/.bin
export PATH := $(CARGO_BIN):$(NODE_BIN):$(PATH)

# What the server needs at run time to find the compiled site.
SITE_ENV := LEPTOS_OUTPUT_NAME=csv-import LEPTOS_SITE_ROOT=$(CURDIR)/target/site LEPTOS_SITE_PKG_DIR=pkg

.PHONY: help run test bench soak setup setup-rust setup-node setup-browser setup-sqlite3 test-core test-server test-e2e build-site build-site-release build-worker build-embed

help:
	@echo "make run    build in release and serve on http://127.0.0.1:3000 (SQLite under ./data/)"
	@echo "make test   run every test: core, server (SQLite and PostgreSQL), wasm build, Playwright"
	@echo "make bench  run the benchmarks and print their figures"
	@echo "make soak   load and fault figures of the server on SQLite and PostgreSQL (about 10 minutes)"

## Installs ##################################################################

setup: setup-rust setup-node

setup-rust:
	@rustup target list --installed | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown
	@if ! cargo leptos --version 2>/dev/null | grep -q "$(CARGO_LEPTOS_VERSION)"; then \
		echo "Installing cargo-leptos $(CARGO_LEPTOS_VERSION) (about 16 minutes, once)"; \
		cargo install cargo-leptos@$(CARGO_LEPTOS_VERSION) --locked --features no_downloads; \
	fi
	@if ! wasm-bindgen --version 2>/dev/null | grep -q "$(WASM_BINDGEN_VERSION)"; then \
		echo "Installing wasm-bindgen-cli $(WASM_BINDGEN_VERSION) (about 3 minutes, once)"; \
		cargo install wasm-bindgen-cli --version $(WASM_BINDGEN_VERSION) --force; \
	fi

# Playwright and wasm-opt (npm's binaryen; Debian's is too old).
setup-node:
	@if [ ! -x $(NODE_BIN)/playwright ] || [ ! -x $(NODE_BIN)/wasm-opt ] || \
	    [ end2end/package-lock.json -nt end2end/node_modules/.package-lock.json ]; then \
		cd end2end && npm ci --no-audit --no-fund; \
	fi

setup-browser:
	@if [ ! -x /usr/bin/chromium ]; then \
		if [ "$$(id -u)" = 0 ]; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
		else \
			echo "The browser tests need Chromium at /usr/bin/chromium: run 'sudo apt-get install chromium'."; exit 1; \
		fi; \
	fi

## Run #######################################################################

run: setup build-site-release
	$(SITE_ENV) LEPTOS_ENV=PROD $(TARGET_DIR)/release/csv-import serve --demo --addr 127.0.0.1:3000

## Tests #####################################################################

test: setup setup-browser test-core test-server test-e2e

test-core:
	cargo test -p csv-import-core
	cargo test -p csv-import-engine

test-server:
	cargo test -p app --features ssr,portal --lib
	cargo test -p csv-import
	# A host that embeds the importer builds it without the demo portal.
	cargo check -p app --features ssr
	cargo check -p csv-import --no-default-features --lib

# The page's wasm (frontend/, the UI) is cargo-leptos's; the import worker's
# (worker/, the engine: decode, parse, workbooks, checks) is built beside it
# into the same pkg/ folder and loaded only when a user picks a file.
WORKER_PROFILE ?= dev
WORKER_WASM := $(TARGET_DIR)/wasm32-unknown-unknown/$(if $(filter dev,$(WORKER_PROFILE)),debug,$(WORKER_PROFILE))/csv_import_worker.wasm
SITE_PKG := $(CURDIR)/target/site/pkg
# The wasm features rustc emits for wasm32-unknown-unknown, which wasm-opt
# must accept (and may use) too.
WASM_FEATURES := --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
	--enable-mutable-globals --enable-reference-types --enable-multivalue

# The page's wasm in chunks: each portal page's view and the import modal are
# fetched when first needed (the `split` feature marks where to cut).
LEPTOS_BUILD := cargo leptos build --split --lib-features split

build-site:
	$(LEPTOS_BUILD)
	$(MAKE) --no-print-directory build-worker
	$(MAKE) --no-print-directory build-embed

build-site-release:
	$(LEPTOS_BUILD) --release
	$(MAKE) --no-print-directory build-worker WORKER_PROFILE=worker-release
	$(MAKE) --no-print-directory build-embed EMBED_PROFILE=wasm-release

# SIMD (wasm simd128, in every browser since 2021-2023) for the release
# worker: memchr's line and quote scans and the compiler's loops use it.
WORKER_RUSTFLAGS := $(if $(filter dev,$(WORKER_PROFILE)),,-C target-feature=+simd128)

build-worker:
	RUSTFLAGS="$(WORKER_RUSTFLAGS)" cargo build --lib -p csv-import-worker --target wasm32-unknown-unknown --profile $(WORKER_PROFILE)
	wasm-bindgen --target web --no-typescript --out-dir $(SITE_PKG) --out-name csv-import-worker $(WORKER_WASM)
	@if [ "$(WORKER_PROFILE)" != dev ]; then \
		wasm-opt -O3 $(WASM_FEATURES) --enable-simd -o $(SITE_PKG)/csv-import-worker_bg.wasm $(SITE_PKG)/csv-import-worker_bg.wasm; \
	fi

# The importer that hosts embed (embed/: `embed.js` loads it into their
# pages): the modal without the demo portal, built for size like the page.
EMBED_PROFILE ?= dev
EMBED_WASM := $(TARGET_DIR)/wasm32-unknown-unknown/$(if $(filter dev,$(EMBED_PROFILE)),debug,$(EMBED_PROFILE))/csv_import_embed.wasm

build-embed:
	cargo build --lib -p csv-import-embed --target wasm32-unknown-unknown --profile $(EMBED_PROFILE)
	wasm-bindgen --target web --no-typescript --out-dir $(SITE_PKG) --out-name csv-import-embed $(EMBED_WASM)
	@if [ "$(EMBED_PROFILE)" != dev ]; then \
		wasm-opt -Oz $(WASM_FEATURES) -o $(SITE_PKG)/csv-import-embed_bg.wasm $(SITE_PKG)/csv-import-embed_bg.wasm; \
	fi

test-e2e: build-site
	cargo build -p csv-import --examples
	cd end2end && CSV_IMPORT_BIN=$(TARGET_DIR)/debug/csv-import $(SITE_ENV) npx playwright test

## Benchmarks ################################################################

# Every figure of BENCHMARKS.md in one run, ending with a `name: value`
# summary: data files, native core, the server's commit against sqlite3's
# .import and PostgreSQL's COPY, and the release site in Chromium.
bench: setup setup-browser setup-sqlite3
	bench/run.sh

# The sqlite3 shell, the bulk loader the commit benchmark compares with.
setup-sqlite3:
	@if ! command -v sqlite3 >/dev/null; then \
		if [ "$$(id -u)" = 0 ]; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq sqlite3; \
		else \
			echo "The commit benchmark needs the sqlite3 shell: run 'sudo apt-get install sqlite3'."; exit 1; \
		fi; \
	fi

# Load and fault figures (BENCHMARKS.md, "Load and faults"): concurrent
# importers, a mixed load, kill -9 during a background import, a burst of
# sign-ins; on SQLite and PostgreSQL, over loopback, bounded in time.
soak: setup-sqlite3
	cargo build --release -p csv-import
	node bench/soak.mjs --bin $(TARGET_DIR)/release/csv-import $(SOAK_ARGS)
