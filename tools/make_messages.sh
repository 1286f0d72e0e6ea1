#!/usr/bin/env bash
# Extract the translatable strings of every addon into its message catalogues:
#   addons/<addon>/locale/<lang>/LC_MESSAGES/django.po    (Python and templates)
#   addons/<addon>/locale/<lang>/LC_MESSAGES/djangojs.po  (only if the addon has .js files)
# Re-runnable: existing catalogues are merged (translations kept, vanished strings dropped, new ones
# added empty). Translate the new entries, then `make messages` builds the .mo files (git-ignored).
#
# Usage: tools/make_messages.sh [addon ...]      (default: every addons/ticketing_* directory)
#
# Why not plain `python -m django makemessages` inside the addon directory: with pretix's settings,
# LOCALE_PATHS holds [languages] path from pretix.cfg ("i18n", relative) and pretix's own locale
# directory in site-packages. Django's makemessages would create an "i18n" directory inside the addon
# and delete site-packages/pretix/locale/django.pot (it removes <path>/django.pot in every LOCALE_PATHS
# entry). So Django is set up with the pretix settings, LOCALE_PATHS is emptied, and makemessages runs
# from the addon directory, where it writes to the addon's own locale/ directory.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PY="${PY:-$ROOT/.venv/bin/python}"
LANGS=(ru zh_Hans)

command -v xgettext >/dev/null && command -v msgmerge >/dev/null || {
    echo "gettext (xgettext, msgmerge) is missing: run 'make system-deps'" >&2
    exit 1
}

# pretix creates its data directory on start-up; keep this run away from var/ of a running dev server.
TMP_DATA="$(mktemp -d)"
trap 'rm -rf "$TMP_DATA"' EXIT

if [ "$#" -gt 0 ]; then
    ADDONS=("$@")
else
    ADDONS=()
    for d in "$ROOT"/addons/ticketing_*/; do
        ADDONS+=("$(basename "$d")")
    done
fi

for addon in "${ADDONS[@]}"; do
    dir="$ROOT/addons/$addon"
    [ -f "$dir/__init__.py" ] || { echo "not an addon: $dir" >&2; exit 1; }
    mkdir -p "$dir/locale"
    domains=(django)
    if [ -n "$(find "$dir" -name '*.js' -not -path '*/node_modules/*' -not -path '*/tests/*' -print -quit)" ]; then
        domains+=(djangojs)
    fi
    for domain in "${domains[@]}"; do
        echo "== $addon: $domain (${LANGS[*]})"
        (
            cd "$ROOT"
            PRETIX_CONFIG_FILE="${PRETIX_CONFIG_FILE:-$ROOT/pretix.cfg}" \
            PRETIX_PRETIX_DATADIR="$TMP_DATA" \
            PRETIX_LANGUAGES_PATH="$dir/locale" \
            DJANGO_SETTINGS_MODULE=pretix.settings \
            "$PY" - "$dir" "$domain" "${LANGS[@]}" <<'EOF'
import os
import sys

import django

addon_dir, domain, langs = sys.argv[1], sys.argv[2], sys.argv[3:]
django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402

settings.LOCALE_PATHS = []
os.chdir(addon_dir)
call_command(
    "makemessages",
    locale=langs,
    domain=domain,
    no_obsolete=True,
    add_location="file",
    # Tests and test helpers are not shown to anybody.
    ignore_patterns=["tests", "testing", "node_modules", "static/*.min.js"],
    verbosity=1,
)
EOF
        )
    done
done

# A catalogue that makemessages has just created carries the template header (fuzzy, placeholders,
# and for ru Django's four plural forms). Give it a real header; headers already filled in are kept.
"$PY" - "$ROOT" "${ADDONS[@]}" <<'EOF'
import datetime
import glob
import os
import re
import sys

root, addons = sys.argv[1], sys.argv[2:]
NAMES = {"ru": "Russian", "zh_Hans": "Chinese (Simplified)"}
PLURALS = {
    "ru": "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);",
    "zh_Hans": "nplurals=1; plural=0;",
}
stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M+0000")
for addon in addons:
    for po in sorted(glob.glob(os.path.join(root, "addons", addon, "locale", "*", "LC_MESSAGES", "*.po"))):
        lang = po.split(os.sep)[-3]
        with open(po, encoding="utf-8") as f:
            text = f.read()
        head, sep, body = text.partition('\n\n')
        if '"Language: \\n"' not in head:
            continue  # a header somebody has already set up
        fields = {
            "Project-Id-Version": f"Prichal {addon}",
            "PO-Revision-Date": stamp,
            "Last-Translator": "Prichal team",
            "Language-Team": NAMES.get(lang, lang),
            "Language": lang,
        }
        for key, value in fields.items():
            head = re.sub(rf'"{key}: [^"]*\\n"', f'"{key}: {value}\\\\n"', head)
        if lang in PLURALS:
            head = re.sub(r'"Plural-Forms: .*?;\\n"',
                          lambda m: f'"Plural-Forms: {PLURALS[lang]}\\n"', head, flags=re.S)
        lines = [ln for ln in head.split("\n") if not ln.startswith("#")]
        title = f"# Prichal {addon}: {NAMES.get(lang, lang)} translation ({os.path.basename(po)})."
        head = "\n".join([title] + lines)
        with open(po, "w", encoding="utf-8") as f:
            f.write(head + sep + body)
        print(f"header set: {os.path.relpath(po, root)}")
EOF

# Report what is left to translate.
status=0
for po in "$ROOT"/addons/*/locale/*/LC_MESSAGES/*.po; do
    [ -f "$po" ] || continue
    stats="$(msgfmt --check --statistics -o /dev/null "$po" 2>&1)" || status=1
    echo "${po#"$ROOT"/}: $stats"
done
exit $status
