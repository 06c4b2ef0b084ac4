# The two commands: `make run` and `make test`. Everything else is optional.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install install-dev migrate demo serve lint format messages check-messages bench bench-stack worker beat backup restore clean

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml $(VENV)/.installed
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

# `make run` shows the product as people see it: DEBUG off, so a missing page is the
# product's own 404 (and a crash its 500), not Django's debug page; static files come from
# static/ through WhiteNoise; plain HTTP on this machine only. `make run DEBUG=true` for
# Django's debug pages.
# Its secret key is generated once into data/ (never a published placeholder, which a start
# with DEBUG off refuses), so sessions survive a restart.
RUN_SECRET = data/make-run-secret-key
RUN_ENV = DEBUG=$${DEBUG:-false} SECRET_KEY=$${SECRET_KEY:-$$(cat $(RUN_SECRET))} DEMO_ENDPOINT=true \
	ALLOWED_HOSTS=$${ALLOWED_HOSTS:-localhost,127.0.0.1,[::1]} SECURE_HTTPS=$${SECURE_HTTPS:-false} \
	STATIC_MANIFEST=$${STATIC_MANIFEST:-false} WHITENOISE_USE_FINDERS=$${WHITENOISE_USE_FINDERS:-true}

## make run: install, migrate, load the demo (DEMO=1; DEMO=0 make run skips it) and serve on
## http://127.0.0.1:8000. The demo is never loaded unless asked: the compose stack needs DEMO=1.
run: install
	@mkdir -p data && test -s $(RUN_SECRET) || \
	  $(PY) -c "import secrets; print(secrets.token_urlsafe(50))" > $(RUN_SECRET)
	$(RUN_ENV) $(PY) manage.py migrate --noinput
	@if [ "$${DEMO:-1}" = 1 ]; then \
	  $(RUN_ENV) $(PY) manage.py load_demo && \
	  echo "Sign in at http://$(HOST):$(PORT)/ as claire.dubois@lumiere.example / demo-okr-2026" && \
	  echo "The KPI \"Inscriptions à l'essai\" syncs from this server's demo endpoint: press Sync now."; \
	fi
	$(RUN_ENV) KPI_CONNECTORS_ALLOW_PRIVATE_NETWORKS=$${KPI_CONNECTORS_ALLOW_PRIVATE_NETWORKS:-true} \
		DEMO_BASE_URL=$${DEMO_BASE_URL:-http://$(HOST):$(PORT)} $(PY) manage.py runserver $(HOST):$(PORT)

## make test: the whole suite (SQLite by default; PostgreSQL and Redis when their URLs are set)
test: install-dev
	$(PY) -m pytest $(PYTEST_ARGS)

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/ruff format --check .
	SECRET_KEY=lint $(PY) manage.py makemigrations --check --dry-run

format: install-dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

## make messages: refresh the French catalogue from the code and compile it
messages: install-dev
	$(PY) scripts/i18n.py update

check-messages: install-dev
	$(PY) -m pytest -q tests/test_translations.py

bench: install-dev
	DEBUG=false SECRET_KEY=$${SECRET_KEY:-bench} SECURE_HTTPS=false $(PY) manage.py bench $(BENCH_ARGS)

## make bench-stack: two gunicorn instances, two workers and a beat on DATABASE_URL (a scratch
## PostgreSQL database, flushed) and REDIS_URL; concurrent check-ins, reminders, roll-up.
bench-stack: install-dev
	DEBUG=false SECRET_KEY=$${SECRET_KEY:-bench} SECURE_HTTPS=false $(PY) manage.py bench_stack $(BENCH_ARGS)

worker: install
	$(VENV)/bin/celery -A okrapp worker

beat: install
	$(VENV)/bin/celery -A okrapp beat

## make backup: a backup of the database into BACKUP_DIR (default ./data/backups); prints its path
backup: install
	$(PY) manage.py backup

## make restore FILE=…: restore a backup into the configured database, which must be empty
restore: install
	@test -n "$(FILE)" || { echo "usage: make restore FILE=path/to/okr-….dump"; exit 2; }
	$(PY) manage.py restore "$(FILE)"

clean:
	rm -rf $(VENV) data
