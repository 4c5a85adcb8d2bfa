# Kota Cerdas: `make run` starts the demo city, `make test` runs every test. See README.md.
#
# Both create .venv with Python 3.11 on first use and reinstall the package only when pyproject.toml is newer
# than the last install (stamp file .venv/.installed), so a second run starts in seconds.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
PORT ?= 8000
# Extra pytest arguments, e.g. make test PYTEST_ARGS='-m "not e2e"' or PYTEST_ARGS="-k health -x".
PYTEST_ARGS ?=

.PHONY: help run test lint bench vendor venv

help:
	@echo "make run     start the demo city on http://127.0.0.1:$(PORT)/ (migrate, seed if empty, serve)"
	@echo "make test    run the whole test suite (browser tests need /usr/bin/chromium)"
	@echo "make lint    ruff check"
	@echo "make bench   run the benchmarks in bench/"
	@echo "make vendor  refresh kotacerdas/static/vendor from frontend/package.json (needs npm)"

# The interpreter is the venv's only real prerequisite: Python 3.11 (Django 5.2 LTS, the pinned wheels).
$(PY):
	@py=$$(command -v python3.11 || true); \
	if [ -z "$$py" ] && command -v python3 >/dev/null \
	   && python3 -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'; then py=$$(command -v python3); fi; \
	if [ -z "$$py" ]; then echo "Python 3.11 is required (apt-get install python3.11 python3.11-venv)." >&2; exit 1; fi; \
	echo "Creating $(VENV) with $$py"; \
	"$$py" -m venv $(VENV)

$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $(STAMP)

venv: $(STAMP)

# DEMO=1 unless the caller says otherwise: a demo install needs no SECRET_KEY and may fill an empty database.
# `exec` hands the shell's place to `serve`, so Ctrl-C reaches it directly and it stops its children.
run: venv
	@export DEMO="$${DEMO:-1}"; \
	$(PY) manage.py migrate --noinput; \
	$(PY) manage.py seed_demo --if-empty; \
	exec $(PY) manage.py serve --host 127.0.0.1 --port "$(PORT)"

# pytest exit status 5 means "no tests collected" (a -k/-m filter that matches nothing yet): not a failure.
test: venv
	@status=0; $(PY) -m pytest $(PYTEST_ARGS) || status=$$?; \
	if [ $$status -eq 5 ]; then echo "make test: no tests matched; treated as success"; status=0; fi; \
	exit $$status

lint: venv
	$(VENV)/bin/ruff check .

bench: venv
	@shopt -s nullglob; files=(bench/*.py); \
	if [ $${#files[@]} -eq 0 ]; then echo "make bench: no bench/*.py yet"; exit 0; fi; \
	for f in "$${files[@]}"; do echo "== $$f"; $(PY) "$$f"; done

vendor:
	cd frontend && npm ci && npm run vendor
