"""
Adding a paragraph to the HTML part of an e-mail that pretix's ``email_filter`` hands over. pretix's mail task
builds the HTML part before the filter runs, as a ``multipart/related`` message (the HTML text plus its inline
images); older versions and tests hand a plain HTML string. Both get the paragraph after the letter's text.
"""
from email.mime.base import MIMEBase

from django.core.mail.message import SafeMIMEText, utf8_charset_qp

# pretix's order block after the letter's own text ("You are receiving this email because…", order details)
ORDER_INFO = '<div class="order-info"'


def _insert(content: str, html: str) -> str:
    """After the letter's own text: before pretix's order block, else before ``</body>``, else at the end."""
    marker = content.find(ORDER_INFO)
    if marker < 0:
        marker = content.rfind("</body>")
    return content[:marker] + html + content[marker:] if marker >= 0 else content + html


def _html_parts(mime: MIMEBase):
    """(container, index, part) of every text/html part inside a MIME tree."""
    payload = mime.get_payload()
    if isinstance(payload, list):
        for index, part in enumerate(payload):
            if part.get_content_type() == "text/html":
                yield mime, index, part
            elif part.is_multipart():
                yield from _html_parts(part)


def append_html(message, html: str) -> None:
    """Put ``html`` at the end of the message's HTML body, whichever form pretix gave it."""
    alternatives = []
    for alternative in getattr(message, "alternatives", None) or []:
        content, mimetype = alternative
        if mimetype == "text/html" and isinstance(content, str):
            content = _insert(content, html)
        elif isinstance(content, MIMEBase):
            if content.get_content_type() == "text/html":
                content = SafeMIMEText(_insert(content.get_payload(decode=True).decode(
                    content.get_content_charset() or "utf-8"), html), "html", utf8_charset_qp)
            else:
                for container, index, part in list(_html_parts(content)):
                    text = part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8")
                    payload = container.get_payload()
                    payload[index] = SafeMIMEText(_insert(text, html), "html", utf8_charset_qp)
                    container.set_payload(payload)
        # Django's EmailAlternative is a named tuple; keep its type
        alternatives.append(alternative._replace(content=content) if hasattr(alternative, "_replace") else (
            content, mimetype))
    if alternatives:
        message.alternatives = alternatives
