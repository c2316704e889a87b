# The two commands a newcomer needs: `make run` and `make test`.
# Each creates the virtual environment it needs (only Python 3.11+ required).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test install screenshots clean

$(BIN)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

install: $(BIN)/.installed

## Start the site on http://127.0.0.1:5000, on the embedded database, with demo content.
run: install
	$(BIN)/flask --app site_app demo --host 127.0.0.1 --port 5000

## Run the whole test suite twice, side by side on two or more cores: embedded
## (browser tests included) and through the real driver against the MongoDB
## stand-in; fails under the coverage minimum.
test: install
	$(BIN)/python scripts/run_tests.py

## Refresh the committed screenshots in docs/screenshots (runs the browser tests).
screenshots: install
	SCREENSHOTS_DIR=docs/screenshots $(BIN)/python scripts/run_tests.py --lane embedded tests/browser -q

clean:
	rm -rf $(VENV) .pytest_cache
