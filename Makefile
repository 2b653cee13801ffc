# Two commands do everything on a fresh machine with Python 3.11: `make demo` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test test-fast bench lint format pre-commit worker beat migrate seed run install messages system-packages axe clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $(STAMP)

install: $(STAMP) messages

# The translations (locale/<language>/LC_MESSAGES/django.po, kept in git) compiled to .mo files.
# polib compiles them, so a machine without GNU gettext can run the app; the catalog check
# (tests/mentoring/test_translations.py) needs gettext's xgettext and msgfmt (system-packages).
CATALOGS := $(wildcard locale/*/LC_MESSAGES/django.po)
messages: $(CATALOGS:.po=.mo)
locale/%/LC_MESSAGES/django.mo: locale/%/LC_MESSAGES/django.po $(STAMP)
	$(BIN)/python -c "import sys, polib; polib.pofile(sys.argv[1]).save_as_mofile(sys.argv[2])" $< $@

# Debian packages the tests need: Chromium and fonts for the browser tests, gettext for the
# translation catalog check. Installed only when missing and when running as root (CI);
# elsewhere it says what to install and those tests skip.
SYSTEM_PACKAGES := chromium fonts-liberation gettext
system-packages:
	@if [ -x /usr/bin/chromium ] && command -v xgettext >/dev/null && command -v msgfmt >/dev/null; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "== installing $(SYSTEM_PACKAGES)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(SYSTEM_PACKAGES) >/dev/null; \
	else echo "NOTE: no Chromium or gettext; browser tests and the catalog check will be skipped (sudo apt-get install -y $(SYSTEM_PACKAGES))"; fi

# axe-core, pinned in package.json, for the accessibility check of the browser tests. Installed
# with npm when npm is here; without it the check is skipped with a warning (CI requires it).
AXE := node_modules/axe-core/axe.min.js
$(AXE): package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $(AXE)

axe:
	@if command -v npm >/dev/null; then $(MAKE) --no-print-directory $(AXE); \
	else echo "NOTE: no npm; the browser tests' accessibility check (axe-core) will be skipped"; fi

migrate: install
	$(BIN)/python manage.py migrate --noinput

seed: migrate
	$(BIN)/python manage.py seed_demo

# The demo switches off the HR two-factor requirement so the demo logins work at once.
demo: seed
	@echo ""
	@echo "  Reverse Mentoring demo on http://127.0.0.1:8000"
	@echo "  HR coordinator: hr@example.com / mentoring-demo-2026"
	@echo "  Junior mentor:  mia.schulz@example.com / mentoring-demo-2026"
	@echo "  Senior mentee:  marcus.webb@example.com / mentoring-demo-2026"
	@echo ""
	HR_REQUIRE_MFA=0 $(BIN)/python manage.py runserver 127.0.0.1:8000

run: install
	$(BIN)/python manage.py runserver 127.0.0.1:8000

# Tests marked `bench` (the benchmark scripts, ~60 s each) are left out unless -m names them.
test: install system-packages axe
	$(BIN)/python -m pytest -n 2 $(PYTEST_ARGS)

test-fast: install
	$(BIN)/python -m pytest -n 2 -m "not browser" $(PYTEST_ARGS)

# The benchmark tests, then the benchmarks themselves with their default sizes (README's figures).
bench: install
	$(BIN)/python -m pytest -n 2 -m bench $(PYTEST_ARGS)
	$(BIN)/python -m matching.bench
	$(BIN)/python -m matching.bench_groups
	$(BIN)/python -m matching.bench_peer
	$(BIN)/python -m portal.bench_sweep
	$(BIN)/python -m portal.bench_scale --sqlite-if-no-postgres

# `make lint` checks formatting (ruff format --check) and types (mypy, strict on services,
# selectors and the matching engine); CHECK_FORMAT=0 / CHECK_TYPES=0 skip them for a quick run.
CHECK_FORMAT ?= 1
CHECK_TYPES ?= 1

lint: install
	$(BIN)/ruff check .
ifeq ($(CHECK_FORMAT),1)
	$(BIN)/ruff format --check .
endif
ifeq ($(CHECK_TYPES),1)
	$(BIN)/mypy
endif
	$(BIN)/python manage.py makemigrations --check --dry-run

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Installs the git hook that runs .pre-commit-config.yaml (the checks of `make lint`) on each commit.
pre-commit: install
	$(BIN)/pre-commit install

worker: install
	$(BIN)/celery -A mentoring worker --loglevel=info

beat: install
	$(BIN)/celery -A mentoring beat --loglevel=info

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache .mypy_cache
