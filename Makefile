# Starline — the commands in README. Each installs what it needs on first use.
SHELL := /bin/bash
# The virtualenv's interpreter: Debian's CPython 3.11 when the machine has it (with venv), else
# python3. Debian builds it with profile-guided optimisation (and without a shared libpython),
# and the Docker image's python:3.11-slim is an optimised build too; a default pyenv build is
# neither, and runs every page and PDF about a fifth slower. `make clean` then
# `make PYTHON=... install` picks another.
PYTHON ?= $(shell /usr/bin/python3.11 -c 'import ensurepip, venv' 2>/dev/null && echo /usr/bin/python3.11 || echo python3)
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8000
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
export DJANGO_SETTINGS_MODULE := starline.settings
# Development mode for everything make runs here; `make bench` sets production settings itself.
export DEBUG ?= True
# Links in emails sent without a request (a new organization's invitation) use this port.
export LINK_PORT ?= $(PORT)

.PHONY: service-deps run test test-times lint bench bench-fleet citus-check install lock scan system-deps browser-deps messages migrate seed clean

# The virtualenv is rebuilt when a lock file changes. Every package, pip included, is installed
# from the locks with --require-hashes: a download that differs from what was locked is refused.
$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --require-hashes --no-compile -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

# requirements*.in are edited by hand; this regenerates the locks from them, keeping every
# version already locked unless an .in file asks for another (`make lock UPGRADE=1` takes the
# newest that fit). pip-tools runs from a virtualenv of its own, so it never enters the app's.
PIP_TOOLS_VENV := .venv-pip-tools
PIP_COMPILE := $(PIP_TOOLS_VENV)/bin/pip-compile --quiet --generate-hashes --allow-unsafe --no-strip-extras \
	--no-emit-index-url --no-emit-find-links $(if $(UPGRADE),--upgrade)
lock:
	test -x $(PIP_TOOLS_VENV)/bin/pip-compile || { $(PYTHON) -m venv $(PIP_TOOLS_VENV) \
	  && $(PIP_TOOLS_VENV)/bin/pip install --quiet pip-tools==7.7.0; }
	$(PIP_COMPILE) -o requirements.txt requirements.in
	$(PIP_COMPILE) -o requirements-dev.txt requirements-dev.in

# gettext compiles the translations; WeasyPrint renders about 4x faster with harfbuzz-subset.
system-deps:
	@missing=""; \
	command -v msgfmt >/dev/null || missing="$$missing gettext"; \
	ldconfig -p 2>/dev/null | grep -q libharfbuzz-subset || missing="$$missing libharfbuzz-subset0"; \
	ldconfig -p 2>/dev/null | grep -q libpango-1.0 || missing="$$missing libpango-1.0-0 libpangoft2-1.0-0"; \
	if [ -n "$$missing" ]; then \
	  echo "Installing system packages:$$missing"; \
	  $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq $$missing >/dev/null; \
	fi

browser-deps:
	@if [ ! -x /usr/bin/chromium ]; then \
	  echo "Installing Debian's chromium for the browser tests"; \
	  $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq chromium fonts-dejavu-core >/dev/null; \
	fi

# The fault tests (apps/core/tests/faults.py) stop and start a Redis and a PostgreSQL 15 of
# their own, never the machine's, and the read replica tests a PostgreSQL 15 primary with a
# hot standby made by its pg_basebackup (same package): they need the server programs, and
# PostgreSQL's `postgres` user when run as root. The pool-mode tests and BENCH_PGBOUNCER=1 start
# PgBouncers of their own (bench/pgbouncer.py). Installed without starting anything (policy-rc.d
# refuses).
service-deps:
	@missing=""; \
	command -v redis-server >/dev/null || [ -x /usr/bin/redis-server ] || missing="$$missing redis-server"; \
	[ -x /usr/lib/postgresql/15/bin/initdb ] || command -v initdb >/dev/null || missing="$$missing postgresql-15"; \
	command -v pgbouncer >/dev/null || [ -x /usr/sbin/pgbouncer ] || missing="$$missing pgbouncer"; \
	if [ -n "$$missing" ]; then \
	  echo "Installing for the fault tests:$$missing"; \
	  ours=""; if [ ! -e /usr/sbin/policy-rc.d ]; then ours=1; \
	    printf '#!/bin/sh\nexit 101\n' | $(SUDO) tee /usr/sbin/policy-rc.d >/dev/null; $(SUDO) chmod +x /usr/sbin/policy-rc.d; fi; \
	  $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq $$missing >/dev/null; \
	  if [ -n "$$ours" ]; then $(SUDO) rm -f /usr/sbin/policy-rc.d; fi; \
	fi; \
	if [ "$$(id -u)" = 0 ] && ! id postgres >/dev/null 2>&1; then useradd --system --user-group postgres; fi

messages: install system-deps
	$(PY) manage.py compilemessages --ignore=$(VENV) -v0

# The embedded database serves the app as a role that owns nothing (README, "Database roles");
# its superuser is the owner, which migrates and grants. With DATABASE_URL set, set
# DATABASE_OWNER_URL beside it for the same.
run migrate seed: export EMBEDDED_APP_ROLE ?= starline_app

# Shared schema, then every organization (the clone template included), then the app role's
# grants (as the owner: starline/settings.py), then demo data.
migrate: install
	$(PY) manage.py migrate_fleet --noinput -v0
	$(PY) manage.py db_roles -v0

seed: migrate
	$(PY) manage.py seed_demo

run: messages
	$(PY) manage.py bootstrap_dev
	@echo ""
	@echo "  Starline is running:"
	@echo "    Sunrise Supports   http://sunrise.localhost:$(PORT)/"
	@echo "    Harbor Care        http://harbor.localhost:$(PORT)/"
	@echo "    Platform admin     http://localhost:$(PORT)/admin/"
	@echo ""
	exec $(PY) manage.py runserver 0.0.0.0:$(PORT)

# Style, then the layers of docs/architecture.md (import-linter, contracts in pyproject.toml),
# then types (mypy with django-stubs), then bandit's findings of medium severity and above in
# all our code, tests included. An accepted finding says why on its line: `# nosec B608` after
# the reason (ruff's `# noqa: S608 - reason` or a comment of its own), since bandit reads any
# words after "nosec" as test names. bandit also warns about every other expression on such a
# line that its test did not flag; those warnings are dropped here, its findings are not.
BANDIT_TARGETS := apps starline bench scan conftest.py manage.py gunicorn.conf.py
lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache
	$(VENV)/bin/mypy
	set -o pipefail; $(VENV)/bin/bandit --quiet --recursive --severity-level medium $(BANDIT_TARGETS) 2>&1 \
	  | { grep -v 'nosec encountered (B[0-9]*), but no failed test' || true; }

# Tests on PYTEST_WORKERS processes (pytest-xdist; `make test PYTEST_WORKERS=0` runs them in
# this one). Each worker has its own test database and Redis database (conftest.py); whole files
# go to one worker (--dist loadfile), so a module's fixtures (a live server's demo data) are
# built once, not once per worker), in the order collected: the slow files first (conftest.py).
PYTEST_WORKERS ?= 2
PYTEST_PARALLEL := $(if $(filter-out 0,$(PYTEST_WORKERS)),-n $(PYTEST_WORKERS) --dist loadfile --no-loadscope-reorder)

# As .ci/run does: with DATABASE_URL and REDIS_URL unset, the tests use the machine's PostgreSQL
# and Redis on 127.0.0.1 when they answer, and the embedded database only when none does (the
# fault and production-headers tests start servers of their own, which need a database they can
# reach by TCP and copy with the machine's pg_dump).
answers = $(shell timeout 2 bash -c 'exec 3<>/dev/tcp/127.0.0.1/$(1)' 2>/dev/null && echo yes)
ifeq ($(DATABASE_URL),)
ifeq ($(call answers,5432),yes)
test test-times: export DATABASE_URL := postgres://postgres@127.0.0.1:5432/starline
endif
endif
ifeq ($(REDIS_URL),)
ifeq ($(call answers,6379),yes)
test test-times: export REDIS_URL := redis://127.0.0.1:6379/1
endif
endif

test: messages browser-deps service-deps lint
	$(PY) manage.py makemigrations --check --dry-run -v0
	$(VENV)/bin/pytest $(PYTEST_PARALLEL)

# The date-sensitive tests again, the clock set to instants where "today" and "this week" differ
# between zones or the calendar turns: a Sunday 01:00 UTC (Saturday evening in Chicago), the days
# US daylight saving time starts and ends, New Year's Eve, and 29 February at 23:30 in a US
# Pacific organization (already 1 March in UTC: the leap day, a month's end and a zone far from
# UTC at once). Each line: the instant, then alpha's time zone. `.ci/run` runs this after
# `make test`.
TIME_TRAVEL_APPS := apps/core apps/scheduling apps/staff apps/clients apps/notifications apps/audit apps/documentation apps/billing \
	apps/compliance apps/reports
TIME_TRAVEL_AT := \
	2026-12-06T01:00:00+00:00,America/Chicago \
	2027-03-14T01:30:00-06:00,America/Chicago \
	2027-11-07T01:30:00-05:00,America/Chicago \
	2027-12-31T23:30:00-06:00,America/Chicago \
	2028-02-29T23:30:00-08:00,America/Los_Angeles

# Left out of these runs: modules whose tests check other processes (settings read by a fresh
# interpreter, import-linter, the embedded database server, a Celery worker, a gunicorn, Redis or
# S3 server of their own: the fault tests; a primary and standby of their own: the read replica
# tests). time-machine moves the clock of this process only, so under it they would test nothing
# new (a session signed in at a moved "now" looks twelve hours old to a gunicorn on the real
# clock; a throwaway Redis keeps real time), and they are among the slowest. Also left out, as
# their subject is not the date: the two sweeps of every URL (hostile form input, what a GET
# writes: a minute and a half of each instant) and clients' addresses (twenty seconds of seeding
# the whole demo, which the seed tests of documentation, scheduling and compliance do at each
# instant anyway). The crawler opens every page as every role of A at each instant, which would
# show a page that fails on one of these days (B's half, isolation, runs in `make test`). Every
# other test of those apps runs at each instant.
TIME_TRAVEL_SKIP := apps/core/tests/test_settings.py apps/core/tests/test_layers.py \
	apps/core/tests/test_embedded_database.py apps/notifications/tests/test_worker.py \
	apps/core/tests/test_headers_production.py apps/core/tests/test_fault_database_restart.py \
	apps/core/tests/test_fault_redis_down.py apps/notifications/tests/test_outbox.py \
	apps/files/tests/test_storage_faults.py apps/core/tests/test_forms_fuzzed.py \
	apps/core/tests/test_no_get_changes_state.py apps/reports/tests/test_background_exports_worker.py \
	apps/clients/tests/test_address.py apps/core/tests/test_read_replicas.py \
	apps/core/tests/test_pgbouncer_pool_mode.py apps/tenants/tests/test_moving_between_clusters.py

# The first instant creates the test databases and the others keep them (--reuse-db; conftest.py
# moves alpha to the instant's zone): every test rolls back what it writes, so they start as the
# first found them, and creating them again would cost each instant twenty seconds.
test-times: messages
	@set -e; databases=--create-db; for at in $(TIME_TRAVEL_AT); do \
	  echo "== clock at $${at%%,*}, alpha in $${at##*,}"; \
	  STARLINE_TEST_NOW=$${at%%,*} STARLINE_TEST_ALPHA_TZ=$${at##*,} \
	    $(VENV)/bin/pytest -q -p no:cacheprovider $(PYTEST_PARALLEL) $$databases -m "not browser" \
	      $(addprefix --ignore=,$(TIME_TRAVEL_SKIP)) $(TIME_TRAVEL_APPS); \
	  databases=--reuse-db; \
	done

# wapiti against a production-mode server (gunicorn, DEBUG=False) on a throwaway database, signed
# in as a demo organization admin; report in scan/, fails on any finding above low. Not part
# of `make test` (scan/run.py says what it does, scan/README.md how to read the report).
scan: messages
	@command -v wapiti >/dev/null || { \
	  echo "Installing Debian's wapiti for the scan"; \
	  $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq wapiti >/dev/null; }
	$(PY) scan/run.py

# BENCH_PGBOUNCER=1 serves the bench through a PgBouncer of its own, in session mode.
bench: messages $(if $(filter 1,$(BENCH_PGBOUNCER)),service-deps)
	$(PY) bench/run.py

# Starline on a throwaway Citus cluster (coordinator and two workers, schema-based sharding):
# bootstrap, a few organizations provisioned, their placement on the workers, the triggers,
# the cross-organization tests and a short bench (bench/citus_check.py). Not part of `make test`.
# Needs Citus built for the machine's PostgreSQL; the script says where to get it when missing.
citus-check: messages service-deps
	@command -v wrk >/dev/null || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq wrk >/dev/null; }
	$(PY) bench/citus_check.py

# A fleet of FLEET_SIZE organizations (1,000 by default) in a database of its own
# (starline_fleet): provisioning, catalog, memory, fleet migrations; bench/results/fleet.json.
# Not part of `bench`: it takes a while.
bench-fleet: messages
	$(PY) bench/fleet.py

clean:
	rm -rf $(VENV) $(PIP_TOOLS_VENV) staticfiles .pytest_cache .ruff_cache .mypy_cache
