# Two commands for a fresh machine with Python 3.11: `make serve` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: install serve build test clean context

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

build: $(STAMP)
	$(BIN)/casegraph build

# Until the web service lands, the main job builds the store and prints what it holds.
serve: build
	$(BIN)/casegraph summary

test: $(STAMP)
	$(BIN)/python -m pytest

clean:
	rm -rf var $(VENV)

# Regenerate the JSON-LD context after changing the ontology.
context: $(STAMP)
	$(BIN)/python -c "from casegraph.jsonld import write_context; write_context()"
