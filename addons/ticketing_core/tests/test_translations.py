"""Every addon's Russian and Chinese message catalogues are complete: `msgfmt --check --statistics` on each
addons/*/locale/{ru,zh_Hans}/LC_MESSAGES/*.po accepts it and reports neither untranslated nor fuzzy messages.
After `tools/make_messages.sh` has merged new strings, this fails until they are translated. Plain functions:
no Django, no database. msgfmt comes from gettext (`make gettext`, part of `make test`).
"""
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
ADDONS_DIR = ROOT / "addons"
LANGUAGES = ("ru", "zh_Hans")
CATALOGUES = sorted(
    po for lang in LANGUAGES for po in ADDONS_DIR.glob(f"*/locale/{lang}/LC_MESSAGES/*.po")
)
ADDONS = sorted(d.name for d in ADDONS_DIR.glob("ticketing_*") if (d / "__init__.py").is_file())

# msgfmt's statistics line, e.g. "3 translated messages, 2 fuzzy translations, 144 untranslated messages."
STAT = re.compile(r"(\d+) (translated|fuzzy|untranslated) (?:message|translation)s?")


def msgfmt_statistics(po: Path) -> dict[str, int]:
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        pytest.fail("msgfmt (gettext) is not installed: run `make gettext`", pytrace=False)
    # The statistics are translated by gettext itself: ask for the untranslated (English) wording.
    env = {**os.environ, "LC_ALL": "C", "LANGUAGE": "", "LANG": "C"}
    result = subprocess.run([msgfmt, "--check", "--statistics", "-o", os.devnull, str(po)],
                            capture_output=True, text=True, env=env, timeout=60)
    output = (result.stdout + result.stderr).strip()
    rel = po.relative_to(ROOT)
    assert result.returncode == 0, f"msgfmt --check rejects {rel}:\n{output}"
    assert STAT.search(output), f"no statistics in msgfmt's output for {rel}: {output!r}"
    counts = {"translated": 0, "fuzzy": 0, "untranslated": 0}
    for number, kind in STAT.findall(output):
        counts[kind] = int(number)
    return counts


def test_catalogues_found():
    assert CATALOGUES, f"no addons/*/locale/{{{','.join(LANGUAGES)}}}/LC_MESSAGES/*.po found under {ADDONS_DIR}"


@pytest.mark.parametrize("addon", ADDONS)
@pytest.mark.parametrize("lang", LANGUAGES)
def test_addon_has_catalogue(addon, lang):
    po = ADDONS_DIR / addon / "locale" / lang / "LC_MESSAGES" / "django.po"
    assert po.is_file(), f"{po.relative_to(ROOT)} is missing: run `tools/make_messages.sh {addon}` and translate it"


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda p: str(p.relative_to(ADDONS_DIR)))
def test_catalogue_complete(po):
    counts = msgfmt_statistics(po)
    assert counts["untranslated"] == 0 and counts["fuzzy"] == 0, (
        f"{po.relative_to(ROOT)}: {counts['untranslated']} untranslated and {counts['fuzzy']} fuzzy messages "
        f"({counts['translated']} translated); translate them and remove the \"#, fuzzy\" flags"
    )
