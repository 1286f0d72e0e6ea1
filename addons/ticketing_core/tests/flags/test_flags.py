"""Feature flags: on by default, switched only by administrators, every switch logged, reads free of queries."""
import pytest
from django.utils.timezone import now

from pretix.base.models import LogEntry, User
from pretix.base.models.auth import StaffSession

from ticketing_core import flags
from ticketing_core.flags import store
from ticketing_core.testing.fixtures import login

pytestmark = pytest.mark.django_db
URL = "/control/global/prichal-flags/"


@pytest.fixture
def superadmin(client):
    """An administrator in pretix's admin mode (a staff session), as pretix's own global settings need."""
    user = User.objects.create_user("root@example.org", "admin-password-123", is_staff=True)
    login(client, user)
    StaffSession.objects.create(user=user, session_key=client.session.session_key, date_start=now())
    return user


def test_every_flag_is_on_by_default_and_unknown_keys_fail_loudly():
    assert set(flags.FLAGS) >= {"yookassa_checkout", "sms_sending", "seat_picker", "rentals", "b2b_invoice"}
    assert all(flags.enabled(key) for key in flags.FLAGS)
    with pytest.raises(flags.UnknownFlag):
        flags.enabled("yookasa_checkout")


def test_switching_off_takes_effect_at_once_and_leaves_a_log_entry(admin):
    assert flags.switch("yookassa_checkout", False, admin, reason="YooKassa 5xx since 14:02") is True
    assert flags.enabled("yookassa_checkout") is False
    assert flags.switch("yookassa_checkout", False, admin) is False  # no change, no second entry
    entry = LogEntry.objects.get(action_type="ticketing_core.flag.changed")
    assert entry.user == admin and entry.parsed_data == {
        "flag": "yookassa_checkout", "enabled": False, "reason": "YooKassa 5xx since 14:02"}
    assert "YooKassa 5xx since 14:02" in str(entry.display())


def test_reads_on_the_hot_path_cost_no_query(admin, django_assert_num_queries):
    flags.switch("sms_sending", False, admin)
    flags.enabled("sms_sending")  # loads this process's copy
    with django_assert_num_queries(0):
        for _ in range(100):
            assert flags.enabled("sms_sending") is False and flags.enabled("rentals") is True


def test_other_processes_see_a_switch_after_their_copy_expires(admin, monkeypatch):
    assert flags.enabled("rentals") is True
    store.save("rentals", False)  # as another process would: straight into pretix's global settings
    store._loaded_at = __import__("time").monotonic()  # this process's copy is still fresh
    assert flags.enabled("rentals") is True
    monkeypatch.setattr(store, "TTL", 0.0)
    assert flags.enabled("rentals") is False


def test_the_page_is_for_administrators_in_admin_mode_only(admin_client):
    response = admin_client.get(URL)
    assert response.status_code in (302, 403)
    response = admin_client.post(URL, {"flag": "rentals", "enabled": "0"})
    assert response.status_code in (302, 403) and flags.enabled("rentals") is True
    assert not LogEntry.objects.filter(action_type="ticketing_core.flag.changed").exists()


def test_an_administrator_switches_a_flag_on_the_page_and_sees_the_log(client, superadmin):
    page = client.get(URL)
    html = page.content.decode()
    assert page.status_code == 200 and 'data-flag="yookassa_checkout"' in html
    response = client.post(URL, {"flag": "yookassa_checkout", "enabled": "0", "reason": "webhooks down"})
    assert response.status_code == 302 and flags.enabled("yookassa_checkout") is False
    html = client.get(URL).content.decode()
    assert "webhooks down" in html and "root@example.org" in html
    assert client.post(URL, {"flag": "no_such_flag", "enabled": "0"}).status_code == 400
    client.post(URL, {"flag": "yookassa_checkout", "enabled": "1"})
    assert flags.enabled("yookassa_checkout") is True
    assert LogEntry.objects.filter(action_type="ticketing_core.flag.changed").count() == 2
