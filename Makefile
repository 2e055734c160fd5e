# newsbeam: `make run` (set-up + the demo batch job) and `make test` (set-up + the suite).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
OUT ?= out

.PHONY: setup bytecode run test lint typecheck unit chromium test-airflow bench clean

$(STAMP): setup.py pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e ".[test]"
	touch $(STAMP)

setup: $(STAMP) bytecode

# pip compiles what it installs, but not this editable project; where
# PYTHONDONTWRITEBYTECODE is set, every process (each Beam worker) would
# compile our modules again (~0.2 s). compileall writes the .pyc files anyway.
bytecode: $(STAMP)
	$(BIN)/python -m compileall -q newsbeam transforms pipeline schemas benchmarks >/dev/null

run: $(STAMP) bytecode
	$(BIN)/newsbeam run --config configs/local.yaml --out $(OUT)
	@$(BIN)/newsbeam report $(OUT)

# Headless Chromium for the report's browser test (Debian's package); the
# test is skipped, with the reason, where it cannot be installed.
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
	      || echo "chromium could not be installed: the browser test will be skipped"; \
	  else echo "chromium missing and not installable here: the browser test will be skipped"; fi; }

lint: $(STAMP)
	$(BIN)/ruff check .

typecheck: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP)
	$(BIN)/pytest -q

test: $(STAMP) bytecode chromium lint typecheck unit

# Airflow is heavy; its DAG test runs only here (and is skipped elsewhere).
test-airflow: $(STAMP)
	$(BIN)/python -m pip install -q -e ".[test,airflow]"
	$(BIN)/pytest -q tests/test_deploy.py

bench: $(STAMP) bytecode
	$(BIN)/python benchmarks/extraction.py
	$(BIN)/python benchmarks/visit_events.py
	$(BIN)/python benchmarks/fetch.py
	$(BIN)/python benchmarks/pipeline.py

clean:
	rm -rf $(OUT) build *.egg-info
