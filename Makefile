# RecoRL: `make demo` runs the main job, `make test` the whole test suite.
SWIFT ?= swift
APT_PACKAGES := libopenblas-dev liblapacke-dev zlib1g-dev libsqlite3-dev
PYTHON ?= python3
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
BENCH_ARGS ?=

.PHONY: setup build test demo bench vader-lexicon

## Install what the build and tests need, only where missing: OpenBLAS, LAPACKE, zlib and SQLite (Debian packages),
## NumPy and safetensors for the Python cross-checks in Fixtures/.
setup:
	@missing=""; for package in $(APT_PACKAGES); do \
		dpkg -s $$package >/dev/null 2>&1 || missing="$$missing $$package"; \
	done; \
	if [ -n "$$missing" ]; then \
		echo "installing$$missing"; \
		$(SUDO) apt-get update && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y $$missing; \
	fi
	@$(PYTHON) -c "import numpy, safetensors" 2>/dev/null || \
		$(PYTHON) -m pip install --quiet numpy safetensors || \
		$(PYTHON) -m pip install --quiet --user --break-system-packages numpy safetensors

build:
	$(SWIFT) build -c release

# Release build: the learning tests train real agents, and debug builds run numeric loops 10-100x slower.
test: setup
	$(SWIFT) test -c release -Xswiftc -enable-testing

demo: setup
	$(SWIFT) build -c release --product recorl
	.build/release/recorl train --env marketing --steps 60000 --out runs/demo --overwrite
	.build/release/recorl explain --checkpoint runs/demo/checkpoint.safetensors \
		--user "recency=15,frequency=3,monetary_value=200,engagement_score=0.78,discount_sensitive=1,free_shipping_preferred=0,email_opens=0.87,sms_response=0.12,push_response=0.05,last_purchase_days=8"

bench:
	$(SWIFT) build -c release --product recorl-bench
	.build/release/recorl-bench $(BENCH_ARGS)

# Fuzzing: libFuzzer targets in Fuzz/ (a package of its own depending on this one by path, so the
# ordinary build never links them), each run for FUZZ_SECONDS (and at most FUZZ_RUNS executions;
# -1 = no limit) from the seeds in Fuzz/Corpus/<target>; findings land in Fuzz/.build/findings/.
FUZZ_SECONDS ?= 60
FUZZ_RUNS ?= -1
FUZZ_TARGETS ?= FuzzCheckpoint FuzzConfiguration FuzzMarketingUser FuzzRecoGymLog FuzzSessionSettings
FUZZ_FLAGS ?= -rss_limit_mb=4096 -timeout=10

.PHONY: fuzz
fuzz:
	$(SWIFT) build --package-path Fuzz -c release --sanitize=fuzzer
	@mkdir -p Fuzz/.build/findings
	@for target in $(FUZZ_TARGETS); do \
		mkdir -p Fuzz/.build/corpus/$$target; \
		echo "== $$target for $(FUZZ_SECONDS) s"; \
		Fuzz/.build/release/$$target $(FUZZ_FLAGS) -max_total_time=$(FUZZ_SECONDS) -runs=$(FUZZ_RUNS) \
			-artifact_prefix=Fuzz/.build/findings/$$target- -print_final_stats=1 \
			Fuzz/.build/corpus/$$target Fuzz/Corpus/$$target || exit 1; \
	done

# VADER's full sentiment lexicon (vaderSentiment's vader_lexicon.txt, MIT licensed) for the RecoData
# analyser and its full-lexicon test; copied into lexicons/ (git-ignored), never committed.
vader-lexicon: lexicons/vader_lexicon.txt

lexicons/vader_lexicon.txt:
	@$(PYTHON) -c "import vaderSentiment" 2>/dev/null || \
		$(PYTHON) -m pip install --quiet vaderSentiment || \
		$(PYTHON) -m pip install --quiet --user --break-system-packages vaderSentiment
	@mkdir -p lexicons
	@cp "$$($(PYTHON) -c 'import os, vaderSentiment; print(os.path.dirname(vaderSentiment.__file__))')/vader_lexicon.txt" $@
	@echo "wrote $@ ($$(wc -l < $@) lines)"

# `recorl report` end to end, not part of `make test`: a short training run, a small comparison, a quick
# benchmark and the synthetic review fixture prepared, written as one HTML page, screenshotted by
# headless Chromium (the Debian package `chromium`, installed when missing) and checked for drawn plots
# by scripts/check_report_screenshot.py (standard library only). Output in runs/report-demo*.
REPORT_DIR := runs/report-demo
REPORT_WINDOW ?= 1200,3800
# Where the binaries are built (e.g. REPORT_BUILD=.build-next REPORT_BUILD_FLAGS="-Xswiftc -enable-testing"
# reuses a test build instead of building again).
REPORT_BUILD ?= .build
REPORT_BUILD_FLAGS ?=
REPORT_BIN := $(REPORT_BUILD)/release

.PHONY: report-screenshot
report-screenshot: setup
	@command -v chromium >/dev/null 2>&1 || { \
		echo "installing chromium"; \
		$(SUDO) apt-get update && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y chromium; }
	$(SWIFT) build -c release --scratch-path $(REPORT_BUILD) $(REPORT_BUILD_FLAGS) --product recorl
	$(SWIFT) build -c release --scratch-path $(REPORT_BUILD) $(REPORT_BUILD_FLAGS) --product recorl-bench
	$(REPORT_BIN)/recorl train --env marketing --steps 20000 --out $(REPORT_DIR) --overwrite
	$(REPORT_BIN)/recorl compare --env marketing --algos dqn,ppo --seeds 2 --steps 5000 --out $(REPORT_DIR)-compare
	$(REPORT_BIN)/recorl-bench --parts mlp dqn actor-critic --actions 10 100 1000 --budget 0.2 --json $(REPORT_DIR)-bench.json
	$(REPORT_BIN)/recorl data prepare --reviews Fixtures/synthetic_reviews.json --min-reviews 2 --out $(REPORT_DIR)-data
	$(REPORT_BIN)/recorl report --run $(REPORT_DIR) --compare $(REPORT_DIR)-compare --bench $(REPORT_DIR)-bench.json \
		--data $(REPORT_DIR)-data --out $(REPORT_DIR)/report.html
	chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --screenshot=$(REPORT_DIR)/report.png \
		--window-size=$(REPORT_WINDOW) file://$(abspath $(REPORT_DIR))/report.html
	$(PYTHON) scripts/check_report_screenshot.py $(REPORT_DIR)/report.png --figures 7

# The tools around `recorl serve` (scripts/serve_tools.sh), not part of `make test`. Each serves a
# marketing DQN from SERVE_DIR (trained for SERVE_TRAIN_STEPS when no checkpoint is there) on a free
# loopback port in the background and stops it on exit. SERVE_BUILD / SERVE_BUILD_FLAGS as for the
# report (e.g. SERVE_BUILD_FLAGS="-Xswiftc -enable-testing" reuses a test build).
SERVE_BUILD ?= .build
SERVE_BUILD_FLAGS ?=
SERVE_DIR ?= runs/serve-demo
SERVE_TRAIN_STEPS ?= 20000
SERVE_DEMO_USERS ?= 300
# Extra `recorl serve` flags for the demo (e.g. a holdout share served by the fallback).
SERVE_DEMO_FLAGS ?= --fallback-share 0.1
LOAD_SECONDS ?= 5
LOAD_LATENCY_CONNECTIONS ?= 4
SCHEMATHESIS_VENV := .venv-schemathesis
SCHEMATHESIS_EXAMPLES ?= 50
SCHEMATHESIS_FLAGS ?=
SERVE_TOOLS = RECORL=$(SERVE_BUILD)/release/recorl SERVE_DIR=$(SERVE_DIR) SERVE_TRAIN_STEPS=$(SERVE_TRAIN_STEPS) \
	SERVE_DEMO_USERS=$(SERVE_DEMO_USERS) SERVE_DEMO_FLAGS="$(SERVE_DEMO_FLAGS)" LOAD_SECONDS=$(LOAD_SECONDS) \
	LOAD_LATENCY_CONNECTIONS=$(LOAD_LATENCY_CONNECTIONS) SCHEMATHESIS=$(SCHEMATHESIS_VENV)/bin/schemathesis \
	SCHEMATHESIS_EXAMPLES=$(SCHEMATHESIS_EXAMPLES) SCHEMATHESIS_FLAGS="$(SCHEMATHESIS_FLAGS)" PYTHON=$(PYTHON) \
	bash scripts/serve_tools.sh

.PHONY: serve-build serve-demo serve-load serve-schemathesis
serve-build: setup
	$(SWIFT) build -c release --scratch-path $(SERVE_BUILD) $(SERVE_BUILD_FLAGS) --product recorl

## Replays SERVE_DEMO_USERS simulated marketing users against a served policy (fallback best-fixed) and
## prints the online reward of the model and of the fallback.
serve-demo: serve-build
	$(SERVE_TOOLS) demo

## wrk (Debian's, installed when missing) on POST /v1/recommend (scripts/wrk_recommend.lua): 1 and 64
## connections on 2 threads for LOAD_SECONDS each, then latency at LOAD_LATENCY_CONNECTIONS connections.
serve-load: serve-build
	@command -v wrk >/dev/null 2>&1 || { \
		echo "installing wrk"; \
		$(SUDO) apt-get update && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y wrk; }
	$(SERVE_TOOLS) load

## schemathesis (PyPI, in $(SCHEMATHESIS_VENV)/) against GET /openapi.yaml of a served policy: no 5xx,
## documented statuses, content types and response schemas, SCHEMATHESIS_EXAMPLES examples per operation.
serve-schemathesis: serve-build
	@[ -x $(SCHEMATHESIS_VENV)/bin/schemathesis ] || { \
		echo "installing schemathesis into $(SCHEMATHESIS_VENV)/"; \
		$(PYTHON) -m venv $(SCHEMATHESIS_VENV) && $(SCHEMATHESIS_VENV)/bin/pip install --quiet schemathesis; }
	$(SERVE_TOOLS) schemathesis
