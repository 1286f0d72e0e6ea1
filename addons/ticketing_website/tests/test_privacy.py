"""152-FZ: the policy and its versions, consents at registration and checkout, data export, account deletion."""
import json
import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils.formats import date_format
from django.utils.timezone import localtime, now
from django.utils.translation import override

from pretix.base.models import Customer, InvoiceAddress, Order
from pretix.base.signals import order_placed

from ticketing_core.notifications.models import ContactPreference, Notification
from ticketing_core.testing import factories
from ticketing_core.testing.fixtures import login
from ticketing_website.privacy.consent import FIELD, VERSION_FIELD
from ticketing_website.privacy.models import Consent, PolicyVersion
from ticketing_website.privacy.policy import current_version, version_of
from ticketing_website.privacy.receivers import checkout_consent_field
from ticketing_website.testing import PASSWORD, adult

pytestmark = pytest.mark.django_db


# ------------------------------------------------------------------------------------------------ policy and versions

def test_the_version_changes_exactly_when_the_text_changes(account_shop):
    first = current_version(account_shop)
    assert current_version(account_shop) == first
    assert version_of({"ru": "a", "en": "b"}) == version_of({"en": "b", "ru": "a"})
    text = dict(account_shop.settings.ticketing_privacy_policy.data)
    text["zh-hans"] += " 更新"
    account_shop.settings.ticketing_privacy_policy = text
    second = current_version(account_shop)
    assert second.version != first.version and second.text["zh-hans"].endswith("更新")
    assert PolicyVersion.objects.filter(organizer=account_shop).count() == 2


def test_a_committed_version_is_served_from_the_organizer_cache_and_a_rolled_back_one_never(
        account_shop, settings, django_capture_on_commit_callbacks, django_assert_num_queries):
    """Issue 21: every checkout step asked the database for the version in force; a committed one is cached."""
    from django.core.cache import cache

    from pretix.base.models import Organizer

    from ticketing_website.privacy.policy import VERSION_CACHE_KEY, find_version

    settings.CACHES = {**settings.CACHES, "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "privacy-versions"}}
    settings.REAL_CACHE_USED = True
    cache.clear()
    created = current_version(account_shop)
    key = VERSION_CACHE_KEY.format(created.version)
    with django_capture_on_commit_callbacks(execute=False):  # found, but its transaction never commits
        assert find_version(Organizer.objects.get(pk=account_shop.pk), created.version) == created
    assert account_shop.cache.get(key) is None  # so a rolled-back row is never remembered
    with django_capture_on_commit_callbacks(execute=True):  # found and committed: remembered
        found = find_version(Organizer.objects.get(pk=account_shop.pk), created.version)
    assert found == created and account_shop.cache.get(key) == created
    fresh = Organizer.objects.get(pk=account_shop.pk)  # the next request's organizer object
    with django_assert_num_queries(0):
        assert find_version(fresh, created.version) == created
    cache.clear()


def _edition_date(organizer) -> str:
    """The policy edition's date as the customer reads it (the organizer's time zone, the active language)."""
    created = localtime(current_version(organizer).created, ZoneInfo(organizer.settings.timezone))
    return date_format(created, "DATE_FORMAT")


@pytest.mark.parametrize(("lang", "words"), [
    ("ru", "Оператор — ООО «Нева Круиз»"), ("en", "The operator is Neva Cruise"), ("zh-hans", "运营方为")])
def test_public_policy_page_in_every_language(client, account_shop, lang, words):
    resp = client.get(f"/{account_shop.slug}/privacy", HTTP_ACCEPT_LANGUAGE=lang)
    html = resp.content.decode()
    assert resp.status_code == 200 and words in html
    # customers read the edition's date, never the hash that identifies the wording internally
    assert current_version(account_shop).version not in html
    with override(lang):
        assert _edition_date(account_shop) in html


def test_policy_page_is_404_without_the_plugin(client, account_shop):
    account_shop.plugins = "ticketing_core"
    account_shop.save()
    assert client.get(f"/{account_shop.slug}/privacy").status_code == 404


def test_staff_edit_the_policy_in_three_languages_and_a_new_version_is_logged(client, account_shop, admin):
    login(client, admin)
    url = f"/control/organizer/{account_shop.slug}/privacy/"
    page = client.get(url).content.decode()
    names = {lang: name for name, lang in re.findall(
        r'name="(ticketing_privacy_policy_\d)"[^>]*lang="([a-z-]+)"', page)}
    texts = {"ru": "Новый текст", "en": "New text", "zh-hans": "新文本"}
    resp = client.post(url, {names[lang]: text for lang, text in texts.items()})
    assert resp.status_code == 302, resp.content.decode()[-2000:]
    version = current_version(account_shop)
    assert version.text == {"ru": "Новый текст", "en": "New text", "zh-hans": "新文本"}
    entry = account_shop.all_logentries().get(action_type="ticketing_website.privacy.policy_changed")
    assert entry.parsed_data["version"] == version.version
    assert version.version in entry.display()


def test_staff_find_the_consents_of_a_person_by_email_or_order_code(client, account_shop, admin, series, sailing):
    order = factories.make_order(series, sailing.subevent, [adult(series)], email="vera@example.org")
    _placed(order, version=current_version(account_shop).version)
    login(client, admin)
    url = f"/control/organizer/{account_shop.slug}/privacy/"
    for q in ("Vera@example.org", order.code.lower()):
        html = client.get(url, {"q": q}).content.decode()
        assert 'id="ticketing-consents-found"' in html and order.code in html, q
    assert 'id="ticketing-consents-found"' not in client.get(url, {"q": "nobody@example.org"}).content.decode()


def test_the_policy_needs_its_russian_text(client, account_shop, admin):
    login(client, admin)
    resp = client.post(f"/control/organizer/{account_shop.slug}/privacy/", {"ticketing_privacy_policy_0": "Only one"})
    assert resp.status_code == 200 and "на русском" in resp.content.decode()


def test_staff_without_settings_permission_cannot_edit_the_policy(client, account_shop):
    from pretix.base.models import Team, User

    user = User.objects.create_user("clerk@example.org", "admin-password-123")
    team = Team.objects.create(organizer=account_shop, name="Кассиры", all_events=True, all_event_permissions=True)
    team.members.add(user)
    login(client, user)
    assert client.get(f"/control/organizer/{account_shop.slug}/privacy/").status_code in (403, 404)


# ------------------------------------------------------------------------------------------------ checkout consent

def test_checkout_asks_for_a_required_consent_with_the_version_shown(account_shop, series):
    fields = checkout_consent_field(series)
    assert fields[FIELD].required
    assert f"/{account_shop.slug}/privacy" in str(fields[FIELD].label)
    assert fields[VERSION_FIELD].initial == current_version(account_shop).version


def test_checkout_without_the_consent_gets_a_clear_translated_error(account_shop, series):
    from django import forms
    from django.utils import translation

    field = checkout_consent_field(series)[FIELD]
    with translation.override("ru"), pytest.raises(forms.ValidationError) as error:
        field.clean(False)
    assert "согласие на обработку персональных данных" in error.value.messages[0]
    assert field.clean(True) is True


def _placed(order, consent=True, version=None):
    order.meta_info = json.dumps({"contact_form_data": {
        "email": order.email, **({FIELD: True, VERSION_FIELD: version} if consent else {})}})
    order.save()
    order_placed.send(order.event, order=order, bulk=False)


def test_placed_order_keeps_the_consent_with_moment_version_and_order(account_shop, series, sailing, customer):
    version = current_version(account_shop).version
    order = factories.make_order(series, sailing.subevent, [adult(series)], status=Order.STATUS_PENDING)
    order.customer = customer
    _placed(order, version=version)
    _placed(order, version=version)  # a second signal records nothing twice
    consent = Consent.objects.get(order=order)
    assert consent.purpose == Consent.CHECKOUT and consent.customer == customer
    assert consent.policy.version == version and consent.given_at == order.datetime
    assert order.all_logentries().filter(action_type="ticketing_website.privacy.consent").count() == 1


def test_an_order_placed_with_an_old_text_keeps_the_old_version(account_shop, series, sailing):
    old = current_version(account_shop)
    account_shop.settings.ticketing_privacy_policy = {"ru": "Другой текст"}
    order = factories.make_order(series, sailing.subevent, [adult(series)], status=Order.STATUS_PENDING)
    _placed(order, version=old.version)
    assert Consent.objects.get(order=order).policy == old


def test_order_placed_without_the_checkbox_records_no_consent(account_shop, series, sailing):
    order = factories.make_order(series, sailing.subevent, [adult(series)], status=Order.STATUS_PENDING)
    _placed(order, consent=False)
    assert not Consent.objects.filter(order=order).exists()


# ------------------------------------------------------------------------------------------------ export

def test_customer_downloads_profile_orders_consents_choices_and_messages(customer_client, customer, paid_order):
    Consent.objects.create(organizer=customer.organizer, policy=current_version(customer.organizer),
                           customer=customer, purpose=Consent.REGISTRATION, given_at=now())
    ContactPreference.objects.create(customer=customer, phone="+79161234567", sms=True)
    Notification.objects.create(organizer=customer.organizer, event=paid_order.event, order=paid_order,
                                kind="reminder", channel="sms", key="r1", recipient="+79161234567", text="Завтра")
    customer.invoice_addresses.create(name_parts={"_legacy": "Анна Смирнова"}, street="Невский пр., 28",
                                      zipcode="191186", city="Санкт-Петербург", country="RU")
    resp = customer_client.get(f"/{customer.organizer.slug}/account/privacy/export")
    assert resp.status_code == 200 and resp["Content-Type"] == "application/json"
    assert "attachment" in resp["Content-Disposition"]
    data = json.loads(resp.content)
    assert data["profile"]["email"] == "anna@example.org"
    assert data["profile"]["addresses"][0]["city"] == "Санкт-Петербург"
    assert [o["code"] for o in data["orders"]] == [paid_order.code]
    assert data["orders"][0]["positions"][0]["attendee_name"] == "Иван Петров"
    assert data["consents"][0]["policy_version"] == current_version(customer.organizer).version
    assert data["notification_preferences"]["phone"] == "+79161234567"
    assert data["messages"][0]["text"] == "Завтра"
    assert customer.all_logentries().filter(action_type="ticketing_website.privacy.exported").exists()


def test_export_needs_a_login(client, account_shop):
    resp = client.get(f"/{account_shop.slug}/account/privacy/export")
    assert resp.status_code == 302 and "/account/login" in resp["Location"]


def test_privacy_page_lists_the_consents(customer_client, customer):
    Consent.objects.create(organizer=customer.organizer, policy=current_version(customer.organizer),
                           customer=customer, purpose=Consent.REGISTRATION, given_at=now())
    html = customer_client.get(f"/{customer.organizer.slug}/account/privacy", HTTP_ACCEPT_LANGUAGE="ru"
                               ).content.decode()
    assert "Регистрация" in html and current_version(customer.organizer).version not in html
    with override("ru"):
        assert _edition_date(customer.organizer) in html


# ------------------------------------------------------------------------------------------------ deletion

@pytest.fixture
def past_order(series, boat, pier, customer):
    """A trip last week, paid and taken: an accounting record."""
    sailing = factories.make_sailing(series, boat, pier, now() - timedelta(days=7))
    order = factories.make_order(series, sailing.subevent, [adult(series)], email=customer.email)
    order.customer = customer
    order.phone = "+79161234567"
    order.save()
    return order


def test_deletion_anonymises_and_keeps_the_accounting_records(customer_client, customer, past_order):
    ContactPreference.objects.create(customer=customer, phone="+79161234567", sms=True)
    Notification.objects.create(organizer=customer.organizer, event=past_order.event, order=past_order,
                                kind="reminder", channel="sms", key="r1", recipient="+79161234567", text="Завтра")
    consent = Consent.objects.create(organizer=customer.organizer, policy=current_version(customer.organizer),
                                     customer=customer, purpose=Consent.REGISTRATION, given_at=now())
    customer.invoice_addresses.create(name_parts={"_legacy": "Анна Смирнова"}, street="Невский пр., 28",
                                      zipcode="191186", city="Санкт-Петербург", country="RU")
    total, payments = past_order.total, list(past_order.payments.values_list("amount", "state"))
    resp = customer_client.post(f"/{customer.organizer.slug}/account/privacy", {"confirm": PASSWORD})
    assert resp.status_code == 302
    customer.refresh_from_db()
    assert customer.email is None and customer.name == "" and customer.phone is None and not customer.is_active
    past_order.refresh_from_db()
    assert past_order.email is None and past_order.phone is None and past_order.customer is None
    assert past_order.positions.get().attendee_name in (None, "")
    assert past_order.total == total and list(past_order.payments.values_list("amount", "state")) == payments
    assert past_order.status == Order.STATUS_PAID
    assert Notification.objects.get(key="r1").recipient == "█"
    assert not InvoiceAddress.profiles.filter(customer=customer).exists()
    assert not ContactPreference.objects.filter(customer=customer).exists()
    assert Consent.objects.filter(pk=consent.pk).exists()  # the proof the processing was lawful stays
    entry = customer.organizer.all_logentries().get(action_type="ticketing_website.privacy.account_deleted")
    assert entry.parsed_data == {"customer": customer.identifier, "orders_kept": [past_order.code]}
    # logged out and cannot log in again
    assert customer_client.get(f"/{customer.organizer.slug}/account/profile").status_code == 302
    resp = customer_client.post(f"/{customer.organizer.slug}/account/login",
                                {"email": "anna@example.org", "password": PASSWORD})
    assert resp.status_code == 200


def test_deletion_needs_the_password(customer_client, customer):
    resp = customer_client.post(f"/{customer.organizer.slug}/account/privacy", {"confirm": "wrong"},
                                HTTP_ACCEPT_LANGUAGE="ru")
    assert resp.status_code == 200 and "Неверный пароль" in resp.content.decode()
    customer.refresh_from_db()
    assert customer.is_active and customer.email == "anna@example.org"


def test_deletion_waits_for_upcoming_trips(customer_client, customer, paid_order):
    page = customer_client.get(f"/{customer.organizer.slug}/account/privacy").content.decode()
    assert 'id="ticketing-delete-upcoming"' in page and paid_order.code in page
    resp = customer_client.post(f"/{customer.organizer.slug}/account/privacy", {"confirm": PASSWORD})
    assert resp.status_code == 302
    customer.refresh_from_db()
    assert customer.is_active and customer.email == "anna@example.org"
    paid_order.refresh_from_db()
    assert paid_order.email == "anna@example.org" and paid_order.customer == customer


def test_deletion_of_another_customers_data_is_impossible(client, customer, past_order, account_shop):
    other = Customer.objects.create(organizer=account_shop, email="boris@example.org", is_active=True, is_verified=True)
    other.set_password(PASSWORD)
    other.save()
    client.post(f"/{account_shop.slug}/account/login", {"email": "boris@example.org", "password": PASSWORD})
    client.post(f"/{account_shop.slug}/account/privacy", {"confirm": PASSWORD})
    past_order.refresh_from_db()
    assert past_order.email == "anna@example.org"


def _menu_and_footer(html: str) -> tuple[str, str]:
    menu = html.split('class="subnav row"', 1)[1].split("</nav>", 1)[0] if 'class="subnav row"' in html else ""
    return menu, html.split("<footer>", 1)[1]


def test_every_shop_page_links_the_policy_and_every_account_page_has_the_whole_menu(client, customer):
    """
    The account pages are in the account menu of every account page, pretix's own included, opened in the same
    tab (pretix opens footer links in a new one); pretix's memberships and gift cards, unused here, are left out.
    """
    org = customer.organizer
    html = client.get(f"/{org.slug}/privacy").content.decode()
    # pretix sends footer links through its /redirect/ page
    assert f"url=/{org.slug}/privacy%3A" in html and "/account/privacy" not in html
    client.post(f"/{org.slug}/account/login", {"email": customer.email, "password": PASSWORD})
    wanted = [f'href="/{org.slug}/account/{page}"' for page in ("", "addresses", "profile", "privacy",
                                                               "notifications", "cases/")]
    for page in ("", "addresses", "profiles", "profile", "privacy", "notifications", "cases/"):
        menu, footer = _menu_and_footer(client.get(f"/{org.slug}/account/{page}").content.decode())
        assert all(link in menu for link in wanted), (page, menu)
        assert "/account/memberships" not in menu and "/account/giftcards" not in menu, page
        assert menu.count('class="active"') == 1 and "_blank" not in menu, page
        assert "/account/" not in footer, page


def test_staff_see_the_orders_consent_in_the_back_office(client, admin, account_shop, series, sailing):
    order = factories.make_order(series, sailing.subevent, [adult(series)], status=Order.STATUS_PENDING)
    url = f"/control/event/{account_shop.slug}/{series.slug}/orders/{order.code}/"
    login(client, admin)
    assert "ticketing-order-consent" in client.get(url).content.decode()
    _placed(order, version=current_version(account_shop).version)
    html = client.get(url).content.decode()
    assert current_version(account_shop).version in html


def test_demo_operator_gets_accounts_tickets_and_a_policy_and_keeps_staff_changes(organizer):
    from ticketing_website.demo_accounts import load_accounts_demo

    load_accounts_demo(organizer)
    s = organizer.settings
    assert s.customer_accounts and s.customer_accounts_native and s.ticket_download
    assert s.ticketing_privacy_policy.data["zh-hans"].startswith("运营方为")
    s.ticketing_privacy_policy = {"ru": "Текст оператора"}
    s.customer_accounts_link_by_email = False
    load_accounts_demo(organizer)
    assert s.ticketing_privacy_policy.data == {"ru": "Текст оператора"} and not s.customer_accounts_link_by_email
