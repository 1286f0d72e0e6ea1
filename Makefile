# Prichal: `make run` starts a complete demo on this machine, `make test` runs the whole suite.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.prichal-installed
DEV := PRETIX_CONFIG_FILE=$(CURDIR)/pretix.cfg DJANGO_SETTINGS_MODULE=pretix.settings
PO := $(shell find addons i18n -name '*.po' 2>/dev/null)
MO := $(PO:.po=.mo)

ADDONS := ticketing_core ticketing_seating ticketing_website ticketing_yoomoney ticketing_helpdesk

.PHONY: run test install system-deps gettext browser messages migrations bench clean

install: $(STAMP)

$(STAMP): pyproject.toml requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements.txt
	$(PY) -m pip install -q --no-deps -e .
	touch $(STAMP)

# Debian packages the project needs beyond Python: gettext (message catalogues) for everything,
# Chromium only for the browser tests. Installed when missing (as root on the project's machines).
define apt_install
	@if [ -n "$(1)" ]; then \
	  echo "Installing Debian packages:$(1)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(1) >/dev/null; \
	fi
endef

gettext:
	$(call apt_install,$(if $(shell command -v msgfmt),,gettext))

browser:
	$(call apt_install,$(strip $(if $(wildcard /usr/bin/chromium),,chromium) $(if $(wildcard /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc),,fonts-noto-cjk)))

system-deps: gettext browser

%.mo: %.po
	msgfmt --check -o $@ $<

messages: gettext $(MO)

run: install messages
	$(DEV) $(PY) tools/devserver.py

test: install messages browser
	@$(PY) tools/check_postgres.py
	$(PY) -m ruff check addons tools bench deploy
	@mkdir -p var/data
	@$(DEV) $(PY) -m pretix makemigrations --check --dry-run $(ADDONS) >var/makemigrations.log 2>&1 || \
	  { cat var/makemigrations.log; echo "Model changes without a migration: run make migrations"; exit 1; }
	$(PY) -m pytest -q

# pretix's own models carry config-dependent choices, so makemigrations also proposes a pretixbase
# migration inside the venv; only our addons' migrations are kept.
migrations: install
	@mkdir -p var/data
	$(DEV) $(PY) tools/make_migrations.py $(ADDONS)

bench: install
	$(PY) bench/peak_sale.py

clean:
	rm -rf var
