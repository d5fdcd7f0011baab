# The README's two commands: `make demo` and `make test`. Both create .venv and install the
# project on a fresh machine; nothing else needs to be set up by hand. `make test` also installs
# the Debian packages the browser tests drive (chromium, chromium-driver, a CJK font for
# screenshots) when they are missing and we may, or stops at once with the command to run
# (scripts/ensure_debian_packages.sh). Charts need no system font: one comes from PyPI.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STORE  ?= .policykg/store
DATA   ?= data/seeds
SHARED ?= ../shared
ENSURE := sh scripts/ensure_debian_packages.sh
# pip's and setuptools' chatter goes to a log, shown only when the install fails
PIPLOG := $(VENV)/install.log

.PHONY: demo test venv system-deps score bench clean api-docs screenshots

$(BIN)/.installed: pyproject.toml
	@echo "setting up $(VENV) and installing policykg with its test extra (about 1-2 min the first time)"
	@$(PYTHON) -c "import ensurepip" 2>/dev/null || $(ENSURE) python3-venv=/nonexistent-python3-venv
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install -q --upgrade pip "setuptools>=77" wheel >$(PIPLOG) 2>&1 || { cat $(PIPLOG); exit 1; }
	@$(BIN)/python -m pip install -q -e ".[test]" >>$(PIPLOG) 2>&1 || { cat $(PIPLOG); exit 1; }
	@$(BIN)/python -c "import policykg.extract, policykg.graph.store, pyoxigraph, spacy"
	@touch $@

venv: $(BIN)/.installed

demo: venv
	$(BIN)/policykg build --store $(STORE) $(DATA)
	$(BIN)/policykg stats --store $(STORE)
	$(BIN)/policykg analyze --store $(STORE) --csv out/analysis
	@echo ""
	@echo "store:   $(STORE)"
	@echo "try:     $(BIN)/policykg query responsibilities --store $(STORE) --format table"
	@echo "views and charts (open the .html files in a browser; they work offline):"
	@$(BIN)/policykg viz plan --store $(STORE) --param source=$$(ls $(DATA) | head -n 1) --out out/plan.html
	@$(BIN)/policykg viz responsibility --store $(STORE) --out out/responsibility.html
	@$(BIN)/policykg viz frameworks --store $(STORE) --out out/frameworks.html
	@$(BIN)/policykg viz indicator --store $(STORE) --out out/indicator.html
	@$(BIN)/policykg viz charts --store $(STORE) --out out/charts

system-deps:
	@$(ENSURE) chromium=/usr/bin/chromium chromium-driver=/usr/bin/chromedriver \
		fonts-wqy-microhei=/usr/share/fonts/truetype/wqy/wqy-microhei.ttc \
		virtuoso-opensource=/usr/bin/virtuoso-t

test: venv system-deps
	$(BIN)/python -m pytest

# Refresh the screenshots docs/web.md shows: the browser tests take them in headless Chromium.
screenshots: venv system-deps
	POLICYKG_SCREENSHOTS=docs/screenshots $(BIN)/python -m pytest -q tests/web/test_web_tables_browser.py \
		tests/web/test_web_entity_browser.py tests/web/test_web_search_browser.py tests/viz/test_viz_index_browser.py -k oxigraph

# HTML API reference for the notebook API and the export registry, from docstrings (pdoc, offline).
api-docs: venv
	$(BIN)/python -m pdoc --no-search --docformat google -o out/api policykg.api policykg.graph.export.exporters policykg.graph.export.projections

score: venv
	$(BIN)/python $(SHARED)/eval/score.py --gold $(SHARED)/eval/gold --docs $(SHARED)/seeds --cli "$(BIN)/policykg" -v

clean:
	rm -rf .policykg .pytest_cache
