"""
E-mails that carry what a customer typed (a case's subject, their message) as literal text.

pretix renders every e-mail body as Markdown with HTML allowed, so a customer's ``[click](http://evil)``,
``**bold**`` or ``<img src=…>`` would become a link, bold type or a tracking image in the HTML part, in a
message that comes from the operator. Such a text goes to pretix's ``mail()`` as one placeholder instead,
whose plain form is the text itself and whose HTML form is the text escaped (line breaks kept): pretix
inserts placeholder values after the Markdown step and does not linkify this kind of value. Only the
addresses we made ourselves (``links``) become clickable.
"""
from collections.abc import Iterable

from django.utils.html import escape
from i18nfield.strings import LazyI18nString

from pretix.helpers.format import PlainHtmlAlternativeString

PLACEHOLDER = "prichalliteralbody"  # no underscores: nothing in it that Markdown could read as emphasis


def literal_mail(text: str, links: Iterable[str] = ()) -> tuple[LazyI18nString, dict]:
    """(template, context) for pretix's ``mail()``: ``text`` arrives as written in the text and the HTML part."""
    html = escape(text)
    for url in sorted({u for u in links if u}, key=len, reverse=True):
        html = html.replace(escape(url), f'<a href="{escape(url)}">{escape(url)}</a>')
    html = html.replace("\n", "<br>\n")
    return LazyI18nString("{%s}" % PLACEHOLDER), {PLACEHOLDER: PlainHtmlAlternativeString(text, html)}


def literal_subject(subject: str) -> str:
    """pretix formats the subject with the mail's placeholders: braces a customer typed stay braces."""
    return subject.replace("{", "{{").replace("}", "}}")
