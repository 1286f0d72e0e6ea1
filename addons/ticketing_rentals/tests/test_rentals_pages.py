"""The charter pages: the shop's booking form, the offer editor, the cancellation and the vessel timeline."""
import re
from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest
from django.core import mail

from pretix.base.models import CartPosition, Order

from ticketing_core.notifications.models import Notification
from ticketing_core.testing.factories import MSK, make_pier, make_sailing, make_series
from ticketing_core.testing.fixtures import login

from .. import services
from ..models import RentalOffer, VesselOccupancy
from .test_rentals_checkout import at, book, place


def shop(offer) -> str:
    return f"/{offer.event.organizer.slug}/{offer.event.slug}/rentals/"


def control(offer, rest: str = "") -> str:
    return f"/control/event/{offer.event.organizer.slug}/{offer.event.slug}/rentals/{rest}"


@pytest.mark.django_db
def test_event_page_of_a_rental_event_is_the_charter_form(client, offer):
    response = client.get(f"/{offer.event.organizer.slug}/{offer.event.slug}/")
    assert response.status_code == 302 and response["Location"].endswith("/rentals/")


@pytest.mark.django_db
def test_form_lists_free_start_times_and_prices_the_chosen_one(client, offer, yacht, mon):
    book(offer, yacht, at(mon, 14))  # someone else holds 14:00–16:00 (+ turnaround)
    response = client.get(shop(offer), {"vessel": yacht.pk, "date": mon.isoformat(), "duration": 120,
                                        "start": at(mon, 17).isoformat(), "guests": 4})
    html = response.content.decode()
    assert response.status_code == 200
    starts = re.findall(r'name="start" value="([^"]+)"', html)
    assert at(mon, 10).isoformat() in starts and at(mon, 14).isoformat() not in starts
    # 17:00–18:00 at 5 000 ₽/h and 18:00–19:00 at 7 000 ₽/h
    assert "12 000,00" in html.replace("\xa0", " ")
    assert "НДС" in html or "VAT" in html


@pytest.mark.django_db
@pytest.mark.parametrize("lang", ["ru", "en", "zh-hans"])
def test_date_field_holds_the_day_in_the_browsers_format_in_every_language(client, offer, mon, lang):
    """
    A date input's value must be yyyy-mm-dd whatever the language: Chromium empties a Russian "07.12.2026" (the
    customer saw no date, only its placeholder) and logs a warning.
    """
    response = client.get(shop(offer), HTTP_ACCEPT_LANGUAGE=lang)
    assert re.search(r'type="date" name="date" value="\d{4}-\d{2}-\d{2}"', response.content.decode())
    response = client.get(shop(offer), {"date": mon.isoformat(), "fragment": 1}, HTTP_ACCEPT_LANGUAGE=lang)
    assert f'value="{mon.isoformat()}"' in response.content.decode()


@pytest.mark.django_db
def test_start_times_are_said_in_moscow_time_not_by_the_zone_identifier(client, offer):
    html = client.get(shop(offer), HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "Europe/Moscow" not in html and "Часовой пояс: время московское." in html


@pytest.mark.django_db
def test_fragment_is_the_form_alone(client, offer, yacht, mon):
    response = client.get(shop(offer), {"vessel": yacht.pk, "date": mon.isoformat(), "duration": 60, "guests": 2,
                                        "fragment": 1})
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html and 'class="charter-form"' in html


@pytest.mark.django_db
def test_booking_redirects_to_checkout_with_the_charter_in_the_cart(client, offer, yacht, mon):
    response = client.post(shop(offer), {"vessel": yacht.pk, "date": mon.isoformat(), "duration": 120,
                                         "start": at(mon, 10).isoformat(), "guests": 8, "action": "book"})
    assert response.status_code == 302 and "/checkout/start" in response["Location"]
    position = CartPosition.objects.get(event=offer.event, item=offer.item)
    assert position.price == Decimal("10000.00")
    hold = VesselOccupancy.objects.get(cart_position=position)
    assert hold.guests == 8 and hold.starts_at == at(mon, 10)
    # the page shows what the cart holds and lets the customer give it back
    page = client.get(shop(offer)).content.decode()
    assert "data-charter-held" in page
    client.post(shop(offer), {"action": "remove"})
    assert not VesselOccupancy.objects.filter(pk=hold.pk).exists()


@pytest.mark.django_db
def test_too_many_guests_and_a_taken_time_are_refused_with_a_sentence(client, offer, yacht, mon):
    data = {"vessel": yacht.pk, "date": mon.isoformat(), "duration": 120, "start": at(mon, 10).isoformat(),
            "guests": 11, "action": "book"}
    response = client.post(shop(offer), data)
    assert response.status_code == 400 and "10" in response.content.decode()
    book(offer, yacht, at(mon, 10))
    response = client.post(shop(offer), {**data, "guests": 2})
    assert response.status_code == 400
    assert not CartPosition.objects.filter(event=offer.event, item=offer.item).exclude(
        ticketing_occupancies__isnull=False).exists()


@pytest.mark.django_db
def test_offer_editor_saves_rules_hours_vessels_and_rates(client, admin, charter, yacht):
    login(client, admin)
    url = f"/control/event/{charter.organizer.slug}/{charter.slug}/rentals/"
    assert client.get(url).status_code == 200
    data = {
        "offer-item": charter.items.get(free_price=True).pk, "offer-pier": "", "offer-min_duration_minutes": 60,
        "offer-max_duration_minutes": 240, "offer-step_minutes": 30, "offer-notice_minutes": 120,
        "vessels-TOTAL_FORMS": 1, "vessels-INITIAL_FORMS": 0, "vessels-0-vessel": yacht.pk,
        "vessels-0-max_guests": 10,
        "rates-TOTAL_FORMS": 2, "rates-INITIAL_FORMS": 0,
        "rates-0-weekdays": [0, 1, 2, 3, 4, 5, 6], "rates-0-start_time": "10:00", "rates-0-end_time": "22:00",
        "rates-0-hourly_price": "8000.00",
    }
    for d in range(7):
        data[f"offer-open_{d}"], data[f"offer-close_{d}"] = "10:00", "22:00"
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    offer = RentalOffer.objects.get(event=charter)
    assert offer.opening_hours["0"] == ["10:00", "22:00"] and offer.max_duration_minutes == 240
    assert offer.rates.get().hourly_price == Decimal("8000.00")
    # the charter's contact person, phone, guest list and wishes are asked at checkout
    assert set(charter.questions.filter(items=offer.item).values_list("identifier", flat=True)) == {
        "charter-contact", "charter-phone", "charter-guests", "charter-wishes"}
    # an hour without a rate is refused, nothing is saved
    data.update({"offer-close_5": "23:00", "vessels-INITIAL_FORMS": 1, "vessels-0-id": offer.offer_vessels.get().pk,
                 "rates-INITIAL_FORMS": 1, "rates-0-id": offer.rates.get().pk, "rates-0-offer": offer.pk,
                 "vessels-0-offer": offer.pk})
    response = client.post(url, data)
    assert response.status_code == 200
    offer.refresh_from_db()
    assert offer.opening_hours["5"] == ["10:00", "22:00"]


@pytest.mark.django_db
def test_offer_editor_needs_both_times_of_a_day(client, admin, charter, yacht):
    login(client, admin)
    url = f"/control/event/{charter.organizer.slug}/{charter.slug}/rentals/"
    data = {"offer-item": charter.items.get(free_price=True).pk, "offer-min_duration_minutes": 60,
            "offer-max_duration_minutes": 240, "offer-step_minutes": 30, "offer-notice_minutes": 120,
            "offer-open_0": "10:00", "vessels-TOTAL_FORMS": 0, "vessels-INITIAL_FORMS": 0,
            "rates-TOTAL_FORMS": 0, "rates-INITIAL_FORMS": 0}
    response = client.post(url, data)
    assert response.status_code == 200
    assert not RentalOffer.objects.filter(event=charter).exists()


@pytest.mark.django_db
def test_operator_cancels_a_charter_with_a_full_refund_and_the_customer_is_told(client, admin, offer, yacht, mon,
                                                                                 django_capture_on_commit_callbacks):
    cart_id, occ = book(offer, yacht, at(mon, 12))
    order = place(offer.event, cart_id)
    payment = order.payments.first()
    payment.confirm()
    login(client, admin)
    page = client.get(f"/control/event/{offer.event.organizer.slug}/{offer.event.slug}/orders/{order.code}/")
    assert "Cancel charter" in page.content.decode() or "Отменить аренду" in page.content.decode()
    url = control(offer, f"cancel/{order.code}")
    assert client.get(url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"reason": "Штормовое предупреждение", "confirm": "on"})
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == Order.STATUS_CANCELED
    refund = order.refunds.get()
    assert refund.amount == order.payments.first().amount and refund.source == "admin"
    occ.refresh_from_db()
    assert occ.released_at is not None
    assert at(mon, 12) in services.free_slots(offer, yacht, mon, 120)
    note = Notification.objects.get(order=order, kind="rental_canceled", channel="email")
    assert "Штормовое предупреждение" in note.text and order.code in note.subject
    assert any("Штормовое предупреждение" in m.body and m.to == [order.email] for m in mail.outbox)


@pytest.mark.django_db
def test_timeline_shows_sailings_charters_and_holds_of_the_day(client, admin, organizer, offer, yacht, mon):
    boat_series = make_series(organizer, slug="tl-series")
    make_sailing(boat_series, yacht, make_pier(organizer), datetime.combine(mon, time(19, 0), tzinfo=MSK))
    cart_id, _occ = book(offer, yacht, at(mon, 10))
    paid_cart, _ = book(offer, yacht, at(mon, 14))
    order = place(offer.event, paid_cart)
    login(client, admin)
    response = client.get(f"/control/organizer/{organizer.slug}/fleet/timeline", {"date": mon.isoformat()})
    html = response.content.decode()
    assert response.status_code == 200
    assert order.code in html and "tl-hold" in html and "tl-rental" in html and "tl-sailing" in html
    assert "19:00–20:30" in html
    # positions are CSS numbers in every language (a Russian decimal comma would break the layout)
    styles = re.findall(r'data-(?:left|width)="([^"]+)"', html)
    assert styles and not any("," in style for style in styles)
    # 10:00 on a 24-hour day starts at 41.667 %
    assert 'data-left="41.667" data-width="8.333"' in html
    bad = client.get(f"/control/organizer/{organizer.slug}/fleet/timeline", {"date": "tomorrow"})
    assert bad.status_code == 200


def test_timeline_hides_the_charter_order_from_members_without_order_access(client, organizer, offer, yacht, mon):
    """A team without orders:read for the charter's event sees that the yacht is taken, not whose order it is."""
    from pretix.base.models import Team, User

    paid_cart, _ = book(offer, yacht, at(mon, 14))
    order = place(offer.event, paid_cart)
    user = User.objects.create_user("boarding@example.org", "admin-password-123")
    team = Team.objects.create(organizer=organizer, name="Посадка", all_events=True,
                               limit_event_permissions={"event.orders:checkin": True})
    team.members.add(user)
    login(client, user)
    html = client.get(f"/control/organizer/{organizer.slug}/fleet/timeline", {"date": mon.isoformat()}).content.decode()
    assert "tl-rental" in html and order.code not in html and f"/orders/{order.code}/" not in html


@pytest.mark.django_db
def test_timeline_needs_a_team_member(client, organizer):
    response = client.get(f"/control/organizer/{organizer.slug}/fleet/timeline")
    assert response.status_code == 302 and "login" in response["Location"]


@pytest.mark.django_db
def test_any_free_vessel_of_a_type_takes_the_free_one(client, organizer, charter, offer, yacht, mon):
    from ticketing_core.models import Vessel
    from ticketing_core.testing.factories import make_vessel

    from ..models import RentalVessel

    second = make_vessel(organizer, "Бриз", capacity=10, reg="ЯХТ-2", vessel_type=Vessel.TYPE_YACHT)
    RentalVessel.objects.create(offer=offer, vessel=second, max_guests=8)
    book(offer, yacht, at(mon, 12))  # the Aurora is taken at noon
    page = client.get(shop(offer)).content.decode()
    assert 'value="any-yacht"' in page
    response = client.post(shop(offer), {"vessel": "any-yacht", "date": mon.isoformat(), "duration": 120,
                                         "start": at(mon, 12).isoformat(), "guests": 4, "action": "book"})
    assert response.status_code == 302
    hold = VesselOccupancy.objects.filter(kind="hold", starts_at=at(mon, 12)).exclude(vessel=yacht).get()
    assert hold.vessel == second


@pytest.mark.django_db
def test_pretix_cancellation_panel_is_hidden_once_the_charters_deadline_passed(client, offer, yacht, mon):
    from freezegun import freeze_time

    cart_id, _occ = book(offer, yacht, at(mon, 12))
    order = place(offer.event, cart_id)
    url = f"/{offer.event.organizer.slug}/{offer.event.slug}/order/{order.code}/{order.secret}/"
    assert "charter_order.css" not in client.get(url).content.decode()
    with freeze_time(at(mon, 12) - timedelta(hours=23)):
        assert "charter_order.css" in client.get(url).content.decode()


@pytest.mark.django_db
def test_order_page_and_invoice_line_name_the_vessel_and_the_charter_time(client, offer, yacht, mon):
    from ..signals import charter_invoice_line

    cart_id, occ = book(offer, yacht, at(mon, 12), guests=5)
    order = place(offer.event, cart_id)
    html = client.get(f"/{offer.event.organizer.slug}/{offer.event.slug}/order/{order.code}/{order.secret}/"
                      ).content.decode()
    assert "charter-summary" in html and "Аврора" in html and "12:00–14:00" in html and "5 гостей" in html
    occ.refresh_from_db()
    line = charter_invoice_line(offer.event, position=occ.order_position)
    assert line == f"Аврора, {mon:%d.%m.%Y} 12:00–14:00"


@pytest.mark.django_db
def test_choosing_shows_no_errors_until_the_customer_books(client, offer, mon):
    html = client.get(shop(offer), {"vessel": "", "date": mon.isoformat(), "duration": 60}).content.decode()
    assert "has-error" not in html and 'name="start"' in html


@pytest.mark.django_db
def test_timeline_hides_charter_orders_from_team_members_without_that_events_orders(client, organizer, offer, yacht,
                                                                                   mon):
    """Issue 22, finding 7: a team member of another event saw every charter's order code and link."""
    from pretix.base.models import Team, User

    from ticketing_core.testing.factories import make_series as other_event

    paid_cart, _ = book(offer, yacht, at(mon, 14))
    order = place(offer.event, paid_cart)
    user = User.objects.create_user("skipper@example.org", "admin-password-123")
    team = Team.objects.create(organizer=organizer, name="Sailings only", all_events=False,
                               limit_event_permissions={"event.orders:read": True})
    team.limit_events.add(other_event(organizer, slug="tl-other"))
    team.members.add(user)
    login(client, user)
    url = f"/control/organizer/{organizer.slug}/fleet/timeline"
    html = client.get(url, {"date": mon.isoformat()}).content.decode()
    assert "tl-rental" in html
    assert order.code not in html and f"/orders/{order.code}/" not in html
    # with the charter event's orders in the team, the code and the link are back
    team.limit_events.add(offer.event)
    html = client.get(url, {"date": mon.isoformat()}).content.decode()
    assert order.code in html and f"/orders/{order.code}/" in html


@pytest.mark.django_db
@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31", "2026-13-01"])
def test_dates_far_out_are_a_translated_answer_not_a_500(client, admin, organizer, offer, day):
    """Issue 22, finding 6: year 1 and 9999 in the availability and timeline dates were server errors."""
    avail = f"/{offer.event.organizer.slug}/{offer.event.slug}/rentals/availability.json"
    for param in ("date_from", "date_to"):
        resp = client.get(avail, {param: day}, HTTP_ACCEPT_LANGUAGE="ru")
        assert resp.status_code == 400, resp.content[:300]
    login(client, admin)
    resp = client.get(f"/control/organizer/{organizer.slug}/fleet/timeline", {"date": day})
    assert resp.status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_charter_form_with_a_far_out_day_shows_no_times_not_a_500(client, offer, yacht, day):
    resp = client.get(shop(offer), {"vessel": yacht.pk, "date": day, "duration": 120})
    assert resp.status_code == 200


@pytest.mark.django_db
def test_rentals_kill_switch_shows_a_notice_and_books_nothing(client, offer, yacht, mon, admin):
    from ticketing_core import flags

    flags.switch("rentals", False, admin, reason="double bookings suspected")
    page = client.get(shop(offer), HTTP_ACCEPT_LANGUAGE="ru")
    assert page.status_code == 503 and 'id="charter-unavailable"' in page.content.decode()
    assert "временно недоступно" in page.content.decode()
    response = client.post(shop(offer), {"vessel": yacht.pk, "date": mon.isoformat(), "duration": 120,
                                         "start": at(mon, 10).isoformat(), "guests": 8, "action": "book"})
    assert response.status_code == 503 and not CartPosition.objects.filter(event=offer.event).exists()
    assert client.get(shop(offer) + "availability.json").status_code == 503
    flags.switch("rentals", True, admin)
    assert client.get(shop(offer)).status_code == 200


def test_cart_line_of_the_charter_names_its_date_and_time_escaped_in_each_language(client, offer, yacht, mon):
    from django.utils.formats import date_format
    from django.utils.translation import override

    yacht.name = "Чайка <b>&</b>"
    yacht.save()
    response = client.post(shop(offer), {"vessel": yacht.pk, "date": mon.isoformat(), "duration": 180,
                                         "start": at(mon, 18).isoformat(), "guests": 4, "action": "book"})
    assert response.status_code == 302
    questions = f"/{offer.event.organizer.slug}/{offer.event.slug}/checkout/questions/"
    for lang in ("ru", "en", "zh-hans"):
        html = client.get(questions, HTTP_ACCEPT_LANGUAGE=lang, follow=True).content.decode()
        row = html[html.index(f'data-article-id="item-{offer.item_id}"'):]
        row = row[:row.index('role="cell" class="count"')] if 'role="cell" class="count"' in row else row[:3000]
        with override(lang):
            day = date_format(at(mon, 18), "DATE_FORMAT")
        assert 'class="charter-cart-period"' in row, lang
        assert day in row and "18:00–21:00" in row, lang
        assert "Чайка &lt;b&gt;&amp;&lt;/b&gt;" in row and "<b>&</b>" not in html, lang
    assert "Время аренды:" in client.get(questions, HTTP_ACCEPT_LANGUAGE="ru", follow=True).content.decode()


@pytest.mark.parametrize("lang,expected", [("ru", "пятница"), ("en", "Friday"), ("zh-hans", "星期五")])
def test_charter_weekday_reads_as_inside_a_sentence(lang, expected):
    """"11 декабря 2026 г. (пятница)": Russian writes weekdays lower-case (the cart line, confirm and order pages)."""
    from django.utils.translation import override

    from ..cartline import weekday_text

    with override(lang):
        assert weekday_text(datetime(2026, 12, 11, 18, tzinfo=MSK)) == expected
