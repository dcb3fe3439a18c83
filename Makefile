# Two commands set everything up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
NODE_STAMP := node_modules/.installed

.PHONY: run test lint types unit fmt bench timing listen package model screens clean

$(STAMP): pyproject.toml lambda/requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r lambda/requirements.txt -e '.[dev]'
	touch $(STAMP)

# Node tools for the checks only (apl-suggester), from package-lock.json; nothing here ships.
$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --prefer-offline --loglevel=error
	touch $(NODE_STAMP)

## run: talk to the skill in the terminal (embedded store; see `make run ARGS=--help`)
run: $(STAMP)
	$(BIN)/python -m sim $(ARGS)

## test: lint, types and the whole test suite (what CI runs)
test: lint types unit

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

types: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP) $(NODE_STAMP)
	$(BIN)/pytest -q -p no:cacheprovider -n auto --dist loadfile --cov=lambda --cov-branch \
		--cov-report=term:skip-covered --cov-fail-under=95 $(PYTEST_ARGS)

## bench: speed, DynamoDB calls per turn, cold import and zip size (printed, not asserted)
bench: $(STAMP)
	$(BIN)/python -m tools.bench

## timing: how long each reply, move and run takes at Alexa's pace; chart in build/timing.svg
timing: $(STAMP)
	$(BIN)/python -m tools.timing

## listen: the first run as a WAV in build/ (ARGS="--move 3", "--quick", "--out FILE")
listen: $(STAMP)
	$(BIN)/python -m tools.listen $(ARGS)

## package: the deployment zip for the template's runtime and architecture, without Docker
package: $(STAMP)
	$(BIN)/python -m tools.package

## screens: every figure of the screen document as SVG and PNG, and a contact sheet, in build/screens/
screens: $(STAMP)
	PYTHONPATH=lambda $(BIN)/python -m tools.screens $(ARGS)

## model: regenerate the five locales' interaction models from tools/voice_model.toml + routine.toml
model: $(STAMP)
	PYTHONPATH=lambda $(BIN)/python -m tools.build_model

fmt: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) node_modules build dist .mypy_cache .ruff_cache .pytest_cache
