"""
Words pretix's order pages hard-code in English: the screen-reader label "Status" of the order's and the
ticket's status (``<dt class="sr-only">Status</dt>`` in pretixpresale/event/order.html and position.html,
outside ``{% trans %}``), which Russian and Chinese screen readers read out in English. A plugin cannot
override those templates, so the label is translated in the rendered page.
"""
from django.utils.translation import gettext

UNTRANSLATED_STATUS = b'<dt class="sr-only">Status</dt>'


def translate_hidden_labels(response) -> None:
    """Replace the English label in an HTML response, in the request's language (pretix's own "Status")."""
    if "text/html" not in response.get("Content-Type", "") or getattr(response, "streaming", False):
        return
    if UNTRANSLATED_STATUS not in response.content:
        return
    label = gettext("Status")
    if label == "Status":
        return
    from django.utils.html import escape

    response.content = response.content.replace(
        UNTRANSLATED_STATUS, f'<dt class="sr-only">{escape(label)}</dt>'.encode())
