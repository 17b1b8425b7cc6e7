# The two set-up commands (see README):
#   make run   installs everything into .venv and starts the service on 127.0.0.1
#   make test  installs everything into .venv and runs the whole test suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000

.PHONY: install run test bench clean

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

bench: install
	$(BIN)/python benchmarks/rank_benchmark.py
	$(BIN)/python benchmarks/impact_benchmark.py

clean:
	rm -rf $(VENV) instance test-artifacts .pytest_cache
