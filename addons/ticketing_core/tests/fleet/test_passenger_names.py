"""Passenger names: the shop asks each passenger's name on sailings, so the manifest at the gangway has them."""
import pytest
from django_scopes import scopes_disabled

from pretix.base.models import Item

pytestmark = pytest.mark.django_db


def questions_page(client, sailing, item) -> str:
    event = sailing.event
    base = f"/{event.organizer.slug}/{event.slug}"
    added = client.post(f"{base}/cart/add", {f"item_{item.pk}": "2", "subevent": sailing.subevent_id})
    assert added.status_code == 302
    return client.get(f"{base}/checkout/questions/", follow=True).content.decode()


def test_new_passenger_places_ask_the_name_and_other_products_do_not(series):
    with scopes_disabled():
        adult = series.items.get(default_price=1500)
        wine = series.items.get(admission=False)
    assert adult.personalized and adult.ask_attendee_data
    assert not wine.personalized and not wine.ask_attendee_data
    assert series.settings.attendee_names_asked and series.settings.attendee_names_required


def test_checkout_asks_and_requires_each_passengers_name(client, sailing, series):
    with scopes_disabled():
        adult = series.items.get(default_price=1500)
    html = questions_page(client, sailing, adult)
    assert html.count('name="') and html.count("attendee_name_parts_0") >= 2
    # pretix marks the field required (the browser and the server refuse an empty name)
    assert 'attendee_name_parts_0" ' in html and "required" in html.split("attendee_name_parts_0", 2)[1][:400]


def test_the_operator_can_switch_names_off_per_event(client, sailing, series):
    series.settings.attendee_names_asked = False
    series.settings.attendee_names_required = False
    with scopes_disabled():
        adult = series.items.get(default_price=1500)
    assert "attendee_name_parts_0" not in questions_page(client, sailing, adult)


def test_a_product_switched_to_impersonal_stays_so(series):
    with scopes_disabled():
        adult = series.items.get(default_price=1500)
        Item.objects.filter(pk=adult.pk).update(personalized=False)
        adult.refresh_from_db()
        adult.save()
        adult.refresh_from_db()
    assert not adult.personalized
