# Two commands for a fresh machine with python3 and make:  `make run`  and  `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test install bench lock clean

HOST ?= 127.0.0.1
PORT ?= 8000

run: $(STAMP) ## install, migrate the embedded SQLite database and serve on HOST:PORT
	$(BIN)/hexapi serve --host $(HOST) --port $(PORT)

test: $(STAMP) ## install, check the layers, lint, check types, run every test
	$(BIN)/lint-imports
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/pytest

install: $(STAMP)

$(STAMP): requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $(STAMP)

bench: $(STAMP) ## every load scenario against its baselines (wrk); see bench/README.md
	$(BIN)/python -m bench $(ARGS)

lock: ## re-resolve requirements.lock from pyproject.toml (needs uv)
	uv pip compile pyproject.toml --extra dev --generate-hashes --universal --python-version 3.11 -o requirements.lock

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache .hypothesis
