# Two commands for a fresh machine with Python 3.11: `make serve` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: install serve build test lint clean context bench

$(STAMP): pyproject.toml service/package-lock.json
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	@if command -v npm >/dev/null; then npm ci --prefix service --no-audit --no-fund --silent; \
	 else echo "npm not found: the query page will use a plain text area instead of the CodeMirror editor"; fi
	touch $(STAMP)

install: $(STAMP)

build: $(STAMP)
	$(BIN)/casegraph build

# The main job: build the store from the shipped sources and serve it at http://127.0.0.1:8000.
serve: build
	$(BIN)/casegraph serve

test: $(STAMP)
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check graph service tests
	$(BIN)/mypy -p graph -p service
	$(BIN)/pyright
	$(BIN)/lint-imports

# casegraph beside its baselines at 10,000 and 100,000 cases (about an hour; not part of `make test`).
# Writes var/bench/bench.json and bench.md, and docs/bench.json with the table of docs/performance.md.
# CASES="1000" for a quick run; BENCH_ARGS="--skip dumps" and the like to leave steps out; BEFORE=<git
# revision> serves that revision beside this checkout, on the same store. Needs Debian's wrk for throughput
# and Debian's Virtuoso for its remote-store column.
CASES ?= 10000 100000
$(VENV)/.bench-installed: $(STAMP)
	$(BIN)/pip install --quiet -e '.[test,bench]'
	touch $@

bench: $(VENV)/.bench-installed
	@command -v wrk >/dev/null && command -v virtuoso-t >/dev/null || { apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk virtuoso-opensource-7-bin >/dev/null; }
	cd tests/bench && PYTHONPATH=$(CURDIR)/tests $(abspath $(BIN))/python run.py --cases $(CASES) --output $(CURDIR)/var/bench --docs $(CURDIR)/docs \
	  $(if $(BEFORE),--before $(BEFORE)) $(BENCH_ARGS)

clean:
	rm -rf var $(VENV)

# Regenerate the JSON-LD context after changing the ontology.
context: $(STAMP)
	$(BIN)/python -c "from graph.publish.jsonld import write_context; write_context()"
