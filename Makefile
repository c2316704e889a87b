# The two commands a newcomer needs: `make run` and `make test`.
# Each creates the virtual environment it needs (only Python 3.11+ required).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run reset test install screenshots clean translations

$(BIN)/.installed: requirements.txt requirements-embedded.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

install: $(BIN)/.installed

## Start the site on http://127.0.0.1:5000, on the embedded database (kept in
## instance/ between runs), with demo content the first time.
run: install
	$(BIN)/flask --app site_app demo --host 127.0.0.1 --port 5000

## The same, started afresh: the kept data file deleted first (even a damaged
## one, which `flask demo --reset` could not load), the demo content seeded anew.
reset: install
	rm -f "$${EMBEDDED_DATA_DIR:-instance}/embedded-data.bson"
	$(BIN)/flask --app site_app demo --host 127.0.0.1 --port 5000 --reset

## Run the whole test suite twice, side by side on two or more cores: embedded
## (browser tests included) and through the real driver against the MongoDB
## stand-in; fails under the coverage minimum.
test: install
	$(BIN)/python scripts/run_tests.py

## Refresh the committed screenshots in docs/screenshots (runs the browser tests).
screenshots: install
	SCREENSHOTS_DIR=docs/screenshots $(BIN)/python scripts/run_tests.py --lane embedded tests/browser -q

## Catalogs (site_app/translations/): extract the marked strings into
## messages.pot, merge them into each language's messages.po (new strings
## empty, fuzzy ones flagged), and compile the .mo files the site reads.
## The .mo files are committed, so a fresh clone serves every language
## without this step; run it after marking or translating strings.
TRANSLATIONS := site_app/translations
translations: install
	$(BIN)/pybabel -q extract -F babel.cfg -k _l -k lazy_gettext --no-location --sort-output \
		--project Inkwell --copyright-holder "Inkwell" -o $(TRANSLATIONS)/messages.pot .
	$(BIN)/pybabel -q update -i $(TRANSLATIONS)/messages.pot -d $(TRANSLATIONS) --no-fuzzy-matching --ignore-obsolete
	$(BIN)/pybabel -q compile -d $(TRANSLATIONS) --statistics

clean:
	rm -rf $(VENV) .pytest_cache
