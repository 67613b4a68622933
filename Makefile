# Two commands: `make run` serves the app, `make test` runs the whole suite.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PORT   ?= 8501
TEST_WORKERS ?= 2  # pytest-xdist processes for make test (one per core on the 2-core CI)

.PHONY: setup run test lint bench browser clean-db

setup: $(VENV)/.installed static/vendor/.stamp

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

## The map's JS/CSS (Leaflet, plugins...) from the npm registry, as pinned in static/vendor.json.
static/vendor/.stamp: static/vendor.json | $(VENV)/.installed
	$(PY) -m core.assets.vendor fetch

## Create/upgrade the database (seed the demo county on first run) and serve the app.
run: setup
	$(PY) -m core prepare
	$(PY) -m streamlit run app.py --server.address 127.0.0.1 --server.port $(PORT)

## Chromium and CJK fonts from Debian's archive for the browser tests (only when missing).
browser:
	@command -v chromium >/dev/null 2>&1 && fc-list :lang=zh 2>/dev/null | grep -q . || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && \
	  $$SUDO apt-get install -y -qq --no-install-recommends chromium fonts-noto-cjk; }

## The guard rails: ruff (lint + format) and the import contracts of pyproject.toml.
lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

## Unit, database (SQLite; PostgreSQL too when TEST_DATABASE_URL is set), AppTest, browser.
test: setup browser lint
	$(PY) -m pytest -q -n $(TEST_WORKERS) $(PYTEST_ARGS)

## Benchmarks at the default size and at 1,000,000 customers; prints a table.
bench: setup
	$(PY) -m benchmarks

## Delete the default SQLite database (the next `make run` seeds it again).
clean-db:
	rm -f data/gridbank.sqlite data/gridbank.sqlite-wal data/gridbank.sqlite-shm
