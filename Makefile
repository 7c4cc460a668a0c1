# The one entry point for developers and operators. `make help` lists the targets.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8000
HOST ?= 127.0.0.1
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: help install run test test-sqlite test-postgres lint fmt i18n bench bench-search docker clean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*##' $(MAKEFILE_LIST) | sed 's/:.*## / — /'

$(BIN)/.installed: pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	touch $@

install: $(BIN)/.installed  ## create the virtual environment with the pinned dependencies

run: install  ## migrate, load demo data into an empty database, serve on http://$(HOST):$(PORT)
	$(BIN)/python -m marketplace migrate
	$(BIN)/python -m marketplace seed --if-empty
	$(BIN)/python -m marketplace serve --host $(HOST) --port $(PORT)

test: install  ## the whole suite on SQLite, then on PostgreSQL when TEST_POSTGRES_URL is set
	$(BIN)/python -m pytest -q
	@if [ -n "$$TEST_POSTGRES_URL" ]; then \
	  echo "== the suite again on PostgreSQL ($$TEST_POSTGRES_URL), browser tests excluded =="; \
	  TEST_DATABASE_URL="$$TEST_POSTGRES_URL" $(BIN)/python -m pytest -q -m "not browser"; \
	else echo "TEST_POSTGRES_URL is not set: the PostgreSQL pass was not run (CI sets it)."; fi

test-sqlite: install  ## the suite on SQLite only
	$(BIN)/python -m pytest -q

test-postgres: install  ## the suite on the local PostgreSQL (TEST_POSTGRES_URL, default postgresql://127.0.0.1:5432/test)
	TEST_DATABASE_URL="$${TEST_POSTGRES_URL:-postgresql://127.0.0.1:5432/test}" $(BIN)/python -m pytest -q -m "not browser"

lint: install  ## ruff (lint and format check) and mypy
	$(BIN)/ruff check marketplace matching tests
	$(BIN)/ruff format --check marketplace matching tests
	$(BIN)/mypy marketplace matching

fmt: install  ## format the code with ruff
	$(BIN)/ruff check --fix marketplace matching tests
	$(BIN)/ruff format marketplace matching tests

i18n: install  ## list messages missing from the Vietnamese catalog
	$(BIN)/python -m marketplace.i18n_check

bench: install  ## matcher benchmarks (synthetic corpus; results in docs/benchmarks.md)
	$(BIN)/python tests/benchmarks/bench_matching.py

bench-search: install  ## search benchmarks (synthetic corpus; results in docs/benchmarks.md)
	$(BIN)/python tests/benchmarks/bench_search.py

docker:  ## build the container image
	docker build -t hue-innovation-exchange .

clean:  ## remove the virtual environment and local data
	rm -rf $(VENV) var
