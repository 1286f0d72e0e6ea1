"""Settings (organizer-wide, overridable per event), the connection check, and what staff see on an order."""
import pytest

from ticketing_yoomoney.payment import credentials_of
from ticketing_yoomoney.views.control import connection_report

from .conftest import SECRET, SHOP_ID, configure

pytestmark = pytest.mark.django_db


def org_url(organizer) -> str:
    return f"/control/organizer/{organizer.slug}/yookassa/"


def test_organizer_settings_are_inherited_by_events_and_can_be_overridden(admin_client, organizer, series, emulator):
    r = admin_client.get(org_url(organizer))
    assert r.status_code == 200 and "/_yookassa/webhook/" in r.content.decode()
    r = admin_client.post(org_url(organizer), {
        "payment_yookassa_shop_id": SHOP_ID, "payment_yookassa_secret_key": SECRET,
        "payment_yookassa_test_mode": "on", "payment_yookassa_api_url": emulator.api_url,
        "payment_yookassa_vat_code": "auto", "payment_yookassa_payment_subject": "service",
        "payment_yookassa_reconcile_minutes": "10",
    })
    assert r.status_code == 302
    organizer.settings.flush()
    assert organizer.settings.payment_yookassa_shop_id == SHOP_ID
    provider = series.get_payment_providers()["yookassa"]
    assert provider.credentials.shop_id == SHOP_ID and provider.credentials.secret_key == SECRET
    series.settings.payment_yookassa_vat_code = "11"
    assert provider.settings.get("vat_code") == "11"
    assert organizer.all_logentries().filter(action_type="ticketing_yoomoney.settings.changed").exists()
    # the secret is never shown back
    assert SECRET not in admin_client.get(org_url(organizer)).content.decode()


@pytest.mark.parametrize("data,message", [
    ({"payment_yookassa_shop_id": "shop-1"}, "123456"),
    ({"payment_yookassa_secret_key": "sk_123"}, "live_"),
    ({"payment_yookassa_shop_id": "1", "payment_yookassa_secret_key": "live_abc", "payment_yookassa_test_mode": "on"},
     "test_"),
])
def test_bad_settings_get_clear_messages(admin_client, organizer, data, message):
    r = admin_client.post(org_url(organizer), {"payment_yookassa_vat_code": "auto", **data})
    assert r.status_code == 200 and message in r.content.decode()


def test_check_connection_in_plain_words(organizer, emulator):
    configure(organizer, emulator)
    from pretix.base.settings import SettingsSandbox

    creds = credentials_of(SettingsSandbox("payment", "yookassa", organizer))
    ok, text = connection_report(creds, test_mode=True)
    assert ok and SHOP_ID in text
    ok, text = connection_report(creds, test_mode=False)
    assert not ok
    bad = creds.__class__(shop_id=SHOP_ID, secret_key="test_wrong", api_url=emulator.api_url)
    ok, text = connection_report(bad, test_mode=True)
    assert not ok and SHOP_ID in text and "test_wrong" not in text
    down = creds.__class__(shop_id=SHOP_ID, secret_key=SECRET, api_url="http://127.0.0.1:9/v3")
    ok, text = connection_report(down, test_mode=True)
    assert not ok and "127.0.0.1:9" in text


def test_check_connection_buttons(admin_client, organizer, series, emulator):
    configure(organizer, emulator)
    r = admin_client.get(f"/control/event/{organizer.slug}/{series.slug}/settings/payment/yookassa")
    assert r.status_code == 200
    check = f"/control/event/{organizer.slug}/{series.slug}/yookassa/check/"
    assert check in r.content.decode()
    r = admin_client.post(check, follow=True)
    assert SHOP_ID in r.content.decode()
    r = admin_client.post(org_url(organizer), {
        "payment_yookassa_shop_id": SHOP_ID, "payment_yookassa_secret_key": "*****", "payment_yookassa_test_mode": "on",
        "payment_yookassa_api_url": emulator.api_url, "payment_yookassa_vat_code": "auto", "check": "1"}, follow=True)
    assert SHOP_ID in r.content.decode()
    organizer.settings.flush()
    assert organizer.settings.payment_yookassa_secret_key == SECRET  # the mask did not overwrite the key


def test_order_page_shows_the_yookassa_details(admin_client, pending_order, paid):
    payment = paid
    r = admin_client.get(f"/control/event/{pending_order.event.organizer.slug}/{pending_order.event.slug}/orders/"
                         f"{pending_order.code}/")
    content = r.content.decode()
    assert payment.info_data["id"] in content and "data-clipboard-text" in content
    assert "4477" in content and "555555" not in content  # only the mask, never more of the card
