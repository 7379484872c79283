# The two commands a developer needs:  make run  (talk to the skill)  and  make test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test bench serve build deploy model-check clean

$(STAMP): requirements-dev.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $(STAMP)

## Talk to the skill in this terminal (embedded store, no AWS). Add ARGS=--speak to hear it.
run: $(STAMP)
	$(BIN)/python -m skill.console $(ARGS)

## The whole test suite.
test: $(STAMP)
	$(BIN)/python -m pytest -q $(ARGS)

## Benchmarks against a plain ask-sdk skill: prints figures, writes benchmarks/RESULTS.md (ARGS=--quick).
bench: $(STAMP)
	$(BIN)/python benchmarks/run.py $(ARGS)

## Self-hosted web endpoint (HEART_HOST, HEART_PORT, HEART_SKILL_ID, HEART_TABLE).
serve: $(STAMP)
	$(BIN)/python -m skill.web $(ARGS)

build: $(STAMP)
	PATH="$(abspath $(BIN)):$$PATH" $(BIN)/sam build --template template.yaml

deploy: build
	PATH="$(abspath $(BIN)):$$PATH" $(BIN)/sam deploy --guided

clean:
	rm -rf $(VENV) .aws-sam .pytest_cache
