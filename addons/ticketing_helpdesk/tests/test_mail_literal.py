"""
What a customer typed arrives in every e-mail as literal text: no link, image or formatting made of it, in the
text part or the HTML part (staff's "the customer wrote again" and SLA warnings, the customer's own reply mail).
"""
import re

import pytest
from django.core import mail

from ..cases.services import change, customer_message, reply
from ..sla.tasks import notify_assignee
from .cases_fixtures import make_case

pytestmark = pytest.mark.django_db
pytest_plugins = ["ticketing_helpdesk.tests.cases_fixtures"]

PAYLOADS = ("<img src=http://x/t.png>", "[click](http://evil)", "**bold**")
HOSTILE = "Ответ " + " ".join(PAYLOADS) + " {code}"


def parts(message) -> tuple[str, str]:
    """(text part, HTML part) as sent: pretix wraps the HTML in multipart/related (its inline images)."""
    html = [part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8")
            for content, _mimetype in message.alternatives for part in content.walk()
            if part.get_content_type() == "text/html"]
    assert html, "pretix sends a HTML part as well"
    return message.body, html[0]


def assert_literal(message, text: str = HOSTILE) -> None:
    plain, html = parts(message)
    for payload in PAYLOADS:
        assert payload in plain
    assert text in plain  # as typed, braces included
    assert "&lt;img src=http://x/t.png&gt;" in html and "[click](http://evil)" in html and "**bold**" in html
    assert not re.search(r"<img[^>]*x/t\.png", html)
    assert 'href="http://evil' not in html and "href=\"http://x/" not in html
    assert "<strong>bold</strong>" not in html and "<em>" not in html


def test_the_customer_writing_again_reaches_staff_as_literal_text(organizer, case_agent,
                                                                 django_capture_on_commit_callbacks):
    case = make_case(organizer, subject="Тема **bold** [click](http://evil)")
    change(case, case_agent, assignee=case_agent)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        customer_message(case, HOSTILE)
    message = mail.outbox[-1]
    assert message.to == [case_agent.email]
    assert_literal(message)
    plain, html = parts(message)
    assert "Тема **bold** [click](http://evil)" in plain and "Тема **bold** [click](http://evil)" in html
    url = f"/control/organizer/{organizer.slug}/cases/{case.number}/"
    assert url in plain and re.search(r'<a href="[^"]*' + re.escape(url) + '"', html)  # our own link stays one


@pytest.mark.parametrize("breached", [True, False])
def test_sla_warnings_show_the_case_subject_as_literal_text(organizer, case_agent, breached,
                                                            django_capture_on_commit_callbacks):
    case = make_case(organizer, subject=HOSTILE)
    change(case, case_agent, assignee=case_agent)
    case.refresh_from_db()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        notify_assignee(case, breached=breached)
    assert_literal(mail.outbox[-1])


def test_a_reply_to_the_customer_shows_their_subject_as_literal_text(organizer, case_agent,
                                                                    django_capture_on_commit_callbacks):
    """The typed address may be someone else's: the operator's e-mail must not carry the sender's links."""
    case = make_case(organizer, subject=HOSTILE, email="victim@example.org")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        reply(case, case_agent, "Спасибо, разбираемся.")
    message = mail.outbox[-1]
    assert message.to == ["victim@example.org"]
    assert HOSTILE in message.subject  # as typed, braces included
    plain, html = parts(message)
    assert "Спасибо, разбираемся." in plain and "Спасибо, разбираемся." in html
    assert not re.search(r"<img[^>]*x/t\.png", html) and 'href="http://evil' not in html
    assert "<strong>bold</strong>" not in html
    guest = re.search(r"https?://\S+/support/\S+", plain).group(0)
    assert f'<a href="{guest}"' in html  # the case's own link is still clickable
