"""Capacity guard: a sailing never sells more passenger places than its vessel's certificate."""
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils.timezone import now
from django.utils.translation import override

from pretix.base.models import Item, Quota

from ticketing_core.errors import CapacityError
from ticketing_core.fleet.capacity import sold_places
from ticketing_core.fleet.sailings import save_sailing
from ticketing_core.models import Sailing
from ticketing_core.testing import factories

pytestmark = pytest.mark.django_db


def test_managed_quota_is_vessel_capacity_over_admission_products_only(sailing, series):
    quota = Sailing.objects.get(pk=sailing.pk).quota
    assert quota.size == 60
    assert quota.subevent == sailing.subevent
    assert set(quota.items.all()) == set(series.items.filter(admission=True))
    assert not quota.items.filter(admission=False).exists()


def test_lower_sellable_capacity_shrinks_the_quota(sailing, boat, pier):
    save_sailing(sailing.event, sailing.subevent, vessel=boat, departure_pier=pier, arrival_pier=pier,
                 duration=sailing.duration, sellable_capacity=40)
    assert Sailing.objects.get(pk=sailing.pk).quota.size == 40


def test_sellable_capacity_above_certificate_is_refused_naming_the_numbers(sailing, boat, pier):
    with override("en"), pytest.raises(CapacityError) as e:
        save_sailing(sailing.event, sailing.subevent, vessel=boat, departure_pier=pier, arrival_pier=pier,
                     duration=sailing.duration, sellable_capacity=61)
    assert "61" in str(e.value) and "60" in str(e.value)
    assert Sailing.objects.get(pk=sailing.pk).quota.size == 60


def test_moving_to_a_smaller_vessel_than_sold_is_refused(sailing, series, organizer, pier):
    adult = series.items.get(default_price=Decimal("1500.00"))
    for _ in range(13):
        factories.make_order(series, sailing.subevent, [adult])
    yacht = factories.make_vessel(organizer, "Аврора", capacity=12)
    with override("ru"), pytest.raises(CapacityError) as e:
        save_sailing(series, sailing.subevent, vessel=yacht, departure_pier=pier, arrival_pier=pier,
                     duration=sailing.duration)
    assert "13" in str(e.value) and "12" in str(e.value)
    assert Sailing.objects.get(pk=sailing.pk).vessel.capacity == 60


def test_moving_to_a_vessel_that_fits_the_sold_places_is_allowed(sailing, series, organizer, pier):
    adult = series.items.get(default_price=Decimal("1500.00"))
    for _ in range(12):
        factories.make_order(series, sailing.subevent, [adult])
    yacht = factories.make_vessel(organizer, "Аврора", capacity=12)
    save_sailing(series, sailing.subevent, vessel=yacht, departure_pier=pier, arrival_pier=pier,
                 duration=sailing.duration)
    s = Sailing.objects.get(pk=sailing.pk)
    assert s.quota.size == 12 and sold_places(s) == 12


def test_add_ons_are_not_passengers(sailing, series):
    wine = series.items.get(admission=False)
    factories.make_order(series, sailing.subevent, [wine, wine])
    assert sold_places(Sailing.objects.get(pk=sailing.pk)) == 0


def test_saving_the_managed_quota_larger_is_refused(sailing):
    quota = Quota.objects.get(pk=sailing.quota_id)
    quota.size = 61
    with override("en"), pytest.raises(CapacityError) as e:
        quota.save()
    assert "60" in str(e.value) and "61" in str(e.value)
    quota.size = None
    with pytest.raises(CapacityError):
        quota.save()
    quota.size = 50
    quota.save()  # smaller is fine


def test_other_quotas_stay_free_to_edit(sailing, series):
    q = Quota.objects.create(event=series, subevent=sailing.subevent, name="Promo", size=500)
    q.size = 1000
    q.save()


def test_new_admission_product_joins_the_managed_quota(sailing, series):
    senior = Item.objects.create(event=series, name={"ru": "Пенсионный"}, default_price=Decimal("1100.00"),
                                 admission=True)
    assert Sailing.objects.get(pk=sailing.pk).quota.items.filter(pk=senior.pk).exists()


def test_quota_edit_page_refuses_a_larger_managed_quota_with_a_message(admin_client, sailing, series, organizer):
    quota = Quota.objects.get(pk=sailing.quota_id)
    url = f"/control/event/{organizer.slug}/{series.slug}/quotas/{quota.pk}/change"
    resp = admin_client.get(url)
    assert resp.status_code == 200
    resp = admin_client.post(url, {
        "name": quota.name, "size": "999", "subevent": sailing.subevent_id,
        "itemvars": [str(i.pk) for i in quota.items.all()],
    }, follow=True)
    assert resp.status_code == 200
    quota.refresh_from_db()
    assert quota.size == 60
    assert "999" in resp.content.decode()


def test_vessel_capacity_cannot_shrink_below_sold_places(sailing, series, boat):
    from ticketing_core.fleet.forms import VesselForm

    adult = series.items.get(default_price=Decimal("1500.00"))
    for _ in range(3):
        factories.make_order(series, sailing.subevent, [adult])
    data = {"name_0": str(boat.name), "registration_number": boat.registration_number, "vessel_type": boat.vessel_type,
            "capacity": 2, "seating_mode": boat.seating_mode, "active": "on"}
    form = VesselForm(data=data, instance=boat, organizer=boat.organizer)
    assert not form.is_valid()
    assert "capacity" in form.errors
    data["capacity"] = 3
    assert VesselForm(data=data, instance=boat, organizer=boat.organizer).is_valid()


def test_single_event_sailing_uses_the_event_date(organizer, boat, pier):
    from pretix.base.models import Event

    event = Event.objects.create(organizer=organizer, name="Чартер", slug="charter", currency="RUB",
                                 date_from=now() + timedelta(days=5))
    Item.objects.create(event=event, name="Место", default_price=Decimal("500.00"), admission=True)
    s = save_sailing(event, None, vessel=boat, departure_pier=pier, arrival_pier=pier,
                     duration=timedelta(hours=2))
    assert s.start == event.date_from and s.quota.subevent is None and s.quota.size == 60


def test_drink_becoming_admission_joins_and_leaving_admission_leaves(sailing, series):
    wine = series.items.get(admission=False)
    wine.admission = True
    wine.save()
    assert Sailing.objects.get(pk=sailing.pk).quota.items.filter(pk=wine.pk).exists()
    wine.admission = False
    wine.save()
    assert not Sailing.objects.get(pk=sailing.pk).quota.items.filter(pk=wine.pk).exists()


def test_new_variation_of_a_passenger_product_joins_the_managed_quota(sailing, series):
    adult = series.items.get(default_price=Decimal("1500.00"))
    v = adult.variations.create(value={"ru": "Верхняя палуба"})
    assert Sailing.objects.get(pk=sailing.pk).quota.variations.filter(pk=v.pk).exists()
