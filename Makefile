# cocreate — `make run` serves the board, `make test` runs every test.
# Both do their own set-up on a fresh Debian machine.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
VENDOR := cocreate/static/vendor
# All interfaces, so phones on the room's network reach the board (README: "How the room joins").
HOST ?= 0.0.0.0
PORT ?= 5000

.PHONY: run test install install-test install-bench bench vendor system-test-deps system-server-deps screenshots rehearsal security clean

run: install vendor system-server-deps
	@HOST=$(HOST) PORT=$(PORT) $(BIN)/cocreate serve

test: install-test vendor system-test-deps
	@$(BIN)/python -m pytest

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

# Set-up says what it does in a line each; a step's full output only when it fails.
QUIETLY := scripts/quietly

$(VENV)/.installed: pyproject.toml setup.py
	@$(QUIETLY) "Installing cocreate into $(VENV)" sh -c '$(PYTHON) -m venv $(VENV) && \
		$(BIN)/pip install --upgrade pip && $(BIN)/pip install -e .'
	@touch $@

$(VENV)/.installed-test: pyproject.toml setup.py $(VENV)/.installed
	@$(QUIETLY) "Installing the test tools into $(VENV)" $(BIN)/pip install -e '.[test]'
	@touch $@

install-bench: $(VENV)/.installed-bench

$(VENV)/.installed-bench: pyproject.toml setup.py $(VENV)/.installed
	@$(QUIETLY) "Installing the benchmark tools into $(VENV)" $(BIN)/pip install -e '.[bench]'
	@touch $@

# The benchmark (not part of `make test`; run it on an otherwise idle machine): cocreate
# against a bare python-socketio relay in eventlet, gevent and threading mode, then
# (eventlet only) drags, scale-out over two processes with PostgreSQL and Redis, the
# capacity of one process, a reconnect storm and a soak (bench/scenarios.py). The full run
# takes 35 to 45 minutes on 2 cores, QUICK=1 6 to 20 (on a busy machine the soak runs again,
# up to three times, for a verdict). It rewrites docs/performance.md
# (commit that) and leaves the raw numbers in bench/results/ (git-ignored). It installs
# what every scenario needs: the bench extras (Playwright too), the browser client and the
# Debian packages (Chromium, redis-server, PostgreSQL).
#   make bench                               the full run
#   make bench QUICK=1                       a smoke run
#   make bench SCENARIOS=capacity QUICK=1    one scenario (names: python -m bench --help)
#   make bench MODES=eventlet BENCH_ARGS="--profile"   py-spy profiles of each server
bench: install-bench vendor system-test-deps
	$(BIN)/python -m bench $(if $(filter 1 yes true,$(QUICK)),--quick) \
		$(if $(MODES),--modes $(MODES)) $(if $(SCENARIOS),--scenarios $(SCENARIOS)) \
		$(BENCH_ARGS)

# Front-end libraries come from npm (package.json + lock file), never from the repo.
vendor: $(VENDOR)/socket.io.esm.min.js

$(VENDOR)/socket.io.esm.min.js: package.json package-lock.json
	@$(QUIETLY) "Fetching the browser client from npm" sh -c 'npm ci --no-audit --no-fund \
		--loglevel=error && mkdir -p $(VENDOR) && \
		cp node_modules/socket.io-client/dist/socket.io.esm.min.js $(VENDOR)/'
	@touch $@

# Debian's Chromium, redis-server, PostgreSQL, nginx, LibreOffice, … for the tests and the
# benchmark; installed once, never downloaded by Playwright.
system-test-deps:
	@scripts/install-system-deps

# Pango and the fonts the PDF plan is printed with (docs/deploy.md).
system-server-deps:
	@scripts/install-system-deps --server

clean:
	rm -rf $(VENV) node_modules $(VENDOR)

# Two real scanners from Debian, wapiti and sqlmap, against a local server on loopback;
# fails on a finding that scripts/security-allow-list.json does not list with its reason.
# Not part of `make test` (several minutes); reports in test-artifacts/security/.
security: install-test vendor system-test-deps
	$(BIN)/python scripts/security_scan.py

# docs/screenshots/*.png from a short scripted workshop.
screenshots: install-test vendor system-test-deps
	$(BIN)/python scripts/screenshots.py

# One whole workshop played in Dutch and English with a facilitator, the projector and three
# phones: every screen at every moment, a contact sheet per screen and the layout rules each
# broke, in rehearsal/ (not kept in git). LANGUAGES=nl plays one.
rehearsal: install-test vendor system-test-deps
	$(BIN)/python scripts/rehearsal.py $(if $(LANGUAGES),--languages $(LANGUAGES))
