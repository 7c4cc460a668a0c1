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

# With TEST_POSTGRES_URL the SQLite pass and the PostgreSQL pass run side by side (each keeps one core busy;
# one after the other they took 17 minutes on a 2-core machine), their reports printed when both have ended.
test: install  ## the whole suite on SQLite and, when TEST_POSTGRES_URL is set, on PostgreSQL at the same time
	@if [ -z "$$TEST_POSTGRES_URL" ]; then \
	  echo "TEST_POSTGRES_URL is not set: the PostgreSQL pass is not run (CI sets it)."; \
	  exec $(BIN)/python -m pytest -q; \
	fi; \
	mkdir -p var/test-logs; \
	echo "== SQLite (every test) and PostgreSQL ($$TEST_POSTGRES_URL, browser tests excluded) side by side =="; \
	TEST_DATABASE_URL="$$TEST_POSTGRES_URL" $(BIN)/python -m pytest -q -m "not browser" -p no:cacheprovider \
	  > var/test-logs/postgres.log 2>&1 & postgres_pid=$$!; \
	$(BIN)/python -m pytest -q > var/test-logs/sqlite.log 2>&1; sqlite=$$?; \
	wait $$postgres_pid; postgres=$$?; \
	echo "== SQLite =="; cat var/test-logs/sqlite.log; \
	echo "== PostgreSQL =="; cat var/test-logs/postgres.log; \
	echo "== SQLite pass: exit $$sqlite; PostgreSQL pass: exit $$postgres =="; \
	[ $$sqlite -eq 0 ] && [ $$postgres -eq 0 ]

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
