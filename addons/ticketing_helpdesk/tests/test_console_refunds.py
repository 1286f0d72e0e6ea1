"""
Refunds from the console and the order page: only while ticketing_core's policy allows (until 24 hours before
departure), through pretix's refund flow and the payment provider, refused on the server otherwise.
"""
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from freezegun import freeze_time

from pretix.base.models import LogEntry, Order, OrderRefund

from ticketing_core.testing.fixtures import login

from ..console.refunds import RefundRefused, refund
from .console_fixtures import make_order, staff


def refund_url(order, **query):
    url = reverse("plugins:ticketing_helpdesk:console.refund", kwargs={
        "organizer": order.event.organizer.slug, "ev": order.event.slug, "code": order.code})
    return url


def deadline_of(sailing):
    return sailing.subevent.date_from - timedelta(hours=24)


def test_agent_refunds_whole_order_one_second_before_the_deadline(client, agent, order, sailing):
    with freeze_time(deadline_of(sailing) - timedelta(seconds=1)):
        r = login(client, agent).post(refund_url(order), {"scope": "order"})
    assert r.status_code == 302
    order.refresh_from_db()
    assert order.status == Order.STATUS_CANCELED
    refund_obj = order.refunds.get()
    assert refund_obj.amount == Decimal("2400.00") and refund_obj.source == OrderRefund.REFUND_SOURCE_ADMIN
    entry = LogEntry.objects.get(action_type="ticketing_helpdesk.refund")
    assert entry.user == agent and entry.parsed_data["ip"] == "127.0.0.1"
    assert entry.parsed_data["whole_order"] is True and entry.parsed_data["amount"] == "2400.00"


def test_refund_allowed_exactly_at_the_deadline(agent, order, sailing):
    outcome = refund(order, agent, at=deadline_of(sailing))
    assert outcome.order.status == Order.STATUS_CANCELED


def test_refund_refused_one_second_after_the_deadline_and_nothing_changes(client, agent, order, sailing):
    with freeze_time(deadline_of(sailing) + timedelta(seconds=1)):
        agent_client = login(client, agent)
        page = agent_client.get(refund_url(order))
        assert page.status_code == 200
        html = page.content.decode()
        # no button, the reason with the deadline instead
        assert "ticketing-refund-form" not in html and "ticketing-refund-refused" in html
        assert "24" in html
        r = agent_client.post(refund_url(order), {"scope": "order"}, follow=True)
    order.refresh_from_db()
    assert order.status == Order.STATUS_PAID
    assert not order.refunds.exists()
    assert "Билеты можно вернуть не позднее чем за 24 часа до отправления" in r.content.decode()
    assert not LogEntry.objects.filter(action_type="ticketing_helpdesk.refund").exists()


def test_single_ticket_refund_keeps_the_rest_of_the_order(client, agent, order, sailing):
    adult, child = order.positions.order_by("pk")
    with freeze_time(deadline_of(sailing) - timedelta(hours=1)):
        r = login(client, agent).post(refund_url(order), {"scope": "positions", "position": [child.pk]})
    assert r.status_code == 302
    order.refresh_from_db()
    assert order.status == Order.STATUS_PAID
    assert list(order.positions.values_list("pk", flat=True)) == [adult.pk]
    assert order.refunds.get().amount == Decimal("900.00")


def test_ticket_of_another_order_is_refused(agent_client, order, sailing):
    other = make_order(sailing, email="other@example.org")
    r = agent_client.post(refund_url(order), {"scope": "positions", "position": [other.positions.first().pk]})
    assert r.status_code == 302
    other.refresh_from_db()
    order.refresh_from_db()
    assert other.positions.count() == 2 and order.positions.count() == 2
    assert not OrderRefund.objects.exists()


def test_only_tickets_whose_sailing_is_far_enough_count(agent, sailing, series, boat, pier):
    """An order with two sailings: the earlier one decides the deadline for the whole order."""
    from django.utils.timezone import now

    from ticketing_core.testing import factories

    later = factories.make_sailing(series, boat, pier, now() + timedelta(days=10))
    order = make_order(sailing)
    early_position, late_position = order.positions.order_by("pk")
    late_position.subevent = later.subevent
    late_position.save(update_fields=["subevent"])
    at = deadline_of(sailing) + timedelta(seconds=1)
    with pytest.raises(RefundRefused):
        refund(order, agent, at=at)
    with pytest.raises(RefundRefused):
        refund(order, agent, position_ids=[early_position.pk], at=at)
    outcome = refund(order, agent, position_ids=[late_position.pk], at=at)
    assert outcome.amount == late_position.price


def test_agent_without_refund_permission_gets_403_and_nothing_changes(client, organizer, order):
    accountant = staff(organizer, "accountant")
    r = login(client, accountant).post(refund_url(order), {"scope": "order"})
    assert r.status_code == 403
    order.refresh_from_db()
    assert order.status == Order.STATUS_PAID and not order.refunds.exists()


def test_agent_cannot_use_pretix_refund_or_cancel_pages(agent_client, order):
    """pretix's own refund page ignores the policy, so agents lack event.orders:write."""
    kwargs = {"organizer": order.event.organizer.slug, "event": order.event.slug, "code": order.code}
    r = agent_client.post(reverse("control:event.order.refunds.start", kwargs=kwargs), {"start-mode": "full"})
    assert r.status_code == 403
    r = agent_client.post(reverse("control:event.order.transition", kwargs=kwargs), {"status": "c"})
    assert r.status_code == 403
    order.refresh_from_db()
    assert order.status == Order.STATUS_PAID and not order.refunds.exists()


def test_refund_goes_through_yookassa(agent, paid, emulator, sailing):
    outcome = refund(paid.order, agent, at=deadline_of(sailing) - timedelta(minutes=5))
    refund_obj = outcome.refunds[0]
    assert refund_obj.provider == "yookassa" and refund_obj.state == OrderRefund.REFUND_STATE_DONE
    assert emulator.refunds()[0]["amount"]["value"] == "2400.00"


def test_order_page_shows_refund_button_within_policy_and_reason_after(client, agent, order, sailing):
    page_url = reverse("control:event.order", kwargs={
        "organizer": order.event.organizer.slug, "event": order.event.slug, "code": order.code})
    with freeze_time(deadline_of(sailing) - timedelta(seconds=1)):
        html = login(client, agent).get(page_url).content.decode()
    assert "ticketing-support-refund" in html
    with freeze_time(deadline_of(sailing) + timedelta(seconds=1)):
        html = login(client, agent).get(page_url).content.decode()
    assert "ticketing-support-refund" not in html and "ticketing-support-no-refund" in html


def test_each_ticket_on_the_order_page_has_a_refund_button_within_policy_only(client, agent, order, sailing):
    page_url = reverse("control:event.order", kwargs={
        "organizer": order.event.organizer.slug, "event": order.event.slug, "code": order.code})
    with freeze_time(deadline_of(sailing) - timedelta(seconds=1)):
        html = login(client, agent).get(page_url).content.decode()
        assert html.count("ticketing-position-refund") == 2
        position = order.positions.order_by("pk").first()
        refund_page = login(client, agent).get(refund_url(order) + f"?position={position.pk}").content.decode()
        assert f'value="{position.pk}" checked' in refund_page
    with freeze_time(deadline_of(sailing) + timedelta(seconds=1)):
        html = login(client, agent).get(page_url).content.decode()
        assert "ticketing-position-refund" not in html


def test_accountant_sees_no_refund_buttons_on_the_order_page(client, organizer, order):
    page_url = reverse("control:event.order", kwargs={
        "organizer": organizer.slug, "event": order.event.slug, "code": order.code})
    html = login(client, staff(organizer, "accountant")).get(page_url).content.decode()
    assert "ticketing-position-refund" not in html and "ticketing-support-refund" not in html


def test_an_unpaid_order_is_offered_a_cancellation_not_a_refund(client, agent, sailing):
    order = make_order(sailing, status=Order.STATUS_PENDING)
    page_url = reverse("control:event.order", kwargs={
        "organizer": order.event.organizer.slug, "event": order.event.slug, "code": order.code})
    with freeze_time(deadline_of(sailing) - timedelta(hours=1)):
        c = login(client, agent)
        html = c.get(page_url, HTTP_ACCEPT_LANGUAGE="ru").content.decode()
        assert "ticketing-support-refund" not in html and "Возврат возможен" not in html
        assert "ticketing-position-refund" not in html
        assert "ticketing-support-cancel" in html and "Отменить неоплаченный заказ" in html
        page = c.get(refund_url(order), HTTP_ACCEPT_LANGUAGE="ru").content.decode()
        assert "ticketing-cancel-order" in page and "ticketing-refund-form" not in page
        assert "Возврат возможен" not in page
        r = c.post(refund_url(order), {"scope": "order"})
    assert r.status_code == 302
    order.refresh_from_db()
    assert order.status == Order.STATUS_CANCELED and not order.refunds.exists()
    entry = LogEntry.objects.get(action_type="ticketing_helpdesk.cancel", object_id=order.pk)
    assert entry.user == agent and not LogEntry.objects.filter(action_type="ticketing_helpdesk.refund").exists()


def test_a_paid_order_still_gets_the_refund(client, agent, order, sailing):
    page_url = reverse("control:event.order", kwargs={
        "organizer": order.event.organizer.slug, "event": order.event.slug, "code": order.code})
    with freeze_time(deadline_of(sailing) - timedelta(hours=1)):
        html = login(client, agent).get(page_url).content.decode()
    assert "ticketing-support-refund" in html and "ticketing-support-cancel" not in html
