"""The catalogues in i18n/ that complete pretix's own Russian and Chinese translations are complete and sound.

What customers and staff read of pretix (shop, checkout, accounts, e-mails, tickets, invoices, error messages
and the daily back-office screens) comes from the messages that tools/make_pretix_overrides.py selects; these
tests fail when one of them is untranslated or fuzzy, when a catalogue is out of date with pretix or the
tool's source list, when a translation drops or invents a placeholder or an HTML tag, and when Django does
not actually serve our translation (pretix.cfg ``[languages] path=i18n`` puts i18n/ first in LOCALE_PATHS).
"""
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.utils import translation
from django.utils.translation.trans_real import DjangoTranslation

from tools import make_pretix_overrides as overrides

ROOT = Path(__file__).resolve().parent.parent
TOOL = ROOT / "tools" / "make_pretix_overrides.py"
CATALOGUES = [(lang, domain) for lang in overrides.LANGUAGES for domain in overrides.DOMAINS]
NPLURALS = {"ru": 3, "zh_Hans": 1}


def _po(lang: str, domain: str) -> Path:
    return overrides.OUT_DIR / lang / "LC_MESSAGES" / f"{domain}.po"


def test_catalogues_are_up_to_date_and_complete():
    """`make_pretix_overrides.py --check`: every selected pretix message is in our catalogues, translated
    (by pretix or by us), not fuzzy, and the files are what the tool would write."""
    result = subprocess.run([sys.executable, str(TOOL), "--check"], capture_output=True, text=True, cwd=ROOT,
                            timeout=300)
    assert result.returncode == 0, f"{TOOL.name} --check failed:\n{result.stdout}{result.stderr}"


@pytest.mark.parametrize(("lang", "domain"), CATALOGUES)
def test_msgfmt_accepts_catalogue(lang, domain):
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        pytest.fail("msgfmt (gettext) is not installed: run `make gettext`", pytrace=False)
    po = _po(lang, domain)
    env = {**os.environ, "LC_ALL": "C", "LANGUAGE": "", "LANG": "C"}
    result = subprocess.run([msgfmt, "--check", "--statistics", "-o", os.devnull, str(po)],
                            capture_output=True, text=True, env=env, timeout=60)
    output = (result.stdout + result.stderr).strip()
    assert result.returncode == 0, f"msgfmt --check rejects {po.relative_to(ROOT)}:\n{output}"
    assert "untranslated" not in output and "fuzzy" not in output, f"{po.relative_to(ROOT)}: {output}"


_PERCENT = re.compile(r"%(?:\([^)]+\))?[-#0 +]*\d*(?:\.\d+)?[sdifr%]")
_BRACE = re.compile(r"(?<!\{)\{([A-Za-z_][\w.]*)?\}(?!\})")
_HTML = ("a|abbr|b|br|code|div|em|h[1-6]|hr|i|img|kbd|li|ol|p|pre|small|span|strong|sub|sup|table|tbody|td|th|"
         "thead|tr|u|ul")
_TAG = re.compile(rf"</?({_HTML})(?=[\s/>])", re.IGNORECASE)


def _placeholders(text: str, python_format: bool) -> tuple:
    """(named %(x)s, bare %s in order, {name} fields, HTML tag names) of a message."""
    percent = [p for p in _PERCENT.findall(text) if p != "%%"] if python_format else []
    # Named %(x)s placeholders may move; bare %s/%d keep their order, so compare them as sequence.
    return (tuple(sorted(p for p in percent if "(" in p)), tuple(p for p in percent if "(" not in p),
            tuple(sorted(set(_BRACE.findall(text)))), tuple(sorted(t.lower() for t in _TAG.findall(text))))


@pytest.mark.parametrize(("lang", "domain"), CATALOGUES)
def test_translations_keep_placeholders_and_html(lang, domain):
    """Every translation of ours keeps the msgid's %(name)s/%s placeholders, {name} fields and HTML tags —
    a lost one shows raw markup or crashes formatting; one too many raises KeyError at runtime."""
    problems = []
    for entry in overrides.parse_po(_po(lang, domain)):
        if not entry.msgid or entry.obsolete:
            continue
        source_forms = [entry.msgid] if entry.msgid_plural is None else [entry.msgid, entry.msgid_plural]
        fmt = "python-format" in entry.flags
        expected = {_placeholders(s, fmt) for s in source_forms}
        for form in entry.forms(NPLURALS[lang]):
            got = _placeholders(form, fmt)
            if got in expected:
                continue
            # A plural form may leave out the count (Russian "одну минуту"), never add a new field.
            names_ok = all(set(got[0]) <= set(e[0]) and set(got[2]) <= set(e[2]) and got[3] == e[3]
                           for e in expected)
            if entry.msgid_plural is not None and names_ok:
                continue
            problems.append(f"{entry.msgid[:70]!r} -> {form[:70]!r}: {got} != {sorted(expected)}")
    assert not problems, f"{_po(lang, domain).relative_to(ROOT)}:\n" + "\n".join(problems[:30])


def _compiled_catalogues_current() -> bool:
    mos = [_po(lang, domain).with_suffix(".mo") for lang, domain in CATALOGUES]
    return all(mo.exists() and mo.stat().st_mtime >= mo.with_suffix(".po").stat().st_mtime for mo in mos)


needs_mo = pytest.mark.skipif(not _compiled_catalogues_current(), reason="i18n/*.mo missing or older than "
                              "the .po files: run `make messages` (part of `make test`)")


@needs_mo
@pytest.mark.parametrize(("language", "msgid", "translated"), [
    ("ru", "Data shredder", "Удаление персональных данных"),
    ("zh-hans", "Payment search", "搜索付款"),
    ("ru", "Order {}", "Заказ {}"),
])
def test_django_serves_our_translations(language, msgid, translated):
    """Our catalogue is on the locale path ahead of pretix's: Django returns our text for messages pretix left
    untranslated."""
    with translation.override(language):
        assert translation.gettext(msgid) == translated


@needs_mo
@pytest.mark.parametrize(("language", "count", "translated"), [
    ("ru", 1, "Позиции в вашей корзине зарезервированы для вас ещё на {num}\xa0минуту."),
    ("ru", 3, "Позиции в вашей корзине зарезервированы для вас ещё на {num}\xa0минуты."),
    ("ru", 15, "Позиции в вашей корзине зарезервированы для вас ещё на {num}\xa0минут."),
    ("zh-hans", 15, "购物车中的物品将为您保留 {num}\xa0分钟。"),
])
def test_javascript_catalogue_has_cart_timer(language, count, translated):
    """The shop's cart expiry timer (pretixpresale/js/ui/cart.js) is served translated by /jsi18n/<lang>/,
    which reads the djangojs domain from the same locale path."""
    catalogue = DjangoTranslation(language, domain="djangojs")
    assert catalogue.ngettext("The items in your cart are reserved for you for one\xa0minute.",
                              "The items in your cart are reserved for you for {num}\xa0minutes.",
                              count) == translated


_STYLE = {
    # Russian: one space between words, none before punctuation.
    "ru": [(re.compile(r"(?<=\S)  +(?=\S)"), "double space"), (re.compile(r"(?<=\w) +[,.:;!?](?=\s|$)"),
                                                              "space before punctuation")],
    # Chinese: the customer is always 您 (never 你); full-width punctuation, not followed by a space.
    "zh_Hans": [(re.compile(r"你(?!们)"), "你 instead of 您"), (re.compile(r"[。，！？：；][ \t]+(?=\S)"),
                                                               "space after full-width punctuation"),
                (re.compile(r"[\u4e00-\u9fff][.!?:](?=\s|$)"), "half-width punctuation after Chinese")],
}


@pytest.mark.parametrize(("lang", "domain"), CATALOGUES)
def test_house_style(lang, domain):
    """The second read's rules, kept: what pretix's own translations got wrong must not come back with a
    pretix upgrade (a changed msgid brings pretix's translation back unless ours is marked '# override')."""
    problems = []
    for entry in overrides.parse_po(_po(lang, domain)):
        if not entry.msgid or entry.obsolete:
            continue
        for form in entry.forms(NPLURALS[lang]):
            for pattern, what in _STYLE[lang]:
                if pattern.search(form) and not pattern.search(entry.msgid):
                    problems.append(f"{what}: {entry.msgid[:60]!r} -> {form[:80]!r}")
    assert not problems, f"{_po(lang, domain).relative_to(ROOT)}:\n" + "\n".join(problems[:30])


@pytest.mark.parametrize("domain", list(overrides.DOMAINS))
def test_russian_first_plural_form_shows_the_number(domain):
    """Russian's first plural form also serves 21, 31, 101…: it must show the count that the English plural
    shows ("{num} минуту"), not only the English singular's words ("одну минуту")."""
    field = re.compile(r"%\([^)]+\)[sd]|\{[a-z_]+\}|%[sd]")
    problems = []
    for entry in overrides.parse_po(_po("ru", domain)):
        if entry.msgid_plural is None or entry.obsolete:
            continue
        count = set(field.findall(entry.msgid_plural)) - set(field.findall(entry.msgid))
        first = entry.forms(NPLURALS["ru"])[0]
        if count and not count <= set(field.findall(first)):
            problems.append(f"{entry.msgid[:60]!r} -> {first[:80]!r} lacks {sorted(count)}")
    assert not problems, "\n".join(problems)


def test_russian_texts_quote_event_and_organizer_names_instead_of_declining_them():
    """
    "заказ на Вечерняя прогулка", "команда Вечерняя прогулка": a name the operator typed in the nominative cannot
    follow a preposition or a noun unquoted; our Russian texts put it in quotes («{event}»).
    """
    bare = re.compile(r"[а-яА-ЯёЁ,] (\{(event|organizer)\}|%\((event|organizer)\)s)(?!-)")
    wrong = []
    for entry in overrides.parse_po(_po("ru", "django")):
        for text in entry.msgstr.values():
            if bare.search(text):
                wrong.append(text[:80])
    assert wrong == []

