# The README's two commands: `make demo` and `make test`. Both create .venv and install the
# project on a fresh machine; nothing else needs to be set up by hand.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STORE  ?= .policykg/store
DATA   ?= data/seeds
SHARED ?= ../shared

.PHONY: demo test venv score bench clean

$(BIN)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip setuptools wheel 2>&1 | grep -v "is ignored" || true
	$(BIN)/python -m pip install -q -e ".[test]" 2>&1 | grep -v "is ignored" || true
	$(BIN)/python -c "import policykg.extract, policykg.graph.store, pyoxigraph, spacy"
	touch $@

venv: $(BIN)/.installed

demo: venv
	$(BIN)/policykg build --store $(STORE) $(DATA)
	$(BIN)/policykg stats --store $(STORE)
	@echo ""
	@echo "store:   $(STORE)"
	@echo "try:     $(BIN)/policykg query responsibilities --store $(STORE) --format table"

test: venv
	$(BIN)/python -m pytest

score: venv
	$(BIN)/python $(SHARED)/eval/score.py --gold $(SHARED)/eval/gold --docs $(SHARED)/seeds --cli "$(BIN)/policykg" -v

clean:
	rm -rf .policykg .pytest_cache
