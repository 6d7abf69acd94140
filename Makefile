# Two commands for a fresh machine with Python 3.11: `make serve` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: install serve build test lint clean context

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

# mypy cannot see through the editable install's import hook, so it reads graph/ as casegraph via a link.
lint: $(STAMP)
	$(BIN)/ruff check graph tests
	d=$$(mktemp -d) && ln -s $(CURDIR)/graph $$d/casegraph && MYPYPATH=$$d $(BIN)/mypy -p casegraph; s=$$?; rm -rf $$d; exit $$s

clean:
	rm -rf var $(VENV)

# Regenerate the JSON-LD context after changing the ontology.
context: $(STAMP)
	$(BIN)/python -c "from casegraph.jsonld import write_context; write_context()"
