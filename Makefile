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

ADDONS := ticketing_core ticketing_rentals ticketing_seating ticketing_website ticketing_yoomoney ticketing_helpdesk ticketing_accounting

.PHONY: run test install system-deps gettext browser fonts pdf-tools deploy-tools messages migrations bench clean i18n-stats sast audit \
	security-scan openapi monitoring-deps monitoring-check observability-test infra-check journeys clock-sweep

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

# The PDF font of tickets and invoices (Cyrillic, ₽ and Chinese; ticketing_core/documents/fonts.py).
fonts:
	$(call apt_install,$(if $(wildcard /usr/share/fonts/truetype/lxgw-wenkai/LXGWWenKai-Regular.ttf),,fonts-lxgw-wenkai))

# nginx: the production proxy's configuration (deploy/nginx.conf) is checked with `nginx -t` (test_deploy_config.py).
deploy-tools:
	$(call apt_install,$(if $(shell command -v nginx),,nginx))

# poppler-utils: tests read a rendered PDF's laid-out text (pdftotext) and draw its first page to look at (pdftoppm).
pdf-tools:
	$(call apt_install,$(if $(shell command -v pdftotext),,poppler-utils))

# Prometheus's promtool, Alertmanager's amtool and the blackbox exporter: the alert rules, their unit tests and the
# routing example are checked with the real tools (monitoring/, tools/test_monitoring.py); the live test runs them.
monitoring-deps:
	$(call apt_install,$(strip $(if $(shell command -v promtool),,prometheus) $(if $(shell command -v amtool),,prometheus-alertmanager) $(if $(shell command -v prometheus-blackbox-exporter),,prometheus-blackbox-exporter)))

system-deps: gettext browser fonts pdf-tools deploy-tools monitoring-deps

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

# PRICHAL_DEMO=1: this instance is the demo (load_demo refuses to create its known admin password elsewhere).
run: install messages fonts
	PRICHAL_DEMO=1 $(DEV) $(PY) tools/devserver.py

# The suite runs in TEST_WORKERS processes (pytest-xdist; a test file stays in one process, so a file's tests share
# their fixtures and never race each other). Each process builds its own PostgreSQL database (test_prichal_gw0, …)
# from the models; the migrations themselves run once, in test_make_run_smoke.py. TEST_WORKERS=0 runs it in one.
TEST_WORKERS ?= 2

test: install messages browser fonts pdf-tools deploy-tools monitoring-deps
	@$(PY) tools/check_postgres.py
	$(PY) -m ruff check addons tools bench deploy
	$(MAKE) --no-print-directory sast audit monitoring-check infra-check
	@mkdir -p var/data
	@$(DEV) $(PY) -m pretix makemigrations --check --dry-run $(ADDONS) >var/makemigrations.log 2>&1 || \
	  { cat var/makemigrations.log; echo "Model changes without a migration: run make migrations"; exit 1; }
	$(PY) -m pytest -q -n $(TEST_WORKERS) --dist loadfile --durations=25

# The monitoring configuration with the real tools (tools/test_monitoring.py checks the same inside pytest, plus
# runbook links and test coverage of every alert).
monitoring-check: monitoring-deps
	cd monitoring/prometheus && promtool check config prometheus.yml && promtool check rules rules/*.yml && \
	  cd tests && promtool test rules *.yml
	amtool check-config monitoring/alertmanager/alertmanager.yml
	prometheus-blackbox-exporter --config.file=monitoring/prometheus/blackbox.yml --config.check

# Prichal under a real Prometheus and blackbox exporter (tools/observability_live.py, about 2 minutes): a purchase
# paid through the YooKassa emulator moves the counters, every dashboard query returns data, lost webhooks raise
# the alert. Run by .ci/run after `make test`.
observability-test: install messages fonts monitoring-deps
	@$(PY) tools/check_postgres.py
	PRICHAL_OBSERVABILITY_LIVE=1 $(PY) -m pytest -q -p no:cacheprovider tools/test_observability_live.py

# The suite with the clock at the Moscow hours where date arithmetic in tests broke before (tools/clock_sweep.py):
# evening (within 24 hours of "tomorrow 19:00"), just before and after midnight, early morning. Browser and server
# tests run on the real clock in other processes and are left out. About 10 minutes per hour on two cores; run it
# before a stop that changed dates, schedules or fixtures. `make clock-sweep CLOCK_TIMES=19:10` for one hour.
CLOCK_TIMES ?= 19:10 23:30 00:10 03:40
clock-sweep: install messages fonts pdf-tools deploy-tools
	@$(PY) tools/check_postgres.py
	@for t in $(CLOCK_TIMES); do echo "== the suite at $$t Moscow time"; \
	  PRICHAL_CLOCK=$$t $(PY) -m pytest -q -n $(TEST_WORKERS) --dist loadfile -p tools.clock_sweep \
	    -m "not e2e and not journey" || exit 1; done

# The journeys alone (pytest marker `journey`; `make test` runs them too, they take about a minute): whole customer
# and operator journeys in headless Chromium, clicked and typed as a person does. Screenshots: var/journeys/.
journeys: install messages browser fonts pdf-tools
	@$(PY) tools/check_postgres.py
	$(PY) -m pytest -q -m journey --durations=10

# Static analysis (SECURITY.md): bandit over shipped code, every accepted finding marked `# nosec <id>` where it
# stands; semgrep with our own rules in .semgrep/ (each rule's sample next to it, checked by --test). semgrep pins
# protobuf and importlib-metadata that pretix cannot share, so it lives in its own venv. Both run offline.
SEMGREP_VENV := .venv-semgrep
SEMGREP := SEMGREP_ENABLE_VERSION_CHECK=0 SEMGREP_SEND_METRICS=off $(SEMGREP_VENV)/bin/semgrep

$(SEMGREP_VENV)/.installed: tools/security/semgrep-requirements.txt
	test -x $(SEMGREP_VENV)/bin/python || $(PYTHON) -m venv $(SEMGREP_VENV)
	$(SEMGREP_VENV)/bin/pip install -q -r tools/security/semgrep-requirements.txt
	touch $@

sast: install $(SEMGREP_VENV)/.installed
	$(VENV)/bin/bandit -q -r addons tools deploy -x '*/tests/*,*/testing/*,*/testing.py,*/migrations/*,tools/test_*.py' \
	  -f custom --msg-template '{relpath}:{line} {test_id} {msg}' 2>/dev/null || \
	  { echo "bandit: findings above; fix them or mark a reviewed one '# nosec <id>  # why'"; exit 1; }
	@for rule in .semgrep/*.yml; do for sample in $$(ls $${rule%.yml}.* | grep -v '\.yml$$'); do \
	  out=$$($(SEMGREP) --test --metrics=off --config $$rule $$sample 2>&1); \
	  echo "$$out" | grep -q "All tests passed" || { echo "$$out"; echo "semgrep rule test failed: $$sample"; exit 1; }; \
	done; done; echo "semgrep: every rule catches its samples"
	$(SEMGREP) scan --metrics=off --disable-version-check --quiet --error --exclude tests --exclude testing --exclude testing.py \
	  --exclude migrations --config .semgrep/ addons tools deploy

# Infrastructure as code (infra/README.md): `terraform fmt` where a terraform binary exists (providers cannot be
# downloaded here, so init/validate/plan run in the pipeline), checkov with the reviewed skip list infra/.checkov.yaml
# in its own venv (its pins clash with pretix's); our own HCL rules are tools/test_infra.py in the suite.
CHECKOV_VENV := .venv-checkov
$(CHECKOV_VENV)/.installed: tools/security/checkov-requirements.txt
	test -x $(CHECKOV_VENV)/bin/python || $(PYTHON) -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/pip install -q -r tools/security/checkov-requirements.txt
	touch $@

infra-check: $(CHECKOV_VENV)/.installed
	@if command -v terraform >/dev/null; then terraform fmt -check -recursive infra; \
	  else echo "terraform not installed: fmt check skipped (it runs in the pipeline)"; fi
	$(CHECKOV_VENV)/bin/checkov --config-file infra/.checkov.yaml

# The pinned requirements against the stored advisory snapshot (tools/security/advisories.py); fails on an
# affected pin, warns loudly when the snapshot is old. With internet, also: pip-audit --strict -r requirements.txt
audit: install
	$(PY) tools/security/advisories.py

# DAST (SECURITY.md): a bounded wapiti scan of a throw-away instance, logged in as staff and as a customer; about
# 15 minutes, so not part of `make test`. wapiti's pins clash with pretix's, so it has its own venv.
DAST_VENV := .venv-dast
$(DAST_VENV)/.installed: tools/security/dast-requirements.txt
	test -x $(DAST_VENV)/bin/python || $(PYTHON) -m venv $(DAST_VENV)
	$(DAST_VENV)/bin/pip install -q -r tools/security/dast-requirements.txt
	touch $@

security-scan: install messages fonts $(DAST_VENV)/.installed
	$(PY) -m tools.security.dast

# The OpenAPI description of our endpoints (tools/security/openapi.py), for API users.
openapi: install
	@mkdir -p var/data
	$(DEV) $(PY) tools/security/openapi.py > var/openapi.json && echo "var/openapi.json"

# pretix's own models carry config-dependent choices, so makemigrations also proposes a pretixbase
# migration inside the venv; only our addons' migrations are kept.
migrations: install
	@mkdir -p var/data
	$(DEV) $(PY) tools/make_migrations.py $(ADDONS)

bench: install
	$(PY) bench/peak_sale.py

clean:
	rm -rf var
