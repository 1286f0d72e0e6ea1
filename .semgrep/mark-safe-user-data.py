from django.template.loader import get_template, render_to_string
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe


def bad(case):
    # ruleid: prichal-mark-safe-non-literal
    mark_safe(case.message)
    # ruleid: prichal-mark-safe-non-literal
    SafeString("<b>" + case.subject + "</b>")


def good(case, request):
    # ok: prichal-mark-safe-non-literal
    mark_safe("<br>")
    # ok: prichal-mark-safe-non-literal
    SafeString(format_html("<b>{}</b>", case.subject))
    # ok: prichal-mark-safe-non-literal
    SafeString(get_template("x.html").render({}, request))
    # ok: prichal-mark-safe-non-literal
    SafeString(render_to_string("x.html", {}))
