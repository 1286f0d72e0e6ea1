"""What customers read on the order and checkout pages: words, not identifiers (issue 16, item 11)."""
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from ticketing_core.policy.rules import format_deadline


@pytest.mark.parametrize("lang,words", [
    ("ru", "(время московское, UTC+03)"),
    ("en", "(Moscow time, UTC+03)"),
    ("zh-hans", "(莫斯科时间, UTC+03)"),
])
def test_the_deadline_names_moscow_time_not_the_zone_identifier(lang, words):
    deadline = datetime(2026, 12, 6, 16, 0, tzinfo=ZoneInfo("UTC"))
    with translation.override(lang):
        text = format_deadline(deadline, "Europe/Moscow")
    assert text.endswith(words) and "Europe/" not in text and "19:00" in text


def test_a_zone_without_a_name_is_told_by_its_offset():
    with translation.override("ru"):
        text = format_deadline(datetime(2026, 12, 6, 16, 0, tzinfo=ZoneInfo("UTC")), "Asia/Omsk")
    assert text.endswith("(UTC+06)") and "Asia/" not in text


@pytest.mark.django_db
@pytest.mark.parametrize("lang,label", [("ru", "Статус"), ("zh-hans", "状态")])
def test_the_order_pages_hidden_status_label_is_in_the_page_language(client, paid_order, lang, label):
    from ticketing_website.testing import order_url

    client.cookies["pretix_language"] = lang
    html = client.get(order_url(paid_order)).content.decode()
    assert f'<dt class="sr-only">{label}</dt>' in html
    assert '<dt class="sr-only">Status</dt>' not in html
    position = paid_order.positions.first()
    from pretix.multidomain.urlreverse import eventreverse

    html = client.get(eventreverse(paid_order.event, "presale:event.order.position", kwargs={
        "order": paid_order.code, "secret": position.web_secret, "position": position.positionid})).content.decode()
    assert f'<dt class="sr-only">{label}</dt>' in html
