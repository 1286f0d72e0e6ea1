"""The refund policy: full refund until 24 hours before departure, no exchanges, no transfers."""
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils.timezone import now
from django.utils.translation import override
from freezegun import freeze_time

from pretix.base.models import Order

from ticketing_core.policy.rules import apply_policy, check_refund, policy_issues, refund_deadline
from ticketing_core.testing import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def paid_order(series, sailing):
    adult = series.items.get(default_price=Decimal("1500.00"))
    return factories.make_order(series, sailing.subevent, [adult])


def _order_url(order, action=""):
    return f"/{order.event.organizer.slug}/{order.event.slug}/order/{order.code}/{order.secret}/{action}"


def test_deadline_is_departure_minus_24_hours_in_utc(paid_order, sailing):
    deadline, tz = refund_deadline(paid_order)
    assert deadline == sailing.start - timedelta(hours=24)
    assert deadline.utcoffset() == timedelta(0)
    assert tz == "Europe/Moscow"


def test_earliest_sailing_of_the_order_decides(series, boat, pier, organizer):
    adult = series.items.get(default_price=Decimal("1500.00"))
    later = factories.make_sailing(series, boat, pier, now() + timedelta(days=5))
    other = factories.make_vessel(organizer, "Фонтанка", capacity=30)
    earlier = factories.make_sailing(series, other, pier, now() + timedelta(days=2))
    order = factories.make_order(series, later.subevent, [adult])
    order.positions.create(item=adult, subevent=earlier.subevent, price=adult.default_price)
    assert refund_deadline(order)[0] == earlier.start - timedelta(hours=24)


@pytest.mark.parametrize("offset,allowed", [(-1, True), (0, True), (1, False)])
def test_refund_at_the_deadline_boundary(paid_order, offset, allowed):
    deadline, _ = refund_deadline(paid_order)
    with freeze_time(deadline + timedelta(seconds=offset)):
        decision = check_refund(paid_order)
        assert decision.allowed is allowed
        # pretix's own order page follows the same rule through the policy settings
        assert Order.objects.get(pk=paid_order.pk).user_cancel_allowed is allowed


def test_reason_shows_the_deadline_in_moscow_time(paid_order, sailing):
    deadline, _ = refund_deadline(paid_order)
    local = deadline.astimezone(factories.MSK)
    with override("ru"):
        decision = check_refund(paid_order)
    assert local.strftime("%H:%M") in decision.reason
    assert decision.deadline_local.utcoffset() == timedelta(hours=3)


def test_customer_cancels_before_deadline_and_order_is_cancelled(client, paid_order):
    deadline, _ = refund_deadline(paid_order)
    with freeze_time(deadline - timedelta(seconds=1)):
        resp = client.post(_order_url(paid_order, "cancel/do"), {}, follow=True)
    assert resp.status_code == 200
    paid_order.refresh_from_db()
    assert paid_order.status == Order.STATUS_CANCELED
    # a refund is recorded or requested from staff; the money is never silently kept
    assert paid_order.refunds.exists() or paid_order.all_logentries().filter(
        action_type="pretix.event.order.refund.requested").exists()


@pytest.mark.parametrize("offset", [1, 3600])
def test_customer_cancel_after_deadline_is_refused_on_the_server(client, paid_order, offset):
    deadline, _ = refund_deadline(paid_order)
    with freeze_time(deadline + timedelta(seconds=offset)):
        resp = client.post(_order_url(paid_order, "cancel/do"), {}, follow=True)
    assert resp.status_code == 200
    paid_order.refresh_from_db()
    assert paid_order.status == Order.STATUS_PAID
    assert not paid_order.refunds.exists()


def test_refused_even_when_event_settings_were_loosened(client, paid_order, series):
    """A crafted request after the deadline is refused by the policy, not only by pretix's settings."""
    from pretix.base.reldate import RelativeDate, RelativeDateWrapper

    until_departure = RelativeDateWrapper(RelativeDate(minutes=0, base_date_name="date_from"))
    series.settings.cancel_allow_user_paid_until = until_departure
    series.settings.cancel_allow_user_until = until_departure
    deadline, _ = refund_deadline(paid_order)
    with freeze_time(deadline + timedelta(minutes=5)), override("en"):
        resp = client.post(_order_url(paid_order, "cancel/do"), {}, follow=True)
    paid_order.refresh_from_db()
    assert paid_order.status == Order.STATUS_PAID
    assert "non-refundable" in resp.content.decode() or "не подлежат" in resp.content.decode()


@pytest.mark.parametrize("action", ["change", "modify"])
def test_exchanges_and_name_changes_are_refused(client, paid_order, series, action):
    series.settings.change_allow_user_variation = True
    series.settings.allow_modifications = "attendee"
    series.settings.change_allow_attendee = True
    resp = client.post(_order_url(paid_order, action), {"dummy": "1"})
    assert resp.status_code == 302
    assert resp["Location"].rstrip("/").endswith(paid_order.secret)
    paid_order.refresh_from_db()
    assert paid_order.positions.first().attendee_name == "Иван Петров"


@pytest.mark.parametrize("action", ["change", "modify"])
def test_per_ticket_change_urls_are_refused_by_the_policy_whatever_pretix_allows(client, paid_order, series, action):
    """Issue 22, finding 7: ``/ticket/<order>/<n>/<ticket secret>/change`` bypassed the guard."""
    series.settings.change_allow_user_variation = True
    series.settings.change_allow_user_addons = True
    series.settings.allow_modifications = "attendee"
    series.settings.change_allow_attendee = True
    position = paid_order.positions.first()
    url = (f"/{paid_order.event.organizer.slug}/{paid_order.event.slug}/ticket/{paid_order.code}/"
           f"{position.positionid}/{position.web_secret}/{action}")
    with override("en"):
        resp = client.post(url, {"dummy": "1"}, HTTP_ACCEPT_LANGUAGE="en")
    assert resp.status_code == 302
    assert resp["Location"].rstrip("/").endswith(position.web_secret)
    page = client.get(resp["Location"], HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "cannot be exchanged" in page or "нельзя" in page
    position.refresh_from_db()
    assert position.attendee_name == "Иван Петров"


def test_per_ticket_url_with_a_wrong_secret_is_left_to_pretix(client, paid_order):
    position = paid_order.positions.first()
    url = (f"/{paid_order.event.organizer.slug}/{paid_order.event.slug}/ticket/{paid_order.code}/"
           f"{position.positionid}/{'x' * 32}/change")
    assert client.post(url, {"dummy": "1"}).status_code == 404


def test_order_page_states_the_deadline(client, paid_order):
    with override("en"):
        resp = client.get(_order_url(paid_order), HTTP_ACCEPT_LANGUAGE="en")
    assert resp.status_code == 200
    assert 'id="ticketing-refund-policy"' in resp.content.decode()


def test_order_page_after_deadline_says_non_refundable_and_offers_no_button(client, paid_order):
    deadline, _ = refund_deadline(paid_order)
    with freeze_time(deadline + timedelta(seconds=1)):
        resp = client.get(_order_url(paid_order))
    html = resp.content.decode()
    assert "cancel/do" not in html and f"{paid_order.secret}/cancel" not in html


def test_policy_settings_are_in_force_on_new_events(series):
    assert policy_issues(series) == []


def test_contradicting_settings_block_going_live(series):
    series.settings.change_allow_attendee = True
    series.settings.cancel_allow_user_paid = False
    with override("en"):
        found = policy_issues(series)
        assert len(found) == 2
        from pretix.base.models import Event
        live = Event.objects.get(pk=series.pk).live_issues
        assert any("refund policy" in str(i) for i in live)
    apply_policy(series)
    assert policy_issues(series) == []


def test_pending_order_is_cancellable_until_the_deadline_too(series, sailing):
    adult = series.items.get(default_price=Decimal("1500.00"))
    order = factories.make_order(series, sailing.subevent, [adult], status=Order.STATUS_PENDING)
    assert check_refund(order).allowed
    deadline, _ = refund_deadline(order)
    assert not check_refund(order, at=deadline + timedelta(seconds=1)).allowed


def test_guard_does_not_reveal_orders_to_a_wrong_secret(client, paid_order):
    deadline, _ = refund_deadline(paid_order)
    url = f"/{paid_order.event.organizer.slug}/{paid_order.event.slug}/order/{paid_order.code}/wrongsecret/cancel/do"
    with freeze_time(deadline + timedelta(seconds=1)):
        resp = client.post(url, {})
    assert resp.status_code == 404


def test_enabling_the_suite_on_a_new_event_puts_the_policy_in_force(organizer):
    from pretix.base.models import Event

    event = Event.objects.create(organizer=organizer, name="Новое", slug="new", currency="RUB",
                                 date_from=now() + timedelta(days=3))
    event.settings.change_allow_attendee = True
    event.set_active_plugins(["ticketing_core"])
    event.save()
    assert policy_issues(event) == []


def test_organizer_cancellation_fee_applies_to_customer_cancellations(organizer, paid_order):
    organizer.settings.cancel_allow_user_paid_keep = Decimal("100.00")
    order = Order.objects.get(pk=paid_order.pk)
    assert order.user_cancel_fee == Decimal("100.00")
    assert check_refund(order).allowed


def test_live_issue_links_to_the_policy_page(series):
    series.settings.change_allow_attendee = True
    from pretix.base.models import Event

    with override("en"):
        issues = [str(i) for i in Event.objects.get(pk=series.pk).live_issues]
    assert any("sailings/settings" in i and "refund policy" in i for i in issues)


def test_sale_terms_say_non_refundable_within_24_hours_and_never_a_past_deadline():
    from ticketing_core.policy.rules import sale_terms

    departure = now() + timedelta(hours=30)
    early = sale_terms(departure, "Europe/Moscow")
    assert early.refundable and early.deadline == departure - timedelta(hours=24)
    late = sale_terms(departure, "Europe/Moscow", at=departure - timedelta(hours=23, minutes=59))
    assert not late.refundable  # the deadline has passed: the shop says "non-refundable" instead of showing it
    assert sale_terms(departure, "Europe/Moscow", at=departure - timedelta(hours=24)).refundable  # at the deadline
