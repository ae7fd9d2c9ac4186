# The setup contract: `make demo` and `make test` work on a fresh Linux machine with Python 3.11.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
UV := $(BIN)/uv
export DJANGO_SETTINGS_MODULE := encaisse.settings

.PHONY: demo install install-dev migrate translations test test-browser lint format bench serve clean lock

$(PY):
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 is needed (python3.11 on PATH, or PYTHON=...)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check uv==0.13.9

$(VENV)/.installed-base: $(PY) requirements/base.lock pyproject.toml
	$(UV) pip install -q --compile-bytecode --python $(PY) -r requirements/base.lock
	$(UV) pip install -q --python $(PY) --no-deps -e .
	@touch $@

$(VENV)/.installed-dev: $(VENV)/.installed-base requirements/dev.lock
	$(UV) pip install -q --compile-bytecode --python $(PY) -r requirements/dev.lock
	@touch $@

install: $(VENV)/.installed-base translations
install-dev: $(VENV)/.installed-dev translations

translations: $(VENV)/.installed-base
	@$(BIN)/encaisse compile_translations

migrate: install
	@mkdir -p var
	$(BIN)/encaisse migrate --no-input

demo: migrate
	$(BIN)/encaisse demo --if-empty
	$(BIN)/encaisse serve

serve: migrate
	$(BIN)/encaisse serve

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

test: install-dev lint
	$(BIN)/encaisse makemigrations --check --dry-run >/dev/null
	$(BIN)/pytest -n 2 -q

test-browser: install-dev
	$(BIN)/pytest -q -m browser -p no:xdist tests/browser

bench: install-dev
	$(PY) bench/run.py

lock: $(PY)
	$(UV) pip compile -q pyproject.toml --python-version 3.11 -o requirements/base.lock
	$(UV) pip compile -q pyproject.toml --extra dev --python-version 3.11 -o requirements/dev.lock

clean:
	rm -rf $(VENV) var/static build *.egg-info
