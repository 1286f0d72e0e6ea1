"""A charter's guests board with the charter's ticket: pretixSCAN redeems it on the offer's list, once."""
import pytest
from rest_framework.test import APIClient

from pretix.base.models import Device

from ticketing_core.testing import factories

pytestmark = pytest.mark.django_db


def test_pretixscan_boards_the_charter_party_against_the_charter_order(organizer, offer, charter):
    clist = charter.checkin_lists.get()  # made with the offer, never by staff
    charter_time = offer.item
    order = factories.make_order(charter, None, [charter_time])
    ticket = order.positions.get()
    device = Device.objects.create(organizer=organizer, name="Яхта · трап", all_events=True,
                                   security_profile="pretixscan")
    app = APIClient()
    token = app.post("/api/v1/device/initialize", {
        "token": device.initialization_token, "hardware_brand": "Apple", "hardware_model": "iPhone",
        "os_name": "iOS", "os_version": "18", "software_brand": "pretixSCAN", "software_version": "1.25.0"},
        format="json").json()["api_token"]
    app.credentials(HTTP_AUTHORIZATION=f"Device {token}")
    lists = app.get(f"/api/v1/organizers/{organizer.slug}/events/{charter.slug}/checkinlists/").json()["results"]
    assert [cl["id"] for cl in lists] == [clist.pk]
    url = f"/api/v1/organizers/{organizer.slug}/checkinrpc/redeem/"
    first = app.post(url, {"secret": ticket.secret, "lists": [clist.pk]}, format="json")
    assert first.status_code == 201 and first.json()["position"]["order"] == order.code
    again = app.post(url, {"secret": ticket.secret, "lists": [clist.pk]}, format="json")
    assert again.json()["reason"] == "already_redeemed"
