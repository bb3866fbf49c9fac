# Two entry points do all set-up on a fresh machine with Python 3.11+:
#   make run    create .venv, install, run one pass over sources.yaml and publish
#   make test   create .venv, install with dev tools, run the test suite
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint demo bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/syndicator run

test: $(STAMP)
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check syndicator tests bench
	$(BIN)/ruff format --check syndicator tests bench
	$(BIN)/mypy

demo: $(STAMP)
	$(BIN)/syndicator demo

clean:
	rm -rf $(VENV) public db/*.db db/*.db-*
