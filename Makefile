# Quick start: `make demo` then `make test`. Both create .venv on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint test-postgres bench screenshot draft-eval clean

FACTS ?= 10000

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/timeline demo --db demo.db

# Style and types: ruff (lint and format) and mypy, configured in pyproject.toml.
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# The suite on SQLite; then, when TIMELINE_TEST_POSTGRES names a PostgreSQL server
# (postgresql://user[:password]@host:port/db, a database the tests may create schemas in), again on it,
# with half the property-test examples (TIMELINE_EXAMPLES) so that both passes fit in ten minutes.
test: $(STAMP)
	env -u TIMELINE_TEST_POSTGRES $(BIN)/python -m pytest
	if [ -n "$$TIMELINE_TEST_POSTGRES" ]; then TIMELINE_EXAMPLES=$${TIMELINE_EXAMPLES:-15} $(BIN)/python -m pytest; fi

# The PostgreSQL half alone, on a throwaway local server (needs Debian's postgresql package installed).
test-postgres: $(STAMP)
	url=$$(scripts/postgres.sh start) && trap 'scripts/postgres.sh stop' EXIT && \
	TIMELINE_TEST_POSTGRES=$$url TIMELINE_EXAMPLES=$${TIMELINE_EXAMPLES:-15} $(BIN)/python -m pytest

# docs/timeline.png: the sample's HTML timeline in headless Chromium (Debian's chromium and chromium-driver).
screenshot: $(STAMP)
	$(BIN)/python scripts/screenshot.py

# Recall, noise and misses of `timeline draft` per article of tests/articles/, per split (tune, held_out).
draft-eval: $(STAMP)
	$(BIN)/python tests/draft_eval.py

bench: $(STAMP)
	$(BIN)/timeline bench --facts $(FACTS)

clean:
	rm -rf $(VENV) demo.db demo.db-wal demo.db-shm *.egg-info
