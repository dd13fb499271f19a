# Newsroom: the two commands a new user needs are `make run` and `make test`.
# Each sets everything up from nothing but Python 3.11+ and is safe to run again.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PORT   ?= 8000
HOST   ?= 127.0.0.1
WORKERS ?= 2

# `make run` serves over plain HTTP on localhost with DEBUG off; the secret key is generated
# once into var/secret_key unless DJANGO_SECRET_KEY is already set. NEWSROOM_SITE_URL (the
# address in e-mailed links and QR codes) defaults to the address it serves on.
RUN_ENV = DJANGO_SECRET_KEY="$${DJANGO_SECRET_KEY:-$$(cat var/secret_key)}" \
          DJANGO_HTTPS="$${DJANGO_HTTPS:-0}" DJANGO_SERVE_MEDIA="$${DJANGO_SERVE_MEDIA:-1}" \
          NEWSROOM_SITE_URL="$${NEWSROOM_SITE_URL:-http://$(HOST):$(PORT)}"

.PHONY: run test setup lint format bench import-accuracy clean

$(VENV)/.python-ok:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Newsroom needs Python 3.11 or newer; found " + sys.version.split()[0] + ". Set PYTHON=/path/to/python3.11.")'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	@touch $@

$(VENV)/.installed: $(VENV)/.python-ok requirements.txt
	$(PY) -m pip install --quiet -r requirements.txt
	@touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	$(PY) -m pip install --quiet -r requirements-dev.txt
	@touch $@

var/secret_key:
	@mkdir -p var
	@$(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))' > $@
	@chmod 600 $@

setup: $(VENV)/.installed var/secret_key
	@$(RUN_ENV) $(PY) manage.py migrate --noinput
	@$(RUN_ENV) $(PY) manage.py createcachetable
	@$(RUN_ENV) $(PY) manage.py collectstatic --noinput --verbosity 0
	@$(RUN_ENV) $(PY) manage.py load_demo_content --if-empty

run: setup
	@echo "Newsroom: http://$(HOST):$(PORT)/  (admin: http://$(HOST):$(PORT)/admin/)"
	@$(RUN_ENV) $(VENV)/bin/gunicorn newsroom.wsgi --bind $(HOST):$(PORT) --workers $(WORKERS) \
		--access-logfile - --forwarded-allow-ips="" --no-control-socket

test: $(VENV)/.installed-dev
	$(PY) -m pytest

lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(VENV)/.installed-dev
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

bench: $(VENV)/.installed-dev
	$(PY) scripts/benchmark.py
	@$(MAKE) --no-print-directory import-accuracy

# The importer's accuracy on tests/fixtures/import/corpus/ (fields right, chrome leaked).
import-accuracy: $(VENV)/.installed
	@for corpus in corpus holdout blind; do \
	  $(PY) scripts/import_accuracy.py --corpus tests/fixtures/import/$$corpus || exit 1; echo; \
	done

clean:
	rm -rf $(VENV) var/staticfiles var/test-*.sqlite3
