# RecoRL: `make demo` runs the main job, `make test` the whole test suite.
SWIFT ?= swift
APT_PACKAGES := libopenblas-dev liblapacke-dev
PYTHON ?= python3
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
BENCH_ARGS ?=

.PHONY: setup build test demo bench

## Install what the build and tests need, only where missing: OpenBLAS and LAPACKE (Debian packages),
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
