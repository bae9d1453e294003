# The two commands of the README: `make run` (the whole platform) and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: install run demo test lint bench fuzz chaos asyncapi clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: install  ## start all three services (web + worker); DEMO=1 seeds a demo workshop
	$(PY) scripts/run_platform.py $(if $(DEMO),--demo,)

demo: install  ## same as `make run DEMO=1`
	$(PY) scripts/run_platform.py --demo

test: install  ## the whole test suite against real RabbitMQ and PostgreSQL
	$(PY) -m pytest

lint: install  ## ruff, import contracts, mypy on the domain and service layers
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/mypy services/*/domain services/*/service_layer $(wildcard services/*/*/domain services/*/*/service_layer)

fuzz: install  ## schemathesis against every OpenAPI document, many cases per operation
	FUZZ_EXAMPLES=300 $(PY) -m pytest tests/fuzz

chaos: install  ## a 60 s chaos run with faults; prints the accounting table (CI runs a short one)
	$(PY) bench/chaos_run.py --seconds 60

bench: install  ## benchmarks; figures go to docs/performance.md
	$(PY) bench/run_all.py

asyncapi: install  ## regenerate docs/asyncapi.yaml (the message catalogue) from shared/contracts
	$(PY) -m shared.contracts.asyncapi > docs/asyncapi.yaml

clean:
	rm -rf $(VENV) var .pytest_cache
