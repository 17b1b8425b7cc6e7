# The two set-up commands (see README):
#   make run   installs everything into .venv and starts the service on 127.0.0.1
#   make test  installs everything into .venv and runs the whole test suite (what .ci/run calls)
# and by speed: make test-unit (no database, no web), test-integration (the store, the real rules/),
# test-e2e (HTTP, CLI, browser, the plain install), scenarios (the disputed cases)
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000

.PHONY: install run test test-unit test-integration test-e2e test-scenarios bench clean

$(BIN)/boligtildeling: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

install: $(BIN)/boligtildeling

run: install
	$(BIN)/boligtildeling serve --port $(PORT)

test: install
	$(BIN)/python -m pytest -q

test-unit: install
	$(BIN)/python -m pytest -q tests/unit

test-integration: install
	$(BIN)/python -m pytest -q tests/integration

test-e2e: install
	$(BIN)/python -m pytest -q tests/e2e

test-scenarios: install
	$(BIN)/python -m pytest -q scenarios

bench: install
	$(BIN)/python benchmarks/rank_benchmark.py
	$(BIN)/python benchmarks/impact_benchmark.py
	$(BIN)/python benchmarks/reload_fingerprint.py
	$(BIN)/python benchmarks/load_benchmark.py

clean:
	rm -rf $(VENV) instance test-artifacts .pytest_cache
