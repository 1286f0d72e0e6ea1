"""The shop: picker on the date's page, seats through pretix's own cart, public map and availability JSON."""
import json
import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils.timezone import now

from pretix.base.models import CartPosition

from ticketing_core.testing import factories


def _url(event, path=""):
    return f"/{event.organizer.slug}/{event.slug}/{path}"


def _picker_data(html: str) -> dict:
    m = re.search(r'<script id="ts-data" type="application/json">(.*?)</script>', html, re.S)
    assert m, "the picker's data is on the page"
    return json.loads(m.group(1))


def _add(client, event, subevent, seats: dict):
    data = {"subevent": subevent.pk}
    for guid, item in seats.items():
        data.setdefault(f"seat_{item.pk}", []).append(guid)
    return client.post(_url(event, "cart/add"), data, follow=True)


def test_date_page_shows_the_picker_with_prices_labels_and_no_quantity_fields(seated):
    _v, event, sailing, products = seated
    r = Client().get(_url(event, f"{sailing.subevent_id}/"), HTTP_ACCEPT_LANGUAGE="en")
    html = r.content.decode()
    assert r.status_code == 200 and 'id="ts-picker"' in html
    assert f'id="item_{products["Window"].pk}"' not in html  # seated products are not sold by quantity
    data = _picker_data(html)
    assert [d["label"] for d in data["decks"]] == ["Main deck", "Upper deck"]
    cats = {c["name"]: c for c in data["categories"]}
    assert cats["Window"]["price"] == "1800.00" and cats["Standard"]["price"] == "1500.00"
    assert cats["Crew"]["sellable"] is False
    seat = next(s for s in data["seats"] if s["g"] == "d2-r1-s3")
    assert seat["l"] == "Upper deck, row 1, seat 3"
    assert data["availability"]["seats"]["d2-r1-s3"] == "f"
    assert "ticketing_seating/picker.js" in html and "https://" not in html.split('id="ts-picker"')[1][:200]


def test_general_admission_sailing_has_no_picker(organizer, series, boat, pier):
    sailing = factories.make_sailing(series, boat, pier, now() + timedelta(days=2))
    html = Client().get(_url(series, f"{sailing.subevent_id}/")).content.decode()
    assert 'id="ts-picker"' not in html


def test_seat_goes_into_pretix_cart_and_others_see_it_taken(seated):
    _v, event, sailing, products = seated
    buyer, other = Client(), Client()
    buyer.get(_url(event, f"{sailing.subevent_id}/"))
    _add(buyer, event, sailing.subevent, {"d1-r1-s2": products["Window"]})
    cp = CartPosition.objects.get(seat__seat_guid="d1-r1-s2")
    assert cp.item == products["Window"] and cp.expires > now() + timedelta(minutes=20)

    q = f"?subevent={sailing.subevent_id}"
    mine = buyer.get(_url(event, "seating/availability.json" + q)).json()
    theirs = other.get(_url(event, "seating/availability.json" + q)).json()
    assert mine["seats"]["d1-r1-s2"] == "m"
    assert theirs["seats"]["d1-r1-s2"] == "x"
    assert theirs["free"] == 35  # 36 seats, one held

    # the other customer tries the same seat: pretix's own "already taken" message
    r = _add(other, event, sailing.subevent, {"d1-r1-s2": products["Window"]})
    assert "уже занято" in r.content.decode() or "already been taken" in r.content.decode()
    assert CartPosition.objects.filter(seat__seat_guid="d1-r1-s2").count() == 1


def test_expired_cart_frees_the_seat(seated):
    _v, event, sailing, products = seated
    buyer = Client()
    _add(buyer, event, sailing.subevent, {"d1-r1-s2": products["Window"]})
    CartPosition.objects.update(expires=now() - timedelta(minutes=1))
    r = Client().get(_url(event, f"seating/availability.json?subevent={sailing.subevent_id}"))
    assert r.json()["seats"]["d1-r1-s2"] == "f"


def test_check_endpoint_reports_taken_and_rule_errors(seated):
    _v, event, sailing, products = seated
    holder = Client()
    _add(holder, event, sailing.subevent, {"d1-r2-s1": products["Standard"]})
    q = f"?subevent={sailing.subevent_id}"
    c = Client()
    r = c.get(_url(event, "seating/check.json" + q + "&seat=d1-r2-s1"), HTTP_ACCEPT_LANGUAGE="en").json()
    assert r == {"ok": False, "taken": ["d1-r2-s1"], "errors": []}
    r = c.get(_url(event, "seating/check.json" + q + "&seat=d1-r2-s3"), HTTP_ACCEPT_LANGUAGE="en").json()
    assert r["ok"] is False and "single empty seat" in r["errors"][0]
    r = c.get(_url(event, "seating/check.json" + q + "&seat=d1-r2-s2&seat=d1-r2-s3")).json()
    assert r["ok"] is True


def test_public_map_endpoint_has_no_personal_data(seated):
    _v, event, sailing, products = seated
    r = Client().get(_url(event, f"seating/map.json?subevent={sailing.subevent_id}"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert r.status_code == 200 and "public" in r["Cache-Control"]
    data = r.json()
    assert data["decks"][0]["label"] == "主甲板" and len(data["seats"]) == 36
    assert Client().get(_url(event, "seating/map.json?subevent=999999")).status_code == 404
    assert Client().get(_url(event, "seating/map.json")).status_code == 404


def test_pretix_seating_frame_shows_the_picker(seated):
    _v, event, sailing, _products = seated
    r = Client().get(_url(event, f"{sailing.subevent_id}/seatingframe/"))
    assert r.status_code == 200 and 'id="ts-picker"' in r.content.decode()


@pytest.mark.parametrize("raw", ["9" * 30, "²", "-1", "1e5", "abc"])
@pytest.mark.parametrize("path", ["seating/availability.json", "seating/check.json", "seating/map.json"])
def test_odd_date_ids_are_a_404_not_a_server_error(seated, raw, path):
    """Issue 22, finding 6: a 30-digit id overflowed the database query and "²" passed isdigit() (500s)."""
    _v, event, _sailing, _products = seated
    r = Client().get(_url(event, f"{path}?subevent={raw}"))
    assert r.status_code == 404


def test_seat_picker_kill_switch_shows_a_notice_and_the_endpoints_answer_503(seated):
    from ticketing_core import flags

    _v, event, sailing, _products = seated
    admin = factories.make_admin(event.organizer, "flags@example.org")
    flags.switch("seat_picker", False, admin, reason="picker broken on iOS")
    client = Client()
    html = client.get(_url(event, f"{sailing.subevent_id}/"), HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert 'id="ts-picker"' not in html and 'id="seat-picker-unavailable"' in html
    assert "временно недоступен" in html
    r = client.get(_url(event, f"seating/availability.json?subevent={sailing.subevent_id}"))
    assert r.status_code == 503 and r.json()["ok"] is False
    flags.switch("seat_picker", True, admin)
    html = client.get(_url(event, f"{sailing.subevent_id}/")).content.decode()
    assert 'id="ts-picker"' in html and 'id="seat-picker-unavailable"' not in html
    assert client.get(_url(event, f"seating/availability.json?subevent={sailing.subevent_id}")).status_code == 200


@pytest.mark.parametrize("lang,deck", [("zh-hans", "主甲板"), ("en", "Main deck")])
def test_cart_names_the_seats_deck_in_the_shoppers_language(seated, lang, deck):
    """
    pretix writes a seat in its cart, checkout and order lines as the deck name staff typed ("Главная палуба"):
    on Chinese and English pages the deck is named as the seat map's labels name it.
    """
    _v, event, sailing, products = seated
    buyer = Client(HTTP_ACCEPT_LANGUAGE=lang)
    buyer.get(_url(event, f"{sailing.subevent_id}/"))
    html = _add(buyer, event, sailing.subevent, {"d1-r2-s3": products["Standard"]}).content.decode()
    assert 'class="cart-icon-details"' in html
    assert deck in html.split('class="cart-icon-details"')[1].split("</dd>")[0]
    assert "Главная палуба" not in html
    ru = Client(HTTP_ACCEPT_LANGUAGE="ru")
    ru.get(_url(event, f"{sailing.subevent_id}/"))
    assert "Главная палуба" in _add(ru, event, sailing.subevent, {"d1-r2-s4": products["Standard"]}).content.decode()
