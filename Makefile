# Områdekort: the two commands of the README are `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STORE  ?= var/omraadekort.gpkg
HOST   ?= 127.0.0.1
PORT   ?= 8000
# The tests keep compiled byte code (and pytest its rewritten test modules) even where the
# environment sets PYTHONDONTWRITEBYTECODE: without it every run, and every CLI or server the
# tests start, compiles the whole project from source again (about 6 s of a `make check`).
PYTEST := env -u PYTHONDONTWRITEBYTECODE $(BIN)/pytest


.PHONY: translations extract-messages
.PHONY: run install install-test test check lint format bench lighthouse bench-relocation store serve-dev chromium pdf-libs pdf-tools clean

## make run: install everything, build the default store if absent, serve with uWSGI
run: install store
	$(BIN)/omraadekort serve --store $(STORE) --host $(HOST) --port $(PORT)

## make test: install the test tools and the system Chromium, lint, type-check, run the whole suite
test: install-test chromium pdf-tools
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(PYTEST)

## make check: the fast loop (lint, types, layer contracts, unit and service tests; no browser,
## no `slow` tests)
check: install-test pdf-tools
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(PYTEST) -m "not browser and not slow" -q -n 2 --dist loadgroup

install: $(VENV)/.installed node_modules/.installed pdf-libs translations

## make translations: compile the gettext catalogues (service/translations/*/LC_MESSAGES/*.po -> .mo);
## make extract-messages: collect the marked texts into messages.pot and update every .po
translations: $(VENV)/.installed
	$(BIN)/pybabel compile -d service/translations -D messages

extract-messages: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k _l -k N_ -k lazy_gettext -o service/translations/messages.pot --no-wrap .
	$(BIN)/pybabel update -i service/translations/messages.pot -d service/translations --no-wrap --no-fuzzy-matching --ignore-obsolete

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund
	touch $@

install-test: install $(VENV)/.installed-test

$(VENV)/.installed-test: pyproject.toml
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

# Browser tests drive Debian's Chromium (Playwright never downloads a browser of its own).
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "installing Debian's chromium for the browser tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }

# The PDF fact sheets (WeasyPrint) need Pango and fonts from Debian; installed here, never
# fetched at run time.
pdf-libs:
	@{ ldconfig -p | grep -q 'libpango-1.0.so.0' && ldconfig -p | grep -q 'libpangoft2-1.0.so.0' \
	   && ldconfig -p | grep -q 'libharfbuzz-subset.so.0' \
	   && fc-list 2>/dev/null | grep -qi 'DejaVu Sans'; } || { \
	  echo "installing Debian's Pango, HarfBuzz-Subset and DejaVu fonts for the PDF fact sheets"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	    libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core fontconfig; }

# The tests read the fact sheets back with pdftotext and draw their first page with pdftoppm.
pdf-tools:
	@command -v pdftotext >/dev/null 2>&1 && command -v pdftoppm >/dev/null 2>&1 || { \
	  echo "installing Debian's poppler-utils for the PDF tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils; }

# A new store gets the embedded facts plus the synthetic demo moves (labelled "syntetiske
# eksempeldata" wherever shown), so the relocation pages have something to show; an existing
# store is left as it is.
store: install
	@if [ ! -f $(STORE) ]; then \
	  $(BIN)/omraadekort build-store --store $(STORE) && \
	  $(BIN)/omraadekort demo-moves --store $(STORE); \
	else echo "store $(STORE) exists; kept"; fi

serve-dev: install store
	$(BIN)/omraadekort serve --dev --store $(STORE) --host $(HOST) --port $(PORT)

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-test
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: install store
	@command -v wrk >/dev/null 2>&1 && command -v nginx >/dev/null 2>&1 || { \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk nginx-light; }
	$(BIN)/pip install --quiet -e '.[bench]'
	$(BIN)/python bench/national_page.py
	$(BIN)/python bench/embeds.py
	$(BIN)/python bench/serving.py

## the relocation join at 1, 10 and 20 million moves (a few minutes, ~1.5 GB)
bench-relocation: install store
	$(BIN)/python bench/relocation_join.py

## make lighthouse: Google Lighthouse (npm, into bench/lighthouse/) on the national map, an area
## page, /flytninger and an embed, with Debian's Chromium
lighthouse: install store chromium
	cd bench/lighthouse && npm install --no-audit --no-fund --ignore-scripts --no-package-lock
	$(BIN)/python bench/lighthouse.py --store $(STORE)

clean:
	rm -rf $(VENV) node_modules var
