# Prichal: `make run` starts a complete demo on this machine, `make test` runs the whole suite.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.prichal-installed
DEV := PRETIX_CONFIG_FILE=$(CURDIR)/pretix.cfg DJANGO_SETTINGS_MODULE=pretix.settings
PO := $(shell find addons i18n -name '*.po' 2>/dev/null)
MO := $(PO:.po=.mo)
JSI18N := var/.jsi18n-ru var/.jsi18n-zh-hans

ADDONS := ticketing_core ticketing_rentals ticketing_seating ticketing_website ticketing_yoomoney ticketing_helpdesk

.PHONY: run test install system-deps gettext browser messages migrations bench clean i18n-stats

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

messages: gettext $(MO) $(JSI18N)

# pretix's pages load static/jsi18n/<lang>/djangojs.js (django-statici18n) from the installed pretix's static
# directory; the wheel ships them compiled without i18n/, so the shop's JavaScript (the cart timer) would stay
# English. `pretix rebuild` in the Docker build compiles them with i18n/ (PRETIX_LANGUAGES_PATH); this does the
# same for `make run` and the tests, again whenever our djangojs catalogue or the installed packages change.
var/.jsi18n-ru: i18n/ru/LC_MESSAGES/djangojs.mo
var/.jsi18n-zh-hans: i18n/zh_Hans/LC_MESSAGES/djangojs.mo
var/.jsi18n-%: $(STAMP)
	@mkdir -p var/data
	$(DEV) $(PY) -m pretix compilejsi18n -v 0 -l $*
	@touch $@

# Per catalogue of i18n/ (pretix's messages that customers and staff see, completed in ru and zh_Hans):
# translated / total of the messages tools/make_pretix_overrides.py selects; tools/test_pretix_translations.py
# fails unless every one is translated.
i18n-stats:
	@$(PY) tools/make_pretix_overrides.py --stats

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
